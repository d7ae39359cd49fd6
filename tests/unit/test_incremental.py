"""The lastmodified filter: Stockholm wall-clock time, DST-aware, never later than the cut-off."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tap_fortnox.incremental import STOCKHOLM, lastmodified_param, parse_timestamp

UTC = timezone.utc


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2024, 1, 15, 11, 0, 59, tzinfo=UTC), "2024-01-15 12:00"),  # CET, +1
        (datetime(2024, 7, 15, 11, 0, tzinfo=UTC), "2024-07-15 13:00"),  # CEST, +2
        (datetime(2024, 3, 31, 0, 59, tzinfo=UTC), "2024-03-31 01:59"),  # before spring jump
        (datetime(2024, 3, 31, 1, 0, tzinfo=UTC), "2024-03-31 03:00"),  # after it
        (datetime(2024, 12, 31, 23, 30, tzinfo=UTC), "2025-01-01 00:30"),
    ],
)
def test_stockholm_local_time(instant, expected):
    assert lastmodified_param(instant) == expected


def test_overlap_moves_the_cutoff_back():
    instant = datetime(2024, 7, 15, 11, 0, tzinfo=UTC)
    assert lastmodified_param(instant, timedelta(minutes=5)) == "2024-07-15 12:55"


def test_ambiguous_autumn_hour_is_never_read_as_a_later_instant():
    # 27 Oct 2024: 03:00 CEST -> 02:00 CET, so 02:00-02:59 happens twice.
    first = datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 02:30 CEST (first time)
    second = datetime(2024, 10, 27, 1, 30, tzinfo=UTC)  # 02:30 CET (second time)
    for instant in (first, second):
        text = lastmodified_param(instant)
        naive = datetime.strptime(text, "%Y-%m-%d %H:%M")
        for fold in (0, 1):
            meaning = naive.replace(tzinfo=STOCKHOLM, fold=fold).astimezone(UTC)
            assert meaning <= instant, (text, fold)
        assert instant - naive.replace(tzinfo=STOCKHOLM).astimezone(UTC) <= timedelta(hours=2)
    assert lastmodified_param(second) == "2024-10-27 02:30"  # both readings are not later
    assert lastmodified_param(first) == "2024-10-27 01:30"


def test_every_minute_across_both_dst_changes_is_safe_and_tight():
    for start in (datetime(2024, 3, 30, 22, tzinfo=UTC), datetime(2024, 10, 26, 22, tzinfo=UTC)):
        for minute in range(0, 6 * 60, 7):
            instant = start + timedelta(minutes=minute, seconds=13)
            naive = datetime.strptime(lastmodified_param(instant), "%Y-%m-%d %H:%M")
            meanings = [naive.replace(tzinfo=STOCKHOLM, fold=f).astimezone(UTC) for f in (0, 1)]
            assert max(meanings) <= instant
            assert instant - min(meanings) < timedelta(hours=2, minutes=1)


def test_parse_timestamp_reads_naive_values_as_stockholm_time():
    assert parse_timestamp("2024-01-01") == datetime(2024, 1, 1, tzinfo=STOCKHOLM)
    assert parse_timestamp("2024-01-01T00:00:00Z") == datetime(2024, 1, 1, tzinfo=UTC)
    assert lastmodified_param(parse_timestamp("2024-06-01")) == "2024-06-01 00:00"
