"""Run records (ingest_runs), and the rejects and skips each run keeps."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines import sqltext
from pipelines.load import readers
from pipelines.rows import one_row
from pipelines.sqltext import Sql, compose
from pipelines.words import counted

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult


MAX_REJECTS_REPORTED = 1000  # the JSON output lists this many; ingest_rejects keeps them all

# the tables of judged rows (a disposition and problems per row): an applications file's, an events file's, a mailbox's
JUDGED_TABLES = ("checked", "checked_events", "checked_mails")
# what a load counts the distinct valid rows of: their clients (applications), their applications (events)
COUNTED_KEYS = ("client", "application_id")


def _judged(table: str) -> Sql:
    return sqltext.name(table, JUDGED_TABLES)


def insert_run(
    cur: duckdb.DuckDBPyConnection, result: IngestResult, path: Path, size: int, started: dt.datetime
) -> int:
    row = one_row(
        cur.execute(
            "insert into ingest_runs (file_name, file_path, sha256, size_bytes, detected_source, client,"
            " status, message, started_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning run_id",
            [
                path.name,
                str(path.resolve()),
                result.sha256,
                size,
                result.source,
                result.client,
                result.status,
                result.message,
                started,
            ],
        )
    )
    return int(row[0])


def finish_run(cur: duckdb.DuckDBPyConnection, result: IngestResult) -> None:
    cur.execute(
        "update ingest_runs set status = ?, message = ?, rows_read = ?, inserted = ?, updated = ?,"
        " unchanged = ?, rejected = ?, skipped = ?, events_inserted = ?, events_updated = ?,"
        " mapped_fields = ?, finished_at = current_timestamp where run_id = ?",
        [
            result.status,
            result.message,
            result.rows_read,
            result.inserted,
            result.updated,
            result.unchanged,
            result.rejected,
            result.skipped,
            result.events_inserted,
            result.events_updated,
            # the fields whose column holds a value somewhere (what its log records: pipelines/analyse/recorded.py)
            result.columns.get("filled") or None,
            result.run_id,
        ],
    )


def record_refused_run(
    cur: duckdb.DuckDBPyConnection, result: IngestResult, path: Path, started: dt.datetime, with_rejects: bool = False
) -> None:
    """Note a refused or failed load in ingest_runs (its own small transaction).

    with_rejects: also store the temp table all_rejects, which only the load's own cursor sees.
    """
    size = path.stat().st_size if path.exists() and path.is_file() else None
    try:
        cur.execute("begin transaction")
        result.run_id = insert_run(cur, result, path, size or 0, started)
        finish_run(cur, result)
        if with_rejects:
            store_rejects(cur, result.run_id)
        cur.execute("commit")
    except duckdb.Error:
        # Recording the refusal is a courtesy; the refusal itself has already been decided.
        with contextlib.suppress(duckdb.Error):
            cur.execute("rollback")
        result.run_id = None


def store_rejects(cur: duckdb.DuckDBPyConnection, run_id: int) -> None:
    cur.execute(
        "insert into ingest_rejects select $run_id, line, column_name, value, reason from all_rejects",
        {"run_id": run_id},
    )


def _collect_rejects(cur: duckdb.DuckDBPyConnection, result: IngestResult, problems_table: str) -> None:
    """Gather structural and value rejects into temp table all_rejects; fill the result's list."""
    cur.execute(
        compose(
            "create or replace temp table all_rejects as "
            "select line, column_name, value, reason from staged_rejects "
            "union all "
            "select line, p.column as column_name, p.value, p.reason "
            "from (select line, unnest(problems) as p from {table} where disposition = 'rejected')",
            table=_judged(problems_table),
        )
    )
    rows = cur.execute(
        "select line, column_name, value, reason from all_rejects order by line, column_name limit ?",
        [MAX_REJECTS_REPORTED],
    ).fetchall()
    result.rejects = [
        {"line": line, "column": column, "value": value, "reason": reason} for line, column, value, reason in rows
    ]


def _skip_summary(cur: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    rows = cur.execute(
        compose(
            "select regexp_replace(substr(disposition, 6), ' \\(line \\d+\\)', ''), count(*) "
            "from {table} where disposition like 'skip:%' group by 1 order by 2 desc",
            table=_judged(table),
        )
    ).fetchall()
    return {reason: count for reason, count in rows}


def store_skips(cur: duckdb.DuckDBPyConnection, run_id: int, table: str) -> None:
    cur.execute(
        compose(
            "insert into ingest_skips select $run_id, line, substr(disposition, 6) from {table} "
            "where disposition like 'skip:%'",
            table=_judged(table),
        ),
        {"run_id": run_id},
    )


def count_dispositions(
    cur: duckdb.DuckDBPyConnection, result: IngestResult, staged: readers.StagedFile, table: str, key: str
) -> int:
    """Fill rejects, rejected, skipped and skip reasons from a judged table; return the distinct
    `key` values (clients, matched applications) among its valid rows."""
    _collect_rejects(cur, result, table)
    counts = one_row(
        cur.execute(
            compose(
                "select count(*) filter (where disposition = 'rejected'),"
                " count(*) filter (where disposition like 'skip:%'),"
                " count(distinct {key}) filter (where disposition = 'valid') from {table}",
                key=sqltext.name(key, COUNTED_KEYS),
                table=_judged(table),
            )
        )
    )
    result.rejected = int(counts[0]) + staged.structural_rejects
    result.skipped = int(counts[1])
    result.skipped_reasons = _skip_summary(cur, table)
    return int(counts[2])


def refused_for_rejects(
    cur: duckdb.DuckDBPyConnection, path: Path, result: IngestResult, strict: bool, dry_run: bool, started: dt.datetime,
    noun: str = "row",
) -> bool:
    """Refuse the file when --strict meets a reject, or when no row at all is usable (`noun`: what a
    row of the file is, a message for a mailbox).

    The refused run is recorded with its rejects, so `status` can show what was wrong.
    """
    if result.rejected and strict:
        result.message = f"--strict: {counted(result.rejected, noun)} rejected, nothing loaded"
    elif result.rejected and result.rejected == result.rows_read:
        result.message = f"{path.name}: every {noun} was rejected ({result.rejected}); nothing loaded"
    else:
        return False
    result.status = "refused"
    result.reconciled = True
    if not dry_run:
        record_refused_run(cur, result, path, started, with_rejects=True)
    return True
