"""The singer-sdk behaviour tap-fortnox relies on where the SDK (0.54) offers no documented hook.

Everything else uses documented extension points (`get_url_params`, `parse_response`,
`validate_response`, `request_decorator`, `backoff_*`, `post_process`, `get_child_context`).
What is here is used on purpose and pinned by `tests/unit/test_sdk_adapter.py`, so an SDK
upgrade that changes it fails there, loudly, and nowhere else:

- `request_sender`: a request that is not a list page (a document's detail, a key listing, a
  SIE file) goes through the same path as the SDK's own paging: `request_decorator` (retries)
  around `_request` (auth, `validate_response`, request metrics); a file streamed (`streamed`)
  is sent the way `_request` sends, with the body left unread and a read timeout of its own.
- `sync_rows`: one detail response feeds a document and its rows, so the document stream hands
  a batch of rows to each row stream and runs that stream's `sync` for it (the SDK's
  parent-child mechanism would run one child sync, with its SCHEMA message, per document).
- `record_limit`: the record limit of a dry run (`ABORT_AT_RECORD_COUNT`), which the ledger
  stream honours before it reads a whole SIE file.
- `write_state`: a checkpoint mid-stream is a STATE message written now, through the tap's
  state writer.
- `context_state`: the writable state dict of a stream and context (its bookmark, written when
  its read completes even if no record came; a bookmark kept by another stream; checkpoints),
  from the state manager.
- `tag_logger`: every log line of a stream, the SDK's own included, names the company.
- `invoke_tap`: the command line runs the tap's own `run()` (one company, or many side by
  side), where the SDK's `Tap.invoke` calls its final `sync_all()`.
- the message classes, the writer base and the SDK's JSON encoder (`singer_sdk.singerlib`) the
  tap's own message writers (writer.py, tenants.py) are built on.
- `evolve_schema`: a field Fortnox sends that the schema lacks becomes a property of this
  stream's schema (and of its catalog schema), its stream maps are rebuilt from it, and the new
  SCHEMA message is written before the next record.
"""

from __future__ import annotations

import copy
import json
import logging
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, TypeVar

from singer_sdk import Tap
from singer_sdk.exceptions import AbortedSyncFailedException, AbortedSyncPausedException
from singer_sdk.singerlib.encoding.base import GenericSingerWriter
from singer_sdk.singerlib.encoding.simple import Message, SchemaMessage, StateMessage
from singer_sdk.singerlib.json import serialize_json

if sys.version_info >= (3, 12):
    from typing import override
else:
    from typing_extensions import override

if TYPE_CHECKING:
    import requests
    from singer_sdk import RESTStream, Stream
    from singer_sdk.helpers.types import Context

RequestSender = Callable[["requests.PreparedRequest", "Context | None"], "requests.Response"]
T = TypeVar("T", bound=Tap)


__all__ = [
    "GenericSingerWriter",
    "Message",
    "SchemaMessage",
    "StateMessage",
    "override",
    "serialize_json",
]


def request_sender(
    stream: RESTStream[Any], *, streamed: tuple[float, float] | None = None
) -> RequestSender:
    """The stream's retried, authenticated, validated request function. `streamed`: (connect,
    read) timeouts of a request whose body the caller streams (`_request` reads it whole)."""
    if streamed is None:
        return stream.request_decorator(stream._request)

    def request(prepared: requests.PreparedRequest, context: Context | None) -> requests.Response:
        response = stream.requests_session.send(
            stream.authenticator(prepared),
            stream=True,
            timeout=streamed,
            allow_redirects=stream.allow_redirects,
        )
        stream.validate_response(response)
        return response

    return stream.request_decorator(request)


def record_limit(stream: Stream) -> int | None:
    """The most records a dry run lets the stream write (None: no limit)."""
    return stream.ABORT_AT_RECORD_COUNT


def sync_rows(child: Stream) -> bool:
    """Run the row stream's sync over the rows handed to it; False when a record limit (a dry
    run) stopped it, which must not stop the document stream."""
    try:
        child.sync(context=None)
    except (AbortedSyncFailedException, AbortedSyncPausedException):
        return False
    return True


def write_state(stream: Stream) -> None:
    """Write the tap's whole state as a STATE message now."""
    stream._tap.state_writer.write_state(stream.tap_state)


def context_state(stream: Stream, context: Context | None) -> dict[str, Any]:
    """The writable state dict of `stream` for `context` (created empty if missing)."""
    return stream.get_context_state(context)


if TYPE_CHECKING:
    _Adapter = logging.LoggerAdapter[logging.Logger]
else:  # subscriptable at run time from Python 3.11 on
    _Adapter = logging.LoggerAdapter

#: A logger, or one that adds to every line (tag_logger).
AnyLogger = logging.Logger | _Adapter


class _Tagged(_Adapter):
    def __init__(self, logger: logging.Logger, prefix: str) -> None:
        super().__init__(logger)
        self.prefix = prefix

    @override
    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        return f"{self.prefix}{msg}", kwargs


def tag_logger(stream: Stream, prefix: str) -> None:
    """Prefix every line the stream logs (its own and the SDK's) with `prefix`."""
    stream._logger = _Tagged(stream._logger, prefix)  # type: ignore[assignment]  # adapts a Logger


def _load(stream: IO[str] | None) -> dict[str, Any] | None:
    return None if stream is None else json.loads(stream.read(), parse_float=Decimal)


def invoke_tap(
    tap_class: type[T],
    run: Callable[[T], None],
    *,
    about: bool = False,
    about_format: str | None = None,
    config: Any = None,
    state: IO[str] | None = None,
    catalog: IO[str] | None = None,
) -> None:
    """`Tap.invoke` (the command line's callback) with `run(tap)` instead of `sync_all()`."""
    super(Tap, tap_class).invoke(about=about, about_format=about_format)  # --about, --version
    tap_class.print_version(print_fn=tap_class.logger.info)
    tap = tap_class(
        config=config.config if config is not None else {},
        state=_load(state),
        catalog=_load(catalog),
        parse_env_config=bool(config is not None and config.parse_env),
        validate_config=True,
    )
    run(tap)


def evolve_schema(stream: Stream, name: str, property_schema: dict[str, Any]) -> None:
    """Add property `name` to the stream's schema and write the new SCHEMA message."""
    schema = copy.deepcopy(stream.schema)
    schema["properties"][name] = property_schema
    # An instance attribute shadows the class's schema descriptor (shared by every instance).
    stream.__dict__["schema"] = schema
    if stream._input_schema is not None:  # the catalog's schema, if one was given
        catalog_schema = copy.deepcopy(stream._input_schema)
        catalog_schema.setdefault("properties", {})[name] = property_schema
        stream._input_schema = catalog_schema
    stream._tap.mapper.register_raw_stream_schema(stream.name, schema, stream.primary_keys)
    stream._stream_maps = None
    if stream.selected:
        stream._write_schema_message()
