"""The test-only control surface over HTTP, under /_sandbox/ (for out-of-process tests).

Arguments come from the query string and/or a JSON object body. Endpoints:
GET  health, info, counters, expected/<resource>, tap_config
POST touch, delete, remove_rows, add_rows, add_field, add_financial_year, revoke_consent,
     restore_consent, counters/reset (or reset), inject, set_now, rate_limit, token_lifetime,
     refresh_token, access_token
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Protocol

from fortnox_sandbox.model.clock import Clock

from .oauth import OAuth
from .ratelimit import SlidingWindow


class Controlled(Protocol):
    """What the control surface drives: the `Sandbox`, typed by shape so that this HTTP layer
    does not import the module that builds it (no import circle)."""

    seed: int
    scale: str
    tenant_ids: list[str]
    client_id: str
    client_secret: str
    as_of: date
    clock: Clock
    limiter: SlidingWindow
    oauth: OAuth

    @property
    def base_url(self) -> str: ...
    @property
    def api_url(self) -> str: ...
    @property
    def auth_url(self) -> str: ...
    def counters(self) -> dict: ...
    def reset_counters(self) -> None: ...
    def expected(self, resource: str, tenant_id: str | None = None) -> list[dict]: ...
    def tap_config(self, flow: str = ..., tenant_id: str | None = None) -> dict: ...
    def touch(
        self,
        resource: str,
        count: int = ...,
        tenant_id: str | None = None,
        create: bool = ...,
        year: int | None = None,
        keys: list[str] | None = None,
    ) -> list[str]: ...
    def delete(
        self,
        resource: str,
        count: int = ...,
        tenant_id: str | None = None,
        year: int | None = None,
        keys: list[str] | None = None,
    ) -> list[str]: ...
    def remove_rows(
        self, resource: str, count: int = ..., rows: int = ..., **which: Any
    ) -> list[str]: ...
    def add_rows(
        self, resource: str, count: int = ..., rows: int = ..., **which: Any
    ) -> list[str]: ...
    def add_field(
        self, resource: str, name: str, value: Any, where: str = ..., tenant_id: str | None = None
    ) -> int: ...
    def revoke_consent(self, tenant_id: str) -> None: ...
    def restore_consent(self, tenant_id: str) -> None: ...
    def add_financial_year(self, tenant_id: str | None = None, vouchers: int = ...) -> int: ...
    def inject(
        self,
        kind: str,
        count: int = ...,
        path_prefix: str | None = None,
        status: int | None = None,
        delay: float | None = None,
    ) -> None: ...
    def set_now(self, when: datetime | None) -> None: ...
    def set_rate_limit(
        self, enabled: bool, requests: int = ..., window_seconds: float = ...
    ) -> None: ...
    def set_token_lifetime(self, seconds: int) -> None: ...
    def new_refresh_token(self, tenant_id: str | None = None) -> str: ...
    def new_access_token(
        self, tenant_id: str | None = None, lifetime: int | None = None
    ) -> str: ...


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)


def _opt_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _keys(value: Any) -> list[str] | None:
    """A JSON list of keys, or (from a query string) keys separated by commas."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return value.split(",")
    if not isinstance(value, list):
        raise ValueError("keys must be a list")
    return [str(key) for key in value]


def handle(
    sb: Controlled, method: str, path: str, query: dict[str, str], body: bytes
) -> tuple[int, Any]:
    args: dict[str, Any] = dict(query)
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            return 400, {"error": "body must be a JSON object"}
        if not isinstance(parsed, dict):
            return 400, {"error": "body must be a JSON object"}
        args.update(parsed)
    action = path[len("/_sandbox/") :].strip("/")
    try:
        return _dispatch(sb, action, args)
    except (ValueError, TypeError, KeyError) as exc:
        return 400, {"error": str(exc) or type(exc).__name__}


def _dispatch(sb: Controlled, action: str, args: dict[str, Any]) -> tuple[int, Any]:
    tenant = args.get("tenant_id")
    if action == "health":
        return 200, {
            "status": "ok",
            "seed": sb.seed,
            "scale": sb.scale,
            "tenant_ids": sb.tenant_ids,
        }
    if action == "info":
        return 200, {
            "base_url": sb.base_url,
            "api_url": sb.api_url,
            "auth_url": sb.auth_url,
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
            "tenant_ids": sb.tenant_ids,
            "seed": sb.seed,
            "scale": sb.scale,
            "as_of": sb.as_of.isoformat(),
        }
    if action == "counters":
        return 200, sb.counters()
    if action in ("counters/reset", "reset"):
        sb.reset_counters()
        return 200, {"reset": True}
    if action.startswith("expected/"):
        return 200, {"records": sb.expected(action[len("expected/") :], tenant)}
    if action == "tap_config":
        return 200, sb.tap_config(args.get("flow", "client_credentials"), tenant)
    count, keys = int(args.get("count", 1)), _keys(args.get("keys"))
    if action == "touch":
        create = _bool(args.get("create"))
        year = _opt_int(args.get("year"))
        return 200, {"keys": sb.touch(args["resource"], count, tenant, create, year, keys)}
    if action == "delete":
        year = _opt_int(args.get("year"))
        return 200, {"keys": sb.delete(args["resource"], count, tenant, year, keys)}
    if action in ("remove_rows", "add_rows"):
        edit = sb.remove_rows if action == "remove_rows" else sb.add_rows
        rows = int(args.get("rows", 1))
        return 200, {"keys": edit(args["resource"], count, rows, keys=keys, tenant_id=tenant)}
    if action == "add_field":
        where = args.get("where", "detail")
        records = sb.add_field(args["resource"], args["name"], args.get("value"), where, tenant)
        return 200, {"records": records}
    if action in ("revoke_consent", "restore_consent"):
        if not tenant:
            raise ValueError("tenant_id is required")
        getattr(sb, action)(tenant)
        return 200, {"tenant_id": str(tenant), "consent": action == "restore_consent"}
    if action == "add_financial_year":
        return 200, {"id": sb.add_financial_year(tenant, int(args.get("vouchers", 0)))}
    if action == "inject":
        delay = args.get("delay")
        sb.inject(
            args["kind"],
            int(args.get("count", 1)),
            args.get("path_prefix"),
            _opt_int(args.get("status")),
            None if delay in (None, "") else float(delay),
        )
        return 200, {"injected": args["kind"]}
    if action == "set_now":
        when = args.get("now")
        sb.set_now(datetime.fromisoformat(when) if when else None)
        return 200, {"now": sb.clock.now_dt().isoformat()}
    if action == "rate_limit":
        sb.set_rate_limit(
            _bool(args.get("enabled", True)),
            int(args.get("requests", 25)),
            float(args.get("window_seconds", 5.0)),
        )
        return 200, {
            "enabled": sb.limiter.enabled,
            "requests": sb.limiter.requests,
            "window_seconds": sb.limiter.window,
        }
    if action == "token_lifetime":
        sb.set_token_lifetime(int(args["seconds"]))
        return 200, {"seconds": sb.oauth.lifetime}
    if action == "refresh_token":
        return 200, {"refresh_token": sb.new_refresh_token(tenant)}
    if action == "access_token":
        return 200, {"access_token": sb.new_access_token(tenant, _opt_int(args.get("lifetime")))}
    return 404, {"error": f"unknown control endpoint /_sandbox/{action}"}
