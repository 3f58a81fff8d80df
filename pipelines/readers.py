"""Reading a file into a staging table, losing nothing.

Every supported file (CSV, XLSX, JSON Lines) becomes the same thing: a temporary table `staged` with
a `line` column and one VARCHAR column per header column, named c0, c1, ... (never the user's
header text, so no identifier from a file reaches SQL), plus a temporary table `staged_rejects` with
the rows that could not even be split into fields. Every data row of the file is in exactly one of
the two; `StagedFile.rows_read` counts both.

Line numbers: the header is line 1 and each data row counts once, however many text lines its
quoted cells span; blank lines are not counted. For XLSX the line is the sheet's row number.

All staging happens on the caller's cursor: DuckDB temporary tables belong to one connection.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.errors import InputError

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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _file_bytes(path: Path) -> Iterator[bytes]:
    # The whole file in memory: the checks below (encoding, quotes, line counts) are C-speed
    # scans over bytes; a 1,000,000-row log is about 150 MB, well inside the memory budget.
    data = path.read_bytes()
    try:
        yield data
    finally:
        del data


def detect_kind(path: Path) -> str:
    """csv, xlsx or jsonl, from the content first and the extension second."""
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


def _check_text(data: bytes, name: str) -> None:
    """Refuse binary and non-UTF-8 files with the line of the first bad byte."""
    whitespace = b" \t\r\n\xef\xbb\xbf"
    # Only a file that starts with 64 KB of white space needs the whole-file look.
    if len(data) == 0 or (not data[: 1 << 16].strip(whitespace) and not data.strip(whitespace)):
        raise InputError(f"{name}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{name}: the file is UTF-16 text; save it as UTF-8 CSV and import again")
    nul = data.find(b"\x00")
    if nul != -1:
        nul_line = data.count(b"\n", 0, nul) + 1
        raise InputError(
            f"{name}: line {nul_line}: contains NUL bytes, so it is not a "
            "text file (CSV or JSON Lines) - was a binary file given the wrong extension?"
        )
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    chunk = 1 << 22
    for start in range(0, len(data), chunk):
        try:
            decoder.decode(data[start : start + chunk], final=start + chunk >= len(data))
        except UnicodeDecodeError as e:
            offset = start + e.start
            line = data.count(b"\n", 0, offset) + 1
            raise InputError(
                f"{name}: line {line}: byte 0x{data[offset]:02x} is not UTF-8 text; "
                "save the file as UTF-8 (CSV UTF-8 in Excel) and import again"
            ) from e


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


def _read_header(data: bytes) -> tuple[list[str], str]:
    head = data[: 1 << 20].decode("utf-8", errors="replace").lstrip("\ufeff")
    first_line = head.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, quotechar='"')
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as e:
        raise InputError("the first line is not a CSV header") from e
    return header, delimiter


def _blank_lines_before(data: bytes, offsets: list[int]) -> list[int]:
    """For each byte offset (ascending), how many blank lines outside quotes come before it.

    DuckDB counts blank lines in its reject line numbers; our numbering does not.
    Only called when a file has structural rejects and blank lines, so a Python loop over the
    blank lines is fine.
    """
    blanks = []
    quotes_seen = 0
    last = 0
    for match in re.finditer(rb"\n(?=\r?\n)", data):
        position = match.start() + 1
        quotes_seen += data.count(b'"', last, position)
        last = position
        if quotes_seen % 2 == 0:
            blanks.append(position)
    result = []
    index = 0
    for offset in offsets:
        while index < len(blanks) and blanks[index] < offset:
            index += 1
        result.append(index)
    return result


def stage(cur: duckdb.DuckDBPyConnection, path: Path) -> StagedFile:
    """Read `path` into the temporary tables `staged` and `staged_rejects`."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    kind = detect_kind(path)
    if kind == "xlsx":
        return _stage_xlsx(cur, path)
    if kind == "jsonl":
        return _stage_jsonl(cur, path)
    return _stage_csv(cur, path)


def _create_rejects_table(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "create or replace temp table staged_rejects ( line bigint, column_name varchar, value varchar, reason varchar)"
    )


def _stage_csv(cur: duckdb.DuckDBPyConnection, path: Path) -> StagedFile:
    with _file_bytes(path) as data:
        _check_text(data, path.name)
        header_raw, delimiter = _read_header(data)
        header = _unique_names(header_raw)
        size = len(data)
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
                {"path": str(path), "columns": columns, **options},
            )
        except duckdb.Error as e:
            first = str(e).strip().splitlines()[0]
            raise InputError(f"{path.name}: could not be read as CSV: {first}") from e

        reject_rows = cur.execute(
            "select line, min(line_byte_position), any_value(error_type::varchar),"
            " any_value(csv_line), any_value(column_name)"
            " from bb_reject_errors group by line order by line"
        ).fetchall()
        parsed = cur.execute("select count(*) from staged_raw").fetchone()[0]

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
        if reject_rows:
            cur.executemany(
                "insert into staged_rejects values (?, ?, ?, ?)",
                [
                    (
                        record,
                        _header_name(header, column_name),
                        (csv_line or "").strip("\r\n")[:_VALUE_PREVIEW_CHARS],
                        _STRUCTURAL_REASONS.get(error_type, error_type.lower()),
                    )
                    for record, (_, _, error_type, csv_line, column_name) in zip(
                        record_numbers, reject_rows, strict=True
                    )
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
        notes=[f"delimiter {delimiter!r}"] if delimiter != "," else [],
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
        cur.execute(
            "create or replace temp table reject_gaps as "
            "select row_number() over (order by line) as rejects_so_far,"
            " line - 1 - row_number() over (order by line) as parsed_before "
            "from (select distinct line from staged_rejects)"
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


def _stage_xlsx(cur: duckdb.DuckDBPyConnection, path: Path, sheet: str | None = None) -> StagedFile:
    # XLSX is parsed cell by cell in Python (python-calamine does the XML in Rust); workbooks are
    # bounded by Excel's own row limit, so this path is not the one that has to scale.
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for broken workbooks
        raise InputError(f"{path.name}: not a readable XLSX workbook ({e})") from e
    names = workbook.sheet_names
    chosen_rows: list[list[object]] | None = None
    chosen_name = None
    for name in [sheet] if sheet else names:
        if name not in names:
            raise InputError(f"{path.name}: no sheet named {name!r} (sheets: {', '.join(names)})")
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if any(any(_cell_text(v) is not None for v in row) for row in rows):
            chosen_rows, chosen_name = rows, name
            break
    if chosen_rows is None:
        raise InputError(f"{path.name}: the workbook has no sheet with data")

    texts = [[_cell_text(v) for v in row] for row in chosen_rows]
    header_index = next(i for i, row in enumerate(texts) if any(v is not None for v in row))
    header = _unique_names([v or "" for v in texts[header_index]])
    width = len(header)
    data_rows = [(i + 1, row) for i, row in enumerate(texts) if i > header_index and any(v is not None for v in row)]
    _create_rejects_table(cur)
    overflow = [(line, row) for line, row in data_rows if any(v is not None for v in row[width:])]
    if overflow:
        cur.executemany(
            "insert into staged_rejects values (?, ?, ?, ?)",
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
    with _file_bytes(path) as data:
        _check_text(data, path.name)
        text = data.decode("utf-8").lstrip("\ufeff")
    lines = text.split("\n")
    numbered = [(i + 1, line.rstrip("\r")) for i, line in enumerate(lines) if line.strip()]
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
    selects = ", ".join(f"json_extract_string(doc, $key{i}) as c{i}" for i in range(len(keys)))
    cur.execute(
        f"create or replace temp table staged as select line, {selects} from jsonl_lines where usable",
        {f"key{i}": "$." + json.dumps(key) for i, key in enumerate(keys)},
    )
    _create_rejects_table(cur)
    cur.execute(
        "insert into staged_rejects select line, null, left(doc, $n), "
        "case when json_valid(doc) then 'line is JSON but not an object' else 'line is not valid JSON' end "
        "from jsonl_lines where not usable",
        {"n": _VALUE_PREVIEW_CHARS},
    )
    counts = cur.execute(
        "select count(*) filter (where usable), count(*) filter (where not usable) from jsonl_lines"
    ).fetchone()
    cur.execute("drop table jsonl_lines")
    return StagedFile(
        path=path,
        kind="jsonl",
        header=header,
        rows_read=counts[0] + counts[1],
        parsed_rows=counts[0],
        structural_rejects=counts[1],
        size_bytes=path.stat().st_size,
    )
