"""Registers added for issue 19: contract accruals, asset types and customer references (natural
values; `tenant.py` shapes them to their OpenAPI schemas)."""

from __future__ import annotations

from decimal import Decimal

from fortnox_sandbox.model.context import Context

from .people import person_name

# (Number, Description, asset account, depreciation account): BAS accounts of fixed assets.
ASSET_TYPES = (
    ("1", "Inventarier", 1220, 1229),
    ("2", "Datorer", 1250, 1259),
    ("3", "Bilar och transportmedel", 1240, 1249),
)
# (Description, Period, Times, accrual account, cost account, monthly amount)
CONTRACT_ACCRUALS = (
    ("Lokalhyra kvartal", "QUARTERLY", 4, 1710, 5010, Decimal("18750.00")),
    ("Försäkring helår", "ANNUALLY", 12, 1790, 6310, Decimal("1250.00")),
    ("Programvarulicens", "MONTHLY", 12, 1790, 5420, Decimal("899.00")),
    ("Leasing maskin", "SEMIANNUALLY", 6, 1790, 5220, Decimal("2400.00")),
)


def asset_types(ctx: Context) -> list[dict]:
    return [
        {
            "Id": i,
            "Number": number,
            "Description": description,
            "Notes": "",
            "Type": 1,
            "InUse": i == 1,
            "AccountAsset": asset,
            "AccountAssetId": asset,
            "AccountDepreciation": depreciation,
            "AccountDepreciationId": depreciation,
            "AccountValueLoss": 7830,
            "AccountValueLossId": 7830,
            "AccountSaleWin": 3973,
            "AccountSaleWinId": 3973,
            "AccountSaleLoss": 7973,
            "AccountSaleLossId": 7973,
            "AccountRevaluation": 2085,
            "AccountRevaluationId": 2085,
            "AccountWriteDown": 1228,
            "AccountWriteDownId": 1228,
            "AccountWriteDownAck": 7730,
            "AccountWriteDownAckId": 7730,
            "@url": ctx.url(f"/assets/types/{i}"),
        }
        for i, (number, description, asset, depreciation) in enumerate(ASSET_TYPES, start=1)
    ]


def contract_accruals(ctx: Context) -> list[dict]:
    out = []
    for number, (description, period, times, accrual, cost, amount) in enumerate(
        CONTRACT_ACCRUALS, start=1
    ):
        total = amount * times
        out.append(
            {
                "@url": ctx.url(f"/contractaccruals/{number}"),
                "AccrualAccount": accrual,
                "AccrualRows": [
                    {
                        "Account": accrual,
                        "Debit": 0,
                        "Credit": amount,
                        "CostCenter": "",
                        "Project": "",
                        "TransactionInformation": "",
                    },
                    {
                        "Account": cost,
                        "Debit": amount,
                        "Credit": 0,
                        "CostCenter": "",
                        "Project": "",
                        "TransactionInformation": "",
                    },
                ],
                "CostAccount": cost,
                "Description": description,
                "DocumentNumber": number,
                "Period": period,
                "Times": times,
                "Total": total,
                "VATIncluded": False,
            }
        )
    return out


def customer_references(ctx: Context, customer_numbers: list[str]) -> list[dict]:
    """One or two reference people for every third customer."""
    out: list[dict] = []
    for pos, number in enumerate(customer_numbers):
        if pos % 3:
            continue
        for k in range(1 + pos % 2):
            rnd = ctx.rng("customerreferences", pos * 2 + k)
            out.append(
                {
                    "Id": len(out) + 1,
                    "CustomerNumber": number,
                    "Reference": " ".join(person_name(rnd)),
                }
            )
    return out
