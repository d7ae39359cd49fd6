"""Benchmark 5: the general ledger from SIE against one detail per voucher.

Requests of a full and an incremental sync of the vouchers and their rows at a scale, by the
detail path (`voucher_rows_source: details`) and by the SIE path (the default), as a ratio; and
the parser's rows per second and peak memory on the largest year's file at scale large; and
the peak resident memory of a fresh `tap-fortnox` process syncing the whole ledger by scale.
"""

from __future__ import annotations

from collections.abc import Callable

from fortnox_sandbox import Sandbox
from scripts.bench.memory import peak_rss_mb
from tests.helpers import sie_measure as sie
from tests.helpers import tapsync

LEDGER = ["financial_years", "vouchers", "voucher_rows"]
CHANGED_PER_YEAR = 5


def _api(sb: Sandbox) -> int:
    return sum(n for path, n in sb.counters()["by_path"].items() if path.startswith("/3/"))


def ledger_requests(scale: str, say: Callable[[str], None]) -> tuple[float, float]:
    """(full, incremental) requests of the SIE path over those of the detail path."""
    used: dict[str, tuple[int, int]] = {}
    for source in ("details", "auto"):
        with Sandbox(seed=1, scale=scale, rate_limit=False) as sb:
            config = {**sb.tap_config(), "rate_limit_requests": 0, "voucher_rows_source": source}
            sb.reset_counters()
            first = tapsync.run_tap(config, LEDGER)
            full = _api(sb)
            years = [y["id"] for y in first.records("financial_years")]
            for year in years[-2:]:  # changes in the last two financial years
                sb.touch("vouchers", CHANGED_PER_YEAR, year=year)
            sb.reset_counters()
            tapsync.run_tap(config, LEDGER, first.state)
            used[source] = (full, _api(sb))
            rows = len(first.records("voucher_rows"))
        say(
            f"   {'SIE path' if source == 'auto' else 'detail path':11} full sync "
            f"{used[source][0]:>7,} requests ({rows:,} voucher rows), incremental after "
            f"{CHANGED_PER_YEAR} changed vouchers in each of 2 years {used[source][1]:>5,}"
        )
    full = used["auto"][0] / used["details"][0]
    incremental = used["auto"][1] / used["details"][1]
    say(f"   ratio SIE/detail: full {full:.3f}, incremental {incremental:.3f}")
    return full, incremental


def parse_figures(say: Callable[[str], None]) -> tuple[float, int]:
    """The largest year at scale large: rows parsed per second and the parse's peak memory."""
    with Sandbox(seed=1, scale="large", rate_limit=False) as sb:
        year = sie.largest_year(sb)
        measured = sie.measure(sb, year)
    rate = measured.rows / measured.seconds
    say(
        f"   parsing the largest SIE file at scale large (financial year {year}): "
        f"{measured.rows:,} rows in {measured.seconds:.1f} s = {rate:,.0f} rows/s, "
        f"peak {measured.peak_bytes / 1e6:.2f} MB traced"
    )
    return rate, measured.peak_bytes


def ledger_memory(scales: tuple[str, ...], say: Callable[[str], None]) -> float:
    """Peak RSS of a full ledger sync (SIE path) at each scale; the largest over the smallest."""
    peaks = []
    for scale in scales:
        with Sandbox(seed=1, scale=scale, rate_limit=False) as sb:
            config = {**sb.tap_config(), "rate_limit_requests": 0}
            years = sb.tenants[sb.tenant_ids[0]].collections("vouchers")
            vouchers = sum(coll.select(None).total for _year, coll in years)
            mb, seconds = peak_rss_mb(config, LEDGER)
        peaks.append(mb)
        say(
            f"   whole ledger, scale {scale:6} {vouchers:>9,} vouchers {mb:7.1f} MB peak, "
            f"{seconds:6.1f} s (a fresh tap-fortnox process)"
        )
    ratio = peaks[-1] / peaks[0]
    say(f"   peak memory ratio {scales[-1]} vs {scales[0]}: {ratio:.2f}")
    return ratio


def measure_ledger(scale: str, large: bool, say: Callable[[str], None]) -> list[str]:
    say(f"5. The general ledger: SIE 4 export against one detail per voucher (scale {scale})")
    full, incremental = ledger_requests(scale, say)
    goals = [f"ledger requests SIE/detail: full {full:.3f}, incremental {incremental:.3f}"]
    scales = ("small", "medium", "large") if large else ("small", "medium")
    memory = ledger_memory(scales, say)
    goals.append(f"whole-ledger peak memory {scales[-1]} vs {scales[0]}: {memory:.2f}")
    if large:
        rate, peak = parse_figures(say)
        goals.append(f"SIE parsing {rate:,.0f} rows/s, peak {peak / 1e6:.2f} MB")
    return goals
