"""A small JSON file that keeps Fortnox's rotating refresh token between runs.

Fortnox refresh tokens are single use, so the rotated token must survive the process that received
it. The file is replaced atomically (temp file in the same directory, fsync, os.replace), is only
readable by its owner (0600), and is read-refreshed-written under an exclusive lock on a sibling
``.lock`` file (``filelock``: flock on POSIX, msvcrt on Windows), so that two runs starting at once
never refresh with the same token.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import filelock

LOCK_TIMEOUT_SECONDS = 120.0


class TokenStoreError(Exception):
    """The token store cannot be read, written or locked (message names the path, never a token)."""


class TokenStore:
    """The token file at ``path`` and its lock file ``path + '.lock'``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    def exists(self) -> bool:
        return self.path.is_file() and self.path.stat().st_size > 0

    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
        """Hold the exclusive lock; other processes (and other handles in this one) wait."""
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            lock = filelock.FileLock(self.lock_path, timeout=timeout, mode=0o600)
            lock.acquire()
        except filelock.Timeout:
            raise TokenStoreError(
                f"the token store {self.path} stayed locked by another run for {timeout:.0f} s"
            ) from None
        except OSError as exc:
            raise TokenStoreError(
                f"cannot create the token store lock {self.lock_path}: {exc.strerror}"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def read(self) -> dict[str, Any] | None:
        """The stored state, or None when there is no store yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(
                f"cannot read the token store {self.path}: {exc.strerror}"
            ) from None
        if not text.strip():
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise TokenStoreError(f"the token store {self.path} is not a JSON object")
        return data

    def write(self, data: dict[str, Any]) -> None:
        """Replace the store atomically; the file is created with mode 0600 (mkstemp's mode)."""
        directory = self.path.parent
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError as exc:
            raise TokenStoreError(
                f"cannot write the token store {self.path}: {exc.strerror}"
            ) from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise TokenStoreError(
                    f"cannot write the token store {self.path}: {exc.strerror}"
                ) from None
            raise
        # Make the rename itself durable before anyone uses the new token.
        with contextlib.suppress(OSError):
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
