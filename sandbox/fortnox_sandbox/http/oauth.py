"""Fortnox OAuth 2 at /oauth-v1: client credentials with a TenantId header, authorization code,
single-use rotating refresh tokens, revocation, and HS256 JWT access tokens. A tenant's consent
can be revoked (and given again): its tokens stop working, and it gets no new ones meanwhile.

Access tokens carry the claims Fortnox's carry (tenantId as an int, clientId, scope, iat, exp,
jti). Expiry is judged by the sandbox clock, so tests can pin the clock and watch tokens expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from fortnox_sandbox.model.clock import Clock

from .errors import oauth_error

REFRESH_LIFETIME = 45 * 86400  # Fortnox: refresh tokens live 45 days
CODE_LIFETIME = 600  # authorization codes live 10 minutes


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TokenInfo:
    tenant_id: str
    client_id: str
    scopes: frozenset[str]
    jti: str


@dataclass
class Reply:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


class OAuth:
    def __init__(
        self,
        clock: Clock,
        client_id: str,
        client_secret: str,
        tenant_ids: list[str],
        scopes: tuple[str, ...],
        lifetime: int = 3600,
    ) -> None:
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.tenant_ids = tenant_ids
        self.scopes = scopes
        self.lifetime = lifetime
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._refresh: dict[str, tuple[str, str, float]] = {}  # token -> (tenant, scope, expiry)
        self._codes: dict[
            str, tuple[str, str, str, float]
        ] = {}  # code -> (tenant, scope, uri, exp)
        self._revoked: set[str] = set()  # revoked access-token jtis
        self._issued: dict[str, dict[str, float]] = {}  # tenant -> unexpired jti -> expiry
        self._no_consent: set[str] = set()  # tenants whose consent is revoked

    # -- tokens
    def access_token(
        self, tenant_id: str, scope: str | None = None, lifetime: int | None = None
    ) -> str:
        now = int(self.clock.now())
        jti = secrets.token_hex(12)
        claims = {
            "tenantId": int(tenant_id),
            "clientId": self.client_id,
            "scope": scope if scope is not None else " ".join(self.scopes),
            "authSource": "OAUTH2",
            "iat": now,
            "exp": now + (self.lifetime if lifetime is None else lifetime),
            "jti": jti,
        }
        with self._lock:
            issued = self._issued.setdefault(tenant_id, {})
            for old in [j for j, exp in issued.items() if exp <= now]:
                del issued[old]  # expired: nothing to revoke
            issued[jti] = claims["exp"]
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}".encode("ascii")
        signature = _b64(hmac.new(self._key, signing_input, hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}"

    def verify(self, token: str) -> TokenInfo | None:
        """The token's claims if it is ours, unexpired and not revoked; else None."""
        try:
            header, payload, signature = token.split(".")
            expected = hmac.new(self._key, f"{header}.{payload}".encode("ascii"), hashlib.sha256)
            if not hmac.compare_digest(_b64(expected.digest()), signature):
                return None
            claims = json.loads(_unb64(payload))
        except (ValueError, TypeError):
            return None
        if claims.get("exp", 0) <= self.clock.now() or claims.get("jti") in self._revoked:
            return None
        if str(claims.get("tenantId")) in self._no_consent:
            return None
        return TokenInfo(
            str(claims["tenantId"]),
            claims["clientId"],
            frozenset(claims["scope"].split()),
            claims["jti"],
        )

    def refresh_token(self, tenant_id: str, scope: str | None = None) -> str:
        token = secrets.token_hex(20)
        with self._lock:
            self._refresh[token] = (
                tenant_id,
                scope if scope is not None else " ".join(self.scopes),
                self.clock.now() + REFRESH_LIFETIME,
            )
        return token

    def authorization_code(self, tenant_id: str, scope: str, redirect_uri: str) -> str:
        code = secrets.token_hex(16)
        with self._lock:
            self._codes[code] = (tenant_id, scope, redirect_uri, self.clock.now() + CODE_LIFETIME)
        return code

    # -- consent
    def revoke_consent(self, tenant_id: str) -> None:
        """The company withdraws its consent: its access tokens, refresh tokens and codes stop
        working for good, and the token endpoint refuses it until `restore_consent`."""
        with self._lock:
            self._no_consent.add(tenant_id)
            self._revoked.update(self._issued.pop(tenant_id, {}))
            for store in (self._refresh, self._codes):
                for token in [t for t, entry in store.items() if entry[0] == tenant_id]:
                    del store[token]

    def restore_consent(self, tenant_id: str) -> None:
        """The company consents again: new tokens work (the old ones stay revoked)."""
        with self._lock:
            self._no_consent.discard(tenant_id)

    def has_consent(self, tenant_id: str) -> bool:
        return tenant_id in self.tenant_ids and tenant_id not in self._no_consent

    # -- endpoints
    def _client_ok(self, authorization: str | None) -> bool:
        if not authorization or not authorization.lower().startswith("basic "):
            return False
        try:
            decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return False
        client_id, _, secret = decoded.partition(":")
        return hmac.compare_digest(client_id, self.client_id) and hmac.compare_digest(
            secret, self.client_secret
        )

    def _grant(self, tenant_id: str, scope: str, with_refresh: bool) -> Reply:
        body = {
            "access_token": self.access_token(tenant_id, scope),
            "scope": scope,
            "expires_in": self.lifetime,
            "token_type": "bearer",
        }
        if with_refresh:
            body["refresh_token"] = self.refresh_token(tenant_id, scope)
        return Reply(200, json.dumps(body).encode("utf-8"))

    def token(
        self, form: dict[str, str], authorization: str | None, tenant_header: str | None
    ) -> Reply:
        """POST /oauth-v1/token."""
        if not self._client_ok(authorization):
            return Reply(401, oauth_error("invalid_client", "Invalid client credentials"))
        grant = form.get("grant_type", "")
        now = self.clock.now()
        if grant == "client_credentials":
            tenant = (tenant_header or "").strip()
            if not self.has_consent(tenant):
                # [U] the real description; an unknown tenant and a revoked consent look alike
                description = "Missing or unknown TenantId header (no consent)"
                return Reply(400, oauth_error("invalid_request", description))
            return self._grant(tenant, " ".join(self.scopes), with_refresh=False)
        if grant == "refresh_token":
            with self._lock:
                entry = self._refresh.pop(form.get("refresh_token", ""), None)
            if entry is None or entry[2] <= now or not self.has_consent(entry[0]):
                return Reply(400, oauth_error("invalid_grant", "Invalid refresh token"))
            return self._grant(entry[0], entry[1], with_refresh=True)
        if grant == "authorization_code":
            with self._lock:
                entry_code = self._codes.pop(form.get("code", ""), None)
            if entry_code is None or entry_code[3] <= now or not self.has_consent(entry_code[0]):
                return Reply(400, oauth_error("invalid_grant", "Invalid authorization code"))
            tenant, scope, uri, _ = entry_code
            if uri and form.get("redirect_uri", uri) != uri:
                return Reply(400, oauth_error("invalid_grant", "redirect_uri does not match"))
            return self._grant(tenant, scope, with_refresh=True)
        return Reply(
            400, oauth_error("unsupported_grant_type", f"Unsupported grant_type {grant!r}")
        )

    def authorize(self, query: dict[str, str]) -> Reply:
        """GET /oauth-v1/auth: consent is simulated as given at once, then redirect with a code.

        Sandbox extension: `tenant_id=<id>` chooses which company consents (default: the first).
        """
        if query.get("client_id") != self.client_id:
            return Reply(400, oauth_error("invalid_client", "Unknown client_id"))
        if query.get("response_type", "code") != "code":
            return Reply(
                400, oauth_error("unsupported_response_type", "response_type must be code")
            )
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri:
            return Reply(400, oauth_error("invalid_request", "redirect_uri is required"))
        tenant = query.get("tenant_id") or self.tenant_ids[0]
        if tenant not in self.tenant_ids:
            return Reply(400, oauth_error("invalid_request", "Unknown tenant_id"))
        if not self.has_consent(tenant):  # a revoked consent comes back by restore_consent
            return Reply(400, oauth_error("access_denied", "The company's consent is revoked"))
        requested = query.get("scope", "").replace(",", " ").split()
        scope = " ".join(s for s in requested if s in self.scopes) or " ".join(self.scopes)
        code = self.authorization_code(tenant, scope, redirect_uri)
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        parts = urlsplit(redirect_uri)
        joined = "&".join(filter(None, (parts.query, urlencode(params))))
        location = urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))
        return Reply(302, b"", (("Location", location),))

    def revoke(self, form: dict[str, str], authorization: str | None) -> Reply:
        """POST /oauth-v1/revoke: a refresh token (or an access token) stops working."""
        if not self._client_ok(authorization):
            return Reply(401, oauth_error("invalid_client", "Invalid client credentials"))
        token = form.get("token", "")
        with self._lock:
            revoked = self._refresh.pop(token, None) is not None
        info = self.verify(token) if not revoked else None
        if info is not None:
            self._revoked.add(info.jti)
            revoked = True
        return Reply(200, json.dumps({"revoked": revoked}).encode("utf-8"))


def parse_form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
