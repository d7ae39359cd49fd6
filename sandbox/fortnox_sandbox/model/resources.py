"""The Fortnox list/detail endpoints the sandbox serves, with their selectors, keys and quirks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Resource:
    name: str  # path segment after /3/, e.g. "invoices"
    selector: str  # key of the list in a list response, e.g. "Invoices"
    item: str  # key of the object in a detail response, e.g. "Invoice"
    schema: str  # OpenAPI schema of the detail body (without "fortnox_")
    list_schema: str  # OpenAPI schema of a list item
    key: str  # the detail field that identifies a record
    scope: str  # the OAuth scope (and licence) the endpoint needs
    # list field -> detail field, or a function of the detail record for list-only fields
    renames: dict[str, str | Callable[[dict], Any]] = field(default_factory=dict)
    lastmodified: bool = True  # False: `lastmodified` is answered with error 2000588
    meta: bool = True  # False: no MetaInformation in the list response
    paged: bool = True  # False: `limit` and `page` are ignored, everything in one response
    per_year: bool = False  # records belong to a financial year (`financialyear` parameter)
    # sortby value (lower case; the API compares case-insensitively) -> detail field. The values
    # are those of the OpenAPI document's sortby enums and, marked [U], of the SDKs' sort lists.
    sort: dict[str, str] = field(default_factory=dict)
    # sortby values whose order is the position order (keys and dates grow with the position):
    # served by index arithmetic like an unsorted list, without a scan
    sort_by_position: frozenset[str] = frozenset()
    # The object the list sits in (`{"CustomerReference": {"CustomerReferenceRows": [...]}}`)
    wrapper: str | None = None


def _has_write_offs(detail: dict) -> bool:
    return bool(detail.get("WriteOffs"))


def _contract_status(detail: dict) -> str:
    if not detail.get("Active"):
        return "INACTIVE"
    return "FINISHED" if detail.get("InvoicesRemaining") in ("0", 0) else "ACTIVE"


def _r(
    name: str,
    item: str,
    key: str,
    scope: str,
    *,
    selector: str | None = None,
    schema: str | None = None,
    list_schema: str | None = None,
    **options: Any,
) -> Resource:
    """A row of the table below. By default the list selector is the item's plural (item + "s"),
    the detail schema is the item and the list item schema is "<item>ListItem"."""
    return Resource(
        name,
        selector or f"{item}s",
        item,
        schema or item,
        list_schema or f"{item}ListItem",
        key,
        scope,
        **options,
    )


def _by_position(*values: str) -> frozenset[str]:
    return frozenset(values)


_PHONE = {"Phone": "Phone1"}  # the list's Phone is the detail's Phone1
_BY_CODE = {"code": "Code"}  # [U]: the SDKs' sort list for registers keyed by a code
_NOT_PAGED = {"meta": False, "paged": False}

RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        _r(
            "customers",
            "Customer",
            "CustomerNumber",
            "customer",
            renames=_PHONE,
            sort={"customernumber": "CustomerNumber", "name": "Name"},
            sort_by_position=_by_position("customernumber"),
        ),
        _r(
            "suppliers",
            "Supplier",
            "SupplierNumber",
            "supplier",
            renames=_PHONE,
            sort={"name": "Name", "suppliernumber": "SupplierNumber"},
            sort_by_position=_by_position("suppliernumber"),
        ),
        _r(
            "articles",
            "Article",
            "ArticleNumber",
            "article",
            sort={
                "articlenumber": "ArticleNumber",
                "quantityinstock": "QuantityInStock",
                "reservedquantity": "ReservedQuantity",
                "stockvalue": "StockValue",
            },
            sort_by_position=_by_position("articlenumber"),
        ),
        _r(
            "invoices",
            "Invoice",
            "DocumentNumber",
            "invoice",
            sort={
                "customername": "CustomerName",
                "customernumber": "CustomerNumber",
                "documentnumber": "DocumentNumber",
                "invoicedate": "InvoiceDate",
                "ocr": "OCR",
                "total": "Total",
            },
            sort_by_position=_by_position("documentnumber", "invoicedate"),
        ),
        _r(
            "invoicepayments",
            "InvoicePayment",
            "Number",
            "payment",
            renames={"WriteOffExist": _has_write_offs},
            sort={"paymentdate": "PaymentDate", "number": "Number"},  # number [U]
            sort_by_position=_by_position("paymentdate", "number"),
        ),
        _r(
            "supplierinvoices",
            "SupplierInvoice",
            "GivenNumber",
            "supplierinvoice",
            renames={"Cancel": "Cancelled"},
            sort={"givennumber": "GivenNumber", "invoicedate": "InvoiceDate"},  # [U]
            sort_by_position=_by_position("givennumber", "invoicedate"),
        ),
        _r(
            "supplierinvoicepayments",
            "SupplierInvoicePayment",
            "Number",
            "payment",
            renames={"WriteOffExist": _has_write_offs},
            sort={"number": "Number", "paymentdate": "PaymentDate"},  # [U]
            sort_by_position=_by_position("number", "paymentdate"),
        ),
        _r(
            "orders",
            "Order",
            "DocumentNumber",
            "order",
            sort={
                "customername": "CustomerName",
                "customernumber": "CustomerNumber",
                "orderdate": "OrderDate",
                "documentnumber": "DocumentNumber",
                "total": "Total",
            },
            sort_by_position=_by_position("documentnumber", "orderdate"),
        ),
        _r(
            "offers",
            "Offer",
            "DocumentNumber",
            "offer",
            sort={
                "customername": "CustomerName",  # the spec writes customerName
                "customernumber": "CustomerNumber",  # [U]
                "documentnumber": "DocumentNumber",  # [U]
                "id": "DocumentNumber",
                "offerdate": "OfferDate",  # [U]
                "transactiondate": "OfferDate",  # the spec writes transactionDate
                "total": "Total",
            },
            sort_by_position=_by_position("documentnumber", "id", "offerdate", "transactiondate"),
        ),
        _r(
            "contracts",
            "Contract",
            "DocumentNumber",
            "invoice",
            renames={"Invoiceinterval": "InvoiceInterval", "Status": _contract_status},
            sort={  # [U]: not in the spec
                "customername": "CustomerName",
                "customernumber": "CustomerNumber",
                "documentnumber": "DocumentNumber",
                "invoicesremaining": "InvoicesRemaining",
                "lastinvoicedate": "LastInvoiceDate",
                "periodend": "PeriodEnd",
                "periodstart": "PeriodStart",
                "templatenumber": "TemplateNumber",
                "total": "Total",
            },
            sort_by_position=_by_position("documentnumber", "periodstart", "periodend"),
        ),
        _r(
            "taxreductions",
            "TaxReduction",
            "Id",
            "invoice",
            sort={"customername": "CustomerName", "id": "Id"},  # [U]
            sort_by_position=_by_position("id"),
        ),
        _r("invoiceaccruals", "InvoiceAccrual", "InvoiceNumber", "invoice"),
        _r(
            "supplierinvoiceaccruals",
            "SupplierInvoiceAccrual",
            "SupplierInvoiceNumber",
            "supplierinvoice",
        ),
        _r(
            "financialyears",
            "FinancialYear",
            "Id",
            "bookkeeping",
            list_schema="FinancialYear",
            sort={"id": "Id", "fromdate": "FromDate", "todate": "ToDate"},  # [U]
            sort_by_position=_by_position("id", "fromdate", "todate"),
        ),
        _r(
            "accounts",
            "Account",
            "Number",
            "bookkeeping",
            schema="AccountSingleItem",
            per_year=True,
            sort={"number": "Number"},
            sort_by_position=_by_position("number"),
        ),
        # The key of a voucher is "Series/Number" (VoucherSeries with VoucherNumber). Vouchers
        # sort by number within each series [U]: by series or by number, the key order.
        _r(
            "vouchers",
            "Voucher",
            "VoucherNumber",
            "bookkeeping",
            per_year=True,
            sort={
                "voucherseries": "VoucherSeries",
                "vouchernumber": "VoucherSeries",  # then by position: the number in the series
                "referencenumber": "ReferenceNumber",
            },
            sort_by_position=_by_position("voucherseries", "vouchernumber"),
        ),
        _r(
            "voucherseries",
            "VoucherSeries",
            "Code",
            "bookkeeping",
            selector="VoucherSeriesCollection",
            per_year=True,
            sort=_BY_CODE,
            sort_by_position=_by_position("code"),
        ),
        _r(
            "costcenters",
            "CostCenter",
            "Code",
            "costcenter",
            list_schema="CostCenter",
            sort=_BY_CODE,
        ),
        _r(
            "projects",
            "Project",
            "ProjectNumber",
            "project",
            sort={"projectnumber": "ProjectNumber"},  # [U]
            sort_by_position=_by_position("projectnumber"),
        ),
        _r(
            "currencies",
            "Currency",
            "Code",
            "currency",
            selector="Currencies",
            list_schema="Currency",
            lastmodified=False,
        ),
        _r("labels", "Label", "Id", "settings", list_schema="Label", **_NOT_PAGED),
        _r(
            "termsofpayments",
            "TermsOfPayment",
            "Code",
            "settings",
            list_schema="TermsOfPayment",
            sort=_BY_CODE,
        ),
        _r(
            "termsofdeliveries",
            "TermsOfDelivery",
            "Code",
            "settings",
            selector="TermsOfDeliveries",
            list_schema="TermsOfDelivery",
            sort=_BY_CODE,
            **_NOT_PAGED,
        ),
        _r(
            "wayofdeliveries",
            "WayOfDelivery",
            "Code",
            "settings",
            selector="WayOfDeliveries",
            list_schema="WayOfDelivery",
            sort=_BY_CODE,
        ),
        _r("units", "Unit", "Code", "settings", list_schema="Unit", sort=_BY_CODE),
        _r(
            "modesofpayments",
            "ModeOfPayment",
            "Code",
            "settings",
            selector="ModesOfPayments",
            list_schema="ModeOfPayment",
            sort=_BY_CODE,
        ),
        _r(
            "pricelists",
            "PriceList",
            "Code",
            "price",
            list_schema="PriceList",
            sort={"code": "Code", "comments": "Comments"},  # [U]
        ),
        # The key of a price is "PriceList/ArticleNumber/FromQuantity".
        _r(
            "prices",
            "Price",
            "FromQuantity",
            "price",
            list_schema="PriceListItem",
            sort={"articlenumber": "ArticleNumber", "pricelist": "PriceList"},  # [U]
        ),
        _r(
            "predefinedaccounts",
            "PreDefinedAccount",
            "Name",
            "bookkeeping",
            schema="PredefinedAccount",
            list_schema="PredefinedAccount",
            **_NOT_PAGED,
        ),
        _r(
            "predefinedvoucherseries",
            "PreDefinedVoucherSeries",
            "Name",
            "bookkeeping",
            selector="PreDefinedVoucherSeriesCollection",
            schema="PredefinedVoucherSeries",
            list_schema="PredefinedVoucherSeries",
            **_NOT_PAGED,
        ),
        _r(
            "accountcharts",
            "AccountChart",
            "Name",
            "bookkeeping",
            list_schema="AccountChart",
            **_NOT_PAGED,
        ),
        _r(
            "printtemplates",
            "PrintTemplate",
            "Template",
            "print",
            list_schema="PrintTemplate",
            **_NOT_PAGED,
        ),
        _r("employees", "Employee", "EmployeeId", "salary", lastmodified=False),
        _r("salarytransactions", "SalaryTransaction", "SalaryRow", "salary"),
        _r(
            "absencetransactions",
            "AbsenceTransaction",
            "id",
            "salary",
            schema="AbsenceTransactionSingleItem",
        ),
        _r("attendancetransactions", "AttendanceTransaction", "id", "salary"),
        _r("expenses", "Expense", "Code", "salary", lastmodified=False),
        _r(
            "contracttemplates",
            "ContractTemplate",
            "TemplateNumber",
            "invoice",
            lastmodified=False,
            renames={"ContractTemplate": "TemplateNumber", "ContractTemplateName": "TemplateName"},
        ),
        _r(
            "assets/types",
            "AssetType",
            "Id",
            "assets",
            selector="Types",
            list_schema="AssetType",
            lastmodified=False,
        ),
        _r(
            "contractaccruals",
            "ContractAccrual",
            "DocumentNumber",
            "bookkeeping",
            lastmodified=False,
        ),
        # The OpenAPI document wraps the list in CustomerReference and gives no paging [U].
        _r(
            "customerreferences",
            "CustomerReference",
            "Id",
            "customer",
            selector="CustomerReferenceRows",
            schema="CustomerReference_CustomerReferenceRow",
            list_schema="CustomerReference_CustomerReferenceRow",
            wrapper="CustomerReference",
            lastmodified=False,
            **_NOT_PAGED,
        ),
        _r(
            "assets",
            "Assets",
            "Id",
            "assets",
            selector="Assets",
            schema="Asset",
            list_schema="ListAsset",
        ),
        # File connections (files.py builds their rows from the records they connect).
        _r(
            "voucherfileconnections",
            "VoucherFileConnection",
            "FileId",
            "connectfile",
            list_schema="VoucherFileConnection",
            lastmodified=False,
            per_year=True,
        ),
        _r(
            "supplierinvoicefileconnections",
            "SupplierInvoiceFileConnection",
            "FileId",
            "connectfile",
            list_schema="SupplierInvoiceFileConnection",
            lastmodified=False,
        ),
        _r(
            "articlefileconnections",
            "ArticleFileConnection",
            "FileId",
            "connectfile",
            list_schema="ArticleFileConnectionListItem",
            lastmodified=False,
        ),
        _r(
            "assetfileconnections",
            "AssetFileConnection",
            "FileId",
            "connectfile",  # [U]: perhaps "assets"
            lastmodified=False,
            list_schema="AssetFileConnection",
        ),
    )
}

# Single objects: path -> (wrapper key, schema, scope).
SINGLES: dict[str, tuple[str, str, str]] = {
    "companyinformation": ("CompanyInformation", "CompanyInfo", "companyinformation"),
    "settings/company": ("CompanySettings", "CompanySettings", "settings"),
    "settings/lockedperiod": ("LockedPeriod", "LockedPeriod", "settings"),
    "me": ("MeInformation", "Me", "profile"),
}

# Folder trees served by files.py (not list resources): path -> scope.
FILE_AREAS: dict[str, str] = {"archive": "archive", "inbox": "inbox"}

ALL_SCOPES = tuple(
    sorted(
        {r.scope for r in RESOURCES.values()}
        | {s for _, _, s in SINGLES.values()}
        | set(FILE_AREAS.values())
    )
)
