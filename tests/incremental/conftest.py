"""Incremental-sync tests: the tap against a sandbox whose records change between syncs.

Each test starts like a new process (no shared tokens or limiters); the tap's limiter is off.
"""

from __future__ import annotations

from fortnox_sandbox import Sandbox


def config_for(sb: Sandbox, **overrides) -> dict:
    """A client-credentials config with the tap's limiter off."""
    return {**sb.tap_config(), "rate_limit_requests": 0, **overrides}
