"""Committed schemas: equal to a fresh generation from the OpenAPI document; typing rules."""

from __future__ import annotations

import json

import pytest

from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID
from tap_fortnox.documents import ROW_INDEX, RowStream
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.streams.files import FolderFilesStream
from tests.helpers.repo import SCHEMA_DIR, SPEC_PATH, run_script

BY_NAME = {stream.name: stream for stream in STREAM_TYPES}


def schema_of(stream_type) -> dict:
    """The committed schema file, or the schema the class declares (streams read from SIE)."""
    declared = vars(stream_type).get("schema")
    if isinstance(declared, dict):
        return declared
    path = SCHEMA_DIR / f"{stream_type.name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def types(schema: dict) -> list[str]:
    return [t for t in schema.get("type", []) if t != "null"]


def test_committed_schemas_equal_a_fresh_generation():
    result = run_script("generate_schemas", "--spec", str(SPEC_PATH), "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_mode_notices_a_stale_schema(tmp_path):
    out = tmp_path / "schemas"
    out.mkdir()
    args = ["--spec", str(SPEC_PATH), "--out", str(out)]
    assert run_script("generate_schemas", *args).returncode == 0
    (out / "units.json").write_text("{}\n")
    stale = run_script("generate_schemas", *args, "--check")
    assert stale.returncode == 1
    assert "units" in stale.stderr


@pytest.mark.parametrize("stream_type", STREAM_TYPES, ids=lambda s: s.name)
def test_keys_first_non_null_and_required(stream_type):
    schema = schema_of(stream_type)
    props = schema["properties"]
    keys = list(stream_type.primary_keys)
    assert keys[0] == TENANT_ID
    assert list(props)[: len(keys)] == keys
    assert schema["required"] == keys
    for key in keys:
        assert "null" not in props[key]["type"], key
    for name, prop in props.items():
        if name not in keys:
            assert "null" in prop.get("type", ["null"]), name  # everything else nullable
    if stream_type.replication_key:
        assert props[SYNC_STARTED_AT]["format"] == "date-time"
    if issubclass(stream_type, FolderFilesStream):  # a folder's files: keyed by their own id
        assert keys == [TENANT_ID, "id"]
        assert "folder_id" in props
    elif issubclass(stream_type, RowStream):
        parent = stream_type.parent_stream_type
        names = stream_type.parent_key_names  # the parent's key as the rows name it
        assert keys == [*(names.get(key, key) for key in parent.primary_keys), ROW_INDEX]


@pytest.mark.parametrize(
    ("stream", "prop", "expected"),
    [
        ("invoices", "total", ["number"]),
        ("invoices", "total_vat", ["number"]),
        ("invoices", "invoice_date", ["string"]),
        ("invoices", "customer_number", ["string"]),
        ("invoice_rows", "price", ["number"]),
        ("invoice_rows", "delivered_quantity", ["number"]),
        ("invoice_rows", "account_number", ["integer"]),
        ("articles", "sales_price", ["number"]),
        ("customers", "sales_account", ["integer"]),
        ("invoice_payments", "invoice_number", ["string"]),
        ("vouchers", "voucher_number", ["integer"]),
        ("voucher_rows", "debit", ["number"]),
        ("accounts", "year", ["integer"]),
        ("company_information", "database_number", ["string"]),
        ("currencies", "unit", ["number"]),
        ("labels", "id", ["integer"]),
    ],
)
def test_typing_rules(stream, prop, expected):
    assert types(schema_of(BY_NAME[stream])["properties"][prop]) == expected


def test_dates_are_date_formatted():
    props = schema_of(BY_NAME["invoices"])["properties"]
    for name in ("invoice_date", "due_date", "final_pay_date", "delivery_date"):
        assert props[name]["format"] == "date", name
