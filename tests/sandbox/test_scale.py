"""Scale large: lazy generation, more than a million records, fast deep pages."""

from __future__ import annotations

import time
from datetime import date

from fortnox_sandbox import Sandbox
from fortnox_sandbox.resources import RESOURCES
from tests.sandbox.helpers import get


def test_large_starts_in_seconds_and_holds_over_a_million_records(make_sandbox):
    started = time.monotonic()
    sb = make_sandbox(scale="large", rate_limit=False)
    assert time.monotonic() - started < 3
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
    assert time.monotonic() - started < 20


def test_large_deep_pages_and_lastmodified_are_index_arithmetic(make_sandbox):
    # A fixed end of data: on the 1st of a month "since the month began" would select nothing.
    sb = make_sandbox(scale="large", rate_limit=False, as_of=date(2025, 6, 15))
    meta = get(sb, "/invoices", limit=500)[1]["MetaInformation"]
    assert meta["@TotalResources"] >= 200_000
    started = time.monotonic()
    status, body = get(sb, "/invoices", limit=500, page=meta["@TotalPages"] - 3)
    assert status == 200
    assert len(body["Invoices"]) == 500
    assert body["Invoices"][0]["DocumentNumber"] == str((meta["@TotalPages"] - 4) * 500 + 1)
    recent = get(sb, "/invoices", lastmodified=f"{sb.as_of.replace(day=1)} 00:00", limit=10)[1]
    assert 0 < recent["MetaInformation"]["@TotalResources"] < meta["@TotalResources"]
    assert time.monotonic() - started < 5


def test_small_scale_size():
    sb = Sandbox(scale="small")
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
