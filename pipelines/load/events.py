"""The events an application row implies (the event SQL templates over `valid_rows`)."""

from __future__ import annotations

from pipelines.load.check import has_several, yes_sql
from pipelines.load.columns import (
    STAGE_DATE_EVENTS,
)
from pipelines.load.plan import Plan
from pipelines.sqltext import Sql, compose, fixed, join, name
from pipelines.vocabulary import EVENTS

# Events an application row implies; each SELECT reads temp view `valid_rows`. A stage column gives
# one event per date written in it; `y` in it, a status naming the stage, or a status that passes
# through it (`Inter + Rejec`) gives the event undated - or dated by the status date when the
# status names that stage. `implied_by` is the status text an event rests on alone: when the same
# text is later read differently (a --status-map, a better rule), that event is retracted.
_ROW_EVENTS_SQL = """
create or replace temp table incoming_events as
with implied as (
    select application_id, 'applied' as event, applied_on as occurred_on, cast(null as integer) as round,
           cast(null as varchar) as implied_by
    from valid_rows
    {stage_unions}
    union all
    select application_id, 'interview',
           coalesce({interview_date}, case when r = 1 and status = 'interview' then status_on end), r,
           case when {interview_date} is null and r = 1 and coalesce(interview_rounds, 0) = 0 and not {interview_yes}
                then status_raw end
    from (
        select *,
               unnest(generate_series(1, greatest(
                   coalesce(interview_rounds, 0),
                   {interview_count},
                   case when {interview_yes} or status = 'interview' or status_via = 'interview' then 1 else 0 end
               ))) as r
        from valid_rows
    )
    union all
    select application_id, 'ghosted', status_on, cast(null as integer), status_raw
    from valid_rows where status = 'ghosted'
)
select
    md5(application_id || '|' || event || '|' || coalesce(cast(round as varchar), '0') || '|row')
        as event_id,
    application_id, event, occurred_on, round, implied_by
from implied
"""


# a stage column with one date per cell (the usual case): no lists
_STAGE_EVENTS_SQL = """
    union all
    select application_id, '{event}',
           coalesce({column}, case when status = '{event}' then status_on end), cast(null as integer),
           case when {column} is null and not {yes} then status_raw end
    from valid_rows
    where {column} is not null or {yes} or status = '{event}' or status_via = '{event}'"""


# a stage column where some cell holds several dates: one event per date, the second and later
# numbered as rounds
_STAGE_EVENTS_SEVERAL_SQL = """
    union all
    select application_id, '{event}', d.occurred_on, case when d.i > 1 then d.i end,
           case when len({column}_all) = 0 and not said_yes then status_raw end
    from (
        -- said_yes: the outer select sees only what this one passes on
        select application_id, {column}_all, status_raw, {yes} as said_yes,
               unnest(list_transform(
                   case
                       when len({column}_all) > 0 then {column}_all
                       when {yes} or status = '{event}' or status_via = '{event}'
                           then [case when status = '{event}' then status_on end]
                       else []
                   end,
                   lambda day, i: {{'occurred_on': day, 'i': i}})) as d
        from valid_rows
    )"""


def row_events_sql(plan: Plan) -> Sql:
    """The SQL that writes `incoming_events` from `valid_rows`, for this file's columns. The stage
    columns and their events are the code's own (STAGE_DATE_EVENTS), taken through the allowlist."""
    unions = [
        compose(
            _STAGE_EVENTS_SEVERAL_SQL if has_several(plan, column) else _STAGE_EVENTS_SQL,
            event=name(event, EVENTS),
            column=name(column, STAGE_DATE_EVENTS),
            yes=yes_sql(plan, column),
        )
        for column, event in STAGE_DATE_EVENTS.items()
    ]
    several = has_several(plan, "interview_on")
    return compose(
        _ROW_EVENTS_SQL,
        stage_unions=join(unions, ""),
        interview_date=fixed("interview_on_all[r]") if several else fixed("case when r = 1 then interview_on end"),
        interview_count=fixed("len(interview_on_all)")
        if several
        else fixed("case when interview_on is not null then 1 else 0 end"),
        interview_yes=yes_sql(plan, "interview_on"),
    )
