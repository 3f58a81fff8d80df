"""Staging a CSV (or another delimited text: semicolons, tabs, pipes) through DuckDB's read_csv.

DuckDB splits the rows; every row it cannot split goes to `staged_rejects` with its line. Line numbers:
the header is line 1 and each data row counts once, however many text lines its quoted cells span;
blank lines are not counted. Without quotes, the rows are counted a second way, from the line ends,
and a read that disagrees is refused rather than loaded short.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb

from pipelines.errors import InputError
from pipelines.load.read.quotes import blank_lines_before
from pipelines.load.read.staged import (
    VALUE_PREVIEW_CHARS,
    StagedFile,
    create_rejects_table,
    insert_rejects,
    staging_columns,
    unique_names,
)
from pipelines.load.read.surplus import check_surplus_fields
from pipelines.load.read.text import read_text, utf8_copy, without_leading_blank_lines
from pipelines.rows import one_value
from pipelines.sqltext import compose

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

# a row DuckDB rejected: (line, byte position of the line, error type, the line's text, staging column)
_Reject = tuple[int, int | None, str, str | None, str | None]


def stage_csv(cur: duckdb.DuckDBPyConnection, path: Path) -> StagedFile:
    data, notes, size, rewritten = read_text(path)
    if (stripped := without_leading_blank_lines(data)) is not data:
        data, rewritten = stripped, True
    has_blank_lines = data.find(b"\n\n") != -1 or data.find(b"\n\r\n") != -1
    # DuckDB reads the bytes checked here (the file, or its UTF-8 copy), so its reject byte
    # positions and the row counts below refer to the same text.
    with utf8_copy(path, data, rewritten) as source:
        header_raw, delimiter = _read_header(data, path.name)
        header = unique_names(header_raw)
        check_surplus_fields(data, delimiter, len(header), path.name)
        _read_csv(cur, path, source, delimiter, len(header))
        reject_rows: list[_Reject] = cur.execute(
            "select line, min(line_byte_position), any_value(error_type::varchar),"
            " any_value(csv_line), any_value(column_name)"
            " from bb_reject_errors group by line order by line"
        ).fetchall()
        parsed = one_value(cur.execute("select count(*) from staged_raw"))
        _refuse_unclosed_quote(reject_rows, path.name)
        record_numbers = [line for line, *_ in reject_rows]
        if reject_rows and has_blank_lines:
            record_numbers = _without_blank_lines(data, reject_rows)
        _store_rejects(cur, header, record_numbers, reject_rows)
        rows_read = parsed + len(reject_rows)
        _check_row_count(data, has_blank_lines, rows_read, path.name)

    _number_staged_rows(cur, len(header), record_numbers)
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


def _read_csv(cur: duckdb.DuckDBPyConnection, path: Path, source: Path, delimiter: str, width: int) -> None:
    """`source` (the file or its UTF-8 copy) into temp table `staged_raw`, every value VARCHAR, and the
    rows DuckDB could not split into `bb_reject_errors`."""
    columns = {f"c{i}": "VARCHAR" for i in range(width)}
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


def _refuse_unclosed_quote(reject_rows: list[_Reject], name: str) -> None:
    # A quote that is never closed swallows every following line into one field: those rows
    # cannot be listed one by one, so the file is refused rather than partly loaded.
    for line, _, error_type, csv_line, _ in reject_rows:
        if error_type == "UNQUOTED VALUE" and "\n" in (csv_line or "").strip("\r\n"):
            raise InputError(
                f'{name}: line {line}: a quote (") opened in this row is never closed, so '
                "the rest of the file cannot be split into rows; fix the quote and import again"
            )


def _without_blank_lines(data: bytes, reject_rows: list[_Reject]) -> list[int]:
    """The rejected rows' lines as counted here: DuckDB counts the blank lines before a row, we do not."""
    starts = []
    for _, line_start, _, csv_line, _ in reject_rows:
        text = csv_line or ""
        # DuckDB's line text can start with the line ends before it; the row starts after them
        starts.append(int(line_start or 0) + len(text) - len(text.lstrip("\r\n")))
    blank_counts = blank_lines_before(data, starts)
    return [line - blanks for (line, *_), blanks in zip(reject_rows, blank_counts, strict=True)]


def _store_rejects(
    cur: duckdb.DuckDBPyConnection, header: list[str], record_numbers: list[int], reject_rows: list[_Reject]
) -> None:
    """The rejected rows into `staged_rejects`, each with its line, its column's header name and a reason."""
    create_rejects_table(cur)
    insert_rejects(
        cur,
        [
            (
                record,
                _header_name(header, column_name),
                (csv_line or "").strip("\r\n")[:VALUE_PREVIEW_CHARS],
                _STRUCTURAL_REASONS.get(error_type, error_type.lower()),
            )
            for record, (_, _, error_type, csv_line, column_name) in zip(record_numbers, reject_rows, strict=True)
        ],
    )


def _check_row_count(data: bytes, has_blank_lines: bool, rows_read: int, name: str) -> None:
    """Independent count: without quotes every non-blank line after the header is one row."""
    if data.find(b'"') != -1:
        return
    text_lines = data.count(b"\n") + (0 if data[-1:] == b"\n" else 1)
    blank_lines = len(re.findall(rb"(?m)^\r?$\n", data)) if has_blank_lines else 0
    expected = text_lines - blank_lines - 1
    if expected != rows_read:
        raise InputError(
            f"{name}: the CSV reader saw {rows_read} rows but the file has {expected} "
            "data lines; refusing to load an incomplete read"
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
    value_columns = staging_columns(width)
    if not reject_lines:
        cur.execute(
            compose(
                "create or replace temp table staged as select rowid + 2 as line, {columns} from staged_raw",
                columns=value_columns,
            )
        )
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
            compose(
                "create or replace temp table staged as "
                "select p.k + 1 + coalesce(g.rejects_so_far, 0) as line, {columns} "
                "from (select rowid + 1 as k, * from staged_raw) as p "
                "asof left join reject_gaps as g on p.k > g.parsed_before",
                columns=value_columns,
            )
        )
    cur.execute("drop table if exists staged_raw")
