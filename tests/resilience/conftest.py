"""Resilience tests: the tap against injected faults, storms, expiring tokens and kills.

Retries are shrunk to milliseconds, so the whole directory runs in well under two minutes.
"""

from __future__ import annotations

import functools
from collections import Counter

import pytest

from fortnox_sandbox import Sandbox
from tap_fortnox.client import FortnoxStream
from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync

# Records per list page in these tests: small, so every list has several pages to lose.
PAGE_SIZE = 7


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch):
    monkeypatch.setattr(FortnoxStream, "retry_base_seconds", 0.01)
    monkeypatch.setattr(FortnoxStream, "retry_max_wait_seconds", 0.5)


# A client-credentials config: tap limiter off, small pages, quick timeouts.
config_for = functools.partial(tapsync.config_for, page_size=PAGE_SIZE, request_timeout_seconds=2)


def detail_streams(sb: Sandbox, config: dict) -> list[str]:
    """The served streams that fetch one detail per record (the most requests to fail)."""
    tap = TapFortnox(config=config)
    return [
        name
        for name in tapsync.served_streams(sb, tap)
        if tap.streams[name].details_enabled and tap.streams[name].detail_path
    ]


def assert_complete(sb: Sandbox, config: dict, streams, *runs, duplicates: bool = False) -> None:
    """Every expected record of every stream arrived over `runs`; without `duplicates`, no
    record arrived twice."""
    tap = TapFortnox(config=config)
    for name in streams:
        expected = tapsync.expected_keys(sb, tap, name)
        got = Counter(
            tapsync.record_key(tap.streams[name], record)
            for run in runs
            for record in run.records(name)
        )
        missing = set(expected) - set(got)
        assert not missing, f"{name}: {len(missing)} records lost, e.g. {sorted(missing)[:3]}"
        unexpected = set(got) - set(expected)
        assert not unexpected, f"{name}: records not in the sandbox: {sorted(unexpected)[:3]}"
        if not duplicates:
            twice = [key for key, n in got.items() if n > 1]
            assert not twice, f"{name}: records emitted twice: {twice[:3]}"
