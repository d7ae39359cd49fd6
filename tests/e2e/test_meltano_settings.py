"""Every kind of setting set through its `TAP_FORTNOX_*` variable in a real `meltano run`.

The README promises that every setting is an environment variable. One run of the bare
`meltano run tap-fortnox target-jsonl` (the default environment) sets a setting of every kind
Meltano has for the tap: strings (credentials, URLs), integers (page size, rate limit), a
boolean (flattening), an array (list-only streams), a date (start_date) and an object (stream
maps), each checked by its effect on the output files or the sandbox's request counts. Also the
roads that must end with one clear line: the sandbox environment without its URL.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta

import pytest

from fortnox_sandbox import Sandbox
from tap_fortnox.incremental import STOCKHOLM
from tap_fortnox.tap import TapFortnox
from tests.harness.meltano_harness import Meltano, SandboxProcess, setting_env
from tests.helpers import tapsync

pytestmark = pytest.mark.e2e

SEED = 11
AS_OF = date(2026, 6, 15)  # the sandbox's data ends here, whatever today's date is
START = date(2025, 1, 1)  # customers modified since then; the sandbox's history goes back further
STREAMS = ("customers", "suppliers", "units")
PAGE_SIZE = 7


def jsonl_records(directory, stream: str) -> list[dict]:
    (path,) = directory.glob(f"{stream}*.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def process_sandbox():
    with SandboxProcess(seed=SEED, extra_args=("--as-of", AS_OF.isoformat())) as sandbox:
        yield sandbox


def test_every_setting_kind_through_its_environment_variable(meltano, process_sandbox, tmp_path):
    # A Meltano state of its own: another test's target-jsonl run must not make this one
    # incremental.
    meltano = Meltano(system_db=tmp_path / "meltano.db")
    sandbox = process_sandbox
    settings = {
        **{k: v for k, v in sandbox.config.items() if k != "start_date"},
        "page_size": PAGE_SIZE,  # integer
        "rate_limit_requests": 1000,  # integer
        "rate_limit_window_seconds": 1,  # integer (was a decimal Meltano could not pass)
        "flattening_enabled": True,  # boolean
        "flattening_max_depth": 1,  # integer
        "list_only_streams": ["suppliers"],  # array
        "start_date": START.isoformat(),  # date_iso8601
        "stream_maps": {"units": {"description": "__NULL__"}},  # object
    }
    env = setting_env("tap-fortnox", settings)
    env["TAP_FORTNOX_TENANT_ID"] = str(int(sandbox.tenant_id))  # as pasted from the token
    env["TAP_FORTNOX__SELECT"] = json.dumps([f"{name}.*" for name in STREAMS])
    out = tmp_path / "output"
    out.mkdir()
    env["TARGET_JSONL_DESTINATION_PATH"] = str(out)
    sandbox.control("POST", "counters/reset")

    meltano("run", "tap-fortnox", "target-jsonl", env=env)

    by_path = sandbox.control("GET", "counters")["by_path"]
    with Sandbox(seed=SEED, as_of=AS_OF, rate_limit=False) as sb:
        tap = TapFortnox(config=sb.tap_config())
        since = datetime(START.year, START.month, START.day, tzinfo=STOCKHOLM) - timedelta(
            minutes=5  # lookback_minutes
        )
        wanted = tapsync.expected_keys(sb, tap, "customers", since=since.timestamp())
        all_customers = tapsync.expected_keys(sb, tap, "customers")
        suppliers = tapsync.expected_keys(sb, tap, "suppliers", since=since.timestamp())
        units = tapsync.expected_keys(sb, tap, "units")

    customers = jsonl_records(out, "customers")
    # start_date: only customers changed since START, and fewer than all of them.
    assert {("tenant_id", c["tenant_id"]) for c in customers} == {("tenant_id", sandbox.tenant_id)}
    assert len(customers) == sum(wanted.values()) < sum(all_customers.values())
    # page_size: list pages of 7; details for customers only (suppliers are list-only).
    assert by_path["/3/customers"] == max(1, math.ceil(len(customers) / PAGE_SIZE))
    customer_details = sum(n for p, n in by_path.items() if p.startswith("/3/customers/"))
    assert customer_details == len(customers)
    assert not [p for p in by_path if p.startswith("/3/suppliers/")]
    assert len(jsonl_records(out, "suppliers")) == sum(suppliers.values())
    # flattening: nested objects become prefixed columns.
    assert any(key.startswith("default_delivery_types__") for key in customers[0])
    assert "default_delivery_types" not in customers[0]
    # stream_maps: the units' description is gone, every unit is there.
    loaded_units = jsonl_records(out, "units")
    assert len(loaded_units) == sum(units.values())
    assert all("description" not in unit for unit in loaded_units)


def test_the_sandbox_environment_without_its_url_says_so_in_one_line(meltano, process_sandbox):
    env = process_sandbox.tap_env(skip=("api_url", "auth_url"))  # and no FORTNOX_SANDBOX_URL
    result = meltano(
        "--environment", "sandbox", "run", "tap-fortnox", "target-jsonl", env=env, check=False
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    tap_lines = [line for line in output.splitlines() if " tap-fortnox " in line]
    assert "Traceback" not in output
    assert any("api_url '/3' is not an http(s) URL" in line for line in tap_lines)
    assert "auth_url '/oauth-v1' is not an http(s) URL" in tap_lines[-1]
    assert "FORTNOX_SANDBOX_URL" in tap_lines[-1]
    assert process_sandbox.config["client_secret"] not in output
