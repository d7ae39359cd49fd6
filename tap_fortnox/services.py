"""Fortnox's `/api/...` service families (warehouse, time reporting): same host and token as
`/3/`, other conventions, declared by `ServiceEndpoint` so their streams stay declarative.

- Base: the host of `api_url` (`https://api.fortnox.se/3` -> `https://api.fortnox.se`);
  `urls.api_root` is the one place that derives it, so a sandbox's `api_url` works too.
- Lists: a bare JSON array of camelCase objects (the OpenAPI document declares no wrapper and
  no paging parameters). Whether the real API wraps or pages them is uncertain, so the tap takes
  a list wherever the body holds one and follows whatever paging a response shows (`Link:
  rel="next"`, `MetaInformation`, or a Spring page's `last`/`number`), stopping after one page
  when it shows none (docs/streams.md).
- Details: the object itself (no wrapper key); fetched only for list items that lack their rows.
- Errors: `{"error", "message", "id"}` bodies (errors.py reads them); a refused licence or scope
  (403) skips the stream with one warning, as for `/3/`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import requests
from singer_sdk.helpers.types import Context
from singer_sdk.pagination import BaseAPIPaginator

from tap_fortnox.client import FortnoxStream
from tap_fortnox.errors import FortnoxAPIError
from tap_fortnox.paging import has_next_page, page_info
from tap_fortnox.responses import get_ci, json_body, request_path
from tap_fortnox.sdk import override
from tap_fortnox.urls import api_root

# Keys a wrapped list could sit under (none is documented; see the module doc).
WRAPPED_LIST_KEYS = ("items", "content", "data", "results")

PageToken = dict[str, str]


def list_items(body: Any, records_key: str | None = None) -> list[Any] | None:
    """The records of a service list body: the body itself if it is a list, else the list under
    `records_key` or a usual wrapper key; None when the body holds no list."""
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        return None
    for key in (records_key, *WRAPPED_LIST_KEYS) if records_key else WRAPPED_LIST_KEYS:
        found = get_ci(body, key)
        if isinstance(found, list):
            return found
    return None


class ServicePaginator(BaseAPIPaginator[PageToken | None]):
    """The next page's query parameters from whatever paging a response shows, else the end."""

    def __init__(self) -> None:
        super().__init__(None)
        self._page = 1

    @override
    def get_next(self, response: requests.Response) -> PageToken | None:
        link = response.links.get("next", {}).get("url")
        if link:
            return dict(parse_qsl(urlsplit(link).query))
        body = json_body(response)
        info = page_info(body)
        if info is not None:
            if not has_next_page(info, self._page):
                return None
            self._page = (info.current_page or self._page) + 1
            return {"page": str(self._page)}
        if isinstance(body, dict) and get_ci(body, "last") is False:
            number = get_ci(body, "number")
            if isinstance(number, int):
                return {"page": str(number + 1)}
        return None


class ServiceEndpoint(FortnoxStream):
    """Base of a stream of an `/api/...` family: set `path` (from `/api/`), optionally
    `list_params`, `detail_path` (with list-item field names in braces) and `rows_key`."""

    #: Query parameters of the list request only (e.g. `state=ALL`: every record, not only the
    #: active or incomplete ones the endpoints list by default).
    list_params: ClassVar[dict[str, str]] = {}

    @property
    @override
    def url_base(self) -> str:
        return api_root(self.config["api_url"])

    @property
    @override
    def resumable(self) -> bool:
        # The lists are read in one or a few requests: a killed read starts again.
        return False

    @override
    def get_new_paginator(self) -> BaseAPIPaginator[Any]:
        self.read.paginator = None
        return ServicePaginator()

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return {**self.query_params(context), **self.list_params, **(next_page_token or {})}

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        body = json_body(response)
        items = list_items(body, self.records_key)
        if items is None:
            if isinstance(body, dict) and body:  # one record where a list belongs
                items = [body]
            elif body in ({}, None):
                items = []
            else:
                raise FortnoxAPIError(
                    f"Stream '{self.name}': GET {request_path(response)} returned "
                    f"{type(body).__name__}, not a list"
                )
        yield from self.objects_of(items, response)

    @override
    def fetch_detail(
        self, item: Mapping[str, Any], context: Context | None
    ) -> dict[str, Any] | None:
        """The detail of a list item that lacks its rows; an item with rows is whole already."""
        rows_key = getattr(self, "rows_key", "")
        if rows_key and isinstance(item.get(rows_key), list):
            return {}
        return super().fetch_detail(item, context)
