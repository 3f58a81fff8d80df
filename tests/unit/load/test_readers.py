"""readers.stage: encodings, line endings and --sheet, checked on the staging tables themselves.

Every fixture is written here as bytes, so the test says exactly what is on disk.
"""

from __future__ import annotations

import codecs
import json
import random
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from pipelines.errors import InputError
from pipelines.load import readers
from pipelines.load.ingest import ingest_file
from pipelines.load.read import chunks, quotes, surplus
from pipelines.load.read.encoding import first_non_utf8, has_utf8_multibyte

HEADER = b"company,role,applied_on"
# A chunk size far below the real one, so the chunked scans (UTF-8 check, transcoding, line-ending
# normalisation) cross chunk boundaries inside multi-byte characters, CRLF pairs and quoted cells.
TINY_CHUNK = 5


def _stage(con: duckdb.DuckDBPyConnection, path: Path, data: bytes, **kwargs: Any) -> tuple[Any, list, list]:
    path.write_bytes(data)
    cur = con.cursor()
    staged = readers.stage(cur, path, **kwargs)
    rows = cur.execute("select * from staged order by line").fetchall()
    rejects = cur.execute("select line, column_name, value, reason from staged_rejects order by line").fetchall()
    assert staged.rows_read == len(rows) + len(rejects)
    return staged, rows, rejects


@pytest.fixture(params=["real chunks", "tiny chunks"])
def chunking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param == "tiny chunks":
        monkeypatch.setattr(chunks, "SIZE", TINY_CHUNK)


@pytest.fixture
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary copies go here, so a test can see that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# --- encodings -------------------------------------------------------------------------------------


def test_utf8_with_bom_is_read_as_it_is(con: duckdb.DuckDBPyConnection, tmp_path: Path, private_tempdir: Path) -> None:
    data = codecs.BOM_UTF8 + HEADER + b"\nCaf\xc3\xa9,Dev,2025-01-02\n"
    staged, rows, rejects = _stage(con, tmp_path / "bom.csv", data)
    assert staged.header == ["company", "role", "applied_on"]
    assert rows == [(2, "Café", "Dev", "2025-01-02")]
    assert rejects == []
    assert staged.notes == []
    assert staged.size_bytes == len(data)
    assert list(private_tempdir.iterdir()) == []  # no copy needed


@pytest.mark.parametrize(
    ("bom", "encoding", "note"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "read as UTF-16 LE"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "read as UTF-16 BE"),
    ],
)
def test_utf16_with_bom_tab_delimited(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    private_tempdir: Path,
    chunking: None,
    bom: bytes,
    encoding: str,
    note: str,
) -> None:
    # Excel "Unicode text": UTF-16 with a BOM, TAB-delimited, CRLF, line breaks in cells as LF.
    text = (
        "company\trole\tapplied_on\tnotes\r\n"
        'Café Ltd\tDéveloppeur\t2025-01-02\t"salaire 40 k€\nà négocier"\r\n'
        "Müller GmbH\tEngineer 🚀\t2025-01-03\t\r\n"
    )
    data = bom + text.encode(encoding)
    staged, rows, rejects = _stage(con, tmp_path / "unicode.txt", data)
    assert staged.header == ["company", "role", "applied_on", "notes"]
    assert rows == [
        (2, "Café Ltd", "Développeur", "2025-01-02", "salaire 40 k€\nà négocier"),
        (3, "Müller GmbH", "Engineer 🚀", "2025-01-03", None),
    ]
    assert rejects == []
    assert staged.notes == [note, "delimiter '\\t'"]
    assert staged.size_bytes == len(data)
    assert list(private_tempdir.iterdir()) == []  # the UTF-8 copy is removed


@pytest.mark.parametrize(
    ("encoding", "note"),
    [
        ("utf-16-le", "read as UTF-16 LE (no byte order mark)"),
        ("utf-16-be", "read as UTF-16 BE (no byte order mark)"),
    ],
)
def test_utf16_without_bom_when_the_nul_pattern_is_unambiguous(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, encoding: str, note: str
) -> None:
    text = "company,role,applied_on\nAcme,Dev,2025-01-02\nBeta,Ops,2025-01-03\n"
    staged, rows, rejects = _stage(con, tmp_path / "nobom.csv", text.encode(encoding))
    assert rows == [(2, "Acme", "Dev", "2025-01-02"), (3, "Beta", "Ops", "2025-01-03")]
    assert rejects == []
    assert staged.notes == [note]


@pytest.mark.parametrize(
    "data",
    [
        # small little-endian integers: NUL every other byte, but control characters, not text
        bytes(range(1, 40)).replace(b"", b"\x00")[1:],
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        HEADER + b"\nAcme,Dev\x00,2025-01-02\n",
    ],
)
def test_binary_files_are_still_refused_for_their_nul_bytes(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match="contains NUL bytes"):
        readers.stage(con.cursor(), path)


def test_utf16_nul_refusal_gives_the_line(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "nul16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "company,role,applied_on\r\nA,B,C\r\nA\x00,B,C\r\n".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"^nul16.csv: line 3: contains NUL bytes"):
        readers.stage(con.cursor(), path)


def test_broken_utf16_is_refused_with_its_line(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "broken16.txt"
    lone_surrogate = b"\x00\xd8"  # a high surrogate (LE) followed by a plain character
    path.write_bytes(
        codecs.BOM_UTF16_LE + "company\r\nA\r\n".encode("utf-16-le") + lone_surrogate + "B\r\n".encode("utf-16-le")
    )
    with pytest.raises(InputError, match=r"^broken16.txt: line 3: is not valid UTF-16 text"):
        readers.stage(con.cursor(), path)


def test_windows_1252_file(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, private_tempdir: Path, chunking: None
) -> None:
    data = (
        b"company,role,applied_on,notes\r\n"
        b"Caf\xe9 \x80 Ltd,\x93Senior\x94 Dev,2025-01-02,it\x92s \x85 fine\r\n"
        b"Na\xefve,R\xf4le,2025-01-03,undefined \x81\x8d\x8f\x90\x9d bytes\r\n"
    )
    staged, rows, rejects = _stage(con, tmp_path / "ansi.csv", data)
    assert rows == [
        (2, "Café € Ltd", "“Senior” Dev", "2025-01-02", "it’s … fine"),
        (3, "Naïve", "Rôle", "2025-01-03", "undefined \x81\x8d\x8f\x90\x9d bytes"),
    ]
    assert rejects == []
    assert staged.notes == ["read as Windows-1252 (not UTF-8)"]
    assert staged.size_bytes == len(data)
    assert list(private_tempdir.iterdir()) == []


def test_windows_1252_multiline_cells_with_blank_lines_keep_exact_lines(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, private_tempdir: Path, chunking: None
) -> None:
    # A pasted job description (blank lines inside the quotes), a blank line between rows, a
    # ragged row, and a cell with an LF break in an otherwise CRLF file (Excel's Alt+Enter).
    data = (
        b"company,role,applied_on,notes\r\n"
        b'Caf\xe9,Dev,2025-01-02,"Job description:\r\n\r\nWe\x92re hiring.\r\n\r\n\r\nSalary \x8030k"\r\n'
        b"\r\n"
        b"Beta,R,2025-01-03,x,extra\r\n"
        b'Gamma,"R, senior",2025-01-04,"line one\nline two ""quoted"""\r\n'
        b"\r\n"
        b"Delta,R\r\n"
        b"Epsilon,R,2025-01-06,last"
    )
    staged, rows, rejects = _stage(con, tmp_path / "pasted.csv", data)
    assert rows == [
        (2, "Café", "Dev", "2025-01-02", "Job description:\r\n\r\nWe’re hiring.\r\n\r\n\r\nSalary €30k"),
        (4, "Gamma", "R, senior", "2025-01-04", 'line one\nline two "quoted"'),
        (6, "Epsilon", "R", "2025-01-06", "last"),
    ]
    assert rejects == [
        (3, None, "Beta,R,2025-01-03,x,extra", "more fields than the header has columns"),
        (5, "applied_on", "Delta,R", "fewer fields than the header has columns"),
    ]
    assert (staged.rows_read, staged.parsed_rows, staged.structural_rejects) == (5, 3, 2)
    assert staged.notes == ["read as Windows-1252 (not UTF-8)"]
    assert list(private_tempdir.iterdir()) == []


@pytest.mark.parametrize(
    ("data", "line", "byte"),
    [
        (HEADER + b"\nCaf\xc3\xa9,R,2025-01-01\nB,R,2025-01-02\nCaf\xe9,R,2025-01-03\n", 4, "0xe9"),
        (HEADER + b"\rCaf\xc3\xa9,R,2025-01-01\r\nB,R,2025-01-02\rCaf\xe9,R,2025-01-03\r", 4, "0xe9"),
        (HEADER + b"\nCaf\xe9,R,2025-01-01\n\xe2\x82\xac,R,2025-01-02\n", 2, "0xe9"),  # bad byte before the UTF-8
        (codecs.BOM_UTF8 + HEADER + b"\nA,R,2025-01-01\nCaf\xe9,R,2025-01-02\n", 3, "0xe9"),  # the BOM says UTF-8
    ],
)
def test_utf8_mixed_with_invalid_bytes_is_refused_with_the_line(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, chunking: None, data: bytes, line: int, byte: str
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"^mixed.csv: line {line}: byte {byte} is not UTF-8 text"):
        readers.stage(con.cursor(), path)


def test_first_bad_byte_offset_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"ab\xe2\x82\xac" * 3 + b"\xe2\x82" + b"x\xe2\x82\xac"  # a truncated euro sign at offset 15
    for chunk in (1, 2, 3, 4, 5, 7, 1 << 22):
        monkeypatch.setattr(chunks, "SIZE", chunk)
        assert first_non_utf8(data) == 15, chunk
        assert first_non_utf8(data[:15]) is None, chunk


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"abcd\xc3\xa9\xe9", True),  # a valid two-byte sequence next to a bad byte
        (b"\xe9t\xe9 \x80\x93abc\xe2\x82", False),  # cp1252 bytes, a truncated sequence: nothing valid
        (b"x\xef\xbf\xbd\xe9", True),  # U+FFFD written in the file is a valid sequence too
        (b"plain ascii", False),
    ],
)
def test_has_utf8_multibyte_across_chunks(monkeypatch: pytest.MonkeyPatch, data: bytes, expected: bool) -> None:
    for chunk in (1, 2, 3, 4, 5, 1 << 22):
        monkeypatch.setattr(chunks, "SIZE", chunk)
        assert has_utf8_multibyte(data) is expected, chunk


def test_windows_1252_json_lines(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    data = b'{"company": "Caf\xe9 \x80", "role": "Dev"}\r{"company": "Beta"}\r\rnot json\r'
    staged, rows, rejects = _stage(con, tmp_path / "log.jsonl", data)
    assert staged.header == ["company", "role"]
    assert rows == [(1, "Café €", "Dev"), (2, "Beta", None)]
    assert rejects == [(4, None, "not json", "line is not valid JSON")]
    assert staged.notes == ["read as Windows-1252 (not UTF-8)"]


def test_json_lines_keys_of_any_spelling(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # found by the fuzzer: a `$."key"` path refused the empty key (the whole load failed) and read
    # NULL for every key with a non-ASCII character (Société, 日付): values lost without a word
    keys = ["Société", "日付", "", "a/b", "~x", 'say "hi"', "back\\slash", "a.b", "$.x", "[0]"]
    record = {key: f"v{i}" for i, key in enumerate(keys)}
    for ensure_ascii in (False, True):
        data = json.dumps(record, ensure_ascii=ensure_ascii).encode() + b"\n"
        staged, rows, rejects = _stage(con, tmp_path / "keys.jsonl", data)
        ((line, *values),) = rows
        # the empty key's column is named by its position, like a blank CSV header cell
        read = dict(zip(staged.header, values, strict=True))
        read = {"" if name.startswith("column ") else name: value for name, value in read.items()}
        assert (line, read, rejects) == (1, record, [])


# --- line endings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ending", "name"),
    [
        (b"\n", "lf"),
        (b"\r\n", "crlf"),
        (b"\r", "cr"),
        (b"mixed", "mixed"),
    ],
)
def test_line_endings(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, private_tempdir: Path, chunking: None, ending: bytes, name: str
) -> None:
    lines = [
        HEADER,
        b"A,R,2025-01-01",
        b"B,R",
        b"",
        b"C,R,2025-01-03",
        b"",
        b"",
        b"D,R,2025-01-04,x",
        b"E,R,2025-01-05",
    ]
    if ending == b"mixed":
        endings = [b"\r\n", b"\n", b"\r\n", b"\n", b"\r\n", b"\r\n", b"\n", b"\n", b"\r\n"]
    else:
        endings = [ending] * len(lines)
    data = b"".join(line + end for line, end in zip(lines, endings, strict=True))
    staged, rows, rejects = _stage(con, tmp_path / f"{name}.csv", data)
    # blank lines do not count: A=2, B=3, C=4, D=5, E=6
    assert rows == [(2, "A", "R", "2025-01-01"), (4, "C", "R", "2025-01-03"), (6, "E", "R", "2025-01-05")]
    assert rejects == [
        (3, "applied_on", "B,R", "fewer fields than the header has columns"),
        (5, None, "D,R,2025-01-04,x", "more fields than the header has columns"),
    ]
    assert (staged.rows_read, staged.parsed_rows, staged.structural_rejects) == (5, 3, 2)
    assert list(private_tempdir.iterdir()) == []


def test_last_row_without_line_end_in_a_cr_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    staged, rows, _ = _stage(con, tmp_path / "mac.csv", HEADER + b"\rA,R,2025-01-01\rB,R,2025-01-02")
    assert rows == [(2, "A", "R", "2025-01-01"), (3, "B", "R", "2025-01-02")]
    assert staged.rows_read == 2


@pytest.mark.parametrize("start", [b"\n", b"\r\n\r\n", b"\r", codecs.BOM_UTF8 + b"\n\n"])
def test_blank_lines_before_the_header_are_skipped(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, private_tempdir: Path, start: bytes
) -> None:
    # found by the fuzzer: the blank first line was taken as a header of no columns, and the file
    # was refused with DuckDB's "Binder Error: read_csv columns requires a struct as input"
    data = start + HEADER + b"\nA,R,2025-01-01\nB,R\n\nC,R,2025-01-03\n"
    staged, rows, rejects = _stage(con, tmp_path / "blank-first.csv", data)
    assert staged.header == ["company", "role", "applied_on"]
    assert rows == [(2, "A", "R", "2025-01-01"), (4, "C", "R", "2025-01-03")]
    assert rejects == [(3, "applied_on", "B,R", "fewer fields than the header has columns")]
    assert list(private_tempdir.iterdir()) == []


def test_rows_after_adjacent_rejected_rows_keep_their_lines(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # found by the fuzzer: two rejected rows in a row shared one gap in the numbering, and the rows
    # after them took the line of a rejected row (so a reject and a row's value problem met on one line)
    lines = [HEADER, b"A,R,2025-01-01", b"B,R", b"C", b"D,R,2025-01-04", b"E,R,x,y", b"F,R,2025-01-06,z,w"]
    lines += [b"G,R,2025-01-07", b"H", b"I", b"J", b"K,R,2025-01-11"]
    _, rows, rejects = _stage(con, tmp_path / "ragged.csv", b"\n".join(lines) + b"\n")
    assert [line for line, *_ in rows] == [2, 5, 8, 12]
    assert [company for _, company, *_ in rows] == ["A", "D", "G", "K"]
    assert [line for line, *_ in rejects] == [3, 4, 6, 7, 9, 10, 11]
    assert [value[0] for _, _, value, _ in rejects] == ["B", "C", "E", "F", "H", "I", "J"]


@pytest.mark.parametrize(
    ("data", "notes"),
    [
        # mixed row ends: quoted CRLF, CR and LF are kept as they are inside the cell
        (
            b'company,role,applied_on,notes\n"A",R,2025-01-01,"one\r\ntwo\rthree\nfour"\r\nB,R,2025-01-02,x\n',
            ["one\r\ntwo\rthree\nfour", "x"],
        ),
        # old-Mac file whose cell holds LF and CRLF
        (
            b'company,role,applied_on,notes\r"A",R,2025-01-01,"one\r\ntwo\nthree"\rB,R,2025-01-02,x\r',
            ["one\r\ntwo\nthree", "x"],
        ),
    ],
)
def test_line_breaks_inside_quotes_are_kept(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, chunking: None, data: bytes, notes: list[str]
) -> None:
    _, rows, rejects = _stage(con, tmp_path / "quoted.csv", data)
    assert [(line, note) for line, *_, note in rows] == [(2, notes[0]), (3, notes[1])]
    assert rejects == []


@pytest.mark.parametrize(
    ("data", "roles"),
    [
        # Windows rows, a line break typed in a cell (LF), an inch mark in an unquoted cell
        (
            b'company,role,applied_on\r\nA,12" screen,2025-01-01\r\nB,"Dev\nOps",2025-01-02\r\nC,Ops,2025-01-03\r\n',
            ['12" screen', "Dev\nOps", "Ops"],
        ),
        # old-Mac rows, quotes as text inside unquoted cells, a quoted cell with CR and "" in it
        (
            b'company,role,applied_on\rA,Robert "Bob" Smith,2025-01-01\rB,"say ""hi""\rthen",2025-01-02\r'
            b'C,27",2025-01-03\rD,Ops,2025-01-04\r',
            ['Robert "Bob" Smith', 'say "hi"\rthen', '27"', "Ops"],
        ),
    ],
)
def test_quotes_inside_unquoted_cells_are_text_when_line_ends_are_rewritten(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, chunking: None, data: bytes, roles: list[str]
) -> None:
    # found by the fuzzer: every quote flipped "inside a quoted cell" for the line-end rewrite, so a
    # quote DuckDB reads as text turned all later row ends inside-out and the file was refused
    # ("state machine reached an invalid state")
    _, rows, rejects = _stage(con, tmp_path / "quotes.csv", data)
    assert [(line, role) for line, _, role, _ in rows] == [(i + 2, role) for i, role in enumerate(roles)]
    assert rejects == []


def _quotes_by_state_machine(data: bytes) -> list[int]:
    """Offsets of the quotes that open or close a quoted cell, byte by byte (DuckDB's rule)."""
    inside, counted = False, []
    for offset, byte in enumerate(data):
        if byte == ord('"') and (inside or offset == 0 or data[offset - 1] in b',;\t|\r\n"'):
            counted.append(offset)
            inside = not inside
    return counted


def _widest_row_by_state_machine(data: bytes, width: int) -> tuple[int, int] | None:
    """(line, fields) of the first widest row with surplus fields that are not all empty at its end."""
    counted, inside = set(_quotes_by_state_machine(data)), False
    rows, row, delimiters, trailing = [], b"", 0, 0
    for offset, byte in enumerate(data):
        inside ^= offset in counted
        if byte == ord("\n") and not inside:
            rows.append((row, delimiters, trailing))
            row, delimiters, trailing = b"", 0, 0
            continue
        row += bytes([byte])
        if byte == ord(",") and not inside:
            delimiters, trailing = delimiters + 1, trailing + 1
        elif byte != ord("\r"):
            trailing = 0
    if row:  # the last row, without a line end (or inside a quote never closed)
        rows.append((row, delimiters, trailing))
    line, widest = 0, None
    for row, delimiters, trailing in rows:
        line += row not in (b"", b"\r")
        if delimiters + 1 > width and delimiters - trailing >= width and (widest is None or delimiters + 1 > widest[1]):
            widest = (line, delimiters + 1)
    return widest


def test_quote_and_row_scans_match_a_byte_by_byte_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunking: None
) -> None:
    # the vectorised scans (counted_quotes, surplus_fields) against the plain state machine, on
    # random bytes of the characters that matter, across chunk boundaries
    monkeypatch.setattr(surplus, "MAX_SURPLUS_FIELDS", 0)
    rng = random.Random(9)
    for _ in range(400):
        data = bytes(rng.choice(b'ab,,,;"\r\n ') for _ in range(rng.randint(0, 60)))
        counted = [start + int(i) for start, mask in quotes.counted_quotes(data) for i in np.flatnonzero(mask)]
        assert counted == _quotes_by_state_machine(data), data
        width = rng.randint(1, 4)
        assert surplus.surplus_fields(data, ord(","), width, rows=True) == _widest_row_by_state_machine(data, width)


class _RecordingCursor:
    """A DuckDB cursor that records the statements it runs."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor
        self.statements: list[str] = []

    def execute(self, query: str, *args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        self.statements.append(query)
        return self._cursor.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


def test_a_row_of_thousands_of_surplus_fields_is_refused_at_once(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # found by the fuzzer: DuckDB records a reject per surplus field with a copy of its row, so one
    # 160 KB row of 80,000 fields took 19 s (a few MB of them, hours)
    # at once: before DuckDB reads the file (no statement runs; the time it takes is `make bench`'s)
    path = tmp_path / "one-line.csv"
    path.write_bytes(HEADER + b"\nA,R,2025-01-01" + b",x" * 80_000 + b"\nB,R,2025-01-02\n")
    cursor = _RecordingCursor(con.cursor())
    with pytest.raises(InputError, match=r"^one-line.csv: line 2 has 80,003 fields where the header has 3 columns; "):
        readers.stage(cursor, path)  # type: ignore[arg-type]
    assert cursor.statements == []
    path.write_bytes(HEADER + b"\nA,R,2025-01-01\nB,R,2025-01-02\n")
    readers.stage(cursor, path)  # type: ignore[arg-type]
    assert any("read_csv" in statement for statement in cursor.statements)  # the recording sees DuckDB read
    # quoted delimiters are text, and empty fields at a row's end cost DuckDB nothing: both load
    cell = ", ".join(["word"] * 5_000)
    path.write_bytes(HEADER + f'\nA,"{cell}",2025-01-01'.encode() + b"," * 5_000 + b"\nB,R,2025-01-02\n")
    _, rows, rejects = _stage(con, path, path.read_bytes())
    assert [(line, role) for line, _, role, _ in rows] == [(2, cell), (3, "R")] and rejects == []


def test_line_ends_that_cannot_be_told_apart_are_refused_with_a_reason(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # found by the fuzzer (shrunk): the refusal was DuckDB's own "The CSV Parser state machine reached
    # an invalid state". Here a quote after `;` in a `|` file looks like it opens a cell.
    path = tmp_path / "noise.csv"
    path.write_bytes(b'company|role\r;"|x\r')
    with pytest.raises(InputError, match=r"^noise.csv: cannot be split into rows: its line ends are of mixed kinds"):
        readers.stage(con.cursor(), path)


@pytest.mark.parametrize(
    "data",
    [
        # DuckDB takes its newline from the first CR/LF byte, quoted or not: without the rewrite these
        # two files read zero rows and no rejects.
        b'company,role,"applied\non"\r\nA,R,2025-01-01\r\nB,R,2025-01-02\r\n',
        b'company,role,"applied\ron"\nA,R,2025-01-01\nB,R,2025-01-02\n',
    ],
)
def test_header_cell_with_a_line_break(con: duckdb.DuckDBPyConnection, tmp_path: Path, data: bytes) -> None:
    staged, rows, rejects = _stage(con, tmp_path / "header.csv", data)
    assert staged.header == ["company", "role", "applied\non"]
    assert rows == [(2, "A", "R", "2025-01-01"), (3, "B", "R", "2025-01-02")]
    assert rejects == []


def test_a_header_cell_of_a_pasted_page_is_refused_naming_the_file(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # found by the fuzzer: the refusal named neither the file nor the reason
    path = tmp_path / "big.csv"
    path.write_bytes(b"company,role," + b"x" * 200_000 + b"\nA,R,2025-01-01\n")
    with pytest.raises(InputError, match=r"^big.csv: the first line is not a CSV header \(field larger than field"):
        readers.stage(con.cursor(), path)


def test_header_with_trailing_spaces_keeps_its_name(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    staged, rows, _ = _stage(con, tmp_path / "paid.csv", b"company,role,applied_on,Paid? \r\nA,R,2025-01-01,yes\n")
    assert staged.header == ["company", "role", "applied_on", "Paid?"]
    assert rows == [(2, "A", "R", "2025-01-01", "yes")]


def test_unclosed_quote_in_a_transcoded_file_is_refused_and_the_copy_removed(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, private_tempdir: Path
) -> None:
    path = tmp_path / "quote.csv"
    path.write_bytes(HEADER + b',notes\r\nCaf\xe9,R,2025-01-01,"never closed\nB,R,2025-01-02,x\r\n')
    with pytest.raises(InputError, match="line 2: a quote"):
        readers.stage(con.cursor(), path)
    assert list(private_tempdir.iterdir()) == []


# --- XLSX --sheet ----------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Read me"  # empty: the default skips it
    older = book.create_sheet("2024")
    older.append(["company", "role", "applied_on"])
    older.append(["Old Co", "Dev", "2024-03-01"])
    newer = book.create_sheet("2025 search")
    newer.append(["company", "role", "applied_on"])
    newer.append(["New Co", "Dev", "2025-03-01"])
    newer.append([None, None, None])
    newer.append(["Newer Co", "Ops", "2025-03-02"])
    path = tmp_path / "search.xlsx"
    book.save(path)
    return path


def test_xlsx_default_is_the_first_sheet_with_data(con: duckdb.DuckDBPyConnection, workbook: Path) -> None:
    cur = con.cursor()
    staged = readers.stage(cur, workbook)
    assert staged.notes == ["sheet '2024'"]
    assert cur.execute("select * from staged order by line").fetchall() == [(2, "Old Co", "Dev", "2024-03-01")]


def test_xlsx_sheet_is_chosen_by_name(con: duckdb.DuckDBPyConnection, workbook: Path) -> None:
    cur = con.cursor()
    staged = readers.stage(cur, workbook, sheet="2025 search")
    assert staged.notes == ["sheet '2025 search'"]
    assert cur.execute("select * from staged order by line").fetchall() == [
        (2, "New Co", "Dev", "2025-03-01"),
        (4, "Newer Co", "Ops", "2025-03-02"),
    ]
    assert staged.rows_read == 2


def test_xlsx_unknown_sheet_lists_the_sheets(con: duckdb.DuckDBPyConnection, workbook: Path) -> None:
    with pytest.raises(InputError) as raised:
        readers.stage(con.cursor(), workbook, sheet="2026")
    assert str(raised.value) == "search.xlsx: no sheet named '2026' (sheets: Read me, 2024, 2025 search)"


def test_xlsx_empty_sheet_by_name(con: duckdb.DuckDBPyConnection, workbook: Path) -> None:
    with pytest.raises(InputError, match=r"^search.xlsx: sheet 'Read me' has no data$"):
        readers.stage(con.cursor(), workbook, sheet="Read me")


def test_xlsx_with_a_damaged_sheet_is_refused(con: duckdb.DuckDBPyConnection, workbook: Path) -> None:
    # found by the fuzzer: calamine parses a sheet's XML only when its rows are asked for, and its
    # XmlError escaped as "unexpected error" (a sound zip holding a corrupted sheet2.xml)
    with zipfile.ZipFile(workbook) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(workbook, "w") as archive:
        for name, data in members:
            broken = data.replace(b'<row r="2"', b'<row r"2"') if name == "xl/worksheets/sheet2.xml" else data
            archive.writestr(name, broken)
    with pytest.raises(InputError, match=r"^search.xlsx: sheet '2024' cannot be read, the workbook is damaged \("):
        readers.stage(con.cursor(), workbook)
    result = ingest_file(con, workbook)
    assert result.status == "refused" and "\n" not in result.message


@pytest.mark.parametrize(
    ("name", "data", "label"),
    [
        ("log.csv", HEADER + b"\nA,R,2025-01-01\n", "CSV"),
        ("log.jsonl", b'{"company": "A"}\n', "JSON Lines"),
    ],
)
def test_sheet_for_a_text_file_is_refused(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, name: str, data: bytes, label: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"--sheet only applies to XLSX workbooks, and this is a {label} file"):
        readers.stage(con.cursor(), path, sheet="Sheet1")


# --- end to end through the ingest -----------------------------------------------------------------


def test_ingest_windows_1252_with_mixed_line_endings(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    path.write_bytes(
        HEADER + b"\r\nCaf\xe9 \x80,\x93Lead\x94,2025-01-02\nBeta,Dev,not a date\r\n\rGamma,Ops,2025-01-04\n"
    )
    result = ingest_file(con, path)
    assert result.status == "loaded", result.message
    assert (result.rows_read, result.inserted, result.rejected) == (3, 2, 1)
    assert [(r["line"], r["column"]) for r in result.rejects] == [(3, "applied_on")]
    assert "read as Windows-1252 (not UTF-8)" in result.notes
    stored = con.cursor().execute("select company, role, applied_on::varchar from applications order by 1").fetchall()
    assert stored == [("Café €", "“Lead”", "2025-01-02"), ("Gamma", "Ops", "2025-01-04")]


def test_ingest_utf16_tab_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    text = "company\trole\tapplied_on\r\nZürich AG\tDev\t2025-02-01\r\nŁódź sp.\tQA\t2025-02-03\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = ingest_file(con, path)
    assert result.status == "loaded", result.message
    assert (result.rows_read, result.inserted, result.rejected) == (2, 2, 0)
    assert "read as UTF-16 LE" in result.notes
    stored = con.cursor().execute("select company, role, applied_on::varchar from applications order by 1").fetchall()
    assert stored == [("Zürich AG", "Dev", "2025-02-01"), ("Łódź sp.", "QA", "2025-02-03")]
