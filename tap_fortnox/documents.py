"""Documents and their rows: one detail response feeds the header record (`DocumentStream`) and,
through its `RowStream` children, one record per row, keyed by the parent's key and `row_index`.

Rows are handed to the row streams in batches, and before every checkpoint, so a checkpoint
only names documents whose rows are out too. Rows removed by editing a document are reported as
tombstones at their position (deletes.RowCounts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from singer_sdk.helpers.types import Context

from tap_fortnox import sdk
from tap_fortnox.client import FortnoxStream
from tap_fortnox.deletes import RowCounts, Tombstone, is_final
from tap_fortnox.normalize import snake_case
from tap_fortnox.reading import Read
from tap_fortnox.sdk import override

ROW_INDEX = "row_index"

# How many document rows a header stream collects before handing them to its row streams.
ROW_FLUSH_SIZE = 1000

#: A document's rows as handed to its row streams: (the parent's key, its rows, the row
#: indexes it no longer has).
DocumentRows = tuple[dict[str, Any], list[Any], range]


@dataclass
class DocumentRead(Read):
    """A document stream's read: also the rows read since they were last handed over."""

    pending_rows: list[DocumentRows] = field(default_factory=list)
    pending_count: int = 0
    row_counts: RowCounts | None = None


class HandedStream(FortnoxStream):
    """A stream whose records its parent hands over in batches (`take`), each batch one sync
    of this stream: a document's rows (`RowStream`), a SIE file's balances."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending: list[Any] = []

    def take(self, batch: list[Any]) -> bool:
        """Sync this stream over `batch`; False when a record limit (a dry run) stopped it."""
        self.pending = batch
        try:
            return sdk.sync_rows(self)
        finally:
            self.pending = []

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        yield from self.pending


class DocumentStream(FortnoxStream):
    """A document with rows: the detail of each listed document feeds the header record and,
    through `RowStream` children, one record per row (fetched once per document per sync)."""

    fetch_details: ClassVar[bool] = True
    #: Key of the row list in the detail ("InvoiceRows"); left out of the header record.
    rows_key: ClassVar[str] = ""
    #: Rows can be removed by editing the document (vouchers are corrected with new rows).
    rows_editable: ClassVar[bool] = True
    #: Fortnox fields of which one being set means the document's rows can no longer change.
    final_when: ClassVar[tuple[str, ...]] = ()

    read_type: ClassVar[type[Read]] = DocumentRead
    read: DocumentRead

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._warned_no_rows = False

    @property
    def row_children(self) -> list[RowStream]:
        return [
            child
            for child in self.child_streams
            if isinstance(child, RowStream) and (child.selected or child.has_selected_descendents)
        ]

    @property
    @override
    def bookmark_holder(self) -> FortnoxStream:
        """With only row streams selected, the first selected row stream keeps the bookmark, so
        the next sync still reads only changed documents. Not the header stream: selected later,
        it must start with a full read, as it never emitted those headers."""
        if self.selected or not self.replication_key:
            return self
        return next((child for child in self.row_children if child.selected), self)

    @override
    def generate_child_contexts(
        self, record: dict[str, Any], context: Context | None
    ) -> Iterable[Context | None]:
        # Rows are handed over in batches (flush_rows), not one child sync per document.
        return ()

    @override
    def _read(self, context: Context | None) -> Iterator[dict[str, Any]]:
        if self.row_children and not self.details_enabled and not self._warned_no_rows:
            self._warned_no_rows = True
            self.logger.warning(
                "Stream '%s' reads list items only (fetch_details off), so its row streams "
                "(%s) get no records",
                self.name,
                ", ".join(child.name for child in self.row_children),
            )
        try:
            for raw in super()._read(context):
                yield raw
                if self.read.pending_count >= ROW_FLUSH_SIZE:
                    self.flush_rows()
        finally:
            # Also when the read stops early (an error, a record limit): the rows of every
            # header already emitted go out too.
            self.flush_rows()

    @property
    def removed_rows_reported(self) -> bool:
        return self.rows_editable and self.config["detect_deletes"]

    @override
    def _begin_read(self, context: Context | None) -> None:
        super()._begin_read(context)
        self.read.row_counts = (
            RowCounts(sdk.context_state(self, context)) if self.removed_rows_reported else None
        )

    @override
    def post_process(
        self, row: dict[str, Any], context: Context | None = None
    ) -> dict[str, Any] | None:
        rows = row.pop(self.rows_key, None) if self.rows_key else None
        record = super().post_process(row, context)
        if record is not None and isinstance(rows, list) and self.row_children:
            parent_key = {key: record.get(key) for key in self.primary_keys}
            removed = range(0)
            if self.read.row_counts is not None:
                final = is_final(record, map(snake_case, self.final_when))
                removed = self.read.row_counts.update(self.record_key(record), len(rows), final)
            self.read.pending_rows.append((parent_key, rows, removed))
            self.read.pending_count += len(rows) + len(removed)
        return record

    @override
    def _finish_read(self, context: Context | None) -> None:
        if self.read.row_counts is not None:
            self.read.row_counts.save(sdk.context_state(self, context))
        super()._finish_read(context)

    @override
    def write_checkpoint(self, context: Context | None) -> None:
        # The checkpoint names documents whose rows are out too.
        self.flush_rows()
        if self.read.row_counts is not None:
            self.read.row_counts.save(sdk.context_state(self, context))
        super().write_checkpoint(context)

    def flush_rows(self) -> None:
        """Sync the row streams over the documents read since the last flush."""
        if not self.read.pending_rows:
            return
        batch, self.read.pending_rows, self.read.pending_count = self.read.pending_rows, [], 0
        for child in self.row_children:
            child.take(batch)


class RowStream(HandedStream):
    """The rows of a `DocumentStream` (set `parent_stream_type`; declare `rows_key` there).

    Records are the row objects plus the parent's primary key and `row_index` (1-based position
    in the document), so `(parent key..., row_index)` is the key. The scope is the parent's.
    """

    @override
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        parent = cls.parent_stream_type
        if "scope" not in vars(cls) and parent is not None:
            cls.scope = getattr(parent, "scope", "")
        # Rows removed from an edited document are tombstoned in the row stream.
        cls.reports_row_removals = bool(getattr(parent, "rows_editable", False))

    pending: list[DocumentRows]
    #: Its schema has `_sdc_deleted_at` (set from the parent's `rows_editable`).
    reports_row_removals: ClassVar[bool] = False

    #: The parent's key fields under another name in the row records, where a row has a field
    #: of the same name (a warehouse row's own `id`): {"id": "purchase_order_id"}.
    parent_key_names: ClassVar[dict[str, str]] = {}

    @property  # type: ignore[misc]  # a property where the SDK declares an attribute
    @override
    def state_partitioning_keys(self) -> list[str]:
        """No per-document state; per financial year when the parent is read per year (the
        bookmark kept for a header stream that is not selected, see DocumentStream)."""
        parent = self.parent_stream_type
        return list(getattr(parent, "context_params", {}).values())

    @property
    @override
    def emit_activate_version_messages(self) -> bool:
        """Only with a full-table parent: the rows of an incremental parent are those of the
        changed documents only, and an ACTIVATE_VERSION would drop every other document's rows."""
        parent = self.parent_stream_type
        if parent is None or getattr(parent, "replication_key", None):
            return False
        return bool(super().emit_activate_version_messages)

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        names = self.parent_key_names
        for parent, rows, removed in self.pending:
            parent_key = {names.get(key, key): value for key, value in parent.items()}
            for index, row in enumerate(rows, start=1):
                if isinstance(row, dict):
                    yield {**row, ROW_INDEX: index, **parent_key}
            for index in removed:  # rows the document no longer has
                yield Tombstone({ROW_INDEX: index, **parent_key})
