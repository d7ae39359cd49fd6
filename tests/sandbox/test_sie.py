"""GET /3/sie/{Type}: the SIE 4 export, parsed with tap_fortnox.sie and compared with the JSON
API: the same vouchers and rows, balances that agree with the rows, CP437 and CRLF, the year
selection and errors of the vouchers endpoint, runtime changes, faults, and streaming."""

from __future__ import annotations

import http.client
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from scripts.bench.sie import largest_year, measure
from tap_fortnox.sie import (
    SieAccount,
    SieBalance,
    SieHeader,
    SieObject,
    SieParseError,
    SiePeriodBalance,
    SieReader,
    SieVoucher,
    SieYear,
    parse,
)
from tests.sandbox.helpers import get, request

AS_OF = date(2025, 6, 1)
NOON = datetime(2025, 5, 20, 10, 0, tzinfo=timezone.utc)  # inside the last financial year
ZERO = Decimal(0)


def dec(value) -> Decimal:
    return Decimal(str(value))


def sie_request(sb, path: str = "/sie/4", token: str | None = None, **params):
    """(status, headers, body) of a GET on the API, the body read whole."""
    conn = http.client.HTTPConnection(sb.host, sb.port, timeout=120)
    try:
        query = f"?{urlencode(params)}" if params else ""
        headers = {"Authorization": f"Bearer {token or sb.new_access_token()}"}
        conn.request("GET", f"/3{path}{query}", headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def in_chunks(body: bytes, size: int = 4093):
    return (body[i : i + size] for i in range(0, len(body), size))


@dataclass
class SieFile:
    """What a parsed file says, gathered by kind."""

    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    years: dict[int, SieYear] = field(default_factory=dict)
    accounts: dict[int, str] = field(default_factory=dict)
    objects: dict[tuple[int, str], str] = field(default_factory=dict)
    balances: dict[tuple[str, int], dict[int, Decimal]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    periods: dict[tuple[str, int, tuple], Decimal] = field(default_factory=dict)
    vouchers: list[SieVoucher] = field(default_factory=list)
    encoding: str = ""


def read(body: bytes) -> SieFile:
    out = SieFile()
    reader = SieReader()
    for event in reader.read(in_chunks(body)):
        if isinstance(event, SieHeader):
            out.headers[event.label] = event.values
        elif isinstance(event, SieYear):
            out.years[event.index] = event
        elif isinstance(event, SieAccount):
            out.accounts[event.number] = event.name
        elif isinstance(event, SieObject):
            out.objects[(event.dimension, event.code)] = event.name
        elif isinstance(event, SieBalance):
            out.balances[(event.kind, event.year_index)][event.account] = event.amount
        elif isinstance(event, SiePeriodBalance):
            assert event.year_index == 0
            out.periods[(event.period, event.account, event.objects)] = event.amount
        elif isinstance(event, SieVoucher):
            out.vouchers.append(event)
    out.encoding = reader.encoding
    return out


def sie_file(sb, year: int, sie_type: int = 4, token: str | None = None) -> SieFile:
    status, headers, body = sie_request(sb, f"/sie/{sie_type}", token, financialyear=year)
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Transfer-Encoding"] == "chunked"
    return read(body)


def json_details(sb, year: int) -> list[dict]:
    """The year's vouchers as the detail endpoint serves them, in list order."""
    status, body = get(sb, "/vouchers", financialyear=year, limit=500)
    assert status == 200
    assert body["MetaInformation"]["@TotalPages"] <= 1
    details = []
    for item in body["Vouchers"]:
        path = f"/vouchers/{item['VoucherSeries']}/{item['VoucherNumber']}"
        status, detail = get(sb, path, financialyear=year)
        assert status == 200
        details.append(detail["Voucher"])
    return details


def json_rows(voucher: dict) -> list[tuple]:
    return [
        (
            r["Account"],
            r["Description"],
            dec(r["Debit"]),
            dec(r["Credit"]),
            r["CostCenter"] or None,
            r["Project"] or None,
            dec(r["Quantity"]),
            r["Removed"],
            r["TransactionInformation"] or None,
        )
        for r in voucher["VoucherRows"]
    ]


def sie_rows(voucher: SieVoucher, accounts: dict[int, str]) -> list[tuple]:
    return [
        (
            r.account,
            accounts[r.account],
            r.debit,
            r.credit,
            r.cost_center,
            r.project,
            r.quantity,
            r.removed,
            r.text,
        )
        for r in voucher.ledger_rows()
    ]


def assert_same_vouchers(parsed: SieFile, details: list[dict]) -> None:
    """The file's vouchers are the JSON details: headers, rows in order, removed and added rows."""
    keys = [(v.series, int(v.number)) for v in parsed.vouchers]
    assert keys == sorted(keys)  # each series ascending, series after series
    by_key = {(d["VoucherSeries"], d["VoucherNumber"]): d for d in details}
    assert set(keys) == set(by_key)
    assert len(keys) == len(details)
    for voucher in parsed.vouchers:
        detail = by_key[(voucher.series, int(voucher.number))]
        assert voucher.date.isoformat() == detail["TransactionDate"]
        assert voucher.text == (detail["Description"] or None)
        assert sie_rows(voucher, parsed.accounts) == json_rows(detail), detail["@url"]
        # A correction as SIE 4B writes it: #BTRANS in place, #RTRANS + the same #TRANS last.
        removed = sum(r["Removed"] for r in detail["VoucherRows"])
        kinds = [r.kind for r in voucher.rows]
        assert kinds.count("BTRANS") == removed
        assert kinds.count("RTRANS") == removed
        if removed:
            assert kinds[-2:] == ["RTRANS", "TRANS"]
            assert voucher.rows[-2].same_booking(voucher.rows[-1])


def row_sums(parsed: SieFile) -> tuple[dict[int, Decimal], dict[tuple, Decimal]]:
    """Per account, and per (month, account, objects) as PSALDO keys them, the sum of the
    rows that are not removed."""
    accounts: dict[int, Decimal] = defaultdict(Decimal)
    periods: dict[tuple, Decimal] = defaultdict(Decimal)
    for voucher in parsed.vouchers:
        month = f"{voucher.date:%Y%m}"
        for row in voucher.ledger_rows():
            if row.removed:
                continue
            accounts[row.account] += row.amount
            periods[(month, row.account, ())] += row.amount
            for pair in row.objects:
                periods[(month, row.account, (pair,))] += row.amount
    return dict(accounts), dict(periods)


def assert_balances_agree(parsed: SieFile, before: SieFile | None = None) -> None:
    """UB = IB + rows (balance accounts), RES = rows (result accounts), PSALDO = the month's rows
    per account and per object; year -1 is the previous year's file's year 0."""
    rows, periods = row_sums(parsed)
    opening = parsed.balances[("IB", 0)]
    balance_accounts = set(opening) | {a for a in rows if a < 3000}
    expected_ub = {a: opening.get(a, ZERO) + rows.get(a, ZERO) for a in balance_accounts}
    assert parsed.balances[("UB", 0)] == expected_ub
    assert parsed.balances[("RES", 0)] == {a: v for a, v in rows.items() if a >= 3000}
    assert parsed.periods == periods
    assert set(parsed.balances) <= {(k, i) for k in ("IB", "UB", "RES") for i in (0, -1)}
    if before is None:
        assert -1 not in parsed.years
        assert not any(index == -1 for _kind, index in parsed.balances)
        return
    assert (parsed.years[-1].start, parsed.years[-1].end) == (
        before.years[0].start,
        before.years[0].end,
    )
    for kind in ("IB", "UB", "RES"):
        assert parsed.balances[(kind, -1)] == before.balances[(kind, 0)], kind


def assert_opening_balances_are_the_accounts(sb, parsed: SieFile, year: int) -> None:
    """IB is the accounts endpoint's opening balance (BalanceBroughtForward)."""
    accounts = get(sb, "/accounts", financialyear=year, limit=500)[1]["Accounts"]
    opening = {a["Number"]: dec(a["BalanceBroughtForward"]) for a in accounts}
    assert parsed.balances[("IB", 0)] == {n: v for n, v in opening.items() if v}


def test_every_year_of_a_small_sandbox_equals_the_json_details(make_sandbox):
    sb = make_sandbox(seed=3, as_of=AS_OF, rate_limit=False)
    sb.set_now(NOON)
    years = [y["Id"] for y in get(sb, "/financialyears")[1]["FinancialYears"]]
    assert years == [1, 2, 3, 4]
    texts, kinds, dimensions = [], set(), set()
    for year in years:
        parsed = sie_file(sb, year)
        assert_same_vouchers(parsed, json_details(sb, year))
        accounts = get(sb, "/accounts", financialyear=year, limit=500)[1]["Accounts"]
        assert parsed.accounts == {a["Number"]: a["Description"] for a in accounts}
        texts += [v.text or "" for v in parsed.vouchers]
        texts += [r.text or "" for v in parsed.vouchers for r in v.rows]
        kinds |= {r.kind for v in parsed.vouchers for r in v.rows}
        dimensions |= {d for v in parsed.vouchers for r in v.rows for d, _ in r.objects}
    # The hard cases are in the files.
    assert kinds == {"TRANS", "RTRANS", "BTRANS"}
    assert dimensions == {1, 6}
    for needed in ('"', "\\", "å", "ä", "ö", "Å", "Ä", "Ö"):
        assert any(needed in text for text in texts), needed


def test_identification_chart_and_objects(make_sandbox):
    sb = make_sandbox(seed=3, as_of=AS_OF, rate_limit=False)
    sb.set_now(NOON)
    parsed = sie_file(sb, 2)
    info = get(sb, "/companyinformation")[1]["CompanyInformation"]
    h = parsed.headers
    assert (h["FLAGGA"], h["FORMAT"], h["SIETYP"], h["KPTYP"]) == (
        ("0",),
        ("PC8",),
        ("4",),
        ("EUBAS97",),
    )
    assert h["PROGRAM"][0] == "Fortnox"
    assert h["GEN"] == ("20250520",)  # the sandbox clock's day
    assert h["FNR"] == (sb.tenant_ids[0],)
    assert h["FNAMN"] == (info["CompanyName"],)
    assert h["ORGNR"] == (info["OrganizationNumber"],)
    assert h["ADRESS"][1:3] == (info["Address"], f"{info['ZipCode']} {info['City']}")
    year = get(sb, "/financialyears/2")[1]["FinancialYear"]
    assert parsed.years[0].start.isoformat() == year["FromDate"]
    assert parsed.years[0].end.isoformat() == year["ToDate"]
    assert h["OMFATTN"] == (year["ToDate"].replace("-", ""),)
    centres = get(sb, "/costcenters")[1]["CostCenters"]
    projects = get(sb, "/projects", limit=500)[1]["Projects"]
    assert parsed.objects == {
        **{(1, c["Code"]): c["Description"] for c in centres},
        **{(6, p["ProjectNumber"]): p["Description"] for p in projects},
    }


def test_balances_agree_with_the_rows_in_every_year(make_sandbox):
    sb = make_sandbox(seed=3, as_of=AS_OF, rate_limit=False)
    before = None
    for year in (1, 2, 3, 4):
        parsed = sie_file(sb, year)
        assert_balances_agree(parsed, before)
        assert_opening_balances_are_the_accounts(sb, parsed, year)
        before = parsed


def test_one_year_of_a_medium_sandbox(make_sandbox):
    sb = make_sandbox(seed=5, scale="medium", as_of=AS_OF, rate_limit=False)
    parsed = sie_file(sb, 2)
    details = [v for v in sb.expected("vouchers") if v["Year"] == 2]
    assert len(details) > 2000
    assert_same_vouchers(parsed, details)
    assert_balances_agree(parsed, sie_file(sb, 1))


def test_the_raw_file_is_cp437_with_crlf(make_sandbox):
    sb = make_sandbox(seed=3, as_of=AS_OF, rate_limit=False)
    bodies = []
    for year in (1, 2, 3, 4):
        status, _headers, body = sie_request(sb, financialyear=year)
        assert status == 200
        assert body.startswith(b'#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#PROGRAM "Fortnox" ')
        assert body.endswith(b"}\r\n")
        assert body.count(b"\n") == body.count(b"\r\n")
        assert '#DIM 1 "Kostnadsställe"\r\n'.encode("cp437") in body
        assert read(body).encoding == "cp437"
        bodies.append(body)
    every = b"".join(bodies)
    assert "ä".encode("cp437") == b"\x84"
    assert b"\x84" in every
    assert "ä".encode() not in every  # not UTF-8
    assert rb"\"" in every  # an escaped quote
    assert b"\\\\" in every  # an escaped backslash


def test_year_selection_types_and_errors(make_sandbox):
    sb = make_sandbox(seed=3, as_of=AS_OF, rate_limit=False)
    sb.set_now(NOON)
    current = sie_request(sb)[2]
    assert current == sie_request(sb, financialyear=4)[2]
    assert current == sie_request(sb, financialyeardate="2025-02-03")[2]
    assert sie_request(sb, financialYear=2)[2] == sie_request(sb, financialyear=2)[2]
    status, _, body = sie_request(sb, financialyear=99)
    assert status == 400
    assert json.loads(body) == get(sb, "/vouchers", financialyear=99)[1]
    for path in ("/sie/5", "/sie/4/x", "/sie"):
        status, _, body = sie_request(sb, path, financialyear=2)
        assert status == 404
        assert json.loads(body)["ErrorInformation"]["code"] == 2000433
    full = sie_file(sb, 2)
    for sie_type in (1, 2, 3):
        parsed = sie_file(sb, 2, sie_type)
        assert parsed.headers["SIETYP"] == (str(sie_type),)
        assert parsed.vouchers == []
        assert parsed.accounts == full.accounts
        assert parsed.balances == full.balances
        assert bool(parsed.objects) == (sie_type == 3)
        assert ("OMFATTN" in parsed.headers) == (sie_type > 1)
        whole = {k: v for k, v in full.periods.items() if not k[2]}
        assert parsed.periods == {1: {}, 2: whole, 3: full.periods}[sie_type]


def test_scope_licence_counters_and_rate_limit(make_sandbox):
    sb = make_sandbox(seed=3, as_of=AS_OF, missing_scopes={"bookkeeping"})
    status, _, body = sie_request(sb, financialyear=2)
    assert status == 403
    assert json.loads(body) == get(sb, "/vouchers", financialyear=2)[1]
    assert json.loads(body)["ErrorInformation"]["code"] == 2001101
    sb = make_sandbox(seed=3, as_of=AS_OF, rate_limit_requests=3, rate_limit_window=3600)
    without = sb.oauth.access_token(sb.tenant_ids[0], scope="customer invoice")
    status, _, body = sie_request(sb, token=without, financialyear=2)
    assert status == 403
    assert json.loads(body)["ErrorInformation"]["code"] == 2000663
    sb.reset_counters()
    assert sie_request(sb, financialyear=2)[0] == 200
    assert sie_request(sb, financialyear=2)[0] == 200
    assert sie_request(sb, financialyear=2)[0] == 429  # the window holds 3, one went above
    counters = sb.counters()
    assert counters["by_path"] == {"/3/sie/4": 3}
    assert counters["429"] == 1


def test_runtime_changes_reach_the_file(make_sandbox):
    sb = make_sandbox(seed=4, as_of=AS_OF, rate_limit=False)
    sb.set_now(NOON)
    before = sie_file(sb, 3)
    sb.touch("vouchers", 3, year=4)  # changes Comments, which SIE does not carry
    created = sb.touch("vouchers", 2, create=True, year=4)
    deleted = sb.delete("vouchers", 1, year=4)
    parsed = sie_file(sb, 4)
    assert_same_vouchers(parsed, json_details(sb, 4))
    assert_balances_agree(parsed, before)
    keys = {f"{v.series}/{v.number}" for v in parsed.vouchers}
    assert set(created) <= keys
    assert not set(deleted) & keys

    new = sb.add_financial_year(vouchers=3)
    opened = sie_file(sb, new)
    assert [(v.series, v.number) for v in opened.vouchers] == [("A", "1"), ("A", "2"), ("A", "3")]
    assert_same_vouchers(opened, json_details(sb, new))
    assert_balances_agree(opened, parsed)
    assert_opening_balances_are_the_accounts(sb, opened, new)


def test_faults_refuse_truncate_and_garble_the_file(make_sandbox):
    sb = make_sandbox(seed=3, as_of=AS_OF, rate_limit=False)
    sb.inject("status", status=404, path_prefix="/3/sie")
    assert get(sb, "/vouchers", financialyear=2)[0] == 200  # only the SIE path refuses
    status, _, body = sie_request(sb, financialyear=2)
    assert status == 404
    assert json.loads(body)["ErrorInformation"]["code"] == 1000003
    assert sie_request(sb, financialyear=2)[0] == 200

    # Truncated: the body stops inside a voucher's row and the connection closes.
    sb.inject("truncated", path_prefix="/3/sie")
    with pytest.raises(http.client.IncompleteRead) as cut:
        sie_request(sb, financialyear=2)
    partial = cut.value.partial
    with pytest.raises(SieParseError, match="the input ends mid-line inside voucher") as error:
        list(parse(in_chunks(partial)))
    assert partial.split(b"\r\n")[error.value.line - 1].startswith(b"#TRANS")
    assert len(read(sie_request(sb, financialyear=2)[2]).vouchers) > 0  # the next one is whole

    # Malformed: a complete response with a row whose amount has a decimal comma.
    url = f"{sb.base_url}/_sandbox/inject"
    data = json.dumps({"kind": "malformed", "path_prefix": "/3/sie"}).encode()
    assert request(url, method="POST", data=data)[:2] == (200, {"injected": "malformed"})
    status, _, body = sie_request(sb, financialyear=2)
    assert status == 200
    with pytest.raises(SieParseError, match="malformed amount") as error:
        list(parse(in_chunks(body)))
    line = body.split(b"\r\n")[error.value.line - 1]
    assert line.startswith(b"#TRANS")
    assert b"," in line
    assert body.endswith(b"}\r\n")


def test_the_benchmark_helper_downloads_and_parses_the_largest_year(make_sandbox):
    sb = make_sandbox(seed=3, as_of=AS_OF, rate_limit=False)
    files = {year: sie_file(sb, year) for year in (1, 2, 3, 4)}
    year = largest_year(sb)
    assert len(files[year].vouchers) == max(len(f.vouchers) for f in files.values())
    rows, seconds, peak = measure(sb, year)
    assert rows == sum(len(v.rows) for v in files[year].vouchers)
    assert seconds > 0
    assert 0 < peak < 5_000_000


def _rss() -> int:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_a_large_year_is_streamed_and_parsed_in_bounded_memory(make_sandbox):
    sb = make_sandbox(seed=1, scale="large", as_of=AS_OF, rate_limit=False)
    tenant = sb.tenants[sb.tenant_ids[0]]
    tenant.ledger_sums.get(tenant.collection("vouchers", 1))  # the balances' sums, kept per year
    conn = http.client.HTTPConnection(sb.host, sb.port, timeout=600)
    headers = {"Authorization": f"Bearer {sb.new_access_token()}"}
    conn.request("GET", "/3/sie/4?financialyear=1", headers=headers)
    response = conn.getresponse()
    assert response.getheader("Transfer-Encoding") == "chunked"
    received, peak, rows = 0, 0, 0
    baseline = _rss()

    def chunks():
        nonlocal received, peak
        while chunk := response.read(65536):
            received += len(chunk)
            if received % (64 * 65536) < len(chunk):
                peak = max(peak, _rss() - baseline)
            yield chunk

    for event in parse(chunks()):
        if isinstance(event, SieVoucher):
            rows += len(event.rows)
    conn.close()
    assert rows > 500_000
    assert received > 40_000_000
    # Neither the server nor the parser holds the file: memory grows by a fraction of it.
    assert peak < 25_000_000, (peak, received)
