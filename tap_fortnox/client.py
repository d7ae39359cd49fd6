"""`FortnoxStream`: everything the Fortnox streams share, so each stream is a few declarations.

A stream declares where its records are (`path`, `records_key`), how to fetch one in full
(`detail_path`, `detail_key`, `fetch_details`), its keys and whether it is incremental. The base
class does the rest: `MetaInformation` paging with `limit=500`, the `lastmodified` filter, detail
fetching, the run's rate limiter, retries, token renewal after a 401 (sending.py), skipping a stream
whose licence or scope is missing, and normalising every record (snake_case names, Decimal money,
"" dates -> null, `tenant_id`).

Three shapes build on it:
- `FortnoxStream` itself: a list endpoint (optionally emitting each item's detail instead).
- `DocumentStream` + `RowStream` (documents.py): one detail response feeds the header record and
  its rows (e.g. invoices and invoice_rows); rows carry the parent's key plus `row_index`.
- `FinancialYearChild` (a mixin, with `FinancialYearsStream` as parent): read once per financial
  year, with `year` (the financial-year id) in the context, the query (`financialyear=`), the
  record and the primary key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import quote

import requests
from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.helpers.types import Context
from singer_sdk.pagination import BaseAPIPaginator, SinglePagePaginator

from tap_fortnox import schemas, sdk
from tap_fortnox.checkpoint import (
    CHECKPOINT_EVERY_REQUESTS,
    STATE_KEY,
    Checkpoint,
    Key,
    Resume,
    ResumeLost,
    RunProgress,
    item_key,
)
from tap_fortnox.deletes import (
    DELETED_AT,
    Tombstone,
    deletions,
    inferred_schema,
    save_known_keys,
)
from tap_fortnox.errors import (
    FortnoxAPIError,
    LastModifiedRejected,
    NotFoundError,
    ScopeMissingError,
)
from tap_fortnox.incremental import lastmodified_param, parse_timestamp, utc_now
from tap_fortnox.normalize import RecordNormalizer, snake_case
from tap_fortnox.paging import FortnoxPaginator, PageInfo, check_list_page, page_info
from tap_fortnox.progress import DEFAULT_EVERY_SECONDS, Progress
from tap_fortnox.reading import Read
from tap_fortnox.responses import get_ci, json_body, request_path
from tap_fortnox.sdk import override
from tap_fortnox.sending import SendingStream, wants_json

# The replication key of every incremental stream. Fortnox records carry no modification time,
# so the tap stamps each record with the (UTC) time it started reading the stream. The SDK then
# keeps the bookmark the ordinary way: as the stream is unsorted, the value is held as a progress
# marker and only promoted to the bookmark when the stream (or financial-year partition) finishes,
# so an interrupted sync starts again from the previous bookmark. The state stays plain SDK state
# ({"replication_key": "sync_started_at", "replication_key_value": "<ISO UTC>"}), which the
# standard tests validate; the next run turns it into `lastmodified` (Stockholm time, minus the
# overlap window, see incremental.py).
SYNC_STARTED_AT = "sync_started_at"
TENANT_ID = "tenant_id"
YEAR = "year"
PLACEHOLDER = re.compile(r"\{(\w+)\}")  # a list item's field in `detail_path`


class FortnoxStream(SendingStream):
    """A Fortnox v3 list endpoint. Subclasses declare; this class does the work."""

    # --- declarations ---------------------------------------------------------------------
    #: The stream's name (the SDK requires one).
    name: str = ""
    #: List path below `api_url`, e.g. "/customers".
    path: str = ""
    #: Key of the record list in a list response ("Customers"); None: the endpoint returns one
    #: object under `detail_key` (e.g. /companyinformation).
    records_key: ClassVar[str | None] = None
    #: Key of the object in a detail response ("Customer").
    detail_key: ClassVar[str | None] = None
    #: Detail path below `api_url` with Fortnox field names of the list item in braces,
    #: e.g. "/customers/{CustomerNumber}".
    detail_path: ClassVar[str | None] = None
    #: List items are partial: emit each item's detail (merged over the item) instead.
    fetch_details: ClassVar[bool] = False
    #: Fixed query parameters.
    params: ClassVar[dict[str, str]] = {}
    #: Query parameters filled from the context: {query parameter: context key}.
    context_params: ClassVar[dict[str, str]] = {}
    #: The Fortnox OAuth scope (and licence) the endpoint needs; named when it is missing, and
    #: `tap-fortnox-auth --streams` asks the consent for the scopes of the chosen streams.
    scope: ClassVar[str] = ""
    #: `sortby` value that orders the list by its key (where Fortnox documents one), so a read
    #: resumed from a checkpoint meets the records in the same order.
    sort_by: ClassVar[str | None] = None
    #: Fortnox lets users delete these records: the stream reports deletions as tombstones.
    deletable: ClassVar[bool] = False

    schema = StreamSchema(SchemaDirectory(schemas))
    #: Seconds between progress lines of a long read (tests shrink it).
    progress_every_seconds: ClassVar[float] = DEFAULT_EVERY_SECONDS
    replication_key: str | None = None  # SYNC_STARTED_AT for streams filtered on lastmodified
    # The normaliser already conforms every record to the schema (and leaves out unknown
    # fields); a second pass by the SDK would only cost time.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    #: The per-read state a read of this stream starts with (subclasses add to it).
    read_type: ClassVar[type[Read]] = Read

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lastmodified_rejected = False  # Fortnox refused the filter: not asked again
        self._scope_skipped = False
        self._invalid_reported: set[str] = set()
        self._item_key_fields: tuple[str, ...] | None = None
        self.read = self.read_type()

    # --- where and how to ask -------------------------------------------------------------

    @property
    def page_size(self) -> int:
        return int(self.config["page_size"])

    @property
    def details_enabled(self) -> bool:
        """Whether this run fetches details (settings `fetch_details`, `list_only_streams`)."""
        if not self.fetch_details:
            return False
        if not self.config["fetch_details"]:
            return False
        return self.name not in self.config["list_only_streams"]

    @override
    def get_new_paginator(self) -> BaseAPIPaginator[Any]:
        # Kept so parse_response can leave out the items of a re-read page already emitted.
        self.read.paginator = (
            FortnoxPaginator(
                self.records_key,
                self.list_item_key,
                self._report_shrink,
                start_page=self.read.resume.first_page if self.read.resume else 1,
            )
            if self.records_key
            else None
        )
        return self.read.paginator or SinglePagePaginator()

    def list_item_key(self, item: Mapping[str, Any]) -> Key | None:
        """The identifying fields of a raw list item (the `detail_path` fields, else the
        primary key's), to recognise an item read twice; None when it has none."""
        fields = self._item_key_fields
        if fields is None:
            if self.detail_path is not None:
                fields = tuple(PLACEHOLDER.findall(self.detail_path))
            else:
                raw = {snake_case(name): name for name in item}
                wanted = [key for key in self.primary_keys or () if key not in (TENANT_ID, YEAR)]
                fields = tuple(raw[key] for key in wanted) if set(wanted) <= raw.keys() else ()
            self._item_key_fields = fields
        return item_key([item.get(field) for field in fields])

    def _report_shrink(self, page: int, vanished: int, again: list[int]) -> None:
        self.logger.info(
            "Stream '%s'%s: page %d lists %d record(s) fewer than the page before (deleted "
            "during the read); re-reading page(s) %s so no record shifted onto a page already "
            "read is skipped",
            self.name,
            f" {dict(self.read.context)}" if self.read.context else "",
            page,
            vanished,
            ", ".join(map(str, again)) or "none",
        )

    def query_params(self, context: Context | None) -> dict[str, Any]:
        """Parameters every request of this stream carries (list and detail)."""
        params: dict[str, Any] = dict(self.params)
        for param, key in self.context_params.items():
            if context and context.get(key) is not None:
                params[param] = context[key]
        return params

    @override
    def get_url_params(
        self, context: Context | None, next_page_token: int | None
    ) -> dict[str, Any]:
        params = self.query_params(context)
        if self.records_key:
            params["page"] = next_page_token or 1
            params["limit"] = self.page_size
            if self.read.lastmodified and not self.lastmodified_rejected:
                params["lastmodified"] = self.read.lastmodified
            if self.sort_by:
                params.update(sortby=self.sort_by, sortorder="ascending")
        return params

    # --- responses ------------------------------------------------------------------------

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict[str, Any]]:
        body = json_body(response)
        if self.records_key is None:
            item = get_ci(body, self.detail_key or "")
            if not isinstance(item, dict):
                raise FortnoxAPIError(
                    f"Stream '{self.name}': GET {request_path(response)} returned no "
                    f"'{self.detail_key}' object"
                )
            yield item
            return
        items = get_ci(body, self.records_key)
        self._log_page(page_info(body))
        if items is None:
            if get_ci(body, "MetaInformation") is not None or body == {}:
                return  # an empty register
            raise FortnoxAPIError(
                f"Stream '{self.name}': GET {request_path(response)} returned no "
                f"'{self.records_key}' list"
            )
        if isinstance(items, dict):  # one item where a list belongs
            items = [items]
        if not isinstance(items, list):
            raise FortnoxAPIError(
                f"Stream '{self.name}': GET {request_path(response)} returned "
                f"'{self.records_key}' as {type(items).__name__}, not a list"
            )
        if self.read.paginator is not None:  # a re-read page: only the items not emitted yet
            items = self.read.paginator.fresh(items)
        yield from self.objects_of(items, response)

    def objects_of(
        self, items: Iterable[Any], response: requests.Response
    ) -> Iterator[dict[str, Any]]:
        """The items of a list that are objects; any other is skipped with a warning."""
        for item in items:
            if isinstance(item, dict):
                yield item
            else:
                self.logger.warning(
                    "Stream '%s': GET %s listed %r, not an object; skipped",
                    self.name,
                    request_path(response),
                    str(item)[:40],
                )

    def _log_page(self, info: PageInfo | None) -> None:
        """Progress of a list read: pages done of `@TotalPages`; with detail fetching the
        total is `@TotalResources` documents (counted as they are fetched, in `_read`)."""
        progress = self.read.progress
        if progress is None or info is None:
            return
        if progress.unit == "pages":
            progress.set_total(info.total_pages)
            progress.update(info.current_page or progress.done + 1)
        else:
            progress.set_total(info.total_resources)

    @override
    def validate_response(self, response: requests.Response) -> None:
        self.read.requests_since_checkpoint += 1
        super().validate_response(response)
        if self.records_key and wants_json(response):
            # A list page that would repeat or lose records is retried.
            check_list_page(self.name, response, self.records_key)

    # --- records --------------------------------------------------------------------------

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if self._scope_skipped:
            return
        progress = self.run_progress
        if (
            progress is not None
            and not self.replication_key
            and progress.is_done(self.name, context)
        ):
            # Read in full by the interrupted run this one resumes. (An incremental stream it
            # finished is read again from the bookmark it left: a request or two, and what
            # changed since then comes now rather than next time.)
            self.logger.info(
                "Stream '%s'%s: read in full by the interrupted run this one resumes; skipped",
                self.name,
                f" {dict(context)}" if context else "",
            )
            return
        self._begin_read(context)
        try:
            yield from self._read(context)
        except ScopeMissingError as exc:
            self._skip(exc)
            return
        except ResumeLost:
            self.logger.warning(
                "Stream '%s'%s: the records the checkpoint names are no longer where they were "
                "(many deleted since?); reading from the first page again",
                self.name,
                f" {dict(context)}" if context else "",
            )
            self.read.resume = None
            self.read.full_read = True
            yield from self._read(context)
        except LastModifiedRejected as exc:
            if self.lastmodified_rejected or not self.read.lastmodified:
                raise
            self.lastmodified_rejected = True
            self.logger.warning(
                "%s; Fortnox does not accept the lastmodified filter here, reading '%s' in full",
                exc,
                self.name,
            )
            self.read.resume = None
            yield from self._read(context)
        yield from deletions(self, context, sdk.context_state(self, context))
        self._finish_read(context)

    def _read(self, context: Context | None) -> Iterator[dict[str, Any]]:
        """Raw (PascalCase) records: list items, or their merged details."""
        details = self.details_enabled and self.detail_path is not None
        label = self.name + (f" {dict(context)}" if context else "")
        progress = Progress(
            label, "documents" if details else "pages", self.logger, self.progress_every_seconds
        )
        self.read.progress = progress
        self.read.context = context
        resume = self.read.resume
        for item in self.request_records(context):
            if self.read.paginator is not None:
                page, key = self.read.paginator.current_value, self.read.paginator.last_key
            else:
                page, key = 1, self.list_item_key(item)
            if resume is not None and resume.skip(key, page):
                continue
            if details:
                detail = self.fetch_detail(item, context)
                progress.advance()
                if detail is None:
                    continue
                item = {**item, **detail}
            yield item
            # The SDK has written the record (and synced its children) by now.
            if self.read.checkpoint is not None:
                self.read.checkpoint.passed(key, page)
                if self.read.requests_since_checkpoint >= CHECKPOINT_EVERY_REQUESTS:
                    self.write_checkpoint(context)
        progress.finish()

    def detail_url_path(self, item: Mapping[str, Any]) -> str:
        """`detail_path` filled with the list item's (URL-quoted) identifying fields."""
        assert self.detail_path is not None
        values: dict[str, str] = {}
        for field in PLACEHOLDER.findall(self.detail_path):
            value = item.get(field)
            if value is None or str(value).strip() == "":
                raise FortnoxAPIError(
                    f"Stream '{self.name}': a list item has no {field} to fetch its detail with"
                    f" (item {str(item.get('@url') or '')[-60:]})"
                )
            values[field] = quote(str(value), safe="")
        return self.detail_path.format_map(values)

    def fetch_detail(
        self, item: Mapping[str, Any], context: Context | None
    ) -> dict[str, Any] | None:
        """The detail object of a list item; None (with a warning) if it has gone since."""
        path = self.detail_url_path(item)
        try:
            body = self.get_json(path, self.query_params(context), context)
        except NotFoundError as exc:
            self.logger.warning("%s; skipping it (deleted after it was listed?)", exc)
            self.read.gone_since_listed += 1
            return None
        # Without `detail_key` the body is the object itself (the /api/ families).
        detail = get_ci(body, self.detail_key) if self.detail_key else body
        if not isinstance(detail, dict):
            raise FortnoxAPIError(
                f"Stream '{self.name}': GET {path} returned no '{self.detail_key}' object"
            )
        return detail

    def _skip(self, exc: ScopeMissingError) -> None:
        self._scope_skipped = True
        scope = self.scope or "unknown"
        self.logger.warning(
            "Skipping stream '%s': the company's licence or the app's consent lacks the Fortnox "
            "scope '%s' (%s). Other streams continue.",
            self.name,
            scope,
            exc,
        )
        for child in self.child_streams:  # its rows (or per-record lists) get nothing either
            if isinstance(child, FortnoxStream) and child.selected and not child._scope_skipped:
                child._skip(exc)

    # --- incremental bookkeeping ----------------------------------------------------------

    @property
    def run_progress(self) -> RunProgress | None:
        return self.run_context.progress

    @property
    def resumable(self) -> bool:
        """Whether a checkpoint can resume this stream's read. Not where ACTIVATE_VERSION is
        sent: the resumed read's version would mark the records read before it deleted."""
        return not self.emit_activate_version_messages or bool(self.replication_key)

    def _begin_read(self, context: Context | None) -> None:
        """A fresh `Read`: take the clock before the first request and work out the
        `lastmodified` filter; a read interrupted before resumes from its checkpoint with the
        same clock and filter."""
        state = sdk.context_state(self, context)
        saved = Checkpoint.from_state(state.get(STATE_KEY)) if self.resumable else None
        self.read = read = self.read_type(full_read=saved is None, resumed=saved is not None)
        if saved is not None:
            read.started = parse_timestamp(saved.started)
            read.lastmodified = saved.lastmodified
            read.resume = Resume(saved)
            read.checkpoint = Checkpoint(saved.started, saved.lastmodified, saved.page)
            self.logger.info(
                "Stream '%s'%s: resuming the read started %s from its checkpoint (page %d)",
                self.name,
                f" {dict(context)}" if context else "",
                saved.started,
                saved.page,
            )
            return
        read.started = utc_now()
        if self.replication_key:
            start = self.get_starting_timestamp(context)
            read.full_read = start is None
            if start is not None:
                overlap = timedelta(minutes=float(self.config["lookback_minutes"]))
                read.lastmodified = lastmodified_param(start, overlap)
            self.logger.info(
                "Stream '%s'%s: %s",
                self.name,
                f" {dict(context)}" if context else "",
                f"records modified since {read.lastmodified} (Stockholm time)"
                if read.lastmodified
                else "full read (no bookmark or start_date yet)",
            )
        read.checkpoint = (
            Checkpoint(read.started.isoformat(), read.lastmodified) if self.resumable else None
        )

    # --- deletes (deletes.py) -------------------------------------------------------------

    @property
    def reports_deletes(self) -> bool:
        return self.deletable and self.selected and bool(self.config["detect_deletes"])

    @cached_property
    def key_fields(self) -> tuple[str, ...]:
        """The primary key without `tenant_id` and the context's keys: what tells records of
        one read apart."""
        context_keys = set(self.context_params.values())
        return tuple(k for k in self.primary_keys if k != TENANT_ID and k not in context_keys)

    def record_key(self, record: Mapping[str, Any]) -> Key:
        return tuple([str(record.get(field)) for field in self.key_fields])

    def write_checkpoint(self, context: Context | None) -> None:
        """Write a STATE message naming the latest record this read has emitted."""
        if self.read.checkpoint is None:
            return
        checkpoint = self.read.checkpoint
        if self.lastmodified_rejected:
            checkpoint.lastmodified = None
        sdk.context_state(self, context)[STATE_KEY] = checkpoint.to_state()
        sdk.write_state(self)
        self.read.requests_since_checkpoint = 0

    @property
    def bookmark_holder(self) -> FortnoxStream:
        """The stream whose state keeps this stream's bookmark (itself; see DocumentStream)."""
        return self

    def _finish_read(self, context: Context | None) -> None:
        """The read completed: the bookmark is the time it started (also when nothing
        changed), the checkpoint goes, and the run notes the stream (or year) as done."""
        state = sdk.context_state(self, context)
        state.pop(STATE_KEY, None)
        self.read.checkpoint = self.read.resume = None
        if self.read.known_now is not None:
            save_known_keys(state, self.read.known_now)
            self.read.known_now = None
        if self.replication_key and self.read.started is not None:
            holder = self.bookmark_holder
            if holder is not self or self.selected:
                sdk.context_state(holder, context).update(
                    {
                        "replication_key": self.replication_key,
                        "replication_key_value": self.read.started.isoformat(),
                    }
                )
        if self.run_progress is not None:
            self.run_progress.finished(self.name, context)
        sdk.write_state(self)

    @override
    def get_starting_timestamp(self, context: Context | None) -> datetime | None:
        holder = self.bookmark_holder
        if holder is self:
            value = self.get_starting_replication_key_value(context)
        else:
            value = sdk.context_state(holder, context).get("replication_key_value")
            start_date = self.config.get("start_date")
            if start_date:
                value = start_date if value is None else self.compare_start_date(value, start_date)
        return None if value is None else parse_timestamp(value)

    @override
    def compare_start_date(self, value: str, start_date_value: str) -> str:
        return max(value, start_date_value, key=parse_timestamp)

    @override
    def get_replication_key_signpost(self, context: Context | None = None) -> None:
        # The bookmark is the read's own start time; the SDK's signpost (the tap's start time)
        # would only cap it to an earlier value.
        return None

    # --- normalisation --------------------------------------------------------------------

    @cached_property
    def normalizer(self) -> RecordNormalizer:
        # The catalog's schema when one was given, as the SDK's own conformance pass would use.
        return RecordNormalizer(
            self.effective_schema,
            on_invalid=self._report_invalid,
            on_unknown=self._report_unknown,
        )

    def _report_unknown(self, path: str, value: Any) -> Mapping[str, Any] | None:
        """A field Fortnox sends that the schema lacks: nothing is dropped. Inside an object
        (a JSON column) it stays as it is; a top-level field becomes a new property of the
        stream's schema, announced in a new SCHEMA message (SDK targets add the column)."""
        if "." in path:
            return {}
        schema = inferred_schema(value)
        if schema is None:
            return None  # null: nothing to type it by yet (a later value will)
        self.logger.warning(
            "Stream '%s': Fortnox sends field '%s', which the stream's schema lacks; added to "
            "the schema as %s (a new SCHEMA message)",
            self.name,
            path,
            schema["type"][0],
        )
        sdk.evolve_schema(self, path, schema)
        return schema

    def _report_invalid(self, path: str, value: Any) -> None:
        if path not in self._invalid_reported:
            self._invalid_reported.add(path)
            self.logger.warning(
                "Stream '%s': field '%s' had a value that does not fit its schema type (%r); "
                "emitted null (reported once per field)",
                self.name,
                path,
                str(value)[:40],
            )

    @property
    def tenant_id(self) -> str:
        return self.run_context.tenant_id(self.get_json)

    @override
    def post_process(
        self, row: dict[str, Any], context: Context | None = None
    ) -> dict[str, Any] | None:
        record = self.normalizer(row)
        if isinstance(row, Tombstone):
            record[DELETED_AT] = utc_now().isoformat()
        elif self.reports_deletes:
            self.read.seen_keys.add(self.record_key(record))
        record[TENANT_ID] = self.tenant_id
        if context:
            for key in self.context_params.values():
                if key in context:
                    record[key] = context[key]
        if self.replication_key and self.read.started is not None:
            record[self.replication_key] = self.read.started.isoformat()
        return record


class FinancialYearChild:
    """Mixin: read once per financial year (`year` = financial-year id in context and key).

    Use with `parent_stream_type = FinancialYearsStream` (see streams/bookkeeping.py); the
    parent's `get_child_context` provides `{"year": <id>}`.
    """

    context_params: ClassVar[dict[str, str]] = {"financialyear": YEAR}
