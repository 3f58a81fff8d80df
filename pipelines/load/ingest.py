"""The load: one file, one transaction, every row accounted for.

    rows_read = inserted + updated + unchanged + rejected + skipped

Steps (all set-based SQL on one cursor, no per-row Python):
1. readers.stage() puts the file into the temporary tables `staged` / `staged_rejects`.
2. The header is mapped onto the canonical fields (unknown columns are kept in `raw`).
3. `checked`: every row normalised (pipelines/store/sql/models/normalise.sql) and given a disposition:
   skipped (blank row, saved-not-applied job, superseded duplicate), rejected (with every
   problem: line, column, value, reason) or valid.
4. Inside BEGIN ... COMMIT: applications are inserted or updated, their events added; the run and
   its rejects are recorded. Any error rolls back, leaving the database as it was.

Identity: application_id = first 16 hex digits of md5(client, source, source_key). The source key
is the file's own `application_id` column when it has one, else company + role + applied date
(case and white space folded). Two rows of one file with the same identity: the LAST row wins
(spreadsheets grow downwards, so the lower row is the newer edit); the earlier ones are counted as
skipped, naming the line that won. A weak key (company or role blank) merges rows only when they are
identical; rows sharing it that differ are kept apart (_WEAK_KEY_SPLIT_SQL) and counted in `kept_apart`.

Events keep history: a re-import adds events it has not seen and fills in or corrects dates, but
never deletes an event because a newer export no longer implies it (funnels come from history).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import BouncebackError, DatabaseError, InputError
from pipelines.load import archives, readers, trackers
from pipelines.load.columns import (
    CANONICAL_COLUMNS,
    DATE_FIELDS,
    EVENT_FIELDS,
    FREE_TEXT_COLUMNS,
    SOURCES,
    SPECS,
    STAGE_DATE_EVENTS,
    STATUS_NAMES,
    ColumnMapping,
    SourceSpec,
    column_overrides,
    detect_source,
    header_token,
    map_columns,
)
from pipelines.load.dates import DATE_ORDERS, DateColumn, build_date_lookups, date_like_columns, order_contradiction
from pipelines.load.status_column import StatusCandidate, choose_status_column
from pipelines.rows import one_row, one_value
from pipelines.store.db import refresh_application_stages, register_clients, rollback, translate_errors
from pipelines.words import counted

__all__ = [
    "CANONICAL_COLUMNS",
    "CHANNEL_NAMES",
    "SOURCES",
    "VALUE_MAP_KEYS",
    "IngestResult",
    "LoadOptions",
    "ingest_file",
    "ingest_path",
    "parse_value_map",
]

DEFAULT_CLIENT = "me"
MAX_REJECTS_REPORTED = 1000  # the JSON output lists this many; ingest_rejects keeps them all
# Bump when a normalisation rule changes what a stored field would be: every application is then
# re-normalised (counted as updated) at its next import.
RULES_VERSION = 3  # 3: a referral nobody wrote down is unknown (null), not "no"
TEXT_FIELDS = ("company", "role", "location", "seniority", "job_url", "notes")
# fields whose spelling variants are merged (`Linkedin`/`LinkedIn`, `Otter Jobs`/`OtterJobs`): the
# key that decides which spellings are one value; the most written spelling names them all.
UNIFIED_FIELDS: dict[str, str] = {
    "industry": "regexp_replace(lower(raw), '[^a-z0-9]+', '', 'g')",
    "channel": "regexp_replace(lower(raw), '[^a-z0-9]+', '', 'g')",
    # resume names are file names: `resume (2).pdf` and `resume(2).pdf` stay two versions
    "resume_version": "regexp_replace(lower(raw), '\\s+', ' ', 'g')",
}
# what a channel is read as (bb_channel in normalise.sql); a --value-map for channel names one of them
CHANNEL_NAMES = ("job_board", "company_site", "referral", "recruiter", "agency", "linkedin_easy_apply", "other")
# --value-map "FIELD:TEXT=VALUE": the fields whose values are looked up, each with what a value map's
# text is matched by. A map matches its own text only: Unicode-folded like a --status-map
# (bb_status_key), and a resume name with its punctuation (`resume (2).pdf` is not `resume(2).pdf`).
VALUE_MAP_KEYS: dict[str, str] = {
    "channel": "bb_status_key({})",
    "industry": "bb_status_key({})",
    "resume_version": "regexp_replace(lower(nfc_normalize(trim({}))), '\\s+', ' ', 'g')",
}
VALUES_REPORTED = 1000  # the distinct channel values a result lists (a file has a few dozen)
BOOL_FIELDS = ("cover_letter", "referral", "one_click")


@dataclass
class IngestResult:
    file: str
    status: str  # loaded | refused | failed | dry_run
    source: str | None = None
    client: str | None = None
    run_id: int | None = None
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    events_inserted: int = 0
    events_updated: int = 0
    reconciled: bool = False
    rejects: list[dict[str, Any]] = field(default_factory=list)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    kept_apart: int = 0  # rows sharing a weak key (no company or role) that differ: not merged
    columns: dict[str, Any] = field(default_factory=dict)
    dates: dict[str, Any] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    unclassified_statuses: dict[str, int] = field(default_factory=dict)
    # each --value-map (given or remembered): field, text, value, rows it matched, remembered
    value_maps: list[dict[str, Any]] = field(default_factory=list)
    # the file's distinct channel values: text, channel (as read), how (a value map or None), rows
    channels: list[dict[str, Any]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # the file's columns as written (also when refused)
    notes: list[str] = field(default_factory=list)
    message: str | None = None
    sha256: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "dry_run")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadOptions:
    """What the user told us about a file, beyond the file itself."""

    client: str | None = None
    source: str = "auto"
    strict: bool = False
    dry_run: bool = False
    progress: bool | None = None
    column_map: dict[str, str] = field(default_factory=dict)  # --map "Header=field"
    status_map: dict[str, str] = field(default_factory=dict)  # --status-map "Text=status"
    # --value-map "channel:Company careers site=company_site": field -> {text: value}
    value_map: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str | None = None
    date_order: str | None = None  # mdy | dmy
    origin: str | None = None  # where the file came from, when it was unpacked from an archive
    lenient_map: bool = False  # column_map names columns of other files too (an archive's members)


class _Progress:
    """Step lines on stderr for loads that take a while (large files or an interactive terminal)."""

    def __init__(self, name: str, size: int, enabled: bool | None) -> None:
        self.name = name
        self.enabled = enabled if enabled is not None else (size > 20_000_000 or sys.stderr.isatty())
        self.started = time.perf_counter()

    def step(self, text: str) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self.started
            print(f"  {self.name}: {text} ({elapsed:.1f}s)", file=sys.stderr, flush=True)


def _client_sql(client_column_sql: str, client: str | None) -> tuple[str, dict[str, Any]]:
    """Whose application a row is: --client when given, else the file's client column, else 'me'."""
    if client is not None:
        return "cast($client as varchar)", {"client": client}
    return f"coalesce({client_column_sql}, $client)", {"client": DEFAULT_CLIENT}


def _col(mapping: ColumnMapping, name: str) -> str:
    """The staging column for a field, or a NULL literal when the file lacks it."""
    index = mapping.indexes.get(name)
    return f"s.c{index}" if index is not None else "cast(null as varchar)"


def _raw_json_sql(header: list[str], mapping: ColumnMapping) -> tuple[str, dict[str, Any]]:
    """json_object($h0, s.c0, ...): header names go in as parameters, never as SQL.

    Personal columns (the user's own e-mail and phone in an export) are left out entirely.
    """
    kept = [i for i, name in enumerate(header) if name not in mapping.dropped]
    parts = ", ".join(f"$h{i}, s.c{i}" for i in kept)
    return f"json_object({parts})", {f"h{i}": header[i] for i in kept}


def _note_stage_words(cur: duckdb.DuckDBPyConnection, plan: _Plan, result: IngestResult) -> None:
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


def _scrub_contacts(cur: duckdb.DuckDBPyConnection, plan: _Plan, result: IngestResult) -> None:
    """The applicant's own contact details never reach the database. Their columns are left out
    (mapping.dropped), their values are removed from every other cell of the same row, and every
    e-mail address and phone number in an export's free text (LinkedIn's answers) is removed too:
    the staged cells are cleaned before anything reads them."""
    header = plan.header
    personal = [i for i, name in enumerate(header) if name in plan.mapping.dropped]
    # a column read as a date (`Recruiter`: the day the recruiter called) keeps its digits
    dated = {plan.mapping.indexes[name] for name in DATE_FIELDS if name in plan.mapping.indexes}
    free = {
        i
        for i, name in enumerate(header)
        if header_token(name) in FREE_TEXT_COLUMNS and i not in personal and i not in dated
    }
    sets = []
    for index in range(len(header)):
        if index in personal:
            continue
        value = f"c{index}"
        for own in personal:
            value = f"bb_without({value}, c{own})"
        if index in free:
            value = f"bb_scrub_contacts({value})"
        if value != f"c{index}":
            sets.append(f"c{index} = {value}")
    if personal or free:  # a ragged line's text quotes the contact column too
        _scrub_reject_values(cur, personal)
    if sets:
        # staging identifiers c0..cN only; no value becomes SQL
        cur.execute(f"update staged set {', '.join(sets)}")
        if free:
            names = ", ".join(repr(header[i]) for i in sorted(free))
            result.notes.append(f"e-mail addresses and phone numbers in the text of {names} are not stored")


OWN_CONTACT_VALUES_SCRUBBED = 100  # distinct values per personal column: a person has one or two


def _scrub_reject_values(cur: duckdb.DuckDBPyConnection, personal: list[int]) -> None:
    """A line the reader could not split is kept as a reject quoting its text, and in a file with
    contact columns that text holds them: the person's own values (as the parsed rows give them) and
    every e-mail address and phone number are removed from it, as from the rows."""
    for index in personal:
        # staging identifiers only; each value goes in as a parameter
        values = cur.execute(
            f"select distinct trim(c{index}) from staged where bb_blank(c{index}) is not null limit ?",
            [OWN_CONTACT_VALUES_SCRUBBED],
        ).fetchall()
        for (value,) in values:
            cur.execute("update staged_rejects set value = bb_without(value, ?) where value is not null", [value])
    cur.execute("update staged_rejects set value = bb_scrub_contacts(value) where value is not null")


def _problem(condition: str, column: str, value_sql: str, reason_sql: str) -> tuple[str, str]:
    """(condition, struct): one check of a row, and the reject it records when the check fails."""
    struct = f"{{'column': '{column}', 'value': cast({value_sql} as varchar), 'reason': {reason_sql}}}"
    return condition, struct


def _problems_sql(problems: list[tuple[str, str]]) -> str:
    """The list of failed checks, built only for rows that fail one (most rows are clean)."""
    any_failed = " or ".join(f"coalesce({condition}, false)" for condition, _ in problems)
    items = ", ".join(f"case when {condition} then {struct} end" for condition, struct in problems)
    return f"case when {any_failed} then list_filter([{items}], lambda problem: problem is not null) else [] end"


def _lookup_sql(table: str, value_sql: str, select_sql: str) -> str:
    """A small table mapping each distinct raw value of a column to its normalised value.

    Normalising the few distinct spellings of a channel or status once, then joining, costs a
    fraction of running the string rules on every one of a million rows.
    """
    return (
        f"create or replace temp table {table} as "
        f"select raw, {select_sql} from (select distinct bb_blank({value_sql}) as raw from staged) "
        "where raw is not null"
    )


def _unified_sql(table: str, staging_column: str, key_sql: str, stored_column: str) -> str:
    """Spelling variants of one value, merged under one spelling.

    The spelling already stored for that value wins, so a later file cannot rename it; a new
    value takes the spelling its file writes most often.
    """
    stored_key = key_sql.replace("raw", "stored")
    return f"""
create or replace temp table {table} as
with spellings as (
    select bb_blank({staging_column}) as raw, count(*) as uses
    from staged
    where bb_blank({staging_column}) is not null
    group by all
),
keyed as (
    select raw, uses, coalesce(nullif({key_sql}, ''), raw) as key from spellings
),
stored as (
    select coalesce(nullif({stored_key}, ''), stored) as key, min(stored) as spelling
    from (select distinct {stored_column} as stored from applications where {stored_column} is not null)
    group by 1
)
select k.raw, coalesce(s.spelling, first_value(k.raw) over (partition by k.key order by k.uses desc, k.raw)) as value
from keyed as k
left join stored as s using (key)
"""


@dataclass
class _Plan:
    """Everything decided about a file before its rows are judged."""

    spec: SourceSpec
    mapping: ColumnMapping
    header: list[str]
    client: str | None
    dates: dict[str, DateColumn]
    status_map: dict[str, str] = field(default_factory=dict)
    value_map: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {text: value}


PLANNED_WHEN_LATER = ("followed_up_on",)  # date fields whose dates after the load's day are plans


def _note_planned_dates(cur: duckdb.DuckDBPyConnection, plan: _Plan, result: IngestResult) -> None:
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


def _date_selects(plan: _Plan) -> list[str]:
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


def _several(plan: _Plan, name: str) -> bool:
    return name in plan.dates and plan.dates[name].several


def _yes_sql(plan: _Plan, name: str) -> str:
    return f"{name}_yes" if name in plan.dates and plan.dates[name].says_yes else "false"


def _earliest_sql(plan: _Plan, name: str) -> str:
    return f"list_min({name}_all)" if _several(plan, name) else name


def _row_problems(plan: _Plan) -> list[tuple[str, str]]:
    identity_hint = " or a job URL" if plan.spec.key_by_url else ""
    needs_identity = "company is null and role is null" + (" and job_url is null" if plan.spec.key_by_url else "")
    problems = [
        _problem("applied_on_raw is null", "applied_on", "null", "'no applied date'"),
        _problem(
            "applied_on_raw is not null and applied_on_problem is not null",
            "applied_on",
            "applied_on_raw",
            "applied_on_problem",
        ),
        _problem(
            "applied_on_raw is not null and applied_on_problem is null and applied_on is null",
            "applied_on",
            "applied_on_raw",
            "'not a date'",
        ),
        _problem(
            "len(applied_on_all) > 1" if _several(plan, "applied_on") else "false",
            "applied_on",
            "applied_on_raw",
            "'two dates in one cell; an application has one applied date'",
        ),
        _problem("applied_on > current_date + 1", "applied_on", "applied_on_raw", "'applied date is in the future'"),
        _problem(
            "applied_on < date '1970-01-01'", "applied_on", "applied_on_raw", "'applied date before 1970: a typo?'"
        ),
        _problem(needs_identity, "company", "null", f"'needs a company or a role{identity_hint}'"),
        _problem(
            "status_raw is not null and status is null",
            "status",
            "status_raw",
            # the closest stages or none, and saved and ignore (normalise_status.sql)
            "bb_status_hint(status_raw)",
        ),
        _problem(
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
            _problem(f"{name}_raw is not null and {name}_flag is null{unknown}", name, f"{name}_raw", "'not yes or no'")
        )
    for name in DATE_FIELDS[1:]:
        # a word in a stage column (`expired`, `TBD`, `Other`) leaves that stage unknown and the
        # application loads (noted by _note_stage_words); a date that does not read is refused
        problems.append(
            _problem(
                f"{name}_raw is not null and {name}_problem is not null and regexp_matches({name}_raw, '[0-9]')",
                name,
                f"{name}_raw",
                f"{name}_problem",
            )
        )
        problems.append(
            _problem(
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


def _build_checked_sql(plan: _Plan) -> tuple[str, dict[str, Any]]:
    """SQL creating temp table `checked` from `staged`, and its named parameters."""
    mapping = plan.mapping
    raw_sql, params = _raw_json_sql(plan.header, mapping)
    every_field = [*CANONICAL_COLUMNS, "status_on", "one_click"]

    def raw_value(name: str) -> str:
        if name in plan.spec.constants and name not in mapping.indexes:
            params[f"const_{name}"] = plan.spec.constants[name]
            return f"bb_blank(cast($const_{name} as varchar))"
        return f"bb_blank({_col(mapping, name)})"

    blanked = [
        "s.line",
        f"{raw_sql} as raw",
        f"({' and '.join(f's.c{i} is null' for i in range(len(plan.header)))}) as blank_row",
        *(f"{raw_value(name)} as {name}_raw" for name in every_field),
    ]
    client_sql, client_params = _client_sql("client_raw", plan.client)
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
    url_key = (
        "when job_url is not null then 'u:' || lower(job_url) || '|' || coalesce(cast(applied_on as varchar), '')"
        if plan.spec.key_by_url
        else ""
    )
    params["skip_every_row"] = plan.spec.skip_every_row
    sql = f"""
create or replace temp table checked as
with blanked as (
    select {", ".join(blanked)}
    from staged as s
),
normalised as (
    select {", ".join(selects)}
    from blanked as b
    {" ".join(joins)}
),
judged as (
    select
        *,
        {_problems_sql(_row_problems(plan))} as problems
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
{_WEAK_KEY_SPLIT_SQL}
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
    {{kept_columns}},
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
    kept = [
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
        *(f"{name}_all" for name in DATE_FIELDS if _several(plan, name)),
        *(f"{name}_yes" for name in DATE_FIELDS if _yes_sql(plan, name) != "false"),
        "kept_apart",
        "applied_on_raw",  # the value of a reject added after the checks (_reject_applied_dates_after_stored_events)
        "raw",
        "problems",
    ]
    sql = sql.replace("{kept_columns}", ", ".join(f"d.{name}" for name in kept))
    # the rules' signature: a change of rules or of the column mapping re-normalises every row
    params["signature"] = json.dumps(
        [RULES_VERSION, mapping.mapped, plan.spec.constants, plan.status_map]
        # a value map joins only when there is one: a file loaded before value maps keeps its hashes
        + ([plan.value_map] if plan.value_map else []),
        sort_keys=True,
    )
    params["source"] = plan.spec.name
    return sql, params


def _prepare_lookups(cur: duckdb.DuckDBPyConnection, plan: _Plan, status_map: dict[str, str]) -> None:
    """The small per-value tables the row normalisation joins (channel, status, yes/no, spellings)."""

    def value_sql(name: str) -> tuple[str | None, dict[str, Any]]:
        """The staging column of a field, or its source's constant (as a parameter)."""
        if name in plan.mapping.indexes:
            return f"c{plan.mapping.indexes[name]}", {}
        if name in plan.spec.constants:
            return "cast($constant as varchar)", {"constant": plan.spec.constants[name]}
        return None, {}

    # --value-map: what a value of the file is read as, matched by its own text (VALUE_MAP_KEYS)
    cur.execute(
        "create or replace temp table value_overrides (field varchar, text varchar, token varchar, value varchar)"
    )
    for name, texts in plan.value_map.items():
        cur.executemany(
            f"insert into value_overrides select $1, $2, {VALUE_MAP_KEYS[name].format('cast($2 as varchar)')}, $3",
            [[name, text, value] for text, value in texts.items()],
        )
    for name, key_sql in UNIFIED_FIELDS.items():
        column, params = value_sql(name)
        if column is None:
            continue
        stored_column = "channel_raw" if name == "channel" else name
        cur.execute(_unified_sql(f"{name}_unified", column, key_sql, stored_column), params)
        # field names and match keys come from VALUE_MAP_KEYS (ours); the texts and values are data
        overrides = (
            "left join (select token, any_value(value) as value from value_overrides"
            f" where field = '{name}' group by token) as o on o.token = {VALUE_MAP_KEYS[name].format('u.raw')}"
        )
        if name == "channel":
            cur.execute(
                "create or replace temp table channel_lookup as "
                "select u.raw, u.value, coalesce(o.value, bb_channel(u.value)) as channel,"
                f" o.value is not null as mapped from channel_unified as u {overrides}"
            )
        else:
            cur.execute(
                f"create or replace temp table {name}_lookup as select u.raw, coalesce(o.value, u.value) as value,"
                f" o.value is not null as mapped from {name}_unified as u {overrides}"
            )
    for name in BOOL_FIELDS:
        column, params = value_sql(name)
        if column is not None:
            # `Referred by: Jane Roe` - a name where a yes/no would be means yes ("none": no, "?": unknown)
            flag = "bb_referral(raw)" if name == "referral" else "bb_bool(raw)"
            cur.execute(_lookup_sql(f"{name}_lookup", column, f"{flag} as flag"), params)
    column, params = value_sql("status")
    if column is not None:
        cur.execute("create or replace temp table status_overrides (token varchar, status varchar)")
        if status_map:
            # 'pending' is how people say it; 'applied' is the stage name (sent, no answer yet)
            chosen = {text: header_token(status).replace("pending", "applied") for text, status in status_map.items()}
            # matched by its own text only (bb_status_key: Unicode-folded; symbols or emoji as written)
            cur.executemany(
                "insert into status_overrides values (bb_status_key(?), ?)", [list(i) for i in chosen.items()]
            )
        cur.execute(
            _lookup_sql(
                "status_classified",
                column,
                "bb_classify_status(raw) as classified, (select any_value(o.status) from status_overrides as o"
                " where o.token = bb_status_key(raw)) as chosen",
            ),
            params,
        )
        cur.execute(
            """
            create or replace temp table status_lookup as
            select raw,
                   coalesce(chosen, classified.status) as status,
                   case when chosen is null then classified.via end as via,
                   case when chosen is not null then 'your --status-map' else classified.how end as how
            from status_classified
            """
        )


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


def _row_events_sql(plan: _Plan) -> str:
    unions = [
        (_STAGE_EVENTS_SEVERAL_SQL if _several(plan, column) else _STAGE_EVENTS_SQL).format(
            event=event, column=column, yes=_yes_sql(plan, column)
        )
        for column, event in STAGE_DATE_EVENTS.items()
    ]
    several = _several(plan, "interview_on")
    return _ROW_EVENTS_SQL.format(
        stage_unions="".join(unions),
        interview_date="interview_on_all[r]" if several else "case when r = 1 then interview_on end",
        interview_count="len(interview_on_all)" if several else "case when interview_on is not null then 1 else 0 end",
        interview_yes=_yes_sql(plan, "interview_on"),
    )


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


def _named_params(sql: str, values: dict[str, Any]) -> dict[str, Any]:
    """Only the $names a statement uses (DuckDB refuses unused named parameters)."""
    return {name: value for name, value in values.items() if f"${name}" in sql}


def _run_steps(cur: duckdb.DuckDBPyConnection, steps: list[tuple[str, str]], values: dict[str, Any]) -> None:
    for _, sql in steps:
        cur.execute(sql, _named_params(sql, values))


def _insert_run(
    cur: duckdb.DuckDBPyConnection, result: IngestResult, path: Path, size: int, started: dt.datetime
) -> int:
    row = one_row(cur.execute(
        "insert into ingest_runs (file_name, file_path, sha256, size_bytes, detected_source, client,"
        " status, message, started_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning run_id",
        [
            path.name,
            str(path.resolve()),
            result.sha256,
            size,
            result.source,
            result.client,
            result.status,
            result.message,
            started,
        ],
    ))
    return int(row[0])


def _finish_run(cur: duckdb.DuckDBPyConnection, result: IngestResult) -> None:
    cur.execute(
        "update ingest_runs set status = ?, message = ?, rows_read = ?, inserted = ?, updated = ?,"
        " unchanged = ?, rejected = ?, skipped = ?, events_inserted = ?, events_updated = ?,"
        " mapped_fields = ?, finished_at = current_timestamp where run_id = ?",
        [
            result.status,
            result.message,
            result.rows_read,
            result.inserted,
            result.updated,
            result.unchanged,
            result.rejected,
            result.skipped,
            result.events_inserted,
            result.events_updated,
            # the fields whose column holds a value somewhere (what its log records: pipelines/analyse/recorded.py)
            result.columns.get("filled") or None,
            result.run_id,
        ],
    )


def _record_refused_run(
    cur: duckdb.DuckDBPyConnection, result: IngestResult, path: Path, started: dt.datetime, with_rejects: bool = False
) -> None:
    """Note a refused or failed load in ingest_runs (its own small transaction).

    with_rejects: also store the temp table all_rejects, which only the load's own cursor sees.
    """
    size = path.stat().st_size if path.exists() and path.is_file() else None
    try:
        cur.execute("begin transaction")
        result.run_id = _insert_run(cur, result, path, size or 0, started)
        _finish_run(cur, result)
        if with_rejects:
            _store_rejects(cur, result.run_id)
        cur.execute("commit")
    except duckdb.Error:
        # Recording the refusal is a courtesy; the refusal itself has already been decided.
        with contextlib.suppress(duckdb.Error):
            cur.execute("rollback")
        result.run_id = None


def _store_rejects(cur: duckdb.DuckDBPyConnection, run_id: int) -> None:
    cur.execute(
        "insert into ingest_rejects select $run_id, line, column_name, value, reason from all_rejects",
        {"run_id": run_id},
    )


def _collect_rejects(cur: duckdb.DuckDBPyConnection, result: IngestResult, problems_table: str) -> None:
    """Gather structural and value rejects into temp table all_rejects; fill the result's list."""
    cur.execute(
        "create or replace temp table all_rejects as "
        "select line, column_name, value, reason from staged_rejects "
        "union all "
        "select line, p.column as column_name, p.value, p.reason "
        f"from (select line, unnest(problems) as p from {problems_table} where disposition = 'rejected')"
    )
    rows = cur.execute(
        "select line, column_name, value, reason from all_rejects order by line, column_name limit ?",
        [MAX_REJECTS_REPORTED],
    ).fetchall()
    result.rejects = [
        {"line": line, "column": column, "value": value, "reason": reason} for line, column, value, reason in rows
    ]


def _skip_summary(cur: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    rows = cur.execute(
        f"select regexp_replace(substr(disposition, 6), ' \\(line \\d+\\)', ''), count(*) "
        f"from {table} where disposition like 'skip:%' group by 1 order by 2 desc"
    ).fetchall()
    return {reason: count for reason, count in rows}


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    options: LoadOptions | None = None,
    **overrides: Any,
) -> IngestResult:
    """Load one file. Never raises for bad input: the result says refused/failed and why.

    options (or the same names as keywords): client - whose search every row is (None takes the
    file's client column, else 'me'); source; strict; dry_run; column_map; status_map; sheet;
    date_order. See LoadOptions.
    """
    options = replace(options or LoadOptions(), **overrides)
    path = Path(path)
    started = dt.datetime.now()
    clock = time.perf_counter()
    result = IngestResult(file=options.origin or str(path), status="failed", client=options.client or DEFAULT_CLIENT)
    cur = con.cursor()
    try:
        _check_options(options)
        with _memory_limit(cur, LOAD_MEMORY_LIMIT_BYTES):
            _ingest(cur, path, result, options, started)
    except InputError as e:
        result.status = "refused"
        result.message = str(e)
        if not options.dry_run:
            _record_refused_run(con.cursor(), result, path, started)
    except (BouncebackError, duckdb.Error) as e:
        result.status = "failed"
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        result.message = first if isinstance(e, BouncebackError) else f"database error: {first}"
        if not options.dry_run:
            _record_refused_run(con.cursor(), result, path, started)
    except Exception as e:  # a bug: still one line for the user, and the load rolled back
        result.status = "failed"
        result.message = f"unexpected error (please report it): {type(e).__name__}: {e}"
        if not options.dry_run:
            _record_refused_run(con.cursor(), result, path, started)
    finally:
        result.seconds = round(time.perf_counter() - clock, 3)
        with contextlib.suppress(duckdb.Error):
            cur.close()
    return result


# A load's working set (the staged file, its checked copy, the new rows) spills to disk beyond this,
# so loading a million rows peaks near 1.1 GB of memory instead of ~2.8 GB, for ~15 % more time.
LOAD_MEMORY_LIMIT_BYTES = 1_000_000_000
_UNITS = {"bytes": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4,
          "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4}  # fmt: skip


def _setting_bytes(text: str) -> float | None:
    number, _, unit = text.strip().partition(" ")
    try:
        return float(number) * _UNITS[unit.strip() or "bytes"]
    except (ValueError, KeyError):
        return None


@contextlib.contextmanager
def _memory_limit(cur: duckdb.DuckDBPyConnection, limit: int) -> Iterator[None]:
    """Lower DuckDB's memory limit for the load (never raise one a caller set lower), then put the
    old one back. The setting is the database's, so it holds for other cursors meanwhile too."""
    previous = str(one_value(cur.execute("select current_setting('memory_limit')")))
    current = _setting_bytes(previous)
    if current is None or current <= limit:  # lower already, or a form we cannot read: left alone
        yield
        return
    cur.execute(f"set memory_limit = '{limit}B'")  # an int of ours, never user text
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):
            # the shown value is rounded ("18.8 GiB"): the default comes back exactly by a reset
            cur.execute("reset memory_limit")
            if one_value(cur.execute("select current_setting('memory_limit')")) != previous:
                cur.execute(f"set memory_limit = '{int(current)}B'")  # an int, never text


def ingest_path(
    con: duckdb.DuckDBPyConnection, path: str | Path, options: LoadOptions | None = None, **overrides: Any
) -> list[IngestResult]:
    """Load a file, or every job file of an export archive (a LinkedIn data export .zip).

    Each file of an archive is its own load (its own transaction and result), like files named
    one by one on the command line.
    """
    options = replace(options or LoadOptions(), **overrides)
    path = Path(path)
    if not archives.is_archive(path):
        return [ingest_file(con, path, options)]
    results = []
    with archives.unpacked(path) as unpacked:
        if not unpacked.members:
            result = IngestResult(file=str(path), status="refused", message=unpacked.refusal)
            if not options.dry_run:
                _record_refused_run(con.cursor(), result, path, dt.datetime.now())
            return [result]
        for member in unpacked.members:
            member_options = replace(options, origin=f"{path}!{member.name}", lenient_map=True)
            result = ingest_file(con, member.path, member_options)
            if unpacked.other_files and member is unpacked.members[0]:
                result.notes.append(
                    f"{path.name}: {len(unpacked.other_files)} other files of the export hold no job applications"
                    " and were not read"
                )
            results.append(result)
    return results


def parse_value_map(values: list[str] | None, option: str = "--value-map") -> dict[str, dict[str, str]]:
    """`--value-map "channel:Company careers site=company_site"` -> {"channel": {"Company careers site":
    "company_site"}} (later ones win). The field ends at the first ":", the value starts after the last
    "=": the text between may hold either. What the field and the value may be: _check_value_map."""
    parsed: dict[str, dict[str, str]] = {}
    for entry in values or []:
        name, colon, rest = entry.partition(":")
        text, equals, value = rest.rpartition("=")
        if not colon or not equals or not name.strip() or not text.strip():
            example = f'{option} "channel:Company careers site=company_site"'
            raise InputError(f'{option} {entry!r}: expected "FIELD:TEXT=VALUE", e.g. {example}')
        parsed.setdefault(header_token(name), {})[text.strip()] = value.strip()
    return parsed


def _check_value_map(value_map: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The value maps checked, a channel's value as its name (`Company site` -> company_site)."""
    checked: dict[str, dict[str, str]] = {}
    allowed = ", ".join(VALUE_MAP_KEYS)
    for name, texts in value_map.items():
        if name == "status":
            raise InputError(f'--value-map {name}:...: a status is said with --status-map "TEXT=STATUS"')
        if name not in VALUE_MAP_KEYS:
            what = "is stored as written" if name in CANONICAL_COLUMNS else "is no field"
            raise InputError(f"--value-map {name}:...: only the values of {allowed} can be mapped ({name!r} {what})")
        for text, value in texts.items():
            if name == "channel" and header_token(value) not in CHANNEL_NAMES:
                raise InputError(
                    f"--value-map {name}:{text}={value}: unknown channel {value!r} "
                    f"(expected one of: {', '.join(CHANNEL_NAMES)})"
                )
            if not value.strip():
                raise InputError(f"--value-map {name}:{text}=: say what {text!r} is read as")
            checked.setdefault(name, {})[text] = header_token(value) if name == "channel" else value.strip()
    return checked


def _check_options(options: LoadOptions) -> None:
    if options.source not in SOURCES:
        raise InputError(f"unknown --source {options.source!r} (expected one of: {', '.join(SOURCES)})")
    if options.client is not None and not options.client.strip():
        raise InputError("--client must not be empty")
    if options.date_order is not None and options.date_order not in DATE_ORDERS:
        raise InputError(f"unknown --date-order {options.date_order!r} (expected mdy or dmy)")
    for text, status in options.status_map.items():
        if header_token(status) not in (*STATUS_NAMES, "pending"):
            raise InputError(
                f"--status-map {text}={status}: unknown status {status!r} "
                f"(expected one of: pending, {', '.join(STATUS_NAMES)})"
            )
    _check_value_map(options.value_map)


def _ingest(
    cur: duckdb.DuckDBPyConnection, path: Path, result: IngestResult, options: LoadOptions, started: dt.datetime
) -> None:
    size = path.stat().st_size if path.exists() and path.is_file() else 0
    meter = _Progress(path.name, size, options.progress)
    # The file's hash is computed beside the read (hashlib releases the GIL on large buffers).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(readers.file_sha256, path) if path.is_file() else None
        meter.step("reading")
        staged = readers.stage(cur, path, sheet=options.sheet)
        result.sha256 = hashing.result() if hashing else None
    meter.step(f"read {staged.rows_read:,} rows")
    result.rows_read = staged.rows_read
    result.notes.extend(staged.notes)
    if staged.rows_read == 0:
        raise InputError(f"{path.name}: the file has a header but no data rows")

    detected = detect_source(staged.header) if options.source == "auto" else options.source
    result.source = detected
    # other trackers' exports whose rows are not one application each (an e-mail, a card's board)
    # a --status-map remembered for the file's header reads its e-mails and boards too
    remembered_status_map = _remembered(cur, staged.header, options.client)[1]
    staged = trackers.reshape(cur, staged, detected, {**remembered_status_map, **options.status_map}, result.notes)
    if detected == "events":
        _ingest_events(cur, path, staged, result, options, meter, started)
    else:
        _ingest_applications(cur, path, staged, result, options, SPECS[detected], meter, started)


def _require(
    mapping: ColumnMapping,
    path: Path,
    required: list[str],
    one_of: list[str],
    fields: dict[str, tuple[str, ...]] | None = None,
    suggestions: dict[str, str] | None = None,
) -> None:
    for name in required:
        if name not in mapping.mapped:
            spellings = (fields or {}).get(name, ())[:4]
            hint = f" (a column named like {', '.join(repr(s) for s in spellings)})" if spellings else ""
            raise InputError(f"{path.name}: missing column: {name}{hint}{(suggestions or {}).get(name, '')}")
    if one_of and not any(name in mapping.mapped for name in one_of):
        raise InputError(f"{path.name}: missing column: {' or '.join(one_of)} (at least one is needed)")


def _applied_on_suggestion(cur: duckdb.DuckDBPyConnection, header: list[str], mapping: ColumnMapping) -> str:
    """What to do when no column is the applied date: the file's columns that hold dates, and the --map."""
    ignored = {header_token(name) for name, target in mapping.overridden.items() if target is None}
    unused = [
        (name, f"c{i}")
        for i, name in enumerate(header)
        if i not in mapping.indexes.values() and name not in mapping.dropped and header_token(name) not in ignored
    ]
    found = date_like_columns(cur, unused)
    if not found:
        return "; no column of the file holds dates (add one: the date each application was sent)"
    # a header can be a pasted page: names are shortened, and one too long to type is not spelled out
    shown = ", ".join(f"{_shortened(name)!r} ({share:.0%} of rows read as dates)" for name, share in found)
    first = found[0][0]
    flag = f'--map "{first}=applied_on"'
    if len(first) > 60:
        flag = '--map "COLUMN=applied_on" (COLUMN: the first one\'s full name)'
    return f"; the file's columns that hold dates: {shown}; try {flag}"


def _commit_or_rollback(cur: duckdb.DuckDBPyConnection, result: IngestResult, dry_run: bool) -> None:
    if dry_run:
        cur.execute("rollback")
        result.status = "dry_run"
        result.run_id = None
    else:
        cur.execute("commit")


def _header_key(header: list[str], client: str | None) -> str:
    """Files with the same columns (case, spaces and punctuation aside) share a remembered mapping,
    per client when the load names one: one person's confirmed reading of their sheet never changes
    how somebody else's file with the same header is read."""
    tokens = [header_token(name) for name in header]
    return json.dumps(tokens if client is None else {"client": client, "columns": tokens})


def _remembered(
    cur: duckdb.DuckDBPyConnection, header: list[str], client: str | None
) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]], Any]:
    """The column, status and value maps confirmed for this header, and when (None: none)."""
    row = cur.execute(
        "select column_map, status_map, value_map, saved_at from remembered_mappings where header_key = ?",
        [_header_key(header, client)],
    ).fetchone()
    if row is None:
        return {}, {}, {}, None
    # value_map: null for a mapping saved before migration 0006
    return json.loads(row[0]), json.loads(row[1]), json.loads(row[2] or "{}"), row[3]


def _remember(
    cur: duckdb.DuckDBPyConnection,
    header: list[str],
    client: str | None,
    column_map: dict[str, str],
    status_map: dict[str, str],
    value_map: dict[str, dict[str, str]] | None = None,
) -> None:
    cur.execute(
        "insert or replace into remembered_mappings (header_key, header, column_map, status_map, value_map,"
        " saved_at) values (?, ?, ?, ?, ?, current_timestamp)",
        [
            _header_key(header, client),
            json.dumps(header),
            json.dumps(column_map),
            json.dumps(status_map),
            json.dumps(value_map or {}, sort_keys=True),
        ],
    )


def _plan(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    options: LoadOptions,
    spec: SourceSpec,
) -> tuple[_Plan, dict[str, str], dict[str, str]]:
    """Map the columns (remembered or given mapping first) and read every date column's format."""
    column_map, status_map, value_map, saved_at = _remembered(cur, staged.file_header or staged.header, options.client)
    result.header = list(staged.header)
    if saved_at is not None:
        remembered_values = [(name, text, value) for name, texts in value_map.items() for text, value in texts.items()]
        values = ""
        if remembered_values:
            shown = ", ".join(f"{name} {_shortened(text)!r} as {value}" for name, text, value in remembered_values[:3])
            more = f" and {len(remembered_values) - 3} more" if len(remembered_values) > 3 else ""
            values = f", with your value maps ({shown}{more})"
        result.notes.append(
            f"used the mapping you confirmed for this header on {saved_at:%Y-%m-%d}{values}"
            " (--map / --status-map / --value-map change it)"
        )
    column_map = {**column_map, **options.column_map}
    status_map = {**status_map, **options.status_map}
    given_values = _check_value_map(options.value_map)
    value_map = {
        name: {**value_map.get(name, {}), **given_values.get(name, {})}
        for name in VALUE_MAP_KEYS
        if value_map.get(name) or given_values.get(name)
    }
    overrides = column_overrides(column_map)
    forced = {header_token(name) for name in overrides}
    status_candidates = _choose_status_column(cur, staged.header, spec, overrides, result)
    if status_candidates:
        overrides = {**overrides, status_candidates[0].column: "status"}
    order_reason = (
        "--date-order" if options.date_order else (f"the {spec.name} export's format" if spec.date_order else "")
    )
    while True:
        mapping = map_columns(staged.header, spec.fields, overrides, lenient=options.lenient_map)
        # also on a refusal: what was matched, so the dashboard's table offers the rest to choose from
        result.columns = mapping.to_json()
        if spec.skip_every_row is None:
            suggestions = None
            if "applied_on" not in mapping.mapped:
                suggestions = {"applied_on": _applied_on_suggestion(cur, staged.header, mapping)}
            _require(mapping, path, ["applied_on"], ["company", "role"], spec.fields, suggestions)
        date_columns = [
            (name, mapping.mapped[name], f"c{mapping.indexes[name]}") for name in DATE_FIELDS if name in mapping.indexes
        ]
        dates = build_date_lookups(
            cur, date_columns, order=options.date_order or spec.date_order, order_reason=order_reason
        )
        applied = dates.get("applied_on")
        # `Applied?` (yes/no) beats `Date` by name; when it holds no dates, the next candidate is tried
        if not spec.unmap_dateless or applied is None or applied.has_dates or header_token(applied.column) in forced:
            break
        candidates = [
            name
            for name in staged.header
            if header_token(name) in spec.fields["applied_on"] and name != applied.column and name not in overrides
        ]
        if not candidates:
            break  # nothing better: the load refuses it below, with examples of what the column holds
        overrides = {**overrides, applied.column: None}
        result.notes.append(f"column {applied.column!r} holds no dates, so it was not read as applied_on")
    # --date-order against values that prove the other order would reject them and swap the rest
    contradiction = order_contradiction(dates, options.date_order) if options.date_order else None
    if contradiction:
        raise InputError(f"{path.name}: {contradiction}")
    # A spreadsheet column named like a stage (`Recruiter`, `Phone`, `Onsite`) that holds no date is
    # about something else: a name, or yes/no that may mean "the job is on site". Not used, and said so.
    if spec.unmap_dateless:
        for name, column in list(dates.items()):
            written_as = header_token(column.column)
            if name == "applied_on" or column.has_dates or written_as == name or written_as in forced:
                continue
            del dates[name]
            mapping.indexes.pop(name)
            mapping.mapped.pop(name)
            mapping.ignored.append(column.column)
            what = "yes/no, not dates" if column.says_yes or column.kinds.get("no") else "no dates"
            result.notes.append(
                f"column {column.column!r} holds {what}, so it was not read as {name} "
                f'(--map "{column.column}={name}" to read it anyway; yes means the stage was reached)'
            )
    result.columns = mapping.to_json()
    result.columns["status_candidates"] = [candidate.to_json() for candidate in status_candidates]
    # the fields whose column holds a value in some row: what this file's log records (a column blank
    # in every row records nothing). Stored with the run for pipelines/analyse/recorded.py.
    if mapping.indexes:
        with translate_errors(f"reading {path.name} failed"):
            filled = one_row(cur.execute(
                "select " + ", ".join(f"count(bb_blank(c{index}))" for index in mapping.indexes.values())
                + " from staged"
            ))
        result.columns["filled"] = sorted(name for name, n in zip(mapping.indexes, filled, strict=True) if n)
    result.dates = {name: column.to_json() for name, column in dates.items()}
    for column in dates.values():
        if column.decided_by.startswith("AMBIGUOUS"):
            result.notes.append(f"column {column.column!r}: {column.decided_by}")
    return (
        _Plan(
            spec=spec,
            mapping=mapping,
            header=staged.header,
            client=options.client,
            dates=dates,
            status_map=status_map,
            value_map=value_map,
        ),
        column_map,
        status_map,
    )


def _choose_status_column(
    cur: duckdb.DuckDBPyConnection,
    header: list[str],
    spec: SourceSpec,
    overrides: dict[str, str | None],
    result: IngestResult,
) -> list[StatusCandidate]:
    """Several columns named like a status: the one whose values read best as statuses, said so."""
    if "status" not in spec.fields:
        return []
    candidates = choose_status_column(cur, header, spec.fields["status"], overrides)
    if candidates:
        won, *others = candidates
        lost = "; ".join(f"{c.column!r} {c.share:.0%}" for c in others)
        result.notes.append(
            f"status read from {won.column!r}: {won.share:.0%} of its {won.rows_written:,} written values read as"
            f" statuses, against {lost} (--map \"COLUMN=status\" to choose another)"
        )
    return candidates


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_applied_dates(cur: duckdb.DuckDBPyConnection, path: Path, plan: _Plan) -> None:
    """A file none of whose applied dates can be read is refused as a whole, with examples."""
    column = plan.dates.get("applied_on")
    if column is None:
        return
    readable = one_value(cur.execute(f"select count(*) filter (where len(dates) > 0) from {column.table}"))
    if readable == 0:
        examples = [row[0] for row in cur.execute(f"select raw from {column.table} order by raw limit 3").fetchall()]
        # a cell can hold a pasted page: the message stays one short line
        shown = ", ".join(repr(_shortened(v)) for v in examples) if examples else "all blank"
        raise InputError(
            f"{path.name}: no readable dates in column {column.column!r} ({shown}); "
            "dates must look like 2025-01-31, 1/31/2025 or 31/01/2025"
        )


def _report_statuses(cur: duckdb.DuckDBPyConnection, plan: _Plan, result: IngestResult) -> None:
    """How each status text was understood, with its row count; the ones not understood apart."""
    rows = cur.execute(
        f"""
        select l.raw, l.status, l.via, l.how, count(*) as rows
        from staged as s
        join status_lookup as l on l.raw = bb_blank(s.c{plan.mapping.indexes["status"]})
        group by all
        order by rows desc, l.raw
        """
    ).fetchall()
    result.statuses = [
        {"text": text, "status": status, "via": via, "how": how, "rows": count}
        for text, status, via, how, count in rows
    ]
    result.unclassified_statuses = {text: count for text, status, _, _, count in rows if status is None}


def _report_values(
    cur: duckdb.DuckDBPyConnection, plan: _Plan, result: IngestResult, given: dict[str, dict[str, str]]
) -> None:
    """Each value map with the rows it matched (given or remembered), and every channel value of the
    file with what it is read as (the dashboard's table to correct them). Reads `staged`."""

    def value_sql(name: str) -> tuple[str | None, dict[str, Any]]:
        if name in plan.mapping.indexes:
            return f"bb_blank(s.c{plan.mapping.indexes[name]})", {}
        if name in plan.spec.constants:
            return "bb_blank(cast($constant as varchar))", {"constant": plan.spec.constants[name]}
        return None, {}

    for name, texts in plan.value_map.items():
        column, params = value_sql(name)
        counts: dict[str, int] = {}
        if column is not None:
            # the lookup and the match key are ours (UNIFIED_FIELDS, VALUE_MAP_KEYS); texts are data
            rows = cur.execute(
                f"""
                with counted as (
                    select l.raw, count(*) as rows
                    from staged as s join {name}_lookup as l on l.raw = {column}
                    where l.mapped group by l.raw
                )
                select o.text, coalesce(sum(c.rows), 0)
                from value_overrides as o
                left join counted as c on o.token = {VALUE_MAP_KEYS[name].format("c.raw")}
                where o.field = $field
                group by o.text
                """,
                {**params, "field": name},
            ).fetchall()
            counts = {text: int(count) for text, count in rows}
        for text, value in texts.items():
            remembered = text not in given.get(name, {})
            result.value_maps.append(
                {"field": name, "text": text, "value": value, "rows": counts.get(text, 0), "remembered": remembered}
            )
            if not remembered and not counts.get(text):
                where = f"the file's {name} column" if column is not None else f"the file, which has no {name} column"
                result.notes.append(f"--value-map {name}:{text}={value} matched no value of {where}")
    column, params = value_sql("channel")
    if column is not None:
        rows = cur.execute(
            f"""
            select l.raw, l.channel, l.mapped, count(*) as rows
            from staged as s join channel_lookup as l on l.raw = {column}
            group by all
            order by rows desc, l.raw
            limit {int(VALUES_REPORTED)}
            """,
            params,
        ).fetchall()
        result.channels = [
            {"text": text, "channel": channel, "how": "your value map" if mapped else None, "rows": count}
            for text, channel, mapped, count in rows
        ]


def _ingest_applications(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    options: LoadOptions,
    spec: SourceSpec,
    meter: _Progress,
    started: dt.datetime,
) -> None:
    with translate_errors("normalising the rows failed"):
        plan, column_map, status_map = _plan(cur, path, staged, result, options, spec)
        _scrub_contacts(cur, plan, result)
        _note_stage_words(cur, plan, result)
        _note_planned_dates(cur, plan, result)
        result.notes.extend(spec.notes)
        if staged.parsed_rows:  # else every row is a structural reject, and the refusal lists them
            _check_applied_dates(cur, path, plan)
        _prepare_lookups(cur, plan, status_map)
        if "status" in plan.mapping.indexes:
            trackers.apply_status_words(cur, spec)
            _report_statuses(cur, plan, result)
        _report_values(cur, plan, result, _check_value_map(options.value_map))
        sql, params = _build_checked_sql(plan)
        cur.execute(sql, params)
        trackers.add_reshaped_skips(cur)
        cur.execute("create or replace temp view valid_rows as from checked where disposition = 'valid'")
        cur.execute("drop table staged")  # its content lives on in checked.raw; free the memory
        cur.execute(_row_events_sql(plan))
        if _reject_applied_dates_after_stored_events(cur):
            cur.execute(_row_events_sql(plan))  # without the rows just rejected
        valid_clients = _count_dispositions(cur, result, staged, "checked", "client")
        _note_kept_apart(cur, result)
        if options.client is None and plan.mapping.indexes.get("client") is not None:
            result.client = f"{valid_clients} clients from the file's client column"
    meter.step("checked")

    if _refused_for_rejects(cur, path, result, options.strict, options.dry_run, started):
        return

    def merge(run_id: int) -> None:
        _run_steps(cur, APPLICATION_MERGE_STEPS, {"run_id": run_id, "source": spec.name})
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
        if options.column_map or options.status_map or options.value_map:
            # a mapping the user gave and loaded with is confirmed: files with this header get it again
            _remember(cur, staged.file_header or staged.header, options.client, column_map, status_map, plan.value_map)

    _write_in_transaction(cur, path, staged, result, options.dry_run, started, "checked", merge)
    meter.step(f"{result.inserted:,} inserted, {result.updated:,} updated")


def _note_kept_apart(cur: duckdb.DuckDBPyConnection, result: IngestResult) -> None:
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


def _reject_applied_dates_after_stored_events(cur: duckdb.DuckDBPyConnection) -> bool:
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


def _count_dispositions(
    cur: duckdb.DuckDBPyConnection, result: IngestResult, staged: readers.StagedFile, table: str, key: str
) -> int:
    """Fill rejects, rejected, skipped and skip reasons from a judged table; return the distinct
    `key` values (clients, matched applications) among its valid rows."""
    _collect_rejects(cur, result, table)
    counts = one_row(cur.execute(
        "select count(*) filter (where disposition = 'rejected'),"
        " count(*) filter (where disposition like 'skip:%'),"
        f" count(distinct {key}) filter (where disposition = 'valid') from {table}"
    ))
    result.rejected = int(counts[0]) + staged.structural_rejects
    result.skipped = int(counts[1])
    result.skipped_reasons = _skip_summary(cur, table)
    return int(counts[2])


def _write_in_transaction(
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
            result.run_id = _insert_run(cur, result, path, staged.size_bytes, started)
            merge(result.run_id)
            _check_reconciled(result)
            _finish_run(cur, result)
            _store_rejects(cur, result.run_id)
            _store_skips(cur, result.run_id, judged_table)
            _commit_or_rollback(cur, result, dry_run)
        except BaseException:
            rollback(cur)  # after a failed COMMIT there is nothing to roll back: report the commit's error
            raise


def _refused_for_rejects(
    cur: duckdb.DuckDBPyConnection, path: Path, result: IngestResult, strict: bool, dry_run: bool, started: dt.datetime
) -> bool:
    """Refuse the file when --strict meets a reject, or when no row at all is usable.

    The refused run is recorded with its rejects, so `status` can show what was wrong.
    """
    if result.rejected and strict:
        result.message = f"--strict: {counted(result.rejected, 'row')} rejected, nothing loaded"
    elif result.rejected and result.rejected == result.rows_read:
        result.message = f"{path.name}: every row was rejected ({result.rejected}); nothing loaded"
    else:
        return False
    result.status = "refused"
    result.reconciled = True
    if not dry_run:
        _record_refused_run(cur, result, path, started, with_rejects=True)
    return True


def _store_skips(cur: duckdb.DuckDBPyConnection, run_id: int, table: str) -> None:
    cur.execute(
        f"insert into ingest_skips select $run_id, line, substr(disposition, 6) from {table} "
        "where disposition like 'skip:%'",
        {"run_id": run_id},
    )


def _check_reconciled(result: IngestResult) -> None:
    accounted = result.inserted + result.updated + result.unchanged + result.rejected + result.skipped
    result.reconciled = accounted == result.rows_read
    if not result.reconciled:
        # A bug, not bad input: refuse to commit numbers that do not add up.
        raise DatabaseError(
            f"rows do not reconcile: read {result.rows_read}, accounted for {accounted}; nothing loaded"
        )


_EVENT_PROBLEMS = [
    _problem("event_raw is null", "event", "null", "'no event'"),
    _problem(
        "event_raw is not null and event is null",
        "event",
        "event_raw",
        "'unknown event (expected response, screen, assessment, interview, offer, accepted, declined,"
        " rejected, withdrawn, position_closed, follow_up, ghosted)'",
    ),
    _problem("event = 'applied'", "event", "event_raw", "'the applied event comes from the applications file'"),
    _problem(
        "occurred_on_raw is not null and occurred_on_problem is not null",
        "occurred_on",
        "occurred_on_raw",
        "occurred_on_problem",
    ),
    _problem(
        "round_raw is not null and (round is null or round not between 1 and 50)",
        "round",
        "round_raw",
        "'not a round number (1-50)'",
    ),
    _problem("matches = 0 and ref_id is not null", "application_id", "ref_id", "'no application matches'"),
    _problem("matches = 0 and ref_id is null", "company", "company_key", "'no application matches'"),
    _problem("matches > 1", "company", "company_key", "matches || ' applications match; give application_id'"),
    _problem(
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


def _ingest_events(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    options: LoadOptions,
    meter: _Progress,
    started: dt.datetime,
) -> None:
    mapping = map_columns(staged.header, EVENT_FIELDS, column_overrides(options.column_map, EVENT_FIELDS))
    result.columns = mapping.to_json()
    _require(mapping, path, ["event"], [])
    if "application_id" not in mapping.mapped and not {"company", "applied_on"} <= mapping.mapped.keys():
        raise InputError(
            f"{path.name}: missing column: application_id (or company, role and applied_on to find the application)"
        )

    def c(name: str) -> str:
        return _col(mapping, name)

    raw_sql, params = _raw_json_sql(staged.header, mapping)
    client_sql, client_params = _client_sql(f"bb_blank({_col(mapping, 'client')})", options.client)
    params.update(client_params)
    with translate_errors("normalising the events failed"):
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

        def date_sql(name: str, part: str) -> str:
            if name not in dates:
                return "cast(null as date)" if part == "day" else "cast(null as varchar)"
            table = dates[name].table
            return f"({table}.dates[1])" if part == "day" else f"{table}.problem"

        joins = " ".join(
            f"left join {column.table} on {column.table}.raw = bb_blank(s.{column.staging})"
            for column in dates.values()
        )
        # event names: --status-map first, then the vocabulary itself, then the free-text reading
        # statuses get
        cur.execute("create or replace temp table status_overrides (token varchar, status varchar)")
        if options.status_map:
            cur.executemany(
                "insert into status_overrides values (bb_status_key(?), ?)",
                [[text, header_token(status)] for text, status in options.status_map.items()],
            )
        cur.execute(
            _lookup_sql(
                "event_lookup",
                f"c{mapping.indexes['event']}",
                "coalesce((select any_value(o.status) from status_overrides as o where o.token = bb_status_key(raw)),"
                " bb_event(raw), case when bb_classify_status(raw).status not in ('applied', 'saved')"
                " then bb_classify_status(raw).status end) as event",
            )
        )
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
        # three equality joins, not one join on the client with an OR filter: that one grows with
        # events x applications (minutes for 20,000 events on 400,000 applications)
        cur.execute(
            """
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
        )
        cur.execute(_CHECKED_EVENTS_SQL.replace("{event_problems}", _problems_sql(_EVENT_PROBLEMS)))
        matched = _count_dispositions(cur, result, staged, "checked_events", "application_id")
        unmatched = one_value(cur.execute(
            "select count(*) from checked_events where matches = 0 and disposition = 'rejected'"
        ))
        result.notes.append(
            f"events matched {counted(matched, 'application')}; {counted(unmatched, 'row')} matched no application"
            " (listed as rejected)"
        )
    meter.step("checked")

    if _refused_for_rejects(cur, path, result, options.strict, options.dry_run, started):
        return

    def merge(run_id: int) -> None:
        _run_steps(cur, EVENTS_MERGE_STEPS, {"run_id": run_id, "source": "events"})
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

    _write_in_transaction(cur, path, staged, result, options.dry_run, started, "checked_events", merge)
