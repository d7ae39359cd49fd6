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
    sort: dict[str, str] = field(default_factory=dict)  # sortby value -> detail field
    # sortby values whose order is the position order (keys and dates grow with the position)
    sort_by_position: frozenset[str] = frozenset()


def _has_write_offs(detail: dict) -> bool:
    return bool(detail.get("WriteOffs"))


def _contract_status(detail: dict) -> str:
    if not detail.get("Active"):
        return "INACTIVE"
    return "FINISHED" if detail.get("InvoicesRemaining") in ("0", 0) else "ACTIVE"


_r = Resource  # short alias for the table below


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        _r(
            "customers",
            "Customers",
            "Customer",
            "Customer",
            "CustomerListItem",
            "CustomerNumber",
            "customer",
            renames={"Phone": "Phone1"},
            sort={"customernumber": "CustomerNumber", "name": "Name"},
            sort_by_position=frozenset({"customernumber"}),
        ),
        _r(
            "suppliers",
            "Suppliers",
            "Supplier",
            "Supplier",
            "SupplierListItem",
            "SupplierNumber",
            "supplier",
            renames={"Phone": "Phone1"},
            sort={"suppliernumber": "SupplierNumber", "name": "Name"},
            sort_by_position=frozenset({"suppliernumber"}),
        ),
        _r(
            "articles",
            "Articles",
            "Article",
            "Article",
            "ArticleListItem",
            "ArticleNumber",
            "article",
            sort={
                "articlenumber": "ArticleNumber",
                "quantityinstock": "QuantityInStock",
                "reservedquantity": "ReservedQuantity",
                "stockvalue": "StockValue",
            },
            sort_by_position=frozenset({"articlenumber"}),
        ),
        _r(
            "invoices",
            "Invoices",
            "Invoice",
            "Invoice",
            "InvoiceListItem",
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
            sort_by_position=frozenset({"documentnumber", "invoicedate"}),
        ),
        _r(
            "invoicepayments",
            "InvoicePayments",
            "InvoicePayment",
            "InvoicePayment",
            "InvoicePaymentListItem",
            "Number",
            "payment",
            renames={"WriteOffExist": _has_write_offs},
            sort={"paymentdate": "PaymentDate", "number": "Number"},
            sort_by_position=frozenset({"paymentdate", "number"}),
        ),
        _r(
            "supplierinvoices",
            "SupplierInvoices",
            "SupplierInvoice",
            "SupplierInvoice",
            "SupplierInvoiceListItem",
            "GivenNumber",
            "supplierinvoice",
            renames={"Cancel": "Cancelled"},
            sort={"givennumber": "GivenNumber", "invoicedate": "InvoiceDate"},
            sort_by_position=frozenset({"givennumber", "invoicedate"}),
        ),
        _r(
            "supplierinvoicepayments",
            "SupplierInvoicePayments",
            "SupplierInvoicePayment",
            "SupplierInvoicePayment",
            "SupplierInvoicePaymentListItem",
            "Number",
            "payment",
            renames={"WriteOffExist": _has_write_offs},
            sort={"paymentdate": "PaymentDate", "number": "Number"},
            sort_by_position=frozenset({"paymentdate", "number"}),
        ),
        _r(
            "orders",
            "Orders",
            "Order",
            "Order",
            "OrderListItem",
            "DocumentNumber",
            "order",
            sort={
                "customername": "CustomerName",
                "customernumber": "CustomerNumber",
                "orderdate": "OrderDate",
                "documentnumber": "DocumentNumber",
                "total": "Total",
            },
            sort_by_position=frozenset({"documentnumber", "orderdate"}),
        ),
        _r(
            "offers",
            "Offers",
            "Offer",
            "Offer",
            "OfferListItem",
            "DocumentNumber",
            "offer",
            sort={
                "customerName": "CustomerName",
                "id": "DocumentNumber",
                "transactionDate": "OfferDate",
                "total": "Total",
            },
            sort_by_position=frozenset({"id", "transactionDate"}),
        ),
        _r(
            "contracts",
            "Contracts",
            "Contract",
            "Contract",
            "ContractListItem",
            "DocumentNumber",
            "invoice",
            renames={"Invoiceinterval": "InvoiceInterval", "Status": _contract_status},
        ),
        _r(
            "taxreductions",
            "TaxReductions",
            "TaxReduction",
            "TaxReduction",
            "TaxReductionListItem",
            "Id",
            "invoice",
        ),
        _r(
            "invoiceaccruals",
            "InvoiceAccruals",
            "InvoiceAccrual",
            "InvoiceAccrual",
            "InvoiceAccrualListItem",
            "InvoiceNumber",
            "invoice",
        ),
        _r(
            "supplierinvoiceaccruals",
            "SupplierInvoiceAccruals",
            "SupplierInvoiceAccrual",
            "SupplierInvoiceAccrual",
            "SupplierInvoiceAccrualListItem",
            "SupplierInvoiceNumber",
            "supplierinvoice",
        ),
        _r(
            "financialyears",
            "FinancialYears",
            "FinancialYear",
            "FinancialYear",
            "FinancialYear",
            "Id",
            "bookkeeping",
        ),
        _r(
            "accounts",
            "Accounts",
            "Account",
            "AccountSingleItem",
            "AccountListItem",
            "Number",
            "bookkeeping",
            per_year=True,
            sort={"number": "Number"},
            sort_by_position=frozenset({"number"}),
        ),
        _r(
            "vouchers",
            "Vouchers",
            "Voucher",
            "Voucher",
            "VoucherListItem",
            "VoucherNumber",  # with VoucherSeries: the key is "Series/Number"
            "bookkeeping",
            per_year=True,
        ),
        _r(
            "voucherseries",
            "VoucherSeriesCollection",
            "VoucherSeries",
            "VoucherSeries",
            "VoucherSeriesListItem",
            "Code",
            "bookkeeping",
            per_year=True,
        ),
        _r(
            "costcenters",
            "CostCenters",
            "CostCenter",
            "CostCenter",
            "CostCenter",
            "Code",
            "costcenter",
        ),
        _r(
            "projects",
            "Projects",
            "Project",
            "Project",
            "ProjectListItem",
            "ProjectNumber",
            "project",
            sort={"projectnumber": "ProjectNumber"},
            sort_by_position=frozenset({"projectnumber"}),
        ),
        _r(
            "currencies",
            "Currencies",
            "Currency",
            "Currency",
            "Currency",
            "Code",
            "currency",
            lastmodified=False,
        ),
        _r(
            "labels", "Labels", "Label", "Label", "Label", "Id", "settings", meta=False, paged=False
        ),
        _r(
            "termsofpayments",
            "TermsOfPayments",
            "TermsOfPayment",
            "TermsOfPayment",
            "TermsOfPayment",
            "Code",
            "settings",
        ),
        _r(
            "termsofdeliveries",
            "TermsOfDeliveries",
            "TermsOfDelivery",
            "TermsOfDelivery",
            "TermsOfDelivery",
            "Code",
            "settings",
            meta=False,
            paged=False,
        ),
        _r(
            "wayofdeliveries",
            "WayOfDeliveries",
            "WayOfDelivery",
            "WayOfDelivery",
            "WayOfDelivery",
            "Code",
            "settings",
        ),
        _r("units", "Units", "Unit", "Unit", "Unit", "Code", "settings"),
        _r(
            "modesofpayments",
            "ModesOfPayments",
            "ModeOfPayment",
            "ModeOfPayment",
            "ModeOfPayment",
            "Code",
            "settings",
        ),
        _r("pricelists", "PriceLists", "PriceList", "PriceList", "PriceList", "Code", "price"),
        _r(
            "prices",
            "Prices",
            "Price",
            "Price",
            "PriceListItem",
            "FromQuantity",  # the key is "PriceList/ArticleNumber/FromQuantity"
            "price",
        ),
        _r(
            "predefinedaccounts",
            "PreDefinedAccounts",
            "PreDefinedAccount",
            "PredefinedAccount",
            "PredefinedAccount",
            "Name",
            "bookkeeping",
            meta=False,
            paged=False,
        ),
        _r(
            "predefinedvoucherseries",
            "PreDefinedVoucherSeriesCollection",
            "PreDefinedVoucherSeries",
            "PredefinedVoucherSeries",
            "PredefinedVoucherSeries",
            "Name",
            "bookkeeping",
            meta=False,
            paged=False,
        ),
        _r(
            "accountcharts",
            "AccountCharts",
            "AccountChart",
            "AccountChart",
            "AccountChart",
            "Name",
            "bookkeeping",
            meta=False,
            paged=False,
        ),
        _r(
            "printtemplates",
            "PrintTemplates",
            "PrintTemplate",
            "PrintTemplate",
            "PrintTemplate",
            "Template",
            "print",
            meta=False,
            paged=False,
        ),
        _r(
            "employees",
            "Employees",
            "Employee",
            "Employee",
            "EmployeeListItem",
            "EmployeeId",
            "salary",
            lastmodified=False,
        ),
        _r(
            "salarytransactions",
            "SalaryTransactions",
            "SalaryTransaction",
            "SalaryTransaction",
            "SalaryTransactionListItem",
            "SalaryRow",
            "salary",
        ),
        _r(
            "absencetransactions",
            "AbsenceTransactions",
            "AbsenceTransaction",
            "AbsenceTransactionSingleItem",
            "AbsenceTransactionListItem",
            "id",
            "salary",
        ),
        _r(
            "attendancetransactions",
            "AttendanceTransactions",
            "AttendanceTransaction",
            "AttendanceTransaction",
            "AttendanceTransactionListItem",
            "id",
            "salary",
        ),
        _r(
            "expenses",
            "Expenses",
            "Expense",
            "Expense",
            "ExpenseListItem",
            "Code",
            "salary",
            lastmodified=False,
        ),
        _r(
            "contracttemplates",
            "ContractTemplates",
            "ContractTemplate",
            "ContractTemplate",
            "ContractTemplateListItem",
            "TemplateNumber",
            "invoice",
            lastmodified=False,
            renames={"ContractTemplate": "TemplateNumber", "ContractTemplateName": "TemplateName"},
        ),
        _r("assets", "Assets", "Assets", "Asset", "ListAsset", "Id", "assets"),
    )
}

# Single objects: path -> (wrapper key, schema, scope).
SINGLES: dict[str, tuple[str, str, str]] = {
    "companyinformation": ("CompanyInformation", "CompanyInfo", "companyinformation"),
    "settings/company": ("CompanySettings", "CompanySettings", "settings"),
    "settings/lockedperiod": ("LockedPeriod", "LockedPeriod", "settings"),
    "me": ("MeInformation", "Me", "profile"),
}

ALL_SCOPES = tuple(
    sorted({r.scope for r in RESOURCES.values()} | {s for _, _, s in SINGLES.values()})
)
