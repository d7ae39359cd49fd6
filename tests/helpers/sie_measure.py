"""The SIE 4 measurement for the benchmark: download one financial year's file from a sandbox
and parse it with tap_fortnox.sie, reporting rows, parse seconds and the parse's peak memory.

The download goes to a temporary file first, so the numbers are the parser's own: an in-process
sandbox generating the file shares the interpreter (and its GIL) with whatever reads it.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from typing import IO, NamedTuple

import requests

from fortnox_sandbox import Sandbox
from tap_fortnox.sie import SieVoucher, parse

CHUNK_BYTES = 65536


class SieMeasure(NamedTuple):
    rows: int  # voucher rows as written (#TRANS, #RTRANS, #BTRANS)
    seconds: float  # parsing the file, without tracemalloc
    peak_bytes: int  # traced peak while parsing it again


def largest_year(sb: Sandbox, tenant_id: str | None = None) -> int:
    """The financial year with the most vouchers."""
    tenant = sb.tenants[tenant_id or sb.tenant_ids[0]]
    return max(tenant.collections("vouchers"), key=lambda pair: pair[1].select().total)[0]


def download(sb: Sandbox, year: int, out: IO[bytes], tenant_id: str | None = None) -> int:
    """Stream `GET /3/sie/4?financialyear=year` into `out`; returns the bytes written."""
    token = sb.new_access_token(tenant_id)
    size = 0
    with requests.get(
        f"{sb.api_url}/sie/4",
        params={"financialyear": year},
        headers={"Authorization": f"Bearer {token}"},
        stream=True,
        timeout=600,
    ) as response:
        response.raise_for_status()
        for chunk in response.iter_content(CHUNK_BYTES):
            out.write(chunk)
            size += len(chunk)
    return size


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def _rows(file: IO[bytes]) -> int:
    return sum(len(e.rows) for e in parse(_chunks(file)) if isinstance(e, SieVoucher))


def measure(sb: Sandbox, year: int, tenant_id: str | None = None) -> SieMeasure:
    """Rows, parse seconds and parse peak memory of the year's SIE 4 file."""
    with tempfile.TemporaryFile() as file:
        download(sb, year, file, tenant_id)
        started = time.perf_counter()
        rows = _rows(file)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        try:
            _rows(file)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return SieMeasure(rows, seconds, peak)
