"""The plumbing of the tests' hand-scripted HTTP doubles (the unit Fortnox, the token endpoint,
the scripted Fortnox): a pytest-httpserver on 127.0.0.1 that hands every request to one Python
function. The doubles keep only what they answer; serving, threads and shutdown are the
library's. The sandbox is the other kind of double: a full simulator, its own distribution."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import simplejson
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.datastructures import Headers

Handler = Callable[[Request], Response]


def serve(handler: Handler) -> HTTPServer:
    """A started server answering every method and path with ``handler`` (threaded: the tap
    sends requests from several threads, over keep-alive connections)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request(re.compile(".*")).respond_with_handler(handler)
    server.start()
    return server


def stop(server: HTTPServer) -> None:
    """Stop the server; a test may already have stopped it (to see a refused connection)."""
    if server.is_running():
        server.clear()
        server.stop()


def base_url(server: HTTPServer) -> str:
    return f"http://127.0.0.1:{server.port}"


def raw_path(request: Request) -> str:
    """The path as the client sent it, percent-escapes kept (``request.path`` decodes them)."""
    return urlsplit(request.environ["RAW_URI"]).path


def reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer, Decimals written as exact numbers (as Fortnox sends money); ``bytes`` and
    ``str`` bodies go out as they are (broken bodies included)."""
    raw = body if isinstance(body, bytes | str) else simplejson.dumps(body, use_decimal=True)
    sent = Headers({"Content-Type": "application/json"})
    sent.update(headers or {})  # case-insensitive: a fault's own Content-Type replaces JSON's
    return Response(raw, status=status, headers=sent)


def drop(request: Request) -> Response:
    """Close the connection without an answer, like a server whose reply was lost on the way."""
    request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
    return Response(status=500)  # never arrives: the server drops the write silently
