"""How many base records each scale generates, per tenant.

small: about 750 documents, 3,400 list records (6,350 with document and voucher rows): a full
sync with one detail request per document takes seconds. medium: 38,000 list records (109,000
with rows). large: 1.67 million list records (about 6 million with rows), generated lazily.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    customers: int
    suppliers: int
    articles: int
    invoices: int
    orders: int
    offers: int
    contracts: int
    supplier_invoices: int
    manual_vouchers: int  # series A, spread over all financial years
    projects: int
    employees: int
    tax_reductions: int
    invoice_accruals: int
    supplier_invoice_accruals: int
    assets: int


SCALES: dict[str, Scale] = {
    "small": Scale(
        customers=40,
        suppliers=20,
        articles=30,
        invoices=150,
        orders=50,
        offers=30,
        contracts=10,
        supplier_invoices=60,
        manual_vouchers=40,
        projects=8,
        employees=5,
        tax_reductions=8,
        invoice_accruals=5,
        supplier_invoice_accruals=5,
        assets=8,
    ),
    "medium": Scale(
        customers=800,
        suppliers=200,
        articles=300,
        invoices=4_000,
        orders=1_000,
        offers=600,
        contracts=100,
        supplier_invoices=1_500,
        manual_vouchers=600,
        projects=40,
        employees=30,
        tax_reductions=120,
        invoice_accruals=60,
        supplier_invoice_accruals=60,
        assets=80,
    ),
    "large": Scale(
        customers=50_000,
        suppliers=8_000,
        articles=5_000,
        invoices=250_000,
        orders=60_000,
        offers=40_000,
        contracts=4_000,
        supplier_invoices=80_000,
        manual_vouchers=100_000,
        projects=400,
        employees=200,
        tax_reductions=5_000,
        invoice_accruals=2_000,
        supplier_invoice_accruals=2_000,
        assets=1_000,
    ),
}
