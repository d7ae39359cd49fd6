"""Give generated values the exact field set and JSON types of a Fortnox schema.

Generators produce natural Python values (Decimal money, dates, ints); `shape` completes them to
every field the OpenAPI schema lists, in the schema's order, with Fortnox's wire types: money as
JSON numbers, except where the schema types a number as a string (e.g. SupplierInvoice Total,
ArticleListItem SalesPrice, SalaryTransaction Amount), where it becomes a numeric string.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .spec_fields import SCHEMAS

# Fields the real API sends that its OpenAPI document lacks (schema -> field -> type code). The
# sandbox sends them in bodies of that schema: detail bodies, and list items whose schema is the
# detail's (file connections), so a tap must not drop fields its own schema lacks.
UNDOCUMENTED: dict[str, dict[str, str]] = {
    "Invoice": {"InvoiceReference": "s"},
    "Invoice_InvoiceRow": {"Cost": "n"},
    "Order_OrderRow": {"Cost": "n"},
    "Article": {"CommodityCode": "s"},
    # softwerkab/fortnox-csharp-api-sdk #297, #332: in list items too
    "VoucherFileConnection": {"Name": "s"},
}

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


def _to_str(value: Any) -> Any:
    if type(value) is str:
        return value
    if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
        return num_str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _to_number(value: Any) -> Any:
    kind = type(value)
    if kind is Decimal:
        return float(value)
    if kind is str:
        return float(value) if value else 0
    return value


def _to_int(value: Any) -> Any:
    kind = type(value)
    if kind is Decimal or kind is float:
        return int(value)
    if kind is str:
        return int(value) if value.lstrip("-").isdigit() else None
    return value


def _date_converter(nullable: bool) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if value == "" and nullable:
            return None
        return value

    return convert


def _same(value: Any) -> Any:
    return value


# A compiled schema, per field in order: (field, kind, converter, default, default is mutable);
# kind 0 = keep the value, 1 = text (strings pass as they are), 2 = convert.
Plan = list[tuple[str, int, Callable[[Any], Any], Any, bool]]
_PLANS: dict[str, Plan] = {}


def fields(schema: str) -> dict[str, str]:
    """The fields a body of `schema` has, in Fortnox's (alphabetical) order: the spec's and the
    undocumented ones."""
    return dict(sorted({**SCHEMAS[schema], **UNDOCUMENTED.get(schema, {})}.items()))


def _compile(schema: str) -> Plan:
    plan: Plan = []
    for field, code in fields(schema).items():
        nullable = (schema, field) in NULL_WHEN_EMPTY
        convert: Callable[[Any], Any] = _same
        default: Any = None
        mutable = False
        if code == "s":
            convert, default = _to_str, ""
        elif code in ("d", "t"):
            convert, default = _date_converter(nullable), None if nullable else ""
        elif code == "n":
            convert, default = _to_number, 0
        elif code == "i":
            convert, default = _to_int, 0
        elif code == "b":
            default = False
        elif code.startswith("o:"):
            inner = code[2:]
            convert = functools.partial(_shape_object, schema=inner)
            default, mutable = shape({}, inner), True
        elif code.startswith("a:"):
            inner = code[4:] if code.startswith("a:o:") else ""
            if inner:
                convert = functools.partial(_shape_list, schema=inner)
            default, mutable = [], True
        kind = 0 if convert is _same else 1 if convert is _to_str else 2
        plan.append((field, kind, convert, default, mutable))
    _PLANS[schema] = plan
    return plan


def _shape_object(value: Any, schema: str) -> Any:
    return shape(value, schema) if isinstance(value, dict) else value


def _shape_list(value: Any, schema: str) -> Any:
    if isinstance(value, list):
        return [shape(item, schema) if isinstance(item, dict) else item for item in value]
    return value


def shape(values: dict[str, Any], schema: str) -> dict[str, Any]:
    """The record `values` completed and typed as the schema `schema` (without "fortnox_")."""
    plan = _PLANS.get(schema) or _compile(schema)
    out: dict[str, Any] = {}
    get = values.get
    for field, kind, convert, default, mutable in plan:
        value = get(field, _MISSING)
        if value is _MISSING:
            # object defaults hold only scalars: a shallow copy keeps records independent
            out[field] = (
                (dict(default) if isinstance(default, dict) else []) if mutable else default
            )
        elif value is None or kind == 0 or (kind == 1 and type(value) is str):
            out[field] = value
        else:
            out[field] = convert(value)
    return out


_MISSING = object()


def project(detail: dict[str, Any], schema: str, renames: dict[str, Any] | None = None) -> dict:
    """A list item cut from a complete detail record.

    `renames` maps a list field to the detail field it shows, or to a function of the detail
    record for list-only fields.
    """
    renames = renames or {}
    values = {}
    for field in fields(schema):
        source = renames.get(field, field)
        if callable(source):
            values[field] = source(detail)
        elif source in detail:
            values[field] = detail[source]
    return shape(values, schema)
