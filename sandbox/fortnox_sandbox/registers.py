"""Small registers and single objects: currencies, terms, units, ways of delivery, modes of
payment, labels, price lists, cost centers, print templates, company information and settings.

Each function returns unshaped value dicts; the tenant shapes them and serves them whole.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from . import names
from .context import Context
from .people import ascii_slug, company_name, org_number, person_name, swedish_address

CURRENCIES = (
    ("EUR", "Euro", "11.2150", "11.4370", 1),
    ("USD", "Amerikansk dollar", "10.3920", "10.6010", 1),
    ("GBP", "Brittiskt pund", "13.0410", "13.3120", 1),
    ("NOK", "Norsk krona", "0.9712", "0.9921", 1),
    ("DKK", "Dansk krona", "1.5010", "1.5330", 1),
    ("CHF", "Schweizisk franc", "12.1020", "12.3540", 1),
    ("JPY", "Japansk yen", "6.9120", "7.0510", 100),
    ("PLN", "Polsk zloty", "2.6110", "2.6700", 1),
    ("ISK", "Isländsk krona", "7.5020", "7.6810", 100),
    ("SEK", "Svensk krona", "1.0000", "1.0000", 1),
)
TERMS_OF_PAYMENT = (
    ("0", "Betalas omgående"),
    ("10", "10 dagar netto"),
    ("15", "15 dagar netto"),
    ("20", "20 dagar netto"),
    ("30", "30 dagar netto"),
    ("60", "60 dagar netto"),
    ("K", "Kontant"),
    ("AG", "Autogiro"),
)
TERMS_OF_DELIVERY = (
    ("FVL", "Fritt vårt lager", "Free our warehouse"),
    ("FK", "Fritt kund", "Free customer"),
    ("EXW", "Ex works", "Ex works"),
    ("FCA", "Fritt transportföretag", "Free carrier"),
    ("DAP", "Levererat till plats", "Delivered at place"),
)
WAYS_OF_DELIVERY = (
    ("P", "Post", "Mail"),
    ("B", "Bud", "Courier"),
    ("H", "Hämtas", "Pick-up"),
    ("DHL", "DHL Freight", "DHL Freight"),
    ("SCH", "DB Schenker", "DB Schenker"),
    ("PN", "PostNord MyPack", "PostNord MyPack"),
)
UNITS = (
    ("st", "Styck", "pcs"),
    ("h", "Timmar", "hours"),
    ("m", "Meter", "metre"),
    ("m2", "Kvadratmeter", "square metre"),
    ("kg", "Kilogram", "kilogram"),
    ("l", "Liter", "litre"),
    ("mån", "Månad", "month"),
    ("paket", "Paket", "package"),
)
MODES_OF_PAYMENT = (
    ("BG", "Bankgiro", "1930"),
    ("PG", "PlusGiro", "1920"),
    ("K", "Kontant", "1910"),
    ("KK", "Kortbetalning", "1580"),
    ("SW", "Swish", "1930"),
    ("AG", "Autogiro", "1930"),
)
LABELS = ("Prioriterad", "Återkommande kund", "Kampanj vår", "Offentlig sektor", "Export", "Påminn")
PRICE_LISTS = (
    ("A", "Standardpris", "Gäller alla kunder", True),
    ("B", "Återförsäljare", "Rabatt 15 % för återförsäljare", False),
    ("C", "Storkund", "Avtalspris storkunder", False),
)
COST_CENTERS = (
    ("ADM", "Administration"),
    ("SALJ", "Försäljning"),
    ("PROJ", "Projektverksamhet"),
    ("LAGER", "Lager och logistik"),
    ("IT", "IT och utveckling"),
    ("MKT", "Marknad"),
)
PRINT_TEMPLATES = (
    ("fak", "Faktura"),
    ("fak_eng", "Invoice (English)"),
    ("offert", "Offert"),
    ("order", "Orderbekräftelse"),
    ("kvitto", "Kvitto"),
    ("paminnelse", "Betalningspåminnelse"),
)
ACCOUNT_CHARTS = ("BAS 2023", "BAS 2024", "BAS 2025", "BAS 2026", "BAS K1 2026")
# Fortnox names of the accounts a company pre-selects for automatic bookings. [U: real names]
PREDEFINED_ACCOUNTS = (
    ("ACCRUED_INCOME", 1790),
    ("BANK", 1930),
    ("CASH", 1910),
    ("CUSTOMER", 1510),
    ("CURRENCY_GAIN", 3960),
    ("CURRENCY_LOSS", 7960),
    ("FREIGHT", 3520),
    ("INVOICE_FEE", 3540),
    ("PG", 1920),
    ("ROUNDING", 3740),
    ("SALES_MP1", 3001),
    ("SALES_MP2", 3002),
    ("SALES_MP3", 3003),
    ("SALES_EU", 3106),
    ("SALES_EXPORT", 3105),
    ("OUTVAT_MP1", 2611),
    ("OUTVAT_MP2", 2621),
    ("OUTVAT_MP3", 2631),
    ("INVAT", 2640),
    ("SUPPLIER", 2440),
    ("STOCK", 1460),
    ("STOCKCHANGE", 4010),
)
PREDEFINED_VOUCHER_SERIES = (
    ("MANUAL", "A"),
    ("INVOICE", "B"),
    ("PAYMENT", "C"),
    ("SUPPLIERINVOICE", "D"),
    ("SUPPLIERPAYMENT", "E"),
    ("ACCRUAL", "F"),
    ("INVENTORY", "I"),
    ("SALARY", "L"),
)
VOUCHER_SERIES = (
    ("A", "Redovisning", True),
    ("B", "Kundfakturor", False),
    ("C", "Kundinbetalningar", False),
    ("D", "Leverantörsfakturor", False),
    ("E", "Leverantörsutbetalningar", False),
    ("F", "Periodiseringar", False),
    ("I", "Inventarier", False),
    ("K", "Bokslut och momsredovisning", False),  # fortnox_sandbox.yearend's vouchers
    ("L", "Lön", False),
)


def currencies(ctx: Context) -> list[dict]:
    rnd = ctx.rng("currencies", 0)
    out = []
    for code, desc, buy, sell, unit in CURRENCIES:
        drift = Decimal(1 + rnd.uniform(-0.01, 0.01))
        out.append(
            {
                "@url": ctx.url(f"/currencies/{code}"),
                "BuyRate": (Decimal(buy) * drift).quantize(Decimal("0.0001")),
                "Code": code,
                "Date": ctx.as_of - timedelta(days=1),
                "Description": desc,
                "IsAutomatic": code != "SEK",
                "SellRate": (Decimal(sell) * drift).quantize(Decimal("0.0001")),
                "Unit": unit,
            }
        )
    return out


def simple(ctx: Context, path: str, rows: tuple, fields: tuple[str, ...]) -> list[dict]:
    """Records from tuples; the first field is the code used in `@url`."""
    return [
        {"@url": ctx.url(f"/{path}/{row[0]}"), **dict(zip(fields, row, strict=True))}
        for row in rows
    ]


def labels(ctx: Context) -> list[dict]:
    # Labels carry no @url in Fortnox.
    return [{"Id": i + 1, "Description": text} for i, text in enumerate(LABELS)]


def projects(ctx: Context) -> list[dict]:
    out = []
    for i in range(ctx.scale.projects):
        rnd = ctx.rng("projects", i)
        start = ctx.years[0].start + timedelta(
            days=rnd.randrange(max(1, (ctx.as_of - ctx.years[0].start).days))
        )
        done = rnd.random() < 0.5
        first, last = person_name(rnd)
        word = names.PROJECT_WORDS[i % len(names.PROJECT_WORDS)]
        out.append(
            {
                "@url": ctx.url(f"/projects/{i + 1}"),
                "Comments": "Fast pris enligt offert" if rnd.random() < 0.3 else "",
                "ContactPerson": f"{first} {last}",
                "Description": word
                if i < len(names.PROJECT_WORDS)
                else f"{word} etapp {i // 12 + 1}",
                "EndDate": min(start + timedelta(days=rnd.randint(30, 300)), ctx.as_of)
                if done
                else "",
                "ProjectLeader": f"{person_name(rnd)[0]} {person_name(rnd)[1]}",
                "ProjectNumber": str(i + 1),
                "StartDate": start,
                "Status": "COMPLETED" if done else rnd.choice(("ONGOING", "NOTSTARTED", "ONGOING")),
            }
        )
    return out


class CompanyProfile:
    """The tenant's own company: name, organisation number, address."""

    def __init__(self, ctx: Context) -> None:
        rnd = ctx.rng("company", 0)
        self.name = company_name(rnd)
        while self.name.endswith(("HB", "KB", "Handelsbolag")) or " AB" not in self.name:
            self.name = company_name(rnd)
        self.org = org_number(rnd)
        self.address = swedish_address(rnd)
        self.visit = swedish_address(rnd)
        self.contact = person_name(rnd)
        self.ctx = ctx

    def information(self) -> dict:
        a = self.address
        return {
            "Address": a.street,
            "City": a.city,
            "CompanyName": self.name,
            "CountryCode": "SE",
            "DatabaseNumber": int(self.ctx.tenant_id),
            "OrganizationNumber": self.org,
            "VisitAddress": a.street,
            "VisitCity": a.city,
            "VisitCountryCode": "SE",
            "VisitZipCode": a.zip_code,
            "ZipCode": a.zip_code,
        }

    def settings(self) -> dict:
        a = self.address
        first, last = self.contact
        return {
            "Address": a.street,
            "BG": "5050-1055",
            "City": a.city,
            "ContactFirstName": first,
            "ContactLastName": last,
            "Country": "Sverige",
            "CountryCode": "SE",
            "DatabaseNumber": self.ctx.tenant_id,
            "Domicile": a.city,
            "Email": f"info@{ascii_slug(self.name.split()[0])}.se",
            "Name": self.name,
            "OrganizationNumber": self.org,
            "Phone1": a.phone,
            "TaxEnabled": True,
            "VATNumber": f"SE{self.org.replace('-', '')}01",
            "VisitAddress": a.street,
            "VisitCity": a.city,
            "VisitCountry": "Sverige",
            "VisitCountryCode": "SE",
            "VisitName": self.name,
            "VisitZipCode": a.zip_code,
            "ZipCode": a.zip_code,
        }

    def me(self) -> dict:
        first, last = self.contact
        return {
            "Email": f"{ascii_slug(first)}@example.se",
            "Id": "1",
            "Locale": "sv_SE",
            "Name": f"{first} {last}",
            "SysAdmin": True,
        }
