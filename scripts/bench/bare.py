"""The yardstick for records per second: the least a singer-sdk tap can do to read the same list
pages. One RESTStream with a PageNumberPaginator and records_jsonpath; no normalisation, no
rate limiter, no retries beyond the SDK's defaults, a static bearer token; the SDK's default
message writer unless another is given (for comparison: the same msgspec writer as the tap)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import requests
from singer_sdk import RESTStream, Tap
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.io_base import SingerWriter
from singer_sdk.pagination import PageNumberPaginator

_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", Decimal: "number"}


def schema_of(item: dict[str, Any]) -> dict[str, Any]:
    """A plain JSON schema for a list item's fields (nullable scalars, objects, arrays)."""
    properties = {}
    for key, value in item.items():
        kind = (
            "object"
            if isinstance(value, dict)
            else "array"
            if isinstance(value, list)
            else _TYPES.get(type(value), "string")
        )
        properties[key] = {"type": [kind, "null"]}
    return {"type": "object", "properties": properties}


class _Pages(PageNumberPaginator):
    """Next page while the last one was full."""

    def __init__(self, limit: int) -> None:
        super().__init__(start_value=1)
        self.limit = limit
        self.records_key = ""

    def has_more(self, response: requests.Response) -> bool:
        return len(response.json().get(self.records_key) or []) >= self.limit


def bare_tap(
    api_url: str,
    token: str,
    path: str,
    records_key: str,
    sample: dict,
    limit: int = 500,
    writer: type = SingerWriter,
) -> Tap:
    """A one-stream singer-sdk tap reading `api_url + path` page by page."""

    class BareStream(RESTStream):
        name = "bare_" + path.strip("/")
        url_base = api_url
        records_jsonpath = f"$.{records_key}[*]"
        schema = schema_of(sample)

        @property
        def authenticator(self) -> BearerTokenAuthenticator:
            return BearerTokenAuthenticator(token=token)

        def get_new_paginator(self) -> PageNumberPaginator:
            paginator = _Pages(limit)
            paginator.records_key = records_key
            return paginator

        def get_url_params(self, context: Any, next_page_token: Any) -> dict[str, Any]:
            return {"page": next_page_token or 1, "limit": limit}

    BareStream.path = path

    class BareTap(Tap):
        name = "tap-bare"
        config_jsonschema: ClassVar[dict] = {"type": "object", "properties": {}}
        message_writer_class = writer

        def discover_streams(self) -> list[RESTStream]:
            return [BareStream(tap=self)]

    return BareTap(config={}, validate_config=False)
