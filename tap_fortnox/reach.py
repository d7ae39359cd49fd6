"""Whether a run has reached the Fortnox API yet: a first request that cannot connect at all
means a wrong `api_url` (or a server that is down) and ends the run within seconds, not after
minutes of retries; once any answer has arrived, connection failures are transient and keep
their full retries.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from tap_fortnox.errors import FortnoxAPIError, never_connected

# Give up connecting after failures spread over this many seconds (about 5 attempts with the
# stream's backoff of 1, 2, 4, 8 s), so the run ends well within 30 s.
UNREACHABLE_AFTER_SECONDS = 12.0
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _reason(exc: BaseException) -> str:
    found = _ERRNO.search(str(exc))
    return found.group(1).strip() if found else type(exc).__name__


class Reach:
    """One per run (its run context owns it, in the run's one thread): has any request of the
    run had an answer?"""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.answered = False
        self._first_failure: float | None = None
        self._failures = 0
        self._clock = clock

    def answer(self) -> None:
        self.answered = True

    def check(self, exc: BaseException, stream: str, api_url: str) -> None:
        """After a failed attempt: raise one clear error if the API was never reached and
        connecting has failed for long enough; otherwise return (the caller retries)."""
        if self.answered or not never_connected(exc):
            return
        now = self._clock()
        if self._first_failure is None:
            self._first_failure = now
        self._failures += 1
        waited = now - self._first_failure
        if waited < UNREACHABLE_AFTER_SECONDS:
            return
        raise FortnoxAPIError(
            f"Stream '{stream}': cannot connect to the Fortnox API at api_url "
            f"{_without_userinfo(api_url)} ({_reason(exc)}; {self._failures} attempts in "
            f"{waited:.0f} s): check api_url and that the server is up"
        )
