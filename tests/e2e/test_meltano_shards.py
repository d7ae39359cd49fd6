"""A bureau's companies split over two workers: two shards (`tenant_shard`) as two concurrent
`meltano run --state-id-suffix ...` processes into one PostgreSQL schema (README, "Many
companies"), each worker with its own `.meltano` as a container would have, sharing the state
database. Every company's tables are complete, each shard keeps its own state, and the second
run of each shard is incremental."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import psycopg
import pytest

from tap_fortnox.tenants import tenants_of
from tests.harness.meltano_harness import ROOT, Meltano, SandboxProcess, setting_env

pytestmark = pytest.mark.e2e

SCHEMA = "bureau"
STREAMS = ("customers", "invoices", "invoice_rows", "units")
KEYS = {
    "customers": ("customer_number", "CustomerNumber"),
    "invoices": ("document_number", "DocumentNumber"),
    "units": ("code", "Code"),
}


def shard_state_id(k: int) -> str:
    return f"prod:tap-fortnox-to-target-postgres:shard-{k}-of-2"


@pytest.fixture(scope="module")
def companies():
    with SandboxProcess(seed=17, tenants=4) as sandbox:
        yield sandbox


def worker_dir(base: Path, k: int) -> Path:
    """A worker's own `.meltano` (as a container has): its run files (Meltano writes the
    discovered catalog there) are its own; the plugins are the project's, installed once."""
    sys_dir = base / f"worker-{k}"
    sys_dir.mkdir(exist_ok=True)
    for kind in ("extractors", "loaders"):
        link = sys_dir / kind
        if not link.exists():
            os.symlink(ROOT / ".meltano" / kind, link)
    return sys_dir


def run_shard(meltano: Meltano, env: dict, k: int, errors: list, base: Path) -> None:
    try:
        meltano(
            "run",
            "--state-id-suffix",
            f"shard-{k}-of-2",
            "tap-fortnox",
            "target-postgres",
            env={
                **env,
                "TAP_FORTNOX_TENANT_SHARD": f"{k}/2",
                "MELTANO_SYS_DIR_ROOT": str(worker_dir(base, k)),
            },
        )
    except Exception as exc:  # reported by the test, with Meltano's output
        errors.append(exc)


def test_two_shards_concurrently_into_one_warehouse(meltano, companies, postgres, tmp_path):
    meltano = Meltano(system_db=tmp_path / "meltano.db")  # the shards' states, nobody else's
    tenants = companies.tenant_ids
    settings = {k: v for k, v in companies.config.items() if k not in ("tenant_id", "start_date")}
    env = setting_env("tap-fortnox", {**settings, "tenant_ids": tenants, "rate_limit_requests": 0})
    env["TAP_FORTNOX__SELECT"] = json.dumps([f"{name}.*" for name in STREAMS])
    env.update(
        setting_env(
            "target-postgres",
            {
                "host": postgres.host,
                "port": postgres.port,
                "user": postgres.user,
                "password": "unused",
                "database": postgres.database,
                "default_target_schema": SCHEMA,
            },
        )
    )
    shards = {k: tenants_of({"tenant_ids": tenants, "tenant_shard": f"{k}/2"}) for k in (1, 2)}
    assert all(shards.values()), shards  # both shards have companies (seed chosen so)

    def side_by_side() -> None:
        errors: list[Exception] = []
        workers = [
            threading.Thread(target=run_shard, args=(meltano, env, k, errors, tmp_path))
            for k in (1, 2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert not errors, errors[0]

    # The very first load creates the tables: one shard first (two target-postgres processes
    # creating the same table at the same moment collide, README). Then shard 2's first run
    # and shard 1's second run side by side.
    errors: list[Exception] = []
    run_shard(meltano, env, 1, errors, tmp_path)
    assert not errors, errors[0]
    side_by_side()

    with psycopg.connect(postgres.url, autocommit=True) as conn:
        for stream, (column, field) in KEYS.items():
            rows = conn.execute(
                f'select tenant_id, "{column}" from {SCHEMA}.{stream} where _sdc_deleted_at is null'
            ).fetchall()
            loaded = {(str(t), str(k)) for t, k in rows}
            wanted = {
                (tenant, str(record[field]))
                for tenant in tenants
                for record in companies.expected(stream, tenant)
            }
            assert loaded == wanted, stream
        rows = conn.execute(f"select tenant_id, count(*) from {SCHEMA}.invoice_rows group by 1")
        counts = dict(rows.fetchall())
        for tenant in tenants:
            invoices = companies.expected("invoices", tenant)
            assert counts[tenant] == sum(len(i["InvoiceRows"]) for i in invoices), tenant

    # Each shard's state holds its own companies, and only those.
    for k, members in shards.items():
        state = json.loads(meltano("state", "get", shard_state_id(k)).stdout)["singer_state"]
        assert set(state["tenants"]) == set(members), k
        assert "run" not in state  # the run finished

    # The next run of each shard, side by side again, is incremental: no detail fetched again.
    companies.control("POST", "counters/reset")
    side_by_side()
    by_path = companies.control("GET", "counters")["by_path"]
    assert not [p for p in by_path if p.startswith(("/3/customers/", "/3/invoices/"))]
