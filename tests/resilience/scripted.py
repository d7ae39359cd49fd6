"""A Fortnox stand-in whose every answer a test scripts: `respond(path, query)` returns the
status, body and headers. For bodies the sandbox never sends (MetaInformation that disagrees with
the content, odd field types, fuzzed JSON). The tap reaches it with a static access token."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

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
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                split = urlsplit(self.path)
                query = dict(parse_qsl(split.query))
                with scripted._lock:
                    scripted.seen.append((split.path, query))
                status, body, headers = scripted.respond(split.path, query)
                raw = (
                    body
                    if isinstance(body, bytes)
                    else body.encode()
                    if isinstance(body, str)
                    else json.dumps(body).encode()
                )
                self.send_response(status)
                headers = {"Content-Type": "application/json", **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.api_url = f"http://127.0.0.1:{self.server.server_address[1]}/3"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

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
        self.server.shutdown()
        self.server.server_close()
