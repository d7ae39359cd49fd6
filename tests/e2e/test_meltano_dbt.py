"""`meltano run tap-fortnox target-postgres dbt-postgres:build`, word for word, in the default
environment: the tap's settings in TAP_FORTNOX_*, the warehouse in TARGET_POSTGRES_* and
DBT_POSTGRES_* (Meltano Hub's setting names). Every mart of the statements package is built and
every proof passes (dbt build fails the run otherwise)."""

from __future__ import annotations

import json
import time

import psycopg
import pytest

from tests.conftest import SANDBOX_AS_OF
from tests.e2e.conftest import timed
from tests.harness.meltano_harness import Meltano, SandboxProcess, setting_env
from tests.harness.statements import MARTS, MARTS_SCHEMA_SUFFIX, STREAMS

pytestmark = pytest.mark.e2e

DBT_SCHEMA = "analytics"  # DBT_POSTGRES_SCHEMA: the marts land in analytics_fortnox


def test_meltano_run_builds_every_mart(meltano, postgres, tmp_path):
    runner = Meltano(system_db=tmp_path / "meltano.db")  # its own state: a first, full sync
    with SandboxProcess(seed=5, as_of=SANDBOX_AS_OF) as sandbox:
        env = sandbox.tap_env()
        env["TAP_FORTNOX__SELECT"] = json.dumps([f"{name}.*" for name in STREAMS])
        server = {"host": postgres.host, "port": postgres.port, "user": postgres.user}
        server["password"] = "unused"  # trust auth; both plugins insist on one
        env.update(setting_env("target-postgres", {**server, "database": postgres.database}))
        env.update(
            setting_env(
                "dbt-postgres", {**server, "dbname": postgres.database, "schema": DBT_SCHEMA}
            )
        )
        env["DBT_FORTNOX_AS_OF_DATE"] = SANDBOX_AS_OF.isoformat()  # the aging's day
        started = time.monotonic()
        runner("run", "tap-fortnox", "target-postgres", "dbt-postgres:build", env=env)
        timed("meltano run ... dbt-postgres:build", time.monotonic() - started)
    with psycopg.connect(postgres.url) as con:
        built = {
            name: con.execute(
                f"select count(*) from {DBT_SCHEMA}{MARTS_SCHEMA_SUFFIX}.{name}"
            ).fetchone()[0]
            for name in MARTS
        }
        # The loader's default schema (the extractor's namespace) is what the package read.
        raw = con.execute("select count(*) from tap_fortnox.voucher_rows").fetchone()[0]
    assert raw > 0
    assert built["fortnox__general_ledger"] <= raw
    assert all(built[name] > 0 for name in MARTS), built
