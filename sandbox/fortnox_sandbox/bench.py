"""Measure the sandbox's own speed: `python -m fortnox_sandbox.bench [--scale medium]`.

One keep-alive client (as the tap uses it): 500-item invoice list pages generated for the first
time ("cold") and again ("warm": served from the page cache), then invoice detail requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import time

from .sandbox import Sandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fortnox_sandbox.bench")
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--pages", type=int, default=8)
    args = parser.parse_args(argv)
    with Sandbox(seed=1, scale=args.scale, rate_limit=False) as sb:
        conn = http.client.HTTPConnection(sb.host, sb.port)
        headers = {"Authorization": f"Bearer {sb.new_access_token()}"}

        def get(path: str) -> bytes:
            conn.request("GET", f"/3{path}", headers=headers)
            return conn.getresponse().read()

        total_pages = (
            json.loads(get("/invoices?limit=1"))["MetaInformation"]["@TotalResources"] // 500
        )
        pages = max(1, min(args.pages, total_pages))
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


if __name__ == "__main__":
    main()
