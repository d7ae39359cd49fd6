"""Injected faults for tests: errors, HTML 503s, dropped connections, slow, malformed and
truncated replies.

A fault applies to the next `count` requests whose path starts with `path_prefix` (any API or
OAuth path if None); faults are used in the order they were injected. "malformed" cuts a JSON
body in half (a SIE file gets a malformed row instead); "truncated" sends part of the body and
closes the connection (a SIE file stops halfway through a voucher's row).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = ("status", "html503", "drop", "slow", "malformed", "truncated")


@dataclass
class Fault:
    kind: str
    count: int
    path_prefix: str | None
    status: int
    delay: float


class Faults:
    def __init__(self) -> None:
        self._pending: list[Fault] = []
        self._lock = threading.Lock()

    def inject(
        self,
        kind: str,
        count: int = 1,
        path_prefix: str | None = None,
        status: int | None = None,
        delay: float | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {', '.join(KINDS)}")
        if count < 1:
            raise ValueError("fault count must be at least 1")
        fault = Fault(
            kind, count, path_prefix, status or (503 if kind == "html503" else 500), delay or 2.0
        )
        with self._lock:
            self._pending.append(fault)

    def take(self, path: str) -> Fault | None:
        """The fault for this request, if any (consumes one of its `count`)."""
        with self._lock:
            for fault in self._pending:
                if fault.path_prefix is None or path.startswith(fault.path_prefix):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._pending.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def pending(self) -> int:
        with self._lock:
            return sum(f.count for f in self._pending)
