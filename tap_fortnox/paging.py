"""Page-number paging driven by Fortnox's `MetaInformation` block."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from singer_sdk.pagination import PageNumberPaginator

from tap_fortnox.errors import RetriableFortnoxError
from tap_fortnox.responses import get_ci, json_body, request_path
from tap_fortnox.sdk import override


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


# Pages back whose emitted items' keys a paginator remembers, to recognise them on a re-read
# (at 500 a page: 5,000 keys). More than that many pages' worth of records deleted between two
# page requests still loses nothing; items from the older pages may then be emitted again.
KEY_MEMORY_PAGES = 10
# Fortnox's page size when a request names none (never so from this tap).
FORTNOX_DEFAULT_LIMIT = 100

#: A list item's identifying values (checkpoint.item_key), None when it has none.
ItemKey = Callable[[Mapping[str, Any]], tuple[str, ...] | None]
#: Called when a page shows records deleted mid-read: (page, vanished, pages to re-read).
OnShrink = Callable[[int, int, list[int]], None]


class FortnoxPaginator(PageNumberPaginator):
    """Pages 1, 2, ... until `@CurrentPage` reaches `@TotalPages`, re-reading after deletions.

    Fortnox pages by position. Records deleted while the tap is between page k-1 and page k
    shift every later record earlier, so the first records of page k slide onto page k-1,
    already read, and would never be read (for an incremental stream the bookmark would then
    move past them for good). When a page's `@TotalResources` is `d` lower than the previous
    response's, the paginator goes back ceil(d / limit) pages, re-reads them (`fresh` drops the
    items already emitted, by `item_key`, so a document's detail is not fetched twice) and then
    continues after the highest page read. Records added mid-read (a higher `@TotalResources`)
    only shift records later, which at worst repeats one; targets upsert on the primary key,
    so that is left as it is.
    """

    def __init__(
        self,
        records_key: str | None = None,
        item_key: ItemKey | None = None,
        on_shrink: OnShrink | None = None,
        start_page: int = 1,
    ) -> None:
        super().__init__(start_value=start_page)
        self.records_key = records_key
        self.item_key = item_key
        self.on_shrink = on_shrink
        self.last_info: PageInfo | None = None
        # The highest page read so far (a resumed read starts after pages read before).
        self._high = start_page - 1
        self._high_full: int | None = None  # its `limit` if it was full (see has_next_page)
        self._pending: set[int] = set()  # pages to re-read before going on after `_high`
        self._total: int | None = None  # `@TotalResources` of the previous response
        self._seen: dict[
            tuple[str, ...], int
        ] = {}  # key of an emitted item -> `_high` when emitted
        self._observed: requests.Response | None = None
        #: The key of the item `fresh` yielded last (its consumer needs it too: computed once).
        self.last_key: tuple[str, ...] | None = None
        self._next: int | None = None
        self._recovering = False

    # --- what the SDK's loop asks --------------------------------------------------------

    @override
    def has_more(self, response: requests.Response) -> bool:
        self._observe(response)
        return self._next is not None

    @override
    def get_next(self, response: requests.Response) -> int | None:
        self._observe(response)
        return self._next

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        """A page emptied by deletions, or an empty re-read page, does not end the read."""
        self._observe(response)
        return self._recovering and self._next is not None

    def fresh(self, items: Iterable[Any]) -> Iterator[Any]:
        """The items of the page being read that were not emitted before in this read (only a
        re-read page can hold such items); remembers the keys of the items it lets through."""
        page = self.current_value
        reread = page <= self._high
        mark = max(page, self._high)
        key_of = self.item_key
        for item in items:
            key = key_of(item) if key_of is not None and isinstance(item, Mapping) else None
            if key is not None:
                if reread and key in self._seen:
                    continue
                self._seen[key] = mark
            self.last_key = key
            yield item

    # --- bookkeeping -----------------------------------------------------------------------

    def _observe(self, response: requests.Response) -> None:
        """Take in one response (once, however many of the hooks above ask about it)."""
        if response is self._observed:
            return
        self._observed = response
        body = json_body(response)
        info = self.last_info = page_info(body)
        page = self.current_value
        high_before = self._high
        reread = page <= high_before
        # Never a page already read by moving forward: an `@CurrentPage` below the page asked
        # for is refused (check_list_page) past page 1 and ignored on page 1 (`0`, `-1`).
        served = max(info.current_page or 0, page) if info is not None else page
        if served > self._high:
            self._high = served
            self._high_full = self._full_page(response, body)
        total = info.total_resources if info is not None else None
        vanished = self._total - total if self._total is not None and total is not None else 0
        if total is not None:
            self._total = total
        if vanished > 0:
            self._plan_reread(page, vanished, _query_int(response, "limit"), high_before)
        self._pending.discard(page)
        self._forget_old_keys()
        self._recovering = reread or vanished > 0 or bool(self._pending)
        if self._pending:
            self._next = min(self._pending)
        elif info is not None and has_next_page(
            PageInfo(self._high, info.total_pages, info.total_resources),
            self._high,
            self._high_full,
        ):
            self._next = self._high + 1
        else:
            self._next = None

    def _plan_reread(self, page: int, vanished: int, limit: int | None, high: int) -> None:
        """`vanished` records went between the previous response and this one (page `page`;
        `high` was the highest page read before it).

        Every item moved up to `vanished` places earlier, i.e. back at most `back` pages: an
        item not read yet that was beyond page `high` may now be on its last `back` pages, and
        one on a page still to be re-read may now be up to `back` pages before it. Page `page`
        itself was just read as it is now."""
        back = -(-vanished // (limit or FORTNOX_DEFAULT_LIMIT))
        again = set(range(max(1, high - back + 1), high + 1))
        for pending in self._pending:
            again.update(range(max(1, pending - back), pending + 1))
        again.discard(page)
        self._pending = again
        if self.on_shrink is not None:
            self.on_shrink(page, vanished, sorted(again))

    def _forget_old_keys(self) -> None:
        """Forget keys no likely re-read can meet. An item only moves to earlier pages, so one
        emitted when page `mark` was the highest read is never seen after page `mark`; keys are
        kept down to `KEY_MEMORY_PAGES` pages below the lowest page still to be read."""
        floor = min(self._pending, default=self._high + 1) - KEY_MEMORY_PAGES
        if self._seen and min(self._seen.values()) < floor:
            self._seen = {key: mark for key, mark in self._seen.items() if mark >= floor}

    def _full_page(self, response: requests.Response, body: Any) -> int | None:
        """The request's `limit` if the page held exactly that many records, else None."""
        limit = _query_int(response, "limit")
        items = get_ci(body, self.records_key) if self.records_key else None
        return limit if limit and isinstance(items, list) and len(items) == limit else None
