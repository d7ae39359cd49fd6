"""The refresh-token flow under Meltano, into target-jsonl.

Meltano hands the tap the same configured refresh token on every run, but Fortnox refresh tokens
are single use. Two consecutive `meltano run tap-fortnox target-jsonl` runs with one configured
token must both succeed: the first rotates the token and keeps the new one in token_store_path,
the second starts from the stored token. The JSON Lines files hold the sandbox's records.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.e2e.conftest import timed
from tests.e2e.expected import expected_records, streams
from tests.harness.meltano_harness import setting_env

pytestmark = pytest.mark.e2e

SELECTED = ("customers", "currencies")


def test_two_runs_with_one_configured_refresh_token(meltano, sandbox, tmp_path):
    token = sandbox.control("POST", "refresh_token")["refresh_token"]
    store = tmp_path / "secrets" / "fortnox-token.json"
    tap = {
        "client_id": sandbox.config["client_id"],
        "client_secret": sandbox.config["client_secret"],
        "refresh_token": token,
        "token_store_path": str(store),
    }
    urls = {key: sandbox.config[key] for key in ("api_url", "auth_url")}
    env = setting_env("tap-fortnox", {**tap, **urls})
    env["TAP_FORTNOX__SELECT"] = json.dumps([f"{name}.*" for name in SELECTED])
    by_name = {stream.name: stream for stream in streams()}

    for run in (1, 2):
        output = tmp_path / f"run{run}"
        output.mkdir()
        env.update(setting_env("target-jsonl", {"destination_path": str(output)}))
        started = time.monotonic()
        meltano("run", "--full-refresh", "tap-fortnox", "target-jsonl", env=env)
        timed(f"meltano run tap-fortnox target-jsonl #{run}", time.monotonic() - started)

        assert store.exists(), "the rotated refresh token was not stored"
        assert token not in store.read_text(), "the store still holds the used-up token"
        files = {path.stem.rsplit("-", 1)[0]: path for path in output.glob("*.jsonl")}
        assert sorted(files) == sorted(SELECTED)  # <stream>-<timestamp>.jsonl
        for name in SELECTED:
            records = [json.loads(line) for line in files[name].open()]
            assert len(records) == len(expected_records(sandbox, by_name[name])), name
            assert {r["tenant_id"] for r in records} == {sandbox.tenant_id}
