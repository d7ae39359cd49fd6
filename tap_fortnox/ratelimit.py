"""A sliding-window rate limiter, one per (client id, tenant), shared by the whole process.

Fortnox allows 25 requests in any 5-second window per client id and tenant and answers 429
beyond that. The tap keeps below the limit itself: every request (list page, detail, retry) first
takes a slot from the limiter that belongs to its credentials, so all streams and threads of a
run share one budget.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

# Requests leave the tap a little before Fortnox sees them; spacing window edges by this much
# keeps a request that is sent exactly one window after another from landing inside it.
EDGE_MARGIN_SECONDS = 0.05


_EPSILON = 1e-9  # float slack, so a wait of exactly the remaining time always frees the slot


class SlidingWindowLimiter:
    """Never more than `max_requests` acquisitions in any `window_seconds` (thread-safe).

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
    ) -> None:
        if window_seconds <= 0 and max_requests > 0:
            raise ValueError("window_seconds must be positive")
        self.max_requests = max_requests
        self.window_seconds = window_seconds
        self.margin_seconds = margin_seconds
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()
        self.waited_seconds = 0.0  # total time callers spent waiting (for progress logs)

    def acquire(self) -> float:
        """Block until a request may be sent, record it, and return the seconds waited."""
        if self.max_requests <= 0:
            return 0.0
        waited = 0.0
        span = self.window_seconds + self.margin_seconds
        while True:
            with self._lock:
                now = self._clock()
                while self._sent and now - self._sent[0] >= span - _EPSILON:
                    self._sent.popleft()
                if len(self._sent) < self.max_requests:
                    self._sent.append(now)
                    self.waited_seconds += waited
                    return waited
                delay = self._sent[0] + span - now
            # Sleep outside the lock; re-check afterwards (another thread may take the slot).
            self._sleep(delay)
            waited += delay

    def in_window(self) -> int:
        """How many requests were sent within the current window."""
        with self._lock:
            now = self._clock()
            span = self.window_seconds + self.margin_seconds
            return sum(1 for sent in self._sent if now - sent < span)


_registry: dict[Hashable, SlidingWindowLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(key: Hashable, max_requests: int, window_seconds: float) -> SlidingWindowLimiter:
    """The process-wide limiter for `key` (client id, tenant); created on first use.

    Later callers with other limits for the same key update it: one budget per key.
    """
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None:
            limiter = SlidingWindowLimiter(
                max_requests, window_seconds, margin_seconds=EDGE_MARGIN_SECONDS
            )
            _registry[key] = limiter
        else:
            limiter.max_requests = max_requests
            limiter.window_seconds = window_seconds
        return limiter


def clear_registry() -> None:
    """Forget all limiters (tests simulate a fresh process)."""
    with _registry_lock:
        _registry.clear()
