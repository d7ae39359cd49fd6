"""Incremental-sync tests: the tap against a sandbox whose records change between syncs.

Each test starts like a new process (no shared tokens or limiters); the tap's limiter is off.
"""

from __future__ import annotations

from tests.helpers.tapsync import config_for  # noqa: F401 (the old path of the one config_for)
