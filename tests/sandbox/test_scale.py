"""Scale large: lazy generation, more than a million records, deep pages by index arithmetic.
(How fast: `python -m fortnox_sandbox.bench` prints the start-up and deep-page times.)"""

from __future__ import annotations

from datetime import timedelta

from fortnox_sandbox import Sandbox
from fortnox_sandbox.clock import day_start
from fortnox_sandbox.resources import RESOURCES
from tests.conftest import SANDBOX_AS_OF
from tests.sandbox.helpers import get


def test_large_holds_over_a_million_records(make_sandbox):
    sb = make_sandbox(scale="large", rate_limit=False)
    # The accounts' balances sum every generated voucher of their year and the years before
    # (fortnox_sandbox.yearend): tens of seconds at this scale, done once, before the requests.
    tenant = sb.tenants[sb.tenant_ids[0]]
    tenant.ledgers.books.year(tenant.ctx.years[-1])
    total = 0
    for name, res in RESOURCES.items():
        years = range(1, 5) if res.per_year else [None]
        for year in years:
            params = {"limit": 1} if year is None else {"limit": 1, "financialyear": year}
            status, body = get(sb, f"/{name}", **params)
            assert status == 200, name
            meta = body.get("MetaInformation")
            total += meta["@TotalResources"] if meta else len(body[res.selector])
    assert total >= 1_000_000
    assert total == sb.total_resources()


def test_large_deep_pages_and_lastmodified_are_index_arithmetic(make_sandbox):
    sb = make_sandbox(scale="large", rate_limit=False)  # a fixed as_of (tests/conftest.py)
    meta = get(sb, "/invoices", limit=500)[1]["MetaInformation"]
    assert meta["@TotalResources"] >= 200_000
    status, body = get(sb, "/invoices", limit=500, page=meta["@TotalPages"] - 3)
    assert status == 200
    assert len(body["Invoices"]) == 500
    assert body["Invoices"][0]["DocumentNumber"] == str((meta["@TotalPages"] - 4) * 500 + 1)
    # The two weeks before the data's end: the invoices modified since then, and no others.
    since = sb.as_of - timedelta(days=14)
    recent = get(sb, "/invoices", lastmodified=f"{since} 00:00", limit=10)[1]
    count = recent["MetaInformation"]["@TotalResources"]
    assert 0 < count < meta["@TotalResources"]
    source = sb.tenants[sb.tenant_ids[0]].invoices
    first = source.timeline.first_at(day_start(since))
    assert count == meta["@TotalResources"] - first
    assert recent["Invoices"][0]["DocumentNumber"] == str(first + 1)


def test_small_scale_size():
    sb = Sandbox(scale="small", as_of=SANDBOX_AS_OF)
    try:
        records = sb.total_resources()
        rows = sum(
            len(doc[key])
            for resource, key in (
                ("invoices", "InvoiceRows"),
                ("supplierinvoices", "SupplierInvoiceRows"),
                ("orders", "OrderRows"),
                ("offers", "OfferRows"),
                ("vouchers", "VoucherRows"),
            )
            for doc in sb.expected(resource)
        )
        assert 2_000 <= records <= 4_000
        assert 4_000 <= records + rows <= 9_000
    finally:
        sb.stop()
