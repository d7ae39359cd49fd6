"""The statements package (dbt_fortnox/) for real: the sandbox's books (two companies) loaded by
`meltano run` into PostgreSQL and into DuckDB, `dbt build` on both (which runs the package's
proofs: vouchers balance, trial balance, SIE, balance sheet, result, aging, VAT, tombstones),
then the marts compared row for row across the adapters and against totals worked out here
from the sandbox's JSON API alone. A scratch copy with one corrupted öre proves the proofs fail.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

import duckdb
import psycopg
import pytest

from tests.conftest import SANDBOX_AS_OF
from tests.e2e.conftest import timed
from tests.harness.meltano_harness import ROOT, Meltano, SandboxProcess, setting_env
from tests.harness.statements import MARTS, MARTS_SCHEMA_SUFFIX, STREAMS, dbt_env, run_dbt
from tests.helpers.ledger import expected_balances

pytestmark = pytest.mark.e2e

RAW = "statements_raw"  # the loaders' schema
MODELS = "statements"  # dbt's target schema: marts in statements_fortnox
MARTS_SCHEMA = MODELS + MARTS_SCHEMA_SUFFIX
DBT_VARS = {"fortnox_as_of_date": SANDBOX_AS_OF.isoformat()}
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def books():
    with SandboxProcess(seed=11, tenants=2, as_of=SANDBOX_AS_OF) as sandbox:
        yield sandbox


def tap_env(books: SandboxProcess) -> dict[str, str]:
    settings = {k: v for k, v in books.config.items() if k not in ("tenant_id", "start_date")}
    env = setting_env("tap-fortnox", {**settings, "tenant_ids": books.tenant_ids})
    env.update(setting_env("tap-fortnox", {"rate_limit_requests": 0}))
    env["TAP_FORTNOX__SELECT"] = json.dumps([f"{name}.*" for name in STREAMS])
    return env


@pytest.fixture(scope="module")
def built(meltano, postgres, books, tmp_path_factory):
    """Both warehouses loaded and built once for the module: {adapter: connection factory}."""
    work = tmp_path_factory.mktemp("statements")
    runner = Meltano(system_db=work / "meltano.db")
    duckdb_file = work / "fortnox.duckdb"
    loads = {
        "target-postgres": {
            "host": postgres.host,
            "port": postgres.port,
            "user": postgres.user,
            "password": "unused",
            "database": postgres.database,
            "default_target_schema": RAW,
        },
        "target-duckdb": {"filepath": str(duckdb_file), "default_target_schema": RAW},
    }
    for loader, settings in loads.items():
        started = time.monotonic()
        env = {**tap_env(books), **setting_env(loader, settings)}
        runner("run", "tap-fortnox", loader, env=env)
        timed(f"statements: meltano run tap-fortnox {loader}", time.monotonic() - started)
    adapters = {
        "postgres": dbt_env(
            "postgres",
            {
                "host": postgres.host,
                "port": postgres.port,
                "user": postgres.user,
                "password": "unused",
                "dbname": postgres.database,
                "schema": MODELS,
            },
            RAW,
        ),
        "duckdb": dbt_env("duckdb", {"path": duckdb_file, "schema": MODELS}, RAW),
    }
    results = {}
    for adapter, env in adapters.items():
        started = time.monotonic()
        results[adapter] = run_dbt(
            adapter, env, work / adapter, "build", dbt_vars=DBT_VARS, check=False
        )
        timed(f"statements: dbt build ({adapter})", time.monotonic() - started)
    return {
        "results": results,
        "postgres": lambda: psycopg.connect(postgres.url),
        "duckdb": lambda: duckdb.connect(str(duckdb_file), read_only=True),
        "duckdb_file": duckdb_file,
        "env": adapters,
        "work": work,
    }


def rows_of(connect, sql: str) -> list[tuple]:
    con = connect()
    try:
        cursor = con.cursor()
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        con.close()


def normal(value: Any) -> Any:
    """Decimal('1.50') and Decimal('1.5') are the same amount on both adapters."""
    return value.normalize() if isinstance(value, Decimal) else value


@pytest.mark.parametrize("adapter", ["postgres", "duckdb"])
def test_dbt_build_passes_every_proof(built, adapter):
    result = built["results"][adapter]
    assert result.returncode == 0, result.stdout[-6000:]
    # Every mart and every proof ran: nothing skipped, nothing warned.
    assert " SKIP=0 " in result.stdout
    assert " WARN=0 " in result.stdout
    for mart in MARTS:
        assert f"{MARTS_SCHEMA}.{mart} " in result.stdout, mart


@pytest.mark.parametrize("mart", MARTS)
def test_marts_are_equal_on_postgres_and_duckdb(built, mart):
    columns = [
        row[0]
        for row in rows_of(
            built["postgres"],
            "select column_name from information_schema.columns "
            f"where table_schema = '{MARTS_SCHEMA}' and table_name = '{mart}' "
            "order by ordinal_position",
        )
        if row[0] != "synced_at"  # when the tap read it: the two loads differ by seconds
    ]
    assert columns, mart
    sql = f"select {', '.join(columns)} from {MARTS_SCHEMA}.{mart}"
    found = {}
    for adapter in ("postgres", "duckdb"):
        rows = [tuple(normal(v) for v in row) for row in rows_of(built[adapter], sql)]
        found[adapter] = sorted(rows, key=repr)
    assert found["postgres"], f"{mart} is empty"
    assert found["postgres"] == found["duckdb"]


def year_ends(connect) -> dict[tuple[str, int, int], Decimal]:
    sql = f"""
        select tb.tenant_id, tb.year, tb.account, tb.closing_balance
        from {MARTS_SCHEMA}.fortnox__trial_balance as tb
        where tb.period = (select max(t2.period) from {MARTS_SCHEMA}.fortnox__trial_balance t2
                           where t2.tenant_id = tb.tenant_id and t2.year = tb.year)"""
    return {(t, y, a): v for t, y, a, v in rows_of(connect, sql)}


def test_trial_balance_matches_the_sandboxs_own_ledger(built, books):
    """The year-end balance of every account, worked out in Python from the JSON API's
    vouchers and balances brought forward (tests/helpers/ledger.py), not from SIE."""
    expected = {}
    for tenant in books.tenant_ids:
        for record in expected_balances(books, tenant)["account_balances"]:
            value = record.get("closing_balance", record.get("result"))
            expected[(tenant, record["year"], record["account"])] = Decimal(value)
    found = {k: v for k, v in year_ends(built["postgres"]).items() if v != 0}
    assert found == {k: v for k, v in expected.items() if v != 0}
    assert len({k[0] for k in found}) == 2  # both companies


def test_income_statement_result_matches_the_sandbox(built, books):
    """Årets resultat per year = minus the year's rows on 3000-8989, summed here."""
    expected: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for tenant in books.tenant_ids:
        for voucher in books.expected("vouchers", tenant):
            for row in voucher["VoucherRows"]:
                if not row["Removed"] and 3000 <= int(row["Account"]) <= 8989:
                    signed = Decimal(str(row["Debit"] or 0)) - Decimal(str(row["Credit"] or 0))
                    expected[(tenant, voucher["Year"])] -= signed
    sql = f"""
        select tenant_id, year, amount_ytd from {MARTS_SCHEMA}.fortnox__income_statement as i
        where line = 'RS08' and period = (
            select max(period) from {MARTS_SCHEMA}.fortnox__income_statement as j
            where j.tenant_id = i.tenant_id and j.year = i.year)"""
    found = {(t, y): v for t, y, v in rows_of(built["duckdb"], sql)}
    assert set(expected) <= set(found)
    assert found == {k: expected.get(k, Decimal(0)) for k in found}
    assert any(v != 0 for v in found.values())


@pytest.mark.parametrize(
    ("resource", "mart"),
    [("invoices", "fortnox__ar_aging"), ("supplierinvoices", "fortnox__ap_aging")],
)
def test_aging_matches_the_sandboxs_open_invoices(built, books, resource, mart):
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for tenant in books.tenant_ids:
        for invoice in books.expected(resource, tenant):
            balance = Decimal(str(invoice["Balance"] or 0))
            if (
                invoice["Booked"]
                and not invoice["Cancelled"]
                and balance
                and invoice["InvoiceDate"] <= SANDBOX_AS_OF.isoformat()
            ):
                rate = Decimal(str(invoice.get("CurrencyRate") or 1))
                unit = Decimal(str(invoice.get("CurrencyUnit") or 1))
                expected[tenant] += (balance * rate / unit).quantize(CENT)
    assert expected, f"no open {resource} in the sandbox"
    sql = f"select tenant_id, sum(open_amount) from {MARTS_SCHEMA}.{mart} group by 1"
    assert dict(rows_of(built["postgres"], sql)) == dict(expected)


def test_the_bureau_query_in_the_docs_ranks_both_companies(built):
    docs = (ROOT / "docs" / "statements.md").read_text()
    query = docs.split("```sql\n", 1)[1].split("```", 1)[0].rstrip().rstrip(";")
    query = query.replace("analytics_fortnox.", f"{MARTS_SCHEMA}.")
    for adapter in ("postgres", "duckdb"):
        ranked = rows_of(built[adapter], query)
        assert len(ranked) == 2, adapter
        assert sorted(row[3] for row in ranked) == [1, 2]


def test_a_corrupted_row_fails_the_proofs(built, tmp_path):
    """One öre more on one voucher row in a scratch copy: the voucher no longer balances, and
    `dbt build` fails naming the proof (the marts after it are skipped)."""
    scratch = tmp_path / "scratch.duckdb"
    shutil.copy(built["duckdb_file"], scratch)
    with duckdb.connect(str(scratch)) as con:
        key = con.execute(
            f"select tenant_id, year, voucher_series, voucher_number, row_index "
            f"from {RAW}.voucher_rows where debit > 0 and not coalesce(removed, false) "
            "order by 1, 2, 3, 4, 5 limit 1"
        ).fetchone()
        con.execute(
            f"update {RAW}.voucher_rows set debit = debit + 0.01 where tenant_id = ? and "
            "year = ? and voucher_series = ? and voucher_number = ? and row_index = ?",
            list(key),
        )
    env = dbt_env("duckdb", {"path": scratch, "schema": MODELS}, RAW)
    result = run_dbt("duckdb", env, tmp_path, "build", dbt_vars=DBT_VARS, check=False)
    assert result.returncode != 0
    assert "Failure in test assert_vouchers_balance " in result.stdout, result.stdout[-3000:]


def gl_rows(path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            f"select * exclude (synced_at) from {MARTS_SCHEMA}.fortnox__general_ledger order by all"
        ).fetchall()


def test_the_incremental_ledger_rebuilds_a_missing_year(built, tmp_path):
    """A year gone from the general ledger (as before its first build) is rebuilt by the next
    incremental run, and the ledger equals the full build again."""
    scratch = tmp_path / "scratch.duckdb"
    shutil.copy(built["duckdb_file"], scratch)
    full = gl_rows(scratch)
    with duckdb.connect(str(scratch)) as con:
        gone = con.execute(
            f"delete from {MARTS_SCHEMA}.fortnox__general_ledger where year = 2 returning 1"
        ).fetchall()
    assert gone
    env = dbt_env("duckdb", {"path": scratch, "schema": MODELS}, RAW)
    run_dbt("duckdb", env, tmp_path, "run", "--select", "fortnox__general_ledger")
    assert gl_rows(scratch) == full


def test_marts_of_unsynced_streams_are_switched_off(built, tmp_path):
    """Only the bookkeeping streams synced: the aging, dimension and company marts are off by
    their vars, and the core statements build and pass their proofs."""
    scratch = tmp_path / "scratch.duckdb"
    shutil.copy(built["duckdb_file"], scratch)
    optional = ("invoices", "customers", "supplier_invoices", "suppliers", "cost_centers")
    with duckdb.connect(str(scratch)) as con:
        for table in (*optional, "projects", "company_information"):
            con.execute(f"drop table {RAW}.{table}")
        con.execute(f"drop schema {MARTS_SCHEMA} cascade")
    switched_off = {
        "fortnox__using_invoices": False,
        "fortnox__using_supplier_invoices": False,
        "fortnox__using_dimensions": False,
        "fortnox__using_company_information": False,
    }
    env = dbt_env("duckdb", {"path": scratch, "schema": MODELS}, RAW)
    run_dbt("duckdb", env, tmp_path, "build", dbt_vars={**DBT_VARS, **switched_off})
    with duckdb.connect(str(scratch), read_only=True) as con:
        marts = {
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where schema_name = ?", [MARTS_SCHEMA]
            ).fetchall()
        }
    off = {"fortnox__ar_aging", "fortnox__ap_aging", "fortnox__dimension_results"}
    off.add("fortnox__companies")
    assert marts == set(MARTS) - off
