"""tap-fortnox-auth pieces that need no browser: scopes, the URL, a pasted code, output formats."""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tap_fortnox.auth import AuthError
from tap_fortnox.auth_cli import authorization_url, parse_args, run, scopes_for
from tap_fortnox.streams import STREAM_TYPES, stream_scopes
from tap_fortnox.token_store import TokenStore
from tests.helpers.oauth_double import CLIENT_ID, CLIENT_SECRET


def test_scopes_from_streams():
    args = parse_args(["--streams", "invoices,invoice_rows,vouchers,customers"])
    assert scopes_for(args) == ["bookkeeping", "customer", "invoice"]
    assert "salary" not in scopes_for(parse_args([]))
    add_ons = {"salary", "warehouse", "timereporting"}  # licences few companies hold
    assert set(scopes_for(parse_args([]))) == set(stream_scopes().values()) - add_ons
    assert scopes_for(parse_args(["--streams", "stock_balances,time_registrations"])) == [
        "timereporting",
        "warehouse",
    ]
    assert scopes_for(parse_args(["--scopes", "invoice, bookkeeping"])) == [
        "bookkeeping",
        "invoice",
    ]
    with pytest.raises(AuthError, match=r"unknown stream.*invoicez"):
        scopes_for(parse_args(["--streams", "invoicez"]))


def test_authorization_url():
    url = authorization_url(
        "https://x/oauth-v1/", "cid", "http://localhost:1/cb", ["a", "b"], "st", service=True
    )
    parts = urlsplit(url)
    assert parts.path == "/oauth-v1/auth"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "client_id": "cid",
        "redirect_uri": "http://localhost:1/cb",
        "scope": "a b",
        "state": "st",
        "access_type": "offline",
        "response_type": "code",
        "account_type": "service",
    }


def _args(fake, *extra):
    return parse_args(
        [
            "--client-id",
            CLIENT_ID,
            "--auth-url",
            fake.auth_url,
            "--no-browser",
            "--paste-code",
            *extra,
        ]
    )


def test_pasted_code_writes_token_store(fake_oauth, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TAP_FORTNOX_CLIENT_SECRET", CLIENT_SECRET)
    fake_oauth.codes.add("code-123")
    store = tmp_path / "tokens.json"
    text = run(
        _args(fake_oauth, "--token-store", str(store), "--output", "json"),
        stdin=io.StringIO("code-123\n"),
    )
    settings = json.loads(text)
    assert settings == {
        "client_id": CLIENT_ID,
        "client_secret": "<your Fortnox client secret>",
        "token_store_path": str(store),
        "tenant_id": "7654321",
    }
    state = TokenStore(store).read()
    assert state["refresh_token"] in fake_oauth.valid_refresh
    assert fake_oauth.requests[0]["form"]["redirect_uri"] == "http://localhost:8765/callback"
    printed = text + capsys.readouterr().err
    for secret in (CLIENT_SECRET, state["refresh_token"], state["access_token"]):
        assert secret not in printed


def test_pasted_redirect_with_wrong_state_is_refused(fake_oauth, monkeypatch):
    monkeypatch.setenv("TAP_FORTNOX_CLIENT_SECRET", CLIENT_SECRET)
    fake_oauth.codes.add("code-123")
    pasted = io.StringIO("http://localhost:8765/callback?code=code-123&state=forged\n")
    with pytest.raises(AuthError, match="state in the redirect does not match"):
        run(_args(fake_oauth, "--service-account"), stdin=pasted)
    assert fake_oauth.requests == []  # the code was never exchanged


def test_consent_refused(fake_oauth, monkeypatch):
    monkeypatch.setenv("TAP_FORTNOX_CLIENT_SECRET", CLIENT_SECRET)
    pasted = io.StringIO("error=access_denied&error_description=User+said+no\n")
    with pytest.raises(AuthError, match="Fortnox did not grant access: User said no"):
        run(_args(fake_oauth, "--service-account"), stdin=pasted)


def test_service_account_yaml_never_holds_the_secret(fake_oauth, monkeypatch):
    monkeypatch.setenv("TAP_FORTNOX_CLIENT_SECRET", CLIENT_SECRET)
    fake_oauth.codes.add("c")
    text = run(_args(fake_oauth, "--service-account", "--output", "yaml"), stdin=io.StringIO("c"))
    assert '      client_id: "unit-client"' in text
    assert '      tenant_id: "7654321"' in text
    assert "client_secret:" not in text
    assert CLIENT_SECRET not in text


def test_a_new_company_for_tenant_ids_is_a_copy_paste(fake_oauth, monkeypatch):
    monkeypatch.setenv("TAP_FORTNOX_CLIENT_SECRET", CLIENT_SECRET)
    fake_oauth.codes.update({"c", "d"})
    args = _args(fake_oauth, "--service-account", "--output", "tenant-id")
    assert run(args, stdin=io.StringIO("c")) == "7654321"  # just the id, for tenant_ids
    text = run(_args(fake_oauth, "--service-account", "--output", "env"), stdin=io.StringIO("d"))
    assert "# several companies: add 7654321 to tenant_ids" in text


def test_every_tap_stream_has_a_scope():
    missing = sorted(s.name for s in STREAM_TYPES if not s.scope)
    assert missing == [], f"declare `scope = ...` on these stream classes: {missing}"
