"""TapFortnox: settings, config checks, the stream registry and the run's tenant id."""

from __future__ import annotations

import sys
import threading
from typing import Any
from urllib.parse import urlsplit

from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from tap_fortnox.auth import AuthError, validate_auth_config
from tap_fortnox.client import (
    DEFAULT_API_URL,
    DEFAULT_LOOKBACK_MINUTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_PAGE_SIZE,
    DEFAULT_TIMEOUT_SECONDS,
    FortnoxStream,
)
from tap_fortnox.errors import FortnoxAPIError, get_ci
from tap_fortnox.incremental import parse_timestamp
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.writer import FortnoxWriter

DEFAULT_AUTH_URL = "https://apps.fortnox.se/oauth-v1"


def _secret(name: str, title: str, description: str) -> th.Property:
    return th.Property(name, th.StringType, title=title, description=description, secret=True)


CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "client_id",
        th.StringType,
        title="Client ID",
        description="Client ID of your Fortnox app (Developer Portal).",
    ),
    _secret(
        "client_secret",
        "Client secret",
        "Client secret of your Fortnox app.",
    ),
    th.Property(
        "tenant_id",
        th.StringType,
        title="Tenant ID",
        description=(
            "The Fortnox company (tenant) id. With client_id and client_secret it selects the "
            "client-credentials flow (service account), the recommended setup; "
            "`tap-fortnox-auth --service-account` prints it. Every record carries it."
        ),
    ),
    _secret(
        "refresh_token",
        "Refresh token",
        "Refresh token of a user consent (refresh-token flow). Fortnox refresh tokens are single "
        "use: the tap rotates it and saves every new one to token_store_path.",
    ),
    th.Property(
        "token_store_path",
        th.StringType,
        title="Token store path",
        description=(
            "File where the refresh-token flow keeps the current (rotated) refresh token; a "
            "stored token wins over refresh_token on the next run."
        ),
    ),
    _secret(
        "access_token",
        "Access token",
        "A static access token (expires after an hour; for short tests).",
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        title="API URL",
        description="Base URL of the Fortnox API v3.",
    ),
    th.Property(
        "auth_url",
        th.StringType,
        default=DEFAULT_AUTH_URL,
        title="Auth URL",
        description="Base URL of Fortnox OAuth; the token endpoint is {auth_url}/token.",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description=(
            "Incremental streams read records modified at or after this date on their first "
            "sync (ISO 8601, e.g. 2024-01-01; without an offset it is Stockholm time). Unset: "
            "everything."
        ),
    ),
    th.Property(
        "rate_limit_requests",
        th.IntegerType,
        default=25,
        title="Rate limit requests",
        description=(
            "At most this many API requests in any rate_limit_window_seconds, shared by all "
            "streams of the run (Fortnox allows 25 per 5 seconds per app and company). 0 turns "
            "the tap's own limiter off."
        ),
    ),
    th.Property(
        "rate_limit_window_seconds",
        th.NumberType,
        default=5,
        title="Rate limit window seconds",
        description="The sliding window of rate_limit_requests, in seconds.",
    ),
    th.Property(
        "page_size",
        th.IntegerType,
        default=DEFAULT_PAGE_SIZE,
        title="Page size",
        description="Records per list request (`limit`; Fortnox allows at most 500).",
    ),
    th.Property(
        "lookback_minutes",
        th.IntegerType,
        default=DEFAULT_LOOKBACK_MINUTES,
        title="Lookback minutes",
        description=(
            "Overlap window: an incremental sync asks for records modified since the previous "
            "sync's start minus this many minutes, so nothing changed around the bookmark is "
            "missed (re-read records are de-duplicated by primary key)."
        ),
    ),
    th.Property(
        "fetch_details",
        th.BooleanType,
        default=True,
        title="Fetch details",
        description=(
            "Fetch each listed record's full detail (one request per record) for the streams "
            "whose list items are partial (customers, suppliers, articles, documents). Off: "
            "list fields only, much faster; document row streams then stay empty."
        ),
    ),
    th.Property(
        "list_only_streams",
        th.ArrayType(th.StringType),
        default=[],
        title="List-only streams",
        description="Streams that emit list items without fetching details (fetch_details "
        "for single streams).",
    ),
    th.Property(
        "emit_activate_version_messages",
        th.BooleanType,
        default=False,
        title="Emit ACTIVATE_VERSION messages",
        description=(
            "Full-table streams (registers read in full each sync) send ACTIVATE_VERSION "
            "messages, so a target that supports them drops rows deleted in Fortnox. "
            "Incremental streams and their row streams never send them."
        ),
    ),
    th.Property(
        "max_retries",
        th.IntegerType,
        default=DEFAULT_MAX_RETRIES,
        title="Max retries",
        description=(
            "Attempts per request on 429, 5xx, HTML error pages, timeouts and dropped "
            "connections (exponential backoff; Retry-After is honoured)."
        ),
    ),
    th.Property(
        "request_timeout_seconds",
        th.IntegerType,
        default=DEFAULT_TIMEOUT_SECONDS,
        title="Request timeout seconds",
        description="Seconds to wait for a Fortnox response before retrying.",
    ),
).to_dict()

# Bounds JSON Schema can express (the SDK reports violations as config errors).
for _name, _minimum in (
    ("rate_limit_requests", 0),
    ("rate_limit_window_seconds", 0.001),
    ("page_size", 1),
    ("lookback_minutes", 0),
    ("max_retries", 1),
    ("request_timeout_seconds", 1),
):
    CONFIG_SCHEMA["properties"][_name]["minimum"] = _minimum
CONFIG_SCHEMA["properties"]["page_size"]["maximum"] = 500


def _is_http_url(value: Any) -> bool:
    parts = urlsplit(str(value or "").strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def config_errors(config: dict[str, Any], stream_names: list[str]) -> list[str]:
    """One-line problems with a config that JSON Schema cannot see."""
    errors: list[str] = []
    try:
        validate_auth_config(config)
    except AuthError as exc:
        errors.append(str(exc))
    for name, example in (("api_url", DEFAULT_API_URL), ("auth_url", DEFAULT_AUTH_URL)):
        if name in config and not _is_http_url(config[name]):
            errors.append(
                f"Config error: {name} {repr(config[name])[:60]} is not an http(s) URL "
                f"(e.g. {example}); leave it unset for Fortnox itself"
            )
    start_date = config.get("start_date")
    if start_date not in (None, ""):
        try:
            parse_timestamp(str(start_date))
        except ValueError:
            errors.append(
                f"Config error: start_date {str(start_date)[:40]!r} is not an ISO 8601 date or "
                "date-time (e.g. 2024-01-01 or 2024-01-01T00:00:00Z)"
            )
    unknown = sorted(set(config.get("list_only_streams") or ()) - set(stream_names))
    if unknown:
        errors.append(
            f"Config error: list_only_streams names unknown streams: {', '.join(unknown)}"
        )
    return errors


class TapFortnox(Tap):
    """Singer tap for the Fortnox API v3."""

    name = "tap-fortnox"
    package_name = "tap-fortnox"
    config_jsonschema = CONFIG_SCHEMA
    message_writer_class = FortnoxWriter  # msgspec: several times faster than simplejson

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._tenant_id: str | None = None
        self._tenant_lock = threading.Lock()
        super().__init__(*args, **kwargs)
        if kwargs.get("validate_config", True):
            errors = config_errors(dict(self.config), [s.name for s in STREAM_TYPES])
            if errors:
                raise ConfigValidationError(
                    "Config validation failed", errors=errors, schema=self.config_jsonschema
                )

    def discover_streams(self) -> list[FortnoxStream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]

    # --- the run's tenant -----------------------------------------------------------------

    def tenant_id_for(self, stream: FortnoxStream) -> str:
        """The tenant id on every record: the setting, else the token's `tenantId` claim,
        else `DatabaseNumber` from /companyinformation (one request, once per run)."""
        if self._tenant_id is None:
            with self._tenant_lock:
                if self._tenant_id is None:
                    self._tenant_id = self._resolve_tenant_id(stream)
        return self._tenant_id

    def _resolve_tenant_id(self, stream: FortnoxStream) -> str:
        configured = str(self.config.get("tenant_id") or "").strip()
        if configured:
            return configured
        claimed = stream.authenticator.tenant_id
        if claimed:
            return str(claimed)
        try:
            body = stream.get_json("/companyinformation")
        except FortnoxAPIError as exc:
            raise FortnoxAPIError(
                f"The tenant id is unknown (no tenant_id setting, no tenantId claim in the token) "
                f"and reading it from /companyinformation failed: {exc}; set tenant_id"
            ) from None
        number = get_ci(get_ci(body, "CompanyInformation"), "DatabaseNumber")
        if number in (None, ""):
            raise FortnoxAPIError(
                "The tenant id is unknown: /companyinformation has no DatabaseNumber; set tenant_id"
            )
        self.logger.info("Tenant id %s (DatabaseNumber from /companyinformation)", number)
        return str(number)

    # --- command line ---------------------------------------------------------------------

    @classmethod
    def invoke(cls, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Run the tap; known failures end with one clear line instead of a traceback."""
        try:
            super().invoke(*args, **kwargs)
        except (AuthError, FortnoxAPIError) as exc:
            cls.logger.error("%s", exc)  # the message says it all; no traceback
            sys.exit(1)


if __name__ == "__main__":
    TapFortnox.cli()
