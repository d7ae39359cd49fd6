"""`make demo` for real: python -m scripts.demo -> sandbox -> meltano run tap-fortnox target-duckdb.

The demo runs as a user runs it (a subprocess of the project's Python), with Meltano's state in a
temporary file. Its DuckDB file must hold every stream with the row counts of the sandbox (same
seed and scale, so the same data), and its summary must show the finance query.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import SANDBOX_AS_OF
from tests.e2e.conftest import timed
from tests.e2e.expected import expected_records, streams
from tests.harness.demo_sql import SCHEMA, TOP_CUSTOMERS_SQL
from tests.harness.meltano_harness import ROOT, SandboxProcess

pytestmark = pytest.mark.e2e

SEED = 1  # the demo's default


@pytest.fixture(scope="module")
def demo(tmp_path_factory, meltano):  # `meltano` (the fixture) has installed the plugins
    workdir = tmp_path_factory.mktemp("demo")
    database = workdir / "fortnox.duckdb"
    state = str(workdir / "meltano.db")
    started = time.monotonic()
    result = subprocess.run(
        [
            *(sys.executable, "-m", "scripts.demo", "--as-of", SANDBOX_AS_OF.isoformat()),
            *("--output", str(database), "--system-db", state),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    timed("demo (meltano run tap-fortnox target-duckdb)", time.monotonic() - started)
    assert result.returncode == 0, f"demo failed:\n{result.stdout[-2000:]}\n{result.stderr[:4000]}"
    return database, result.stdout


def test_demo_loads_every_stream_into_duckdb(demo):
    database, output = demo
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = ?", [SCHEMA]
        ).fetchall()
        counts = {
            table: con.execute(f'select count(*) from {SCHEMA}."{table}"').fetchone()[0]
            for (table,) in tables
        }
    with SandboxProcess(seed=SEED, scale="small", as_of=SANDBOX_AS_OF) as sandbox:
        wanted = {s.name: len(expected_records(sandbox, s)) for s in streams()}
    assert counts == wanted
    # The summary lists the same tables and counts ("  invoices      150").
    printed = {
        match[1]: int(match[2].replace(",", ""))
        for match in re.finditer(r"^  ([a-z_]+) +([\d,]+)$", output, flags=re.M)
    }
    assert printed == {**counts, "total": sum(counts.values())}


def test_demo_prints_invoiced_amount_per_customer(demo):
    database, output = demo
    assert "Invoiced amount per customer, top 10 (SEK" in output
    with duckdb.connect(str(database), read_only=True) as con:
        top = con.execute(TOP_CUSTOMERS_SQL).fetchall()
        invoiced = con.execute(
            f"select count(distinct customer_number) from {SCHEMA}.invoices where not cancelled"
        ).fetchone()[0]
    assert len(top) == min(10, invoiced) > 0
    nets = [row[3] for row in top]
    assert nets == sorted(nets, reverse=True)
    for number, _name, invoices, net, _total in top:
        assert f"{net:,.2f}" in output
        assert invoices > 0, number
