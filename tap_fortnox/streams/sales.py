"""Sales: customers, articles and their prices, invoices, orders, offers, contracts (with their
rows), invoice payments, tax reductions and invoice accruals.

Full detail records everywhere (list items are partial), incremental on `lastmodified`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from singer_sdk.helpers.types import Context

from tap_fortnox import downloads
from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID, FortnoxStream
from tap_fortnox.documents import DocumentStream, RowStream
from tap_fortnox.sdk import override


class CustomersStream(FortnoxStream):
    name = "customers"
    scope = "customer"
    sort_by = "customernumber"
    deletable = True
    path = "/customers"
    records_key = "Customers"
    detail_key = "Customer"
    detail_path = "/customers/{CustomerNumber}"
    fetch_details = True  # a list item has 10 of the customer's ~60 fields
    primary_keys = (TENANT_ID, "customer_number")
    replication_key = SYNC_STARTED_AT


class ArticlesStream(FortnoxStream):
    name = "articles"
    scope = "article"
    sort_by = "articlenumber"
    deletable = True
    path = "/articles"
    records_key = "Articles"
    detail_key = "Article"
    detail_path = "/articles/{ArticleNumber}"
    fetch_details = True
    primary_keys = (TENANT_ID, "article_number")
    replication_key = SYNC_STARTED_AT


class InvoicesStream(DocumentStream):
    name = "invoices"
    scope = "invoice"
    final_when = ("Booked", "Cancelled")
    sort_by = "documentnumber"
    path = "/invoices"
    records_key = "Invoices"
    detail_key = "Invoice"
    detail_path = "/invoices/{DocumentNumber}"
    rows_key = "InvoiceRows"
    primary_keys = (TENANT_ID, "document_number")
    replication_key = SYNC_STARTED_AT
    tap_fields: ClassVar[dict[str, dict[str, Any]]] = downloads.PDF_FIELDS

    @override
    def post_process(
        self, row: dict[str, Any], context: Context | None = None
    ) -> dict[str, Any] | None:
        record = super().post_process(row, context)
        if record is not None:  # the PDF, with download_invoice_pdfs (downloads.py)
            downloads.attach_invoice_pdf(self, record)
        return record


class InvoiceRowsStream(RowStream):
    name = "invoice_rows"
    parent_stream_type = InvoicesStream
    primary_keys = (TENANT_ID, "document_number", "row_index")


class InvoicePaymentsStream(FortnoxStream):
    name = "invoice_payments"
    scope = "payment"
    deletable = True
    path = "/invoicepayments"
    records_key = "InvoicePayments"
    detail_key = "InvoicePayment"
    detail_path = "/invoicepayments/{Number}"
    fetch_details = True
    primary_keys = (TENANT_ID, "number")
    replication_key = SYNC_STARTED_AT


class OrdersStream(DocumentStream):
    name = "orders"
    scope = "order"
    final_when = ("Cancelled", "InvoiceReference")
    sort_by = "documentnumber"
    path = "/orders"
    records_key = "Orders"
    detail_key = "Order"
    detail_path = "/orders/{DocumentNumber}"
    rows_key = "OrderRows"
    primary_keys = (TENANT_ID, "document_number")
    replication_key = SYNC_STARTED_AT


class OrderRowsStream(RowStream):
    name = "order_rows"
    parent_stream_type = OrdersStream
    primary_keys = (TENANT_ID, "document_number", "row_index")


class OffersStream(DocumentStream):
    name = "offers"
    scope = "offer"
    final_when = ("Cancelled",)  # one that became an order can still be edited [U]
    path = "/offers"
    records_key = "Offers"
    detail_key = "Offer"
    detail_path = "/offers/{DocumentNumber}"
    rows_key = "OfferRows"
    primary_keys = (TENANT_ID, "document_number")
    replication_key = SYNC_STARTED_AT


class OfferRowsStream(RowStream):
    name = "offer_rows"
    parent_stream_type = OffersStream
    primary_keys = (TENANT_ID, "document_number", "row_index")


class ContractsStream(DocumentStream):
    name = "contracts"
    scope = "invoice"
    path = "/contracts"
    records_key = "Contracts"
    detail_key = "Contract"
    detail_path = "/contracts/{DocumentNumber}"
    rows_key = "InvoiceRows"
    primary_keys = (TENANT_ID, "document_number")
    replication_key = SYNC_STARTED_AT


class ContractRowsStream(RowStream):
    name = "contract_rows"
    parent_stream_type = ContractsStream
    primary_keys = (TENANT_ID, "document_number", "row_index")


class ContractTemplatesStream(FortnoxStream):
    """Templates new contracts start from (a small register; `lastmodified` is rejected). The
    list item names the number `ContractTemplate`, the detail `TemplateNumber`."""

    name = "contract_templates"
    scope = "invoice"
    path = "/contracttemplates"
    records_key = "ContractTemplates"
    detail_key = "ContractTemplate"
    detail_path = "/contracttemplates/{ContractTemplate}"
    fetch_details = True  # a list item has 4 of ~15 fields
    primary_keys = (TENANT_ID, "template_number")


class TaxReductionsStream(FortnoxStream):
    """ROT/RUT tax reductions on invoices, orders and offers."""

    name = "tax_reductions"
    scope = "invoice"
    path = "/taxreductions"
    records_key = "TaxReductions"
    detail_key = "TaxReduction"
    detail_path = "/taxreductions/{Id}"
    fetch_details = True
    primary_keys = (TENANT_ID, "id")
    replication_key = SYNC_STARTED_AT


class InvoiceAccrualsStream(FortnoxStream):
    """Accrual plans of invoices (their rows stay a nested array)."""

    name = "invoice_accruals"
    scope = "invoice"
    path = "/invoiceaccruals"
    records_key = "InvoiceAccruals"
    detail_key = "InvoiceAccrual"
    detail_path = "/invoiceaccruals/{InvoiceNumber}"
    fetch_details = True  # a list item has 4 fields
    primary_keys = (TENANT_ID, "invoice_number")
    replication_key = SYNC_STARTED_AT


class PricesStream(FortnoxStream):
    """Every price of every price list, from the paged `/3/prices` list: one request per 500
    prices, where `/3/prices/sublist/{PriceList}/{ArticleNumber}` would be one request per price
    list and article. List items carry price list, article, from-quantity and price; the
    detail's `date` and `percent` would cost a request per price, so they stay null."""

    name = "prices"
    scope = "price"
    deletable = True
    path = "/prices"
    records_key = "Prices"
    detail_key = "Price"
    detail_path = "/prices/{PriceList}/{ArticleNumber}/{FromQuantity}"
    primary_keys = (TENANT_ID, "price_list", "article_number", "from_quantity")
    replication_key = SYNC_STARTED_AT
