"""Pins the singer-sdk behaviour that tap_fortnox/sdk.py relies on (see its docstring): if an
SDK upgrade changes any of it, these tests fail, here and nowhere else."""

from __future__ import annotations

import json
import logging

import pytest
import requests

from tap_fortnox import sdk
from tap_fortnox.errors import NotFoundError
from tap_fortnox.tap import TapFortnox
from tests.helpers.sink import capture_stdout
from tests.helpers.tapsync import parse_messages, select


@pytest.fixture
def tap(sandbox):
    return TapFortnox(config={**sandbox.tap_config(), "rate_limit_requests": 0})


def prepared(stream, path: str) -> requests.PreparedRequest:
    return stream.build_prepared_request(
        method="GET", url=stream.url_base + path, headers=stream.http_headers
    )


def test_request_sender_authenticates_validates_and_retries_through_the_stream(tap, sandbox):
    stream = tap.streams["customers"]
    send = sdk.request_sender(stream)
    response = send(prepared(stream, "/customers"), None)
    assert response.status_code == 200
    assert response.request.headers["Authorization"].startswith("Bearer ")
    with pytest.raises(NotFoundError):  # validate_response ran: a 404 is the tap's error
        send(prepared(stream, "/customers/no-such-customer"), None)
    units = tap.streams["units"]
    units.retry_base_seconds = 0.01
    sandbox.inject("status", count=1, status=503, path_prefix="/3/units")
    assert sdk.request_sender(units)(prepared(units, "/units"), None).status_code == 200


def test_a_streamed_request_goes_the_same_way_with_its_body_left_to_the_caller(tap, sandbox):
    stream = tap.streams["vouchers"]
    year = tap.streams["financial_years"].get_json("/financialyears")["FinancialYears"][0]["Id"]
    request = stream.build_prepared_request(
        method="GET",
        url=stream.url_base + "/sie/4",
        params={"financialyear": year},
        headers={**stream.http_headers, "Accept": "*/*"},
    )
    send = sdk.request_sender(stream, streamed=(10.0, 10.0))
    with send(request, None) as response:
        assert response.request.headers["Authorization"].startswith("Bearer ")
        assert next(response.iter_content(8)) == b"#FLAGGA "  # streamed from its first byte
    missing = stream.build_prepared_request(
        method="GET", url=stream.url_base + "/sie/9", headers={"Accept": "*/*"}
    )
    with pytest.raises(NotFoundError):  # validate_response ran
        send(missing, None)


def test_record_limit_is_the_dry_runs(tap):
    stream = tap.streams["vouchers"]
    assert sdk.record_limit(stream) is None
    with capture_stdout():
        tap.run_sync_dry_run(dry_run_record_limit=1, streams=[tap.streams["units"]])
    assert sdk.record_limit(tap.streams["units"]) == 1


def test_sync_rows_runs_one_child_sync_with_schema_records_and_state(tap):
    select(tap, ["invoices", "invoice_rows"])
    child = tap.streams["invoice_rows"]
    child.pending = [
        ({"tenant_id": "1", "document_number": "7"}, [{"Price": 1}, {"Price": 2}], range(3, 4))
    ]
    with capture_stdout() as out:
        assert sdk.sync_rows(child) is True
    messages = parse_messages(out.getvalue())
    assert [m["type"] for m in messages] == ["SCHEMA", "RECORD", "RECORD", "RECORD", "STATE"]
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    assert [r["row_index"] for r in records] == [1, 2, 3]
    assert [r.get("_sdc_deleted_at") is not None for r in records] == [False, False, True]


def test_sync_rows_reports_a_record_limit_instead_of_raising(tap):
    select(tap, ["invoices", "invoice_rows"])
    child = tap.streams["invoice_rows"]
    child.ABORT_AT_RECORD_COUNT = 1
    child.pending = [
        ({"tenant_id": "1", "document_number": "7"}, [{"Price": 1}, {"Price": 2}], range(3, 4))
    ]
    with capture_stdout():
        assert sdk.sync_rows(child) is False


def test_context_state_is_the_tap_state_and_write_state_emits_it(tap):
    stream = tap.streams["vouchers"]
    sdk.context_state(stream, {"year": 3})["checkpoint"] = {"page": 2}
    partitions = tap.state["bookmarks"]["vouchers"]["partitions"]
    assert {"context": {"year": 3}, "checkpoint": {"page": 2}} in partitions
    with capture_stdout() as out:
        sdk.write_state(stream)
    (message,) = parse_messages(out.getvalue())
    assert message["type"] == "STATE"
    assert message["value"] == json.loads(json.dumps(tap.state))


def test_tag_logger_prefixes_the_sdks_own_lines(tap, caplog):
    stream = tap.streams["units"]
    sdk.tag_logger(stream, "[tenant 42] ")
    select(tap, ["units"])
    with caplog.at_level(logging.INFO), capture_stdout():
        stream.sync()
    lines = [r.getMessage() for r in caplog.records if r.name == "tap-fortnox.units"]
    assert "[tenant 42] Beginning sync of 'units' in full_table mode" in lines


def test_invoke_tap_runs_the_given_function_on_a_validated_tap(sandbox):
    seen: list[TapFortnox] = []

    class Config:  # what the SDK's command line hands over
        def __init__(self) -> None:
            self.config = {**sandbox.tap_config(), "page_size": 3}
            self.parse_env = False

    sdk.invoke_tap(TapFortnox, seen.append, config=Config())
    assert len(seen) == 1
    assert seen[0].config["page_size"] == 3
