"""Many companies in one run (`tenant_ids`), against a sandbox with several tenants."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from tap_fortnox.tap import TapFortnox
from tap_fortnox.tenants import in_shard, parse_shard, tenants_of
from tests.helpers import tapsync

STREAMS = ["customers", "invoices", "invoice_rows", "units"]
# The sandbox limits each company to 25 requests per second; the tap keeps one below.
SANDBOX_RATE = {"rate_limit": True, "rate_limit_requests": 25, "rate_limit_window": 1.0}
TAP_RATE = {"rate_limit_requests": 24, "rate_limit_window_seconds": 1}


def many(sb, **extra) -> dict:
    config = {k: v for k, v in sb.tap_config().items() if k != "tenant_id"}
    return {**config, "tenant_ids": list(sb.tenant_ids), **extra}


def keys_by_tenant(run, tap, stream: str) -> dict[str, Counter]:
    found: dict[str, Counter] = {}
    for record in run.records(stream):
        key = tapsync.record_key(tap.streams[stream], record)
        found.setdefault(record["tenant_id"], Counter())[key] += 1
    return found


def assert_every_company_complete(sb, run, tenants, streams=STREAMS) -> None:
    tap = TapFortnox(config=sb.tap_config())
    for stream in streams:
        loaded = keys_by_tenant(run, tap, stream)
        for tenant in tenants:
            wanted = tapsync.expected_keys(sb, tap, stream, tenant_id=tenant)
            assert loaded.get(tenant, Counter()) == wanted, (stream, tenant)


def first_and_last(run, tenant: str) -> tuple[int, int]:
    positions = [
        i
        for i, m in enumerate(run.messages)
        if m["type"] == "RECORD" and m["record"]["tenant_id"] == tenant
    ]
    return positions[0], positions[-1]


def test_every_company_read_side_by_side_complete_and_without_429s(make_sandbox):
    sb = make_sandbox(seed=21, tenants=3, **SANDBOX_RATE)
    run = tapsync.run_tap(many(sb, **TAP_RATE), STREAMS)

    assert_every_company_complete(sb, run, sb.tenant_ids)
    assert sb.counters()["429"] == 0
    # Valid Singer: one SCHEMA per stream, before that stream's first record.
    schemas = [m["stream"] for m in run.messages if m["type"] == "SCHEMA"]
    assert sorted(schemas) == sorted(set(schemas))
    first_record = {}
    for i, m in enumerate(run.messages):
        if m["type"] == "RECORD":
            first_record.setdefault(m["stream"], i)
    for i, m in enumerate(run.messages):
        if m["type"] == "SCHEMA" and m["stream"] in first_record:
            assert i < first_record[m["stream"]]
    # STATE covers every company, each with its own bookmarks.
    companies = run.state["tenants"]
    assert set(companies) == set(sb.tenant_ids)
    for state in companies.values():
        assert state["bookmarks"]["customers"]["replication_key_value"]
        assert state["bookmarks"]["invoices"]["replication_key_value"]
    # Side by side: every company's records start before any company's records end.
    spans = [first_and_last(run, tenant) for tenant in sb.tenant_ids]
    assert max(first for first, _ in spans) < min(last for _, last in spans)


def test_max_parallel_tenants_one_reads_the_companies_one_after_another(make_sandbox):
    sb = make_sandbox(seed=21, tenants=3, rate_limit=False)
    run = tapsync.run_tap(many(sb, max_parallel_tenants=1, rate_limit_requests=0), STREAMS)
    assert_every_company_complete(sb, run, sb.tenant_ids)
    spans = sorted(first_and_last(run, tenant) for tenant in sb.tenant_ids)
    assert all(spans[i][1] < spans[i + 1][0] for i in range(len(spans) - 1))


def when_tenant_requests_reach(sb, tenant: str, count: int, action) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 60
        while sb.counters()["by_tenant"].get(tenant, 0) < count:
            if time.monotonic() > deadline:
                return
            time.sleep(0.002)
        action()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_revoked_company_fails_alone_and_the_next_run_resumes_every_company(
    make_sandbox, tmp_path
):
    sb = make_sandbox(seed=22, tenants=3, rate_limit=False)
    good, revoked, other = sb.tenant_ids
    # About 20 requests per second per company, so the revocation lands mid-run.
    config = many(sb, rate_limit_requests=20, rate_limit_window_seconds=1)
    watcher = when_tenant_requests_reach(sb, revoked, 5, lambda: sb.revoke_consent(revoked))
    first = tapsync.run_cli(tapsync.write_inputs(tmp_path / "1", config, STREAMS), timeout=300)
    watcher.join()

    assert first.returncode == 1
    assert "Traceback" not in first.stderr
    last = first.stderr.strip().splitlines()[-1]
    assert f"1 tenant(s) failed: {revoked} (" in last
    assert "invalid_request" in last
    assert sb.client_secret not in first.stderr
    assert_every_company_complete(sb, first, [good, other])
    assert set(first.state["tenants"]) == set(sb.tenant_ids)

    sb.restore_consent(revoked)
    sb.reset_counters()
    second = tapsync.run_cli(
        tapsync.write_inputs(tmp_path / "2", config, STREAMS, first.state), timeout=300
    )
    assert second.returncode == 0, second.stderr[-2000:]
    assert_every_company_complete(sb, second, [revoked])
    # The companies that had finished are not read again.
    by_tenant = sb.counters()["by_tenant"]
    assert by_tenant.get(good, 0) == by_tenant.get(other, 0) == 0
    assert "run" not in second.state


@pytest.mark.parametrize("count", [1, 2, 3, 8])
def test_shards_split_the_tenants_disjointly_and_stably(count):
    tenants = [str(n) for n in range(1_000_000, 1_000_400)]
    shards = [
        tenants_of({"tenant_ids": tenants, "tenant_shard": f"{k}/{count}"})
        for k in range(1, count + 1)
    ]
    assert sorted(t for shard in shards for t in shard) == sorted(tenants)
    assert sum(len(shard) for shard in shards) == len(tenants)
    assert min(len(shard) for shard in shards) > len(tenants) / count / 2  # roughly even
    # A company's shard depends only on its id: growing the list moves nobody.
    grown = [*tenants, *(str(n) for n in range(2_000_000, 2_000_050))]
    for k, shard in enumerate(shards, start=1):
        assert set(shard) <= set(tenants_of({"tenant_ids": grown, "tenant_shard": f"{k}/{count}"}))


def test_tenant_ids_may_be_numbers_and_are_deduplicated():
    config = {"tenant_ids": [1500010, "1500010", " 1500011 ", 1500012]}
    assert tenants_of(config) == ["1500010", "1500011", "1500012"]
    assert parse_shard("2/8") == (2, 8)
    assert in_shard("1500010", *parse_shard("1/1"))
    for bad in ("0/8", "9/8", "2", "a/b", "2/"):
        with pytest.raises(ValueError, match="is not a shard"):
            parse_shard(bad)
