"""Give generated values the exact field set and JSON types of a Fortnox schema.

Generators produce natural Python values (Decimal money, dates, ints); `shape` completes them to
every field the OpenAPI schema lists, in the schema's order, with Fortnox's wire types: money as
JSON numbers, except where the schema types a number as a string (e.g. SupplierInvoice Total,
ArticleListItem SalesPrice, SalaryTransaction Amount), where it becomes a numeric string.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .spec_fields import SCHEMAS

# Fields whose empty value Fortnox sends as null rather than "" (both occur in the real API).
NULL_WHEN_EMPTY: frozenset[tuple[str, str]] = frozenset(
    {
        ("Invoice", "LastRemindDate"),
        ("Invoice", "InvoicePeriodStart"),
        ("Invoice", "InvoicePeriodEnd"),
        ("Invoice", "OutboundDate"),
        ("Order", "OutboundDate"),
        ("Project", "EndDate"),
        ("ProjectListItem", "EndDate"),
        ("Employee", "EmployedTo"),
        ("EmployeeListItem", "EmployedTo"),
        ("Contract", "PeriodEnd"),
        ("ContractListItem", "PeriodEnd"),
        ("Invoice", "VATCode"),
    }
)


def num_str(value: Any) -> str:
    """A number as Fortnox writes numeric strings: two decimals for money-like values."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    return f"{Decimal(str(value)):.2f}"


def _coerce(value: Any, code: str, schema: str, field: str) -> Any:
    if code == "s":
        if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
            return num_str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value
    if code == "n":
        if isinstance(value, Decimal):
            return (
                int(value)
                if value == value.to_integral_value() and value.as_tuple().exponent >= 0
                else float(value)
            )
        if isinstance(value, str):
            return float(value) if value else 0
        return value
    if code == "i":
        if isinstance(value, (Decimal, float)):
            return int(value)
        if isinstance(value, str):
            return int(value) if value.lstrip("-").isdigit() else None
        return value
    if code in ("d", "t"):
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if value == "" and (schema, field) in NULL_WHEN_EMPTY:
            return None
        return value
    if code.startswith("o:"):
        return shape(value, code[2:]) if isinstance(value, dict) else value
    if code.startswith("a:o:") and isinstance(value, list):
        inner = code[4:]
        return [shape(item, inner) for item in value]
    return value


def _default(code: str, schema: str, field: str) -> Any:
    if code in ("s",):
        return ""
    if code in ("d", "t"):
        return None if (schema, field) in NULL_WHEN_EMPTY else ""
    if code in ("n", "i"):
        return 0
    if code == "b":
        return False
    if code.startswith("o:"):
        return shape({}, code[2:])
    if code.startswith("a:"):
        return []
    return None


def shape(values: dict[str, Any], schema: str) -> dict[str, Any]:
    """The record `values` completed and typed as the schema `schema` (without "fortnox_")."""
    out: dict[str, Any] = {}
    for field, code in SCHEMAS[schema].items():
        if field in values:
            value = values[field]
            out[field] = None if value is None else _coerce(value, code, schema, field)
        else:
            out[field] = _default(code, schema, field)
    return out


def project(detail: dict[str, Any], schema: str, renames: dict[str, Any] | None = None) -> dict:
    """A list item cut from a complete detail record.

    `renames` maps a list field to the detail field it shows, or to a function of the detail
    record for list-only fields.
    """
    renames = renames or {}
    values = {}
    for field in SCHEMAS[schema]:
        source = renames.get(field, field)
        if callable(source):
            values[field] = source(detail)
        elif source in detail:
            values[field] = detail[source]
    return shape(values, schema)
