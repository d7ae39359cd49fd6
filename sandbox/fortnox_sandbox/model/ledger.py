"""A financial year's general ledger read from its voucher records (as the JSON API serves them,
runtime changes included): rows in SIE terms and the year's sums, which the SIE export's
balances are made of, so that balances and vouchers agree by construction.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from fortnox_sandbox.generators.bookkeeping import VoucherYearSource

from .store import Collection, Record

COST_CENTER_DIMENSION = 1  # SIE 4B's reserved dimensions, as Fortnox uses them
PROJECT_DIMENSION = 6
ZERO = Decimal(0)

Sums = list[Decimal]  # [amount, quantity]


def _decimal(value: object) -> Decimal:
    return Decimal(str(value)) if value else ZERO


def signed(row: Record) -> Decimal:
    """A voucher row's amount in SIE terms: debit positive, credit negative."""
    return _decimal(row["Debit"]) - _decimal(row["Credit"])


def quantity(row: Record) -> Decimal:
    return _decimal(row.get("Quantity"))


def row_objects(row: Record) -> tuple[tuple[int, str], ...]:
    """The row's SIE object list: its cost centre (dimension 1) and project (dimension 6)."""
    pairs = []
    if row.get("CostCenter"):
        pairs.append((COST_CENTER_DIMENSION, str(row["CostCenter"])))
    if row.get("Project"):
        pairs.append((PROJECT_DIMENSION, str(row["Project"])))
    return tuple(pairs)


def added_rows(voucher: Record) -> int:
    """How many of the voucher's last rows were added by a correction: the sandbox appends one
    for each removed row (see bookkeeping), and the JSON API does not mark them."""
    return sum(1 for row in voucher["VoucherRows"] if row["Removed"])


def period(voucher: Record) -> str:
    """YYYYMM of the voucher's date (its rows carry no dates of their own)."""
    day = str(voucher["TransactionDate"])
    return day[:4] + day[5:7]


def vouchers(coll: Collection) -> Iterator[Record]:
    """The year's current vouchers by series, then number (each series ascending, as SIE 4B
    asks), built one at a time without the shared record cache (a full scan would flush it)."""
    source = coll.source
    assert isinstance(source, VoucherYearSource)
    # Vouchers created at runtime are series A numbered after the generated ones.
    created = [pos for pos in coll.select().included if pos >= source.size]
    for seg, offset in zip(source.segments, source.offsets, strict=True):
        positions = range(offset, offset + seg.count)
        for pos in itertools.chain(positions, created) if seg.series == "A" else positions:
            record = coll.record_at(pos, cached=False)
            if record is not None:
                yield record


@dataclass
class YearSums:
    """Sums of a year's rows that are not removed."""

    accounts: dict[int, Sums] = field(default_factory=dict)
    # (YYYYMM, account, dimension, object code) -> sums; dimension 0 (code "") is the whole account
    periods: dict[tuple[str, int, int, str], Sums] = field(default_factory=dict)
    vouchers: int = 0


def _add(sums: dict, key: object, value: Decimal, count: Decimal) -> None:
    found = sums.get(key)
    if found is None:
        sums[key] = [value, count]
    else:
        found[0] += value
        found[1] += count


def year_sums(coll: Collection) -> YearSums:
    out = YearSums()
    for voucher in vouchers(coll):
        out.vouchers += 1
        month = period(voucher)
        for row in voucher["VoucherRows"]:
            if row["Removed"]:
                continue
            account, value, count = int(row["Account"]), signed(row), quantity(row)
            _add(out.accounts, account, value, count)
            _add(out.periods, (month, account, 0, ""), value, count)
            for dimension, code in row_objects(row):
                _add(out.periods, (month, account, dimension, code), value, count)
    return out


class SumsCache:
    """One tenant's year sums, kept while the year's vouchers are unchanged (a file with the
    year before it needs both years' sums; the next year's file reuses them)."""

    def __init__(self) -> None:
        self._found: dict[int, tuple[int, YearSums]] = {}  # collection uid -> (version, sums)
        self._lock = threading.Lock()

    def get(self, coll: Collection) -> YearSums:
        version = coll.version
        with self._lock:
            found = self._found.get(coll.uid)
        if found is not None and found[0] == version:
            return found[1]
        sums = year_sums(coll)
        with self._lock:
            self._found[coll.uid] = (version, sums)
        return sums
