"""Fortnox's OpenAPI document, vendored in the repository (vendor/fortnox-openapi)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from tests.helpers.repo import SPEC_PATH


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))
