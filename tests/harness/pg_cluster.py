"""A throwaway PostgreSQL server in a temporary directory, for end-to-end tests.

``PostgresCluster().start()`` runs initdb into a fresh temp dir, starts the server on a free
localhost port (trust auth, unix socket inside the temp dir, durability off for speed) and creates a
database; ``stop()`` shuts it down and removes the directory. As root, the server binaries run as
the ``postgres`` user (PostgreSQL refuses to run as root).

Run directly for a manual session: ``python -m tests.harness.pg_cluster`` prints the connection
URL and keeps the server up until Ctrl-C or SIGTERM, which both stop it and remove its directory.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tests.harness.started import Started

if TYPE_CHECKING:
    import pwd

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
INSTALL_HINT = (
    "install the PostgreSQL server (as root: `make system-deps`, or "
    "`apt-get install postgresql`), or point PG_BIN_DIR at its bin directory"
)


class PostgresUnavailableError(RuntimeError):
    """The server binaries or the OS user needed to run them are missing."""


def find_bin_dir() -> Path:
    """The directory holding initdb, pg_ctl and postgres (newest major version first)."""
    candidates: list[Path] = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]))
    versioned = glob.glob("/usr/lib/postgresql/*/bin")
    versioned.sort(key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    candidates += [Path(p) for p in reversed(versioned)]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for directory in candidates:
        if all((directory / name).is_file() for name in SERVER_BINARIES):
            return directory
    looked = ", ".join(str(c) for c in candidates) or "/usr/lib/postgresql/*/bin and PATH"
    raise PostgresUnavailableError(
        f"PostgreSQL server binaries ({', '.join(SERVER_BINARIES)}) not found in {looked}; "
        f"{INSTALL_HINT}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster(Started):
    """One PostgreSQL server with one database, living in a temporary directory."""

    def __init__(self, database: str = "tap_fortnox", user: str = "postgres") -> None:
        self.database = database
        self.user = user
        self.host = "127.0.0.1"
        self.port = 0
        self.bin_dir = find_bin_dir()
        self.run_as: pwd.struct_passwd | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # POSIX: pwd exists there
            import pwd

            try:
                self.run_as = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailableError(
                    "running as root but there is no `postgres` OS user to run the server as; "
                    + INSTALL_HINT
                ) from None
        self.root: Path | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> PostgresCluster:
        self.root = Path(tempfile.mkdtemp(prefix="tap-fortnox-pg-"))
        try:
            if self.run_as is not None:
                os.chown(self.root, self.run_as.pw_uid, self.run_as.pw_gid)
            self._server(
                "initdb", "-D", str(self.data_dir), "-U", self.user, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync",
            )  # fmt: skip
            self._start_on_free_port()
            self._server(
                "createdb", "-h", self.host, "-p", str(self.port), "-U", self.user, self.database
            )
        except BaseException:
            self.stop()
            raise
        return self

    def _start_on_free_port(self, attempts: int = 3) -> None:
        # A free port can be taken by someone else between our probe and the server's bind.
        for attempt in range(attempts):
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses={self.host} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                self._server(
                    "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file),
                    "-o", options, "-w", "-t", "60", "start",
                )  # fmt: skip
                return
            except RuntimeError:
                if attempt == attempts - 1:
                    raise

    def stop(self) -> None:
        """Stop the server (if running) and remove the temp dir; safe to call twice."""
        if self.root is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            try:
                self._server("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
            except RuntimeError:
                self._kill_postmaster()
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def _kill_postmaster(self) -> None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)

    # -- facts -----------------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "cluster not started"
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        assert self.root is not None, "cluster not started"
        return self.root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    # -- helpers ---------------------------------------------------------------------------------

    def _server(self, binary: str, *args: str) -> None:
        command = [str(self.bin_dir / binary), *args]
        if self.run_as is not None and binary != "createdb":
            command = ["runuser", "-u", self.run_as.pw_name, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = ""
            if binary == "pg_ctl" and self.root is not None and self.log_file.exists():
                log = "\n" + self.log_file.read_text(errors="replace")[-2000:]
            raise RuntimeError(
                f"{binary} failed ({result.returncode}): {result.stderr.strip()[-2000:]}{log}"
            )


def main() -> None:
    # SIGTERM (a `kill`, a supervisor) ends the session like Ctrl-C: the server is stopped.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with PostgresCluster() as cluster:
        print(f"PostgreSQL running: {cluster.url} in {cluster.root}", flush=True)
        print("Ctrl-C (or SIGTERM) stops it and removes the directory", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
