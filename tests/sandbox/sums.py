"""What the sandbox's documents must add up to, to the öre (shared by the data and edit tests)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
QUANTITY_KEYS = ("OrderedQuantity", "Quantity", "DeliveredQuantity")


def dec(value) -> Decimal:
    return Decimal(str(value))


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def check_sales_document(doc: dict, rows_key: str) -> None:
    """Rows price x quantity less discount; Net, Gross, VAT per rate (rows, freight and fee at
    25 % for domestic customers), Total, SEK totals in whole kronor."""
    rows = doc[rows_key]
    assert rows
    net = sum(dec(r["Total"]) for r in rows)
    assert net == dec(doc["Net"])
    freight, fee = dec(doc.get("Freight", 0)), dec(doc.get("AdministrationFee", 0))
    gross = net + freight + fee
    assert gross == dec(doc["Gross"])
    domestic = any(r["VAT"] for r in rows)
    base: dict[int, Decimal] = {}
    for r in rows:
        base[r["VAT"]] = base.get(r["VAT"], Decimal(0)) + dec(r["Total"])
    base[25] = base.get(25, Decimal(0)) + freight + fee
    vat = sum((money(b * rate / 100) for rate, b in base.items() if rate), Decimal(0))
    assert dec(doc["TotalVAT"]) == (vat if domestic else 0)
    assert dec(doc["Total"]) == gross + dec(doc["TotalVAT"]) + dec(doc.get("RoundOff", 0))
    if doc["Currency"] == "SEK":
        assert dec(doc["Total"]) == dec(doc["Total"]).to_integral_value()
        assert abs(dec(doc.get("RoundOff", 0))) <= Decimal("0.5")
    for r in rows:
        qty_key = next(k for k in QUANTITY_KEYS if k in r)
        exact = dec(r["Price"]) * dec(r[qty_key]) * (100 - dec(r["Discount"])) / 100
        assert money(exact) == dec(r["Total"])


def check_supplier_invoice(doc: dict) -> None:
    """Bookkeeping rows that balance; the debt (2440) is the Total; input VAT 25 % of the costs
    for domestic suppliers; SEK totals in whole kronor."""
    rows = doc["SupplierInvoiceRows"]
    assert sum(dec(r["Debit"]) for r in rows) == sum(dec(r["Credit"]) for r in rows)
    debt = next(r for r in rows if r["Account"] == 2440)
    assert dec(debt["CreditCurrency"]) == dec(doc["Total"])
    costs = sum(dec(r["DebitCurrency"]) for r in rows if not r["Code"])
    assert dec(doc["VAT"]) in (0, money(costs * Decimal("0.25")))
    exact = costs + dec(doc["VAT"])
    assert dec(doc["Total"]) == exact + dec(doc["RoundOffValue"])
    if doc["Currency"] == "SEK":
        assert dec(doc["Total"]) == dec(doc["Total"]).to_integral_value()
