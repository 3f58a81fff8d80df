"""The row check: SQL turning `staged` into `checked` - every row normalised and given a disposition
(skipped, rejected with every problem, or valid) and an identity; weak keys kept apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines.errors import InputError
from pipelines.load.columns import (
    CANONICAL_COLUMNS,
    DATE_FIELDS,
)
from pipelines.load.lookups import BOOL_FIELDS, UNIFIED_FIELDS
from pipelines.load.plan import Plan, column_sql, raw_json_sql, row_client_sql, shortened
from pipelines.rows import one_row, one_value

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult


# Bump when a normalisation rule changes what a stored field would be: every application is then
# re-normalised (counted as updated) at its next import.
RULES_VERSION = 3  # 3: a referral nobody wrote down is unknown (null), not "no"


TEXT_FIELDS = ("company", "role", "location", "seniority", "job_url", "notes")


PLANNED_WHEN_LATER = ("followed_up_on",)  # date fields whose dates after the load's day are plans


def problem_check(condition: str, column: str, value_sql: str, reason_sql: str) -> tuple[str, str]:
    """(condition, struct): one check of a row, and the reject it records when the check fails."""
    struct = f"{{'column': '{column}', 'value': cast({value_sql} as varchar), 'reason': {reason_sql}}}"
    return condition, struct


def problems_sql(problems: list[tuple[str, str]]) -> str:
    """The list of failed checks, built only for rows that fail one (most rows are clean)."""
    any_failed = " or ".join(f"coalesce({condition}, false)" for condition, _ in problems)
    items = ", ".join(f"case when {condition} then {struct} end" for condition, struct in problems)
    return f"case when {any_failed} then list_filter([{items}], lambda problem: problem is not null) else [] end"


def _date_selects(plan: Plan) -> list[str]:
    """Per date field: the first date, yes (stage reached, undated), the problem, and - only for a
    column where some cell holds several dates - all of them (lists on a million rows cost)."""
    selects = []
    for name in DATE_FIELDS:
        column = plan.dates.get(name)
        if column is None:
            selects += [f"cast(null as date) as {name}", f"cast(null as varchar) as {name}_problem"]
            continue
        dates = f"{column.table}.dates"
        if name in PLANNED_WHEN_LATER:
            # a follow-up dated after today is one you plan (a template's "Follow Up Date"), not one made
            dates = f"list_filter({dates}, lambda day: day <= current_date)"
        selects += [f"{dates}[1] as {name}", f"{column.table}.problem as {name}_problem"]
        if column.several:
            selects.append(f"coalesce({dates}, []) as {name}_all")
        if column.says_yes:
            selects.append(f"coalesce({column.table}.yes, false) as {name}_yes")
    return selects


def has_several(plan: Plan, name: str) -> bool:
    return name in plan.dates and plan.dates[name].several


def yes_sql(plan: Plan, name: str) -> str:
    return f"{name}_yes" if name in plan.dates and plan.dates[name].says_yes else "false"


def _earliest_sql(plan: Plan, name: str) -> str:
    return f"list_min({name}_all)" if has_several(plan, name) else name


def _row_problems(plan: Plan) -> list[tuple[str, str]]:
    identity_hint = " or a job URL" if plan.spec.key_by_url else ""
    needs_identity = "company is null and role is null" + (" and job_url is null" if plan.spec.key_by_url else "")
    problems = [
        problem_check("applied_on_raw is null", "applied_on", "null", "'no applied date'"),
        problem_check(
            "applied_on_raw is not null and applied_on_problem is not null",
            "applied_on",
            "applied_on_raw",
            "applied_on_problem",
        ),
        problem_check(
            "applied_on_raw is not null and applied_on_problem is null and applied_on is null",
            "applied_on",
            "applied_on_raw",
            "'not a date'",
        ),
        problem_check(
            "len(applied_on_all) > 1" if has_several(plan, "applied_on") else "false",
            "applied_on",
            "applied_on_raw",
            "'two dates in one cell; an application has one applied date'",
        ),
        problem_check(
            "applied_on > current_date + 1", "applied_on", "applied_on_raw", "'applied date is in the future'"
        ),
        problem_check(
            "applied_on < date '1970-01-01'", "applied_on", "applied_on_raw", "'applied date before 1970: a typo?'"
        ),
        problem_check(needs_identity, "company", "null", f"'needs a company or a role{identity_hint}'"),
        problem_check(
            "status_raw is not null and status is null",
            "status",
            "status_raw",
            # the closest stages or none, and saved and ignore (normalise_status.sql)
            "bb_status_hint(status_raw)",
        ),
        problem_check(
            "interview_rounds_raw is not null and (interview_rounds is null or interview_rounds not between 0 and 50)",
            "interview_rounds",
            "interview_rounds_raw",
            "'not a number of rounds (0-50)'",
        ),
    ]
    for name in BOOL_FIELDS:
        # a referral nobody knows (`?`, `unknown`) is left blank, not refused
        unknown = f" and not bb_unknown({name}_raw)" if name == "referral" else ""
        problems.append(
            problem_check(
                f"{name}_raw is not null and {name}_flag is null{unknown}", name, f"{name}_raw", "'not yes or no'"
            )
        )
    for name in DATE_FIELDS[1:]:
        # a word in a stage column (`expired`, `TBD`, `Other`) leaves that stage unknown and the
        # application loads (noted by note_stage_words); a date that does not read is refused
        problems.append(
            problem_check(
                f"{name}_raw is not null and {name}_problem is not null and regexp_matches({name}_raw, '[0-9]')",
                name,
                f"{name}_raw",
                f"{name}_problem",
            )
        )
        problems.append(
            problem_check(
                f"{_earliest_sql(plan, name)} < applied_on",
                name,
                f"{name}_raw",
                "'is before the applied date ' || cast(applied_on as varchar)",
            )
        )
    return problems


# A weak key (no id in the file, and the company or the role blank) says too little to call two rows
# one application: a log without a company column holds the same role applied to twice on one day.
# Rows sharing a weak key are one application only when identical in every column (a pasted
# duplicate); rows that differ anywhere are kept apart. The variant holding the last row keeps the
# key, so an application stored before this rule keeps its id; each other variant adds its location
# and job link to the key, and its order among the variants sharing those (stable on re-import).
_WEAK_KEY_SPLIT_SQL = """
weak_variants as (
    select application_id, md5(cast(raw as varchar)) as row_hash, min(line) as first_line,
           max(line) as last_line, list(line) as lines,
           any_value(coalesce(lower(location), '') || '|' || coalesce(lower(job_url), '')) as place
    from disposed
    where first_disposition = 'valid' and source_key like 'k:%' and (company is null or role is null)
    group by application_id, row_hash
),
weak_groups as (
    select *,
           count(*) over (partition by application_id) as variants,
           last_line = max(last_line) over (partition by application_id) as keeps_key
    from weak_variants
),
weak_split as (
    select lines,
           case when not keeps_key then '|' || place || '|' || row_number() over (
               partition by application_id, place, keeps_key order by first_line
           ) end as suffix
    from weak_groups
    where variants > 1
),
weak_lines as (
    -- by line, so that only the weak rows are hashed (a join on the hash would hash every row)
    select unnest(lines) as line, suffix from weak_split
),
rekeyed as (
    select d.* replace (
               d.source_key || coalesce(w.suffix, '') as source_key,
               case when w.suffix is null then d.application_id
                    else left(md5(d.client || chr(31) || $source || chr(31) || d.source_key || w.suffix), 16)
               end as application_id
           ),
           w.line is not null as kept_apart
    from disposed as d
    left join weak_lines as w using (line)
),
"""


# `checked` from `staged`: blanked (each field's written value), normalised (joined to the lookups and
# date tables), judged (its problems), keyed and identified, disposed, weak keys split, duplicates
_CHECKED_SQL = """
create or replace temp table checked as
with blanked as (
    select {blanked}
    from staged as s
),
normalised as (
    select {selects}
    from blanked as b
    {joins}
),
judged as (
    select
        *,
        {problems} as problems
    from normalised
),
keyed as (
    select
        *,
        case
            when file_id is not null then 'id:' || file_id
            {url_key}
            else 'k:' || coalesce(lower(company), '') || '|' || coalesce(lower(role), '')
                || '|' || coalesce(cast(applied_on as varchar), '')
        end as source_key
    from judged
),
identified as (
    select *, left(md5(client || chr(31) || $source || chr(31) || source_key), 16) as application_id
    from keyed
),
disposed as materialized (
    select
        *,
        case
            when blank_row then 'skip:blank row'
            when $skip_every_row is not null then 'skip:' || $skip_every_row
            when status = 'saved' then 'skip:saved job, not an application'
            when len(problems) > 0 then 'rejected'
            else 'valid'
        end as first_disposition
    from identified
),
{weak_key_split}
duplicated as (
    -- identities that more than one valid row claims; the last row wins
    select application_id, max(line) as winning_line
    from rekeyed
    where first_disposition = 'valid'
    group by application_id
    having count(*) > 1
)
select
    -- only what later steps read: the *_raw columns served the checks and are in `raw` anyway
    {kept_columns},
    case
        when dup.winning_line is not null and d.first_disposition = 'valid' and d.line <> dup.winning_line
            then 'skip:same application as a later row (line ' || dup.winning_line || '), which wins'
        else d.first_disposition
    end as disposition,
    case
        -- what you said a channel value means (--value-map) is what it means, whatever else the row says
        when d.channel_mapped then d.written_channel
        -- a one-click flag (`Easy Application? y`) says how the application went, whatever the site
        when d.one_click_flag then 'linkedin_easy_apply'
        -- no channel written (or none we know): the host of the application page says it
        when d.written_channel is null or d.written_channel = 'other'
            then coalesce(bb_channel_of_url(d.job_url), d.written_channel)
        else d.written_channel
    end as channel,
    -- a referral channel says yes; without a Referral value or a referral channel it is unknown
    -- (null), never "no": a log with no Referral column says nothing about referrals
    coalesce(d.referral_flag, case when d.written_channel = 'referral' then true end) as referral,
    d.cover_letter_flag as cover_letter,
    -- every stored field derives from the raw row, the client and the rules: same inputs, same hash
    md5(cast(d.raw as varchar) || $signature) as content_hash
from rekeyed as d
left join duplicated as dup using (application_id)
"""


def build_checked_sql(plan: Plan) -> tuple[str, dict[str, Any]]:
    """SQL creating temp table `checked` from `staged`, and its named parameters."""
    params: dict[str, Any] = {}
    blanked = _blanked_selects(plan, params)
    selects, joins = _normalised_selects(plan, params)
    url_key = (
        "when job_url is not null then 'u:' || lower(job_url) || '|' || coalesce(cast(applied_on as varchar), '')"
        if plan.spec.key_by_url
        else ""
    )
    params["skip_every_row"] = plan.spec.skip_every_row
    sql = _CHECKED_SQL.format(
        blanked=", ".join(blanked),
        selects=", ".join(selects),
        joins=" ".join(joins),
        problems=problems_sql(_row_problems(plan)),
        url_key=url_key,
        weak_key_split=_WEAK_KEY_SPLIT_SQL,
        kept_columns=", ".join(f"d.{name}" for name in _kept_columns(plan)),
    )
    # the rules' signature: a change of rules or of the column mapping re-normalises every row
    params["signature"] = _signature(plan)
    params["source"] = plan.spec.name
    return sql, params


def _blanked_selects(plan: Plan, params: dict[str, Any]) -> list[str]:
    """Each field's written value, blank as null (a source's constant where the file has no such column)."""
    mapping = plan.mapping
    raw_sql, raw_params = raw_json_sql(plan.header, mapping)
    params.update(raw_params)
    every_field = [*CANONICAL_COLUMNS, "status_on", "one_click"]

    def raw_value(name: str) -> str:
        if name in plan.spec.constants and name not in mapping.indexes:
            params[f"const_{name}"] = plan.spec.constants[name]
            return f"bb_blank(cast($const_{name} as varchar))"
        return f"bb_blank({column_sql(mapping, name)})"

    return [
        "s.line",
        f"{raw_sql} as raw",
        f"({' and '.join(f's.c{i} is null' for i in range(len(plan.header)))}) as blank_row",
        *(f"{raw_value(name)} as {name}_raw" for name in every_field),
    ]


def _normalised_selects(plan: Plan, params: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The normalised fields of a row, and the joins to the lookups and date tables they read."""
    mapping = plan.mapping
    client_sql, client_params = row_client_sql("client_raw", plan.client)
    params.update(client_params)
    present = set(mapping.indexes) | set(plan.spec.constants)
    joins = []
    for name in dict.fromkeys(("channel", "status", *BOOL_FIELDS, *UNIFIED_FIELDS)):
        if name in present:
            joins.append(f"left join {name}_lookup on {name}_lookup.raw = b.{name}_raw")
    for name, column in plan.dates.items():
        joins.append(f"left join {column.table} on {column.table}.raw = b.{name}_raw")

    def looked_up(name: str, column: str, missing: str) -> str:
        return f"{name}_lookup.{column}" if name in present else missing

    selects = [
        "b.line",
        "b.raw",
        "b.blank_row",
        f"{client_sql} as client",
        "application_id_raw as file_id",
        *(f"{name}_raw as {name}" for name in TEXT_FIELDS),
        f"{looked_up('industry', 'value', 'cast(null as varchar)')} as industry",
        f"{looked_up('resume_version', 'value', 'cast(null as varchar)')} as resume_version",
        f"{looked_up('channel', 'value', 'cast(null as varchar)')} as channel_name",
        f"{looked_up('channel', 'channel', 'cast(null as varchar)')} as written_channel",
        f"coalesce({looked_up('channel', 'mapped', 'false')}, false) as channel_mapped",
        "channel_raw",
        *(f"{looked_up(name, 'flag', 'cast(null as boolean)')} as {name}_flag" for name in BOOL_FIELDS),
        *(f"{name}_raw" for name in BOOL_FIELDS),
        f"case when status_raw is null then 'applied' else {looked_up('status', 'status', 'null')} end as status",
        f"{looked_up('status', 'via', 'cast(null as varchar)')} as status_via",
        "status_raw",
        "interview_rounds_raw",
        "try_cast(interview_rounds_raw as integer) as interview_rounds",
        *_date_selects(plan),
        *(f"{name}_raw" for name in DATE_FIELDS),
    ]
    return selects, joins


def _kept_columns(plan: Plan) -> list[str]:
    return [
        "line",
        "client",
        "application_id",
        "source_key",
        *TEXT_FIELDS,
        "industry",
        "resume_version",
        "channel_name",
        "status",
        "status_via",
        "status_raw",
        "interview_rounds",
        *DATE_FIELDS,
        *(f"{name}_all" for name in DATE_FIELDS if has_several(plan, name)),
        *(f"{name}_yes" for name in DATE_FIELDS if yes_sql(plan, name) != "false"),
        "kept_apart",
        "applied_on_raw",  # the value of a reject added after the checks (reject_applied_dates_after_stored_events)
        "raw",
        "problems",
    ]


def _signature(plan: Plan) -> str:
    return json.dumps(
        [RULES_VERSION, plan.mapping.mapped, plan.spec.constants, plan.status_map]
        # a value map joins only when there is one: a file loaded before value maps keeps its hashes
        + ([plan.value_map] if plan.value_map else []),
        sort_keys=True,
    )


def check_applied_dates(cur: duckdb.DuckDBPyConnection, path: Path, plan: Plan) -> None:
    """A file none of whose applied dates can be read is refused as a whole, with examples."""
    column = plan.dates.get("applied_on")
    if column is None:
        return
    readable = one_value(cur.execute(f"select count(*) filter (where len(dates) > 0) from {column.table}"))
    if readable == 0:
        examples = [row[0] for row in cur.execute(f"select raw from {column.table} order by raw limit 3").fetchall()]
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
        # the lookup's name is the date reader's allowlisted identifier; values stay data
        words, count = one_row(cur.execute(
            f"select list(raw order by raw)[1:3], count(*) from {column.table}"
            " where problem is not null and not regexp_matches(raw, '[0-9]')"
        ))
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
        # the lookup table's name and the staging column come from the plan, not from the file
        staging = f"c{plan.mapping.indexes[name]}"
        later = cur.execute(
            f"select count(*) from staged as s join {column.table} as d on d.raw = bb_blank(s.{staging})"
            " where list_any_value(list_filter(d.dates, lambda day: day > current_date)) is not null"
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
