"""Run the real Meltano CLI on the repo's meltano.yml against a sandbox in a subprocess.

Shared by the demo (scripts/demo.py) and the end-to-end tests (tests/e2e/):

- ``SandboxProcess`` starts ``fortnox-sandbox serve --port 0 --config-out FILE`` and talks to its
  ``/_sandbox/...`` control surface over HTTP.
- ``Meltano`` runs ``meltano <args>`` in the repo root (so the repo's meltano.yml and its
  ``.meltano`` plugin virtualenvs are used) with a clean environment: tap and target settings come
  from environment variables, and the system database (state, run history) can be moved to a
  private SQLite file so that test runs never touch the developer's state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from filelock import ReadWriteLock

from tests.harness.started import Started

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# Settings the caller did not ask for must not leak in from the developer's shell.
FOREIGN_ENV_PREFIXES = ("TAP_FORTNOX_", "TARGET_POSTGRES_", "TARGET_DUCKDB_", "TARGET_JSONL_")
FOREIGN_ENV_EXACT = ("MELTANO_ENVIRONMENT", "MELTANO_DATABASE_URI", "FORTNOX_SANDBOX_URL")
# With the sandbox's rate limit off, the tap's own limiter would be the only brake: turn it off.
UNTHROTTLED_TAP = {"rate_limit_requests": 0}
# Structured error records, and the last line of a plain traceback (pipelinewise targets).
ERROR_LINE = re.compile(
    r"\[(error|critical)\s*\]|\| (ERROR|CRITICAL) |\] [\w-]+ +([\w.]+(Error|Exception)): "
)
SECRET_IN_LOG = re.compile(r"((?:secret|token)\w*:)\s*\S+", re.IGNORECASE)


def venv_executable(name: str) -> str:
    """An executable installed beside the running Python (the project's .venv)."""
    path = VENV_BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{name} not found in {VENV_BIN}; run `make install` first")
    return str(path)


class SandboxProcess(Started):
    """``fortnox-sandbox serve`` in a subprocess on a free port."""

    def __init__(
        self,
        *,
        seed: int = 1,
        scale: str = "small",
        tenants: int = 1,
        rate_limit: bool = False,
        as_of: date | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        """`as_of`: the day the generated history ends (None: today, as for the demo)."""
        self.args = ["--port", "0", "--seed", str(seed), "--scale", scale]
        self.args += ["--tenants", str(tenants), *extra_args]
        if as_of is not None:
            self.args += ["--as-of", as_of.isoformat()]
        self.rate_limit = rate_limit
        if not rate_limit:
            self.args.append("--no-rate-limit")
        self.proc: subprocess.Popen[bytes] | None = None
        self.workdir = Path(tempfile.mkdtemp(prefix="tap-fortnox-sandbox-"))
        self.config: dict[str, Any] = {}

    def start(self, timeout: float = 60.0) -> SandboxProcess:
        config_file = self.workdir / "tap-config.json"
        command = [venv_executable("fortnox-sandbox"), "serve", *self.args]
        command += ["--config-out", str(config_file)]
        with (self.workdir / "sandbox.log").open("wb") as log:  # the child keeps its own copy
            self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"fortnox-sandbox exited with {self.proc.returncode}: {self.log_tail()}"
                )
            if config_file.exists():
                try:
                    self.config = json.loads(config_file.read_text())
                except json.JSONDecodeError:
                    pass  # still being written
                else:
                    return self
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"fortnox-sandbox did not write its config in {timeout:.0f}s")

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the sandbox's output, with its credentials masked."""
        path = self.workdir / "sandbox.log"
        text = path.read_text(errors="replace")[-chars:] if path.exists() else ""
        return SECRET_IN_LOG.sub(r"\1 ***", text)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT, from the api_url in the config the sandbox wrote."""
        api_url = str(self.config["api_url"])
        return api_url.rsplit("/", 1)[0]

    @property
    def tenant_id(self) -> str:
        return str(self.config["tenant_id"])

    def control(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> Any:
        """Call the sandbox's HTTP control surface, e.g. ``control("GET", "counters")``.
        JSON numbers with a fraction come back as Decimal, exactly as sent."""
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.base_url}/_sandbox/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data else {},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body, parse_float=Decimal) if body else None

    def expected(self, resource: str, tenant_id: str | None = None) -> list[dict[str, Any]]:
        """Every current record of a Fortnox resource ("invoices") as its detail body (of the
        first tenant, or of `tenant_id`)."""
        query = f"?tenant_id={tenant_id}" if tenant_id else ""
        return self.control("GET", f"expected/{resource}{query}")["records"]

    @property
    def tenant_ids(self) -> list[str]:
        return [str(t) for t in self.control("GET", "info")["tenant_ids"]]

    def touch(self, resource: str, count: int, *, create: bool = False) -> list[str]:
        """Modify (or create) `count` records now; returns their keys."""
        payload = {"resource": resource, "count": count, "create": create}
        return self.control("POST", "touch", payload)["keys"]

    def meltano_env(self) -> dict[str, str]:
        """Env vars for ``meltano --environment sandbox``: the sandbox URL and the tap config
        (and no client-side throttling when the sandbox does not limit)."""
        env = {"FORTNOX_SANDBOX_URL": self.base_url}
        # api_url/auth_url come from the sandbox environment in meltano.yml.
        env.update(self.tap_env(skip=("api_url", "auth_url")))
        return env

    def tap_env(self, skip: tuple[str, ...] = ()) -> dict[str, str]:
        """Env vars that point a plain ``meltano run`` (the default environment) at the sandbox:
        every setting of its tap config as ``TAP_FORTNOX_*``, api_url and auth_url included."""
        # start_date comes from meltano.yml's config (2020-01-01: before all sandbox data; the
        # sandbox's own start_date is UTC midnight of its first financial year, which misses
        # that day's first hour).
        env = setting_env("tap-fortnox", self.config, skip=(*skip, "start_date"))
        if not self.rate_limit:
            env.update(setting_env("tap-fortnox", UNTHROTTLED_TAP))
        return env


def setting_env(
    plugin: str, settings: Mapping[str, Any], skip: tuple[str, ...] = ()
) -> dict[str, str]:
    """Settings as Meltano env vars: (tap-fortnox, client_id) -> TAP_FORTNOX_CLIENT_ID."""
    prefix = plugin.upper().replace("-", "_")
    env = {}
    for name, value in settings.items():
        if name in skip or value is None:
            continue
        text = json.dumps(value) if isinstance(value, (dict, list, bool)) else str(value)
        env[f"{prefix}_{name.upper()}"] = text
    return env


def error_lines(output: str, limit: int = 30) -> list[str]:
    """The log lines that say what went wrong (Meltano's and the plugins' error records)."""
    found = [line for line in output.splitlines() if ERROR_LINE.search(line)]
    return found[:limit]


class Meltano:
    """The Meltano CLI of the project's venv, run in the repo root; `environment` None runs the
    commands as a user types them, in meltano.yml's default environment."""

    def __init__(self, *, environment: str | None = None, system_db: Path | None = None) -> None:
        self.environment = environment
        self.system_db = system_db

    def base_env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(FOREIGN_ENV_PREFIXES) and key not in FOREIGN_ENV_EXACT
        }
        # Point the Hub at a closed local port: every plugin must come from meltano.yml and PyPI,
        # so a Hub lookup would fail the run instead of silently depending on the Hub.
        env["MELTANO_HUB_URL"] = "http://127.0.0.1:9"
        env["MELTANO_HUB_API_ROOT"] = "http://127.0.0.1:9/meltano/api/v1"
        env["MELTANO_CLI_DISABLE_VERSION_CHECK"] = "1"
        env["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        env["NO_COLOR"] = "1"
        if self.system_db is not None:
            env["MELTANO_DATABASE_URI"] = f"sqlite:///{self.system_db}"
        return env

    def __call__(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        timeout: float = 900,
        echo: bool = False,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``meltano [--environment ENV] ARGS``; raise with the output's tail if it fails
        (``check=False``: return the result whatever the exit code)."""
        chosen = ("--environment", self.environment) if self.environment else ()
        command = [venv_executable("meltano"), *chosen, *args]
        full_env = {**self.base_env(), **(env or {})}
        # Several sessions may share this work tree and its .meltano/ (developers' test runs, the
        # demo). `meltano install` rewrites the plugin venvs and clears .meltano/run/, which a
        # running pipeline reads: installs run alone, everything else side by side.
        lock_path = ROOT / ".meltano" / "harness.rwlock"
        lock_path.parent.mkdir(exist_ok=True)
        lock = ReadWriteLock(lock_path)
        with lock.write_lock() if args[:1] == ("install",) else lock.read_lock():
            result = subprocess.run(
                command,
                cwd=ROOT,
                env=full_env,
                capture_output=not echo,
                text=True,
                timeout=timeout,
                check=False,
            )
        if check and result.returncode != 0:
            output = (result.stdout or "") + (result.stderr or "")
            raise RuntimeError(
                f"`meltano {' '.join(args)}` failed ({result.returncode}); errors:\n"
                + "\n".join(error_lines(output))
                + f"\n--- output tail ---\n{output[-3000:]}"
            )
        return result

    def install(self, echo: bool = False) -> float:
        """``meltano install`` (idempotent: upgrades existing venvs); returns the seconds taken."""
        started = time.monotonic()
        self("install", echo=echo)
        return time.monotonic() - started
