"""The sliding-window limiter, on a fake clock (no real sleeping)."""

from __future__ import annotations

import threading

import pytest

from tap_fortnox.ratelimit import SlidingWindowLimiter
from tap_fortnox.tap import TapFortnox


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        with self.lock:
            self.now += seconds


def limiter(requests=25, window=5.0, **kw):
    clock = FakeClock()
    return SlidingWindowLimiter(requests, window, clock=clock, sleep=clock.sleep, **kw), clock


def max_in_any_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


def test_a_burst_gets_the_window_and_then_waits_for_the_oldest_slot():
    lim, clock = limiter(25, 5.0)
    times = []
    for _ in range(25):
        assert lim.acquire() == 0.0
        times.append(clock())
    assert clock() == 1000.0  # the first 25 go at once
    waited = lim.acquire()
    times.append(clock())
    assert waited == pytest.approx(5.0)
    assert clock() == pytest.approx(1005.0)
    assert max_in_any_window(times, 5.0) == 25


def test_never_more_than_the_limit_in_any_window_under_irregular_load():
    lim, clock = limiter(25, 5.0)
    times = []
    for i in range(500):
        clock.now += (i % 7) * 0.05  # irregular gaps between callers' requests
        lim.acquire()
        times.append(clock())
    assert max_in_any_window(times, 5.0) <= 25
    # ... and it is not slower than needed: 500 requests take about 500/25 windows.
    assert times[-1] - times[0] < (500 / 25) * 5.0 + 5.0


def test_margin_spaces_window_edges():
    lim, clock = limiter(2, 1.0, margin_seconds=0.05)
    lim.acquire()
    lim.acquire()
    lim.acquire()
    assert clock() == pytest.approx(1001.05)


def test_a_slot_counts_from_when_the_answer_arrived():
    lim, clock = limiter(2, 5.0)
    with lim.slot():
        clock.now += 3.0  # a slow request: sent at 1000, answered at 1003
    lim.acquire()  # 1003
    waited = lim.acquire()  # must wait for the slow request's answer + 5 s, not its start
    assert waited == pytest.approx(5.0)
    assert clock() == pytest.approx(1008.0)


def test_requests_under_way_hold_their_slots():
    lim, clock = limiter(2, 1.0)
    with lim.slot(), lim.slot():
        clock.now += 10.0  # long requests: the window passes, the slots stay taken
        assert lim.in_window() == 2
    # Both answered at 1010: the next request waits a full window from then.
    assert lim.acquire() == pytest.approx(1.0)
    assert clock() == pytest.approx(1011.0)


def test_a_thread_waits_while_every_slot_is_under_way():
    real = SlidingWindowLimiter(1, 0.2)
    order: list[str] = []
    with real.slot():
        thread = threading.Thread(target=lambda: (real.acquire(), order.append("second")))
        thread.start()
        thread.join(0.3)
        order.append("first answered")
    thread.join(2)
    assert order == ["first answered", "second"]


def test_zero_requests_means_no_limit():
    lim, clock = limiter(0, 5.0)
    for _ in range(1000):
        assert lim.acquire() == 0.0
    assert clock() == 1000.0


def test_threads_share_one_budget():
    lim, clock = limiter(10, 1.0)
    times: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(20):
            lim.acquire()
            with lock:
                times.append(clock())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(times) == 80
    assert max_in_any_window(sorted(times), 1.0) <= 10


def test_each_run_owns_one_limiter_its_streams_share():
    config = {"client_id": "c", "client_secret": "s", "tenant_id": "1", "rate_limit_requests": 7}
    tap = TapFortnox(config=config)
    assert {id(stream.limiter) for stream in tap.streams.values()} == {id(tap.limiter)}
    assert tap.limiter.max_requests == 7
    assert TapFortnox(config=config).limiter is not tap.limiter  # another run, another budget


def test_a_wait_over_a_second_is_logged_with_its_length_and_company(caplog):
    lim, _clock = limiter(2, 5.0, company="1234567")
    short, _ = limiter(2, 0.8)
    with caplog.at_level("INFO", logger="tap-fortnox"):
        for _ in range(3):
            lim.acquire()
            short.acquire()
    waits = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Waiting")]
    # The short limiter's wait (0.8 s) is below the threshold: one line, the long one's.
    assert waits == [
        "Waiting 5.0 s for Fortnox's rate limit (2 requests per 5 s) of company 1234567"
    ]
