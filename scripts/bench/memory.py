"""The peak resident memory of one `tap-fortnox` process (benchmarks 4 and 6)."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tests.helpers import tapsync


def peak_rss_mb(config: Mapping[str, Any], streams: Iterable[str]) -> tuple[float, float]:
    """Peak resident memory (MB) and seconds of one `tap-fortnox` process syncing `streams`,
    output to /dev/null."""
    with tempfile.TemporaryDirectory() as tmp:
        return _peak_rss_mb(tapsync.write_inputs(Path(tmp), config, streams))


def _peak_rss_mb(args: list[str]) -> tuple[float, float]:
    """Read from the process's own high-water mark (Linux /proc VmHWM) once it runs the tap:
    ru_maxrss would also count the benchmark process it was forked from."""
    started = time.perf_counter()
    process = tapsync.start_cli(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = Path(f"/proc/{process.pid}")
    peak_kb = 0
    while process.poll() is None:
        try:
            if b"tap-fortnox" in (proc / "cmdline").read_bytes():  # exec'd: its own memory
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
        except OSError:
            pass  # exiting
        time.sleep(0.02)
    if process.returncode != 0:
        raise SystemExit(f"tap-fortnox {' '.join(args)} failed with {process.returncode}")
    return peak_kb / 1024, time.perf_counter() - started
