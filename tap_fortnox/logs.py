"""What the tap's log says where the SDK's generic lines would mislead.

One `logging.Filter` on the handlers of the command line's root logger (the SDK sets them up,
console or structured), so it sees the SDK's lines from every logger:

- "Stream is assumed to be unsorted, progress is not resumable if interrupted" is left out: the
  tap keeps its own checkpoints in the STATE, and a run started again from the last STATE resumes
  where the interrupted one stopped (docs/resume.md).
- "Skipping parse of env var settings..." is left out: under Meltano every `TAP_FORTNOX_*`
  variable reaches the tap in its config file, so the line says the opposite of what happened.
- "Pagination stopped after 0 pages ..." is left out: an incremental list with nothing changed
  is the normal case, not a fault.
- "Beginning sync of '<stream>' ..." is written once per stream (and company): row streams are
  synced batch by batch, which the SDK would announce for every batch.
- METRIC lines keep their tags in the message: Meltano's structured log shows only a metric's
  name and value, so `record_count` would not say which stream it counts.

The filter only drops or rewrites records; it keeps the set of streams announced so far, which
lives as long as the handler (one command-line run).
"""

from __future__ import annotations

import logging

from singer_sdk.metrics import Point

from tap_fortnox.sdk import override

UNSORTED = "Stream is assumed to be unsorted"
SKIPPING_ENV = "Skipping parse of env var settings"
PAGINATION_STOPPED = "Pagination stopped after %d pages"
BEGINNING_SYNC = "Beginning sync of '%s'"
METRIC_FORMAT = "METRIC: %s"


class TruthfulLog(logging.Filter):
    """Drops the SDK lines that contradict the tap and names the stream of every metric."""

    def __init__(self) -> None:
        super().__init__()
        self._announced: set[str] = set()

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith((UNSORTED, SKIPPING_ENV)):
            return False
        if PAGINATION_STOPPED in message:
            return bool(record.args and record.args[0] != 0)  # type: ignore[index]
        if BEGINNING_SYNC in message:
            # The message with its arguments: the company prefix, stream and mode.
            text = record.getMessage().split(" with context keys")[0]
            if text in self._announced:
                return False
            self._announced.add(text)
            return True
        if message == METRIC_FORMAT and record.args:
            point = record.args[0]  # type: ignore[index]
            if isinstance(point, Point):
                # A plain message: the structured formatter would keep only name and value.
                record.msg, record.args = record.getMessage(), ()
        return True


def install() -> None:
    """Put the filter on every handler of the root logger (once per handler)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TruthfulLog) for f in handler.filters):
            handler.addFilter(TruthfulLog())
