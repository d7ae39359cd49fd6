"""Measure the sandbox's own speed: `python -m fortnox_sandbox.bench [--scale medium]`.

Prints figures, asserts nothing (tests never depend on the machine's speed):
1. one keep-alive client (as the tap uses it): 500-item invoice list pages generated for the
   first time ("cold") and again ("warm": served from the page cache), invoice details, a small
   register;
2. scale large: seconds to start, to count every list endpoint, to serve a deep page, a
   `lastmodified` page and a descending key-sorted page;
3. many tenants: seconds to start a sandbox of 100 (built lazily), the first and the next
   page of each tenant's invoices, and the process's peak memory (Linux, macOS).
"""

from __future__ import annotations

import argparse
import http.client
import json
import resource
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from .model.resources import RESOURCES
from .sandbox import Sandbox

Get = Callable[[str], bytes]


def _client(sb: Sandbox) -> Get:
    conn = http.client.HTTPConnection(sb.host, sb.port)
    headers = {"Authorization": f"Bearer {sb.new_access_token()}"}

    def get(path: str) -> bytes:
        conn.request("GET", f"/3{path}", headers=headers)
        return conn.getresponse().read()

    return get


def _timed(get: Get, path: str) -> float:
    started = time.perf_counter()
    get(path)
    return time.perf_counter() - started


def throughput(scale: str, pages: int) -> None:
    with Sandbox(seed=1, scale=scale, rate_limit=False) as sb:
        get = _client(sb)
        total_pages = (
            json.loads(get("/invoices?limit=1"))["MetaInformation"]["@TotalResources"] // 500
        )
        pages = max(1, min(pages, total_pages))
        for label in ("cold", "warm"):
            started = time.perf_counter()
            size = sum(len(get(f"/invoices?limit=500&page={p}")) for p in range(1, pages + 1))
            elapsed = time.perf_counter() - started
            print(
                f"{label} 500-item invoice pages: {pages / elapsed:7.1f} req/s "
                f"({pages * 500 / elapsed:8.0f} items/s, {size / pages / 1024:.0f} kB/page)"
            )
        count = min(pages * 500, 2000)
        started = time.perf_counter()
        for number in range(1, count + 1):
            get(f"/invoices/{number}")
        print(
            f"invoice details:               {count / (time.perf_counter() - started):7.1f} req/s"
        )
        started = time.perf_counter()
        for _ in range(1000):
            get("/units")
        print(f"small register list:           {1000 / (time.perf_counter() - started):7.1f} req/s")


def large_scale() -> None:
    started = time.perf_counter()
    sb = Sandbox(seed=1, scale="large", rate_limit=False).start()
    print(f"scale large: started in {time.perf_counter() - started:.3f} s")
    try:
        get = _client(sb)
        started = time.perf_counter()
        for name, res in RESOURCES.items():
            for year in range(1, 5) if res.per_year else (None,):
                get(f"/{name}?limit=1" + (f"&financialyear={year}" if year else ""))
        print(f"  one page of every list endpoint: {time.perf_counter() - started:.2f} s")
        pages = json.loads(get("/invoices?limit=500"))["MetaInformation"]["@TotalPages"]
        deep = _timed(get, f"/invoices?limit=500&page={pages - 3}")
        print(f"  invoice page {pages - 3} of {pages} (500 items): {deep:.3f} s")
        since = sb.as_of - timedelta(days=14)
        recent = _timed(get, f"/invoices?limit=500&lastmodified={since}")
        print(f"  invoices modified in the last 14 days, first page: {recent:.3f} s")
        desc = _timed(
            get, f"/invoices?limit=500&sortby=documentnumber&sortorder=descending&page={pages // 2}"
        )
        print(f"  page {pages // 2}, sorted by documentnumber descending: {desc:.3f} s")
    finally:
        sb.stop()


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux, bytes on macOS
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def many_tenants(count: int) -> None:
    before = _peak_mb()
    started = time.perf_counter()
    sb = Sandbox(seed=1, scale="small", tenants=count, rate_limit=False).start()
    print(f"{count} tenants: started in {time.perf_counter() - started:.3f} s")
    try:
        for label in ("first", "again"):
            started = time.perf_counter()
            for tenant in sb.tenant_ids:
                conn = http.client.HTTPConnection(sb.host, sb.port)
                token = sb.new_access_token(tenant)
                conn.request(
                    "GET", "/3/invoices?limit=500", headers={"Authorization": f"Bearer {token}"}
                )
                conn.getresponse().read()
                conn.close()
            per = (time.perf_counter() - started) / count
            print(f"  {label} 500-item invoice page of each tenant: {per * 1000:.1f} ms per tenant")
        print(
            f"  tenants built: {sb.tenants.built()}; peak memory {_peak_mb():.0f} MB "
            f"({_peak_mb() - before:.0f} MB more than before)"
        )
    finally:
        sb.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fortnox_sandbox.bench")
    parser.add_argument("--scale", default="medium", help="the scale of the throughput figures")
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--skip", default="", help="sections to leave out, e.g. 2")
    args = parser.parse_args(argv)
    skip = set(args.skip.split(","))
    if "1" not in skip:
        throughput(args.scale, args.pages)
    if "2" not in skip:
        large_scale()
    if "3" not in skip:
        many_tenants(args.tenants)


if __name__ == "__main__":
    main()
