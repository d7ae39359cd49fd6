"""The release check's rule for the wheel's contents (`python -m scripts.check_dist`), run on
a wheel made here: only the tap's code, its schemas and the metadata belong in it."""

from __future__ import annotations

import zipfile

from tests.helpers.repo import run_script

GOOD = [
    "tap_fortnox/tap.py",
    "tap_fortnox/streams/sales.py",
    "tap_fortnox/schemas/invoices.json",
    "tap_fortnox-0.1.0.dist-info/METADATA",
]
BAD = [
    "tests/test_core.py",
    "scripts/demo.py",
    "fortnox_sandbox/server.py",
    "tap_fortnox/__pycache__/tap.cpython-311.pyc",
    "tap_fortnox/notes.json",
    "vendor/fortnox-openapi/openapi-fortnox.json",
]
ENTRY_POINTS = "[console_scripts]\ntap-fortnox = a:b\ntap-fortnox-auth = c:d\n"


def test_only_the_tap_its_schemas_and_metadata_belong_in_the_wheel(tmp_path):
    wheel = tmp_path / "tap_fortnox-0.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in GOOD + BAD:
            archive.writestr(name, "")
        archive.writestr("tap_fortnox-0.1.0.dist-info/entry_points.txt", ENTRY_POINTS)
    done = run_script("check_dist", "--wheel", str(wheel))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert [line for line in lines if "which is not the tap" in line] == [
        f"dist check: the wheel holds {name}, which is not the tap" for name in BAD
    ]
    assert "dist check: tap_fortnox-0.0.0-py3-none-any.whl is not version" in done.stdout
    assert "dist check: schema customers.json is missing from the wheel" in lines
