"""The repository's files the tests check, and its developer commands run the way a developer
runs them (`python -m scripts.NAME`): the tests run scripts/ and import nothing from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "vendor" / "fortnox-openapi" / "openapi-fortnox.json"
SCHEMA_DIR = ROOT / "tap_fortnox" / "schemas"
README = ROOT / "README.md"
MELTANO_YML = ROOT / "meltano.yml"
HUB_YML = ROOT / "hub" / "extractors" / "tap-fortnox" / "fortnox-oss.yml"


def run_script(name: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m scripts.NAME ARGS` in the repository root; its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", f"scripts.{name}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
