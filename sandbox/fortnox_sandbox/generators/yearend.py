"""The books across financial years: opening balances, the VAT settlements, the year-end closing.

The first year opens with a balanced balance sheet (no open customer or supplier invoices: the
data begins with the first year). Every later generated year opens with what the year before
carries forward, so IB(n + 1) = UB(n) for every balance account. The vouchers of series K
(`Bokslut och momsredovisning`) follow from the year's other vouchers (series A to E, as
generated) and are dated so that each is booked after what it sums:

- from the second year, on its first day, the result brought forward on 2099 is moved to 2091
  (balanserad vinst eller förlust);
- on the 12th of each month, the VAT settled for the month before is paid (2650 against the
  bank; in January of the first year, the VAT owed at the opening);
- on each month's last day, the month's VAT accounts (2610-2649) are cleared into 2650;
- on the last day of every year but the latest generated one, the year's result is booked:
  8999 against 2099, so the result accounts net to zero. The latest year stays open.

A year opened at runtime (`Sandbox.add_financial_year`) gets no series-K vouchers; it brings
forward the year before's closing balances with that year's result, if not booked, on 2099.
Only events dated before `as_of` (the day the data ends) exist. Runtime changes of vouchers
(touch, create, delete) do not move these sums: like a late correction in Fortnox, they reach
the next year's opening balances only by a new balance transfer, which the sandbox never does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from fortnox_sandbox.model.clock import day_start
from fortnox_sandbox.model.context import Context, FinancialYear
from fortnox_sandbox.model.detrand import money
from fortnox_sandbox.model.row_sums import YearSums

from . import bas

ZERO = Decimal("0.00")
SERIES = "K"
VAT_PAYMENT_DAY = 12
Rows = tuple[tuple[int, Decimal], ...]  # (account, ledger amount: debit positive)


def is_vat(account: int) -> bool:
    """Output (2610-2639) and input (2640-2649) VAT accounts, which 2650 settles."""
    return 2610 <= account <= 2649


def first_opening(ctx: Context) -> dict[int, Decimal]:
    """The first year's opening balances (debit positive): fixed assets net of depreciation,
    stock, bank, share capital, a loan, December's VAT and payroll taxes still owed; retained
    earnings (2091) balance them. No customer or supplier invoice is open (1510 and 2440 are
    zero): the invoice data starts with the first year."""
    rnd = ctx.rng("balances", 1)

    def amount(low: int, high: int) -> Decimal:
        return money(Decimal(rnd.randint(low, high)))

    out: dict[int, Decimal] = {}
    for asset, depreciation, low, high in (
        (1220, 1229, 50_000, 400_000),
        (1250, 1259, 20_000, 120_000),
    ):
        out[asset] = amount(low, high)
        out[depreciation] = -money(out[asset] * Decimal(rnd.randint(20, 70)) / 100)
    if rnd.random() < 0.6:
        out[1240] = amount(150_000, 450_000)
        out[1249] = -money(out[1240] * Decimal(rnd.randint(10, 60)) / 100)
    out[1460] = amount(20_000, 500_000)
    out[1630] = amount(0, 20_000)
    out[1710] = amount(10_000, 60_000)
    out[bas.BANK] = amount(300_000, 2_000_000)
    out[2081] = -Decimal(rnd.choice((25_000, 50_000, 100_000))).quantize(ZERO)
    out[2350] = -amount(0, 1_000_000)
    out[bas.VAT_SETTLEMENT] = -amount(5_000, 80_000)
    out[2710] = -amount(10_000, 60_000)
    out[2731] = -amount(10_000, 60_000)
    out[2920] = -amount(10_000, 100_000)
    out[2990] = -amount(5_000, 50_000)
    out[bas.RETAINED_EARNINGS] = -sum(out.values(), ZERO)
    return {account: value for account, value in out.items() if value}


@dataclass
class BaseSums:
    """A year's generated vouchers (series A-E, rows not removed): per account, and the VAT
    accounts per month (1-12)."""

    accounts: dict[int, Decimal] = field(default_factory=dict)
    vat_months: dict[int, dict[int, Decimal]] = field(default_factory=dict)
    rows: YearSums = field(default_factory=YearSums)  # in SIE terms, as the ledger sums them

    def add(self, day: date, account: int, value: Decimal) -> None:
        self.accounts[account] = self.accounts.get(account, ZERO) + value
        if is_vat(account):
            month = self.vat_months.setdefault(day.month, {})
            month[account] = month.get(account, ZERO) + value


@dataclass(frozen=True)
class Entry:
    """A series-K voucher."""

    day: date
    kind: str  # "transfer", "vat payment", "vat" or "closing"
    description: str
    rows: Rows


@dataclass
class YearBooks:
    opening: dict[int, Decimal]
    entries: list[Entry]
    closing: dict[int, Decimal]  # balance accounts, series K included
    result: Decimal  # the result accounts' sum (ledger sign, a profit negative); 0 once booked
    rows: YearSums  # the generated vouchers' rows (series A-E)


class EntryDays:
    """The series-K vouchers of a year as a voucher segment's timeline: event i happens at noon
    of its day (all days before `as_of`, so before the data's end)."""

    def __init__(self, days: list[date]) -> None:
        self.days = days
        self.n = len(days)

    def t(self, i: int) -> float:
        return day_start(self.days[min(i, self.n - 1)]) + 43_200.0

    def day(self, i: int) -> date:
        return self.days[i]

    def first_at(self, when: float) -> int:
        return next((i for i in range(self.n) if self.t(i) >= when), self.n)

    def first_on_or_after(self, day: date) -> int:
        return next((i for i, d in enumerate(self.days) if d >= day), self.n)

    def day_range(self, low: date | None, high: date | None) -> tuple[int, int]:
        lo = self.first_on_or_after(low) if low else 0
        hi = self.first_on_or_after(high + timedelta(days=1)) if high else self.n
        return lo, max(lo, hi)


def _month_ends(year: FinancialYear) -> list[date]:
    out = []
    day = year.start
    while day <= year.end:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        out.append(min(following - timedelta(days=1), year.end))
        day = following
    return out


class Books:
    """One company's books across its years, worked out once per year from the sums of its
    generated vouchers (`base_sums`), so the accounts endpoint, the vouchers and SIE agree."""

    def __init__(self, ctx: Context, base_sums: Callable[[FinancialYear], BaseSums]) -> None:
        self.ctx = ctx
        self.base_sums = base_sums
        self._years: dict[int, YearBooks] = {}
        self._lock = threading.RLock()

    def closed(self, year: FinancialYear) -> bool:
        """Whether the year's result is booked: every generated year but the latest."""
        return year.opened_at is None and year.id < self.ctx.generated_years[-1].id

    def locked_until(self) -> date:
        """The end of the last closed year: `/3/settings/lockedperiod`'s EndDate."""
        return self.ctx.generated_years[-2].end

    def schedule(self, year: FinancialYear) -> list[tuple[date, str, int]]:
        """(day, kind, month) of the year's series-K vouchers, in number order (the calendar
        alone: a voucher list needs no sums)."""
        if year.opened_at is not None:
            return []
        out: list[tuple[date, str, int]] = []
        if year.id > 1:
            out.append((year.start, "transfer", 0))
        for month, end in enumerate(_month_ends(year), start=1):
            out.append((end.replace(day=VAT_PAYMENT_DAY), "vat payment", month))
            out.append((end, "vat", month))
        if self.closed(year):
            out.append((year.end, "closing", 0))
        return [event for event in out if event[0] < self.ctx.as_of]

    def year(self, year: FinancialYear) -> YearBooks:
        with self._lock:
            found = self._years.get(year.id)
            if found is None:
                found = self._years[year.id] = self._build(year)
            return found

    def opening(self, year: FinancialYear) -> dict[int, Decimal]:
        return self.year(year).opening

    def closing(self, year: FinancialYear) -> dict[int, Decimal]:
        return self.year(year).closing

    def entries(self, year: FinancialYear) -> list[Entry]:
        return self.year(year).entries

    def _build(self, year: FinancialYear) -> YearBooks:
        before = self.ctx.year(year.id - 1)
        if before is None:
            opening = first_opening(self.ctx)
            owed = opening.get(bas.VAT_SETTLEMENT, ZERO)
        else:
            previous = self.year(before)
            opening = dict(previous.closing)
            if previous.result:  # not booked: the balance transfer puts it on 2099
                opening[bas.YEAR_RESULT] = opening.get(bas.YEAR_RESULT, ZERO) + previous.result
            opening = {a: v for a, v in opening.items() if v}
            owed = _last_settlement(previous.entries)
        sums = BaseSums() if year.opened_at is not None else self.base_sums(year)
        result = sum((v for a, v in sums.accounts.items() if a >= 3000), ZERO)
        entries = []
        for day, kind, month in self.schedule(year):
            if kind == "transfer":
                moved = opening.get(bas.YEAR_RESULT, ZERO)
                rows: Rows = ((bas.YEAR_RESULT, -moved), (bas.RETAINED_EARNINGS, moved))
                text = f"Omföring av föregående års resultat {before.end.year if before else ''}"
            elif kind == "vat payment":
                rows = ((bas.VAT_SETTLEMENT, -owed), (bas.BANK, owed))
                text = f"Betalning moms {day.replace(day=1) - timedelta(days=1):%Y-%m}"
            elif kind == "vat":
                vat = sums.vat_months.get(month) or {bas.OUTPUT_VAT_ACCOUNT[25]: ZERO}
                owed = sum(vat.values(), ZERO)
                cleared = tuple((a, -v) for a, v in sorted(vat.items()))
                rows = (*cleared, (bas.VAT_SETTLEMENT, owed))
                text = f"Momsredovisning {day:%Y-%m}"
            else:
                rows = ((bas.RESULT_ACCOUNT, -result), (bas.YEAR_RESULT, result))
                text = f"Årets resultat {year.end.year}"
            entries.append(Entry(day, kind, text, rows))
        closing = dict(opening)
        for account, value in sums.accounts.items():
            if account < 3000:
                closing[account] = closing.get(account, ZERO) + value
        for entry in entries:
            for account, value in entry.rows:
                if account < 3000:
                    closing[account] = closing.get(account, ZERO) + value
        booked = any(e.kind == "closing" for e in entries)
        return YearBooks(opening, entries, closing, ZERO if booked else result, sums.rows)

    def row_sums(self, year: FinancialYear) -> YearSums:
        """The sums of every generated voucher of the year, series K included, as the ledger
        sums the served vouchers while none has changed (SIE's balances without building
        each voucher again)."""
        books = self.year(year)
        out = books.rows.copy()
        for entry in books.entries:
            out.vouchers += 1
            for account, value in entry.rows:
                out.add_row(f"{entry.day:%Y%m}", account, value, ZERO)
        return out


def _last_settlement(entries: list[Entry]) -> Decimal:
    """What the last VAT settlement of a year's entries put on 2650 (0 if none)."""
    settled = [entry.rows[-1][1] for entry in entries if entry.kind == "vat"]
    return settled[-1] if settled else ZERO
