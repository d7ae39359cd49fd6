"""Sums of voucher rows in SIE terms (per account, and per month, account and object), shared by
the ledger read from served vouchers (ledger) and the books worked out from generated ones
(generators.yearend): both add rows the same way, so their sums agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

COST_CENTER_DIMENSION = 1  # SIE 4B's reserved dimensions, as Fortnox uses them
PROJECT_DIMENSION = 6
ZERO = Decimal(0)

Sums = list[Decimal]  # [amount, quantity]


def decimal_of(value: object) -> Decimal:
    """A row's amount or quantity as served (a number, or its string) or as generated."""
    return Decimal(str(value)) if value else ZERO


def row_objects(row: dict) -> tuple[tuple[int, str], ...]:
    """The row's SIE object list: its cost centre (dimension 1) and project (dimension 6)."""
    pairs = []
    if row.get("CostCenter"):
        pairs.append((COST_CENTER_DIMENSION, str(row["CostCenter"])))
    if row.get("Project"):
        pairs.append((PROJECT_DIMENSION, str(row["Project"])))
    return tuple(pairs)


def _add(sums: dict, key: object, value: Decimal, count: Decimal) -> None:
    found = sums.get(key)
    if found is None:
        sums[key] = [value, count]
    else:
        found[0] += value
        found[1] += count


@dataclass
class YearSums:
    """Sums of a year's rows that are not removed."""

    accounts: dict[int, Sums] = field(default_factory=dict)
    # (YYYYMM, account, dimension, object code) -> sums; dimension 0 (code "") is the whole account
    periods: dict[tuple[str, int, int, str], Sums] = field(default_factory=dict)
    vouchers: int = 0

    def add_row(
        self,
        month: str,
        account: int,
        value: Decimal,
        count: Decimal,
        objects: tuple[tuple[int, str], ...] = (),
    ) -> None:
        """One row of a voucher dated in `month` (YYYYMM)."""
        _add(self.accounts, account, value, count)
        _add(self.periods, (month, account, 0, ""), value, count)
        for dimension, code in objects:
            _add(self.periods, (month, account, dimension, code), value, count)

    def copy(self) -> YearSums:
        return YearSums(
            {k: list(v) for k, v in self.accounts.items()},
            {k: list(v) for k, v in self.periods.items()},
            self.vouchers,
        )
