"""MetaInformation paging arithmetic."""

from __future__ import annotations

import json

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError

from tap_fortnox.paging import (
    FortnoxPaginator,
    PageInfo,
    check_list_page,
    has_next_page,
    page_info,
)


def response(body) -> requests.Response:
    resp = requests.Response()
    resp.status_code = 200
    resp._content = json.dumps(body).encode()
    return resp


def meta(current, total, resources=None):
    return {
        "MetaInformation": {
            "@CurrentPage": current,
            "@TotalPages": total,
            "@TotalResources": resources,
        },
        "Items": [],
    }


@pytest.mark.parametrize(
    ("info", "requested", "expected"),
    [
        (PageInfo(1, 3, 5), 1, True),
        (PageInfo(2, 3, 5), 2, True),
        (PageInfo(3, 3, 5), 3, False),
        (PageInfo(1, 1, 2), 1, False),
        (PageInfo(1, 0, 0), 1, False),  # empty collection
        (PageInfo(None, 2, None), 1, True),  # no @CurrentPage: trust the page we asked for
        (PageInfo(None, 2, None), 2, False),
        (PageInfo(1, None, None), 1, False),  # no @TotalPages: one page
        (None, 1, False),  # no MetaInformation at all: one page
    ],
)
def test_has_next_page(info, requested, expected):
    assert has_next_page(info, requested) is expected


def test_page_info_reads_keys_in_any_case_and_string_numbers():
    body = {"metainformation": {"@currentpage": "2", "@TOTALPAGES": "7", "@TotalResources": 13}}
    assert page_info(body) == PageInfo(2, 7, 13)
    assert page_info({"Items": []}) is None
    assert page_info(None) is None


def test_paginator_walks_to_total_pages_and_never_beyond():
    paginator = FortnoxPaginator()
    seen = []
    pages = {1: meta(1, 3, 5), 2: meta(2, 3, 5), 3: meta(3, 3, 5)}
    while not paginator.finished:
        seen.append(paginator.current_value)
        paginator.advance(response(pages[paginator.current_value]))
    assert seen == [1, 2, 3]


def test_paginator_stops_after_one_page_without_meta():
    paginator = FortnoxPaginator()
    paginator.advance(response({"TermsOfDeliveries": [{"Code": "FOB"}]}))
    assert paginator.finished


def test_paginator_never_asks_for_a_page_again():
    # A server stuck on @CurrentPage 1 (refused by check_list_page past page 1) or saying 0 on
    # page 1: the next page is always a new one, never the SDK's "Loop detected" error.
    paginator = FortnoxPaginator()
    paginator.advance(response(meta(0, 3)))
    assert paginator.current_value == 2
    paginator.advance(response(meta(1, 3)))
    assert paginator.current_value == 3


def list_response(body, page: int) -> requests.Response:
    resp = response(body)
    resp.request = requests.Request(
        "GET", "http://127.0.0.1:9/3/units", params={"page": page, "limit": 5}
    ).prepare()
    return resp


@pytest.mark.parametrize(
    ("body", "page", "fault"),
    [
        ({**meta(1, 3, 12), "Units": [{}]}, 2, "asked for page 2 and got @CurrentPage 1"),
        (meta(1, 3, 12), 1, "@TotalResources 12 but no 'Units' list"),
        ({"MetaInformation": {"@TotalResources": "3"}}, 1, "@TotalResources 3 but no 'Units'"),
    ],
)
def test_check_list_page_refuses_pages_that_repeat_or_lose_records(body, page, fault):
    with pytest.raises(RetriableAPIError) as info:
        check_list_page("units", list_response(body, page), "Units")
    assert fault in str(info.value)
    assert str(info.value).startswith("Stream 'units': GET /3/units ")


@pytest.mark.parametrize(
    ("body", "page"),
    [
        ({**meta(2, 3, 12), "Units": [{}]}, 2),
        ({**meta(0, 1, 1), "Units": [{}]}, 1),  # odd @CurrentPage on page 1: nothing repeats
        ({"MetaInformation": {"@TotalResources": 0}}, 1),  # an empty register
        ({"MetaInformation": {"@TotalPages": 0}}, 1),
        ({"Units": []}, 1),
        ({}, 1),
    ],
)
def test_check_list_page_accepts_consistent_pages(body, page):
    check_list_page("units", list_response(body, page), "Units")
