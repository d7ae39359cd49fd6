"""`tap-fortnox-auth`: the one-time Fortnox consent that a new user of the tap must give.

It sends the user (a company administrator) to Fortnox's consent page, catches the redirect on a
local callback server (or takes a pasted code / redirect URL), checks the ``state``, exchanges the
code for tokens, reads the tenant id from the access token, and prints the tap settings:

- ``--service-account``: client_id and tenant_id for the client-credentials flow (no token kept);
- otherwise: writes the rotating refresh token to the token store and prints token_store_path.

Secrets are never printed: the client secret appears only as a placeholder.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import sys
import threading
import webbrowser
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests

from tap_fortnox.auth import (
    AuthError,
    TokenEndpoint,
    describe_error_body,
    fingerprint,
    tenant_id_from_jwt,
    token_store_record,
)
from tap_fortnox.sdk import override
from tap_fortnox.settings import DEFAULT_API_URL, DEFAULT_AUTH_URL
from tap_fortnox.streams import stream_scopes
from tap_fortnox.token_store import TokenStore, TokenStoreError

DEFAULT_REDIRECT_URI = "http://localhost:8765/callback"
# The one default name of the token store (also in meltano.yml's prod environment and the docs).
DEFAULT_TOKEN_STORE = ".secrets/fortnox-token.json"
SECRET_PLACEHOLDER = "<your Fortnox client secret>"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


EXAMPLES = f"""examples:
  # a service account (client credentials, recommended): prints client_id and tenant_id
  export TAP_FORTNOX_CLIENT_ID=... TAP_FORTNOX_CLIENT_SECRET=...
  tap-fortnox-auth --service-account --output yaml

  # a user consent whose rotating refresh token the tap keeps in a token store
  tap-fortnox-auth --token-store {DEFAULT_TOKEN_STORE}

Register the redirect URI ({DEFAULT_REDIRECT_URI} by default) for your app in the Fortnox
Developer Portal first. Settings: tap-fortnox --about. Guide: docs/authentication.md.
"""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Each option's default where it has one; the examples as written."""

    @override
    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "default" in text:
            return text
        return f"{text} (default: %(default)s)"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tap-fortnox-auth",
        description="Give tap-fortnox access to a Fortnox company (one-time OAuth consent) and "
        "print the settings for meltano.yml or .env.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--client-id", help="the app's client id (env TAP_FORTNOX_CLIENT_ID)")
    parser.add_argument(
        "--client-secret",
        help="the app's client secret (better: env TAP_FORTNOX_CLIENT_SECRET, else it is prompted)",
    )
    parser.add_argument("--auth-url", default=DEFAULT_AUTH_URL, help="Fortnox OAuth base URL")
    parser.add_argument(
        "--api-url", default=DEFAULT_API_URL, help="Fortnox API URL (tenant id fallback)"
    )
    parser.add_argument(
        "--redirect-uri",
        default=DEFAULT_REDIRECT_URI,
        help="redirect URI registered for the app in the Fortnox Developer Portal; a localhost "
        "URI is served here to catch the code (port 0 picks a free port)",
    )
    parser.add_argument(
        "--service-account",
        action="store_true",
        help="create a service account (account_type=service) for the client-credentials flow",
    )
    parser.add_argument("--scopes", help="space- or comma-separated Fortnox scopes to request")
    parser.add_argument(
        "--streams",
        "--select",
        dest="streams",
        help="comma-separated tap stream names; the scopes are derived from them "
        "(default: every stream except payroll, warehouse and time reporting)",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="print the URL instead of opening a browser"
    )
    parser.add_argument(
        "--paste-code",
        action="store_true",
        help="read the code or the whole redirect URL from stdin instead of a callback server",
    )
    parser.add_argument(
        "--token-store",
        default=None,
        help=f"token store file for the refresh-token flow (default: {DEFAULT_TOKEN_STORE})",
    )
    parser.add_argument(
        "--output",
        choices=("env", "yaml", "json", "tenant-id"),
        default="env",
        help="settings as env vars, meltano.yml or JSON; tenant-id: only the company's tenant id "
        "(to add it to tenant_ids)",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds to wait for the consent"
    )
    return parser.parse_args(argv)


ADD_ON_SCOPES = frozenset({"salary", "warehouse", "timereporting"})


def scopes_for(args: argparse.Namespace) -> list[str]:
    """The requested scopes: explicit --scopes, else those of the chosen (or all) streams."""
    if args.scopes:
        return sorted({s for s in args.scopes.replace(",", " ").split() if s})
    # Default: every stream but those of add-on licences few companies hold (payroll, Lager,
    # Tid), so the default consent asks for nothing the company may lack; their streams are
    # then skipped with a warning naming the scope, and `--streams` asks for them.
    scopes = stream_scopes()
    names = [n.strip() for n in (args.streams or "").split(",") if n.strip()] or [
        n for n, scope in scopes.items() if scope not in ADD_ON_SCOPES
    ]
    unknown = [n for n in names if n not in scopes]
    if unknown:
        raise AuthError(
            f"unknown stream(s) {', '.join(unknown)} in --streams (known: "
            f"{', '.join(sorted(scopes))})"
        )
    return sorted({scopes[n] for n in names})


def authorization_url(
    auth_url: str, client_id: str, redirect_uri: str, scopes: list[str], state: str, service: bool
) -> str:
    params = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
        "access_type": "offline",
        "response_type": "code",
    }
    if service:
        params["account_type"] = "service"
    return f"{auth_url.rstrip('/')}/auth?{urlencode(params)}"


class _Callback:
    """A one-shot local HTTP server that receives Fortnox's redirect with ?code=&state=."""

    def __init__(self, redirect_uri: str) -> None:
        parts = urlsplit(redirect_uri)
        host = parts.hostname or "localhost"
        self.path = parts.path or "/"
        self.result: dict[str, str] | None = None
        self.done = threading.Event()
        callback = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != callback.path:
                    self.send_error(404)
                    return
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                ok = "code" in params
                body = (
                    "tap-fortnox: consent received, you can close this window."
                    if ok
                    else "tap-fortnox: no authorisation code in this request."
                ).encode()
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if ok or "error" in params:
                    callback.result = params
                    callback.done.set()

            @override
            def log_message(self, format: str, *args: Any) -> None:
                pass  # the query holds the code: keep it out of the terminal

        wanted = 80 if parts.port is None else parts.port  # 0: a free port (not `or 80`)
        try:
            self.server = HTTPServer((host, wanted), Handler)
        except OSError as exc:
            raise AuthError(
                f"cannot listen on {host}:{wanted} for the redirect ({exc.strerror}); "
                f"use --redirect-uri with a free port or --paste-code"
            ) from None
        port = self.server.server_address[1]
        netloc = f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"
        self.redirect_uri = urlunsplit((parts.scheme, netloc, self.path, "", ""))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, timeout: float) -> dict[str, str]:
        try:
            if not self.done.wait(timeout):
                raise AuthError(f"no redirect from Fortnox within {timeout:.0f} s; run again")
            return dict(self.result or {})
        finally:
            self.server.shutdown()
            self.server.server_close()


def _read_pasted(stream: Any) -> dict[str, str]:
    _log("Paste the code, or the whole URL the browser was redirected to, and press Enter:")
    line = (stream.readline() or "").strip()
    if not line:
        raise AuthError("no code was pasted")
    query = urlsplit(line).query if "?" in line else line if "=" in line else ""
    if query:
        return {k: v[0] for k, v in parse_qs(query).items()}
    return {"code": line}


def _tenant_id(access_token: str, api_url: str) -> str | None:
    """From the JWT claim, else Fortnox's DatabaseNumber (identical to the tenant id)."""
    tenant = tenant_id_from_jwt(access_token)
    if tenant:
        return tenant
    try:
        response = requests.get(
            f"{api_url.rstrip('/')}/companyinformation",
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=30,
        )
    except requests.RequestException:
        return None
    if response.status_code != 200:
        _log(f"Could not read the company information ({describe_error_body(response)})")
        return None
    try:
        info = response.json().get("CompanyInformation") or {}
    except (ValueError, AttributeError):
        return None
    number = info.get("DatabaseNumber")
    return str(number) if number not in (None, "") else None


def render(settings: dict[str, str], fmt: str, notes: list[str]) -> str:
    if fmt == "tenant-id":
        if "tenant_id" not in settings:
            raise AuthError("the tenant id is unknown (not in the token, no company information)")
        return settings["tenant_id"]
    if fmt == "json":
        return json.dumps(settings, indent=2)
    if fmt == "env":
        lines = [f"# {n}" for n in notes]
        lines += [f"TAP_FORTNOX_{k.upper()}={v}" for k, v in settings.items()]
        return "\n".join(lines)
    # meltano.yml is committed: the secret goes to .env through `meltano config`, not here.
    lines = [f"# {n}" for n in notes]
    lines.append("# then: meltano config tap-fortnox set client_secret  (Meltano keeps it in .env)")
    lines += ["plugins:", "  extractors:", "  - name: tap-fortnox", "    config:"]
    lines += [f"      {k}: {json.dumps(v)}" for k, v in settings.items() if k != "client_secret"]
    return "\n".join(lines)


def run(args: argparse.Namespace, stdin: Any = None) -> str:
    """Do the consent and return the settings text; raises AuthError on failure."""
    client_id = args.client_id or os.environ.get("TAP_FORTNOX_CLIENT_ID")
    client_secret = args.client_secret or os.environ.get("TAP_FORTNOX_CLIENT_SECRET")
    if not client_id:
        raise AuthError("--client-id (or env TAP_FORTNOX_CLIENT_ID) is required")
    if not client_secret:
        if not sys.stdin.isatty():
            raise AuthError("--client-secret (or env TAP_FORTNOX_CLIENT_SECRET) is required")
        client_secret = getpass.getpass("Fortnox client secret: ")
    scopes = scopes_for(args)
    store = None
    if not args.service_account:
        store = TokenStore(os.path.abspath(args.token_store or DEFAULT_TOKEN_STORE))
    state = secrets.token_urlsafe(24)

    local = urlsplit(args.redirect_uri).hostname in LOCAL_HOSTS and not args.paste_code
    callback = _Callback(args.redirect_uri) if local else None
    redirect_uri = callback.redirect_uri if callback else args.redirect_uri
    url = authorization_url(
        args.auth_url, client_id, redirect_uri, scopes, state, args.service_account
    )
    _log(
        "Sign in to Fortnox as a company administrator and approve access "
        f"(scopes: {' '.join(scopes)}):"
    )
    _log(url)
    if not args.no_browser:
        webbrowser.open(url)
    params = callback.wait(args.timeout) if callback else _read_pasted(stdin or sys.stdin)

    if "error" in params:
        detail = params.get("error_description") or params["error"]
        raise AuthError(f"Fortnox did not grant access: {' '.join(detail.split())}")
    if "state" in params and params["state"] != state:
        raise AuthError("the state in the redirect does not match this request; run again")
    if "state" not in params and callback:
        raise AuthError("the redirect carried no state; run again")
    code = params.get("code")
    if not code:
        raise AuthError("the redirect carried no code")

    payload = TokenEndpoint(args.auth_url, client_id, client_secret).post(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        what="Authorisation-code exchange",
        retry=False,
    )
    tenant_id = _tenant_id(payload["access_token"], args.api_url)
    settings: dict[str, str] = {"client_id": client_id}
    notes: list[str] = []
    if args.service_account:
        if not tenant_id:
            raise AuthError("could not find the tenant id in the token or the company information")
        settings["client_secret"] = SECRET_PLACEHOLDER
        settings["tenant_id"] = tenant_id
        notes.append("client-credentials flow (service account); keep client_secret secret")
        notes.append(
            f"several companies: add {tenant_id} to tenant_ids instead of setting tenant_id"
        )
    else:
        assert store is not None
        try:
            with store.locked():
                seed = fingerprint(str(payload.get("refresh_token") or ""))
                store.write(
                    token_store_record(client_id, payload, seeded_from=seed, tenant_id=tenant_id)
                )
        except TokenStoreError as exc:
            raise AuthError(f"Token store error: {exc}") from None
        _log(f"Saved the refresh token to {store.path} (mode 0600; keep it out of git)")
        settings["client_secret"] = SECRET_PLACEHOLDER
        settings["token_store_path"] = str(store.path)
        if tenant_id:
            settings["tenant_id"] = tenant_id
        notes.append("refresh-token flow; the tap rotates the token in token_store_path")
    return render(settings, args.output, notes)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        text = run(args)
    except (AuthError, TokenStoreError) as exc:
        print(f"tap-fortnox-auth: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tap-fortnox-auth: interrupted", file=sys.stderr)
        return 130
    print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
