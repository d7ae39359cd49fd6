"""Files of one company: file connections, the archive's and the inbox's folder trees, the files'
bytes and invoice previews, all derived from the company's own data and deterministic.

- File connections refer to vouchers (per financial year), supplier invoices, articles and
  assets that exist; each connected file lies in an archive folder named after its kind.
- The archive and the inbox are trees of folders (`GET /3/archive`, `/3/inbox`: the root; a
  folder by `/{root}/{FolderId}` or, archive only, `?path=`), whose files answer
  `/{root}/{FileId}` with their bytes (`file_bytes`, the same every time).
- `GET /3/invoices/{DocumentNumber}/preview` answers a PDF-like body (`preview_bytes`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .context import Context
from .store import Collection


class Tenant(Protocol):
    """What the files need of a company (model/tenant.py's Tenant, typed by shape: the tenant
    builds its Files, so this module does not import it back)."""

    tenant_id: str
    ctx: Context
    files: Files

    def collection(self, name: str, year: int = 0) -> Collection | None: ...


PDF = "application/pdf"
OCTETS = "application/octet-stream"
# Resource name -> (kind in file names, archive folder of its files)
CONNECTIONS = {
    "voucherfileconnections": ("verifikat", "Verifikationer"),
    "supplierinvoicefileconnections": ("leverantorsfaktura", "Leverantörsfakturor"),
    "articlefileconnections": ("artikel", "Artiklar"),
    "assetfileconnections": ("inventarie", "Inventarier"),
}
EVERY = 7  # one record in EVERY has a file connected (at most PER_KIND per kind and year)
PER_KIND = 12


def file_id(tenant_id: str, *parts: object) -> str:
    """A stable UUID-shaped id."""
    h = hashlib.sha256(":".join(map(str, (tenant_id, *parts))).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def file_bytes(fid: str) -> bytes:
    """A file's content: 300 bytes to 40 kB derived from its id (PDF-like header)."""
    seed = hashlib.sha256(fid.encode()).digest()
    size = 300 + int.from_bytes(seed[:2], "big") * 40_000 // 65_536
    body = bytearray(b"%PDF-1.4\n% fortnox sandbox file " + fid.encode() + b"\n")
    block = seed
    while len(body) < size:
        block = hashlib.sha256(block).digest()
        body += block
    return bytes(body[:size])


def preview_bytes(tenant_id: str, document_number: str, version: int = 0) -> bytes:
    """An invoice's PDF preview (PDF-like, deterministic per invoice and edit)."""
    text = f"%PDF-1.4\n% Faktura {document_number} ({tenant_id}, v{version})\n"
    return text.encode() + file_bytes(file_id(tenant_id, "preview", document_number))[9:]


@dataclass
class Folder:
    id: str
    name: str
    path: str  # names from the root's child down, "/"-joined ("" for the root)
    folders: list[Folder] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    email: str = ""


class Files:
    """The company's files, built on first use from its collections."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self._lock = threading.RLock()  # the archive is built from the connections' rows
        self._rows: dict[tuple[str, int], list[dict]] = {}
        self._roots: dict[str, Folder] | None = None
        self._folders: dict[tuple[str, str], Folder] = {}
        self._files: dict[tuple[str, str], dict] = {}

    # -- file connections (rows for the tenant's static collections)
    def connection_rows(self, resource: str, year: int = 0) -> list[dict]:
        with self._lock:
            key = (resource, year)
            if key not in self._rows:
                self._rows[key] = self._build_rows(resource, year)
            return self._rows[key]

    def _sample(self, name: str, year: int = 0) -> list[dict]:
        coll = self.tenant.collection(name, year)
        if coll is None:
            return []
        picked = []
        for pos in coll.select().all()[::EVERY][:PER_KIND]:
            record = coll.record_at(pos)
            if record is not None:
                picked.append(record)
        return picked

    def _build_rows(self, resource: str, year: int) -> list[dict]:
        tid = self.tenant.tenant_id
        kind, _folder = CONNECTIONS[resource]
        url = self.tenant.ctx.url
        rows = []
        if resource == "voucherfileconnections":
            for v in self._sample("vouchers", year):
                fid = file_id(tid, kind, year, v["VoucherSeries"], v["VoucherNumber"])
                rows.append(
                    {
                        "@url": url(f"/{resource}/{fid}"),
                        "FileId": fid,
                        "Name": f"{kind}-{v['VoucherSeries']}{v['VoucherNumber']}.pdf",
                        "VoucherDescription": v.get("Description", ""),
                        "VoucherNumber": str(v["VoucherNumber"]),
                        "VoucherSeries": v["VoucherSeries"],
                        "VoucherYear": year,  # the financial year's id [U]
                    }
                )
        elif resource == "supplierinvoicefileconnections":
            for s in self._sample("supplierinvoices"):
                fid = file_id(tid, kind, s["GivenNumber"])
                rows.append(
                    {
                        "@url": url(f"/{resource}/{fid}"),
                        "FileId": fid,
                        "Name": f"{kind}-{s['GivenNumber']}.pdf",
                        "SupplierInvoiceNumber": str(s["GivenNumber"]),
                        "SupplierName": s.get("SupplierName", ""),
                    }
                )
        elif resource == "articlefileconnections":
            for a in self._sample("articles"):
                fid = file_id(tid, kind, a["ArticleNumber"])
                rows.append(
                    {
                        "@url": url(f"/{resource}/{fid}"),
                        "ArticleNumber": a["ArticleNumber"],
                        "FileId": fid,
                    }
                )
        else:
            for a in self._sample("assets"):
                fid = file_id(tid, kind, a["Id"])
                rows.append(
                    {
                        "@url": url(f"/{resource}/{fid}"),
                        "AssetId": str(a["Id"]),
                        "FileId": fid,
                        "Name": f"{kind}-{a['Id']}.jpg",
                    }
                )
        return rows

    # -- the archive and the inbox
    def roots(self) -> dict[str, Folder]:
        with self._lock:
            if self._roots is None:
                self._roots = {"archive": self._archive(), "inbox": self._inbox()}
                for area, root in self._roots.items():
                    self._index(area, root)
        return self._roots

    def _index(self, area: str, folder: Folder) -> None:
        self._folders[(area, folder.id)] = folder
        for row in folder.files:
            self._files[(area, row["Id"])] = row
        for sub in folder.folders:
            self._index(area, sub)

    def _file(self, area: str, folder: Folder, fid: str, name: str) -> dict:
        path = f"{folder.path}/{name}" if folder.path else name
        return {
            "@url": self.tenant.ctx.url(f"/{area}/{fid}"),
            "ArchiveFileId": file_id(self.tenant.tenant_id, "archivefile", fid),
            "Comments": "",
            "Id": fid,
            "Name": name,
            "Path": path,
            "Size": len(file_bytes(fid)),
        }

    def _child(self, area: str, parent: Folder, fid: str, name: str) -> Folder:
        path = f"{parent.path}/{name}" if parent.path else name
        folder = Folder(fid, name, path)
        parent.folders.append(folder)
        return folder

    def _archive(self) -> Folder:
        tid = self.tenant.tenant_id
        root = Folder(file_id(tid, "archive", "root"), "root", "")
        for n in range(2):
            root.files.append(self._file("archive", root, file_id(tid, "loose", n), f"doc{n}.pdf"))
        # Only the financial years' voucher files that exist (per-year collections).
        years = [y.id for y in self.tenant.ctx.years]
        for resource, (_kind, folder_name) in CONNECTIONS.items():
            folder = self._child("archive", root, file_id(tid, "folder", resource), folder_name)
            per_year = years if resource == "voucherfileconnections" else [0]
            for year in per_year:
                for row in self.connection_rows(resource, year):
                    name = row.get("Name") or f"{row['FileId'][:8]}.pdf"
                    folder.files.append(self._file("archive", folder, row["FileId"], name))
        attached = self._child("archive", root, file_id(tid, "folder", "bilagor"), "Bilagor")
        for link in all_attachments(self.tenant):
            name = f"bilaga-{link['entityType']}{link['entityId']}.pdf"
            attached.files.append(self._file("archive", attached, link["fileId"], name))
        contracts = self._child("archive", root, file_id(tid, "folder", "avtal"), "Avtal")
        older = self._child("archive", contracts, file_id(tid, "folder", "avtal-2"), "Äldre")
        older.files.append(self._file("archive", older, file_id(tid, "avtal", 1), "hyra.pdf"))
        self._child("archive", root, file_id(tid, "folder", "tom"), "Tom")  # an empty folder
        return root

    def _inbox(self) -> Folder:
        tid = self.tenant.tenant_id
        root = Folder("inbox", "inbox", "", email=f"{tid}@inbox.sandbox.example")
        for code, name, count in (
            ("inbox_v", "Verifikationer", 3),
            ("inbox_s", "Leverantörsfakturor", 2),
            ("inbox_kf", "Kundfakturor", 0),
        ):
            folder = self._child("inbox", root, code, name)
            for n in range(count):
                fid = file_id(tid, "inbox", code, n)
                folder.files.append(self._file("inbox", folder, fid, f"skannad-{code}-{n}.pdf"))
        return root

    def folder(
        self, area: str, folder_id: str | None = None, path: str | None = None
    ) -> Folder | None:
        """A folder by id, by path, or the root; None if there is none."""
        root = self.roots()[area]
        if folder_id is not None:
            return self._folders.get((area, folder_id))
        if path:
            found: Folder | None = root
            for name in path.strip("/").split("/"):
                if found is not None and not (found is root and name == root.name):
                    found = next((f for f in found.folders if f.name == name), None)
            return found
        return root

    def has_file(self, area: str, fid: str) -> bool:
        self.roots()
        return (area, fid) in self._files

    def body(self, area: str, folder: Folder) -> dict:
        """A folder's response body."""
        url: Callable[[str], str] = self.tenant.ctx.url
        return {
            "Folder": {
                "@url": url(f"/{area}/{folder.id}"),
                "Email": folder.email,
                "Files": [dict(row) for row in folder.files],
                "Folders": [
                    {"@url": url(f"/{area}/{sub.id}"), "Id": sub.id, "Name": sub.name}
                    for sub in folder.folders
                ],
                "Id": folder.id,
                "Name": folder.name,
            }
        }

    def all_files(self, area: str) -> list[dict]:
        """Every file of the area with its folder's id (for tests)."""
        out: list[dict] = []

        def walk(folder: Folder) -> None:
            out.extend({**row, "FolderId": folder.id} for row in folder.files)
            for sub in folder.folders:
                walk(sub)

        walk(self.roots()[area])
        return out

    def all_folders(self, area: str) -> list[dict]:
        """Every folder's body (without its files) with its path and its parent's id (for
        tests: what a walk of the tree sees)."""
        out: list[dict] = []

        def walk(folder: Folder, parent: str | None) -> None:
            body = self.body(area, folder)["Folder"]
            body.pop("Files")
            out.append({**body, "Path": folder.path, "ParentId": parent})
            for sub in folder.folders:
                walk(sub, folder.id)

        walk(self.roots()[area], None)
        return out


def area_response(
    tenant: Tenant, area: str, tail: list[str], query: dict[str, str]
) -> tuple[str, Any] | None:
    """(content type, body) of GET /3/{area}[/{id}][?path=]: a folder as JSON, a file's bytes;
    None when there is no such folder or file."""
    files: Files = tenant.files  # type: ignore[attr-defined]
    if len(tail) > 1:
        return None
    if tail:
        folder = files.folder(area, folder_id=tail[0])
        if folder is None:
            return (OCTETS, file_bytes(tail[0])) if files.has_file(area, tail[0]) else None
    else:
        folder = files.folder(area, path=query.get("path") if area == "archive" else None)
        if folder is None:
            return None
    return "application/json", files.body(area, folder)


def preview_response(tenant: Tenant, document_number: str) -> tuple[str, bytes] | None:
    """GET /3/invoices/{DocumentNumber}/preview: the invoice's PDF; None if it has none."""
    coll = tenant.collection("invoices")
    if coll is None or coll.get(document_number) is None:
        return None
    return PDF, preview_bytes(tenant.tenant_id, document_number)


# The attachments API (`/api/fileattachments/attachments-v1`): entity type -> the resource
# whose documents the files are attached to (entityId: the document number).
ATTACHMENTS_PATH = "/api/fileattachments/attachments-v1"
ATTACHED_TO = {"F": "invoices", "O": "orders", "OF": "offers"}
ATTACH_EVERY = 9  # one document in ATTACH_EVERY has a file attached


def attachments(tenant: Tenant, entity_type: str) -> list[dict]:
    """The attachment links of one entity type, in document order (camelCase, as the API)."""
    coll = tenant.collection(ATTACHED_TO[entity_type])
    out: list[dict] = []
    if coll is None:
        return out
    tid = tenant.tenant_id
    for pos in coll.select().all()[::ATTACH_EVERY]:
        record = coll.record_at(pos)
        if record is None:
            continue
        number = str(record["DocumentNumber"])
        out.append(
            {
                "entityId": int(number),
                "entityType": entity_type,
                "fileId": file_id(tid, "attachment", entity_type, number),
                "id": file_id(tid, "attachment-link", entity_type, number),
                "includeOnSend": int(number) % 2 == 0,
            }
        )
    return out


def all_attachments(tenant: Tenant) -> list[dict]:
    return [link for kind in ATTACHED_TO for link in attachments(tenant, kind)]


def attachments_response(tenant: Tenant, query: dict[str, str]) -> tuple[int, bytes]:
    """GET /api/fileattachments/attachments-v1?entityid=1&entityid=2&entitytype=F: a JSON
    array (the family's own conventions: camelCase, errors as {"error", "id", "message"})."""
    kind = query.get("entitytype", "")
    ids = [value for value in query.get("entityid", "").split(",") if value]
    if kind not in ATTACHED_TO or not ids or not all(v.isdigit() for v in ids):
        body = {"error": "Bad Request", "id": "sandbox", "message": "entityid and entitytype"}
        return 400, json.dumps(body).encode()
    wanted = {int(v) for v in ids}
    found = [link for link in attachments(tenant, kind) if link["entityId"] in wanted]
    return 200, json.dumps(found).encode()
