"""Error bodies in every shape -> one-line messages and the right exception."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import requests
import time_machine

from tap_fortnox.errors import (
    FortnoxAPIError,
    LastModifiedRejected,
    NotFoundError,
    RetriableFortnoxError,
    ScopeMissingError,
    TokenRejected,
    classify,
    error_message,
    parse_error_body,
    retry_after_seconds,
)

SECRET_TOKEN = "eyJ.secret-token-value.sig"


def response(status, body=b"", content_type="application/json", headers=None, url=None):
    resp = requests.Response()
    resp.status_code = status
    resp.reason = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        429: "Too Many Requests",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }.get(status, "OK")
    resp._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    resp.headers["Content-Type"] = content_type
    resp.headers.update(headers or {})
    request = requests.Request(
        "GET",
        url or "https://api.fortnox.se/3/invoices?lastmodified=2024-01-01+10%3A00&page=2",
        headers={"Authorization": f"Bearer {SECRET_TOKEN}"},
    ).prepare()
    resp.request = request
    resp.url = request.url
    return resp


@pytest.mark.parametrize(
    "body",
    [
        {
            "ErrorInformation": {
                "error": 1,
                "message": "Ogiltig parameter i anropet.",
                "code": 2000588,
            }
        },
        {
            "ErrorInformation": {
                "Error": 1,
                "Message": "Ogiltig parameter i anropet.",
                "Code": 2000588,
            }
        },
        {
            "errorinformation": {
                "ERROR": 1,
                "MESSAGE": "Ogiltig parameter i anropet.",
                "CODE": "2000588",
            }
        },
    ],
)
def test_error_information_in_any_key_case(body):
    details = parse_error_body(response(400, body))
    assert details.code == 2000588
    assert details.message == "Ogiltig parameter i anropet."
    assert details.describe() == "Fortnox error 2000588: Ogiltig parameter i anropet."


def test_oauth_and_plain_message_bodies():
    oauth = parse_error_body(
        response(401, {"error": "invalid_token", "error_description": "Expired"})
    )
    assert oauth.describe() == "invalid_token: Expired"
    plain = parse_error_body(response(500, {"message": "Something broke"}))
    assert plain.describe() == "Something broke"
    empty = parse_error_body(response(500, {}))
    assert empty.describe() == "no error details in the response body"


def test_html_and_other_non_json_bodies():
    html = b"<html><head><title>503 Service Temporarily Unavailable</title></head></html>"
    details = parse_error_body(response(503, html, "text/html"))
    assert details.is_html
    assert details.describe() == "an HTML page (503 Service Temporarily Unavailable)"
    text = parse_error_body(response(502, b"upstream\nconnect error", "text/plain"))
    assert text.describe() == "a non-JSON body (upstream connect error)"


def test_message_names_stream_path_status_code_and_never_query_or_token():
    msg = error_message(
        "invoices",
        response(
            400, {"ErrorInformation": {"message": "Ogiltig parameter i anropet.", "code": 2000588}}
        ),
    )
    assert msg == (
        "Stream 'invoices': GET /3/invoices failed with HTTP 400: "
        "Fortnox error 2000588: Ogiltig parameter i anropet."
    )
    assert "lastmodified" not in msg
    assert SECRET_TOKEN not in msg
    assert "\n" not in msg


def test_long_messages_are_cut_to_one_short_line():
    body = {"ErrorInformation": {"message": "lång\nrad " * 200, "code": 1}}
    msg = error_message("x", response(400, body))
    assert "\n" not in msg
    assert len(msg) < 400


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        (200, {"Invoices": []}, "application/json", None),
        (200, b"<html>maintenance</html>", "text/html", RetriableFortnoxError),
        (200, b'{"Invoices": [', "application/json", RetriableFortnoxError),  # truncated
        (429, {"message": "Too many requests"}, "application/json", RetriableFortnoxError),
        (
            500,
            {"ErrorInformation": {"code": 1000003, "message": "System"}},
            "application/json",
            RetriableFortnoxError,
        ),
        (503, b"<html><title>down</title></html>", "text/html", RetriableFortnoxError),
        (
            401,
            {"ErrorInformation": {"code": 2000310, "message": "Ogiltig inloggning"}},
            "application/json",
            TokenRejected,
        ),
        (403, {"message": "Forbidden"}, "application/json", ScopeMissingError),
        (
            400,
            {"ErrorInformation": {"code": 2001101, "message": "Det finns ingen aktiv licens"}},
            "application/json",
            ScopeMissingError,
        ),
        (
            401,
            {"ErrorInformation": {"code": 2001103, "message": "API-licens saknas"}},
            "application/json",
            ScopeMissingError,
        ),
        (
            400,
            {"ErrorInformation": {"code": 2000588, "message": "Ogiltig parameter"}},
            "application/json",
            LastModifiedRejected,
        ),
        (
            404,
            {"ErrorInformation": {"code": 2000, "message": "Kunde inte hitta"}},
            "application/json",
            NotFoundError,
        ),
        (
            400,
            {"ErrorInformation": {"code": 2001392, "message": "Tom"}},
            "application/json",
            FortnoxAPIError,
        ),
    ],
)
def test_classification(status, body, content_type, expected):
    problem = classify("invoices", response(status, body, content_type))
    if expected is None:
        assert problem is None
    else:
        assert type(problem) is expected
        assert SECRET_TOKEN not in str(problem)


@pytest.mark.parametrize("status", [400, 401, 403])
def test_a_licence_code_means_a_missing_scope_whatever_the_status(status):
    body = {"ErrorInformation": {"code": 2001101, "message": "m"}}
    problem = classify("x", response(status, body))
    assert isinstance(problem, ScopeMissingError)
    assert problem.code == 2001101


def test_token_rejected_carries_the_token_for_renewal_only():
    problem = classify("x", response(401, {"message": "expired"}))
    assert isinstance(problem, TokenRejected)
    assert problem.token == f"Bearer {SECRET_TOKEN}"
    assert SECRET_TOKEN not in str(problem)


def test_retry_after():
    assert (
        retry_after_seconds(
            RetriableFortnoxError("x", response(429, {}, headers={"Retry-After": "3"}))
        )
        == 3.0
    )
    assert retry_after_seconds(RetriableFortnoxError("x", response(429, {}))) is None
    assert (
        retry_after_seconds(
            RetriableFortnoxError("x", response(429, {}, headers={"Retry-After": "soon"}))
        )
        is None
    )
    assert retry_after_seconds(None) is None


@time_machine.travel(datetime(2026, 3, 2, 12, 0, 0, tzinfo=timezone.utc), tick=False)
def test_retry_after_as_an_http_date():
    def asked(value):
        return retry_after_seconds(
            RetriableFortnoxError("x", response(429, {}, headers={"Retry-After": value}))
        )

    assert asked("Mon, 02 Mar 2026 12:00:30 GMT") == 30.0
    assert asked("Mon, 02 Mar 2026 11:59:00 GMT") == 0.0  # a time past: at once


def test_warehouse_and_time_web_exceptions():
    """The /api/ families answer `{"error": <code>, "message", "id"}`: both are named, and a
    licence refusal (403) skips the stream like a /3/ one."""
    body = {"error": "MISSING_LICENSE", "message": "Missing license for scope warehouse", "id": "x"}
    url = "https://api.fortnox.se/api/warehouse/stockpoints-v1?state=ALL"
    details = parse_error_body(response(403, body, url=url))
    assert (
        details.describe() == "Fortnox error MISSING_LICENSE: Missing license for scope warehouse"
    )
    problem = classify("stock_points", response(403, body, url=url))
    assert isinstance(problem, ScopeMissingError)
    assert str(problem) == (
        "Stream 'stock_points': GET /api/warehouse/stockpoints-v1 failed with HTTP 403: "
        "Fortnox error MISSING_LICENSE: Missing license for scope warehouse"
    )
    wrong = classify("time_registrations", response(400, {**body, "error": "INVALID_PARAMETER"}))
    assert type(wrong) is FortnoxAPIError
