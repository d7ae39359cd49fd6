"""Injected faults: 5xx, HTML 503, dropped connections, slow and malformed responses."""

from __future__ import annotations

import http.client
import json
import time

import pytest

from tests.sandbox.helpers import get


def test_status_fault_with_json_body_then_normal(make_sandbox):
    sb = make_sandbox()
    sb.inject("status", count=2, status=502)
    assert [get(sb, "/units")[0] for _ in range(3)] == [502, 502, 200]
    sb.inject("status")
    status, body = get(sb, "/units")
    assert status == 500
    assert body["ErrorInformation"]["code"] == 1000003


def test_html_503(make_sandbox):
    sb = make_sandbox()
    sb.inject("html503")
    conn = http.client.HTTPConnection(sb.host, sb.port)
    conn.request("GET", "/3/units", headers={"Authorization": f"Bearer {sb.new_access_token()}"})
    resp = conn.getresponse()
    assert resp.status == 503
    assert resp.getheader("Content-Type").startswith("text/html")
    assert resp.read().startswith(b"<!DOCTYPE html>")


def test_dropped_connection(make_sandbox):
    sb = make_sandbox()
    sb.inject("drop")
    conn = http.client.HTTPConnection(sb.host, sb.port, timeout=5)
    conn.request("GET", "/3/units", headers={"Authorization": f"Bearer {sb.new_access_token()}"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        conn.getresponse()
    assert get(sb, "/units")[0] == 200


def test_slow_response(make_sandbox):
    sb = make_sandbox()
    sb.inject("slow", delay=0.4)
    started = time.monotonic()
    assert get(sb, "/units")[0] == 200
    assert time.monotonic() - started >= 0.4


def test_malformed_json_and_path_prefix(make_sandbox):
    sb = make_sandbox()
    sb.inject("malformed", path_prefix="/3/invoices")
    assert get(sb, "/units")[0] == 200  # other paths untouched
    conn = http.client.HTTPConnection(sb.host, sb.port)
    conn.request("GET", "/3/invoices", headers={"Authorization": f"Bearer {sb.new_access_token()}"})
    resp = conn.getresponse()
    assert resp.status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(resp.read())
    assert get(sb, "/invoices")[0] == 200
    with pytest.raises(ValueError, match="unknown fault kind"):
        sb.inject("meteor")


def test_truncated_body_closes_the_connection(make_sandbox):
    sb = make_sandbox()
    sb.inject("truncated", path_prefix="/3/invoices")
    conn = http.client.HTTPConnection(sb.host, sb.port, timeout=5)
    conn.request("GET", "/3/invoices", headers={"Authorization": f"Bearer {sb.new_access_token()}"})
    resp = conn.getresponse()
    assert resp.status == 200
    announced = int(resp.getheader("Content-Length"))
    with pytest.raises(http.client.IncompleteRead) as cut:
        resp.read()
    assert 0 < len(cut.value.partial) < announced
    assert get(sb, "/invoices")[0] == 200
