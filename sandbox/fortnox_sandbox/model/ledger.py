"""A financial year's general ledger read from its voucher records (as the JSON API serves them,
runtime changes included): rows in SIE terms and the year's sums, which the SIE export's
balances are made of, so that balances and vouchers agree by construction.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal

from fortnox_sandbox.generators.bookkeeping import VoucherYearSource

from . import row_sums
from .row_sums import (
    COST_CENTER_DIMENSION,
    PROJECT_DIMENSION,
    ZERO,
    YearSums,
    decimal_of,
    row_objects,
)
from .store import Collection, Record

__all__ = ["COST_CENTER_DIMENSION", "PROJECT_DIMENSION", "ZERO", "YearSums", "row_objects"]

Sums = row_sums.Sums


def signed(row: Record) -> Decimal:
    """A voucher row's amount in SIE terms: debit positive, credit negative."""
    return decimal_of(row["Debit"]) - decimal_of(row["Credit"])


def quantity(row: Record) -> Decimal:
    return decimal_of(row.get("Quantity"))


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


def year_sums(coll: Collection) -> YearSums:
    out = YearSums()
    for voucher in vouchers(coll):
        out.vouchers += 1
        month = period(voucher)
        for row in voucher["VoucherRows"]:
            if row["Removed"]:
                continue
            out.add_row(month, int(row["Account"]), signed(row), quantity(row), row_objects(row))
    return out


class SumsCache:
    """One tenant's year sums, kept while the year's vouchers are unchanged (a file with the
    year before it needs both years' sums; the next year's file reuses them)."""

    def __init__(self, generated: Callable[[Collection], YearSums | None]) -> None:
        # The sums of a year's vouchers as generated (the books' own, no voucher built again),
        # or None when its vouchers changed at runtime or it was opened at runtime.
        self.generated = generated
        self._found: dict[int, tuple[int, YearSums]] = {}  # collection uid -> (version, sums)
        self._lock = threading.Lock()

    def get(self, coll: Collection) -> YearSums:
        version = coll.version
        with self._lock:
            found = self._found.get(coll.uid)
        if found is not None and found[0] == version:
            return found[1]
        sums = self.generated(coll)
        if sums is None:
            sums = year_sums(coll)
        with self._lock:
            self._found[coll.uid] = (version, sums)
        return sums
