"""README.md's Streams and Settings tables are generated from the tap; fail when stale."""

from __future__ import annotations

from scripts.readme_tables import render, rendered, stream_rows


def test_readme_tables_are_current():
    current, fresh = rendered()
    assert current == fresh, "README.md tables are stale: run `python scripts/readme_tables.py`"


def test_streams_table_lists_every_stream_with_key_and_scope():
    from tap_fortnox.streams import STREAM_TYPES

    rows = stream_rows()
    assert [row["name"] for row in rows] == sorted(s.name for s in STREAM_TYPES)
    for row in rows:
        assert row["key"].startswith("tenant_id"), row
        assert row["scope"], f"{row['name']} has no Fortnox scope"


def test_render_replaces_only_the_marked_block():
    readme = "intro\n<!-- BEGIN streams: x -->\nold\n<!-- END streams -->\noutro\n"
    assert render(readme, {"streams": "new\n"}) == (
        "intro\n<!-- BEGIN streams: x -->\nnew\n<!-- END streams -->\noutro\n"
    )


def test_endpoints_table_in_docs_is_current():
    from scripts.readme_tables import rendered_streams_doc

    current, fresh = rendered_streams_doc()
    assert current == fresh, "docs/streams.md is stale: run `python scripts/readme_tables.py`"


def test_endpoints_table_names_a_reader_or_a_reason_for_every_list_get():
    from scripts.endpoints import endpoint_rows, list_gets

    rows = endpoint_rows()
    assert [row["path"] for row in rows] == list_gets()
    assert len(rows) == 89  # the vendored document's list GETs (issue #19)
    for row in rows:
        assert bool(row["streams"]) != bool(row["reason"]), row
    by_path = {row["path"]: row for row in rows}
    assert by_path["/3/invoices"]["streams"] == "invoices"
    assert by_path["/3/invoices/{DocumentNumber}/print"]["reason"].startswith("an action")
    assert by_path["/3/me"]["reason"].startswith("the caller's own user")
    assert "developer-only" in by_path["/api/integration-developer/ratings-v1"]["reason"]
