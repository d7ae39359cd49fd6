"""Files: the file connections of vouchers, supplier invoices, articles and assets, and the
archive's and the inbox's folders and files (metadata; the files themselves with the
`download_folder` setting, see downloads.py). Read in full every sync; deletes of file
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
from tap_fortnox.errors import FortnoxAPIError
from tap_fortnox.responses import get_ci
from tap_fortnox.streams.bookkeeping import FinancialYearsStream

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

    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        for parent_key, rows, _removed in self.pending:
            for row in rows:
                if isinstance(row, dict):
                    yield {**row, "FolderId": parent_key.get("id")}

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        record = super().post_process(row, context)
        if record is not None:
            downloads.attach(self, record, f"{self.parent_stream_type.path}/{record['id']}")
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
