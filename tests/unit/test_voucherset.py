"""VoucherSet behaves as a set of (series, number) keys, in sorted order, and stays small."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from tap_fortnox.voucherset import BITMAP_NUMBERS, VoucherSet

keys = st.tuples(
    st.sampled_from(["A", "B", "LON", "Ö"]),
    st.one_of(st.integers(0, 5000), st.integers(BITMAP_NUMBERS - 1, BITMAP_NUMBERS + 2)),
)


@given(st.lists(keys), st.lists(keys), keys)
def test_it_is_a_set_of_keys(added, removed, probe):
    mine, plain = VoucherSet(added), set(added)
    assert list(mine) == sorted(plain)
    assert len(mine) == len(plain)
    assert bool(mine) == bool(plain)
    assert (probe in mine) == (probe in plain)
    assert list(mine - set(removed)) == sorted(plain - set(removed))
    assert list(mine - VoucherSet(removed)) == sorted(plain - set(removed))


def test_a_year_of_vouchers_takes_kilobytes():
    vouchers = VoucherSet(("A", number) for number in range(1, 250_001))
    assert len(vouchers) == 250_000
    size = sum(sys.getsizeof(bits) for bits in vouchers._bits.values())
    assert size < 100_000  # a set of 250,000 tuples: over 20 MB
    assert ("A", 250_000) in vouchers
    assert ("A", 250_001) not in vouchers
    assert ("B", 1) not in vouchers
    assert ("A", "1") not in vouchers
