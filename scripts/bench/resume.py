"""Benchmark 7: long syncs resume where they stopped.

The resume waste: a sync of a few streams (documents with rows, per-year vouchers, registers)
against a rate-limited sandbox is killed with SIGKILL at a point, started again with the last
STATE it printed, and the requests of both runs are compared with one sync from scratch. And
what checkpoints cost: records per second with checkpoints (every 15 requests) and with them
switched off, on detail-fetching streams and on list-only ones.
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from fortnox_sandbox import Sandbox
from tap_fortnox import client
from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync
from tests.helpers.sink import timed_sync

STREAMS = [
    "customers",
    "invoices",
    "invoice_rows",
    "financial_years",
    "accounts",
    "vouchers",
    "voucher_rows",
    "units",
]
SANDBOX_RATE = {"rate_limit": True, "rate_limit_requests": 50, "rate_limit_window": 1.0}
TAP_RATE = {"rate_limit_requests": 48, "rate_limit_window_seconds": 1}
KILL_AFTER_INVOICES = (30, 90)  # invoice records out when the sync is killed


def _api(sb: Sandbox) -> int:
    return sum(n for path, n in sb.counters()["by_path"].items() if path.startswith("/3/"))


def _killed(args: list[str], invoices: int) -> list[dict]:
    process = tapsync.start_cli(args, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    text = []
    seen = 0
    for line in process.stdout:
        text.append(line)
        seen += '"stream":"invoices"' in line and '"type":"RECORD"' in line
        if seen >= invoices:
            break
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    return tapsync.parse_messages("".join(text))


def resume_waste(say: Callable[[str], None]) -> int:
    worst = 0
    with Sandbox(seed=51, scale="small", **SANDBOX_RATE) as sb, tempfile.TemporaryDirectory() as d:
        config = {**sb.tap_config(), **TAP_RATE}
        sb.reset_counters()
        whole = tapsync.run_cli(tapsync.write_inputs(Path(d) / "whole", config, STREAMS))
        assert whole.returncode == 0
        scratch = _api(sb)
        for n, invoices in enumerate(KILL_AFTER_INVOICES):
            sb.reset_counters()
            messages = _killed(tapsync.write_inputs(Path(d) / f"k{n}", config, STREAMS), invoices)
            state = [m["value"] for m in messages if m["type"] == "STATE"][-1]
            again = tapsync.run_cli(tapsync.write_inputs(Path(d) / f"r{n}", config, STREAMS, state))
            assert again.returncode == 0
            waste = _api(sb) - scratch
            worst = max(worst, waste)
            say(
                f"   killed after {invoices} invoices: both runs {_api(sb)} requests against "
                f"{scratch} from scratch -> {waste} done twice"
            )
    return worst


def checkpoint_cost(scale: str, say: Callable[[str], None]) -> dict[str, float]:
    ratios = {}
    with Sandbox(seed=1, scale=scale, rate_limit=False) as sb:
        for label, streams, extra in (
            ("detail streams", ["customers", "invoices", "invoice_rows"], {}),
            ("list-only streams", ["invoices", "vouchers"], {"fetch_details": False}),
        ):
            rates = {}
            for every in (client.CHECKPOINT_EVERY_REQUESTS, 10**9):
                best = 0.0
                for _ in range(3):
                    tap = TapFortnox(config={**sb.tap_config(), "rate_limit_requests": 0, **extra})
                    tapsync.select(tap, streams)
                    with mock.patch.object(client, "CHECKPOINT_EVERY_REQUESTS", every):
                        sink, seconds = timed_sync(tap)
                    best = max(best, sink.records / seconds)
                rates[every] = best
            on, off = rates[client.CHECKPOINT_EVERY_REQUESTS], rates[10**9]
            ratios[label] = on / off
            say(
                f"   {label}: {on:,.0f} records/s with checkpoints, {off:,.0f} without -> "
                f"{on / off:.3f}"
            )
    return ratios


def measure_resume(scale: str, say: Callable[[str], None]) -> list[str]:
    say("7. Resuming: requests done twice after a SIGKILL, and what checkpoints cost")
    started = time.perf_counter()
    worst = resume_waste(say)
    ratios = checkpoint_cost(scale, say)
    say(f"   ({time.perf_counter() - started:.0f} s)")
    met = "met" if worst <= 25 else "NOT met"
    return [
        f"resume waste at most {worst} requests (goal <= ~25): {met}; records/s with/without "
        + ", ".join(f"{k} {v:.3f}" for k, v in ratios.items())
    ]
