"""Stable orders for resumable reads: `sortby`/`sortorder` on every list that takes them, with
`lastmodified`, paging and `fromdate`/`todate`; key orders and date windows of large collections
without a scan of the collection."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from fortnox_sandbox.http.listing import sort_key
from fortnox_sandbox.model.clock import local
from fortnox_sandbox.model.resources import RESOURCES
from tests.sandbox.helpers import get

SORTED = [(name, value) for name, res in RESOURCES.items() for value in res.sort]


def _items(sb, resource: str, **params) -> list[dict]:
    status, body = get(sb, f"/{resource}", limit=500, **params)
    assert status == 200, body
    return body[RESOURCES[resource].selector]


def _urls(records: list[dict]) -> list[str]:
    return [r["@url"] for r in records]


def _year(resource: str) -> dict:
    return {"financialyear": 3} if RESOURCES[resource].per_year else {}


@pytest.mark.parametrize(("resource", "sortby"), SORTED, ids=[f"{r}-{s}" for r, s in SORTED])
def test_every_sortby_value_orders_like_the_records_sorted_by_its_field(sandbox, resource, sortby):
    res = RESOURCES[resource]
    records = sandbox.expected(resource)
    if res.per_year:
        records = [r for r in records if r["Year"] == 3]
    assert len(records) > 1
    field = res.sort[sortby]
    # Ties keep the collection's own (position) order, ascending and descending alike.
    wanted = [r["@url"] for r in sorted(records, key=lambda r: sort_key(r.get(field)))]
    asc = _items(sandbox, resource, sortby=sortby.upper(), **_year(resource))
    desc = _items(sandbox, resource, sortby=sortby, sortorder="descending", **_year(resource))
    assert _urls(asc) == wanted
    assert _urls(desc) == wanted[::-1]


def test_sortby_is_refused_where_fortnox_has_no_such_order(sandbox):
    assert get(sandbox, "/invoices", sortby="nonsense")[0] == 400
    assert get(sandbox, "/employees", sortby="employeeid")[0] == 400
    assert get(sandbox, "/currencies", sortby="code")[0] == 400


def test_key_order_with_lastmodified_and_pages_is_stable_under_changes(make_sandbox):
    sb = make_sandbox(seed=21)
    sb.set_now(datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc))
    touched = sb.touch("invoices", 7)
    since = f"{local(sb.clock.now()):%Y-%m-%d %H:%M}"
    query = {"lastmodified": since, "sortby": "documentnumber", "sortorder": "descending"}
    pages = [get(sb, "/invoices", limit=3, page=p, **query)[1] for p in (1, 2, 3)]
    assert [p["MetaInformation"]["@TotalResources"] for p in pages] == [7, 7, 7]
    seen = [i["DocumentNumber"] for p in pages for i in p["Invoices"]]
    assert seen == sorted(touched, key=int, reverse=True)
    # A later change moves nothing: touched records keep their place, new ones come last.
    before = _urls(_items(sb, "invoices", sortby="documentnumber"))
    sb.set_now(datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc))
    sb.touch("invoices", 5)
    (created,) = sb.touch("invoices", 1, create=True)
    after = _urls(_items(sb, "invoices", sortby="documentnumber"))
    assert after[:-1] == before
    assert after[-1].endswith(f"/invoices/{created}")


@pytest.mark.parametrize(
    ("resource", "field"),
    [
        ("invoices", "InvoiceDate"),
        ("orders", "OrderDate"),
        ("offers", "OfferDate"),
        ("vouchers", "TransactionDate"),
    ],
)
def test_fromdate_and_todate_select_the_document_dates(make_sandbox, resource, field):
    sb = make_sandbox(seed=22)
    low, high = date(2025, 2, 10), date(2025, 8, 20)
    sb.set_now(datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc))
    sb.touch(resource, 3, year=3 if resource == "vouchers" else None)  # overlaid records too
    records = [
        r for r in sb.expected(resource) if not RESOURCES[resource].per_year or r["Year"] == 3
    ]
    inside = [r["@url"] for r in records if low.isoformat() <= r[field] <= high.isoformat()]
    assert 0 < len(inside) < len(records)
    window = {"fromdate": low.isoformat(), "todate": high.isoformat(), **_year(resource)}
    assert _urls(_items(sb, resource, **window)) == inside
    after = [r["@url"] for r in records if r[field] >= low.isoformat()]
    assert _urls(_items(sb, resource, fromdate=low.isoformat(), **_year(resource))) == after
    since = f"{local(sb.clock.now()):%Y-%m-%d %H:%M}"
    changed = _items(sb, resource, lastmodified=since, **window)
    assert {r["@url"] for r in changed} <= set(inside)
    assert get(sb, f"/{resource}", fromdate="someday")[0] == 400


def test_a_created_voucher_sorts_in_its_series(make_sandbox):
    sb = make_sandbox(seed=23)
    (created,) = sb.touch("vouchers", 1, create=True, year=4)
    assert created.startswith("A/")
    keys = [
        f"{v['VoucherSeries']}/{v['VoucherNumber']}"
        for v in _items(sb, "vouchers", financialyear=4, sortby="vouchernumber")
    ]
    series_a = [k for k in keys if k.startswith("A/")]
    assert keys[: len(series_a)] == series_a
    assert series_a[-1] == created
    assert [int(k.split("/")[1]) for k in series_a] == list(range(1, len(series_a) + 1))


class _Builds:
    """Counts the records a source builds (what a scan of the collection would do)."""

    def __init__(self, monkeypatch, source) -> None:
        self.count = 0
        build = source.build

        def counted(pos: int):
            self.count += 1
            return build(pos)

        monkeypatch.setattr(source, "build", counted)


def test_large_key_orders_date_windows_and_series_need_no_scan(make_sandbox, monkeypatch):
    sb = make_sandbox(scale="large", rate_limit=False)
    tenant = sb.tenants[sb.tenant_ids[0]]
    invoices = _Builds(monkeypatch, tenant.invoices)
    total = get(sb, "/invoices", limit=1)[1]["MetaInformation"]["@TotalResources"]
    invoices.count = 0
    body = get(sb, "/invoices", limit=50, page=3, sortby="documentnumber", sortorder="descending")[
        1
    ]
    assert [i["DocumentNumber"] for i in body["Invoices"]] == [
        str(n) for n in range(total - 100, total - 150, -1)
    ]
    body = get(sb, "/invoices", limit=50, fromdate="2025-03-01", todate="2025-03-31")[1]
    assert {i["InvoiceDate"][:7] for i in body["Invoices"]} == {"2025-03"}
    assert 1_000 < body["MetaInformation"]["@TotalResources"] < total // 10
    assert invoices.count <= 100  # the pages' own records, nothing else
    vouchers = _Builds(monkeypatch, tenant.collection("vouchers", 3).source)
    body = get(sb, "/vouchers/sublist/D", limit=20, financialyear=3, sortby="vouchernumber")[1]
    assert [v["VoucherNumber"] for v in body["Vouchers"]] == list(range(1, 21))
    assert {v["VoucherSeries"] for v in body["Vouchers"]} == {"D"}
    since = sb.as_of - timedelta(days=30)
    body = get(sb, "/vouchers", limit=20, financialyear=4, fromdate=since.isoformat())[1]
    assert body["Vouchers"]
    assert all(v["TransactionDate"] >= since.isoformat() for v in body["Vouchers"])
    assert vouchers.count <= 20
