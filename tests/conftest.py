"""Shared pytest fixtures. Other helpers may add fixtures here with small edits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from hypothesis import settings

from fortnox_sandbox import Sandbox

# No test depends on the machine's speed: Hypothesis's per-example deadline is off everywhere.
settings.register_profile("tap-fortnox", deadline=None)
settings.load_profile("tap-fortnox")

# The day the sandboxes' generated history ends unless a test says otherwise: a fixed day, so no
# test depends on today's date (a day in the past, so base data is older than any sync).
SANDBOX_AS_OF = date(2026, 6, 15)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One small sandbox for the whole session: seed 1, rate limit off. Do not change its data
    (touch/delete/set_now) from tests; use `make_sandbox` for that."""
    sb = Sandbox(seed=1, scale="small", tenants=1, rate_limit=False, as_of=SANDBOX_AS_OF).start()
    yield sb
    sb.stop()


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """A factory for fresh, started sandboxes (`Sandbox` keyword arguments, `as_of` by default
    SANDBOX_AS_OF); stopped at teardown."""
    started: list[Sandbox] = []

    def make(**kwargs: object) -> Sandbox:
        kwargs.setdefault("as_of", SANDBOX_AS_OF)
        sb = Sandbox(**kwargs).start()  # type: ignore[arg-type]
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()
