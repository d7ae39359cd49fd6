"""HTTP transport: a threading HTTP/1.1 server with keep-alive that routes to OAuth, the /3/ API
and the /_sandbox/ control surface, and applies faults, authentication, the rate limit and the
request counters on the way.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import time
import traceback
from collections.abc import Iterator
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fortnox_sandbox.model.tenant import Tenants

from . import control, errors
from .api import Api, Settings, Streamed
from .counters import Counters
from .faults import Faults
from .oauth import parse_form


class Site(control.Controlled):
    """What the server routes to: the `Sandbox`, typed by shape (it builds this server, so
    importing it here would make an import circle)."""

    api: Api
    settings: Settings
    tenants: Tenants
    faults: Faults
    request_counts: Counters


HTML_503 = (
    b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head>"
    b"<body><h1>Service Unavailable</h1><p>Fortnox is temporarily unavailable.</p></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FortnoxSandbox/1.0"
    sandbox: Site  # set on the subclass made by make_server

    def setup(self) -> None:
        super().setup()
        # One write per response plus no Nagle delay: keep-alive requests do not stall.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.connections.add(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        self.server.connections.discard(self.connection)  # type: ignore[attr-defined]
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the counters say what happened

    def _safely(self, method: str) -> None:
        try:
            dispatch(self.sandbox, self, method)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:  # a sandbox bug must answer like a Fortnox outage, not hang up
            traceback.print_exc(file=sys.stderr)
            self.sandbox.request_counts.count(urlsplit(self.path).path, 500)
            with contextlib.suppress(OSError):
                send(self, 500, errors.error_body(errors.SYSTEM_ERROR))

    def do_GET(self) -> None:
        self._safely("GET")

    def do_POST(self) -> None:
        self._safely("POST")

    def do_PUT(self) -> None:
        self._safely("PUT")

    def do_DELETE(self) -> None:
        self._safely("DELETE")


def _head(
    handler: BaseHTTPRequestHandler,
    status: int,
    content_type: str,
    framing: str,
    headers: tuple[tuple[str, str], ...],
) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
        f"Content-Type: {content_type}" if content_type else "",
        framing,
        f"Date: {formatdate(usegmt=True)}",
        "Server: FortnoxSandbox/1.0",
    ]
    lines += [f"{k}: {v}" for k, v in headers]
    if handler.close_connection:
        lines.append("Connection: close")
    return ("\r\n".join(line for line in lines if line) + "\r\n\r\n").encode("latin-1")


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    headers: tuple[tuple[str, str], ...] = (),
    cut: bool = False,
) -> None:
    """One write per response; `cut` (a truncated fault) sends half the announced body and
    closes the connection."""
    content_type = f"{content_type}; charset=utf-8" if content_type else ""
    head = _head(handler, status, content_type, f"Content-Length: {len(body)}", headers)
    if cut:
        handler.close_connection = True
        body = body[: len(body) // 2]
    handler.wfile.write(head + body)


def send_stream(
    handler: BaseHTTPRequestHandler,
    status: int,
    chunks: Iterator[bytes],
    content_type: str,
    cut: bool = False,
) -> None:
    """A body written as it is generated (never whole in memory), in chunked transfer encoding;
    `cut` leaves out the final chunk and closes the connection, as a broken download looks."""
    handler.wfile.write(_head(handler, status, content_type, "Transfer-Encoding: chunked", ()))
    try:
        for chunk in chunks:
            if chunk:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    except (ConnectionError, TimeoutError):
        raise
    except Exception:  # the status line is out: a broken body is all a client can be told
        traceback.print_exc(file=sys.stderr)
        cut = True
    if cut:
        handler.close_connection = True
        return
    handler.wfile.write(b"0\r\n\r\n")


def dispatch(sb: Site, handler: BaseHTTPRequestHandler, method: str) -> None:
    split = urlsplit(handler.path)
    path = split.path
    query: dict[str, str] = {}
    for key, value in parse_qsl(split.query, keep_blank_values=True):
        # a repeated parameter (an exploded array: entityid=1&entityid=2) as "1,2"
        query[key] = f"{query[key]},{value}" if key in query else value
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    if path.startswith("/_sandbox/"):
        status, reply = control.handle(sb, method, path, query, body)
        send(handler, status, json.dumps(reply, ensure_ascii=False).encode("utf-8"))
        return
    fault = sb.faults.take(path)
    damage = None  # a fault that damages the reply's body: "malformed" or "truncated"
    if fault is not None:
        if fault.kind == "drop":
            sb.request_counts.count(path, 0, method=method)
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.kind == "slow":
            time.sleep(fault.delay)
        elif fault.kind == "status":
            sb.request_counts.count(path, fault.status, method=method)
            send(
                handler,
                fault.status,
                errors.error_body(errors.SYSTEM_ERROR, pascal=sb.settings.pascal_errors),
            )
            return
        elif fault.kind == "html503":
            sb.request_counts.count(path, 503, method=method)
            send(handler, 503, HTML_503, "text/html")
            return
        else:
            damage = fault.kind
    status, payload, content_type, headers, tenant = _route(sb, handler, method, path, query, body)
    sb.request_counts.count(path, status, tenant, method)
    if callable(payload):
        send_stream(handler, status, payload(damage), content_type, damage == "truncated")
        return
    if damage == "malformed":
        payload = payload[: max(1, len(payload) // 2)]
    send(handler, status, payload, content_type, headers, damage == "truncated")


def _route(
    sb: Site,
    handler: BaseHTTPRequestHandler,
    method: str,
    path: str,
    query: dict[str, str],
    body: bytes,
) -> tuple[int, bytes | Streamed, str, tuple[tuple[str, str], ...], str | None]:
    """(status, body or a streamed body, content type, headers, tenant id)."""
    pascal = sb.settings.pascal_errors
    if path.startswith("/oauth-v1/"):
        endpoint = path[len("/oauth-v1/") :].strip("/")
        if endpoint == "token" and method == "POST":
            reply = sb.oauth.token(
                parse_form(body),
                handler.headers.get("Authorization"),
                handler.headers.get("TenantId"),
            )
        elif endpoint == "auth" and method == "GET":
            reply = sb.oauth.authorize(query)
        elif endpoint == "revoke" and method == "POST":
            reply = sb.oauth.revoke(parse_form(body), handler.headers.get("Authorization"))
        else:
            return (
                404,
                errors.error_body(errors.NOT_FOUND, path, pascal),
                "application/json",
                (),
                None,
            )
        return (
            reply.status,
            reply.body,
            "application/json" if reply.body else "",
            reply.headers,
            None,
        )
    if path == "/3" or path.startswith(("/3/", "/api/")):
        auth = handler.headers.get("Authorization") or ""
        info = sb.oauth.verify(auth[7:].strip()) if auth.lower().startswith("bearer ") else None
        if info is None or info.tenant_id not in sb.tenants:
            return (
                401,
                errors.error_body(errors.INVALID_LOGIN, pascal=pascal),
                "application/json",
                (),
                None,
            )
        if not sb.limiter.allow(info.client_id, info.tenant_id):
            limit = f"{sb.limiter.requests} requests per {sb.limiter.window:g} seconds"
            message = f"Too many requests: the limit is {limit} per client id and tenant"
            return (
                429,
                json.dumps({"message": message}).encode(),
                "application/json",
                (),
                info.tenant_id,
            )
        if method != "GET":
            detail = f"{method} stöds inte, sandlådan är skrivskyddad"
            body_out = errors.error_body(errors.METHOD_NOT_ALLOWED, detail, pascal)
            return 405, body_out, "application/json", (), info.tenant_id
        if path.startswith("/api/") and not sb.api.serves(path):  # warehouse, time reporting
            reply = sb.services.get(sb.tenants[info.tenant_id], path, query, info.scopes)
            return reply.status, reply.body, "application/json", reply.headers, info.tenant_id
        result = sb.api.get(sb.tenants[info.tenant_id], path, query, info.scopes)
        payload = result.stream or result.body
        return result.status, payload, result.content_type, (), info.tenant_id
    return 404, errors.error_body(errors.NOT_FOUND, path, pascal), "application/json", (), None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[Handler]) -> None:
        self.connections: set[socket.socket] = set()
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-request (a killed tap) is not an error of the sandbox."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """End open keep-alive connections (after shutdown, so none are added meanwhile)."""
        for conn in list(self.connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


def make_server(sb: Site, host: str, port: int) -> Server:
    handler = type("SandboxHandler", (Handler,), {"sandbox": sb})
    return Server((host, port), handler)
