"""Where an in-process tap run writes its Singer messages.

- `into_buffer` (tests, `tapsync.run_tap`): the tap's own message writer class, writing into a
  byte buffer instead of stdout (set as the tap's `message_writer_class`).
- `DevNullSink` (benchmarks): /dev/null, counting records per stream and keeping the last STATE.
- `capture_stdout` (the writer's own tests, many-companies runs): the messages as text.

The last two offer `sys.stdout.buffer`, where the tap's msgspec writer writes its bytes.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, TypeVar

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib.encoding.simple import Message

W = TypeVar("W", bound=MsgSpecWriter)

_RECORD = '{"type":"RECORD","stream":"'
_STATE = '{"type":"STATE"'


class _Bytes:
    def __init__(self, sink: DevNullSink) -> None:
        self._sink = sink

    def write(self, data: bytes | bytearray) -> int:
        return self._sink.write(bytes(data).decode("utf-8"))

    def flush(self) -> None:
        self._sink.flush()


class _ToBuffer(MsgSpecWriter):
    """The last step of a msgspec writer: each message's line into `buffer`, not stdout."""

    buffer: BinaryIO

    def write_message(self, message: Message) -> None:
        self.buffer.write(self.format_message(message))


def into_buffer(writer_class: type[W], buffer: BinaryIO) -> type[W]:
    """`writer_class` (a msgspec writer: what it does to a message stays) writing into `buffer`."""
    bases = (writer_class, _ToBuffer)  # _ToBuffer ends the chain of write_message overrides
    return type(f"{writer_class.__name__}IntoBuffer", bases, {"buffer": buffer})


class DevNullSink:
    """A stdout stand-in: every message goes to /dev/null; RECORDs are counted by stream."""

    def __init__(self) -> None:
        self._null = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self.buffer = _Bytes(self)
        self.counts: Counter[str] = Counter()
        self.state: dict[str, Any] = {}

    def write(self, text: str) -> int:
        if text.startswith(_RECORD):
            start = len(_RECORD)
            self.counts[text[start : text.index('"', start)]] += 1
        elif text.startswith(_STATE):
            self.state = json.loads(text)["value"]
        return self._null.write(text)

    def flush(self) -> None:
        self._null.flush()

    def close(self) -> None:
        self._null.close()

    @property
    def records(self) -> int:
        return sum(self.counts.values())


class CapturedStdout(io.TextIOWrapper):
    """A text stdout over an in-memory byte buffer; `getvalue()` is everything written."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def getvalue(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


@contextmanager
def capture_stdout() -> Iterator[CapturedStdout]:
    """Collect what a tap run in this process writes to stdout (text or bytes)."""
    out = CapturedStdout()
    with stdout_to(out):
        yield out


@contextmanager
def stdout_to(sink: Any) -> Iterator[Any]:
    saved = sys.stdout
    sys.stdout = sink  # type: ignore[assignment]
    try:
        yield sink
    finally:
        sys.stdout = saved


def timed_sync(tap: Any) -> tuple[DevNullSink, float]:
    """Run `tap.sync_all()` into a fresh sink; returns the sink and the seconds it took."""
    sink = DevNullSink()
    with stdout_to(sink):
        started = time.perf_counter()
        tap.sync_all()
        seconds = time.perf_counter() - started
    sink.close()
    return sink, seconds
