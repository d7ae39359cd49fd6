"""`Read`: what one read of a stream keeps (a stream, or one financial year of it), created
fresh when the read begins, so nothing of one read leaks into the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from singer_sdk.helpers.types import Context

from tap_fortnox.checkpoint import Checkpoint, Key, Resume

if TYPE_CHECKING:
    from tap_fortnox.paging import FortnoxPaginator
    from tap_fortnox.progress import Progress


@dataclass
class Read:
    #: When the read started (UTC): the bookmark it leaves and every record's `sync_started_at`.
    started: datetime | None = None
    #: The `lastmodified` filter (Stockholm time); None: every record.
    lastmodified: str | None = None
    #: No checkpoint to resume from (and, incremental, no bookmark): every record is read.
    full_read: bool = False
    #: Resumed from a checkpoint of an interrupted read.
    resumed: bool = False
    checkpoint: Checkpoint | None = None
    resume: Resume | None = None
    requests_since_checkpoint: int = 0
    context: Context | None = None
    paginator: FortnoxPaginator | None = None
    progress: Progress | None = None
    #: Keys of the records emitted (streams that report deletes).
    seen_keys: set[Key] = field(default_factory=set)
    #: The keys the warehouse has after this read, saved when it completes.
    known_now: set[Key] | None = None
    #: Listed, but their detail was 404 (deleted since).
    gone_since_listed: int = 0
