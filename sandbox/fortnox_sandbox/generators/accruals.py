"""Tax reductions (ROT/RUT) and accruals: records that refer to invoices and supplier invoices.

Record j refers to document j*step+1 (documents spread evenly), so references always exist and
modification order follows the referenced documents'.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fortnox_sandbox.model.context import Context
from fortnox_sandbox.model.detrand import money
from fortnox_sandbox.model.shape import shape
from fortnox_sandbox.model.store import NumberedSource, Record, Source

from . import bas
from .documents import ZERO
from .people import personal_number
from .purchasing import SupplierInvoiceSource
from .sales import InvoiceSource


class _Spaced(Source):
    """Record j refers to ledger document j*step (0-based); keyed by the document number."""

    def __init__(self, ctx: Context, ledger: NumberedSource, count: int) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.size = min(count, ledger.size)
        self.step = max(1, ledger.size // max(1, self.size))

    def doc_index(self, pos: int) -> int:
        return min(pos * self.step, self.ledger.size - 1)

    def key(self, pos: int) -> str:
        return str(pos * self.step + 1)

    def position(self, key: str) -> int | None:
        if not key.isdigit() or int(key) < 1 or (int(key) - 1) % self.step:
            return None
        return (int(key) - 1) // self.step

    def mtime(self, pos: int) -> float:
        return self.ledger.mtime(self.doc_index(pos))


class TaxReductionSource(NumberedSource):
    touch_field = "PropertyDesignation"

    def __init__(self, ctx: Context, invoices: InvoiceSource) -> None:
        self.ctx = ctx
        self.invoices = invoices
        self.spacing = _Spaced(ctx, invoices, ctx.scale.tax_reductions)
        self.size = self.spacing.size

    def mtime(self, pos: int) -> float:
        return self.spacing.mtime(pos)

    def build(self, pos: int) -> Record:
        d = self.invoices.document(self.spacing.doc_index(pos))
        rnd = self.ctx.rng("taxreductions", pos)
        area = rnd.choice(("Solgläntan", "Björkhagen", "Ekbacken"))
        asked = min(money(d.sums.net * Decimal("0.3")), Decimal("50000.00"))
        approved = asked if (self.ctx.as_of - d.day).days > 60 else ZERO
        values = {
            "@url": self.ctx.url(f"/taxreductions/{pos + 1}"),
            "ApprovedAmount": approved,
            "AskedAmount": asked,
            "BilledAmount": asked,
            "CustomerName": d.party.name,
            "Id": pos + 1,
            "PropertyDesignation": f"{area} {rnd.randint(1, 40)}:{rnd.randint(1, 300)}",
            "ReferenceDocumentType": "INVOICE",
            "ReferenceNumber": d.number,
            "RequestSent": approved > 0,
            "SocialSecurityNumber": personal_number(rnd),
        }
        return shape(values, "TaxReduction")


class InvoiceAccrualSource(_Spaced):
    touch_field = "Description"

    def __init__(self, ctx: Context, invoices: InvoiceSource, count: int) -> None:
        super().__init__(ctx, invoices, count)
        self.invoices = invoices

    def build(self, pos: int) -> Record:
        d = self.invoices.document(self.doc_index(pos))
        total = d.sums.net
        values = {
            "@url": self.ctx.url(f"/invoiceaccruals/{d.number}"),
            "AccrualAccount": 2990,
            "Description": f"Periodisering faktura {d.number}",
            "EndDate": d.day + timedelta(days=364),
            "InvoiceAccrualRows": [
                {"Account": 2990, "Credit": ZERO, "Debit": total},
                {"Account": bas.SALES_ACCOUNT_BY_VAT[25], "Credit": total, "Debit": ZERO},
            ],
            "InvoiceNumber": int(d.number),
            "Period": "MONTHLY",
            "RevenueAccount": bas.SALES_ACCOUNT_BY_VAT[25],
            "StartDate": d.day,
            "Times": 12,
            "Total": total,
            "VATIncluded": False,
        }
        return shape(values, "InvoiceAccrual")


class SupplierInvoiceAccrualSource(_Spaced):
    touch_field = "Description"

    def __init__(self, ctx: Context, invoices: SupplierInvoiceSource, count: int) -> None:
        super().__init__(ctx, invoices, count)
        self.invoices = invoices

    def build(self, pos: int) -> Record:
        p = self.invoices.purchase(self.doc_index(pos))
        account, total = p.costs[0]
        values = {
            "@url": self.ctx.url(f"/supplierinvoiceaccruals/{p.number}"),
            "AccrualAccount": 1790,
            "CostAccount": account,
            "Description": f"Periodisering leverantörsfaktura {p.number}",
            "EndDate": p.day + timedelta(days=364),
            "Period": "MONTHLY",
            "StartDate": p.day,
            "SupplierInvoiceAccrualRows": [
                {"Account": 1790, "Credit": ZERO, "Debit": total},
                {"Account": account, "Credit": total, "Debit": ZERO},
            ],
            "SupplierInvoiceNumber": int(p.number),
            "Times": 12,
            "Total": total,
            "VATIncluded": False,
        }
        return shape(values, "SupplierInvoiceAccrual")
