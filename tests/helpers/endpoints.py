"""Fortnox's list endpoints and the read-only rule, from the vendored OpenAPI document.

- `list_gets()`: every GET of the document whose path does not end in a parameter (its list
  endpoints, actions such as `print` among them).
- `endpoint_rows()`: each of them with the streams that read it or the reason the tap leaves
  it out (docs/streams.md's generated table; readme_tables.py writes it).
- `is_read_only(method, path)`: the rule the tap keeps (README, docs/files.md): a request is
  a GET of a path the document declares, and not one of the actions that change a document
  (`print` marks an invoice printed, `email` sends it, ...), or the OAuth token request.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from tests.helpers.repo import SPEC_PATH as SPEC

TOKEN_PATH = "/oauth-v1/token"

#: GETs that change something in Fortnox (mark a document printed or sent, send it).
CHANGING_ACTIONS = {
    "print": "an action: marks the document printed (`preview` is the read-only PDF)",
    "printreminder": "an action: prints a reminder and marks it sent",
    "email": "an action: e-mails the document and marks it sent",
    "eprint": "an action: sends the invoice by Fortnox's e-print service",
    "einvoice": "an action: sends the invoice as an e-invoice",
}
#: Why a list GET is left out, by path (first match of a regular expression wins).
LEFT_OUT: tuple[tuple[str, str], ...] = (
    (r"/preview$", "a document's PDF, not a list (one request per document)"),
    (r"^/3/me$", "the caller's own user, not company data"),
    (r"^/api/integration-developer/", "a developer-only API (the app's ratings)"),
    (r"/csv$", "a CSV export of a list read as JSON"),
    (r"/numberofattachments$", "counts per document of what the attachments list holds"),
    (
        r"^/api/fileattachments/attachments-v1$",
        "needs the ids of the documents to ask about (no list of all); not read yet",
    ),
    (r"^/3/vouchers/sublist$", "the vouchers of one series: the `vouchers` list has them"),
)


@cache
def document() -> dict[str, Any]:
    return json.loads(SPEC.read_text(encoding="utf-8"))


def list_gets() -> list[str]:
    return sorted(
        path
        for path, item in document()["paths"].items()
        if "get" in item and not path.rstrip("/").endswith("}")
    )


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)) + "/?$")


@cache
def _get_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(
        _pattern(path)
        for path, item in document()["paths"].items()
        if "get" in item and path.rstrip("/").rsplit("/", 1)[-1] not in CHANGING_ACTIONS
    )


def is_read_only(method: str, path: str) -> bool:
    """Whether a request (method and URL path from the host root) changes nothing."""
    if method == "POST" and path == TOKEN_PATH:
        return True
    return method == "GET" and any(p.match(path) for p in _get_patterns())


def stream_endpoint(stream: Any) -> str | None:
    """The list GET a stream reads (its `path` below `/3`, or an `/api/` path as declared)."""
    path = str(getattr(stream, "path", "") or "")
    if not path:
        return None
    return path if path.startswith("/api/") else "/3" + path


def endpoint_rows() -> list[dict[str, str]]:
    """Each list GET with the streams that read it, or the reason it is left out."""
    from tap_fortnox.documents import RowStream
    from tap_fortnox.streams import STREAM_TYPES

    readers: dict[str, list[str]] = {}
    for stream in STREAM_TYPES:
        endpoint = stream_endpoint(stream)
        if endpoint and not issubclass(stream, RowStream):
            readers.setdefault(endpoint, []).append(stream.name)
    rows = []
    for path in list_gets():
        names = sorted(readers.get(path, []))
        action = path.rsplit("/", 1)[-1]
        if names:
            reason = ""
        elif action in CHANGING_ACTIONS:
            reason = CHANGING_ACTIONS[action]
        else:
            reason = next((why for rx, why in LEFT_OUT if re.search(rx, path)), "not read yet")
        rows.append({"path": path, "streams": ", ".join(names), "reason": reason})
    return rows


def endpoints_markdown() -> str:
    rows = endpoint_rows()
    read = sum(bool(row["streams"]) for row in rows)
    lines = [
        f"{len(rows)} list GETs in Fortnox's OpenAPI document; the tap reads {read}.",
        "",
        "| endpoint | read by | left out because |",
        "|---|---|---|",
    ]
    for row in rows:
        streams = ", ".join(f"`{name}`" for name in row["streams"].split(", ") if name)
        lines.append(f"| `{row['path']}` | {streams} | {row['reason']} |")
    return "\n".join(lines) + "\n"
