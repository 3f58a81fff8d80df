"""Outcomes recorded by hand (the dashboard), and the data written back out as canonical CSV.

A LinkedIn export has no outcomes: the person records them here, one event at a time. Each write is
its own transaction, recorded in ingest_runs like a load (source `manual`), so `status` shows it and
the caches that key on the content version see it.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from pipelines import sqltext
from pipelines.advisors.clients import CLIENT_COLUMN_NAMES, LOCAL_VIEWER, Viewer, get_client
from pipelines.errors import InputError
from pipelines.load.columns import CANONICAL_COLUMNS, RECORDABLE_EVENTS, STAGE_DATE_EVENTS
from pipelines.rows import one_value
from pipelines.sqltext import Sql, compose, fixed, join
from pipelines.store.db import refresh_application_stages, rollback, translate_errors

EVENT_CHOICES: tuple[str, ...] = RECORDABLE_EVENTS
# OWASP CSV injection: a cell starting with one of these is read as a formula by spreadsheets
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def record_event(
    con: duckdb.DuckDBPyConnection,
    application_id: str,
    event: str,
    occurred_on: dt.date | None,
    detail: str | None = None,
    viewer: Viewer = LOCAL_VIEWER,
) -> dict[str, Any]:
    """Add one event to an application's history. Raises InputError for bad input, and for an
    application of a client the viewer may not see (worded as for one that does not exist)."""
    if event not in EVENT_CHOICES:
        raise InputError(f"unknown event {event!r} (expected one of: {', '.join(EVENT_CHOICES)})")
    cur = con.cursor()
    with translate_errors("recording the event failed"):
        row = cur.execute(
            "select applied_on, client from applications where application_id = ?", [application_id]
        ).fetchone()
        if row is None or not viewer.may_see(row[1]):
            raise InputError(f"no application {application_id!r}")
        applied_on, client = row
        # applied_on is unknown (None) for an application read from a rejection mail alone
        if occurred_on is not None and applied_on is not None and occurred_on < applied_on:
            raise InputError(f"{event} on {occurred_on} is before the application was sent ({applied_on})")
        if occurred_on is not None and occurred_on > dt.date.today():
            raise InputError(f"{event} on {occurred_on} is in the future")
        rounds = one_value(
            cur.execute(
                "select count(*) from events where application_id = ? and event = 'interview'", [application_id]
            )
        )
        round_number = int(rounds) + 1 if event == "interview" else None
        cur.execute("begin transaction")
        try:
            run_id = one_value(
                cur.execute(
                    "insert into ingest_runs (file_name, file_path, sha256, size_bytes, detected_source, client,"
                    " status, message, started_at, rows_read, inserted, updated, unchanged, rejected, skipped,"
                    " events_inserted, events_updated, finished_at)"
                    " values ('dashboard', 'dashboard', null, 0, 'manual', ?, 'loaded', ?, current_timestamp,"
                    " 1, 0, 1, 0, 0, 0, 1, 0, current_timestamp) returning run_id",
                    [client, f"{event} recorded for {application_id}"],
                )
            )
            # one event per application, event, round and day: a second click records nothing new
            inserted = cur.execute(
                "insert into events select md5(? || '|' || ? || '|' || coalesce(cast(? as varchar), '0') || '|manual|'"
                " || coalesce(cast(? as varchar), '')) as event_id, ?, ?, ?, ?, 'manual', ?, ?"
                " where event_id not in (select event_id from events where application_id = ?) returning event_id",
                [application_id, event, round_number, occurred_on, application_id, event, occurred_on,
                 round_number, detail, run_id, application_id],
            ).fetchone()  # fmt: skip
            if inserted is None:
                raise InputError(f"{event} on {occurred_on or 'an unknown day'} is already recorded")
            event_id = inserted[0]
            cur.execute("create or replace temp table touched_applications as select ? as application_id",
                        [application_id])  # fmt: skip
            refresh_application_stages(cur, only_touched=True)
            cur.execute("commit")
        except BaseException:
            rollback(cur)  # after a failed COMMIT there is nothing to roll back: report the commit's error
            raise
    return {
        "event_id": event_id,
        "application_id": application_id,
        "event": event,
        "occurred_on": occurred_on.isoformat() if occurred_on else None,
        "run_id": int(run_id),
    }


def applications_without_outcome(
    con: duckdb.DuckDBPyConnection, client: str | None = None, limit: int = 200, viewer: Viewer = LOCAL_VIEWER
) -> list[dict[str, Any]]:
    """Applications whose history holds nothing but the application (and follow-ups): the ones a
    LinkedIn export brings in, waiting for the person to say what happened."""
    query = compose(
        """
            -- the stored stage sums say it at once: no stage past "applied", and no withdrawal,
            -- closure or ghosted mark (the only events without a stage)
            select a.application_id, a.client, a.company, a.role, a.applied_on, a.source
            from applications as a
            join application_stages as s using (application_id)
            where {visible}
              and coalesce(s.furthest_rank, 0) = 0
              and not (s.withdrawn or s.position_closed or s.marked_ghosted)
            order by a.applied_on desc, a.company
            limit $limit
            """,
        visible=_visible("a.client"),
    )
    rows = con.cursor().execute(query, {**_scope_params(client, viewer), "limit": limit}).fetchall()
    keys = ("application_id", "client", "company", "role", "applied_on", "source")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def neutralise(value: Any) -> str:
    """A cell as text that no spreadsheet will run as a formula (OWASP CSV injection guidance)."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, bool):
        text = "yes" if value else "no"
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _visible(column: str) -> Sql:
    """The applications of `$client` (or all), among the viewer's `$allowed` clients (or all);
    `column` is one of CLIENT_COLUMN_NAMES."""
    return compose(
        "(($client is null or {column} = $client) and ($allowed is null or list_contains($allowed, {column})))",
        column=sqltext.name(column, CLIENT_COLUMN_NAMES),
    )


def _scope_params(client: str | None, viewer: Viewer) -> dict[str, Any]:
    return {"client": client, "allowed": _allowed(viewer)}


def _allowed(viewer: Viewer) -> list[str] | None:
    return None if viewer.clients is None else list(viewer.clients)


# stage date column -> the event whose first day it is (an interview's: its first round)
_STAGE_COLUMN_EVENTS = {**STAGE_DATE_EVENTS, "interview_on": "interview"}
# each stage column's event goes in as a parameter of its own ($event_<column>)
_STAGE_EVENT_PARAMS = {f"event_{column}": event for column, event in _STAGE_COLUMN_EVENTS.items()}


def _export_query() -> Sql:
    """The canonical export as one query (parameters $client, $allowed and _STAGE_EVENT_PARAMS):
    stage dates from the events, status from the facts, every cell neutralised."""
    stage_columns = join(
        compose(
            "min(e.occurred_on) filter (where e.event = $event_{column}) as {column}",
            column=sqltext.name(column, CANONICAL_COLUMNS),
        )
        for column in _STAGE_COLUMN_EVENTS
    )
    # OWASP: a cell a spreadsheet would run as a formula gets a leading quote
    starts = join(compose("chr({code})", code=ord(char)) for char in FORMULA_STARTS)
    cells = join(
        compose(
            "case when left(cast({column} as varchar), 1) in ({starts}) then chr(39) || cast({column} as varchar)"
            " else cast({column} as varchar) end as {column}",
            column=sqltext.name(column, CANONICAL_COLUMNS),
            starts=starts,
        )
        for column in CANONICAL_COLUMNS
    )
    return compose(
        """
        with stages as (
            select e.application_id, {stage_columns},
                   nullif(count(*) filter (where e.event = 'interview'), 0) as interview_rounds
            from events as e
            group by e.application_id
        ),
        exported as (
            -- the person's own id when the file had one, so the export reads back as theirs
            select a.client,
                   case when a.source_key like 'id:%' then substr(a.source_key, 4) else a.application_id end
                       as application_id,
                   a.company, a.role, a.industry, a.channel, a.resume_version,
                   case a.cover_letter when true then 'yes' when false then 'no' end as cover_letter,
                   case a.referral when true then 'yes' when false then 'no' end as referral,
                   a.location, a.seniority, a.job_url, a.applied_on,
                   case when f.outcome in ('pending', 'no_response') and not f.responded then
                            case when f.outcome = 'no_response' then 'ghosted' else 'applied' end
                        -- an answer gone quiet (no_further_answer) is written as its furthest stage:
                        -- the status of the log, not a judgement of this date and window
                        when f.outcome in ('in_progress', 'no_further_answer') then f.furthest_stage
                        else f.outcome end as status,
                   s.responded_on, s.screen_on, s.assessment_on, s.interview_on, s.interview_rounds, s.offer_on,
                   s.accepted_on, s.declined_on, s.rejected_on, s.withdrawn_on, s.closed_on, s.followed_up_on,
                   a.notes
            from applications as a
            join application_facts(current_date, 30) as f using (application_id)
            left join stages as s using (application_id)
            where {visible}
        )
        select {cells} from exported order by client, applied_on, application_id
    """,
        stage_columns=stage_columns,
        visible=_visible("a.client"),
        cells=cells,
    )


# the export's text depends on the code only: built once
_EXPORT_CSV = compose("copy ({query}) to $path (format csv, header true, force_quote *)", query=_export_query())


def export_csv(
    con: duckdb.DuckDBPyConnection,
    out: str | os.PathLike[str] | io.TextIOBase,
    client: str | None = None,
    viewer: Viewer = LOCAL_VIEWER,
) -> int:
    """The loaded applications in the canonical format (the template's columns); status and stage
    dates from the stage history. Returns the number of rows written.

    Written by DuckDB (COPY), every cell neutralised in SQL: a million rows take seconds, not a
    Python loop. A client that is unknown, or not the viewer's, is an error: never an empty file.
    """
    if client is not None:
        get_client(con, client, viewer)
    params = {**_scope_params(client, viewer), **_STAGE_EVENT_PARAMS}
    cur = con.cursor()
    with contextlib.ExitStack() as stack:
        if isinstance(out, io.TextIOBase):
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="bounceback-export-"))
            target = Path(folder) / "export.csv"
        else:
            target = Path(out)
        with translate_errors("writing the export failed"):
            # COPY answers with the number of rows it wrote
            rows = one_value(cur.execute(_EXPORT_CSV, {**params, "path": str(target.resolve())}))
        if isinstance(out, io.TextIOBase):
            out.write(target.read_text(encoding="utf-8"))
    return int(rows)


def export_xlsx(
    con: duckdb.DuckDBPyConnection,
    out: str | os.PathLike[str],
    client: str | None = None,
    viewer: Viewer = LOCAL_VIEWER,
) -> int:
    """The same export as an Excel workbook: the cells are the CSV export's, already neutralised,
    written as text (a cell that reads like a formula is never stored as one)."""
    from openpyxl import Workbook  # only the XLSX export needs it

    buffer = io.StringIO()
    rows = export_csv(con, buffer, client, viewer)
    if rows >= 1_048_575:
        raise InputError(f"{rows:,} applications do not fit in one Excel sheet (1,048,575 rows): export CSV instead")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("applications")
    buffer.seek(0)
    for record in csv.reader(buffer):
        sheet.append(record)  # strings stay strings: openpyxl writes no formula for a quoted cell
    workbook.save(str(out))
    return rows


# the tables an external engine gets, each with its client column (events and stages get it joined)
PARQUET_TABLES: dict[str, Sql] = {
    "applications": fixed("select a.* from applications as a"),
    "events": fixed("select a.client, e.* from events as e join applications as a using (application_id)"),
    "application_stages": fixed(
        "select a.client, s.* from application_stages as s join applications as a using (application_id)"
    ),
    "clients": fixed("select c.* from clients as c"),
    "advisor_notes": fixed("select n.* from advisor_notes as n"),
}


def export_parquet(
    con: duckdb.DuckDBPyConnection, folder: str | os.PathLike[str], client: str | None = None,
    viewer: Viewer = LOCAL_VIEWER,
) -> dict[str, int]:  # fmt: skip
    """Every data table as Parquet, hive-partitioned by client (`<folder>/<table>/client=<id>/*.parquet`),
    for engines beyond this machine (docs/scaling.md). Client ids are URL-encoded in the folder names
    (DuckDB's hive writer), so an id can never reach outside `folder`. Returns rows per table.

    The folder must be new or empty: an export never mixes with an older one."""
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"--parquet {target}: the folder must be new or empty")
    if client is not None:
        get_client(con, client, viewer)  # unknown or not the viewer's: an error, not an empty export
    params = _scope_params(client, viewer)
    counts: dict[str, int] = {}
    cur = con.cursor()
    with translate_errors("writing the Parquet export failed"):
        target.mkdir(parents=True, exist_ok=True)
        for table, query in PARQUET_TABLES.items():
            copy = compose(
                "copy (select * from ({query}) where {visible}) to $path"
                " (format parquet, partition_by (client), compression zstd)",
                query=query,
                visible=_visible("client"),
            )
            # COPY answers with the number of rows it wrote
            counts[table] = int(one_value(cur.execute(copy, {**params, "path": str((target / table).resolve())})))
            if not counts[table]:
                (target / table).rmdir()  # nothing of this table: no empty folder either
    return counts
