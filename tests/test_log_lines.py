"""What the real `tap-fortnox` command logs in a full and an incremental run against the sandbox.

The lines that used to mislead are gone (tests/helpers/log_lines.py: the SDK's "unsorted, not
resumable" warning, "Skipping parse of env var settings" with a config file, "Pagination stopped
after 0 pages", a "Beginning sync" per batch of rows, metrics without their stream), and what
the tap does is said: the incremental run, throttled by the tap's own limiter, says how long it
waits for the rate limit and for which company.
"""

from __future__ import annotations

import re

from tests.helpers.log_lines import misleading_lines
from tests.helpers.tapsync import run_cli, write_inputs

# A document stream with its rows (batches of rows), the ledger (rows per financial year),
# a register read in full, and an incremental register.
STREAMS = ("invoices", "invoice_rows", "vouchers", "voucher_rows", "units", "customers")
# The incremental run's limiter: few requests per window, so it must wait (window > 1 s).
THROTTLE = {"rate_limit_requests": 4, "rate_limit_window_seconds": 2}
WAIT = re.compile(
    r"Waiting (\d+\.\d) s for Fortnox's rate limit \(4 requests per 2 s\) of company (\S+)"
)


def test_full_and_incremental_logs(sandbox, tmp_path):
    config = {**sandbox.tap_config(), "rate_limit_requests": 0}
    full = run_cli(write_inputs(tmp_path / "full", config, STREAMS))
    assert full.returncode == 0, full.stderr[-2000:]
    assert full.counts["invoice_rows"] > 0
    assert full.counts["voucher_rows"] > 0

    throttled = {**config, **THROTTLE}
    args = write_inputs(tmp_path / "incremental", throttled, STREAMS, full.state)
    incremental = run_cli(args)
    assert incremental.returncode == 0, incremental.stderr[-2000:]

    for run in (full, incremental):
        assert misleading_lines(run.stderr) == []
        assert re.search(r'METRIC: \{.*"metric":"record_count".*"stream":"invoices"', run.stderr)
    for name in STREAMS:  # every stream is announced (once: misleading_lines)
        assert f"Beginning sync of '{name}'" in full.stderr, name
    # The incremental run read from the bookmark and said it waited, how long and for whom.
    assert "with bookmark value: 20" in incremental.stderr
    waits = WAIT.findall(incremental.stderr)
    assert waits, incremental.stderr[-3000:]
    assert all(float(seconds) > 1 for seconds, _ in waits)
    assert {company for _, company in waits} == {str(config["tenant_id"])}
    assert not WAIT.search(full.stderr)  # the unthrottled run never waits
