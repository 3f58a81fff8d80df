"""Loading an events file: each row matched to one stored application, judged, and merged as an event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines import sqltext
from pipelines.errors import InputError
from pipelines.load import readers
from pipelines.load.check import problem_check, problems_sql
from pipelines.load.columns import (
    EVENT_FIELDS,
    ColumnMapping,
    column_overrides,
    header_token,
    map_columns,
)
from pipelines.load.dates import DateColumn, build_date_lookups, order_contradiction
from pipelines.load.lookups import lookup_sql
from pipelines.load.merge import merge_events, write_in_transaction
from pipelines.load.plan import (
    all_blank_sql,
    column_sql,
    date_table,
    raw_json_sql,
    require_columns,
    row_client_sql,
    staging_column,
    staging_names,
)
from pipelines.load.progress import Progress
from pipelines.load.runs import count_dispositions, refused_for_rejects
from pipelines.rows import one_value
from pipelines.sqltext import Sql, compose, fixed, join
from pipelines.store.db import translate_errors
from pipelines.vocabulary import RECORDABLE_EVENTS
from pipelines.words import counted

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult, LoadOptions


# the reason an event name not in the vocabulary is refused, a parameter ($unknown_event) of the check
UNKNOWN_EVENT_REASON = f"unknown event (expected {', '.join(RECORDABLE_EVENTS)})"

_EVENT_PROBLEMS = [
    problem_check(fixed("event_raw is null"), "event", fixed("null"), fixed("'no event'")),
    problem_check(
        fixed("event_raw is not null and event is null"), "event", fixed("event_raw"), fixed("$unknown_event")
    ),
    problem_check(
        fixed("event = 'applied'"),
        "event",
        fixed("event_raw"),
        fixed("'the applied event comes from the applications file'"),
    ),
    problem_check(
        fixed("occurred_on_raw is not null and occurred_on_problem is not null"),
        "occurred_on",
        fixed("occurred_on_raw"),
        fixed("occurred_on_problem"),
    ),
    problem_check(
        fixed("round_raw is not null and (round is null or round not between 1 and 50)"),
        "round",
        fixed("round_raw"),
        fixed("'not a round number (1-50)'"),
    ),
    problem_check(
        fixed("matches = 0 and ref_id is not null"),
        "application_id",
        fixed("ref_id"),
        fixed("'no application matches'"),
    ),
    problem_check(
        fixed("matches = 0 and ref_id is null"), "company", fixed("company_key"), fixed("'no application matches'")
    ),
    problem_check(
        fixed("matches > 1"),
        "company",
        fixed("company_key"),
        fixed("matches || ' applications match; give application_id'"),
    ),
    problem_check(
        fixed("matches = 1 and occurred_on < applied_on"),
        "occurred_on",
        fixed("occurred_on_raw"),
        fixed("'is before the applied date ' || cast(applied_on as varchar)"),
    ),
]


# events file rows -> checked_events: matched to one application, judged, identified, deduplicated
_CHECKED_EVENTS_SQL = """
create or replace temp table checked_events as
with matched as (
    select r.*, count(m.application_id) as matches,
           any_value(m.application_id) as application_id,
           any_value(m.applied_on) as applied_on
    from event_rows as r
    left join event_matches as m using (line)
    group by all
),
judged as (
    select *,
        {event_problems} as problems
    from matched
),
identified as (
    select *,
        -- a numbered round is one event whatever its date (a corrected date updates it); without a
        -- round, the date tells two follow-ups apart
        md5(application_id || '|' || event || '|' || coalesce(cast(round as varchar), '0') || '|log|'
            || case when round is null then coalesce(cast(occurred_on as varchar), '') else '' end) as event_id,
        case when blank_row then 'skip:blank row'
             when len(problems) > 0 then 'rejected'
             else 'valid' end as first_disposition
    from judged
)
select * exclude (first_disposition),
    case when first_disposition = 'valid'
          and line <> max(line) over (partition by event_id, first_disposition = 'valid')
         then 'skip:same event as a later row (line '
              || max(line) over (partition by event_id, first_disposition = 'valid') || '), which wins'
         else first_disposition end as disposition
from identified
"""


# three equality joins, not one join on the client with an OR filter: that one grows with
# events x applications (minutes for 20,000 events on 400,000 applications)
_EVENT_MATCHES_SQL = """
create or replace temp table event_matches as
with app_keys as materialized (
    select application_id, source_key, client, applied_on,
           coalesce(lower(regexp_replace(company, '\\s+', ' ', 'g')), '') as company_key,
           lower(regexp_replace(role, '\\s+', ' ', 'g')) as role_key
    from applications
    where client in (select distinct client from event_rows)
)
select r.line, a.application_id, a.applied_on
from event_rows as r
join app_keys as a on a.client = r.client and a.application_id = r.ref_id
union
select r.line, a.application_id, a.applied_on
from event_rows as r
join app_keys as a on a.client = r.client and a.source_key = 'id:' || r.ref_id
union
select r.line, a.application_id, a.applied_on
from event_rows as r
join app_keys as a
  on a.client = r.client and a.company_key = coalesce(r.company_key, '') and a.applied_on = r.applied_key
where r.ref_id is null and (r.role_key is null or a.role_key = r.role_key)
"""


def _event_mapping(path: Path, staged: readers.StagedFile, result: IngestResult, options: LoadOptions) -> ColumnMapping:
    """Which column is which field of an event; refused without an event or a way to find its application."""
    mapping = map_columns(staged.header, EVENT_FIELDS, column_overrides(options.column_map, EVENT_FIELDS))
    result.columns = mapping.to_json()
    require_columns(mapping, path, ["event"], [])
    if "application_id" not in mapping.mapped and not {"company", "applied_on"} <= mapping.mapped.keys():
        raise InputError(
            f"{path.name}: missing column: application_id (or company, role and applied_on to find the application)"
        )
    return mapping


def _event_dates(
    cur: duckdb.DuckDBPyConnection, path: Path, mapping: ColumnMapping, result: IngestResult, options: LoadOptions
) -> dict[str, DateColumn]:
    """The date lookups of an events file's applied_on and occurred_on columns."""
    date_columns = [
        (name, mapping.mapped[name], f"c{mapping.indexes[name]}")
        for name in ("applied_on", "occurred_on")
        if name in mapping.indexes
    ]
    dates = build_date_lookups(
        cur, date_columns, order=options.date_order, order_reason="--date-order" if options.date_order else ""
    )
    contradiction = order_contradiction(dates, options.date_order) if options.date_order else None
    if contradiction:
        raise InputError(f"{path.name}: {contradiction}")
    result.dates = {name: column.to_json() for name, column in dates.items()}
    return dates


def _event_lookup(cur: duckdb.DuckDBPyConnection, mapping: ColumnMapping, status_map: dict[str, str]) -> None:
    """Temp table event_lookup: what each written event name is read as."""
    # event names: --status-map first, then the vocabulary itself, then the free-text reading
    # statuses get
    cur.execute("create or replace temp table status_overrides (token varchar, status varchar)")
    if status_map:
        cur.executemany(
            "insert into status_overrides values (bb_status_key(?), ?)",
            [[text, header_token(status)] for text, status in status_map.items()],
        )
    cur.execute(
        lookup_sql(
            fixed("event_lookup"),
            staging_column(mapping.indexes["event"]),
            fixed(
                "coalesce((select any_value(o.status) from status_overrides as o where o.token = bb_status_key(raw)),"
                " bb_event(raw), case when bb_classify_status(raw).status not in ('applied', 'saved')"
                " then bb_classify_status(raw).status end) as event"
            ),
        )
    )


# an events file's rows, each with what it says and the keys its application is found by
_EVENT_ROWS_SQL = """
            create or replace temp table event_rows as
            select s.line,
                   {client} as client,
                   bb_blank({application_id}) as ref_id,
                   lower(regexp_replace(bb_blank({company}), '\\s+', ' ', 'g')) as company_key,
                   lower(regexp_replace(bb_blank({role}), '\\s+', ' ', 'g')) as role_key,
                   {applied_day} as applied_key,
                   event_lookup.event, bb_blank({event}) as event_raw,
                   {occurred_day} as occurred_on,
                   {occurred_problem} as occurred_on_problem,
                   bb_blank({occurred_on}) as occurred_on_raw,
                   try_cast(bb_blank({round}) as integer) as round,
                   bb_blank({round}) as round_raw,
                   bb_blank({detail}) as detail,
                   {raw} as raw,
                   ({all_blank}) as blank_row
            from staged as s
            left join event_lookup on event_lookup.raw = bb_blank({event})
            {joins}
            """


def _event_rows_sql(
    staged: readers.StagedFile, mapping: ColumnMapping, dates: dict[str, DateColumn], client: str | None
) -> tuple[Sql, dict[str, Any]]:
    """SQL creating temp table event_rows from `staged`, and its named parameters."""
    raw_sql, params = raw_json_sql(staged.header, mapping)
    client_sql, client_params = row_client_sql(
        compose("bb_blank({column})", column=column_sql(mapping, "client")), client
    )
    params.update(client_params)

    def date_sql(name: str, problem: bool = False) -> Sql:
        """The first date of a date column (its problem instead: `problem`), null without the column."""
        if name not in dates:
            return fixed("cast(null as varchar)") if problem else fixed("cast(null as date)")
        table = date_table(dates[name])
        return compose("{table}.problem", table=table) if problem else compose("({table}.dates[1])", table=table)

    staging = staging_names(len(staged.header))
    joins = join(
        (
            compose(
                "left join {table} on {table}.raw = bb_blank(s.{staging})",
                table=date_table(column),
                staging=sqltext.name(column.staging, staging),
            )
            for column in dates.values()
        ),
        " ",
    )
    fields = ("application_id", "company", "role", "event", "occurred_on", "round", "detail")
    sql = compose(
        _EVENT_ROWS_SQL,
        client=client_sql,
        **{name: column_sql(mapping, name) for name in fields},
        applied_day=date_sql("applied_on"),
        occurred_day=date_sql("occurred_on"),
        occurred_problem=date_sql("occurred_on", problem=True),
        raw=raw_sql,
        all_blank=all_blank_sql(len(staged.header)),
        joins=joins,
    )
    return sql, params


def ingest_events(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    options: LoadOptions,
    meter: Progress,
    started: dt.datetime,
) -> None:
    mapping = _event_mapping(path, staged, result, options)
    with translate_errors("normalising the events failed"):
        dates = _event_dates(cur, path, mapping, result, options)
        _event_lookup(cur, mapping, options.status_map)
        cur.execute(*_event_rows_sql(staged, mapping, dates, options.client))
        cur.execute(_EVENT_MATCHES_SQL)
        cur.execute(
            compose(_CHECKED_EVENTS_SQL, event_problems=problems_sql(_EVENT_PROBLEMS)),
            {"unknown_event": UNKNOWN_EVENT_REASON},
        )
        matched = count_dispositions(cur, result, staged, "checked_events", "application_id")
        unmatched = one_value(
            cur.execute("select count(*) from checked_events where matches = 0 and disposition = 'rejected'")
        )
        result.notes.append(
            f"events matched {counted(matched, 'application')}; {counted(unmatched, 'row')} matched no application"
            " (listed as rejected)"
        )
    meter.step("checked")

    if refused_for_rejects(cur, path, result, options.strict, options.dry_run, started):
        return

    def merge(run_id: int) -> None:
        merge_events(cur, result, run_id)

    write_in_transaction(cur, path, staged, result, options.dry_run, started, "checked_events", merge)
