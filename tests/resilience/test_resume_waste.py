"""A sync killed with SIGKILL at any moment and started again with the last STATE it printed
repeats only the last few seconds of work: at most about 25 requests (up to 15 between
checkpoints, the list pages it reads again to find its place, and a request or two for each
incremental stream the interrupted run had finished), for every kind of stream. Together the
two runs emit every record the sandbox has.

The sandbox's rate limit is on (scaled to 50 requests a second so the test is quick), so the
kill lands mid-sync the way it would against Fortnox.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import pytest

from tests.helpers import tapsync
from tests.resilience.conftest import config_for

STREAMS = [
    "units",  # full table (streams sync in name order: customers first, units last)
    "customers",  # incremental, a detail per record
    "invoices",  # a document stream with rows
    "invoice_rows",
    "financial_years",  # per-year children: accounts (full table), vouchers (SIE rows)
    "accounts",
    "vouchers",
    "voucher_rows",
    "supplier_invoices",
    "supplier_invoice_rows",
]
SANDBOX_RATE = {"rate_limit": True, "rate_limit_requests": 50, "rate_limit_window": 1.0}
TAP_RATE = {"rate_limit_requests": 48, "rate_limit_window_seconds": 1, "page_size": 500}
# Requests a resume may repeat: the work since the last checkpoint, the list pages around it,
# the financial-year list, and the finished incremental streams' new look.
WASTE_ALLOWED = 25

Message = dict
KillWhen = Callable[[list[Message]], bool]


def records(messages: list[Message], stream: str) -> int:
    return sum(1 for m in messages if m["type"] == "RECORD" and m["stream"] == stream)


def states(messages: list[Message]) -> int:
    return sum(1 for m in messages if m["type"] == "STATE")


KILL_POINTS: dict[str, KillWhen] = {
    # The run's opening STATE only (no checkpoint yet).
    "before the first checkpoint": lambda ms: records(ms, "customers") > 0 and states(ms) <= 1,
    "in the middle of a document stream": lambda ms: records(ms, "invoices") >= 60,
    "between financial years": lambda ms: any(
        m["type"] == "RECORD" and m["stream"] == "accounts" and m["record"]["year"] == 2 for m in ms
    ),
    "during rows": lambda ms: records(ms, "supplier_invoice_rows") >= 30,
}


def api_requests(sb) -> int:
    return sum(n for path, n in sb.counters()["by_path"].items() if path.startswith("/3/"))


def killed_run(sb, config: dict, directory, when: KillWhen) -> tapsync.Run:
    args = tapsync.write_inputs(directory, config, STREAMS)
    with (directory / "stderr.txt").open("w") as stderr:
        process = tapsync.start_cli(args, stderr=stderr)
        assert process.stdout is not None
        lines: list[str] = []
        messages: list[Message] = []
        deadline = time.monotonic() + 120
        for line in process.stdout:
            lines.append(line)
            messages.extend(tapsync.parse_messages(line))
            if when(messages) or time.monotonic() > deadline:
                break
        assert when(messages), "the sync ended before the kill point"
        process.send_signal(signal.SIGKILL)
        # What it printed before the kill but the test had not read yet is printed all the
        # same: the resume starts from the last STATE in all of it, however slow this reader.
        # (Read through the same buffered stream: communicate() would skip its buffer.)
        rest = process.stdout.read()
        process.wait(timeout=30)
    return tapsync.Run(tapsync.parse_messages("".join(lines) + rest))


@pytest.fixture(scope="module")
def from_scratch(tmp_path_factory) -> int:
    """The API requests of one whole sync of the streams (the same data every time)."""
    from fortnox_sandbox import Sandbox
    from tests.conftest import SANDBOX_AS_OF

    with Sandbox(seed=51, scale="small", as_of=SANDBOX_AS_OF, **SANDBOX_RATE) as sb:
        directory = tmp_path_factory.mktemp("whole")
        config = config_for(sb, **TAP_RATE)
        run = tapsync.run_cli(tapsync.write_inputs(directory, config, STREAMS), timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        return api_requests(sb)


@pytest.mark.parametrize("point", KILL_POINTS, ids=list(KILL_POINTS))
@pytest.mark.parametrize("changes", [False, True], ids=["unchanged", "records added and deleted"])
def test_a_killed_sync_resumes_repeating_only_its_last_seconds(
    make_sandbox, tmp_path, from_scratch, point, changes
):
    sb = make_sandbox(seed=51, scale="small", **SANDBOX_RATE)
    config = config_for(sb, **TAP_RATE)
    first = killed_run(sb, config, tmp_path / "1", KILL_POINTS[point])
    assert first.states
    added = 0
    if changes:  # between the kill and the resume
        added = len(sb.touch("invoices", 2, create=True))
        added += len(sb.touch("customers", 1, create=True))
        sb.delete("customers", 1)
        sb.delete("invoicepayments", 1)
    second = tapsync.run_cli(
        tapsync.write_inputs(tmp_path / "2", config, STREAMS, first.state), timeout=300
    )

    assert second.returncode == 0, second.stderr[-2000:]
    # Nothing is lost: every record the sandbox has now came in one of the two runs.
    tap = tapsync.TapFortnox(config=config)
    for stream in STREAMS:
        emitted = {
            tapsync.record_key(tap.streams[stream], r)
            for run in (first, second)
            for r in run.records(stream)
        }
        missing = set(tapsync.expected_keys(sb, tap, stream)) - emitted
        assert not missing, (stream, sorted(missing)[:3])
    # Little is done twice: the two runs together against one sync from scratch (a record
    # created in between costs its own detail).
    waste = api_requests(sb) - from_scratch - added
    print(f"\n{point} ({'with' if changes else 'no'} changes): {waste} requests done twice")
    assert waste <= WASTE_ALLOWED
