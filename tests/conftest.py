"""Shared pytest fixtures. Other helpers may add fixtures here with small edits."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from fortnox_sandbox import Sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One small sandbox for the whole session: seed 1, rate limit off. Do not change its data
    (touch/delete/set_now) from tests; use `make_sandbox` for that."""
    sb = Sandbox(seed=1, scale="small", tenants=1, rate_limit=False).start()
    yield sb
    sb.stop()


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """A factory for fresh, started sandboxes (`Sandbox` keyword arguments); stopped at teardown."""
    started: list[Sandbox] = []

    def make(**kwargs: object) -> Sandbox:
        sb = Sandbox(**kwargs).start()  # type: ignore[arg-type]
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()
