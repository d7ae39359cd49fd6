"""Property-based: whatever body a Fortnox list endpoint answers with, the tap either yields one
record per listed object (snake_case, with tenant_id, serialisable) or raises its own one-line
error naming the stream; never an unexplained exception, never a silently dropped object.

Field names (also nested ones) are any text, also without an ASCII letter or digit (`Ö`, `@`,
`€`): the normaliser gives every name a safe snake_case form. Records are written with the tap's
own message writer, as a sync would.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.singerlib import RecordMessage

from tap_fortnox.errors import FortnoxAPIError
from tap_fortnox.paging import FortnoxPaginator
from tap_fortnox.tap import TapFortnox
from tap_fortnox.writer import FortnoxWriter
from tests.helpers.tapsync import run_tap
from tests.resilience.scripted import TENANT_ID, ScriptedFortnox

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
names = st.from_regex(r"@?[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True) | st.text(max_size=6)
field_names = st.sampled_from(["Code", "Description", "CodeEnglish", "@url"]) | names
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)
items = st.dictionaries(field_names, values, max_size=6)
meta = st.fixed_dictionaries(
    {},
    optional={
        "@TotalResources": st.integers(-1, 50) | st.text(max_size=3),
        "@TotalPages": st.integers(-1, 5) | st.text(max_size=3),
        "@CurrentPage": st.integers(-1, 5) | st.none(),
    },
)
list_bodies = st.fixed_dictionaries(
    {"Units": st.lists(items | scalars, max_size=6)}, optional={"MetaInformation": meta}
)
bodies = (
    list_bodies.map(json.dumps)
    | values.map(json.dumps)
    | st.fixed_dictionaries({"Units": values}).map(json.dumps)
    | st.binary(max_size=40).map(lambda b: b.decode("latin-1"))
    | st.just("<html><title>502 Bad Gateway</title></html>")
)
statuses = st.sampled_from([200, 200, 200, 400, 404, 429, 500, 503])


def expected_objects(body: str) -> list[dict] | None:
    """The listed objects of a well-formed list body; None for anything else."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if isinstance(parsed, dict) and "Units" not in parsed:
        return []  # `{}` or MetaInformation alone: an empty register
    units = parsed.get("Units") if isinstance(parsed, dict) else None
    if isinstance(units, dict):
        return [units]
    return [u for u in units if isinstance(u, dict)] if isinstance(units, list) else None


def assert_clear(exc: BaseException) -> None:
    assert isinstance(exc, (FortnoxAPIError, RetriableAPIError)), repr(exc)
    message = str(exc)
    assert "\n" not in message
    assert "Stream 'units'" in message or "units" in message.lower(), message


@pytest.fixture(scope="module")
def units_stream():
    tap = TapFortnox(
        config={"access_token": "fuzz", "tenant_id": TENANT_ID, "api_url": "http://127.0.0.1:9/3"}
    )
    return tap.streams["units"]


def fake_response(body: str, status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode("utf-8", "surrogatepass")
    response.headers["Content-Type"] = "application/json"
    response.request = requests.Request(
        "GET", "http://127.0.0.1:9/3/units", params={"page": 1, "limit": 5}
    ).prepare()
    response.url = response.request.url or ""
    return response


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, status=statuses)
def test_any_body_gives_records_or_a_clear_error(units_stream, body, status):
    response = fake_response(body, status)
    try:
        units_stream.validate_response(response)
        raw = list(units_stream.parse_response(response))
        records = [units_stream.post_process(dict(item)) for item in raw]
        paginator = FortnoxPaginator("Units")
        if paginator.has_more(response):
            assert isinstance(paginator.get_next(response), int)
    except Exception as exc:
        assert_clear(exc)
        return
    assert status < 400
    objects = expected_objects(body)
    assert objects is not None, "a body that is not a list page gave records"
    assert len(records) == len(objects)  # every listed object became a record
    for record in records:
        assert record["tenant_id"] == TENANT_ID
        assert all(isinstance(k, str) and k == k.lower() for k in record)
        line = FortnoxWriter().serialize_message(RecordMessage(stream="units", record=record))
        assert json.loads(bytes(line), parse_float=Decimal)["record"] == record


@pytest.fixture(scope="module")
def scripted_units():
    current: dict[str, Any] = {"body": "{}", "status": 200}
    server = ScriptedFortnox(lambda path, query: (current["status"], current["body"], {}))
    yield server, current
    server.close()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(body=list_bodies.map(json.dumps) | bodies, status=statuses)
def test_a_stream_reading_fuzzed_pages_over_http(scripted_units, body, status):
    server, current = scripted_units
    current.update(body=body, status=status)
    server.seen.clear()
    run = run_tap(server.config(max_retries=1, page_size=500), ["units"], allow_error=True)
    if run.error is not None:
        assert_clear(run.error)
        return
    objects = expected_objects(body)
    assert status < 400
    assert objects is not None
    # Every page answers the same fuzzed body; MetaInformation decides how many are read.
    pages = len(server.list_requests("/3/units"))
    assert len(run.records("units")) == len(objects) * pages
