#!/usr/bin/env python
"""Benchmark tap-fortnox against the local Fortnox sandbox (docs/benchmarks.md).

    .venv/bin/python -m scripts.benchmark            # docs/benchmarks.md, several minutes
    .venv/bin/python -m scripts.benchmark --quick    # the same measurements, smaller

Prints, as ratios measured in one run:
1. requests for a full sync of every stream the sandbox serves, against the minimum (list pages
   plus one detail per record where the stream fetches details, from the sandbox's own counts),
   and the same for an incremental sync after K changed records;
2. the sustained request rate under Fortnox's 25-requests-per-5-seconds window (sandbox limit
   on, tap limiter at its defaults) against 5.0 requests per second, and the 429s;
3. records per second with the limits lifted against a bare singer-sdk stream reading the same
   (cached) list pages in the same process, both writing Singer messages to /dev/null (also
   tap-fortnox with the SDK's defaults it replaces: simplejson writer, second type conformance;
   and the bare stream with the tap's msgspec writer);
4. peak memory (VmHWM of a fresh `tap-fortnox` process, Linux) by sync size;
5. the general ledger: requests of the SIE path against one detail per voucher, SIE parsing;
6. many companies side by side: wall time against the slowest and the sum, 100 companies' memory;
7. resuming after SIGKILL: requests done twice, and what checkpoints cost in records per second;
8. reporting deletes: the extra requests, and the state for 100,000 documents;
9. the statements package: `dbt build` seconds and peak memory on PostgreSQL and DuckDB.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import requests
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.io_base import SingerWriter

from fortnox_sandbox import Sandbox
from fortnox_sandbox.model.resources import RESOURCES, SINGLES
from scripts.bench.bare import bare_tap
from scripts.bench.deletes import measure_deletes
from scripts.bench.ledger import measure_ledger
from scripts.bench.memory import peak_rss_mb
from scripts.bench.resume import measure_resume
from scripts.bench.statements import measure_statements
from scripts.bench.tenants import measure_tenants
from tap_fortnox.documents import RowStream
from tap_fortnox.tap import TapFortnox
from tap_fortnox.writer import FortnoxWriter
from tests.helpers import tapsync
from tests.helpers.sink import timed_sync

SDK_DEFAULTS = "tap-fortnox, SDK defaults"
BARE_MSGSPEC = "bare stream + msgspec writer"
VS_BARE_MSGSPEC = "tap-fortnox vs bare + msgspec"
WINDOW_REQUESTS, WINDOW_SECONDS = 25, 5.0  # Fortnox's limit per client id and tenant
IDEAL_RATE = WINDOW_REQUESTS / WINDOW_SECONDS
PAGE_CACHE_PAGES = 60  # stays inside the sandbox's list-page cache (64 pages)


def say(line: str = "") -> None:
    print(line, flush=True)


def unlimited(sb: Sandbox, **overrides: Any) -> dict[str, Any]:
    return {**sb.tap_config(), "rate_limit_requests": 0, **overrides}


def sync(config: dict, streams: Iterable[str], state: dict | None = None, tap_class=TapFortnox):
    tap = tap_class(config=config, state=state or {})
    tapsync.select(tap, streams)
    return timed_sync(tap)


# --- 1. requests against the minimum -------------------------------------------------------


def _ratio_lines(label: str, used: dict[str, int], need: dict[str, tapsync.Need]) -> list[str]:
    total_used = sum(used.values())
    total_need = sum(n.total for n in need.values())
    lines = [
        f"   {label}: {total_used:,} requests, minimum {total_need:,} "
        f"({sum(n.lists for n in need.values()):,} list pages + "
        f"{sum(n.details for n in need.values()):,} details) -> ratio "
        f"{total_used / total_need:.3f}"
    ]
    for resource in sorted(set(need) | set(used)):
        got, least = used.get(resource, 0), need[resource].total if resource in need else 0
        if got != least:
            lines.append(f"     {resource}: {got} requests, minimum {least}")
    return lines


def measure_requests(scale: str, per_resource: int) -> tuple[float, float]:
    sb = Sandbox(seed=1, scale=scale, rate_limit=False).start()
    try:
        config = unlimited(sb)
        tap = TapFortnox(config=config)
        streams = tapsync.served_streams(sb, tap)
        sb.reset_counters()
        before = sb.clock.now()
        sink, seconds = sync(config, streams)
        need = tapsync.minimum_requests(sb, tap, streams)
        used = tapsync.api_requests_by_resource(sb, need)
        say(
            f"1. Requests: full sync of {len(streams)} streams (sandbox scale {scale}), "
            f"{sink.records:,} records in {seconds:.1f} s"
        )
        for line in _ratio_lines("full sync", used, need):
            say(line)
        full = sum(used.values()) / sum(n.total for n in need.values())

        touched = tapsync.incremental_resources(tap, streams)
        for resource in touched:
            sb.touch(resource, per_resource)
        sb.reset_counters()
        sink2, seconds = sync(config, streams, sink.state)
        need = tapsync.minimum_requests(sb, tap, streams, since=before)
        used = tapsync.api_requests_by_resource(sb, need)
        say(
            f"   then {per_resource} records changed in each of {len(touched)} incremental "
            f"resources ({per_resource * len(touched)} in all); the incremental sync emitted "
            f"{sink2.records:,} records in {seconds:.1f} s"
        )
        for line in _ratio_lines("incremental sync", used, need):
            say(line)
        incremental = sum(used.values()) / sum(n.total for n in need.values())
        return full, incremental
    finally:
        sb.stop()


# --- 2. sustained rate under the window ----------------------------------------------------


def _api_requests(sb: Sandbox) -> int:
    by_path = sb.counters()["by_path"]
    return sum(n for path, n in by_path.items() if path.startswith(("/3/", "/api/")))


def measure_rate(seconds: float) -> tuple[float, int]:
    sb = Sandbox(seed=1, scale="medium", rate_limit=True).start()  # 25 per 5 s
    try:
        config = sb.tap_config()  # the tap's limiter at its defaults
        tap = TapFortnox(config=config)
        streams = [
            name
            for name in tapsync.served_streams(sb, tap)
            if tap.streams[name].details_enabled and tap.streams[name].detail_path
        ]
        with tempfile.TemporaryDirectory() as tmp:
            args = tapsync.write_inputs(Path(tmp), config, streams)
            sb.reset_counters()
            process = tapsync.start_cli(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            reached: list[float] = []  # reached[n - 1]: when the n-th request was counted
            deadline = None
            while process.poll() is None:
                now = time.monotonic()
                count = _api_requests(sb)
                reached.extend([now] * (count - len(reached)))
                if deadline is None and reached:
                    deadline = reached[0] + seconds
                if deadline is not None and now >= deadline:
                    break
                time.sleep(0.002)
            process.kill()
            process.wait()
        counters = sb.counters()
    finally:
        sb.stop()
    # Whole windows only: from the first request after the opening burst (n = 26) to the first
    # request of the last complete window, so the burst does not flatter the rate.
    last = WINDOW_REQUESTS * ((len(reached) - 1) // WINDOW_REQUESTS) + 1
    first = WINDOW_REQUESTS + 1
    if last <= first:
        raise SystemExit("rate: too few requests measured; run longer")
    rate = (last - first) / (reached[last - 1] - reached[first - 1])
    say(
        f"2. Rate: {len(reached)} requests in {reached[-1] - reached[0]:.1f} s against the "
        f"sandbox's 25-per-5-s limit (tap limiter at defaults, streams {', '.join(streams)})"
    )
    say(
        f"   sustained {rate:.3f} req/s (requests {first}..{last}) vs {IDEAL_RATE:.1f} -> "
        f"ratio {rate / IDEAL_RATE:.3f}; 429 responses: {counters['429']}"
    )
    return rate / IDEAL_RATE, counters["429"]


# --- 3. records per second against a bare singer-sdk stream --------------------------------


def _count(sb: Sandbox, resource: str) -> int:
    """List records of a resource over every financial year."""
    return sum(c.select().total for _y, c in sb.tenants[sb.tenant_ids[0]].collections(resource))


def _throughput_streams(sb: Sandbox, tap: TapFortnox, count: int) -> list[tuple[str, int]]:
    """The plain (not per-year) list streams with the most records within the page cache."""
    found = []
    for name in tapsync.served_streams(sb, tap):
        stream = tap.streams[name]
        resource = tapsync.resource_of(stream)
        if isinstance(stream, RowStream) or not stream.records_key or resource in SINGLES:
            continue
        res = RESOURCES[resource]
        if res.per_year or not res.paged or stream.context_params:
            continue
        total = _count(sb, resource)
        if total <= PAGE_CACHE_PAGES * 500:
            found.append((total, name))
    return [(name, total) for total, name in sorted(found, reverse=True)[:count]]


class TapFortnoxSDKDefaults(TapFortnox):
    """tap-fortnox as it was before issue 7: the SDK's simplejson writer and the SDK conforming
    every record to its schema a second time, after the tap's normaliser."""

    message_writer_class = SingerWriter

    def discover_streams(self) -> list:
        streams = super().discover_streams()
        for stream in streams:
            stream.TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.RECURSIVE
        return streams


def _throughput_of(
    sb: Sandbox, config: dict, name: str, total: int, repeats: int
) -> dict[str, float]:
    """Best records/s of each reader over `repeats` interleaved runs (the least disturbed)."""
    stream = TapFortnox(config=config).streams[name]
    url = sb.api_url + stream.path
    headers = {"Authorization": f"Bearer {sb.new_access_token()}"}
    sample: dict = {}
    for page in range(1, math.ceil(total / 500) + 1):  # warm the page cache for every reader
        body = requests.get(url, params={"page": page, "limit": 500}, headers=headers).json()
        sample = sample or body[stream.records_key][0]
    token = sb.new_access_token()
    runners: dict[str, Callable[[], Any]] = {
        "tap-fortnox": lambda: sync(config, [name]),
        "bare singer-sdk stream": lambda: timed_sync(
            bare_tap(sb.api_url, token, stream.path, stream.records_key, sample)
        ),
        BARE_MSGSPEC: lambda: timed_sync(
            bare_tap(
                sb.api_url, token, stream.path, stream.records_key, sample, writer=FortnoxWriter
            )
        ),
    }
    runners[SDK_DEFAULTS] = lambda: sync(config, [name], None, TapFortnoxSDKDefaults)
    best: dict[str, float] = {}
    for _ in range(repeats):
        for label, run in runners.items():
            sink, seconds = run()
            if sink.records != total:
                raise SystemExit(f"{label} emitted {sink.records} of {total} records of {name}")
            best[label] = max(best.get(label, 0.0), total / seconds)
    return best


def measure_throughput(scale: str, repeats: int, streams: int) -> dict[str, float]:
    """Tap vs bare SDK on the `streams` largest cacheable list streams: per reader, the worst
    ratio of its records/s to the bare stream's (and the tap's to the bare msgspec stream's)."""
    ratios: dict[str, list[float]] = {}
    with Sandbox(seed=1, scale=scale, rate_limit=False) as sb:
        config = unlimited(sb, fetch_details=False)
        chosen = _throughput_streams(sb, TapFortnox(config=config), streams)
        say(
            f"3. Throughput: list-only streams (sandbox scale {scale}, pages cached), limits off, "
            f"messages to /dev/null, best of {repeats} interleaved runs each"
        )
        for name, total in chosen:
            best = _throughput_of(sb, config, name, total, repeats)
            bare = best["bare singer-sdk stream"]
            say(f"   {name} ({total:,} records):")
            for label, rate in best.items():
                ratios.setdefault(label, []).append(rate / bare)
                say(f"     {label:30} {rate:9,.0f} records/s  ratio to bare {rate / bare:.3f}")
            ratios.setdefault(VS_BARE_MSGSPEC, []).append(best["tap-fortnox"] / best[BARE_MSGSPEC])
    return {label: min(values) for label, values in ratios.items()}


# --- 4. peak memory by sync size -----------------------------------------------------------


def _list_counts(sb: Sandbox, tap: TapFortnox) -> dict[str, int]:
    counts = {}
    for name in tapsync.served_streams(sb, tap):
        resource = tapsync.resource_of(tap.streams[name])
        if resource is None or resource in SINGLES:
            continue
        counts[name] = _count(sb, resource)
    return counts


def choose_streams(counts: dict[str, int], target: int) -> list[str]:
    """Streams whose records add up to about `target` (largest first, none overshooting)."""
    chosen, total = [], 0
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if total + n <= target * 1.2:
            chosen.append(name)
            total += n
        if total >= target * 0.8:
            break
    return chosen


def measure_memory(target: int, scales: tuple[str, ...]) -> list[tuple[int, float]]:
    """Peak RSS of syncing the same streams at growing sandbox scales (same record shapes)."""
    with Sandbox(seed=1, scale=scales[-1], rate_limit=False) as sb:
        config = unlimited(sb, fetch_details=False)
        streams = choose_streams(_list_counts(sb, TapFortnox(config=config)), target)
    say(
        f"4. Memory: peak RSS of a fresh tap-fortnox process, list-only, limits off, "
        f"streams {', '.join(streams)}"
    )
    results = []
    for scale in scales:
        with Sandbox(seed=1, scale=scale, rate_limit=False) as sb:
            config = unlimited(sb, fetch_details=False)
            counts = _list_counts(sb, TapFortnox(config=config))
            records = sum(counts[s] for s in streams)
            mb, seconds = peak_rss_mb(config, streams)
        results.append((records, mb))
        say(
            f"   scale {scale:6} {records:>9,} records {mb:7.1f} MB peak, {seconds:6.1f} s "
            f"({records / seconds:,.0f} records/s, sandbox generating them in the same run)"
        )
    smallest, largest = results[0], results[-1]
    say(
        f"   peak memory ratio {largest[0]:,} vs {smallest[0]:,} records: "
        f"{largest[1] / smallest[1]:.2f}"
    )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller and shorter (a minute)")
    parser.add_argument("--skip", default="", help="comma-separated sections to skip (1-9)")
    args = parser.parse_args(argv)
    skip = set(args.skip.split(",")) - {""}
    logging.disable(logging.WARNING)  # no per-request logs in either tap being timed
    started = time.perf_counter()
    mode = " (--quick)" if args.quick else ""
    say(f"tap-fortnox benchmark{mode}, python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    goals: list[str] = []
    if "1" not in skip:
        full, incremental = measure_requests("small" if args.quick else "medium", 5)
        goals.append(f"requests/minimum: full {full:.3f}, incremental {incremental:.3f} (goal 1.0)")
    if "2" not in skip:
        ratio, throttled = measure_rate(20 if args.quick else 60)
        met = "met" if ratio >= 0.95 and throttled == 0 else "NOT met"
        goals.append(f"rate/5.0: {ratio:.3f} with {throttled} 429s (goal >= 0.95, 0): {met}")
    if "3" not in skip:
        worst = measure_throughput("medium" if args.quick else "large", 5, 3)
        ratio = worst["tap-fortnox"]
        met = "met" if ratio >= 1.0 else "NOT met"
        goals.append(
            f"records/s vs bare SDK, worst stream: {ratio:.3f} (goal >= 1.0): {met}; "
            f"with the SDK's writer and conformance {worst[SDK_DEFAULTS]:.3f}; "
            f"vs a bare stream with the msgspec writer too {worst[VS_BARE_MSGSPEC]:.3f}"
        )
    if "4" not in skip:
        if args.quick:
            results = measure_memory(60_000, ("medium", "large"))
        else:
            results = measure_memory(1_000_000, ("small", "medium", "large"))
        ratio = results[-1][1] / results[0][1]
        goals.append(
            f"peak memory {results[-1][0]:,} vs {results[0][0]:,} records: {ratio:.2f} "
            f"(goal: flat, ~1.0)"
        )
    if "5" not in skip:
        goals += measure_ledger("small" if args.quick else "medium", not args.quick, say)
    if "6" not in skip:
        goals += measure_tenants(2 if args.quick else 4, say)
    if "7" not in skip:
        goals += measure_resume("small" if args.quick else "medium", say)
    if "8" not in skip:
        goals += measure_deletes("small" if args.quick else "medium", say)
    if "9" not in skip:
        goals += measure_statements("small" if args.quick else "large", say)
    say()
    say(f"Summary ({time.perf_counter() - started:.0f} s):")
    for line in goals:
        say(f" - {line}")


if __name__ == "__main__":
    main()
