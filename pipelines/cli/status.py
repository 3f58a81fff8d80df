"""`bounceback status`: what the database holds and how the last loads went.

database_status and content_version are also the dashboard's (dashboard/data/).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import duckdb

from pipelines.advisors.clients import LOCAL_VIEWER, Viewer, visibility_sql
from pipelines.cli.output import print_json
from pipelines.rows import one_row, one_value
from pipelines.sqltext import Sql, compose, fixed
from pipelines.store.db import connect, resolve_db_path, schema_version, translate_errors
from pipelines.words import counted

RECENT_RUNS = 10
# the JSON keys of a load (docs/json-output.md), in the order of the columns RECENT_RUNS_QUERY reads
RUN_KEYS = ("run_id", "file", "source", "status", "rows_read", "inserted", "updated", "unchanged", "rejected",
            "skipped", "message", "started_at")  # fmt: skip

# Templates of pipelines.sqltext.compose: `{visible}` is the viewer's condition from visibility_sql,
# its parameters come first.
TOTALS_QUERY: Final = (
    "select count(*), count(distinct client), min(applied_on), max(applied_on), count(*) - count(applied_on)"
    " from applications where {visible}"
)
VISIBLE_EVENTS_QUERY: Final = (
    "select count(*) from events where application_id in (select application_id from applications where {visible})"
)
CLIENTS_QUERY: Final = (
    "select client, count(*) as applications, min(applied_on), max(applied_on) "
    "from applications where {visible} group by client order by client"
)
OUTCOMES_TODAY_QUERY: Final = (
    "select outcome, count(*) from application_facts(current_date, 30) where {visible} group by 1 order by 2 desc, 1"
)
RECENT_RUNS_QUERY: Final = (
    "select run_id, file_name, detected_source, status, rows_read, inserted, updated, unchanged,"
    " rejected, skipped, message, started_at from ingest_runs where {visible}"
    " order by run_id desc limit ?"
)
# the rows the latest load of each file rejected: loading the same file again rejects the same rows
# again, and they must not count twice
LATEST_REJECTS_QUERY: Final = (
    "select count(*) from ingest_rejects where run_id in ("
    " select max(run_id) from ingest_runs where {visible}"
    " group by coalesce(sha256, file_path, file_name))"
)


@dataclass(frozen=True)
class StatusClient:
    """One client's applications in the database, and the dates they span."""

    client: str
    applications: int
    first_applied_on: str | None
    last_applied_on: str | None

    def to_json(self) -> dict[str, Any]:
        return {"client": self.client, "applications": self.applications,
                "first_applied_on": self.first_applied_on, "last_applied_on": self.last_applied_on}  # fmt: skip


@dataclass(frozen=True)
class LoadRun:
    """One load (a row of ingest_runs): its file, outcome and counts; the fields are RUN_KEYS."""

    run_id: int
    file: str
    source: str | None
    status: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    skipped: int
    message: str | None
    started_at: str | None  # ISO, to the second

    def to_json(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in RUN_KEYS}


@dataclass(frozen=True)
class DatabaseStatus:
    """What `bounceback status` tells (docs/json-output.md, "status"): the database's counts, its
    clients, today's outcomes (30-day window) and the last RECENT_RUNS loads, newest first."""

    database: str
    schema_version: int
    applications: int
    clients: list[StatusClient]
    events: int
    first_applied_on: str | None
    last_applied_on: str | None
    outcomes_today: dict[str, int]
    rejects_total: int
    last_runs: list[LoadRun]
    # read from mail without a confirmation: the day it was sent unknown, so in no rate (docs/mail.md)
    applied_date_unknown: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "schema_version": self.schema_version,
            "applications": self.applications,
            "clients": [client.to_json() for client in self.clients],
            "events": self.events,
            "first_applied_on": self.first_applied_on,
            "last_applied_on": self.last_applied_on,
            "outcomes_today": dict(self.outcomes_today),
            "rejects_total": self.rejects_total,
            "last_runs": [run.to_json() for run in self.last_runs],
            "applied_date_unknown": self.applied_date_unknown,
        }


def database_status(con: duckdb.DuckDBPyConnection, db_path: Path, viewer: Viewer = LOCAL_VIEWER) -> DatabaseStatus:
    """Counts, clients and the last loads, of the clients the viewer may see (a load shows to a
    restricted viewer only when it was made for one of their clients with --client)."""
    cur = con.cursor()
    visible, params = visibility_sql(viewer)
    with translate_errors("cannot read the database"):
        totals = one_row(cur.execute(compose(TOTALS_QUERY, visible=visible), params))
        events = one_value(cur.execute(_events_query(viewer, visible), params))
        clients = cur.execute(compose(CLIENTS_QUERY, visible=visible), params).fetchall()
        outcomes = cur.execute(compose(OUTCOMES_TODAY_QUERY, visible=visible), params).fetchall()
        runs = cur.execute(compose(RECENT_RUNS_QUERY, visible=visible), [*params, RECENT_RUNS]).fetchall()
        rejects_total = one_value(cur.execute(compose(LATEST_REJECTS_QUERY, visible=visible), params))
    return DatabaseStatus(
        database=str(db_path),
        schema_version=schema_version(con),
        applications=int(totals[0]),
        clients=[_client(row) for row in clients],
        events=int(events),
        first_applied_on=_iso(totals[2]),
        last_applied_on=_iso(totals[3]),
        outcomes_today={outcome: int(count) for outcome, count in outcomes},
        rejects_total=int(rejects_total),
        last_runs=[_run(row) for row in runs],
        applied_date_unknown=int(totals[4]),
    )


def _events_query(viewer: Viewer, visible: Sql) -> Sql:
    # a viewer who sees every client sees every event: no need to look up their applications
    if viewer.clients is None:
        return fixed("select count(*) from events")
    return compose(VISIBLE_EVENTS_QUERY, visible=visible)


def _client(row: tuple[Any, ...]) -> StatusClient:
    name, count, first, last = row
    return StatusClient(client=name, applications=int(count), first_applied_on=_iso(first), last_applied_on=_iso(last))


def _run(row: tuple[Any, ...]) -> LoadRun:
    run = dict(zip(RUN_KEYS, row, strict=True))
    started = run["started_at"]
    run["started_at"] = started.isoformat(timespec="seconds") if started else None
    return LoadRun(**run)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def content_version(con: duckdb.DuckDBPyConnection) -> tuple[int, int, str, int]:
    """A cheap marker that changes whenever the data may have changed: every load records a run
    (refused ones too), the event count catches recorded outcomes, the latest client-record change
    and the latest note catch the advisor's edits. Caches key on it."""
    with translate_errors("cannot read the database"):
        row = (
            con.cursor()
            .execute(
                "select (select coalesce(max(run_id), 0) from ingest_runs), (select count(*) from events),"
                " (select coalesce(max(updated_at)::varchar, '') || ':' || count(*) from clients),"
                " (select coalesce(max(note_id), 0) from advisor_notes)"
            )
            .fetchone()
        )
    return (int(row[0]), int(row[1]), str(row[2]), int(row[3])) if row else (0, 0, "", 0)


def run_status(args: argparse.Namespace) -> int:
    """`bounceback status`: the database's counts and its last loads, as JSON or as text."""
    db_path = resolve_db_path(args.db)
    con = connect(db_path)
    try:
        status = database_status(con, db_path)
    finally:
        con.close()
    if args.json:
        print_json(status.to_json())
        return 0
    _print_contents(status)
    _print_runs(status)
    return 0


def _print_contents(status: DatabaseStatus) -> None:
    print(f"database: {status.database} (schema {status.schema_version})")
    if not status.applications:
        print("no applications yet: load a file with `bounceback ingest FILE`")
        return
    print(
        f"{counted(status.applications, 'application')}, {counted(status.events, 'event')}, "
        f"applied {status.first_applied_on} .. {status.last_applied_on}"
    )
    if status.applied_date_unknown:
        print(f"  {counted(status.applied_date_unknown, 'application')} with the applied date unknown (read from mail"
              " without a confirmation): in no rate")
    for client in status.clients:
        print(f"  {client.client}: {counted(client.applications, 'application')}")
    outcomes = ", ".join(f"{k} {v:,}" for k, v in status.outcomes_today.items())
    print(f"outcomes today (30-day window): {outcomes}")


def _print_runs(status: DatabaseStatus) -> None:
    if status.last_runs:
        print("last loads:")
        for run in status.last_runs:
            print(
                f"  #{run.run_id} {run.started_at} {run.file} [{run.status}] "
                f"read {run.rows_read:,}: +{run.inserted:,} ~{run.updated:,} "
                f"={run.unchanged:,} rejected {run.rejected:,} skipped {run.skipped:,}"
                + (f" - {run.message}" if run.message else "")
            )
    print(f"rejected rows, latest load of each file: {status.rejects_total:,} (table ingest_rejects)")
