"""Small HTTP helpers for the sandbox tests (stdlib only, so they test the sandbox alone)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


def request(
    url: str,
    token: str | None = None,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """(status, parsed JSON body or raw text, headers) without raising on HTTP errors."""
    hdrs = dict(headers or {})
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status, raw, resp_headers = resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        status, raw, resp_headers = exc.code, exc.read(), dict(exc.headers)
    text = raw.decode("utf-8")
    try:
        return status, json.loads(text), resp_headers
    except ValueError:
        return status, text, resp_headers


def get(sb, path: str, token: str | None = None, **params: Any) -> tuple[int, Any]:
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    status, body, _ = request(f"{sb.api_url}{path}{query}", token or sb.new_access_token())
    return status, body


def token_request(sb, form: dict[str, str], tenant: str | None = None, secret: str | None = None):
    basic = base64.b64encode(f"{sb.client_id}:{secret or sb.client_secret}".encode()).decode()
    headers = {
        "Authorization": f"Basic {basic}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if tenant is not None:
        headers["TenantId"] = tenant
    status, body, _ = request(
        f"{sb.auth_url}/token",
        method="POST",
        data=urllib.parse.urlencode(form).encode(),
        headers=headers,
    )
    return status, body
