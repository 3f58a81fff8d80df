"""What the row check found, said once the checked table exists: notes on the load (stage words,
planned follow-ups, rows kept apart) and the refusals that need the stored history (a file with no
readable applied date, an applied date moved after a stored event)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.errors import InputError
from pipelines.load.check import PLANNED_WHEN_LATER
from pipelines.load.plan import Plan, date_table, shortened, staging_column
from pipelines.rows import one_row, one_value
from pipelines.sqltext import compose

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult


def check_applied_dates(cur: duckdb.DuckDBPyConnection, path: Path, plan: Plan) -> None:
    """A file none of whose applied dates can be read is refused as a whole, with examples."""
    column = plan.dates.get("applied_on")
    if column is None:
        return
    table = date_table(column)
    readable = one_value(
        cur.execute(compose("select count(*) filter (where len(dates) > 0) from {table}", table=table))
    )
    if readable == 0:
        examples = [
            row[0]
            for row in cur.execute(compose("select raw from {table} order by raw limit 3", table=table)).fetchall()
        ]
        # a cell can hold a pasted page: the message stays one short line
        shown = ", ".join(repr(shortened(v)) for v in examples) if examples else "all blank"
        raise InputError(
            f"{path.name}: no readable dates in column {column.column!r} ({shown}); "
            "dates must look like 2025-01-31, 1/31/2025 or 31/01/2025"
        )


def note_stage_words(cur: duckdb.DuckDBPyConnection, plan: Plan, result: IngestResult) -> None:
    """Say which words in a stage date column were read as "stage unknown" (see _row_problems)."""
    for name, column in plan.dates.items():
        if name == "applied_on":
            continue
        words, count = one_row(
            cur.execute(
                compose(
                    "select list(raw order by raw)[1:3], count(*) from {table}"
                    " where problem is not null and not regexp_matches(raw, '[0-9]')",
                    table=date_table(column),
                )
            )
        )
        if count:
            shown = ", ".join(repr(word) for word in words) + (" …" if count > len(words) else "")
            result.notes.append(
                f"column {column.column!r}: {shown} {'is' if count == 1 else 'are'} not a date; that stage is left"
                " unknown where they stand, and the applications load"
            )


def note_planned_dates(cur: duckdb.DuckDBPyConnection, plan: Plan, result: IngestResult) -> None:
    """Say how many follow-up dates lie ahead, and so were not read as follow-ups made."""
    for name in PLANNED_WHEN_LATER:
        column = plan.dates.get(name)
        if column is None:
            continue
        later = cur.execute(
            compose(
                "select count(*) from staged as s join {table} as d on d.raw = bb_blank(s.{staging})"
                " where list_any_value(list_filter(d.dates, lambda day: day > current_date)) is not null",
                table=date_table(column),
                staging=staging_column(plan.mapping.indexes[name]),
            )
        ).fetchone()
        if later and later[0]:
            rows = "1 row of column {!r} holds" if later[0] == 1 else f"{later[0]:,} rows of column {{!r}} hold"
            result.notes.append(
                f"{rows.format(column.column)} a date after today: a follow-up you plan, not one"
                " made, so not counted as a follow-up (load the file again once you have followed up)"
            )


# Rows that move a stored application's applied date later than an event already stored for it
# (an earlier import's rejection, an events file's interview) and do not re-date that event. Loading
# them would leave the event before the application was sent; stored events keep history (never
# moved or dropped to make room), so the row is rejected instead, naming the event. Only rows whose
# date moves later can meet one: every stored event is on or after the stored applied date.
_LATER_APPLIED_DATES_SQL = """
create or replace temp table later_applied_dates as
with moved as (
    select v.line, v.application_id, v.applied_on, v.status_raw
    from valid_rows as v
    join applications as a using (application_id)
    where v.applied_on > a.applied_on
)
select m.line, arg_min(e.event, e.occurred_on) as event, min(e.occurred_on) as occurred_on
from moved as m
join events as e using (application_id)
where e.occurred_on < m.applied_on
  -- events this load dates again (their new dates passed the row's checks)
  and e.event_id not in (select event_id from incoming_events where occurred_on is not null)
  -- events this load retracts (see APPLICATION_MERGE_STEPS)
  and not coalesce(e.source <> 'events' and e.detail = 'status: ' || m.status_raw
                   and e.event_id not in (select event_id from incoming_events), false)
group by m.line
"""


def reject_applied_dates_after_stored_events(cur: duckdb.DuckDBPyConnection) -> bool:
    """Reject the rows of _LATER_APPLIED_DATES_SQL; True when there were any."""
    cur.execute(_LATER_APPLIED_DATES_SQL)
    if not one_value(cur.execute("select count(*) from later_applied_dates")):
        return False
    cur.execute(
        """
        update checked set
            disposition = 'rejected',
            problems = list_append(problems, {
                'column': 'applied_on',
                'value': cast(checked.applied_on_raw as varchar),
                'reason': 'is after the ' || l.event || ' event of ' || cast(l.occurred_on as varchar)
                    || ' already stored for this application; an application is sent before its events'
            })
        from later_applied_dates as l
        where checked.line = l.line
        """
    )
    return True


def note_kept_apart(cur: duckdb.DuckDBPyConnection, result: IngestResult) -> None:
    """Say how many rows a weak key would have merged and were kept as applications of their own."""
    kept = cur.execute("select count(*) from checked where kept_apart and disposition = 'valid'").fetchone()
    result.kept_apart = int(kept[0]) if kept else 0
    if result.kept_apart:
        rows = "1 row shares" if result.kept_apart == 1 else f"{result.kept_apart:,} rows share"
        result.notes.append(
            f"{rows} a role and applied date with another row, with no company (or no role) to tell them"
            " apart, and differ in other columns: each is read as an application of its own, not merged"
            " (a row repeated exactly is still one application)"
        )
