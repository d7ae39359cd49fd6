"""Bookkeeping per financial year: accounts (BAS), voucher series and vouchers.

The vouchers of a year are series A (manual bookings) followed by the vouchers the ledgers
create: B for each customer invoice, C for each customer payment, D for each supplier invoice,
E for each supplier payment of that year. B/C/D/E voucher n of a year is the n-th document of
that year in its ledger, so documents and vouchers refer to each other exactly, and every
voucher's debits equal its credits (over its rows that are not removed). Series K follows from
the others: VAT settlements and payments, the year-end closing, the result moved to retained
earnings (yearend, which also gives every year's opening balances).

A customer invoice books its total in SEK (the total at its rate, rounded) on 1510, its revenue
rows on 3xxx, its VAT on 2611/2621/2631 and what rounding leaves on 3740; its payment clears the
same amount from 1510 to the bank. A supplier invoice's rows (purchasing) credit 2440 likewise.

Invoice vouchers carry the invoice's cost centre and project on their revenue rows, as Fortnox
books them. Some manual vouchers have rows with cost centres, projects and texts that SIE must
quote and escape, and every sixth generated one was corrected: its expense row, first booked on
the wrong account, stays as a removed row (`Removed`) and the right row follows at the end.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fortnox_sandbox.model.clock import day_start
from fortnox_sandbox.model.context import Context, FinancialYear, Timeline
from fortnox_sandbox.model.detrand import money
from fortnox_sandbox.model.row_sums import decimal_of, row_objects
from fortnox_sandbox.model.shape import shape
from fortnox_sandbox.model.store import Record, Source, StaticSource

from . import bas, yearend
from .documents import ZERO, to_sek
from .purchasing import Purchase, SupplierInvoicePaymentSource, SupplierInvoiceSource
from .registers import COST_CENTERS, VOUCHER_SERIES
from .sales import Document, InvoicePaymentSource, InvoiceSource
from .yearend import BaseSums, Books, EntryDays

# (description, account, VAT 25 % included) for manual vouchers
MANUAL_KINDS = (
    ("Hyra lokal", 5010, True),
    ("Bankavgift", 6570, False),
    ("Försäkringspremie", 6310, False),
    ("Kontorsmaterial", 6110, True),
    ("Representation", 6071, True),
    ("Telefoni och bredband", 6212, True),
    ("Drivmedel", 5611, True),
    ("Porto", 6250, False),
    ("Licensavgift programvara", 6540, True),
    ("Leasing bil", 5615, True),
    ("Elräkning", 5020, True),
    ("Annons lokaltidning", 5910, True),
    ("Löneutbetalning", 7210, False),
)
# Row texts and voucher notes with quotes, backslashes and Swedish letters
NOTES = (
    'Kvitto "Åhléns" nr 7',
    "Underlag C:\\Bokföring\\2024",
    'Märkt "brådskande" \\ kontrollera',
    "Ärende: återbetalning från Ölands Elbolag & Söner",
)
MISBOOKED = 6550  # the account a corrected manual voucher's expense was first booked on
CORRECTED_EVERY = 6  # manual voucher i with i % 6 == 1 was corrected


def vrow(
    account: int,
    debit: Decimal = ZERO,
    credit: Decimal = ZERO,
    *,
    cost_center: str = "",
    project: str = "",
) -> dict:
    return {
        "Account": account,
        "CostCenter": cost_center,
        "Credit": credit,
        "Debit": debit,
        "Description": bas.DESCRIPTIONS.get(account, ""),
        "Project": project,
        "Quantity": 0,
        "Removed": False,
    }


def balance_with(rows: list[dict], account: int, debit_side: bool) -> list[dict]:
    """Add the row on `account` that makes debits equal credits."""
    diff = sum((r["Credit"] - r["Debit"] for r in rows), ZERO)
    row = vrow(account, debit=diff) if debit_side else vrow(account, credit=-diff)
    return [row, *rows]


@dataclass
class Segment:
    series: str
    start: int  # first index in the ledger's own numbering
    count: int
    timeline: Timeline | EntryDays
    values: Callable[[int, int], dict]  # (ledger index, voucher number) -> voucher values
    # The same, from documents built without the shared cache (None: `values` uses none)
    values_alone: Callable[[int, int], dict] | None = None


class VoucherYearSource(Source):
    """The vouchers of one financial year, series by series (A, B, C, D, E, K)."""

    touch_field = "Comments"
    created_in_key_order = False  # created A vouchers come after series E

    def __init__(
        self,
        ctx: Context,
        year: FinancialYear,
        segments: list[Segment],
        manual: Callable[[int, int], dict],
    ) -> None:
        self.ctx = ctx
        self.year = year
        self.segments = segments
        self.offsets = []
        total = 0
        for seg in segments:
            self.offsets.append(total)
            total += seg.count
        self.size = total
        self.manual = manual
        self.manual_count = next((s.count for s in segments if s.series == "A"), 0)

    def _locate(self, pos: int) -> tuple[Segment, int]:
        i = bisect.bisect_right(self.offsets, pos) - 1
        return self.segments[i], pos - self.offsets[i]

    def key(self, pos: int) -> str:
        if pos >= self.size:
            return f"A/{self.manual_count + pos - self.size + 1}"
        seg, j = self._locate(pos)
        return f"{seg.series}/{j + 1}"

    def position(self, key: str) -> int | None:
        series, _, number = key.partition("/")
        if not number.isdigit() or int(number) < 1:
            return None
        n = int(number)
        for seg, offset in zip(self.segments, self.offsets, strict=True):
            if seg.series == series.upper():
                if n <= seg.count:
                    return offset + n - 1
                return self.size + n - seg.count - 1 if seg.series == "A" else None
        return None

    def mtime(self, pos: int) -> float:
        seg, j = self._locate(pos)
        return seg.timeline.t(seg.start + j)

    def since_ranges(self, since: float) -> list[tuple[int, int]]:
        out = []
        for seg, offset in zip(self.segments, self.offsets, strict=True):
            lo = min(max(seg.timeline.first_at(since) - seg.start, 0), seg.count)
            if lo < seg.count:
                out.append((offset + lo, offset + seg.count))
        return out

    def all_ranges(self) -> list[tuple[int, int]]:
        return [
            (offset, offset + seg.count)
            for seg, offset in zip(self.segments, self.offsets, strict=True)
            if seg.count
        ]

    def day_ranges(self, low: date | None, high: date | None) -> list[tuple[int, int]]:
        """Within each series, transaction dates grow with the number."""
        out = []
        for seg, offset in zip(self.segments, self.offsets, strict=True):
            lo, hi = (
                min(max(i - seg.start, 0), seg.count) for i in seg.timeline.day_range(low, high)
            )
            if lo < hi:
                out.append((offset + lo, offset + hi))
        return out

    def field_ranges(self, field: str, value: str) -> list[tuple[int, int]] | None:
        if field != "VoucherSeries":
            return None
        return [
            (offset, offset + seg.count)
            for seg, offset in zip(self.segments, self.offsets, strict=True)
            if seg.series == value.upper() and seg.count
        ]

    def created_day(self) -> date:
        """A voucher created at runtime is dated today (the base data's end), kept in its year."""
        return min(max(self.ctx.as_of, self.year.start), self.year.end)

    def build(self, pos: int) -> Record:
        return self._build(pos, alone=False)

    def build_alone(self, pos: int) -> Record:
        return self._build(pos, alone=True)

    def _build(self, pos: int, alone: bool) -> Record:
        if pos >= self.size:
            number = self.manual_count + pos - self.size + 1
            values = self.manual(10_000_000 + pos, number, self.created_day())
        else:
            seg, j = self._locate(pos)
            make = seg.values_alone if alone and seg.values_alone else seg.values
            values = make(seg.start + j, j + 1)
        series, number = values["VoucherSeries"], values["VoucherNumber"]
        values["@url"] = self.ctx.url(f"/vouchers/{series}/{number}?financialyear={self.year.id}")
        values["Year"] = self.year.id
        return shape(values, "Voucher")


class Ledgers:
    """Builds the per-year voucher sources from the document ledgers."""

    def __init__(
        self,
        ctx: Context,
        invoices: InvoiceSource,
        payments: InvoicePaymentSource,
        supplier_invoices: SupplierInvoiceSource,
        supplier_payments: SupplierInvoicePaymentSource,
    ) -> None:
        self.ctx = ctx
        self.invoices = invoices
        self.payments = payments
        self.sinvoices = supplier_invoices
        self.spayments = supplier_payments
        self.manual_timeline = ctx.timeline(ctx.scale.manual_vouchers)
        self.books = Books(ctx, self.base_sums)

    @staticmethod
    def _range(timeline: Timeline, size: int, year: FinancialYear) -> tuple[int, int]:
        lo = min(timeline.first_on_or_after(year.start), size)
        hi = min(timeline.first_on_or_after(year.end + timedelta(days=1)), size)
        return lo, max(lo, hi)

    def year_source(self, year: FinancialYear) -> VoucherYearSource:
        segments = self._generated(year)
        days = EntryDays([day for day, _kind, _month in self.books.schedule(year)])
        segments.append(Segment(yearend.SERIES, 0, days.n, days, self._entry(year)))
        return VoucherYearSource(self.ctx, year, segments, self.manual)

    def base_sums(self, year: FinancialYear) -> BaseSums:
        """The sums of the year's generated vouchers (series A-E), built without shaping. A
        payment's voucher is made from its invoice's document (payment i pays document i),
        built once here and not put in the shared cache: a year's tens of thousands of
        documents would push out the parties and articles they are made of, and generating
        is what costs (seconds a year at scale large)."""
        out = BaseSums()

        def add(voucher: dict) -> None:
            day = voucher["TransactionDate"]
            month = f"{day:%Y%m}"
            out.rows.vouchers += 1
            for row in voucher["VoucherRows"]:
                if not row["Removed"]:
                    account, value = row["Account"], row["Debit"] - row["Credit"]
                    out.add(day, account, value)
                    count = decimal_of(row["Quantity"])
                    out.rows.add_row(month, account, value, count, row_objects(row))

        segments = {seg.series: seg for seg in self._generated(year)}
        manual = segments["A"]
        for i in range(manual.start, manual.start + manual.count):
            add(self.manual(i, 0))
        for document, payment, build, voucher_of, payment_of in (
            ("B", "C", self.invoices.build_document, self._invoice_voucher, self._payment_voucher),
            (
                "D",
                "E",
                self.sinvoices.build_purchase,
                self._supplier_invoice_voucher,
                self._supplier_payment_voucher,
            ),
        ):
            docs, pays = segments[document], segments[payment]
            first = min(docs.start, pays.start)
            for i in range(first, max(docs.start + docs.count, pays.start + pays.count)):
                in_docs = docs.start <= i < docs.start + docs.count
                in_pays = pays.start <= i < pays.start + pays.count
                if in_docs or in_pays:
                    built = build(i)
                    if in_docs:
                        add(voucher_of(built, 0))
                    if in_pays:
                        add(payment_of(i, built, 0))
        return out

    def _entry(self, year: FinancialYear) -> Callable[[int, int], dict]:
        def values(index: int, number: int) -> dict:
            entry = self.books.entries(year)[index]
            rows = [
                vrow(account, debit=value) if value >= 0 else vrow(account, credit=-value)
                for account, value in entry.rows
            ]
            return {
                "Description": entry.description,
                "ReferenceType": "MANUAL",
                "TransactionDate": entry.day,
                "VoucherNumber": number,
                "VoucherRows": rows,
                "VoucherSeries": yearend.SERIES,
            }

        return values

    def _generated(self, year: FinancialYear) -> list[Segment]:
        """The segments of series A-E: manual vouchers and those of the document ledgers."""
        invoice, purchase = self.invoices.build_document, self.sinvoices.build_purchase
        segments = []
        for series, timeline, size, values, alone in (
            ("A", self.manual_timeline, self.ctx.scale.manual_vouchers, self.manual, None),
            (
                "B",
                self.invoices.timeline,
                self.invoices.booked,
                self.invoice_voucher,
                lambda i, n: self._invoice_voucher(invoice(i), n),
            ),
            (
                "C",
                self.payments.timeline,
                self.payments.size,
                self.payment_voucher,
                lambda i, n: self._payment_voucher(i, invoice(i), n),
            ),
            (
                "D",
                self.sinvoices.timeline,
                self.sinvoices.booked,
                self.supplier_invoice_voucher,
                lambda i, n: self._supplier_invoice_voucher(purchase(i), n),
            ),
            (
                "E",
                self.spayments.timeline,
                self.spayments.size,
                self.supplier_payment_voucher,
                lambda i, n: self._supplier_payment_voucher(i, purchase(i), n),
            ),
        ):
            lo, hi = self._range(timeline, size, year)
            segments.append(Segment(series, lo, hi - lo, timeline, values, alone))
        return segments

    # -- voucher values per ledger
    def manual(self, index: int, number: int, day: date | None = None) -> dict:
        rnd = self.ctx.rng("vouchers.manual", index)
        text, account, with_vat = MANUAL_KINDS[rnd.randrange(len(MANUAL_KINDS))]
        if day is None:
            timeline = self.manual_timeline
            day = timeline.day(index) if index < timeline.n else self.ctx.as_of
        if account == 7210:
            gross = money(Decimal(rnd.randint(25_000, 60_000)))
            tax = money(gross * Decimal("0.30"))
            fees = money(gross * Decimal("0.3142"))
            rows = [
                vrow(7210, debit=gross),
                vrow(7510, debit=fees),
                vrow(2710, credit=tax),
                vrow(2731, credit=fees),
            ]
        else:
            net = money(Decimal(rnd.randint(5_000, 2_500_000)) / 100)
            rows = [vrow(account, debit=net)]
            if with_vat:
                rows.append(vrow(bas.INPUT_VAT, debit=money(net * Decimal("0.25"))))
        description = f"{text} {day:%B %Y}".replace("  ", " ")
        extra = self.ctx.rng("vouchers.manual.extra", index)  # its own draws: the rest stays
        cost_center = extra.choice(COST_CENTERS)[0] if extra.random() < 0.4 else ""
        project = ""
        if self.ctx.scale.projects and extra.random() < 0.2:
            project = str(extra.randrange(self.ctx.scale.projects) + 1)
        for row in rows:
            if row["Account"] >= 3000:  # the expense rows (result accounts)
                row["CostCenter"], row["Project"] = cost_center, project
        if extra.random() < 0.3:
            rows[0]["TransactionInformation"] = extra.choice(NOTES)
        if extra.random() < 0.2:
            description = f"{description} {extra.choice(NOTES)}"
        rows = balance_with(rows, bas.BANK, debit_side=False)
        if index < self.manual_timeline.n and index % CORRECTED_EVERY == 1:
            expense = rows[1]
            rows[1] = {
                **expense,
                "Account": MISBOOKED,
                "Description": bas.DESCRIPTIONS[MISBOOKED],
                "Removed": True,
            }
            rows.append(expense)
        return {
            "Description": description,
            "ReferenceType": "MANUAL",
            "TransactionDate": day,
            "VoucherNumber": number,
            "VoucherRows": rows,
            "VoucherSeries": "A",
        }

    def invoice_voucher(self, index: int, number: int) -> dict:
        return self._invoice_voucher(self.invoices.document(index), number)

    def _invoice_voucher(self, d: Document, number: int) -> dict:
        s = d.sums
        rows = [
            vrow(
                acct,
                credit=to_sek(amount, d.rate),
                cost_center=d.cost_center,
                project=d.project,
            )
            for acct, amount in sorted(s.base_by_account.items())
        ]
        rows += [
            vrow(bas.OUTPUT_VAT_ACCOUNT[r], credit=to_sek(v, d.rate))
            for r, v in sorted(s.vat_by_rate.items())
        ]
        # The receivable is the total at the invoice's rate (what the payment clears); a
        # foreign invoice's rows, each converted, may differ from it by öre: rounding too.
        receivable = to_sek(s.total, d.rate)
        round_off = receivable - sum((r["Credit"] for r in rows), ZERO)
        if round_off > 0:
            rows.append(vrow(bas.ROUNDING, credit=round_off))
        elif round_off < 0:
            rows.append(vrow(bas.ROUNDING, debit=-round_off))
        rows = balance_with(rows, bas.RECEIVABLES, debit_side=True)
        return {
            "Description": f"Kundfaktura {d.number} {d.party.name}",
            "ReferenceNumber": d.number,
            "ReferenceType": "INVOICE",
            "TransactionDate": d.day,
            "VoucherNumber": number,
            "VoucherRows": rows,
            "VoucherSeries": "B",
        }

    def payment_voucher(self, index: int, number: int) -> dict:
        return self._payment_voucher(index, self.invoices.document(index), number)

    def _payment_voucher(self, index: int, d: Document, number: int) -> dict:
        sek, _ = self.payments.amounts_of(index, d)
        return {
            "Description": f"Inbetalning faktura {d.number} {d.party.name}",
            "ReferenceNumber": str(index + 1),
            "ReferenceType": "INVOICEPAYMENT",
            "TransactionDate": self.payments.day(index),
            "VoucherNumber": number,
            "VoucherRows": [vrow(bas.BANK, debit=sek), vrow(bas.RECEIVABLES, credit=sek)],
            "VoucherSeries": "C",
        }

    def supplier_invoice_voucher(self, index: int, number: int) -> dict:
        return self._supplier_invoice_voucher(self.sinvoices.purchase(index), number)

    def _supplier_invoice_voucher(self, p: Purchase, number: int) -> dict:
        rows = [
            vrow(r["Account"], debit=r["Debit"], credit=r["Credit"]) for r in self.sinvoices.rows(p)
        ]
        return {
            "Description": f"Leverantörsfaktura {p.number} {p.party.name}",
            "ReferenceNumber": p.number,
            "ReferenceType": "SUPPLIERINVOICE",
            "TransactionDate": p.day,
            "VoucherNumber": number,
            "VoucherRows": rows,
            "VoucherSeries": "D",
        }

    def supplier_payment_voucher(self, index: int, number: int) -> dict:
        return self._supplier_payment_voucher(index, self.sinvoices.purchase(index), number)

    def _supplier_payment_voucher(self, index: int, p: Purchase, number: int) -> dict:
        sek, _ = self.spayments.amounts_of(index, p)
        return {
            "Description": f"Utbetalning leverantörsfaktura {p.number} {p.party.name}",
            "ReferenceNumber": str(index + 1),
            "ReferenceType": "SUPPLIERPAYMENT",
            "TransactionDate": self.sinvoices.payment_day(index),
            "VoucherNumber": number,
            "VoucherRows": [vrow(bas.PAYABLES, debit=sek), vrow(bas.BANK, credit=sek)],
            "VoucherSeries": "E",
        }


def accounts(ctx: Context, year: FinancialYear, books: Books) -> StaticSource:
    """The year's chart: each account's opening balance and what it carries forward (the
    generated vouchers' closing balance, see yearend)."""
    brought = books.opening(year)
    carried = books.closing(year)
    records = []
    for number, text, sru, vat in bas.ACCOUNTS:
        values = {
            "@url": ctx.url(f"/accounts/{number}?financialyear={year.id}"),
            "Active": True,
            "BalanceBroughtForward": brought.get(number, ZERO),
            "BalanceCarriedForward": carried.get(number, ZERO),
            "CostCenterSettings": "ALLOWED",
            "Description": text,
            "Number": number,
            "ProjectSettings": "ALLOWED",
            "QuantitySettings": "NOTALLOWED",
            "SRU": sru,
            "TransactionInformationSettings": "ALLOWED",
            "VATCode": vat,
            "Year": year.id,
        }
        records.append(shape(values, "AccountSingleItem"))
    return StaticSource(records, "Number", _registers_mtime(ctx, year))


def voucher_series(ctx: Context, year: FinancialYear, vouchers: VoucherYearSource) -> StaticSource:
    counts = {seg.series: seg.count for seg in vouchers.segments}
    counts["A"] = counts.get("A", 0) + year.opened_with
    records = []
    for code, text, manual in VOUCHER_SERIES:
        values = {
            "@url": ctx.url(f"/voucherseries/{code}?financialyear={year.id}"),
            "Approver": {"Id": 0, "Name": ""},
            "Code": code,
            "Description": text,
            "Manual": manual,
            "NextVoucherNumber": counts.get(code, 0) + 1,
            "Year": year.id,
        }
        records.append(shape(values, "VoucherSeries"))
    return StaticSource(records, "Code", _registers_mtime(ctx, year))


def _registers_mtime(ctx: Context, year: FinancialYear) -> float:
    """A year's accounts and voucher series exist from its start, or from when it was opened."""
    if year.opened_at is not None:
        return year.opened_at
    return max(ctx.t0, day_start(year.start))


class FinancialYearSource(Source):
    """The company's financial years, a live view of `ctx.years`: a year opened at runtime is
    listed at once, modified at its opening (older years at the start of the data)."""

    creatable = False

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property  # type: ignore[override]
    def size(self) -> int:
        return len(self.ctx.years)

    def key(self, pos: int) -> str:
        return str(self.ctx.years[pos].id)

    def position(self, key: str) -> int | None:
        return int(key) - 1 if key.isdigit() and int(key) >= 1 else None

    def mtime(self, pos: int) -> float:
        return self.ctx.years[pos].opened_at or self.ctx.t0

    def build(self, pos: int) -> Record:
        y = self.ctx.years[pos]
        values = {
            "@url": self.ctx.url(f"/financialyears/{y.id}"),
            "AccountChartType": f"BAS {y.start.year}",
            "AccountingMethod": "ACCRUAL",
            "FromDate": y.start,
            "Id": y.id,
            "ToDate": y.end,
        }
        return shape(values, "FinancialYear")
