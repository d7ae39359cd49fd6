"""One simulated Fortnox company: its generated sources and their runtime collections."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import date

from fortnox_sandbox.generators import bookkeeping
from fortnox_sandbox.generators import more_registers as more
from fortnox_sandbox.generators import registers as reg
from fortnox_sandbox.generators.accruals import (
    InvoiceAccrualSource,
    SupplierInvoiceAccrualSource,
    TaxReductionSource,
)
from fortnox_sandbox.generators.assets import AssetSource
from fortnox_sandbox.generators.orders import (
    ContractSource,
    OfferSource,
    OrderSource,
    contract_templates,
)
from fortnox_sandbox.generators.prices import PriceSource
from fortnox_sandbox.generators.purchasing import (
    SupplierInvoicePaymentSource,
    SupplierInvoiceSource,
    SupplierSource,
)
from fortnox_sandbox.generators.salary import EmployeeSource, expenses, salary_sources
from fortnox_sandbox.generators.sales import (
    ArticleSource,
    CustomerSource,
    InvoicePaymentSource,
    InvoiceSource,
)

from . import ledger
from .context import Context, FinancialYear, Urls
from .files import CONNECTIONS, Files
from .lru import Lru
from .resources import RESOURCES, SINGLES
from .scales import Scale
from .shape import shape
from .store import Collection, ExtraFields, Source, StaticSource


class Tenant:
    def __init__(
        self,
        seed: int,
        tenant_no: int,
        tenant_id: str,
        as_of: date,
        scale: Scale,
        urls: Urls,
        cache: Lru,
        memo: Lru,
    ) -> None:
        self.tenant_id = tenant_id
        self.ctx = Context(seed, tenant_no, tenant_id, as_of, scale, urls, memo)
        self.seed = seed
        self.cache = cache
        self.company = reg.CompanyProfile(self.ctx)
        self._collections: dict[tuple[str, int], Collection] = {}
        self._extras: dict[str, ExtraFields] = {}  # per resource, for all its collections
        # Reentrant: a file connection's collection is built from the collections it connects.
        self._lock = threading.RLock()
        # Per-year sums of voucher rows (SIE balances).
        self.ledger_sums = ledger.SumsCache(self._generated_sums)
        ctx = self.ctx
        self.customers = CustomerSource(ctx)
        self.articles = ArticleSource(ctx)
        self.invoices = InvoiceSource(ctx, self.customers, self.articles)
        self.invoice_payments = InvoicePaymentSource(ctx, self.invoices)
        self.suppliers = SupplierSource(ctx)
        self.supplier_invoices = SupplierInvoiceSource(ctx, self.suppliers)
        self.supplier_payments = SupplierInvoicePaymentSource(ctx, self.supplier_invoices)
        self.ledgers = bookkeeping.Ledgers(
            ctx,
            self.invoices,
            self.invoice_payments,
            self.supplier_invoices,
            self.supplier_payments,
        )
        self.employees = EmployeeSource(ctx)
        salary = salary_sources(ctx, self.employees)
        scale = ctx.scale
        fixed: dict[str, Source] = {
            "customers": self.customers,
            "articles": self.articles,
            "invoices": self.invoices,
            "invoicepayments": self.invoice_payments,
            "suppliers": self.suppliers,
            "supplierinvoices": self.supplier_invoices,
            "supplierinvoicepayments": self.supplier_payments,
            "orders": OrderSource(ctx, self.invoices),
            "offers": OfferSource(ctx, scale.offers, self.customers, self.articles),
            "contracts": ContractSource(ctx, scale.contracts, self.customers, self.articles),
            "taxreductions": TaxReductionSource(ctx, self.invoices),
            "invoiceaccruals": InvoiceAccrualSource(ctx, self.invoices, scale.invoice_accruals),
            "supplierinvoiceaccruals": SupplierInvoiceAccrualSource(
                ctx, self.supplier_invoices, scale.supplier_invoice_accruals
            ),
            "prices": PriceSource(ctx, self.articles),
            "employees": self.employees,
            "assets": AssetSource(ctx),
            **salary,
        }
        self._factories: dict[str, Callable[[int], Source]] = {
            **{name: (lambda _y, src=src: src) for name, src in fixed.items()},
            "vouchers": self._vouchers,
            "accounts": lambda y: bookkeeping.accounts(ctx, self._fy(y), self.ledgers.books),
            "voucherseries": lambda y: bookkeeping.voucher_series(
                ctx, self._fy(y), self._vouchers(y)
            ),
            "expenses": lambda _y: self._static("expenses", expenses(ctx)),
            "contracttemplates": lambda _y: self._static(
                "contracttemplates", contract_templates(ctx)
            ),
            "currencies": lambda _y: self._static("currencies", reg.currencies(ctx)),
            "financialyears": lambda _y: bookkeeping.FinancialYearSource(ctx),
            "projects": lambda _y: self._static("projects", reg.projects(ctx)),
            "labels": lambda _y: self._static("labels", reg.labels(ctx)),
            "termsofpayments": lambda _y: self._simple(
                "termsofpayments", reg.TERMS_OF_PAYMENT, ("Code", "Description")
            ),
            "termsofdeliveries": lambda _y: self._simple(
                "termsofdeliveries",
                reg.TERMS_OF_DELIVERY,
                ("Code", "Description", "DescriptionEnglish"),
            ),
            "wayofdeliveries": lambda _y: self._simple(
                "wayofdeliveries",
                reg.WAYS_OF_DELIVERY,
                ("Code", "Description", "DescriptionEnglish"),
            ),
            "units": lambda _y: self._simple(
                "units", reg.UNITS, ("Code", "Description", "CodeEnglish")
            ),
            "modesofpayments": lambda _y: self._simple(
                "modesofpayments", reg.MODES_OF_PAYMENT, ("Code", "Description", "AccountNumber")
            ),
            "pricelists": lambda _y: self._simple(
                "pricelists", reg.PRICE_LISTS, ("Code", "Description", "Comments", "PreSelected")
            ),
            "costcenters": lambda _y: self._static(
                "costcenters",
                [
                    {**row, "Active": True, "Note": ""}
                    for row in reg.simple(
                        ctx, "costcenters", reg.COST_CENTERS, ("Code", "Description")
                    )
                ],
            ),
            "assets/types": lambda _y: self._static("assets/types", more.asset_types(ctx)),
            "contractaccruals": lambda _y: self._static(
                "contractaccruals", more.contract_accruals(ctx)
            ),
            "customerreferences": lambda _y: self._static(
                "customerreferences",
                more.customer_references(
                    ctx, [self.customers.key(pos) for pos in range(self.customers.size)]
                ),
            ),
            "printtemplates": lambda _y: self._static(
                "printtemplates",
                [{"Template": t, "Name": n} for t, n in reg.PRINT_TEMPLATES],
            ),
            "accountcharts": lambda _y: self._static(
                "accountcharts", [{"Name": n} for n in reg.ACCOUNT_CHARTS]
            ),
            "predefinedaccounts": lambda _y: self._simple(
                "predefinedaccounts", reg.PREDEFINED_ACCOUNTS, ("Name", "Account")
            ),
            "predefinedvoucherseries": lambda _y: self._simple(
                "predefinedvoucherseries", reg.PREDEFINED_VOUCHER_SERIES, ("Name", "VoucherSeries")
            ),
        }
        self.files = Files(self)
        for name in CONNECTIONS:
            self._factories[name] = lambda y, name=name: self._static(
                name, self.files.connection_rows(name, y)
            )

    # -- sources
    def _generated_sums(self, coll: Collection) -> ledger.YearSums | None:
        """A year's row sums from its books while its vouchers are as generated."""
        source = coll.source
        if coll.overlay or coll.created or not isinstance(source, bookkeeping.VoucherYearSource):
            return None
        if source.year.opened_at is not None:
            return None
        return self.ledgers.books.row_sums(source.year)

    def _fy(self, year: int) -> FinancialYear:
        found = self.ctx.year(year)
        assert found is not None
        return found

    def _vouchers(self, year: int) -> Source:
        return self.ledgers.year_source(self._fy(year))

    def _static(self, name: str, rows: list[dict]) -> StaticSource:
        res = RESOURCES[name]
        records = [shape(row, res.schema) for row in rows]
        return StaticSource(records, res.key, self.ctx.t0)

    def _simple(self, name: str, rows: tuple, fields: tuple[str, ...]) -> StaticSource:
        return self._static(name, reg.simple(self.ctx, name, rows, fields))

    def add_financial_year(self, now: float, vouchers: int = 0) -> FinancialYear:
        """Open the year after the last one at `now`, with `vouchers` new series-A vouchers
        (modified at `now`); its accounts and voucher series are generated like any year's."""
        with self._lock:
            year = self.ctx.open_year(now, vouchers)
        listed = self._collection("financialyears", 0)
        with listed.lock:
            listed.version += 1  # the list pages cached for the old years are stale
        if vouchers:
            self._collection("vouchers", year.id).touch(vouchers, now, True, "")
        return year

    # -- collections
    def has(self, name: str) -> bool:
        return name in self._factories

    def collection(self, name: str, year: int = 0) -> Collection | None:
        """The collection of resource `name` (of financial year `year` for per-year resources)."""
        return self._collection(name, year) if self.has(name) else None

    def _collection(self, name: str, year: int) -> Collection:
        key = (name, year if RESOURCES[name].per_year else 0)
        with self._lock:
            found = self._collections.get(key)
            if found is None:
                extras = self._extras.setdefault(name, ExtraFields())
                source = self._factories[name](key[1])
                found = Collection(source, self.cache, self.seed, f"{name}/{key[1]}", extras)
                self._collections[key] = found
        return found

    def add_field(self, name: str, field: str, value: object, where: str, now: float) -> int:
        """From `now` on, every record of resource `name` carries `field` (in its detail body,
        its list item or both), and counts as modified at `now`; returns how many there are."""
        collections = self.collections(name)  # creates every year's, so all share the extras
        extras = self._extras[name]
        with self._lock:
            if where in ("detail", "both"):
                extras.detail[field] = value
            if where in ("list", "both"):
                extras.listed[field] = value
            extras.changed_at = now
        total = 0
        for _year, coll in collections:
            with coll.lock:
                coll.version += 1  # cached pages lack the field
            total += coll.select().total
        return total

    def collections(self, name: str) -> list[tuple[int, Collection]]:
        """All (year, collection) pairs of a resource (every financial year if per year)."""
        if not self.has(name):
            return []
        years = [y.id for y in self.ctx.years] if RESOURCES[name].per_year else [0]
        return [(year, self._collection(name, year)) for year in years]

    def single(self, path: str) -> dict | None:
        spec = SINGLES.get(path)
        if spec is None:
            return None
        values = {
            "companyinformation": self.company.information,
            "settings/company": self.company.settings,
            "settings/lockedperiod": lambda: {"EndDate": self.ledgers.books.locked_until()},
            "me": self.company.me,
        }[path]()
        return shape(values, spec[1])


class Tenants(Mapping[str, Tenant]):
    """The sandbox's companies by tenant id, each built when first used: a sandbox with many
    tenants starts at once, and holds (beyond the shared, bounded caches) only those read."""

    def __init__(self, tenant_ids: list[str], make: Callable[[int, str], Tenant]) -> None:
        self._numbers = {tid: i for i, tid in enumerate(tenant_ids)}
        self._make = make
        self._built: dict[str, Tenant] = {}
        self._lock = threading.Lock()

    def __getitem__(self, tenant_id: str) -> Tenant:
        number = self._numbers[tenant_id]  # KeyError for a stranger
        with self._lock:
            found = self._built.get(tenant_id)
            if found is None:
                found = self._built[tenant_id] = self._make(number, tenant_id)
        return found

    def __contains__(self, tenant_id: object) -> bool:
        return tenant_id in self._numbers

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)

    def built(self) -> int:
        """How many tenants have been built so far."""
        with self._lock:
            return len(self._built)
