"""The baseline the fault tests compare against: a clean full sync of every stream the sandbox
serves emits exactly the sandbox's records, with the fewest requests possible."""

from __future__ import annotations

from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync
from tests.resilience.conftest import assert_complete, config_for


def test_a_clean_full_sync_of_every_served_stream_is_complete_and_minimal(make_sandbox):
    sandbox = make_sandbox(seed=1, scale="small", rate_limit=False)
    config = config_for(sandbox)
    tap = TapFortnox(config=config)
    streams = tapsync.served_streams(sandbox, tap)
    assert {"customers", "articles", "units"} <= set(streams)
    sandbox.reset_counters()

    run = tapsync.run_tap(config, streams)

    assert_complete(sandbox, config, streams, run)
    need = tapsync.minimum_requests(sandbox, tap, streams)
    used = tapsync.api_requests_by_resource(sandbox, need)
    assert dict(used) == {resource: n.total for resource, n in need.items()}
