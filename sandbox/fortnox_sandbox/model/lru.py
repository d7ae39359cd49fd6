"""`Lru`: a bounded, thread-safe cache shared by built records, generator results and pages."""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Lru:
    """A bounded, thread-safe least-recently-used map: built records, memoized generator
    results and list pages, each shared by all of a sandbox's tenants so memory stays bounded
    however many tenants are read."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def new_id(self) -> int:
        """An id for one user of the cache, unique among its users (a key part)."""
        return next(self._ids)

    def get(self, key: tuple) -> Any:
        """The value of `key`, or None."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def get_or_build(self, key: tuple, build: Callable[[], T]) -> T:
        found = self.get(key)
        if found is None:
            found = build()  # outside the lock: a racing build makes the same value
            self.put(key, found)
        return found

    def memoize(self, fn: Callable[[int], T]) -> Callable[[int], T]:
        """`fn` of a position, with its results kept here."""
        owner = self.new_id()
        return lambda pos: self.get_or_build((owner, pos), lambda: fn(pos))

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
