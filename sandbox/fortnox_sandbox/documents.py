"""Document lines and totals shared by invoices, orders, offers and contracts.

All arithmetic is Decimal, rounded to the öre per line: a line's total is
quantity x price x (1 - discount%), rounded; Net is the sum of line totals; VAT is computed per
rate on the summed base (rows plus freight and fees) and rounded; Total = Gross + VAT + RoundOff,
where SEK documents are rounded to whole kronor (RoundOff is the difference, |RoundOff| <= 0.50).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from . import bas
from .context import Context
from .detrand import CENT, money, whole

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    article: str
    description: str
    unit: str
    quantity: Decimal
    price: Decimal
    discount: Decimal  # percent
    vat: int
    account: int
    total: Decimal  # excluding VAT
    cost: Decimal = ZERO  # the article's purchase price per unit


@dataclass
class Totals:
    net: Decimal
    freight: Decimal
    fee: Decimal
    gross: Decimal
    vat: Decimal
    round_off: Decimal
    total: Decimal
    vat_by_rate: dict[int, Decimal] = field(default_factory=dict)
    base_by_account: dict[int, Decimal] = field(default_factory=dict)


def line(
    article: str,
    description: str,
    unit: str,
    quantity: Decimal,
    price: Decimal,
    discount: Decimal,
    vat: int,
    account: int,
    cost: Decimal = ZERO,
) -> Line:
    total = money(quantity * price * (Decimal(100) - discount) / Decimal(100))
    return Line(article, description, unit, quantity, price, discount, vat, account, total, cost)


def line_of(row: dict[str, Any], quantity_key: str) -> Line:
    """A document row read back as a line, its amounts as they stand (for summing again)."""

    def amount(key: str) -> Decimal:
        return Decimal(str(row.get(key) or 0))

    return Line(
        row["ArticleNumber"],
        row["Description"],
        row["Unit"],
        amount(quantity_key),
        amount("Price"),
        amount("Discount"),
        int(row["VAT"]),
        int(row["AccountNumber"]),
        amount("Total"),
        amount("Cost"),
    )


def quantity(rnd: random.Random, unit: str) -> Decimal:
    if unit in ("h",):
        return Decimal(rnd.randint(1, 40)) / 2  # half hours
    if unit in ("m", "m2", "kg"):
        return Decimal(rnd.randint(1, 400)) / 4
    return Decimal(rnd.choice((1, 1, 1, 2, 2, 3, 4, 5, 10, 12, 20)))


def totals(lines: list[Line], freight: Decimal, fee: Decimal, domestic: bool, sek: bool) -> Totals:
    net = sum((ln.total for ln in lines), ZERO)
    gross = net + freight + fee
    base_by_rate: dict[int, Decimal] = {}
    base_by_account: dict[int, Decimal] = {}
    for ln in lines:
        base_by_rate[ln.vat] = base_by_rate.get(ln.vat, ZERO) + ln.total
        base_by_account[ln.account] = base_by_account.get(ln.account, ZERO) + ln.total
    if freight:
        base_by_rate[25] = base_by_rate.get(25, ZERO) + freight
        base_by_account[bas.FREIGHT] = base_by_account.get(bas.FREIGHT, ZERO) + freight
    if fee:
        base_by_rate[25] = base_by_rate.get(25, ZERO) + fee
        base_by_account[3540] = base_by_account.get(3540, ZERO) + fee
    vat_by_rate = {}
    if domestic:
        vat_by_rate = {
            rate: money(base * Decimal(rate) / 100) for rate, base in base_by_rate.items() if rate
        }
    vat = sum(vat_by_rate.values(), ZERO)
    exact = gross + vat
    total = whole(exact) if sek else exact
    return Totals(net, freight, fee, gross, vat, total - exact, total, vat_by_rate, base_by_account)


def booked_count(size: int, paid: int) -> int:
    """How many of a ledger's documents are booked: all but the latest 2 % (drafts, still
    editable), and every paid one (Fortnox books a document before it takes a payment)."""
    return max(paid, size - size // 50)


PARTLY_PAID_EVERY = 17  # document i with i % 17 == 5 is paid only in part


def paid_part(ctx: Context, stream: str, pos: int, total: Decimal) -> Decimal:
    """What the payment of document `pos` pays of its `total` (in its currency): all of it, or
    for one document in PARTLY_PAID_EVERY 40-80 % (a short payment: the rest stays open)."""
    if pos % PARTLY_PAID_EVERY != 5:
        return total
    return money(total * Decimal(ctx.rng(f"{stream}.short", pos).randint(40, 80)) / 100)


def paid_sek(total: Decimal, part: Decimal, rate: Decimal) -> Decimal:
    """A payment of `part` in SEK: the total's SEK less what stays open at the same rate, so the
    ledger keeps exactly the open balance in SEK."""
    return to_sek(total, rate) - to_sek(total - part, rate)


def lock_reason(record: dict[str, Any]) -> str | None:
    """Why Fortnox would not let a user change this document's rows (None: it would)."""
    if record.get("Booked"):
        return "booked"
    if record.get("Cancelled"):
        return "cancelled"
    return None


@runtime_checkable
class RowEditor(Protocol):
    """A source of documents whose rows can change at runtime (Sandbox.remove_rows/add_rows)."""

    def locked(self, record: dict[str, Any]) -> str | None:
        """Why the document cannot be edited, or None."""

    def row_count(self, record: dict[str, Any]) -> int:
        """How many rows `remove` can take from (at least one stays)."""

    def edit_rows(
        self, pos: int, record: dict[str, Any], remove: int, add: int, rnd: random.Random
    ) -> dict[str, Any]:
        """The document without its last `remove` rows, with `add` new ones, summed again."""


def fee_vat(amount: Decimal, domestic: bool) -> Decimal:
    return money(amount * Decimal("0.25")) if domestic and amount else ZERO


def to_sek(amount: Decimal, rate: Decimal) -> Decimal:
    return money(amount * rate) if rate != 1 else amount.quantize(CENT)
