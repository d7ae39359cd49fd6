"""The SDK's standard tap tests (get_tap_test_class) against the session sandbox."""

from __future__ import annotations

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_fortnox.tap import TapFortnox

# The SDK builds the test class (and a tap, for the per-stream tests) at import time, before any
# fixture exists; the runner reads this same dict when it syncs, after `_sandbox_config` below
# has pointed it at the session sandbox. Until then it is a valid config that is never used.
CONFIG: dict = {
    "client_id": "placeholder",
    "client_secret": "placeholder",
    "tenant_id": "1",
    "api_url": "http://127.0.0.1:9/3",
}

_StandardTests = get_tap_test_class(
    TapFortnox,
    config=CONFIG,
    parse_env_config=False,
    suite_config=SuiteConfig(max_records_limit=50),
)


class TestTapFortnox(_StandardTests):  # type: ignore[misc,valid-type]
    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _sandbox_config(cls, sandbox):
        CONFIG.clear()
        CONFIG.update(sandbox.tap_config(), rate_limit_requests=0)
