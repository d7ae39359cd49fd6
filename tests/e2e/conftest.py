"""Real parts for the end-to-end tests: a PostgreSQL server, the sandbox, the Meltano CLI.

Everything is started once per test session and torn down at the end, also on failure.
Meltano runs on the repo's meltano.yml and reuses the plugin virtualenvs in .meltano/ (``meltano
install`` once per session: quick when they exist, complete on a fresh clone), but keeps its
system database (state, run history) in a temporary file, so tests never touch the developer's
state.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.conftest import SANDBOX_AS_OF
from tests.harness.meltano_harness import Meltano, SandboxProcess
from tests.harness.pg_cluster import PostgresCluster, PostgresUnavailableError

TIMINGS: dict[str, float] = {}


def timed(label: str, seconds: float) -> None:
    TIMINGS[label] = TIMINGS.get(label, 0.0) + seconds


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMINGS:
        terminalreporter.section("end-to-end timings")
        for label, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{label:<40} {seconds:7.1f} s")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    try:
        cluster = PostgresCluster()
    except PostgresUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)
    started = time.monotonic()
    with cluster:
        timed("postgres initdb + start", time.monotonic() - started)
        yield cluster


@pytest.fixture(scope="session")
def meltano(tmp_path_factory: pytest.TempPathFactory) -> Meltano:
    # The commands as the README gives them: no --environment (meltano.yml's default, the real
    # Fortnox), pointed at the sandbox by TAP_FORTNOX_* variables.
    runner = Meltano(system_db=tmp_path_factory.mktemp("meltano") / "meltano.db")
    timed("meltano install", runner.install())
    return runner


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(seed=7, scale="small", rate_limit=False, as_of=SANDBOX_AS_OF) as process:
        yield process
