"""Files: the file connections of vouchers, supplier invoices, articles and assets, the
archive's and the inbox's folders and files (metadata; the files themselves with the
`download_folder` setting, see downloads.py), and the attachments API's links from invoices,
orders and offers to files. Read in full every sync; deletes of file
connections are reported as tombstones. What is uncertain about these endpoints: docs/files.md.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import quote

from singer_sdk.helpers.types import Context

from tap_fortnox import downloads
from tap_fortnox.client import TENANT_ID, YEAR, FinancialYearChild, FortnoxStream
from tap_fortnox.documents import DocumentStream, RowStream
from tap_fortnox.errors import FortnoxAPIError, ScopeMissingError
from tap_fortnox.paging import has_next_page, page_info
from tap_fortnox.responses import get_ci
from tap_fortnox.sdk import override
from tap_fortnox.streams.bookkeeping import FinancialYearsStream
from tap_fortnox.urls import api_root

STRING = {"type": ["string", "null"]}


class VoucherFileConnectionsStream(FinancialYearChild, FortnoxStream):
    """Files connected to vouchers, per financial year. `voucheryear` is the filter users
    report (softwerkab/fortnox-csharp-api-sdk #332), `financialyear` the register convention;
    which one Fortnox honours is [U], so both are sent."""

    name = "voucher_file_connections"
    scope = "connectfile"
    deletable = True
    path = "/voucherfileconnections"
    records_key = "VoucherFileConnections"
    context_params: ClassVar[dict[str, str]] = {"financialyear": YEAR, "voucheryear": YEAR}
    parent_stream_type = FinancialYearsStream
    primary_keys = (TENANT_ID, YEAR, "file_id")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._file_ids: set[str] = set()  # of this run, over every year

    @override
    def request_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for item in super().request_records(context):
            file_id = str(item.get("FileId"))
            if file_id in self._file_ids:
                continue  # listed for an earlier year too: Fortnox ignored the year filter [U]
            self._file_ids.add(file_id)
            yield item


class SupplierInvoiceFileConnectionsStream(FortnoxStream):
    name = "supplier_invoice_file_connections"
    scope = "connectfile"
    deletable = True
    path = "/supplierinvoicefileconnections"
    records_key = "SupplierInvoiceFileConnections"
    primary_keys = (TENANT_ID, "file_id")


class ArticleFileConnectionsStream(FortnoxStream):
    name = "article_file_connections"
    scope = "connectfile"
    deletable = True
    path = "/articlefileconnections"
    records_key = "ArticleFileConnections"
    primary_keys = (TENANT_ID, "file_id")


class AssetFileConnectionsStream(FortnoxStream):
    name = "asset_file_connections"
    scope = "connectfile"  # [U]: the asset register's own scope is "assets"
    deletable = True
    path = "/assetfileconnections"
    records_key = "AssetFileConnections"
    primary_keys = (TENANT_ID, "file_id")


class FolderTreeStream(DocumentStream):
    """A folder tree (the archive, the inbox), walked from its root with one request per folder
    (`GET {path}` for the root, `GET {path}/{Id}` for each folder below it: [U] for the archive,
    whose document also offers `?path=`). Each folder's response feeds the folder record and,
    through a `FolderFilesStream` child, its files."""

    records_key = None
    detail_key = "Folder"
    rows_key = "Files"
    rows_editable = False
    primary_keys = (TENANT_ID, "id")
    #: Properties the tap adds (scripts/generate_schemas.py puts them in the schema).
    tap_fields: ClassVar[dict[str, dict[str, Any]]] = {
        "path": {**STRING, "description": "The folder's names from the root down, '/'-joined"},
        "parent_id": {**STRING, "description": "The id of the folder it is in (null: the root)"},
    }

    @override
    def request_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        pending: deque[tuple[str | None, str, str | None]] = deque([(None, "", None)])
        while pending:
            folder_id, path, parent = pending.popleft()
            where = self.path if folder_id is None else f"{self.path}/{quote(folder_id, safe='')}"
            folder = get_ci(self.get_json(where, {}, context), self.detail_key or "")
            if not isinstance(folder, dict):
                raise FortnoxAPIError(f"Stream '{self.name}': GET {where} returned no folder")
            for sub in folder.get("Folders") or []:
                if isinstance(sub, dict) and sub.get("Id"):
                    name = str(sub.get("Name") or "")
                    pending.append(
                        (str(sub["Id"]), f"{path}/{name}" if path else name, folder.get("Id"))
                    )
            yield {**folder, "Path": path, "ParentId": parent}


class FolderFilesStream(RowStream):
    """The files of a `FolderTreeStream`'s folders: their metadata, the folder's id and, with
    `download_folder`, the downloaded file's local path and sha256."""

    primary_keys = (TENANT_ID, "id")
    tap_fields: ClassVar[dict[str, dict[str, Any]]] = {
        "folder_id": {**STRING, "description": "The id of the folder the file is in"},
        **downloads.RECORD_FIELDS,
    }

    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        for parent_key, rows, _removed in self.pending:
            for row in rows:
                if isinstance(row, dict):
                    yield {**row, "FolderId": parent_key.get("id")}

    @override
    def post_process(
        self, row: dict[str, Any], context: Context | None = None
    ) -> dict[str, Any] | None:
        record = super().post_process(row, context)
        tree = self.parent_stream_type
        if record is not None and tree is not None and issubclass(tree, FolderTreeStream):
            downloads.attach(self, record, f"{tree.path}/{record['id']}")
        return record


class ArchiveFoldersStream(FolderTreeStream):
    name = "archive_folders"
    scope = "archive"
    path = "/archive"


class ArchiveFilesStream(FolderFilesStream):
    name = "archive_files"
    parent_stream_type = ArchiveFoldersStream


class InboxFoldersStream(FolderTreeStream):
    name = "inbox_folders"
    scope = "inbox"
    path = "/inbox"


class InboxFilesStream(FolderFilesStream):
    name = "inbox_files"
    parent_stream_type = InboxFoldersStream


class FileAttachmentsStream(FortnoxStream):
    """The attachments API's links from documents to files (`GET /api/fileattachments/
    attachments-v1?entityid=..&entitytype=..`). It has no list of all links: it answers for the
    documents it is asked about, so the stream lists each document type's numbers (list pages
    only, 500 a request) and asks for `ATTACHMENT_BATCH` documents a request. camelCase fields,
    a bare JSON array [U], its own error bodies. A document type whose scope the company lacks
    is left out with a warning; the others are read."""

    name = "file_attachments"
    scope = "invoice"  # and "order", "offer" for those documents' links
    deletable = True
    path = "/api/fileattachments/attachments-v1"
    primary_keys = (TENANT_ID, "id")
    #: entity type -> (list path below /3, records key, the field that is the entity id, scope)
    entities: ClassVar[dict[str, tuple[str, str, str, str]]] = {
        "F": ("/invoices", "Invoices", "DocumentNumber", "invoice"),
        "O": ("/orders", "Orders", "DocumentNumber", "order"),
        "OF": ("/offers", "Offers", "DocumentNumber", "offer"),
    }
    attachment_batch: ClassVar[int] = 50  # entity ids per request [U: Fortnox's limit]

    @property
    @override
    def url_base(self) -> str:
        return api_root(self.config["api_url"])

    @override
    def request_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        for kind, (list_path, records_key, id_field, scope) in self.entities.items():
            try:
                ids = self._entity_ids(list_path, records_key, id_field, context)
                for start in range(0, len(ids), self.attachment_batch):
                    batch = ids[start : start + self.attachment_batch]
                    params = {"entityid": batch, "entitytype": kind}
                    body = self.get_json(self.path, params, context)
                    links = body if isinstance(body, list) else get_ci(body, "attachments")
                    links = [links] if isinstance(links, dict) and "id" in links else links
                    yield from (link for link in links or [] if isinstance(link, dict))
            except ScopeMissingError as exc:
                self.logger.warning(
                    "Stream '%s': leaving out the attachments of %s: the company's licence or "
                    "the app's consent lacks the Fortnox scope '%s' (%s)",
                    self.name,
                    list_path.strip("/"),
                    scope,
                    exc,
                )

    def _entity_ids(
        self, list_path: str, records_key: str, id_field: str, context: Context | None
    ) -> list[str]:
        """Every document number of one document type, from its list pages."""
        ids: list[str] = []
        page = 1
        while True:
            params = {"page": page, "limit": self.page_size}
            body = self.get_json("/3" + list_path, params, context)
            items = get_ci(body, records_key) or []
            items = [items] if isinstance(items, dict) else items
            ids += [str(i[id_field]) for i in items if isinstance(i, dict) and i.get(id_field)]
            info = page_info(body)
            full = self.page_size if len(items) == self.page_size else None
            if not has_next_page(info, page, full):
                return ids
            page += 1
