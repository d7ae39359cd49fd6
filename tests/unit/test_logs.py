"""The tap's log filter (tap_fortnox/logs.py): which SDK lines it drops, keeps or rewrites."""

from __future__ import annotations

import logging

from singer_sdk.metrics import Metric, Point

from tap_fortnox.logs import TruthfulLog


def record(msg: str, *args: object, name: str = "tap-fortnox") -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def kept(log: TruthfulLog, msg: str, *args: object) -> bool:
    return log.filter(record(msg, *args))


def test_lines_that_contradict_the_tap_are_dropped():
    log = TruthfulLog()
    assert not kept(
        log, "Stream is assumed to be unsorted, progress is not resumable if interrupted"
    )
    assert not kept(log, "Skipping parse of env var settings...")
    assert not kept(log, "Pagination stopped after %d pages because no records were found", 0)
    assert kept(log, "Pagination stopped after %d pages because no records were found", 3)
    assert kept(log, "Parsing env var for settings config...")  # true with --config ENV


def test_beginning_sync_once_per_stream_and_company():
    log = TruthfulLog()
    begin = "Beginning sync of '%s' in %s mode"
    assert kept(log, begin, "voucher_rows", "full_table")
    assert not kept(log, begin, "voucher_rows", "full_table")
    assert not kept(log, begin + " with context keys: %s", "voucher_rows", "full_table", ("y",))
    assert kept(log, begin, "invoice_rows", "full_table")
    assert kept(log, "[tenant 2] " + begin, "voucher_rows", "full_table")
    assert not kept(log, "[tenant 2] " + begin, "voucher_rows", "full_table")


def test_a_metric_keeps_its_stream_in_the_message():
    point = Point("counter", Metric.RECORD_COUNT, 42, {"stream": "invoices"})
    rec = record("METRIC: %s", point, name="singer_sdk.metrics")
    assert TruthfulLog().filter(rec)
    assert rec.args == ()
    assert rec.msg.startswith("METRIC: {")
    assert '"stream":"invoices"' in rec.msg
    assert '"metric":"record_count"' in rec.msg
