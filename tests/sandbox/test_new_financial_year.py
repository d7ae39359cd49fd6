"""Opening the next financial year between syncs: `sb.add_financial_year` and its HTTP control."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

from fortnox_sandbox import Sandbox
from tests.sandbox.helpers import get, request

AS_OF = date(2025, 6, 1)
PER_YEAR = ("accounts", "voucherseries", "vouchers")


def _listing(sb, resource: str, **params) -> list[dict]:
    status, body = get(sb, f"/{resource}", limit=500, **params)
    assert status == 200, body
    return next(v for k, v in body.items() if k != "MetaInformation")


def _year_lists(sb, years: list[int]) -> dict[tuple[str, int], list[dict]]:
    return {
        (resource, year): _listing(sb, resource, financialyear=year)
        for resource in PER_YEAR
        for year in years
    }


def _without_urls(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "@url"} for r in rows]


def test_a_new_year_is_listed_with_accounts_series_and_balanced_vouchers(make_sandbox):
    sb = make_sandbox(seed=41, as_of=AS_OF, rate_limit=False)
    old_years = _listing(sb, "financialyears")
    years = [y["Id"] for y in old_years]
    before = _year_lists(sb, years)  # also fills the sandbox's page caches
    sb.set_now(datetime(2025, 6, 1, 10, 0, tzinfo=timezone.utc))

    new = sb.add_financial_year(vouchers=3)

    assert new == years[-1] + 1
    listed = _listing(sb, "financialyears")
    assert listed[:-1] == old_years
    assert {k: listed[-1][k] for k in ("Id", "FromDate", "ToDate")} == {
        "Id": new,
        "FromDate": "2026-01-01",
        "ToDate": "2026-12-31",
    }
    assert listed[-1]["AccountChartType"] == "BAS 2026"
    assert get(sb, f"/financialyears/{new}")[1]["FinancialYear"] == listed[-1]
    # Only the new year is modified since before its opening.
    changed = _listing(sb, "financialyears", lastmodified="2025-06-01 11:59")
    assert [y["Id"] for y in changed] == [new]
    assert _listing(sb, "financialyears", lastmodified="2025-06-01 12:01") == []

    accounts = _listing(sb, "accounts", financialyear=new)
    assert [a["Number"] for a in accounts] == [a["Number"] for a in before[("accounts", years[-1])]]
    assert {a["Year"] for a in accounts} == {new}
    # The new year brings forward what the last year carries forward.
    for number in (1510, 1930, 2440):
        old = get(sb, f"/accounts/{number}", financialyear=years[-1])[1]["Account"]
        opened = get(sb, f"/accounts/{number}", financialyear=new)[1]["Account"]
        assert opened["BalanceBroughtForward"] == old["BalanceCarriedForward"]

    series = _listing(sb, "voucherseries", financialyear=new)
    assert [s["Code"] for s in series] == [s["Code"] for s in before[("voucherseries", years[-1])]]
    a_series = get(sb, "/voucherseries/A", financialyear=new)[1]["VoucherSeries"]
    assert a_series["NextVoucherNumber"] == 4
    assert (
        get(sb, "/voucherseries/B", financialyear=new)[1]["VoucherSeries"]["NextVoucherNumber"] == 1
    )

    vouchers = _listing(sb, "vouchers", financialyear=new)
    assert [(v["VoucherSeries"], v["VoucherNumber"]) for v in vouchers] == [
        ("A", 1),
        ("A", 2),
        ("A", 3),
    ]
    assert [
        v["VoucherNumber"]
        for v in _listing(sb, "vouchers", financialyear=new, lastmodified="2025-06-01 11:59")
    ] == [1, 2, 3]
    for v in vouchers:
        detail = get(sb, f"/vouchers/A/{v['VoucherNumber']}", financialyear=new)[1]["Voucher"]
        assert detail["Year"] == new
        assert "2026-01-01" <= detail["TransactionDate"] <= "2026-12-31"
        rows = detail["VoucherRows"]
        assert len(rows) >= 2
        debit = sum(Decimal(str(r["Debit"])) for r in rows)
        assert debit > 0
        assert debit == sum(Decimal(str(r["Credit"])) for r in rows)

    # Every list of the older years is as it was, and none of them changed since the opening.
    assert _year_lists(sb, years) == before
    for year in years:
        assert _listing(sb, "vouchers", financialyear=year, lastmodified="2025-06-01 11:59") == []
    # Vouchers without financialyear are still the current (2025) year's.
    assert _listing(sb, "vouchers") == before[("vouchers", years[-1])]
    # The expected data covers the new year too.
    assert [v["Year"] for v in sb.expected("vouchers")].count(new) == 3
    assert {a["Year"] for a in sb.expected("accounts")} == {*years, new}


def test_a_year_without_vouchers_and_the_year_after_it(make_sandbox):
    sb = make_sandbox(seed=42, as_of=AS_OF, rate_limit=False)
    first = sb.add_financial_year()
    assert _listing(sb, "vouchers", financialyear=first) == []
    assert len(_listing(sb, "accounts", financialyear=first)) > 50
    second = sb.add_financial_year(vouchers=1)
    assert second == first + 1
    assert [y["FromDate"] for y in _listing(sb, "financialyears")][-2:] == [
        "2026-01-01",
        "2027-01-01",
    ]
    assert len(_listing(sb, "vouchers", financialyear=second)) == 1
    balance = get(sb, "/accounts/1930", financialyear=second)[1]["Account"]
    previous = get(sb, "/accounts/1930", financialyear=first)[1]["Account"]
    assert balance["BalanceBroughtForward"] == previous["BalanceCarriedForward"]


def test_opening_a_year_is_deterministic():
    one, two = (Sandbox(seed=43, as_of=AS_OF) for _ in range(2))
    try:
        # Built before the opening in one sandbox, after it in the other: the same accounts.
        one.expected("accounts")
        ids = [sb.add_financial_year(vouchers=4) for sb in (one, two)]
        assert ids[0] == ids[1]
        for resource in ("financialyears", "accounts", "voucherseries", "vouchers"):
            assert _without_urls(one.expected(resource)) == _without_urls(two.expected(resource))
    finally:
        for sb in (one, two):
            sb.stop()


def test_add_financial_year_over_http(make_sandbox):
    sb = make_sandbox(seed=44, tenants=2, as_of=AS_OF, rate_limit=False)
    second_tenant = sb.tenant_ids[1]
    url = f"{sb.base_url}/_sandbox/add_financial_year"
    data = json.dumps({"vouchers": 2, "tenant_id": second_tenant}).encode()
    status, body, _ = request(url, method="POST", data=data)
    assert (status, body) == (200, {"id": 5})
    token = sb.new_access_token(second_tenant)
    vouchers = get(sb, "/vouchers", token=token, financialyear=5)[1]["Vouchers"]
    assert len(vouchers) == 2
    # The first tenant still has four years.
    assert [y["Id"] for y in _listing(sb, "financialyears")] == [1, 2, 3, 4]
    bad = json.dumps({"vouchers": -1}).encode()
    assert request(url, method="POST", data=bad)[0] == 400
    assert request(f"{url}?tenant_id=42", method="POST", data=b"")[0] == 400
