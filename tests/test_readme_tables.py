"""README.md's Streams and Settings tables are generated from the tap; fail when stale."""

from __future__ import annotations

import re

from tap_fortnox.streams import STREAM_TYPES
from tests.helpers.repo import README, run_script


def block(text: str, name: str) -> str:
    """The generated lines between `<!-- BEGIN name ... -->` and `<!-- END name -->`."""
    match = re.search(rf"<!-- BEGIN {name}\b[^>]*-->\n(.*?)<!-- END {name} -->", text, re.S)
    assert match, f"no {name} block"
    return match[1]


def test_readme_tables_are_current():
    result = run_script("readme_tables", "--check")
    assert result.returncode == 0, (
        "README.md tables are stale: run `python -m scripts.readme_tables`\n" + result.stdout
    )


def test_streams_table_lists_every_stream_with_key_and_scope():
    lines = block(README.read_text(), "streams").splitlines()[2:]  # after the header
    cells = [[cell.strip().strip("`") for cell in line.strip("|").split("|")] for line in lines]
    rows = [{"name": c[0], "key": c[1], "scope": c[3]} for c in cells]
    assert [row["name"] for row in rows] == sorted(s.name for s in STREAM_TYPES)
    for row in rows:
        assert row["key"].startswith("tenant_id"), row
        assert row["scope"], f"{row['name']} has no Fortnox scope"


def test_render_replaces_only_the_marked_blocks(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "intro\n<!-- BEGIN streams: x -->\nold\n<!-- END streams -->\nmiddle\n"
        "<!-- BEGIN settings: y -->\nold\n<!-- END settings -->\noutro\n"
    )
    assert run_script("readme_tables", "--readme", str(readme)).returncode == 0
    current = README.read_text()
    assert readme.read_text() == (
        f"intro\n<!-- BEGIN streams: x -->\n{block(current, 'streams')}<!-- END streams -->\n"
        f"middle\n<!-- BEGIN settings: y -->\n{block(current, 'settings')}<!-- END settings -->\n"
        "outro\n"
    )


def test_endpoints_table_in_docs_is_current():
    doc = README.parent / "docs" / "streams.md"
    assert "<!-- BEGIN endpoints" in doc.read_text()
    result = run_script("readme_tables", "--check")  # checks docs/streams.md's table too
    assert "streams.md" not in result.stdout, (
        "docs/streams.md is stale: run `python -m scripts.readme_tables`"
    )


def test_endpoints_table_names_a_reader_or_a_reason_for_every_list_get():
    from tests.helpers.endpoints import endpoint_rows, list_gets

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
