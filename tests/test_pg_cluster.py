"""The throwaway PostgreSQL server used by the end-to-end tests (tests/harness/pg_cluster.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.harness import pg_cluster
from tests.harness.pg_cluster import PostgresCluster, PostgresUnavailableError

ROOT = Path(__file__).resolve().parents[1]


def test_start_query_stop_and_clean_up():
    cluster = PostgresCluster(database="probe").start()
    root = cluster.root
    try:
        with psycopg.connect(cluster.url) as conn:
            assert conn.execute("select current_database()").fetchone() == ("probe",)
    finally:
        cluster.stop()
    assert root is not None
    assert not root.exists()
    cluster.stop()  # a second stop is harmless
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres connect_timeout=2")


def test_cleans_up_when_startup_fails(monkeypatch):
    cluster = PostgresCluster()
    monkeypatch.setattr(cluster, "_start_on_free_port", lambda: (_ for _ in ()).throw(RuntimeError))
    with pytest.raises(RuntimeError):
        cluster.start()
    assert cluster.root is None


def test_missing_server_binaries_are_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pg_cluster.glob, "glob", lambda pattern: [])
    with pytest.raises(PostgresUnavailableError, match=r"not found in .*make system-deps"):
        pg_cluster.find_bin_dir()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_manual_mode_stops_its_server_on_sigterm_as_on_ctrl_c(stop_signal):
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.harness.pg_cluster"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("PostgreSQL running: "), first + process.stderr.read()
        url, root = first.removeprefix("PostgreSQL running: ").strip().split(" in ")
        with psycopg.connect(url) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
        process.send_signal(stop_signal)
        assert process.wait(timeout=60) == 0, process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not Path(root).exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)
