"""`bounceback status`: what the database holds and how the last loads went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines.db import schema_version, translate_errors

RECENT_RUNS = 10


def database_status(con: duckdb.DuckDBPyConnection, db_path: Path) -> dict[str, Any]:
    cur = con.cursor()
    with translate_errors("cannot read the database"):
        totals = cur.execute(
            "select count(*), count(distinct client), min(applied_on), max(applied_on) from applications"
        ).fetchone()
        events = cur.execute("select count(*) from events").fetchone()[0]
        clients = cur.execute(
            "select client, count(*) as applications, min(applied_on), max(applied_on) "
            "from applications group by client order by client"
        ).fetchall()
        outcomes = cur.execute(
            "select outcome, count(*) from application_facts(current_date, 30) group by 1 order by 2 desc"
        ).fetchall()
        runs = cur.execute(
            "select run_id, file_name, detected_source, status, rows_read, inserted, updated, unchanged,"
            " rejected, skipped, message, started_at from ingest_runs order by run_id desc limit ?",
            [RECENT_RUNS],
        ).fetchall()
        rejects_total = cur.execute("select count(*) from ingest_rejects").fetchone()[0]
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


def content_version(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """A cheap marker that changes whenever the data may have changed: every load records a run
    (refused ones too), and the event count catches writes between runs. Caches key on it."""
    with translate_errors("cannot read the database"):
        row = (
            con.cursor()
            .execute("select (select coalesce(max(run_id), 0) from ingest_runs), (select count(*) from events)")
            .fetchone()
        )
    return (int(row[0]), int(row[1])) if row else (0, 0)
