"""Fortnox names and values -> snake_case records typed by the stream's JSON schema.

One converter for property names (`snake_case`), used by the tap at run time and by
`scripts/generate_schemas.py`, so schema and records can never disagree on a name.

`RecordNormalizer` is compiled once per schema and walks a raw (PascalCase) Fortnox object:
it renames every key (nested objects and arrays too) and coerces each value to the type its
schema declares, because the API is not consistent about types: money arrives as a JSON number
in one place and as a numeric string in another, identifiers as numbers or strings, unset dates
as "" or null. Coercion is driven by the schema, so the committed schema is the single source of
truth for types.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from tap_fortnox.incremental import STOCKHOLM, parse_iso

# Upper-case runs that are two acronyms glued together; the generic rules cannot see the seam.
_GLUED_ACRONYMS = {"EUVAT": "EU_VAT"}
_GLUED_RE = re.compile("|".join(sorted(_GLUED_ACRONYMS, key=len, reverse=True)))
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_LOWER_UPPER = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")  # totalVat -> total_Vat
_ACRONYM_WORD = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")  # VATIncluded -> VAT_Included
_UNDERSCORES = re.compile(r"_+")
# Names that would be reserved words in SQL as columns (Asset.Group); nested keys such as
# Customer.DefaultTemplates.Order stay inside JSON columns and need no rename.
_SQL_RENAMES = {"group": "group_name"}


def _ascii_letters(name: str) -> str:
    """Accented letters as their base letter (`Ö` -> `O`, `å` -> `a`); other non-ASCII goes."""
    if name.isascii():
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    return decomposed.encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=8192)
def snake_case(name: str) -> str:
    """The snake_case, SQL-safe form of a Fortnox property name.

    `DocumentNumber` -> `document_number`, `TotalVAT` -> `total_vat`, `VATIncluded` ->
    `vat_included`, `EDIInformation` -> `edi_information`, `@url` -> `url`,
    `@urlTaxReductionList` -> `url_tax_reduction_list`, `cardID` -> `card_id`,
    `EUVATAccount` -> `eu_vat_account`, `Address1` -> `address1`, `Förnamn` -> `fornamn`.
    A name with no letter or digit even then (`@`, `€`) gets a stable `field_<hex>` name, so an
    odd key in a response can never stop a sync.
    """
    text = _NON_ALNUM.sub("_", _ascii_letters(name))
    text = _GLUED_RE.sub(lambda m: _GLUED_ACRONYMS[m.group(0)], text)
    text = _LOWER_UPPER.sub("_", text)
    text = _ACRONYM_WORD.sub("_", text)
    text = _UNDERSCORES.sub("_", text).strip("_").lower()
    if not text:
        digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        return f"field_{digest}"
    text = _SQL_RENAMES.get(text, text)
    return f"_{text}" if text[0].isdigit() else text


def schema_type(schema: Mapping[str, Any]) -> str | None:
    """The non-null JSON type of a property schema ("string", "number", ...), if declared."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return None if declared == "null" else declared
    if isinstance(declared, list):
        return next((t for t in declared if t != "null"), None)
    for branch in schema.get("anyOf") or schema.get("oneOf") or ():
        found = schema_type(branch)
        if found:
            return found
    return None


class InvalidValue(ValueError):
    """A value that cannot be coerced to its schema type."""


Coercer = Callable[[Any], Any]
# Called with (property path, offending value) when a value is replaced by null.
InvalidValueHandler = Callable[[str, Any], None]
# Called with the property path and value of a field the schema does not list; returns the
# schema to read it with from now on ({} keeps it as it is), or None to leave it out this time.
UnknownFieldHandler = Callable[[str, Any], "Mapping[str, Any] | None"]


def parse_decimal(value: Any) -> Decimal | None:
    """A Decimal from a JSON number or a numeric string ("1234.50", "1234,50", " 12 ")."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise InvalidValue(value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        if "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")  # Swedish decimal comma
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise InvalidValue(value) from None
    else:
        raise InvalidValue(value)
    if not result.is_finite():
        raise InvalidValue(value)
    return result


def _to_number(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_decimal(value)


def _to_integer(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise InvalidValue(value)
    return int(number)


def _to_boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "null"):
            return None
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise InvalidValue(value)


def _to_string(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    raise InvalidValue(value)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _to_date(value: Any) -> str | None:
    text = _to_string(value)
    if text is None or not text.strip():
        return None
    text = text.strip()
    if _DATE.match(text):
        return text
    # A date-time where a date belongs ("2024-05-01 00:00", "2024-05-01T00:00:00").
    if _DATE.match(text[:10]) and text[10:11] in (" ", "T"):
        return text[:10]
    raise InvalidValue(value)


def _to_date_time(value: Any) -> str | None:
    """ISO 8601 with offset; Fortnox's naive local times are Europe/Stockholm."""
    text = _to_string(value)
    if text is None or not text.strip():
        return None
    try:
        parsed = parse_iso(text)
    except ValueError:
        raise InvalidValue(value) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return parsed.isoformat()


def _scalar_coercer(schema: Mapping[str, Any]) -> Coercer | None:
    kind = schema_type(schema)
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return _to_date
        if fmt == "date-time":
            return _to_date_time
        return _to_string
    if kind == "number":
        return _to_number
    if kind == "integer":
        return _to_integer
    if kind == "boolean":
        return _to_boolean
    return None


def _rename_all(value: Any) -> Any:
    """snake_case every key of a value whose schema says nothing about its shape."""
    if isinstance(value, Mapping):
        return {snake_case(str(k)): _rename_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename_all(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN/Infinity (Python's parser accepts them)
    return value


class RecordNormalizer:
    """Renames and coerces one raw Fortnox object (and everything nested in it) to a schema.

    The result conforms to the schema on its own, so the SDK's second conformance pass is off
    (`TYPE_CONFORMANCE_LEVEL = NONE` on the streams). A field the schema does not list (also
    inside nested objects) is handed to `on_unknown`, which says how to read it from then on
    (the stream adds it to its schema) or to leave it out for now; without a handler it is left
    out. Values are JSON-ready (str, int, Decimal, bool, None, lists and dicts of them).
    """

    def __init__(
        self,
        schema: Mapping[str, Any],
        on_invalid: InvalidValueHandler | None = None,
        path: str = "",
        on_unknown: UnknownFieldHandler | None = None,
    ) -> None:
        self._on_invalid = on_invalid
        self._on_unknown = on_unknown
        self._path = path
        self._properties: dict[str, Any] = dict(schema.get("properties") or {})
        self._keep_unknown = bool(schema.get("additionalProperties"))
        # raw key -> (output key, coercer); filled lazily, as Fortnox adds fields over time.
        self._plan: dict[str, tuple[str, Coercer]] = {}

    def __call__(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        plan = self._plan
        for key, value in raw.items():
            step = plan.get(key)
            if step is None:
                step = self._compile(key, value)
                if step is None:
                    continue  # unknown, left out this time
                plan[key] = step
            name, coerce = step
            out[name] = coerce(value)
        return out

    def _compile(self, raw_key: Any, value: Any) -> tuple[str, Coercer] | None:
        name = snake_case(str(raw_key))
        schema = self._properties.get(name)
        path = f"{self._path}.{name}" if self._path else name
        if schema is None and not self._keep_unknown:
            adopted = self._on_unknown(path, value) if self._on_unknown is not None else None
            if adopted is None:
                return None
            schema = self._properties[name] = dict(adopted)
        return name, self._coercer(schema or None, path)

    def _coercer(self, schema: Mapping[str, Any] | None, path: str) -> Coercer:
        if schema is None:
            return _rename_all  # allowed by additionalProperties: kept as it is
        kind = schema_type(schema)
        if kind == "object" and "properties" in schema:
            nested = RecordNormalizer(schema, self._on_invalid, path, self._on_unknown)
            return lambda v: (
                nested(v)
                if isinstance(v, Mapping)
                else (None if v is None or v == "" else self._invalid(path, v))
            )
        if kind == "array":
            item = self._coercer(schema.get("items") or {}, path)
            return lambda v: (
                [item(x) for x in v]
                if isinstance(v, list)
                else (None if v in (None, "") else self._invalid(path, v))
            )
        scalar = _scalar_coercer(schema)
        if scalar is None:
            return _rename_all
        return lambda v: self._checked(scalar, path, v)

    def _checked(self, coerce: Coercer, path: str, value: Any) -> Any:
        try:
            return coerce(value)
        except InvalidValue:
            return self._invalid(path, value)

    def _invalid(self, path: str, value: Any) -> None:
        if self._on_invalid is not None:
            self._on_invalid(path, value)
