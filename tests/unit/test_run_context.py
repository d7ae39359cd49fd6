"""What a stream gets from its run (one run context per run) and from its read (one state
object per read, fresh each time)."""

from __future__ import annotations

from tap_fortnox.sie_ledger import LedgerRead
from tap_fortnox.tap import TapFortnox


def test_the_streams_of_a_run_share_its_context_and_another_run_has_its_own(sandbox):
    tap = TapFortnox(config=sandbox.tap_config())
    assert {id(stream.run_context) for stream in tap.streams.values()} == {id(tap.run_context)}
    assert TapFortnox(config=sandbox.tap_config()).run_context is not tap.run_context


def test_every_read_begins_with_fresh_state(sandbox):
    tap = TapFortnox(config=sandbox.tap_config())
    for name, context in (("customers", None), ("vouchers", {"year": 1})):
        stream = tap.streams[name]
        stream._begin_read(context)
        first = stream.read
        first.gone_since_listed = 2  # a detail gone since listed, in this read only
        first.seen_keys.add(("1",))
        first.requests_since_checkpoint = 7
        stream._begin_read(context)
        assert stream.read is not first
        assert type(stream.read) is type(first)
        assert stream.read.gone_since_listed == 0
        assert stream.read.seen_keys == set()
        assert stream.read.requests_since_checkpoint == 0
    assert isinstance(tap.streams["vouchers"].read, LedgerRead)
