"""A tiny scripted Fortnox token endpoint for unit tests of fault cases the sandbox does not model.

It issues JWT access tokens (with a tenantId claim) and single-use refresh tokens like Fortnox, and
can be told to answer the next requests with an error status or to drop the connection.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt

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
        self.issued: list[str] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                fake.handle(self, form)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.auth_url = f"http://127.0.0.1:{self.server.server_address[1]}/oauth-v1"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

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
        self.issued.append(token)
        return token

    def handle(self, handler: BaseHTTPRequestHandler, form: dict) -> None:
        with self.lock:
            self.requests.append({"form": form, "headers": dict(handler.headers)})
            step = self.script.pop(0) if self.script else None
        if self.delay:
            time.sleep(self.delay)
        if step and step[0] == "drop":
            # consume the refresh token like a server whose answer got lost on the way back
            self.valid_refresh.discard(form.get("refresh_token"))
            handler.close_connection = True
            handler.connection.shutdown(2)
            return None
        if step and step[0] == "status":
            code, body = step[1]
            return self._send(handler, code, body)
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            return self._send(
                handler,
                401,
                {"error": "invalid_client", "error_description": "bad client credentials"},
            )
        grant = form.get("grant_type")
        if grant == "client_credentials":
            tenant = handler.headers.get("TenantId") or ""
            body = {
                "access_token": self._access_token(tenant),
                "expires_in": self.lifetime,
                "token_type": "bearer",
                "scope": "invoice",
            }
            return self._send(handler, 200, body)
        if grant == "refresh_token":
            with self.lock:
                token = form.get("refresh_token")
                if token not in self.valid_refresh:
                    return self._send(
                        handler,
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
            return self._send(handler, 200, body)
        if grant == "authorization_code" and form.get("code") in self.codes:
            self.codes.discard(form["code"])
            body = {
                "access_token": self._access_token(self.tenant_id),
                "refresh_token": self.new_refresh_token(),
                "expires_in": self.lifetime,
            }
            return self._send(handler, 200, body)
        return self._send(handler, 400, {"error": "invalid_grant"})

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, code: int, body: object) -> None:
        data = json.dumps(body).encode()
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def grants(self) -> list[str]:
        return [r["form"].get("grant_type") for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
