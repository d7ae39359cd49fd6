"""Files against the sandbox: file connections (with deletes), the archive's and the inbox's
folders and files, downloads of the files themselves, and the read-only rule."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from fortnox_sandbox.model.files import file_bytes, preview_bytes
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.tap import TapFortnox
from tap_fortnox.urls import api_root
from tests.helpers.endpoints import is_read_only
from tests.helpers.tapsync import expected_keys, record_key, run_cli, run_tap, write_inputs
from tests.resilience.test_config_mistakes import assert_one_clear_failure

CONNECTIONS = [
    "voucher_file_connections",
    "supplier_invoice_file_connections",
    "article_file_connections",
    "asset_file_connections",
]
TREES = ["archive_folders", "archive_files", "inbox_folders", "inbox_files"]
FILE_STREAMS = ["financial_years", *CONNECTIONS, *TREES, "file_attachments"]


def config_for(sb, **overrides):
    return {**sb.tap_config(), "rate_limit_requests": 0, **overrides}


def live_and_deleted(run, tap: TapFortnox, name: str):
    stream = tap.streams[name]
    live, gone = set(), set()
    for record in run.records(name):
        (gone if record.get("_sdc_deleted_at") else live).add(record_key(stream, record))
    return live, gone


def test_full_then_incremental_sync_is_exact_and_reports_deleted_connections(make_sandbox):
    sb = make_sandbox(seed=5, scale="small", rate_limit=False)
    config = config_for(sb)
    tap = TapFortnox(config=config)
    first = run_tap(config, FILE_STREAMS)
    for name in [*CONNECTIONS, *TREES, "file_attachments"]:
        live, gone = live_and_deleted(first, tap, name)
        assert gone == set()
        assert live == set(expected_keys(sb, tap, name)), name
        assert live, f"the sandbox has {name}"

    year = tap.streams["voucher_file_connections"]
    years = sorted({r["year"] for r in first.records("voucher_file_connections")})
    deleted_vouchers = sb.delete("voucherfileconnections", 2, year=years[-1])
    deleted_supplier = sb.delete("supplierinvoicefileconnections", 1)
    deleted_article = sb.delete("articlefileconnections", 1)

    second = run_tap(config, FILE_STREAMS, first.state)
    tenant = sb.tenant_ids[0]
    want_gone = {
        "voucher_file_connections": {(tenant, str(years[-1]), k) for k in deleted_vouchers},
        "supplier_invoice_file_connections": {(tenant, k) for k in deleted_supplier},
        "article_file_connections": {(tenant, k) for k in deleted_article},
        "asset_file_connections": set(),
    }
    for name, gone_keys in want_gone.items():
        live, gone = live_and_deleted(second, tap, name)
        assert gone == gone_keys, name
        assert live == set(expected_keys(sb, tap, name)), name
        assert not live & gone
    assert year.deletable

    third = run_tap(config, FILE_STREAMS, second.state)  # reported once, not again
    for name in CONNECTIONS:
        assert live_and_deleted(third, tap, name)[1] == set(), name


def test_a_year_filter_fortnox_ignores_lists_each_voucher_file_connection_once(
    make_sandbox, monkeypatch
):
    """[U] which year filter Fortnox honours: with one it ignores (here `voucheryear` alone, which
    the sandbox does not know: every year's read lists the current year's), no connection is
    emitted twice."""
    sb = make_sandbox(seed=5, scale="small", rate_limit=False)
    stream_type = next(s for s in STREAM_TYPES if s.name == "voucher_file_connections")
    monkeypatch.setattr(stream_type, "context_params", {"voucheryear": "year"})
    run = run_tap(config_for(sb), ["financial_years", "voucher_file_connections"])
    file_ids = [r["file_id"] for r in run.records("voucher_file_connections")]
    assert len(run.records("financial_years")) > 1
    assert file_ids
    assert len(file_ids) == len(set(file_ids))
    current = sb.tenants[sb.tenant_ids[0]].ctx.year_of(sb.clock.today()).id
    assert set(file_ids) == {
        r["FileId"]
        for r in sb.tenants[sb.tenant_ids[0]].files.connection_rows(
            "voucherfileconnections", current
        )
    }


def test_downloads_equal_the_sandbox_bytes_and_a_second_run_fetches_nothing(make_sandbox, tmp_path):
    sb = make_sandbox(seed=6, scale="small", rate_limit=False)
    folder = tmp_path / "files"
    config = config_for(sb, download_folder=str(folder))
    streams = ["archive_folders", "archive_files", "inbox_folders", "inbox_files"]
    first = run_tap(config, streams)
    tenant = sb.tenant_ids[0]
    records = first.records("archive_files") + first.records("inbox_files")
    assert len(records) == len(sb.tenants[tenant].files.all_files("archive")) + len(
        sb.tenants[tenant].files.all_files("inbox")
    )
    for record in records:
        path = Path(record["local_path"])
        assert path == folder / tenant / record["id"]
        content = path.read_bytes()
        assert content == file_bytes(record["id"])
        assert len(content) == record["size"]
        assert record["sha256"] == hashlib.sha256(content).hexdigest()
    assert sorted(p.name for p in (folder / tenant).iterdir()) == sorted(r["id"] for r in records)
    fetched = {
        path for path in sb.counters()["by_path"] if path.count("/") == 3
    }  # /3/<area>/<id>: folders below the root and files
    assert len(fetched) >= len(records)

    sb.reset_counters()
    second = run_tap(config, streams, first.state)
    assert [r["sha256"] for r in second.records("archive_files")] == [
        r["sha256"] for r in first.records("archive_files")
    ]
    by_path = sb.counters()["by_path"]
    file_ids = {r["id"] for r in records}
    assert not [p for p in by_path if p.rsplit("/", 1)[-1] in file_ids]  # nothing downloaded
    folders = len(first.records("archive_folders")) + len(first.records("inbox_folders"))
    assert sum(n for p, n in by_path.items() if p.startswith("/3/")) == folders


def test_invoice_pdfs_come_from_preview_once_each(make_sandbox, tmp_path):
    sb = make_sandbox(seed=8, scale="small", rate_limit=False)
    folder = tmp_path / "files"
    config = config_for(sb, download_folder=str(folder), download_invoice_pdfs=True)
    first = run_tap(config, ["invoices"])
    tenant = sb.tenant_ids[0]
    invoices = first.records("invoices")
    assert len(invoices) == len(sb.expected("invoices"))
    for record in invoices:
        path = Path(record["pdf_local_path"])
        assert path == folder / tenant / "invoices" / f"{record['document_number']}.pdf"
        content = path.read_bytes()
        assert content == preview_bytes(tenant, record["document_number"])
        assert record["pdf_sha256"] == hashlib.sha256(content).hexdigest()
    previews = [p for p in sb.counters()["by_path"] if p.endswith("/preview")]
    assert len(previews) == len(invoices)

    sb.reset_counters()
    second = run_tap(config, ["invoices"])  # a full read again: every PDF is there already
    assert [r["pdf_sha256"] for r in second.records("invoices")] == [
        r["pdf_sha256"] for r in invoices
    ]
    assert not [p for p in sb.counters()["by_path"] if p.endswith("/preview")]


def test_invoice_pdfs_are_off_by_default(make_sandbox, tmp_path):
    sb = make_sandbox(seed=8, scale="small", rate_limit=False)
    run = run_tap(config_for(sb, download_folder=str(tmp_path)), ["invoices"])
    assert {r.get("pdf_local_path") for r in run.records("invoices")} == {None}
    assert not [p for p in sb.counters()["by_path"] if p.endswith("/preview")]


def test_an_unusable_download_folder_is_a_config_error_naming_the_setting(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    config = {"access_token": "x", "download_folder": str(blocker / "files")}
    assert_one_clear_failure(
        run_cli(write_inputs(tmp_path / "inputs", config, ["archive_files"])),
        f"download_folder '{blocker / 'files'}': {blocker} is not a folder",
    )


def test_a_company_without_the_archive_scope_skips_those_streams(make_sandbox, caplog):
    sb = make_sandbox(seed=7, scale="small", rate_limit=False, missing_scopes={"archive"})
    with caplog.at_level(logging.WARNING):
        run = run_tap(config_for(sb), TREES)
    assert run.records("archive_folders") == run.records("archive_files") == []
    assert run.records("inbox_files")
    skipped = [r.getMessage() for r in caplog.records if "Skipping stream" in r.getMessage()]
    # One warning per skipped stream: the folders, and their files (a selected child stream).
    assert [m.split("'")[1] for m in skipped] == ["archive_folders", "archive_files"]
    assert all("scope 'archive'" in m for m in skipped)


def test_attachments_of_a_document_type_without_its_scope_are_left_out(make_sandbox, caplog):
    sb = make_sandbox(seed=7, scale="small", rate_limit=False, missing_scopes={"order"})
    with caplog.at_level(logging.WARNING):
        run = run_tap(config_for(sb), ["file_attachments"])
    types = {r["entity_type"] for r in run.records("file_attachments")}
    assert types == {"F", "OF"}
    want = [a for a in sb.expected("attachments") if a["entityType"] != "O"]
    assert len(run.records("file_attachments")) == len(want)
    warned = [r.getMessage() for r in caplog.records if "attachments of" in r.getMessage()]
    assert len(warned) == 1
    assert "'file_attachments'" in warned[0]
    assert "scope 'order'" in warned[0]


def test_no_request_of_a_full_sync_changes_anything(make_sandbox, tmp_path):
    """Every stream, files downloaded: every request the sandbox saw is a GET of a path the
    OpenAPI document declares (not an action such as print or email), or the token request."""
    sb = make_sandbox(seed=1, scale="small", rate_limit=False)
    config = config_for(sb, download_folder=str(tmp_path / "files"), download_invoice_pdfs=True)
    run = run_tap(config, [stream.name for stream in STREAM_TYPES])
    assert run.records("archive_files")[0]["local_path"]
    assert run.records("invoices")[0]["pdf_local_path"]
    seen = sb.counters()["by_method_path"]
    assert len(seen) > len(STREAM_TYPES)
    changing = sorted(key for key in seen if not is_read_only(*key.split(" ", 1)))
    assert changing == []
    assert {key.split(" ", 1)[0] for key in seen} <= {"GET", "POST"}


def test_the_read_only_rule_refuses_actions_and_writes():
    assert is_read_only("GET", "/3/invoices")
    assert is_read_only("GET", "/3/invoices/12/preview")
    assert is_read_only("GET", "/3/archive/4f0c")
    assert is_read_only("POST", "/oauth-v1/token")
    assert not is_read_only("GET", "/3/invoices/12/print")
    assert not is_read_only("GET", "/3/invoices/12/email")
    assert not is_read_only("GET", "/3/offers/3/email")
    assert not is_read_only("DELETE", "/3/voucherfileconnections/4f0c")
    assert not is_read_only("PUT", "/3/invoices/12/bookkeep")
    assert not is_read_only("POST", "/3/archive")
    assert not is_read_only("GET", "/3/nosuchthing")


def test_api_root_is_api_url_without_its_version():
    assert api_root("https://api.fortnox.se/3") == "https://api.fortnox.se"
    assert api_root("https://api.fortnox.se/3/") == "https://api.fortnox.se"
    assert api_root("http://127.0.0.1:8080/proxy/3") == "http://127.0.0.1:8080/proxy"
    assert api_root("https://api.fortnox.se/v3") == "https://api.fortnox.se/v3"
