"""The release check's rule for the wheel's contents (scripts/check_dist.py)."""

from __future__ import annotations

from scripts.check_dist import unexpected_files


def test_only_the_tap_its_schemas_and_metadata_belong_in_the_wheel():
    good = [
        "tap_fortnox/tap.py",
        "tap_fortnox/streams/sales.py",
        "tap_fortnox/schemas/invoices.json",
        "tap_fortnox-0.1.0.dist-info/METADATA",
    ]
    bad = [
        "tests/test_core.py",
        "scripts/demo.py",
        "fortnox_sandbox/server.py",
        "tap_fortnox/__pycache__/tap.cpython-311.pyc",
        "tap_fortnox/notes.json",
        "vendor/fortnox-openapi/openapi-fortnox.json",
    ]
    assert unexpected_files(good + bad) == bad
