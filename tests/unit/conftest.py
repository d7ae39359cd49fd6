from __future__ import annotations

import json
from typing import Any

import pytest

from tap_fortnox.client import FortnoxStream
from tap_fortnox.tap import TapFortnox
from tests.helpers.sink import capture_stdout
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


class Run:
    """The Singer messages of one tap run, by kind."""

    def __init__(self, messages: list[dict], tap: TapFortnox) -> None:
        self.messages = messages
        self.tap = tap

    def records(self, stream: str) -> list[dict]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    @property
    def state(self) -> dict:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}


def run_tap(
    config: dict[str, Any], streams: list[str] | None = None, state: dict | None = None
) -> Run:
    """Sync the given streams (all if None) in-process and collect the output."""
    tap = TapFortnox(config=config, state=state or {})
    if streams is not None:
        for name, stream in tap.streams.items():
            stream.selected = name in streams
    with capture_stdout() as out:
        tap.sync_all()
    return Run([json.loads(line) for line in out.getvalue().splitlines() if line.strip()], tap)
