"""The sandbox clock and Fortnox's Stockholm-local `lastmodified` timestamps.

Fortnox interprets `lastmodified=YYYY-MM-DD HH:MM` as Europe/Stockholm wall-clock time. A wall
time in the autumn DST change happens twice (02:00-03:00 on the last Sunday of October); we read it
as the earlier instant (fold=0) so that a filter never skips a change. A wall time inside the
spring gap (02:00-03:00 on the last Sunday of March) does not exist; we read it as the earlier of
its two possible offsets, which is the moment of the change itself or before it. Either way the
rule is: when a wall time is ambiguous, return more records, never fewer.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)


class Clock:
    """Real time unless pinned with `set`; thread-safe."""

    def __init__(self) -> None:
        self._pinned: float | None = None
        self._lock = threading.Lock()

    def set(self, when: datetime | None) -> None:
        if when is not None and when.tzinfo is None:
            raise ValueError("set_now needs an aware datetime (with tzinfo)")
        with self._lock:
            self._pinned = None if when is None else when.timestamp()

    def now(self) -> float:
        """Epoch seconds."""
        pinned = self._pinned
        return time.time() if pinned is None else pinned

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now(), timezone.utc)

    def today(self) -> date:
        """Today's date in Stockholm."""
        return local(self.now()).date()


def local(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, STOCKHOLM)


def parse_lastmodified(value: str) -> float:
    """Parse a Fortnox `lastmodified` value (Stockholm wall time) to epoch seconds.

    Raises ValueError for anything that is not one of the accepted formats.
    """
    text = value.strip()
    for fmt in _FORMATS:
        try:
            wall = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return wall_to_epoch(wall)
    raise ValueError(f"invalid lastmodified value {value!r}")


def wall_to_epoch(wall: datetime) -> float:
    """A naive Stockholm wall time to epoch seconds, taking the earlier instant when ambiguous."""
    first = wall.replace(tzinfo=STOCKHOLM, fold=0).timestamp()
    second = wall.replace(tzinfo=STOCKHOLM, fold=1).timestamp()
    return min(first, second)


def parse_date(value: str) -> date:
    return date.fromisoformat(value.strip())


def day_start(day: date) -> float:
    """Epoch seconds of local midnight at the start of `day`."""
    return datetime(day.year, day.month, day.day, tzinfo=STOCKHOLM).timestamp()


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
