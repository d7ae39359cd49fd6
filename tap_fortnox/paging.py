"""Page-number paging driven by Fortnox's `MetaInformation` block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from singer_sdk.pagination import PageNumberPaginator

from tap_fortnox.errors import RetriableFortnoxError, get_ci, json_body, request_path


@dataclass(frozen=True)
class PageInfo:
    """`MetaInformation` of one list response; None fields when Fortnox left them out."""

    current_page: int | None
    total_pages: int | None
    total_resources: int | None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def page_info(body: Any) -> PageInfo | None:
    """The paging facts of a list body, or None when it has no `MetaInformation`."""
    meta = get_ci(body, "MetaInformation")
    if not isinstance(meta, dict):
        return None
    return PageInfo(
        _int(get_ci(meta, "@CurrentPage")),
        _int(get_ci(meta, "@TotalPages")),
        _int(get_ci(meta, "@TotalResources")),
    )


def has_next_page(info: PageInfo | None, requested_page: int, full_page: int | None = None) -> bool:
    """Whether another page exists after `requested_page`.

    A response without `MetaInformation` (or without `@TotalPages`) is the only page: some small
    registers ignore `limit` and omit it. A page beyond `@TotalPages` is never requested, unless
    the page was full (`full_page` is its `limit`) and `@TotalResources` says more records exist:
    a `@TotalPages` that is too small must not lose records.
    """
    if info is None:
        return False
    current = info.current_page if info.current_page is not None else requested_page
    if info.total_pages is not None and current < info.total_pages:
        return True
    return bool(
        full_page
        and info.total_resources is not None
        and current * full_page < info.total_resources
    )


def _query_int(response: requests.Response, name: str) -> int | None:
    """A number from the request's query string (`page`, `limit`)."""
    url = response.request.url if response.request is not None else None
    return _int(parse_qs(urlsplit(url or "").query).get(name, [None])[0])


def check_list_page(stream_name: str, response: requests.Response, records_key: str) -> None:
    """Refuse a list page that would repeat or lose records, naming stream, path and the fault.

    - `@CurrentPage` below the page asked for (past page 1): the server repeats an earlier page
      (e.g. stuck on page 1); reading on would emit its records again and never reach the rest.
    - `@TotalResources` > 0 but no `records_key` list: the records are somewhere the tap does
      not look, and taking the page as an empty register would lose them (and move an
      incremental bookmark past them).
    Both are raised as retriable: a proxy or cache glitch passes on a retry; a persistent fault
    ends the sync with one line after the retries (the next sync starts from the last STATE).
    """
    body = json_body(response)
    info = page_info(body)
    if info is None:
        return
    asked = _query_int(response, "page")
    current = info.current_page
    problem = None
    if asked is not None and asked > 1 and current is not None and current < asked:
        problem = f"asked for page {asked} and got @CurrentPage {current} (an earlier page again)"
    if problem is None and (info.total_resources or 0) > 0 and get_ci(body, records_key) is None:
        problem = (
            f"has MetaInformation with @TotalResources {info.total_resources} but no "
            f"'{records_key}' list"
        )
    if problem is not None:
        raise RetriableFortnoxError(
            f"Stream '{stream_name}': GET {request_path(response)} {problem}", response
        )


class FortnoxPaginator(PageNumberPaginator):
    """Pages 1, 2, ... until `@CurrentPage` reaches `@TotalPages`."""

    def __init__(self, records_key: str | None = None) -> None:
        super().__init__(start_value=1)
        self.records_key = records_key
        self.last_info: PageInfo | None = None

    def has_more(self, response: requests.Response) -> bool:
        body = json_body(response)
        self.last_info = page_info(body)
        return has_next_page(self.last_info, self.current_value, self._full_page(response, body))

    def _full_page(self, response: requests.Response, body: Any) -> int | None:
        """The request's `limit` if the page held exactly that many records, else None."""
        limit = _query_int(response, "limit")
        items = get_ci(body, self.records_key) if self.records_key else None
        return limit if limit and isinstance(items, list) and len(items) == limit else None

    def get_next(self, response: requests.Response) -> int | None:
        # Never a page already read: an `@CurrentPage` below the page asked for is refused
        # (check_list_page) past page 1 and ignored on page 1 (`0`, `-1`).
        info = self.last_info
        current = info.current_page if info and info.current_page is not None else None
        return max(current or 0, self.current_value) + 1
