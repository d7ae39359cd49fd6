"""`RunContext`: what one company's run owns and hands to each of its streams.

One access token (so a single-use refresh token is rotated once), one rate-limit budget, one
record of whether the API has answered yet, the run's progress (which streams it has finished)
and the tenant id on every record. The tap builds it once; each stream gets it as
`stream.run_context` when it is created, and asks it instead of reaching into the tap. Something
new a stream needs from the run (a setting turned into an object, a folder to write to) belongs
here, built from `config` on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from tap_fortnox.auth import FortnoxAuthenticator, authenticator_for
from tap_fortnox.checkpoint import RunProgress
from tap_fortnox.errors import FortnoxAPIError
from tap_fortnox.ratelimit import EDGE_MARGIN_SECONDS, SlidingWindowLimiter
from tap_fortnox.reach import Reach
from tap_fortnox.responses import get_ci

if TYPE_CHECKING:
    from tap_fortnox.sdk import AnyLogger


class RunContext:
    """One company's run, shared by its streams (all in the run's one thread)."""

    def __init__(self, config: Mapping[str, Any], logger: AnyLogger) -> None:
        self.config = config
        self.logger = logger
        self.reach = Reach()
        #: Set when the run starts syncing (tap.py); None when streams are used on their own.
        self.progress: RunProgress | None = None
        self._tenant_id: str | None = None

    @cached_property
    def authenticator(self) -> FortnoxAuthenticator:
        return authenticator_for(self.config)

    @cached_property
    def limiter(self) -> SlidingWindowLimiter:
        return SlidingWindowLimiter(
            int(self.config["rate_limit_requests"]),
            float(self.config["rate_limit_window_seconds"]),
            margin_seconds=EDGE_MARGIN_SECONDS,
            company=str(self.config.get("tenant_id") or ""),
        )

    def tenant_id(self, get_json: Callable[[str], Any]) -> str:
        """The tenant id on every record: the setting, else the token's `tenantId` claim,
        else `DatabaseNumber` from /companyinformation (one request with the asking stream's
        `get_json`, once per run)."""
        if self._tenant_id is None:
            self._tenant_id = self._resolve_tenant_id(get_json)
        return self._tenant_id

    def _resolve_tenant_id(self, get_json: Callable[[str], Any]) -> str:
        configured = str(self.config.get("tenant_id") or "").strip()
        if configured:
            return configured
        claimed = self.authenticator.tenant_id
        if claimed:
            return str(claimed)
        try:
            body = get_json("/companyinformation")
        except FortnoxAPIError as exc:
            raise FortnoxAPIError(
                f"The tenant id is unknown (no tenant_id setting, no tenantId claim in the token) "
                f"and reading it from /companyinformation failed: {exc}; set tenant_id"
            ) from None
        number = get_ci(get_ci(body, "CompanyInformation"), "DatabaseNumber")
        if number in (None, ""):
            raise FortnoxAPIError(
                "The tenant id is unknown: /companyinformation has no DatabaseNumber; set tenant_id"
            )
        self.logger.info("Tenant id %s (DatabaseNumber from /companyinformation)", number)
        return str(number)


def run_context_of(tap: object) -> RunContext:
    """The run context of the tap a stream is created for."""
    context = getattr(tap, "run_context", None)
    if not isinstance(context, RunContext):
        raise TypeError(f"a Fortnox stream needs a TapFortnox, not {type(tap).__name__}")
    return context
