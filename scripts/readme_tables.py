"""Generate the README's "Streams" and "Settings" tables from the tap itself.

- Streams: one row per stream class registered by ``TapFortnox`` (name, primary key, replication
  method, the Fortnox scope it needs, its parent stream).
- Settings: the settings table of ``tap-fortnox --about --format markdown``.
- Endpoints (in docs/streams.md): every list GET of Fortnox's OpenAPI document, with the
  streams that read it or why it is left out (tests/helpers/endpoints.py).

Each table sits between ``<!-- BEGIN name ... -->`` and ``<!-- END name -->`` in README.md.

    python -m scripts.readme_tables          # rewrite the tables
    python -m scripts.readme_tables --check  # exit 1 when README.md is stale (used by the tests)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from scripts.plugin_settings import ROOT, about
from tests.helpers.endpoints import endpoints_markdown

README = ROOT / "README.md"
STREAMS_DOC = ROOT / "docs" / "streams.md"


def stream_rows() -> list[dict[str, str]]:
    """Facts about each stream, read from the tap's stream classes (no network, no config)."""
    from tap_fortnox.tap import TapFortnox

    tap = TapFortnox(config={}, validate_config=False, setup_mapper=False)
    rows = []
    for stream in tap.streams.values():
        parent = stream.parent_stream_type
        rows.append(
            {
                "name": stream.name,
                "key": ", ".join(stream.primary_keys or []),
                "replication": replication(stream),
                "scope": stream.scope or "",
                "parent": parent.name if parent is not None else "",
            }
        )
    return sorted(rows, key=lambda row: row["name"])


def replication(stream: Any) -> str:
    """How a stream is synced, in the words Fortnox users know."""
    if stream.parent_stream_type is not None and not stream.replication_key:
        return "with its parent"
    if stream.replication_key:
        return "incremental (`lastmodified`)"
    return "full table"


def streams_markdown() -> str:
    lines = [
        "| stream | primary key | replication | scope | parent |",
        "|---|---|---|---|---|",
    ]
    for row in stream_rows():
        cells = [
            f"`{row['name']}`",
            row["key"],
            row["replication"],
            f"`{row['scope']}`" if row["scope"] else "",
            f"`{row['parent']}`" if row["parent"] else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def settings_markdown() -> str:
    """The settings part of the SDK's markdown --about (table and the closing hint)."""
    text = about("markdown")
    match = re.search(r"^## Settings\s*\n(.*)", text, flags=re.S | re.M)
    if not match:
        raise RuntimeError("`tap-fortnox --about --format markdown` has no '## Settings' section")
    body = match.group(1)
    following = re.search(r"^## ", body, flags=re.M)  # stop at the next section, if any
    body = body[: following.start()] if following else body
    return body.strip() + "\n"


def render(readme: str, tables: dict[str, str]) -> str:
    for name, table in tables.items():
        pattern = re.compile(rf"(<!-- BEGIN {name}\b[^>]*-->\n)(.*?)(<!-- END {name} -->)", re.S)
        if not pattern.search(readme):
            raise RuntimeError(f"README.md has no <!-- BEGIN {name} --> ... <!-- END {name} -->")
        readme = pattern.sub(lambda m, table=table: m.group(1) + table + m.group(3), readme)
    return readme


def rendered(readme: Path = README) -> tuple[str, str]:
    """(current README, README with fresh tables)."""
    current = readme.read_text()
    fresh = render(current, {"streams": streams_markdown(), "settings": settings_markdown()})
    return current, fresh


def rendered_streams_doc() -> tuple[str, str]:
    """(current docs/streams.md, with a fresh endpoints table)."""
    current = STREAMS_DOC.read_text()
    return current, render(current, {"endpoints": endpoints_markdown()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    parser.add_argument("--readme", type=Path, default=README, help="the file (README.md)")
    args = parser.parse_args(argv)
    stale = 0
    for path, (current, fresh) in (
        (args.readme, rendered(args.readme)),
        (STREAMS_DOC, rendered_streams_doc()),
    ):
        if current == fresh:
            continue
        stale += 1
        if args.check:
            print(f"{path.name} tables are stale: run `python -m scripts.readme_tables`")
        else:
            path.write_text(fresh)
            print(f"{path.name} tables updated")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
