"""The load: one file, one transaction, every row accounted for.

    rows_read = inserted + updated + unchanged + rejected + skipped

Steps (all set-based SQL on one cursor, no per-row Python):
1. readers.stage() puts the file into the temporary tables `staged` / `staged_rejects`.
2. The header is mapped onto the canonical fields (unknown columns are kept in `raw`).
3. `checked`: every row normalised (pipelines/sql/models/normalise.sql) and given a disposition:
   skipped (blank row, saved-not-applied job, superseded duplicate), rejected (with every
   problem: line, column, value, reason) or valid.
4. Inside BEGIN ... COMMIT: applications are inserted or updated, their events added; the run and
   its rejects are recorded. Any error rolls back, leaving the database as it was.

Identity: application_id = first 16 hex digits of md5(client, source, source_key). The source key
is the file's own `application_id` column when it has one, else company + role + applied date
(case and white space folded). Two rows of one file with the same identity: the LAST row wins
(spreadsheets grow downwards, so the lower row is the newer edit); the earlier ones are counted as
skipped, naming the line that won.

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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines import readers
from pipelines.db import translate_errors
from pipelines.errors import BouncebackError, DatabaseError, InputError

SOURCES = ("auto", "canonical", "events")
DEFAULT_CLIENT = "me"
MAX_REJECTS_REPORTED = 1000  # the JSON output lists this many; ingest_rejects keeps them all

# canonical field -> accepted header spellings (compared after bb_token-like folding)
APPLICATION_FIELDS: dict[str, tuple[str, ...]] = {
    "client": ("client",),
    "application_id": ("application_id", "id", "app_id"),
    "company": ("company", "company_name", "employer"),
    "role": ("role", "job_title", "title", "position"),
    "industry": ("industry",),
    "channel": ("channel", "source_channel"),
    "resume_version": ("resume_version", "resume", "cv_version"),
    "cover_letter": ("cover_letter",),
    "referral": ("referral", "referred"),
    "location": ("location",),
    "seniority": ("seniority", "level", "job_level"),
    "job_url": ("job_url", "url", "link"),
    "applied_on": ("applied_on", "applied", "date_applied", "applied_date"),
    "status": ("status",),
    "responded_on": ("responded_on",),
    "screen_on": ("screen_on",),
    "assessment_on": ("assessment_on",),
    "interview_on": ("interview_on",),
    "interview_rounds": ("interview_rounds",),
    "offer_on": ("offer_on",),
    "accepted_on": ("accepted_on",),
    "declined_on": ("declined_on",),
    "rejected_on": ("rejected_on",),
    "withdrawn_on": ("withdrawn_on",),
    "closed_on": ("closed_on", "position_closed_on"),
    "followed_up_on": ("followed_up_on", "follow_up_on"),
    "notes": ("notes", "note", "comments"),
}

# the canonical applications format: these columns, in this order (template, samples, README)
CANONICAL_COLUMNS: tuple[str, ...] = tuple(APPLICATION_FIELDS)

EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "client": ("client",),
    "application_id": ("application_id", "id", "app_id"),
    "company": ("company", "company_name", "employer"),
    "role": ("role", "job_title", "title", "position"),
    "applied_on": ("applied_on", "applied", "date_applied", "applied_date"),
    "event": ("event", "stage"),
    "occurred_on": ("occurred_on", "date", "on", "event_date"),
    "round": ("round",),
    "detail": ("detail", "details", "notes", "note"),
}

# stage date columns -> the event they record
STAGE_DATE_EVENTS: dict[str, str] = {
    "responded_on": "response",
    "screen_on": "screen",
    "assessment_on": "assessment",
    "offer_on": "offer",
    "accepted_on": "accepted",
    "declined_on": "declined",
    "rejected_on": "rejected",
    "withdrawn_on": "withdrawn",
    "closed_on": "position_closed",
    "followed_up_on": "follow_up",
}
# Bump when a normalisation rule changes what a stored field would be: every application is then
# re-normalised (counted as updated) at its next import.
RULES_VERSION = 1
TEXT_FIELDS = ("company", "role", "industry", "resume_version", "location", "seniority", "job_url", "notes")


@dataclass
class ColumnMapping:
    mapped: dict[str, str]  # canonical field -> header name as written
    ignored: list[str]  # header names not used (kept in raw)
    indexes: dict[str, int] = field(default_factory=dict, repr=False)


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
    columns: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    message: str | None = None
    sha256: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "dry_run")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def header_token(name: str) -> str:
    """Header comparison key: case, spaces and punctuation do not matter ('Applied On ' = applied_on)."""
    out = []
    for char in name.strip().lower():
        out.append(char if char.isalnum() else "_")
    return "_".join(part for part in "".join(out).split("_") if part)


def map_columns(header: list[str], fields: dict[str, tuple[str, ...]]) -> ColumnMapping:
    spelling_to_field = {spelling: name for name, spellings in fields.items() for spelling in spellings}
    mapped: dict[str, str] = {}
    indexes: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        target = spelling_to_field.get(header_token(name))
        if target is None or target in indexes:
            ignored.append(name)
            continue
        mapped[target] = name
        indexes[target] = index
    return ColumnMapping(mapped=mapped, ignored=ignored, indexes=indexes)


def detect_source(header: list[str]) -> str:
    tokens = {header_token(name) for name in header}
    if tokens & set(EVENT_FIELDS["event"]) and not tokens & set(APPLICATION_FIELDS["status"]):
        return "events"
    return "canonical"


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


def _client_sql(client_column_sql: str, client: str | None) -> tuple[str, list[Any]]:
    """Whose application a row is: --client when given, else the file's client column, else 'me'."""
    if client is not None:
        return "cast(? as varchar)", [client]
    return f"coalesce({client_column_sql}, ?)", [DEFAULT_CLIENT]


def _col(mapping: ColumnMapping, name: str) -> str:
    """The staging column for a canonical field, or a NULL literal when the file lacks it."""
    index = mapping.indexes.get(name)
    return f"s.c{index}" if index is not None else "cast(null as varchar)"


def _raw_json_sql(header: list[str]) -> tuple[str, list[str]]:
    """json_object(?, s.c0, ?, s.c1, ...): the header names go in as parameters, never as SQL."""
    parts = ", ".join(f"?, s.c{i}" for i in range(len(header)))
    return f"json_object({parts})", list(header)


def _problem(condition: str, column: str, value_sql: str, reason_sql: str) -> tuple[str, str]:
    """(condition, struct): one check of a row, and the reject it records when the check fails."""
    struct = f"{{'column': '{column}', 'value': cast({value_sql} as varchar), 'reason': {reason_sql}}}"
    return condition, struct


def _problems_sql(problems: list[tuple[str, str]]) -> str:
    """The list of failed checks, built only for rows that fail one (most rows are clean)."""
    any_failed = " or ".join(f"coalesce({condition}, false)" for condition, _ in problems)
    items = ", ".join(f"case when {condition} then {struct} end" for condition, struct in problems)
    return f"case when {any_failed} then list_filter([{items}], lambda problem: problem is not null) else [] end"


def _lookup_sql(table: str, staging_column: str, macro: str) -> str:
    """A small table mapping each distinct raw value to its normalised value.

    Normalising the few distinct spellings of a channel or status once, then joining, costs a
    fraction of running the string rules on every one of a million rows.
    """
    return (
        f"create or replace temp table {table} as "
        f"select raw, {macro}(raw) as value from (select distinct bb_blank({staging_column}) as raw from staged) "
        "where raw is not null"
    )


def _build_checked_sql(
    mapping: ColumnMapping, header: list[str], client: str | None, source: str
) -> tuple[str, list[Any]]:
    """SQL creating temp table `checked` from `staged`, and its positional parameters."""
    raw_sql, raw_params = _raw_json_sql(header)
    date_fields = ["applied_on", *STAGE_DATE_EVENTS, "interview_on"]
    # blanked: every field's value trimmed and blank-folded once; later steps read these columns
    blanked = [
        "s.line",
        f"{raw_sql} as raw",
        f"({' and '.join(f's.c{i} is null' for i in range(len(header)))}) as blank_row",
        *(f"bb_blank({_col(mapping, name)}) as {name}_raw" for name in APPLICATION_FIELDS),
    ]
    client_sql, client_params = _client_sql("client_raw", client)
    lookups = {
        "channel": ("channel_lookup", "cast(null as varchar)"),
        "status": ("status_lookup", "cast(null as varchar)"),
        "cover_letter": ("cover_letter_lookup", "cast(null as boolean)"),
        "referral": ("referral_lookup", "cast(null as boolean)"),
    }
    joins = [
        f"left join {table} on {table}.raw = b.{name}_raw"
        for name, (table, _) in lookups.items()
        if name in mapping.indexes
    ]

    def looked_up(name: str) -> str:
        table, missing = lookups[name]
        return f"{table}.value" if name in mapping.indexes else missing

    selects = [
        "b.line",
        "b.raw",
        "b.blank_row",
        f"{client_sql} as client",
        "application_id_raw as file_id",
        *(f"{name}_raw as {name}" for name in TEXT_FIELDS),
        f"{looked_up('channel')} as channel",
        "channel_raw",
        f"{looked_up('cover_letter')} as cover_letter",
        "cover_letter_raw",
        f"{looked_up('referral')} as referral_flag",
        "referral_raw",
        f"case when status_raw is null then 'applied' else {looked_up('status')} end as status",
        "status_raw",
        "interview_rounds_raw",
        "try_cast(interview_rounds_raw as integer) as interview_rounds",
        *(
            f"coalesce(try_cast({name}_raw as date), try_cast(try_cast({name}_raw as timestamp) as date)) as {name}"
            for name in date_fields
        ),
        *(f"{name}_raw" for name in date_fields),
    ]
    problems = [
        _problem("applied_on_raw is null", "applied_on", "null", "'no applied date'"),
        _problem(
            "applied_on_raw is not null and applied_on is null",
            "applied_on",
            "applied_on_raw",
            "'not a date (expected YYYY-MM-DD)'",
        ),
        _problem(
            "applied_on > current_date + 1",
            "applied_on",
            "applied_on_raw",
            "'applied date is in the future'",
        ),
        _problem(
            "applied_on < date '1970-01-01'",
            "applied_on",
            "applied_on_raw",
            "'applied date before 1970: a typo?'",
        ),
        _problem("company is null and role is null", "company", "null", "'needs a company or a role'"),
        _problem(
            "status is null",
            "status",
            "status_raw",
            "'unknown status (expected applied, screen, interview, offer, rejected, ghosted, ...)'",
        ),
        _problem(
            "cover_letter_raw is not null and cover_letter is null",
            "cover_letter",
            "cover_letter_raw",
            "'not yes or no'",
        ),
        _problem(
            "referral_raw is not null and referral_flag is null",
            "referral",
            "referral_raw",
            "'not yes or no'",
        ),
        _problem(
            "interview_rounds_raw is not null and (interview_rounds is null or interview_rounds not between 0 and 50)",
            "interview_rounds",
            "interview_rounds_raw",
            "'not a number of rounds (0-50)'",
        ),
    ]
    for name in [*STAGE_DATE_EVENTS, "interview_on"]:
        problems.append(
            _problem(
                f"{name}_raw is not null and {name} is null",
                name,
                f"{name}_raw",
                "'not a date (expected YYYY-MM-DD)'",
            )
        )
        problems.append(
            _problem(
                f"{name} < applied_on",
                name,
                f"{name}_raw",
                "'is before the applied date ' || cast(applied_on as varchar)",
            )
        )
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
        {_problems_sql(problems)} as problems
    from normalised
),
keyed as (
    select
        *,
        case
            when file_id is not null then 'id:' || file_id
            else 'k:' || coalesce(lower(company), '') || '|' || coalesce(lower(role), '')
                || '|' || coalesce(cast(applied_on as varchar), '')
        end as source_key
    from judged
),
identified as (
    select *, left(md5(client || chr(31) || ? || chr(31) || source_key), 16) as application_id
    from keyed
),
disposed as materialized (
    select
        *,
        case
            when blank_row then 'skip:blank row'
            when status = 'saved' then 'skip:saved job, not an application'
            when len(problems) > 0 then 'rejected'
            else 'valid'
        end as first_disposition
    from identified
),
duplicated as (
    -- identities that more than one valid row claims; the last row wins
    select application_id, max(line) as winning_line
    from disposed
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
    coalesce(d.referral_flag, d.channel = 'referral') as referral,
    -- every stored field derives from the raw row, the client and the rules: same inputs, same hash
    md5(cast(d.raw as varchar) || ?) as content_hash
from disposed as d
left join duplicated as dup using (application_id)
"""
    kept = [
        "line",
        "client",
        "application_id",
        "source_key",
        *TEXT_FIELDS,
        "channel",
        "channel_raw",
        "cover_letter",
        "referral_flag",
        "status",
        "interview_rounds",
        *date_fields,
        "raw",
        "problems",
    ]
    sql = sql.replace("{kept_columns}", ", ".join(f"d.{name}" for name in kept))
    # '?' parameters in text order: the raw header names, the client, the source, the rules' signature
    signature = json.dumps([RULES_VERSION, mapping.mapped], sort_keys=True)
    return sql, [*raw_params, *client_params, source, signature]


def _prepare_checked(
    cur: duckdb.DuckDBPyConnection, mapping: ColumnMapping, header: list[str], client: str | None, source: str
) -> None:
    for table, field_name, macro in (
        ("channel_lookup", "channel", "bb_channel"),
        ("status_lookup", "status", "bb_status"),
        ("cover_letter_lookup", "cover_letter", "bb_bool"),
        ("referral_lookup", "referral", "bb_bool"),
    ):
        if field_name in mapping.indexes:
            cur.execute(_lookup_sql(table, f"c{mapping.indexes[field_name]}", macro))
    sql, params = _build_checked_sql(mapping, header, client, source)
    cur.execute(sql, params)


# Events an application row implies; each SELECT reads temp table `valid_rows`.
_ROW_EVENTS_SQL = """
create or replace temp table incoming_events as
with implied as (
    select application_id, 'applied' as event, applied_on as occurred_on, cast(null as integer) as round
    from valid_rows
    {stage_unions}
    union all
    select application_id, 'interview', case when r = 1 then interview_on end, r
    from (
        select application_id, interview_on,
               unnest(generate_series(1, greatest(
                   coalesce(interview_rounds, 0),
                   case when interview_on is not null or status = 'interview' then 1 else 0 end
               ))) as r
        from valid_rows
    )
    union all
    select application_id, 'ghosted', cast(null as date), cast(null as integer)
    from valid_rows where status = 'ghosted'
)
select
    md5(application_id || '|' || event || '|' || coalesce(cast(round as varchar), '0') || '|row')
        as event_id,
    application_id, event, occurred_on, round
from implied
"""


def _row_events_sql() -> str:
    unions = []
    for column, event in STAGE_DATE_EVENTS.items():
        status_clause = f" or status = '{event}'" if event not in ("follow_up",) else ""
        unions.append(
            f"union all select application_id, '{event}', {column}, cast(null as integer) "
            f"from valid_rows where {column} is not null{status_clause}"
        )
    return _ROW_EVENTS_SQL.format(stage_unions="\n    ".join(unions))


# The write steps, in order, inside one transaction. A list so that tests can put a failing
# statement half-way and prove the rollback (see tests/test_ingest.py).
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
        "update changed applications",
        """
        update applications set
            company = v.company, role = v.role, industry = v.industry, channel = v.channel,
            channel_raw = v.channel_raw, resume_version = v.resume_version,
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
               v.channel, v.channel_raw, v.resume_version, v.cover_letter, v.referral, v.location,
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
        select event_id, application_id, event, occurred_on, round, $source, null, $run_id
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
               e.event_id is not null and e.detail is distinct from v.detail as detail_changed
        from checked_events as v
        left join events as e using (event_id)
        where v.disposition = 'valid'
        """,
    ),
    (
        "update changed event details",
        """
        update events set detail = v.detail, run_id = $run_id
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
    row = cur.execute(
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
    ).fetchone()
    return int(row[0])


def _finish_run(cur: duckdb.DuckDBPyConnection, result: IngestResult) -> None:
    cur.execute(
        "update ingest_runs set status = ?, message = ?, rows_read = ?, inserted = ?, updated = ?,"
        " unchanged = ?, rejected = ?, skipped = ?, events_inserted = ?, events_updated = ?,"
        " finished_at = current_timestamp where run_id = ?",
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
    *,
    client: str | None = None,
    source: str = "auto",
    strict: bool = False,
    dry_run: bool = False,
    progress: bool | None = None,
) -> IngestResult:
    """Load one file. Never raises for bad input: the result says refused/failed and why.

    client: whose search every row is; None takes the file's client column, else 'me'.
    """
    path = Path(path)
    started = dt.datetime.now()
    clock = time.perf_counter()
    result = IngestResult(file=str(path), status="failed", client=client or DEFAULT_CLIENT)
    if source not in SOURCES:
        result.status = "refused"
        result.message = f"unknown --source {source!r} (expected one of: {', '.join(SOURCES)})"
        return result
    cur = con.cursor()
    try:
        _ingest(
            cur,
            path,
            result,
            client=client,
            source=source,
            strict=strict,
            dry_run=dry_run,
            progress=progress,
            started=started,
        )
    except InputError as e:
        result.status = "refused"
        result.message = str(e)
        if not dry_run:
            _record_refused_run(con.cursor(), result, path, started)
    except (BouncebackError, duckdb.Error) as e:
        result.status = "failed"
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        result.message = first if isinstance(e, BouncebackError) else f"database error: {first}"
        if not dry_run:
            _record_refused_run(con.cursor(), result, path, started)
    except Exception as e:  # a bug: still one line for the user, and the load rolled back
        result.status = "failed"
        result.message = f"unexpected error (please report it): {type(e).__name__}: {e}"
        if not dry_run:
            _record_refused_run(con.cursor(), result, path, started)
    finally:
        result.seconds = round(time.perf_counter() - clock, 3)
        with contextlib.suppress(duckdb.Error):
            cur.close()
    return result


def _ingest(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    result: IngestResult,
    *,
    client: str | None,
    source: str,
    strict: bool,
    dry_run: bool,
    progress: bool | None,
    started: dt.datetime,
) -> None:
    if client is not None and not client.strip():
        raise InputError("--client must not be empty")
    size = path.stat().st_size if path.exists() and path.is_file() else 0
    meter = _Progress(path.name, size, progress)
    # The file's hash is computed beside the read (hashlib releases the GIL on large buffers).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(readers.file_sha256, path) if path.is_file() else None
        meter.step("reading")
        staged = readers.stage(cur, path)
        result.sha256 = hashing.result() if hashing else None
    meter.step(f"read {staged.rows_read:,} rows")
    result.rows_read = staged.rows_read
    result.notes.extend(staged.notes)
    if staged.rows_read == 0:
        raise InputError(f"{path.name}: the file has a header but no data rows")

    detected = detect_source(staged.header) if source == "auto" else source
    result.source = detected
    if detected == "events":
        _ingest_events(cur, path, staged, result, client, strict, dry_run, meter, started)
    else:
        _ingest_applications(cur, path, staged, result, client, strict, dry_run, meter, started)


def _require(mapping: ColumnMapping, path: Path, required: list[str], one_of: list[str]) -> None:
    for name in required:
        if name not in mapping.mapped:
            raise InputError(f"{path.name}: missing column: {name}")
    if one_of and not any(name in mapping.mapped for name in one_of):
        raise InputError(f"{path.name}: missing column: {' or '.join(one_of)} (at least one is needed)")


def _commit_or_rollback(cur: duckdb.DuckDBPyConnection, result: IngestResult, dry_run: bool) -> None:
    if dry_run:
        cur.execute("rollback")
        result.status = "dry_run"
        result.run_id = None
    else:
        cur.execute("commit")


def _ingest_applications(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    client: str | None,
    strict: bool,
    dry_run: bool,
    meter: _Progress,
    started: dt.datetime,
) -> None:
    mapping = map_columns(staged.header, APPLICATION_FIELDS)
    result.columns = {"mapped": mapping.mapped, "ignored": mapping.ignored}
    _require(mapping, path, ["applied_on"], ["company", "role"])
    source = "canonical"
    with translate_errors("normalising the rows failed"):
        _prepare_checked(cur, mapping, staged.header, client, source)
        applied = mapping.indexes["applied_on"]
        readable = cur.execute(
            f"select count(*) filter (where bb_date(c{applied}) is not null),"
            f" count(*) filter (where bb_blank(c{applied}) is not null) from staged"
        ).fetchone()
        if readable[0] == 0:
            examples = [
                row[0]
                for row in cur.execute(
                    f"select distinct bb_blank(c{applied}) from staged where bb_blank(c{applied}) is not null limit 3"
                ).fetchall()
            ]
            shown = ", ".join(repr(v) for v in examples) if examples else "all blank"
            raise InputError(
                f"{path.name}: no readable dates in column {mapping.mapped['applied_on']!r} "
                f"({shown}); dates must look like 2025-01-31"
            )
        valid_clients = _count_dispositions(cur, result, staged, "checked", "client")
        if client is None and mapping.indexes.get("client") is not None:
            result.client = f"{valid_clients} clients from the file's client column"
        cur.execute("create or replace temp view valid_rows as from checked where disposition = 'valid'")
        cur.execute("drop table staged")  # its content lives on in checked.raw; free the memory
        cur.execute(_row_events_sql())
    meter.step("checked")

    if _refused_for_rejects(cur, path, result, strict, dry_run, started):
        return

    def merge(run_id: int) -> None:
        _run_steps(cur, APPLICATION_MERGE_STEPS, {"run_id": run_id, "source": source})
        totals = cur.execute(
            "with touched as (select distinct application_id from event_changes) "
            "select count(*) filter (where not c.existed),"
            " count(*) filter (where c.existed and (c.content_changed or t.application_id is not null)),"
            " count(*) filter (where c.existed and not c.content_changed and t.application_id is null) "
            "from app_changes as c left join touched as t using (application_id)"
        ).fetchone()
        result.inserted, result.updated, result.unchanged = (int(v) for v in totals)
        event_totals = cur.execute(
            "select count(*) filter (where not existed), count(*) filter (where existed) from event_changes"
        ).fetchone()
        result.events_inserted, result.events_updated = (int(v) for v in event_totals)

    _write_in_transaction(cur, path, staged, result, dry_run, started, "checked", merge)
    meter.step(f"{result.inserted:,} inserted, {result.updated:,} updated")


def _count_dispositions(
    cur: duckdb.DuckDBPyConnection, result: IngestResult, staged: readers.StagedFile, table: str, key: str
) -> int:
    """Fill rejects, rejected, skipped and skip reasons from a judged table; return the distinct
    `key` values (clients, matched applications) among its valid rows."""
    _collect_rejects(cur, result, table)
    counts = cur.execute(
        "select count(*) filter (where disposition = 'rejected'),"
        " count(*) filter (where disposition like 'skip:%'),"
        f" count(distinct {key}) filter (where disposition = 'valid') from {table}"
    ).fetchone()
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
            cur.execute("rollback")
            raise


def _refused_for_rejects(
    cur: duckdb.DuckDBPyConnection, path: Path, result: IngestResult, strict: bool, dry_run: bool, started: dt.datetime
) -> bool:
    """Refuse the file when --strict meets a reject, or when no row at all is usable.

    The refused run is recorded with its rejects, so `status` can show what was wrong.
    """
    if result.rejected and strict:
        result.message = f"--strict: {result.rejected} rows rejected, nothing loaded"
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
        "occurred_on_raw is not null and occurred_on is null",
        "occurred_on",
        "occurred_on_raw",
        "'not a date (expected YYYY-MM-DD)'",
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
        md5(application_id || '|' || event || '|' || coalesce(cast(round as varchar), '0')
            || '|log|' || coalesce(cast(occurred_on as varchar), '')) as event_id,
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
    client: str | None,
    strict: bool,
    dry_run: bool,
    meter: _Progress,
    started: dt.datetime,
) -> None:
    mapping = map_columns(staged.header, EVENT_FIELDS)
    result.columns = {"mapped": mapping.mapped, "ignored": mapping.ignored}
    _require(mapping, path, ["event"], [])
    if "application_id" not in mapping.mapped and not {"company", "applied_on"} <= mapping.mapped.keys():
        raise InputError(
            f"{path.name}: missing column: application_id (or company, role and applied_on to find the application)"
        )
    c = lambda name: _col(mapping, name)  # noqa: E731
    raw_sql, raw_params = _raw_json_sql(staged.header)
    client_sql, client_params = _client_sql(f"bb_blank({_col(mapping, 'client')})", client)
    with translate_errors("normalising the events failed"):
        cur.execute(
            f"""
            create or replace temp table event_rows as
            select s.line,
                   {client_sql} as client,
                   bb_blank({c("application_id")}) as ref_id,
                   lower(regexp_replace(bb_blank({c("company")}), '\\s+', ' ', 'g')) as company_key,
                   lower(regexp_replace(bb_blank({c("role")}), '\\s+', ' ', 'g')) as role_key,
                   bb_date({c("applied_on")}) as applied_key,
                   bb_event({c("event")}) as event, bb_blank({c("event")}) as event_raw,
                   bb_date({c("occurred_on")}) as occurred_on,
                   bb_blank({c("occurred_on")}) as occurred_on_raw,
                   try_cast(bb_blank({c("round")}) as integer) as round,
                   bb_blank({c("round")}) as round_raw,
                   bb_blank({c("detail")}) as detail,
                   {raw_sql} as raw,
                   ({" and ".join(f"s.c{i} is null" for i in range(len(staged.header)))}) as blank_row
            from staged as s
            """,
            [*client_params, *raw_params],
        )
        cur.execute(
            """
            create or replace temp table event_matches as
            select r.line, a.application_id, a.applied_on
            from event_rows as r
            join applications as a
              on a.client = r.client
             and (
                  (r.ref_id is not null and (a.application_id = r.ref_id or a.source_key = 'id:' || r.ref_id))
               or (r.ref_id is null
                   and coalesce(lower(regexp_replace(a.company, '\\s+', ' ', 'g')), '') = coalesce(r.company_key, '')
                   and (r.role_key is null or lower(regexp_replace(a.role, '\\s+', ' ', 'g')) = r.role_key)
                   and a.applied_on = r.applied_key)
             )
            """
        )
        cur.execute(_CHECKED_EVENTS_SQL.replace("{event_problems}", _problems_sql(_EVENT_PROBLEMS)))
        matched = _count_dispositions(cur, result, staged, "checked_events", "application_id")
        result.notes.append(f"events matched {matched} applications")
    meter.step("checked")

    if _refused_for_rejects(cur, path, result, strict, dry_run, started):
        return

    def merge(run_id: int) -> None:
        _run_steps(cur, EVENTS_MERGE_STEPS, {"run_id": run_id, "source": "events"})
        totals = cur.execute(
            "select count(*) filter (where not existed), count(*) filter (where detail_changed),"
            " count(*) filter (where existed and not detail_changed) from valid_events"
        ).fetchone()
        result.inserted, result.updated, result.unchanged = (int(v) for v in totals)
        result.events_inserted, result.events_updated = result.inserted, result.updated

    _write_in_transaction(cur, path, staged, result, dry_run, started, "checked_events", merge)
