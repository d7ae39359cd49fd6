"""TapFortnox: settings, config checks, the stream registry and the run's tenant id."""

from __future__ import annotations

import sys
import threading
from typing import Any

from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError

from tap_fortnox.auth import AuthError
from tap_fortnox.client import FortnoxStream
from tap_fortnox.errors import FortnoxAPIError, get_ci
from tap_fortnox.reach import Reach
from tap_fortnox.settings import CONFIG_SCHEMA, ConfigError, config_errors, schema_error
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.writer import FortnoxWriter


class TapFortnox(Tap):
    """Singer tap for the Fortnox API v3."""

    name = "tap-fortnox"
    package_name = "tap-fortnox"
    config_jsonschema = CONFIG_SCHEMA
    message_writer_class = FortnoxWriter  # msgspec: several times faster than simplejson

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._tenant_id: str | None = None
        self._tenant_lock = threading.Lock()
        self.reach = Reach()
        super().__init__(*args, **kwargs)
        if kwargs.get("validate_config", True):
            errors = config_errors(self.config, [s.name for s in STREAM_TYPES])
            if errors:
                raise ConfigValidationError(
                    "Config validation failed", errors=errors, schema=self.config_jsonschema
                )

    def discover_streams(self) -> list[FortnoxStream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]

    # --- the run's tenant -----------------------------------------------------------------

    def tenant_id_for(self, stream: FortnoxStream) -> str:
        """The tenant id on every record: the setting, else the token's `tenantId` claim,
        else `DatabaseNumber` from /companyinformation (one request, once per run)."""
        if self._tenant_id is None:
            with self._tenant_lock:
                if self._tenant_id is None:
                    self._tenant_id = self._resolve_tenant_id(stream)
        return self._tenant_id

    def _resolve_tenant_id(self, stream: FortnoxStream) -> str:
        configured = str(self.config.get("tenant_id") or "").strip()
        if configured:
            return configured
        claimed = stream.authenticator.tenant_id
        if claimed:
            return str(claimed)
        try:
            body = stream.get_json("/companyinformation")
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

    # --- command line ---------------------------------------------------------------------

    @classmethod
    def invoke(cls, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Run the tap; known failures end with clear lines (the last one names the problem)
        instead of a traceback."""
        try:
            super().invoke(*args, **kwargs)
        except ConfigValidationError as exc:
            # The SDK would log a generic "Config validation failed" below the real message.
            errors = [e if e.startswith("Config error") else schema_error(e) for e in exc.errors]
            cls.logger.error("Config validation failed: %d problem(s)", len(errors))
            for error in errors:
                cls.logger.error("%s", error)
            sys.exit(1)
        except (AuthError, ConfigError, FortnoxAPIError) as exc:
            cls.logger.error("%s", exc)  # the message says it all; no traceback
            sys.exit(1)


if __name__ == "__main__":
    TapFortnox.cli()
