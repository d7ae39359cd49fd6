"""The README a user reads, and the names and help texts it promises, agree with the project.

- The two commands for a newcomer: the first fenced line that mentions `demo` runs the demo,
  the first that mentions `test` runs the tests, and CI (.ci/run) runs that command.
- The README leads with install, configure and run, then the tables, and is short.
- One default selection: the Hub file's `select`, the README's `_select` command, its
  `meltano.yml` block and its words name the same left-out streams.
- The README's block and `--from-ref` URL are the Hub file's (namespace, pip_url, executable,
  capabilities; the repository of pyproject.toml).
- One default token store name in tap-fortnox-auth, meltano.yml's prod environment and docs.
- `tap-fortnox --help`, `tap-fortnox-auth --help` and `--version` say what they promise.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tap_fortnox.auth_cli import DEFAULT_TOKEN_STORE
from tap_fortnox.streams import STREAM_TYPES
from tests.helpers.repo import HUB_YML, MELTANO_YML, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (pytest brings tomli)
    import tomli as tomllib

README = (ROOT / "README.md").read_text()
BIN = Path(sys.executable).parent
HUB = YAML(typ="safe").load(HUB_YML.read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def fenced_lines(text: str) -> list[str]:
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M)
    return [line for block in blocks for line in block.splitlines()]


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_newcomers_two_commands_and_ci():
    lines = fenced_lines(README)
    demo = next(line for line in lines if "demo" in line)
    test = next(line for line in lines if "test" in line)
    assert demo.split("#")[0].split() == ["make", "demo"]
    assert test.split("#")[0].split() == ["make", "test"]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "make test" in [line.strip() for line in ci if not line.startswith("#")]


def test_the_readme_leads_with_install_configure_and_run():
    headings = re.findall(r"^## (.+)$", README, re.M)
    assert headings[:5] == [
        "Install into your Meltano project",
        "Configure: client credentials",
        "Run",
        "Streams",
        "Settings",
    ]
    # About 200 lines besides the generated tables (a row per stream and per setting).
    generated = re.findall(r"<!-- BEGIN .*?<!-- END [a-z]+ -->", README, re.S)
    assert len(generated) == 2
    tables = sum(len(block.splitlines()) for block in generated)
    assert len(README.splitlines()) - tables <= 160
    assert "one access token per process" not in README


def left_out(rules: list[str]) -> set[str]:
    assert rules[0] == "*.*"
    assert all(rule.startswith("!") and rule.endswith(".*") for rule in rules[1:])
    return {rule[1:-2] for rule in rules[1:]}


def test_one_default_selection_everywhere():
    install = section("Install into your Meltano project")
    hub = left_out(HUB["select"])
    command = re.search(r"meltano config set tap-fortnox _select '(.*)'", install).group(1)
    block = YAML(typ="safe").load(re.search(r"```yaml\n(.*?)```", install, re.S).group(1))
    entry = block["plugins"]["extractors"][0]
    words = re.search(r"The default selection leaves out (.*?)\.\s", install, re.S).group(1)
    assert left_out(json.loads(command)) == hub
    assert left_out(entry["select"]) == hub
    streams = {stream.name for stream in STREAM_TYPES}
    assert set(re.findall(r"`(\w+)`", words)) & streams == hub
    assert hub >= {"employees", "salary_transactions"}


def test_the_readme_block_and_reference_are_the_hub_files():
    install = section("Install into your Meltano project")
    entry = YAML(typ="safe").load(re.search(r"```yaml\n(.*?)```", install, re.S).group(1))
    entry = entry["plugins"]["extractors"][0]
    for key in ("name", "variant", "namespace", "pip_url", "executable", "capabilities"):
        assert entry[key] == HUB[key], key
    repository = PYPROJECT["urls"]["Repository"]
    raw = repository.replace("https://github.com/", "https://raw.githubusercontent.com/")
    ref = re.search(r"--from-ref (\S+)", install).group(1)
    assert ref == f"{raw}/main/{HUB_YML.relative_to(ROOT)}"
    assert f"`{HUB['pip_url']}`" in install
    assert "start_date" not in HUB.get("config", {})


def test_one_token_store_name():
    assert DEFAULT_TOKEN_STORE == ".secrets/fortnox-token.json"
    assert f"${{MELTANO_PROJECT_ROOT}}/{DEFAULT_TOKEN_STORE}" in MELTANO_YML.read_text()
    docs = [ROOT / "README.md", MELTANO_YML, *sorted((ROOT / "docs").glob("*.md"))]
    names = {
        m for path in docs for m in re.findall(r"[\w./-]*fortnox-token[\w.-]*", path.read_text())
    }
    assert {name.lstrip("/") for name in names} == {DEFAULT_TOKEN_STORE}
    assert DEFAULT_TOKEN_STORE in (ROOT / "docs" / "authentication.md").read_text()


def run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    return result.stdout + result.stderr


def test_tap_help_says_what_the_tap_is():
    text = run(str(BIN / "tap-fortnox"), "--help")
    assert "Fortnox" in text
    assert "tap-fortnox --about" in text
    assert "tap-fortnox-auth" in text


def test_auth_help_shows_defaults_and_two_examples():
    text = run(str(BIN / "tap-fortnox-auth"), "--help")
    examples = text.split("examples:", 1)[1]
    assert "tap-fortnox-auth --service-account" in examples
    assert f"tap-fortnox-auth --token-store {DEFAULT_TOKEN_STORE}" in examples
    assert "(default: https://apps.fortnox.se/oauth-v1)" in " ".join(text.split())
    assert "(default: env)" in text
    assert "(default: None)" not in text


@pytest.mark.parametrize("flag", ["--version", "--about"])
def test_one_version(flag):
    assert version("tap-fortnox") == PYPROJECT["version"]
    text = run(str(BIN / "tap-fortnox"), flag, *(["--format", "json"] if flag == "--about" else []))
    found = json.loads(text)["version"] if flag == "--about" else text
    assert PYPROJECT["version"] in found
