"""The vendored third-party files are exactly the ones their SOURCE.md names (by sha256)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[1] / "vendor"
# `| <file> | <sha256> |` rows, or the one-file form `| sha256 | <sha256> |` beside `<file>`.
ROW = re.compile(r"^\| `?([\w./-]+?)`? \| `([0-9a-f]{64})` \|$", re.MULTILINE)


def listed(folder: Path) -> dict[Path, str]:
    text = (folder / "SOURCE.md").read_text(encoding="utf-8")
    found = {}
    for name, digest in ROW.findall(text):
        if name == "sha256":
            (only,) = [p for p in folder.iterdir() if p.name != "SOURCE.md"]
            found[only] = digest
        else:
            found[folder / name] = digest
    return found


@pytest.mark.parametrize("folder", sorted(p for p in VENDOR.iterdir() if p.is_dir()), ids=str)
def test_vendored_files_match_their_recorded_sha256(folder):
    recorded = listed(folder)
    present = {p for p in folder.rglob("*") if p.is_file() and p.name != "SOURCE.md"}
    assert set(recorded) == present  # every file is recorded, every record is present
    for path, digest in recorded.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path


def test_nothing_reads_outside_the_repository():
    root = VENDOR.parent
    pattern = re.compile(r"\.\./shared|parents?\W+\d*\W*/\s*\"shared\"|parent / \"shared\"")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if ".venv" not in path.parts
        and ".meltano" not in path.parts
        and pattern.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []
