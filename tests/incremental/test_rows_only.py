"""A row stream selected without its header stream still syncs incrementally: the bookmark is
kept under the row stream (per financial year for voucher rows), so the next sync fetches only
changed documents; the header stream, selected later, still starts with a full read."""

from __future__ import annotations

from tests.helpers import tapsync
from tests.helpers.tapsync import config_for


def detail_requests(sb, resource: str) -> int:
    return sum(
        n for path, n in sb.counters()["by_path"].items() if path.startswith(f"/3/{resource}/")
    )


def test_invoice_rows_alone_advance_their_bookmark(make_sandbox):
    sb = make_sandbox(seed=31, scale="small", rate_limit=False)
    config = config_for(sb)
    first = tapsync.run_tap(config, ["invoice_rows"])
    assert first.records("invoice_rows")
    assert first.records("invoices") == []
    bookmark = first.state["bookmarks"]["invoice_rows"]
    assert bookmark["replication_key"] == "sync_started_at"
    assert bookmark["replication_key_value"]
    assert "invoices" not in first.state["bookmarks"] or not first.state["bookmarks"][
        "invoices"
    ].get("replication_key_value")

    touched = set(sb.touch("invoices", 3))
    sb.reset_counters()
    second = tapsync.run_tap(config, ["invoice_rows"], first.state)
    assert detail_requests(sb, "invoices") == len(touched)  # only the changed documents
    with_rows = {str(b["DocumentNumber"]) for b in sb.expected("invoices") if b["InvoiceRows"]}
    assert {r["document_number"] for r in second.records("invoice_rows")} == touched & with_rows
    assert (
        second.state["bookmarks"]["invoice_rows"]["replication_key_value"]
        > bookmark["replication_key_value"]
    )

    # Selecting the header stream now reads every header (it never emitted them).
    third = tapsync.run_tap(config, ["invoices", "invoice_rows"], second.state)
    assert len(third.records("invoices")) == len(sb.expected("invoices"))


def test_voucher_rows_alone_keep_a_bookmark_per_financial_year(make_sandbox):
    sb = make_sandbox(seed=32, scale="small", rate_limit=False)
    config = config_for(sb)
    first = tapsync.run_tap(config, ["voucher_rows"])
    partitions = first.state["bookmarks"]["voucher_rows"]["partitions"]
    years = [y["Id"] for y in sb.expected("financialyears")]
    assert sorted(p["context"]["year"] for p in partitions) == years
    assert all(p["replication_key_value"] for p in partitions)

    touched = set(sb.touch("vouchers", 2))
    sb.reset_counters()
    second = tapsync.run_tap(config, ["voucher_rows"], first.state)
    # Their rows from the one year's SIE file, not one detail each.
    assert sb.counters()["by_path"].get("/3/sie/4") == 1
    assert detail_requests(sb, "vouchers") == 0
    found = {f"{r['voucher_series']}/{r['voucher_number']}" for r in second.records("voucher_rows")}
    assert found == touched
