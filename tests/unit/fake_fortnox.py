"""A small scripted Fortnox (API + token endpoint) on 127.0.0.1 for the tap's unit tests.

It serves list endpoints with `MetaInformation` paging (or without, like small registers),
detail endpoints, the `lastmodified` filter (or error 2000588 where an endpoint rejects it),
Bearer-token checks with 401s, and one-shot faults (any status/body/header, or a dropped
connection) for exercising retries, skips and error messages.
"""

from __future__ import annotations

import base64
import json
import math
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

CLIENT_ID = "fake-client"
CLIENT_SECRET = "fake-secret-" + "x9" * 10
TENANT_ID = "1234567"


def dumps(body: Any) -> bytes:
    """JSON with Decimals written as exact numbers (as Fortnox sends money)."""
    text = json.dumps(body, default=lambda o: f"__decimal__{o}__" if isinstance(o, Decimal) else o)
    return re.sub(r'"__decimal__([-0-9.Ee+]+)__"', r"\1", text).encode()


@dataclass
class Resource:
    key: str  # list selector, e.g. "Customers"
    items: list[dict]
    detail_key: str | None = None
    id_field: str | None = None
    details: dict[str, dict] = field(default_factory=dict)
    meta: bool = True  # send MetaInformation (some registers do not)
    lastmodified: str = "filter"  # "filter" | "reject" (error 2000588) | "ignore"
    modified: dict[str, str] = field(default_factory=dict)  # id -> "YYYY-MM-DD HH:MM"
    year_field: str | None = None  # filter on `financialyear=` by this item field


@dataclass
class Fault:
    path_prefix: str
    status: int = 500
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    times: int = 1


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None


class FakeFortnox:
    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.singles: dict[str, tuple[str, dict]] = {}
        self.faults: list[Fault] = []
        self.requests: list[Seen] = []
        self.valid_tokens: set[str] = set()
        self.tokens_issued = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake.handle_get(self)

            def do_POST(self) -> None:
                fake.handle_post(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_url = base + "/3"
        self.auth_url = base + "/oauth-v1"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- set-up ---------------------------------------------------------------------------

    def config(self, **overrides: Any) -> dict[str, Any]:
        """A client-credentials tap config for this server (no client-side limit)."""
        return {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "tenant_id": TENANT_ID,
            "api_url": self.api_url,
            "auth_url": self.auth_url,
            "rate_limit_requests": 0,
            **overrides,
        }

    def add_list(self, path: str, resource: Resource) -> Resource:
        self.resources[path] = resource
        return resource

    def add_single(self, path: str, key: str, body: dict) -> None:
        self.singles[path] = (key, body)

    def fail(self, path_prefix: str, status: int = 500, body: Any = None, **kw: Any) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode() if body else b""
        self.faults.append(Fault(path_prefix, status, raw, **kw))

    def revoke_all_tokens(self) -> None:
        self.valid_tokens.clear()

    def paths(self, method: str = "GET") -> list[str]:
        return [r.path for r in self.requests if r.method == method]

    # --- serving --------------------------------------------------------------------------

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        raw = body if isinstance(body, bytes) else dumps(body)
        handler.send_response(status)
        content_type = "application/json"
        for name, value in (headers or {}).items():
            if name.lower() == "content-type":
                content_type = value
            else:
                handler.send_header(name, value)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    def _fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path_prefix) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def handle_post(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        path = urlparse(handler.path).path
        self.requests.append(Seen("POST", path, form, handler.headers.get("Authorization")))
        if path != "/oauth-v1/token" or form.get("grant_type") != "client_credentials":
            self._send(handler, 400, {"error": "unsupported_grant_type"})
            return
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if handler.headers.get("Authorization") != f"Basic {expected}":
            self._send(handler, 401, {"error": "invalid_client", "error_description": "Bad"})
            return
        with self.lock:
            self.tokens_issued += 1
            token = f"tok-{self.tokens_issued}"
            self.valid_tokens.add(token)
        self._send(
            handler, 200, {"access_token": token, "expires_in": 3600, "token_type": "bearer"}
        )

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        path = url.path
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        auth = handler.headers.get("Authorization")
        self.requests.append(Seen("GET", path, query, auth))
        fault = self._fault(path)
        if fault is not None:
            if fault.drop:
                handler.close_connection = True
                handler.connection.shutdown(2)
                return
            self._send(handler, fault.status, fault.body, fault.headers)
            return
        token = (auth or "").removeprefix("Bearer ").strip()
        if token not in self.valid_tokens:
            self._send(
                handler,
                401,
                {"ErrorInformation": {"error": 1, "message": "Invalid token", "code": 2000310}},
            )
            return
        if path in self.singles:
            key, body = self.singles[path]
            self._send(handler, 200, {key: body})
            return
        if path in self.resources:
            self._list(handler, self.resources[path], query)
            return
        for prefix, resource in self.resources.items():
            if not (path.startswith(prefix + "/") and resource.detail_key):
                continue
            ident = unquote(path[len(prefix) + 1 :])
            year = query.get("financialyear")
            detail = resource.details.get(f"{year}:{ident}") or resource.details.get(ident)
            if detail is not None:
                self._send(handler, 200, {resource.detail_key: detail})
                return
        self._send(
            handler, 404, {"ErrorInformation": {"error": 1, "message": "Not found", "code": 2000}}
        )

    def _list(self, handler: BaseHTTPRequestHandler, res: Resource, query: dict) -> None:
        items = res.items
        if res.year_field and "financialyear" in query:
            items = [i for i in items if str(i.get(res.year_field)) == query["financialyear"]]
        since = query.get("lastmodified")
        if since is not None and res.lastmodified == "reject":
            self._send(
                handler,
                400,
                {
                    "ErrorInformation": {
                        "error": 1,
                        "message": "Ogiltig parameter i anropet.",
                        "code": 2000588,
                    }
                },
            )
            return
        if since is not None and res.lastmodified == "filter":
            items = [i for i in items if res.modified.get(str(i.get(res.id_field)), "") >= since]
        if not res.meta:
            self._send(handler, 200, {res.key: items})
            return
        limit = int(query.get("limit", 100))
        page = int(query.get("page", 1))
        total_pages = math.ceil(len(items) / limit) if items else 0
        chunk = items[(page - 1) * limit : page * limit]
        self._send(
            handler,
            200,
            {
                "MetaInformation": {
                    "@TotalResources": len(items),
                    "@TotalPages": total_pages,
                    "@CurrentPage": page,
                },
                res.key: chunk,
            },
        )
