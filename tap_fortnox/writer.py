"""How the tap writes Singer messages: msgspec, with a safe fallback.

msgspec encodes a message several times faster than the SDK's default (simplejson) writer and
writes Decimal money with exactly its digits (`decimal_format="number"`), as simplejson did. It
cannot encode a string with a lone UTF-16 surrogate (a broken `\\ud800` escape in a response),
which simplejson can: such a message is written by the SDK's JSON encoder instead, so an odd
value never stops a sync.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from singer_sdk.contrib.msgspec import MsgSpecWriter, enc_hook

from tap_fortnox.sdk import Message, SchemaMessage, override, serialize_json

_ENCODE_ERRORS = (msgspec.EncodeError, OverflowError, TypeError, UnicodeEncodeError)


def _fallback(message: Message) -> bytes:
    # simplejson escapes non-ASCII, so the line is plain ASCII bytes.
    return serialize_json(message.to_dict()).encode("utf-8") + b"\n"


def _with_fallback(encode: Callable[[Message], bytes | bytearray], message: Message) -> bytes:
    try:
        return bytes(encode(message))
    except _ENCODE_ERRORS:
        return _fallback(message)


class FortnoxWriter(MsgSpecWriter):
    """One JSON line per message to `sys.stdout.buffer` (stdout must have a byte buffer).

    A SCHEMA message the same as the last one written for its stream is left out: a document's
    rows are synced in batches, and each batch would repeat its stream's SCHEMA.
    """

    def __init__(self) -> None:
        self._schemas: dict[str, bytes] = {}

    @override
    def serialize_message(self, message: Message) -> bytearray:
        try:
            return super().serialize_message(message)
        except _ENCODE_ERRORS:
            return bytearray(_fallback(message))

    @override
    def write_message(self, message: Message) -> None:
        if isinstance(message, SchemaMessage):
            line = bytes(self.format_message(message))
            if self._schemas.get(message.stream) == line:
                return
            self._schemas[message.stream] = line
        super().write_message(message)


class MessageEncoder:
    """Thread-safe message encoding for writers running side by side (one per company): the
    SDK's msgspec writer reuses one module-wide buffer, so concurrent writers would mix bytes."""

    def __init__(self) -> None:
        self._encoder = msgspec.json.Encoder(enc_hook=enc_hook, decimal_format="number")

    def __call__(self, message: Message) -> bytes:
        return _with_fallback(lambda m: self._encoder.encode(m.to_dict()) + b"\n", message)
