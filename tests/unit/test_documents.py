"""Document streams (one detail feeds header and rows) and per-financial-year streams."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from tap_fortnox.checkpoint import CHECKPOINT_EVERY_REQUESTS
from tap_fortnox.documents import ROW_FLUSH_SIZE
from tests.helpers.tapsync import run_tap
from tests.unit.fake_fortnox import TENANT_ID, Resource


def add_invoices(fake, count=3, rows_per_invoice=2):
    items, details = [], {}
    for n in range(1, count + 1):
        number = str(n)
        items.append({"DocumentNumber": number, "CustomerNumber": "10", "Total": "125.00"})
        details[number] = {
            "DocumentNumber": number,
            "CustomerNumber": "10",
            "Total": Decimal("125.00"),
            "TotalVAT": Decimal("25.00"),
            "InvoiceDate": "2024-03-0" + str(min(n, 9)),
            "DueDate": "",
            "InvoiceRows": [
                {
                    "ArticleNumber": f"A{r}",
                    "Price": Decimal("50.00"),
                    "DeliveredQuantity": "1.5",
                    "RowId": 100 * n + r,
                }
                for r in range(1, rows_per_invoice + 1)
            ],
        }
    resource = Resource("Invoices", items, "Invoice", "DocumentNumber", details)
    resource.modified = {str(n): "2024-06-01 00:00" for n in range(1, count + 1)}
    return fake.add_list("/3/invoices", resource)


def test_one_detail_per_document_feeds_header_and_rows(fake):
    add_invoices(fake, 3, 2)
    run = run_tap(fake.config(), ["invoices", "invoice_rows"])
    headers = run.records("invoices")
    rows = run.records("invoice_rows")
    assert sorted(h["document_number"] for h in headers) == ["1", "2", "3"]
    assert "invoice_rows" not in headers[0]  # rows live in their own stream
    assert headers[0]["total_vat"] == 25
    assert headers[0]["due_date"] is None
    assert len(rows) == 6
    assert {(r["document_number"], r["row_index"]) for r in rows} == {
        (d, i) for d in "123" for i in (1, 2)
    }
    first = next(r for r in rows if r["document_number"] == "1" and r["row_index"] == 1)
    assert first == {
        "tenant_id": TENANT_ID,
        "document_number": "1",
        "row_index": 1,
        "article_number": "A1",
        "price": 50,
        "delivered_quantity": 1.5,
        "row_id": 101,
    }
    details = [p for p in fake.paths() if p.startswith("/3/invoices/")]
    assert sorted(details) == ["/3/invoices/1", "/3/invoices/2", "/3/invoices/3"]


def test_rows_alone_can_be_selected(fake):
    add_invoices(fake, 2, 3)
    run = run_tap(fake.config(), ["invoice_rows"])
    assert run.records("invoices") == []
    assert len(run.records("invoice_rows")) == 6
    assert "invoices" not in run.state.get("bookmarks", {}) or not run.state["bookmarks"][
        "invoices"
    ].get("replication_key_value")


def test_header_alone_does_not_build_rows(fake):
    add_invoices(fake, 2, 3)
    run = run_tap(fake.config(), ["invoices"])
    assert len(run.records("invoices")) == 2
    assert run.records("invoice_rows") == []


def test_list_only_headers_leave_rows_empty_with_a_warning(fake, caplog):
    add_invoices(fake, 2, 3)
    with caplog.at_level(logging.WARNING):
        run = run_tap(fake.config(fetch_details=False), ["invoices", "invoice_rows"])
    assert len(run.records("invoices")) == 2
    assert run.records("invoice_rows") == []
    assert "row streams (invoice_rows) get no records" in caplog.text
    assert fake.paths() == ["/3/invoices"]


def test_rows_are_handed_over_in_batches_not_one_sync_per_document(fake):
    add_invoices(fake, 30, 100)  # 3000 rows
    run = run_tap(fake.config(), ["invoices", "invoice_rows"])
    assert len(run.records("invoice_rows")) == 3000
    schema_messages = [
        m for m in run.messages if m["type"] == "SCHEMA" and m["stream"] == "invoice_rows"
    ]
    assert len(schema_messages) == 1  # the batches' repeats of an unchanged SCHEMA are left out
    # One row sync per 1000 rows or per checkpoint (every 20 requests), not one per document.
    row_syncs = sum(
        1
        for i, m in enumerate(run.messages[1:], start=1)
        if m["type"] == "RECORD"
        and m["stream"] == "invoice_rows"
        and run.messages[i - 1].get("stream") != "invoice_rows"
    )
    assert row_syncs <= 3000 // ROW_FLUSH_SIZE + 30 // CHECKPOINT_EVERY_REQUESTS + 1


def test_incremental_documents_read_only_changed_ones(fake):
    resource = add_invoices(fake, 3, 1)
    first = run_tap(fake.config(), ["invoices", "invoice_rows"])
    resource.modified["2"] = "2999-01-01 00:00"
    fake.requests.clear()
    second = run_tap(fake.config(), ["invoices", "invoice_rows"], state=first.state)
    assert [h["document_number"] for h in second.records("invoices")] == ["2"]
    assert [r["document_number"] for r in second.records("invoice_rows")] == ["2"]
    assert [p for p in fake.paths() if p.startswith("/3/invoices")] == [
        "/3/invoices",
        "/3/invoices/2",
    ]


# --- per financial year -------------------------------------------------------------------


def add_years(fake, years=(1, 2)):
    items = [{"Id": y, "FromDate": f"202{y}-01-01", "ToDate": f"202{y}-12-31"} for y in years]
    return fake.add_list("/3/financialyears", Resource("FinancialYears", items))


def add_vouchers(fake, per_year=None):
    per_year = per_year or {1: 2, 2: 1}
    items, details = [], {}
    for year, count in per_year.items():
        for n in range(1, count + 1):
            items.append({"VoucherSeries": "A", "VoucherNumber": n, "Year": year})
            details[f"{year}:A/{n}"] = {
                "VoucherSeries": "A",
                "VoucherNumber": n,
                "Year": year,
                "TransactionDate": f"202{year}-02-0{n}",
                "VoucherRows": [
                    {"Account": 1930, "Debit": Decimal("100.00"), "Credit": Decimal("0")},
                    {"Account": 3001, "Debit": Decimal("0"), "Credit": Decimal("100.00")},
                ],
            }
    resource = Resource("Vouchers", items, "Voucher", "VoucherNumber", details, year_field="Year")
    resource.modified = {str(i["VoucherNumber"]): "2024-06-01 00:00" for i in items}
    return fake.add_list("/3/vouchers", resource)


def add_accounts(fake, years=(1, 2)):
    items = [
        {"Number": number, "Description": f"Konto {number}", "Year": y, "SRU": 7201}
        for y in years
        for number in (1930, 3001)
    ]
    fake.add_list("/3/accounts", Resource("Accounts", items, year_field="Year"))


def test_per_year_streams_are_read_once_per_financial_year(fake):
    add_years(fake)
    add_accounts(fake)
    run = run_tap(fake.config(), ["accounts"])
    accounts = run.records("accounts")
    assert {(a["year"], a["number"]) for a in accounts} == {
        (y, n) for y in (1, 2) for n in (1930, 3001)
    }
    queries = [r.query for r in fake.requests if r.path == "/3/accounts"]
    assert [q["financialyear"] for q in queries] == ["1", "2"]
    assert run.records("financial_years") == []  # the parent runs but is not emitted


def test_vouchers_and_rows_carry_the_year_and_fetch_details_with_it(fake):
    add_years(fake)
    add_vouchers(fake)
    run = run_tap(fake.config(), ["financial_years", "vouchers", "voucher_rows"])
    assert len(run.records("financial_years")) == 2
    vouchers = run.records("vouchers")
    assert {(v["year"], v["voucher_series"], v["voucher_number"]) for v in vouchers} == {
        (1, "A", 1),
        (1, "A", 2),
        (2, "A", 1),
    }
    rows = run.records("voucher_rows")
    assert len(rows) == 6
    assert {tuple(r[k] for k in ("year", "voucher_series", "voucher_number")) for r in rows} == {
        (1, "A", 1),
        (1, "A", 2),
        (2, "A", 1),
    }
    for year in (1, 2):
        debit = sum(r["debit"] for r in rows if r["year"] == year)
        credit = sum(r["credit"] for r in rows if r["year"] == year)
        assert debit == credit
    details = [r for r in fake.requests if r.path.startswith("/3/vouchers/")]
    assert {(r.path, r.query["financialyear"]) for r in details} == {
        ("/3/vouchers/A/1", "1"),
        ("/3/vouchers/A/2", "1"),
        ("/3/vouchers/A/1", "2"),
    }


def test_each_financial_year_has_its_own_bookmark_and_a_new_year_is_picked_up(fake):
    years = add_years(fake, (1,))
    vouchers = add_vouchers(fake, {1: 1, 2: 1})
    first = run_tap(fake.config(), ["vouchers"])
    partitions = first.state["bookmarks"]["vouchers"]["partitions"]
    assert [p["context"] for p in partitions] == [{"year": 1}]
    assert partitions[0]["replication_key_value"]

    years.items.append({"Id": 2, "FromDate": "2022-01-01", "ToDate": "2022-12-31"})
    vouchers.modified["1"] = "2999-01-01 00:00"  # changed in both years
    fake.requests.clear()
    second = run_tap(fake.config(), ["vouchers"], state=first.state)
    lists = {r.query["financialyear"]: r.query for r in fake.requests if r.path == "/3/vouchers"}
    assert "lastmodified" in lists["1"]  # the known year continues from its bookmark
    assert "lastmodified" not in lists["2"]  # the new year is read from the start
    assert {(v["year"], v["voucher_number"]) for v in second.records("vouchers")} == {
        (1, 1),
        (2, 1),
    }
    contexts = [p["context"] for p in second.state["bookmarks"]["vouchers"]["partitions"]]
    assert contexts == [{"year": 1}, {"year": 2}]


@pytest.mark.parametrize("selected", [["voucher_rows"], ["vouchers"]])
def test_per_year_children_run_without_selecting_the_parent(fake, selected):
    add_years(fake)
    add_vouchers(fake)
    run = run_tap(fake.config(), selected)
    assert run.records(selected[0])
    assert run.records("financial_years") == []
