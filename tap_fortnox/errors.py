"""Fortnox error bodies -> one-line, secret-free messages and the exceptions the streams act on.

Fortnox answers errors as `{"ErrorInformation": {"error", "message", "code"}}` with the keys in
either case, OAuth-style `{"error", "error_description"}`, the `/api/` families' WebException
`{"error": <code string>, "message", "id"}`, a bare `{"message"}`, or an HTML page
when a proxy or the API itself is down. Messages name the stream, the request path (never the
query string or headers, which is where tokens could be), the HTTP status and Fortnox's code and
message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests
import urllib3.exceptions
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from urllib3.util import Retry

from tap_fortnox.responses import get_ci, json_body, request_path, status_text

# Fortnox codes for "the company has no licence for this scope", "no API licence at all" and
# "the token lacks the scope" (fortnox-api.md section 5.4 and the Fortnox error list).
SCOPE_ERROR_CODES = frozenset({2001101, 2001103, 2000663})
LASTMODIFIED_REJECTED_CODE = 2000588  # "Ogiltig parameter i anropet" for lastmodified
MAX_MESSAGE_CHARS = 300

_TAGS = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _one_line(text: Any) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…"


def _as_code(value: Any) -> int | str | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return str(value).strip()


@dataclass(frozen=True)
class ErrorDetails:
    """What an error body says: Fortnox code and message, or a short description."""

    code: int | str | None
    message: str | None
    is_html: bool = False

    def describe(self) -> str:
        if self.code is not None and self.message:
            return f"Fortnox error {self.code}: {self.message}"
        if self.code is not None:
            return f"Fortnox error {self.code}"
        return self.message or "no error details in the response body"


def parse_error_body(response: requests.Response) -> ErrorDetails:
    """Parse any Fortnox error body shape; never raises."""
    body = json_body(response)
    if isinstance(body, dict):
        info = get_ci(body, "ErrorInformation")
        if isinstance(info, dict):
            message = get_ci(info, "message")
            return ErrorDetails(
                _as_code(get_ci(info, "code")),
                _one_line(message) if message not in (None, "") else None,
            )
        error = get_ci(body, "error")
        message = get_ci(body, "message")
        if isinstance(error, str) and get_ci(body, "error_description") is None and message:
            # The /api/ families' WebException: {"error": <code>, "message": ..., "id": ...}.
            return ErrorDetails(_as_code(error), _one_line(message))
        if isinstance(error, str):
            description = get_ci(body, "error_description")
            text = f"{error}: {description}" if description else error
            return ErrorDetails(None, _one_line(text))
        if message not in (None, ""):
            return ErrorDetails(_as_code(get_ci(body, "code")), _one_line(message))
        return ErrorDetails(None, None)
    text = (response.text or "").strip() if response.content else ""
    if text.startswith("<") or "html" in response.headers.get("Content-Type", "").lower():
        title = _TITLE.search(text)
        summary = title.group(1) if title else _TAGS.sub(" ", text)
        summary = _one_line(summary)[:120]
        return ErrorDetails(None, f"an HTML page ({summary})" if summary else "an HTML page", True)
    if text:
        return ErrorDetails(None, f"a non-JSON body ({_one_line(text)[:120]})")
    return ErrorDetails(None, None)


def error_message(stream_name: str, response: requests.Response, what: str = "") -> str:
    """`Stream 'x': GET /3/path failed with HTTP 400: Fortnox error 2000588: <message>`."""
    method = response.request.method if response.request else "GET"
    details = parse_error_body(response)
    status = status_text(response) if details.code is None else f"HTTP {response.status_code}"
    suffix = f" ({what})" if what else ""
    return _one_line(
        f"Stream '{stream_name}': {method} {request_path(response)} failed with "
        f"{status}: {details.describe()}{suffix}"
    )


class FortnoxAPIError(FatalAPIError):
    """A request that failed for good; the message is one line and secret-free."""

    def __init__(
        self,
        message: str,
        response: requests.Response | None = None,
        code: int | str | None = None,
    ) -> None:
        super().__init__(message)
        self.response = response
        self.code = code


class ScopeMissingError(FortnoxAPIError):
    """The company lacks the licence, or the token the scope, for this endpoint."""


class LastModifiedRejected(FortnoxAPIError):
    """The endpoint does not accept the `lastmodified` filter (Fortnox error 2000588)."""


class NotFoundError(FortnoxAPIError):
    """HTTP 404 (for a detail: the document was deleted after it was listed)."""


class TokenRejected(FortnoxAPIError):
    """HTTP 401: the access token is expired or revoked; the caller renews it once."""

    def __init__(self, message: str, response: requests.Response, token: str | None) -> None:
        super().__init__(message, response)
        self.token = token  # never shown; only handed back to the authenticator


class RetriableFortnoxError(RetriableAPIError):
    """A transient failure (429, 5xx, HTML or truncated body); retried with backoff."""


def classify(stream_name: str, response: requests.Response) -> Exception | None:
    """The exception a response stands for, or None when it is a usable answer."""
    status = response.status_code
    if status < 400:
        if json_body(response) is None:
            details = parse_error_body(response)
            what = details.message or "an empty body"
            return RetriableFortnoxError(
                _one_line(
                    f"Stream '{stream_name}': GET {request_path(response)} returned HTTP {status} "
                    f"with {what} instead of JSON"
                ),
                response,
            )
        return None
    message = error_message(stream_name, response)
    if status == 429 or status >= 500:
        return RetriableFortnoxError(message, response)
    details = parse_error_body(response)
    if details.code in SCOPE_ERROR_CODES:  # whatever the status: a new token would not help
        return ScopeMissingError(message, response, details.code)
    if status == 401:
        token = response.request.headers.get("Authorization") if response.request else None
        return TokenRejected(message, response, token)
    if status == 403:
        return ScopeMissingError(message, response, details.code)
    if details.code == LASTMODIFIED_REJECTED_CODE:
        return LastModifiedRejected(message, response, details.code)
    if status == 404:
        return NotFoundError(message, response, details.code)
    return FortnoxAPIError(message, response, details.code)


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The Retry-After header of a failed response in seconds, in either form (seconds or an
    HTTP date; a date past is 0), read by urllib3; None when absent or unreadable."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(Retry().parse_retry_after(value))
    except urllib3.exceptions.InvalidHeader:
        return None


def never_connected(exc: BaseException) -> bool:
    """True when a request certainly never reached the server: the connection itself failed
    (refused, unknown host, connect timeout). Such a request is safe to repeat, and on a run's
    first request it means the URL is wrong or the server is down."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        reason = getattr(reason, "reason", reason)
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False
