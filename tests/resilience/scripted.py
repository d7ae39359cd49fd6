"""A Fortnox stand-in whose every answer a test scripts: `respond(path, query)` returns the
status, body and headers. For bodies the sandbox never sends (MetaInformation that disagrees with
the content, odd field types, fuzzed JSON). The tap reaches it with a static access token."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response

from tests.helpers import http_double

Reply = tuple[int, bytes | str | dict | list, dict[str, str]]
Responder = Callable[[str, dict[str, str]], Reply]

TENANT_ID = "7654321"


def page_body(key: str, items: list[dict], page: int, total_pages: int, total: int) -> dict:
    return {
        "MetaInformation": {
            "@TotalResources": total,
            "@TotalPages": total_pages,
            "@CurrentPage": page,
        },
        key: items,
    }


class ScriptedFortnox:
    def __init__(self, respond: Responder) -> None:
        self.respond = respond
        self.seen: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self.server = http_double.serve(self._handle)
        self.api_url = http_double.base_url(self.server) + "/3"

    def _handle(self, request: Request) -> Response:
        path, query = http_double.raw_path(request), request.args.to_dict()
        with self._lock:
            self.seen.append((path, query))
        status, body, headers = self.respond(path, query)
        return http_double.reply(status, body, headers)

    def config(self, **overrides: Any) -> dict[str, Any]:
        return {
            "access_token": "scripted-static-token",
            "tenant_id": TENANT_ID,
            "api_url": self.api_url,
            "rate_limit_requests": 0,
            "max_retries": 3,
            **overrides,
        }

    def list_requests(self, path: str) -> list[dict[str, str]]:
        return [query for seen_path, query in self.seen if seen_path == path]

    def close(self) -> None:
        http_double.stop(self.server)
