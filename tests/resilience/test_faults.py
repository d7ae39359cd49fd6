"""Injected 5xx bursts, HTML 503 pages, dropped connections, truncated JSON and slow answers in
the middle of a multi-page sync: retried, and every record arrives exactly once."""

from __future__ import annotations

import pytest

from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync
from tests.resilience.conftest import PAGE_SIZE, assert_complete, config_for, detail_streams

BURST = 3  # failed attempts per faulted request (max_retries is 8)


def inject_after(sb, prefix: str, skip: int, kind: str, status: int | None = None) -> None:
    """Let `skip` requests under `prefix` pass, then fail the next one BURST times."""
    if skip:
        sb.inject("slow", count=skip, path_prefix=prefix, delay=0.001)  # a harmless spacer
    sb.inject(kind, count=BURST, path_prefix=prefix, status=status, delay=3.0)


def target_stream(sb, config) -> tuple[str, str]:
    """The detail stream with the most list pages, and its list path."""
    tap = TapFortnox(config=config)
    name = max(
        detail_streams(sb, config), key=lambda n: sum(tapsync.expected_keys(sb, tap, n).values())
    )
    pages = -(-sum(tapsync.expected_keys(sb, tap, name).values()) // PAGE_SIZE)
    assert pages >= 3, f"{name} has too few records for a mid-sync page fault"
    return name, f"/3/{tapsync.resource_of(tap.streams[name])}"


FAULTS = [
    pytest.param("status", 500, id="http-500"),
    pytest.param("status", 502, id="http-502"),
    pytest.param("status", 503, id="http-503"),
    pytest.param("html503", None, id="html-503-page"),
    pytest.param("drop", None, id="dropped-connection"),
    pytest.param("malformed", None, id="truncated-json"),
]


@pytest.mark.parametrize(("kind", "status"), FAULTS)
def test_fault_bursts_on_a_list_page_and_a_detail_lose_nothing(make_sandbox, kind, status):
    sb = make_sandbox(seed=3, scale="small", rate_limit=False)
    config = config_for(sb)
    streams = [*detail_streams(sb, config), "units"]
    _name, prefix = target_stream(sb, config)
    # Requests under the list path run page 1, its details, page 2, ...: skipping PAGE_SIZE + 1
    # faults page 2 of the list; a second burst later hits a detail in page 3.
    inject_after(sb, prefix, PAGE_SIZE + 1, kind, status)
    inject_after(sb, prefix, 3, kind, status)

    run = tapsync.run_tap(config, streams)

    assert_complete(sb, config, streams, run)
    seen = sb.counters()["by_status"]
    failed = {"status": str(status), "html503": "503", "drop": "0"}.get(kind)
    if failed:
        assert seen.get(failed, 0) >= 2 * BURST, seen
    assert sb.faults.pending() == 0  # every injected fault was met


def test_a_slow_answer_times_out_and_is_retried(make_sandbox):
    sb = make_sandbox(seed=4, scale="small", rate_limit=False)
    config = config_for(sb, request_timeout_seconds=1)
    name, prefix = target_stream(sb, config)
    sb.inject("slow", count=1, path_prefix=prefix, delay=0.001)
    sb.inject("slow", count=1, path_prefix=prefix, delay=2.5)  # the first detail

    run = tapsync.run_tap(config, [name])

    assert_complete(sb, config, [name], run)
    assert sb.faults.pending() == 0


def test_an_incremental_sync_under_faults_gets_every_change(make_sandbox):
    sb = make_sandbox(seed=10, scale="small", rate_limit=False)
    config = config_for(sb)
    tap = TapFortnox(config=config)
    streams = [n for n in detail_streams(sb, config) if tap.streams[n].replication_key]
    first = tapsync.run_tap(config, streams)
    changed_at = sb.clock.now()
    for name in streams:
        sb.touch(tapsync.resource_of(tap.streams[name]), 3)
    sb.inject("status", count=2, status=502)  # whatever the incremental sync asks first
    sb.inject("drop", count=2)
    sb.inject("html503", count=2)

    second = tapsync.run_tap(config, streams, first.state)

    assert sb.faults.pending() == 0
    assert sum(second.counts.values()) < sum(first.counts.values()) / 2  # really incremental
    for name in streams:
        changed = tapsync.expected_keys(sb, tap, name, since=changed_at)
        assert sum(changed.values()) >= 3, name
        got = {tapsync.record_key(tap.streams[name], r) for r in second.records(name)}
        missing = set(changed) - got
        assert not missing, f"{name}: changes lost in the incremental sync: {sorted(missing)[:3]}"
