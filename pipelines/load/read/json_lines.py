"""Staging a JSON Lines file: one object per line, its keys the header (in the order they first appear).

A line that is not valid JSON, or is JSON but not an object, is rejected with its line number.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.errors import InputError
from pipelines.load.read.staged import VALUE_PREVIEW_CHARS, StagedFile, create_rejects_table, unique_names
from pipelines.load.read.text import read_text
from pipelines.rows import one_row
from pipelines.sqltext import compose, join


def stage_jsonl(cur: duckdb.DuckDBPyConnection, path: Path) -> StagedFile:
    data, notes, size, _ = read_text(path)
    # A JSON document cannot hold a raw CR or LF inside a string, so every CR, CRLF and LF here
    # is a line end; read_text has made most of them LF already.
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
    header = unique_names(keys)
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
    selects = join(compose("vals[{position}] as c{index}", position=i + 1, index=i) for i in range(len(keys)))
    cur.execute(
        compose("create or replace temp table staged as select line, {selects} from jsonl_values", selects=selects)
    )
    cur.execute("drop table jsonl_values")
    create_rejects_table(cur)
    cur.execute(
        "insert into staged_rejects select line, null, left(doc, $n), "
        "case when json_valid(doc) then 'line is JSON but not an object' else 'line is not valid JSON' end "
        "from jsonl_lines where not usable",
        {"n": VALUE_PREVIEW_CHARS},
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
