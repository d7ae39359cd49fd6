"""Purchasing: suppliers, supplier invoices (with rows), supplier invoice payments and accruals.

Full detail records (list items are partial), incremental on `lastmodified`; where an endpoint
rejects the filter (error 2000588) a sync turns into a full read.
"""

from __future__ import annotations

from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID, FortnoxStream
from tap_fortnox.documents import DocumentStream, RowStream


class SuppliersStream(FortnoxStream):
    name = "suppliers"
    scope = "supplier"
    deletable = True
    path = "/suppliers"
    records_key = "Suppliers"
    detail_key = "Supplier"
    detail_path = "/suppliers/{SupplierNumber}"
    fetch_details = True
    primary_keys = (TENANT_ID, "supplier_number")
    replication_key = SYNC_STARTED_AT


class SupplierInvoicesStream(DocumentStream):
    name = "supplier_invoices"
    scope = "supplierinvoice"
    final_when = ("Booked", "Cancelled")
    path = "/supplierinvoices"
    records_key = "SupplierInvoices"
    detail_key = "SupplierInvoice"
    detail_path = "/supplierinvoices/{GivenNumber}"
    rows_key = "SupplierInvoiceRows"
    primary_keys = (TENANT_ID, "given_number")
    replication_key = SYNC_STARTED_AT


class SupplierInvoiceRowsStream(RowStream):
    name = "supplier_invoice_rows"
    parent_stream_type = SupplierInvoicesStream
    primary_keys = (TENANT_ID, "given_number", "row_index")


class SupplierInvoicePaymentsStream(FortnoxStream):
    name = "supplier_invoice_payments"
    scope = "payment"
    deletable = True
    path = "/supplierinvoicepayments"
    records_key = "SupplierInvoicePayments"
    detail_key = "SupplierInvoicePayment"
    detail_path = "/supplierinvoicepayments/{Number}"
    fetch_details = True
    primary_keys = (TENANT_ID, "number")
    replication_key = SYNC_STARTED_AT


class SupplierInvoiceAccrualsStream(FortnoxStream):
    """Accrual plans of supplier invoices (their rows stay a nested array)."""

    name = "supplier_invoice_accruals"
    scope = "supplierinvoice"
    path = "/supplierinvoiceaccruals"
    records_key = "SupplierInvoiceAccruals"
    detail_key = "SupplierInvoiceAccrual"
    detail_path = "/supplierinvoiceaccruals/{SupplierInvoiceNumber}"
    fetch_details = True
    primary_keys = (TENANT_ID, "supplier_invoice_number")
    replication_key = SYNC_STARTED_AT
