"""How the tap writes Singer messages: singer-sdk's msgspec writer, with a safe fallback.

msgspec encodes a message several times faster than the SDK's default (simplejson) writer and
writes Decimal money with exactly its digits (`decimal_format="number"`), as simplejson did. It
cannot encode a string with a lone UTF-16 surrogate (a broken `\\ud800` escape in a response),
which simplejson can: such a message is written by the SDK's JSON encoder instead, so an odd
value never stops a sync.
"""

from __future__ import annotations

import msgspec
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib.encoding.simple import Message
from singer_sdk.singerlib.json import serialize_json


class FortnoxWriter(MsgSpecWriter):
    """One JSON line per message to `sys.stdout.buffer` (stdout must have a byte buffer)."""

    def serialize_message(self, message: Message) -> bytearray:
        try:
            return super().serialize_message(message)
        except (msgspec.EncodeError, OverflowError, TypeError, UnicodeEncodeError):
            # simplejson escapes non-ASCII, so the line is plain ASCII bytes.
            return bytearray(serialize_json(message.to_dict()).encode("utf-8") + b"\n")
