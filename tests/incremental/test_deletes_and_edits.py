"""The warehouse stays true: records deleted in Fortnox, rows removed from edited documents and
fields Fortnox adds all reach it through an ordinary incremental sync.

Both syncs' messages are folded as a target does (upsert by key; a record with
`_sdc_deleted_at` deletes its key; ACTIVATE_VERSION drops older versions): the result must equal
the sandbox's current data, stream by stream.
"""

from __future__ import annotations

from collections import Counter

from tap_fortnox.client import PLACEHOLDER
from tap_fortnox.deletes import DELETED_AT, RowCounts
from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync
from tests.helpers.tapsync import config_for

# Fortnox resource -> how many records to delete between the syncs.
DELETED = {
    "customers": 2,
    "suppliers": 1,
    "articles": 1,
    "projects": 1,
    "costcenters": 1,
    "currencies": 1,
    "units": 1,
    "pricelists": 1,
    "labels": 1,
    "termsofpayments": 1,
    "invoicepayments": 2,
    "supplierinvoicepayments": 1,
    "accounts": 1,
}
# Documents edited between the syncs: their last row removed.
EDITED = {"orders": 2, "offers": 2, "contracts": 1, "invoices": 1, "supplierinvoices": 1}
STREAMS = [
    "customers",
    "suppliers",
    "articles",
    "projects",
    "cost_centers",
    "currencies",
    "units",
    "price_lists",
    "labels",
    "terms_of_payments",
    "invoice_payments",
    "supplier_invoice_payments",
    "financial_years",
    "accounts",
    "orders",
    "order_rows",
    "offers",
    "offer_rows",
    "contracts",
    "contract_rows",
    "invoices",
    "invoice_rows",
    "supplier_invoices",
    "supplier_invoice_rows",
]


def fold(runs: list[tapsync.Run], tap: TapFortnox, stream: str) -> dict[tuple, dict]:
    """The table a target holds for `stream` after the runs' messages, in order."""
    table: dict[tuple, tuple[dict, int | None]] = {}
    for run in runs:
        for message in run.messages:
            if message.get("stream") != stream:
                continue
            if message["type"] == "RECORD":
                record = message["record"]
                key = tapsync.record_key(tap.streams[stream], record)
                if record.get(DELETED_AT):
                    table.pop(key, None)
                else:
                    table[key] = (record, message.get("version"))
            elif message["type"] == "ACTIVATE_VERSION":
                table = {k: v for k, v in table.items() if (v[1] or 0) >= message["version"]}
    return {key: record for key, (record, _version) in table.items()}


def test_deletes_removed_rows_and_new_fields_reach_the_warehouse(make_sandbox):
    sb = make_sandbox(seed=31, scale="small", rate_limit=False)
    config = config_for(sb)
    tap = TapFortnox(config=config)
    # The one unbooked supplier invoice has a single cost row, which an edit cannot remove.
    assert len(sb.add_rows("supplierinvoices", 1)) == 1
    first = tapsync.run_tap(config, STREAMS)

    deleted = {resource: sb.delete(resource, count) for resource, count in DELETED.items()}
    edited = {resource: sb.remove_rows(resource, count) for resource, count in EDITED.items()}
    assert {resource: len(keys) for resource, keys in edited.items()} == EDITED
    sb.add_field("invoices", "DeliveryNote", "Levererad")  # a field the schema lacks
    second = tapsync.run_tap(config, STREAMS, first.state)

    for stream in STREAMS:
        folded = fold([first, second], tap, stream)
        assert Counter(folded.keys()) == tapsync.expected_keys(sb, tap, stream), stream
    # Every deletion arrived as a tombstone, with the key and nothing else.
    for resource, keys in deleted.items():
        stream = next(s for s in STREAMS if tapsync.resource_of(tap.streams[s]) == resource)
        tombstones = [r for r in second.records(stream) if r.get(DELETED_AT)]
        assert len(tombstones) == len(keys), stream
        key_fields = {*tap.streams[stream].primary_keys, DELETED_AT}
        assert all(set(r) <= key_fields | {"sync_started_at"} for r in tombstones), stream
    # An edited document's rows in the warehouse are exactly its rows in Fortnox.
    for resource, keys in edited.items():
        header = next(s for s in STREAMS if tapsync.resource_of(tap.streams[s]) == resource)
        rows = f"{header[:-1]}_rows"
        folded = fold([first, second], tap, rows)
        stream = tap.streams[header]
        (field,) = PLACEHOLDER.findall(stream.detail_path)
        for key in keys:
            document = next(d for d in sb.expected(resource) if str(d[field]) == key)
            count = sum(1 for k in folded if k[1] == key)  # (tenant_id, document, row_index)
            assert count == len(document[stream.rows_key]), (rows, key)
    # The new field: a SCHEMA with it before the first record that has it, and its values.
    second_schemas = [
        i
        for i, m in enumerate(second.messages)
        if m["type"] == "SCHEMA" and m["stream"] == "invoices"
    ]
    assert "delivery_note" in second.messages[second_schemas[-1]]["schema"]["properties"]
    with_field = [
        i
        for i, m in enumerate(second.messages)
        if m["type"] == "RECORD" and m["stream"] == "invoices" and "delivery_note" in m["record"]
    ]
    assert with_field
    assert second_schemas[-1] < with_field[0]
    assert {second.messages[i]["record"]["delivery_note"] for i in with_field} == {"Levererad"}


def test_documents_that_can_no_longer_change_need_no_memory(make_sandbox):
    sb = make_sandbox(seed=31, scale="small", rate_limit=False)
    run = tapsync.run_tap(config_for(sb), ["invoices", "invoice_rows", "vouchers", "voucher_rows"])
    invoices = run.state["bookmarks"]["invoices"]
    remembered = {key[0] for key in RowCounts(invoices).counts()}
    unbooked = {i["DocumentNumber"] for i in sb.expected("invoices") if not i["Booked"]}
    assert remembered == unbooked  # booked invoices' rows can no longer change
    for partition in run.state["bookmarks"]["vouchers"]["partitions"]:
        assert "row_counts" not in partition  # vouchers are corrected with new rows


def test_detect_deletes_off_costs_nothing_and_reports_nothing(make_sandbox):
    sb = make_sandbox(seed=32, scale="small", rate_limit=False)
    config = config_for(sb, detect_deletes=False)
    first = tapsync.run_tap(config, ["customers"])
    sb.delete("customers", 1)
    sb.reset_counters()
    second = tapsync.run_tap(config, ["customers"], first.state)
    assert not [r for r in second.records("customers") if r.get(DELETED_AT)]
    assert sb.counters()["by_path"]["/3/customers"] == 1  # no key listing
