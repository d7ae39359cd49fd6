"""What every generator of one tenant shares: seed, dates, financial years, URLs, timelines."""

from __future__ import annotations

import bisect
import functools
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from fortnox_sandbox.generators.people import person_name

from .clock import day_start, local
from .detrand import rng, stream_id
from .lru import Lru
from .scales import Scale


@dataclass
class Urls:
    """The server's API root; set when the server starts (records carry absolute `@url`s)."""

    api: str = "http://127.0.0.1:0/3"


@dataclass(frozen=True)
class FinancialYear:
    id: int
    start: date
    end: date
    # A year opened at runtime (Sandbox.add_financial_year): when (epoch seconds) and how many
    # series-A vouchers were booked in it then. Generated years have None and 0.
    opened_at: float | None = None
    opened_with: int = 0


class Timeline:
    """`n` events spread evenly over [t0, t1): event i happens at t(i), increasing in i.

    Positions at or beyond `n` (records created at runtime) are placed at t1.
    """

    def __init__(self, t0: float, t1: float, n: int, delay: float = 0.0) -> None:
        self.t0, self.t1, self.n = t0, t1, n
        self.step = (t1 - t0) / n if n else 0.0
        self.delay = delay

    def t(self, i: int) -> float:
        if i >= self.n:
            return self.t1 + self.delay
        return self.t0 + (i + 0.5) * self.step + self.delay

    def day(self, i: int) -> date:
        return local(self.t(i)).date()

    def first_at(self, when: float) -> int:
        """The first index whose time is at or after `when` (n if none)."""
        if not self.n or when <= self.t(0):
            return 0
        guess = max(0, min(self.n, math.ceil((when - self.delay - self.t0) / self.step - 0.5)))
        # Float rounding can put the guess one off: settle it exactly.
        while guess > 0 and self.t(guess - 1) >= when:
            guess -= 1
        while guess < self.n and self.t(guess) < when:
            guess += 1
        return guess

    def first_on_or_after(self, day: date) -> int:
        return self.first_at(day_start(day))

    def day_range(self, low: date | None, high: date | None) -> tuple[int, int]:
        """Indices [lo, hi) of the events on days `low` to `high` (inclusive; None: open)."""
        lo = self.first_on_or_after(low) if low else 0
        hi = self.first_on_or_after(high + timedelta(days=1)) if high else self.n
        return lo, max(lo, hi)


@dataclass
class Context:
    seed: int
    tenant_no: int  # 0-based position of the tenant
    tenant_id: str
    as_of: date  # base data ends at the start of this day (Stockholm)
    scale: Scale
    urls: Urls
    memo: Lru  # for generators' per-position results (shared by the sandbox's tenants)
    years: list[FinancialYear] = field(init=False)

    def __post_init__(self) -> None:
        first = self.as_of.year - 3
        self.years = [
            FinancialYear(i + 1, date(y, 1, 1), date(y, 12, 31))
            for i, y in enumerate(range(first, self.as_of.year + 1))
        ]
        self.t0 = day_start(self.years[0].start)
        self.t1 = day_start(self.as_of)
        self._year_starts = [y.start for y in self.years]

    @functools.cached_property
    def staff(self) -> tuple[str, ...]:
        """The company's own sales staff (OurReference on documents)."""
        return tuple(" ".join(person_name(self.rng("staff", i))) for i in range(6))

    def rng(self, stream: str, index: int) -> random.Random:
        return rng(self.seed, self.tenant_no, stream_id(stream), index)

    def url(self, path: str) -> str:
        return self.urls.api + path

    def year_of(self, day: date) -> FinancialYear | None:
        i = bisect.bisect_right(self._year_starts, day) - 1
        if i < 0 or day > self.years[i].end:
            return None
        return self.years[i]

    def year(self, year_id: int) -> FinancialYear | None:
        return self.years[year_id - 1] if 1 <= year_id <= len(self.years) else None

    @property
    def generated_years(self) -> list[FinancialYear]:
        return [y for y in self.years if y.opened_at is None]

    def open_year(self, now: float, vouchers: int = 0) -> FinancialYear:
        """Append the financial year after the last one, opened at `now` (never before the
        last year's own opening, so modified times stay ordered by year)."""
        last = self.years[-1]
        start = last.end + timedelta(days=1)
        end = date(start.year + 1, start.month, start.day) - timedelta(days=1)
        opened_at = max(now, last.opened_at or self.t0)
        year = FinancialYear(last.id + 1, start, end, opened_at, vouchers)
        self.years.append(year)  # before _year_starts: year_of indexes years by it
        self._year_starts.append(start)
        return year

    def timeline(self, n: int, delay_days: float = 0.0) -> Timeline:
        return Timeline(self.t0, self.t1, n, delay_days * 86400.0)
