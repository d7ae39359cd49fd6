"""The /api/ families' conventions (tap_fortnox/services.py): the base URL, lists in any
wrapping, and paging followed only where a response shows it."""

from __future__ import annotations

import json

import pytest
import requests

from tap_fortnox.services import ServicePaginator, list_items
from tap_fortnox.urls import api_root


@pytest.mark.parametrize(
    ("api_url", "base"),
    [
        ("https://api.fortnox.se/3", "https://api.fortnox.se"),
        ("https://api.fortnox.se/3/", "https://api.fortnox.se"),
        ("http://127.0.0.1:8123/3", "http://127.0.0.1:8123"),
        ("https://proxy.example.com/fortnox/3", "https://proxy.example.com/fortnox"),
        ("https://proxy.example.com/fortnox", "https://proxy.example.com/fortnox"),
    ],
)
def test_services_live_at_the_host_of_api_url(api_url, base):
    assert api_root(api_url) == base


def test_a_list_is_found_bare_or_wrapped():
    assert list_items([{"id": 1}]) == [{"id": 1}]
    assert list_items({"items": [{"id": 2}]}) == [{"id": 2}]
    assert list_items({"Content": [{"id": 3}], "last": True}) == [{"id": 3}]
    assert list_items({"Rows": [{"id": 4}]}, "rows") == [{"id": 4}]
    assert list_items({"id": 5}) is None
    assert list_items("text") is None


def reply(body, headers=None):
    resp = requests.Response()
    resp.status_code = 200
    resp._content = json.dumps(body).encode()
    resp.headers.update(headers or {})
    return resp


def test_paging_is_followed_where_the_response_shows_it_and_stops_where_it_does_not():
    link = {"Link": '</api/warehouse/stockpoints-v1?state=ALL&page=2>; rel="next"'}
    assert ServicePaginator().get_next(reply([], link)) == {"state": "ALL", "page": "2"}
    meta = {"MetaInformation": {"@CurrentPage": 1, "@TotalPages": 3, "@TotalResources": 5}}
    assert ServicePaginator().get_next(reply(meta)) == {"page": "2"}
    last = {"MetaInformation": {"@CurrentPage": 3, "@TotalPages": 3, "@TotalResources": 5}}
    assert ServicePaginator().get_next(reply(last)) is None
    assert ServicePaginator().get_next(reply({"content": [], "last": False, "number": 0})) == {
        "page": "1"
    }
    assert ServicePaginator().get_next(reply({"content": [], "last": True, "number": 4})) is None
    assert ServicePaginator().get_next(reply([{"id": 1}])) is None  # a bare array: one page
