"""Records deleted between two list pages, through the whole tap (fake Fortnox over HTTP): every
surviving record arrives once, a re-read page costs no detail request for items already emitted,
and an incremental stream's next sync has nothing to catch up."""

from __future__ import annotations

import logging
from collections import Counter

from tap_fortnox.tap import TapFortnox
from tests.helpers.tapsync import run_tap
from tests.unit.test_documents import add_invoices, add_vouchers, add_years

PAGE = 5


def delete_before(fake, path: str, page: int, remove, year: str | None = None) -> list[str]:
    """Before the list request for `page` of `path` (of financial year `year`) is served, drop
    the items `remove(items)` picks from the fake's list; returns the list pages served."""
    served: list[str] = []
    serve = fake._list
    resource = fake.resources[path]

    def hooked(res, query):
        if res is resource and (year is None or query.get("financialyear") == year):
            if query.get("page") == str(page) and not getattr(hooked, "done", False):
                hooked.done = True
                gone = remove(res.items)
                res.items = [i for i in res.items if not any(i is g for g in gone)]
            served.append(query.get("page"))
        return serve(res, query)

    fake._list = hooked
    return served


def detail_paths(fake, prefix: str) -> Counter:
    return Counter(p for p in fake.paths() if p.startswith(prefix + "/"))


def test_three_deleted_from_page_1_before_page_2_lose_nothing_and_cost_no_detail(fake, caplog):
    add_invoices(fake, 16, 1)
    served = delete_before(fake, "/3/invoices", 2, lambda items: items[:3])
    config = fake.config(page_size=PAGE, start_date="2024-01-01T00:00:00Z")

    with caplog.at_level(logging.INFO):
        run = run_tap(config, ["invoices", "invoice_rows"])

    numbers = Counter(r["document_number"] for r in run.records("invoices"))
    # 1-3 were read (and their details fetched) before they went; 4-16 survive.
    assert numbers == Counter(str(n) for n in range(1, 17))
    assert Counter(r["document_number"] for r in run.records("invoice_rows")) == numbers
    # Page 1 again for invoices 6-8, then page 3 (page 2 is not read twice).
    assert served == ["1", "2", "1", "3"]
    details = detail_paths(fake, "/3/invoices")
    assert details == Counter(f"/3/invoices/{n}" for n in range(1, 17))  # one each, no more
    lines = [
        r.getMessage() for r in caplog.records if "fewer than the page before" in r.getMessage()
    ]
    assert lines == [
        "Stream 'invoices': page 2 lists 3 record(s) fewer than the page before (deleted during "
        "the read); re-reading page(s) 1 so no record shifted onto a page already read is skipped"
    ]

    # The next sync reads only changes since this one: nothing was left behind for it.
    fake.requests.clear()
    again = run_tap(config, ["invoices", "invoice_rows"], state=run.state)
    assert again.records("invoices") == []
    assert detail_paths(fake, "/3/invoices") == Counter()


def test_more_than_a_page_deleted_goes_back_two_pages(fake):
    add_invoices(fake, 30, 1)
    # Before page 4: 7 records of pages 1-3 go.
    served = delete_before(fake, "/3/invoices", 4, lambda items: items[0:14:2])
    run = run_tap(fake.config(page_size=PAGE), ["invoices"])
    numbers = Counter(r["document_number"] for r in run.records("invoices"))
    assert numbers == Counter(str(n) for n in range(1, 31))
    assert served == ["1", "2", "3", "4", "2", "3", "5"]
    assert detail_paths(fake, "/3/invoices") == Counter(f"/3/invoices/{n}" for n in range(1, 31))


def test_deletion_that_empties_the_last_page(fake):
    add_invoices(fake, 12, 1)
    served = delete_before(fake, "/3/invoices", 3, lambda items: items[:3])
    run = run_tap(fake.config(page_size=PAGE), ["invoices"])
    numbers = Counter(r["document_number"] for r in run.records("invoices"))
    assert numbers == Counter(str(n) for n in range(1, 13))
    assert served == ["1", "2", "3", "2"]


def test_a_list_only_stream_at_page_size_500(fake):
    add_invoices(fake, 1203, 0)
    served = delete_before(fake, "/3/invoices", 2, lambda items: items[100:103])
    config = fake.config(fetch_details=False)  # page_size: the default 500
    run = run_tap(config, ["invoices"])
    numbers = Counter(r["document_number"] for r in run.records("invoices"))
    assert numbers == Counter(str(n) for n in range(1, 1204))
    assert served == ["1", "2", "1", "3"]
    assert [r.query["limit"] for r in fake.requests if r.path == "/3/invoices"] == ["500"] * 4


def test_a_financial_year_partition_recovers_on_its_own(fake):
    add_years(fake)
    add_vouchers(fake, {1: 12, 2: 12})
    served = delete_before(fake, "/3/vouchers", 2, lambda items: items[12:15], year="2")
    # The detail path (one request per voucher), whose drift recovery must not fetch twice.
    run = run_tap(fake.config(page_size=PAGE, voucher_rows_source="details"), ["vouchers"])
    keys = Counter((v["year"], v["voucher_number"]) for v in run.records("vouchers"))
    assert keys == Counter((y, n) for y in (1, 2) for n in range(1, 13))
    # Year 2's 9 survivors fit on 2 pages: page 1 again (for 6-8) ends it; year 1 is untouched.
    assert served == ["1", "2", "1"]
    lists = [r.query for r in fake.requests if r.path == "/3/vouchers"]
    assert [q["page"] for q in lists if q["financialyear"] == "1"] == ["1", "2", "3"]
    details = [r for r in fake.requests if r.path.startswith("/3/vouchers/")]
    assert len(details) == 24


def test_list_items_are_recognised_by_their_detail_path_or_primary_key_fields(fake):
    streams = TapFortnox(config=fake.config()).streams
    assert streams["invoices"].list_item_key({"DocumentNumber": 7, "Total": "1"}) == ("7",)
    vouchers = streams["vouchers"]
    assert vouchers.list_item_key({"VoucherSeries": "A", "VoucherNumber": 3}) == ("A", "3")
    # No detail path: the primary key's fields in the raw item (year and tenant come from
    # the context, not the item).
    assert streams["accounts"].list_item_key({"Number": 1930, "Year": 2}) == ("1930",)
    assert streams["cost_centers"].list_item_key({"Code": "S1", "Description": "x"}) == ("S1",)
    assert streams["cost_centers"].list_item_key({"Code": "", "Description": "x"}) is None
