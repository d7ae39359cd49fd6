"""Page-number paging driven by Fortnox's `MetaInformation` block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from singer_sdk.pagination import PageNumberPaginator

from tap_fortnox.errors import get_ci, json_body


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
        url = response.request.url if response.request is not None else None
        limit = _int(parse_qs(urlsplit(url or "").query).get("limit", [None])[0])
        items = get_ci(body, self.records_key) if self.records_key else None
        return limit if limit and isinstance(items, list) and len(items) == limit else None

    def get_next(self, response: requests.Response) -> int | None:
        info = self.last_info
        current = info.current_page if info and info.current_page is not None else None
        return (current if current is not None else self.current_value) + 1
