"""The row check: SQL turning `staged` into `checked` - every row normalised and given a disposition
(skipped, rejected with every problem, or valid) and an identity; weak keys kept apart."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, LiteralString

from pipelines.load.columns import (
    CANONICAL_COLUMNS,
    DATE_FIELDS,
)
from pipelines.load.lookups import BOOL_FIELDS, UNIFIED_FIELDS
from pipelines.load.plan import (
    Plan,
    all_blank_sql,
    column_sql,
    date_table,
    field_sql,
    raw_json_sql,
    row_client_sql,
)
from pipelines.sqltext import Sql, compose, fixed, join

if TYPE_CHECKING:
    pass


# Bump when a normalisation rule changes what a stored field would be: every application is then
# re-normalised (counted as updated) at its next import.
RULES_VERSION = 3  # 3: a referral nobody wrote down is unknown (null), not "no"


TEXT_FIELDS = ("company", "role", "location", "seniority", "job_url", "notes")


PLANNED_WHEN_LATER = ("followed_up_on",)  # date fields whose dates after the load's day are plans


def problem_check(condition: Sql, column: str, value_sql: Sql, reason_sql: Sql) -> tuple[Sql, Sql]:
    """(condition, struct): one check of a row, and the reject it records when the check fails."""
    struct = compose(
        "{{'column': '{column}', 'value': cast({value} as varchar), 'reason': {reason}}}",
        column=field_sql(column),
        value=value_sql,
        reason=reason_sql,
    )
    return condition, struct


def problems_sql(problems: list[tuple[Sql, Sql]]) -> Sql:
    """The list of failed checks, built only for rows that fail one (most rows are clean)."""
    any_failed = join(
        (compose("coalesce({condition}, false)", condition=condition) for condition, _ in problems), " or "
    )
    items = join(
        compose("case when {condition} then {struct} end", condition=condition, struct=struct)
        for condition, struct in problems
    )
    return compose(
        "case when {any_failed} then list_filter([{items}], lambda problem: problem is not null) else [] end",
        any_failed=any_failed,
        items=items,
    )


def raw_sql(name: str) -> Sql:
    """A field's value as the file wrote it, blank as null (`company_raw`), as the check's tables name it."""
    return compose("{field}_raw", field=field_sql(name))


def _date_selects(plan: Plan) -> list[Sql]:
    """Per date field: the first date, yes (stage reached, undated), the problem, and - only for a
    column where some cell holds several dates - all of them (lists on a million rows cost)."""
    selects = []
    for name in DATE_FIELDS:
        field = field_sql(name)
        column = plan.dates.get(name)
        if column is None:
            selects += [
                compose("cast(null as date) as {field}", field=field),
                compose("cast(null as varchar) as {field}_problem", field=field),
            ]
            continue
        table = date_table(column)
        dates = compose("{table}.dates", table=table)
        if name in PLANNED_WHEN_LATER:
            # a follow-up dated after today is one you plan (a template's "Follow Up Date"), not one made
            dates = compose("list_filter({dates}, lambda day: day <= current_date)", dates=dates)
        selects += [
            compose("{dates}[1] as {field}", dates=dates, field=field),
            compose("{table}.problem as {field}_problem", table=table, field=field),
        ]
        if column.several:
            selects.append(compose("coalesce({dates}, []) as {field}_all", dates=dates, field=field))
        if column.says_yes:
            selects.append(compose("coalesce({table}.yes, false) as {field}_yes", table=table, field=field))
    return selects


def has_several(plan: Plan, name: str) -> bool:
    return name in plan.dates and plan.dates[name].several


def yes_sql(plan: Plan, name: str) -> Sql:
    if name in plan.dates and plan.dates[name].says_yes:
        return compose("{field}_yes", field=field_sql(name))
    return fixed("false")


def _earliest_sql(plan: Plan, name: str) -> Sql:
    field = field_sql(name)
    return compose("list_min({field}_all)", field=field) if has_several(plan, name) else field


def _applied_date_problems(plan: Plan) -> list[tuple[Sql, Sql]]:
    """The checks of a row's applied date: there, read, one, and plausible."""
    applied_raw = fixed("applied_on_raw")
    return [
        problem_check(fixed("applied_on_raw is null"), "applied_on", fixed("null"), fixed("'no applied date'")),
        problem_check(
            fixed("applied_on_raw is not null and applied_on_problem is not null"),
            "applied_on",
            applied_raw,
            fixed("applied_on_problem"),
        ),
        problem_check(
            fixed("applied_on_raw is not null and applied_on_problem is null and applied_on is null"),
            "applied_on",
            applied_raw,
            fixed("'not a date'"),
        ),
        problem_check(
            fixed("len(applied_on_all) > 1") if has_several(plan, "applied_on") else fixed("false"),
            "applied_on",
            applied_raw,
            fixed("'two dates in one cell; an application has one applied date'"),
        ),
        problem_check(
            fixed("applied_on > current_date + 1"), "applied_on", applied_raw, fixed("'applied date is in the future'")
        ),
        problem_check(
            fixed("applied_on < date '1970-01-01'"),
            "applied_on",
            applied_raw,
            fixed("'applied date before 1970: a typo?'"),
        ),
    ]


def _row_problems(plan: Plan) -> list[tuple[Sql, Sql]]:
    """Every check of a row, in the order its rejects are listed."""
    if plan.spec.key_by_url:
        needs_identity = fixed("company is null and role is null and job_url is null")
        identity_reason = fixed("'needs a company or a role or a job URL'")
    else:
        needs_identity = fixed("company is null and role is null")
        identity_reason = fixed("'needs a company or a role'")
    problems = [
        *_applied_date_problems(plan),
        problem_check(needs_identity, "company", fixed("null"), identity_reason),
        problem_check(
            fixed("status_raw is not null and status is null"),
            "status",
            fixed("status_raw"),
            # the closest stages or none, and saved and ignore (normalise_status.sql)
            fixed("bb_status_hint(status_raw)"),
        ),
        problem_check(
            fixed(
                "interview_rounds_raw is not null"
                " and (interview_rounds is null or interview_rounds not between 0 and 50)"
            ),
            "interview_rounds",
            fixed("interview_rounds_raw"),
            fixed("'not a number of rounds (0-50)'"),
        ),
    ]
    for name in BOOL_FIELDS:
        field = field_sql(name)
        # a referral nobody knows (`?`, `unknown`) is left blank, not refused
        unknown = compose(" and not bb_unknown({field}_raw)", field=field) if name == "referral" else fixed("")
        problems.append(
            problem_check(
                compose("{field}_raw is not null and {field}_flag is null{unknown}", field=field, unknown=unknown),
                name,
                raw_sql(name),
                fixed("'not yes or no'"),
            )
        )
    for name in DATE_FIELDS[1:]:
        field = field_sql(name)
        # a word in a stage column (`expired`, `TBD`, `Other`) leaves that stage unknown and the
        # application loads (noted by check_notes.note_stage_words); a date that does not read is refused
        problems.append(
            problem_check(
                compose(
                    "{field}_raw is not null and {field}_problem is not null and regexp_matches({field}_raw, '[0-9]')",
                    field=field,
                ),
                name,
                raw_sql(name),
                compose("{field}_problem", field=field),
            )
        )
        problems.append(
            problem_check(
                compose("{earliest} < applied_on", earliest=_earliest_sql(plan, name)),
                name,
                raw_sql(name),
                fixed("'is before the applied date ' || cast(applied_on as varchar)"),
            )
        )
    return problems


# A weak key (no id in the file, and the company or the role blank) says too little to call two rows
# one application: a log without a company column holds the same role applied to twice on one day.
# Rows sharing a weak key are one application only when identical in every column (a pasted
# duplicate); rows that differ anywhere are kept apart. The variant holding the last row keeps the
# key, so an application stored before this rule keeps its id; each other variant adds its location
# and job link to the key, and its order among the variants sharing those (stable on re-import).
_WEAK_KEY_SPLIT_SQL = fixed("""
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
""")


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


def build_checked_sql(plan: Plan) -> tuple[Sql, dict[str, Any]]:
    """SQL creating temp table `checked` from `staged`, and its named parameters."""
    params: dict[str, Any] = {}
    blanked = _blanked_selects(plan, params)
    selects, joins = _normalised_selects(plan, params)
    url_key = (
        fixed(
            "when job_url is not null then 'u:' || lower(job_url) || '|' || coalesce(cast(applied_on as varchar), '')"
        )
        if plan.spec.key_by_url
        else fixed("")
    )
    params["skip_every_row"] = plan.spec.skip_every_row
    sql = compose(
        _CHECKED_SQL,
        blanked=join(blanked),
        selects=join(selects),
        joins=join(joins, " "),
        problems=problems_sql(_row_problems(plan)),
        url_key=url_key,
        weak_key_split=_WEAK_KEY_SPLIT_SQL,
        kept_columns=join(compose("d.{column}", column=column) for column in _kept_columns(plan)),
    )
    # the rules' signature: a change of rules or of the column mapping re-normalises every row
    params["signature"] = _signature(plan)
    params["source"] = plan.spec.name
    return sql, params


def _blanked_selects(plan: Plan, params: dict[str, Any]) -> list[Sql]:
    """Each field's written value, blank as null (a source's constant where the file has no such column)."""
    mapping = plan.mapping
    raw_json, raw_params = raw_json_sql(plan.header, mapping)
    params.update(raw_params)
    every_field = [*CANONICAL_COLUMNS, "status_on", "one_click"]

    def raw_value(name: str) -> Sql:
        if name in plan.spec.constants and name not in mapping.indexes:
            params[f"const_{name}"] = plan.spec.constants[name]
            return compose("bb_blank(cast($const_{field} as varchar))", field=field_sql(name))
        return compose("bb_blank({column})", column=column_sql(mapping, name))

    return [
        fixed("s.line"),
        compose("{raw_json} as raw", raw_json=raw_json),
        compose("({all_blank}) as blank_row", all_blank=all_blank_sql(len(plan.header))),
        *(compose("{value} as {raw}", value=raw_value(name), raw=raw_sql(name)) for name in every_field),
    ]


def _normalised_selects(plan: Plan, params: dict[str, Any]) -> tuple[list[Sql], list[Sql]]:
    """The normalised fields of a row, and the joins to the lookups and date tables they read."""
    mapping = plan.mapping
    client_sql, client_params = row_client_sql(fixed("client_raw"), plan.client)
    params.update(client_params)
    present = set(mapping.indexes) | set(plan.spec.constants)
    joins = []
    for name in dict.fromkeys(("channel", "status", *BOOL_FIELDS, *UNIFIED_FIELDS)):
        if name in present:
            joins.append(
                compose("left join {field}_lookup on {field}_lookup.raw = b.{field}_raw", field=field_sql(name))
            )
    for name, column in plan.dates.items():
        joins.append(compose("left join {table} on {table}.raw = b.{raw}", table=date_table(column), raw=raw_sql(name)))

    def looked_up(name: str, column: LiteralString, missing: LiteralString) -> Sql:
        if name in present:
            return compose("{field}_lookup.{column}", field=field_sql(name), column=fixed(column))
        return fixed(missing)

    selects = [
        fixed("b.line"),
        fixed("b.raw"),
        fixed("b.blank_row"),
        compose("{client} as client", client=client_sql),
        fixed("application_id_raw as file_id"),
        *(compose("{raw} as {field}", raw=raw_sql(name), field=field_sql(name)) for name in TEXT_FIELDS),
        compose("{value} as industry", value=looked_up("industry", "value", "cast(null as varchar)")),
        compose("{value} as resume_version", value=looked_up("resume_version", "value", "cast(null as varchar)")),
        compose("{value} as channel_name", value=looked_up("channel", "value", "cast(null as varchar)")),
        compose("{value} as written_channel", value=looked_up("channel", "channel", "cast(null as varchar)")),
        compose("coalesce({mapped}, false) as channel_mapped", mapped=looked_up("channel", "mapped", "false")),
        fixed("channel_raw"),
        *(
            compose(
                "{flag} as {field}_flag", flag=looked_up(name, "flag", "cast(null as boolean)"), field=field_sql(name)
            )
            for name in BOOL_FIELDS
        ),
        *(raw_sql(name) for name in BOOL_FIELDS),
        compose(
            "case when status_raw is null then 'applied' else {status} end as status",
            status=looked_up("status", "status", "null"),
        ),
        compose("{via} as status_via", via=looked_up("status", "via", "cast(null as varchar)")),
        fixed("status_raw"),
        fixed("interview_rounds_raw"),
        fixed("try_cast(interview_rounds_raw as integer) as interview_rounds"),
        *_date_selects(plan),
        *(raw_sql(name) for name in DATE_FIELDS),
    ]
    return selects, joins


def _kept_columns(plan: Plan) -> list[Sql]:
    return [
        fixed("line"),
        fixed("client"),
        fixed("application_id"),
        fixed("source_key"),
        *(field_sql(name) for name in TEXT_FIELDS),
        fixed("industry"),
        fixed("resume_version"),
        fixed("channel_name"),
        fixed("status"),
        fixed("status_via"),
        fixed("status_raw"),
        fixed("interview_rounds"),
        *(field_sql(name) for name in DATE_FIELDS),
        *(compose("{field}_all", field=field_sql(name)) for name in DATE_FIELDS if has_several(plan, name)),
        *(yes_sql(plan, name) for name in DATE_FIELDS if yes_sql(plan, name) != "false"),
        fixed("kept_apart"),
        fixed(
            "applied_on_raw"
        ),  # the value of a reject added after the checks (check_notes.reject_applied_dates_after_stored_events)
        fixed("raw"),
        fixed("problems"),
    ]


def _signature(plan: Plan) -> str:
    return json.dumps(
        [RULES_VERSION, plan.mapping.mapped, plan.spec.constants, plan.status_map]
        # a value map joins only when there is one: a file loaded before value maps keeps its hashes
        + ([plan.value_map] if plan.value_map else []),
        sort_keys=True,
    )
