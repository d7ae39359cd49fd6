"""A sliding-window rate limiter: the request budget of one company's run.

Fortnox allows 25 requests in any 5-second window per client id and tenant and answers 429
beyond that. The tap keeps below the limit itself: every request (list page, detail, retry) first
takes a slot from the limiter that the run of that company owns (the tap creates it), so all of
the run's streams share one budget, and companies read side by side have one each.

A slot taken with `slot()` counts from the moment the answer arrived, not from when the request
was handed to the network: Fortnox sees a request somewhere in between, so the next request that
needs the slot is sent a full window after Fortnox can have counted the previous one, however
long that request was under way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# A little extra spacing between window edges, for clock granularity.
EDGE_MARGIN_SECONDS = 0.05
_EPSILON = 1e-9  # float slack, so a wait of exactly the remaining time always frees the slot
# A wait longer than this is logged (how long, which company): a run must not pause unexplained.
LOGGED_WAIT_SECONDS = 1.0
LOGGER = logging.getLogger("tap-fortnox")


class _Slot:
    __slots__ = ("done_at",)

    def __init__(self) -> None:
        self.done_at: float | None = None  # None while the request is under way


class SlidingWindowLimiter:
    """Never more than `max_requests` requests in any `window_seconds`. Thread-safe: a run
    uses it from one thread, but it holds its budget for any threads that share it (tested).

    `max_requests <= 0` disables limiting (tests, benchmarks against an unlimited sandbox).
    `clock` and `sleep` are injectable so tests run on a fake clock.
    """

    def __init__(
        self,
        max_requests: int,
        window_seconds: float,
        *,
        margin_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        company: str = "",
    ) -> None:
        """`company`: the tenant id the budget belongs to, named in the wait lines."""
        if window_seconds <= 0 and max_requests > 0:
            raise ValueError("window_seconds must be positive")
        self.max_requests = max_requests
        self.window_seconds = window_seconds
        self.margin_seconds = margin_seconds
        self._clock = clock
        self._sleep = sleep
        self.company = company
        self._lock = threading.Lock()
        self._slots: list[_Slot] = []
        self.waited_seconds = 0.0  # total time callers spent waiting (for progress logs)

    @contextmanager
    def slot(self) -> Iterator[float]:
        """Hold a slot for one request (yields the seconds waited for it); it counts from the
        moment the block is left, i.e. when the answer has arrived."""
        waited, slot = self._reserve()
        try:
            yield waited
        finally:
            self._complete(slot)

    def acquire(self) -> float:
        """Take a slot for a request sent now; return the seconds waited."""
        waited, slot = self._reserve()
        self._complete(slot)
        return waited

    def _reserve(self) -> tuple[float, _Slot | None]:
        if self.max_requests <= 0:
            return 0.0, None
        waited = 0.0
        span = self.window_seconds + self.margin_seconds
        while True:
            with self._lock:
                now = self._clock()
                self._slots = [
                    s for s in self._slots if s.done_at is None or now - s.done_at < span - _EPSILON
                ]
                if len(self._slots) < self.max_requests:
                    slot = _Slot()
                    self._slots.append(slot)
                    self.waited_seconds += waited
                    return waited, slot
                finished = [s.done_at for s in self._slots if s.done_at is not None]
                # Every slot busy with a request under way (more threads than slots): poll.
                delay = min(finished) + span - now if finished else span / 50
            if delay > LOGGED_WAIT_SECONDS:
                LOGGER.info(
                    "Waiting %.1f s for Fortnox's rate limit (%d requests per %g s) of %s",
                    delay,
                    self.max_requests,
                    self.window_seconds,
                    f"company {self.company}" if self.company else "this company",
                )
            # Sleep outside the lock; re-check afterwards (another thread may take the slot).
            self._sleep(max(delay, _EPSILON))
            waited += delay

    def _complete(self, slot: _Slot | None) -> None:
        if slot is not None:
            with self._lock:
                slot.done_at = self._clock()

    def in_window(self) -> int:
        """How many requests are under way or counted in the current window."""
        with self._lock:
            now = self._clock()
            span = self.window_seconds + self.margin_seconds
            return sum(1 for s in self._slots if s.done_at is None or now - s.done_at < span)
