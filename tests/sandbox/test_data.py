"""The generated company data: partial lists, complete details, sums, balances, references."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from fortnox_sandbox import Sandbox
from fortnox_sandbox.people import luhn_digit
from fortnox_sandbox.resources import RESOURCES
from fortnox_sandbox.shape import UNDOCUMENTED, fields
from fortnox_sandbox.spec_fields import SCHEMAS
from tests.sandbox.helpers import get
from tests.sandbox.sums import check_sales_document, check_supplier_invoice, dec


@pytest.mark.parametrize(
    "name",
    [
        n
        for n, r in RESOURCES.items()
        if r.name not in ("labels", "accountcharts", "printtemplates")
    ],
)
def test_list_items_are_partial_and_point_at_complete_details(sandbox, name):
    res = RESOURCES[name]
    status, body = get(sandbox, f"/{name}", limit=3)
    assert status == 200, body
    items = body[res.selector]
    assert items, name
    for item in items:
        assert list(item) == list(SCHEMAS[res.list_schema]), name
        assert item["@url"].startswith(sandbox.api_url + f"/{name}/")
        status, detail = get(sandbox, item["@url"][len(sandbox.api_url) :])
        assert status == 200, item["@url"]
        record = detail[res.item]
        assert list(record) == list(fields(res.schema))
        for field, value in item.items():
            target = res.renames.get(field, field)
            if isinstance(target, str) and target in record and field != "@url":
                assert str(record[target]) == str(value) or dec(record[target]) == dec(value), (
                    name,
                    field,
                )


def test_invoice_list_has_27_fields_and_detail_90(sandbox):
    item = get(sandbox, "/invoices", limit=1)[1]["Invoices"][0]
    detail = get(sandbox, item["@url"][len(sandbox.api_url) :])[1]["Invoice"]
    assert len(item) == 27
    assert len(detail) == 90  # the spec's 89 and InvoiceReference
    assert "InvoiceRows" not in item
    assert detail["InvoiceRows"]


def _detail(sb, item: dict, key: str) -> dict:
    return get(sb, item["@url"][len(sb.api_url) :])[1][key]


def test_details_carry_the_fields_fortnox_sends_beyond_its_spec(sandbox):
    for schema, extra in UNDOCUMENTED.items():
        assert not set(extra) & set(SCHEMAS[schema]), schema
    invoice = get(sandbox, "/invoices", limit=1)[1]["Invoices"][0]
    assert "InvoiceReference" not in invoice
    assert "InvoiceReference" not in SCHEMAS["Invoice"]
    assert _detail(sandbox, invoice, "Invoice")["InvoiceReference"] == "0"
    articles = {a["ArticleNumber"]: a for a in sandbox.expected("articles")}
    for resource, rows_key in (("invoices", "InvoiceRows"), ("orders", "OrderRows")):
        for doc in sandbox.expected(resource):
            for row in doc[rows_key]:
                article = articles[row["ArticleNumber"]]
                assert dec(row["Cost"]) == dec(article["PurchasePrice"]), (resource, row)
    assert "Cost" not in sandbox.expected("offers")[0]["OfferRows"][0]
    codes = {a["Type"]: set() for a in articles.values()}
    for article in articles.values():
        codes[article["Type"]].add(article["CommodityCode"])
    assert codes["SERVICE"] == {""}
    assert all(len(code) == 8 and code.isdigit() for code in codes["STOCK"])
    item = get(sandbox, "/articles", limit=1)[1]["Articles"][0]
    assert "CommodityCode" not in item
    assert "CommodityCode" in _detail(sandbox, item, "Article")


def test_project_details_add_comments_and_contact_person_to_the_list_item(sandbox):
    items = get(sandbox, "/projects", limit=500)[1]["Projects"]
    assert items
    for item in items:
        assert {"Comments", "ContactPerson"}.isdisjoint(item)
        detail = _detail(sandbox, item, "Project")
        assert {k: v for k, v in detail.items() if k in item} == item
        assert len(detail["ContactPerson"].split()) >= 2
    assert {_detail(sandbox, item, "Project")["Comments"] for item in items} > {""}


def test_the_latest_invoices_and_supplier_invoices_are_unbooked_drafts(sandbox):
    for resource, series, number in (
        ("invoices", "B", "DocumentNumber"),
        ("supplierinvoices", "D", "GivenNumber"),
    ):
        docs = sandbox.expected(resource)
        unbooked = [d for d in docs if not d["Booked"]]
        assert 1 <= len(unbooked) <= max(1, len(docs) // 50), resource
        assert unbooked == docs[len(docs) - len(unbooked) :]  # the latest ones
        for doc in unbooked:
            assert (doc["VoucherSeries"], doc["VoucherNumber"], doc["VoucherYear"]) == (None,) * 3
            assert dec(doc["Balance"]) == dec(doc["Total"])  # a draft takes no payment
        listed = get(sandbox, f"/{resource}", filter="unbooked", limit=500)[1]
        assert [i[number] for i in listed[RESOURCES[resource].selector]] == [
            d[number] for d in unbooked
        ]
        vouchers = [v for v in sandbox.expected("vouchers") if v["VoucherSeries"] == series]
        assert len(vouchers) == len(docs) - len(unbooked), resource
    assert not any(i["Sent"] for i in sandbox.expected("invoices") if not i["Booked"])
    assert not any(s["Vouchers"] for s in sandbox.expected("supplierinvoices") if not s["Booked"])


def test_document_rows_add_up_to_totals(sandbox):
    for resource, rows_key in (
        ("invoices", "InvoiceRows"),
        ("orders", "OrderRows"),
        ("offers", "OfferRows"),
        ("contracts", "InvoiceRows"),
    ):
        docs = sandbox.expected(resource)
        assert docs
        for doc in docs:
            check_sales_document(doc, rows_key)
    vat_rates = {r["VAT"] for doc in sandbox.expected("invoices") for r in doc["InvoiceRows"]}
    assert {25, 12, 6} <= vat_rates


def test_vouchers_balance_in_every_financial_year(sandbox):
    years = get(sandbox, "/financialyears")[1]["FinancialYears"]
    assert [y["Id"] for y in years] == list(range(1, len(years) + 1))
    vouchers = sandbox.expected("vouchers")
    assert {v["Year"] for v in vouchers} == {y["Id"] for y in years}
    for v in vouchers:
        rows = [r for r in v["VoucherRows"] if not r["Removed"]]  # removed rows do not count
        assert len(rows) >= 2
        assert sum(dec(r["Debit"]) for r in rows) == sum(dec(r["Credit"]) for r in rows), v["@url"]
        year = next(y for y in years if y["Id"] == v["Year"])
        assert year["FromDate"] <= v["TransactionDate"] <= year["ToDate"]
    assert {v["VoucherSeries"] for v in vouchers} == {"A", "B", "C", "D", "E", "K"}


def test_corrected_vouchers_keep_the_removed_row_and_add_the_right_one(sandbox):
    corrected = [
        v for v in sandbox.expected("vouchers") if any(r["Removed"] for r in v["VoucherRows"])
    ]
    assert {v["Year"] for v in corrected} == {1, 2, 3, 4}  # a few in every year
    for v in corrected:
        assert v["VoucherSeries"] == "A"
        rows = v["VoucherRows"]
        removed = rows[1]
        assert [r["Removed"] for r in rows] == [False, True] + [False] * (len(rows) - 2)
        # The expense was first booked on the wrong account; the right row comes last.
        assert {k: v for k, v in rows[-1].items() if k not in ("Account", "Description")} == {
            k: v for k, v in removed.items() if k not in ("Account", "Description", "Removed")
        } | {"Removed": False}
        assert removed["Account"] != rows[-1]["Account"]


def test_cost_centres_and_projects_are_on_voucher_rows(sandbox):
    vouchers = sandbox.expected("vouchers")
    assert all(v["CostCenter"] == "" and v["Project"] == "" for v in vouchers)
    on_rows = {
        (v["VoucherSeries"], r["CostCenter"] != "", r["Project"] != "")
        for v in vouchers
        for r in v["VoucherRows"]
    }
    assert {
        ("A", True, False),
        ("A", False, True),
        ("B", True, False),
        ("B", False, True),
    } <= on_rows
    invoices = {i["DocumentNumber"]: i for i in sandbox.expected("invoices")}
    for v in vouchers:
        if v["VoucherSeries"] == "B":
            invoice = invoices[v["ReferenceNumber"]]
            for r in v["VoucherRows"]:
                revenue = 3000 <= r["Account"] < 4000 and r["Account"] != 3740
                assert r["CostCenter"] == (invoice["CostCenter"] if revenue else "")
                assert r["Project"] == (invoice["Project"] if revenue else "")
    status, body = get(sandbox, "/vouchers", costcenter="SALJ", financialyear=2, limit=500)
    assert status == 200
    listed = body["Vouchers"]
    assert listed
    details = {(v["VoucherSeries"], v["VoucherNumber"]): v for v in vouchers if v["Year"] == 2}
    for item in listed:
        rows = details[(item["VoucherSeries"], item["VoucherNumber"])]["VoucherRows"]
        assert any(r["CostCenter"] == "SALJ" for r in rows)


def test_voucher_texts_need_quoting_and_escaping(sandbox):
    vouchers = sandbox.expected("vouchers")
    texts = [v["Description"] for v in vouchers] + [
        r["TransactionInformation"] for v in vouchers for r in v["VoucherRows"]
    ]
    for needed in ('"', "\\", "å", "ä", "ö", "Å", "Ä", "Ö"):
        assert any(needed in t for t in texts), needed


def test_vouchers_list_defaults_to_the_current_financial_year(make_sandbox):
    sandbox = make_sandbox()
    sandbox.set_now(datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc))  # in the third year
    today = sandbox.clock.today().isoformat()
    years = get(sandbox, "/financialyears")[1]["FinancialYears"]
    current = next(y["Id"] for y in years if y["FromDate"] <= today <= y["ToDate"])
    assert current == 3
    default = get(sandbox, "/vouchers", limit=500)[1]
    explicit = get(sandbox, "/vouchers", limit=500, financialyear=current)[1]
    assert default == explicit
    first = get(sandbox, "/vouchers", limit=1, financialyear=1)[1]["Vouchers"][0]
    assert first["Year"] == 1
    status, detail = get(
        sandbox, f"/vouchers/{first['VoucherSeries']}/{first['VoucherNumber']}", financialyear=1
    )
    assert status == 200
    assert detail["Voucher"]["Year"] == 1
    assert get(sandbox, "/vouchers", financialyear=99)[0] == 400
    accounts = get(sandbox, "/accounts", financialyear=2, limit=500)[1]["Accounts"]
    assert {a["Year"] for a in accounts} == {2}
    assert {1510, 1930, 2440, 2611, 3001, 4010, 5010} <= {a["Number"] for a in accounts}


def test_invoices_payments_and_vouchers_refer_to_each_other(sandbox):
    invoices = {i["DocumentNumber"]: i for i in sandbox.expected("invoices")}
    vouchers = {
        (v["Year"], v["VoucherSeries"], v["VoucherNumber"]): v for v in sandbox.expected("vouchers")
    }
    for inv in invoices.values():
        if not inv["Booked"]:
            continue
        voucher = vouchers[(inv["VoucherYear"], inv["VoucherSeries"], inv["VoucherNumber"])]
        assert voucher["ReferenceNumber"] == inv["DocumentNumber"]
        receivable = next(r for r in voucher["VoucherRows"] if r["Account"] == 1510)
        if inv["Currency"] == "SEK":
            assert dec(receivable["Debit"]) == dec(inv["Total"])
    payments = sandbox.expected("invoicepayments")
    assert payments
    short = []
    for pay in payments:
        inv = invoices[str(pay["InvoiceNumber"])]
        # Paid in full, or in part (a short payment: the rest stays open, FinalPayDate empty).
        assert dec(pay["AmountCurrency"]) == dec(inv["Total"]) - dec(inv["Balance"])
        assert dec(pay["AmountCurrency"]) > 0
        assert (inv["FinalPayDate"] == "") == (dec(inv["Balance"]) > 0)
        if dec(inv["Balance"]):
            short.append(inv)
        assert pay["PaymentDate"] >= inv["InvoiceDate"]
        assert (pay["VoucherYear"], "C", pay["VoucherNumber"]) in vouchers
    assert short
    unpaid = [i for i in invoices.values() if dec(i["Balance"]) > 0]
    assert [i for i in unpaid if dec(i["Balance"]) < dec(i["Total"])] == short
    assert len(unpaid) - len(short) + len(payments) == len(invoices)


def test_supplier_invoice_rows_balance_and_payments_refer_to_them(sandbox):
    invoices = {s["GivenNumber"]: s for s in sandbox.expected("supplierinvoices")}
    for inv in invoices.values():
        check_supplier_invoice(inv)
        assert isinstance(inv["Total"], str)  # numeric string, as the spec types it
    short = 0
    for pay in sandbox.expected("supplierinvoicepayments"):
        inv = invoices[pay["InvoiceNumber"]]
        # Paid in full, or in part (the rest stays open, FinalPayDate empty).
        assert dec(pay["AmountCurrency"]) == dec(inv["Total"]) - dec(inv["Balance"])
        assert dec(pay["AmountCurrency"]) > 0
        assert (inv["FinalPayDate"] == "") == (dec(inv["Balance"]) > 0)
        short += dec(inv["Balance"]) > 0
    assert short


def test_numeric_strings_where_the_spec_types_strings(sandbox):
    item = get(sandbox, "/supplierinvoices", limit=1)[1]["SupplierInvoices"][0]
    for field in ("Total", "Balance", "CurrencyRate"):
        assert isinstance(item[field], str)
        assert dec(item[field]) >= 0
    article = get(sandbox, "/articles", limit=1)[1]["Articles"][0]
    for field in ("SalesPrice", "PurchasePrice", "StockValue", "DisposableQuantity"):
        assert isinstance(article[field], str)
    salary = get(sandbox, "/salarytransactions", limit=1)[1]["SalaryTransactions"][0]
    assert isinstance(salary["Amount"], str)
    assert isinstance(salary["Total"], str)
    invoice = get(sandbox, "/invoices", limit=1)[1]["Invoices"][0]
    assert isinstance(invoice["Total"], float)


def test_empty_dates_are_empty_strings_or_null(sandbox):
    unpaid = get(sandbox, "/invoices", filter="unpaid", limit=1)[1]["Invoices"][0]
    assert unpaid["FinalPayDate"] == ""
    detail = get(sandbox, unpaid["@url"][len(sandbox.api_url) :])[1]["Invoice"]
    assert detail["LastRemindDate"] is None


def test_swedish_company_data(sandbox):
    info = get(sandbox, "/companyinformation")[1]["CompanyInformation"]
    assert info["DatabaseNumber"] == int(sandbox.tenant_ids[0])
    org = info["OrganizationNumber"].replace("-", "")
    assert luhn_digit(org[:-1]) == org[-1]
    customers = sandbox.expected("customers")
    text = " ".join(c["Name"] + c["City"] for c in customers)
    assert any(ch in text for ch in "åäöÅÄÖ")
    for c in customers:
        if c["Type"] == "COMPANY" and c["CountryCode"] == "SE":
            digits = c["OrganisationNumber"].replace("-", "")
            assert luhn_digit(digits[:-1]) == digits[-1]


def _without_urls(rows: list[dict]) -> list[dict]:
    """Records minus their URLs (which name each sandbox's own port)."""
    return [{k: v for k, v in r.items() if not k.startswith("@url")} for r in rows]


def test_same_seed_gives_same_data_and_another_seed_differs():
    as_of = date(2025, 6, 1)
    one, two, other = (Sandbox(seed=s, as_of=as_of) for s in (7, 7, 8))
    try:
        for resource in ("customers", "invoices", "vouchers", "companyinformation"):
            assert _without_urls(one.expected(resource)) == _without_urls(two.expected(resource))
        assert one.tenant_ids == two.tenant_ids != other.tenant_ids
        assert one.expected("customers")[0]["Name"] != other.expected("customers")[0]["Name"] or (
            one.expected("invoices")[0]["Total"] != other.expected("invoices")[0]["Total"]
        )
    finally:
        for sb in (one, two, other):
            sb.stop()


def test_several_tenants_have_their_own_companies(make_sandbox):
    sb = make_sandbox(tenants=2)
    first, second = sb.tenant_ids
    a = get(sb, "/companyinformation", token=sb.new_access_token(first))[1]["CompanyInformation"]
    b = get(sb, "/companyinformation", token=sb.new_access_token(second))[1]["CompanyInformation"]
    assert (a["DatabaseNumber"], b["DatabaseNumber"]) == (int(first), int(second))
    assert a["CompanyName"] != b["CompanyName"]
