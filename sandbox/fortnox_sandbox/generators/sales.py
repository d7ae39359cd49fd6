"""Sales: customers, articles, invoices and their payments, orders, offers, contracts, tax
reductions and invoice accruals.

Documents are spread evenly over the data period: document i has date and modified time t(i),
increasing in i, so numbers, dates and modification order agree (as when a company books
invoices day by day). Invoice i is paid by payment i, 30 days later, if that day has come; one
invoice in documents.PARTLY_PAID_EVERY is paid only in part (a short payment), and the rest
stays open and overdue, so receivables age past 30, 60 and 90 days.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fortnox_sandbox.model.context import Context
from fortnox_sandbox.model.detrand import CENT, money, price
from fortnox_sandbox.model.shape import shape
from fortnox_sandbox.model.store import Record, TimedSource

from . import bas, names
from .documents import (
    ZERO,
    Line,
    Totals,
    booked_count,
    fee_vat,
    line,
    line_of,
    lock_reason,
    paid_part,
    paid_sek,
    quantity,
    totals,
)
from .people import (
    Address,
    company_name,
    domain_for,
    email_for,
    ocr,
    org_number,
    person_name,
    personal_number,
    swedish_address,
)

BASE_RATES = {
    "SEK": Decimal(1),
    "EUR": Decimal("11.20"),
    "NOK": Decimal("0.98"),
    "DKK": Decimal("1.50"),
    "GBP": Decimal("13.10"),
    "USD": Decimal("10.45"),
}
PAYMENT_DELAY_DAYS = 30


def currency_rate(rnd: random.Random, currency: str) -> Decimal:
    base = BASE_RATES[currency]
    if currency == "SEK":
        return base
    return (base * Decimal(1 + rnd.uniform(-0.04, 0.04))).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class Party:
    """What documents copy from a customer or supplier."""

    number: str
    name: str
    org: str
    address: Address
    currency: str
    vat_type: str
    terms: str
    contact: str
    email: str
    private: bool
    www: str

    @property
    def domestic(self) -> bool:
        return self.address.country_code == "SE"


def make_party(ctx: Context, stream: str, pos: int, number: str, private_share: float) -> Party:
    rnd = ctx.rng(stream, pos)
    first, last = person_name(rnd)
    private = rnd.random() < private_share
    if rnd.random() < 0.08:
        country, code, currency, city, zip_code = rnd.choice(names.FOREIGN_COUNTRIES)
        road = rnd.choice(("Hauptstraße", "Storgata", "Main Street", "Vesterbrogade"))
        street = f"{road} {rnd.randint(1, 90)}"
        address = Address(
            street,
            zip_code,
            city,
            f"+{rnd.randint(10, 99)} {rnd.randint(10**7, 10**8)}",
            country,
            code,
        )
        name = f"{last} {rnd.choice(('GmbH', 'AS', 'ApS', 'Ltd', 'Oy', 'Inc'))}"
        vat_type = "EUREVERSEDVAT" if code in ("DK", "FI", "DE") else "EXPORT"
        org = ""
        private = False
    else:
        address = swedish_address(rnd)
        currency = "SEK"
        vat_type = "SEVAT"
        name = f"{first} {last}" if private else company_name(rnd)
        org = personal_number(rnd) if private else org_number(rnd)
    domain = (
        domain_for(name) if not private else rnd.choice(("gmail.com", "telia.com", "outlook.com"))
    )
    terms = rnd.choice(("10", "15", "20", "30", "30", "30"))
    return Party(
        number=number,
        name=name,
        org=org,
        address=address,
        currency=currency,
        vat_type=vat_type,
        terms=terms,
        contact=f"{first} {last}",
        email=email_for(first, last, domain),
        private=private,
        www="" if private else f"www.{domain}",
    )


class PartySource(TimedSource):
    """Customers or suppliers: what documents copy from a party is its cached profile."""

    stream = ""
    private_share = 0.0

    def __init__(self, ctx: Context, size: int) -> None:
        super().__init__(ctx, size)
        self.profile = ctx.memo.memoize(self._profile)

    def _profile(self, pos: int) -> Party:
        return make_party(self.ctx, self.stream, pos, self.key(pos), self.private_share)


class CustomerSource(PartySource):
    stream = "customers"
    private_share = 0.2

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx, ctx.scale.customers)

    def build(self, pos: int) -> Record:
        p = self.profile(pos)
        rnd = self.ctx.rng("customers.detail", pos)
        a = p.address
        delivery = rnd.random() < 0.2
        values = {
            "@url": self.ctx.url(f"/customers/{p.number}"),
            "Active": rnd.random() > 0.05,
            "Address1": a.street,
            "City": a.city,
            "Country": a.country,
            "CountryCode": a.country_code,
            "Currency": p.currency,
            "CustomerNumber": p.number,
            "DefaultDeliveryTypes": {
                "Invoice": rnd.choice(("PRINT", "EMAIL")),
                "Offer": "EMAIL",
                "Order": "EMAIL",
            },
            "DefaultTemplates": {
                "CashInvoice": "kvitto",
                "Invoice": "fak",
                "Offer": "offert",
                "Order": "order",
            },
            "DeliveryAddress1": f"Lager {a.street}" if delivery else "",
            "DeliveryCity": a.city if delivery else "",
            "DeliveryCountry": a.country if delivery else "",
            "DeliveryCountryCode": a.country_code if delivery else "",
            "DeliveryName": p.name if delivery else "",
            "DeliveryZipCode": a.zip_code if delivery else "",
            "Email": p.email,
            "EmailInvoice": p.email,
            "Name": p.name,
            "OrganisationNumber": p.org,
            "Phone1": a.phone,
            "PriceList": "A",
            "ShowPriceVATIncluded": p.private,
            "TermsOfDelivery": "" if p.private else "FVL",
            "TermsOfPayment": p.terms,
            "Type": "PRIVATE" if p.private else "COMPANY",
            "VATNumber": f"SE{p.org.replace('-', '')}01" if p.org and not p.private else "",
            "VATType": p.vat_type,
            "WWW": p.www,
            "WayOfDelivery": "P",
            "YourReference": p.contact,
            "ZipCode": a.zip_code,
        }
        return shape(values, "Customer")


@dataclass(frozen=True)
class Product:
    number: str
    description: str
    unit: str
    sales_price: Decimal
    purchase_price: Decimal
    vat: int
    kind: str

    @property
    def account(self) -> int:
        return bas.SALES_ACCOUNT_BY_VAT[self.vat]


class ArticleSource(TimedSource):
    first = 1001
    touch_field = "Note"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx, ctx.scale.articles)
        self.profile = ctx.memo.memoize(self._profile)

    def _profile(self, pos: int) -> Product:
        rnd = self.ctx.rng("articles", pos)
        desc, unit, low, high, vat, kind = names.PRODUCTS[pos % len(names.PRODUCTS)]
        if pos >= len(names.PRODUCTS):
            desc = f"{desc} {rnd.choice(('Basic', 'Premium', 'Plus', 'XL', 'Eko', 'Original'))}"
        sales = price(rnd, low, high)
        purchase = money(sales * Decimal(rnd.uniform(0.45, 0.75))) if kind == "STOCK" else ZERO
        return Product(self.key(pos), desc, unit, sales, purchase, vat, kind)

    def build(self, pos: int) -> Record:
        p = self.profile(pos)
        rnd = self.ctx.rng("articles.detail", pos)
        stock = p.kind == "STOCK"
        in_stock = Decimal(rnd.randint(0, 400)) if stock else ZERO
        reserved = Decimal(rnd.randint(0, int(in_stock) // 4)) if stock else ZERO
        values = {
            "@url": self.ctx.url(f"/articles/{p.number}"),
            "Active": rnd.random() > 0.05,
            "ArticleNumber": p.number,
            # The customs tariff number: sent by Fortnox, not in the OpenAPI spec.
            "CommodityCode": names.COMMODITY_CODES.get(
                names.PRODUCTS[pos % len(names.PRODUCTS)][0], ""
            ),
            "Description": p.description,
            "DisposableQuantity": in_stock - reserved,
            "EAN": f"73{rnd.randint(10**10, 10**11 - 1)}" if stock else "",
            "Housework": False,
            "Manufacturer": rnd.choice(names.MANUFACTURERS) if stock else "",
            "PurchaseAccount": 4010,
            "PurchasePrice": p.purchase_price,
            "QuantityInStock": in_stock,
            "ReservedQuantity": reserved,
            "SalesAccount": p.account,
            "SalesPrice": p.sales_price,
            "StockGoods": stock,
            "StockPlace": f"Hylla {rnd.randint(1, 40)}" if stock else "",
            "StockValue": money(in_stock * p.purchase_price),
            "Type": p.kind,
            "Unit": p.unit,
            "VAT": p.vat,
            "WebshopArticle": rnd.random() < 0.3,
        }
        return shape(values, "Article")


@dataclass
class Document:
    """The core of a sales document: who, when, what, and the sums."""

    number: str
    day: object  # datetime.date
    party: Party
    lines: list[Line]
    sums: Totals
    currency: str
    rate: Decimal
    freight_vat: Decimal
    fee_vat: Decimal
    our_reference: str
    project: str
    cost_center: str


def make_document(
    ctx: Context,
    stream: str,
    pos: int,
    number: str,
    day: object,
    customers: CustomerSource,
    articles: ArticleSource,
) -> Document:
    rnd = ctx.rng(stream, pos)
    party = customers.profile(rnd.randrange(customers.size))
    n_lines = rnd.choice((1, 1, 2, 2, 3, 3, 3, 4, 5, 6, 8))
    lines = [make_line(rnd, party, articles) for _ in range(n_lines)]
    domestic = party.domestic
    freight = Decimal(rnd.choice((0, 0, 0, 49, 99, 149))).quantize(CENT)
    fee = Decimal(rnd.choice((0, 0, 0, 0, 45))).quantize(CENT) if domestic else ZERO
    sums = totals(lines, freight, fee, domestic, party.currency == "SEK")
    return Document(
        number=number,
        day=day,
        party=party,
        lines=lines,
        sums=sums,
        currency=party.currency,
        rate=currency_rate(rnd, party.currency),
        freight_vat=fee_vat(freight, domestic),
        fee_vat=fee_vat(fee, domestic),
        our_reference=rnd.choice(ctx.staff),
        project=str(rnd.randrange(ctx.scale.projects) + 1) if rnd.random() < 0.15 else "",
        cost_center=rnd.choice(("", "", "", "SALJ", "PROJ")),
    )


def make_line(rnd: random.Random, party: Party, articles: ArticleSource) -> Line:
    """A row selling an article to `party`: VAT and sales account by where the party is."""
    prod = articles.profile(rnd.randrange(articles.size))
    discount = Decimal(rnd.choice((0, 0, 0, 0, 5, 10, 15))) if not party.private else ZERO
    if party.domestic:
        vat, account = prod.vat, prod.account
    else:
        vat = 0
        eu = party.vat_type == "EUREVERSEDVAT"
        account = bas.EU_SALES_ACCOUNT if eu else bas.EXPORT_SALES_ACCOUNT
    qty = quantity(rnd, prod.unit)
    return line(
        prod.number,
        prod.description,
        prod.unit,
        qty,
        prod.sales_price,
        discount,
        vat,
        account,
        prod.purchase_price,
    )


def party_fields(d: Document) -> dict:
    p, a = d.party, d.party.address
    return {
        "Address1": a.street,
        "City": a.city,
        "Country": a.country,
        "Currency": d.currency,
        "CurrencyRate": d.rate,
        "CurrencyUnit": 1,
        "CustomerName": p.name,
        "CustomerNumber": p.number,
        "OrganisationNumber": p.org,
        "OurReference": d.our_reference,
        "Phone1": a.phone,
        "PriceList": "A",
        "Project": d.project,
        "CostCenter": d.cost_center,
        "TermsOfPayment": p.terms,
        "TermsOfDelivery": "" if p.private else "FVL",
        "WayOfDelivery": "P",
        "YourReference": p.contact,
        "ZipCode": a.zip_code,
        "Language": "SV" if p.domestic else "EN",
    }


def sum_fields(d: Document) -> dict:
    s = d.sums
    return {
        "AdministrationFee": s.fee,
        "AdministrationFeeVAT": d.fee_vat,
        "Freight": s.freight,
        "FreightVAT": d.freight_vat,
        "Gross": s.gross,
        "Net": s.net,
        "RoundOff": s.round_off,
        "Total": s.total,
        "TotalToPay": s.total,
        "TotalVAT": s.vat,
        "VATIncluded": False,
        "ContributionValue": s.net
        - sum((ln.quantity * ln.price * Decimal("0.6") for ln in d.lines), ZERO).quantize(CENT),
    }


def row_fields(ln: Line, row_id: int) -> dict:
    return {
        "AccountNumber": ln.account,
        "ArticleNumber": ln.article,
        "Cost": ln.cost,  # sent by Fortnox on invoice and order rows, not in the OpenAPI spec
        "Description": ln.description,
        "Discount": ln.discount,
        "DiscountType": "PERCENT",
        "HouseWork": False,
        "Price": ln.price,
        "PriceExcludingVAT": ln.price,
        "RowId": row_id,
        "Total": ln.total,
        "TotalExcludingVAT": ln.total,
        "Unit": ln.unit,
        "VAT": ln.vat,
    }


class DocumentSource(TimedSource):
    """A numbered series of sales documents spread over the data period, whose rows can be
    edited at runtime (documents.RowEditor) while the document is not locked."""

    stream = ""  # also the document's path segment and its tax reduction filter
    schema = ""  # of the detail body
    rows_key = ""
    quantity_key = ""  # the rows' quantity field

    def __init__(
        self, ctx: Context, size: int, customers: CustomerSource, articles: ArticleSource
    ) -> None:
        super().__init__(ctx, size)
        self.customers = customers
        self.articles = articles
        self.document = ctx.memo.memoize(self.build_document)

    def build_document(self, pos: int) -> Document:
        """Document `pos`, built anew (`document` is this kept in the shared cache)."""
        return make_document(
            self.ctx,
            self.stream,
            pos,
            self.key(pos),
            self.timeline.day(pos),
            self.customers,
            self.articles,
        )

    def row(self, ln: Line, row_id: int) -> dict:
        return {**row_fields(ln, row_id), self.quantity_key: ln.quantity}

    def sum_values(self, d: Document) -> dict:
        """The fields that follow from the rows."""
        return sum_fields(d)

    def locked(self, record: Record) -> str | None:
        return lock_reason(record)

    def row_count(self, record: Record) -> int:
        return len(record[self.rows_key])

    def edit_rows(
        self, pos: int, record: Record, remove: int, add: int, rnd: random.Random
    ) -> Record:
        base = self.document(pos)
        rows = record[self.rows_key][: self.row_count(record) - remove]
        lines = [line_of(row, self.quantity_key) for row in rows]
        # New rows get ids no row of the document has had (at first rows 1..n).
        next_id = max([len(base.lines), *(int(r.get("RowId") or 0) for r in rows)]) + 1
        for i in range(add):
            lines.append(make_line(rnd, base.party, self.articles))
            rows = [*rows, self.row(lines[-1], next_id + i)]
        sek = base.currency == "SEK"
        sums = totals(lines, base.sums.freight, base.sums.fee, base.party.domestic, sek)
        edited = dataclasses.replace(base, lines=lines, sums=sums)
        return shape({**record, **self.sum_values(edited), self.rows_key: rows}, self.schema)

    def links(self, number: str) -> dict:
        return {
            "@url": self.ctx.url(f"/{self.stream}/{number}"),
            "@urlTaxReductionList": self.ctx.url(
                f"/taxreductions?filter={self.stream}&referencenumber={number}"
            ),
        }


class InvoiceSource(DocumentSource):
    stream = "invoices"
    schema = "Invoice"
    rows_key = "InvoiceRows"
    quantity_key = "DeliveredQuantity"

    def __init__(self, ctx: Context, customers: CustomerSource, articles: ArticleSource) -> None:
        super().__init__(ctx, ctx.scale.invoices, customers, articles)
        self.payments = ctx.timeline(self.size, delay_days=PAYMENT_DELAY_DAYS)
        self.paid = self.payments.first_at(ctx.t1)
        self.booked = booked_count(self.size, self.paid)  # created invoices are drafts too
        # First invoice index of each financial year: voucher numbers restart per year.
        self.year_first = {y.id: self.timeline.first_on_or_after(y.start) for y in ctx.years}

    def voucher(self, pos: int) -> tuple[str, int, int]:
        year = self.ctx.year_of(self.timeline.day(pos))
        assert year is not None
        return "B", pos - self.year_first[year.id] + 1, year.id

    def paid_part(self, pos: int) -> Decimal:
        return paid_part(self.ctx, self.stream, pos, self.document(pos).sums.total)

    def build(self, pos: int) -> Record:
        d = self.document(pos)
        paid = pos < self.paid
        booked = pos < self.booked
        balance = d.sums.total - self.paid_part(pos) if paid else d.sums.total
        series, number, year = self.voucher(pos) if booked else (None, None, None)
        due = d.day + timedelta(days=int(d.party.terms))
        values = {
            **self.links(d.number),
            "AccountingMethod": "ACCRUAL",
            "Balance": balance,
            "Booked": booked,
            "Comments": "",
            "Credit": "false",
            "DeliveryDate": d.day,
            "DocumentNumber": d.number,
            "DueDate": due,
            "EUQuarterlyReport": d.party.vat_type == "EUREVERSEDVAT",
            "EmailInformation": {
                "EmailAddressTo": d.party.email,
                "EmailSubject": "Faktura {no} bifogas",
            },
            "FinalPayDate": self.payments.day(pos) if paid and not balance else "",
            "InvoiceDate": d.day,
            "InvoiceRows": [self.row(ln, i + 1) for i, ln in enumerate(d.lines)],
            "InvoiceReference": "0",  # sent by Fortnox, not in the OpenAPI spec [U: meaning]
            "InvoiceType": "INVOICE",
            "OCR": ocr(int(d.number)),
            "Remarks": "Tack för din beställning!" if d.party.private else "",
            "Sent": booked,
            "TaxReductionType": "none",
            "VoucherNumber": number,
            "VoucherSeries": series,
            "VoucherYear": year,
            **party_fields(d),
            **sum_fields(d),
        }
        return shape(values, "Invoice")

    def sum_values(self, d: Document) -> dict:
        # Only drafts change, and a draft is unpaid.
        return {**sum_fields(d), "Balance": d.sums.total}


class InvoicePaymentSource(TimedSource):
    """Payment k settles invoice k in full, PAYMENT_DELAY_DAYS after the invoice date."""

    touch_field = "ExternalInvoiceReference1"

    def __init__(self, ctx: Context, invoices: InvoiceSource) -> None:
        super().__init__(ctx, invoices.paid, invoices.payments)
        self.invoices = invoices
        self.year_first = {y.id: self.timeline.first_on_or_after(y.start) for y in ctx.years}

    def day(self, pos: int) -> date:
        # A payment created at runtime (pos >= size) pays an unpaid invoice today.
        return min(self.timeline.day(pos), self.ctx.as_of)

    def voucher(self, pos: int) -> tuple[str, int, int]:
        year = self.ctx.year_of(self.day(pos))
        assert year is not None
        return "C", pos - self.year_first[year.id] + 1, year.id

    def amounts(self, pos: int) -> tuple[Decimal, Decimal]:
        """(amount in SEK, amount in the invoice currency). In SEK, what the invoice's total
        less what stays open comes to, so 1510 keeps the open balance at the invoice's rate."""
        return self.amounts_of(pos, self.invoices.document(pos))

    def amounts_of(self, pos: int, d: Document) -> tuple[Decimal, Decimal]:
        """`amounts` with invoice `pos` already built (`d`)."""
        part = paid_part(self.ctx, self.invoices.stream, pos, d.sums.total)
        return paid_sek(d.sums.total, part, d.rate), part

    def build(self, pos: int) -> Record:
        invoice = min(pos, self.invoices.size - 1)
        d = self.invoices.document(invoice)
        sek, foreign = self.amounts(invoice)
        series, number, year = self.voucher(pos)
        values = {
            "@url": self.ctx.url(f"/invoicepayments/{pos + 1}"),
            "Amount": sek,
            "AmountCurrency": foreign,
            "Booked": True,
            "Currency": d.currency,
            "CurrencyRate": d.rate,
            "CurrencyUnit": 1,
            "InvoiceCustomerName": d.party.name,
            "InvoiceCustomerNumber": d.party.number,
            "InvoiceDueDate": d.day + timedelta(days=int(d.party.terms)),
            "InvoiceNumber": int(d.number),
            "InvoiceOCR": ocr(int(d.number)),
            "InvoiceTotal": d.sums.total,
            "ModeOfPayment": "BG",
            "ModeOfPaymentAccount": bas.BANK,
            "Number": str(pos + 1),
            "PaymentDate": self.day(pos),
            "Source": "manual",
            "VoucherNumber": number,
            "VoucherSeries": series,
            "VoucherYear": year,
            "WriteOffs": [],
        }
        return shape(values, "InvoicePayment")
