"""Every config mistake a user can make ends the real `tap-fortnox` command non-zero, with no
traceback and no secret, and with its own message as the LAST line of stderr (the line a
Meltano log tail shows).

Against the sandbox over HTTP where the mistake only shows at run time (a closed port, an
unknown tenant, a burnt refresh token, a corrupt token store).
"""

from __future__ import annotations

import json
import socket

import pytest

from tests.helpers.tapsync import run_cli, write_inputs

SECRET = "do-not-print-this-secret"
STREAMS = ["units"]


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def last_line(run) -> str:
    lines = run.stderr.strip().splitlines()
    return lines[-1] if lines else ""


def assert_one_clear_failure(run, fragment: str, *secrets: str) -> None:
    assert run.returncode not in (0, None), run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    line = last_line(run)
    assert "ERROR" in line
    assert fragment in line, run.stderr[-2000:]
    for secret in (SECRET, *secrets):
        assert secret not in run.stderr
        assert secret not in json.dumps(run.messages)


CC = {"client_id": "an-app", "client_secret": SECRET, "tenant_id": "1234567"}
STATIC_MISTAKES = {
    "no credentials": ({}, "no Fortnox credentials"),
    "client credentials without tenant": (
        {"client_id": "an-app", "client_secret": SECRET},
        "client_secret is set but tenant_id is missing",
    ),
    "two flows": ({**CC, "access_token": SECRET}, "access_token and client_secret are both set"),
    "refresh token without store": (
        {"client_id": "an-app", "client_secret": SECRET, "refresh_token": SECRET},
        "token_store_path is missing",
    ),
    "store that does not exist": (
        {"client_id": "an-app", "client_secret": SECRET, "token_store_path": "/nonexistent/t"},
        "the token store /nonexistent/t does not exist",
    ),
    "start date in words": (
        {**CC, "start_date": "last tuesday"},
        "start_date 'last tuesday' is not an ISO 8601",
    ),
    "impossible start date": ({**CC, "start_date": "2024-13-45"}, "start_date '2024-13-45'"),
    "api_url without scheme": (
        {**CC, "api_url": "api.fortnox.se/3"},
        "api_url 'api.fortnox.se/3' is not an http(s) URL",
    ),
    "empty auth_url": ({**CC, "auth_url": ""}, "auth_url '' is not an http(s) URL"),
    "unset variable in api_url": (
        {**CC, "api_url": "/3"},
        "environment variable in it is not set",
    ),
    "page size as words": (
        {**CC, "page_size": "five hundred"},
        "Config error: page_size: 'five hundred' is not of type 'integer'",
    ),
    "page size above Fortnox's maximum": (
        {**CC, "page_size": 501},
        "Config error: page_size: 501 is greater than the maximum of 500",
    ),
    "fractional window": (
        {**CC, "rate_limit_window_seconds": 0.5},
        "Config error: rate_limit_window_seconds: 0.5 is less than the minimum of 1",
    ),
    "negative lookback": (
        {**CC, "lookback_minutes": -5},
        "Config error: lookback_minutes: -5 is less than the minimum of 0",
    ),
    "boolean as words": (
        {**CC, "fetch_details": "maybe"},
        "Config error: fetch_details: 'maybe' is not of type 'boolean'",
    ),
    "unknown stream": (
        {**CC, "list_only_streams": ["customers", "custmers"]},
        "list_only_streams names unknown streams: custmers",
    ),
    "stream list as a string": (
        {**CC, "list_only_streams": "customers"},
        "Config error: list_only_streams: 'customers' is not of type 'array'",
    ),
    "tenant id as a list": (
        {**CC, "tenant_id": [1234567]},
        "Config error: tenant_id: [1234567] is not valid under any of the given schemas",
    ),
}


@pytest.mark.parametrize(("config", "fragment"), STATIC_MISTAKES.values(), ids=STATIC_MISTAKES)
def test_a_config_mistake_is_the_last_line(tmp_path, config, fragment):
    assert_one_clear_failure(run_cli(write_inputs(tmp_path, config, STREAMS)), fragment)


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox(seed=2, scale="small", rate_limit=False)


def test_an_api_url_where_nothing_listens(sandbox, tmp_path):
    port = closed_port()
    config = {**sandbox.tap_config(), "api_url": f"http://127.0.0.1:{port}/3"}
    run = run_cli(write_inputs(tmp_path, config, STREAMS), timeout=60)
    assert_one_clear_failure(
        run,
        f"cannot connect to the Fortnox API at api_url http://127.0.0.1:{port}/3",
        sandbox.client_secret,
    )
    assert last_line(run).endswith("check api_url and that the server is up")


def test_an_auth_url_where_nothing_listens(sandbox, tmp_path):
    port = closed_port()
    config = {**sandbox.tap_config(), "auth_url": f"http://127.0.0.1:{port}/oauth-v1"}
    run = run_cli(write_inputs(tmp_path, config, STREAMS), timeout=60)
    assert_one_clear_failure(
        run,
        f"cannot connect to the Fortnox token endpoint http://127.0.0.1:{port}/oauth-v1/token",
        sandbox.client_secret,
    )
    assert last_line(run).endswith("check auth_url")


def test_an_unknown_tenant(sandbox, tmp_path):
    config = {**sandbox.tap_config(), "tenant_id": 1}  # a number, as pasted from a token
    run = run_cli(write_inputs(tmp_path, config, STREAMS))
    assert_one_clear_failure(
        run, "Fortnox answered HTTP 400 (invalid_request: ", sandbox.client_secret
    )
    assert "check client_id, client_secret and tenant_id" in last_line(run)


def test_a_wrong_client_secret(sandbox, tmp_path):
    config = {**sandbox.tap_config(), "client_secret": SECRET}
    run = run_cli(write_inputs(tmp_path, config, STREAMS))
    assert_one_clear_failure(run, "Fortnox answered HTTP 401 (invalid_client: ")


def test_a_burnt_refresh_token(sandbox, tmp_path):
    config = sandbox.tap_config("refresh_token")
    config["token_store_path"] = str(tmp_path / "tokens.json")
    burnt = config["refresh_token"]
    assert run_cli(write_inputs(tmp_path / "1", config, STREAMS)).returncode == 0
    (tmp_path / "tokens.json").unlink()  # the rotated token is lost: only the used one is left
    run = run_cli(write_inputs(tmp_path / "2", config, STREAMS))
    assert_one_clear_failure(run, "invalid_grant", burnt, sandbox.client_secret)
    assert f"run `tap-fortnox-auth --token-store {tmp_path / 'tokens.json'}`" in last_line(run)


def test_a_corrupt_token_store(sandbox, tmp_path):
    store = tmp_path / "tokens.json"
    store.write_text("{not json")
    config = {**sandbox.tap_config("refresh_token"), "token_store_path": str(store)}
    run = run_cli(write_inputs(tmp_path, config, STREAMS))
    assert_one_clear_failure(
        run, f"the token store {store} is not a JSON object", config["refresh_token"]
    )
