"""The README's install, configure and run sections, command by command, in an empty folder.

The commands are read from the README's fenced blocks and run with the real `meltano` CLI in a
new `meltano init` project, with the Meltano Hub pointed at a closed port. What a test cannot do
as a user would is replaced, and only that:

- `--from-ref <raw GitHub URL>` gets a saved copy of the Hub file whose `pip_url` is this clone
  (what the README tells a user installing from a clone or a fork to do);
- the loader is target-jsonl, added with `--from-ref` from this repository's meltano.yml entry,
  as the Hub is out of reach; `target-postgres` in the commands becomes `target-jsonl`;
- the credentials are the sandbox's, and api_url/auth_url point at it (its rate limit is off, so
  is the tap's).

Then: the selection is the Hub's default, the first run writes every selected stream (and no
left-out one) with the sandbox's records, and the second run starts from the first run's state,
with fewer records and fewer requests. Both runs' Meltano logs are read for the lines that used
to mislead (tests/helpers/log_lines.py).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.e2e.conftest import timed
from tests.e2e.expected import expected_records, streams
from tests.harness.meltano_harness import ROOT, VENV_BIN, Meltano
from tests.helpers.log_lines import misleading_lines
from tests.helpers.repo import HUB_YML, MELTANO_YML

pytestmark = pytest.mark.e2e

README = ROOT / "README.md"
SECTIONS = ("Install into your Meltano project", "Configure: client credentials", "Run")
REQUEST_METRIC = '"metric":"http_request_duration"'


def readme_commands(section: str) -> list[str]:
    """The lines of the first ```bash block under `## <section>`."""
    text = README.read_text()
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", body, re.S)
    assert block, f"README section {section!r} has no bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def load_yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text())


def local_definitions(tmp_path: Path) -> tuple[Path, Path]:
    """The Hub file with this clone as its pip_url, and the repo's target-jsonl entry."""
    yaml = YAML()
    hub = yaml.load(HUB_YML.read_text())
    hub["pip_url"] = str(ROOT)
    tap_ref = tmp_path / "tap-fortnox.yml"
    with tap_ref.open("w") as out:
        yaml.dump(hub, out)
    loaders = load_yaml(MELTANO_YML)["plugins"]["loaders"]
    jsonl = next(p for p in loaders if p["name"] == "target-jsonl")
    loader_ref = tmp_path / "target-jsonl.yml"
    with loader_ref.open("w") as out:
        yaml.dump({k: v for k, v in jsonl.items() if k != "config"}, out)
    return tap_ref, loader_ref


def adapt(argv: list[str], sandbox, tap_ref: Path, loader_ref: Path) -> list[str]:
    """One README command with the replacements the module docstring lists."""
    if "--from-ref" in argv:
        argv[argv.index("--from-ref") + 1] = str(tap_ref)
    if argv[:4] == ["meltano", "add", "--plugin-type", "loader"]:
        return [*argv[:4], "target-jsonl", "--from-ref", str(loader_ref)]
    if argv[:3] == ["meltano", "config", "set"] and argv[3] == "target-postgres":
        return ["meltano", "config", "set", "target-jsonl", "destination_path", "output"]
    if argv[:3] == ["meltano", "config", "set"] and argv[3] == "tap-fortnox":
        name = argv[4]
        if name in ("client_id", "client_secret", "tenant_id"):
            return [*argv[:5], str(sandbox.config[name])]
    return ["target-jsonl" if arg == "target-postgres" else arg for arg in argv]


def test_readme_install_in_an_empty_folder(sandbox, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    tap_ref, loader_ref = local_definitions(tmp_path)
    env = Meltano().base_env()  # the Hub at a closed port; no TAP_FORTNOX_* from the shell
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    cwd = folder
    logs: list[str] = []
    written: list[Counter[str]] = []  # records per stream, by run

    def run(argv: list[str]) -> str:
        started = time.monotonic()
        result = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        timed(f"README: {' '.join(argv[:3])}", time.monotonic() - started)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{shlex.join(argv)} failed:\n{output[-3000:]}"
        return output

    for section in SECTIONS:
        for line in readme_commands(section):
            for command in line.split("&&"):
                argv = shlex.split(command, comments=True)
                if argv[0] == "cd":
                    cwd = cwd / argv[1]
                    continue
                if argv[:2] == ["meltano", "run"]:
                    before = set((cwd / "output").glob("*.jsonl"))
                    logs.append(run(adapt(argv, sandbox, tap_ref, loader_ref)))
                    new = set((cwd / "output").glob("*.jsonl")) - before
                    written.append(Counter(p.stem.rsplit("-", 1)[0] for p in new for _ in p.open()))
                    continue
                run(adapt(argv, sandbox, tap_ref, loader_ref))
                if argv[:2] == ["meltano", "init"]:
                    assert sorted(p.name for p in folder.iterdir()) == [argv[2]]
        if section == SECTIONS[1]:  # the simulator instead of api.fortnox.se
            for name in ("api_url", "auth_url"):
                run(["meltano", "config", "set", "tap-fortnox", name, sandbox.config[name]])
            run(["meltano", "config", "set", "tap-fortnox", "rate_limit_requests", "0"])

    project = load_yaml(cwd / "meltano.yml")
    tap = project["plugins"]["extractors"][0]
    hub = load_yaml(HUB_YML)
    assert tap["select"] == hub["select"]
    assert "start_date" not in tap.get("config", {})  # nothing preset
    assert len(logs) == 2, "the README's Run section runs the pipeline twice"

    left_out = {rule[1:].split(".")[0] for rule in hub["select"][1:]}
    selected = {s.name for s in streams()} - left_out
    first, second = written
    assert set(first) <= selected
    assert not set(first) & left_out
    by_name = {s.name: s for s in streams()}
    for name in ("invoices", "customers", "vouchers", "voucher_rows", "accounts"):
        assert first[name] == len(expected_records(sandbox, by_name[name])), name

    # The second run used the first one's state: bookmarks, fewer records, fewer requests.
    full, incremental = logs
    bookmark = r"Starting incremental sync of 'invoices' with bookmark value: \d{4}-"
    assert re.search(bookmark, incremental)
    assert second.total() < first.total()
    assert incremental.count(REQUEST_METRIC) < full.count(REQUEST_METRIC)

    for log in (full, incremental):
        assert misleading_lines(log) == []
    assert '"metric":"record_count"' in incremental  # the metrics are there, naming streams
