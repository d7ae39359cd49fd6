"""The throwaway PostgreSQL server used by the end-to-end tests (scripts/pg_cluster.py)."""

from __future__ import annotations

import psycopg
import pytest

from scripts import pg_cluster
from scripts.pg_cluster import PostgresCluster, PostgresUnavailableError


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
