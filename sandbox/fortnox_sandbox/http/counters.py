"""Thread-safe request counters (for benchmarks and tests): total, per path, per status, and per
method and path (what the read-only test checks)."""

from __future__ import annotations

import threading
from collections import Counter


class Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._paths: Counter[str] = Counter()
            self._statuses: Counter[str] = Counter()
            self._tenants: Counter[str] = Counter()
            self._methods: Counter[str] = Counter()

    def count(
        self, path: str, status: int, tenant_id: str | None = None, method: str = "GET"
    ) -> None:
        with self._lock:
            self._total += 1
            self._paths[path] += 1
            self._methods[f"{method} {path}"] += 1
            self._statuses[str(status)] += 1
            if tenant_id:
                self._tenants[tenant_id] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "total": self._total,
                "by_path": dict(self._paths),
                "by_status": dict(self._statuses),
                "by_tenant": dict(self._tenants),
                "by_method_path": dict(self._methods),
                "429": self._statuses.get("429", 0),
                "401": self._statuses.get("401", 0),
            }
