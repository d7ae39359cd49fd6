"""List query semantics: parameter checks, filters, searches and sort orders per resource."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

Predicate = Callable[[dict[str, Any], date], bool]


def _balance(d: dict) -> float:
    return float(d.get("Balance") or 0)


def _unpaid(d: dict, today: date) -> bool:
    return _balance(d) > 0 and not d.get("Cancelled")


def _overdue(d: dict, today: date) -> bool:
    return _unpaid(d, today) and str(d.get("DueDate") or "9999") < today.isoformat()


_INVOICE_FILTERS: dict[str, Predicate] = {
    "cancelled": lambda d, _t: bool(d.get("Cancelled")),
    "fullypaid": lambda d, _t: _balance(d) == 0 and not d.get("Cancelled"),
    "unpaid": _unpaid,
    "unpaidoverdue": _overdue,
    "unbooked": lambda d, _t: not d.get("Booked"),
}
_ACTIVE_FILTERS: dict[str, Predicate] = {
    "active": lambda d, _t: bool(d.get("Active")),
    "inactive": lambda d, _t: not d.get("Active"),
}

# filter=<value> per resource
FILTERS: dict[str, dict[str, Predicate]] = {
    "invoices": _INVOICE_FILTERS,
    "supplierinvoices": {
        **_INVOICE_FILTERS,
        "pendingpayment": lambda d, _t: bool(d.get("PaymentPending")),
        "authorizepending": lambda _d, _t: False,
    },
    "customers": _ACTIVE_FILTERS,
    "suppliers": _ACTIVE_FILTERS,
    "articles": _ACTIVE_FILTERS,
    "costcenters": _ACTIVE_FILTERS,
    "contracts": {
        "active": lambda d, _t: (
            bool(d.get("Active")) and d.get("InvoicesRemaining") not in ("0", 0)
        ),
        "inactive": lambda d, _t: not d.get("Active"),
        "finished": lambda d, _t: bool(d.get("Active")) and d.get("InvoicesRemaining") in ("0", 0),
    },
    "orders": {
        "cancelled": lambda d, _t: bool(d.get("Cancelled")),
        "expired": lambda _d, _t: False,
        "invoicecreated": lambda d, _t: bool(d.get("InvoiceReference")),
        "invoicenotcreated": lambda d, _t: not d.get("InvoiceReference"),
    },
    "offers": {
        "cancelled": lambda d, _t: bool(d.get("Cancelled")),
        "expired": lambda d, t: str(d.get("ExpireDate") or "9999") < t.isoformat(),
        "completed": lambda d, _t: not d.get("NotCompleted"),
        "notcompleted": lambda d, _t: bool(d.get("NotCompleted")),
        "ordercreated": lambda d, _t: bool(d.get("OrderReference")),
        "ordernotcreated": lambda d, _t: not d.get("OrderReference"),
    },
    "employees": {
        "active": lambda d, _t: not d.get("Inactive"),
        "inactive": lambda d, _t: bool(d.get("Inactive")),
    },
    "taxreductions": {
        "invoices": lambda d, _t: d.get("ReferenceDocumentType") == "INVOICE",
        "orders": lambda d, _t: d.get("ReferenceDocumentType") == "ORDER",
        "offers": lambda d, _t: d.get("ReferenceDocumentType") == "OFFER",
    },
    "assets": {
        "active": lambda d, _t: d.get("Status") == "Active",
        "inactive": lambda d, _t: d.get("Status") != "Active",
        "fully_depreciated": lambda d, _t: d.get("Status") == "Fully depreciated",
        "sold": lambda d, _t: d.get("Status") == "Sold",
        "scrapped": lambda d, _t: d.get("Status") == "Scrapped",
        "voided": lambda d, _t: d.get("Status") == "Voided",
    },
}

# Search parameters (exact match, case-insensitive; "~" prefix = substring; "List[].Field" = any
# item of a list) per resource.
SEARCHES: dict[str, dict[str, str]] = {
    "customers": {
        "customernumber": "CustomerNumber",
        "name": "~Name",
        "zipcode": "ZipCode",
        "city": "~City",
        "email": "~Email",
        "phone": "~Phone1",
        "organisationnumber": "OrganisationNumber",
    },
    "suppliers": {"suppliernumber": "SupplierNumber", "name": "~Name"},
    "articles": {"articlenumber": "ArticleNumber", "description": "~Description", "ean": "EAN"},
    "invoices": {
        "customernumber": "CustomerNumber",
        "customername": "~CustomerName",
        "documentnumber": "DocumentNumber",
        "ocr": "OCR",
        "project": "Project",
        "costcenter": "CostCenter",
        "currency": "Currency",
        "ourreference": "~OurReference",
        "yourreference": "~YourReference",
        "invoicetype": "InvoiceType",
    },
    "orders": {"customernumber": "CustomerNumber", "documentnumber": "DocumentNumber"},
    "offers": {"customernumber": "CustomerNumber", "documentnumber": "DocumentNumber"},
    "invoicepayments": {"invoicenumber": "InvoiceNumber"},
    "supplierinvoicepayments": {"invoicenumber": "InvoiceNumber"},
    # Cost centres are on voucher rows (the header's is empty): a voucher matches by any row.
    "vouchers": {"voucherseries": "VoucherSeries", "costcenter": "VoucherRows[].CostCenter"},
    "salarytransactions": {"employeeid": "EmployeeId", "date": "Date"},
    "absencetransactions": {"employeeid": "EmployeeId", "date": "Date"},
    "attendancetransactions": {"employeeid": "EmployeeId", "date": "Date"},
    "taxreductions": {"referencenumber": "ReferenceNumber"},
    "accounts": {"sru": "SRU"},
    "prices": {"pricelist": "PriceList", "articlenumber": "ArticleNumber"},
}

# fromdate/todate filter this date field
DATE_FIELDS: dict[str, str] = {
    "invoices": "InvoiceDate",
    "orders": "OrderDate",
    "offers": "OfferDate",
    "vouchers": "TransactionDate",
    "supplierinvoices": "InvoiceDate",
}


def search_predicate(field_spec: str, wanted: str) -> Callable[[dict], bool]:
    contains = field_spec.startswith("~")
    field = field_spec.lstrip("~")
    wanted_l = wanted.lower()
    items, _, item_field = field.partition("[].")

    def matches(value: object) -> bool:
        text = str(value if value is not None else "").lower()
        return wanted_l in text if contains else text == wanted_l

    if item_field:
        return lambda d: any(matches(item.get(item_field)) for item in d.get(items) or ())
    return lambda d: matches(d.get(field, ""))


def sort_key(value: Any) -> tuple:
    """Order None and "" first, numbers numerically, text case-insensitively."""
    if value is None or value == "":
        return (0, 0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value, "")
    text = str(value)
    try:
        return (1, float(text), "")
    except ValueError:
        return (2, 0, text.lower())
