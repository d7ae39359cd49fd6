"""The sandbox's books make the statements' invariants meaningful, in the JSON API and in SIE:
balanced opening balances carried from year to year, a booked year-end closing in closed years
and none in the latest, customer and supplier ledgers that tie out to 1510 and 2440, and VAT
settled into 2650 each month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.sandbox.helpers import get
from tests.sandbox.test_sie import SieFile, sie_file

ZERO = Decimal(0)
CENT = Decimal("0.01")
AS_OF = date(2025, 6, 1)
YEARS = (1, 2, 3, 4)
AGING = ((0, "not due"), (30, "1-30"), (60, "31-60"), (90, "61-90"), (10**6, ">90"))


def dec(value) -> Decimal:
    return Decimal(str(value or 0))


def sek(amount, rate) -> Decimal:
    return (dec(amount) * dec(rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def balance_sheet(balances: dict[int, Decimal]) -> dict[int, Decimal]:
    return {a: v for a, v in balances.items() if a < 3000}


def files(sb, tenant: str | None = None) -> dict[int, SieFile]:
    token = sb.new_access_token(tenant) if tenant else None
    return {year: sie_file(sb, year, token=token) for year in YEARS}


def rows_by_year(vouchers: list[dict]) -> dict[int, dict[int, Decimal]]:
    """Per year and account, the sum of the rows that are not removed (debit positive)."""
    out: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for voucher in vouchers:
        for row in voucher["VoucherRows"]:
            if not row["Removed"]:
                out[voucher["Year"]][row["Account"]] += dec(row["Debit"]) - dec(row["Credit"])
    return out


@pytest.fixture(scope="module")
def books():
    """A small sandbox of two companies, each company's SIE files and JSON records."""
    from fortnox_sandbox import Sandbox

    sb = Sandbox(seed=7, scale="small", tenants=2, as_of=AS_OF, rate_limit=False).start()
    out = {}
    for tenant in sb.tenant_ids:
        out[tenant] = {
            "sie": files(sb, tenant),
            **{
                name: sb.expected(name, tenant)
                for name in (
                    "accounts",
                    "vouchers",
                    "invoices",
                    "invoicepayments",
                    "supplierinvoices",
                    "supplierinvoicepayments",
                )
            },
        }
    yield sb, out
    sb.stop()


def test_every_voucher_balances_in_json_and_sie(books):
    _sb, companies = books
    for data in companies.values():
        for voucher in data["vouchers"]:
            rows = [r for r in voucher["VoucherRows"] if not r["Removed"]]
            assert sum(dec(r["Debit"]) - dec(r["Credit"]) for r in rows) == 0, voucher["@url"]
        for parsed in data["sie"].values():
            for voucher in parsed.vouchers:
                kept = [r.amount for r in voucher.ledger_rows() if not r.removed]
                assert sum(kept, ZERO) == 0, (voucher.series, voucher.number)


def test_the_first_year_opens_balanced_without_open_invoices(books):
    _sb, companies = books
    for data in companies.values():
        opening = data["sie"][1].balances[("IB", 0)]
        assert opening
        assert sum(opening.values(), ZERO) == 0
        assert all(account < 3000 for account in opening)
        assert opening.get(1510, ZERO) == opening.get(2440, ZERO) == 0
        json_opening = {
            a["Number"]: dec(a["BalanceBroughtForward"]) for a in data["accounts"] if a["Year"] == 1
        }
        assert {a: v for a, v in json_opening.items() if v} == opening


def test_each_year_opens_with_the_closing_balances_of_the_year_before(books):
    _sb, companies = books
    for data in companies.values():
        sie = data["sie"]
        for year in YEARS[1:]:
            assert sie[year].balances[("IB", 0)] == {
                a: v for a, v in sie[year - 1].balances[("UB", 0)].items() if v
            }, year
            assert sum(sie[year].balances[("IB", 0)].values(), ZERO) == 0
        # The accounts endpoint says the same: brought forward = carried forward the year before,
        # and carried forward = SIE's closing balance.
        accounts = {(a["Year"], a["Number"]): a for a in data["accounts"]}
        for year in YEARS:
            carried = {
                number: dec(a["BalanceCarriedForward"])
                for (y, number), a in accounts.items()
                if y == year and number < 3000
            }
            ub = sie[year].balances[("UB", 0)]
            assert {a: v for a, v in carried.items() if v} == {a: v for a, v in ub.items() if v}
        for (year, number), account in accounts.items():
            if year > 1 and number < 3000:
                before = accounts[(year - 1, number)]
                assert dec(account["BalanceBroughtForward"]) == dec(
                    before["BalanceCarriedForward"]
                ), (year, number)


def test_closed_years_book_their_result_and_the_latest_does_not(books):
    _sb, companies = books
    for data in companies.values():
        sie = data["sie"]
        rows = rows_by_year(data["vouchers"])
        results = {}
        for year in YEARS:
            res = sie[year].balances[("RES", 0)]
            ub = balance_sheet(sie[year].balances[("UB", 0)])
            assert res == {a: v for a, v in rows[year].items() if a >= 3000}
            # The result without the closing accounts: the income statement's Årets resultat.
            results[year] = -sum((v for a, v in res.items() if a < 8990), ZERO)
            assert results[year] != 0
            if year < YEARS[-1]:
                closing = [
                    v
                    for v in sie[year].vouchers
                    if any(r.account == 8999 for r in v.ledger_rows() if not r.removed)
                ]
                assert len(closing) == 1, year
                assert closing[0].date == date(2021 + year, 12, 31)
                assert sum(res.values(), ZERO) == 0  # every result account nets to zero
                assert res[8999] == results[year]
                assert sum(ub.values(), ZERO) == 0  # the balance sheet balances by itself
            else:
                assert 8999 not in res  # open: the statements show Beräknat resultat
                assert sum(ub.values(), ZERO) == results[year]  # = -(the result accounts)
        # The result booked on 2099 is brought forward and moved to 2091 on the year's first day.
        for year in YEARS[1:]:
            assert sie[year].balances[("IB", 0)][2099] == -results[year - 1]
            moved = [v for v in sie[year].vouchers if v.series == "K" and v.number == "1"]
            assert moved[0].date == date(2021 + year, 1, 1)
            assert {(r.account, r.amount) for r in moved[0].ledger_rows()} == {
                (2099, results[year - 1]),
                (2091, -results[year - 1]),
            }


def _open_at(day: date, documents: list[dict], payments: list[dict]) -> Decimal:
    """What the documents booked by `day` (their totals in SEK) less the payments made by then
    (`Amount` is in SEK) leave open."""
    booked = sum(
        (
            sek(d["Total"], d["CurrencyRate"])
            for d in documents
            if d["Booked"] and date.fromisoformat(d["InvoiceDate"]) <= day
        ),
        ZERO,
    )
    paid = sum(
        (dec(p["Amount"]) for p in payments if date.fromisoformat(p["PaymentDate"]) <= day), ZERO
    )
    return booked - paid


def test_customer_and_supplier_ledgers_tie_out_to_1510_and_2440(books):
    _sb, companies = books
    for data in companies.values():
        sie = data["sie"]
        invoices, supplier_invoices = data["invoices"], data["supplierinvoices"]
        # Today: the open (booked, not cancelled) balances in SEK, as the aging reports take them.
        receivable = sum(
            (
                sek(i["Balance"], i["CurrencyRate"])
                for i in invoices
                if i["Booked"] and not i.get("Cancelled") and dec(i["Balance"])
            ),
            ZERO,
        )
        payable = sum(
            (
                sek(i["Balance"], i["CurrencyRate"])
                for i in supplier_invoices
                if i["Booked"] and not i["Cancelled"] and dec(i["Balance"])
            ),
            ZERO,
        )
        latest = sie[YEARS[-1]].balances[("UB", 0)]
        assert receivable > 0
        assert latest.get(1510, ZERO) == receivable
        assert latest.get(2440, ZERO) == -payable
        # At every year's end: the documents booked by then and not paid by then.
        for year in YEARS:
            end = date(2021 + year, 12, 31) if year < YEARS[-1] else AS_OF
            ub = sie[year].balances[("UB", 0)]
            assert ub.get(1510, ZERO) == _open_at(end, invoices, data["invoicepayments"]), year
            payments = data["supplierinvoicepayments"]
            assert -ub.get(2440, ZERO) == _open_at(end, supplier_invoices, payments), year
        # Foreign invoices are among them, and their rows in SEK add up to the SEK total.
        assert {i["Currency"] for i in invoices} > {"SEK"}


def _open_items(documents: list[dict]) -> list[dict]:
    return [d for d in documents if d["Booked"] and not d.get("Cancelled") and dec(d["Balance"])]


def test_a_medium_company_ties_out_and_its_receivables_age_into_every_bucket(make_sandbox):
    sb = make_sandbox(seed=11, scale="medium", as_of=AS_OF, rate_limit=False)
    accounts = {(a["Year"], a["Number"]): a for a in sb.expected("accounts")}
    opening = [dec(a["BalanceBroughtForward"]) for (year, _), a in accounts.items() if year == 1]
    assert sum(opening, ZERO) == 0
    for (year, number), account in accounts.items():
        if year > 1 and number < 3000:
            carried = accounts[(year - 1, number)]["BalanceCarriedForward"]
            assert dec(account["BalanceBroughtForward"]) == dec(carried), (year, number)
    invoices, supplier_invoices = sb.expected("invoices"), sb.expected("supplierinvoices")
    for number, documents, sign in ((1510, invoices, 1), (2440, supplier_invoices, -1)):
        open_items = sum(
            (sek(d["Balance"], d["CurrencyRate"]) for d in _open_items(documents)), ZERO
        )
        assert open_items > 0
        assert dec(accounts[(YEARS[-1], number)]["BalanceCarriedForward"]) == sign * open_items
    buckets = set()
    for invoice in _open_items(invoices):
        overdue = (AS_OF - date.fromisoformat(invoice["DueDate"])).days
        buckets.add(next(bucket for limit, bucket in AGING if overdue <= limit))
    assert buckets == {bucket for _, bucket in AGING}


def test_vat_is_settled_into_2650_every_month_and_paid_the_month_after(books):
    _sb, companies = books
    for data in companies.values():
        by_month: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        settled: dict[str, Decimal] = {}
        paid: dict[str, Decimal] = {}
        for voucher in data["vouchers"]:
            month = voucher["TransactionDate"][:7]
            rows = [r for r in voucher["VoucherRows"] if not r["Removed"]]
            amounts = [(r["Account"], dec(r["Debit"]) - dec(r["Credit"])) for r in rows]
            if voucher["Description"].startswith("Momsredovisning"):
                assert voucher["TransactionDate"][:7] == voucher["Description"][-7:]
                settled[month] = sum(v for a, v in amounts if a == 2650)
            elif voucher["Description"].startswith("Betalning moms"):
                paid[voucher["Description"][-7:]] = sum(v for a, v in amounts if a == 2650)
            else:
                for account, value in amounts:
                    by_month[month][account] += value
        assert len(settled) == 12 * 3 + 5  # every month that has ended before 2025-06-01
        for month, amount in settled.items():
            accounts = by_month[month]
            output = -sum((v for a, v in accounts.items() if 2610 <= a <= 2639), ZERO)
            box_48 = sum((v for a, v in accounts.items() if 2640 <= a <= 2649), ZERO)
            assert output > 0
            assert box_48 > 0
            assert -amount == output - box_48, month  # box 49 = output VAT - box 48
            if month != "2025-05":
                assert paid[month] == -amount, month
        assert paid["2021-12"] == -data["sie"][1].balances[("IB", 0)][2650]
        # Settled: each year's end leaves on 2650 only December's VAT, and nothing on 2610-2649.
        for year in YEARS[:-1]:
            ub = data["sie"][year].balances[("UB", 0)]
            assert ub[2650] == settled[f"{2021 + year}-12"]
            assert not any(v for a, v in ub.items() if 2610 <= a <= 2649)


def test_dimensions_and_removed_rows_are_in_every_year(books):
    _sb, companies = books
    for data in companies.values():
        for year in YEARS:
            rows = [r for v in data["vouchers"] if v["Year"] == year for r in v["VoucherRows"]]
            assert any(r["Removed"] for r in rows)
            assert any(r["CostCenter"] and r["Account"] >= 3000 for r in rows)
            assert any(r["Project"] and r["Account"] >= 3000 for r in rows)


def test_the_locked_period_ends_with_the_last_closed_year(books):
    sb, _companies = books
    for tenant in sb.tenant_ids:
        status, body = get(sb, "/settings/lockedperiod", token=sb.new_access_token(tenant))
        assert status == 200
        assert body == {"LockedPeriod": {"EndDate": "2024-12-31"}}


def test_a_year_opened_at_runtime_brings_the_unbooked_result_forward_on_2099(make_sandbox):
    sb = make_sandbox(seed=8, as_of=AS_OF, rate_limit=False)
    before = sie_file(sb, 4)
    new = sb.add_financial_year()
    opened = sie_file(sb, new)
    assert [v.series for v in opened.vouchers] == []  # no series K in a year opened at runtime
    ub = balance_sheet(before.balances[("UB", 0)])
    result = sum(before.balances[("RES", 0)].values(), ZERO)
    assert result
    ib = opened.balances[("IB", 0)]
    assert sum(ib.values(), ZERO) == 0
    # Only 2099 differs from the year before's closing balances, by that year's result.
    differs = {a for a in set(ub) | set(ib) if ub.get(a, ZERO) != ib.get(a, ZERO)}
    assert differs == {2099}
    assert ib[2099] - ub.get(2099, ZERO) == result


def test_the_books_are_deterministic_and_independent_of_the_order_of_reading():
    from fortnox_sandbox import Sandbox

    one, two = (Sandbox(seed=9, as_of=AS_OF) for _ in range(2))
    try:
        one.expected("accounts")  # the openings first in one, the vouchers first in the other
        two.expected("vouchers")
        for resource in ("accounts", "vouchers"):
            strip = [{k: v for k, v in r.items() if k != "@url"} for r in one.expected(resource)]
            assert strip == [
                {k: v for k, v in r.items() if k != "@url"} for r in two.expected(resource)
            ]
    finally:
        one.stop()
        two.stop()


def test_the_sie_sums_taken_from_the_books_equal_the_served_vouchers_until_they_change():
    """SIE's balances come from the books' sums of the generated vouchers (no voucher built
    again) while a year's vouchers are as generated, and from the served vouchers after a
    change: both ways give the sums of the rows the JSON API serves."""
    from fortnox_sandbox import Sandbox
    from fortnox_sandbox.model import ledger

    sb = Sandbox(seed=7, scale="small", as_of=AS_OF, rate_limit=False)
    try:
        tenant = sb.tenants[sb.tenant_ids[0]]
        for year in tenant.ctx.years:
            coll = tenant.collection("vouchers", year.id)
            served, kept = ledger.year_sums(coll), tenant.ledger_sums.get(coll)
            assert kept.vouchers == served.vouchers > 0
            assert (kept.accounts, kept.periods) == (served.accounts, served.periods)
        sb.delete("vouchers", count=1, year=1)
        coll = tenant.collection("vouchers", 1)
        after = tenant.ledger_sums.get(coll)
        assert after.vouchers == tenant.ledgers.books.row_sums(tenant.ctx.years[0]).vouchers - 1
        served = ledger.year_sums(coll)
        assert (after.accounts, after.periods) == (served.accounts, served.periods)
    finally:
        sb.stop()
