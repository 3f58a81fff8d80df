"""Writing in one transaction: the merge steps, their counts, reconciliation, commit or rollback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines.errors import DatabaseError
from pipelines.load import readers
from pipelines.load.runs import finish_run, insert_run, store_rejects, store_skips
from pipelines.rows import one_row
from pipelines.store.db import refresh_application_stages, register_clients, rollback, translate_errors

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult


# The write steps, in order, inside one transaction. A list so that tests can put a failing
# statement half-way and prove the rollback (see tests/unit/load/test_ingest.py).
APPLICATION_MERGE_STEPS: list[tuple[str, str]] = [
    (
        "compare with stored applications",
        """
        create or replace temp table app_changes as
        select v.application_id, a.application_id is not null as existed,
               a.content_hash is distinct from v.content_hash as content_changed
        from valid_rows as v
        left join applications as a using (application_id)
        """,
    ),
    (
        "compare with stored events",
        """
        create or replace temp table event_changes as
        select i.*, e.event_id is not null as existed
        from incoming_events as i
        left join events as e using (event_id)
        where e.event_id is null
           or (i.occurred_on is not null and e.occurred_on is distinct from i.occurred_on)
        """,
    ),
    (
        "find events whose status text is now read differently",
        """
        create or replace temp table retracted as
        select e.event_id, e.application_id
        from events as e
        join valid_rows as v using (application_id)
        where e.detail = 'status: ' || v.status_raw
          and e.source <> 'events'
          and e.event_id not in (select event_id from incoming_events)
        """,
    ),
    (
        "retract them",
        "delete from events where event_id in (select event_id from retracted)",
    ),
    (
        "update changed applications",
        """
        update applications set
            company = v.company, role = v.role, industry = v.industry, channel = v.channel,
            channel_raw = v.channel_name, resume_version = v.resume_version,
            cover_letter = v.cover_letter, referral = v.referral, location = v.location,
            seniority = v.seniority, job_url = v.job_url, applied_on = v.applied_on,
            notes = v.notes, raw = v.raw, content_hash = v.content_hash, last_run_id = $run_id
        from valid_rows as v
        join app_changes as c using (application_id)
        where applications.application_id = v.application_id and c.existed and c.content_changed
        """,
    ),
    (
        "insert new applications",
        """
        insert into applications
        select v.application_id, v.client, $source, v.source_key, v.company, v.role, v.industry,
               v.channel, v.channel_name, v.resume_version, v.cover_letter, v.referral, v.location,
               v.seniority, v.job_url, v.applied_on, v.notes, v.raw, v.content_hash,
               $run_id, $run_id
        from valid_rows as v
        join app_changes as c using (application_id)
        where not c.existed
        """,
    ),
    (
        "update changed event dates",
        """
        update events set occurred_on = c.occurred_on, run_id = $run_id
        from event_changes as c
        where events.event_id = c.event_id and c.existed
        """,
    ),
    (
        "insert new events",
        """
        insert into events
        select event_id, application_id, event, occurred_on, round, $source,
               case when implied_by is not null then 'status: ' || implied_by end, $run_id
        from event_changes
        where not existed
        """,
    ),
]


EVENTS_MERGE_STEPS: list[tuple[str, str]] = [
    (
        "compare with stored events",
        """
        create or replace temp table valid_events as
        select v.*, e.event_id is not null as existed,
               e.event_id is not null
                   and (e.detail is distinct from v.detail or e.occurred_on is distinct from v.occurred_on)
                   as detail_changed
        from checked_events as v
        left join events as e using (event_id)
        where v.disposition = 'valid'
        """,
    ),
    (
        "update changed event details and dates",
        """
        update events set detail = v.detail, occurred_on = v.occurred_on, run_id = $run_id
        from valid_events as v
        where events.event_id = v.event_id and v.existed and v.detail_changed
        """,
    ),
    (
        "insert new events",
        """
        insert into events
        select event_id, application_id, event, occurred_on, round, $source, detail, $run_id
        from valid_events
        where not existed
        """,
    ),
]


def named_params(sql: str, values: dict[str, Any]) -> dict[str, Any]:
    """Only the $names a statement uses (DuckDB refuses unused named parameters)."""
    return {name: value for name, value in values.items() if f"${name}" in sql}


def run_steps(cur: duckdb.DuckDBPyConnection, steps: list[tuple[str, str]], values: dict[str, Any]) -> None:
    for _, sql in steps:
        cur.execute(sql, named_params(sql, values))


def write_in_transaction(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    dry_run: bool,
    started: dt.datetime,
    judged_table: str,
    merge: Callable[[int], None],
) -> None:
    """The one write path: run record, merge, reconciliation, rejects and skips, in one transaction.

    `merge(run_id)` writes the data and fills the result's counts; a count that does not reconcile,
    or any error, rolls everything back.
    """
    with translate_errors(f"writing {path.name} failed"):
        cur.execute("begin transaction")
        try:
            result.status = "loaded"
            result.run_id = insert_run(cur, result, path, staged.size_bytes, started)
            merge(result.run_id)
            _check_reconciled(result)
            finish_run(cur, result)
            store_rejects(cur, result.run_id)
            store_skips(cur, result.run_id, judged_table)
            _commit_or_rollback(cur, result, dry_run)
        except BaseException:
            rollback(cur)  # after a failed COMMIT there is nothing to roll back: report the commit's error
            raise


def _commit_or_rollback(cur: duckdb.DuckDBPyConnection, result: IngestResult, dry_run: bool) -> None:
    if dry_run:
        cur.execute("rollback")
        result.status = "dry_run"
        result.run_id = None
    else:
        cur.execute("commit")


def _check_reconciled(result: IngestResult) -> None:
    accounted = result.inserted + result.updated + result.unchanged + result.rejected + result.skipped
    result.reconciled = accounted == result.rows_read
    if not result.reconciled:
        # A bug, not bad input: refuse to commit numbers that do not add up.
        raise DatabaseError(
            f"rows do not reconcile: read {result.rows_read}, accounted for {accounted}; nothing loaded"
        )


def merge_applications(cur: duckdb.DuckDBPyConnection, result: IngestResult, run_id: int, source: str) -> None:
    """Merge `valid_rows` and `incoming_events` into the stored applications and events; fill the counts."""
    run_steps(cur, APPLICATION_MERGE_STEPS, {"run_id": run_id, "source": source})
    register_clients(cur)
    cur.execute(
        "create or replace temp table touched_applications as "
        "select application_id from event_changes union select application_id from retracted"
    )
    refresh_application_stages(cur, only_touched=True)
    totals = one_row(cur.execute(
        "with touched as (select application_id from event_changes union select application_id from retracted) "
        "select count(*) filter (where not c.existed),"
        " count(*) filter (where c.existed and (c.content_changed or t.application_id is not null)),"
        " count(*) filter (where c.existed and not c.content_changed and t.application_id is null) "
        "from app_changes as c left join touched as t using (application_id)"
    ))
    result.inserted, result.updated, result.unchanged = (int(v) for v in totals)
    event_totals = one_row(cur.execute(
        "select count(*) filter (where not existed), count(*) filter (where existed) from event_changes"
    ))
    result.events_inserted, result.events_updated = (int(v) for v in event_totals)


def merge_events(cur: duckdb.DuckDBPyConnection, result: IngestResult, run_id: int) -> None:
    """Merge `checked_events` into the stored events; fill the counts."""
    run_steps(cur, EVENTS_MERGE_STEPS, {"run_id": run_id, "source": "events"})
    cur.execute(
        "create or replace temp table touched_applications as "
        "select distinct application_id from valid_events where not existed or detail_changed"
    )
    refresh_application_stages(cur, only_touched=True)
    totals = one_row(cur.execute(
        "select count(*) filter (where not existed), count(*) filter (where detail_changed),"
        " count(*) filter (where existed and not detail_changed) from valid_events"
    ))
    result.inserted, result.updated, result.unchanged = (int(v) for v in totals)
    result.events_inserted, result.events_updated = result.inserted, result.updated
