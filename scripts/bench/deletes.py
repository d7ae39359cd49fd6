"""Benchmark 8: what reporting deletes costs.

Requests of an incremental sync of every deletable stream with `detect_deletes` on and off (the
key listing, 500 keys a request, for the incremental ones; nothing for the full-table ones), and
the size of the state that remembers keys and row counts: after a sync at a scale, and for
100,000 documents.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from fortnox_sandbox import Sandbox
from tap_fortnox import keyset
from tap_fortnox.tap import TapFortnox
from tests.helpers import tapsync


def _api(sb: Sandbox) -> int:
    return sum(n for path, n in sb.counters()["by_path"].items() if path.startswith("/3/"))


def delete_detection_cost(scale: str, say: Callable[[str], None]) -> int:
    extra = {}
    with Sandbox(seed=1, scale=scale, rate_limit=False) as sb:
        tap = TapFortnox(config=sb.tap_config())
        streams = [n for n in tapsync.served_streams(sb, tap) if tap.streams[n].deletable]
        streams += ["financial_years"]  # accounts hang on it
        for detect in (False, True):
            config = {**sb.tap_config(), "rate_limit_requests": 0, "detect_deletes": detect}
            first = tapsync.run_tap(config, streams)
            sb.reset_counters()
            tapsync.run_tap(config, streams, first.state)
            extra[detect] = _api(sb)
        size = len(json.dumps(first.state))
    say(
        f"   incremental sync of the {len(streams) - 1} deletable streams (scale {scale}): "
        f"{extra[True]} requests with detect_deletes, {extra[False]} without "
        f"(+{extra[True] - extra[False]}); the state after it {size / 1000:.1f} kB"
    )
    return extra[True] - extra[False]


def state_for_100k(say: Callable[[str], None]) -> tuple[int, int]:
    rnd = random.Random(1)
    numbers = [str(n) for n in range(1, 102_001) if rnd.random() > 0.02][:100_000]
    keys = keyset.encode((n,) for n in numbers)
    counts = keyset.encode((n, str(rnd.randint(1, 12))) for n in numbers)
    codes = keyset.encode(
        ("".join(rnd.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=6)),) for _ in range(100_000)
    )
    say(
        f"   100,000 documents in the state: their keys {len(keys) / 1000:.1f} kB, the row "
        f"counts of 100,000 editable ones {len(counts) / 1000:.1f} kB; 100,000 random "
        f"six-character codes {len(codes) / 1000:.1f} kB"
    )
    return len(keys), len(counts)


def measure_deletes(scale: str, say: Callable[[str], None]) -> list[str]:
    say("8. Deletes as data: the cost of reporting them")
    requests = delete_detection_cost(scale, say)
    keys, counts = state_for_100k(say)
    return [
        f"delete detection +{requests} requests per incremental sync at scale {scale}; state "
        f"for 100,000 documents {keys / 1000:.0f} kB keys, {counts / 1000:.0f} kB row counts "
        f"(goal well under 1 MB)"
    ]
