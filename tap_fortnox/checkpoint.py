"""Checkpoints: a long read killed at any moment resumes near where it stopped.

Every `CHECKPOINT_EVERY_REQUESTS` requests a stream writes a STATE message whose state for the
stream (or financial year) holds a checkpoint:

    "checkpoint": {"started": "<ISO UTC>", "lastmodified": "<filter>" | null,
                   "page": <list page of the last record>, "after": [<keys of the last records>]}

`started` and `lastmodified` are those of the interrupted read: the resumed read asks Fortnox the
same question and finally commits `started` as the bookmark, so nothing changed during the long
read is missed. A checkpoint names records, not only a page: records added or deleted before it
since then shift positions, so the resumed read lists from one page before `page` and skips
records until it has passed one of the remembered keys (Fortnox keeps a list's order; records
created since sit anywhere, but they are newer than `started` and the next sync reads them). If
none of the remembered records is found within a page of where it was, the read starts again
from the first page: nothing is lost, only time.

A run of the tap also remembers which streams (and financial years) it has finished (see
`RunProgress`): a resumed run does not read the full-table ones again, and reads the incremental
ones only from the bookmark the interrupted run left (a request or two each).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# About 3 seconds of work at Fortnox's 25 requests per 5 s: what a kill can cost at most.
CHECKPOINT_EVERY_REQUESTS = 15
KEYS_KEPT = 5
STATE_KEY = "checkpoint"

Key = tuple[str, ...]


class ResumeLost(Exception):
    """None of a checkpoint's records is where it was: read again from the start."""


@dataclass
class Checkpoint:
    started: str
    lastmodified: str | None
    page: int = 1
    after: deque[Key] = field(default_factory=lambda: deque(maxlen=KEYS_KEPT))
    #: "list" while the list is read; "rows" while a year's SIE file is (`after` then names
    #: vouchers of the file).
    phase: str = "list"

    @classmethod
    def from_state(cls, value: Any) -> Checkpoint | None:
        if not isinstance(value, Mapping) or not value.get("started"):
            return None
        after: deque[Key] = deque(
            (tuple(str(part) for part in key) for key in value.get("after") or ()),
            maxlen=KEYS_KEPT,
        )
        page = int(value.get("page") or 1)
        phase = str(value.get("phase") or "list")
        return cls(str(value["started"]), value.get("lastmodified"), max(1, page), after, phase)

    def to_state(self) -> dict[str, Any]:
        return {
            "started": self.started,
            "lastmodified": self.lastmodified,
            "page": self.page,
            "after": [list(key) for key in self.after],
            "phase": self.phase,
        }

    def passed(self, key: Key | None, page: int) -> None:
        """A record was emitted (the SDK has written it): it is now the latest one."""
        self.page = page
        if key is not None:
            self.after.append(key)


class Resume:
    """Which records of a resumed read the interrupted read has already emitted."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self._keys = set(checkpoint.after)
        self._last_page = checkpoint.page + 1
        self.first_page = max(1, checkpoint.page - 1)
        self._seen = False
        self.done = not self._keys

    def skip(self, key: Key | None, page: int) -> bool:
        """True for a record read before the checkpoint; False from the first record after it.
        Raises ResumeLost when the checkpoint's records are not where they were."""
        if self.done:
            return False
        if key is not None and key in self._keys:
            self._seen = True
            return True
        if self._seen:
            self.done = True
            return False
        if page > self._last_page:
            raise ResumeLost
        return True


class RunProgress:
    """What the current run of the tap has finished, kept in the tap's state under "run", so a
    run killed half-way and started again skips what it had already read."""

    STATE_KEY = "run"

    def __init__(self, state: dict[str, Any], started: str) -> None:
        progress = state.get(self.STATE_KEY)
        if not isinstance(progress, dict) or not progress.get("started"):
            progress = {"started": started, "done": []}
        state[self.STATE_KEY] = progress
        self._state = state
        self._done = progress.setdefault("done", [])
        self.resumed = bool(self._done)

    @staticmethod
    def _name(stream: str, context: Mapping[str, Any] | None) -> str:
        return f"{stream} {json.dumps(dict(context), sort_keys=True)}" if context else stream

    def is_done(self, stream: str, context: Mapping[str, Any] | None) -> bool:
        return self._name(stream, context) in self._done

    def finished(self, stream: str, context: Mapping[str, Any] | None) -> None:
        name = self._name(stream, context)
        if name not in self._done:
            self._done.append(name)

    def complete(self) -> None:
        """The whole run finished: the next one is a new run."""
        self._state.pop(self.STATE_KEY, None)


def item_key(values: Sequence[Any]) -> Key | None:
    """A list item's identifying values as a key, or None when one is missing."""
    if not values or None in values or "" in values:
        return None
    return tuple(map(str, values))
