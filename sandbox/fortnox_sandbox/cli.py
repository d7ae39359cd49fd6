"""`fortnox-sandbox serve`: run the simulated Fortnox until interrupted.

Prints the credentials it accepts and, last, a line `READY <base url>` (flushed) that a parent
process can wait for; `--port 0` picks a free port and the line shows the real one.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from datetime import date
from pathlib import Path

from .model.scales import SCALES
from .sandbox import Sandbox


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fortnox-sandbox", description="A local simulated Fortnox API v3."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the sandbox on 127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="TCP port (0 = a free port)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--scale", choices=sorted(SCALES), default="small")
    serve.add_argument("--tenants", type=int, default=1)
    serve.add_argument(
        "--no-rate-limit", action="store_true", help="switch the 25 per 5 s limit off"
    )
    serve.add_argument(
        "--token-lifetime", type=int, default=3600, help="access token lifetime, seconds"
    )
    serve.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="data end date (default today)"
    )
    serve.add_argument(
        "--config-out", type=Path, help="write a tap config (client credentials) here"
    )
    return parser


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt  # stops serve_forever; the server is then closed


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        sb = Sandbox(
            seed=args.seed,
            scale=args.scale,
            tenants=args.tenants,
            rate_limit=not args.no_rate_limit,
            token_lifetime=args.token_lifetime,
            port=args.port,
            host=args.host,
            as_of=args.as_of,
        )
    except ValueError as exc:
        print(f"fortnox-sandbox: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"fortnox-sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    print(f"Fortnox sandbox: seed {sb.seed}, scale {sb.scale}, data up to {sb.as_of}")
    print(f"  base url:      {sb.base_url}")
    print(f"  api_url:       {sb.api_url}")
    print(f"  auth_url:      {sb.auth_url}")
    print(f"  client_id:     {sb.client_id}")
    print(f"  client_secret: {sb.client_secret}")
    for tid in sb.tenant_ids:
        print(f"  tenant_id:     {tid}   refresh_token: {sb.new_refresh_token(tid)}")
    limit = f"{sb.limiter.requests} per {sb.limiter.window:g} s" if sb.limiter.enabled else "off"
    print(f"  rate limit:    {limit}")
    if args.config_out:
        config = sb.tap_config("client_credentials")
        args.config_out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(args.config_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(config, fh, indent=2)
        print(f"  tap config:    {args.config_out}")
    print(f"READY {sb.base_url}", flush=True)
    for signum in (signal.SIGTERM, signal.SIGINT):  # SIGINT too: it is ignored in background jobs
        signal.signal(signum, _interrupt)
    try:
        sb.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
