"""Bodies Fortnox should not send but a tap must survive: MetaInformation that disagrees with
the content, malformed JSON, unexpected field types and unknown fields. Either every record
arrives (with a warning where a value had to change) or the sync fails with the tap's one-line
error; never a silent loss or an unexplained crash."""

from __future__ import annotations

import logging

import pytest

from tap_fortnox.errors import FortnoxAPIError
from tests.helpers.tapsync import run_cli, run_tap, write_inputs
from tests.resilience.scripted import TENANT_ID, ScriptedFortnox, page_body

LIMIT = 5
UNITS = [{"Code": f"U{i:02}", "Description": f"unit {i}", "CodeEnglish": "u"} for i in range(12)]


def unit_pages(meta_pages, current_page=None, items=UNITS, key="Units"):
    """A /units list whose MetaInformation says `meta_pages(page)` pages."""

    def respond(path, query):
        if path != "/3/units":
            return 404, {"ErrorInformation": {"code": 2000433, "message": "not found"}}, {}
        page, limit = int(query.get("page", 1)), int(query["limit"])
        chunk = items[(page - 1) * limit : page * limit]
        current = page if current_page is None else current_page
        return 200, page_body(key, chunk, current, meta_pages(page), len(items)), {}

    return respond


@pytest.fixture
def scripted():
    servers = []

    def make(respond) -> ScriptedFortnox:
        server = ScriptedFortnox(respond)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def codes(run) -> list[str]:
    return [r["code"] for r in run.records("units")]


def test_total_pages_smaller_than_the_content_still_reads_every_record(scripted):
    # Says one page while @TotalResources (12) and a full first page say there is more.
    server = scripted(unit_pages(lambda _page: 1))
    run = run_tap(server.config(page_size=LIMIT), ["units"])
    assert codes(run) == [u["Code"] for u in UNITS]


def test_total_pages_larger_than_the_content_ends_without_duplicates(scripted):
    server = scripted(unit_pages(lambda _page: 9))
    run = run_tap(server.config(page_size=LIMIT), ["units"])
    assert codes(run) == [u["Code"] for u in UNITS]
    assert len(server.list_requests("/3/units")) <= 9


def test_a_server_stuck_on_one_current_page_fails_instead_of_looping(scripted):
    # @CurrentPage always 1: page 2 is refused (retried, then one clear error) before any of
    # its records is emitted, so nothing is emitted twice.
    server = scripted(unit_pages(lambda _page: 3, current_page=1))
    run = run_tap(server.config(page_size=LIMIT, max_retries=2), ["units"], allow_error=True)
    assert isinstance(run.error, FortnoxAPIError), repr(run.error)
    message = str(run.error)
    assert "\n" not in message
    assert "Stream 'units'" in message
    assert "/3/units" in message
    assert "@CurrentPage 1" in message
    assert codes(run) == [u["Code"] for u in UNITS[:LIMIT]]  # page 1, once
    assert [q["page"] for q in server.list_requests("/3/units")] == ["1", "2", "2"]


def test_the_cli_reports_a_stuck_server_in_one_line_and_keeps_what_it_emitted(scripted, tmp_path):
    currencies = [{"Code": "SEK", "Description": "Svenska kronor"}]
    stuck = unit_pages(lambda _page: 3, current_page=1)

    def respond(path, query):
        if path == "/3/currencies":
            return 200, page_body("Currencies", currencies, 1, 1, 1), {}
        return stuck(path, query)

    server = scripted(respond)
    config = server.config(page_size=LIMIT, max_retries=1)
    run = run_cli(write_inputs(tmp_path, config, ["currencies", "units"]))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]  # the run ends with the one clear line
    assert "ERROR" in last
    assert "Stream 'units': GET /3/units asked for page 2 and got @CurrentPage 1" in last
    # What was emitted before the failure stands: the finished stream and its STATE, page 1.
    assert [r["code"] for r in run.records("currencies")] == ["SEK"]
    assert run.states
    assert len(run.records("units")) == LIMIT


def test_meta_information_with_resources_but_no_list_is_not_an_empty_register(scripted):
    def respond(path, query):
        return (
            200,
            {
                "MetaInformation": {"@TotalResources": 12, "@TotalPages": 3, "@CurrentPage": 1},
                "Unitz": UNITS[:5],
            },
            {},
        )

    server = scripted(respond)
    run = run_tap(server.config(page_size=LIMIT, max_retries=2), ["units"], allow_error=True)
    assert isinstance(run.error, FortnoxAPIError), repr(run.error)
    message = str(run.error)
    assert "Stream 'units'" in message
    assert "/3/units" in message
    assert "@TotalResources 12" in message
    assert "'Units'" in message
    assert run.records("units") == []
    assert not run.state.get("bookmarks", {}).get("units", {}).get("replication_key_value")


def test_a_list_missing_once_is_read_on_the_retry(scripted):
    pages = unit_pages(lambda _page: 3)
    answered = []

    def respond(path, query):
        answered.append(query.get("page"))
        if len(answered) == 2:  # page 2's first answer lacks the list: a glitch
            return 200, {"MetaInformation": {"@TotalResources": 12}}, {}
        return pages(path, query)

    server = scripted(respond)
    run = run_tap(server.config(page_size=LIMIT), ["units"])
    assert codes(run) == [u["Code"] for u in UNITS]
    assert answered == ["1", "2", "2", "3"]


def test_malformed_json_fails_with_a_clear_message_naming_stream_and_path(scripted):
    server = scripted(lambda path, query: (200, '{"Units": [{"Code": "U', {}))
    run = run_tap(server.config(), ["units"], allow_error=True)
    assert isinstance(run.error, FortnoxAPIError)
    message = str(run.error)
    assert "\n" not in message
    assert "Stream 'units'" in message
    assert "/3/units" in message
    assert "JSON" in message
    assert len(server.list_requests("/3/units")) == 3  # retried (max_retries 3), then gave up


def test_a_list_that_is_not_a_list_fails_clearly(scripted):
    server = scripted(lambda path, query: (200, {"Units": "not a list"}, {}))
    run = run_tap(server.config(), ["units"], allow_error=True)
    assert isinstance(run.error, FortnoxAPIError), repr(run.error)
    assert "Stream 'units'" in str(run.error)


def test_unexpected_field_types_are_coerced_or_reported(scripted, caplog):
    odd = [
        {"Code": 7, "Description": 12.5, "CodeEnglish": None},  # numbers where text belongs
        {"Code": "U2", "Description": {"nested": True}, "CodeEnglish": ["x"]},
    ]
    server = scripted(unit_pages(lambda _page: 1, items=odd))
    with caplog.at_level(logging.WARNING):
        run = run_tap(server.config(page_size=LIMIT), ["units"])
    records = run.records("units")
    assert [r["code"] for r in records] == ["7", "U2"]
    assert records[0]["description"] == "12.5"
    assert all(r["tenant_id"] == TENANT_ID for r in records)
    # An object where text belongs cannot be kept as text: it may become null, but not silently.
    if records[1]["description"] is None:
        assert "description" in caplog.text


def test_an_unknown_field_is_reported_and_the_record_kept(scripted, caplog):
    items = [{**UNITS[0], "BrandNewField": "x"}]
    server = scripted(unit_pages(lambda _page: 1, items=items))
    with caplog.at_level(logging.WARNING):
        run = run_tap(server.config(page_size=LIMIT), ["units"])
    assert codes(run) == ["U00"]
    assert "brand_new_field" in caplog.text


def test_non_object_list_items_are_not_dropped_silently(scripted, caplog):
    items = [UNITS[0], "garbage", 42, UNITS[1]]
    server = scripted(unit_pages(lambda _page: 1, items=items))
    with caplog.at_level(logging.WARNING):
        run = run_tap(server.config(page_size=LIMIT), ["units"], allow_error=True)
    if run.error is None:
        assert codes(run) == ["U00", "U01"]
        assert "garbage" in caplog.text or "not an object" in caplog.text, caplog.text[-500:]
    else:
        assert isinstance(run.error, FortnoxAPIError)
