"""Authenticators against a scripted token endpoint: sharing, renewal, errors, retries."""

from __future__ import annotations

import json
import threading
import time

import jwt
import pytest
import requests

from tap_fortnox.auth import (
    AuthError,
    authenticator_for,
    describe_error_body,
    tenant_id_from_jwt,
)
from tap_fortnox.tap import TapFortnox
from tap_fortnox.token_store import TokenStore
from tests.helpers.oauth_double import CLIENT_SECRET


def _no_secrets(message: str, fake, *extra: str) -> None:
    assert "\n" not in message
    for value in (CLIENT_SECRET, *fake.issued, *fake.valid_refresh, *extra):
        assert value not in message


def test_client_credentials_request_and_one_authenticator_per_run(fake_oauth, cc_config):
    tap = TapFortnox(config=cc_config)
    auth = tap.authenticator
    # Every stream of the run uses the run's authenticator (one token); another run has its own.
    assert {id(stream.authenticator) for stream in tap.streams.values()} == {id(auth)}
    assert TapFortnox(config=cc_config).authenticator is not auth
    prepared = auth(requests.Request("GET", "http://x/3/invoices").prepare())
    token = prepared.headers["Authorization"].removeprefix("Bearer ")
    assert token == fake_oauth.issued[0]
    request = fake_oauth.requests[0]
    assert request["form"] == {"grant_type": "client_credentials"}
    assert request["headers"]["TenantId"] == "7654321"
    assert request["headers"]["Authorization"].startswith("Basic ")
    assert auth.tenant_id == "7654321"


def test_one_token_for_many_threads(fake_oauth, cc_config):
    fake_oauth.delay = 0.2
    tokens: list[str] = []
    auth = authenticator_for(cc_config)
    threads = [threading.Thread(target=lambda: tokens.append(auth.get_token())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(tokens)) == 1
    assert len(fake_oauth.requests) == 1


def test_invalidate_renews_once_per_token_value(fake_oauth, cc_config):
    auth = authenticator_for(cc_config)
    first = auth.get_token()
    auth.invalidate(f"Bearer {first}")
    auth.invalidate(first)  # a second stream reports the same 401
    second = auth.get_token()
    auth.invalidate(first)  # late report for the old token: no further renewal
    assert auth.get_token() == second != first
    assert len(fake_oauth.requests) == 2


def test_renewed_before_expiry(fake_oauth, cc_config):
    fake_oauth.lifetime = 1.0
    auth = authenticator_for(cc_config)
    first = auth.get_token()
    assert auth.get_token() == first
    time.sleep(0.85)  # inside the early-renewal margin, before the token actually expires
    assert auth.get_token() != first
    assert len(fake_oauth.requests) == 2


@pytest.fixture
def backoffs(monkeypatch):
    """Record the token endpoint's backoff sleeps instead of sleeping."""
    calls: list[str] = []

    def record(retry, response=None):
        calls.append(f"HTTP {response.status}" if response is not None else "connection")

    monkeypatch.setattr("urllib3.util.retry.Retry.sleep", record)
    return calls


def test_client_credentials_retried_on_5xx(fake_oauth, cc_config, backoffs):
    fake_oauth.script = [("status", (503, {"message": "down"})), ("status", (500, {}))]
    assert authenticator_for(cc_config).get_token() == fake_oauth.issued[0]
    assert len(fake_oauth.requests) == 3
    assert backoffs == ["HTTP 503", "HTTP 500"]


def test_bad_client_credentials_one_line_without_secret(fake_oauth, cc_config):
    config = {**cc_config, "client_secret": "wrong-but-still-secret-123"}
    with pytest.raises(AuthError) as info:
        authenticator_for(config).get_token()
    message = str(info.value)
    assert message.startswith(
        "Client-credentials token request failed: Fortnox answered HTTP 401 "
        "(invalid_client: bad client credentials); check client_id"
    )
    _no_secrets(message, fake_oauth, "wrong-but-still-secret-123")
    assert len(fake_oauth.requests) == 1  # a 4xx is not retried


def test_refresh_rotates_and_persists_before_use(fake_oauth, refresh_config):
    original = refresh_config["refresh_token"]
    auth = authenticator_for(refresh_config)
    token = auth.get_token()
    state = TokenStore(refresh_config["token_store_path"]).read()
    assert state["access_token"] == token
    assert state["refresh_token"] in fake_oauth.valid_refresh
    assert state["refresh_token"] != original
    assert original not in fake_oauth.valid_refresh
    assert state["tenant_id"] == "7654321" == auth.tenant_id
    assert state["client_id"] == refresh_config["client_id"]
    assert original not in json.dumps(state)  # only a fingerprint of the seed is kept

    # a 401 forces a refresh with the stored (rotated) token
    auth.invalidate(token)
    second = auth.get_token()
    assert second != token
    assert fake_oauth.requests[-1]["form"]["refresh_token"] == state["refresh_token"]


def test_next_run_prefers_store_and_reuses_valid_access_token(fake_oauth, refresh_config):
    first = authenticator_for(refresh_config).get_token()
    assert authenticator_for(refresh_config).get_token() == first
    assert len(fake_oauth.requests) == 1
    # once the stored access token is rejected, the next run refreshes with the stored token
    auth = authenticator_for(refresh_config)
    auth.invalidate(first)
    auth.get_token()
    assert fake_oauth.grants() == ["refresh_token", "refresh_token"]
    assert fake_oauth.requests[-1]["form"]["refresh_token"] != refresh_config["refresh_token"]


def test_new_configured_refresh_token_is_a_new_consent(fake_oauth, refresh_config):
    authenticator_for(refresh_config).get_token()
    fresh = fake_oauth.new_refresh_token()
    auth = authenticator_for({**refresh_config, "refresh_token": fresh})
    auth.get_token()
    assert fake_oauth.requests[-1]["form"]["refresh_token"] == fresh
    # and the run after that keeps using the store seeded from the new token
    auth = authenticator_for({**refresh_config, "refresh_token": fresh})
    auth.invalidate(auth.get_token())
    auth.get_token()
    assert fake_oauth.requests[-1]["form"]["refresh_token"] != fresh
    assert len(fake_oauth.requests) == 3


def test_burnt_refresh_token_one_line_with_reauth_hint(fake_oauth, refresh_config):
    fake_oauth.valid_refresh.clear()
    with pytest.raises(AuthError) as info:
        authenticator_for(refresh_config).get_token()
    message = str(info.value)
    assert "invalid_grant" in message
    assert f"run `tap-fortnox-auth --token-store {refresh_config['token_store_path']}`" in message
    _no_secrets(message, fake_oauth, refresh_config["refresh_token"])


@pytest.mark.parametrize("kind", ["status", "drop"])
def test_refresh_is_never_retried_blindly(fake_oauth, refresh_config, kind, backoffs):
    fake_oauth.script = [("status", (502, "bad gateway")) if kind == "status" else ("drop", None)]
    auth = authenticator_for(refresh_config)
    with pytest.raises(AuthError) as info:
        auth.get_token()
    assert len(fake_oauth.requests) == 1
    assert backoffs == []
    with pytest.raises(AuthError):  # asked again (another stream): the same error, no new POST
        auth.get_token()
    assert len(fake_oauth.requests) == 1
    if kind == "drop":
        assert "may have been used up by the lost request" in str(info.value)
    _no_secrets(str(info.value), fake_oauth, refresh_config["refresh_token"])
    assert TokenStore(refresh_config["token_store_path"]).read() is None


def test_refresh_retried_when_the_request_never_left(refresh_config, fake_oauth, backoffs):
    # nothing listens on this port: the POST is certainly not sent, so trying again is safe
    fake_oauth.close()
    with pytest.raises(AuthError) as info:
        authenticator_for(refresh_config).get_token()
    assert "cannot connect to the Fortnox token endpoint" in str(info.value)
    assert str(info.value).endswith("check auth_url")
    assert "used up" not in str(info.value)
    assert backoffs == ["connection"] * 4


def test_store_for_another_client_is_refused(fake_oauth, refresh_config):
    TokenStore(refresh_config["token_store_path"]).write(
        {"client_id": "someone-else", "refresh_token": "x", "seeded_from": "y"}
    )
    with pytest.raises(AuthError, match="holds tokens for a different client_id"):
        authenticator_for({**refresh_config, "refresh_token": None}).get_token()


def test_static_token_cannot_be_renewed(fake_oauth):
    token = jwt.encode({"TenantID": "42"}, "k" * 32, algorithm="HS256")
    auth = authenticator_for({"access_token": token})
    assert auth.get_token() == token
    assert auth.tenant_id == "42"  # claim name casing does not matter
    auth.invalidate(token)
    with pytest.raises(AuthError, match="static token cannot be renewed") as info:
        auth.get_token()
    assert token not in str(info.value)


def test_tenant_id_from_jwt_tolerates_junk():
    assert tenant_id_from_jwt("not-a-jwt") is None
    assert tenant_id_from_jwt(jwt.encode({"tenant_id": 5}, "k" * 32, algorithm="HS256")) == "5"
    assert tenant_id_from_jwt(jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256")) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"error": "invalid_grant", "error_description": "Invalid\nrefresh token"},
            "invalid_grant: Invalid refresh token",
        ),
        (
            {"ErrorInformation": {"Error": 1, "Message": "Ogiltig", "Code": 2000310}},
            "Fortnox error 2000310: Ogiltig",
        ),
        ("<html>oops</html>", "an HTML page (oops)"),
        ("", "HTTP 503 Service Unavailable"),
    ],
)
def test_error_bodies(body, expected):
    response = requests.Response()
    response.status_code = 503
    response.reason = "Service Unavailable"
    response._content = (body if isinstance(body, str) else json.dumps(body)).encode()
    assert describe_error_body(response) == expected
