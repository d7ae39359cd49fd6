"""Fortnox time: Europe/Stockholm wall clock, ISO parsing, the tap's clock and `lastmodified`.

Fortnox list items carry no modification timestamp, so the bookmark of an incremental stream is
the time the tap started reading it (taken before the first request, stored in UTC). The next
sync asks for `lastmodified=<bookmark - overlap>` written as Stockholm wall-clock time,
`YYYY-MM-DD HH:MM`. Every rounding below goes earlier, never later: re-reading a record costs
one upsert in the target, missing one is a silent loss.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")  # Fortnox's naive local times
LASTMODIFIED_FORMAT = "%Y-%m-%d %H:%M"


def parse_iso(text: str) -> datetime:
    """`datetime.fromisoformat`, also accepting a trailing "Z" on Python 3.10."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def utc_now() -> datetime:
    """The tap's clock: the time a read starts (its bookmark) comes from here."""
    return datetime.now(timezone.utc)


def parse_timestamp(value: str | datetime) -> datetime:
    """An aware datetime; a value without offset (a `start_date` such as "2024-01-01") is
    Stockholm local time, which is what a Fortnox user means by a date."""
    parsed = value if isinstance(value, datetime) else parse_iso(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=STOCKHOLM)


def _interpretations(local: datetime) -> tuple[datetime, datetime]:
    """The two instants a Stockholm wall-clock time can mean (equal outside the DST fold)."""
    naive = local.replace(tzinfo=None)
    return (
        naive.replace(tzinfo=STOCKHOLM, fold=0).astimezone(timezone.utc),
        naive.replace(tzinfo=STOCKHOLM, fold=1).astimezone(timezone.utc),
    )


def lastmodified_param(instant: datetime, overlap: timedelta = timedelta(0)) -> str:
    """`instant - overlap` as Stockholm `YYYY-MM-DD HH:MM`, never later than that instant.

    Seconds are truncated. In the autumn hour that occurs twice (02:00-03:00 local), a wall-clock
    time is ambiguous; if Fortnox could read it as the later of the two instants, the value is
    moved an hour back so that no reading of it is after the true cut-off.
    """
    cutoff = parse_timestamp(instant).astimezone(timezone.utc) - overlap
    local = cutoff.astimezone(STOCKHOLM).replace(second=0, microsecond=0)
    while max(_interpretations(local)) > cutoff:
        local = (local - timedelta(hours=1)).astimezone(STOCKHOLM)
    return local.strftime(LASTMODIFIED_FORMAT)
