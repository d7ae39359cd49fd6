"""SIE 4 text as Fortnox writes it: fields, records, voucher blocks, and CP437 bytes.

SIE 4B: records end in CRLF here (LF is the rule, a CR before it is allowed); fields are separated
by one space; texts are quoted with `\\"` and `\\\\` escaped and control characters (not allowed in
SIE texts) written as spaces; amounts have a decimal point and no trailing zeros ("1997",
"-3.7"), as real Fortnox exports show; dates are YYYYMMDD; the encoding is CP437 (a character
outside it is written as "?" [U: what Fortnox does]).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

ENCODING = "cp437"
LINE_END = "\r\n"
CHUNK_BYTES = 65536
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def quote(text: str) -> str:
    text = _CONTROL.sub(" ", text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def amount(value: Decimal) -> str:
    if not value:
        return "0"  # also for -0
    return format(value.normalize(), "f")


def ymd(day: date | None) -> str:
    """A date field; an empty one (a row without its own date) is `""`."""
    return day.strftime("%Y%m%d") if day else '""'


def objects(pairs: Iterable[tuple[int, str]]) -> str:
    """An object list, e.g. `{1 "ADM" 6 "3"}` (`{}` when empty)."""
    return "{" + " ".join(f"{dimension} {quote(code)}" for dimension, code in pairs) + "}"


def record(label: str, *fields: str) -> str:
    return " ".join((f"#{label}", *fields))


def transaction(
    kind: str,
    account: int,
    pairs: Iterable[tuple[int, str]],
    value: Decimal,
    text: str | None,
    quantity: Decimal,
) -> str:
    """A #TRANS / #RTRANS / #BTRANS row as Fortnox writes it: no row date, the row text (`""`
    when none), the quantity (0 when none)."""
    return record(
        kind, str(account), objects(pairs), amount(value), '""', quote(text or ""), amount(quantity)
    )


def voucher(
    series: str,
    number: str,
    day: date,
    text: str | None,
    registered: date | None,
    rows: Iterable[str],
) -> Iterator[str]:
    """A #VER record and its rows between `{` and `}` (each on its own line)."""
    yield record("VER", series, number, ymd(day), quote(text or ""), ymd(registered))
    yield "{"
    yield from rows
    yield "}"


def encode(lines: Iterable[str]) -> Iterator[bytes]:
    """The lines as CP437 bytes, each ending in CRLF, in chunks of about CHUNK_BYTES."""
    batch: list[str] = []
    size = 0
    for line in lines:
        batch.append(line)
        size += len(line) + 2
        if size >= CHUNK_BYTES:
            yield (LINE_END.join(batch) + LINE_END).encode(ENCODING, "replace")
            batch, size = [], 0
    if batch:
        yield (LINE_END.join(batch) + LINE_END).encode(ENCODING, "replace")
