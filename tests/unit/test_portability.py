"""The tap and its test suite run where `fcntl` does not exist (Windows): nothing imports it at
module level, and the token store's lock still excludes a second holder."""

from __future__ import annotations

import json
import subprocess
import sys

# `sys.modules["fcntl"] = None` makes every `import fcntl` fail, as on Windows.
WITHOUT_FCNTL = """
import sys
sys.modules["fcntl"] = None
{body}
"""


def run(body: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = WITHOUT_FCNTL.format(body=body)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_about_works_without_fcntl():
    result = run(
        "from tap_fortnox.tap import TapFortnox\nTapFortnox.cli()", "--about", "--format", "json"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["name"] == "tap-fortnox"


def test_the_token_store_lock_works_without_fcntl(tmp_path):
    body = f"""
import threading
from tap_fortnox.token_store import TokenStore, TokenStoreError
store = TokenStore({str(tmp_path / "tokens.json")!r})
held, release = threading.Event(), threading.Event()
def hold():
    with store.locked():
        held.set()
        release.wait(30)
holder = threading.Thread(target=hold)
holder.start()
held.wait(30)
try:
    with TokenStore(store.path).locked(timeout=0.2):
        print("acquired")
except TokenStoreError as exc:
    print("refused:", exc)
release.set()
holder.join(30)
with TokenStore(store.path).locked(timeout=5):
    print("acquired after release")
"""
    result = run(body)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("refused:")
    assert "stayed locked by another run" in lines[0]
    assert lines[1] == "acquired after release"


def test_the_test_harness_imports_without_fcntl():
    body = """
import tests.harness.meltano_harness, tests.harness.pg_cluster, tests.helpers.tapsync
print("imported")
"""
    result = run(body)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["imported"]
