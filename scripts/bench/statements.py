"""Benchmark 9: `dbt build` of the statements package (dbt_fortnox/) on PostgreSQL and DuckDB,
seconds and peak memory, on the sandbox's books loaded by Meltano (the bookkeeping streams)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from tests.harness.meltano_harness import Meltano, SandboxProcess, setting_env
from tests.harness.pg_cluster import PostgresCluster
from tests.harness.statements import BOOKKEEPING, dbt_command, dbt_env

RAW = "bench_raw"


def timed_peak(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB, Linux VmHWM) of one process. For PostgreSQL this
    is dbt's own process; the server's memory is not counted."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    status = Path(f"/proc/{process.pid}/status")
    peak_kb = 0
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except OSError:
            pass  # exiting
        time.sleep(0.05)
    output = process.stdout.read().decode(errors="replace") if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"dbt failed:\n{output[-3000:]}")
    return time.perf_counter() - started, peak_kb / 1024


def measure_statements(scale: str, say: Callable[..., None]) -> list[str]:
    say(f"9. Statements: dbt build of dbt_fortnox/ at scale {scale} (bookkeeping streams)")
    goals = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        SandboxProcess(seed=1, scale=scale) as sandbox,
        PostgresCluster() as postgres,
    ):
        work = Path(tmp)
        runner = Meltano(system_db=work / "meltano.db")
        env = sandbox.tap_env()
        env["TAP_FORTNOX__SELECT"] = json.dumps([f"{name}.*" for name in BOOKKEEPING])
        server = {"host": postgres.host, "port": postgres.port, "user": postgres.user}
        server["password"] = "unused"
        loads = {
            "target-postgres": {**server, "database": postgres.database},
            "target-duckdb": {"filepath": str(work / "bench.duckdb")},
        }
        for loader, settings in loads.items():
            started = time.perf_counter()
            settings["default_target_schema"] = RAW
            # At scale large a load outlasts the harness's default 15 minutes (747,080 vouchers
            # into PostgreSQL on a loaded 2-core host, 2026-12-05).
            loader_env = {**env, **setting_env(loader, settings)}
            runner("run", "tap-fortnox", loader, env=loader_env, timeout=7200)
            say(f"   meltano run tap-fortnox {loader}: {time.perf_counter() - started:.0f} s")
        with duckdb.connect(str(work / "bench.duckdb"), read_only=True) as con:
            rows = con.execute(f"select count(*) from {RAW}.voucher_rows").fetchone()[0]
        adapters = {
            "postgres": dbt_env(
                "postgres", {**server, "dbname": postgres.database, "schema": "bench"}, RAW
            ),
            "duckdb": dbt_env("duckdb", {"path": work / "bench.duckdb", "schema": "bench"}, RAW),
        }
        switched_off = {
            "fortnox__using_invoices": False,
            "fortnox__using_supplier_invoices": False,
            "fortnox__using_dimensions": False,
        }
        for adapter, adapter_env in adapters.items():
            figures = []
            for run in ("full", "incremental"):
                command = dbt_command(adapter, work / adapter, "build", dbt_vars=switched_off)
                seconds, mb = timed_peak(command, adapter_env)
                figures.append(f"{run} {seconds:.1f} s, {mb:.0f} MB peak")
            line = f"dbt build on {adapter}, {rows:,} voucher rows: {'; '.join(figures)}"
            say(f"   {line}")
            goals.append(line)
    return goals
