"""Every stream of the tap, in sync order (one module per Fortnox domain)."""

from __future__ import annotations

from tap_fortnox.client import FortnoxStream
from tap_fortnox.streams import bookkeeping, purchasing, registers, salary, sales

STREAM_TYPES: tuple[type[FortnoxStream], ...] = (
    *registers.STREAMS,
    *bookkeeping.STREAMS,
    *sales.STREAMS,
    *purchasing.STREAMS,
    *salary.STREAMS,
)
