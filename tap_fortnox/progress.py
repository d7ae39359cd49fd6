"""Progress of one long read, in words a person can follow:
"invoices: 1,250/4,000 documents (31%), 4.9 documents/s, ~9 min left".

A stream counts what it has done (pages listed, or documents fetched) against the total Fortnox
reports in `MetaInformation`; a line is logged at most every `every_seconds`, not per record.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tap_fortnox.sdk import AnyLogger

DEFAULT_EVERY_SECONDS = 15.0


def duration_words(seconds: float) -> str:
    """A rounded duration: "40 s", "9 min", "2 h 05 min"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


class Progress:
    """Counts `done` out of `total` units since the clock's first reading; logs on a cadence."""

    def __init__(
        self,
        label: str,
        unit: str,
        logger: AnyLogger,
        every_seconds: float = DEFAULT_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.unit = unit
        self.logger = logger
        self.every_seconds = every_seconds
        self.clock = clock
        self.started = clock()
        self.last_logged = self.started
        self.done = 0
        self.total: int | None = None
        self.logged = 0

    def set_total(self, total: int | None) -> None:
        if total is not None:
            self.total = total

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int) -> None:
        """`done` units so far; logs a line when the cadence is due."""
        self.done = done
        now = self.clock()
        if now - self.last_logged >= self.every_seconds:
            self.last_logged = now
            self.log()

    def rate(self) -> float | None:
        """Units per second since the start (None before any time has passed)."""
        elapsed = self.clock() - self.started
        return self.done / elapsed if elapsed > 0 else None

    def seconds_left(self) -> float | None:
        rate = self.rate()
        if self.total is None or not rate:
            return None
        return max(0, self.total - self.done) / rate

    def line(self) -> str:
        parts = [f"{self.label}: {self.done:,}"]
        if self.total:
            parts[0] += f"/{self.total:,} {self.unit} ({min(100, self.done * 100 // self.total)}%)"
        else:
            parts[0] += f" {self.unit}"
        rate = self.rate()
        if rate is not None:
            parts.append(f"{rate:.1f} {self.unit}/s")
        left = self.seconds_left()
        if left is not None and self.total and self.done < self.total:
            parts.append(f"~{duration_words(left)} left")
        return ", ".join(parts)

    def log(self) -> None:
        self.logged += 1
        self.logger.info("%s", self.line())

    def finish(self) -> None:
        """A last line, if the read was long enough to report progress at all."""
        if self.logged:
            self.log()
