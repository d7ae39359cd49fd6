"""ACTIVATE_VERSION: full-table streams let a target drop rows deleted in Fortnox; incremental
streams and the rows of incremental documents never send it."""

from __future__ import annotations

import time

from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync
from tests.helpers.tapsync import config_for

FULL_TABLE = "units"
INCREMENTAL = ["invoices", "invoice_rows", "vouchers", "voucher_rows"]


def apply_like_a_target(table: dict, run: tapsync.Run, stream: str, keys: list[str]) -> None:
    """Upsert records by key with their version; a tombstone deletes its key; ACTIVATE_VERSION
    drops older versions."""
    for message in run.messages:
        if message.get("stream") != stream:
            continue
        if message["type"] == "RECORD":
            key = tuple(message["record"][k] for k in keys)
            if message["record"].get("_sdc_deleted_at"):
                table.pop(key, None)
            else:
                table[key] = message.get("version")
        elif message["type"] == "ACTIVATE_VERSION":
            version = message["version"]
            for key in [k for k, v in table.items() if v is None or v < version]:
                del table[key]


def activations(run: tapsync.Run, stream: str) -> list[int]:
    return [
        m["version"]
        for m in run.messages
        if m["type"] == "ACTIVATE_VERSION" and m["stream"] == stream
    ]


def test_a_deleted_register_record_leaves_the_next_version(make_sandbox):
    sb = make_sandbox(seed=11, scale="small", rate_limit=False)
    config = config_for(sb, emit_activate_version_messages=True)
    keys = list(TapFortnox(config=config).streams[FULL_TABLE].primary_keys)
    first = tapsync.run_tap(config, [FULL_TABLE, *INCREMENTAL])
    table: dict = {}
    apply_like_a_target(table, first, FULL_TABLE, keys)
    assert activations(first, FULL_TABLE)
    assert len(table) == len(sb.expected(FULL_TABLE))
    for stream in INCREMENTAL:
        assert first.records(stream), stream
        assert activations(first, stream) == [], stream

    (deleted,) = sb.delete(FULL_TABLE, 1)
    time.sleep(1.1)  # the SDK's version is the stream's start time in whole seconds
    second = tapsync.run_tap(config, [FULL_TABLE], first.state)
    (version,) = set(activations(second, FULL_TABLE))
    assert version > max(activations(first, FULL_TABLE))
    live = [r for r in second.records(FULL_TABLE) if not r.get("_sdc_deleted_at")]
    versioned = {r["code"] for r in live}
    # Also reported as a tombstone (detect_deletes), for targets without ACTIVATE_VERSION.
    assert [r["code"] for r in second.records(FULL_TABLE) if r.get("_sdc_deleted_at")] == [deleted]
    assert {
        m["version"]
        for m in second.messages
        if m.get("stream") == FULL_TABLE and m["type"] == "RECORD"
    } == {version}
    assert deleted not in versioned
    apply_like_a_target(table, second, FULL_TABLE, keys)
    assert len(table) == len(sb.expected(FULL_TABLE)) == len(versioned)
    assert all(key[keys.index("code")] != deleted for key in table)


def test_off_by_default(make_sandbox):
    sb = make_sandbox(seed=11, scale="small", rate_limit=False)
    run = tapsync.run_tap(config_for(sb), [FULL_TABLE])
    assert run.records(FULL_TABLE)
    assert activations(run, FULL_TABLE) == []


def test_per_year_activations_do_not_drop_other_years(make_sandbox):
    """accounts is read once per financial year, each read starting with ACTIVATE_VERSION: all
    carry the run's one version, so no year's rows drop another's."""
    sb = make_sandbox(seed=12, scale="small", rate_limit=False)
    config = config_for(sb, emit_activate_version_messages=True)
    keys = list(TapFortnox(config=config).streams["accounts"].primary_keys)
    run = tapsync.run_tap(config, ["accounts"])
    years = len(sb.expected("financialyears"))
    assert len(activations(run, "accounts")) == years > 1
    assert len(set(activations(run, "accounts"))) == 1
    table: dict = {}
    apply_like_a_target(table, run, "accounts", keys)
    assert len(table) == len(sb.expected("accounts")) == len(run.records("accounts"))
