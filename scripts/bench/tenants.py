"""Benchmark 6: many companies in one run.

K companies, each limited by the sandbox to its own window (25 requests per second here: the
Fortnox rule, five times faster, so the section takes a minute), read one at a time and all
together: the run's wall time against the slowest company alone (goal: at most 1.5) and against
the sum. Then 100 companies in one `tap-fortnox` process (limits off): peak memory against 10.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fortnox_sandbox import Sandbox
from scripts.bench.memory import peak_rss_mb
from tests.helpers import tapsync

STREAMS = ["customers", "invoices", "invoice_rows", "units"]
SANDBOX_RATE = {"rate_limit": True, "rate_limit_requests": 25, "rate_limit_window": 1.0}
TAP_RATE = {"rate_limit_requests": 24, "rate_limit_window_seconds": 1}


def _many(sb: Sandbox, tenants: list[str], **extra: object) -> dict:
    config = {k: v for k, v in sb.tap_config().items() if k != "tenant_id"}
    return {**config, "tenant_ids": tenants, **extra}


def parallel_ratios(count: int, say: Callable[[str], None]) -> tuple[float, float]:
    with Sandbox(seed=1, scale="small", tenants=count, **SANDBOX_RATE) as sb:
        alone = []
        for tenant in sb.tenant_ids:
            started = time.perf_counter()
            tapsync.run_tap(_many(sb, [tenant], **TAP_RATE), STREAMS)
            alone.append(time.perf_counter() - started)
        sb.reset_counters()
        started = time.perf_counter()
        tapsync.run_tap(_many(sb, list(sb.tenant_ids), **TAP_RATE), STREAMS)
        together = time.perf_counter() - started
        throttled = sb.counters()["429"]
    slowest, total = max(alone), sum(alone)
    say(
        f"   {count} companies: alone {', '.join(f'{s:.1f}' for s in alone)} s; together "
        f"{together:.1f} s with {throttled} 429s -> {together / slowest:.2f} x the slowest, "
        f"{together / total:.2f} x the sum"
    )
    return together / slowest, together / total


def hundred_companies_memory(say: Callable[[str], None]) -> float:
    peaks = {}
    for count in (10, 100):
        with Sandbox(seed=1, scale="small", tenants=count, rate_limit=False) as sb:
            config = _many(sb, list(sb.tenant_ids), rate_limit_requests=0, fetch_details=False)
            peaks[count], seconds = peak_rss_mb(config, STREAMS)
        say(
            f"   {count:>3} companies in one process (list-only, limits off): "
            f"{peaks[count]:.1f} MB peak, {seconds:.1f} s"
        )
    ratio = peaks[100] / peaks[10]
    say(f"   peak memory 100 vs 10 companies: {ratio:.2f}")
    return ratio


def measure_tenants(count: int, say: Callable[[str], None]) -> list[str]:
    say("6. Many companies (tenant_ids) side by side, each under its own rate-limit window")
    slowest, total = parallel_ratios(count, say)
    memory = hundred_companies_memory(say)
    met = "met" if slowest <= 1.5 else "NOT met"
    return [
        f"{count} companies together: {slowest:.2f} x the slowest alone (goal <= 1.5): {met}, "
        f"{total:.2f} x the sum; peak memory 100 vs 10 companies {memory:.2f}"
    ]
