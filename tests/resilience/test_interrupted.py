"""Syncs that stop half-way, run as the real `tap-fortnox` command: one that cannot finish
(persistent 500s) and one killed with SIGKILL. Each is rerun from its last STATE message; over
both runs every record arrives (records re-read after a resume are documented re-reads)."""

from __future__ import annotations

import signal
import time

from tests.helpers import tapsync
from tests.resilience.conftest import assert_complete, config_for, detail_streams


def fully_bookmarked(state: dict, stream: str) -> bool:
    """Whether the stream (every partition of it, e.g. financial years) finished a read."""
    bookmark = state.get("bookmarks", {}).get(stream, {})
    parts = bookmark.get("partitions") or [bookmark]
    return all("replication_key_value" in part for part in parts)


def test_a_sync_that_cannot_finish_fails_clearly_and_resumes(make_sandbox, tmp_path):
    sb = make_sandbox(seed=5, scale="small", rate_limit=False)
    config = config_for(sb, max_retries=2)
    streams = [*detail_streams(sb, config), "units"]
    tap = tapsync.TapFortnox(config=config)
    failing = max(streams, key=lambda n: sum(tapsync.expected_keys(sb, tap, n).values()))
    prefix = f"/3/{tapsync.resource_of(tap.streams[failing])}/"  # its detail requests
    sb.inject("slow", count=5, path_prefix=prefix, delay=0.001)  # five details succeed
    sb.inject("status", count=1000, path_prefix=prefix, status=500)

    first = tapsync.run_cli(tapsync.write_inputs(tmp_path / "1", config, streams))

    assert first.returncode == 1
    assert "Traceback" not in first.stderr
    errors = [line for line in first.stderr.splitlines() if "gave up after 2 attempts" in line]
    assert errors, first.stderr[-2000:]
    assert f"Stream '{failing}'" in errors[-1]
    assert prefix in errors[-1]
    assert "HTTP 500" in errors[-1]
    assert 0 < len(first.records(failing)) < sum(tapsync.expected_keys(sb, tap, failing).values())
    assert first.states, "no STATE before the failure"
    assert not fully_bookmarked(first.state, failing)

    sb.faults.clear()
    second = tapsync.run_cli(tapsync.write_inputs(tmp_path / "2", config, streams, first.state))

    assert second.returncode == 0, second.stderr[-2000:]
    assert_complete(sb, config, streams, first, second, duplicates=True)
    assert fully_bookmarked(second.state, failing)


def test_a_killed_sync_resumes_from_its_last_state(make_sandbox, tmp_path):
    sb = make_sandbox(seed=6, scale="small", rate_limit=False)
    config = config_for(sb)
    tap = tapsync.TapFortnox(config=config)
    details = sorted(
        detail_streams(sb, config), key=lambda n: sum(tapsync.expected_keys(sb, tap, n).values())
    )
    streams = [*details[:2], "units", "currencies"]  # the two smallest detail streams
    total = sum(sum(tapsync.expected_keys(sb, tap, n).values()) for n in streams)
    # Slow the first run down (about 30 requests per second) so it can be killed mid-way.
    slow = {**config, "rate_limit_requests": 30, "rate_limit_window_seconds": 1}
    args = tapsync.write_inputs(tmp_path / "1", slow, streams)
    with (tmp_path / "stderr.txt").open("w") as stderr:
        process = tapsync.start_cli(args, stderr=stderr)
        lines: list[str] = []
        records = states = 0
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            records += '"type":"RECORD"' in line
            states += '"type":"STATE"' in line
            if (states and records >= total // 2) or time.monotonic() > deadline:
                break
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    first = tapsync.Run(tapsync.parse_messages("".join(lines)))
    assert first.states, "killed before any STATE message"
    assert sum(first.counts.values()) < total, "the sync finished before it was killed"

    second = tapsync.run_cli(tapsync.write_inputs(tmp_path / "2", config, streams, first.state))

    assert second.returncode == 0, second.stderr[-2000:]
    assert_complete(sb, config, streams, first, second, duplicates=True)
