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
from decimal import Decimal

import duckdb
import pytest

from tests.conftest import SANDBOX_AS_OF
from tests.e2e.conftest import timed
from tests.e2e.expected import expected_records, streams
from tests.harness.demo_sql import SCHEMA, TOP_CUSTOMERS_SQL
from tests.harness.meltano_harness import ROOT, SandboxProcess

pytestmark = pytest.mark.e2e

SEED = 1  # the demo's default


def run_demo(database, state):
    return subprocess.run(
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


@pytest.fixture(scope="module")
def demo(tmp_path_factory, meltano):  # `meltano` (the fixture) has installed the plugins
    workdir = tmp_path_factory.mktemp("demo")
    database = workdir / "fortnox.duckdb"
    state = str(workdir / "meltano.db")
    started = time.monotonic()
    result = run_demo(database, state)
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


def printed_amount(output: str, label: str) -> Decimal:
    """The amount printed on the first statement line that starts with `label`."""
    line = re.search(rf"^ +{label} +(-?[\d,]+\.\d\d)$", output, flags=re.M)
    assert line, f"no '{label}' line in the demo's output"
    return Decimal(line[1].replace(",", ""))


def test_demo_prints_the_current_years_statements(demo):
    database, output = demo
    assert "Resultaträkning 2026 (year to date, SEK)" in output
    assert "Balansräkning at the end of 2026-06 (SEK)" in output
    marts = "analytics_fortnox"
    with duckdb.connect(str(database), read_only=True) as con:
        result = con.execute(
            f"select amount_ytd from {marts}.fortnox__income_statement "
            "where line = 'RS08' and period = ?",
            [SANDBOX_AS_OF.replace(day=1)],
        ).fetchone()[0]
        assets = con.execute(
            f"select amount from {marts}.fortnox__balance_sheet "
            "where line = 'BS08' and period_start = ?",
            [SANDBOX_AS_OF.replace(day=1)],
        ).fetchone()[0]
    assert printed_amount(output, "Årets resultat") == result
    assert printed_amount(output, "Summa tillgångar") == assets
    assert printed_amount(output, "Summa eget kapital och skulder") == assets
    assert assets > 0


def test_demo_twice_loads_incrementally_and_builds_again(demo, tmp_path):
    """The second `make demo` into the same file and state: the same tables, the same figures
    (dbt's incremental general ledger rebuilds nothing that did not change)."""
    database, first = demo
    state = str(database.parent / "meltano.db")
    second = run_demo(database, state)
    assert second.returncode == 0, f"{second.stdout[-2000:]}\n{second.stderr[:4000]}"
    assert "meltano run tap-fortnox target-duckdb dbt-duckdb:build" in second.stdout
    assert "--full-refresh" not in second.stdout
    statements = first[first.index("Resultaträkning") :]
    assert (
        second.stdout[second.stdout.index("Resultaträkning") :].split("Demo finished")[0]
        == (statements.split("Demo finished")[0])
    )
