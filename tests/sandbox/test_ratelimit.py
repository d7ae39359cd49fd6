"""The sliding-window rate limit per (client id, tenant), driven by a fake monotonic clock."""

from __future__ import annotations

from fortnox_sandbox.http.ratelimit import SlidingWindow
from tests.sandbox.fake_clock import FakeMonotonic
from tests.sandbox.helpers import get, token_request


def _limited(make_sandbox, requests: int, window: float, **kwargs):
    clock = FakeMonotonic()
    sb = make_sandbox(
        rate_limit=True,
        rate_limit_requests=requests,
        rate_limit_window=window,
        rate_limit_clock=clock,
        **kwargs,
    )
    return sb, clock


def test_exactly_n_requests_per_window_then_429_then_allowed_again(make_sandbox):
    sb, clock = _limited(make_sandbox, 5, 5.0)
    token = sb.new_access_token()
    assert [get(sb, "/currencies", token=token)[0] for _ in range(5)] == [200] * 5
    status, body = get(sb, "/currencies", token=token)
    assert status == 429
    assert "message" in body
    clock.advance(4.999)  # the first five are not yet a window old
    assert get(sb, "/currencies", token=token)[0] == 429
    # Refused requests do not use up the window: once the first 5 are 5 s old, 5 more pass.
    clock.advance(0.001)
    assert [get(sb, "/currencies", token=token)[0] for _ in range(5)] == [200] * 5
    assert get(sb, "/currencies", token=token)[0] == 429
    counters = sb.counters()
    assert counters["429"] == 3
    assert counters["by_status"]["200"] == 10


def test_window_slides_rather_than_resetting(make_sandbox):
    sb, clock = _limited(make_sandbox, 4, 1.0)
    token = sb.new_access_token()
    assert [get(sb, "/units", token=token)[0] for _ in range(2)] == [200, 200]
    clock.advance(0.5)
    assert [get(sb, "/units", token=token)[0] for _ in range(2)] == [200, 200]
    assert get(sb, "/units", token=token)[0] == 429
    clock.advance(0.5)  # the first two are now a window old, the last two are not
    assert [get(sb, "/units", token=token)[0] for _ in range(3)] == [200, 200, 429]


def test_limit_is_per_tenant_and_switchable(make_sandbox):
    sb, clock = _limited(make_sandbox, 3, 5.0, tenants=2)
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
    clock.advance(5.0)
    assert get(sb, "/units", token=one)[0] == 200


def test_the_window_is_kept_per_client_id_and_tenant():
    clock = FakeMonotonic()
    window = SlidingWindow(requests=2, window=5.0, clock=clock)
    assert [window.allow("app", "1") for _ in range(3)] == [True, True, False]
    assert [window.allow("other app", "1") for _ in range(2)] == [True, True]
    assert [window.allow("app", "2") for _ in range(2)] == [True, True]
    clock.advance(5.0)
    assert window.allow("app", "1")
