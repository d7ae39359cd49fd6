"""tap_fortnox.sie: the SIE 4 rules with small literal files, a round trip through the
sandbox's SIE writer with generated data, chunk boundaries anywhere, and bounded memory."""

from __future__ import annotations

import re
import tracemalloc
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fortnox_sandbox.model import sie as writer
from tap_fortnox.sie import (
    MAX_LINE_BYTES,
    SieAccount,
    SieBalance,
    SieDimension,
    SieHeader,
    SieObject,
    SieParseError,
    SiePeriodBalance,
    SieReader,
    SieSru,
    SieTransaction,
    SieVoucher,
    SieYear,
    parse,
)

D = Decimal

FORTNOX_FILE = (
    "#FLAGGA 0\r\n"
    "#FORMAT PC8\r\n"
    "#SIETYP 4\r\n"
    '#PROGRAM "Fortnox" 3.57.11\r\n'
    "#GEN 20250812\r\n"
    "#FNR 503072\r\n"
    '#FNAMN "Bröderna Åkesson AB"\r\n'
    '#ADRESS "Kjell Öberg" "Storgatan 6" "17668 Järfälla" "070-6850408" \r\n'
    "#RAR 0 20250501 20260430\r\n"
    "#RAR -1 20240501 20250430\r\n"
    "#ORGNR 556782-8172\r\n"
    "#KPTYP EUBAS97\r\n"
    "\r\n"
    '#KONTO 1920 "PlusGiro"\r\n'
    "#SRU 1920 7281\r\n"
    '#KONTO 6570 "Bankkostnader"\r\n'
    '#DIM 1 "Kostnadsställe"\r\n'
    '#OBJEKT 1 "ADM" "Administration"\r\n'
    "#IB 0 1920 1000.50\r\n"
    "#UB 0 1920 998.65 0\r\n"
    "#RES 0 6570 1.85\r\n"
    "#PSALDO 0 202505 6570 {} 1.85 0\r\n"
    '#PSALDO 0 202505 6570 {1 "ADM"} 1.85 0\r\n'
    '#VER A 1 20250506 "Account:NORDEA Text:PRIS ENL SPEC" 20250812\r\n'
    "{\r\n"
    '#TRANS 1920 {} -1.85 "" "" 0\r\n'
    '#TRANS 6570 {1 "ADM"} 1.85 "" "Avgift maj" 0\r\n'
    "}\r\n"
).encode("cp437")


def events(data: bytes | str, chunk: int | None = None) -> list:
    raw = data.encode("cp437") if isinstance(data, str) else data
    if chunk is None:
        return list(parse([raw]))
    return list(parse(raw[i : i + chunk] for i in range(0, len(raw), chunk)))


def vouchers(data: bytes | str) -> list[SieVoucher]:
    return [e for e in events(data) if isinstance(e, SieVoucher)]


def row(amount: str, account: int = 1930, **fields) -> SieTransaction:
    values = {"objects": (), "date": None, "text": None, "quantity": None, "signature": None}
    values.update(fields)
    return SieTransaction(
        values.pop("kind", "TRANS"), account, values["objects"], D(amount), values["date"],
        values["text"], values["quantity"], values["signature"],
    )  # fmt: skip


def test_a_fortnox_file():
    got = events(FORTNOX_FILE)
    assert got[:8] == [
        SieHeader("FLAGGA", ("0",)),
        SieHeader("FORMAT", ("PC8",)),
        SieHeader("SIETYP", ("4",)),
        SieHeader("PROGRAM", ("Fortnox", "3.57.11")),
        SieHeader("GEN", ("20250812",)),
        SieHeader("FNR", ("503072",)),
        SieHeader("FNAMN", ("Bröderna Åkesson AB",)),
        SieHeader("ADRESS", ("Kjell Öberg", "Storgatan 6", "17668 Järfälla", "070-6850408")),
    ]
    assert got[6].value == "Bröderna Åkesson AB"
    assert got[8:22] == [
        SieYear(0, date(2025, 5, 1), date(2026, 4, 30)),
        SieYear(-1, date(2024, 5, 1), date(2025, 4, 30)),
        SieHeader("ORGNR", ("556782-8172",)),
        SieHeader("KPTYP", ("EUBAS97",)),
        SieAccount(1920, "PlusGiro"),
        SieSru(1920, "7281"),
        SieAccount(6570, "Bankkostnader"),
        SieDimension(1, "Kostnadsställe"),
        SieObject(1, "ADM", "Administration"),
        SieBalance("IB", 0, 1920, D("1000.50"), None),
        SieBalance("UB", 0, 1920, D("998.65"), D(0)),
        SieBalance("RES", 0, 6570, D("1.85"), None),
        SiePeriodBalance("PSALDO", 0, "202505", 6570, (), D("1.85"), D(0)),
        SiePeriodBalance("PSALDO", 0, "202505", 6570, ((1, "ADM"),), D("1.85"), D(0)),
    ]
    (voucher,) = got[22:]
    assert voucher == SieVoucher(
        "A",
        "1",
        date(2025, 5, 6),
        "Account:NORDEA Text:PRIS ENL SPEC",
        date(2025, 8, 12),
        None,
        (
            row("-1.85", 1920, quantity=D(0)),
            row("1.85", 6570, objects=((1, "ADM"),), text="Avgift maj", quantity=D(0)),
        ),
        24,
    )
    first, second = voucher.rows
    assert (first.debit, first.credit, second.debit, second.credit) == (0, D("1.85"), D("1.85"), 0)
    assert (second.cost_center, second.project, second.object(1)) == ("ADM", None, "ADM")
    assert voucher.ledger_rows() == voucher.rows  # no #BTRANS / #RTRANS: the rows as they are


def test_cp437_bytes_and_utf8_under_format_pc8():
    text = '#FORMAT PC8\n#FNAMN "Åsa Ängström Öl"\n#KONTO 1930 "Företagskonto"\n'
    reader = SieReader()
    assert list(reader.read([text.encode("cp437")]))[1] == SieHeader("FNAMN", ("Åsa Ängström Öl",))
    assert reader.encoding == "cp437"
    assert "åäöÅÄÖ".encode("cp437") == b"\x86\x84\x94\x8f\x8e\x99"
    reader = SieReader()
    assert list(reader.read([text.encode("utf-8")]))[2] == SieAccount(1930, "Företagskonto")
    assert reader.encoding == "utf-8"
    reader = SieReader()
    list(reader.read([b"#FLAGGA 0\n"]))
    assert reader.encoding == "ascii"


def test_the_first_non_ascii_line_decides():
    ambiguous = '#FNAMN "Γ¡º"\n#KONTO 1930 "Kassa ö"\n'.encode("cp437")
    assert events(ambiguous)[0] == SieHeader("FNAMN", ("⭧",))  # valid UTF-8: read as UTF-8
    swedish = '#FNAMN "Ärlig"\n#KONTO 1930 "Γ¡º"\n'.encode("cp437")
    assert events(swedish)[1] == SieAccount(1930, "Γ¡º")


def test_a_stray_8bit_line_in_a_utf8_file_reads_as_cp437():
    data = '#FNAMN "Björk"\n'.encode() + '#KONTO 1930 "Företag"\n'.encode("cp437")
    assert events(data) == [SieHeader("FNAMN", ("Björk",)), SieAccount(1930, "Företag")]


def test_line_ends_blank_lines_tabs_and_spaces():
    data = b'#KONTO 1930 "A"\r\n\r\n#KONTO\t1940\t\t"B"\n   \n  #KONTO   1950  "C"  \r\r\n'
    assert events(data) == [SieAccount(1930, "A"), SieAccount(1940, "B"), SieAccount(1950, "C")]
    assert events(b'#KONTO 1960 "D"') == [SieAccount(1960, "D")]  # no final line end


def test_quotes_backslashes_and_unquoted_fields():
    got = events(
        '#FNAMN "Kv. \\"Björken\\" \\\\ C:\\\\temp"\n'
        "#FNAMN Enkel\n"
        '#FNAMN "tab\there  two"\n'
        '#KONTO "1930" Bank\n'
        '#FNAMN "a\\tb" ""\n'
        '#FNAMN "unterminated \\" quote\n'
    )
    assert got == [
        SieHeader("FNAMN", ('Kv. "Björken" \\ C:\\temp',)),
        SieHeader("FNAMN", ("Enkel",)),
        SieHeader("FNAMN", ("tab\there  two",)),
        SieAccount(1930, "Bank"),
        SieHeader("FNAMN", ("a\\tb", "")),  # other backslashes stay
        SieHeader("FNAMN", ('unterminated " quote',)),  # the text runs to the line's end
    ]


def test_object_lists():
    data = (
        "#VER A 1 20250101\n{\n"
        "#TRANS 1930 {} 1\n"
        "#TRANS 1930 { } 2\n"
        '#TRANS 1930 {1 "ADM" 6 "3"} 3\n'
        '#TRANS 1930 {"1" "ADM"} 4\n'
        "#TRANS 1930 {1 ADM 6 3} 5\n"
        '#TRANS 1930 { 1  "A }B" } 6\n'
        "#TRANS 1930 7\n"  # an old writer without the object list
        "}\n"
    )
    (voucher,) = vouchers(data)
    assert [r.objects for r in voucher.rows] == [
        (),
        (),
        ((1, "ADM"), (6, "3")),
        ((1, "ADM"),),
        ((1, "ADM"), (6, "3")),
        ((1, "A }B"),),
        (),
    ]
    assert [r.amount for r in voucher.rows] == [D(n) for n in range(1, 8)]
    assert voucher.rows[2].project == "3"


def test_removed_and_added_rows():
    data = (
        '#VER A 7 20250301 "Rättad"\n{\n'
        "#TRANS 1930 {} -1250.00\n"
        '#BTRANS 6550 {1 "ADM"} 1000.00 "" "fel konto" 0 "KÖ"\n'
        "#TRANS 2640 {} 250.00\n"
        '#RTRANS 5010 {1 "ADM"} 1000.00 "" "fel konto" 0 "KÖ"\n'
        '#TRANS 5010 {1 "ADM"} 1000.00 "" "fel konto" 0\n'
        "#RTRANS 3740 {} 0.50\n"  # an added row whose #TRANS copy is missing
        "#TRANS 3740 {} -0.50\n"
        "}\n"
    )
    (voucher,) = vouchers(data)
    assert [r.kind for r in voucher.rows] == [
        "TRANS", "BTRANS", "TRANS", "RTRANS", "TRANS", "RTRANS", "TRANS",
    ]  # fmt: skip
    ledger = voucher.ledger_rows()
    assert [(r.kind, r.account, r.removed, r.added) for r in ledger] == [
        ("TRANS", 1930, False, False),
        ("BTRANS", 6550, True, False),
        ("TRANS", 2640, False, False),
        ("RTRANS", 5010, False, True),  # once, with the signature of the #RTRANS
        ("RTRANS", 3740, False, True),
        ("TRANS", 3740, False, False),
    ]
    assert ledger[1].signature == "KÖ"
    assert ledger[3].signature == "KÖ"
    assert sum(r.amount for r in ledger if not r.removed) == 0


def test_unknown_labels_trailing_and_missing_fields():
    data = (
        "#KTYP 1930 T\n"
        "#FUTURE 1 2 3\n"
        '#KONTO 1930 "Bank" extra fields\n'
        "#IB 0 1930 5 7 more\n"
        "#VER B 2 20250102\n"
        "{\n"
        "#FUTURE inside a voucher\n"
        "#TRANS 1930 {} 5\n"
        '#TRANS 2440 {} -5 20250103 "text" 1.5 sign extra\n'
        "}\n"
        '#VER C 3 20250104 "" 20250105 "SIGN" trailing\n{\n}\n'
        "not a record\n"
    )
    got = events(data)
    assert got[:2] == [SieAccount(1930, "Bank"), SieBalance("IB", 0, 1930, D(5), D(7))]
    first, second = got[2:]
    assert (first.text, first.registration_date, first.signature) == (None, None, None)
    assert first.rows == (
        row("5"),
        row("-5", 2440, date=date(2025, 1, 3), text="text", quantity=D("1.5"), signature="sign"),
    )
    assert second == SieVoucher("C", "3", date(2025, 1, 4), None, date(2025, 1, 5), "SIGN", (), 11)


def test_amounts():
    data = "#VER A 1 20250101\n{\n" + "".join(
        f"#TRANS 1930 {{}} {a}\n" for a in ("100", "-3.7", "0.05", "-0", "1234567890123.45", ".5")
    )
    (voucher,) = vouchers(data + "}\n")
    assert [r.amount for r in voucher.rows] == [
        D("100"), D("-3.7"), D("0.05"), D(0), D("1234567890123.45"), D("0.5"),
    ]  # fmt: skip
    assert all(isinstance(r.amount, Decimal) for r in voucher.rows)


@pytest.mark.parametrize("amount", ["12,50", "1e5", "NaN", "Infinity", "--1", "1.2.3", "0x10"])
def test_a_malformed_amount_names_its_line(amount):
    data = f"#VER A 1 20250101\n{{\n#TRANS 1930 {{}} 1\n#TRANS 1930 {{}} {amount}\n}}\n"
    with pytest.raises(SieParseError, match=f"^line 4: malformed amount '{amount}'") as error:
        events(data)
    assert error.value.line == 4
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("#VER A 1 2025-01-01", "malformed date '2025-01-01'"),
        ("#VER A 1 20251301", "malformed date '20251301'"),
        ("#VER A 1", "malformed date ''"),
        ("#RAR 0 20250101 2025", "malformed date '2025'"),
        ("#KONTO 19x0 Bank", "malformed account '19x0'"),
        ("#IB 0 K 1", "malformed account 'K'"),
        ("#IB x 1930 1", "malformed year number 'x'"),
        ("#IB 0 1930", "malformed amount ''"),
        ('#PSALDO 0 202501 1930 {1 "ADM" 6} 1', "is not dimension/object pairs"),
        ('#PSALDO 0 202501 1930 {x "ADM"} 1', "malformed dimension 'x'"),
        ("#PSALDO 0 202501 1930 {1 ", "malformed object list"),
        ('#PSALDO 0 "" 1930 {} 1', "#PSALDO without a period"),
    ],
)
def test_malformed_fields_name_their_line(line, reason):
    data = f"#FLAGGA 0\n{line}\n{{\n}}\n"
    with pytest.raises(SieParseError) as error:
        events(data)
    assert str(error.value).startswith("line 2: ")
    assert reason in error.value.reason


def test_row_dates():
    (voucher,) = vouchers(
        '#VER A 1 20250101\n{\n#TRANS 1930 {} 1 "" x\n#TRANS 1930 {} 1 20250102\n}\n'
    )
    assert [r.date for r in voucher.rows] == [None, date(2025, 1, 2)]
    with pytest.raises(SieParseError, match="line 3: malformed date '2025'"):
        vouchers("#VER A 1 20250101\n{\n#TRANS 1930 {} 1 2025\n}\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("#VER A 1 20250101\n{\n#TRANS 1930 {} 1\n", "line 1: voucher A 1 (line 1) is not closed"),
        ("#KONTO 1 x\n#VER A 9 20250101\n{\n", "line 2: voucher A 9 (line 2) is not closed"),
        ("#VER A 1 20250101\n{\n#TRANS 1930 {} 1", "line 3: the input ends mid-line inside"),
        ("#VER A 1 20250101\n{\n#TRA", "line 3: the input ends mid-line inside voucher A 1"),
        ("#VER A 1 20250101\n", "line 1: voucher A 1 (line 1) is not closed"),
        ("#VER A 1 20250101\n#TRANS 1930 {} 1\n", "line 2: expected { after the #VER of line 1"),
        ("#VER A 1 20250101\n#VER A 2 20250101\n", "line 2: expected { after the #VER"),
        ("#VER A 1 20250101\n{\n#VER A 2 20250101\n", "line 3: #VER inside voucher A 1"),
        ("}\n", "line 1: } without a {"),
        ("{\n", "line 1: { without a #VER"),
        ("#TRANS 1930 {} 1\n", "line 1: #TRANS outside a voucher"),
        ("#BTRANS 1930 {} 1\n", "line 1: #BTRANS outside a voucher"),
        ("#FLAGGA 0\n#KSUMMA\n#KONTO 1 x\n", "line 3: the closing #KSUMMA is missing"),
    ],
)
def test_truncated_and_misplaced_input(data, message):
    with pytest.raises(SieParseError, match="^" + re.escape(message)):
        events(data)


def test_a_closed_voucher_without_a_final_line_end_and_a_checksummed_file():
    assert len(vouchers("#VER A 1 20250101\n{\n#TRANS 1930 {} 0\n}")) == 1
    got = events("#FLAGGA 0\n#KSUMMA\n#KONTO 1930 x\n#KSUMMA 1234567890\n")
    assert got[-1] == SieHeader("KSUMMA", ("1234567890",))


def test_a_line_without_end_beyond_the_limit():
    def endless():
        yield b"#FNAMN "
        while True:
            yield b"x" * 65536

    with pytest.raises(SieParseError, match=f"line 1: line longer than {MAX_LINE_BYTES} bytes"):
        list(parse(endless()))


def test_chunk_boundaries_at_every_byte():
    extra = '#VER A 2 20250507 "Åäö ✓"\r\n{\r\n#TRANS 1920 {} 0\r\n}\r\n'
    utf8 = FORTNOX_FILE.decode("cp437").encode() + extra.encode()  # multi-byte letters
    for raw in (FORTNOX_FILE, utf8):
        expected = events(raw)
        for cut in range(len(raw) + 1):
            assert list(parse([raw[:cut], b"", raw[cut:]])) == expected, cut
        assert events(raw, chunk=1) == expected
    assert events(utf8)[-1].text == "Åäö ✓"


# -- round trip through the sandbox's writer
# Texts SIE can carry (CP437, no control characters), with quotes, backslashes and spaces
TEXT = st.text(st.characters(codec="cp437", exclude_categories=("Cc",)), min_size=1, max_size=30)
OPTIONAL_TEXT = st.none() | TEXT
AMOUNT = st.decimals(min_value=-(10**12), max_value=10**12, places=2)
OBJECTS = st.lists(st.tuples(st.integers(1, 99), TEXT), max_size=3).map(tuple)
DAY = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
ROW = st.tuples(st.sampled_from(["TRANS", "RTRANS", "BTRANS"]), st.integers(1000, 9999), OBJECTS)
ROW = st.tuples(ROW, AMOUNT, OPTIONAL_TEXT, AMOUNT)
VOUCHER = st.tuples(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=3),
    st.integers(1, 10**6),
    DAY,
    OPTIONAL_TEXT,
    st.none() | DAY,
    st.lists(ROW, max_size=6),
)
ACCOUNT = st.tuples(st.integers(1000, 9999), TEXT)


def _write(accounts, objects, vouchers_) -> tuple[list[str], list]:
    """SIE lines written with the sandbox's writer, and the events they must read back as."""
    lines = [writer.record("FLAGGA", "0"), writer.record("FNAMN", writer.quote("Test"))]
    expected: list = [SieHeader("FLAGGA", ("0",)), SieHeader("FNAMN", ("Test",))]
    for number, name in accounts:
        lines.append(writer.record("KONTO", str(number), writer.quote(name)))
        expected.append(SieAccount(number, name))
    for dimension, code, name in objects:
        lines.append(
            writer.record("OBJEKT", str(dimension), writer.quote(code), writer.quote(name))
        )
        expected.append(SieObject(dimension, code, name))
    for series, number, day, text, registered, rows in vouchers_:
        written = []
        for (kind, account, pairs), amount, row_text, quantity in rows:
            written.append(writer.transaction(kind, account, pairs, amount, row_text, quantity))
        parsed = tuple(
            SieTransaction(kind, account, pairs, amount, None, row_text, quantity, None)
            for (kind, account, pairs), amount, row_text, quantity in rows
        )
        expected.append(
            SieVoucher(series, str(number), day, text, registered, None, parsed, len(lines) + 1)
        )
        lines += writer.voucher(series, str(number), day, text, registered, written)
    return lines, expected


def _reads_as_utf8(body: bytes) -> bool:
    """Whether a CP437 file's first non-ASCII line is also valid UTF-8: inherently ambiguous
    (e.g. "Γ¡º" in CP437 is "⭧" in UTF-8), read as UTF-8. Swedish letters in CP437 are never
    valid UTF-8 (they are continuation bytes with no lead byte)."""
    line = next((line for line in body.split(b"\n") if not line.isascii()), None)
    try:
        return line is not None and bool(line.decode("utf-8"))
    except UnicodeDecodeError:
        return False


@settings(max_examples=150, deadline=None)
@given(
    accounts=st.lists(ACCOUNT, max_size=5),
    objects=st.lists(st.tuples(st.integers(1, 99), TEXT, TEXT), max_size=4),
    vouchers_=st.lists(VOUCHER, max_size=6),
    utf8=st.booleans(),
    data=st.data(),
)
def test_round_trip_through_the_sandbox_writer(accounts, objects, vouchers_, utf8, data):
    lines, expected = _write(accounts, objects, vouchers_)
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8") if utf8 else b"".join(writer.encode(lines))
    assume(utf8 or not _reads_as_utf8(body))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=12)))
    chunks = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    assert list(parse(chunks)) == expected


def test_the_writer_quotes_escapes_and_trims_as_fortnox():
    assert writer.quote('a "b" \\ c\td\r\n') == '"a \\"b\\" \\\\ c d  "'
    assert [writer.amount(D(v)) for v in ("1997.00", "-3.70", "0.00", "-0.00", "1E+3")] == [
        "1997", "-3.7", "0", "0", "1000",
    ]  # fmt: skip
    line = writer.transaction("TRANS", 1930, ((1, "ADM"), (6, "3")), D("-1.50"), None, D(0))
    assert line == '#TRANS 1930 {1 "ADM" 6 "3"} -1.5 "" "" 0'


# -- bounded memory
def test_a_large_stream_is_parsed_in_bounded_memory():
    note = writer.quote('Hyra "Kv. Björken" \\ lokal på Storgatan 12, kvartal två ' * 4)
    rows = "".join(
        writer.record(kind, str(account), objects, amount, '""', note, "0") + "\r\n"
        for kind, account, objects, amount in (
            ("TRANS", 1930, "{}", "-1250"),
            ("TRANS", 5010, '{1 "ADM" 6 "12"}', "1000"),
            ("TRANS", 2640, "{}", "250"),
        )
    )
    block = "".join(
        f"#VER A {n} 20250506 {note} 20250506\r\n{{\r\n{rows}}}\r\n" for n in range(1, 41)
    ).encode("cp437")
    blocks = 30_000_000 // len(block)  # about 30 MB, generated as it is read

    def stream():
        yield b"#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n"
        for _ in range(blocks):
            yield block

    count = 0
    tracemalloc.start()
    try:
        for event in parse(stream()):
            if isinstance(event, SieVoucher):
                count += len(event.rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 3 * 40 * blocks > 50_000
    assert peak < 1_500_000  # the input is 20 times that


def test_round_trip_of_the_hardest_texts():
    hard = ('a "b" \\ c', "\\", '"', '\\"', "ends with \\", " spaced ", "{1 } ö}", "Å\xa0ä")
    rows = [(("TRANS", 1930, ((1, text),)), D("-0.01"), text, D(1)) for text in hard]
    lines, expected = _write(
        [(1930, text) for text in hard],
        [(6, text, text) for text in hard],
        [("A", 1, date(2025, 1, 1), text, None, rows) for text in hard],
    )
    body = b"".join(writer.encode(lines))
    assert list(parse([body])) == expected
    assert events(body, chunk=7) == expected
