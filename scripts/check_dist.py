"""Build the sdist and the wheel into dist/ and check them before anyone uploads them.

    python -m scripts.check_dist   # `make dist`; `make test` (CI) and the release workflow run it
    python -m scripts.check_dist --wheel PATH   # check a wheel built elsewhere (no build)

- `python -m build` builds both from a clean copy of pyproject.toml's sources;
- `twine check` validates their metadata (the README renders on PyPI);
- the wheel holds the tap and its schemas only: every file is `tap_fortnox/**/*.py`, a stream
  schema `tap_fortnox/schemas/*.json` or the `.dist-info` metadata, every schema of the source
  tree is in it, and its version and entry points are pyproject.toml's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
PACKAGE = "tap_fortnox"
SCRIPTS = ("tap-fortnox", "tap-fortnox-auth")


def project() -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def unexpected_files(names: list[str]) -> list[str]:
    """Wheel members that are neither the tap's code, its schemas nor the metadata."""
    wrong = []
    for name in names:
        path = PurePosixPath(name)
        top = path.parts[0]
        if top.endswith(".dist-info"):
            continue
        is_code = top == PACKAGE and path.suffix == ".py"
        is_schema = path.parent == PurePosixPath(PACKAGE, "schemas") and path.suffix == ".json"
        if not (is_code or is_schema):
            wrong.append(name)
    return wrong


def check_wheel(wheel: Path, version: str) -> list[str]:
    problems = []
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    problems += [
        f"the wheel holds {name}, which is not the tap" for name in unexpected_files(names)
    ]
    schemas = {p.name for p in (ROOT / PACKAGE / "schemas").glob("*.json")}
    packed = {PurePosixPath(n).name for n in names if n.startswith(f"{PACKAGE}/schemas/")}
    problems += [f"schema {name} is missing from the wheel" for name in sorted(schemas - packed)]
    if f"-{version}-" not in wheel.name:
        problems.append(f"{wheel.name} is not version {version} (pyproject.toml)")
    problems += [f"no `{s}` command in the wheel" for s in SCRIPTS if f"{s} = " not in scripts]
    return problems


def report(wheel: Path) -> int:
    """Print the wheel's problems (or that it is ready); 1 when it has any."""
    problems = check_wheel(wheel, project()["version"])
    for problem in problems:
        print(f"dist check: {problem}")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--wheel"] and len(argv) == 2:
        return report(Path(argv[1]))
    shutil.rmtree(DIST, ignore_errors=True)
    python = sys.executable
    subprocess.run([python, "-m", "build", "--outdir", str(DIST), str(ROOT)], check=True)
    built = sorted(DIST.iterdir())
    subprocess.run([python, "-m", "twine", "check", "--strict", *map(str, built)], check=True)
    wheels = [p for p in built if p.suffix == ".whl"]
    sdists = [p for p in built if p.name.endswith(".tar.gz")]
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"dist/ should hold one wheel and one sdist, not {[p.name for p in built]}")
        return 1
    if report(wheels[0]):
        return 1
    print(f"dist check: {wheels[0].name} and {sdists[0].name} are ready to upload")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
