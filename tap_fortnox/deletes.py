"""Deletes as data: records Fortnox no longer has, and rows gone from edited documents.

`lastmodified` never reports a deletion, so a stream whose records can be deleted in Fortnox
(`deletable`) remembers the keys it has seen (state `known_keys`, compact, see keyset.py) and
after each read compares them with the keys Fortnox has now: a full read sees them all; an
incremental read lists the keys (list pages only, 500 keys per request). Each key gone is
emitted as a tombstone: a RECORD with the stream's key and `_sdc_deleted_at`, which SDK targets
store (`where _sdc_deleted_at is null` gives the live rows). A key listing that changes while it
is read (records added or deleted between its pages) is not trusted: no tombstone then, the next
sync looks again.

A document whose rows can still be edited (not booked, cancelled or invoiced) is remembered with
its row count (state `row_counts`); when it is read again with fewer rows, the rows past its new
end are tombstoned in its row stream. Documents that can no longer change need no memory.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from decimal import Decimal
from typing import Any, Protocol

import requests
from singer_sdk.helpers.types import Context

from tap_fortnox import keyset
from tap_fortnox.normalize import snake_case
from tap_fortnox.paging import FortnoxPaginator, page_info
from tap_fortnox.reading import Read
from tap_fortnox.responses import get_ci, json_body

DELETED_AT = "_sdc_deleted_at"
KNOWN_KEYS = "known_keys"
ROW_COUNTS = "row_counts"

Key = tuple[str, ...]

#: The schema property every stream that reports deletes carries.
DELETED_AT_SCHEMA = {
    "type": ["string", "null"],
    "format": "date-time",
    "description": "When the tap found the record gone from Fortnox: a tombstone, only the "
    "key is set. Null for live records",
}


class Tombstone(dict[str, Any]):
    """A deleted record: its key fields (snake_case) and nothing else."""


def known_keys(state: Mapping[str, Any]) -> set[Key] | None:
    """The keys the previous sync knew; None when it kept none (first sync, or upgraded)."""
    encoded = state.get(KNOWN_KEYS)
    return None if encoded is None else set(keyset.decode(encoded))


def save_known_keys(state: MutableMapping[str, Any], keys: Iterable[Key]) -> None:
    state[KNOWN_KEYS] = keyset.encode(keys)


def is_final(record: Mapping[str, Any], fields: Iterable[str]) -> bool:
    """Whether a document can no longer change: one of `fields` (booked, cancelled, the
    invoice an order became...) is set. Fortnox writes "0" for "no invoice yet"."""
    return any(record.get(name) not in (None, "", "0", 0, False) for name in fields)


class RowCounts:
    """How many rows each document that can still change had when it was last read."""

    def __init__(self, state: Mapping[str, Any]) -> None:
        self._counts: dict[Key, int] = {
            key[:-1]: int(key[-1]) for key in keyset.decode(state.get(ROW_COUNTS))
        }

    def update(self, key: Key, rows: int, final: bool) -> range:
        """Record the document's rows now; the row indexes (1-based) it no longer has."""
        before = self._counts.pop(key, 0)
        if not final:
            self._counts[key] = rows
        return range(rows + 1, before + 1)

    def counts(self) -> dict[Key, int]:
        return dict(self._counts)

    def save(self, state: MutableMapping[str, Any]) -> None:
        state[ROW_COUNTS] = keyset.encode((*key, str(n)) for key, n in self._counts.items())


def inferred_schema(value: Any) -> dict[str, Any] | None:
    """The schema for a field Fortnox sends that the stream's schema lacks, from its first
    non-null value; None for null (nothing to go by yet)."""
    if value is None:
        return None
    if isinstance(value, bool):
        kind: dict[str, Any] = {"type": ["boolean", "null"]}
    elif isinstance(value, (int, float, Decimal)):
        kind = {"type": ["number", "null"]}
    elif isinstance(value, Mapping):
        kind = {"type": ["object", "null"]}
    elif isinstance(value, list):
        kind = {"type": ["array", "null"], "items": {}}
    else:
        kind = {"type": ["string", "null"]}
    return {**kind, "description": "Sent by Fortnox, not in the tap's schema: added when seen"}


class Listed(Protocol):
    """What delete detection needs of a stream (client.FortnoxStream)."""

    @property
    def name(self) -> str: ...
    @property
    def logger(self) -> logging.Logger: ...
    @property
    def path(self) -> str: ...
    @property
    def records_key(self) -> str | None: ...
    @property
    def page_size(self) -> int: ...
    @property
    def key_fields(self) -> tuple[str, ...]: ...
    @property
    def reports_deletes(self) -> bool: ...
    @property
    def lastmodified_rejected(self) -> bool: ...
    @property
    def read(self) -> Read: ...
    def query_params(self, context: Context | None) -> dict[str, Any]: ...
    def get(
        self, path: str, params: Mapping[str, Any] | None = None, context: Context | None = None
    ) -> requests.Response: ...


def deletions(
    stream: Listed, context: Context | None, state: Mapping[str, Any]
) -> Iterator[Tombstone]:
    """Tombstones for the records the warehouse has (the keys the tap has emitted and not
    tombstoned) that Fortnox no longer has, once the stream's read is done (`state`: its
    context's); keeps the warehouse's keys for the next sync (`read.known_now`, saved when the
    read completes)."""
    if not stream.reports_deletes:
        return
    read = stream.read
    previous = known_keys(state)
    whole = (read.full_read and not read.lastmodified) or stream.lastmodified_rejected
    first = not (whole or read.resumed or state.get("replication_key_value"))
    if previous is None and first:
        read.known_now = set(read.seen_keys)  # a first sync: the warehouse has these
        return
    if whole:  # every record was read: what it saw is what Fortnox has
        current = set(read.seen_keys) if _list_was_whole(stream) else None
    else:  # changed records only (or a resumed read): list every key
        current = listed_keys(stream, context)
    if current is None:
        return
    if previous is None:  # kept by an older version: learn the keys, report nothing yet
        read.known_now = current | read.seen_keys
        return
    read.known_now = (previous & current) | read.seen_keys
    for key in sorted(previous - current - read.seen_keys):
        yield Tombstone(zip(stream.key_fields, key, strict=True))


def _list_was_whole(stream: Listed) -> bool:
    """Whether the read saw as many records as the list counted (nothing shifted away)."""
    read = stream.read
    info = read.paginator.last_info if read.paginator else None
    total = info.total_resources if info else None
    if total is None or len(read.seen_keys) + read.gone_since_listed >= total:
        return True
    stream.logger.warning(
        "Stream '%s': the read saw %d records where Fortnox counted %d; no deletes reported "
        "this time",
        stream.name,
        len(read.seen_keys),
        total,
    )
    return False


def listed_keys(stream: Listed, context: Context | None) -> set[Key] | None:
    """Every record's key, from the list pages alone (`page_size` a request); None if the list
    changed while it was read."""
    records_key = stream.records_key or ""
    paginator = FortnoxPaginator(records_key)
    fields: tuple[str, ...] | None = None
    keys: set[Key] = set()
    total: int | None = None
    while not paginator.finished:
        params = {
            **stream.query_params(context),
            "page": paginator.current_value,
            "limit": stream.page_size,
        }
        response = stream.get(stream.path, params, context)
        body = json_body(response)
        items = get_ci(body, records_key) or []
        for item in [items] if isinstance(items, dict) else items:
            if isinstance(item, Mapping):
                if fields is None:
                    names = {snake_case(str(name)): name for name in item}
                    fields = tuple(names.get(f, f) for f in stream.key_fields)
                keys.add(tuple(str(item.get(f)) for f in fields))
        info = page_info(body)
        if info is not None:
            if total is not None and info.total_resources != total:
                total = -1  # changed under the read: what it lists is not to be trusted
                break
            total = info.total_resources
        paginator.advance(response)
    if total is not None and total != len(keys):
        stream.logger.warning(
            "Stream '%s': the list changed while its keys were read; no deletes reported this time",
            stream.name,
        )
        return None
    return keys
