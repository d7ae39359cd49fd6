"""Run `tap-fortnox` while appending every token the token endpoint hands out to a file.

Usage: python recording_tap.py TOKENS_FILE <tap-fortnox arguments>. The log-scan tests need the
exact access and refresh tokens a run received, to prove that none of them was printed.
"""

from __future__ import annotations

import json
import sys

from tap_fortnox import auth
from tap_fortnox.tap import TapFortnox

TOKENS_FILE = sys.argv.pop(1)
_post = auth.TokenEndpoint.post


def _recording_post(self, form, **kwargs):
    payload = _post(self, form, **kwargs)
    with open(TOKENS_FILE, "a", encoding="utf-8") as handle:
        tokens = [payload.get("access_token"), payload.get("refresh_token")]
        handle.write(json.dumps([t for t in tokens if t]) + "\n")
    return payload


auth.TokenEndpoint.post = _recording_post

if __name__ == "__main__":
    TapFortnox.cli()
