"""`Sandbox`: the simulated Fortnox, usable in-process (tests) and behind the CLI."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

from .generators.documents import RowEditor
from .http.api import Api, Settings
from .http.counters import Counters
from .http.faults import Faults
from .http.oauth import OAuth
from .http.ratelimit import SlidingWindow
from .http.server import make_server
from .http.services import SERVICE_RESOURCES, SERVICE_SCOPES, Services
from .model.clock import Clock, local
from .model.context import Urls
from .model.files import all_attachments
from .model.lru import Lru
from .model.resources import ALL_SCOPES, FILE_AREAS, RESOURCES, SINGLES
from .model.scales import SCALES
from .model.shape import fields
from .model.spec_fields import SCHEMAS
from .model.store import Collection
from .model.tenant import Tenant, Tenants


class Sandbox:
    """A local Fortnox API v3 on 127.0.0.1 (see README, "The Fortnox sandbox").

    The listening socket is bound at construction (so `base_url` is known at once and records
    carry correct `@url`s); `start()` begins serving it in a background thread.
    """

    def __init__(
        self,
        seed: int = 1,
        scale: str = "small",
        tenants: int = 1,
        rate_limit: bool = True,
        token_lifetime: int = 3600,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        as_of: date | None = None,
        missing_scopes: set[str] | dict[str, set[str]] | None = None,
        rate_limit_requests: int = 25,
        rate_limit_window: float = 5.0,
        rate_limit_clock: Callable[[], float] = time.monotonic,
        client_id: str | None = None,
        client_secret: str | None = None,
        pascal_errors: bool = False,
        licence_status: int = 403,
        service_page_size: int | None = None,
    ) -> None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
        if tenants < 1:
            raise ValueError("tenants must be at least 1")
        self.seed = seed
        self.scale = scale
        self.clock = Clock()
        self.as_of = as_of or self.clock.today()
        rnd = random.Random(seed)
        self.tenant_ids = [str(n) for n in rnd.sample(range(1_000_000, 10_000_000), tenants)]
        self.client_id = client_id or f"sandbox-client-{seed}"
        self.client_secret = client_secret or f"sandbox-secret-{rnd.getrandbits(96):024x}"
        self._server = make_server(self, host, port)
        self.host, self.port = self._server.server_address[:2]
        self.urls = Urls(api=f"{self.base_url}/3")
        # Bounded and shared by all tenants: built records, and generators' per-position results.
        self.cache = Lru(8192)
        self.memo = Lru(32768)
        self.tenants = Tenants(
            self.tenant_ids,
            lambda i, tid: Tenant(
                seed, i, tid, self.as_of, SCALES[scale], self.urls, self.cache, self.memo
            ),
        )
        if isinstance(missing_scopes, dict):
            missing = {tid: set(scopes) for tid, scopes in missing_scopes.items()}
        else:
            missing = {tid: set(missing_scopes or ()) for tid in self.tenant_ids}
        self.settings = Settings(pascal_errors, licence_status, missing, service_page_size)
        self.oauth = OAuth(
            self.clock,
            self.client_id,
            self.client_secret,
            self.tenant_ids,
            (*ALL_SCOPES, *SERVICE_SCOPES),
            token_lifetime,
        )
        self.limiter = SlidingWindow(
            rate_limit_requests, rate_limit_window, rate_limit, rate_limit_clock
        )
        self.faults = Faults()
        # sb.inject(kind, count=1, path_prefix=None, status=None, delay=None): see faults.py
        self.inject = self.faults.inject
        self.request_counts = Counters()
        self.api = Api(self.clock, self.settings)
        self.services = Services(self.settings)  # /api/warehouse and /api/time
        self._thread: threading.Thread | None = None

    # -- lifecycle
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/3"

    @property
    def auth_url(self) -> str:
        return f"{self.base_url}/oauth-v1"

    def start(self) -> Sandbox:
        if self._thread is None:
            # A short poll interval makes stop() quick (shutdown waits for one poll).
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.05,), name="fortnox-sandbox", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI)."""
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.close_connections()
        self._server.server_close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- credentials
    def _tenant(self, tenant_id: str | None) -> Tenant:
        tid = str(tenant_id) if tenant_id is not None else self.tenant_ids[0]
        if tid not in self.tenants:
            raise ValueError(
                f"unknown tenant_id {tid!r}; the sandbox has {', '.join(self.tenant_ids)}"
            )
        return self.tenants[tid]

    def revoke_consent(self, tenant_id: str) -> None:
        """The company withdraws its consent from the app: from now on the token endpoint
        refuses it (client credentials: 400 invalid_request; its refresh tokens: 400
        invalid_grant) and its access tokens get 401; other tenants are unaffected."""
        self.oauth.revoke_consent(self._tenant(tenant_id).tenant_id)

    def restore_consent(self, tenant_id: str) -> None:
        """The company consents again: new tokens work; those from before stay revoked."""
        self.oauth.restore_consent(self._tenant(tenant_id).tenant_id)

    def new_refresh_token(self, tenant_id: str | None = None) -> str:
        return self.oauth.refresh_token(self._tenant(tenant_id).tenant_id)

    def new_access_token(self, tenant_id: str | None = None, lifetime: int | None = None) -> str:
        return self.oauth.access_token(self._tenant(tenant_id).tenant_id, lifetime=lifetime)

    def tap_config(self, flow: str = "client_credentials", tenant_id: str | None = None) -> dict:
        tenant = self._tenant(tenant_id)
        config: dict[str, Any] = {
            "api_url": self.api_url,
            "auth_url": self.auth_url,
            # Stockholm midnight at the start of the first financial year, before all its data.
            "start_date": datetime.fromtimestamp(tenant.ctx.t0, timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
        }
        if flow == "client_credentials":
            config.update(
                client_id=self.client_id,
                client_secret=self.client_secret,
                tenant_id=tenant.tenant_id,
            )
        elif flow == "refresh_token":
            config.update(
                client_id=self.client_id,
                client_secret=self.client_secret,
                refresh_token=self.new_refresh_token(tenant.tenant_id),
            )
        elif flow == "access_token":
            config["access_token"] = self.new_access_token(tenant.tenant_id)
        else:
            raise ValueError(
                f"unknown flow {flow!r}; use client_credentials, refresh_token or access_token"
            )
        return config

    # -- data
    def expected(self, resource: str, tenant_id: str | None = None) -> list[dict]:
        """Every current record of `resource` as its detail body (all financial years, in order).
        For the folder trees: "archive/folders" (each with its path and parent's id, without its
        files), "archive/files" (each with its folder's id), and the same for "inbox"."""
        tenant = self._tenant(tenant_id)
        if resource in SERVICE_RESOURCES:  # warehouse and time reporting, by stream name
            return self.services.expected(resource, tenant)
        area, _, part = resource.partition("/")
        if resource == "attachments":  # the attachments API's links, every entity type
            return all_attachments(tenant)
        if area in FILE_AREAS and part in ("folders", "files"):
            files = tenant.files
            return files.all_folders(area) if part == "folders" else files.all_files(area)
        if resource in SINGLES:
            return [tenant.single(resource)]  # type: ignore[list-item]
        if not tenant.has(resource):
            raise ValueError(f"unknown resource {resource!r}")
        out: list[dict] = []
        for _year, coll in tenant.collections(resource):
            out.extend(coll.records())
        return out

    def _collection(self, resource: str, tenant_id: str | None, year: int | None) -> Collection:
        tenant = self._tenant(tenant_id)
        if not tenant.has(resource):
            raise ValueError(f"unknown resource {resource!r}")
        if RESOURCES[resource].per_year and year is None:
            current = tenant.ctx.year_of(self.clock.today()) or tenant.ctx.years[-1]
            year = current.id
        coll = tenant.collection(resource, year or 0)
        assert coll is not None
        return coll

    def touch(
        self,
        resource: str,
        count: int = 1,
        tenant_id: str | None = None,
        create: bool = False,
        year: int | None = None,
        keys: list[str] | None = None,
    ) -> list[str]:
        """Modify (or create) `count` records now, or those of `keys`; returns their keys.
        Per-year resources use the current financial year unless `year` (an id) is given."""
        now = self.clock.now()
        stamp = f"Ändrad {local(now):%Y-%m-%d %H:%M:%S}"
        coll = self._collection(resource, tenant_id, year)
        return coll.touch(count, now, create, stamp, keys)

    def delete(
        self,
        resource: str,
        count: int = 1,
        tenant_id: str | None = None,
        year: int | None = None,
        keys: list[str] | None = None,
    ) -> list[str]:
        """Delete `count` records now (or those of `keys`): they leave lists, totals and
        `expected`, and their details answer 404; returns their keys."""
        return self._collection(resource, tenant_id, year).delete(count, self.clock.now(), keys)

    def remove_rows(self, resource: str, count: int = 1, rows: int = 1, **which: Any) -> list[str]:
        """`edit_rows(resource, count, remove=rows, keys=None, tenant_id=None)`."""
        return self.edit_rows(resource, count, remove=rows, **which)

    def add_rows(self, resource: str, count: int = 1, rows: int = 1, **which: Any) -> list[str]:
        """`edit_rows(resource, count, add=rows, keys=None, tenant_id=None)`."""
        return self.edit_rows(resource, count, add=rows, **which)

    def edit_rows(
        self,
        resource: str,
        count: int = 1,
        remove: int = 0,
        add: int = 0,
        keys: list[str] | None = None,
        tenant_id: str | None = None,
    ) -> list[str]:
        """Now, in `count` documents that can still be edited (or in those of `keys`: a booked,
        cancelled or invoiced one is refused), remove the last `remove` rows (one stays) and
        add `add` new ones; their totals follow the rows. Returns the documents' keys."""
        if remove + add < 1 or min(remove, add) < 0:
            raise ValueError("rows must be at least 1")
        coll = self._collection(resource, tenant_id, None)
        source = coll.source
        if not isinstance(source, RowEditor):
            raise ValueError(
                f"{resource}: no document rows to edit (invoices, supplierinvoices, orders, "
                "offers and contracts have them)"
            )

        def refusal(record: dict) -> str | None:
            rows = source.row_count(record)
            if rows <= remove:
                return source.locked(record) or f"has {rows} row(s), {remove} cannot go"
            return source.locked(record)

        def change(pos: int, record: dict, rnd: random.Random) -> dict:
            return source.edit_rows(pos, record, remove, add, rnd)

        return coll.modify(count, self.clock.now(), change, keys, refusal)

    def add_field(
        self,
        resource: str,
        name: str,
        value: Any,
        where: str = "detail",
        tenant_id: str | None = None,
    ) -> int:
        """From now on every record of `resource` carries the property `name` = `value`, which
        its schema lacks, in its detail body, its list item or both (`where`: "detail", "list",
        "both"), and counts as modified now. Returns how many records there are."""
        if where not in ("detail", "list", "both"):
            raise ValueError(f"where must be detail, list or both, not {where!r}")
        tenant = self._tenant(tenant_id)
        if not tenant.has(resource):
            raise ValueError(f"unknown resource {resource!r}")
        res = RESOURCES[resource]
        if name in fields(res.schema) or name in SCHEMAS[res.list_schema]:
            raise ValueError(f"{resource} already has a field {name!r}")
        return tenant.add_field(resource, name, value, where, self.clock.now())

    def add_financial_year(self, tenant_id: str | None = None, vouchers: int = 0) -> int:
        """Open the financial year after the last one now, with its chart of accounts, voucher
        series and `vouchers` balanced series-A vouchers modified now; returns the year's Id."""
        if int(vouchers) < 0:
            raise ValueError(f"vouchers must be 0 or more, not {vouchers}")
        tenant = self._tenant(tenant_id)
        return tenant.add_financial_year(self.clock.now(), int(vouchers)).id

    def set_now(self, when: datetime | None) -> None:
        self.clock.set(when)

    # -- behaviour
    def counters(self) -> dict:
        """{"total", "by_path", "by_status", "by_tenant", "429", "401"} since the last reset."""
        return self.request_counts.snapshot()

    def reset_counters(self) -> None:
        self.request_counts.reset()

    def set_rate_limit(
        self, enabled: bool, requests: int = 25, window_seconds: float = 5.0
    ) -> None:
        self.limiter.configure(enabled, requests, window_seconds)

    def set_token_lifetime(self, seconds: int) -> None:
        self.oauth.lifetime = int(seconds)

    def total_resources(self, tenant_id: str | None = None) -> int:
        """Sum over all list endpoints (every financial year) of the record count."""
        tenant = self._tenant(tenant_id)
        return sum(
            coll.select().total
            for name in RESOURCES
            if tenant.has(name)
            for _y, coll in tenant.collections(name)
        )
