"""The tap's streams against the Fortnox sandbox over real HTTP: every record validates against
its schema and equals the sandbox's data; the limiter keeps a real sync free of 429s."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import jsonschema
import pytest

from tap_fortnox.client import FortnoxStream
from tap_fortnox.documents import RowStream
from tap_fortnox.sie_ledger import FedStream
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.streams.files import FileAttachmentsStream
from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync
from tests.helpers.ledger import expected_balances

ALL_STREAMS = [stream.name for stream in STREAM_TYPES]
DETAIL_STREAMS = ["customers", "suppliers", "articles", "invoices", "supplier_invoices"]


def resource_of(stream: FortnoxStream) -> str:
    """The sandbox resource (Fortnox path name) a stream reads."""
    return stream.path.strip("/")


def bodies_of(sandbox, stream: FortnoxStream) -> list[dict]:
    """Every record of the stream's resource as its detail body (the /api/ families' too)."""
    if tapsync.is_service(stream):
        return sandbox.services.expected(stream.name, sandbox.tenants[sandbox.tenant_ids[0]])
    return sandbox.expected(resource_of(stream))


def expected_records(sandbox, tap: TapFortnox, stream: FortnoxStream) -> list[dict]:
    """The sandbox's data as the stream should emit it, normalised by the tap's own normaliser."""
    tenant = sandbox.tenant_ids[0]
    if tapsync.tree_area(stream) is not None:  # the archive's and the inbox's folders, files
        raw = tapsync.tree_records(sandbox, stream)
        return [{**stream.normalizer(r), "tenant_id": tenant} for r in raw]
    if isinstance(stream, FileAttachmentsStream):  # the attachments API's links
        raw = sandbox.expected("attachments")
        return [{**stream.normalizer(r), "tenant_id": tenant} for r in raw]
    if isinstance(stream, FedStream):  # balances: worked out from the vouchers' JSON rows
        return [
            {**stream.normalizer(r), "tenant_id": tenant}
            for r in expected_balances(sandbox)[stream.name]
        ]
    if isinstance(stream, RowStream):
        parent = tap.streams[stream.parent_stream_type.name]
        out = []
        names = stream.parent_key_names  # the parent's key as the rows name it
        for body in bodies_of(sandbox, parent):
            rows = body.get(parent.rows_key) or []
            header = parent.normalizer({k: v for k, v in body.items() if k != parent.rows_key})
            keys = {names.get(k, k): header[k] for k in parent.primary_keys if k != "tenant_id"}
            for index, row in enumerate(rows, start=1):
                out.append(
                    {**stream.normalizer(row), **keys, "row_index": index, "tenant_id": tenant}
                )
        return out
    bodies = bodies_of(sandbox, stream)
    rows_key = getattr(stream, "rows_key", "")
    return [
        {**stream.normalizer({k: v for k, v in b.items() if k != rows_key}), "tenant_id": tenant}
        for b in bodies
    ]


def closed(schema: Any) -> Any:
    """The schema with `additionalProperties: false` on every object that lists properties: a
    record carries only fields its schema names (the tap's normaliser drops the others; the
    SDK's own conformance pass is off)."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: closed(value) for key, value in schema.items() if key != "properties"}
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {name: closed(sub) for name, sub in schema["properties"].items()}
        out.setdefault("additionalProperties", False)
    return out


def sync(config: dict[str, Any], streams: list[str]) -> tuple[TapFortnox, list[dict]]:
    """The tap a run built and its messages (parsed as a target would, keeping money exact)."""
    run = tapsync.run_tap(config, streams)
    assert run.tap is not None
    return run.tap, run.messages


def records_of(messages: list[dict], stream: str) -> list[dict]:
    return [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream]


FULL_SYNC_COUNTERS: dict[str, Any] = {}
# Requests a complete sync may make beyond list pages and details: OAuth token requests (one
# per token) and the /companyinformation tenant lookup (only when no tenant id is known).
ALLOWANCE_TENANT_LOOKUP = 1


@pytest.fixture(scope="module")
def full_sync(sandbox):
    """One sync of every stream; the sandbox's request counts of it are kept for
    test_requests_are_the_minimum (the session sandbox's counters are reset first)."""
    config = {**sandbox.tap_config(), "rate_limit_requests": 0}
    sandbox.reset_counters()
    tap, messages = sync(config, ALL_STREAMS)
    FULL_SYNC_COUNTERS.clear()
    FULL_SYNC_COUNTERS.update(sandbox.counters())
    return tap, messages


@pytest.mark.parametrize("stream_name", ALL_STREAMS)
def test_records_validate_and_equal_the_sandbox_data(full_sync, sandbox, stream_name):
    tap, messages = full_sync
    stream: FortnoxStream = tap.streams[stream_name]
    records = records_of(messages, stream_name)
    schema_messages = [m for m in messages if m["type"] == "SCHEMA" and m["stream"] == stream_name]
    assert schema_messages
    assert schema_messages[0]["key_properties"] == list(stream.primary_keys)

    validator = jsonschema.Draft7Validator(
        closed(stream.schema), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    for record in records:
        errors = [
            f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(record)
        ]
        assert not errors, errors[:5]

    tenant = sandbox.tenant_ids[0]
    expected = expected_records(sandbox, tap, stream)
    # Every value of the sandbox fits its schema type (nothing was nulled as unparseable).
    assert stream._invalid_reported == set()
    assert expected, "the sandbox has data for every stream"

    def key(record: dict) -> tuple:
        return tuple(record[k] for k in stream.primary_keys)

    ours = {key(r): r for r in records}
    assert len(ours) == len(records)  # keys are unique
    if all(k in want for want in expected for k in stream.primary_keys):
        theirs = {key(r): r for r in expected}
        assert set(ours) == set(theirs)
        pairs = [(ours[k], want) for k, want in theirs.items()]
    else:
        # A list-only key (attendance_transactions' `id` is not in the detail body): the
        # sandbox lists records in the order it returns them here.
        assert len(records) == len(expected)
        pairs = list(zip(records, expected, strict=True))
    for got, want in pairs:
        shared = set(want) & set(got)
        assert {f: got[f] for f in shared} == {f: want[f] for f in shared}
        if stream.details_enabled:
            # Full detail records: every field of the detail is there.
            assert set(want) <= set(got), sorted(set(want) - set(got))
        else:
            assert len(shared) >= 2  # the list item's fields were compared
        assert got["tenant_id"] == tenant


def test_detail_streams_emit_every_record_once(full_sync, sandbox):
    tap, messages = full_sync
    for name in DETAIL_STREAMS:
        expected = sandbox.expected(resource_of(tap.streams[name]))
        assert len(records_of(messages, name)) == len(expected)


def test_requests_are_the_minimum(full_sync, sandbox):
    """List pages plus one detail per document, printed next to what the sync used (-s)."""
    tap, _messages = full_sync
    streams = tapsync.served_streams(sandbox, tap)
    assert set(streams) == set(ALL_STREAMS), set(ALL_STREAMS) - set(streams)
    need = tapsync.minimum_requests(sandbox, tap, streams)
    minimum = sum(n.total for n in need.values())
    by_path = FULL_SYNC_COUNTERS["by_path"]
    api = sum(n for path, n in by_path.items() if path.startswith(("/3/", "/api/")))
    tokens = sum(n for path, n in by_path.items() if path.startswith("/oauth-v1/"))
    print(
        f"\nfull sync of {len(streams)} streams at scale small: {api} API requests "
        f"(+{tokens} token requests), minimum possible {minimum} "
        f"({sum(n.lists for n in need.values())} list pages + "
        f"{sum(n.details for n in need.values())} details)"
    )
    assert minimum <= api <= minimum + ALLOWANCE_TENANT_LOOKUP
    assert tokens <= 1  # one client-credentials token serves the whole run


def test_money_is_exact_decimal_in_the_output(full_sync):
    _tap, messages = full_sync
    prices = [r["sales_price"] for r in records_of(messages, "articles")]
    assert prices
    assert all(isinstance(p, Decimal) for p in prices if p is not None)


def test_the_limiter_keeps_a_rate_limited_sandbox_free_of_429s(make_sandbox):
    sb = make_sandbox(seed=3, scale="small", rate_limit=True)
    sb.set_rate_limit(True, requests=20, window_seconds=1.0)
    config = {
        **sb.tap_config(),
        "rate_limit_requests": 20,
        "rate_limit_window_seconds": 1,
    }
    _tap, messages = sync(config, ["customers", "units"])
    assert len(records_of(messages, "customers")) == len(sb.expected("customers"))
    counters = sb.counters()
    assert counters["total"] > 20  # enough requests to cross several windows
    assert counters["429"] == 0


def test_without_the_limiter_the_sandbox_answers_429_and_retries_recover(make_sandbox, monkeypatch):
    monkeypatch.setattr(FortnoxStream, "retry_base_seconds", 0.1)
    sb = make_sandbox(seed=3, scale="small", rate_limit=True)
    sb.set_rate_limit(True, requests=10, window_seconds=0.5)
    config = {**sb.tap_config(), "rate_limit_requests": 0}
    _tap, messages = sync(config, ["customers"])
    assert len(records_of(messages, "customers")) == len(sb.expected("customers"))
    assert sb.counters()["429"] > 0


def test_a_missing_licence_skips_the_stream_and_the_others_go_on(make_sandbox, caplog):
    sb = make_sandbox(seed=1, scale="small", rate_limit=False, missing_scopes={"article"})
    config = {**sb.tap_config(), "rate_limit_requests": 0}
    with caplog.at_level(logging.WARNING):
        _tap, messages = sync(config, ["articles", "units"])
    assert records_of(messages, "articles") == []
    assert len(records_of(messages, "units")) == len(sb.expected("units"))
    assert "Skipping stream 'articles'" in caplog.text
    assert "scope 'article'" in caplog.text


def test_tenant_id_comes_from_the_token_when_not_configured(make_sandbox):
    sb = make_sandbox(seed=2, scale="small", rate_limit=False)
    config = {**sb.tap_config(flow="access_token"), "rate_limit_requests": 0}
    assert "tenant_id" not in config
    _tap, messages = sync(config, ["units"])
    assert {r["tenant_id"] for r in records_of(messages, "units")} == {sb.tenant_ids[0]}


def test_incremental_sync_reads_only_what_changed(make_sandbox):
    sb = make_sandbox(seed=4, scale="small", rate_limit=False)
    config = {**sb.tap_config(), "rate_limit_requests": 0}
    _tap, first = sync(config, ["customers"])
    state = [m["value"] for m in first if m["type"] == "STATE"][-1]
    changed = sb.touch("customers", 2)
    created = sb.touch("customers", 1, create=True)
    sb.reset_counters()
    second = tapsync.run_tap(config, ["customers"], state).messages
    numbers = {r["customer_number"] for r in records_of(second, "customers")}
    assert set(changed) | set(created) <= numbers
    # One list request plus a detail per changed record, not a full re-read, and one list page
    # of keys to see whether customers were deleted (detect_deletes).
    api_calls = sum(n for path, n in sb.counters()["by_path"].items() if path.startswith("/3/"))
    assert api_calls == 1 + len(numbers) + 1
    assert len(numbers) < len(sb.expected("customers"))


def test_incremental_requests_are_the_minimum(make_sandbox):
    """After records change in every incremental resource, the next sync uses, per resource,
    exactly the fewest requests: the changed records' list pages and details, and for streams
    that report deletes one list of every key."""
    sb = make_sandbox(seed=5, scale="small", rate_limit=False)
    config = {**sb.tap_config(), "rate_limit_requests": 0}
    tap = TapFortnox(config=config)
    streams = tapsync.served_streams(sb, tap)
    first = tapsync.run_tap(config, streams)
    since = sb.clock.now()
    touched = tapsync.incremental_resources(tap, streams)
    assert {"customers", "invoices", "vouchers", "invoicepayments"} <= set(touched)
    for resource in touched:
        sb.touch(resource, 3)
    sb.reset_counters()
    tapsync.run_tap(config, streams, first.state)
    need = tapsync.minimum_requests(sb, tap, streams, since=since)
    used = tapsync.api_requests_by_resource(sb, need)
    assert any(tapsync.lists_keys(tap.streams[name]) for name in streams)
    assert dict(used) == {resource: n.total for resource, n in need.items()}
