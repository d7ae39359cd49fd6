"""Field names and coarse types of the Fortnox schemas, read from `spec_fields.json`.

The JSON file is generated from the vendored OpenAPI document by
`scripts/generate_sandbox_fields.py` (a test checks it is current). Codes: s string, d date,
t date-time, n number, i integer, b boolean, o:<Schema> object, a:<code> array of <code>.
"""

from __future__ import annotations

import json
from importlib.resources import files

SCHEMAS: dict[str, dict[str, str]] = json.loads(
    files(__package__).joinpath("spec_fields.json").read_text(encoding="utf-8")
)
