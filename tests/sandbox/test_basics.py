"""Smoke tests: the server starts, authenticates and serves list and detail bodies."""

from __future__ import annotations

from tests.sandbox.helpers import get, token_request


def test_client_credentials_token_works_for_the_api(sandbox):
    status, body = token_request(
        sandbox, {"grant_type": "client_credentials"}, tenant=sandbox.tenant_ids[0]
    )
    assert status == 200
    assert body["token_type"] == "bearer"
    assert "refresh_token" not in body
    status, info = get(sandbox, "/companyinformation", token=body["access_token"])
    assert status == 200
    assert info["CompanyInformation"]["DatabaseNumber"] == int(sandbox.tenant_ids[0])


def test_list_and_detail_of_customers_invoices_currencies(sandbox):
    for path, selector, item in (
        ("/customers", "Customers", "Customer"),
        ("/invoices", "Invoices", "Invoice"),
        ("/currencies", "Currencies", "Currency"),
    ):
        status, body = get(sandbox, path, limit=3)
        assert status == 200, body
        assert body["MetaInformation"]["@TotalResources"] > 0
        first = body[selector][0]
        status, detail = get(sandbox, first["@url"][len(sandbox.api_url) :])
        assert status == 200
        assert set(first) - {"@url"} <= set(detail[item]) | {"Phone"}
