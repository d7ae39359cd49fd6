"""The balances a financial year's SIE file must give, worked out from the JSON API alone (the
vouchers' rows and the accounts' balance brought forward): so the balance streams are checked
against the data, not against the file they were read from."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


def _signed(row: dict[str, Any]) -> Decimal:
    return Decimal(str(row["Debit"] or 0)) - Decimal(str(row["Credit"] or 0))


def _quantity(row: dict[str, Any]) -> Decimal:
    return Decimal(str(row.get("Quantity") or 0))


def expected_balances(sb: Any, tenant_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The records of account_balances, period_balances and object_period_balances as the
    streams emit them (without tenant_id): every account with an opening balance or a row, and
    every month and account (and cost centre or project) with a row; removed rows left out."""
    opening: dict[tuple[int, int], Decimal] = {}
    which = (tenant_id,) if tenant_id else ()  # a sandbox process has one tenant to ask for
    for account in sb.expected("accounts", *which):
        value = Decimal(str(account.get("BalanceBroughtForward") or 0))
        opening[(account["Year"], account["Number"])] = value
    sums: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    periods: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    objects: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for voucher in sb.expected("vouchers", *which):
        year, month = voucher["Year"], voucher["TransactionDate"][:7] + "-01"
        for row in voucher["VoucherRows"]:
            if row["Removed"]:
                continue
            account, value, count = int(row["Account"]), _signed(row), _quantity(row)
            keys = [(sums, (year, account)), (periods, (year, account, month))]
            if row.get("CostCenter"):
                keys.append((objects, (year, account, month, 1, row["CostCenter"])))
            if row.get("Project"):
                keys.append((objects, (year, account, month, 6, row["Project"])))
            for table, key in keys:
                table[key][0] += value
                table[key][1] += count
    balances = []
    for year, account in sorted({*sums, *(k for k, v in opening.items() if v and k[1] < 3000)}):
        value, count = sums.get((year, account), [ZERO, ZERO])
        record: dict[str, Any] = {"year": year, "account": account}
        if account < 3000:
            start = opening.get((year, account), ZERO)
            record.update(
                opening_balance=start if start else None,
                closing_balance=start + value,
                closing_quantity=count,
            )
        else:
            record.update(result=value, result_quantity=count)
        balances.append(record)
    months = [
        {"year": y, "account": a, "month": m, "amount": v, "quantity": q}
        for (y, a, m), (v, q) in sorted(periods.items())
    ]
    by_object = [
        {"year": y, "account": a, "month": m, "dimension": d, "object": o}
        | {"amount": v, "quantity": q}
        for (y, a, m, d, o), (v, q) in sorted(objects.items())
    ]
    return {
        "account_balances": balances,
        "period_balances": months,
        "object_period_balances": by_object,
    }
