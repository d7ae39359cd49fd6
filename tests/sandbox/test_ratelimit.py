"""The sliding-window rate limit per (client id, tenant)."""

from __future__ import annotations

import time

from tests.sandbox.helpers import get, token_request


def test_exactly_n_requests_per_window_then_429_then_allowed_again(make_sandbox):
    sb = make_sandbox(rate_limit=True, rate_limit_requests=5, rate_limit_window=0.5)
    token = sb.new_access_token()
    started = time.monotonic()
    statuses = [get(sb, "/currencies", token=token)[0] for _ in range(5)]
    status, body = get(sb, "/currencies", token=token)
    assert time.monotonic() - started < 0.5  # all of the above inside one window
    assert statuses == [200] * 5
    assert status == 429
    assert "message" in body
    # Refused requests do not use up the window: once the first 5 are 0.5 s old, 5 more pass.
    time.sleep(max(0.0, started + 0.55 - time.monotonic()))
    assert [get(sb, "/currencies", token=token)[0] for _ in range(5)] == [200] * 5
    assert get(sb, "/currencies", token=token)[0] == 429
    counters = sb.counters()
    assert counters["429"] == 2
    assert counters["by_status"]["200"] == 10


def test_window_slides_rather_than_resetting(make_sandbox):
    sb = make_sandbox(rate_limit=True, rate_limit_requests=4, rate_limit_window=1.0)
    token = sb.new_access_token()
    assert [get(sb, "/units", token=token)[0] for _ in range(2)] == [200, 200]
    time.sleep(0.5)
    assert [get(sb, "/units", token=token)[0] for _ in range(2)] == [200, 200]
    assert get(sb, "/units", token=token)[0] == 429
    time.sleep(0.6)  # the first two are now older than the window, the last two are not
    assert [get(sb, "/units", token=token)[0] for _ in range(3)] == [200, 200, 429]


def test_limit_is_per_tenant_and_switchable(make_sandbox):
    sb = make_sandbox(tenants=2, rate_limit=True, rate_limit_requests=3, rate_limit_window=5.0)
    one, two = (sb.new_access_token(t) for t in sb.tenant_ids)
    assert [get(sb, "/units", token=one)[0] for _ in range(4)] == [200, 200, 200, 429]
    assert get(sb, "/units", token=two)[0] == 200
    # the token endpoint is not rate limited
    for _ in range(5):
        assert (
            token_request(sb, {"grant_type": "client_credentials"}, tenant=sb.tenant_ids[0])[0]
            == 200
        )
    sb.set_rate_limit(False)
    assert all(get(sb, "/units", token=one)[0] == 200 for _ in range(10))
    sb.set_rate_limit(True, requests=2, window_seconds=5.0)
    assert [get(sb, "/units", token=one)[0] for _ in range(3)] == [200, 200, 429]
