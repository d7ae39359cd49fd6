"""`with` for the harness's background services: entering starts one, leaving stops it."""

from __future__ import annotations

from types import TracebackType
from typing import Any


class Started:
    """Mixin for a class with `start()` (returning self) and `stop()`."""

    def start(self) -> Any:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
