"""`GET /3/sie/{Type}`: one financial year as the SIE file Fortnox exports, written as it is sent.

Made from the records the JSON API serves: the year's chart of accounts (names = the accounts'
`Description`), cost centres and projects as objects of dimensions 1 and 6, the balances, and
(type 4) every voucher of the year with its rows, so a voucher's rows in the file equal its
detail's `VoucherRows`: a removed row is `#BTRANS` at its position, a row added by a correction
`#RTRANS` followed by the identical `#TRANS`. The balances are the sums of those rows: per
account UB = IB + the year's rows (balance accounts, below 3000), RES = the year's rows (result
accounts), PSALDO = a month's rows, for the account and per object. IB is the opening balance the
accounts endpoint shows (`BalanceBroughtForward`): the year before's closing balances (see
yearend), so a year's IB is the year before's UB and the accounts endpoint's
`BalanceCarriedForward` is this file's UB, until vouchers change at runtime (the next year's
opening is not transferred again). Year -1 (#RAR -1, #IB/#UB/#RES -1) is written when a previous
financial year exists.

Types follow SIE 4B: 1 = year balances, 2 = + period balances, 3 = + objects and their period
balances, 4 = + vouchers.

A damaged export for the fault controls: "malformed" writes the first row of the middle voucher
with a decimal comma in its amount; "truncated" stops halfway through that row (the server then
closes the connection). A year without vouchers has no row to damage.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from . import ledger, sie
from .context import FinancialYear
from .ledger import COST_CENTER_DIMENSION, PROJECT_DIMENSION, YearSums
from .store import Collection
from .tenant import Tenant

PROGRAM_VERSION = "3.57.11"  # the version real Fortnox exports carried in 2025


class SieExport:
    TYPES = (1, 2, 3, 4)
    CONTENT_TYPE = "application/octet-stream"  # a CP437 file, not UTF-8 text: no charset [U]

    def __init__(self, tenant: Tenant, year: FinancialYear, sie_type: int, today: date) -> None:
        self.tenant = tenant
        self.year = year
        self.sie_type = sie_type
        self.today = today
        self.previous = tenant.ctx.year(year.id - 1)

    def chunks(self, damage: str | None = None) -> Iterator[bytes]:
        cut: list[str] = []  # the half row a truncated file ends with
        yield from sie.encode(self._lines(damage, cut))
        if cut:
            yield cut[0].encode(sie.ENCODING, "replace")

    def _vouchers_of(self, year: FinancialYear) -> Collection:
        coll = self.tenant.collection("vouchers", year.id)
        assert coll is not None
        return coll

    def _lines(self, damage: str | None, cut: list[str]) -> Iterator[str]:
        yield from self._identification()
        yield from self._chart()
        yield from self._balances()
        if self.sie_type == 4:
            yield from self._vouchers(damage, cut)

    def _identification(self) -> Iterator[str]:
        company, year = self.tenant.company, self.year
        address = company.address
        yield sie.record("FLAGGA", "0")
        yield sie.record("FORMAT", "PC8")
        yield sie.record("SIETYP", str(self.sie_type))
        yield sie.record("PROGRAM", sie.quote("Fortnox"), PROGRAM_VERSION)
        yield sie.record("GEN", sie.ymd(self.today))
        yield sie.record("FNR", self.tenant.tenant_id)
        yield sie.record("FNAMN", sie.quote(company.name))
        yield sie.record(
            "ADRESS",
            sie.quote(" ".join(company.contact)),
            sie.quote(address.street),
            sie.quote(f"{address.zip_code} {address.city}"),
            sie.quote(address.phone),
        )
        yield sie.record("RAR", "0", sie.ymd(year.start), sie.ymd(year.end))
        if self.previous is not None:
            yield sie.record("RAR", "-1", sie.ymd(self.previous.start), sie.ymd(self.previous.end))
        yield sie.record("ORGNR", company.org)
        if self.sie_type > 1:
            yield sie.record("OMFATTN", sie.ymd(year.end))
        yield sie.record("KPTYP", "EUBAS97")

    def _chart(self) -> Iterator[str]:
        for account in self._records("accounts"):
            yield sie.record("KONTO", str(account["Number"]), sie.quote(account["Description"]))
            if account["SRU"]:
                yield sie.record("SRU", str(account["Number"]), str(account["SRU"]))
        if self.sie_type < 3:
            return
        yield sie.record("DIM", str(COST_CENTER_DIMENSION), sie.quote("Kostnadsställe"))
        yield sie.record("DIM", str(PROJECT_DIMENSION), sie.quote("Projekt"))
        for center in self._records("costcenters"):
            yield self._object(COST_CENTER_DIMENSION, center["Code"], center["Description"])
        for project in self._records("projects"):
            yield self._object(PROJECT_DIMENSION, project["ProjectNumber"], project["Description"])

    def _records(self, resource: str) -> list[dict]:
        coll = self.tenant.collection(resource, self.year.id)
        return coll.records() if coll is not None else []

    @staticmethod
    def _object(dimension: int, code: str, name: str) -> str:
        return sie.record("OBJEKT", str(dimension), sie.quote(code), sie.quote(name))

    def _balances(self) -> Iterator[str]:
        sums = self.tenant.ledger_sums.get(self._vouchers_of(self.year))
        years = [("0", self.year, sums)]
        if self.previous is not None:
            before = self.tenant.ledger_sums.get(self._vouchers_of(self.previous))
            years.append(("-1", self.previous, before))
        closing: dict[str, dict[int, list[Decimal]]] = {}
        for index, year, year_sums in years:
            opening = self.tenant.ledgers.books.opening(year)
            closing[index] = _closing(opening, year_sums)
            for account, value in sorted(opening.items()):
                if value:
                    yield sie.record("IB", index, str(account), sie.amount(value), "0")
        for kind, balance_accounts in (("UB", True), ("RES", False)):
            for index, _year, _sums in years:
                for account, (value, count) in sorted(closing[index].items()):
                    if (account < 3000) == balance_accounts:
                        yield sie.record(kind, index, str(account), *_amounts(value, count))
        if self.sie_type == 1:
            return
        for (month, account, dimension, code), (value, count) in sorted(sums.periods.items()):
            if dimension and self.sie_type < 3:
                continue
            pairs = ((dimension, code),) if dimension else ()
            fields = (month, str(account), sie.objects(pairs), *_amounts(value, count))
            yield sie.record("PSALDO", "0", *fields)

    def _vouchers(self, damage: str | None, cut: list[str]) -> Iterator[str]:
        coll = self._vouchers_of(self.year)
        victim = coll.select().total // 2 if damage else -1
        for i, voucher in enumerate(ledger.vouchers(coll)):
            day = date.fromisoformat(voucher["TransactionDate"])
            lines = list(
                sie.voucher(
                    voucher["VoucherSeries"],
                    str(voucher["VoucherNumber"]),
                    day,
                    voucher["Description"],
                    day,  # registered: the sandbox books each voucher on its own date
                    _rows(voucher),
                )
            )
            if i == victim and len(lines) > 3:
                row = lines[2]
                if damage == "truncated":
                    yield from lines[:2]
                    cut.append(row[: len(row) // 2])
                    return
                lines[2] = _malformed(row, sie.amount(ledger.signed(voucher["VoucherRows"][0])))
            yield from lines


def _closing(opening: dict[int, Decimal], sums: YearSums) -> dict[int, list[Decimal]]:
    """Per account: the closing balance (balance accounts: opening + rows) or the result
    (result accounts: rows), with the quantities; accounts with neither are left out."""
    out = {a: [v, ledger.ZERO] for a, v in opening.items() if a < 3000 and v}
    for account, (value, count) in sums.accounts.items():
        base = out.get(account, [ledger.ZERO, ledger.ZERO])
        out[account] = [base[0] + value, base[1] + count]
    return out


def _amounts(value: Decimal, count: Decimal) -> tuple[str, str]:
    return sie.amount(value), sie.amount(count)


def _rows(voucher: dict) -> Iterator[str]:
    rows = voucher["VoucherRows"]
    first_added = len(rows) - ledger.added_rows(voucher)
    for i, row in enumerate(rows):
        fields = (
            int(row["Account"]),
            ledger.row_objects(row),
            ledger.signed(row),
            row["TransactionInformation"],
            ledger.quantity(row),
        )
        if row["Removed"]:
            yield sie.transaction("BTRANS", *fields)
        elif i >= first_added:
            yield sie.transaction("RTRANS", *fields)
            yield sie.transaction("TRANS", *fields)
        else:
            yield sie.transaction("TRANS", *fields)


def _malformed(line: str, amount: str) -> str:
    """The row with a decimal comma in its amount, as a broken export might write it."""
    bad = amount.replace(".", ",") if "." in amount else amount + ",50"
    return line.replace(f"}} {amount} ", f"}} {bad} ", 1)
