"""Deterministic randomness and money arithmetic shared by all data generators.

Every record is generated from its own `random.Random`, seeded from (seed, tenant, resource,
index), so any record can be rebuilt on its own, in any order, without generating the others.
"""

from __future__ import annotations

import random
import zlib
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ONE = Decimal("1")
_MASK = (1 << 64) - 1


def stream_id(name: str) -> int:
    """A stable number for a resource name (Python's str hash is salted per process)."""
    return zlib.crc32(name.encode("utf-8"))


def rng(seed: int, tenant: int, stream: int, index: int) -> random.Random:
    """The generator for one record; `stream` comes from `stream_id`."""
    mixed = (seed * 0x9E3779B97F4A7C15 + tenant * 0xC2B2AE3D27D4EB4F) & _MASK
    mixed = (mixed ^ (stream * 0x165667B19E3779F9) ^ (index * 0xD6E8FEB86659FD93)) & _MASK
    return random.Random(mixed)


def money(value: Decimal | int | float | str) -> Decimal:
    """Round to the öre, half up, as Fortnox shows amounts."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def whole(value: Decimal) -> Decimal:
    """Round to whole kronor (invoice totals are rounded, the difference is RoundOff)."""
    return value.quantize(ONE, rounding=ROUND_HALF_UP).quantize(CENT)


def price(rnd: random.Random, low: int, high: int) -> Decimal:
    """A plausible price: whole kronor, sometimes ending in 9 or with öre."""
    value = rnd.randint(low, high)
    kind = rnd.random()
    if kind < 0.3:
        value = value - value % 10 + 9 if value >= 10 else value
        return Decimal(value).quantize(CENT)
    if kind < 0.5:
        return money(Decimal(value) + Decimal(rnd.choice((25, 50, 75, 90))) / 100)
    return Decimal(value).quantize(CENT)
