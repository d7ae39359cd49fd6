"""MetaInformation paging arithmetic."""

from __future__ import annotations

import json

import pytest
import requests

from tap_fortnox.paging import FortnoxPaginator, PageInfo, has_next_page, page_info


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


def test_paginator_detects_a_server_that_ignores_the_page_parameter():
    paginator = FortnoxPaginator()
    paginator.advance(response(meta(1, 3)))
    with pytest.raises(RuntimeError, match="Loop detected"):
        paginator.advance(response(meta(1, 3)))
