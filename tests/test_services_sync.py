"""The warehouse and time-reporting streams (`/api/...` families) against the sandbox: licence
refusals, the time registrations' look-back, deletes, and paging where a response shows it.
(Every record equal to the sandbox's data, and the request minimum, are in test_core_sync.)"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from itertools import pairwise

from tap_fortnox.client import TENANT_ID
from tap_fortnox.deletes import DELETED_AT
from tap_fortnox.incremental import STOCKHOLM
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.streams.time_reporting import WINDOW_DAYS, date_windows
from tap_fortnox.tap import TapFortnox
from tests.conftest import SANDBOX_AS_OF
from tests.helpers import tapsync

WAREHOUSE = sorted(s.name for s in STREAM_TYPES if s.scope == "warehouse")
TIME = sorted(s.name for s in STREAM_TYPES if s.scope == "timereporting")
SKIP_LINE = re.compile(r"Skipping stream '(\w+)': .* scope '(\w+)'")


def config_for(sb, **overrides):
    return {**sb.tap_config(), "rate_limit_requests": 0, **overrides}


def test_without_the_warehouse_and_time_licences_each_stream_warns_once_and_exit_is_0(
    make_sandbox, tmp_path
):
    sb = make_sandbox(seed=3, rate_limit=False, missing_scopes={"warehouse", "timereporting"})
    run = tapsync.run_cli(
        tapsync.write_inputs(tmp_path, config_for(sb), [*WAREHOUSE, *TIME, "units"])
    )
    assert run.returncode == 0, run.stderr[-2000:]
    skipped = Counter(SKIP_LINE.findall(run.stderr))
    expected = {(name, "warehouse"): 1 for name in WAREHOUSE}
    expected.update({(name, "timereporting"): 1 for name in TIME})
    assert dict(skipped) == expected
    assert set(run.counts) == {"units"}  # the other streams went on
    assert run.counts["units"] == len(sb.expected("units"))


def test_time_registrations_lookback_reads_late_edits_again(make_sandbox):
    """A sync whose previous one ran at the end of the sandbox's data reads again the
    registrations worked in the look-back days before it: a registration edited there since is
    emitted with its edit; one worked before the look-back is not read again."""
    sb = make_sandbox(seed=4, rate_limit=False)
    lookback = 30
    config = config_for(sb, time_reporting_lookback_days=lookback)
    first = tapsync.run_tap(config, ["time_registrations"])
    tenant = sb.tenants[sb.tenant_ids[0]]
    assert len(first.records("time_registrations")) == len(
        sb.services.expected("time_registrations", tenant)
    )
    # The previous sync ran at the start of the sandbox's last day (Stockholm).
    previous = datetime.combine(SANDBOX_AS_OF, datetime.min.time(), STOCKHOLM)
    state = first.state
    state["bookmarks"]["time_registrations"]["replication_key_value"] = previous.isoformat()
    inside = sb.services.edit_registration(tenant, SANDBOX_AS_OF - timedelta(days=20), "sent")
    before = sb.services.edit_registration(tenant, SANDBOX_AS_OF - timedelta(days=45), "late")

    second = tapsync.run_tap(config, ["time_registrations"], state)

    records = {r["id"]: r for r in second.records("time_registrations")}
    assert records[inside["id"]]["note"] == "sent"
    assert before["id"] not in records
    first_day = (SANDBOX_AS_OF - timedelta(days=lookback)).isoformat()
    wanted = {
        r["id"]
        for r in sb.services.expected("time_registrations", tenant)
        if r["workedDate"] >= first_day
    }
    assert set(records) == wanted
    bookmark = second.state["bookmarks"]["time_registrations"]["replication_key_value"]
    assert bookmark > previous.isoformat()


def test_a_purchase_order_deleted_in_fortnox_becomes_a_tombstone(make_sandbox):
    sb = make_sandbox(seed=5, rate_limit=False)
    config = config_for(sb)
    streams = ["purchase_orders", "purchase_order_rows", "stock_points", "stock_locations"]
    first = tapsync.run_tap(config, streams)
    tenant = sb.tenants[sb.tenant_ids[0]]
    gone = first.records("purchase_orders")[0]["id"]
    sb.services.delete("purchase_orders", tenant, gone)

    second = tapsync.run_tap(config, streams, first.state)

    tombstones = [r for r in second.records("purchase_orders") if r.get(DELETED_AT)]
    assert [(r[TENANT_ID], r["id"]) for r in tombstones] == [(sb.tenant_ids[0], gone)]
    live = {r["id"] for r in second.records("purchase_orders") if not r.get(DELETED_AT)}
    assert gone not in live
    assert len(live) == len(sb.services.expected("purchase_orders", tenant))
    assert not any(r.get(DELETED_AT) for r in second.records("stock_locations"))


def test_paged_service_lists_are_followed_to_the_end(make_sandbox):
    """Where a response shows paging (here `Link: rel="next"`), every page is read: the same
    records as one unpaged list."""
    sb = make_sandbox(seed=6, rate_limit=False, service_page_size=7)
    config = config_for(sb)
    streams = [*WAREHOUSE, *TIME]
    run = tapsync.run_tap(config, streams)
    tap = TapFortnox(config=config)
    for name in streams:
        got = Counter(tapsync.record_key(tap.streams[name], r) for r in run.records(name))
        assert got == tapsync.expected_keys(sb, tap, name), name
    pages = sb.counters()["by_path"]["/api/warehouse/status-v1/stockbalance"]
    balances = len(sb.services.expected("stock_balances", sb.tenants[sb.tenant_ids[0]]))
    assert pages == -(-balances // 7)


def test_time_windows_span_at_most_a_year_and_cover_every_day():
    first = SANDBOX_AS_OF - timedelta(days=1000)
    windows = date_windows(first, SANDBOX_AS_OF)
    assert windows[0][0] == first
    assert windows[-1][1] == SANDBOX_AS_OF
    for (_low, high), (next_low, _high) in pairwise(windows):
        assert next_low == high + timedelta(days=1)
    assert all((high - low).days + 1 <= WINDOW_DAYS for low, high in windows)
