"""Run the real tap as a subprocess against the sandbox and collect what it printed and received."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tap_fortnox.tap import TapFortnox

RECORDING_TAP = Path(__file__).with_name("recording_tap.py")
ROOT = Path(__file__).resolve().parents[2]


def catalog_for(config: dict, streams: list[str]) -> dict:
    """The tap's discovered catalog with only ``streams`` selected."""
    catalog = TapFortnox(config=config, validate_config=False).catalog_dict
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return catalog


@dataclass
class TapRun:
    returncode: int
    stdout: str
    stderr: str
    tokens: list[str] = field(default_factory=list)  # every token the run received

    @property
    def records(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for line in self.stdout.splitlines():
            message = json.loads(line)
            if message.get("type") == "RECORD":
                out[message["stream"]].append(message["record"])
        return out

    def assert_secrets_absent(self, *secrets: str) -> None:
        """Neither a secret nor its tail (a truncated print) appears in anything printed."""
        printed = self.stdout + self.stderr
        for secret in (*secrets, *self.tokens):
            assert secret, "empty secret"
            assert secret not in printed
            if len(secret) >= 24:
                assert secret[-16:] not in printed


class TapProcess:
    """One started tap run; ``finish()`` waits for it."""

    def __init__(
        self,
        config: dict,
        catalog: dict | None,
        workdir: Path,
        name: str,
        args: tuple[str, ...] = (),
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        config_path = workdir / f"{name}-config.json"
        config_path.write_text(json.dumps(config))
        self.tokens_path = workdir / f"{name}-tokens.jsonl"
        command = [
            sys.executable,
            str(RECORDING_TAP),
            str(self.tokens_path),
            "--config",
            str(config_path),
            *args,
        ]
        if catalog is not None:
            catalog_path = workdir / f"{name}-catalog.json"
            catalog_path.write_text(json.dumps(catalog))
            command += ["--catalog", str(catalog_path)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def finish(self, timeout: float = 120) -> TapRun:
        stdout, stderr = self.process.communicate(timeout=timeout)
        tokens: list[str] = []
        if self.tokens_path.exists():
            for line in self.tokens_path.read_text().splitlines():
                tokens.extend(json.loads(line))
        return TapRun(self.process.returncode, stdout, stderr, tokens)


def run_tap(
    config: dict,
    streams: list[str] | None,
    workdir: Path,
    name: str = "run",
    args: tuple[str, ...] = (),
) -> TapRun:
    catalog = catalog_for(config, streams) if streams is not None else None
    return TapProcess(config, catalog, workdir, name, args).finish()
