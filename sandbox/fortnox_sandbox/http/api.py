"""The /3/ resource API: list and detail responses, paging, filters, sorting and errors.

Independent of HTTP: `Api.get(tenant, path, query, scopes)` returns a status and a body, so the
server stays a thin transport and the logic is testable on its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fortnox_sandbox.model.clock import Clock, parse_date, parse_lastmodified
from fortnox_sandbox.model.files import (
    ATTACHED_TO,
    ATTACHMENTS_PATH,
    area_response,
    attachments_response,
    preview_response,
)
from fortnox_sandbox.model.lru import Lru
from fortnox_sandbox.model.resources import FILE_AREAS, RESOURCES, SINGLES, Resource
from fortnox_sandbox.model.shape import project
from fortnox_sandbox.model.sie_export import SieExport
from fortnox_sandbox.model.store import Collection, Ranges, Selection, Source, intersect
from fortnox_sandbox.model.tenant import Tenant

from . import errors
from .listing import DATE_FIELDS, FILTERS, SEARCHES, search_predicate, sort_key

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
JSON = "application/json"


# A body made as it is sent (a SIE file), called with the fault kind that damages it, if any.
Streamed = Callable[[str | None], Iterator[bytes]]


@dataclass
class Result:
    status: int
    body: bytes
    content_type: str = JSON
    stream: Streamed | None = None


@dataclass
class Test:
    """One condition of a list query; `narrow` asks the source for the base positions that meet
    it (None where the source cannot tell: then every record is tested)."""

    match: Callable[[dict], bool]
    narrow: Callable[[Source], Ranges | None] | None = None


@dataclass
class Settings:
    """Behaviour switches shared with the control surface."""

    pascal_errors: bool = False
    licence_status: int = 403  # HTTP status for a missing licence (2001101); real value [U]
    missing_scopes: dict[str, set[str]] = field(default_factory=dict)  # tenant -> scopes
    # Page the /api/ lists (services.py) with `Link: rel="next"` headers; None: one array.
    service_page_size: int | None = None


class BadRequest(Exception):
    def __init__(self, code: int, detail: str = "", status: int = 400) -> None:
        super().__init__(detail)
        self.code, self.detail, self.status = code, detail, status


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Api:
    def __init__(self, clock: Clock, settings: Settings) -> None:
        self.clock = clock
        self.settings = settings
        self.pages = Lru(64)  # serialized list pages (up to ~300 kB each)
        self.orders = Lru(16)  # materialized (filtered / sorted) position lists

    def error(self, code: int, detail: str = "", status: int = 400) -> Result:
        return Result(status, errors.error_body(code, detail, self.settings.pascal_errors))

    def get(
        self, tenant: Tenant, path: str, query: dict[str, str], scopes: frozenset[str]
    ) -> Result:
        try:
            return self._get(tenant, path, query, scopes)
        except BadRequest as exc:
            return self.error(exc.code, exc.detail, exc.status)

    @staticmethod
    def serves(path: str) -> bool:
        """Whether a path outside `/3/` is this API's (the attachments API); the other `/api/`
        families are services.py's."""
        return path.rstrip("/") == ATTACHMENTS_PATH

    # -- routing
    def _get(
        self, tenant: Tenant, path: str, query: dict[str, str], scopes: frozenset[str]
    ) -> Result:
        if self.serves(path):
            kind = {k.lower(): v for k, v in query.items()}.get("entitytype", "")
            res = RESOURCES.get(ATTACHED_TO.get(kind, "invoices"))
            self._check_scope(tenant, res.scope if res else "invoice", scopes)
            status, body = attachments_response(tenant, {k.lower(): v for k, v in query.items()})
            return Result(status, body)
        rest = path[len("/3/") :].strip("/") if path.startswith("/3/") else ""
        query = {k.lower(): v for k, v in query.items()}
        if rest in SINGLES:
            key, _schema, scope = SINGLES[rest]
            self._check_scope(tenant, scope, scopes)
            return Result(200, dumps({key: tenant.single(rest)}))
        segments = rest.split("/") if rest else []
        if segments and segments[0] == "sie":
            return self._sie(tenant, path, segments[1:], query, scopes)
        if segments and segments[0] in FILE_AREAS:
            self._check_scope(tenant, FILE_AREAS[segments[0]], scopes)
            return self._file(area_response(tenant, segments[0], segments[1:], query), path)
        if len(segments) == 3 and segments[0] == "invoices" and segments[2] == "preview":
            self._check_scope(tenant, RESOURCES["invoices"].scope, scopes)
            return self._file(preview_response(tenant, segments[1]), path)
        # A two-segment resource ("assets/types") before the one of its first segment.
        named = "/".join(segments[:2])
        depth = 2 if named in RESOURCES else 1
        res = RESOURCES.get("/".join(segments[:depth])) if segments else None
        if res is None or not tenant.has(res.name):
            raise BadRequest(errors.NOT_FOUND, f"okänd sökväg {path}", 404)
        self._check_scope(tenant, res.scope, scopes)
        tail = segments[depth:]
        if not tail:
            return self._list(tenant, res, query, {})
        if tail[0] == "sublist" and res.name in ("prices", "vouchers"):
            fixed = dict(
                zip(
                    ("PriceList", "ArticleNumber") if res.name == "prices" else ("VoucherSeries",),
                    tail[1:],
                    strict=False,
                )
            )
            return self._list(tenant, res, query, fixed)
        key = "/".join(tail)
        if res.name == "prices" and len(tail) == 2:
            key += "/0"
        return self._detail(tenant, res, key, query)

    @staticmethod
    def _file(found: tuple[str, Any] | None, path: str) -> Result:
        """A folder (JSON) or a file's bytes from files.py; 404 when there is none."""
        if found is None:
            raise BadRequest(errors.NOT_FOUND, f"okänd sökväg {path}", 404)
        content_type, body = found
        return Result(200, body if isinstance(body, bytes) else dumps(body), content_type)

    def _check_scope(self, tenant: Tenant, scope: str, scopes: frozenset[str]) -> None:
        if scope in self.settings.missing_scopes.get(tenant.tenant_id, ()):
            raise BadRequest(errors.NO_LICENCE, scope, self.settings.licence_status)
        if scope not in scopes:
            raise BadRequest(errors.NO_SCOPE, scope, 403)

    def _year(self, tenant: Tenant, res: Resource, query: dict[str, str]) -> int:
        if not res.per_year:
            return 0
        ctx = tenant.ctx
        if "financialyear" in query:
            value = query["financialyear"]
            year = ctx.year(int(value)) if value.isdigit() else None
        elif "financialyeardate" in query:
            year = ctx.year_of(_date_param(query, "financialyeardate"))
        else:
            year = ctx.year_of(self.clock.today())
        if year is None:
            raise BadRequest(errors.NO_FINANCIAL_YEAR, "financialyear")
        return year.id

    # -- SIE export
    def _sie(
        self,
        tenant: Tenant,
        path: str,
        tail: list[str],
        query: dict[str, str],
        scopes: frozenset[str],
    ) -> Result:
        """GET /3/sie/{Type}?financialyear=: a streamed SIE file (see sie_export). It needs the
        bookkeeping scope and picks its financial year as the vouchers do."""
        if len(tail) != 1 or tail[0] not in {str(t) for t in SieExport.TYPES}:
            raise BadRequest(errors.NOT_FOUND, f"okänd sökväg {path}", 404)
        vouchers = RESOURCES["vouchers"]
        self._check_scope(tenant, vouchers.scope, scopes)
        year = tenant.ctx.year(self._year(tenant, vouchers, query))
        assert year is not None
        export = SieExport(tenant, year, int(tail[0]), self.clock.today())
        return Result(200, b"", SieExport.CONTENT_TYPE, export.chunks)

    # -- detail
    def _detail(self, tenant: Tenant, res: Resource, key: str, query: dict[str, str]) -> Result:
        coll = tenant.collection(res.name, self._year(tenant, res, query))
        record = coll.get(key) if coll is not None else None
        if record is None:
            raise BadRequest(errors.NOT_FOUND, f"{res.item} {key}", 404)
        return Result(200, dumps({res.item: record}))

    # -- list
    def _list(
        self, tenant: Tenant, res: Resource, query: dict[str, str], fixed: dict[str, str]
    ) -> Result:
        since = None
        if "lastmodified" in query:
            if not res.lastmodified:
                raise BadRequest(errors.INVALID_PARAMETER)
            try:
                since = parse_lastmodified(query["lastmodified"])
            except ValueError:
                raise BadRequest(errors.INVALID_PARAMETER, "lastmodified") from None
        limit = _int_param(query, "limit", DEFAULT_LIMIT, 1)
        if limit > MAX_LIMIT:
            raise BadRequest(errors.INVALID_PARAMETER, f"limit, max {MAX_LIMIT}")
        page = _int_param(query, "page", 1, 1)
        offset = _int_param(query, "offset", 0, 0)
        order = query.get("sortorder", "ascending").lower()
        if order not in ("ascending", "descending"):
            raise BadRequest(errors.INVALID_PARAMETER, "sortorder")
        sortby = query["sortby"].lower() if "sortby" in query else None
        if sortby is not None and sortby not in res.sort:
            raise BadRequest(errors.INVALID_PARAMETER, "sortby")
        tests = self._tests(res, query, fixed)
        year = self._year(tenant, res, query)
        coll = tenant.collection(res.name, year)
        assert coll is not None
        if not res.paged:
            limit, page, offset = MAX_LIMIT * 1000, 1, 0
        filter_key = tuple(sorted((k, v) for k, v in query.items() if k not in _PAGING)) + tuple(
            sorted(fixed.items())
        )
        cache_key = (coll.uid, coll.version, since, limit, page, offset, sortby, order, filter_key)
        cache_key += (self.clock.today(),) if tests else ()
        cached = self.pages.get(cache_key)
        if cached is not None:
            return Result(200, cached)
        start = (page - 1) * limit + offset
        descending = order == "descending"
        selection, scanned = self._select(coll, since, tests)
        # Sorted by the key (or a date that grows with it): the position order, no scan.
        positional = sortby is None or (sortby in res.sort_by_position and coll.key_ordered())
        if scanned or not positional:
            sort_field = None if positional else res.sort[sortby]  # type: ignore[index]
            order_key = (coll.uid, coll.version, since, sortby, descending, filter_key)
            positions = self._ordered(coll, selection, sort_field, descending, scanned, order_key)
            total = len(positions)
            chosen = positions[start : start + limit]
        else:
            total = selection.total
            if descending:
                hi = max(0, total - start)
                chosen = selection.slice(max(0, hi - limit), hi - max(0, hi - limit))[::-1]
            else:
                chosen = selection.slice(start, limit)
        items = []
        for pos in chosen:
            record = coll.record_at(pos)
            if record is not None:
                items.append(self._item(tenant, res, coll, pos, record))
        body: dict[str, Any] = {}
        if res.meta:
            pages = -(-total // limit) if res.paged else (1 if total else 0)
            body["MetaInformation"] = {
                "@TotalResources": total,
                "@TotalPages": pages,
                "@CurrentPage": page,
            }
        body[res.selector] = items
        if res.wrapper:
            body = {res.wrapper: body}
        encoded = dumps(body)
        self.pages.put(cache_key, encoded)
        return Result(200, encoded)

    @staticmethod
    def _item(tenant: Tenant, res: Resource, coll: Collection, pos: int, record: dict) -> dict:
        item = project(record, res.list_schema, res.renames) | coll.extras.listed
        # Some detail schemas lack @url or their key (e.g. Employee, AttendanceTransaction):
        # the list item still carries them.
        if item.get("@url") == "" or (res.key in item and res.key not in record):
            key = coll.source.key(pos)
            if item.get("@url") == "":
                item["@url"] = tenant.ctx.url(f"/{res.name}/{key}")
            if res.key in item and res.key not in record:
                item[res.key] = key
        return item

    def _tests(self, res: Resource, query: dict[str, str], fixed: dict[str, str]) -> list[Test]:
        today = self.clock.today()
        tests = []
        if "filter" in query:
            table = FILTERS.get(res.name, {})
            pred = table.get(query["filter"].lower())
            if pred is None:
                raise BadRequest(errors.INVALID_PARAMETER, "filter")
            tests.append(Test(lambda d, p=pred: p(d, today)))
        searches = [
            (spec, query[param])
            for param, spec in SEARCHES.get(res.name, {}).items()
            if param in query
        ]
        for spec, value in [*searches, *fixed.items()]:
            exact = not spec.startswith("~")
            narrow = (lambda src, f=spec, v=value: src.field_ranges(f, v)) if exact else None
            tests.append(Test(search_predicate(spec, value), narrow))
        if res.name == "financialyears" and "date" in query:
            day = _date_param(query, "date").isoformat()
            tests.append(Test(lambda d, v=day: d["FromDate"] <= v <= d["ToDate"]))
        date_field = DATE_FIELDS.get(res.name)
        if date_field and ("fromdate" in query or "todate" in query):
            low = _date_param(query, "fromdate") if "fromdate" in query else None
            high = _date_param(query, "todate") if "todate" in query else None
            lo, hi = low.isoformat() if low else "", high.isoformat() if high else "9999"

            def dated(d: dict, f: str = date_field, lo: str = lo, hi: str = hi) -> bool:
                return lo <= str(d.get(f) or "") <= hi and bool(d.get(f))

            tests.append(Test(dated, lambda src: src.day_ranges(low, high)))
        return tests

    @staticmethod
    def _select(
        coll: Collection, since: float | None, tests: list[Test]
    ) -> tuple[Selection, list[Test]]:
        """The selection narrowed by the tests the source can answer; the tests left to apply
        to every selected record."""
        within: Ranges | None = None
        narrowed: list[Test] = []
        scanned: list[Test] = []
        for test in tests:
            ranges = test.narrow(coll.source) if test.narrow else None
            if ranges is None:
                scanned.append(test)
            else:
                within = ranges if within is None else intersect(within, ranges)
                narrowed.append(test)
        match = (lambda d: all(t.match(d) for t in narrowed)) if narrowed else None
        return coll.select(since, within, match), scanned

    def _ordered(
        self,
        coll: Collection,
        selection: Selection,
        sort_field: str | None,
        descending: bool,
        tests: list[Test],
        key: tuple,
    ) -> list[int]:
        """The selected positions that pass `tests`, in order (materialized, cached per
        version): by `sort_field`, ties in position order, or (None) in position order."""
        found = self.orders.get(key)
        if found is not None:
            return found
        rows = []
        for pos in selection.all():
            record = coll.record_at(pos)
            if record is not None and all(t.match(record) for t in tests):
                rows.append((pos, record))
        if sort_field is not None:
            rows.sort(key=lambda pr: (sort_key(pr[1].get(sort_field)), pr[0]), reverse=descending)
        elif descending:
            rows.reverse()
        positions = [pos for pos, _ in rows]
        self.orders.put(key, positions)
        return positions


_PAGING = {"limit", "page", "offset", "sortorder", "sortby", "lastmodified"}


def _int_param(query: dict[str, str], name: str, default: int, minimum: int) -> int:
    if name not in query:
        return default
    value = query[name].strip()
    if not value.lstrip("-").isdigit() or int(value) < minimum:
        raise BadRequest(errors.INVALID_PARAMETER, name)
    return int(value)


def _date_param(query: dict[str, str], name: str) -> date:
    try:
        return parse_date(query[name])
    except ValueError:
        raise BadRequest(errors.INVALID_PARAMETER, name) from None
