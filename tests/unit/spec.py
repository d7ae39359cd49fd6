"""Where the tests find Fortnox's OpenAPI document (outside the repository, see README)."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
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


def needs_spec(test: Callable[..., Any]) -> Callable[..., Any]:
    """Fail (never skip) with a clear message where the OpenAPI document is missing."""

    @functools.wraps(test)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not SPEC_PATH.is_file():
            pytest.fail(
                f"Fortnox OpenAPI document not found at {SPEC_PATH}: put the shared folder beside "
                "the repository (../shared/fortnox-openapi) or set FORTNOX_OPENAPI"
            )
        return test(*args, **kwargs)

    return checked


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))
