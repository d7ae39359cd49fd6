"""The token store: 0600, atomic replacement, an exclusive lock across processes."""

from __future__ import annotations

import multiprocessing
import os
import stat
import time

import pytest

from tap_fortnox.token_store import TokenStore, TokenStoreError


def test_write_read_mode_0600_no_leftovers(tmp_path):
    store = TokenStore(tmp_path / "deep" / "tokens.json")
    assert store.read() is None
    assert not store.exists()
    store.write({"refresh_token": "r1"})
    assert store.read() == {"refresh_token": "r1"}
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    with store.locked():
        pass
    assert stat.S_IMODE(os.stat(store.lock_path).st_mode) == 0o600
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "tokens.json",
        "tokens.json.lock",
    ]


def test_write_is_atomic_on_failure(tmp_path):
    store = TokenStore(tmp_path / "tokens.json")
    store.write({"refresh_token": "r1"})
    inode = os.stat(store.path).st_ino
    with pytest.raises(TypeError):
        store.write({"refresh_token": object()})  # fails half-way through json.dump
    assert store.read() == {"refresh_token": "r1"}
    assert os.stat(store.path).st_ino == inode
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.json"]
    store.write({"refresh_token": "r2"})
    assert os.stat(store.path).st_ino != inode  # replaced by rename, never rewritten in place


def test_corrupt_store_is_a_clear_error(tmp_path):
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    with pytest.raises(TokenStoreError, match=r"tokens.json is not a JSON object"):
        TokenStore(path).read()


def _hold_lock(path: str, seconds: float, ready) -> None:
    with TokenStore(path).locked():
        ready.set()
        time.sleep(seconds)


def test_lock_excludes_other_processes(tmp_path):
    path = str(tmp_path / "tokens.json")
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    child = ctx.Process(target=_hold_lock, args=(path, 1.0, ready))
    child.start()
    try:
        assert ready.wait(30)
        with (
            pytest.raises(TokenStoreError, match="stayed locked by another run"),
            TokenStore(path).locked(timeout=0.2),
        ):
            pass
        start = time.monotonic()
        with TokenStore(path).locked(timeout=30):
            waited = time.monotonic() - start
        assert waited > 0.3
    finally:
        child.join(30)
