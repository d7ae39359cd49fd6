"""`meltano run tap-fortnox target-postgres` for real: sandbox -> Meltano -> PostgreSQL.

The command is the README's production example, word for word: client credentials and every
other setting in `TAP_FORTNOX_*` variables (api_url and auth_url pointing at the sandbox), the
warehouse in `TARGET_POSTGRES_*`, no `--environment` (meltano.yml's default, `prod`, which
presets a token store for the refresh-token flow: client credentials must not mind it).

The first run loads every stream; the tables must match the sandbox's own view of its data
(``/_sandbox/expected/<resource>``): the same primary keys, the same money to the öre, the same
dates, with snake_case columns of the right SQL types. Then records are changed and created in
the sandbox, a second (incremental) run upserts them, and the tables still match with no
duplicate keys.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from tap_fortnox.client import TENANT_ID
from tests.e2e.conftest import timed
from tests.e2e.expected import expected_records, streams
from tests.harness.meltano_harness import Meltano, SandboxProcess, setting_env
from tests.harness.pg_cluster import PostgresCluster

pytestmark = pytest.mark.e2e

SCHEMA = "fortnox"  # TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA
STATE_ID = "prod:tap-fortnox-to-target-postgres"
SNAKE = re.compile(r"^_?[a-z][a-z0-9_]*$")
# Records changed (and created) in the sandbox between the two runs, by Fortnox resource.
TOUCHED = {"customers": 3, "articles": 2, "invoices": 3, "vouchers": 3, "supplierinvoices": 2}
CREATED = {"customers": 2, "invoices": 2}
# ... deleted, documents edited (their last row removed), and a field Fortnox starts sending.
DELETED = {
    "suppliers": 1,
    "units": 1,
    "invoicepayments": 1,
    "voucherfileconnections": 1,
    "supplierinvoicefileconnections": 1,
}
EDITED = {"orders": 2}
ADDED_FIELD = ("projects", "ProjectManager", "Anna Lind")
LIVE = '"_sdc_deleted_at" is null'  # target-postgres keeps tombstones as soft deletes
# SQL types the contract promises (README "Streams": money exact, keys as text), beyond the
# generic schema check.
PROMISED_TYPES = {
    ("customers", "customer_number"): "text",
    ("suppliers", "supplier_number"): "text",
    ("articles", "article_number"): "text",
    ("invoices", "document_number"): "text",
    ("invoices", "total"): "numeric",
    ("invoices", "invoice_date"): "date",
    ("invoice_rows", "price"): "numeric",
    ("vouchers", "transaction_date"): "date",
    ("voucher_rows", "debit"): "numeric",
    ("voucher_rows", "credit"): "numeric",
    ("supplier_invoices", "total"): "numeric",
}


@dataclass
class Warehouse:
    """The loaded PostgreSQL schema."""

    conn: psycopg.Connection

    def tables(self) -> set[str]:
        rows = self.conn.execute(
            "select table_name from information_schema.tables where table_schema = %s", [SCHEMA]
        ).fetchall()
        return {row[0] for row in rows}

    def columns(self, table: str) -> dict[str, str]:
        rows = self.conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = %s and table_name = %s",
            [SCHEMA, table],
        ).fetchall()
        return dict(rows)

    def select(self, table: str, columns: list[str]) -> list[tuple]:
        """The live rows (tombstones left out)."""
        cols = ", ".join(f'"{c}"' for c in columns)
        return self.conn.execute(f'select {cols} from "{SCHEMA}"."{table}" where {LIVE}').fetchall()

    def duplicates(self, table: str, keys: tuple[str, ...]) -> int:
        cols = ", ".join(f'"{k}"' for k in keys)
        sql = (
            f'select count(*) from (select {cols} from "{SCHEMA}"."{table}" '
            f"group by {cols} having count(*) > 1) as d"
        )
        return self.conn.execute(sql).fetchone()[0]


@dataclass
class Pipeline:
    meltano: Meltano
    sandbox: SandboxProcess
    postgres: PostgresCluster
    runs: int = 0

    def env(self) -> dict[str, str]:
        env = self.sandbox.tap_env()
        env.update(
            setting_env(
                "target-postgres",
                {
                    "host": self.postgres.host,
                    "port": self.postgres.port,
                    "user": self.postgres.user,
                    "password": "unused",  # trust auth; target-postgres insists on one
                    "database": self.postgres.database,
                    "default_target_schema": SCHEMA,
                },
            )
        )
        return env

    def run(self) -> None:
        self.runs += 1
        started = time.monotonic()
        try:
            self.meltano("run", "tap-fortnox", "target-postgres", env=self.env())
        except RuntimeError as exc:
            pytest.fail(f"{exc}\nsandbox log tail:\n{self.sandbox.log_tail()}", pytrace=False)
        timed(f"meltano run tap-fortnox target-postgres #{self.runs}", time.monotonic() - started)

    def catalog(self) -> dict[str, dict[str, Any]]:
        """Stream name -> JSON schema, from `meltano invoke tap-fortnox --discover`."""
        result = self.meltano("invoke", "tap-fortnox", "--discover", env=self.env())
        catalog = json.loads(result.stdout)
        return {entry["tap_stream_id"]: entry["schema"] for entry in catalog["streams"]}

    def warehouse(self) -> Warehouse:
        return Warehouse(psycopg.connect(self.postgres.url, autocommit=True))


@pytest.fixture(scope="module")
def pipeline(meltano, sandbox, postgres) -> Pipeline:
    pipeline = Pipeline(meltano, sandbox, postgres)
    pipeline.run()
    return pipeline


@pytest.fixture(scope="module")
def warehouse(pipeline) -> Warehouse:
    warehouse = pipeline.warehouse()
    yield warehouse
    warehouse.conn.close()


def sql_types(schema: dict[str, Any]) -> set[str] | None:
    """The column types target-postgres must create for a JSON schema property."""
    types = schema.get("type", [])
    types = [t for t in ([types] if isinstance(types, str) else types) if t != "null"]
    if len(types) != 1:
        return None
    json_type, fmt = types[0], schema.get("format")
    if json_type == "string":
        return {"date": {"date"}, "date-time": {"timestamp without time zone"}}.get(
            fmt, {"text", "character varying"}
        )
    return {
        "integer": {"bigint", "integer", "smallint"},
        "number": {"numeric"},
        "boolean": {"boolean"},
        "object": {"jsonb"},
        "array": {"jsonb", "ARRAY"},  # 0.8.1 makes typed arrays jsonb[] or text[]
    }[json_type]


COMPARED_TYPES = {"numeric", "date", "bigint", "integer", "smallint", "boolean", "text"}


def comparable(sql_type: str, value: Any) -> Any:
    """A value as the sandbox and PostgreSQL should agree on it ("" and null alike)."""
    if value is None or value == "":
        return None
    if sql_type in ("numeric", "bigint", "integer", "smallint"):
        return Decimal(str(value))  # exact: 12.50 == 12.5, never a float
    if sql_type == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return value if isinstance(value, bool) else str(value)


def key_of(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def typed(sql_types: dict[str, str], columns: list[str], values: Any) -> tuple:
    """Values of the compared columns (a loaded row's, or a sandbox record's) made comparable."""
    return tuple(comparable(sql_types[c], v) for c, v in zip(columns, values, strict=True))


def check_matches_sandbox(warehouse: Warehouse, sandbox: SandboxProcess) -> dict[str, int]:
    """Every stream's table holds exactly the sandbox's records, value for value (money to the
    öre, dates, ids, text, flags), with no duplicate or null keys; returns the row counts."""
    counts = {}
    for stream in streams():
        expected = expected_records(sandbox, stream)
        keys = list(stream.keys)
        sql_types = warehouse.columns(stream.name)
        columns = [
            column
            for column, sql_type in sql_types.items()
            if sql_type in COMPARED_TYPES
            and column not in keys
            and any(column in rec for rec in expected)
        ]
        rows = warehouse.select(stream.name, keys + columns)
        counts[stream.name] = len(rows)
        assert warehouse.duplicates(stream.name, stream.keys) == 0, stream.name
        assert all(None not in row[: len(keys)] for row in rows), f"{stream.name}: null key"

        if any(k not in rec for rec in expected for k in keys[1:]):
            # The sandbox's detail bodies lack the key (the API's detail schema has no `id` for
            # attendance transactions; list items do): compare the records as a multiset.
            loaded = Counter(typed(sql_types, columns, row[len(keys) :]) for row in rows)
            wanted = Counter(typed(sql_types, columns, map(rec.get, columns)) for rec in expected)
            assert loaded == wanted, f"{stream.name}: loaded records differ from the sandbox's"
            continue

        by_key = {
            key_of(sandbox.tenant_id if k == TENANT_ID else rec[k] for k in keys): rec
            for rec in expected
        }
        assert len(by_key) == len(expected), f"{stream.name}: sandbox keys not unique"
        loaded, wanted = Counter(key_of(row[: len(keys)]) for row in rows), Counter(by_key.keys())
        assert loaded == wanted, (
            f"{stream.name}: {len(rows)} rows loaded, {len(expected)} in the sandbox; "
            f"missing {list(wanted - loaded)[:3]}, unexpected {list(loaded - wanted)[:3]}"
        )
        for row in rows:
            key = key_of(row[: len(keys)])
            got = typed(sql_types, columns, row[len(keys) :])
            want = typed(sql_types, columns, map(by_key[key].get, columns))
            diffs = [(c, g, w) for c, g, w in zip(columns, got, want, strict=True) if g != w]
            assert not diffs, f"{stream.name} {key}: (column, loaded, sandbox) {diffs[:3]}"
    return counts


def test_every_stream_has_a_snake_case_table_with_the_right_types(pipeline, warehouse):
    catalog = pipeline.catalog()
    assert set(catalog) == {s.name for s in streams()}
    tables = warehouse.tables()
    missing = set(catalog) - tables
    assert not missing, f"tables missing in PostgreSQL: {sorted(missing)}"
    for name, schema in catalog.items():
        columns = warehouse.columns(name)
        bad = [c for c in columns if not SNAKE.match(c)]
        assert not bad, f"{name}: columns not snake_case: {bad}"
        assert columns[TENANT_ID] in ("text", "character varying"), name
        for prop, prop_schema in schema["properties"].items():
            assert prop in columns, f"{name}.{prop} has no column"
            wanted = sql_types(prop_schema)
            if wanted is not None:
                assert columns[prop] in wanted, f"{name}.{prop}: {columns[prop]} not in {wanted}"
    for (table, column), sql_type in PROMISED_TYPES.items():
        assert warehouse.columns(table).get(column) == sql_type, f"{table}.{column}"


def test_tables_hold_exactly_the_sandbox_data(pipeline, warehouse):
    counts = check_matches_sandbox(warehouse, pipeline.sandbox)
    assert sum(counts.values()) > 0
    empty = [name for name, count in counts.items() if count == 0]
    assert not empty, f"streams that loaded nothing: {empty}"


def test_state_is_kept_per_pipeline(pipeline):
    state = json.loads(pipeline.meltano("state", "get", STATE_ID).stdout)
    bookmarks = state["singer_state"]["bookmarks"]
    incremental = [s.name for s in streams() if s.cls.replication_key]
    assert incremental
    for name in incremental:
        assert name in bookmarks, f"no bookmark for incremental stream {name}"


def stamped(values: Any) -> bool:
    """Whether a record carries the sandbox's change stamp ("Ändrad <time>") in a text field."""
    return any(isinstance(v, str) and v.startswith("Ändrad ") for v in values)


def test_second_run_upserts_changes_without_duplicates(pipeline, warehouse):
    sandbox = pipeline.sandbox
    by_resource = {s.resource: s for s in streams() if s.parent is None}
    assert set(TOUCHED) | set(CREATED) <= set(by_resource)
    changed = {resource: sandbox.touch(resource, count) for resource, count in TOUCHED.items()}
    created = {r: sandbox.touch(r, count, create=True) for r, count in CREATED.items()}
    before = {s.name: len(warehouse.select(s.name, [TENANT_ID])) for s in streams()}
    deleted = {
        r: sandbox.control("POST", "delete", {"resource": r, "count": n})["keys"]
        for r, n in DELETED.items()
    }
    edited = {
        r: sandbox.control("POST", "remove_rows", {"resource": r, "count": n})["keys"]
        for r, n in EDITED.items()
    }
    resource, field, value = ADDED_FIELD
    sandbox.control("POST", "add_field", {"resource": resource, "name": field, "value": value})
    sandbox.control("POST", "counters/reset")

    pipeline.run()

    # Live rows equal the changed sandbox, value for value, with no duplicate keys: deleted
    # records and removed rows are tombstoned, the new field is a new column.
    counts = check_matches_sandbox(warehouse, sandbox)
    requests = sandbox.control("GET", "counters")["by_path"]
    for resource, keys in deleted.items():
        stream = by_resource[resource]
        tombstones = warehouse.conn.execute(
            f'select count(*) from "{SCHEMA}"."{stream.name}" where not ({LIVE})'
        ).fetchone()[0]
        assert tombstones == len(keys), stream.name
        assert counts[stream.name] == before[stream.name] - len(keys), stream.name
    for resource, keys in edited.items():
        rows = next(s for s in streams() if s.parent is by_resource[resource].cls)
        assert counts[rows.name] == before[rows.name] - len(keys), rows.name
    assert warehouse.columns("projects")["project_manager"] in ("text", "character varying")
    assert {row[0] for row in warehouse.select("projects", ["project_manager"])} == {value}
    for resource, keys in changed.items():
        stream = by_resource[resource]
        new = len(created.get(resource, [])) - len(deleted.get(resource, []))
        assert counts[stream.name] == before[stream.name] + new, stream.name
        # Each changed record's stamp arrived (as an update of the existing row).
        text_columns = [c for c, t in warehouse.columns(stream.name).items() if t == "text"]
        rows = warehouse.select(stream.name, text_columns)
        assert sum(stamped(row) for row in rows) == len(keys), f"{stream.name}: {keys}"
        if resource == "vouchers":
            # Their rows from the SIE file of the one financial year with changes.
            assert requests.get("/3/sie/4") == 1
            assert not [p for p in requests if p.startswith("/3/vouchers/")]
            continue
        # Incremental: only changed documents were fetched again, not every one.
        details = sum(n for path, n in requests.items() if path.startswith(f"/3/{resource}/"))
        assert len(keys) + new <= details < before[stream.name], (resource, details)
