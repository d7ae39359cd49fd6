"""TapFortnox: settings, config checks, the stream registry, and what one company's run owns
(its access token, its rate-limit budget, its tenant id); with `tenant_ids`, the run of every
company side by side (tenants.py)."""

from __future__ import annotations

import sys
from functools import cached_property
from typing import Any, ClassVar, cast

import click
from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers.capabilities import CapabilitiesEnum, PluginCapabilities

from tap_fortnox import logs, sdk
from tap_fortnox.auth import AuthError, FortnoxAuthenticator
from tap_fortnox.checkpoint import RunProgress
from tap_fortnox.client import FortnoxStream
from tap_fortnox.errors import FortnoxAPIError
from tap_fortnox.incremental import utc_now
from tap_fortnox.ratelimit import SlidingWindowLimiter
from tap_fortnox.run import RunContext
from tap_fortnox.sdk import override
from tap_fortnox.settings import (
    CONFIG_SCHEMA,
    ConfigError,
    config_errors,
    schema_error,
)
from tap_fortnox.streams import STREAM_TYPES
from tap_fortnox.tenants import (
    SharedOutput,
    TenantsFailed,
    TenantWriter,
    failure_summary,
    finished_tenants,
    run_tenants,
    tenant_states,
    tenants_of,
)
from tap_fortnox.writer import FortnoxWriter

HELP = """Singer tap for the Fortnox accounting API v3: invoices, vouchers and the general
ledger (from SIE), payments, customers, suppliers and the registers of one or many Fortnox
companies, incrementally and within Fortnox's rate limit.

\b
Every setting, with its default:  tap-fortnox --about  (or --about --format markdown)
One-time consent of a company:    tap-fortnox-auth --help
Run with a config:                tap-fortnox --config config.json --catalog catalog.json
"""


class TapFortnox(Tap):
    """Singer tap for the Fortnox API v3."""

    name = "tap-fortnox"
    package_name = "tap-fortnox"
    config_jsonschema = CONFIG_SCHEMA
    message_writer_class = FortnoxWriter  # msgspec: several times faster than simplejson
    # The SDK's defaults without BATCH: the tap writes RECORD messages only (its checkpoints,
    # row streams and many-companies output are built on them), so it offers no batch_config.
    capabilities: ClassVar[list[CapabilitiesEnum]] = [
        c for c in Tap.capabilities if c is not PluginCapabilities.BATCH
    ]

    def __init__(self, *args: Any, log_prefix: str = "", **kwargs: Any) -> None:
        """`log_prefix` starts every log line of the streams (a company's run among many)."""
        self._log_prefix = log_prefix
        self._input_state: dict[str, Any] = {}
        super().__init__(*args, **kwargs)
        if kwargs.get("validate_config", True):
            errors = config_errors(self.config, [s.name for s in STREAM_TYPES])
            if errors:
                raise ConfigValidationError(
                    "Config validation failed", errors=errors, schema=self.config_jsonschema
                )

    @override
    def discover_streams(self) -> list[FortnoxStream]:
        streams = [stream_type(tap=self) for stream_type in STREAM_TYPES]
        if self._log_prefix:
            for stream in streams:
                sdk.tag_logger(stream, self._log_prefix)
        return streams

    @override
    def load_state(self, state: dict[str, Any]) -> None:
        self._input_state = dict(state or {})  # a many-companies run reads its "tenants" part
        super().load_state(state)
        progress = self._input_state.get(RunProgress.STATE_KEY)
        if isinstance(progress, dict):  # an interrupted run, which this one resumes
            self.run_state[RunProgress.STATE_KEY] = progress

    @property
    def run_state(self) -> dict[str, Any]:
        """The tap's state, with keys of the tap's own beside the SDK's `bookmarks`."""
        return cast("dict[str, Any]", self.state)

    # --- running ----------------------------------------------------------------------------

    def run(self) -> None:
        """Sync the selected streams: of this company, or of every company in `tenant_ids`,
        side by side. A failed company ends the run with an error naming it, after the
        others have finished."""
        if not self.config.get("tenant_ids"):
            self._sync_company()
            return
        states = tenant_states(self._input_state)
        done = finished_tenants(self._input_state)
        output = SharedOutput(states, done)
        tenants = [t for t in tenants_of(self.config) if t not in done]
        parallel = int(self.config["max_parallel_tenants"])
        if done:
            self.logger.info(
                "Resuming a run that had finished %d companies; they are not read again",
                len(done),
            )
        self.logger.info(
            "Reading %d companies, %d at a time: %s", len(tenants), parallel, ", ".join(tenants)
        )

        catalog = self.catalog_dict  # this run's selection, built once, before the threads

        def run_one(tenant_id: str) -> None:
            company = type(self)(
                config=self.tenant_config(tenant_id),
                catalog=catalog,
                state=states.get(tenant_id, {}),
                message_writer=TenantWriter(output, tenant_id),
                log_prefix=f"[tenant {tenant_id}] ",
            )
            try:
                company.run()
            finally:  # what it read so far is resumable, also after a failure
                output.update_state(tenant_id, company.state, final=True)
            output.finished(tenant_id)

        summary = failure_summary(run_tenants(tenants, parallel, run_one))
        if summary:
            raise TenantsFailed(summary)  # the STATE written lets the next run resume them
        output.complete()

    def _sync_company(self) -> None:
        """`sync_all`, remembering in the state what this run has finished, so that a run
        killed half-way and started again with its last STATE skips it (checkpoint.py)."""
        progress = self.run_context.progress = RunProgress(self.run_state, utc_now().isoformat())
        if progress.resumed:
            self.logger.info(
                "Resuming the run started %s: streams it finished are not read again",
                self.run_state[RunProgress.STATE_KEY]["started"],
            )
        self.sync_all()
        progress.complete()
        self.state_writer.write_state(self.state)

    def tenant_config(self, tenant_id: str) -> dict[str, Any]:
        """The config of one company's run within a many-companies run."""
        config = {
            key: value
            for key, value in self.config.items()
            if key not in ("tenant_ids", "tenant_shard", "max_parallel_tenants")
        }
        # ACTIVATE_VERSION from one company would mark every other company's rows deleted.
        return {**config, "tenant_id": tenant_id, "emit_activate_version_messages": False}

    # --- what the run owns: one token, one rate-limit budget, shared by its streams ----------

    @cached_property
    def run_context(self) -> RunContext:
        """Handed to every stream of this run (run.py); built once the config is read."""
        return RunContext(self.config, self.logger)

    @property
    def authenticator(self) -> FortnoxAuthenticator:
        return self.run_context.authenticator

    @property
    def limiter(self) -> SlidingWindowLimiter:
        return self.run_context.limiter

    # --- command line ---------------------------------------------------------------------

    @classmethod
    @override
    def get_singer_command(cls) -> click.Command:
        """The SDK's command, with help that says what the tap is, and the log filter."""
        command = super().get_singer_command()
        command.help = HELP
        logs.install()
        return command

    @classmethod
    @override
    def invoke(cls, *args: Any, **kwargs: Any) -> None:
        """Run the tap; known failures end with clear lines (the last one names the problem)
        instead of a traceback."""
        try:
            sdk.invoke_tap(cls, lambda tap: tap.run(), **kwargs)
        except ConfigValidationError as exc:
            # The SDK would log a generic "Config validation failed" below the real message.
            errors = [e if e.startswith("Config error") else schema_error(e) for e in exc.errors]
            cls.logger.error("Config validation failed: %d problem(s)", len(errors))
            for error in errors:
                cls.logger.error("%s", error)
            sys.exit(1)
        except (AuthError, ConfigError, FortnoxAPIError, TenantsFailed) as exc:
            cls.logger.error("%s", exc)  # the message says it all; no traceback
            sys.exit(1)


if __name__ == "__main__":
    TapFortnox.cli()
