from __future__ import annotations

import pytest

from tap_fortnox.client import FortnoxStream
from tests.helpers.tapsync import run_tap  # noqa: F401 (the old path of the one run_tap)
from tests.unit.fake_fortnox import FakeFortnox


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch):
    """Retries wait milliseconds (a fresh process per test comes from tests/conftest.py)."""
    monkeypatch.setattr(FortnoxStream, "retry_base_seconds", 0.01)


@pytest.fixture
def fake():
    server = FakeFortnox()
    yield server
    server.close()
