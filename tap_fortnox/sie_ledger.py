"""The general ledger from Fortnox's SIE 4 export: a financial year's voucher rows and balances
from one request (`GET /3/sie/4?financialyear={Id}`), parsed as it streams in (sie.py).

`LedgerStream` (vouchers) reads a year's voucher list for the headers (the list item carries
the header's fields; not the header's `CostCenter`/`Project`, which the rows carry) and, when
vouchers changed, the year's SIE file for their rows: one request per financial year with
changes, however many changed. The rows come out as the voucher detail gives them
(`VoucherRows`): `Account`, `Debit`/`Credit` from the signed amount, `CostCenter` and `Project`
from the row's objects of dimension 1 and 6, `TransactionInformation` from the row text,
`Quantity`, `Removed` for a removed row (#BTRANS) at its position, an added row (#RTRANS and the
#TRANS repeating it) once, and `Description`, the account's name, from the file's #KONTO. What
the file leaves empty is what the JSON API writes for nothing: "" for no cost centre, project or
text, 0 for no quantity.

If the SIE file is refused (scope, licence, 404), cut short or malformed, one warning names the
year (and the line) and that year's rows are read from the voucher details instead
(`voucher_rows_source: auto`, the default); `sie` makes it an error, `details` never uses SIE.

The same file gives the year's balances (`FedStream`s): per account the opening (#IB) and
closing (#UB) balance or the result (#RES), per account and month (#PSALDO) the month's amount,
and the same per cost centre (dimension 1) and project (dimension 6) where the file splits it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import requests
from singer_sdk.helpers.types import Context

from tap_fortnox import sdk
from tap_fortnox.checkpoint import STATE_KEY, Checkpoint, Key
from tap_fortnox.client import TENANT_ID, YEAR, FortnoxStream
from tap_fortnox.deletes import listed_keys
from tap_fortnox.documents import ROW_FLUSH_SIZE, DocumentRead, DocumentStream, HandedStream
from tap_fortnox.errors import FortnoxAPIError, NotFoundError
from tap_fortnox.reading import Read
from tap_fortnox.sdk import override
from tap_fortnox.sie import (
    SieAccount,
    SieBalance,
    SieEvent,
    SieParseError,
    SiePeriodBalance,
    SieVoucher,
    parse,
)
from tap_fortnox.voucherset import VoucherKey, VoucherSet

# Reading a large year's file can take minutes; a pause this long means the export stalled.
SIE_READ_TIMEOUT_SECONDS = 600
SIE_CHUNK_BYTES = 65536
SOURCE_AUTO, SOURCE_SIE, SOURCE_DETAILS = "auto", "sie", "details"
ROWS_SOURCES = (SOURCE_AUTO, SOURCE_SIE, SOURCE_DETAILS)
# Vouchers whose rows the SIE file gave, kept in a rows-phase checkpoint.
ROWS_PHASE = "rows"
# In a year's state: its balances have been emitted (later only when its vouchers change).
BALANCES_READ = "balances_read"


def voucher_key(series: Any, number: Any) -> VoucherKey:
    return (str(series), int(number))


def voucher_rows(voucher: SieVoucher, names: Mapping[int, str]) -> list[dict[str, Any]]:
    """The voucher's rows as the JSON API's `VoucherRows` (see the module doc)."""
    return [
        {
            "Account": row.account,
            "CostCenter": row.cost_center or "",
            "Credit": row.credit,
            "Debit": row.debit,
            "Description": names.get(row.account, ""),
            "Project": row.project or "",
            "Quantity": row.quantity if row.quantity is not None else 0,
            "Removed": row.removed,
            "TransactionInformation": row.text or "",
        }
        for row in voucher.ledger_rows()
    ]


_BALANCE_FIELDS = {
    "IB": ("opening_balance", "opening_quantity"),
    "UB": ("closing_balance", "closing_quantity"),
    "RES": ("result", "result_quantity"),
}


def _month(period: str) -> str:
    """SIE's period YYYYMM as the first day of the month (ISO)."""
    text = str(period).strip()
    return date(int(text[:4]), int(text[4:6]), 1).isoformat()


@dataclass
class Balances:
    """The year's account names and the balances the selected streams want, gathered while the
    file is read. Period balances are taken in batches as they come (there can be one per
    account, month and project); account balances once the file is read (an account's #IB, #UB
    and #RES are separate lines)."""

    wanted: frozenset[str] = frozenset()  # FedStream.ledger_part values
    names: dict[int, str] = field(default_factory=dict)
    accounts: dict[int, dict[str, Any]] = field(default_factory=dict)
    periods: list[dict[str, Any]] = field(default_factory=list)
    object_periods: list[dict[str, Any]] = field(default_factory=list)

    def take(self, event: SieEvent) -> None:
        if isinstance(event, SieAccount):
            self.names[event.number] = event.name
        elif isinstance(event, SieBalance) and event.year_index == 0 and not event.objects:
            names = _BALANCE_FIELDS.get(event.kind)
            if names is not None and "accounts" in self.wanted:
                entry = self.accounts.setdefault(event.account, {})
                entry[names[0]], entry[names[1]] = event.amount, event.quantity
        elif (
            isinstance(event, SiePeriodBalance) and event.kind == "PSALDO" and event.year_index == 0
        ):
            record = {
                "account": event.account,
                "month": _month(event.period),
                "amount": event.amount,
                "quantity": event.quantity,
            }
            if not event.objects and "periods" in self.wanted:
                self.periods.append(record)
            if "object_periods" in self.wanted:
                for dimension, code in event.objects:  # one object each in Fortnox's files
                    self.object_periods.append({**record, "dimension": dimension, "object": code})

    @property
    def pending(self) -> int:
        return len(self.periods) + len(self.object_periods)

    def pop(self, part: str, final: bool) -> list[dict[str, Any]]:
        """The records of one ledger part gathered so far, forgotten here."""
        if part == "accounts":
            if not final:
                return []
            return [
                {"account": account, "account_description": self.names.get(account), **values}
                for account, values in sorted(self.accounts.items())
            ]
        if part == "periods":
            records, self.periods = self.periods, []
        else:
            records, self.object_periods = self.object_periods, []
        return records


class SieUnusable(Exception):
    """The year's SIE file could not be read (the message says why, in one line)."""


class FedStream(HandedStream):
    """Balances per financial year, which the ledger stream hands over from its SIE file."""

    #: Which balances: "accounts" (#IB, #UB, #RES), "periods" (#PSALDO per account) or
    #: "object_periods" (#PSALDO per account and cost centre or project).
    ledger_part: ClassVar[str] = "accounts"

    @property  # type: ignore[misc]  # a property where the SDK declares an attribute
    @override
    def state_partitioning_keys(self) -> list[str]:
        return []


@dataclass
class LedgerRead(DocumentRead):
    """A ledger read: also where the checkpoint it resumes from had got to."""

    saved_phase: str | None = None
    #: A rows-phase checkpoint: the last voucher whose rows went out.
    saved_after: set[Key] = field(default_factory=set)


class LedgerStream(DocumentStream):
    """Vouchers with their rows from the year's SIE file (see the module doc)."""

    read_type: ClassVar[type[Read]] = LedgerRead
    read: LedgerRead

    # --- which way ---------------------------------------------------------------------------

    @property
    def rows_source(self) -> str:
        return str(self.config["voucher_rows_source"])

    @property
    def fed_children(self) -> list[FedStream]:
        return [c for c in self.child_streams if isinstance(c, FedStream) and c.selected]

    @property
    @override
    def details_enabled(self) -> bool:
        if self.rows_source == SOURCE_DETAILS:
            return super().details_enabled
        return False  # the list gives the headers, the SIE file the rows

    # --- reading a year ----------------------------------------------------------------------

    @override
    def _read(self, context: Context | None) -> Iterator[dict[str, Any]]:
        if self.rows_source == SOURCE_DETAILS:
            yield from super()._read(context)
            return
        if sdk.record_limit(self) is not None and (self.row_children or self.fed_children):
            # A dry run (a record limit) stops the headers early: the rows and balances first.
            self._read_year_file(context, None)
            yield from FortnoxStream._read(self, context)
            return
        # Which vouchers' rows to take from the file: those listed now; in a full read of the
        # year resumed part-way, every voucher in the file (the headers listed before the
        # interruption are not listed again).
        full_year = not self.read.lastmodified
        listed, any_listed = VoucherSet(), False
        if not (full_year and self.read.saved_phase == ROWS_PHASE):
            resumed = self.read.resume is not None
            keep = bool(self.row_children)  # headers and balances alone need no keys
            for item in FortnoxStream._read(self, context):
                any_listed = True
                if keep:
                    listed.add(voucher_key(item.get("VoucherSeries"), item.get("VoucherNumber")))
                yield item
        else:
            resumed = True
        wanted: VoucherSet | None = None if full_year and resumed else listed
        # The year's file when vouchers changed (for their rows, and the balances they move),
        # or when balance streams have not had this year yet.
        state = sdk.context_state(self, context)
        balances_due = bool(self.fed_children) and not state.get(BALANCES_READ)
        changed = wanted is None or any_listed
        if (changed and (self.row_children or self.fed_children)) or balances_due:
            self._read_year_file(context, wanted)

    @override
    def _begin_read(self, context: Context | None) -> None:
        saved = Checkpoint.from_state(sdk.context_state(self, context).get(STATE_KEY))
        rows_phase = saved is not None and saved.phase == ROWS_PHASE
        super()._begin_read(context)
        read = self.read
        read.saved_phase = saved.phase if saved is not None else None
        read.saved_after = set(saved.after) if saved is not None and rows_phase else set()
        if self.rows_source != SOURCE_DETAILS and (rows_phase or read.lastmodified):
            # Changed vouchers only: the list is read again whole, for the rows to take.
            read.resume = None

    def _read_year_file(self, context: Context | None, wanted: VoucherSet | None) -> None:
        try:
            done = self._rows_from_sie(context, wanted)
        except SieUnusable as exc:
            if self.rows_source == SOURCE_SIE:
                raise FortnoxAPIError(
                    f"Stream '{self.name}' {dict(context or {})}: {exc}"
                ) from None
            self.logger.warning(
                "Stream '%s' %s: %s; reading this year's voucher rows from the voucher details "
                "instead",
                self.name,
                dict(context or {}),
                exc,
            )
            self._rows_from_details(context, wanted, VoucherSet())
            return
        if wanted is not None and wanted - done:
            # Listed after the export was made (created during the sync): their details.
            self._rows_from_details(context, wanted - done, done)

    def _rows_from_sie(self, context: Context | None, wanted: VoucherSet | None) -> VoucherSet:
        """Queue the rows of the `wanted` vouchers (None: all) and the balances; the vouchers
        whose rows were queued."""
        year = (context or {}).get(YEAR)
        balances = Balances(frozenset(child.ledger_part for child in self.fed_children))
        done = VoucherSet()
        skipping = bool(self.read.saved_after)
        try:
            response = self._open_sie(year, context)
            with response:
                for event in parse(response.iter_content(SIE_CHUNK_BYTES)):
                    if not isinstance(event, SieVoucher):
                        balances.take(event)
                        if balances.pending >= ROW_FLUSH_SIZE:
                            self._hand_over_balances(context, balances, final=False)
                        continue
                    key = voucher_key(event.series, event.number)
                    if skipping:  # a rows-phase checkpoint: these rows went out before
                        skipping = (key[0], str(key[1])) not in self.read.saved_after
                        done.add(key)
                        continue
                    if wanted is not None and key not in wanted:
                        continue
                    self._queue_rows(context, key, voucher_rows(event, balances.names))
                    done.add(key)
                    if self.read.pending_count >= ROW_FLUSH_SIZE:
                        self._flush_and_checkpoint(context, key)
        except SieParseError as exc:
            raise SieUnusable(
                f"the SIE file of financial year {year} is malformed: {exc}"
            ) from None
        except (requests.RequestException, ConnectionError) as exc:
            raise SieUnusable(
                f"the SIE file of financial year {year} was cut short ({type(exc).__name__})"
            ) from None
        finally:
            self.flush_rows()
        self._hand_over_balances(context, balances, final=True)
        if self.fed_children:
            sdk.context_state(self, context)[BALANCES_READ] = True
        return done

    def _open_sie(self, year: Any, context: Context | None) -> requests.Response:
        """The year's SIE 4 file, streamed, the way every request goes (sending.py)."""
        try:
            return self.get_file(
                "/sie/4", {"financialyear": year}, context, SIE_READ_TIMEOUT_SECONDS
            )
        except NotFoundError as exc:
            raise SieUnusable(
                f"Fortnox has no SIE export for financial year {year} ({exc})"
            ) from None
        except FortnoxAPIError as exc:
            raise SieUnusable(f"the SIE file of financial year {year} was refused: {exc}") from None

    def _queue_rows(
        self, context: Context | None, key: VoucherKey, rows: list[dict[str, Any]]
    ) -> None:
        parent_key = {
            TENANT_ID: self.tenant_id,
            YEAR: (context or {}).get(YEAR),
            "voucher_series": key[0],
            "voucher_number": key[1],
        }
        self.read.pending_rows.append((parent_key, rows, range(0)))
        self.read.pending_count += len(rows)

    def _flush_and_checkpoint(self, context: Context | None, last: VoucherKey) -> None:
        """Rows out, then a rows-phase checkpoint naming the last voucher whose rows are out."""
        self.flush_rows()
        checkpoint = self.read.checkpoint
        if checkpoint is None:
            return
        checkpoint.phase = ROWS_PHASE
        checkpoint.after.clear()
        checkpoint.after.append((last[0], str(last[1])))
        sdk.context_state(self, context)[STATE_KEY] = checkpoint.to_state()
        sdk.write_state(self)

    def _rows_from_details(
        self, context: Context | None, wanted: VoucherSet | None, done: VoucherSet
    ) -> None:
        """The voucher details' rows (the SIE file could not give them)."""
        if wanted is None:  # every voucher of the year
            listed = listed_keys(self, context) or set()
            wanted = VoucherSet(voucher_key(series, number) for series, number in listed)
        for series, number in wanted - done:
            item = {"VoucherSeries": series, "VoucherNumber": number}
            detail = self.fetch_detail(item, context)
            if detail is not None:
                self._queue_rows(context, (series, number), list(detail.get(self.rows_key) or []))
            if self.read.pending_count >= ROW_FLUSH_SIZE:
                self.flush_rows()
        self.flush_rows()

    def _hand_over_balances(
        self, context: Context | None, balances: Balances, *, final: bool
    ) -> None:
        """Sync the balance streams over the balances gathered so far (all of them: final)."""
        year = (context or {}).get(YEAR)
        for child in self.fed_children:
            records = [{YEAR: year, **record} for record in balances.pop(child.ledger_part, final)]
            if records or final:
                child.take(records)
