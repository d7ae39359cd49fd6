"""The sandbox's field tables: a package resource, equal to a fresh generation from the spec."""

from __future__ import annotations

import json

from fortnox_sandbox.model.spec_fields import SCHEMAS
from scripts import generate_sandbox_fields
from tests.unit.spec import SPEC_PATH


def test_committed_fields_equal_a_fresh_generation(capsys):
    args = ["--spec", str(SPEC_PATH), "--check"]
    assert generate_sandbox_fields.main(args) == 0, capsys.readouterr()


def test_check_mode_notices_a_stale_file_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "spec_fields.json"
    args = ["--spec", str(SPEC_PATH), "--out", str(out)]
    assert generate_sandbox_fields.main(args) == 0
    fresh = json.loads(out.read_text(encoding="utf-8"))
    assert fresh == SCHEMAS
    del fresh["Invoice"]["Booked"]
    stale = json.dumps(fresh)
    out.write_text(stale, encoding="utf-8")
    assert generate_sandbox_fields.main([*args, "--check"]) == 1
    assert "differs" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == stale


def test_schemas_hold_the_field_order_and_types_the_sandbox_shapes_with():
    invoice = SCHEMAS["Invoice"]
    assert list(invoice) == sorted(invoice)
    assert (invoice["InvoiceDate"], invoice["Total"], invoice["Booked"]) == ("d", "n", "b")
    assert invoice["InvoiceRows"] == "a:o:Invoice_InvoiceRow"
    assert SCHEMAS["SupplierInvoiceListItem"]["Total"] == "s"
    assert not [name for name in SCHEMAS if name.endswith(("_Wrap", "_List", "_WrapList"))]
