"""`lastmodified`: Stockholm wall time, minute precision, DST changes, and where it is refused."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from tests.sandbox.helpers import get


def _numbers(sb, since: str) -> set[str]:
    status, body = get(sb, "/customers", lastmodified=since, limit=500)
    assert status == 200, body
    return {c["CustomerNumber"] for c in body["Customers"]}


def _create_at(sb, utc: datetime) -> set[str]:
    sb.set_now(utc)
    return set(sb.touch("customers", 2, create=True))


def test_spring_forward(make_sandbox):
    # 2024-03-31: Stockholm clocks jump from 02:00 CET to 03:00 CEST (01:00 UTC).
    sb = make_sandbox(as_of=date(2024, 3, 1))
    before = _create_at(sb, datetime(2024, 3, 31, 0, 30, tzinfo=timezone.utc))  # 01:30 CET
    after = _create_at(sb, datetime(2024, 3, 31, 1, 30, tzinfo=timezone.utc))  # 03:30 CEST
    assert _numbers(sb, "2024-03-31 01:30") == before | after  # at or after the minute
    assert _numbers(sb, "2024-03-31 01:31") == after
    assert _numbers(sb, "2024-03-31 03:30") == after
    assert _numbers(sb, "2024-03-31 03:31") == set()
    # 02:30 does not exist that night; read as the earlier instant, nothing is missed
    assert _numbers(sb, "2024-03-31 02:30") == before | after
    assert _numbers(sb, "2024-03-31") == before | after  # date only = midnight
    assert _numbers(sb, "2024-03-31 03:29:59") == after  # seconds are accepted


def test_fall_back(make_sandbox):
    # 2024-10-27: 02:00-03:00 happens twice (CEST until 01:00 UTC, then CET).
    sb = make_sandbox(as_of=date(2024, 10, 1))
    first = _create_at(sb, datetime(2024, 10, 27, 0, 30, tzinfo=timezone.utc))  # 02:30 CEST
    second = _create_at(sb, datetime(2024, 10, 27, 1, 30, tzinfo=timezone.utc))  # 02:30 CET
    # the ambiguous 02:30 is read as its first occurrence, so both are returned
    assert _numbers(sb, "2024-10-27 02:30") == first | second
    assert _numbers(sb, "2024-10-27 02:31") == second
    assert _numbers(sb, "2024-10-27 03:00") == set()
    assert _numbers(sb, "2024-10-26 23:59") == first | second


def test_modified_records_are_returned_once_and_carry_no_timestamp(make_sandbox):
    sb = make_sandbox(as_of=date(2025, 1, 1))
    sb.set_now(datetime(2025, 2, 3, 9, 15, tzinfo=timezone.utc))  # 10:15 in Stockholm
    changed = sb.touch("invoices", 3)
    status, body = get(sb, "/invoices", lastmodified="2025-02-03 10:15")
    assert status == 200
    assert sorted(i["DocumentNumber"] for i in body["Invoices"]) == sorted(changed)
    assert get(sb, "/invoices", lastmodified="2025-02-03 10:16")[1]["Invoices"] == []
    detail = get(sb, f"/invoices/{changed[0]}")[1]["Invoice"]
    assert detail["Comments"].startswith("Ändrad 2025-02-03 10:15")
    assert not [k for k in detail if "modif" in k.lower()]
    base = get(sb, "/invoices", lastmodified="2024-12-01 00:00", limit=500)[1]
    assert base["MetaInformation"]["@TotalResources"] > 3  # base data spread up to as_of


def test_deleted_records_disappear(make_sandbox):
    sb = make_sandbox()
    total = get(sb, "/customers", limit=1)[1]["MetaInformation"]["@TotalResources"]
    gone = sb.delete("customers", 2)
    assert get(sb, "/customers", limit=1)[1]["MetaInformation"]["@TotalResources"] == total - 2
    assert get(sb, f"/customers/{gone[0]}")[0] == 404
    assert gone[0] not in {c["CustomerNumber"] for c in sb.expected("customers")}


@pytest.mark.parametrize("resource", ["currencies", "employees", "contracttemplates", "expenses"])
def test_lastmodified_refused_like_fortnox(sandbox, resource):
    status, body = get(sandbox, f"/{resource}", lastmodified="2024-01-01 00:00")
    assert status == 400
    assert body["ErrorInformation"] == {
        "error": 1,
        "message": "Ogiltig parameter i anropet.",
        "code": 2000588,
    }
    assert get(sandbox, f"/{resource}")[0] == 200


def test_malformed_lastmodified_is_400(sandbox):
    assert get(sandbox, "/customers", lastmodified="yesterday")[0] == 400


def test_vouchers_and_accounts_take_lastmodified_with_financialyear(sandbox):
    status, body = get(
        sandbox, "/vouchers", financialyear=1, lastmodified="2023-12-01 00:00", limit=500
    )
    assert status == 200
    vouchers = body["Vouchers"]
    assert vouchers
    assert all(v["TransactionDate"] >= "2023-11" for v in vouchers)
    everything = get(sandbox, "/vouchers", financialyear=1, limit=500)[1]["MetaInformation"]
    assert everything["@TotalResources"] > len(vouchers)
