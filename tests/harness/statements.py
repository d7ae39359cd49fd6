"""The statements package (dbt_fortnox/) from Python: run dbt on a warehouse the way Meltano's
dbt utilities do (the same profiles and variables), and print a company's statements.

Used by the demo (scripts/demo.py), the statement tests (tests/e2e/test_statements.py) and the
benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.harness.meltano_harness import ROOT, venv_executable

DBT_PROJECT = ROOT / "dbt_fortnox"
MARTS_SCHEMA_SUFFIX = "_fortnox"  # dbt's <target schema>_<model schema>
MARTS = (
    "fortnox__general_ledger",
    "fortnox__trial_balance",
    "fortnox__income_statement",
    "fortnox__balance_sheet",
    "fortnox__account_reconciliation",
    "fortnox__vat_return",
    "fortnox__ar_aging",
    "fortnox__ap_aging",
    "fortnox__dimension_results",
    "fortnox__key_ratios",
    "fortnox__ink2r",
    "fortnox__companies",
)
# The streams the core statements read (and the company dimension) ...
BOOKKEEPING = (
    "financial_years",
    "accounts",
    "vouchers",
    "voucher_rows",
    "account_balances",
    "company_information",
)
# ... and all the marts read: what a statements-only sync needs to select.
STREAMS = (
    *BOOKKEEPING,
    "invoices",
    "customers",
    "supplier_invoices",
    "suppliers",
    "cost_centers",
    "projects",
)


def dbt_env(adapter: str, settings: Mapping[str, Any], source_schema: str) -> dict[str, str]:
    """DBT_POSTGRES_* / DBT_DUCKDB_* variables, as Meltano's utility exports its settings."""
    prefix = f"DBT_{adapter.upper()}_"
    env = {prefix + name.upper(): str(value) for name, value in settings.items()}
    env["DBT_FORTNOX_SOURCE_SCHEMA"] = source_schema
    return env


def dbt_command(
    adapter: str, work_dir: Path, *args: str, dbt_vars: Mapping[str, Any] | None = None
) -> list[str]:
    """``dbt ARGS`` on the package with the adapter's profile; target/ and logs/ in work_dir
    (so runs side by side do not share them)."""
    command = [venv_executable("dbt"), *args, "--project-dir", str(DBT_PROJECT)]
    command += ["--profiles-dir", str(DBT_PROJECT / "profiles" / adapter)]
    command += ["--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")]
    if dbt_vars:
        command += ["--vars", json.dumps(dict(dbt_vars))]
    return command


def run_dbt(
    adapter: str,
    env: Mapping[str, str],
    work_dir: Path,
    *args: str,
    dbt_vars: Mapping[str, Any] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run dbt_command(...); raises with dbt's output tail on failure unless check=False."""
    result = subprocess.run(
        dbt_command(adapter, work_dir, *args, dbt_vars=dbt_vars),
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"`dbt {' '.join(args)}` on {adapter} failed:\n{result.stdout[-4000:]}")
    return result


def statement_rows(con: Any, schema: str, tenant_id: str, day: str) -> dict[str, list[tuple]]:
    """The income statement (year to date) and the balance sheet of the month holding `day`
    (ISO date), as (line, line_name, amount) rows. `con` is a DB-API connection (qmark or
    format parameters are avoided: the values are interpolated as literals)."""
    tenant = tenant_id.replace("'", "''")
    month = f"cast(date_trunc('month', cast('{day}' as date)) as date)"
    queries = {
        "income_statement": f"""
            select line, line_name, amount_ytd from {schema}.fortnox__income_statement
            where tenant_id = '{tenant}' and period = {month}
            and (amount_ytd <> 0 or line like 'RS%') order by sort_order""",
        "balance_sheet": f"""
            select line, line_name, amount from {schema}.fortnox__balance_sheet
            where tenant_id = '{tenant}' and period_start = {month}
            and (amount <> 0 or line like 'BS%') order by sort_order""",
    }
    rows = {}
    for name, sql in queries.items():
        cursor = con.cursor()
        cursor.execute(sql)
        rows[name] = [tuple(row) for row in cursor.fetchall()]
    return rows


def print_statements(rows: Mapping[str, list[tuple]], company: str, day: str) -> None:
    titles = {
        "income_statement": f"Resultaträkning {day[:4]} (year to date, SEK)",
        "balance_sheet": f"Balansräkning at the end of {day[:7]} (SEK)",
    }
    for name, title in titles.items():
        print(f"\n{company}: {title}")
        for line, line_name, amount in rows[name]:
            label = line_name if len(line_name) <= 60 else line_name[:57] + "..."
            indent = "" if line.startswith(("RS", "BS")) else "  "
            print(f"  {indent}{label:<{62 - len(indent)}} {amount:>16,.2f}")
