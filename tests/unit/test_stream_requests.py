"""The base stream against a scripted Fortnox over real HTTP: paging, details, incremental
bookmarks, retries, 401 renewal, skips, the limiter and secret-free errors."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tap_fortnox.errors import FortnoxAPIError
from tap_fortnox.incremental import lastmodified_param
from tap_fortnox.ratelimit import SlidingWindowLimiter
from tests.helpers.tapsync import run_tap
from tests.unit.fake_fortnox import CLIENT_SECRET, TENANT_ID, Resource

UTC = timezone.utc


def add_units(fake, count=3, meta=True):
    items = [{"@url": f"x/{i}", "Code": f"U{i}", "Description": f"Unit {i}"} for i in range(count)]
    return fake.add_list("/3/units", Resource("Units", items, meta=meta))


def add_customers(fake, count=3, lastmodified="filter"):
    items, details = [], {}
    for i in range(1, count + 1):
        number = str(i)
        items.append(
            {
                "@url": f"{fake.api_url}/customers/{number}",
                "CustomerNumber": number,
                "Name": f"Kund {i}",
            }
        )
        details[number] = {
            "CustomerNumber": number,
            "Name": f"Kund {i}",
            "Active": True,
            "InvoiceDiscount": "1.5",  # money as a numeric string
            "SalesAccount": "3001",
            "VATNumber": f"SE55{i}",
            "ShowPriceVATIncluded": False,
            "DefaultDeliveryTypes": {"Invoice": "EMAIL", "Offer": "PRINT", "Order": "PRINT"},
        }
    resource = Resource(
        "Customers", items, "Customer", "CustomerNumber", details, lastmodified=lastmodified
    )
    resource.modified = {str(i): "2024-06-01 00:00" for i in range(1, count + 1)}
    return fake.add_list("/3/customers", resource)


# --- paging -------------------------------------------------------------------------------


def test_pages_until_total_pages_with_limit_500(fake):
    add_units(fake, 1201)
    run = run_tap(fake.config(), ["units"])
    assert len(run.records("units")) == 1201
    pages = [r.query for r in fake.requests if r.path == "/3/units"]
    assert [(p["page"], p["limit"]) for p in pages] == [("1", "500"), ("2", "500"), ("3", "500")]


def test_a_register_without_meta_information_is_one_page(fake):
    add_units(fake, 7, meta=False)
    run = run_tap(fake.config(), ["units"])
    assert len(run.records("units")) == 7
    assert fake.paths().count("/3/units") == 1


def test_empty_register_is_one_request_and_no_records(fake):
    add_units(fake, 0)
    run = run_tap(fake.config(), ["units"])
    assert run.records("units") == []
    assert fake.paths().count("/3/units") == 1


def test_records_are_snake_case_typed_and_carry_tenant_id(fake):
    add_units(fake, 1)
    record = run_tap(fake.config(), ["units"]).records("units")[0]
    assert record == {"tenant_id": TENANT_ID, "code": "U0", "description": "Unit 0", "url": "x/0"}


# --- details ------------------------------------------------------------------------------


def test_customers_emit_full_detail_records(fake):
    add_customers(fake, 3)
    run = run_tap(fake.config(), ["customers"])
    records = sorted(run.records("customers"), key=lambda r: r["customer_number"])
    assert len(records) == 3
    first = records[0]
    assert first["vat_number"] == "SE551"
    assert first["invoice_discount"] == 1.5  # the Decimal, serialised as a JSON number
    assert first["sales_account"] == 3001
    assert first["default_delivery_types"] == {
        "invoice": "EMAIL",
        "offer": "PRINT",
        "order": "PRINT",
    }
    assert first["url"].endswith("/customers/1")  # from the list item, kept
    assert first["tenant_id"] == TENANT_ID
    assert first["sync_started_at"]
    assert fake.paths() == ["/3/customers", "/3/customers/1", "/3/customers/2", "/3/customers/3"]


@pytest.mark.parametrize("switch", [{"fetch_details": False}, {"list_only_streams": ["customers"]}])
def test_detail_fetching_can_be_switched_off(fake, switch):
    add_customers(fake, 3)
    run = run_tap(fake.config(**switch), ["customers"])
    records = run.records("customers")
    assert len(records) == 3
    assert "vat_number" not in records[0]
    assert fake.paths() == ["/3/customers"]


def test_a_document_deleted_between_list_and_detail_is_skipped_with_a_warning(fake, caplog):
    resource = add_customers(fake, 3)
    del resource.details["2"]
    with caplog.at_level(logging.WARNING):
        run = run_tap(fake.config(), ["customers"])
    assert sorted(r["customer_number"] for r in run.records("customers")) == ["1", "3"]
    assert "GET /3/customers/2 failed with HTTP 404" in caplog.text


# --- incremental --------------------------------------------------------------------------


def first_list_query(fake):
    return next(r.query for r in fake.requests if r.method == "GET")


def bookmark(run, stream):
    return run.state["bookmarks"][stream].get("replication_key_value")


def test_first_sync_reads_all_then_bookmark_drives_lastmodified(fake):
    add_customers(fake, 2)
    before = datetime.now(UTC)
    first = run_tap(fake.config(), ["customers"])
    assert "lastmodified" not in first_list_query(fake)
    mark = datetime.fromisoformat(bookmark(first, "customers"))
    assert before <= mark <= datetime.now(UTC)
    assert {r["sync_started_at"] for r in first.records("customers")} == {mark.isoformat()}
    assert "progress_markers" not in first.state["bookmarks"]["customers"]

    fake.requests.clear()
    second = run_tap(fake.config(lookback_minutes=10), ["customers"], state=first.state)
    expected = lastmodified_param(mark, timedelta(minutes=10))
    assert first_list_query(fake)["lastmodified"] == expected
    assert second.records("customers") == []  # nothing modified since
    assert datetime.fromisoformat(bookmark(second, "customers")) > mark  # advanced anyway


def test_start_date_is_read_as_stockholm_time(fake):
    add_customers(fake, 1)
    run_tap(fake.config(start_date="2024-07-01", lookback_minutes=0), ["customers"])
    assert first_list_query(fake)["lastmodified"] == "2024-07-01 00:00"


def test_changed_records_are_found_by_the_next_sync(fake):
    resource = add_customers(fake, 3)
    first = run_tap(fake.config(), ["customers"])
    now_local = datetime.now(UTC).astimezone(timezone(timedelta(hours=1)))
    resource.modified["2"] = (now_local + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    second = run_tap(fake.config(), ["customers"], state=first.state)
    assert [r["customer_number"] for r in second.records("customers")] == ["2"]


def old_customers_state() -> dict:
    """A previous sync's state (a new dict each time: the tap may update it in place):
    customers bookmarked at 2024-05-01 08:00 UTC, 10:00 in Stockholm."""
    return {
        "bookmarks": {
            "customers": {
                "replication_key": "sync_started_at",
                "replication_key_value": "2024-05-01T08:00:00+00:00",
            }
        }
    }


def test_an_interrupted_sync_keeps_the_previous_bookmark(fake):
    add_customers(fake, 3)
    old = old_customers_state()
    fake.fail("/3/customers/2", 500, {"message": "boom"}, times=99)
    with pytest.raises(FortnoxAPIError, match=r"GET /3/customers/2 failed with HTTP 500"):
        run_tap(fake.config(max_retries=2), ["customers"], state=old)
    fake.faults.clear()
    fake.requests.clear()
    run_tap(fake.config(lookback_minutes=0), ["customers"], state=old)
    # Still from the old bookmark: 08:00 UTC is 10:00 in Stockholm in May.
    assert first_list_query(fake)["lastmodified"] == "2024-05-01 10:00"


def test_lastmodified_rejected_falls_back_to_a_full_read(fake, caplog):
    add_customers(fake, 2, lastmodified="reject")
    state = old_customers_state()
    with caplog.at_level(logging.WARNING):
        run = run_tap(fake.config(), ["customers"], state=state)
    assert len(run.records("customers")) == 2
    assert "Fortnox error 2000588" in caplog.text
    assert "reading 'customers' in full" in caplog.text
    lists = [r.query for r in fake.requests if r.path == "/3/customers"]
    assert "lastmodified" in lists[0]
    assert "lastmodified" not in lists[1]
    assert bookmark(run, "customers") > "2024-05-01T08:00:00+00:00"


# --- retries, renewal, skips --------------------------------------------------------------


@pytest.fixture
def sleeps(monkeypatch):
    """Record backoff waits instead of sleeping them."""
    waits: list[float] = []
    monkeypatch.setattr("backoff._sync.time", SimpleNamespace(sleep=waits.append))
    return waits


@pytest.mark.parametrize(
    ("fault", "kw"),
    [
        ("status", {"status": 500, "body": {"message": "oops"}}),
        ("status", {"status": 429, "body": {"message": "Too many"}}),
        (
            "html",
            {
                "status": 503,
                "body": b"<html><title>Down</title></html>",
                "headers": {"Content-Type": "text/html"},
            },
        ),
        (
            "html",
            {
                "status": 200,
                "body": b"<html>maintenance</html>",
                "headers": {"Content-Type": "text/html"},
            },
        ),
        ("truncated", {"status": 200, "body": b'{"Units": [{"Co'}),
        ("drop", {"drop": True}),
    ],
)
def test_transient_failures_are_retried(fake, sleeps, fault, kw):
    add_units(fake, 2)
    fake.fail("/3/units", times=2, **kw)
    run = run_tap(fake.config(), ["units"])
    assert len(run.records("units")) == 2
    assert fake.paths().count("/3/units") == 3
    assert len(sleeps) == 2
    assert sleeps[1] > sleeps[0]  # exponential


def test_retry_after_is_honoured(fake, sleeps):
    add_units(fake, 1)
    fake.fail("/3/units", 429, {"message": "slow down"}, headers={"Retry-After": "7"})
    run_tap(fake.config(), ["units"])
    assert len(sleeps) == 1
    assert sleeps[0] >= 7


def test_persistent_failure_is_one_clear_secret_free_message(fake, sleeps):
    add_units(fake, 1)
    fake.fail(
        "/3/units",
        503,
        b"<html><title>Service Unavailable</title></html>",
        headers={"Content-Type": "text/html"},
        times=99,
    )
    with pytest.raises(FortnoxAPIError) as info:
        run_tap(fake.config(max_retries=3), ["units"])
    message = str(info.value)
    assert message == (
        "Stream 'units': GET /3/units failed with HTTP 503 Service Unavailable: an HTML page "
        "(Service Unavailable) (gave up after 3 attempts)"
    )
    assert fake.paths().count("/3/units") == 3


def test_a_401_renews_the_token_once(fake):
    add_units(fake, 2)
    fake.fail("/3/units", 401, {"ErrorInformation": {"code": 2000310, "message": "Utgången"}})
    run = run_tap(fake.config(), ["units"])
    assert len(run.records("units")) == 2
    assert fake.tokens_issued == 2
    units = [r for r in fake.requests if r.path == "/3/units"]
    assert [u.authorization for u in units] == [f"Bearer {t}" for t in fake.oauth.issued]


def test_a_second_401_with_a_new_token_fails_clearly(fake):
    add_units(fake, 1)
    fake.fail("/3/units", 401, {"message": "no"}, times=2)
    with pytest.raises(FortnoxAPIError, match="also with a newly obtained token"):
        run_tap(fake.config(), ["units"])
    assert fake.tokens_issued == 2


def test_missing_scope_skips_only_that_stream(fake, caplog):
    add_units(fake, 2)
    add_customers(fake, 2)
    fake.fail(
        "/3/customers",
        400,
        {"ErrorInformation": {"code": 2001101, "message": "Det finns ingen aktiv licens"}},
    )
    state = old_customers_state()
    with caplog.at_level(logging.WARNING):
        run = run_tap(fake.config(), ["units", "customers"], state=state)
    assert run.records("customers") == []
    assert len(run.records("units")) == 2
    assert "Skipping stream 'customers'" in caplog.text
    assert "scope 'customer'" in caplog.text
    assert bookmark(run, "customers") == "2024-05-01T08:00:00+00:00"  # not advanced


def test_every_request_takes_a_limiter_slot(fake, monkeypatch):
    add_units(fake, 2)
    add_customers(fake, 3)
    fake.fail("/3/customers/2", 500, {"message": "x"})
    acquired: list[int] = []
    original = SlidingWindowLimiter._reserve

    def counting(self):
        acquired.append(1)
        return original(self)

    monkeypatch.setattr(SlidingWindowLimiter, "_reserve", counting)
    run_tap(fake.config(rate_limit_requests=1000), ["units", "customers"])
    # 1 units page + 1 customers page + 3 details + 1 retried detail; token POSTs are not API calls
    assert len(fake.paths("GET")) == 6
    assert len(acquired) == 6


def test_streams_share_one_limiter_per_client_and_tenant(fake):
    add_units(fake, 1)
    add_customers(fake, 1)
    run = run_tap(fake.config(rate_limit_requests=1000), ["units", "customers"])
    limiters = {id(s.limiter) for s in run.tap.streams.values() if s.selected}
    assert len(limiters) == 1


# --- tenant id ----------------------------------------------------------------------------


def test_tenant_id_from_company_information_when_nothing_else_knows_it(fake):
    add_units(fake, 2)
    fake.add_single(
        "/3/companyinformation",
        "CompanyInformation",
        {"CompanyName": "Bolaget AB", "DatabaseNumber": 555123},
    )
    fake.valid_tokens.add("static-token")
    config = {"access_token": "static-token", "api_url": fake.api_url, "rate_limit_requests": 0}
    run = run_tap(config, ["units"])
    assert {r["tenant_id"] for r in run.records("units")} == {"555123"}
    assert fake.paths().count("/3/companyinformation") == 1


# --- secrets ------------------------------------------------------------------------------


def test_no_secret_reaches_output_or_logs(fake, caplog, capsys):
    add_units(fake, 1)
    add_customers(fake, 1)
    fake.fail("/3/customers", 400, {"ErrorInformation": {"code": 2000359, "message": "Ogiltig"}})
    with caplog.at_level(logging.DEBUG), pytest.raises(FortnoxAPIError) as info:
        run_tap(fake.config(), ["units", "customers"])
    text = caplog.text + capsys.readouterr().err + str(info.value)
    assert "Fortnox error 2000359" in str(info.value)
    assert CLIENT_SECRET not in text
    assert "tok-1" not in text


def test_decimal_money_is_exact_in_the_output(fake):
    resource = add_customers(fake, 1)
    resource.details["1"]["InvoiceDiscount"] = Decimal("12345678901234.57")
    run = run_tap(fake.config(), ["customers"])
    assert str(run.records("customers")[0]["invoice_discount"]) == "12345678901234.57"


def test_customer_references_are_read_wrapped_or_not(fake):
    """The OpenAPI document wraps the rows in `CustomerReference`; a plain list works too."""
    rows = [{"Id": 1, "CustomerNumber": "7", "Reference": "Åsa Ek"}]
    fake.add_list("/3/customerreferences", Resource("CustomerReferenceRows", rows))
    run = run_tap(fake.config(), ["customer_references"])
    assert [(r["id"], r["customer_number"]) for r in run.records("customer_references")] == [
        (1, "7")
    ]
