"""Records deleted in the sandbox while the tap is between two list pages (so later records
shift onto pages already read): the tap re-reads, every surviving record arrives exactly once,
no detail is fetched twice, and the next incremental sync has nothing left to catch up."""

from __future__ import annotations

import json
from collections import Counter

from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync
from tests.resilience.conftest import config_for

STREAMS = ["invoices", "invoice_rows"]


def delete_before_page(sb, resource: str, page: int, count: int) -> dict:
    """Before the sandbox serves list page `page` of `resource`, delete `count` of its records
    (the sandbox picks which); returns what happened: deleted keys, pages served, and the
    record numbers listed before the deletion."""
    seen: dict = {"deleted": [], "pages": [], "listed_before": []}
    serve = sb.api.get
    path = f"/3/{resource}"

    def get(tenant, request_path, query, scopes):
        if request_path == path:
            if query.get("page") == str(page) and not seen["deleted"]:
                seen["deleted"] = sb.delete(resource, count)
            result = serve(tenant, request_path, query, scopes)
            seen["pages"].append(int(query["page"]))
            if not seen["deleted"]:
                items = json.loads(result.body)["Invoices"]
                seen["listed_before"] += [item["DocumentNumber"] for item in items]
            return result
        return serve(tenant, request_path, query, scopes)

    sb.api.get = get
    return seen


def test_deletions_between_pages_lose_nothing_and_fetch_no_detail_twice(make_sandbox):
    sb = make_sandbox(seed=5, scale="small", rate_limit=False)
    config = config_for(sb)
    tap = TapFortnox(config=config)
    stream = tap.streams["invoices"]
    before = set(tapsync.expected_keys(sb, tap, "invoices"))
    seen = delete_before_page(sb, "invoices", 8, 12)
    sb.reset_counters()

    run = tapsync.run_tap(config, STREAMS)

    deleted = set(seen["deleted"])
    # The scenario bites: several records of pages already read went, so later ones shifted
    # back over the page boundary (more than a page's worth: two pages are read again).
    assert len(deleted & set(seen["listed_before"])) >= 3
    after = set(tapsync.expected_keys(sb, tap, "invoices"))
    got = Counter(tapsync.record_key(stream, r) for r in run.records("invoices"))
    assert not [k for k, n in got.items() if n > 1], "an invoice arrived twice"
    assert after <= set(got), f"lost: {sorted(after - set(got))[:3]}"
    assert set(got) <= before
    assert seen["pages"][:10] == [1, 2, 3, 4, 5, 6, 7, 8, 6, 7]
    rows = Counter(
        tapsync.record_key(tap.streams["invoice_rows"], r) for r in run.records("invoice_rows")
    )
    assert max(rows.values()) == 1
    by_path = sb.counters()["by_path"]
    details = {p: n for p, n in by_path.items() if p.startswith("/3/invoices/")}
    assert max(details.values()) == 1
    assert len(details) == len(got)

    # Nothing was skipped, so the next sync (from the emitted state) has nothing to catch up.
    sb.reset_counters()
    again = tapsync.run_tap(config, STREAMS, state=run.state)
    assert again.records("invoices") == []
    assert not [p for p in sb.counters()["by_path"] if p.startswith("/3/invoices/")]
