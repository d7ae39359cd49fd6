"""The files themselves: with the `download_folder` setting, each archive or inbox file is
saved once as `<download_folder>/<tenant_id>/<file id>` and its record carries `local_path` and
`sha256`; with `download_invoice_pdfs` too, each invoice's PDF (`GET
/invoices/{DocumentNumber}/preview`, which marks nothing, unlike `print`) is saved once as
`<download_folder>/<tenant_id>/invoices/<DocumentNumber>.pdf` and the invoice record carries
`pdf_local_path` and `pdf_sha256`. A file already there is not fetched again (its sha256 is read
from disk). Bodies are streamed to a temporary file in the same folder and renamed into place,
so a killed run leaves no half file under a file's name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from tap_fortnox.deletes import DELETED_AT

if TYPE_CHECKING:
    from collections.abc import Mapping

    import requests
    from singer_sdk.helpers.types import Context


class Downloader(Protocol):
    """What a download needs of its stream (a FortnoxStream; typed by shape, so that settings.py
    can check the folder without importing the streams)."""

    path: str

    @property
    def config(self) -> Mapping[str, Any]: ...

    @property
    def tenant_id(self) -> str: ...

    def get_file(
        self, path: str, params: Mapping[str, Any] | None = None, context: Context | None = None
    ) -> requests.Response: ...


SETTING = "download_folder"
INVOICE_PDFS = "download_invoice_pdfs"
CHUNK_BYTES = 1 << 16
RECORD_FIELDS: dict[str, dict[str, Any]] = {
    "local_path": {
        "type": ["string", "null"],
        "description": "Where the file was saved (setting download_folder); null when off",
    },
    "sha256": {
        "type": ["string", "null"],
        "description": "SHA-256 of the saved file (hex); null when download_folder is off",
    },
}


class DownloadFolderError(RuntimeError):
    """The download folder cannot be written."""


def folder_problem(value: Any) -> str | None:
    """Why `download_folder` cannot hold files (None: it can, or it can be created)."""
    path = Path(str(value)).expanduser()
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        return f"{existing or path} is not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is not writable"
    return None


def target(stream: Downloader, file_id: str) -> Path | None:
    """Where the file `file_id` of this run's company goes; None when downloads are off."""
    value = stream.config.get(SETTING)
    if not value:
        return None
    return Path(str(value)).expanduser() / str(stream.tenant_id) / file_id


PDF_FIELDS: dict[str, dict[str, Any]] = {
    "pdf_local_path": {
        "type": ["string", "null"],
        "description": "Where the invoice's PDF was saved (settings download_folder and "
        "download_invoice_pdfs); null when off",
    },
    "pdf_sha256": {
        "type": ["string", "null"],
        "description": "SHA-256 of the saved PDF (hex); null when download_invoice_pdfs is off",
    },
}


def attach(stream: Downloader, record: dict[str, Any], url_path: str) -> None:
    """Download the record's file (if not there yet) and set its `local_path` and `sha256`."""
    if record.get("id"):
        _fetch_once(stream, record, str(record["id"]), url_path, "")


def attach_invoice_pdf(stream: Downloader, record: dict[str, Any]) -> None:
    """With `download_invoice_pdfs`: the invoice's PDF (if not there yet), `pdf_local_path` and
    `pdf_sha256` set. One request per invoice not downloaded before."""
    number = record.get("document_number")
    if not stream.config.get(INVOICE_PDFS) or number in (None, "") or record.get(DELETED_AT):
        return
    number = str(number)
    url_path = f"{stream.path}/{quote(number, safe='')}/preview"
    _fetch_once(stream, record, f"invoices/{number.replace('/', '_')}.pdf", url_path, "pdf_")


def _fetch_once(
    stream: Downloader, record: dict[str, Any], name: str, url_path: str, prefix: str
) -> None:
    path = target(stream, name)
    if path is None:
        return
    if not path.is_file():
        save(stream, url_path, path)
    record[f"{prefix}local_path"] = str(path)
    record[f"{prefix}sha256"] = sha256_of(path)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save(stream: Downloader, url_path: str, path: Path, context: Context | None = None) -> None:
    """GET `api_url + url_path` streamed into `path` (temporary file, then rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Closed by the `with` below; kept after closing, to be renamed into place.
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
            dir=path.parent, prefix=".part-", delete=False
        )
    except OSError as exc:
        raise DownloadFolderError(
            f"Config error: {SETTING} {stream.config.get(SETTING)!r} is not writable "
            f"({type(exc).__name__}: {exc.strerror or exc})"
        ) from None
    try:
        with handle, stream.get_file(url_path, context=context) as response:
            for chunk in response.iter_content(CHUNK_BYTES):
                handle.write(chunk)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
