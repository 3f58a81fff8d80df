"""Reading a file into a staging table, losing nothing.

Every supported file (CSV, XLSX, JSON Lines) becomes the same thing: a temporary table `staged` with
a `line` column and one VARCHAR column per header column, named c0, c1, ... (never the user's
header text, so no identifier from a file reaches SQL), plus a temporary table `staged_rejects` with
the rows that could not even be split into fields. Every data row of the file is in exactly one of
the two; `StagedFile.rows_read` counts both.

Line numbers: the header is line 1 and each data row counts once, however many text lines its
quoted cells span; blank lines are not counted. For XLSX the line is the sheet's row number.

Encodings: UTF-8 (with or without BOM) is read as it is. UTF-16 (with a BOM, or without one when the
NUL-byte pattern is unambiguous) and files with no valid multi-byte UTF-8 sequence at all (read as
Windows-1252) are transcoded to a temporary UTF-8 copy, which DuckDB then reads, so line numbers and
rejects come from the same parser as for UTF-8 files. A file mixing UTF-8 with invalid bytes is refused.

Line endings: DuckDB reads all-LF and all-CRLF files but refuses a file mixing them, and an old-Mac
CR file escapes the independent row count, so any other mix is rewritten to LF row ends first. Line
breaks inside quoted cells are kept byte for byte (a pasted CRLF stays CRLF), except inside the
header row (see _normalise_line_endings).

All staging happens on the caller's cursor: DuckDB temporary tables belong to one connection.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.errors import InputError
from pipelines.load import guard as safety
from pipelines.rows import one_row, one_value

MAX_CELL_BYTES = 16 * 1024 * 1024  # a pasted job description can be long; a 16 MB line is not a row
_STRUCTURAL_REASONS = {
    "MISSING COLUMNS": "fewer fields than the header has columns",
    "TOO MANY COLUMNS": "more fields than the header has columns",
    "UNQUOTED VALUE": "a quoted field has text after its closing quote",
    "LINE SIZE OVER MAXIMUM": f"row longer than {MAX_CELL_BYTES // (1024 * 1024)} MB",
    "INVALID ENCODING": "text that is not valid UTF-8",
    "INVALID UNICODE": "text that is not valid UTF-8",
    "CAST": "value could not be read",
}
_VALUE_PREVIEW_CHARS = 200


@dataclass
class StagedFile:
    path: Path
    kind: str  # csv | xlsx | jsonl
    header: list[str]  # column names as written (made unique), in file order
    rows_read: int
    parsed_rows: int
    structural_rejects: int
    size_bytes: int
    notes: list[str] = field(default_factory=list)
    # the header as the file wrote it, when pipelines/load/trackers.py reshaped the rows (a remembered mapping's key)
    file_header: list[str] | None = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detect_kind(path: Path) -> str:
    """csv, xlsx or jsonl, from the content first and the extension second."""
    safety.check_file(path)  # hostile files (zip bombs, entity tricks, disguised binaries) stop here, unread
    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        if suffix in {".xlsx", ".xlsm"}:
            return "xlsx"
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
            if "xl/workbook.xml" in names:
                return "xlsx"
        raise InputError(f"{path.name}: a zip archive is not a CSV, XLSX or JSON Lines file")
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        raise InputError(f"{path.name}: has an Excel extension but is not an XLSX workbook")
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".json":
        return "jsonl"
    return "csv"


_CHUNK = 1 << 22  # bytes per step of the whole-file scans below: C-speed work, bounded extra memory


def _windows_1252_table() -> str:
    # cp1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined; Windows itself (and every browser) reads
    # them as the Latin-1 control characters of the same number, so a stray one never refuses a file.
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


_WINDOWS_1252 = _windows_1252_table()


def _line_of(data: bytes, offset: int) -> int:
    """Text line (1-based) of a byte offset, counting LF, CRLF and lone CR as one break each."""
    return data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le / utf-16-be when the first KB can only be UTF-16 text, else None.

    Text that is mostly ASCII has a NUL in every high byte and none in the low bytes. A few
    non-Latin-1 characters (a euro sign) are allowed to break the pattern; control characters are
    not, so arrays of small binary integers (also NUL every other byte) stay refused.
    """
    sample = data[:1024]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    for encoding, low, high in (("utf-16-le", sample[0::2], sample[1::2]), ("utf-16-be", sample[1::2], sample[0::2])):
        if low.count(0) == 0 and high.count(0) * 10 >= len(high) * 9:
            text = sample.decode(encoding, errors="replace")
            if not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
                return encoding
    return None


def _transcode(data: bytes, decode: Callable[[memoryview, bool], str]) -> bytes:
    """UTF-8 bytes of `data`, decoded a chunk at a time: never a whole-file str (up to 4 bytes a character)."""
    view = memoryview(data)
    parts = [
        decode(view[start : start + _CHUNK], start + _CHUNK >= len(data)).encode("utf-8")
        for start in range(0, len(data), _CHUNK)
    ]
    return b"".join(parts)


def _from_utf16(data: bytes, encoding: str, skip: int, name: str) -> bytes:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return _transcode(data[skip:], decoder.decode)
    except UnicodeDecodeError as e:
        # The failing offset inside the chunk is approximate by the few bytes the decoder carried
        # over; decoding the prefix leniently gives a line that is right for the user.
        text = data[skip:].decode(encoding, errors="replace")
        bad = text.find("\ufffd")
        prefix = text[: bad if bad != -1 else len(text)]
        line = prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1
        raise InputError(
            f"{name}: line {line}: is not valid UTF-16 text; "
            "save the file as UTF-8 (CSV UTF-8 in Excel) and import again"
        ) from e


def _first_non_utf8(data: bytes) -> int | None:
    """Offset of the first byte that is not part of valid UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        try:
            decoder.decode(chunk, final=start + _CHUNK >= len(data))
        except UnicodeDecodeError as e:
            # e.object is what the decoder held back from the previous chunk (an incomplete
            # sequence, at most 3 bytes) followed by this chunk.
            return start - (len(e.object) - len(chunk)) + e.start
    return None


def _has_utf8_multibyte(data: bytes) -> bool:
    """Whether `data` holds at least one valid multi-byte UTF-8 sequence (a non-ASCII character).

    A lenient decode turns each invalid byte run into U+FFFD, so a valid sequence shows up as a
    non-ASCII character that is not U+FFFD; a U+FFFD written in the file itself is looked for as bytes.
    """
    if data.find("\ufffd".encode()) != -1:
        return True
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    for start in range(0, len(data), _CHUNK):
        text = decoder.decode(data[start : start + _CHUNK], final=start + _CHUNK >= len(data))
        if len(text) - len(text.encode("ascii", "ignore")) > text.count("\ufffd"):
            return True
    return False


def _to_utf8(data: bytes, name: str) -> tuple[bytes, list[str]]:
    """The file's text as UTF-8 bytes (the same object when it already is), and notes on how it was read.

    Refuses empty and binary files, and files that mix UTF-8 with bytes that are not UTF-8 (the
    line of the first bad byte is given): those cannot be read as any one encoding.
    """
    notes: list[str] = []
    if len(data) == 0:
        raise InputError(f"{name}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" save: UTF-16 with a BOM, usually TAB-delimited.
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        text = _from_utf16(data, encoding, 2, name)
        notes.append(f"read as UTF-16 {encoding[-2:].upper()}")
    elif data.find(b"\x00") != -1 and (guessed := _utf16_without_bom(data)):
        text = _from_utf16(data, guessed, 0, name)
        notes.append(f"read as UTF-16 {guessed[-2:].upper()} (no byte order mark)")
    else:
        text = data
        bad = _first_non_utf8(data) if data.find(b"\x00") == -1 else None  # binary: refused below
        if bad is not None:
            if _has_utf8_multibyte(data):
                raise InputError(
                    f"{name}: line {_line_of(data, bad)}: byte 0x{data[bad]:02x} is not UTF-8 text; "
                    "save the file as UTF-8 (CSV UTF-8 in Excel) and import again"
                )
            # Not one valid multi-byte UTF-8 sequence anywhere: an ANSI save from Excel or Notepad on
            # Windows. (Latin-1 is the same but for 0x80-0x9F, where cp1252 has the euro sign and
            # smart quotes.)
            text = _transcode(data, lambda chunk, _final: codecs.charmap_decode(chunk, "strict", _WINDOWS_1252)[0])
            notes.append("read as Windows-1252 (not UTF-8)")
    nul = text.find(b"\x00")
    if nul != -1:
        raise InputError(
            f"{name}: line {_line_of(text, nul)}: contains NUL bytes, so it is not a "
            "text file (CSV or JSON Lines) - was a binary file given the wrong extension?"
        )
    whitespace = b" \t\r\n\xef\xbb\xbf"
    # Only a file that starts with 64 KB of white space needs the whole-file look.
    if not text[: 1 << 16].strip(whitespace) and not text.strip(whitespace):
        raise InputError(f"{name}: the file is empty")
    return text, notes


def _normalise_line_endings(data: bytes) -> bytes:
    """`data` with every row ending outside quoted cells made LF, when DuckDB needs that.

    DuckDB 2.0's read_csv reads an all-LF or all-CRLF file, but stops with "state machine reached
    an invalid state" on a file mixing LF and CRLF rows, and reads an old-Mac CR file without the
    independent row count in _stage_csv being able to check it. It also takes its newline style
    from the first CR or LF byte, inside quotes or not: a header cell with a line break in it
    (Alt+Enter in Excel) of another style than the rows makes it read no rows at all, silently.

    So: files with no CR, and files whose every CR and LF pair up as CRLF, are returned as they are
    (the same object). Otherwise CRLF and lone CR outside quotes become LF; inside quoted cells the
    bytes are kept (a pasted CRLF or CR stays in the value), except in the header row, where they
    become LF too so that the first line break DuckDB sees is the LF of the row ends.
    """
    carriage_returns = data.count(b"\r")
    if not carriage_returns:
        return data
    crlf = data.count(b"\r\n")
    if carriage_returns == crlf == data.count(b"\n"):
        return data
    if data.find(b'"') == -1:
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    result = _line_ends_outside_quotes_to_lf(data)
    end = _header_end(result)
    if result.find(b"\r", 0, end) != -1:
        result = result[:end].replace(b"\r\n", b"\n").replace(b"\r", b"\n") + result[end:]
    return result


# What can stand before a quote that opens a quoted cell: a delimiter (not known yet where this is
# used, so any of the four), a line end, or another quote.
_BEFORE_OPENING_QUOTE = np.zeros(256, dtype=bool)
_BEFORE_OPENING_QUOTE[list(b',;\t|\r\n"')] = True


def _counted_quotes(data: bytes) -> Iterator[tuple[int, np.ndarray]]:
    """Per chunk of `data`: its offset, and a mask of the quotes that open or close a quoted cell.

    A byte is inside a quoted cell when the number of counted quotes before it is odd ("" escapes
    come in pairs, so they never flip the parity). Like DuckDB, a quote counts when it opens a cell
    (right after a delimiter or a line end) or stands inside one (a closing quote, a "" pair); any
    other quote is text (`12" screen`, `Robert "Bob" Smith` in an unquoted cell). Counting those too
    turned every later line end inside-out, and the file was refused.

    A quote after an ordinary character counts exactly when the counted parity before it is odd.
    That parity is all-quotes parity XOR dropped-quotes parity, and after each such quote the
    dropped parity is the opposite of the all-quotes parity before it (dropped or not), so every
    decision is vectorised: no loop over quotes.
    """
    array = np.frombuffer(data, dtype=np.uint8)
    seen = 0  # parity of all the quotes before the chunk
    dropped = 0  # parity of the quotes dropped before the next quote after an ordinary character
    for start in range(0, len(array), _CHUNK):
        chunk = array[start : start + _CHUNK]
        quotes = chunk == ord('"')
        positions = np.flatnonzero(quotes)
        if len(positions):
            before = positions + start - 1
            after_ordinary = np.zeros(len(positions), dtype=bool)
            has_before = before >= 0
            after_ordinary[has_before] = ~_BEFORE_OPENING_QUOTE[array[before[has_before]]]
            ordinary = np.flatnonzero(after_ordinary)
            if len(ordinary):
                seen_before = (ordinary + seen) & 1  # parity of all quotes before each one
                dropped_before = np.empty(len(ordinary), dtype=np.int64)
                dropped_before[0] = dropped
                dropped_before[1:] = 1 - seen_before[:-1]
                text = (seen_before ^ dropped_before) == 0  # outside a quoted cell: just text
                quotes[positions[ordinary[text]]] = False
                dropped = 1 - int(seen_before[-1])
            seen = (seen + len(positions)) & 1
        yield start, quotes


def _quote_parity_before(data: bytes, offsets: list[int]) -> list[int]:
    """For each byte offset (ascending): 1 when it is inside a quoted cell (see _counted_quotes)."""
    result = []
    index = 0
    inside = 0
    for start, counted in _counted_quotes(data):
        end = start + len(counted)
        if index < len(offsets) and offsets[index] < end:
            # cumsum in uint8 wraps at 256, which keeps the parity (the only bit read)
            running = np.cumsum(counted, dtype=np.uint8)
            while index < len(offsets) and offsets[index] < end:
                at = offsets[index] - start
                before = int(running[at - 1]) if at > 0 else 0
                result.append((inside + before) & 1)
                index += 1
        inside = (inside + int(np.count_nonzero(counted))) & 1
    return result + [inside] * (len(offsets) - len(result))


def _line_ends_outside_quotes_to_lf(data: bytes) -> bytes:
    # Vectorised with numpy, a chunk at a time: see _counted_quotes for which bytes are inside a
    # quoted cell. Same rule as _header_end and _blank_lines_before.
    array = np.frombuffer(data, dtype=np.uint8)
    parts = []
    inside = 0  # parity of the counted quotes before the chunk
    for start, quotes in _counted_quotes(data):
        chunk = array[start : start + _CHUNK]
        # cumsum in uint8 wraps at 256, which keeps the parity (the only bit read)
        outside = (np.cumsum(quotes, dtype=np.uint8) & 1) == inside
        carriage = (chunk == ord("\r")) & outside
        if carriage.any():
            following = array[start + 1 : start + len(chunk) + 1]
            before_lf = np.zeros(len(chunk), dtype=bool)
            before_lf[: len(following)] = following == ord("\n")
            chunk = chunk.copy()
            chunk[carriage & ~before_lf] = ord("\n")  # lone CR -> LF
            chunk = chunk[~(carriage & before_lf)]  # CRLF -> LF
        parts.append(chunk.tobytes())
        inside = (inside + int(np.count_nonzero(quotes))) & 1
    return b"".join(parts)


def _header_end(data: bytes) -> int:
    """Offset of the LF that ends the header row (quotes closed); the first MB at most."""
    limit = min(len(data), 1 << 20)
    head = data[:limit]
    line_ends = [match.start() for match in re.finditer(b"\n", head)]
    for position, inside in zip(line_ends, _quote_parity_before(head, line_ends), strict=True):
        if not inside:
            return position
    return limit


def _read_text(path: Path) -> tuple[bytes, list[str], int, bool]:
    """The file as UTF-8 bytes with LF row ends where needed (see the module docstring).

    Returns (data, notes, size of the file in bytes, whether data differs from the file's bytes).
    """
    # The whole file in memory: the checks (encoding, quotes, line counts) are C-speed scans over
    # bytes; a 1,000,000-row log is about 150 MB, well inside the memory budget. When the text
    # had to be rewritten, only the rewritten copy is kept.
    raw = path.read_bytes()
    size = len(raw)
    data, notes = _to_utf8(raw, path.name)
    data = _normalise_line_endings(data)
    rewritten = data is not raw
    del raw
    return data, notes, size, rewritten


@contextmanager
def _utf8_copy(path: Path, data: bytes, rewritten: bool) -> Iterator[Path]:
    """The path DuckDB should read: the file itself, or a temporary UTF-8 copy of `data`."""
    if not rewritten:
        yield path
        return
    handle = tempfile.NamedTemporaryFile(prefix="bounceback-", suffix=".csv", delete=False)  # noqa: SIM115 - removed below
    copy = Path(handle.name)
    try:
        with handle:
            handle.write(data)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for position, raw in enumerate(names):
        name = raw.strip() or f"column {position + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        result.append(name)
    return result


def _sniff_delimiter(first_line: str) -> str:
    # Count outside quotes would be more exact; header lines rarely quote delimiters.
    counts = {delim: first_line.count(delim) for delim in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_header(data: bytes, name: str) -> tuple[list[str], str]:
    head = data[: 1 << 20].decode("utf-8", errors="replace").lstrip("\ufeff")
    first_line = head.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, quotechar='"')
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as e:
        # csv.Error: a header cell over csv's field limit (128 KB), a pasted page rather than a name
        raise InputError(f"{name}: the first line is not a CSV header ({e})") from e
    return header, delimiter


def _blank_lines_before(data: bytes, offsets: list[int]) -> list[int]:
    """For each byte offset (ascending), how many blank lines outside quotes come before it.

    DuckDB counts blank lines in its reject line numbers; our numbering does not.
    Only called when a file has structural rejects and blank lines, so a Python loop over the
    blank lines is fine.
    """
    candidates = [match.start() + 1 for match in re.finditer(rb"\n(?=\r?\n)", data)]
    parities = _quote_parity_before(data, candidates)
    blanks = [position for position, inside in zip(candidates, parities, strict=True) if not inside]
    result = []
    index = 0
    for offset in offsets:
        while index < len(blanks) and blanks[index] < offset:
            index += 1
        result.append(index)
    return result


def stage(cur: duckdb.DuckDBPyConnection, path: Path, sheet: str | None = None) -> StagedFile:
    """Read `path` into the temporary tables `staged` and `staged_rejects`.

    `sheet` names the XLSX sheet to read (default: the first sheet with data); it is refused for
    any other kind of file rather than ignored.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    kind = detect_kind(path)
    if sheet is not None and kind != "xlsx":
        label = "JSON Lines" if kind == "jsonl" else "CSV"
        raise InputError(f"{path.name}: --sheet only applies to XLSX workbooks, and this is a {label} file")
    if kind == "xlsx":
        return _stage_xlsx(cur, path, sheet=sheet)
    if kind == "jsonl":
        return _stage_jsonl(cur, path)
    return _stage_csv(cur, path)


def _insert_rejects(cur: duckdb.DuckDBPyConnection, rejects: list[tuple[int, str | None, str, str]]) -> None:
    """(line, column, value, reason) rows into staged_rejects, as one Arrow table: executemany runs an
    INSERT per row, and 20,000 rejected rows took 13 s (the fuzzer's ragged files)."""
    if not rejects:
        return
    lines, columns, values, reasons = zip(*rejects, strict=True)
    rejects_arrow = pa.table(  # noqa: F841 - read by DuckDB's replacement scan below
        {
            "line": pa.array(lines, pa.int64()),
            "column_name": pa.array(columns, pa.string()),
            "value": pa.array(values, pa.string()),
            "reason": pa.array(reasons, pa.string()),
        }
    )
    cur.execute("insert into staged_rejects select * from rejects_arrow")


def _create_rejects_table(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "create or replace temp table staged_rejects ( line bigint, column_name varchar, value varchar, reason varchar)"
    )


# DuckDB records one reject per field beyond the header's columns, each with a copy of its row (up
# to 10 KB): 80,000 surplus fields on one 160 KB line took 19 s, and a few MB of them would take
# hours. A row that far from its header is not a row of this table, so such a file is refused first.
MAX_SURPLUS_FIELDS = 1_000  # in one row


def _check_surplus_fields(data: bytes, delimiter: str, width: int, name: str) -> None:
    """Refuse a file with a row of more than MAX_SURPLUS_FIELDS fields beyond `width`.

    A first pass counts delimiters per text line, quotes ignored (cheap, and an upper bound for a
    row on one line: a quoted delimiter counts as a field); only when it finds too many does the
    exact pass, per row with quoted cells respected, decide.
    """
    if data.count(delimiter.encode()) <= width - 1 + MAX_SURPLUS_FIELDS:
        return  # not enough delimiters in the whole file for one such row
    if _surplus_fields(data, ord(delimiter), width, rows=False) is None:
        return
    found = _surplus_fields(data, ord(delimiter), width, rows=True)
    if found is not None:
        line, fields = found
        raise InputError(
            f"{name}: line {line} has {fields:,} fields where the header has {width} columns; is the"
            f" delimiter {delimiter!r} right, and does each row end its line? Fix the file and import again"
        )


def _surplus_fields(data: bytes, delimiter: int, width: int, rows: bool) -> tuple[int, int] | None:
    """(line, fields) of the first widest row when it has over MAX_SURPLUS_FIELDS fields beyond `width`.

    rows=False: per text line, quotes ignored (an upper bound for one-line rows; `line` is then the
    text line). rows=True: per row, quoted cells respected (see _counted_quotes), `line` as everywhere,
    and a row whose surplus fields are all empty and at its end (`A,B,C,,,,`) has none: DuckDB reads
    it at no cost, and no value is lost.
    """
    array = np.frombuffer(data, dtype=np.uint8)
    chunks = _counted_quotes(data) if rows else ((start, None) for start in range(0, len(array), _CHUNK))
    inside = 0  # parity of the counted quotes before the chunk
    # of the row the chunk starts in: delimiters, bytes, delimiters after its last other byte
    carried_fields = carried_length = carried_trailing = 0
    lines_before = 0  # rows (non-blank) or text lines before the chunk
    widest = (0, 0)  # (fields, line)
    for start, quotes in chunks:
        chunk = array[start : start + _CHUNK]
        if quotes is None:
            is_delimiter, is_end = chunk == delimiter, chunk == ord("\n")
        else:
            # cumsum in uint8 wraps at 256, which keeps the parity (the only bit read)
            outside = (np.cumsum(quotes, dtype=np.uint8) & 1) == inside
            is_delimiter, is_end = (chunk == delimiter) & outside, (chunk == ord("\n")) & outside
            inside = (inside + int(np.count_nonzero(quotes))) & 1
        ends = np.flatnonzero(is_end)
        if start + len(chunk) == len(array) and (not len(ends) or ends[-1] != len(chunk) - 1):
            ends = np.append(ends, len(chunk))  # the last row, without a line end
        delimiters = np.flatnonzero(is_delimiter)
        content = np.flatnonzero(~is_delimiter & ~is_end & (chunk != ord("\r"))) if rows else None
        if not len(ends):
            carried_fields += len(delimiters)
            carried_length += len(chunk)
            if content is not None:
                carried_trailing = _trailing(delimiters, content, -1, len(chunk), carried_trailing)
            continue
        delimiters_before_end = np.searchsorted(delimiters, ends)
        per_row = np.diff(delimiters_before_end, prepend=0)
        per_row[0] += carried_fields
        lengths = np.diff(ends, prepend=-1) - 1
        lengths[0] += carried_length
        surplus = per_row + 1 - width
        if content is not None:
            starts = np.concatenate(([-1], ends[:-1]))
            last = np.searchsorted(content, ends) - 1  # the row's last byte that is not a delimiter
            anchor = content[np.maximum(last, 0)] if len(content) else np.zeros(len(ends), dtype=np.int64)
            has_content = (last >= 0) & (anchor > starts)
            after_content = delimiters_before_end - np.searchsorted(delimiters, anchor + 1)
            whole_row = per_row - np.where(np.arange(len(ends)) == 0, carried_fields, 0)
            trailing = np.where(has_content, after_content, whole_row)
            if not has_content[0]:
                trailing[0] += carried_trailing
            surplus[per_row - trailing < width] = 0  # the surplus fields are all empty, at the row's end
            # blank lines are no rows (an empty line, or a lone CR before its LF)
            counted = (lengths > 1) | ((lengths == 1) & (array[np.maximum(start + ends - 1, 0)] != ord("\r")))
            carried_trailing = _trailing(delimiters, content, int(ends[-1]), len(chunk), 0)
        else:
            counted = np.ones(len(ends), dtype=bool)
        numbers = lines_before + np.cumsum(counted)
        at = int(np.argmax(surplus))  # the first of the widest rows
        if surplus[at] > 0 and per_row[at] + 1 > widest[0]:
            widest = (int(per_row[at]) + 1, int(numbers[at]))
        lines_before = int(numbers[-1])
        carried_fields = len(delimiters) - int(delimiters_before_end[-1])
        carried_length = max(len(chunk) - int(ends[-1]) - 1, 0)
    fields, line = widest
    return (line, fields) if fields - width > MAX_SURPLUS_FIELDS else None


def _trailing(delimiters: np.ndarray, content: np.ndarray, after: int, end: int, carried: int) -> int:
    """Delimiters after the last content byte in (after, end) of a chunk; `carried` plus all of them
    when the span holds no content byte (the row's trailing run began in an earlier chunk)."""
    in_span = delimiters[(delimiters > after) & (delimiters < end)]
    last = content[(content > after) & (content < end)]
    if len(last):
        return int(np.count_nonzero(in_span > last[-1]))
    return carried + len(in_span)


def _without_leading_blank_lines(data: bytes) -> bytes:
    """`data` without the blank lines before its header (the same object when there are none).

    DuckDB takes the first line as the header, blank or not: a blank one gave a file of no columns
    (refused with a Binder Error). Blank lines are not counted anywhere else either.
    """
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if data[start : start + 1] not in (b"\r", b"\n"):
        return data
    return data[start:].lstrip(b"\r\n")


def _stage_csv(cur: duckdb.DuckDBPyConnection, path: Path) -> StagedFile:
    data, notes, size, rewritten = _read_text(path)
    if (stripped := _without_leading_blank_lines(data)) is not data:
        data, rewritten = stripped, True
    # DuckDB reads the bytes checked here (the file, or its UTF-8 copy), so its reject byte
    # positions and the row counts below refer to the same text.
    with _utf8_copy(path, data, rewritten) as source:
        header_raw, delimiter = _read_header(data, path.name)
        header = _unique_names(header_raw)
        _check_surplus_fields(data, delimiter, len(header), path.name)
        has_quotes = data.find(b'"') != -1
        newline_count = data.count(b"\n")
        ends_with_newline = data[-1:] == b"\n"
        has_blank_lines = data.find(b"\n\n") != -1 or data.find(b"\n\r\n") != -1

        columns = {f"c{i}": "VARCHAR" for i in range(len(header))}
        cur.execute("drop table if exists bb_reject_errors")
        cur.execute("drop table if exists bb_reject_scans")
        # Every option set explicitly: the sniffer must not choose to skip rows, change types or
        # pad ragged rows. Ragged and broken rows go to the rejects table with their line.
        options = {
            "header": True,
            "delim": delimiter,
            "quote": '"',
            "escape": '"',
            "skip": 0,
            "auto_detect": False,
            "strict_mode": True,
            "null_padding": False,
            "store_rejects": True,
            "rejects_table": "bb_reject_errors",
            "rejects_scan": "bb_reject_scans",
            "rejects_limit": 0,
            "max_line_size": MAX_CELL_BYTES,
        }
        try:
            cur.execute(
                "create or replace temp table staged_raw as "
                "select * from read_csv($path, columns = $columns, header = $header, delim = $delim,"
                " quote = $quote, escape = $escape, skip = $skip, auto_detect = $auto_detect,"
                " strict_mode = $strict_mode, null_padding = $null_padding,"
                " store_rejects = $store_rejects, rejects_table = $rejects_table,"
                " rejects_scan = $rejects_scan, rejects_limit = $rejects_limit,"
                " max_line_size = $max_line_size)",
                {"path": str(source), "columns": columns, **options},
            )
        except duckdb.Error as e:
            first = str(e).strip().splitlines()[0].replace(str(source), path.name)
            if "state machine reached an invalid state" in first:
                # what is left after the line-end rewrite: quotes that do not pair up among mixed line ends
                raise InputError(
                    f"{path.name}: cannot be split into rows: its line ends are of mixed kinds (Windows, Mac,"
                    ' Unix) and its quotes (") do not pair up; save it again as CSV and import again'
                ) from e
            raise InputError(f"{path.name}: could not be read as CSV: {first}") from e

        reject_rows = cur.execute(
            "select line, min(line_byte_position), any_value(error_type::varchar),"
            " any_value(csv_line), any_value(column_name)"
            " from bb_reject_errors group by line order by line"
        ).fetchall()
        parsed = one_value(cur.execute("select count(*) from staged_raw"))

        # A quote that is never closed swallows every following line into one field: those rows
        # cannot be listed one by one, so the file is refused rather than partly loaded.
        for line, _, error_type, csv_line, _ in reject_rows:
            if error_type == "UNQUOTED VALUE" and "\n" in (csv_line or "").strip("\r\n"):
                raise InputError(
                    f'{path.name}: line {line}: a quote (") opened in this row is never closed, so '
                    "the rest of the file cannot be split into rows; fix the quote and import again"
                )

        record_numbers = [line for line, *_ in reject_rows]
        if reject_rows and has_blank_lines:
            starts = []
            for _, line_start, _, csv_line, _ in reject_rows:
                text = csv_line or ""
                starts.append(int(line_start or 0) + len(text) - len(text.lstrip("\r\n")))
            blank_counts = _blank_lines_before(data, starts)
            record_numbers = [line - blanks for line, blanks in zip(record_numbers, blank_counts, strict=True)]

        _create_rejects_table(cur)
        _insert_rejects(
            cur,
            [
                (
                    record,
                    _header_name(header, column_name),
                    (csv_line or "").strip("\r\n")[:_VALUE_PREVIEW_CHARS],
                    _STRUCTURAL_REASONS.get(error_type, error_type.lower()),
                )
                for record, (_, _, error_type, csv_line, column_name) in zip(record_numbers, reject_rows, strict=True)
            ],
        )
        rows_read = parsed + len(reject_rows)

        # Independent count: without quotes every non-blank line after the header is one row.
        if not has_quotes:
            text_lines = newline_count + (0 if ends_with_newline else 1)
            blank_lines = len(re.findall(rb"(?m)^\r?$\n", data)) if has_blank_lines else 0
            expected = text_lines - blank_lines - 1
            if expected != rows_read:
                raise InputError(
                    f"{path.name}: the CSV reader saw {rows_read} rows but the file has {expected} "
                    "data lines; refusing to load an incomplete read"
                )

    _number_staged_rows(cur, len(header), [r for r in record_numbers])
    return StagedFile(
        path=path,
        kind="csv",
        header=header,
        rows_read=rows_read,
        parsed_rows=parsed,
        structural_rejects=len(reject_rows),
        size_bytes=size,
        notes=notes + ([f"delimiter {delimiter!r}"] if delimiter != "," else []),
    )


def _header_name(header: list[str], staging_column: str | None) -> str | None:
    """DuckDB names the staging column (c3); the user knows the header's name for it."""
    if staging_column and staging_column.startswith("c") and staging_column[1:].isdigit():
        index = int(staging_column[1:])
        if index < len(header):
            return header[index]
    return None


def _number_staged_rows(cur: duckdb.DuckDBPyConnection, width: int, reject_lines: list[int]) -> None:
    """Give each parsed row its line: its position among all rows, rejected ones included."""
    value_columns = ", ".join(f"c{i}" for i in range(width))
    if not reject_lines:
        cur.execute(f"create or replace temp table staged as select rowid + 2 as line, {value_columns} from staged_raw")
    else:
        # A rejected row j (1-based, ascending line L_j) has L_j - 1 - j parsed rows before it;
        # parsed row k sits after every rejected row with fewer than k parsed rows before it.
        # Adjacent rejected rows share a parsed_before: one gap each, holding the count after the
        # last of them (an ASOF join picks any one row among equal keys).
        cur.execute(
            "create or replace temp table reject_gaps as "
            "select parsed_before, max(rejects_so_far) as rejects_so_far from ("
            " select row_number() over (order by line) as rejects_so_far,"
            " line - 1 - row_number() over (order by line) as parsed_before"
            " from (select distinct line from staged_rejects)"
            ") group by parsed_before"
        )
        cur.execute(
            "create or replace temp table staged as "
            f"select p.k + 1 + coalesce(g.rejects_so_far, 0) as line, {value_columns} "
            "from (select rowid + 1 as k, * from staged_raw) as p "
            "asof left join reject_gaps as g on p.k > g.parsed_before"
        )
    cur.execute("drop table if exists staged_raw")


def _cell_text(value: object) -> str | None:
    """An XLSX cell as the text a CSV export of it would hold."""
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _stage_xlsx(cur: duckdb.DuckDBPyConnection, path: Path, sheet: str | None = None) -> StagedFile:
    # XLSX is parsed cell by cell in Python (python-calamine does the XML in Rust); workbooks are
    # bounded by Excel's own row limit, so this path is not the one that has to scale.
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for broken workbooks
        raise InputError(f"{path.name}: not a readable XLSX workbook ({_first_line(e)})") from e
    names = workbook.sheet_names
    chosen_rows: Sequence[Sequence[object]] | None = None
    chosen_name = None
    for name in [sheet] if sheet is not None else names:
        if name not in names:
            raise InputError(f"{path.name}: no sheet named {name!r} (sheets: {', '.join(names)})")
        try:
            # a sheet's XML is parsed only here: a damaged one (a cut or corrupted download) fails now
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as e:  # calamine's XmlError, ZipError, ...
            raise InputError(
                f"{path.name}: sheet {name!r} cannot be read, the workbook is damaged ({_first_line(e)}); "
                "open it in Excel and save it again"
            ) from e
        if any(any(_cell_text(v) is not None for v in row) for row in rows):
            chosen_rows, chosen_name = rows, name
            break
    if chosen_rows is None:
        if sheet is not None:
            raise InputError(f"{path.name}: sheet {sheet!r} has no data")
        raise InputError(f"{path.name}: the workbook has no sheet with data")

    texts = [[_cell_text(v) for v in row] for row in chosen_rows]
    header_index = next(i for i, row in enumerate(texts) if any(v is not None for v in row))
    header = _unique_names([v or "" for v in texts[header_index]])
    width = len(header)
    data_rows = [(i + 1, row) for i, row in enumerate(texts) if i > header_index and any(v is not None for v in row)]
    _create_rejects_table(cur)
    overflow = [(line, row) for line, row in data_rows if any(v is not None for v in row[width:])]
    _insert_rejects(
        cur,
        [
            (
                line,
                None,
                ", ".join(v or "" for v in row)[:_VALUE_PREVIEW_CHARS],
                "cells to the right of the last header column",
            )
            for line, row in overflow
        ],
    )
    overflow_lines = {line for line, _ in overflow}
    kept = [(line, row) for line, row in data_rows if line not in overflow_lines]
    arrays = {"line": pa.array([line for line, _ in kept], pa.int64())}
    for index in range(width):
        arrays[f"c{index}"] = pa.array([row[index] if index < len(row) else None for _, row in kept], pa.string())
    staged_arrow = pa.table(arrays)  # noqa: F841 - read by DuckDB's replacement scan below
    cur.execute("create or replace temp table staged as select * from staged_arrow")
    return StagedFile(
        path=path,
        kind="xlsx",
        header=header,
        rows_read=len(data_rows),
        parsed_rows=len(kept),
        structural_rejects=len(overflow),
        size_bytes=path.stat().st_size,
        notes=[f"sheet {chosen_name!r}"],
    )


def _stage_jsonl(cur: duckdb.DuckDBPyConnection, path: Path) -> StagedFile:
    data, notes, size, _ = _read_text(path)
    # A JSON document cannot hold a raw CR or LF inside a string, so every CR, CRLF and LF here
    # is a line end; _read_text has made most of them LF already.
    text = data.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    del data
    lines = text.split("\n")
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    lines_table = pa.table(  # noqa: F841 - read by DuckDB's replacement scan below
        {
            "line": pa.array([n for n, _ in numbered], pa.int64()),
            "doc": pa.array([t for _, t in numbered], pa.string()),
        }
    )
    cur.execute(
        "create or replace temp table jsonl_lines as "
        "select line, doc, coalesce(case when json_valid(doc) then json_type(doc) = 'OBJECT' end, false)"
        " as usable from lines_table"
    )
    keys = [
        row[0]
        for row in cur.execute(
            "select k from (select unnest(json_keys(doc)) as k, line from jsonl_lines where usable)"
            " group by k order by min(line), k"
        ).fetchall()
    ]
    if not keys:
        raise InputError(f"{path.name}: no JSON object lines found (expected one object per line)")
    header = _unique_names(keys)
    # json_extract_string returns text for strings and JSON text for numbers, lists and objects.
    # Keys are addressed as JSON Pointers (RFC 6901): a `$."key"` path cannot name the empty key and
    # matches no key written with non-ASCII characters once json.dumps has escaped them.
    # All keys in one call (a list of paths gives a list of values): each line is parsed once. One
    # call per key parsed every line once per key, with buffers per call: 5,000 keys ran out of memory.
    cur.execute(
        "create or replace temp table jsonl_values as "
        "select line, json_extract_string(doc, $paths) as vals from jsonl_lines where usable",
        {"paths": ["/" + key.replace("~", "~0").replace("/", "~1") for key in keys]},
    )
    selects = ", ".join(f"vals[{i + 1}] as c{i}" for i in range(len(keys)))
    cur.execute(f"create or replace temp table staged as select line, {selects} from jsonl_values")
    cur.execute("drop table jsonl_values")
    _create_rejects_table(cur)
    cur.execute(
        "insert into staged_rejects select line, null, left(doc, $n), "
        "case when json_valid(doc) then 'line is JSON but not an object' else 'line is not valid JSON' end "
        "from jsonl_lines where not usable",
        {"n": _VALUE_PREVIEW_CHARS},
    )
    counts = one_row(
        cur.execute("select count(*) filter (where usable), count(*) filter (where not usable) from jsonl_lines")
    )
    cur.execute("drop table jsonl_lines")
    return StagedFile(
        path=path,
        kind="jsonl",
        header=header,
        rows_read=counts[0] + counts[1],
        parsed_rows=counts[0],
        structural_rejects=counts[1],
        size_bytes=size,
        notes=notes,
    )
