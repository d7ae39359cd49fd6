"""Lazily generated collections with an overlay of changes, and index-arithmetic paging.

A `Source` yields the base records of one collection by position, deterministically, with a
modified time that never decreases with the position. A `Collection` adds an overlay (records
touched, created or deleted at runtime) and answers list queries without scanning: the records
modified since T are whole position ranges found by bisection, minus overlaid positions, plus
the overlaid records modified since T. Paging is then rank arithmetic on that set, so page
10,000 of a million-record collection costs the same as page 1.
"""

from __future__ import annotations

import bisect
import copy
import random
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


class Source:
    """Base records of one collection. Subclasses set `size` and implement the methods."""

    size: int = 0
    #: a text field that `touch` rewrites, so that a changed record is visibly different
    touch_field: str | None = "Comments"
    #: whether `build` can make records beyond `size` (touch with create=True)
    creatable: bool = True

    def key(self, pos: int) -> str:
        raise NotImplementedError

    def position(self, key: str) -> int | None:
        """The position of `key`, also for created positions beyond `size`; None if malformed."""
        raise NotImplementedError

    def mtime(self, pos: int) -> float:
        """Modified time (epoch seconds) of base record `pos`; non-decreasing in `pos`."""
        raise NotImplementedError

    def build(self, pos: int) -> Record:
        """The complete, shaped detail record at `pos` (also for pos >= size: a created record)."""
        raise NotImplementedError

    def since_ranges(self, since: float) -> list[tuple[int, int]]:
        """Base position ranges [a, b) of records modified at or after `since`."""
        lo = bisect.bisect_left(range(self.size), since, key=self.mtime)
        return [(lo, self.size)] if lo < self.size else []

    def all_ranges(self) -> list[tuple[int, int]]:
        return [(0, self.size)] if self.size else []


class NumberedSource(Source):
    """Keys are consecutive numbers starting at `first`."""

    first: int = 1

    def key(self, pos: int) -> str:
        return str(pos + self.first)

    def position(self, key: str) -> int | None:
        if not key.isdigit():
            return None
        pos = int(key) - self.first
        return pos if pos >= 0 else None


class StaticSource(Source):
    """A small register held as a list of shaped records, keyed by one field."""

    creatable = False

    def __init__(self, records: list[Record], key_field: str, mtime: float) -> None:
        self.records = records
        self.key_field = key_field
        self.size = len(records)
        self._mtime = mtime
        self._index = {str(r[key_field]): i for i, r in enumerate(records)}

    def key(self, pos: int) -> str:
        return str(self.records[pos][self.key_field])

    def position(self, key: str) -> int | None:
        return self._index.get(key)

    def mtime(self, pos: int) -> float:
        return self._mtime

    def build(self, pos: int) -> Record:
        return copy.deepcopy(self.records[pos])


class RecordCache:
    """A bounded, thread-safe LRU of built records shared by all collections."""

    def __init__(self, maxsize: int = 8192) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[tuple[int, int], Record] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, int], build: Callable[[], Record]) -> Record:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
                return found
        record = build()
        with self._lock:
            self._data[key] = record
            if len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return record

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


@dataclass
class Selection:
    """The positions matching a query: base ranges minus overlaid positions, plus matches."""

    ranges: list[tuple[int, int]]
    excluded: list[int]  # sorted overlaid positions inside `ranges`
    included: list[int]  # sorted overlaid positions that match (not deleted)

    def __post_init__(self) -> None:
        self._excluded_set = set(self.excluded)
        self._included_set = set(self.included)
        self.total = sum(b - a for a, b in self.ranges) - len(self.excluded) + len(self.included)

    def _count_below(self, x: int) -> int:
        base = sum(max(0, min(b, x) - a) for a, b in self.ranges if x > a)
        return base - bisect.bisect_left(self.excluded, x) + bisect.bisect_left(self.included, x)

    def _walk_ranges(self, start: int) -> Iterator[int]:
        for a, b in self.ranges:
            for pos in range(max(a, start), b):
                if pos not in self._excluded_set:
                    yield pos

    def _first_at_rank(self, rank: int) -> int:
        """The smallest position p with count_below(p + 1) > rank."""
        ends = [b for _, b in self.ranges] + ([self.included[-1] + 1] if self.included else [])
        lo, hi = 0, max(ends, default=0)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._count_below(mid + 1) > rank:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def slice(self, start: int, count: int) -> list[int]:
        """Positions with ascending ranks start .. start+count-1."""
        if count <= 0 or start >= self.total:
            return []
        first = self._first_at_rank(start)
        from_ranges: list[int] = []
        for pos in self._walk_ranges(first):
            from_ranges.append(pos)
            if len(from_ranges) >= count:
                break
        at = bisect.bisect_left(self.included, first)
        merged = sorted(from_ranges + self.included[at : at + count])
        return merged[:count]

    def all(self) -> list[int]:
        return self.slice(0, self.total)


class Collection:
    """One resource of one tenant (of one financial year): base source plus runtime overlay."""

    _ids = iter(range(1, 1 << 62))

    def __init__(self, source: Source, cache: RecordCache, seed: int, name: str = "") -> None:
        self.source = source
        self.cache = cache
        self.uid = next(Collection._ids)  # the cache key: unique across every sandbox's collections
        self.seed = seed
        # Which records touch() and delete() pick depends on the seed and the collection's name
        # only, never on how many sandboxes this process made before (uid does).
        self.salt = zlib.crc32(name.encode())
        self.overlay: dict[int, tuple[Record | None, float]] = {}
        self.created = 0
        self.version = 0
        self.lock = threading.RLock()

    # -- reading
    def record_at(self, pos: int, cached: bool = True) -> Record | None:
        """The current record at `pos` (None if deleted or beyond the end); `cached=False`
        builds a base record without the shared cache (for full scans, which would flush it)."""
        entry = self.overlay.get(pos)
        if entry is not None:
            return entry[0]
        if 0 <= pos < self.source.size:
            if not cached:
                return self.source.build(pos)
            return self.cache.get((self.uid, pos), lambda: self.source.build(pos))
        return None

    def get(self, key: str) -> Record | None:
        pos = self.source.position(key)
        return None if pos is None else self.record_at(pos)

    def mtime_at(self, pos: int) -> float:
        entry = self.overlay.get(pos)
        return entry[1] if entry is not None else self.source.mtime(pos)

    def select(self, since: float | None = None) -> Selection:
        with self.lock:
            ranges = self.source.all_ranges() if since is None else self.source.since_ranges(since)
            overlaid = sorted(self.overlay)
            excluded = [p for p in overlaid if any(a <= p < b for a, b in ranges)]
            included = [
                p
                for p in overlaid
                if self.overlay[p][0] is not None and (since is None or self.overlay[p][1] >= since)
            ]
        return Selection(ranges, excluded, included)

    def records(self) -> list[Record]:
        """Every current record in position order (for `expected` and scans)."""
        out = []
        for pos in self.select().all():
            record = self.record_at(pos)
            if record is not None:
                out.append(record)
        return out

    # -- changing
    def _live_positions(self) -> int:
        return self.source.size + self.created

    def _pick(self, count: int, rnd: random.Random) -> list[int]:
        """Up to `count` distinct live positions, chosen by rejection sampling (no full scan)."""
        total = self._live_positions()
        alive = total - sum(1 for record, _ in self.overlay.values() if record is None)
        chosen: set[int] = set()
        while len(chosen) < min(count, alive):
            pos = rnd.randrange(total)
            if pos not in chosen and self.record_at(pos) is not None:
                chosen.add(pos)
        return sorted(chosen)

    def touch(self, count: int, now: float, create: bool, stamp: str) -> list[str]:
        """Modify (or create) `count` records at time `now`; returns their keys."""
        keys: list[str] = []
        with self.lock:
            rnd = random.Random(self.seed * 7919 + self.version * 104729 + self.salt)
            if create:
                if not self.source.creatable:
                    raise ValueError("this register cannot grow: touch it without create")
                for _ in range(count):
                    pos = self.source.size + self.created
                    self.created += 1
                    self.overlay[pos] = (self.source.build(pos), now)
                    keys.append(self.source.key(pos))
            else:
                for pos in self._pick(count, rnd):
                    record = copy.deepcopy(self.record_at(pos))
                    field = self.source.touch_field
                    if record is not None and field and field in record:
                        record[field] = stamp
                    self.overlay[pos] = (record, now)
                    keys.append(self.source.key(pos))
            self.version += 1
        return keys

    def delete(self, count: int, now: float) -> list[str]:
        keys: list[str] = []
        with self.lock:
            rnd = random.Random(self.seed * 31 + self.version * 1009 + self.salt)
            for pos in self._pick(count, rnd):
                self.overlay[pos] = (None, now)
                keys.append(self.source.key(pos))
            self.version += 1
        return keys
