"""A monotonic clock that moves only when a test says so (for the sandbox's rate-limit window)."""

from __future__ import annotations


class FakeMonotonic:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
