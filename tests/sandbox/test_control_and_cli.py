"""The HTTP control surface under /_sandbox/ and the `fortnox-sandbox serve` command."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.parse
from datetime import date, datetime

from fortnox_sandbox.model.clock import local
from tests.sandbox.fake_clock import FakeMonotonic
from tests.sandbox.helpers import get, request


def _control(sb, action: str, method: str = "POST", **args):
    data = json.dumps(args).encode() if method == "POST" else None
    status, body, _ = request(f"{sb.base_url}/_sandbox/{action}", method=method, data=data)
    return status, body


def test_control_surface_over_http(make_sandbox):
    sb = make_sandbox(as_of=date(2025, 1, 1), rate_limit_clock=FakeMonotonic())
    assert _control(sb, "health", "GET")[1]["status"] == "ok"
    info = _control(sb, "info", "GET")[1]
    assert info["api_url"] == sb.api_url
    assert info["tenant_ids"] == sb.tenant_ids
    status, _body = _control(sb, "set_now", now="2025-03-01T12:00:00+00:00")
    assert status == 200
    keys = _control(sb, "touch", resource="customers", count=3)[1]["keys"]
    assert len(keys) == 3
    changed = get(sb, "/customers", lastmodified="2025-03-01 13:00")[1]["Customers"]
    assert sorted(c["CustomerNumber"] for c in changed) == sorted(keys)
    created = _control(sb, "touch", resource="invoices", count=1, create=True)[1]["keys"]
    assert get(sb, f"/invoices/{created[0]}")[0] == 200
    gone = _control(sb, "delete", resource="articles", count=1)[1]["keys"]
    assert get(sb, f"/articles/{gone[0]}")[0] == 404
    expected = _control(sb, "expected/customers", "GET")[1]["records"]
    assert expected == json.loads(json.dumps(sb.expected("customers")))
    counters = _control(sb, "counters", "GET")[1]
    assert counters["by_path"]["/3/customers"] == 1
    assert "/_sandbox/counters" not in counters["by_path"]  # control calls are not counted
    _control(sb, "reset")
    assert _control(sb, "counters", "GET")[1]["total"] == 0
    _control(sb, "inject", kind="status", status=503)
    assert get(sb, "/units")[0] == 503
    _control(sb, "rate_limit", enabled=True, requests=1, window_seconds=60)
    token = _control(sb, "access_token")[1]["access_token"]
    assert [get(sb, "/units", token=token)[0] for _ in range(2)] == [200, 429]
    _control(sb, "rate_limit", enabled=False)
    assert _control(sb, "token_lifetime", seconds=120)[1] == {"seconds": 120}
    refresh = _control(sb, "refresh_token")[1]["refresh_token"]
    assert refresh
    config = _control(sb, "tap_config", "GET")[1]
    assert config["tenant_id"] == sb.tenant_ids[0]
    assert _control(sb, "touch", resource="nonsense")[0] == 400
    assert _control(sb, "nonsense", "GET")[0] == 404


def test_tap_config_flows(sandbox):
    cc = sandbox.tap_config()
    assert {"client_id", "client_secret", "tenant_id", "api_url", "auth_url", "start_date"} <= set(
        cc
    )
    assert "refresh_token" in sandbox.tap_config("refresh_token")
    start = datetime.fromisoformat(cc["start_date"].replace("Z", "+00:00"))
    since = f"{local(start.timestamp()):%Y-%m-%d %H:%M}"
    everything = get(sandbox, "/invoices", limit=1)[1]["MetaInformation"]["@TotalResources"]
    after_start = get(sandbox, "/invoices", limit=1, lastmodified=since)[1]["MetaInformation"]
    assert after_start["@TotalResources"] == everything
    assert (
        get(sandbox, "/units", token=sandbox.tap_config("access_token")["access_token"])[0] == 200
    )


def test_cli_serve_prints_ready_and_serves(tmp_path):
    config_path = tmp_path / "tap-config.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fortnox_sandbox.cli",
            "serve",
            "--port",
            "0",
            "--seed",
            "5",
            "--no-rate-limit",
            "--config-out",
            str(config_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("READY "):
                break
        base = lines[-1].split()[1]
        assert base.startswith("http://127.0.0.1:")
        assert not base.endswith(":0")
        printed = "".join(lines)
        assert "client_secret" in printed
        assert "refresh_token" in printed
        config = json.loads(config_path.read_text())
        assert config["api_url"] == f"{base}/3"
        status, body, _ = request(f"{base}/_sandbox/health")
        assert (status, body["seed"]) == (200, 5)
        basic = base64.b64encode(
            f"{config['client_id']}:{config['client_secret']}".encode()
        ).decode()
        status, token, _ = request(
            f"{config['auth_url']}/token",
            method="POST",
            data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
            headers={"Authorization": f"Basic {basic}", "TenantId": config["tenant_id"]},
        )
        assert status == 200
        status, body, _ = request(f"{config['api_url']}/invoices?limit=2", token["access_token"])
        assert status == 200
        assert len(body["Invoices"]) == 2
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_touch_and_delete_pick_the_same_records_for_the_same_seed(make_sandbox):
    # Whatever sandboxes the process made before (tests run in any order), a seed decides
    # which records touch() and delete() change.
    one, two = (make_sandbox(seed=7, rate_limit=False) for _ in range(2))
    assert one.delete("invoices", 5) == two.delete("invoices", 5)
    assert one.touch("customers", 3) == two.touch("customers", 3)
    assert one.delete("vouchers", 2) == two.delete("vouchers", 2)
