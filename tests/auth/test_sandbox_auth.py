"""Auth end to end: the real tap (a subprocess) and `tap-fortnox-auth` against the sandbox.

Token lifetimes of 2 s stand in for Fortnox's hour; every run's stdout and stderr are scanned for
the client secret and every token the run received.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tap_fortnox.token_store import TokenStore
from tests.helpers import tapsync
from tests.helpers.tapsync import Run
from tests.sandbox.helpers import token_request

# resource, stream, key: what a run must deliver completely
EXPECTED = [("customers", "customers", "CustomerNumber"), ("articles", "articles", "ArticleNumber")]
STREAMS = [stream for _, stream, _ in EXPECTED]
# fast but rate-limited: the tap's limiter 20 per 0.5 s, the sandbox's 25 per 0.5 s
TAP_SPEED = {"rate_limit_requests": 40, "rate_limit_window_seconds": 1, "page_size": 2}
SANDBOX_SPEED = {"rate_limit": True, "rate_limit_requests": 50, "rate_limit_window": 1.0}


def _config(sb, flow: str, tmp_path: Path) -> dict:
    config = {**sb.tap_config(flow), **TAP_SPEED}
    if flow == "refresh_token":
        config["token_store_path"] = str(tmp_path / "secrets" / "fortnox-tokens.json")
    return config


def recorded_run(config: dict, streams: list[str] | None, workdir: Path, *args: str) -> Run:
    """The real `tap-fortnox` in a new process, recording every token it received."""
    inputs = tapsync.write_inputs(workdir, config, streams)
    return tapsync.run_cli([*inputs, *args], tokens=workdir / "tokens.jsonl")


def _assert_complete(run: Run, sb, expected_streams: list = EXPECTED) -> None:
    assert run.returncode == 0, run.stderr[-3000:]
    for resource, stream, key in expected_streams:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in key).lstrip("_")
        expected = sorted(str(r[key]) for r in sb.expected(resource))
        assert sorted(str(r[snake]) for r in run.records(stream)) == expected, stream
        assert {r["tenant_id"] for r in run.records(stream)} == {sb.tenant_ids[0]}


def _store_secrets(config: dict) -> list[str]:
    state = TokenStore(config["token_store_path"]).read() or {}
    return [state[k] for k in ("refresh_token", "access_token") if state.get(k)]


def _token_errors(sb) -> int:
    return sb.counters()["by_status"].get("400", 0)


def test_two_consecutive_runs_on_one_refresh_token(make_sandbox, tmp_path):
    sb = make_sandbox(seed=11, token_lifetime=2, **SANDBOX_SPEED)
    config = _config(sb, "refresh_token", tmp_path)
    original = config["refresh_token"]

    first = recorded_run(config, STREAMS, tmp_path / "first")
    _assert_complete(first, sb)
    rotated = TokenStore(config["token_store_path"]).read()["refresh_token"]
    assert rotated != original
    status, body = token_request(sb, {"grant_type": "refresh_token", "refresh_token": original})
    assert (status, body["error"]) == (400, "invalid_grant")  # the configured token is burnt

    time.sleep(2.1)  # the stored access token has expired too: the next run must refresh
    sb.reset_counters()
    second = recorded_run(config, STREAMS, tmp_path / "second")  # same config, burnt token in it
    _assert_complete(second, sb)
    assert sb.counters()["by_path"]["/oauth-v1/token"] >= 1
    assert _token_errors(sb) == 0
    assert TokenStore(config["token_store_path"]).read()["refresh_token"] != rotated
    for run in (first, second):
        run.assert_secrets_absent(sb.client_secret, original, rotated, *_store_secrets(config))


@pytest.mark.parametrize("flow", ["client_credentials", "refresh_token"])
def test_tokens_expiring_every_two_seconds_during_a_sync(make_sandbox, tmp_path, flow):
    sb = make_sandbox(seed=12, token_lifetime=2, **SANDBOX_SPEED)
    config = _config(sb, flow, tmp_path)
    # page size 1: ~440 requests, a minute and a half's worth at Fortnox's 25 per 5 s, sent at
    # 60 per second
    config.update(page_size=1, rate_limit_requests=60)
    sb.set_rate_limit(True, requests=80, window_seconds=1.0)
    # two tokens revoked in the middle of the sync, on top of the ones that simply expire
    for path in ("/3/customers/7", "/3/invoices/"):
        sb.inject("status", count=1, path_prefix=path, status=401)
    streams = [*EXPECTED, ("invoices", "invoices", "DocumentNumber")]
    started = time.monotonic()
    run = recorded_run(config, [*STREAMS, "invoices", "invoice_rows"], tmp_path)
    elapsed = time.monotonic() - started
    _assert_complete(run, sb, streams)
    rows = sum(len(invoice["InvoiceRows"]) for invoice in sb.expected("invoices"))
    assert len(run.records("invoice_rows")) == rows
    counters = sb.counters()
    tokens = counters["by_path"]["/oauth-v1/token"]
    assert counters["401"] >= 2
    assert tokens >= 4  # the first, two after the injected 401s, at least one on expiry
    assert sum(1 for t in run.tokens if t.count(".") == 2) == tokens  # JWTs = access tokens
    assert _token_errors(sb) == 0
    secrets = [sb.client_secret] + (_store_secrets(config) if flow == "refresh_token" else [])
    run.assert_secrets_absent(*secrets)
    print(f"{flow}: {counters['total']} requests, {tokens} tokens, {elapsed:.1f} s")


def test_two_concurrent_runs_share_a_token_store(make_sandbox, tmp_path):
    sb = make_sandbox(seed=13, token_lifetime=2, rate_limit=False)
    config = _config(sb, "refresh_token", tmp_path)
    inputs = {name: tapsync.write_inputs(tmp_path / name, config, STREAMS) for name in "ab"}
    tokens = {name: tmp_path / name / "tokens.jsonl" for name in "ab"}
    runs = {name: tapsync.start_cli(inputs[name], tokens=tokens[name]) for name in "ab"}
    results = [tapsync.finish(runs[name], tokens=tokens[name]) for name in "ab"]
    for result in results:
        _assert_complete(result, sb)
        result.assert_secrets_absent(sb.client_secret, config["refresh_token"])
    assert _token_errors(sb) == 0  # nobody refreshed with a token the other had burnt
    # the run that waited for the lock took the token the other had just stored
    assert any("still-valid access token from the token store" in r.stderr for r in results)
    # the store's token is the live one
    latest = TokenStore(config["token_store_path"]).read()["refresh_token"]
    status, _ = token_request(sb, {"grant_type": "refresh_token", "refresh_token": latest})
    assert status == 200


def test_burnt_refresh_token_one_line_error_with_reauthorisation_hint(make_sandbox, tmp_path):
    sb = make_sandbox(seed=14, rate_limit=False)
    config = _config(sb, "refresh_token", tmp_path)
    # another tool used the token first
    status, _ = token_request(
        sb, {"grant_type": "refresh_token", "refresh_token": config["refresh_token"]}
    )
    assert status == 200
    run = recorded_run(config, ["customers"], tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert sb.counters()["by_path"]["/oauth-v1/token"] == 2  # the other tool's and ONE of ours
    lines = [line for line in run.stderr.splitlines() if "invalid_grant" in line]
    assert len(lines) == 1
    assert f"tap-fortnox-auth --token-store {config['token_store_path']}" in lines[0]
    run.assert_secrets_absent(sb.client_secret, config["refresh_token"])


def test_about_and_bad_credentials_print_no_secrets(make_sandbox, tmp_path):
    sb = make_sandbox(seed=15, rate_limit=False)
    config = _config(sb, "client_credentials", tmp_path)
    about = recorded_run(config, None, tmp_path / "about", "--about", "--format", "json")
    assert about.returncode == 0, about.stderr[-2000:]
    assert "client_secret" in about.stdout
    about.assert_secrets_absent(sb.client_secret)

    wrong = "wrong-" + sb.client_secret[::-1]
    bad = recorded_run({**config, "client_secret": wrong}, ["customers"], tmp_path / "bad")
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert any("invalid_client" in line for line in bad.stderr.splitlines())
    bad.assert_secrets_absent(sb.client_secret, wrong)


# -- tap-fortnox-auth ---------------------------------------------------------------------------


def _consent(sb, tmp_path: Path, *args: str) -> tuple[dict, str, str]:
    """Run tap-fortnox-auth and be the browser: open the printed URL, follow the redirect."""
    command = [
        str(Path(sys.executable).with_name("tap-fortnox-auth")),
        "--client-id",
        sb.client_id,
        "--auth-url",
        sb.auth_url,
        "--api-url",
        sb.api_url,
        "--redirect-uri",
        "http://127.0.0.1:0/callback",
        "--no-browser",
        "--streams",
        ",".join(STREAMS),
        "--output",
        "json",
        *args,
    ]
    env = {**os.environ, "TAP_FORTNOX_CLIENT_SECRET": sb.client_secret}
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("http"):
            url = line.strip()
            break
    else:
        process.kill()
        pytest.fail("tap-fortnox-auth printed no URL: " + "".join(seen))
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["scope"] == "article customer"
    assert query["response_type"] == "code"
    assert query["access_type"] == "offline"
    assert len(query["state"]) >= 20
    assert urlsplit(query["redirect_uri"]).port not in (None, 0, 80)  # a free port for the 0
    browser = requests.get(url, timeout=10)  # sandbox 302 -> the CLI's callback server
    assert browser.status_code == 200
    assert "consent received" in browser.text
    stdout, stderr = process.communicate(timeout=30)
    stderr = "".join(seen) + stderr
    assert process.returncode == 0, stderr
    return json.loads(stdout), stdout + stderr, query.get("account_type", "")


def test_consent_cli_refresh_flow_end_to_end(make_sandbox, tmp_path):
    sb = make_sandbox(seed=16, **SANDBOX_SPEED)
    settings, printed, account_type = _consent(sb, tmp_path, "--token-store", "tokens.json")
    store_path = str(tmp_path / "tokens.json")
    assert account_type == ""
    assert settings == {
        "client_id": sb.client_id,
        "client_secret": "<your Fortnox client secret>",
        "token_store_path": store_path,
        "tenant_id": sb.tenant_ids[0],
    }
    assert oct(os.stat(store_path).st_mode & 0o777) == "0o600"
    config = {
        **_config(sb, "client_credentials", tmp_path),
        **settings,
        "client_secret": sb.client_secret,
    }
    config.pop("tenant_id")  # the run finds it in the token
    consent_tokens = _store_secrets(config)
    for secret in (sb.client_secret, *consent_tokens):
        assert secret not in printed
    run = recorded_run(config, STREAMS, tmp_path)
    _assert_complete(run, sb)
    run.assert_secrets_absent(sb.client_secret, *consent_tokens, *_store_secrets(config))


def test_consent_cli_service_account_end_to_end(make_sandbox, tmp_path):
    sb = make_sandbox(seed=17, **SANDBOX_SPEED)
    settings, printed, account_type = _consent(sb, tmp_path, "--service-account")
    assert account_type == "service"
    assert settings == {
        "client_id": sb.client_id,
        "client_secret": "<your Fortnox client secret>",
        "tenant_id": sb.tenant_ids[0],
    }
    assert sb.client_secret not in printed
    assert not list(tmp_path.glob("*.json"))  # a service account keeps no token
    config = {
        **_config(sb, "client_credentials", tmp_path),
        **settings,
        "client_secret": sb.client_secret,
    }
    run = recorded_run(config, STREAMS, tmp_path)
    _assert_complete(run, sb)
    run.assert_secrets_absent(sb.client_secret)
