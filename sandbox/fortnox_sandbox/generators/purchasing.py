"""Purchasing: suppliers, supplier invoices (whose rows are their bookkeeping rows) and supplier
invoice payments. Supplier invoice i is paid by payment i, 25 days after its date, if that day
has come."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fortnox_sandbox.model.context import Context
from fortnox_sandbox.model.detrand import CENT, money, whole
from fortnox_sandbox.model.shape import shape
from fortnox_sandbox.model.store import Record, TimedSource

from . import bas
from .documents import ZERO, booked_count, lock_reason, paid_part, paid_sek, to_sek
from .people import luhn_digit, ocr
from .sales import Party, PartySource, currency_rate

PAYMENT_DELAY_DAYS = 25


class SupplierSource(PartySource):
    stream = "suppliers"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx, ctx.scale.suppliers)

    def build(self, pos: int) -> Record:
        p = self.profile(pos)
        rnd = self.ctx.rng("suppliers.detail", pos)
        a = p.address
        domestic = p.domestic
        bg = f"{rnd.randint(100, 9999)}-{rnd.randint(1000, 9999)}" if domestic else ""
        iban = (
            ""
            if domestic
            else f"{a.country_code}{rnd.randint(10, 99)}{rnd.randint(10**13, 10**14 - 1)}"
        )
        values = {
            "@url": self.ctx.url(f"/suppliers/{p.number}"),
            "Active": rnd.random() > 0.05,
            "Address1": a.street,
            "BG": bg,
            "BIC": "" if domestic else "DEUTDEFF",
            "Bank": "Handelsbanken" if domestic else "",
            "BankAccountNumber": f"{rnd.randint(100000000, 999999999)}" if domestic else "",
            "City": a.city,
            "ClearingNumber": str(rnd.choice((6000, 8327, 5000, 3300))) if domestic else "",
            "Country": a.country,
            "CountryCode": a.country_code,
            "Currency": p.currency,
            "Email": p.email,
            "IBAN": iban,
            "Name": p.name,
            "OrganisationNumber": p.org,
            "OurCustomerNumber": str(rnd.randint(10000, 99999)),
            "Phone1": a.phone,
            "SupplierNumber": p.number,
            "PreDefinedAccount": str(rnd.choice(bas.COST_ACCOUNTS)),
            "TermsOfPayment": p.terms,
            "VATNumber": f"SE{p.org.replace('-', '')}01" if p.org else "",
            "VATType": "NORMAL" if domestic else "EUINTERNAL",
            "WWW": p.www,
            "YourReference": p.contact,
            "ZipCode": a.zip_code,
        }
        return shape(values, "Supplier")


@dataclass
class Purchase:
    number: str
    day: date
    party: Party
    costs: list[tuple[int, Decimal]]  # (account, amount excluding VAT) in document currency
    vat: Decimal
    round_off: Decimal
    total: Decimal
    rate: Decimal
    external_number: str


def _cost(rnd: random.Random) -> tuple[int, Decimal]:
    amount = money(Decimal(rnd.randint(9900, 2_500_000)) / 100)
    return rnd.choice(bas.COST_ACCOUNTS), amount


def _sums(costs: list[tuple[int, Decimal]], party: Party) -> dict:
    """A purchase's amounts from its costs: 25 % input VAT from domestic suppliers, SEK totals
    rounded to whole kronor."""
    net = sum((c for _, c in costs), ZERO)
    vat = money(net * Decimal("0.25")) if party.domestic else ZERO
    exact = net + vat
    total = whole(exact) if party.currency == "SEK" else exact
    return {"costs": costs, "vat": vat, "round_off": total - exact, "total": total}


class SupplierInvoiceSource(TimedSource):
    """Supplier invoices; the cost rows of unbooked ones can be edited (documents.RowEditor)."""

    touch_field = "Comments"

    def __init__(self, ctx: Context, suppliers: SupplierSource) -> None:
        super().__init__(ctx, ctx.scale.supplier_invoices)
        self.suppliers = suppliers
        self.payments = ctx.timeline(self.size, delay_days=PAYMENT_DELAY_DAYS)
        self.paid = self.payments.first_at(ctx.t1)
        self.booked = booked_count(self.size, self.paid)
        self.year_first = {y.id: self.timeline.first_on_or_after(y.start) for y in ctx.years}
        self.pay_year_first = {y.id: self.payments.first_on_or_after(y.start) for y in ctx.years}
        self.purchase = ctx.memo.memoize(self.build_purchase)

    def build_purchase(self, pos: int) -> Purchase:
        """Supplier invoice `pos`, built anew (`purchase` is this kept in the shared cache)."""
        rnd = self.ctx.rng("supplierinvoices", pos)
        party = self.suppliers.profile(rnd.randrange(self.suppliers.size))
        costs = [_cost(rnd) for _ in range(rnd.choice((1, 1, 1, 2, 2, 3, 4)))]
        return Purchase(
            number=self.key(pos),
            day=self.timeline.day(pos),
            party=party,
            **_sums(costs, party),
            # Two decimals: the supplier invoice's CurrencyRate is a string of two (shape.num_str),
            # and the debt in SEK must be its Total at the rate it shows.
            rate=currency_rate(rnd, party.currency).quantize(CENT),
            external_number=str(rnd.randint(10_000, 9_999_999)),
        )

    def voucher(self, pos: int) -> tuple[str, int, int]:
        year = self.ctx.year_of(self.timeline.day(pos))
        assert year is not None
        return "D", pos - self.year_first[year.id] + 1, year.id

    def payment_day(self, pos: int) -> date:
        return min(self.payments.day(pos), self.ctx.as_of)

    def payment_voucher(self, pos: int) -> tuple[str, int, int]:
        year = self.ctx.year_of(self.payment_day(pos))
        assert year is not None
        return "E", pos - self.pay_year_first[year.id] + 1, year.id

    def rows(self, p: Purchase) -> list[dict]:
        """Bookkeeping rows: costs and input VAT debited, the supplier debt (2440) credited."""
        rows = []
        debit_sek = ZERO
        for account, amount in p.costs:
            sek = to_sek(amount, p.rate)
            debit_sek += sek
            rows.append(_row(account, sek, ZERO, amount, ZERO))
        if p.vat:
            sek = to_sek(p.vat, p.rate)
            debit_sek += sek
            rows.append(_row(bas.INPUT_VAT, sek, ZERO, p.vat, ZERO, code="VAT"))
        # The debt is the total at the invoice's rate (what the payment clears); the rounding
        # row takes the öre rounding and, in a foreign invoice, the rows' conversion difference.
        debt = to_sek(p.total, p.rate)
        round_off = debt - debit_sek
        if round_off > 0:
            rows.append(_row(bas.ROUNDING, round_off, ZERO, max(p.round_off, ZERO), ZERO, "ROV"))
        elif round_off < 0:
            rows.append(_row(bas.ROUNDING, ZERO, -round_off, ZERO, max(-p.round_off, ZERO), "ROV"))
        rows.insert(0, _row(bas.PAYABLES, ZERO, debt, ZERO, p.total, code="TOT"))
        return rows

    def paid_part(self, pos: int) -> Decimal:
        return paid_part(self.ctx, "supplierinvoices", pos, self.purchase(pos).total)

    def build(self, pos: int) -> Record:
        p = self.purchase(pos)
        paid = pos < self.paid
        booked = pos < self.booked
        balance = p.total - self.paid_part(pos) if paid else p.total
        series, number, year = self.voucher(pos) if booked else (None, None, None)
        vouchers = (
            [{"Number": number, "ReferenceType": "SUPPLIERINVOICE", "Series": series, "Year": year}]
            if booked
            else []
        )
        if paid:
            pseries, pnumber, pyear = self.payment_voucher(pos)
            vouchers.append(
                {
                    "Number": pnumber,
                    "ReferenceType": "SUPPLIERPAYMENT",
                    "Series": pseries,
                    "Year": pyear,
                }
            )
        values = {
            "@url": self.ctx.url(f"/supplierinvoices/{p.number}"),
            "AccountingMethod": "ACCRUAL",
            "AdministrationFee": ZERO,
            "Balance": balance,
            "Booked": booked,
            "Cancelled": False,
            "Comments": "",
            "Credit": False,
            "Currency": p.party.currency,
            "CurrencyRate": p.rate,
            "CurrencyUnit": 1,
            "DisablePaymentFile": False,
            "DueDate": p.day + timedelta(days=int(p.party.terms)),
            "ExternalInvoiceNumber": "",
            "FinalPayDate": self.payment_day(pos) if paid and not balance else "",
            "Freight": ZERO,
            "GivenNumber": p.number,
            "InvoiceDate": p.day,
            "InvoiceNumber": p.external_number,
            "OCR": p.external_number + luhn_digit(p.external_number),
            "OurReference": "",
            "PaymentPending": False,
            "SupplierName": p.party.name,
            "SupplierNumber": p.party.number,
            **self.cost_fields(p),
            "VATType": "NORMAL" if p.party.domestic else "EUINTERNAL",
            "VoucherNumber": number,
            "VoucherSeries": series,
            "VoucherYear": year,
            "Vouchers": vouchers,
            "YourReference": p.party.contact,
        }
        return shape(values, "SupplierInvoice")

    def cost_fields(self, p: Purchase) -> dict:
        """The fields that follow from the costs."""
        return {
            "RoundOffValue": p.round_off,
            "SalesType": "STOCK" if p.costs[0][0] == 4010 else "SERVICE",
            "SupplierInvoiceRows": self.rows(p),
            "Total": p.total,
            "VAT": p.vat,
        }

    # -- documents.RowEditor: the rows are the cost rows; VAT, rounding and debt rows follow
    def locked(self, record: Record) -> str | None:
        return lock_reason(record)

    def row_count(self, record: Record) -> int:
        return len(_costs_of(record))

    def edit_rows(
        self, pos: int, record: Record, remove: int, add: int, rnd: random.Random
    ) -> Record:
        costs = _costs_of(record)
        costs = costs[: len(costs) - remove] + [_cost(rnd) for _ in range(add)]
        base = self.purchase(pos)
        edited = dataclasses.replace(base, **_sums(costs, base.party))
        # Only drafts change, and a draft is unpaid.
        values = {**record, **self.cost_fields(edited), "Balance": edited.total}
        return shape(values, "SupplierInvoice")


def _costs_of(record: Record) -> list[tuple[int, Decimal]]:
    """(account, amount in the invoice's currency) of each cost row (those without a Code)."""
    return [
        (row["Account"], Decimal(str(row["DebitCurrency"])))
        for row in record["SupplierInvoiceRows"]
        if not row["Code"]
    ]


def _row(
    account: int,
    debit: Decimal,
    credit: Decimal,
    debit_cur: Decimal,
    credit_cur: Decimal,
    code: str = "",
) -> dict:
    return {
        "Account": account,
        "AccountDescription": bas.DESCRIPTIONS.get(account, ""),
        "Code": code,
        "Credit": credit,
        "CreditCurrency": credit_cur,
        "Debit": debit,
        "DebitCurrency": debit_cur,
        "Total": debit - credit,
    }


class SupplierInvoicePaymentSource(TimedSource):
    touch_field = "Information"

    def __init__(self, ctx: Context, invoices: SupplierInvoiceSource) -> None:
        super().__init__(ctx, invoices.paid, invoices.payments)
        self.invoices = invoices

    def amounts(self, pos: int) -> tuple[Decimal, Decimal]:
        """(amount in SEK, amount in the invoice currency), as for customer payments."""
        return self.amounts_of(pos, self.invoices.purchase(pos))

    def amounts_of(self, pos: int, p: Purchase) -> tuple[Decimal, Decimal]:
        """`amounts` with supplier invoice `pos` already built (`p`)."""
        part = paid_part(self.ctx, "supplierinvoices", pos, p.total)
        return paid_sek(p.total, part, p.rate), part

    def build(self, pos: int) -> Record:
        inv = min(pos, self.invoices.size - 1)
        p = self.invoices.purchase(inv)
        sek, foreign = self.amounts(inv)
        series, number, year = self.invoices.payment_voucher(inv)
        values = {
            "@url": self.ctx.url(f"/supplierinvoicepayments/{pos + 1}"),
            "Amount": sek,
            "AmountCurrency": foreign,
            "Booked": True,
            "Currency": p.party.currency,
            "CurrencyRate": p.rate,
            "CurrencyUnit": 1,
            "Information": "",
            "InvoiceDueDate": p.day + timedelta(days=int(p.party.terms)),
            "InvoiceNumber": p.number,
            "InvoiceOCR": ocr(int(p.external_number)),
            "InvoiceSupplierName": p.party.name,
            "InvoiceSupplierNumber": p.party.number,
            "InvoiceTotal": p.total,
            "ModeOfPayment": "BG",
            "Number": pos + 1,
            "PaymentDate": self.invoices.payment_day(inv),
            "Source": "manual",
            "VoucherNumber": number,
            "VoucherSeries": series,
            "VoucherYear": year,
            "WriteOffs": [],
        }
        return shape(values, "SupplierInvoicePayment")
