"""Progress lines: arithmetic against a fake clock, cadence, and the lines of a real sync."""

from __future__ import annotations

import logging
import re

import pytest

from tap_fortnox.client import FortnoxStream
from tap_fortnox.progress import Progress, duration_words
from tests.helpers import tapsync


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(every: float = 10.0) -> tuple[Progress, FakeClock, list[str]]:
    clock = FakeClock()
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger(f"test-progress-{id(lines)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(Collect())
    return Progress("invoices", "documents", logger, every, clock), clock, lines


def test_rate_percentage_and_time_left():
    progress, clock, _lines = make()
    progress.set_total(4000)
    clock.now += 255.1  # 1,250 documents in 255.1 s: 4.9/s, 2,750 left: ~561 s
    progress.update(1250)
    assert progress.rate() == pytest.approx(1250 / 255.1)
    assert round(progress.seconds_left()) == 561
    assert progress.line() == "invoices: 1,250/4,000 documents (31%), 4.9 documents/s, ~9 min left"


def test_without_a_total_or_elapsed_time():
    progress, clock, _lines = make()
    assert progress.line() == "invoices: 0 documents"
    clock.now += 2
    progress.advance(3)
    assert progress.line() == "invoices: 3 documents, 1.5 documents/s"
    progress.set_total(None)  # a response without MetaInformation keeps what was known
    progress.set_total(3)
    assert progress.line() == "invoices: 3/3 documents (100%), 1.5 documents/s"


def test_logs_at_most_once_per_interval_and_a_last_line():
    progress, clock, lines = make(every=10)
    progress.set_total(100)
    for _ in range(100):
        clock.now += 0.5  # 2 documents/s: 50 s in all
        progress.advance()
    assert len(lines) == 5  # at 10, 20, 30, 40 and 50 s
    assert lines[0] == "invoices: 20/100 documents (20%), 2.0 documents/s, ~40 s left"
    progress.finish()
    assert lines[-1] == "invoices: 100/100 documents (100%), 2.0 documents/s"


def test_a_short_read_logs_nothing():
    progress, clock, lines = make(every=10)
    clock.now += 1
    progress.advance(5)
    progress.finish()
    assert lines == []


def test_duration_words():
    assert duration_words(39.6) == "40 s"
    assert duration_words(561) == "9 min"
    assert duration_words(2 * 3600 + 5 * 60 + 10) == "2 h 05 min"
    assert duration_words(-3) == "0 s"


def test_a_sync_logs_documents_and_pages(sandbox, monkeypatch, caplog):
    monkeypatch.setattr(FortnoxStream, "progress_every_seconds", 0.0)  # a line per step
    config = {**sandbox.tap_config(), "rate_limit_requests": 0, "page_size": 10}
    with caplog.at_level(logging.INFO):
        tapsync.run_tap(config, ["invoices", "units"])
    invoices = len(sandbox.expected("invoices"))
    detail = re.compile(
        rf"^invoices: (\d[\d,]*)/{invoices:,} documents \(\d+%\), [\d.]+ documents/s"
    )
    done = [int(m.group(1).replace(",", "")) for m in map(detail.match, caplog.messages) if m]
    assert done[-1] == invoices
    assert done == sorted(done)
    pages = [m for m in caplog.messages if re.match(r"^units: \d+/\d+ pages \(\d+%\)", m)]
    assert pages, [m for m in caplog.messages if m.startswith("units")]
