"""Records deleted mid-read: the paginator goes back and re-reads, so none is skipped.

A list served by position (as Fortnox pages) is driven through the SDK's own loop logic
(`paginator.finished`, `continue_if_empty`, `advance`) with deletions between requests.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable

import pytest
import requests

from tap_fortnox import paging
from tap_fortnox.paging import KEY_MEMORY_PAGES, FortnoxPaginator

Hook = Callable[[int, list[dict]], None]  # (number of the request about to be served, items)


class PositionalList:
    """A list endpoint paged by position over a mutable list of items."""

    def __init__(self, count: int, limit: int) -> None:
        self.items = [{"Number": str(n), "Name": f"item {n}"} for n in range(1, count + 1)]
        self.limit = limit
        self.pages: list[int] = []

    def get(self, page: int) -> requests.Response:
        self.pages.append(page)
        total = len(self.items)
        body = {
            "MetaInformation": {
                "@TotalResources": total,
                "@TotalPages": -(-total // self.limit),
                "@CurrentPage": page,
            },
            "Items": self.items[(page - 1) * self.limit : page * self.limit],
        }
        resp = requests.Response()
        resp.status_code = 200
        resp._content = json.dumps(body).encode()
        resp.request = requests.Request(
            "GET", "http://127.0.0.1:9/3/items", params={"page": page, "limit": self.limit}
        ).prepare()
        return resp


def key(item) -> tuple[str, ...]:
    return (item["Number"],)


def read_all(server: PositionalList, before: Hook | None = None) -> tuple[list[str], list[tuple]]:
    """Emitted item numbers and shrink reports, as RESTStream.request_records would read."""
    shrinks: list[tuple] = []
    paginator = FortnoxPaginator("Items", key, lambda *a: shrinks.append(a))
    emitted: list[str] = []
    requests_made = 0
    while not paginator.finished:
        if before is not None:
            before(requests_made, server.items)
        resp = server.get(paginator.current_value)
        requests_made += 1
        records = list(paginator.fresh(resp.json()["Items"]))
        if not records and not paginator.continue_if_empty(resp):
            break
        emitted += [r["Number"] for r in records]
        paginator.advance(resp)
    return emitted, shrinks


def delete_at(request: int, positions: list[int]) -> Hook:
    """Delete the items at `positions` (0-based) just before request number `request`."""

    def hook(made: int, items: list[dict]) -> None:
        if made == request:
            for pos in sorted(positions, reverse=True):
                del items[pos]

    return hook


def assert_each_survivor_once(server: PositionalList, emitted: list[str]) -> None:
    twice = [n for n, c in Counter(emitted).items() if c > 1]
    assert not twice, f"emitted twice: {twice}"
    missing = {i["Number"] for i in server.items} - set(emitted)
    assert not missing, f"never emitted: {sorted(missing, key=int)}"


def test_three_deleted_from_page_1_before_page_2_re_reads_page_1_only():
    server = PositionalList(16, limit=5)
    emitted, shrinks = read_all(server, delete_at(1, [0, 1, 2]))

    assert_each_survivor_once(server, emitted)
    # Items 6-8 slid onto page 1: page 1 again, then page 3 (page 2 is not read twice).
    assert server.pages == [1, 2, 1, 3]
    assert shrinks == [(2, 3, [1])]
    assert emitted == [str(n) for n in [1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 6, 7, 8, 14, 15, 16]]


def test_without_a_deletion_nothing_is_read_twice():
    server = PositionalList(13, limit=5)
    emitted, shrinks = read_all(server)
    assert server.pages == [1, 2, 3]
    assert shrinks == []
    assert emitted == [str(n) for n in range(1, 14)]


def test_more_than_a_page_deleted_goes_back_two_pages():
    server = PositionalList(30, limit=5)
    # Before page 4: 7 of pages 1-3 go, so items 16-22 slide onto pages 2 and 3.
    emitted, shrinks = read_all(server, delete_at(3, [0, 2, 4, 6, 8, 10, 12]))

    assert_each_survivor_once(server, emitted)
    assert shrinks == [(4, 7, [2, 3])]
    assert server.pages == [1, 2, 3, 4, 2, 3, 5]


def test_going_back_stops_at_page_1():
    server = PositionalList(20, limit=5)
    emitted, shrinks = read_all(server, delete_at(1, [0, 1, 2, 3, 4, 7, 8]))
    assert_each_survivor_once(server, emitted)
    assert shrinks == [(2, 7, [1])]
    assert server.pages == [1, 2, 1, 3]


def test_deletion_before_the_last_page_that_empties_it():
    # 12 items in pages of 5; 3 of page 1 go before page 3, which is then past the end (9
    # items): the empty page does not end the read, page 2 is read again for items 11 and 12.
    server = PositionalList(12, limit=5)
    emitted, shrinks = read_all(server, delete_at(2, [0, 1, 2]))
    assert_each_survivor_once(server, emitted)
    assert server.pages == [1, 2, 3, 2]
    assert shrinks == [(3, 3, [2])]


def test_deletion_before_a_last_page_that_keeps_records():
    server = PositionalList(14, limit=5)
    emitted, _ = read_all(server, delete_at(2, [1, 3]))
    assert_each_survivor_once(server, emitted)
    assert server.pages == [1, 2, 3, 2]


def test_page_size_500():
    server = PositionalList(1203, limit=500)
    emitted, shrinks = read_all(server, delete_at(1, [10, 20, 30]))
    assert_each_survivor_once(server, emitted)
    assert server.pages == [1, 2, 1, 3]
    assert shrinks == [(2, 3, [1])]
    # The re-read of page 1 emits only the three items that slid onto it.
    assert emitted[1000:1003] == ["501", "502", "503"]
    assert len(emitted) == 1203  # 1,200 survivors and the 3 read before they went


def test_deletion_after_the_read_position_re_reads_but_emits_nothing_new():
    server = PositionalList(15, limit=5)
    emitted, _ = read_all(server, delete_at(1, [13, 14]))
    assert server.pages == [1, 2, 1, 3]
    assert emitted == [str(n) for n in range(1, 14)]


def test_another_deletion_during_the_re_read_is_caught_up_too():
    server = PositionalList(30, limit=5)
    # Before page 3: 3 of page 1 go (page 2 re-read next); before that re-read: 2 more go.
    emitted, shrinks = read_all(server, lambda made, items: _twice(made, items))
    assert_each_survivor_once(server, emitted)
    assert [s[:2] for s in shrinks] == [(3, 3), (2, 2)]


def _twice(made: int, items: list[dict]) -> None:
    if made == 2:
        del items[0:3]
    if made == 3:
        del items[0:2]


def test_growth_is_left_alone():
    # A record added before page 2 shifts the others later: item 5 comes again (targets upsert),
    # nothing is re-read and nothing is lost.
    server = PositionalList(12, limit=5)

    def grow(made: int, items: list[dict]) -> None:
        if made == 1:
            items.insert(0, {"Number": "100", "Name": "new"})

    emitted, shrinks = read_all(server, grow)
    assert shrinks == []
    assert server.pages == [1, 2, 3]
    assert Counter(emitted)["5"] == 2
    assert set(emitted) == {i["Number"] for i in server.items} - {"100"}


def test_keys_are_kept_for_the_last_pages_only():
    server = PositionalList(40 * 3, limit=3)
    paginator = FortnoxPaginator("Items", key)
    while not paginator.finished:
        resp = server.get(paginator.current_value)
        list(paginator.fresh(resp.json()["Items"]))
        paginator.advance(resp)
    assert server.pages == list(range(1, 41))
    assert len(paginator._seen) <= (KEY_MEMORY_PAGES + 1) * 3


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("memory", ["unbounded", "default"])
def test_random_deletions_between_any_requests_lose_nothing(seed, memory, monkeypatch):
    """Deletions before any request, even during re-reads: no survivor is lost. With every key
    remembered no item comes twice; with the default memory a long cascade of re-reads may
    reach pages whose keys were forgotten and repeat an item (never lose one)."""
    if memory == "unbounded":
        monkeypatch.setattr(paging, "KEY_MEMORY_PAGES", 10**6)
    rnd = random.Random(seed)
    limit = rnd.choice([1, 2, 3, 5, 7])
    server = PositionalList(rnd.randint(0, 60), limit)

    def delete_some(made: int, items: list[dict]) -> None:
        if made and items and rnd.random() < 0.35:
            for _ in range(rnd.randint(1, min(len(items), 2 * limit + 1))):
                del items[rnd.randrange(len(items))]

    original = {i["Number"] for i in server.items}
    emitted, _ = read_all(server, delete_some)
    assert set(emitted) <= original
    assert not {i["Number"] for i in server.items} - set(emitted)
    if memory == "unbounded":
        assert_each_survivor_once(server, emitted)
