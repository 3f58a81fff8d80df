"""`bounceback status`: what the database holds and how the last loads went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines.advisors.clients import LOCAL_VIEWER, Viewer, visibility_sql
from pipelines.rows import one_row, one_value
from pipelines.store.db import schema_version, translate_errors

RECENT_RUNS = 10


def database_status(con: duckdb.DuckDBPyConnection, db_path: Path, viewer: Viewer = LOCAL_VIEWER) -> dict[str, Any]:
    """Counts, clients and the last loads, of the clients the viewer may see (a load shows to a
    restricted viewer only when it was made for one of their clients with --client)."""
    cur = con.cursor()
    visible, params = visibility_sql(viewer)
    with translate_errors("cannot read the database"):
        totals = one_row(
            cur.execute(
                f"select count(*), count(distinct client), min(applied_on), max(applied_on) from applications"
                f" where {visible}",
                params,
            )
        )
        events = one_value(
            cur.execute(
                f"select count(*) from events where application_id in (select application_id from applications"
                f" where {visible})"
                if viewer.clients is not None
                else "select count(*) from events",
                params,
            )
        )
        clients = cur.execute(
            f"select client, count(*) as applications, min(applied_on), max(applied_on) "
            f"from applications where {visible} group by client order by client",
            params,
        ).fetchall()
        outcomes = cur.execute(
            f"select outcome, count(*) from application_facts(current_date, 30) where {visible}"
            " group by 1 order by 2 desc",
            params,
        ).fetchall()
        runs = cur.execute(
            "select run_id, file_name, detected_source, status, rows_read, inserted, updated, unchanged,"
            f" rejected, skipped, message, started_at from ingest_runs where {visible}"
            " order by run_id desc limit ?",
            [*params, RECENT_RUNS],
        ).fetchall()
        # the rows the latest load of each file rejected: loading the same file again rejects the same
        # rows again, and they must not count twice
        rejects_total = one_value(
            cur.execute(
                "select count(*) from ingest_rejects where run_id in ("
                f" select max(run_id) from ingest_runs where {visible}"
                " group by coalesce(sha256, file_path, file_name))",
                params,
            )
        )
    return {
        "database": str(db_path),
        "schema_version": schema_version(con),
        "applications": int(totals[0]),
        "clients": [
            {"client": name, "applications": int(count), "first_applied_on": _iso(first), "last_applied_on": _iso(last)}
            for name, count, first, last in clients
        ],
        "events": int(events),
        "first_applied_on": _iso(totals[2]),
        "last_applied_on": _iso(totals[3]),
        "outcomes_today": {outcome: int(count) for outcome, count in outcomes},
        "rejects_total": int(rejects_total),
        "last_runs": [
            {
                "run_id": run_id,
                "file": file_name,
                "source": source,
                "status": status,
                "rows_read": read,
                "inserted": inserted,
                "updated": updated,
                "unchanged": unchanged,
                "rejected": rejected,
                "skipped": skipped,
                "message": message,
                "started_at": started.isoformat(timespec="seconds") if started else None,
            }
            for (
                run_id,
                file_name,
                source,
                status,
                read,
                inserted,
                updated,
                unchanged,
                rejected,
                skipped,
                message,
                started,
            ) in runs
        ],
    }


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
