"""Orders, offers, contracts and contract templates: sales documents before (or beside) the
invoice, with rows and totals computed like invoices'."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fortnox_sandbox.model.context import Context
from fortnox_sandbox.model.shape import shape
from fortnox_sandbox.model.store import Record

from .documents import Line, lock_reason
from .sales import DocumentSource, InvoiceSource, party_fields, sum_fields


class OrderSource(DocumentSource):
    stream = "orders"
    touch_field = "Remarks"
    schema = "Order"
    rows_key = "OrderRows"
    quantity_key = "OrderedQuantity"

    def __init__(self, ctx: Context, invoices: InvoiceSource) -> None:
        super().__init__(ctx, ctx.scale.orders, invoices.customers, invoices.articles)
        self.invoices = invoices

    def build(self, pos: int) -> Record:
        d = self.document(pos)
        rnd = self.ctx.rng("orders.state", pos)
        cancelled = rnd.random() < 0.03
        age = (self.ctx.as_of - d.day).days
        invoiced = not cancelled and age > 20 and rnd.random() < 0.8
        invoice_ref = ""
        if invoiced and self.invoices.size:
            near = min(
                self.invoices.timeline.first_at(self.timeline.t(pos)), self.invoices.size - 1
            )
            invoice_ref = str(near + 1)
        rows = [self.row(ln, i + 1, invoiced) for i, ln in enumerate(d.lines)]
        values = {
            **self.links(d.number),
            "Cancelled": cancelled,
            "DeliveryDate": d.day + timedelta(days=7),
            "DeliveryState": "delivery" if invoiced else "reservation",
            "DocumentNumber": d.number,
            "EmailInformation": {
                "EmailAddressTo": d.party.email,
                "EmailSubject": "Orderbekräftelse {no}",
            },
            "InvoiceReference": invoice_ref,
            "OrderDate": d.day,
            "OrderRows": rows,
            "OrderType": "Order",
            "Sent": True,
            "TaxReductionType": "none",
            **party_fields(d),
            **sum_fields(d),
        }
        return shape(values, "Order")

    def row(self, ln: Line, row_id: int, invoiced: bool = False) -> dict:
        """An invoiced order has delivered its rows; an open one reserves them."""
        return {
            **super().row(ln, row_id),
            "DeliveredQuantity": ln.quantity if invoiced else Decimal(0),
            "ReservedQuantity": Decimal(0) if invoiced else ln.quantity,
        }

    def locked(self, record: Record) -> str | None:
        invoice = record.get("InvoiceReference")
        return lock_reason(record) or (f"invoiced (invoice {invoice})" if invoice else None)


class OfferSource(DocumentSource):
    stream = "offers"
    touch_field = "Remarks"
    schema = "Offer"
    rows_key = "OfferRows"
    quantity_key = "Quantity"

    def build(self, pos: int) -> Record:
        d = self.document(pos)
        rnd = self.ctx.rng("offers.state", pos)
        accepted = rnd.random() < 0.45
        rows = [self.row(ln, i + 1) for i, ln in enumerate(d.lines)]
        values = {
            **self.links(d.number),
            "Cancelled": rnd.random() < 0.05,
            "DocumentNumber": d.number,
            "EmailInformation": {"EmailAddressTo": d.party.email, "EmailSubject": "Offert {no}"},
            "ExpireDate": d.day + timedelta(days=30),
            "OfferDate": d.day,
            "OfferRows": rows,
            "OrderReference": str(pos // 2 + 1) if accepted else "",
            "Sent": True,
            "TaxReductionType": "none",
            **party_fields(d),
            **sum_fields(d),
        }
        return shape(values, "Offer")


class ContractSource(DocumentSource):
    stream = "contracts"
    touch_field = "Remarks"
    schema = "Contract"
    rows_key = "InvoiceRows"
    quantity_key = "DeliveredQuantity"

    def build(self, pos: int) -> Record:
        d = self.document(pos)
        rnd = self.ctx.rng("contracts.state", pos)
        interval = rnd.choice((1, 1, 3, 12))
        length = 12
        start = d.day
        end = start + timedelta(days=365)
        invoices_done = min(
            length // interval, max(0, (self.ctx.as_of - start).days // (30 * interval))
        )
        remaining = length // interval - invoices_done
        last = (
            start + timedelta(days=30 * interval * max(0, invoices_done - 1))
            if invoices_done
            else ""
        )
        rows = [self.row(ln, i + 1) for i, ln in enumerate(d.lines)]
        values = {
            **self.links(d.number),
            "Active": rnd.random() > 0.1,
            "Continuous": rnd.random() < 0.5,
            "ContractDate": d.day,
            "ContractLength": length,
            "DocumentNumber": d.number,
            "InvoiceInterval": interval,
            "InvoiceRows": rows,
            "InvoicesRemaining": remaining,
            "LastInvoiceDate": last,
            "PeriodEnd": end,
            "PeriodStart": start,
            "TemplateName": TEMPLATES[pos % len(TEMPLATES)][1],
            "TemplateNumber": pos % len(TEMPLATES) + 1,
            "TaxReductionType": "none",
            "VatIncluded": False,
            **party_fields(d),
            **sum_fields(d),
        }
        return shape(values, "Contract")


TEMPLATES = ((1, "Serviceavtal månad", 1), (2, "Supportavtal kvartal", 3), (3, "Licens år", 12))


def contract_templates(ctx: Context) -> list[dict]:
    return [
        {
            "@url": ctx.url(f"/contracttemplates/{number}"),
            "ContractLength": 12,
            "Continuous": True,
            "InvoiceInterval": interval,
            "InvoiceRows": [],
            "TemplateName": name,
            "TemplateNumber": number,
            "TermsOfPayment": "30",
        }
        for number, name, interval in TEMPLATES
    ]
