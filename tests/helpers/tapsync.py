"""Run tap-fortnox against a Sandbox and judge the run by the sandbox's own data.

- `run_tap` runs the tap in-process the way the `tap-fortnox` command does (its click command,
  config and catalog files, `invoke`), collecting the Singer messages through the SDK's message
  writer hook; `start_cli`/`run_cli` run the real `tap-fortnox` command in a new process (for
  kills, exit codes, stderr, peak memory and the tokens a run received). Both give a `Run`.
- `config_for` is a sandbox's client-credentials config with the tap's limiter off.
- `served_streams` are the tap's streams (tap_fortnox.streams.STREAM_TYPES, whatever is
  registered at run time) that the sandbox can answer.
- `expected_keys` are the primary keys a complete sync must emit, from the sandbox's records.
- `minimum_requests` is the fewest API requests any tap could use: one list request per page
  of `page_size` (at least one per list and financial year) plus one detail per record for the
  streams that fetch details; with `since`, only the records changed since then (where Fortnox
  offers `lastmodified`), plus, for a stream that reports deletes, its list pages of every key
  (a filtered read cannot show what was deleted).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fortnox_sandbox import Sandbox
from fortnox_sandbox.http.api import Api
from fortnox_sandbox.model.resources import FILE_AREAS, RESOURCES, SINGLES
from tap_fortnox.client import TENANT_ID, YEAR, FortnoxStream
from tap_fortnox.documents import ROW_INDEX, RowStream
from tap_fortnox.incremental import STOCKHOLM
from tap_fortnox.normalize import snake_case
from tap_fortnox.services import ServiceEndpoint
from tap_fortnox.sie_ledger import SOURCE_DETAILS, FedStream, LedgerStream
from tap_fortnox.streams.files import FileAttachmentsStream, FolderFilesStream, FolderTreeStream
from tap_fortnox.streams.time_reporting import AHEAD_DAYS, WINDOW_DAYS, DateWindowStream
from tap_fortnox.tap import TapFortnox
from tap_fortnox.writer import FortnoxWriter
from tests.helpers.ledger import expected_balances
from tests.helpers.sink import capture_stdout, into_buffer

ROOT = Path(__file__).resolve().parents[2]
TAP_COMMAND = str(Path(sys.executable).with_name("tap-fortnox"))
# `tap-fortnox` that also appends every token the token endpoint handed out to a file
RECORDING_TAP = Path(__file__).with_name("recording_tap.py")


def config_for(sb: Sandbox, **overrides: Any) -> dict[str, Any]:
    """The sandbox's client-credentials config with the tap's limiter off, and `overrides`."""
    return {**sb.tap_config(), "rate_limit_requests": 0, **overrides}


# --- streams and the sandbox ----------------------------------------------------------------


def resource_of(stream: FortnoxStream) -> str | None:
    """The Fortnox path name a stream lists ("customers", "settings/company",
    "api/warehouse/stockpoints-v1": a path with the context in it counts for the list it
    starts with); None for rows."""
    if isinstance(stream, RowStream):
        return None
    return stream.path.split("{", 1)[0].strip("/") or None


def is_service(stream: FortnoxStream | None) -> bool:
    """A stream of the /api/ families (warehouse, time reporting), served by sb.services."""
    return isinstance(stream, ServiceEndpoint)


def parent_of(tap: TapFortnox, stream: FortnoxStream) -> FortnoxStream | None:
    parent_type = stream.parent_stream_type
    if parent_type is None:
        return None
    return next((s for s in tap.streams.values() if type(s) is parent_type), None)


def is_served(sb: Sandbox, tap: TapFortnox, stream: FortnoxStream) -> bool:
    """Whether the sandbox answers this stream (rows and balances: whether it answers their
    documents)."""
    if isinstance(stream, (RowStream, FedStream)):
        parent = parent_of(tap, stream)
        return parent is not None and is_served(sb, tap, parent)
    resource = resource_of(stream)
    tenant = sb.tenants[sb.tenant_ids[0]]
    if is_service(stream):
        return True
    return resource is not None and (
        resource in SINGLES
        or resource in FILE_AREAS
        or tenant.has(resource)
        or isinstance(stream, FileAttachmentsStream)
    )


def tree_area(stream: FortnoxStream) -> str | None:
    """The folder tree ("archive", "inbox") a folder or file stream reads; None for others."""
    tree = stream.parent_stream_type if isinstance(stream, FolderFilesStream) else type(stream)
    if tree is not None and issubclass(tree, FolderTreeStream):
        return tree.path.strip("/")
    return None


def tree_records(sb: Sandbox, stream: FortnoxStream, tenant_id: str | None = None) -> list[dict]:
    """The raw records a folder stream (every folder) or a file stream (every file, with its
    folder's id) must emit, from the sandbox's tree."""
    area = tree_area(stream)
    assert area is not None
    files = sb.tenants[tenant_id or sb.tenant_ids[0]].files
    if isinstance(stream, FolderFilesStream):
        return files.all_files(area)
    return files.all_folders(area)


def served_streams(sb: Sandbox, tap: TapFortnox) -> list[str]:
    return [name for name, stream in tap.streams.items() if is_served(sb, tap, stream)]


def _collections(sb: Sandbox, resource: str, tenant_id: str | None) -> list[tuple[int, Any]]:
    """(financial-year id or 0, collection) pairs of a resource; the tap reads every one."""
    return sb.tenants[tenant_id or sb.tenant_ids[0]].collections(resource)


def _fetches_details(stream: FortnoxStream) -> bool:
    return bool(stream.details_enabled and stream.detail_path)


@dataclass(frozen=True)
class Need:
    """The fewest requests a stream can be read with."""

    lists: int
    details: int

    @property
    def total(self) -> int:
        return self.lists + self.details


def minimum_requests(
    sb: Sandbox,
    tap: TapFortnox,
    streams: Iterable[str],
    since: float | None = None,
    tenant_id: str | None = None,
) -> dict[str, Need]:
    """Per list resource: the fewest requests that read `streams` completely (see module doc).

    `since` (epoch seconds): only records changed since then, for resources whose list accepts
    `lastmodified`; others must be listed in full.
    """
    needs: dict[str, Need] = {}
    extra: dict[str, Need] = {}  # requests one stream makes of another's resource
    for name in streams:
        stream = tap.streams[name]
        resource = resource_of(stream)
        if resource is None:
            continue  # rows come with their documents' details
        if resource in SINGLES:
            needs[resource] = Need(1, 0)
            continue
        if resource in FILE_AREAS:  # one request per folder
            needs[resource] = Need(len(tree_records(sb, stream, tenant_id)), 0)
            continue
        if isinstance(stream, FileAttachmentsStream):
            extra.update(attachments_need(sb, stream, tenant_id))
            continue
        if is_service(stream):
            need = service_need(sb, tap, stream, since, tenant_id)
            before = needs.get(resource, Need(0, 0))
            needs[resource] = Need(before.lists + need.lists, before.details + need.details)
            continue
        res = RESOURCES[resource]
        lists = details = 0
        files = 0
        keys_too = since is not None and res.lastmodified and lists_keys(stream)
        for _year, coll in _collections(sb, resource, tenant_id):
            changed = coll.select(since if res.lastmodified else None).total
            lists += max(1, math.ceil(changed / stream.page_size)) if res.paged else 1
            if keys_too:
                lists += max(1, math.ceil(coll.select(None).total / stream.page_size))
            details += changed if _fetches_details(stream) else 0
            files += bool(changed) and reads_sie(stream)
        needs[resource] = Need(lists, details)
        if files:
            needs["sie/4"] = Need(0, files)  # one SIE file per financial year with changes
    for resource, more in extra.items():
        had = needs.get(resource, Need(0, 0))
        needs[resource] = Need(had.lists + more.lists, had.details + more.details)
    return needs


def attachments_need(
    sb: Sandbox, stream: FileAttachmentsStream, tenant_id: str | None
) -> dict[str, Need]:
    """The attachments API answers for the documents it is asked about: every document type's
    list pages (counted with that type's resource), then one request per `attachment_batch`
    documents."""
    needs: dict[str, Need] = {}
    batches = 0
    for list_path, *_rest in stream.entities.values():
        resource = list_path.strip("/")
        ((_year, coll),) = _collections(sb, resource, tenant_id)
        total = coll.select().total
        needs[resource] = Need(max(1, math.ceil(total / stream.page_size)), 0)
        batches += math.ceil(total / stream.attachment_batch)
    needs[resource_of(stream) or ""] = Need(0, batches)
    return needs


def time_windows(stream: FortnoxStream, since: float | None) -> int:
    """The fewest requests that read a date-windowed list: spans of at most a year from the
    first day it must read (start_date; with `since`, a sync today less the look-back) to
    `AHEAD_DAYS` after today."""
    today = datetime.now(STOCKHOLM).date()
    if since is None:
        first = date.fromisoformat(str(stream.config["start_date"])[:10])
    else:
        first = today - timedelta(days=int(stream.config["time_reporting_lookback_days"]))
    days = (today + timedelta(days=AHEAD_DAYS) - first).days + 1
    return math.ceil(days / WINDOW_DAYS)


def service_need(
    sb: Sandbox,
    tap: TapFortnox,
    stream: FortnoxStream,
    since: float | None,
    tenant_id: str | None,
) -> Need:
    """/api/ lists are read in full every sync (no modification filter): one request per list
    (per stock point for the stock locations, per date window for time reporting) and a
    detail per document whose list item lacks its rows."""
    tenant = sb.tenants[tenant_id or sb.tenant_ids[0]]
    if isinstance(stream, DateWindowStream):
        return Need(time_windows(stream, since), 0)
    parent = parent_of(tap, stream)
    if parent is not None:  # one list per parent record
        return Need(len(sb.services.expected(parent.name, tenant)), 0)
    details = 0
    if stream.details_enabled and stream.detail_path:
        rows_key = getattr(stream, "rows_key", "")
        listed = sb.services.listed(stream.name, tenant)
        details = sum(1 for item in listed if not isinstance(item.get(rows_key), list))
    return Need(1, details)


def incremental_resources(tap: TapFortnox, streams: Iterable[str]) -> list[str]:
    """The resources of incremental streams among `streams` whose list Fortnox filters on
    `lastmodified` (where changing records makes an incremental sync read them)."""
    found = []
    for name in streams:
        stream = tap.streams[name]
        resource = resource_of(stream)
        if (
            stream.replication_key
            and resource
            and not is_service(stream)
            and resource not in SINGLES
            and RESOURCES[resource].lastmodified
        ):
            found.append(resource)
    return found


def lists_keys(stream: FortnoxStream) -> bool:
    """Whether an incremental read of the stream also lists every key (detect_deletes)."""
    return bool(stream.replication_key) and stream.deletable and stream.config["detect_deletes"]


def reads_sie(stream: FortnoxStream) -> bool:
    """Whether the stream reads its rows (or balances) from the years' SIE files."""
    return (
        isinstance(stream, LedgerStream)
        and stream.rows_source != SOURCE_DETAILS
        and bool(stream.row_children or stream.fed_children)
    )


def api_requests_by_resource(sb: Sandbox, resources: Iterable[str]) -> Counter[str]:
    """Requests the sandbox counted per resource (list and detail paths; OAuth left out)."""
    by_path: Mapping[str, int] = sb.counters()["by_path"]
    known = sorted(resources, key=len, reverse=True)  # "settings/company" before "settings"
    counts: Counter[str] = Counter()
    for path, n in by_path.items():
        if not path.startswith(("/3/", "/api/")):
            continue
        rest = path[3:].strip("/") if path.startswith("/3/") else path.strip("/")
        match = next((r for r in known if rest == r or rest.startswith(r + "/")), rest)
        counts[match] += n
    return counts


# --- what a complete sync emits -------------------------------------------------------------


def _field_value(raw: Mapping[str, Any], key: str) -> Any:
    for name, value in raw.items():
        if snake_case(name) == key:
            return value
    raise KeyError(f"no Fortnox field for primary key {key!r} in {sorted(raw)[:8]}...")


def _key(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in values)


def record_key(stream: FortnoxStream, record: Mapping[str, Any]) -> tuple[str, ...]:
    return _key(record.get(pk) for pk in stream.primary_keys)


def _raw_key(
    stream: FortnoxStream, raw: Mapping[str, Any], tenant_id: str, year: int, extra: Mapping
) -> tuple[str, ...]:
    values = []
    for pk in stream.primary_keys:
        if pk == TENANT_ID:
            values.append(tenant_id)
        elif pk in extra:
            values.append(extra[pk])
        elif pk == YEAR:
            values.append(year)
        else:
            values.append(_field_value(raw, pk))
    return _key(values)


def expected_keys(
    sb: Sandbox,
    tap: TapFortnox,
    name: str,
    tenant_id: str | None = None,
    since: float | None = None,
) -> Counter[tuple[str, ...]]:
    """The primary keys of every record a full sync of stream `name` must emit (with `since`,
    epoch seconds: of the records changed since then, which an incremental sync must emit)."""
    tenant_id = tenant_id or sb.tenant_ids[0]
    stream = tap.streams[name]
    keys: Counter[tuple[str, ...]] = Counter()
    if isinstance(stream, FedStream):  # balances, worked out from the vouchers' rows
        for record in expected_balances(sb, tenant_id)[name]:
            keys[record_key(stream, {**record, TENANT_ID: tenant_id})] += 1
        return keys
    if isinstance(stream, FileAttachmentsStream):
        for raw in sb.expected("attachments", tenant_id):
            keys[_raw_key(stream, raw, tenant_id, 0, {})] += 1
        return keys
    if tree_area(stream) is not None:
        for raw in tree_records(sb, stream, tenant_id):
            keys[_raw_key(stream, raw, tenant_id, 0, {})] += 1
        return keys
    if isinstance(stream, RowStream):
        parent = parent_of(tap, stream)
        assert parent is not None
        rows_key = getattr(parent, "rows_key", "")
        for year, detail in _raw_records(sb, parent, tenant_id, since, details=True):
            parent_key = dict(
                zip(parent.primary_keys, _raw_key(parent, detail, tenant_id, year, {}), strict=True)
            )
            names = stream.parent_key_names  # the parent's key as the rows name it
            parent_key = {names.get(key, key): value for key, value in parent_key.items()}
            for index, row in enumerate(detail.get(rows_key) or [], start=1):
                extra = {**parent_key, ROW_INDEX: index}
                keys[_raw_key(stream, row, tenant_id, year, extra)] += 1
        return keys
    for year, raw in _raw_records(sb, stream, tenant_id, since):
        keys[_raw_key(stream, raw, tenant_id, year, {})] += 1
    return keys


def _raw_records(
    sb: Sandbox,
    stream: FortnoxStream,
    tenant_id: str,
    since: float | None = None,
    *,
    details: bool = False,
) -> Iterable[tuple[int, dict[str, Any]]]:
    resource = resource_of(stream)
    assert resource is not None
    if resource in SINGLES:
        yield 0, sb.expected(resource, tenant_id)[0]
        return
    if is_service(stream):  # read in full every sync
        for record in sb.services.expected(stream.name, sb.tenants[tenant_id]):
            yield 0, record
        return
    res = RESOURCES[resource]
    tenant = sb.tenants[tenant_id]
    for year, coll in _collections(sb, resource, tenant_id):
        for pos in coll.select(since).all():
            detail = coll.detail_at(pos)
            if detail is None:
                continue
            # What the tap emits: the list item, merged with the detail where it fetches one.
            item = Api._item(tenant, res, coll, pos, detail)
            whole = details or _fetches_details(stream)
            yield year, ({**item, **detail} if whole else item)


# --- running the tap ------------------------------------------------------------------------


@dataclass
class Run:
    """One tap run: its Singer messages, and how it ended (the error, the exit code; a process's
    stdout and stderr, and with `tokens`, every token it received)."""

    messages: list[dict[str, Any]]
    error: BaseException | None = None
    stderr: str = ""
    returncode: int | None = None
    stdout: str = ""
    tokens: list[str] = field(default_factory=list)
    tap: TapFortnox | None = None  # the tap an in-process run built
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        for message in self.messages:
            if message.get("type") == "RECORD":
                self.counts[message["stream"]] += 1

    def records(self, stream: str) -> list[dict[str, Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    @property
    def states(self) -> list[dict[str, Any]]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def state(self) -> dict[str, Any]:
        states = self.states
        return states[-1] if states else {}

    def assert_secrets_absent(self, *secrets: str) -> None:
        """Neither a secret, a token the run received, nor its tail (a truncated print) appears
        in anything the run printed."""
        printed = self.stdout + self.stderr
        for secret in (*secrets, *self.tokens):
            assert secret, "empty secret"
            assert secret not in printed
            if len(secret) >= 24:
                assert secret[-16:] not in printed


def parse_messages(text: str) -> list[dict[str, Any]]:
    """Singer lines -> messages; a last line cut off by a kill is left out."""
    messages = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            message = json.loads(line, parse_float=Decimal)
        except ValueError:
            continue  # only the last line of a killed process can be partial
        if isinstance(message, dict):
            messages.append(message)
    return messages


def select(tap: TapFortnox, streams: Iterable[str] | None) -> None:
    wanted = set(tap.streams) if streams is None else set(streams)
    for name, stream in tap.streams.items():
        stream.selected = name in wanted


def run_tap(
    config: Mapping[str, Any],
    streams: Iterable[str] | None = None,
    state: Mapping[str, Any] | None = None,
    *,
    allow_error: bool = False,
) -> Run:
    """Sync `streams` (all if None) in-process, through the `tap-fortnox` command's own path:
    its click command reads config, catalog and state files and runs `TapFortnox.invoke`. An
    error ends the run (raised unless allowed; one the command turns into exit code 1 and a
    last log line is the `Run`'s `error` all the same)."""
    output = io.BytesIO()
    taps: list[TapFortnox] = []

    class RecordingTap(TapFortnox):
        # The SDK's hook for the writer of a tap the command line builds: the tap's own
        # FortnoxWriter, writing its lines into `output` instead of stdout.
        message_writer_class = into_buffer(FortnoxWriter, output)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            taps.append(self)

    error: BaseException | None = None
    returncode = 0
    with tempfile.TemporaryDirectory() as tmp:
        args = write_inputs(Path(tmp), config, streams, state)
        # [U] A many-companies run writes every company's lines to one shared stdout (SharedOutput,
        # not the tap's writer): only such a run's stdout is collected.
        shared = capture_stdout() if config.get("tenant_ids") else contextlib.nullcontext()
        with shared as out:
            try:
                RecordingTap.get_singer_command().main(args, standalone_mode=False)
            except SystemExit as exit_:  # the command's clear end of a known failure
                code = exit_.code
                returncode = 0 if code is None else code if isinstance(code, int) else 1
                error = (exit_.__context__ or exit_) if returncode else None
            except Exception as exc:
                returncode, error = 1, exc
    if error is not None and not allow_error:
        raise error
    text = output.getvalue().decode("utf-8") + (out.getvalue() if out is not None else "")
    return Run(parse_messages(text), error, returncode=returncode, tap=taps[0] if taps else None)


def catalog_for(config: Mapping[str, Any], streams: Iterable[str]) -> dict[str, Any]:
    """The tap's discovered catalog with exactly `streams` selected."""
    wanted = set(streams)
    catalog = TapFortnox(config=dict(config), validate_config=False).catalog_dict
    for entry in catalog["streams"]:
        for item in entry.get("metadata", []):
            if not item.get("breadcrumb"):
                item["metadata"]["selected"] = entry["tap_stream_id"] in wanted
    return catalog


def write_inputs(
    directory: Path,
    config: Mapping[str, Any],
    streams: Iterable[str] | None = None,
    state: Mapping[str, Any] | None = None,
) -> list[str]:
    """Write config, catalog (unless `streams` is None: the tap discovers them all) and state
    files; returns the tap-fortnox arguments."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {"config": dict(config)}
    if streams is not None:
        files["catalog"] = catalog_for(config, streams)
    if state:
        files["state"] = dict(state)
    args = []
    for kind, content in files.items():
        path = directory / f"{kind}.json"
        path.write_text(json.dumps(content))
        args += [f"--{kind}", str(path)]
    return args


def start_cli(
    args: list[str],
    stdout: Any = subprocess.PIPE,
    stderr: Any = subprocess.PIPE,
    tokens: Path | None = None,
) -> subprocess.Popen:
    """`tap-fortnox ARGS` in a new process (with `tokens`, a file: recording there every token
    the run receives). A caller reading stdout line by line must send stderr to a file: an
    undrained stderr pipe fills up and stalls the tap."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    command = [TAP_COMMAND] if tokens is None else [sys.executable, str(RECORDING_TAP), str(tokens)]
    return subprocess.Popen(
        [*command, *args],
        stdout=stdout,
        stderr=stderr,
        text=True,
        env=env,
        cwd=ROOT,
    )


def finish(process: subprocess.Popen, timeout: float = 120, tokens: Path | None = None) -> Run:
    """Wait for a `start_cli` process and collect its messages, output, exit code (and the
    tokens it recorded)."""
    out, err = process.communicate(timeout=timeout)
    received: list[str] = []
    if tokens is not None and tokens.exists():
        for line in tokens.read_text().splitlines():
            received.extend(json.loads(line))
    return Run(parse_messages(out), None, err, process.returncode, out, received)


def run_cli(args: list[str], timeout: float = 120, tokens: Path | None = None) -> Run:
    """Run `tap-fortnox ARGS` to the end and collect its messages, stderr and exit code."""
    return finish(start_cli(args, tokens=tokens), timeout, tokens)
