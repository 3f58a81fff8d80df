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
header row (see pipelines.load.read.text.normalise_line_endings).

All staging happens on the caller's cursor: DuckDB temporary tables belong to one connection.

This module is the entry: which kind a file is, and the staging of each kind. The parts live in the
package pipelines.load.read (its docstring lists them).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import duckdb

from pipelines.errors import InputError
from pipelines.load import guard as safety

# stage() calls the parsers by these names, looked up in this module: tests/reliability/hostile.py
# wraps them here to see that no parser runs on a hostile file
from pipelines.load.read.delimited import stage_csv as _stage_csv
from pipelines.load.read.json_lines import stage_jsonl as _stage_jsonl
from pipelines.load.read.staged import StagedFile as StagedFile
from pipelines.load.read.workbook import stage_xlsx as _stage_xlsx


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
