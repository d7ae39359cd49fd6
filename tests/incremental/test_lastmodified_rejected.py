"""An incremental stream whose endpoint answers `lastmodified` with Fortnox error 2000588 falls
back to a full read, so changes are still found and the bookmark still advances."""

from __future__ import annotations

import dataclasses
import logging

from fortnox_sandbox.model.resources import RESOURCES
from tests.helpers import tapsync
from tests.helpers.tapsync import config_for


def test_a_2000588_falls_back_to_a_full_read_and_finds_every_change(
    make_sandbox, monkeypatch, caplog
):
    # Invoice payments, as if this Fortnox endpoint rejected the filter like currencies do.
    rejecting = dataclasses.replace(RESOURCES["invoicepayments"], lastmodified=False)
    monkeypatch.setitem(RESOURCES, "invoicepayments", rejecting)
    sb = make_sandbox(seed=41, scale="small", rate_limit=False)
    config = config_for(sb)
    first = tapsync.run_tap(config, ["invoice_payments"])  # start_date: a filtered first read
    everything = {r["number"] for r in first.records("invoice_payments")}
    assert len(everything) == len(sb.expected("invoicepayments"))
    bookmark = first.state["bookmarks"]["invoice_payments"]["replication_key_value"]

    touched = set(sb.touch("invoicepayments", 3))
    with caplog.at_level(logging.WARNING):
        second = tapsync.run_tap(config, ["invoice_payments"], first.state)
    assert "2000588" in caplog.text
    assert "reading 'invoice_payments' in full" in caplog.text
    found = {r["number"] for r in second.records("invoice_payments")}
    assert touched <= found
    assert found == everything  # a full read
    assert second.state["bookmarks"]["invoice_payments"]["replication_key_value"] > bookmark
