"""README.md's Streams and Settings tables are generated from the tap; fail when stale."""

from __future__ import annotations

from scripts.readme_tables import render, rendered, stream_rows


def test_readme_tables_are_current():
    current, fresh = rendered()
    assert current == fresh, "README.md tables are stale: run `python -m scripts.readme_tables`"


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
