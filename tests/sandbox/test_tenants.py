"""Many companies: tenants built on first use, a rate limit of their own, consent revoked and
given again (in-process and over /_sandbox/)."""

from __future__ import annotations

import json

from tests.sandbox.fake_clock import FakeMonotonic
from tests.sandbox.helpers import get, request, token_request

CLIENT_CREDENTIALS = {"grant_type": "client_credentials"}


def _token(sb, tenant: str) -> tuple[int, dict]:
    return token_request(sb, CLIENT_CREDENTIALS, tenant=tenant)


def _refresh(sb, token: str) -> tuple[int, dict]:
    return token_request(sb, {"grant_type": "refresh_token", "refresh_token": token})


def test_a_hundred_tenants_are_built_as_they_are_used(make_sandbox):
    sb = make_sandbox(tenants=100)
    assert len(sb.tenant_ids) == len(set(sb.tenant_ids)) == 100
    assert sb.tenants.built() == 0
    for tenant in sb.tenant_ids[::25]:
        status, body = get(sb, "/companyinformation", token=sb.new_access_token(tenant))
        assert status == 200
        assert body["CompanyInformation"]["DatabaseNumber"] == int(tenant)
    assert sb.tenants.built() == 4
    assert "1" not in sb.tenants
    # Tenants share the sandbox's bounded caches; none keeps a cache of its own.
    assert {t.ctx.memo for t in (sb.tenants[i] for i in sb.tenant_ids[:3])} == {sb.memo}


def test_each_tenant_has_its_own_rate_limit(make_sandbox):
    sb = make_sandbox(
        tenants=20, rate_limit=True, rate_limit_requests=2, rate_limit_clock=FakeMonotonic()
    )
    tokens = {tenant: sb.new_access_token(tenant) for tenant in sb.tenant_ids}
    first = sb.tenant_ids[0]
    assert [get(sb, "/units", token=tokens[first])[0] for _ in range(3)] == [200, 200, 429]
    for tenant in sb.tenant_ids[1:]:
        assert [get(sb, "/units", token=tokens[tenant])[0] for _ in range(2)] == [200, 200]
    assert sb.counters()["429"] == 1


def test_a_revoked_consent_ends_that_tenants_tokens_only(make_sandbox):
    sb = make_sandbox(tenants=3)
    gone, other, _ = sb.tenant_ids
    status, body = _token(sb, gone)
    assert status == 200
    access = body["access_token"]
    refresh = sb.new_refresh_token(gone)
    other_access = sb.new_access_token(other)

    sb.revoke_consent(gone)

    status, body = _token(sb, gone)
    assert status == 400
    assert body["error"] == "invalid_request"
    assert body["error_description"]
    assert _refresh(sb, refresh) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid refresh token"},
    )
    status, body = get(sb, "/invoices", token=access)
    assert status == 401
    assert body["ErrorInformation"]["code"] == 2000310
    assert get(sb, "/invoices", token=sb.new_access_token(gone))[0] == 401
    assert get(sb, "/invoices", token=other_access)[0] == 200
    assert _token(sb, other)[0] == 200
    assert _refresh(sb, sb.new_refresh_token(other))[0] == 200

    sb.restore_consent(gone)

    status, body = _token(sb, gone)
    assert status == 200
    assert get(sb, "/invoices", token=body["access_token"])[0] == 200
    assert get(sb, "/invoices", token=access)[0] == 401  # tokens from before stay revoked
    assert _refresh(sb, refresh)[0] == 400
    assert _refresh(sb, sb.new_refresh_token(gone))[0] == 200


def test_consent_controls_over_http(make_sandbox):
    sb = make_sandbox(tenants=2)
    tenant = sb.tenant_ids[1]

    def control(action: str, **args):
        data = json.dumps(args).encode()
        status, body, _ = request(f"{sb.base_url}/_sandbox/{action}", method="POST", data=data)
        return status, body

    assert control("revoke_consent", tenant_id=tenant) == (
        200,
        {"tenant_id": tenant, "consent": False},
    )
    assert _token(sb, tenant)[0] == 400
    assert _token(sb, sb.tenant_ids[0])[0] == 200
    assert control("restore_consent", tenant_id=tenant)[1]["consent"] is True
    assert _token(sb, tenant)[0] == 200
    assert control("revoke_consent")[0] == 400
    assert control("revoke_consent", tenant_id="42")[0] == 400
