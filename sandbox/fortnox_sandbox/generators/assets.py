"""Fixed assets (inventarier) with straight-line depreciation history."""

from __future__ import annotations

from datetime import timedelta

from fortnox_sandbox.model.context import Context
from fortnox_sandbox.model.detrand import money
from fortnox_sandbox.model.shape import shape
from fortnox_sandbox.model.store import Record, TimedSource

KINDS = (
    ("Bärbar dator", "Datorer", 1250, 3),
    ("Servicebil", "Bilar", 1240, 5),
    ("Kontorsmöbler", "Inventarier", 1220, 5),
    ("Verktygssats", "Inventarier", 1220, 5),
    ("Kaffemaskin", "Inventarier", 1220, 5),
    ("Truck", "Maskiner", 1210, 10),
)


class AssetSource(TimedSource):
    touch_field = "Notes"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx, ctx.scale.assets)

    def build(self, pos: int) -> Record:
        rnd = self.ctx.rng("assets", pos)
        text, kind, _account, years = KINDS[pos % len(KINDS)]
        bought = self.timeline.day(pos)
        value = rnd.randrange(12_000, 450_000, 100)
        months = max(0, (self.ctx.as_of - bought).days // 30)
        yearly = money(value / years)
        history = [
            {
                "Amount": money(value),
                "Date": bought.isoformat(),
                "EventId": 1,
                "Id": 1,
                "Notes": "Anskaffning",
                "UserName": "Ekonomiavdelningen",
            }
        ]
        status, status_id = ("Fully depreciated", "3") if months >= years * 12 else ("Active", "1")
        values = {
            "@url": self.ctx.url(f"/assets/{pos + 1}"),
            "AcquisitionDate": bought.isoformat(),
            "AcquisitionStart": bought.isoformat(),
            "AcquisitionValue": value,
            "Brand": rnd.choice(("Lenovo", "Volvo", "Kinnarps", "Bahco", "Jura", "Toyota")),
            "DepreciateToResidualValue": 0,
            "DepreciatedTo": (bought + timedelta(days=30 * min(months, years * 12))).isoformat(),
            "DepreciationFinal": (bought + timedelta(days=365 * years)).isoformat(),
            "DepreciationMethod": 0,
            "Description": f"{text} {pos + 1}",
            "Group": kind,
            "History": history,
            "Id": pos + 1,
            "Notes": f"Avskrivning {yearly} kr per år",
            "Number": f"INV-{pos + 1:04d}",
            "Placement": rnd.choice(("Kontoret", "Lagret", "Verkstaden")),
            "Status": status,
            "StatusId": status_id,
            "Type": kind,
            "TypeId": pos % len(KINDS) + 1,
        }
        return shape(values, "Asset")
