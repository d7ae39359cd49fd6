"""The Meltano Hub definition of our variant, validated with the Hub's own JSON schemas.

The schemas are vendored in the repository (``vendor/meltano-hub-schemas``, see its SOURCE.md).
"""

from __future__ import annotations

import copy
import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from ruamel.yaml import YAML

from tests.helpers.repo import HUB_YML, MELTANO_YML, ROOT, run_script
from tests.helpers.tapsync import TAP_COMMAND

HUB_VARIANT = "fortnox-oss"
# Settings Meltano cannot pass to the tap (scripts/plugin_settings.py leaves them out).
UNUSABLE = ("faker_config",)
SCHEMAS = ROOT / "vendor" / "meltano-hub-schemas"


def load_yaml(path: Path) -> Any:
    return json.loads(json.dumps(YAML(typ="safe").load(path.read_text())))


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    entry = SCHEMAS / "plugin_definitions" / "extractors.schema.json"
    # The schemas' $ids and $refs are relative (e.g. "../common/base_setting.schema.json" from
    # common/common.schema.json); their file names are unique, so resolve each by name.
    by_name = {path.name: path for path in SCHEMAS.rglob("*.schema.json")}

    def retrieve(uri: str) -> Resource:
        path = by_name[uri.rsplit("/", 1)[-1]]
        return Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT7)

    schema = json.loads(entry.read_text())
    schema["$id"] = "urn:hub:plugin_definitions/extractors.schema.json"
    return Draft7Validator(schema, registry=Registry(retrieve=retrieve))


@functools.cache
def about_info() -> dict[str, Any]:
    """`tap-fortnox --about --format json`."""
    result = subprocess.run(
        [TAP_COMMAND, "--about", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def hub() -> dict[str, Any]:
    return load_yaml(HUB_YML)


def errors(validator: Draft7Validator, definition: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(definition)
    ]


def test_hub_definition_is_valid(validator, hub):
    assert errors(validator, hub) == []
    assert HUB_YML.name == f"{hub['variant']}.yml" == f"{HUB_VARIANT}.yml"
    assert HUB_YML.parent.name == hub["name"] == "tap-fortnox"
    assert "meltano_sdk" in hub["keywords"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(unknown_key=1), "Additional properties"),
        (lambda d: d.pop("quality"), "'quality' is a required property"),
        (lambda d: d.pop("namespace"), "'namespace' is a required property"),
        (lambda d: d["capabilities"].append("teleport"), "is not one of"),
        (lambda d: d["settings"].append({"name": "x", "kind": "secret"}), "is not one of"),
        (lambda d: d["settings"].append({"name": "x", "secret": True}), "Additional properties"),
        (lambda d: d["select"].append(1), "is not of type 'string'"),
    ],
)
def test_schema_catches_broken_definitions(validator, hub, change, message):
    """The validator really applies the referenced common schemas (settings, capabilities)."""
    broken = copy.deepcopy(hub)
    change(broken)
    assert any(message in e for e in errors(validator, broken)), errors(validator, broken)


def test_hub_matches_dev_project(hub):
    """The Hub definition and meltano.yml describe the same extractor."""
    meltano = load_yaml(MELTANO_YML)
    tap = next(p for p in meltano["plugins"]["extractors"] if p["name"] == hub["name"])
    for key in ("namespace", "executable", "capabilities", "settings_group_validation"):
        assert tap[key] == hub[key], key
    assert tap["pip_url"] == "-e ."
    # Until the package is on PyPI, the Hub installs from the repository pyproject.toml names.
    repository = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert hub["pip_url"] == f"git+{repository['Repository']}.git"
    assert hub["repo"] == repository["Repository"]
    assert hub["select"][0] == "*.*"
    assert all(rule.startswith("!") and rule.endswith(".*") for rule in hub["select"][1:])


def plugin_settings(path: Path) -> list[dict[str, Any]]:
    document = load_yaml(path)
    if path == MELTANO_YML:
        document = next(p for p in document["plugins"]["extractors"] if p["name"] == "tap-fortnox")
    return document["settings"]


@pytest.mark.parametrize("path", [MELTANO_YML, HUB_YML], ids=["meltano.yml", "hub"])
def test_settings_match_the_tap(path):
    """Names, sensitivity, kinds and defaults mirror `tap-fortnox --about --format json`."""
    properties = about_info()["settings"]["properties"]
    settings = plugin_settings(path)
    assert {s["name"].split(".")[0] for s in settings} == set(properties) - set(UNUSABLE)
    # Meltano 4.4 cannot pass a decimal-kind setting from its environment variable.
    assert not [s["name"] for s in settings if s["kind"] == "decimal"]
    sensitive = {s["name"] for s in settings if s.get("sensitive")}
    assert sensitive == {name for name, p in properties.items() if p.get("secret")}
    assert {"client_secret", "refresh_token", "access_token"} <= sensitive
    for setting in settings:
        assert all(setting.get(key) for key in ("label", "kind", "description")), setting
    current = run_script("plugin_settings", "--check")
    assert current.returncode == 0, (
        f"{path.name} is stale: run `python -m scripts.plugin_settings`\n{current.stdout}"
    )


def test_capabilities_and_groups_are_the_taps(hub):
    about = about_info()
    # One list of capabilities: what the tap declares is what Meltano and the Hub are told.
    assert sorted(hub["capabilities"]) == sorted(about["capabilities"])
    meltano = load_yaml(MELTANO_YML)
    tap = next(p for p in meltano["plugins"]["extractors"] if p["name"] == hub["name"])
    assert sorted(tap["capabilities"]) == sorted(about["capabilities"])
    assert {"state", "catalog", "discover", "about", "activate-version"} <= set(hub["capabilities"])
    names = {s["name"] for s in hub["settings"]}
    flows = hub["settings_group_validation"]
    assert len(flows) == 4
    assert ["client_id", "client_secret", "tenant_ids"] in flows
    assert all(set(group) <= names for group in flows)
    assert ["access_token"] in flows


def test_default_select_leaves_out_only_real_streams(hub):
    """Every `!stream.*` rule names a stream the tap has, and the core streams stay selected."""
    from tap_fortnox.streams import STREAM_TYPES

    names = {stream.name for stream in STREAM_TYPES}
    left_out = {rule[1:].split(".")[0] for rule in hub["select"][1:]}
    assert left_out <= names, left_out - names
    core = {"invoices", "invoice_rows", "vouchers", "voucher_rows", "accounts", "customers"}
    assert not core & left_out
