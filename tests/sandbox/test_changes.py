"""Changes a warehouse must follow: deleted records, rows removed from and added to documents
that can still be edited, and fields the schema lacks; in-process and over /_sandbox/."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from fortnox_sandbox.model.clock import local
from fortnox_sandbox.model.resources import RESOURCES
from tests.sandbox.helpers import get, request
from tests.sandbox.sums import check_sales_document, check_supplier_invoice

NOW = datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc)  # after the data's end (SANDBOX_AS_OF)
# What a user can delete in Fortnox (per-year accounts: in financial year 3).
DELETABLE = [
    "customers",
    "suppliers",
    "articles",
    "projects",
    "costcenters",
    "currencies",
    "accounts",
    "pricelists",
    "units",
    "labels",
    "termsofpayments",
    "termsofdeliveries",
    "wayofdeliveries",
    "modesofpayments",
    "invoicepayments",
    "supplierinvoicepayments",
    "orders",
    "offers",
    "contracts",
]
ROWS = {
    "invoices": "InvoiceRows",
    "orders": "OrderRows",
    "offers": "OfferRows",
    "contracts": "InvoiceRows",
    "supplierinvoices": "SupplierInvoiceRows",
}
KEYS = {
    "invoices": "DocumentNumber",
    "orders": "DocumentNumber",
    "offers": "DocumentNumber",
    "contracts": "DocumentNumber",
    "supplierinvoices": "GivenNumber",
}


def _control(sb, action: str, **args):
    data = json.dumps(args).encode()
    status, body, _ = request(f"{sb.base_url}/_sandbox/{action}", method="POST", data=data)
    return status, body


def _year(resource: str) -> dict:
    return {"financialyear": 3} if RESOURCES[resource].per_year else {}


def _total(sb, resource: str) -> int:
    status, body = get(sb, f"/{resource}", limit=500, **_year(resource))
    assert status == 200, body
    meta = body.get("MetaInformation")
    return meta["@TotalResources"] if meta else len(body[RESOURCES[resource].selector])


def _changed_since(sb, resource: str, when: datetime) -> set[str]:
    since = f"{local(when.timestamp()):%Y-%m-%d %H:%M}"
    status, body = get(sb, f"/{resource}", lastmodified=since, limit=500)
    assert status == 200, body
    return {item[KEYS[resource]] for item in body[RESOURCES[resource].selector]}


def _document(sb, resource: str, key: str) -> dict:
    status, body = get(sb, f"/{resource}/{key}")
    assert status == 200, body
    return body[RESOURCES[resource].item]


def _check(resource: str, doc: dict) -> None:
    if resource == "supplierinvoices":
        check_supplier_invoice(doc)
    else:
        check_sales_document(doc, ROWS[resource])


def _cost_rows(resource: str, doc: dict) -> list[dict]:
    """The rows remove_rows takes from: a supplier invoice's cost rows, else every row."""
    rows = doc[ROWS[resource]]
    return [r for r in rows if not r["Code"]] if resource == "supplierinvoices" else rows


# -- deletes


@pytest.mark.parametrize("resource", DELETABLE)
def test_deleted_records_leave_lists_details_and_expected(make_sandbox, resource):
    sb = make_sandbox(seed=31)
    year = 3 if RESOURCES[resource].per_year else None
    before = _total(sb, resource)
    gone = sb.delete(resource, 2, year=year)
    assert len(set(gone)) == 2
    assert _total(sb, resource) == before - 2
    for key in gone:
        assert get(sb, f"/{resource}/{key}", **_year(resource))[0] == 404
    left = sb.expected(resource)
    if year:
        left = [r for r in left if r["Year"] == year]
    assert len(left) == before - 2
    # By key: exactly that record, and only once.
    listed = get(sb, f"/{resource}", limit=500, **_year(resource))[1][RESOURCES[resource].selector]
    chosen = next(str(item[RESOURCES[resource].key]) for item in listed)
    assert sb.delete(resource, keys=[chosen], year=year) == [chosen]
    assert _total(sb, resource) == before - 3
    with pytest.raises(ValueError, match="no record"):
        sb.delete(resource, keys=[chosen], year=year)


def test_delete_over_http_by_key_and_refusals(make_sandbox):
    sb = make_sandbox(seed=32)
    status, body = _control(sb, "delete", resource="invoicepayments", keys=["3", "5"])
    assert (status, body) == (200, {"keys": ["3", "5"]})
    assert [get(sb, f"/invoicepayments/{n}")[0] for n in (3, 4, 5)] == [404, 200, 404]
    assert _control(sb, "delete", resource="invoicepayments", keys=["3"])[0] == 400
    assert _control(sb, "delete", resource="nonsense", count=1)[0] == 400
    status, body = _control(sb, "delete", resource="accounts", keys=["1930"], year=2)
    assert (status, body) == (200, {"keys": ["1930"]})
    assert get(sb, "/accounts/1930", financialyear=2)[0] == 404
    assert get(sb, "/accounts/1930", financialyear=3)[0] == 200


# -- document rows


@pytest.mark.parametrize("resource", list(ROWS))
def test_removed_rows_leave_the_document_summed_again_and_modified(make_sandbox, resource):
    sb = make_sandbox(seed=33)
    before = {d["@url"].rsplit("/", 1)[1]: d for d in sb.expected(resource)}
    sb.set_now(NOW)
    keys = sb.remove_rows(resource, count=1, rows=1)
    assert len(keys) == 1
    more = sb.remove_rows(resource, count=2, rows=1, keys=None)
    keys += more
    assert len(keys) == 3 or resource in ("invoices", "supplierinvoices")
    for key in dict.fromkeys(keys):
        old, new = before[key], _document(sb, resource, key)
        assert not new.get("Booked")
        removed = keys.count(key)
        assert _cost_rows(resource, new) == _cost_rows(resource, old)[:-removed]
        _check(resource, new)
        assert new == next(d for d in sb.expected(resource) if d["@url"] == new["@url"])
        if resource != "supplierinvoices":
            assert new["Total"] != old["Total"] or not old[ROWS[resource]][-1]["Total"]
    assert _changed_since(sb, resource, NOW) == set(keys)
    assert _changed_since(sb, resource, NOW + timedelta(minutes=1)) == set()


@pytest.mark.parametrize("resource", list(ROWS))
def test_added_rows_get_new_ids_and_the_totals_follow(make_sandbox, resource):
    sb = make_sandbox(seed=34)
    sb.set_now(NOW)
    (key,) = sb.add_rows(resource, count=1, rows=2)
    doc = _document(sb, resource, key)
    _check(resource, doc)
    sb.remove_rows(resource, keys=[key], rows=1)
    (again,) = sb.add_rows(resource, keys=[key], rows=1)
    assert again == key
    doc = _document(sb, resource, key)
    _check(resource, doc)
    if resource != "supplierinvoices":
        ids = [r["RowId"] for r in doc[ROWS[resource]]]
        assert len(set(ids)) == len(ids)
        assert ids[-1] > ids[-2]  # never the id of the row removed before
    assert _changed_since(sb, resource, NOW) == {key}


def test_only_documents_that_can_be_edited_lose_rows(make_sandbox):
    sb = make_sandbox(seed=35)
    invoices = sb.expected("invoices")
    booked = next(i["DocumentNumber"] for i in invoices if i["Booked"])
    with pytest.raises(ValueError, match="booked"):
        sb.remove_rows("invoices", keys=[booked])
    drafts = {
        i["DocumentNumber"] for i in invoices if not i["Booked"] and len(i["InvoiceRows"]) > 1
    }
    assert drafts
    # Asked for more than there are: every draft with rows to spare, and no other invoice.
    assert set(sb.remove_rows("invoices", count=len(invoices))) == drafts
    invoiced = next(o["DocumentNumber"] for o in sb.expected("orders") if o["InvoiceReference"])
    with pytest.raises(ValueError, match="invoiced"):
        sb.add_rows("orders", keys=[invoiced])
    single = next(o["DocumentNumber"] for o in sb.expected("offers") if len(o["OfferRows"]) == 1)
    with pytest.raises(ValueError, match="1 row"):
        sb.remove_rows("offers", keys=[single])
    assert len(_document(sb, "offers", single)["OfferRows"]) == 1
    with pytest.raises(ValueError, match="no document rows"):
        sb.remove_rows("customers")
    with pytest.raises(ValueError, match="at least 1"):
        sb.add_rows("orders", rows=0)


def test_row_controls_over_http(make_sandbox):
    sb = make_sandbox(seed=36)
    status, body = _control(sb, "remove_rows", resource="orders", count=2, rows=1)
    assert status == 200
    assert len(body["keys"]) == 2
    status, body = _control(sb, "add_rows", resource="offers", keys=["3"], rows=2)
    assert (status, body) == (200, {"keys": ["3"]})
    booked = next(i["DocumentNumber"] for i in sb.expected("invoices") if i["Booked"])
    status, body = _control(sb, "remove_rows", resource="invoices", keys=[booked])
    assert status == 400
    assert "booked" in body["error"]


# -- fields the schema lacks


def test_an_added_detail_field_is_in_every_detail_and_modifies_every_record(make_sandbox):
    sb = make_sandbox(seed=37)
    sb.set_now(NOW)
    total = _total(sb, "customers")
    assert sb.add_field("customers", "LoyaltyTier", {"Level": 2}) == total
    items = get(sb, "/customers", limit=500)[1]["Customers"]
    assert items
    assert not any("LoyaltyTier" in item for item in items)
    assert _document(sb, "customers", items[0]["CustomerNumber"])["LoyaltyTier"] == {"Level": 2}
    assert all(c["LoyaltyTier"] == {"Level": 2} for c in sb.expected("customers"))
    since = f"{local(NOW.timestamp()):%Y-%m-%d %H:%M}"
    changed = get(sb, "/customers", lastmodified=since, limit=1)[1]["MetaInformation"]
    assert changed["@TotalResources"] == total
    later = f"{local(NOW.timestamp() + 60):%Y-%m-%d %H:%M}"
    assert get(sb, "/customers", lastmodified=later)[1]["Customers"] == []
    sb.set_now(NOW + timedelta(hours=1))
    (touched,) = sb.touch("customers", 1)
    assert _document(sb, "customers", touched)["LoyaltyTier"] == {"Level": 2}
    with pytest.raises(ValueError, match="already has"):
        sb.add_field("customers", "Name", "x")


def test_list_and_both_fields_and_every_financial_year(make_sandbox):
    sb = make_sandbox(seed=38)
    sb.add_field("invoices", "ListOnly", 1, where="list")
    item = get(sb, "/invoices", limit=1)[1]["Invoices"][0]
    assert item["ListOnly"] == 1
    assert "ListOnly" not in _document(sb, "invoices", item["DocumentNumber"])
    sb.add_field("accounts", "Both", "yes", where="both")
    for year in (1, 4):
        listed = get(sb, "/accounts", financialyear=year, limit=1)[1]["Accounts"][0]
        assert listed["Both"] == "yes"
        detail = get(sb, f"/accounts/{listed['Number']}", financialyear=year)[1]["Account"]
        assert detail["Both"] == "yes"
    new = sb.add_financial_year()
    opened = get(sb, "/accounts", financialyear=new, limit=1)[1]["Accounts"][0]
    assert opened["Both"] == "yes"
    with pytest.raises(ValueError, match="where"):
        sb.add_field("accounts", "Other", 1, where="somewhere")


def test_add_field_over_http(make_sandbox):
    sb = make_sandbox(seed=39)
    status, body = _control(sb, "add_field", resource="units", name="Extra", value=[1, 2])
    assert (status, body) == (200, {"records": len(sb.expected("units"))})
    assert get(sb, "/units/st")[1]["Unit"]["Extra"] == [1, 2]
    assert _control(sb, "add_field", resource="units", name="Code", value=1)[0] == 400
