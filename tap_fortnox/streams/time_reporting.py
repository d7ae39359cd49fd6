"""Fortnox Tid (`/api/time/...`, scope `timereporting`): time and absence registrations, and
article registrations, read by date window.

The lists take a `fromDate`/`toDate` span of at most a year and have no modification filter.
A first sync reads from `start_date` (or `EARLIEST`) to a year ahead (absence is planned ahead),
one request per window of `WINDOW_DAYS`; later syncs read again from the previous sync's day
less `time_reporting_lookback_days`, so registrations worked in that period and edited or
added since are read again. Registrations deleted are not reported (docs/streams.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from singer_sdk.helpers.types import Context

from tap_fortnox import sdk
from tap_fortnox.client import SYNC_STARTED_AT, TENANT_ID
from tap_fortnox.incremental import STOCKHOLM, parse_timestamp, utc_now
from tap_fortnox.sdk import override
from tap_fortnox.services import ServiceEndpoint

WINDOW_DAYS = 365  # "the max of which should be 1 year" (fromDate and toDate both included)
AHEAD_DAYS = 365  # registrations dated up to a year after the sync (planned absence)
EARLIEST = date(2010, 1, 1)  # no start_date: the first day read [U: Fortnox Tid's first data]


def date_windows(first: date, last: date) -> list[tuple[date, date]]:
    """Consecutive (from, to) spans of at most `WINDOW_DAYS` days covering first..last."""
    windows = []
    while first <= last:
        end = min(last, first + timedelta(days=WINDOW_DAYS - 1))
        windows.append((first, end))
        first = end + timedelta(days=1)
    return windows


class DateWindowStream(ServiceEndpoint):
    """A list read in `fromDate`/`toDate` windows, incremental with a look-back in days."""

    replication_key = SYNC_STARTED_AT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._window: tuple[date, date] | None = None

    def read_windows(self, context: Context | None) -> list[tuple[date, date]]:
        """The windows this read covers (see the module doc)."""
        started = self.read.started or utc_now()
        last = started.astimezone(STOCKHOLM).date() + timedelta(days=AHEAD_DAYS)
        bookmark = sdk.context_state(self, context).get("replication_key_value")
        start_date = self.config.get("start_date")
        if bookmark:
            lookback = timedelta(days=int(self.config["time_reporting_lookback_days"]))
            first = parse_timestamp(bookmark).astimezone(STOCKHOLM).date() - lookback
        elif start_date:
            first = parse_timestamp(start_date).astimezone(STOCKHOLM).date()
        else:
            first = EARLIEST
        return date_windows(first, last)

    @override
    def _read(self, context: Context | None) -> Iterator[dict[str, Any]]:
        windows = self.read_windows(context)
        self.logger.info(
            "Stream '%s': registrations dated %s to %s (%d request(s) of at most %d days)",
            self.name,
            windows[0][0] if windows else "-",
            windows[-1][1] if windows else "-",
            len(windows),
            WINDOW_DAYS,
        )
        for window in windows:
            self._window = window
            yield from super()._read(context)
        self._window = None

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        params = super().get_url_params(context, next_page_token)
        if self._window is not None:
            params["fromDate"], params["toDate"] = (day.isoformat() for day in self._window)
        return params


class TimeRegistrationsStream(DateWindowStream):
    """Time and absence registrations with their customer, project, service and cost center."""

    name = "time_registrations"
    scope = "timereporting"
    path = "/api/time/registrations-v2"
    primary_keys = (TENANT_ID, "id")


class TimeArticleRegistrationsStream(DateWindowStream):
    """Article registrations: per user, day, customer, project and cost center, the articles
    registered (a nested array)."""

    name = "time_article_registrations"
    scope = "timereporting"
    path = "/api/time/articles-v1"
    primary_keys = (TENANT_ID, "id")
