"""Records changed between two syncs are all found by the second one, also when the bookmark
falls on the nights Stockholm changes its clocks (`lastmodified` is Stockholm wall time).

Sandbox and tap clocks are pinned (the tap's with time-machine): the first sync starts at
`bookmark` (no overlap window, so the DST arithmetic alone must be right), records are changed
seconds and an hour after it, and the second sync runs two hours later.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.helpers import tapsync
from tests.helpers.tapsync import config_for

STREAMS = [
    "customers",
    "invoices",
    "invoice_rows",
    "invoice_payments",
    "vouchers",
    "voucher_rows",
]
# Sandbox resource changed -> (stream, field the touched key is in).
TOUCHED = {
    "customers": ("customers", "customer_number"),
    "invoices": ("invoices", "document_number"),
    "invoicepayments": ("invoice_payments", "number"),
    "vouchers": ("vouchers", None),  # keys are "SERIES/NUMBER"
}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def key_of(stream: str, field: str | None, record: dict) -> str:
    if stream == "vouchers" or stream == "voucher_rows":
        return f"{record['voucher_series']}/{record['voucher_number']}"
    return str(record[field])


@pytest.mark.parametrize(
    ("bookmark", "lastmodified"),
    [
        # 01:59 CET, a minute before 02:00 becomes 03:00
        (utc(2026, 3, 29, 0, 59), "2026-03-29 01:59"),
        # 03:59 CEST, the hour after the change
        (utc(2026, 3, 29, 1, 59), "2026-03-29 03:59"),
        # 02:30 CEST, the first of the two 02:30s: "02:30" could be read as the second one (an
        # hour late), so the tap asks from 01:30
        (utc(2026, 10, 25, 0, 30), "2026-10-25 01:30"),
        # 02:30 CET, the second 02:30: both readings are at or before it
        (utc(2026, 10, 25, 1, 30), "2026-10-25 02:30"),
    ],
    ids=["spring-before", "spring-after", "autumn-first", "autumn-second"],
)
def test_every_change_after_the_bookmark_is_found(make_sandbox, caplog, bookmark, lastmodified):
    sb = make_sandbox(seed=21, scale="small", rate_limit=False)
    config = config_for(sb, lookback_minutes=0)
    sb.set_now(bookmark)
    with time_machine.travel(bookmark, tick=False):
        first = tapsync.run_tap(config, STREAMS)
    for stream in STREAMS:
        assert first.records(stream), stream

    touched: dict[str, set[str]] = {}
    for offset in (timedelta(seconds=1), timedelta(seconds=59), timedelta(minutes=61)):
        sb.set_now(bookmark + offset)
        for resource in TOUCHED:
            touched.setdefault(resource, set()).update(sb.touch(resource, 2))
    later = bookmark + timedelta(hours=2)
    sb.set_now(later)
    with time_machine.travel(later, tick=False), caplog.at_level(logging.INFO):
        second = tapsync.run_tap(config, STREAMS, first.state)
    for stream in ("customers", "invoices", "invoice_payments"):
        assert (
            f"Stream '{stream}': records modified since {lastmodified} (Stockholm time)"
            in caplog.text
        )

    for resource, (stream, field) in TOUCHED.items():
        found = {key_of(stream, field, r) for r in second.records(stream)}
        missing = touched[resource] - found
        assert not missing, f"{stream}: changes after {bookmark} not found: {sorted(missing)}"
        # A filtered read (the sandbox's base data runs to today, so records modified after the
        # pinned bookmark are legitimately re-read too).
        assert len(found) < len(first.records(stream)), stream
    # The rows of every changed document come with it.
    rows = {r["document_number"] for r in second.records("invoice_rows")}
    with_rows = {str(b["DocumentNumber"]) for b in sb.expected("invoices") if b.get("InvoiceRows")}
    assert touched["invoices"] & with_rows <= rows
    voucher_rows = {key_of("voucher_rows", None, r) for r in second.records("voucher_rows")}
    assert touched["vouchers"] <= voucher_rows
    # The bookmark moved to the second sync's start.
    bookmark_value = second.state["bookmarks"]["customers"]["replication_key_value"]
    assert datetime.fromisoformat(bookmark_value) == later
