"""Where the tests find Fortnox's OpenAPI document (outside the repository, see README)."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = Path(
    os.environ.get(
        "FORTNOX_OPENAPI", ROOT.parent / "shared" / "fortnox-openapi" / "openapi-fortnox.json"
    )
)

needs_spec = pytest.mark.skipif(
    not SPEC_PATH.is_file(),
    reason=f"Fortnox OpenAPI document not found at {SPEC_PATH} (set FORTNOX_OPENAPI)",
)


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))
