"""Reading a Fortnox response: its JSON body (parsed once, numbers as Decimal), keys in either
case, and the request path that is safe to print."""

from __future__ import annotations

import decimal
import json
from http import HTTPStatus
from typing import Any
from urllib.parse import urlparse

import requests
from requests.structures import CaseInsensitiveDict

_MISSING = object()


def json_body(response: requests.Response) -> Any:
    """The response body parsed as JSON with Decimal numbers, or None when it is not JSON.

    Parsed once per response (validation, paging and record parsing all need it).
    """
    cached = getattr(response, "_fortnox_json", _MISSING)
    if cached is not _MISSING:
        return cached
    try:
        body = json.loads(response.content or b"null", parse_float=decimal.Decimal)
    except ValueError:
        body = None
    response._fortnox_json = body  # type: ignore[attr-defined]  # kept on its response
    return body


def get_ci(mapping: Any, key: str) -> Any:
    """``mapping[key]`` ignoring case (Fortnox is not consistent); None when absent."""
    if not isinstance(mapping, dict):
        return None
    if key in mapping:  # the usual case, without a copy
        return mapping[key]
    return CaseInsensitiveDict(mapping).get(key)


def request_path(response_or_url: requests.Response | str | None) -> str:
    """The URL path only: no host, no query string (no secrets, and stable in messages)."""
    if isinstance(response_or_url, requests.Response):
        url = response_or_url.request.url if response_or_url.request else response_or_url.url
    else:
        url = response_or_url
    return urlparse(url or "").path or "/"


def status_text(response: requests.Response) -> str:
    """ "HTTP 503 Service Unavailable": the standard phrase, whatever case the server wrote."""
    try:
        reason = HTTPStatus(response.status_code).phrase
    except ValueError:
        reason = response.reason or ""
    return f"HTTP {response.status_code} {reason}".strip()
