"""Sets of vouchers of one financial year, small: one bit per voucher number per series.

The SIE path remembers which vouchers it listed and which the year's file gave rows for; a
year can hold hundreds of thousands of vouchers, numbered from 1 in each series, so a bitmap
takes a few kilobytes where a set of tuples takes tens of megabytes.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator

VoucherKey = tuple[str, int]  # (series, number)

# Numbers beyond this (not seen in Fortnox, where each year's series count from 1) go to a plain
# set, so that a stray huge number cannot allocate a huge bitmap.
BITMAP_NUMBERS = 1 << 22


class VoucherSet:
    """A set of (series, number) keys; iterates in (series, number) order."""

    def __init__(self, keys: Iterable[VoucherKey] = ()) -> None:
        self._bits: dict[str, bytearray] = {}
        self._other: set[VoucherKey] = set()
        self._count = 0
        for key in keys:
            self.add(key)

    def add(self, key: VoucherKey) -> None:
        series, number = key
        if not 0 <= number < BITMAP_NUMBERS:
            if key not in self._other:
                self._other.add(key)
                self._count += 1
            return
        bits = self._bits.setdefault(series, bytearray())
        index, bit = divmod(number, 8)
        if index >= len(bits):
            bits.extend(bytes(max(index + 1, 2 * len(bits)) - len(bits)))  # grow geometrically
        if not bits[index] >> bit & 1:
            bits[index] |= 1 << bit
            self._count += 1

    def __contains__(self, key: object) -> bool:
        if not (isinstance(key, tuple) and len(key) == 2):
            return False
        series, number = key
        if not isinstance(number, int) or not 0 <= number < BITMAP_NUMBERS:
            return key in self._other
        bits = self._bits.get(series)
        index, bit = divmod(number, 8)
        return bits is not None and index < len(bits) and bool(bits[index] >> bit & 1)

    def __iter__(self) -> Iterator[VoucherKey]:
        for series in sorted(self._bits.keys() | {series for series, _ in self._other}):
            bits = self._bits.get(series, b"")
            for index, byte in enumerate(bits):
                if byte:
                    for bit in range(8):
                        if byte >> bit & 1:
                            yield (series, index * 8 + bit)
            yield from sorted(key for key in self._other if key[0] == series)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __sub__(self, other: Container[VoucherKey]) -> VoucherSet:
        return VoucherSet(key for key in self if key not in other)
