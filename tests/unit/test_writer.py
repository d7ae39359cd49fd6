"""The tap's message writer (msgspec): money keeps exactly its Decimal digits, and a value msgspec
cannot encode falls back to the SDK's JSON encoder instead of stopping the sync."""

from __future__ import annotations

import json
from decimal import Decimal

from singer_sdk.singerlib import RecordMessage

from tap_fortnox.tap import TapFortnox
from tap_fortnox.writer import FortnoxWriter
from tests.helpers.sink import capture_stdout

MONEY = {
    "total": Decimal("1234.57"),
    "sum": Decimal("0.1") + Decimal("0.2"),
    "big": Decimal("12345678901234567890.123456789"),
    "scaled": Decimal("1E+3"),
    "zero": Decimal("-0.00"),
    "rounding": Decimal("0.30000000000000004"),
}


def line_of(record: dict) -> bytes:
    message = RecordMessage(stream="invoices", record=record)
    return bytes(FortnoxWriter().serialize_message(message))


def test_the_tap_writes_with_msgspec():
    assert TapFortnox.message_writer_class is FortnoxWriter


def test_decimal_money_is_written_with_exactly_its_digits():
    line = line_of(dict(MONEY)).decode()
    for name, value in MONEY.items():
        assert f'"{name}":{value}' in line  # str(Decimal): no float rounding, no quotes
    parsed = json.loads(line, parse_float=Decimal)["record"]
    assert parsed == MONEY
    assert str(parsed["sum"]) == "0.3"
    assert str(parsed["rounding"]) == "0.30000000000000004"


def test_a_lone_surrogate_falls_back_to_the_sdk_encoder():
    line = line_of({"name": "broken \ud800 escape", "total": Decimal("1.10")})
    assert line.endswith(b"\n")
    parsed = json.loads(line, parse_float=Decimal)["record"]
    assert parsed == {"name": "broken \ud800 escape", "total": Decimal("1.10")}


def test_messages_go_to_the_byte_buffer_in_order():
    writer = FortnoxWriter()
    with capture_stdout() as out:
        for n in range(3):
            writer.write_message(RecordMessage(stream="s", record={"n": n}))
        writer.write_message(RecordMessage(stream="s", record={"bad": "\udfff"}))
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["record"] for line in lines] == [
        {"n": 0},
        {"n": 1},
        {"n": 2},
        {"bad": "\udfff"},
    ]
