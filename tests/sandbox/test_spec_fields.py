"""The sandbox's field tables: a package resource, equal to a fresh generation from the spec."""

from __future__ import annotations

import json

from fortnox_sandbox.model.spec_fields import SCHEMAS
from tests.helpers.repo import SPEC_PATH, run_script


def test_committed_fields_equal_a_fresh_generation():
    result = run_script("generate_sandbox_fields", "--spec", str(SPEC_PATH), "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_mode_notices_a_stale_file_and_writes_nothing(tmp_path):
    out = tmp_path / "spec_fields.json"
    args = ["--spec", str(SPEC_PATH), "--out", str(out)]
    assert run_script("generate_sandbox_fields", *args).returncode == 0
    fresh = json.loads(out.read_text(encoding="utf-8"))
    assert fresh == SCHEMAS
    del fresh["Invoice"]["Booked"]
    stale = json.dumps(fresh)
    out.write_text(stale, encoding="utf-8")
    checked = run_script("generate_sandbox_fields", *args, "--check")
    assert checked.returncode == 1
    assert "differs" in checked.stderr
    assert out.read_text(encoding="utf-8") == stale


def test_schemas_hold_the_field_order_and_types_the_sandbox_shapes_with():
    invoice = SCHEMAS["Invoice"]
    assert list(invoice) == sorted(invoice)
    assert (invoice["InvoiceDate"], invoice["Total"], invoice["Booked"]) == ("d", "n", "b")
    assert invoice["InvoiceRows"] == "a:o:Invoice_InvoiceRow"
    assert SCHEMAS["SupplierInvoiceListItem"]["Total"] == "s"
    assert not [name for name in SCHEMAS if name.endswith(("_Wrap", "_List", "_WrapList"))]
