"""429 storms from a tiny rate-limit window, and access tokens that expire mid-sync."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from tests.helpers import tapsync
from tests.resilience.conftest import assert_complete, config_for, detail_streams

WINDOW = 1  # seconds; the sandbox allows 25 requests per WINDOW in these tests


def two_detail_streams(sb, config) -> list[str]:
    return detail_streams(sb, config)[:2]


def test_a_429_storm_is_waited_out_without_losing_records(make_sandbox):
    sb = make_sandbox(seed=7, scale="small", rate_limit=True)
    sb.set_rate_limit(True, requests=25, window_seconds=WINDOW)
    config = config_for(sb)  # the tap's own limiter off: every burst runs into 429s
    streams = two_detail_streams(sb, config)

    run = tapsync.run_tap(config, streams)

    assert_complete(sb, config, streams, run)
    assert sb.counters()["429"] > 0


def test_the_tap_limiter_keeps_a_sync_free_of_429s(make_sandbox):
    sb = make_sandbox(seed=7, scale="small", rate_limit=True)
    sb.set_rate_limit(True, requests=25, window_seconds=WINDOW)
    # One request of headroom per window: a request delayed on its way (a loaded machine) must
    # not make the test flaky; the limiter's edge margin is what keeps real syncs at 25 of 25.
    config = config_for(sb, rate_limit_requests=24, rate_limit_window_seconds=WINDOW)
    streams = two_detail_streams(sb, config)

    run = tapsync.run_tap(config, streams)

    assert_complete(sb, config, streams, run)
    counters = sb.counters()
    assert counters["429"] == 0
    assert counters["total"] > 20  # enough requests that the window mattered


def _when_requests_reach(sb, count: int, action) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 30
        while sb.counters()["total"] < count and time.monotonic() < deadline:
            time.sleep(0.002)
        action()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_tokens_expiring_mid_sync_are_renewed_after_a_401(make_sandbox):
    sb = make_sandbox(seed=8, scale="small", rate_limit=False)
    # About 100 requests per second, so the clock jump surely lands mid-sync.
    config = config_for(sb, rate_limit_requests=100, rate_limit_window_seconds=1)
    streams = two_detail_streams(sb, config)
    # Two hours pass on the sandbox clock after 15 requests: the tap's token is then expired
    # although the tap's own clock says it is fresh, so only the 401 can tell.
    later = sb.clock.now_dt() + timedelta(hours=2)
    watcher = _when_requests_reach(sb, 15, lambda: sb.set_now(later))

    run = tapsync.run_tap(config, streams)
    watcher.join()

    assert_complete(sb, config, streams, run)
    counters = sb.counters()
    assert counters["401"] >= 1
    assert counters["by_path"].get("/oauth-v1/token", 0) >= 2


def test_short_lived_tokens_are_renewed_during_a_sync(make_sandbox):
    sb = make_sandbox(seed=9, scale="small", rate_limit=False, token_lifetime=1)
    # About 40 requests per second, so the sync outlives several one-second tokens.
    config = config_for(sb, rate_limit_requests=40, rate_limit_window_seconds=1)
    streams = two_detail_streams(sb, config)

    run = tapsync.run_tap(config, streams)

    assert_complete(sb, config, streams, run)
    assert sb.counters()["by_path"].get("/oauth-v1/token", 0) >= 2
