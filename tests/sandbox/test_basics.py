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


def test_a_client_gone_mid_request_prints_no_traceback_but_a_real_error_does(sandbox, capsys):
    server = sandbox._server
    try:
        raise ConnectionResetError(104, "Connection reset by peer")  # a killed tap
    except ConnectionResetError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert capsys.readouterr().err == ""
    try:
        raise ValueError("a bug in the sandbox")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert "ValueError: a bug in the sandbox" in capsys.readouterr().err
