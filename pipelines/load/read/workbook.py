"""Staging an XLSX workbook: the first sheet with data (or the one --sheet names), cell by cell.

The line of a row is its row number in the sheet. A row with cells to the right of the header's last
column is rejected whole: which column those cells belong to is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.errors import InputError
from pipelines.load.read.staged import (
    VALUE_PREVIEW_CHARS,
    StagedFile,
    create_rejects_table,
    insert_rejects,
    unique_names,
)


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


def stage_xlsx(cur: duckdb.DuckDBPyConnection, path: Path, sheet: str | None = None) -> StagedFile:
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
    header = unique_names([v or "" for v in texts[header_index]])
    width = len(header)
    data_rows = [(i + 1, row) for i, row in enumerate(texts) if i > header_index and any(v is not None for v in row)]
    create_rejects_table(cur)
    overflow = [(line, row) for line, row in data_rows if any(v is not None for v in row[width:])]
    insert_rejects(
        cur,
        [
            (
                line,
                None,
                ", ".join(v or "" for v in row)[:VALUE_PREVIEW_CHARS],
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
