"""OAuth: client credentials, authorization code, rotating refresh tokens, JWTs, expiry, scopes."""

from __future__ import annotations

import base64
import json
import urllib.parse
from datetime import timedelta

from tests.sandbox.helpers import get, request, token_request


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_client_credentials_needs_a_known_tenant_and_the_right_secret(make_sandbox):
    sb = make_sandbox(tenants=2)
    form = {"grant_type": "client_credentials"}
    assert token_request(sb, form)[0] == 400  # no TenantId header
    assert token_request(sb, form, tenant="1")[0] == 400
    status, body = token_request(sb, form, tenant=sb.tenant_ids[0], secret="wrong")
    assert status == 401
    assert body["error"] == "invalid_client"
    for tenant in sb.tenant_ids:
        status, body = token_request(sb, form, tenant=tenant)
        assert status == 200
        assert set(body) == {"access_token", "scope", "expires_in", "token_type"}
        claims = _claims(body["access_token"])
        assert claims["tenantId"] == int(tenant)
        assert claims["clientId"] == sb.client_id
        assert claims["exp"] - claims["iat"] == body["expires_in"] == 3600
        assert "invoice" in claims["scope"].split()


def test_refresh_tokens_rotate_and_are_single_use(make_sandbox):
    sb = make_sandbox()
    first = sb.new_refresh_token()
    status, body = token_request(sb, {"grant_type": "refresh_token", "refresh_token": first})
    assert status == 200
    second = body["refresh_token"]
    assert second != first
    assert get(sb, "/companyinformation", token=body["access_token"])[0] == 200
    status, body = token_request(sb, {"grant_type": "refresh_token", "refresh_token": first})
    assert (status, body) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid refresh token"},
    )
    assert token_request(sb, {"grant_type": "refresh_token", "refresh_token": second})[0] == 200


def test_access_tokens_expire_by_the_sandbox_clock(make_sandbox):
    sb = make_sandbox(token_lifetime=60)
    now = sb.clock.now_dt()
    sb.set_now(now)
    token = token_request(sb, {"grant_type": "client_credentials"}, tenant=sb.tenant_ids[0])[1][
        "access_token"
    ]
    assert get(sb, "/companyinformation", token=token)[0] == 200
    sb.set_now(now + timedelta(seconds=59))
    assert get(sb, "/companyinformation", token=token)[0] == 200
    sb.set_now(now + timedelta(seconds=60))
    status, body = get(sb, "/companyinformation", token=token)
    assert status == 401
    assert body["ErrorInformation"]["code"] == 2000310
    sb.set_token_lifetime(5)
    fresh = token_request(sb, {"grant_type": "client_credentials"}, tenant=sb.tenant_ids[0])[1]
    assert fresh["expires_in"] == 5
    assert sb.counters()["401"] == 1


def test_missing_or_forged_bearer_token_is_401(sandbox):
    status, body, _ = request(f"{sandbox.api_url}/customers")
    assert status == 401
    assert set(body["ErrorInformation"]) == {"error", "message", "code"}
    token = sandbox.new_access_token()
    header, _payload, signature = token.split(".")
    forged = (
        base64.urlsafe_b64encode(json.dumps({**_claims(token), "tenantId": 1}).encode())
        .rstrip(b"=")
        .decode()
    )
    assert get(sandbox, "/customers", token=f"{header}.{forged}.{signature}")[0] == 401
    assert get(sandbox, "/customers", token="not-a-jwt")[0] == 401


def test_authorization_code_flow(make_sandbox):
    sb = make_sandbox()
    query = urllib.parse.urlencode(
        {
            "client_id": sb.client_id,
            "redirect_uri": "http://localhost:4242/callback",
            "scope": "invoice customer bookkeeping",
            "state": "xyz",
            "response_type": "code",
            "account_type": "service",
        }
    )
    import http.client

    conn = http.client.HTTPConnection(sb.host, sb.port)
    conn.request("GET", f"/oauth-v1/auth?{query}")
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 302
    location = urllib.parse.urlsplit(resp.getheader("Location"))
    assert location.path == "/callback"
    params = dict(urllib.parse.parse_qsl(location.query))
    assert params["state"] == "xyz"
    form = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "redirect_uri": "http://localhost:4242/callback",
    }
    status, body = token_request(sb, form)
    assert status == 200
    assert body["scope"] == "invoice customer bookkeeping"
    assert body["refresh_token"]
    assert token_request(sb, form)[0] == 400  # codes are single use
    token = body["access_token"]
    assert get(sb, "/invoices", token=token, limit=1)[0] == 200
    status, err = get(sb, "/suppliers", token=token)
    assert status == 403
    assert err["ErrorInformation"]["code"] == 2000663


def test_revoke_ends_a_refresh_token(make_sandbox):
    sb = make_sandbox()
    token = sb.new_refresh_token()
    basic = base64.b64encode(f"{sb.client_id}:{sb.client_secret}".encode()).decode()
    status, body, _ = request(
        f"{sb.auth_url}/revoke",
        method="POST",
        data=urllib.parse.urlencode({"token_type_hint": "refresh_token", "token": token}).encode(),
        headers={"Authorization": f"Basic {basic}"},
    )
    assert (status, body) == (200, {"revoked": True})
    assert token_request(sb, {"grant_type": "refresh_token", "refresh_token": token})[0] == 400


def test_missing_licence_answers_2001101(make_sandbox):
    sb = make_sandbox(missing_scopes={"salary"})
    status, body = get(sb, "/employees")
    assert status == 403
    assert body["ErrorInformation"]["code"] == 2001101
    assert "licens" in body["ErrorInformation"]["message"]
    assert get(sb, "/customers")[0] == 200
    other = make_sandbox(missing_scopes={"salary"}, licence_status=400, pascal_errors=True)
    status, body = get(other, "/salarytransactions")
    assert status == 400
    assert body["ErrorInformation"]["Code"] == 2001101
