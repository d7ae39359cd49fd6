"""A streaming reader of SIE 4 files, the format of Fortnox's `GET /3/sie/4` export.

`parse(chunks)` turns byte chunks (any boundaries, e.g. `response.iter_content(65536)`) into
typed events: identification records, financial years, accounts, dimensions and objects,
balances, and one `SieVoucher` per `#VER` block with its rows. Only the current line and the
current voucher are held, so a file of any size is read in bounded memory.

The rules, from the SIE 4B specification (2008-09-30) and real Fortnox exports:
- Text is IBM PC 8-bit (CP437), but some exports labelled `#FORMAT PC8` are UTF-8: the first
  line with a non-ASCII byte decides (valid UTF-8 there: UTF-8; otherwise CP437). The lines
  before it are ASCII, so nothing read before the decision is ambiguous.
- A record ends at LF, a CR before it is allowed; blank lines are ignored. Fields are separated
  by spaces and/or tabs; any field may be quoted, and inside quotes `\\"` is a quote and `\\\\` a
  backslash (other backslashes are kept as they are).
- `{` and `}` stand on their own lines around a voucher's rows. Object lists are
  `{dimension "code" ...}`, possibly empty.
- Unknown labels and extra trailing fields are ignored: that is how the format grows.
- Amounts have a decimal point and a leading minus (debit positive, credit negative); dates are
  YYYYMMDD. An empty or absent optional text or date is None.

A file cut short inside a voucher, or a malformed amount, date, account or object list in a
record that carries data, raises `SieParseError` naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

Day = date  # for a class with a field named `date`
Objects = tuple[tuple[int, str], ...]  # (dimension, object code) pairs, e.g. ((1, "ADM"),)
BalanceKind = Literal["IB", "UB", "RES", "OIB", "OUB"]
PeriodKind = Literal["PSALDO", "PBUDGET"]
RowKind = Literal["TRANS", "RTRANS", "BTRANS"]

#: Lines longer than this are refused, so that a file without line ends cannot fill memory.
MAX_LINE_BYTES = 1 << 20

COST_CENTER_DIMENSION = 1  # SIE 4B's reserved dimension numbers, as Fortnox uses them
PROJECT_DIMENSION = 6


class SieParseError(ValueError):
    """A file that is not valid SIE; `line` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SieHeader:
    """An identification record (#FLAGGA, #FORMAT, #SIETYP, #PROGRAM, #GEN, #FNR, #FNAMN,
    #ADRESS, #ORGNR, #KPTYP, #OMFATTN, #VALUTA, ...): its label without `#` and its fields."""

    label: str
    values: tuple[str, ...]

    @property
    def value(self) -> str:
        """The first field ("" if none), e.g. the company name of #FNAMN."""
        return self.values[0] if self.values else ""


@dataclass(frozen=True, slots=True)
class SieYear:
    """#RAR: a financial year of the file; index 0 is the exported year, -1 the one before."""

    index: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class SieAccount:
    """#KONTO: an account of the chart and its name."""

    number: int
    name: str


@dataclass(frozen=True, slots=True)
class SieSru:
    """#SRU: the tax-return (SRU) code of an account."""

    account: int
    code: str


@dataclass(frozen=True, slots=True)
class SieDimension:
    """#DIM: a dimension (1 is the cost centre, 6 the project)."""

    number: int
    name: str


@dataclass(frozen=True, slots=True)
class SieObject:
    """#OBJEKT: an object of a dimension, e.g. a cost centre or a project."""

    dimension: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class SieBalance:
    """#IB / #UB (opening / closing balance of a balance account), #RES (a result account's
    balance), #OIB / #OUB (the same per object). Debit positive, credit negative."""

    kind: BalanceKind
    year_index: int
    account: int
    amount: Decimal
    quantity: Decimal | None
    objects: Objects = ()


@dataclass(frozen=True, slots=True)
class SiePeriodBalance:
    """#PSALDO (the period's change on the account) or #PBUDGET (its budget); `period` is
    YYYYMM; `objects` is empty for the account as a whole."""

    kind: PeriodKind
    year_index: int
    period: str
    account: int
    objects: Objects
    amount: Decimal
    quantity: Decimal | None


@dataclass(frozen=True, slots=True)
class SieTransaction:
    """A voucher row: #TRANS, #RTRANS (a row added later) or #BTRANS (a row removed later)."""

    kind: RowKind
    account: int
    objects: Objects
    amount: Decimal  # debit positive, credit negative
    date: date | None  # None: the voucher's date
    text: str | None
    quantity: Decimal | None
    signature: str | None

    @property
    def removed(self) -> bool:
        return self.kind == "BTRANS"

    @property
    def added(self) -> bool:
        return self.kind == "RTRANS"

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > 0 else Decimal(0)

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < 0 else Decimal(0)

    def object(self, dimension: int) -> str | None:
        """The row's object code in `dimension`, if any."""
        return next((code for dim, code in self.objects if dim == dimension), None)

    @property
    def cost_center(self) -> str | None:
        return self.object(COST_CENTER_DIMENSION)

    @property
    def project(self) -> str | None:
        return self.object(PROJECT_DIMENSION)

    def same_booking(self, other: SieTransaction) -> bool:
        """Equal apart from kind and signature (an #RTRANS and the #TRANS that repeats it)."""
        return (
            self.account == other.account
            and self.objects == other.objects
            and self.amount == other.amount
            and self.date == other.date
            and self.text == other.text
            and self.quantity == other.quantity
        )


@dataclass(frozen=True, slots=True)
class SieVoucher:
    """#VER with its rows as written, yielded when its `}` is read; `line` is the #VER line."""

    series: str
    number: str
    date: Day
    text: str | None
    registration_date: Day | None
    signature: str | None
    rows: tuple[SieTransaction, ...]
    line: int

    def ledger_rows(self) -> tuple[SieTransaction, ...]:
        """The voucher's rows as the ledger holds them, in order: a removed row (#BTRANS) stays
        a row at its position (`removed` is True); an added row (#RTRANS) counts once, although
        SIE 4B repeats it as an identical #TRANS right after it. Files without #RTRANS/#BTRANS
        give their #TRANS rows unchanged."""
        rows = self.rows
        out = []
        skip = False
        for i, row in enumerate(rows):
            if skip:
                skip = False
                continue
            if row.kind == "RTRANS" and i + 1 < len(rows):
                following = rows[i + 1]
                skip = following.kind == "TRANS" and row.same_booking(following)
            out.append(row)
        return tuple(out)


SieEvent = (
    SieHeader
    | SieYear
    | SieAccount
    | SieSru
    | SieDimension
    | SieObject
    | SieBalance
    | SiePeriodBalance
    | SieVoucher
)

# A field: quoted (the closing quote may be missing: the text runs to the line's end), an object
# list in braces (quoted items may hold braces), or a bare word.
_QUOTED = r'"[^"\\]*(?:\\.[^"\\]*)*'
_FIELD = re.compile(rf'{_QUOTED}"?|\{{[^}}"]*(?:{_QUOTED}"[^}}"]*)*\}}?|[^ \t"{{]+')
_ESCAPE = re.compile(r'\\(["\\])')
_AMOUNT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_HEADER_LABELS = frozenset(
    {
        *("FLAGGA", "FORMAT", "SIETYP", "PROGRAM", "GEN", "FNR", "FNAMN", "ADRESS", "ORGNR"),
        *("KPTYP", "OMFATTN", "VALUTA", "TAXAR", "BKOD", "FTYP", "PROSA", "KSUMMA"),
    }
)
_BALANCE_KINDS: dict[str, BalanceKind] = {"IB": "IB", "UB": "UB", "RES": "RES"}
_OBJECT_BALANCE_KINDS: dict[str, BalanceKind] = {"OIB": "OIB", "OUB": "OUB"}
_PERIOD_KINDS: dict[str, PeriodKind] = {"PSALDO": "PSALDO", "PBUDGET": "PBUDGET"}
_ROW_KINDS: dict[str, RowKind] = {"TRANS": "TRANS", "RTRANS": "RTRANS", "BTRANS": "BTRANS"}
_CACHE_LIMIT = 8192
_PADDING = [""] * 8  # more than any record's optional fields


def _unquote(field: str) -> str:
    """The text of a quoted field (which starts with a quote)."""
    if field == '""':
        return ""
    end = len(field)
    # The final quote closes the field unless a backslash escapes it (an odd run of them).
    if (
        end > 1
        and field[-1] == '"'
        and (field[-2] != "\\" or (end - 1 - len(field[:-1].rstrip("\\"))) % 2 == 0)
    ):
        end -= 1
    body = field[1:end]
    return _ESCAPE.sub(_escaped, body) if "\\" in body else body


def _escaped(match: re.Match[str]) -> str:
    return match[1]


def parse(chunks: Iterable[bytes]) -> Iterator[SieEvent]:
    """The events of one SIE file read from `chunks` (see the module docstring)."""
    return SieReader().read(chunks)


class SieReader:
    """Reads one file. After (or during) `read`, `encoding` is how it was decoded: "ascii"
    until a non-ASCII byte was seen, then "utf-8" or "cp437"; `lines` counts lines read."""

    def __init__(self) -> None:
        self.encoding = "ascii"
        self.lines = 0
        self._codec: str | None = None
        self._dates: dict[str, date] = {}
        self._object_lists: dict[str, Objects] = {}
        self._checksummed = False  # an opening #KSUMMA promises a closing one

    # -- bytes to lines
    def read(self, chunks: Iterable[bytes]) -> Iterator[SieEvent]:
        pending = b""
        state = _VoucherState()
        for chunk in chunks:
            if not chunk:
                continue
            data = pending + chunk if pending else bytes(chunk)
            cut = data.rfind(b"\n")
            if cut < 0:
                if len(data) > MAX_LINE_BYTES:
                    raise SieParseError(self.lines + 1, f"line longer than {MAX_LINE_BYTES} bytes")
                pending = data
                continue
            pending = data[cut + 1 :]
            yield from self._records(self._decode(data[:cut]), state)
        if pending:  # a last line without a line end: inside a voucher, a cut-off file
            if state.open is not None and pending.strip(b" \t\r") != b"}":
                raise SieParseError(
                    self.lines + 1, f"the input ends mid-line inside {state.describe()}"
                )
            yield from self._records(self._decode(pending), state)
        unclosed = state.open or state.head
        if unclosed is not None:
            raise SieParseError(
                unclosed.line,
                f"{state.describe()} is not closed: the input ends at line {self.lines}",
            )
        if self._checksummed:
            raise SieParseError(self.lines, "the closing #KSUMMA is missing (file cut short?)")

    def _decode(self, block: bytes) -> str:
        codec = self._codec
        if codec is None:
            if block.isascii():
                return block.decode("ascii")
            first = next(line for line in block.split(b"\n") if not line.isascii())
            try:
                first.decode("utf-8")
                codec = "utf-8"
            except UnicodeDecodeError:
                codec = "cp437"
            self._codec = self.encoding = codec
        try:
            return block.decode(codec)
        except UnicodeDecodeError:
            # A UTF-8 file with a stray 8-bit line: read that line as CP437, keep the rest.
            lines = []
            for line in block.split(b"\n"):
                try:
                    lines.append(line.decode(codec))
                except UnicodeDecodeError:
                    lines.append(line.decode("cp437"))
            return "\n".join(lines)

    # -- lines to events
    def _records(self, text: str, state: _VoucherState) -> Iterator[SieEvent]:
        n = self.lines
        findall = _FIELD.findall
        try:
            for raw in text.split("\n"):
                n += 1
                line = raw.strip(" \t\r")
                if not line:
                    continue
                if line[0] != "#":
                    if line == "{":
                        state.begin(n)
                    elif line == "}":
                        yield state.end(n)
                    continue  # stray text outside any record: ignored like unknown labels
                fields = findall(line)
                # Field texts, padded so that absent optional fields read as "".
                values = [f if f[0] != '"' else _unquote(f) for f in fields]
                values += _PADDING
                label = values[0][1:].upper()
                if state.expecting_brace:
                    raise SieParseError(n, f"expected {{ after the #VER of line {state.head_line}")
                kind = _ROW_KINDS.get(label)
                if kind is not None:
                    state.add(self._transaction(kind, values, n), n)
                    continue
                if label == "VER":
                    state.start(self._voucher_head(values, n), n)
                    continue
                if state.open is not None:
                    continue  # other records inside a voucher's braces carry nothing for it
                event = self._record(label, values, len(fields), n)
                if event is not None:
                    yield event
        finally:
            self.lines = n

    def _record(self, label: str, v: list[str], count: int, n: int) -> SieEvent | None:
        """The event of a record outside vouchers; `v` holds its `count` fields, padded."""
        if label in _HEADER_LABELS:
            values = tuple(v[1:count])
            if label == "KSUMMA":
                self._checksummed = not values  # the opening #KSUMMA has no value
            return SieHeader(label, values)
        if label == "KONTO":
            return SieAccount(self._account(v[1], n), v[2])
        if label == "SRU":
            return SieSru(self._account(v[1], n), v[2])
        if label == "DIM":
            return SieDimension(self._int(v[1], n, "dimension"), v[2])
        if label == "OBJEKT":
            return SieObject(self._int(v[1], n, "dimension"), v[2], v[3])
        if label == "RAR":
            index = self._int(v[1], n, "year number")
            return SieYear(index, self._date(v[2], n), self._date(v[3], n))
        if label in _BALANCE_KINDS or label in _OBJECT_BALANCE_KINDS:
            year = self._int(v[1], n, "year number")
            account = self._account(v[2], n)
            kind = _BALANCE_KINDS.get(label)
            at = 3
            objects: Objects = ()
            if kind is None:  # #OIB / #OUB: an object list before the amount
                kind = _OBJECT_BALANCE_KINDS[label]
                at, objects = 4, self._objects(v[3], n)
            amount = self._amount(v[at], n)
            return SieBalance(kind, year, account, amount, self._quantity(v[at + 1], n), objects)
        period_kind = _PERIOD_KINDS.get(label)
        if period_kind is not None:
            year = self._int(v[1], n, "year number")
            if not v[2]:
                raise SieParseError(n, f"#{label} without a period")
            account = self._account(v[3], n)
            objects = self._objects(v[4], n)
            amount = self._amount(v[5], n)
            quantity = self._quantity(v[6], n)
            return SiePeriodBalance(period_kind, year, v[2], account, objects, amount, quantity)
        return None  # an unknown label: ignored

    def _voucher_head(self, v: list[str], n: int) -> SieVoucher:
        """The voucher of a #VER line, its rows still to come."""
        day, registered = self._date(v[3], n), self._optional_date(v[5], n)
        return SieVoucher(v[1], v[2], day, v[4] or None, registered, v[6] or None, (), n)

    def _transaction(self, kind: RowKind, v: list[str], n: int) -> SieTransaction:
        account = self._account(v[1], n)
        # The object list is compulsory, but old writers leave it out: then the amount follows.
        at = 3 if v[2][:1] == "{" else 2
        return SieTransaction(
            kind,
            account,
            self._objects(v[2], n) if at == 3 else (),
            self._amount(v[at], n),
            self._optional_date(v[at + 1], n),
            v[at + 2] or None,
            self._quantity(v[at + 3], n),
            v[at + 4] or None,
        )

    # -- fields
    @staticmethod
    def _int(value: str, n: int, what: str) -> int:
        digits = value[1:] if value.startswith("-") else value
        if not (digits.isascii() and digits.isdigit()):
            raise SieParseError(n, f"malformed {what} {value!r}")
        return int(value)

    @staticmethod
    def _account(value: str, n: int) -> int:
        if not (value.isascii() and value.isdigit()):
            raise SieParseError(n, f"malformed account {value!r}")
        return int(value)

    @staticmethod
    def _amount(value: str, n: int) -> Decimal:
        if not _AMOUNT.fullmatch(value):
            raise SieParseError(n, f"malformed amount {value!r}")
        return Decimal(value)

    def _quantity(self, value: str, n: int) -> Decimal | None:
        return self._amount(value, n) if value else None

    def _date(self, value: str, n: int) -> date:
        found = self._dates.get(value)
        if found is not None:
            return found
        if not (len(value) == 8 and value.isascii() and value.isdigit()):
            raise SieParseError(n, f"malformed date {value!r}")
        try:
            day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise SieParseError(n, f"malformed date {value!r}") from None
        if len(self._dates) >= _CACHE_LIMIT:
            self._dates.clear()
        self._dates[value] = day
        return day

    def _optional_date(self, value: str, n: int) -> date | None:
        return self._date(value, n) if value else None

    def _objects(self, field: str, n: int) -> Objects:
        if field == "{}":
            return ()
        found = self._object_lists.get(field)
        if found is not None:
            return found
        if not (field.startswith("{") and field.endswith("}")):
            raise SieParseError(n, f"malformed object list {field!r}")
        items = [f if f[0] != '"' else _unquote(f) for f in _FIELD.findall(field[1:-1])]
        if len(items) % 2:
            raise SieParseError(n, f"object list {field!r} is not dimension/object pairs")
        pairs = tuple(
            (self._int(items[i], n, "dimension"), items[i + 1]) for i in range(0, len(items), 2)
        )
        if len(self._object_lists) >= _CACHE_LIMIT:
            self._object_lists.clear()
        self._object_lists[field] = pairs
        return pairs


class _VoucherState:
    """Where the reader is around #VER / { / }: the voucher being read and its rows."""

    def __init__(self) -> None:
        self.head: SieVoucher | None = None  # a #VER whose { has not come yet
        self.open: SieVoucher | None = None  # a voucher whose rows are being read
        self.rows: list[SieTransaction] = []

    @property
    def expecting_brace(self) -> bool:
        return self.head is not None

    @property
    def head_line(self) -> int:
        return self.head.line if self.head else 0

    def describe(self) -> str:
        head = self.open or self.head
        return f"voucher {head.series} {head.number} (line {head.line})" if head else "no voucher"

    def start(self, head: SieVoucher, n: int) -> None:
        if self.open is not None:
            raise SieParseError(n, f"#VER inside {self.describe()}: its }} is missing")
        self.head = head

    def begin(self, n: int) -> None:
        if self.head is None:
            raise SieParseError(n, "{ without a #VER before it")
        self.open, self.head = self.head, None
        self.rows = []

    def add(self, row: SieTransaction, n: int) -> None:
        if self.open is None:
            raise SieParseError(n, f"#{row.kind} outside a voucher's {{ }}")
        self.rows.append(row)

    def end(self, n: int) -> SieVoucher:
        head = self.open
        if head is None:
            raise SieParseError(n, "} without a { before it")
        self.open = None
        rows, self.rows = tuple(self.rows), []
        return replace(head, rows=rows)
