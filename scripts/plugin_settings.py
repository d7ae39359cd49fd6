"""Keep the tap's Meltano settings (meltano.yml and the Hub definition) in sync with the tap.

The single source of truth is the tap's config schema, read through the real CLI
(``tap-fortnox --about --format json``). Each property becomes one Meltano setting with a label,
a kind, its description, its default (``value``) and ``sensitive: true`` for secrets; objects with
declared properties (``batch_config``, ``faker_config``) become dotted settings, as on the Hub.

    python -m scripts.plugin_settings          # rewrite the settings lists
    python -m scripts.plugin_settings --check  # exit 1 and say what is stale (used by the tests)
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.harness.meltano_harness import ROOT, venv_executable

MELTANO_YML = ROOT / "meltano.yml"
HUB_VARIANT = "fortnox-oss"
HUB_YML = ROOT / "hub" / "extractors" / "tap-fortnox" / f"{HUB_VARIANT}.yml"
EXTRACTOR = "tap-fortnox"
# Words whose capitalisation a label should keep.
LABEL_WORDS = {"id": "ID", "url": "URL", "api": "API", "sql": "SQL", "ssl": "SSL", "vat": "VAT"}
JSON_KINDS = {
    "string": "string",
    "integer": "integer",
    "number": "decimal",
    "boolean": "boolean",
    "object": "object",
    "array": "array",
}
# The SDK's built-in `faker_config` works only with the `faker` extra, which the tap does not
# install; its `seed` would also be a decimal-kind setting, which Meltano 4.4 cannot pass from an
# environment variable (Decimal is not JSON serialisable). Left out of the Meltano settings.
UNUSABLE = ("faker_config",)


@functools.cache
def about(fmt: str = "json") -> str:
    """The output of ``tap-fortnox --about --format FMT``."""
    result = subprocess.run(
        [venv_executable("tap-fortnox"), "--about", "--format", fmt],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"tap-fortnox --about failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def about_info() -> dict[str, Any]:
    return json.loads(about("json"))


def label(name: str) -> str:
    """client_id -> "Client ID"."""
    text = " ".join(LABEL_WORDS.get(word, word) for word in name.split("_"))
    return text[:1].upper() + text[1:]


def first_type(schema: dict[str, Any]) -> str | None:
    """The first non-null JSON type of a property (also inside anyOf/oneOf)."""
    types = schema.get("type")
    if isinstance(types, str):
        types = [types]
    for candidate in types or []:
        if candidate != "null":
            return candidate
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        if isinstance(option, dict) and (found := first_type(option)):
            return found
    return None


def kind(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "options"
    json_type = first_type(schema) or "string"
    if json_type == "string" and schema.get("format") in ("date-time", "date"):
        return "date_iso8601"
    return JSON_KINDS.get(json_type, "string")


def is_group(schema: dict[str, Any]) -> bool:
    """An object of named settings (flattened to dotted names) rather than a free-form map."""
    return (
        first_type(schema) == "object"
        and bool(schema.get("properties"))
        and not isinstance(schema.get("additionalProperties"), dict)
    )


def meltano_settings(properties: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    settings: list[dict[str, Any]] = []
    for name, schema in properties.items():
        full_name = f"{prefix}{name}"
        if full_name in UNUSABLE:
            continue
        if is_group(schema):
            settings += meltano_settings(schema["properties"], prefix=f"{full_name}.")
            continue
        setting: dict[str, Any] = {"name": full_name, "label": schema.get("title") or label(name)}
        setting["kind"] = kind(schema)
        if schema.get("secret"):
            setting["sensitive"] = True
        if "default" in schema and schema["default"] is not None:
            setting["value"] = schema["default"]
        if "enum" in schema:
            setting["options"] = [
                {"label": str(v), "value": str(v)} for v in schema["enum"] if v is not None
            ]
        setting["description"] = " ".join(str(schema.get("description") or label(name)).split())
        settings.append(setting)
    return settings


def expected_settings() -> list[dict[str, Any]]:
    return meltano_settings(about_info()["settings"]["properties"])


def yaml() -> YAML:
    loader = YAML()
    loader.preserve_quotes = True
    loader.width = 4096  # one line per value: wrapped plain scalars get trailing blanks
    loader.indent(mapping=2, sequence=2, offset=0)
    return loader


def extractor_of(document: Any, path: Path) -> Any:
    """The tap's definition inside a loaded meltano.yml or Hub file."""
    if path == MELTANO_YML:
        return next(p for p in document["plugins"]["extractors"] if p["name"] == EXTRACTOR)
    return document


def sync(*, write: bool) -> list[str]:
    """Compare (and with write=True, rewrite) the settings lists; return what was stale."""
    expected = expected_settings()
    stale = []
    for path in (MELTANO_YML, HUB_YML):
        loader = yaml()
        document = loader.load(path.read_text())
        plugin = extractor_of(document, path)
        current = json.loads(json.dumps(plugin.get("settings") or []))
        if current == expected:
            continue
        stale.append(str(path.relative_to(ROOT)))
        if write:
            plugin["settings"] = expected
            buffer = io.StringIO()
            loader.dump(document, buffer)
            path.write_text(buffer.getvalue())
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    stale = sync(write=not args.check)
    verb = "stale" if args.check else "updated"
    for path in stale:
        print(f"{verb}: {path} (tap settings differ from `tap-fortnox --about`)")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
