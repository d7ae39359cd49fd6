"""The tests' run_tap runs the tap the way the `tap-fortnox` command does and collects its
messages through the tap's message writer, not stdout."""

from __future__ import annotations

from singer_sdk.exceptions import ConfigValidationError

from tap_fortnox.tap import TapFortnox
from tests.helpers.tapsync import run_tap
from tests.unit.fake_fortnox import Resource


def test_run_tap_collects_the_command_lines_run_through_the_writer(fake, capsys):
    items = [{"@url": "x/0", "Code": "ST", "Description": "Styck"}]
    fake.add_list("/3/units", Resource("Units", items))
    run = run_tap(fake.config(), ["units"])
    assert run.returncode == 0
    assert isinstance(run.tap, TapFortnox)
    kinds = [m["type"] for m in run.messages]
    assert kinds.index("SCHEMA") < kinds.index("RECORD") < len(kinds) - 1
    assert run.records("units")[0]["code"] == "ST"
    assert run.state["bookmarks"]  # the final STATE of the command's run
    assert capsys.readouterr().out == ""  # no message leaked to stdout


def test_a_known_failure_ends_like_the_command_with_its_error_kept(fake):
    run = run_tap({**fake.config(), "page_size": 0}, ["units"], allow_error=True)
    assert run.returncode == 1  # the command's exit code
    assert isinstance(run.error, ConfigValidationError)
