"""What staging a file produces, whatever its kind: a StagedFile, the temp table `staged` (a `line`
and the columns c0, c1, ...) and the temp table `staged_rejects` (line, column_name, value, reason)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.sqltext import Sql, compose, join

VALUE_PREVIEW_CHARS = 200  # of a rejected row's text, in staged_rejects.value
_STAGING_NAME = re.compile(r"c(0|[1-9][0-9]*)")


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


def staging_column(index: int) -> Sql:
    """Column `index` of temp table `staged`: c0, c1, ..., a name made of a number, never of the file."""
    return compose("c{index}", index=index)


def named_staging_column(name: str) -> Sql:
    """A column of temp table `staged` given by its name (`c3`, as DateColumn.staging holds it), as SQL.

    Any other text is a ValueError: only a name made of a number reaches SQL.
    """
    match = _STAGING_NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"{name!r} is not a column of the staging table (c0, c1, ...)")
    return staging_column(int(match[1]))


def staging_columns(count: int) -> Sql:
    """The first `count` columns of temp table `staged`, as a column list (`c0, c1, c2`)."""
    return join(staging_column(index) for index in range(count))


def unique_names(names: list[str]) -> list[str]:
    """The header's names, blank ones named by their position and repeated ones numbered."""
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


def create_rejects_table(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "create or replace temp table staged_rejects ( line bigint, column_name varchar, value varchar, reason varchar)"
    )


def insert_rejects(cur: duckdb.DuckDBPyConnection, rejects: list[tuple[int, str | None, str, str]]) -> None:
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
