"""Fortnox's rate limit: a sliding window per (client id, tenant).

At most `requests` accepted requests in any `window` seconds; a request over the limit is
refused (HTTP 429) and does not itself use up the window. Measured on the monotonic clock, so
pinning the sandbox clock for date tests does not freeze the window; tests pass their own
`clock` (seconds, never decreasing) to move the window without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    def __init__(
        self,
        requests: int = 25,
        window: float = 5.0,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.requests = requests
        self.window = window
        self.enabled = enabled
        self.clock = clock
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def configure(
        self, enabled: bool, requests: int | None = None, window: float | None = None
    ) -> None:
        with self._lock:
            self.enabled = enabled
            if requests is not None:
                self.requests = requests
            if window is not None:
                self.window = window
            self._hits.clear()

    def allow(self, client_id: str, tenant_id: str) -> bool:
        if not self.enabled:
            return True
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault((client_id, tenant_id), deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.requests:
                return False
            hits.append(now)
            return True
