"""Generate tap_fortnox/schemas/<stream>.json from Fortnox's OpenAPI document.

For every stream the tap declares, the list item schema (from the stream's `path` and
`records_key`) and, for streams that emit details, the detail schema (`detail_path`,
`detail_key`) are merged; row streams take the item schema of their parent's `rows_key` array.
Names go through the tap's own `snake_case`, so schemas and records cannot disagree. Types follow
the tap's conventions: money `number` (parsed as Decimal), dates `format: date`, identifiers and
codes strings, integers where the value really is a count or an integer id, every property
nullable except the primary key. A short table of corrections covers places where the API differs
from the spec. `tenant_id`, context keys (`year`), row keys and the incremental bookmark property
are added.

    python scripts/generate_schemas.py [--spec PATH] [--check]

`--check` writes nothing and exits 1 if a committed schema differs from a fresh generation.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID, YEAR, FortnoxStream  # noqa: E402
from tap_fortnox.deletes import DELETED_AT, DELETED_AT_SCHEMA  # noqa: E402
from tap_fortnox.documents import ROW_INDEX, DocumentStream, RowStream  # noqa: E402
from tap_fortnox.normalize import snake_case  # noqa: E402
from tap_fortnox.streams import STREAM_TYPES  # noqa: E402

DEFAULT_SPEC = ROOT / "vendor" / "fortnox-openapi" / "openapi-fortnox.json"
SCHEMA_DIR = ROOT / "tap_fortnox" / "schemas"

STRING = {"type": ["string", "null"]}
INTEGER = {"type": ["integer", "null"]}
NUMBER = {"type": ["number", "null"]}
DATE = {"type": ["string", "null"], "format": "date"}

# Identifiers and codes are strings wherever they appear, whatever one schema of the spec says
# (DocumentNumber is an int32 in some schemas and a string in others; the API sends both).
STRING_IDENTIFIERS = frozenset(
    {
        "ArticleNumber",
        "Code",
        "CustomerNumber",
        "DocumentNumber",
        "GivenNumber",
        "OrderNumber",
        "OfferNumber",
        "ProjectNumber",
        "SupplierNumber",
        "CostCenter",
        "Project",
        "PriceList",
        "Currency",
        "TermsOfPayment",
        "TermsOfDelivery",
        "WayOfDelivery",
        "ModeOfPayment",
        "Unit",
        "VoucherSeries",
        "OCR",
        "InvoiceReference",
        "InvoiceNumber",  # joins invoices.document_number / supplier invoices' numbers
        "SupplierInvoiceNumber",  # joins supplier_invoices.given_number
        "EmployeeId",
        "OrderReference",
        "OfferReference",
        "ContractReference",
    }
)

# Account numbers (BAS, e.g. 3001) are integers everywhere, as `accounts.number` is, so they join
# without casts; the spec types some of them as strings (Customer.SalesAccount).
ACCOUNT_NUMBERS = frozenset(
    {
        "Account",
        "AccountNumber",
        "ConstructionAccount",
        "EUAccount",
        "EUVATAccount",
        "ExportAccount",
        "PurchaseAccount",
        "SalesAccount",
        "StockAccount",
        "StockChangeAccount",
    }
)

# Where the API differs from the spec, by stream and Fortnox property name: the schema to use.
CORRECTIONS: dict[str, dict[str, dict[str, Any]]] = {
    "*": {
        # Money and quantities the spec types as strings in list items (fortnox-api.md §7).
        "SalesPrice": NUMBER,
        "PurchasePrice": NUMBER,
        "StockValue": NUMBER,
        "DisposableQuantity": NUMBER,
        "ReservedQuantity": NUMBER,
        "QuantityInStock": NUMBER,
        "Total": NUMBER,
        "Balance": NUMBER,
        "CurrencyRate": NUMBER,
        "VAT": NUMBER,
        "InvoiceTotal": NUMBER,
        "AdministrationFee": NUMBER,
        "Freight": NUMBER,
        "RoundOffValue": NUMBER,
        "TaxReduction": NUMBER,
        "CurrencyUnit": NUMBER,
        # Quantities and contribution figures can be fractional; the spec has strings and ints.
        "Quantity": NUMBER,
        "DeliveredQuantity": NUMBER,
        "OrderedQuantity": NUMBER,
        "ContributionPercent": NUMBER,
        "ContributionValue": NUMBER,
        "HouseWorkHoursToReport": NUMBER,
    },
    # Money the spec types as strings.
    "customers": {"InvoiceAdministrationFee": NUMBER, "InvoiceFreight": NUMBER},
    # Counts and dates the spec types as plain strings.
    "contracts": {"InvoicesRemaining": INTEGER, "LastInvoiceDate": DATE},
    "assets": {
        "AcquisitionDate": DATE,
        "AcquisitionStart": DATE,
        "DepreciatedTo": DATE,
        "DepreciationFinal": DATE,
        "AcquisitionValue": NUMBER,
        "DepreciateToResidualValue": NUMBER,
        "ManualOb": NUMBER,
        "History.Amount": NUMBER,
        "History.Date": DATE,
    },
    "employees": {
        "AverageHourlyWage": NUMBER,
        "AverageWeeklyHours": NUMBER,
        "HourlyPay": NUMBER,
        "MonthlySalary": NUMBER,
        "DatedWages.HourlyPay": NUMBER,
        "DatedWages.MonthlySalary": NUMBER,
    },
    # Number is the quantity ("antal") of a salary row.
    "salary_transactions": {"Amount": NUMBER, "Number": NUMBER},
    "attendance_transactions": {"Hours": NUMBER},
    # The list item's Unit is the unit code (string); Currency.Unit is the rate unit (a number).
    "currencies": {"Unit": NUMBER},
    # DatabaseNumber is the tenant id; keep it as the digits Fortnox shows.
    "company_information": {"DatabaseNumber": STRING},
}


# Fields real Fortnox responses carry that the OpenAPI document does not list (seen in
# responses; the sandbox serves them too), by stream and Fortnox name.
UNDOCUMENTED: dict[str, dict[str, dict[str, Any]]] = {
    "invoices": {"InvoiceReference": STRING},
    "invoice_rows": {"Cost": NUMBER},
    "order_rows": {"Cost": NUMBER},
    "articles": {"CommodityCode": STRING},
    # softwerkab/fortnox-csharp-api-sdk #297 and #332: the file's name, in list items too.
    "voucher_file_connections": {"Name": STRING},
}


class SpecError(RuntimeError):
    """The OpenAPI document does not have what a stream declares."""


class Spec:
    """Look-ups in the OpenAPI document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.schemas: dict[str, Any] = document["components"]["schemas"]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
            seen += 1
            if seen > 20:
                raise SpecError("$ref cycle")
        return schema

    def get_response(self, path_pattern: str) -> dict[str, Any]:
        """The 200 JSON schema of GET on the first path matching `path_pattern`."""
        regex = re.compile(
            "^" + re.sub(r"\\\{[^}]*\\\}", r"\\{[^}]+\\}", re.escape(path_pattern)) + "$"
        )
        for path, item in self.document["paths"].items():
            if regex.match(path) and "get" in item:
                content = item["get"]["responses"].get("200", {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                if schema:
                    return self.resolve(schema)
        raise SpecError(f"no GET {path_pattern} with a JSON 200 response in the spec")

    def member(self, wrapper: dict[str, Any], key: str, what: str) -> dict[str, Any]:
        prop = (wrapper.get("properties") or {}).get(key)
        if prop is None:
            raise SpecError(f"{what}: the response has no '{key}'")
        prop = self.resolve(prop)
        if prop.get("type") == "array":
            return self.resolve(prop.get("items") or {})
        return prop


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Union of two object schemas; `over` wins for scalars, objects merge recursively."""
    props = dict(base.get("properties") or {})
    for name, schema in (over.get("properties") or {}).items():
        old = props.get(name)
        if old is not None and old.get("properties") and schema.get("properties"):
            props[name] = merge(old, schema)
        else:
            props[name] = schema
    return {"type": "object", "properties": props}


class Converter:
    """OpenAPI schema -> Singer JSON schema with snake_case names and the tap's type rules."""

    def __init__(self, spec: Spec, stream_name: str) -> None:
        self.spec = spec
        self.global_corrections = CORRECTIONS["*"]
        self.corrections = CORRECTIONS.get(stream_name, {})
        self.used: set[str] = set()

    def object_schema(self, schema: dict[str, Any], path: str = "") -> dict[str, Any]:
        """Properties of an object; `path` is the dotted Fortnox path of the object."""
        schema = self.spec.resolve(schema)
        out: dict[str, Any] = {}
        for raw_name, prop in (schema.get("properties") or {}).items():
            name = snake_case(raw_name)
            if name in out:
                raise SpecError(f"two properties map to '{name}'")
            out[name] = self.property_schema(raw_name, prop, f"{path}.{raw_name}".lstrip("."))
        return out

    def property_schema(self, raw_name: str, prop: dict[str, Any], path: str) -> dict[str, Any]:
        if path in self.corrections:
            self.used.add(path)
            return copy.deepcopy(self.corrections[path])
        if path == raw_name and raw_name in self.global_corrections:  # top level only
            return copy.deepcopy(self.global_corrections[raw_name])
        scalar = self.spec.resolve(prop).get("type") in ("string", "integer", "number")
        if scalar and raw_name in STRING_IDENTIFIERS:
            return dict(STRING)
        if scalar and raw_name in ACCOUNT_NUMBERS:
            return dict(INTEGER)
        return self.convert(prop, path)

    def convert(self, prop: dict[str, Any], path: str) -> dict[str, Any]:
        prop = self.spec.resolve(prop)
        kind = prop.get("type")
        if kind is None and prop.get("properties"):
            kind = "object"
        out: dict[str, Any]
        if kind == "object":
            out = {"type": ["object", "null"], "properties": self.object_schema(prop, path)}
        elif kind == "array":
            out = {"type": ["array", "null"], "items": self.convert(prop.get("items") or {}, path)}
        elif kind == "string":
            out = dict(STRING)
            if prop.get("format") in ("date", "date-time"):
                out["format"] = prop["format"]
        elif kind == "number":
            out = dict(NUMBER)
        elif kind == "integer":
            out = dict(INTEGER)
        elif kind == "boolean":
            out = {"type": ["boolean", "null"]}
        else:
            out = {}  # anything goes
        if prop.get("description") and kind not in ("object", "array"):
            out["description"] = " ".join(str(prop["description"]).split())
        return out


# Streams whose list response the spec types as a single detail object (`/3/prices` returns a
# paged "Prices" list whose items are a subset of the detail): the detail schema covers both.
LIST_TYPED_AS_DETAIL = frozenset({"prices"})


def spec_path(path: str) -> str:
    """The OpenAPI path of a stream's path: below `/3` unless it is an `/api/` family's."""
    return path if path.startswith("/api/") else "/3" + path


def service_item(spec: Spec, path: str) -> dict[str, Any]:
    """The record schema of an `/api/` response: the array's items, or the object itself."""
    schema = spec.get_response(spec_path(path))
    return spec.resolve(schema.get("items") or {}) if schema.get("type") == "array" else schema


def stream_source_schema(spec: Spec, stream: type[FortnoxStream]) -> dict[str, Any]:
    """The merged OpenAPI object schema of one stream's records."""
    if issubclass(stream, RowStream):
        parent = stream.parent_stream_type
        if not (isinstance(parent, type) and issubclass(parent, DocumentStream)):
            raise SpecError(f"{stream.name}: a row stream needs a DocumentStream parent")
        if parent.detail_path:
            detail = stream_detail_schema(spec, parent)
        else:  # one object per response (a folder with its files)
            detail = spec.member(
                spec.get_response("/3" + parent.path), parent.detail_key or "", parent.name
            )
        return spec.member(detail, parent.rows_key, f"{parent.name} rows")
    api_path = spec_path(stream.path)
    if stream.path.startswith("/api/"):
        schema = service_item(spec, stream.path)
        if stream.fetch_details and stream.detail_path:
            schema = merge(schema, stream_detail_schema(spec, stream))
        return schema
    if stream.records_key is None:
        return spec.member(spec.get_response(api_path), stream.detail_key or "", stream.name)
    if stream.name in LIST_TYPED_AS_DETAIL:
        return stream_detail_schema(spec, stream)
    response = spec.get_response(api_path)
    wrapper = getattr(stream, "records_wrapper", None)  # the list inside an object
    if wrapper:
        response = spec.member(response, wrapper, stream.name)
    schema = spec.member(response, stream.records_key, stream.name)
    if stream.fetch_details and stream.detail_path:
        schema = merge(schema, stream_detail_schema(spec, stream))
    return schema


def stream_detail_schema(spec: Spec, stream: type[FortnoxStream]) -> dict[str, Any]:
    if not stream.detail_path:
        raise SpecError(f"{stream.name}: no detail_path")
    if stream.detail_path.startswith("/api/"):
        return service_item(spec, stream.detail_path)
    wrapper = spec.get_response(spec_path(stream.detail_path))
    return spec.member(wrapper, stream.detail_key or "", f"{stream.name} detail")


def generate(spec: Spec, stream: type[FortnoxStream]) -> dict[str, Any]:
    """The Singer schema of one stream."""
    source = spec.resolve(stream_source_schema(spec, stream))
    if issubclass(stream, DocumentStream) and stream.rows_key:
        source = {
            **source,
            "properties": {
                k: v for k, v in (source.get("properties") or {}).items() if k != stream.rows_key
            },
        }
    converter = Converter(spec, stream.name)
    props = converter.object_schema(source)
    unused = set(converter.corrections) - converter.used
    if unused:
        raise SpecError(f"{stream.name}: corrections for unknown properties {sorted(unused)}")

    extra: dict[str, dict[str, Any]] = {TENANT_ID: {"type": ["string"]}}
    if YEAR in stream.context_params.values():
        extra[YEAR] = dict(INTEGER)
    if issubclass(stream, RowStream):
        parent = stream.parent_stream_type
        assert parent is not None
        parent_props = generate(spec, parent)["properties"]
        for key in parent.primary_keys:
            name = getattr(stream, "parent_key_names", {}).get(key, key)
            if name in stream.primary_keys:  # a folder's files are keyed by their own id
                extra[name] = copy.deepcopy(parent_props[key])
        if ROW_INDEX in stream.primary_keys:
            extra[ROW_INDEX] = {
                "type": ["integer"],
                "description": "1-based position of the row in its document",
            }
    extra.update(copy.deepcopy(getattr(stream, "tap_fields", {})))  # fields the tap adds
    for fortnox_name, schema in UNDOCUMENTED.get(stream.name, {}).items():
        extra[snake_case(fortnox_name)] = {
            **schema,
            "description": "Sent by Fortnox, not in its OpenAPI document",
        }
    if stream.deletable or getattr(stream, "reports_row_removals", False):
        extra[DELETED_AT] = copy.deepcopy(DELETED_AT_SCHEMA)
    if stream.replication_key == SYNC_STARTED_AT:
        extra[SYNC_STARTED_AT] = {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "When the tap started reading this stream in the sync that emitted "
            "the record (UTC); the stream's bookmark",
        }
    for name, schema in extra.items():
        props[name] = schema  # tap-added properties win over same-named spec ones
    missing = [key for key in stream.primary_keys if key not in props]
    if missing:
        raise SpecError(f"{stream.name}: primary key {missing} not in the schema")
    for key in stream.primary_keys:
        key_schema = props[key]
        key_schema["type"] = [t for t in key_schema.get("type", ["string"]) if t != "null"]

    ordered = {key: props[key] for key in stream.primary_keys}
    ordered.update({name: props[name] for name in sorted(props) if name not in ordered})
    return {
        "type": "object",
        "properties": ordered,
        "required": list(stream.primary_keys),
    }


_SHORT_LIST = re.compile(r"\[\s+([^\[\]{}]*?)\s+\]")


def render(schema: dict[str, Any]) -> str:
    """Indented JSON with short lists (types) on one line, for readable diffs."""
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    text = _SHORT_LIST.sub(lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    return text + "\n"


def all_streams() -> list[type[FortnoxStream]]:
    """Every stream type of the tap whose records the OpenAPI document describes (streams read
    from SIE declare their schema in their class)."""
    return [stream for stream in STREAM_TYPES if not isinstance(vars(stream).get("schema"), dict)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="OpenAPI JSON file")
    parser.add_argument("--out", type=Path, default=SCHEMA_DIR, help="schema directory")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        print(f"OpenAPI document not found: {args.spec} (pass --spec PATH)", file=sys.stderr)
        return 2
    spec = Spec(json.loads(args.spec.read_text(encoding="utf-8")))
    stale: list[str] = []
    for stream in all_streams():
        text = render(generate(spec, stream))
        target = args.out / f"{stream.name}.json"
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(stream.name)
        if not args.check:
            target.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"Schemas differ from a fresh generation: {', '.join(stale)}", file=sys.stderr)
        return 1
    if not args.check:
        print(f"Wrote {len(stale)} schema(s) to {args.out}" if stale else "Schemas up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
