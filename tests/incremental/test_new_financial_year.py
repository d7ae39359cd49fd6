"""A financial year opened between two syncs (issue 4) is picked up by the next sync from the
emitted state: its accounts, voucher series, vouchers and rows arrive, while the older years'
vouchers are read only as far as `lastmodified` returns them."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from fortnox_sandbox.model.clock import Clock
from tests.helpers import tapsync
from tests.helpers.tapsync import config_for

STREAMS = ["financial_years", "accounts", "voucher_series", "vouchers", "voucher_rows"]
NEW_VOUCHERS = 4


def voucher_details(sb) -> int:
    return sum(n for path, n in sb.counters()["by_path"].items() if path.startswith("/3/vouchers/"))


def sie_files(sb) -> int:
    return sb.counters()["by_path"].get("/3/sie/4", 0)


def of_year(records: list[dict], year: int) -> list[dict]:
    return [r for r in records if r["year"] == year]


def test_a_year_opened_between_syncs_arrives_in_full(make_sandbox):
    # Base data ending yesterday keeps it out of the tap's overlap window even just after
    # midnight, so the second sync's reads of the older years are exactly the touched vouchers.
    yesterday = Clock().today() - timedelta(days=1)
    sb = make_sandbox(seed=51, scale="small", rate_limit=False, as_of=yesterday)
    config = config_for(sb)
    first = tapsync.run_tap(config, STREAMS)
    years = [y["Id"] for y in sb.expected("financialyears")]
    assert sorted({r["year"] for r in first.records("vouchers")}) == years

    touched = set(sb.touch("vouchers", 2))  # in the current (last generated) year
    current = years[-1]
    new = sb.add_financial_year(vouchers=NEW_VOUCHERS)
    assert new == current + 1
    sb.reset_counters()
    second = tapsync.run_tap(config, STREAMS, first.state)

    assert [r["id"] for r in second.records("financial_years")] == [*years, new]
    expected = {
        resource: [r for r in sb.expected(resource) if r["Year"] == new]
        for resource in ("accounts", "voucherseries", "vouchers")
    }
    accounts = of_year(second.records("accounts"), new)
    assert sorted(a["number"] for a in accounts) == sorted(
        a["Number"] for a in expected["accounts"]
    )
    series = {s["code"]: s for s in of_year(second.records("voucher_series"), new)}
    assert sorted(series) == sorted(s["Code"] for s in expected["voucherseries"])
    vouchers = of_year(second.records("vouchers"), new)
    assert sorted((v["voucher_series"], v["voucher_number"]) for v in vouchers) == [
        ("A", n) for n in range(1, NEW_VOUCHERS + 1)
    ]

    rows_by_voucher: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in of_year(second.records("voucher_rows"), new):
        rows_by_voucher[(row["voucher_series"], row["voucher_number"])].append(row)
    assert sorted(rows_by_voucher) == sorted(
        (v["VoucherSeries"], v["VoucherNumber"]) for v in expected["vouchers"]
    )
    for voucher in expected["vouchers"]:
        rows = rows_by_voucher[(voucher["VoucherSeries"], voucher["VoucherNumber"])]
        assert [r["account"] for r in rows] == [r["Account"] for r in voucher["VoucherRows"]]
        debit = sum(Decimal(str(r["debit"])) for r in rows)
        assert debit > 0
        assert debit == sum(Decimal(str(r["credit"])) for r in rows)

    # The older years: only what changed since the first sync (the two touched vouchers).
    old = [v for v in second.records("vouchers") if v["year"] != new]
    assert {(v["year"], f"{v['voucher_series']}/{v['voucher_number']}") for v in old} == {
        (current, key) for key in touched
    }
    # Their rows: one SIE file for each year with changes (the touched one and the new one).
    assert sie_files(sb) == 2
    assert voucher_details(sb) == 0

    # The new year has its own bookmark. A third sync re-reads at most what changed within the
    # overlap window (the touched and the new vouchers, all changed minutes ago), nothing older.
    partitions = second.state["bookmarks"]["vouchers"]["partitions"]
    assert sorted(p["context"]["year"] for p in partitions) == [*years, new]
    assert all(p.get("replication_key_value") for p in partitions)
    sb.reset_counters()
    third = tapsync.run_tap(config, STREAMS, second.state)
    again = {
        (v["year"], f"{v['voucher_series']}/{v['voucher_number']}")
        for v in third.records("vouchers")
    }
    changed = {(current, key) for key in touched} | {
        (new, f"A/{n}") for n in range(1, NEW_VOUCHERS + 1)
    }
    assert again <= changed
    assert sie_files(sb) == len({year for year, _key in again})
    assert voucher_details(sb) == 0
    assert [r["id"] for r in third.records("financial_years")] == [*years, new]
