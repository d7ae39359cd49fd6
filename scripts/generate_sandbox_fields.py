"""Generate sandbox/fortnox_sandbox/model/spec_fields.json from Fortnox's OpenAPI document.

The sandbox needs each schema's field names, in order, and coarse types (to complete detail
bodies and to cut list items), not the 1 MB document itself. Codes: s string, d date,
t date-time, n number, i integer, b boolean, o:<Schema> object, a:<code> array of <code>.
Schema names lose the spec's "fortnox_" prefix; wrappers (_Wrap, _List, _WrapList) are left out.

    python scripts/generate_sandbox_fields.py [--spec PATH] [--check]

`--check` writes nothing and exits 1 if the committed file differs from a fresh generation.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "vendor" / "fortnox-openapi" / "openapi-fortnox.json"
OUT = ROOT / "sandbox" / "fortnox_sandbox" / "model" / "spec_fields.json"
PREFIX = "fortnox_"
WRAPPERS = ("_Wrap", "_List", "_WrapList")


def type_code(prop: dict[str, Any]) -> str:
    ref = prop.get("$ref")
    if ref:
        return "o:" + ref.rsplit("/", 1)[-1].removeprefix(PREFIX)
    kind = prop.get("type", "")
    if kind == "array":
        return "a:" + type_code(prop.get("items", {}))
    if kind == "string":
        return {"date": "d", "date-time": "t"}.get(prop.get("format", ""), "s")
    return {"number": "n", "integer": "i", "boolean": "b", "object": "o"}.get(kind, "s")


def build(openapi: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Schema name -> {field: type code}, schemas and fields in sorted order."""
    out: dict[str, dict[str, str]] = {}
    for name, schema in sorted(openapi["components"]["schemas"].items()):
        if not name.startswith(PREFIX) or name.endswith(WRAPPERS):
            continue
        props = schema.get("properties") or {}
        out[name.removeprefix(PREFIX)] = {k: type_code(props[k]) for k in sorted(props)}
    return out


def render(fields: dict[str, dict[str, str]]) -> str:
    """One schema per line (short diffs when the spec changes one schema)."""
    lines = [
        f"  {json.dumps(name)}: {json.dumps(schema, ensure_ascii=False)}"
        for name, schema in fields.items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="OpenAPI JSON file")
    parser.add_argument("--out", type=Path, default=OUT, help="the JSON file to write")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        print(f"OpenAPI document not found: {args.spec} (pass --spec PATH)", file=sys.stderr)
        return 2
    text = render(build(json.loads(args.spec.read_text(encoding="utf-8"))))
    current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
    if current == text:
        if not args.check:
            print(f"{args.out} is up to date")
        return 0
    if args.check:
        print(f"{args.out} differs from a fresh generation (run this script)", file=sys.stderr)
        return 1
    args.out.write_text(text, encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
