"""Paging arithmetic, limits, sorting and the registers that ignore paging."""

from __future__ import annotations

from datetime import timedelta

from fortnox_sandbox.model.clock import local
from tests.sandbox.helpers import get


def _five_changed(make_sandbox):
    sb = make_sandbox(seed=3)
    keys = sb.touch("customers", 5)
    since = local(sb.clock.now()) - timedelta(minutes=1)
    return sb, keys, f"{since:%Y-%m-%d %H:%M}"


def test_five_records_with_limit_two_make_three_pages(make_sandbox):
    sb, keys, since = _five_changed(make_sandbox)
    seen = []
    for page in (1, 2, 3):
        status, body = get(sb, "/customers", lastmodified=since, limit=2, page=page)
        assert status == 200
        meta = body["MetaInformation"]
        assert meta == {"@TotalResources": 5, "@TotalPages": 3, "@CurrentPage": page}
        assert len(body["Customers"]) == (1 if page == 3 else 2)
        seen += [c["CustomerNumber"] for c in body["Customers"]]
    assert sorted(seen, key=int) == sorted(keys, key=int)
    status, body = get(sb, "/customers", lastmodified=since, limit=2, page=4)
    assert status == 200
    assert body["Customers"] == []


def test_default_limit_is_100_and_pages_cover_everything(sandbox):
    _status, body = get(sandbox, "/invoices")
    total = body["MetaInformation"]["@TotalResources"]
    assert len(body["Invoices"]) == min(100, total)
    assert body["MetaInformation"]["@TotalPages"] == -(-total // 100)
    numbers = []
    for page in range(1, -(-total // 40) + 1):
        numbers += [
            i["DocumentNumber"]
            for i in get(sandbox, "/invoices", limit=40, page=page)[1]["Invoices"]
        ]
    assert numbers == [str(n) for n in range(1, total + 1)]


def test_limit_above_500_is_an_error_and_500_is_fine(sandbox):
    status, body = get(sandbox, "/invoices", limit=501)
    assert status == 400
    assert body["ErrorInformation"]["code"] == 2000588
    assert get(sandbox, "/invoices", limit=500)[0] == 200
    for bad in ("0", "x", "-1"):
        assert get(sandbox, "/invoices", limit=bad)[0] == 400


def test_empty_result_has_zero_pages(sandbox):
    status, body = get(sandbox, "/customers", lastmodified="2999-01-01 00:00")
    assert status == 200
    assert body["MetaInformation"] == {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1}
    assert body["Customers"] == []


def test_sortorder_and_sortby(sandbox):
    asc = get(sandbox, "/invoices", limit=500)[1]["Invoices"]
    desc = get(sandbox, "/invoices", limit=500, sortorder="descending")[1]["Invoices"]
    assert desc == asc[::-1]
    by_total = get(sandbox, "/invoices", limit=500, sortby="total")[1]["Invoices"]
    assert [i["Total"] for i in by_total] == sorted(i["Total"] for i in asc)
    by_name = get(sandbox, "/customers", limit=500, sortby="name", sortorder="descending")[1][
        "Customers"
    ]
    names = [c["Name"].lower() for c in by_name]
    assert names == sorted(names, reverse=True)
    assert get(sandbox, "/invoices", sortby="nonsense")[0] == 400
    assert get(sandbox, "/invoices", sortorder="sideways")[0] == 400


def test_descending_pages_are_the_ascending_ones_reversed(sandbox):
    total = get(sandbox, "/invoices", limit=1)[1]["MetaInformation"]["@TotalResources"]
    last_page = get(sandbox, "/invoices", limit=7, sortorder="descending", page=-(-total // 7))[1][
        "Invoices"
    ]
    first_asc = get(sandbox, "/invoices", limit=total % 7 or 7)[1]["Invoices"]
    assert last_page == first_asc[::-1]


def test_offset_skips_records(sandbox):
    base = get(sandbox, "/customers", limit=10)[1]["Customers"]
    shifted = get(sandbox, "/customers", limit=5, offset=3)[1]["Customers"]
    assert shifted == base[3:8]


def test_registers_without_meta_information_ignore_limit(sandbox):
    for path, selector in (
        ("/termsofdeliveries", "TermsOfDeliveries"),
        ("/labels", "Labels"),
        ("/predefinedaccounts", "PreDefinedAccounts"),
        ("/predefinedvoucherseries", "PreDefinedVoucherSeriesCollection"),
        ("/accountcharts", "AccountCharts"),
        ("/printtemplates", "PrintTemplates"),
    ):
        status, body = get(sandbox, path, limit=2)
        assert status == 200
        assert "MetaInformation" not in body
        assert len(body[selector]) > 2, path


def test_filters_and_searches(sandbox):
    unpaid = get(sandbox, "/invoices", filter="unpaid", limit=500)[1]["Invoices"]
    assert unpaid
    assert all(i["Balance"] > 0 for i in unpaid)
    paid = get(sandbox, "/invoices", filter="fullypaid", limit=500)[1]
    total = get(sandbox, "/invoices", limit=1)[1]["MetaInformation"]["@TotalResources"]
    assert len(unpaid) + paid["MetaInformation"]["@TotalResources"] == total
    one = get(sandbox, "/invoicepayments", invoicenumber="3")[1]["InvoicePayments"]
    assert [p["InvoiceNumber"] for p in one] == [3]
    dated = get(sandbox, "/invoices", fromdate="2024-01-01", todate="2024-03-31", limit=500)[1][
        "Invoices"
    ]
    assert dated
    assert all("2024-01-01" <= i["InvoiceDate"] <= "2024-03-31" for i in dated)
    assert get(sandbox, "/invoices", filter="bogus")[0] == 400
