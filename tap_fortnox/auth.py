"""Fortnox access tokens: client credentials, rotating refresh token (with a token store), static.

``authenticator_for(config)`` builds the authenticator of the config's flow. The tap owns one per
run (per company, with many companies), so all of that run's streams use the same access token
and a single-use refresh token is rotated exactly once; runs that share a refresh token
coordinate through the token store's lock. It is a ``requests`` auth callable that sets
``Authorization: Bearer ...`` and renews the token shortly before it expires, or after
``invalidate(token)`` (a 401).

Error messages are one line and never contain a secret.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar

import jwt
import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.util.retry import Retry

from tap_fortnox.errors import never_connected, parse_error_body
from tap_fortnox.responses import get_ci, json_body, status_text
from tap_fortnox.sdk import override
from tap_fortnox.settings import (
    DEFAULT_AUTH_URL,
    DEFAULT_MAX_RETRIES,
    FLOW_ACCESS_TOKEN,
    FLOW_CLIENT_CREDENTIALS,
    FLOW_REFRESH_TOKEN,
    auth_flow,
    setting,
)
from tap_fortnox.token_store import TokenStore, TokenStoreError

DEFAULT_TOKEN_LIFETIME = 3600.0
RENEW_MARGIN_SECONDS = 60.0
TOKEN_TIMEOUT = (10.0, 30.0)  # connect, read


logger = logging.getLogger(__name__)


class AuthError(Exception):
    """An authentication problem, as one line a user can act on (no secrets)."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


# --------------------------------------------------------------------------------------------
# Helpers


def fingerprint(secret: str) -> str:
    """A stable, non-reversible name for a secret (for registry keys and the token store)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]


def tenant_id_from_jwt(token: str | None) -> str | None:
    """The ``tenantId`` claim of a Fortnox access token (JWT), read without verification."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    for key, value in claims.items():
        if re.sub(r"[^a-z]", "", str(key).lower()) == "tenantid" and value not in (None, ""):
            return str(value)
    return None


def _jwt_lifetime(token: str) -> float | None:
    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    return float(exp) - time.time() if isinstance(exp, (int, float)) else None


def _renew_margin(lifetime: float) -> float:
    """Renew about a minute early, but never eat most of a short (test) lifetime."""
    return min(RENEW_MARGIN_SECONDS, max(lifetime, 0.0) * 0.2)


def _bearer_value(token: str | None) -> str | None:
    if token and token.lower().startswith("bearer "):
        return token[7:].strip()
    return token


def describe_error_body(response: requests.Response) -> str:
    """One line from an OAuth ``{error, error_description}`` or a Fortnox ErrorInformation body."""
    details = parse_error_body(response)
    if details.code is None and not details.message:
        return status_text(response)
    return details.describe()


def _oauth_error_code(response: requests.Response) -> str | None:
    error = get_ci(json_body(response), "error")
    return error if isinstance(error, str) else None


class TokenRequestRejected(AuthError):
    """The token endpoint answered with an error status."""

    def __init__(self, message: str, status: int, oauth_error: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.oauth_error = oauth_error


# Client-credentials requests are idempotent: repeated on connection problems, 429 and 5xx.
# A single-use grant (refresh token, authorisation code) is repeated only when the connection
# failed before anything was sent: after a lost answer it may already be used up.
TOKEN_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


# Connections that fail outright are repeated this often at most (about 8 s), so a wrong
# auth_url ends the run quickly.
CONNECT_RETRIES = 4


def token_retry(idempotent: bool, retries: int, backoff_factor: float = 0.5) -> Retry:
    """The token endpoint's retry policy (urllib3), honouring Retry-After: `retries` repeats of
    an idempotent request (the run's max_retries less the first attempt)."""
    other = retries if idempotent else 0
    return Retry(
        total=max(retries, CONNECT_RETRIES),
        connect=CONNECT_RETRIES,
        read=other,
        status=other,
        other=other,
        backoff_factor=backoff_factor,
        backoff_max=8.0,
        backoff_jitter=0.25,
        status_forcelist=TOKEN_RETRY_STATUSES,
        allowed_methods=frozenset({"POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer is reported with its Fortnox error body
    )


class TokenEndpoint:
    """POSTs to ``{auth_url}/token`` with Basic client auth, on sessions of its own.

    ``retry=True`` (client credentials) uses a session that repeats connection problems, 429 and
    5xx with backoff; ``retry=False`` (single-use grants) one that repeats only connections that
    never reached the server.
    """

    def __init__(
        self,
        auth_url: str | None,
        client_id: str,
        client_secret: str,
        *,
        attempts: int = DEFAULT_MAX_RETRIES,
        backoff_factor: float = 0.5,
    ) -> None:
        self.url = (auth_url or DEFAULT_AUTH_URL).rstrip("/") + "/token"
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self._headers = {
            "Authorization": f"Basic {basic}",
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self._sessions = {
            idempotent: self._session(token_retry(idempotent, attempts - 1, backoff_factor))
            for idempotent in (True, False)
        }

    @staticmethod
    def _session(retry: Retry) -> requests.Session:
        session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def post(
        self,
        form: dict[str, str],
        *,
        what: str,
        retry: bool,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The token response as a dict with at least ``access_token``; AuthError otherwise."""
        try:
            response = self._sessions[retry].post(
                self.url,
                data=form,
                headers={**self._headers, **(headers or {})},
                timeout=TOKEN_TIMEOUT,
            )
        except requests.RequestException as exc:
            if never_connected(exc):
                raise AuthError(
                    f"{what} failed: cannot connect to the Fortnox token endpoint {self.url} "
                    f"({type(exc).__name__}); check auth_url"
                ) from None
            hint = (
                ""
                if retry
                else "; the single-use token may have been used up by the lost request: run "
                "again, and if Fortnox then answers invalid_grant, re-authorise with "
                "tap-fortnox-auth"
            )
            raise AuthError(
                f"{what} failed: no answer from the Fortnox token endpoint {self.url} "
                f"({type(exc).__name__}){hint}"
            ) from None
        status = response.status_code
        if status >= 400:
            raise TokenRequestRejected(
                f"{what} failed: Fortnox answered HTTP {status} ({describe_error_body(response)})",
                status,
                _oauth_error_code(response),
            )
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
            raise AuthError(
                f"{what} failed: the Fortnox token endpoint answered HTTP {status} "
                f"without an access_token"
            )
        return payload


def _expires_in(payload: Mapping[str, Any]) -> float:
    try:
        value = float(payload["expires_in"])
    except (KeyError, TypeError, ValueError):
        value = _jwt_lifetime(payload["access_token"]) or DEFAULT_TOKEN_LIFETIME
    return value


def token_store_record(
    client_id: str,
    payload: Mapping[str, Any],
    *,
    seeded_from: str | None = None,
    tenant_id: str | None = None,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The token store's content after a token response (refresh or authorisation code).

    ``seeded_from`` is the fingerprint of the refresh token the store started from (a configured
    ``refresh_token`` or the first token of a consent); a configured token with another fingerprint
    is a new consent and re-seeds the store.
    """
    access_token = payload["access_token"]
    refresh_token = payload.get("refresh_token") or (previous or {}).get("refresh_token")
    if not refresh_token:
        raise AuthError(
            "The Fortnox token response has no refresh_token (was access_type=offline?)"
        )
    return {
        "version": 1,
        "client_id": client_id,
        "refresh_token": refresh_token,
        "access_token": access_token,
        "expires_at": time.time() + _expires_in(payload),
        "tenant_id": tenant_id or tenant_id_from_jwt(access_token),
        "scope": payload.get("scope") or (previous or {}).get("scope"),
        "seeded_from": seeded_from or fingerprint(refresh_token),
        "refreshed_count": int((previous or {}).get("refreshed_count") or 0) + 1,
        "updated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


# --------------------------------------------------------------------------------------------
# Authenticators


def _attempts(config: Mapping[str, Any]) -> int:
    return int(config["max_retries"])


class FortnoxAuthenticator(AuthBase):
    """Bearer-token provider of one run; subclasses implement ``_new_token`` for one flow."""

    flow: ClassVar[str] = ""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._config_tenant_id = setting(config, "tenant_id")
        # A run uses it from one thread; threads that share one still get one token (tested).
        self._lock = threading.RLock()
        self._token: str | None = None
        self._renew_at = 0.0  # time.monotonic() after which the token is renewed
        self._rejected: set[str] = set()
        self.tokens_obtained = 0

    @override
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.get_token()}"
        return request

    def get_token(self) -> str:
        """A valid access token, renewed first if it is about to expire or was rejected."""
        with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                token, lifetime = self._new_token()
                self._token = token
                self._renew_at = time.monotonic() + lifetime - _renew_margin(lifetime)
            return self._token

    def invalidate(self, token: str | None) -> None:
        """Report a 401 for ``token``: the next call gets a new token (once per token value)."""
        token = _bearer_value(token)
        with self._lock:
            if token:
                self._rejected.add(token)
            if token is None or token == self._token:
                self._token = None

    @property
    def tenant_id(self) -> str | None:
        """The tenant id setting, else the access token's ``tenantId`` claim, else None."""
        if self._config_tenant_id:
            return self._config_tenant_id
        known = self._known_tenant_id()
        if known:
            return known
        return tenant_id_from_jwt(self.get_token())

    def _known_tenant_id(self) -> str | None:
        return None

    def _new_token(self) -> tuple[str, float]:
        """A fresh access token and its lifetime in seconds."""
        raise NotImplementedError


class ClientCredentialsAuthenticator(FortnoxAuthenticator):
    """Service account: POST grant_type=client_credentials with the TenantId header."""

    flow = FLOW_CLIENT_CREDENTIALS

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        self._endpoint = TokenEndpoint(
            setting(config, "auth_url"),
            str(setting(config, "client_id")),
            str(setting(config, "client_secret")),
            attempts=_attempts(config),
        )

    @override
    def _new_token(self) -> tuple[str, float]:
        try:
            payload = self._endpoint.post(
                {"grant_type": "client_credentials"},
                what="Client-credentials token request",
                retry=True,
                headers={"TenantId": str(self._config_tenant_id)},
            )
        except TokenRequestRejected as exc:
            if exc.status in (400, 401, 403):
                raise AuthError(
                    f"{exc}; check client_id, client_secret and tenant_id, and that the company "
                    f"has approved a service account for this app (`tap-fortnox-auth "
                    f"--service-account`)"
                ) from None
            raise
        self.tokens_obtained += 1
        lifetime = _expires_in(payload)
        logger.info("Obtained a Fortnox access token (client credentials, valid %.0f s)", lifetime)
        return payload["access_token"], lifetime


class RefreshTokenAuthenticator(FortnoxAuthenticator):
    """Authorization-code consent: rotate the single-use refresh token through the token store.

    Under the store's lock: re-read the store; reuse a still-valid access token another run already
    obtained; else refresh with the current refresh token and persist the rotated one BEFORE the new
    access token is used. A stored token wins over the configured ``refresh_token`` unless the
    configured one is new (not the token the store was seeded from), which means a new consent.
    """

    flow = FLOW_REFRESH_TOKEN

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        self._client_id = str(setting(config, "client_id"))
        self._endpoint = TokenEndpoint(
            setting(config, "auth_url"),
            self._client_id,
            str(setting(config, "client_secret")),
            attempts=_attempts(config),
        )
        self._configured = setting(config, "refresh_token")
        self._store = TokenStore(str(setting(config, "token_store_path")))
        self._reauth = f"run `tap-fortnox-auth --token-store {self._store.path}` to authorise again"
        self._failure: str | None = None

    @override
    def _known_tenant_id(self) -> str | None:
        try:
            state = self._store.read()
        except TokenStoreError:
            return None
        return setting(state, "tenant_id") if state else None

    @override
    def _new_token(self) -> tuple[str, float]:
        # A failed refresh is final for this run: asking again could send a token whose
        # refresh answer was lost (it may be used up), and would not help otherwise.
        if self._failure:
            raise AuthError(self._failure)
        try:
            with self._store.locked():
                return self._refresh_locked()
        except TokenStoreError as exc:
            self._failure = f"Token store error: {exc}"
        except AuthError as exc:
            self._failure = str(exc)
        raise AuthError(self._failure)

    def _refresh_locked(self) -> tuple[str, float]:
        state = self._store.read()
        refresh_token, seed, reusable = self._pick_refresh_token(state)
        if reusable and state:
            token = setting(state, "access_token")
            remaining = float(state.get("expires_at") or 0) - time.time()
            if token and token not in self._rejected and remaining > _renew_margin(remaining) + 1:
                logger.info("Using the still-valid access token from the token store")
                return token, remaining
        try:
            payload = self._endpoint.post(
                {"grant_type": "refresh_token", "refresh_token": refresh_token},
                what="Refresh-token request",
                retry=False,
            )
        except TokenRequestRejected as exc:
            if exc.oauth_error == "invalid_grant" or exc.status in (400, 401):
                raise AuthError(
                    f"{exc}: the refresh token was already used or has expired (Fortnox refresh "
                    f"tokens are single use and live 45 days); {self._reauth}"
                ) from None
            raise
        # Fortnox always rotates; should a response lack a new token, the used one stays current.
        payload = {**payload, "refresh_token": payload.get("refresh_token") or refresh_token}
        record = token_store_record(
            self._client_id,
            payload,
            seeded_from=seed,
            tenant_id=self._config_tenant_id,
            previous=state if reusable else None,
        )
        self._store.write(record)  # persisted before the new access token is ever used
        access_token, lifetime = payload["access_token"], _expires_in(payload)
        self.tokens_obtained += 1
        logger.info(
            "Obtained a Fortnox access token (refresh token rotated and saved to %s, valid %.0f s)",
            self._store.path,
            lifetime,
        )
        return access_token, lifetime

    def _pick_refresh_token(self, state: dict[str, Any] | None) -> tuple[str, str, bool]:
        """(refresh token to use, fingerprint of the store's seed token, stored state usable)."""
        configured = self._configured
        stored = setting(state, "refresh_token") if state else None
        if state and stored:
            owner = setting(state, "client_id")
            if owner and owner != self._client_id:
                raise AuthError(
                    f"The token store {self._store.path} holds tokens for a different client_id; "
                    f"use another token_store_path or {self._reauth}"
                )
            known = {state.get("seeded_from"), fingerprint(stored)}
            if configured is None or fingerprint(configured) in known:
                return stored, str(state.get("seeded_from") or fingerprint(stored)), True
            logger.info(
                "The configured refresh_token is not the one the token store was seeded from: "
                "treating it as a new consent and re-seeding the token store"
            )
        if configured is None:
            raise AuthError(
                f"The token store {self._store.path} holds no refresh token; {self._reauth}"
            )
        return configured, fingerprint(configured), False


class StaticTokenAuthenticator(FortnoxAuthenticator):
    """A fixed access token from the config; it cannot be renewed."""

    flow = FLOW_ACCESS_TOKEN

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        self._static = str(setting(config, "access_token"))

    @override
    def _new_token(self) -> tuple[str, float]:
        if self._static in self._rejected:
            raise AuthError(
                "Fortnox rejected the configured access_token (HTTP 401): it has expired or is "
                "invalid, and a static token cannot be renewed; use the client-credentials flow "
                "(client_id, client_secret, tenant_id) or the refresh-token flow"
            )
        return self._static, 10 * 365 * 86400.0


_FLOW_CLASSES: dict[str, type[FortnoxAuthenticator]] = {
    FLOW_CLIENT_CREDENTIALS: ClientCredentialsAuthenticator,
    FLOW_REFRESH_TOKEN: RefreshTokenAuthenticator,
    FLOW_ACCESS_TOKEN: StaticTokenAuthenticator,
}


def authenticator_for(config: Mapping[str, Any]) -> FortnoxAuthenticator:
    """The authenticator of the one flow the config sets up (ConfigError otherwise)."""
    return _FLOW_CLASSES[auth_flow(config)](config)
