"""A small scripted Fortnox API on 127.0.0.1 for the tap's unit tests (its token endpoint is the
tests' one double, tests/helpers/oauth_double.py).

It serves list endpoints with `MetaInformation` paging (or without, like small registers),
detail endpoints, the `lastmodified` filter (or error 2000588 where an endpoint rejects it),
Bearer-token checks with 401s, and one-shot faults (any status/body/header, or a dropped
connection) for exercising retries, skips and error messages.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from werkzeug import Request, Response

from tests.helpers import http_double
from tests.helpers.http_double import reply
from tests.helpers.oauth_double import CLIENT_ID, CLIENT_SECRET, FakeOAuth

TENANT_ID = "1234567"


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
        self.lock = threading.Lock()
        self.oauth = FakeOAuth(tenant_id=TENANT_ID)  # the token endpoint, a server of its own
        self.server = http_double.serve(self.handle)
        self.api_url = http_double.base_url(self.server) + "/3"
        self.auth_url = self.oauth.auth_url

    def close(self) -> None:
        http_double.stop(self.server)
        self.oauth.close()

    @property
    def valid_tokens(self) -> set[str]:
        """The access tokens the API accepts (a test may add a static one)."""
        return self.oauth.valid_tokens

    @property
    def tokens_issued(self) -> int:
        return len(self.oauth.issued)

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
        self.oauth.revoke_all_tokens()

    def paths(self, method: str = "GET") -> list[str]:
        return [r.path for r in self.requests if r.method == method]

    # --- serving --------------------------------------------------------------------------

    def _fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path_prefix) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def handle(self, request: Request) -> Response:
        path = http_double.raw_path(request)
        query = request.args.to_dict()
        auth = request.headers.get("Authorization")
        self.requests.append(Seen("GET", path, query, auth))
        fault = self._fault(path)
        if fault is not None:
            if fault.drop:
                return http_double.drop(request)
            return reply(fault.status, fault.body, fault.headers)
        token = (auth or "").removeprefix("Bearer ").strip()
        if token not in self.valid_tokens:
            return reply(
                401,
                {"ErrorInformation": {"error": 1, "message": "Invalid token", "code": 2000310}},
            )
        if path in self.singles:
            key, body = self.singles[path]
            return reply(200, {key: body})
        if path in self.resources:
            return self._list(self.resources[path], query)
        for prefix, resource in self.resources.items():
            if not (path.startswith(prefix + "/") and resource.detail_key):
                continue
            ident = unquote(path[len(prefix) + 1 :])
            year = query.get("financialyear")
            detail = resource.details.get(f"{year}:{ident}") or resource.details.get(ident)
            if detail is not None:
                return reply(200, {resource.detail_key: detail})
        return reply(404, {"ErrorInformation": {"error": 1, "message": "Not found", "code": 2000}})

    def _list(self, res: Resource, query: dict) -> Response:
        items = res.items
        if res.year_field and "financialyear" in query:
            items = [i for i in items if str(i.get(res.year_field)) == query["financialyear"]]
        since = query.get("lastmodified")
        if since is not None and res.lastmodified == "reject":
            return reply(
                400,
                {
                    "ErrorInformation": {
                        "error": 1,
                        "message": "Ogiltig parameter i anropet.",
                        "code": 2000588,
                    }
                },
            )
        if since is not None and res.lastmodified == "filter":
            items = [i for i in items if res.modified.get(str(i.get(res.id_field)), "") >= since]
        if not res.meta:
            return reply(200, {res.key: items})
        limit = int(query.get("limit", 100))
        page = int(query.get("page", 1))
        total_pages = math.ceil(len(items) / limit) if items else 0
        chunk = items[(page - 1) * limit : page * limit]
        return reply(
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
