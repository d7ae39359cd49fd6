"""Which auth flow a config selects: exactly one complete flow, messages that name settings
and no values."""

from __future__ import annotations

import pytest

from tap_fortnox.settings import auth_flow, config_errors

SECRETS = {
    "client_secret": "CS-very-secret-1",
    "refresh_token": "RT-very-secret-2",
    "access_token": "AT-very-secret-3",
}


def _config(*names: str, **extra: str) -> dict:
    values = {
        "client_id": "cid",
        "tenant_id": "1234567",
        "token_store_path": "/nonexistent/t.json",
        **SECRETS,
    }
    return {**{n: values[n] for n in names}, **extra}


@pytest.mark.parametrize(
    ("names", "flow"),
    [
        (("client_id", "client_secret", "tenant_id"), "client_credentials"),
        (("client_id", "client_secret", "refresh_token", "token_store_path"), "refresh_token"),
        (
            ("client_id", "client_secret", "refresh_token", "token_store_path", "tenant_id"),
            "refresh_token",
        ),
        (("access_token",), "access_token"),
        (("access_token", "client_id", "tenant_id"), "access_token"),
        # A token store preset for the refresh-token flow (Meltano's prod environment) does not
        # stand in the way of complete client credentials.
        (("client_id", "client_secret", "tenant_id", "token_store_path"), "client_credentials"),
    ],
)
def test_complete_flows(names, flow):
    assert auth_flow(_config(*names)) == flow
    assert config_errors(_config(*names), []) == []


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ("client_id", "tenant_id"),
            "Config error: tenant_id is set but client_secret is missing (client-credentials flow "
            "needs client_id, client_secret, tenant_id)",
        ),
        (("client_id", "client_secret"), "client_secret is set but tenant_id is missing"),
        (("tenant_id",), "client_id and client_secret are missing"),
        (
            ("client_id", "client_secret", "refresh_token"),
            "refresh_token is set but token_store_path is missing (refresh-token flow needs "
            "client_id, client_secret, refresh_token, token_store_path)",
        ),
        (("refresh_token", "token_store_path"), "client_id and client_secret are missing"),
        (
            ("client_id", "client_secret", "token_store_path"),
            "refresh_token is missing and the token store /nonexistent/t.json does not exist",
        ),
        (("access_token", "refresh_token"), "access_token and refresh_token are both set"),
        (
            ("access_token", "client_id", "client_secret", "tenant_id"),
            "access_token and client_secret are both set",
        ),
        ((), "no Fortnox credentials"),
    ],
)
def test_incomplete_or_conflicting(names, expected):
    (message,) = config_errors(_config(*names), [])
    assert expected in message
    assert "\n" not in message
    for value in SECRETS.values():
        assert value not in message


def test_empty_strings_count_as_unset():
    config = _config("client_id", "client_secret", "tenant_id", access_token="  ", refresh_token="")
    assert auth_flow(config) == "client_credentials"


def test_a_numeric_tenant_id_is_a_tenant_id():
    config = {"client_id": "cid", "client_secret": "s", "tenant_id": 1500010}
    assert auth_flow(config) == "client_credentials"
    assert config_errors(config, []) == []


def test_existing_token_store_completes_refresh_flow(tmp_path):
    store = tmp_path / "t.json"
    store.write_text('{"refresh_token": "x"}')
    config = _config("client_id", "client_secret", token_store_path=str(store))
    assert auth_flow(config) == "refresh_token"
