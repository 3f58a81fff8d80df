"""Loading an events file: each row matched to one stored application, judged, and merged as an event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

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
from pipelines.load.plan import column_sql, raw_json_sql, require_columns, row_client_sql
from pipelines.load.progress import Progress
from pipelines.load.runs import count_dispositions, refused_for_rejects
from pipelines.rows import one_value
from pipelines.store.db import translate_errors
from pipelines.words import counted

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult, LoadOptions


_EVENT_PROBLEMS = [
    problem_check("event_raw is null", "event", "null", "'no event'"),
    problem_check(
        "event_raw is not null and event is null",
        "event",
        "event_raw",
        "'unknown event (expected response, screen, assessment, interview, offer, accepted, declined,"
        " rejected, withdrawn, position_closed, follow_up, ghosted)'",
    ),
    problem_check("event = 'applied'", "event", "event_raw", "'the applied event comes from the applications file'"),
    problem_check(
        "occurred_on_raw is not null and occurred_on_problem is not null",
        "occurred_on",
        "occurred_on_raw",
        "occurred_on_problem",
    ),
    problem_check(
        "round_raw is not null and (round is null or round not between 1 and 50)",
        "round",
        "round_raw",
        "'not a round number (1-50)'",
    ),
    problem_check("matches = 0 and ref_id is not null", "application_id", "ref_id", "'no application matches'"),
    problem_check("matches = 0 and ref_id is null", "company", "company_key", "'no application matches'"),
    problem_check("matches > 1", "company", "company_key", "matches || ' applications match; give application_id'"),
    problem_check(
        "matches = 1 and occurred_on < applied_on",
        "occurred_on",
        "occurred_on_raw",
        "'is before the applied date ' || cast(applied_on as varchar)",
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


def _event_mapping(
    path: Path, staged: readers.StagedFile, result: IngestResult, options: LoadOptions
) -> ColumnMapping:
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
            "event_lookup",
            f"c{mapping.indexes['event']}",
            "coalesce((select any_value(o.status) from status_overrides as o where o.token = bb_status_key(raw)),"
            " bb_event(raw), case when bb_classify_status(raw).status not in ('applied', 'saved')"
            " then bb_classify_status(raw).status end) as event",
        )
    )


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

    def c(name: str) -> str:
        return column_sql(mapping, name)

    raw_sql, params = raw_json_sql(staged.header, mapping)
    client_sql, client_params = row_client_sql(f"bb_blank({column_sql(mapping, 'client')})", options.client)
    params.update(client_params)
    with translate_errors("normalising the events failed"):
        dates = _event_dates(cur, path, mapping, result, options)

        def date_sql(name: str, part: str) -> str:
            if name not in dates:
                return "cast(null as date)" if part == "day" else "cast(null as varchar)"
            table = dates[name].table
            return f"({table}.dates[1])" if part == "day" else f"{table}.problem"

        joins = " ".join(
            f"left join {column.table} on {column.table}.raw = bb_blank(s.{column.staging})"
            for column in dates.values()
        )
        _event_lookup(cur, mapping, options.status_map)
        cur.execute(
            f"""
            create or replace temp table event_rows as
            select s.line,
                   {client_sql} as client,
                   bb_blank({c("application_id")}) as ref_id,
                   lower(regexp_replace(bb_blank({c("company")}), '\\s+', ' ', 'g')) as company_key,
                   lower(regexp_replace(bb_blank({c("role")}), '\\s+', ' ', 'g')) as role_key,
                   {date_sql("applied_on", "day")} as applied_key,
                   event_lookup.event, bb_blank({c("event")}) as event_raw,
                   {date_sql("occurred_on", "day")} as occurred_on,
                   {date_sql("occurred_on", "problem")} as occurred_on_problem,
                   bb_blank({c("occurred_on")}) as occurred_on_raw,
                   try_cast(bb_blank({c("round")}) as integer) as round,
                   bb_blank({c("round")}) as round_raw,
                   bb_blank({c("detail")}) as detail,
                   {raw_sql} as raw,
                   ({" and ".join(f"s.c{i} is null" for i in range(len(staged.header)))}) as blank_row
            from staged as s
            left join event_lookup on event_lookup.raw = bb_blank({c("event")})
            {joins}
            """,
            params,
        )
        cur.execute(_EVENT_MATCHES_SQL)
        cur.execute(_CHECKED_EVENTS_SQL.replace("{event_problems}", problems_sql(_EVENT_PROBLEMS)))
        matched = count_dispositions(cur, result, staged, "checked_events", "application_id")
        unmatched = one_value(cur.execute(
            "select count(*) from checked_events where matches = 0 and disposition = 'rejected'"
        ))
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
