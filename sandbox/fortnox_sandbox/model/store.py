"""Lazily generated collections with an overlay of changes, and index-arithmetic paging.

A `Source` yields the base records of one collection by position, deterministically, with a
modified time that never decreases with the position. A `Collection` adds an overlay (records
touched, created or deleted at runtime) and answers list queries without scanning: the records
modified since T are whole position ranges found by bisection, minus overlaid positions, plus
the overlaid records modified since T. Paging is then rank arithmetic on that set, so page
10,000 of a million-record collection costs the same as page 1. Sources that know where the
records of a date range (or of a voucher series) stand narrow a query the same way.
"""

from __future__ import annotations

import bisect
import copy
import random
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from .lru import Lru

if TYPE_CHECKING:
    from .context import Context, Timeline

Record = dict[str, Any]
Ranges = list[tuple[int, int]]  # sorted, disjoint position ranges [a, b)


class Source:
    """Base records of one collection. Subclasses set `size` and implement the methods."""

    size: int = 0
    #: a text field that `touch` rewrites, so that a changed record is visibly different
    touch_field: str | None = "Comments"
    #: whether `build` can make records beyond `size` (touch with create=True)
    creatable: bool = True
    #: whether records created beyond `size` follow the others in key order (keys that grow
    #: with the position keep doing so), so a key-sorted list is the position order
    created_in_key_order: bool = True

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

    def build_alone(self, pos: int) -> Record:
        """`build` for a full scan: what it is made of is not kept in the shared caches either
        (a scan of every record would flush them)."""
        return self.build(pos)

    def since_ranges(self, since: float) -> list[tuple[int, int]]:
        """Base position ranges [a, b) of records modified at or after `since`."""
        lo = bisect.bisect_left(range(self.size), since, key=self.mtime)
        return [(lo, self.size)] if lo < self.size else []

    def all_ranges(self) -> list[tuple[int, int]]:
        return [(0, self.size)] if self.size else []

    def day_ranges(self, low: date | None, high: date | None) -> Ranges | None:
        """Base position ranges of records dated `low` to `high` (inclusive; None: open), or
        None when dates do not grow with the position (a query then tests every record)."""
        return None

    def field_ranges(self, field: str, value: str) -> Ranges | None:
        """Base position ranges of records whose `field` is `value`, or None if unknown."""
        return None


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


class TimedSource(NumberedSource):
    """Numbered records spread along a timeline: record i is modified at event i."""

    def __init__(self, ctx: Context, size: int, timeline: Timeline | None = None) -> None:
        self.ctx = ctx
        self.size = size
        self.timeline = timeline or ctx.timeline(size)

    def mtime(self, pos: int) -> float:
        return self.timeline.t(pos)

    def day_ranges(self, low: date | None, high: date | None) -> Ranges | None:
        """By the timeline's day, which is the date of a document (its InvoiceDate, ...)."""
        lo, hi = self.timeline.day_range(low, high)
        hi = min(hi, self.size)
        return [(lo, hi)] if lo < hi else []


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


@dataclass
class ExtraFields:
    """Properties added at runtime to every record of one resource (Sandbox.add_field), shared
    by the resource's collections (every financial year's)."""

    detail: dict[str, Any] = field(default_factory=dict)
    listed: dict[str, Any] = field(default_factory=dict)  # in list items
    changed_at: float | None = None  # when the last was added: every record is modified then


# Why a record may not be changed (None: it may).
Refusal = Callable[[Record], str | None]
Change = Callable[[int, Record, random.Random], Record]


class Collection:
    """One resource of one tenant (of one financial year): base source plus runtime overlay."""

    def __init__(
        self,
        source: Source,
        cache: Lru,
        seed: int,
        name: str = "",
        extras: ExtraFields | None = None,
    ) -> None:
        self.source = source
        self.cache = cache
        self.uid = cache.new_id()  # the cache key: unique among the sandbox's collections
        self.seed = seed
        # Which records touch() and delete() pick depends on the seed and the collection's name
        # only, never on how many collections the sandbox made before (uid does).
        self.salt = zlib.crc32(name.encode())
        self.overlay: dict[int, tuple[Record | None, float]] = {}
        self.created = 0
        self.version = 0
        self.lock = threading.RLock()
        self.extras = extras or ExtraFields()

    # -- reading
    def record_at(self, pos: int, cached: bool = True) -> Record | None:
        """The stored record at `pos` (without added fields; None if deleted or beyond the
        end); `cached=False` builds a base record without the shared cache (for full scans,
        which would flush it)."""
        entry = self.overlay.get(pos)
        if entry is not None:
            return entry[0]
        if 0 <= pos < self.source.size:
            if not cached:
                return self.source.build_alone(pos)
            return self.cache.get_or_build((self.uid, pos), lambda: self.source.build(pos))
        return None

    def detail_at(self, pos: int) -> Record | None:
        """The record as its detail body: with the fields added at runtime."""
        record = self.record_at(pos)
        if record is None or not self.extras.detail:
            return record
        return {**record, **self.extras.detail}

    def get(self, key: str) -> Record | None:
        """The detail body of `key`."""
        pos = self.source.position(key)
        return None if pos is None else self.detail_at(pos)

    def select(
        self,
        since: float | None = None,
        within: Ranges | None = None,
        match: Callable[[Record], bool] | None = None,
    ) -> Selection:
        """The records modified at or after `since`; with `within`, only base records at those
        positions, and overlaid records only if they `match` (the test `within` stands for)."""
        with self.lock:
            changed = self.extras.changed_at
            if since is not None and changed is not None and changed >= since:
                since = None  # a field added since then modified every record
            ranges = self.source.all_ranges() if since is None else self.source.since_ranges(since)
            if within is not None:
                ranges = intersect(ranges, within)
            overlaid = sorted(self.overlay)
            excluded = [p for p in overlaid if any(a <= p < b for a, b in ranges)]
            included = []
            for p in overlaid:
                record, mtime = self.overlay[p]
                if record is None or (since is not None and mtime < since):
                    continue
                if match is None or match(record):
                    included.append(p)
        return Selection(ranges, excluded, included)

    def key_ordered(self) -> bool:
        """Whether the position order is the key order."""
        return self.created == 0 or self.source.created_in_key_order

    def records(self) -> list[Record]:
        """Every current record's detail body in position order (for `expected`)."""
        out = []
        for pos in self.select().all():
            record = self.detail_at(pos)
            if record is not None:
                out.append(record)
        return out

    # -- changing
    def _rnd(self, a: int, b: int) -> random.Random:
        return random.Random(self.seed * a + self.version * b + self.salt)

    def _pick(self, count: int, rnd: random.Random, refusal: Refusal | None = None) -> list[int]:
        """Up to `count` distinct live positions (that `refusal` does not refuse), chosen by
        rejection sampling (no full scan); where too few qualify, the newest that do."""
        total = self.source.size + self.created
        alive = total - sum(1 for record, _ in self.overlay.values() if record is None)
        wanted = min(count, alive)
        chosen: set[int] = set()
        tries = 0
        while len(chosen) < wanted and (refusal is None or tries < 20 * count + 100):
            tries += 1
            pos = rnd.randrange(total)
            record = None if pos in chosen else self.record_at(pos)
            if record is not None and (refusal is None or refusal(record) is None):
                chosen.add(pos)
        for pos in range(total - 1, -1, -1) if len(chosen) < wanted else ():
            record = None if pos in chosen else self.record_at(pos)
            if record is not None and refusal is not None and refusal(record) is None:
                chosen.add(pos)
                if len(chosen) == wanted:
                    break
        return sorted(chosen)

    def _choose(
        self,
        count: int,
        keys: list[str] | None,
        rnd: random.Random,
        refusal: Refusal | None = None,
    ) -> list[int]:
        """The positions of `keys` (each a live record `refusal` accepts), or `count` picks."""
        if keys is None:
            return self._pick(count, rnd, refusal)
        positions = []
        for key in dict.fromkeys(str(k) for k in keys):
            pos = self.source.position(key)
            record = None if pos is None else self.record_at(pos)
            if record is None:
                raise ValueError(f"no record with the key {key!r}")
            reason = refusal(record) if refusal else None
            if reason:
                raise ValueError(f"{key}: {reason}")
            positions.append(pos)
        return sorted(positions)

    def modify(
        self,
        count: int,
        now: float,
        change: Change,
        keys: list[str] | None = None,
        refusal: Refusal | None = None,
    ) -> list[str]:
        """Replace `count` records (or those of `keys`) by `change(pos, record, rnd)`, modified
        at `now`; returns their keys."""
        out: list[str] = []
        with self.lock:
            rnd = self._rnd(7919, 104729)
            for pos in self._choose(count, keys, rnd, refusal):
                record = self.record_at(pos)
                assert record is not None
                self.overlay[pos] = (change(pos, record, rnd), now)
                out.append(self.source.key(pos))
            self.version += 1
        return out

    def touch(
        self, count: int, now: float, create: bool, stamp: str, keys: list[str] | None = None
    ) -> list[str]:
        """Modify (or create) `count` records at time `now`; returns their keys."""
        if not create:
            return self.modify(count, now, self._stamped(stamp), keys)
        if not self.source.creatable:
            raise ValueError("this register cannot grow: touch it without create")
        out: list[str] = []
        with self.lock:
            for _ in range(count):
                pos = self.source.size + self.created
                self.created += 1
                self.overlay[pos] = (self.source.build(pos), now)
                out.append(self.source.key(pos))
            self.version += 1
        return out

    def _stamped(self, stamp: str) -> Change:
        """A change that writes `stamp` into the source's touch field (if the record has it)."""
        name = self.source.touch_field

        def change(_pos: int, record: Record, _rnd: random.Random) -> Record:
            changed = copy.deepcopy(record)
            if name and name in changed:
                changed[name] = stamp
            return changed

        return change

    def delete(self, count: int, now: float, keys: list[str] | None = None) -> list[str]:
        """Delete `count` records (or those of `keys`) at `now`; returns their keys."""
        out: list[str] = []
        with self.lock:
            for pos in self._choose(count, keys, self._rnd(31, 1009)):
                self.overlay[pos] = (None, now)
                out.append(self.source.key(pos))
            self.version += 1
        return out


def intersect(a: Ranges, b: Ranges) -> Ranges:
    out: Ranges = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out
