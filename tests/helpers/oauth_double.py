"""The tests' one Fortnox token endpoint double (`/oauth-v1/token`), for the fault cases the
sandbox does not model: the authenticator's tests and the unit Fortnox (tests/unit/fake_fortnox.py)
use it.

It issues JWT access tokens (with a tenantId claim) and single-use refresh tokens like Fortnox,
remembers which access tokens are valid (an API double checks them), and can be told to answer
the next requests with an error status or to drop the connection.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time

import jwt
from werkzeug import Request, Response
from werkzeug.datastructures import Headers

from tests.helpers import http_double

CLIENT_ID = "unit-client"
CLIENT_SECRET = "unit-secret-" + "s3cr3t" * 4
SIGNING_KEY = "unit-test-signing-key-of-sufficient-length"


class FakeOAuth:
    def __init__(self, lifetime: float = 3600, tenant_id: str = "7654321") -> None:
        self.lifetime = lifetime
        self.tenant_id = tenant_id
        self.requests: list[dict] = []
        self.script: list[tuple[str, object]] = []  # ("status", (code, body)) | ("drop", None)
        self.valid_refresh: set[str] = set()
        self.codes: set[str] = set()
        self.issued: list[str] = []  # every access token, in order
        self.valid_tokens: set[str] = set()  # the access tokens an API double accepts
        self.delay = 0.0
        self.lock = threading.Lock()
        self.server = http_double.serve(self.handle)
        self.auth_url = http_double.base_url(self.server) + "/oauth-v1"

    def new_refresh_token(self) -> str:
        token = "rt-" + secrets.token_urlsafe(16)
        self.valid_refresh.add(token)
        return token

    def _access_token(self, tenant: str) -> str:
        claims = {
            "tenantId": int(tenant),
            "exp": int(time.time() + self.lifetime),
            "jti": secrets.token_hex(8),
        }
        token = jwt.encode(claims, SIGNING_KEY, algorithm="HS256")
        with self.lock:
            self.issued.append(token)
            self.valid_tokens.add(token)
        return token

    def handle(self, request: Request) -> Response:
        form = request.form.to_dict()
        with self.lock:
            self.requests.append({"form": form, "headers": Headers(request.headers)})
            step = self.script.pop(0) if self.script else None
        if self.delay:
            time.sleep(self.delay)
        if step and step[0] == "drop":
            # consume the refresh token like a server whose answer got lost on the way back
            self.valid_refresh.discard(form.get("refresh_token"))
            return http_double.drop(request)
        if step and step[0] == "status":
            code, body = step[1]
            return http_double.reply(code, body)
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return http_double.reply(
                401,
                {"error": "invalid_client", "error_description": "bad client credentials"},
            )
        grant = form.get("grant_type")
        if grant == "client_credentials":
            tenant = request.headers.get("TenantId") or ""
            body = {
                "access_token": self._access_token(tenant),
                "expires_in": self.lifetime,
                "token_type": "bearer",
                "scope": "invoice",
            }
            return http_double.reply(200, body)
        if grant == "refresh_token":
            with self.lock:
                token = form.get("refresh_token")
                if token not in self.valid_refresh:
                    return http_double.reply(
                        400,
                        {"error": "invalid_grant", "error_description": "Invalid refresh token"},
                    )
                self.valid_refresh.discard(token)
                new = self.new_refresh_token()
            body = {
                "access_token": self._access_token(self.tenant_id),
                "refresh_token": new,
                "expires_in": self.lifetime,
                "token_type": "bearer",
                "scope": "invoice",
            }
            return http_double.reply(200, body)
        if grant == "authorization_code" and form.get("code") in self.codes:
            self.codes.discard(form["code"])
            body = {
                "access_token": self._access_token(self.tenant_id),
                "refresh_token": self.new_refresh_token(),
                "expires_in": self.lifetime,
            }
            return http_double.reply(200, body)
        return http_double.reply(400, {"error": "invalid_grant"})

    def revoke_all_tokens(self) -> None:
        """Every access token issued so far stops working (an API double answers 401)."""
        with self.lock:
            self.valid_tokens.clear()

    def grants(self) -> list[str]:
        return [r["form"].get("grant_type") for r in self.requests]

    def close(self) -> None:
        http_double.stop(self.server)
