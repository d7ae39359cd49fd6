"""Voucher rows from the SIE 4 export (the default) against the voucher-detail path: the same
records for every financial year, one request per year, balances that agree with the rows, and
a fallback to the details for a year whose file is refused or broken."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from tap_fortnox import sdk, sie_ledger
from tap_fortnox.errors import FortnoxAPIError
from tap_fortnox.sie import SieBalance, SiePeriodBalance
from tests.helpers import tapsync
from tests.incremental.conftest import config_for

LEDGER = ["financial_years", "vouchers", "voucher_rows"]
BALANCES = ["account_balances", "period_balances", "object_period_balances"]
# On the SIE path the header's CostCenter/Project are in neither the list item nor the file
# (the rows carry them); the detail gives them, empty on booked vouchers.
HEADER_ONLY_IN_DETAILS = ("cost_center", "project")


def comparable(records: list[dict], drop: tuple[str, ...] = ()) -> list[tuple]:
    """Records as sorted tuples, money compared by value (12.5 == 12.50)."""

    def value(v):
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, Decimal)):
            return Decimal(v).normalize()
        return v

    out = [
        tuple(sorted((k, value(v)) for k, v in r.items() if k not in ("sync_started_at", *drop)))
        for r in records
    ]
    return sorted(out, key=repr)


def by_key(rows: list[dict]) -> dict[tuple, tuple]:
    """Rows as a target keeps them: the last record per key."""
    keys = ("tenant_id", "year", "voucher_series", "voucher_number", "row_index")
    return {tuple(r[k] for k in keys): comparable([r])[0] for r in rows}


def sie_requests(sb) -> int:
    return sb.counters()["by_path"].get("/3/sie/4", 0)


@pytest.mark.parametrize("scale", ["small", "medium"])
def test_the_sie_path_gives_the_detail_paths_records(make_sandbox, scale):
    sb = make_sandbox(seed=41, scale=scale, rate_limit=False)
    sie = tapsync.run_tap(config_for(sb), LEDGER)
    sie_counts = sb.counters()
    sb.reset_counters()
    details = tapsync.run_tap(config_for(sb, voucher_rows_source="details"), LEDGER)

    # The same headers (but the two fields only the detail has) and the same rows, in order.
    assert comparable(sie.records("vouchers"), HEADER_ONLY_IN_DETAILS) == comparable(
        details.records("vouchers"), HEADER_ONLY_IN_DETAILS
    )
    assert {(r.get("cost_center"), r.get("project")) for r in details.records("vouchers")} == {
        ("", "")
    }  # nothing lost in the sandbox's data
    assert sie.records("voucher_rows")
    assert comparable(sie.records("voucher_rows")) == comparable(details.records("voucher_rows"))
    assert [r["row_index"] for r in sie.records("voucher_rows")] == [
        r["row_index"] for r in details.records("voucher_rows")
    ]
    # The hard cases are in there: removed and added rows, quotes, backslashes, å/ä/ö.
    rows = sie.records("voucher_rows")
    assert any(r["removed"] for r in rows)
    texts = " ".join(r["transaction_information"] for r in rows)
    assert all(c in texts for c in ('"', "\\", "å", "ä", "ö"))
    # One SIE request per financial year instead of one detail per voucher.
    years = len(sie.records("financial_years"))
    assert sie_counts["by_path"]["/3/sie/4"] == years
    assert not [p for p in sie_counts["by_path"] if p.startswith("/3/vouchers/")]


def test_balances_agree_with_the_voucher_rows(make_sandbox):
    sb = make_sandbox(seed=42, scale="small", rate_limit=False)
    run = tapsync.run_tap(config_for(sb), [*LEDGER, *BALANCES])
    rows: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in run.records("voucher_rows"):
        if not row["removed"]:
            rows[(row["year"], row["account"])] += row["debit"] - row["credit"]
    balances = run.records("account_balances")
    assert balances
    for balance in balances:
        moved = rows.get((balance["year"], balance["account"]), Decimal(0))
        if balance["account"] < 3000:
            # No #IB (an account that opens at zero): the record has no opening balance.
            opening = balance.get("opening_balance") or Decimal(0)
            assert balance["closing_balance"] == opening + moved, balance
        else:
            assert balance["result"] == moved, balance
    assert {k for k, v in rows.items() if v} <= {(b["year"], b["account"]) for b in balances}
    months: dict[tuple, Decimal] = defaultdict(Decimal)
    for period in run.records("period_balances"):
        months[(period["year"], period["account"])] += period["amount"]
    assert {k: v for k, v in months.items() if v} == {k: v for k, v in rows.items() if v}


def test_period_balances_go_out_in_batches_as_the_file_is_read(make_sandbox, monkeypatch):
    """One per account, month and project: not all held until a year's file ends."""
    sb = make_sandbox(seed=42, scale="small", rate_limit=False)
    whole = tapsync.run_tap(config_for(sb), [*LEDGER, *BALANCES])
    hand_overs: Counter[str] = Counter()
    sync_rows = sdk.sync_rows

    def counted(child):
        hand_overs[child.name] += 1
        return sync_rows(child)

    monkeypatch.setattr(sdk, "sync_rows", counted)
    monkeypatch.setattr(sie_ledger, "ROW_FLUSH_SIZE", 10)
    batched = tapsync.run_tap(config_for(sb), [*LEDGER, *BALANCES])
    for name in BALANCES:
        assert comparable(batched.records(name)) == comparable(whole.records(name)), name
    years = len(sb.expected("financialyears"))
    assert hand_overs["object_period_balances"] > 2 * years
    assert hand_overs["account_balances"] == years  # complete only once the file is read


def test_only_the_selected_balances_are_gathered():
    balances = sie_ledger.Balances(frozenset({"periods"}))
    for objects in ((), (("6", "P1"),)):
        balances.take(SiePeriodBalance("PSALDO", 0, "202401", 1910, objects, Decimal(5), None))
        balances.take(SieBalance("UB", 0, 1910, Decimal(5), None, objects))
    assert len(balances.pop("periods", final=False)) == 1
    assert balances.object_periods == []
    assert balances.pop("accounts", final=True) == []
    assert balances.pop("periods", final=True) == []  # taken before


def test_an_incremental_sync_reads_one_file_per_year_with_changes(make_sandbox):
    sb = make_sandbox(seed=43, scale="small", rate_limit=False)
    config = config_for(sb)
    first = tapsync.run_tap(config, LEDGER)
    sb.reset_counters()
    unchanged = tapsync.run_tap(config, LEDGER, first.state)
    assert sie_requests(sb) == 0  # no changed voucher: no SIE file
    assert unchanged.records("voucher_rows") == []

    changed = {year: sb.touch("vouchers", 3, year=year) for year in (2, 3)}
    sb.reset_counters()
    second = tapsync.run_tap(config, LEDGER, unchanged.state)
    assert sie_requests(sb) == 2  # one per financial year with changes, whatever the count
    headers = {
        (v["year"], f"{v['voucher_series']}/{v['voucher_number']}")
        for v in second.records("vouchers")
    }
    assert headers == {(year, key) for year, keys in changed.items() for key in keys}
    with_rows = {
        (r["year"], f"{r['voucher_series']}/{r['voucher_number']}")
        for r in second.records("voucher_rows")
    }
    assert with_rows == headers  # the rows of exactly the changed vouchers


def test_headers_alone_read_no_file_and_balances_alone_the_changed_years(make_sandbox):
    sb = make_sandbox(seed=45, scale="small", rate_limit=False)
    config = config_for(sb)
    years = len(sb.expected("financialyears"))
    headers = tapsync.run_tap(config, ["financial_years", "vouchers"])
    assert headers.records("vouchers")
    assert sie_requests(sb) == 0

    balances = ["financial_years", "vouchers", "period_balances"]
    first = tapsync.run_tap(config, balances)
    assert sie_requests(sb) == years  # every year's balances once
    sb.touch("vouchers", 2, year=2)
    sb.reset_counters()
    second = tapsync.run_tap(config, balances, first.state)
    assert sie_requests(sb) == 1  # the year whose vouchers changed
    assert {r["year"] for r in second.records("period_balances")} == {2}


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ({"kind": "status", "status": 404}, "has no SIE export"),
        ({"kind": "status", "status": 403}, "was refused"),
        ({"kind": "truncated"}, "was cut short"),
        ({"kind": "malformed"}, "is malformed: line "),
    ],
)
def test_a_refused_or_broken_file_falls_back_to_the_details(make_sandbox, caplog, fault, reason):
    sb = make_sandbox(seed=44, scale="small", rate_limit=False)
    reference = tapsync.run_tap(config_for(sb), LEDGER)
    sb.inject(fault.pop("kind"), count=1, path_prefix="/3/sie", **fault)
    sb.reset_counters()
    with caplog.at_level(logging.WARNING):
        run = tapsync.run_tap(config_for(sb, max_retries=1), LEDGER)
    # Every row arrives (rows read from the file before it broke come twice: targets upsert).
    assert by_key(run.records("voucher_rows")) == by_key(reference.records("voucher_rows"))
    warnings = [
        r.getMessage() for r in caplog.records if "voucher details instead" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert "financial year" in warnings[0]
    assert reason in warnings[0]
    assert any(p.startswith("/3/vouchers/") for p in sb.counters()["by_path"])  # the details


def test_voucher_rows_source_sie_makes_a_broken_file_an_error(make_sandbox):
    sb = make_sandbox(seed=45, scale="small", rate_limit=False)
    sb.inject("status", count=1, path_prefix="/3/sie", status=404)
    run = tapsync.run_tap(config_for(sb, voucher_rows_source="sie"), LEDGER, allow_error=True)
    assert isinstance(run.error, FortnoxAPIError)
    assert "has no SIE export" in str(run.error)
    assert "Stream 'vouchers'" in str(run.error)
