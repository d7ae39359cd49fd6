"""The tap's settings: defaults, the config schema, and the checks JSON Schema cannot express.

Every default URL and limit is defined here once. Every setting is of a kind Meltano can pass
from its `TAP_FORTNOX_*` environment variable (string, integer, boolean, array, object, date):
no `number` settings, which Meltano 4.4 turns into a Decimal it cannot serialise.

Which auth flow a config selects is decided here too (`auth_flow`), so the config check and the
authenticator can never disagree:

- `access_token`: a static token (nothing else of the other flows may be set);
- `refresh_token`: the refresh-token flow (needs `client_id`, `client_secret`, and
  `token_store_path` to keep the rotated token);
- otherwise `client_id` + `client_secret` + `tenant_id`: client credentials. A `token_store_path`
  beside them is not used by this flow and does not stand in its way (Meltano environments may
  preset one for users of the refresh-token flow);
- otherwise `token_store_path` alone (with client id and secret) resumes a refresh-token consent
  stored by `tap-fortnox-auth`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from singer_sdk import typing as th

from tap_fortnox.downloads import folder_problem
from tap_fortnox.incremental import parse_timestamp
from tap_fortnox.tenants import parse_shard

DEFAULT_API_URL = "https://api.fortnox.se/3"
DEFAULT_AUTH_URL = "https://apps.fortnox.se/oauth-v1"
# Fortnox allows 25 requests in any 5 seconds per app (client id) and company (tenant).
DEFAULT_RATE_LIMIT_REQUESTS = 25
DEFAULT_RATE_LIMIT_WINDOW_SECONDS = 5
MAX_PAGE_SIZE = 500  # Fortnox's maximum `limit`
DEFAULT_LOOKBACK_MINUTES = 5
# Time registrations carry no modification time and their list has no such filter: each sync
# reads again the registrations worked in this many days before the previous sync.
DEFAULT_TIME_REPORTING_LOOKBACK_DAYS = 62
DEFAULT_MAX_RETRIES = 8
DEFAULT_TIMEOUT_SECONDS = 60
# Companies read at once with tenant_ids: each is limited to 25 requests per 5 s by Fortnox, so
# the run's throughput grows with this until the machine's CPU is the limit.
DEFAULT_MAX_PARALLEL_TENANTS = 8

FLOW_CLIENT_CREDENTIALS = "client_credentials"
FLOW_REFRESH_TOKEN = "refresh_token"
FLOW_ACCESS_TOKEN = "access_token"
CLIENT_CREDENTIAL_SETTINGS = ("client_id", "client_secret", "tenant_id")
REFRESH_SETTINGS = ("client_id", "client_secret", "refresh_token", "token_store_path")
SECRET_SETTINGS = ("client_secret", "refresh_token", "access_token")


class ConfigError(Exception):
    """A config problem, as one line that names the settings involved (never their values)."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


def setting(config: Mapping[str, Any] | None, name: str) -> str | None:
    """A setting as a stripped string, or None when it is missing or empty."""
    value = (config or {}).get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _secret(name: str, title: str, description: str) -> th.Property[Any]:
    return th.Property(name, th.StringType, title=title, description=description, secret=True)


def _count(
    name: str, default: int, title: str, description: str, **bounds: int
) -> th.Property[Any]:
    return th.Property(
        name,
        th.IntegerType(**bounds),
        default=default,
        title=title,
        description=description,
    )


CONFIG_SCHEMA: dict[str, Any] = th.PropertiesList(
    th.Property(
        "client_id",
        th.StringType,
        title="Client ID",
        description="Client ID of your Fortnox app (Developer Portal).",
    ),
    _secret("client_secret", "Client secret", "Client secret of your Fortnox app."),
    th.Property(
        "tenant_id",
        # Fortnox's own `tenantId` claim is a number, and people paste it as one.
        th.OneOf(th.StringType, th.IntegerType),
        title="Tenant ID",
        description=(
            "The Fortnox company (tenant) id, a number or a string. With client_id and "
            "client_secret it selects the client-credentials flow (service account), the "
            "recommended setup; `tap-fortnox-auth --service-account` prints it. Every record "
            "carries it."
        ),
    ),
    th.Property(
        "tenant_ids",
        th.ArrayType(th.OneOf(th.StringType, th.IntegerType)),
        title="Tenant IDs",
        description=(
            "Many companies in one run (accounting bureaus, groups): the tenant ids, numbers or "
            "strings, each read with client credentials (client_id and client_secret) and its "
            "own token, rate limit and state, up to max_parallel_tenants at once. Instead of "
            "tenant_id."
        ),
    ),
    _count(
        "max_parallel_tenants",
        DEFAULT_MAX_PARALLEL_TENANTS,
        "Max parallel tenants",
        "With tenant_ids: how many companies are read at the same time (Fortnox limits each "
        "company on its own, so they do not slow each other down).",
        minimum=1,
    ),
    th.Property(
        "tenant_shard",
        th.StringType,
        title="Tenant shard",
        description=(
            'With tenant_ids: read only shard k of n, as "k/n" (e.g. "2/8"), for splitting '
            "many companies over workers. A tenant's shard depends only on its id, so it stays "
            "put when the list grows; give each shard its own Meltano state "
            "(`meltano run --state-id-suffix shard-2-of-8 ...`)."
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
            "stored token wins over refresh_token on the next run. Not used by the "
            "client-credentials flow (it may stay set)."
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
    _count(
        "rate_limit_requests",
        DEFAULT_RATE_LIMIT_REQUESTS,
        "Rate limit requests",
        "At most this many API requests in any rate_limit_window_seconds, shared by all "
        "streams of the run (Fortnox allows 25 per 5 seconds per app and company). 0 turns "
        "the tap's own limiter off.",
        minimum=0,
    ),
    _count(
        "rate_limit_window_seconds",
        DEFAULT_RATE_LIMIT_WINDOW_SECONDS,
        "Rate limit window seconds",
        "The sliding window of rate_limit_requests, in whole seconds.",
        minimum=1,
    ),
    _count(
        "page_size",
        MAX_PAGE_SIZE,
        "Page size",
        "Records per list request (`limit`; Fortnox allows at most 500).",
        minimum=1,
        maximum=MAX_PAGE_SIZE,
    ),
    _count(
        "lookback_minutes",
        DEFAULT_LOOKBACK_MINUTES,
        "Lookback minutes",
        "Overlap window: an incremental sync asks for records modified since the previous "
        "sync's start minus this many minutes, so nothing changed around the bookmark is "
        "missed (re-read records are de-duplicated by primary key).",
        minimum=0,
    ),
    _count(
        "time_reporting_lookback_days",
        DEFAULT_TIME_REPORTING_LOOKBACK_DAYS,
        "Time reporting lookback days",
        "Time registrations and article registrations have no modification filter, so an "
        "incremental sync reads again every registration worked (or purchased) this many days "
        "before the previous sync: edits made later to older registrations are caught by a full "
        "refresh only.",
        minimum=0,
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
        "voucher_rows_source",
        th.StringType,
        default="auto",
        allowed_values=["auto", "sie", "details"],
        title="Voucher rows source",
        description=(
            "Where voucher rows (the general ledger) come from: `auto` (default) reads each "
            "financial year's SIE 4 export, one request per year with changed vouchers, and "
            "falls back to the voucher details for a year whose file is refused or broken; "
            "`sie` makes that an error; `details` fetches every changed voucher's detail (one "
            "request per voucher). account_balances and period_balances always come from SIE."
        ),
    ),
    th.Property(
        "detect_deletes",
        th.BooleanType,
        default=True,
        title="Detect deletes",
        description=(
            "Report records deleted in Fortnox (registers, payments) and rows removed from "
            "edited documents as tombstones: records with the key and _sdc_deleted_at set. "
            "Costs one list request per 500 records per sync for incremental streams whose "
            "records can be deleted; nothing for the others."
        ),
    ),
    th.Property(
        "download_folder",
        th.StringType,
        title="Download folder",
        description=(
            "A folder on this machine to save the files of the archive and the inbox in "
            "(streams archive_files, inbox_files): each once, as <folder>/<tenant id>/<file "
            "id>, with the record's local_path and sha256 set. Files saved by an earlier run "
            "are not fetched again. Unset: metadata only."
        ),
    ),
    th.Property(
        "download_invoice_pdfs",
        th.BooleanType,
        default=False,
        title="Download invoice PDFs",
        description=(
            "With download_folder: save each invoice's PDF once, as <folder>/<tenant id>/"
            "invoices/<document number>.pdf (the invoices stream's pdf_local_path and "
            "pdf_sha256), through Fortnox's preview, which marks nothing (print would mark the "
            "invoice printed). One request per invoice not downloaded before."
        ),
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
    _count(
        "max_retries",
        DEFAULT_MAX_RETRIES,
        "Max retries",
        "Attempts per request on 429, 5xx, HTML error pages, timeouts and dropped connections "
        "(exponential backoff; Retry-After is honoured). A first request that cannot connect "
        "at all is given up after about 20 seconds: api_url is then wrong or unreachable.",
        minimum=1,
    ),
    _count(
        "request_timeout_seconds",
        DEFAULT_TIMEOUT_SECONDS,
        "Request timeout seconds",
        "Seconds to wait for a Fortnox response before retrying.",
        minimum=1,
    ),
).to_dict()


# --- which auth flow ----------------------------------------------------------------------


def _missing(present: str, missing: list[str], flow: str, needs: tuple[str, ...]) -> str:
    noun = "is" if len(missing) == 1 else "are"
    return (
        f"Config error: {present} is set but {' and '.join(missing)} {noun} missing "
        f"({flow} flow needs {', '.join(needs)})"
    )


def auth_flow(config: Mapping[str, Any]) -> str:
    """The one auth flow the config sets up completely (see the module doc).

    Raises ConfigError naming the settings involved (never their values).
    """
    has = {
        name: setting(config, name) is not None
        for name in (*CLIENT_CREDENTIAL_SETTINGS, *REFRESH_SETTINGS, "access_token")
    }
    if config.get("tenant_ids"):
        return _many_companies_flow(has)
    if has["access_token"]:
        others = [n for n in ("refresh_token", "token_store_path", "client_secret") if has[n]]
        if others:
            raise ConfigError(
                f"Config error: access_token and {' and '.join(others)} are both set; they "
                "belong to different auth flows, remove the ones you do not use (a static "
                "access_token needs no client_secret, refresh_token or token_store_path)"
            )
        return FLOW_ACCESS_TOKEN
    client_credentials = all(has[n] for n in CLIENT_CREDENTIAL_SETTINGS)
    if has["refresh_token"] or (has["token_store_path"] and not client_credentials):
        missing = [n for n in REFRESH_SETTINGS if not has[n] and n != "refresh_token"]
        if missing:
            present = "refresh_token" if has["refresh_token"] else "token_store_path"
            message = _missing(present, missing, "refresh-token", REFRESH_SETTINGS)
            if "token_store_path" in missing:
                message += (
                    "; token_store_path is the file where the tap saves every rotated refresh "
                    "token (Fortnox refresh tokens are single use)"
                )
            raise ConfigError(message)
        return FLOW_REFRESH_TOKEN
    given = [n for n in CLIENT_CREDENTIAL_SETTINGS if has[n]]
    if not given:
        raise ConfigError(
            "Config error: no Fortnox credentials: set client_id, client_secret and tenant_id "
            "(service account, client-credentials flow), or client_id, client_secret, "
            "refresh_token and token_store_path (refresh-token flow), or access_token; "
            "`tap-fortnox-auth` sets them up"
        )
    missing = [n for n in CLIENT_CREDENTIAL_SETTINGS if not has[n]]
    if missing:
        message = _missing(given[-1], missing, "client-credentials", CLIENT_CREDENTIAL_SETTINGS)
        if missing == ["tenant_id"]:
            message += (
                "; `tap-fortnox-auth --service-account` prints the tenant id, or set "
                "refresh_token and token_store_path for the refresh-token flow"
            )
        raise ConfigError(message)
    return FLOW_CLIENT_CREDENTIALS


def _many_companies_flow(has: Mapping[str, bool]) -> str:
    others = [n for n in ("tenant_id", "refresh_token", "access_token") if has[n]]
    if others:
        raise ConfigError(
            f"Config error: tenant_ids and {' and '.join(others)} are both set; tenant_ids reads "
            "every listed company with client credentials (client_id, client_secret), so "
            f"remove {' and '.join(others)}"
        )
    missing = [n for n in ("client_id", "client_secret") if not has[n]]
    if missing:
        raise ConfigError(
            f"Config error: tenant_ids is set but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing (many companies are read with "
            "client credentials: client_id, client_secret, tenant_ids)"
        )
    return FLOW_CLIENT_CREDENTIALS


# --- the other checks -----------------------------------------------------------------------


def _is_http_url(value: Any) -> bool:
    parts = urlsplit(str(value or "").strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _url_error(name: str, value: Any, example: str) -> str:
    text = str(value) if value is not None else ""
    hint = "leave it unset for Fortnox itself"
    if text.startswith(("/", ":")) or "${" in text:
        # What a meltano.yml entry such as `${FORTNOX_SANDBOX_URL}/3` becomes when the
        # variable is not set.
        hint = (
            "it looks like an environment variable in it is not set (the sandbox environment "
            "needs FORTNOX_SANDBOX_URL, e.g. http://127.0.0.1:8765)"
        )
    return f"Config error: {name} {repr(value)[:60]} is not an http(s) URL (e.g. {example}); {hint}"


def config_errors(config: Mapping[str, Any], stream_names: Iterable[str]) -> list[str]:
    """One-line problems with a config that its JSON schema cannot see."""
    errors: list[str] = [
        f"Config error: {name} is null; remove it to use the default {default!r}"
        for name, default in DEFAULTS.items()
        if name in config and config[name] is None
    ]
    try:
        flow = auth_flow(config)
    except ConfigError as exc:
        errors.append(str(exc))
    else:
        store = setting(config, "token_store_path")
        if flow == FLOW_REFRESH_TOKEN and not setting(config, "refresh_token"):
            path = Path(str(store)).expanduser()
            if not (path.is_file() and path.stat().st_size > 0):
                errors.append(
                    f"Config error: token_store_path is set but refresh_token is missing and "
                    f"the token store {path} does not exist (run `tap-fortnox-auth "
                    f"--token-store {path}` to authorise, or set refresh_token)"
                )
    for name, example in (("api_url", DEFAULT_API_URL), ("auth_url", DEFAULT_AUTH_URL)):
        if config.get(name) is not None and not _is_http_url(config[name]):
            errors.append(_url_error(name, config[name], example))
    start_date = config.get("start_date")
    if start_date not in (None, ""):
        try:
            parse_timestamp(str(start_date))
        except ValueError:
            errors.append(
                f"Config error: start_date {str(start_date)[:40]!r} is not an ISO 8601 date or "
                "date-time (e.g. 2024-01-01 or 2024-01-01T00:00:00Z)"
            )
    shard = config.get("tenant_shard")
    if shard not in (None, ""):
        try:
            parse_shard(str(shard))
        except ValueError:
            errors.append(
                f'Config error: tenant_shard {str(shard)[:20]!r} is not "k/n" with '
                '1 <= k <= n (e.g. "2/8" for the second of eight shards)'
            )
        if not config.get("tenant_ids"):
            errors.append("Config error: tenant_shard is set but tenant_ids is not")
    blank = [v for v in config.get("tenant_ids") or () if not str(v).strip()]
    if blank:
        errors.append("Config error: tenant_ids holds an empty tenant id")
    folder = config.get("download_folder")
    problem = folder_problem(folder) if folder not in (None, "") else None
    if problem:
        errors.append(f"Config error: download_folder {str(folder)[:80]!r}: {problem}")
    if config.get("download_invoice_pdfs") and folder in (None, ""):
        errors.append("Config error: download_invoice_pdfs is on but download_folder is not set")
    unknown = sorted(set(config.get("list_only_streams") or ()) - set(stream_names))
    if unknown:
        errors.append(
            f"Config error: list_only_streams names unknown streams: {', '.join(unknown)}"
        )
    return errors


# The code reads a setting with a default as `config[name]`: the SDK fills in what is absent,
# and the check above refuses an explicit null, so no second round of defaults is needed.
DEFAULTS: dict[str, Any] = {
    name: prop["default"] for name, prop in CONFIG_SCHEMA["properties"].items() if "default" in prop
}


_DECIMAL = re.compile(r"Decimal\('([^']*)'\)")


def schema_error(message: str) -> str:
    """The SDK's JSON Schema message ("5 is not of type 'string' in config['x']") as a config
    error that names the setting first."""
    message = _DECIMAL.sub(r"\1", message)  # config files are read with Decimal numbers
    head, marker, path = message.rpartition(" in config[")
    if not marker:
        return f"Config error: {message}"
    name = path.rstrip("]").replace("'][", ".").strip("'")
    return f"Config error: {name}: {head}"
