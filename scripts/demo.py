"""`make demo`: a local Fortnox sandbox -> `meltano run tap-fortnox target-duckdb dbt-duckdb:build`
-> a summary and the company's statements.

Starts the simulator (fortnox-sandbox) on a free port, installs the Meltano plugins, runs the
pipeline into output/fortnox.duckdb (incremental when the file and Meltano's state exist: run it
twice and the second run loads only what changed, and dbt builds again) and prints what was
loaded: tables with row counts, the invoiced amount per customer (top 10, in SEK), and the
income statement and balance sheet of the current year from the statements package. The
sandbox's rate limit is OFF by default so the demo takes seconds; ``--rate-limit`` turns on
Fortnox's real 25 requests / 5 s limit in both the sandbox and the tap (then one detail request
per document makes it take minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from tests.harness.demo_sql import SCHEMA, TOP_CUSTOMERS_SQL
from tests.harness.meltano_harness import ROOT, Meltano, SandboxProcess, setting_env
from tests.harness.statements import MARTS_SCHEMA_SUFFIX, print_statements, statement_rows

MARTS = "analytics" + MARTS_SCHEMA_SUFFIX  # dbt-duckdb's schema setting + the marts' schema


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rate-limit",
        action="store_true",
        help="enforce Fortnox's real 25 requests / 5 s limit (slow: minutes)",
    )
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        help="the day the sandbox's generated history ends (default: today)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "output" / "fortnox.duckdb",
        help="DuckDB file to load into (incrementally when it exists)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start over: delete the DuckDB file and sync everything (--full-refresh)",
    )
    parser.add_argument(
        "--system-db",
        type=Path,
        help="keep Meltano's state in this SQLite file instead of .meltano/meltano.db (tests)",
    )
    return parser.parse_args(argv)


def step(message: str) -> float:
    print(f"==> {message}", flush=True)
    return time.monotonic()


def run_pipeline(args: argparse.Namespace) -> None:
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        for stale in (args.output, args.output.with_name(args.output.name + ".wal")):
            stale.unlink(missing_ok=True)
    meltano = Meltano(environment="sandbox", system_db=args.system_db)

    started = step("meltano install (plugin virtualenvs in .meltano/, from PyPI)")
    meltano.install()
    print(f"    done in {time.monotonic() - started:.1f}s")

    limit = "ON (25 requests / 5 s)" if args.rate_limit else "OFF (pass --rate-limit for it)"
    started = step(
        f"starting fortnox-sandbox: scale {args.scale}, seed {args.seed}, rate limit {limit}"
    )
    with SandboxProcess(
        seed=args.seed, scale=args.scale, rate_limit=args.rate_limit, as_of=args.as_of
    ) as sandbox:
        print(f"    {sandbox.base_url}  tenant {sandbox.tenant_id}")
        env = sandbox.meltano_env()
        env.update(setting_env("target-duckdb", {"filepath": str(args.output)}))
        env.update(setting_env("dbt-duckdb", {"path": str(args.output)}))
        if args.as_of:  # the aging's date: the sandbox's last day, not the calendar's
            env["DBT_FORTNOX_AS_OF_DATE"] = args.as_of.isoformat()

        refresh = ("--full-refresh",) if args.fresh else ()
        pipeline = ("tap-fortnox", "target-duckdb", "dbt-duckdb:build")
        started = step(f"meltano run {' '.join((*refresh, *pipeline))}")
        try:
            meltano("run", *refresh, *pipeline, env=env)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n--- sandbox log tail ---\n{sandbox.log_tail()}") from None
        print(f"    done in {time.monotonic() - started:.1f}s")


def summarize(database: Path) -> dict[str, int]:
    """Print tables with row counts and the top customers; return the counts."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? order by table_name",
                [SCHEMA],
            ).fetchall()
        ]
        counts = {
            table: con.execute(f'select count(*) from {SCHEMA}."{table}"').fetchone()[0]
            for table in tables
        }
        width = max((len(t) for t in tables), default=5)
        print(f"\nLoaded into {database} (schema {SCHEMA}): {len(tables)} tables")
        for table, count in counts.items():
            print(f"  {table:<{width}}  {count:>7,}")
        print(f"  {'total':<{width}}  {sum(counts.values()):>7,}")

        print("\nInvoiced amount per customer, top 10 (SEK; cancelled invoices excluded)")
        rows = con.execute(TOP_CUSTOMERS_SQL).fetchall()
        line = "  {:<10} {:<32} {:>8} {:>14} {:>14}"
        print(line.format("customer", "name", "invoices", "net SEK", "incl. VAT"))
        for number, name, invoices, net, total in rows:
            print(line.format(number, (name or "")[:32], invoices, f"{net:,.2f}", f"{total:,.2f}"))
        print(
            "\nNote: target-duckdb stores JSON numbers as DOUBLE; for exact öre use "
            "target-postgres (NUMERIC), or the statements package's marts (exact decimals)."
        )
    return counts


def show_statements(database: Path, day: date) -> None:
    """The company's income statement (year to date) and balance sheet for `day`'s month."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        companies = con.execute(
            f"select tenant_id, company_name from {MARTS}.fortnox__companies order by tenant_id"
        ).fetchall()
        for tenant_id, company in companies:
            rows = statement_rows(con, MARTS, tenant_id, day.isoformat())
            print_statements(rows, company or tenant_id, day.isoformat())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    try:
        run_pipeline(args)
    except (RuntimeError, OSError) as exc:
        print(f"\ndemo failed: {exc}", file=sys.stderr)
        return 1
    summarize(args.output)
    show_statements(args.output, args.as_of or date.today())
    print(
        f"\nDemo finished in {time.monotonic() - started:.0f}s. Explore the data: "
        f".venv/bin/python -c \"import duckdb; duckdb.connect('{args.output}').sql("
        f"'from {SCHEMA}.invoices limit 5').show()\""
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
