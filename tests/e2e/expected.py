"""What the sandbox says each stream must contain, independent of the tap's output.

Streams are mapped to sandbox resources by their API path; the sandbox's own records
(``/_sandbox/expected/<resource>``, PascalCase detail bodies) are renamed to snake_case, and row
streams get their parent's key plus ``row_index``, as the README's "Streams" section says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fortnox_sandbox.model.resources import RESOURCES, SINGLES
from fortnox_sandbox.model.spec_fields import SCHEMAS
from tap_fortnox.client import TENANT_ID, FortnoxStream
from tap_fortnox.documents import ROW_INDEX, RowStream
from tap_fortnox.normalize import snake_case
from tap_fortnox.responses import get_ci
from tap_fortnox.sie_ledger import FedStream
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.streams.files import FileAttachmentsStream, FolderFilesStream, FolderTreeStream
from tests.harness.meltano_harness import SandboxProcess
from tests.helpers.ledger import expected_balances


@dataclass
class Stream:
    """What the test knows about one stream: its class and where the sandbox keeps its data."""

    cls: type[FortnoxStream]
    resource: str
    parent: type[FortnoxStream] | None = None
    keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.keys = tuple(self.cls.primary_keys)

    @property
    def name(self) -> str:
        return self.cls.name


def resource_of(cls: type[FortnoxStream]) -> str:
    """The sandbox resource behind a stream: its API path where the sandbox names a resource
    so ("assets/types", "settings/company"), else the path's first segment; the /api/
    families' streams by their own name."""
    if cls.path.startswith("/api/"):
        return cls.name
    path = cls.path.split("{", 1)[0].strip("/")
    return path if path in RESOURCES or path in SINGLES else path.split("/")[0]


def streams() -> list[Stream]:
    out = []
    for cls in STREAM_TYPES:
        if issubclass(cls, (FolderTreeStream, FolderFilesStream)):  # the archive, the inbox
            tree = cls.parent_stream_type if issubclass(cls, FolderFilesStream) else cls
            part = "files" if issubclass(cls, FolderFilesStream) else "folders"
            out.append(Stream(cls, f"{resource_of(tree)}/{part}"))
        elif issubclass(cls, FileAttachmentsStream):  # links of several document types
            out.append(Stream(cls, "attachments"))
        elif issubclass(cls, FedStream):  # balances, from the vouchers' SIE files
            out.append(Stream(cls, "vouchers", cls.parent_stream_type))
        elif issubclass(cls, RowStream):
            parent = cls.parent_stream_type
            out.append(Stream(cls, resource_of(parent), parent))
        else:
            out.append(Stream(cls, resource_of(cls)))
    return out


def snake_record(raw: dict[str, Any], fields: frozenset[str] | None = None) -> dict[str, Any]:
    """`raw` with snake_case names, keeping only `fields` (Fortnox names) when given."""
    return {snake_case(key): value for key, value in raw.items() if fields is None or key in fields}


def list_item_fields(resource: str) -> frozenset[str]:
    """The detail fields a list item of `resource` carries (a list-only stream has no others)."""
    spec = RESOURCES[resource]
    return frozenset(
        detail if isinstance(detail := spec.renames.get(name, name), str) else name
        for name in SCHEMAS[spec.list_schema]
    )


def expected_records(sandbox: SandboxProcess, stream: Stream) -> list[dict[str, Any]]:
    """The sandbox's records for a stream, with snake_case names (rows carry the parent key)."""
    if issubclass(stream.cls, FedStream):
        return expected_balances(sandbox)[stream.name]
    documents = sandbox.expected(stream.resource)
    if stream.parent is None:
        # A stream that emits list items only is compared on the fields a list item has (a
        # single object such as company information is no list: it is its own detail).
        list_only = not stream.cls.fetch_details and stream.resource in RESOURCES
        fields = list_item_fields(stream.resource) if list_only else None
        return [snake_record(doc, fields) for doc in documents]
    records = []
    parent_keys = [k for k in stream.parent.primary_keys if k != TENANT_ID]
    names = getattr(stream.cls, "parent_key_names", {})  # the parent's key as rows name it
    for document in documents:
        header = snake_record(document)
        for index, row in enumerate(get_ci(document, stream.parent.rows_key) or [], start=1):
            record = snake_record(row)
            record.update({names.get(key, key): header[key] for key in parent_keys})
            record[ROW_INDEX] = index
            records.append(record)
    return records
