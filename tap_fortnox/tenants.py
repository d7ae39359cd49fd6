"""Many companies in one run: every tenant of `tenant_ids` read side by side, each isolated.

Fortnox's rate limit is per app and company, so companies can be read in parallel without
slowing each other. Each company gets a run of its own: a `TapFortnox` with `tenant_id` set,
owning its access token, its limiter, its state and its log prefix. Up to
`max_parallel_tenants` runs go at once, in threads (the work is waiting on Fortnox).

All runs write through one `SharedOutput`, so stdout stays valid Singer: whole lines, one
SCHEMA per stream (a company's repeat of an identical SCHEMA is dropped), and STATE messages
that cover every company: `{"tenants": {"<tenant id>": <that company's state>, ...},
"run": {"done": [<companies finished>]}}`, read back on the next run so each company resumes
where it stopped and a run killed half-way does not read again the companies it had finished
("run" goes once the whole run has finished). A company that fails (consent
revoked, credentials refused, a persistent error) does not stop the others; the run ends with a
list of the failed tenant ids and why, and exits non-zero.

`tenant_shard: "k/n"` keeps the tenants whose id hashes to shard k of n (stable when the list
grows), for splitting thousands of companies over workers of an orchestrator.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, BinaryIO

import msgspec

from tap_fortnox.sdk import GenericSingerWriter, Message, SchemaMessage, StateMessage, override
from tap_fortnox.writer import MessageEncoder

TENANTS_STATE_KEY = "tenants"
RUN_STATE_KEY = "run"
# Combined STATE messages are written at most this often (and whenever a company finishes):
# with many companies a message covers them all, so writing one per checkpoint would be costly.
STATE_EVERY_SECONDS = 2.0

logger = logging.getLogger("tap-fortnox")


def tenant_key(value: Any) -> str:
    """A tenant id as the string the records and the state carry."""
    return str(value).strip()


def parse_shard(value: str) -> tuple[int, int]:
    """`"k/n"` -> (k, n) with 1 <= k <= n; ValueError otherwise."""
    first, slash, second = str(value).strip().partition("/")
    if slash and first.strip().isdigit() and second.strip().isdigit():
        index, count = int(first), int(second)
        if 1 <= index <= count:
            return index, count
    raise ValueError(f"{value!r} is not a shard k/n")


def in_shard(tenant_id: str, index: int, count: int) -> bool:
    digest = hashlib.sha256(tenant_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1


def tenants_of(config: Mapping[str, Any]) -> list[str]:
    """The configured tenants of this run, de-duplicated, in order, filtered to its shard."""
    seen: dict[str, None] = {}
    for value in config.get("tenant_ids") or ():
        key = tenant_key(value)
        if key:
            seen.setdefault(key, None)
    tenants = list(seen)
    shard = config.get("tenant_shard")
    if shard:
        index, count = parse_shard(shard)
        tenants = [t for t in tenants if in_shard(t, index, count)]
    return tenants


def tenant_states(state: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Each company's state from a STATE value written by a many-companies run."""
    found = (state or {}).get(TENANTS_STATE_KEY) or {}
    return {tenant_key(k): dict(v) for k, v in found.items() if isinstance(v, Mapping)}


def finished_tenants(state: Mapping[str, Any] | None) -> list[str]:
    """The companies an interrupted many-companies run had finished."""
    run = (state or {}).get(RUN_STATE_KEY)
    done = run.get("done") if isinstance(run, Mapping) else None
    return [tenant_key(t) for t in done or ()]


class SharedOutput:
    """stdout for every company's run: one lock, whole lines, SCHEMA once, combined STATE."""

    def __init__(
        self,
        states: Mapping[str, Mapping[str, Any]],
        done: Iterable[str] = (),
        stream: BinaryIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._out = stream
        self.done: list[str] = list(done)
        self._running = True
        self._lock = threading.Lock()
        self._schemas: dict[str, bytes] = {}
        # Companies not read in this run (another shard's, or left out since) keep their state.
        self._states: dict[str, bytes] = {
            tid: msgspec.json.encode(value) for tid, value in states.items()
        }
        self._state_dirty = False
        self._state_written_at = float("-inf")
        self._clock = clock

    def _write(self, data: bytes) -> None:
        out = self._out or sys.stdout.buffer
        out.write(data)
        out.flush()

    def write_line(self, data: bytes) -> None:
        with self._lock:
            self._write(data)

    def write_schema(self, stream: str, data: bytes) -> None:
        """A SCHEMA line, unless the same SCHEMA for this stream was the last one written."""
        with self._lock:
            if self._schemas.get(stream) == data:
                return
            self._schemas[stream] = data
            self._write(data)

    def update_state(self, tenant_id: str, value: Mapping[str, Any], *, final: bool) -> None:
        encoded = msgspec.json.encode(value)
        with self._lock:
            self._states[tenant_id] = encoded
            self._state_dirty = True
            if final or self._clock() - self._state_written_at >= STATE_EVERY_SECONDS:
                self._write_state()

    def finished(self, tenant_id: str) -> None:
        """A company's run completed: a resumed run leaves it out."""
        with self._lock:
            self.done.append(tenant_id)
            self._write_state()

    def complete(self) -> None:
        """Every company has been read: the last STATE, without the run's progress."""
        with self._lock:
            self._running = False
            self._write_state()

    def _write_state(self) -> None:
        parts = b",".join(
            msgspec.json.encode(tid) + b":" + value for tid, value in self._states.items()
        )
        line = b'{"type":"STATE","value":{"' + TENANTS_STATE_KEY.encode() + b'":{' + parts + b"}"
        if self._running:
            line += (
                b',"' + RUN_STATE_KEY.encode() + b'":' + msgspec.json.encode({"done": self.done})
            )
        self._write(line + b"}}\n")
        self._state_dirty = False
        self._state_written_at = self._clock()


class TenantWriter(GenericSingerWriter[bytes, Message]):
    """The message writer of one company's run: serialises in the company's thread, writes
    through the shared output."""

    def __init__(self, output: SharedOutput, tenant_id: str) -> None:
        self.output = output
        self.tenant_id = tenant_id
        self._encode = MessageEncoder()

    @override
    def serialize_message(self, message: Message) -> bytes:
        return self._encode(message)

    @override
    def write_message(self, message: Message) -> None:
        if isinstance(message, StateMessage):
            # A copy taken in the company's own thread, which is the only one changing it.
            self.output.update_state(self.tenant_id, copy.deepcopy(message.value), final=False)
        elif isinstance(message, SchemaMessage):
            self.output.write_schema(message.stream, self.format_message(message))
        else:
            self.output.write_line(self.format_message(message))


class TenantsFailed(Exception):
    """Some companies of a many-companies run failed (the message lists them and why)."""


@dataclass(frozen=True)
class Outcome:
    tenant_id: str
    error: str | None = None


def run_tenants(
    tenants: Iterable[str],
    parallel: int,
    run_one: Callable[[str], None],
) -> list[Outcome]:
    """`run_one(tenant_id)` for every tenant, `parallel` at a time; an exception is that
    company's failure (one line), never the others'."""

    def guarded(tenant_id: str) -> Outcome:
        try:
            run_one(tenant_id)
        except Exception as exc:  # any failure of one company; the others go on
            message = " ".join(str(exc).split()) or type(exc).__name__
            logger.error("Tenant %s failed: %s", tenant_id, message)
            return Outcome(tenant_id, message)
        return Outcome(tenant_id)

    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="tenant") as pool:
        return list(pool.map(guarded, list(tenants)))


def failure_summary(outcomes: Iterable[Outcome], limit: int = 300) -> str | None:
    """The last line of a run with failed companies, or None when none failed."""
    failed = [(o.tenant_id, o.error) for o in outcomes if o.error]
    if not failed:
        return None
    parts = [f"{tenant_id} ({error[:limit]})" for tenant_id, error in failed]
    return f"{len(failed)} tenant(s) failed: " + "; ".join(parts)
