"""Everything decided about a file before its rows are judged: which column is which field (a remembered
mapping first, then --map), the status column among several, --value-map, and each date column's format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, LiteralString

import duckdb

from pipelines import sqltext
from pipelines.errors import InputError
from pipelines.load import readers
from pipelines.load.columns import (
    CANONICAL_COLUMNS,
    DATE_FIELDS,
    FIELD_NAMES,
    ColumnMapping,
    SourceSpec,
    column_overrides,
    header_token,
    map_columns,
)
from pipelines.load.dates import DateColumn, build_date_lookups, date_like_columns, order_contradiction
from pipelines.load.status_column import StatusCandidate, choose_status_column
from pipelines.rows import one_row
from pipelines.sqltext import Sql, compose, fixed, join
from pipelines.store.db import translate_errors

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult, LoadOptions


DEFAULT_CLIENT = "me"


# what a channel is read as (bb_channel in normalise.sql); a --value-map for channel names one of them
CHANNEL_NAMES = ("job_board", "company_site", "referral", "recruiter", "agency", "linkedin_easy_apply", "other")


# --value-map "FIELD:TEXT=VALUE": the fields whose values are looked up, each with what a value map's
# text is matched by. A map matches its own text only: Unicode-folded like a --status-map
# (bb_status_key), and a resume name with its punctuation (`resume (2).pdf` is not `resume(2).pdf`).
# Each key is a template of pipelines.sqltext.compose, `{value}` the text it keys.
VALUE_MAP_KEYS: dict[str, LiteralString] = {
    "channel": "bb_status_key({value})",
    "industry": "bb_status_key({value})",
    "resume_version": "regexp_replace(lower(nfc_normalize(trim({value}))), '\\s+', ' ', 'g')",
}


def value_map_key(field_name: str, value_sql: Sql) -> Sql:
    """What a --value-map text of `field_name` is matched by, for the text `value_sql`."""
    return compose(VALUE_MAP_KEYS[field_name], value=value_sql)


# the lookup table pipelines/load/dates.py writes for a date column: dl_<field>, for the date fields
# of an applications file and of an events file (its occurred_on)
DATE_LOOKUP_TABLES: frozenset[str] = frozenset(f"dl_{field_name}" for field_name in (*DATE_FIELDS, "occurred_on"))


def field_sql(field_name: str) -> Sql:
    """A field's name as SQL: a column of the load's tables (`company`, `company_raw`), a reject's column."""
    return sqltext.name(field_name, FIELD_NAMES)


def date_table(column: DateColumn) -> Sql:
    """The name of a date column's lookup table, as SQL."""
    return sqltext.name(column.table, DATE_LOOKUP_TABLES)


def staging_column(index: int) -> Sql:
    """Column `index` of temp table `staged` (c0, c1, ...): a name made of a number, never of the file."""
    return compose("c{index}", index=index)


def staging_names(count: int) -> frozenset[str]:
    """The names of the columns of a `staged` table with `count` columns (c0 .. c<count - 1>)."""
    return frozenset(f"c{index}" for index in range(count))


def all_blank_sql(count: int) -> Sql:
    """True for a staged row whose `count` cells are all blank (null)."""
    return join((compose("s.c{index} is null", index=index) for index in range(count)), " and ")


@dataclass
class Plan:
    """Everything decided about a file before its rows are judged."""

    spec: SourceSpec
    mapping: ColumnMapping
    header: list[str]
    client: str | None
    dates: dict[str, DateColumn]
    status_map: dict[str, str] = field(default_factory=dict)
    value_map: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {text: value}


def row_client_sql(client_column_sql: Sql, client: str | None) -> tuple[Sql, dict[str, Any]]:
    """Whose application a row is: --client when given, else the file's client column, else 'me'."""
    if client is not None:
        return fixed("cast($client as varchar)"), {"client": client}
    return compose("coalesce({column}, $client)", column=client_column_sql), {"client": DEFAULT_CLIENT}


def column_sql(mapping: ColumnMapping, field_name: str) -> Sql:
    """The staging column for a field, or a NULL literal when the file lacks it."""
    index = mapping.indexes.get(field_name)
    return compose("s.c{index}", index=index) if index is not None else fixed("cast(null as varchar)")


def raw_json_sql(header: list[str], mapping: ColumnMapping) -> tuple[Sql, dict[str, Any]]:
    """json_object($h0, s.c0, ...): header names go in as parameters, never as SQL.

    Personal columns (the user's own e-mail and phone in an export) are left out entirely.
    """
    kept = [i for i, column in enumerate(header) if column not in mapping.dropped]
    parts = join(compose("$h{index}, s.c{index}", index=i) for i in kept)
    return compose("json_object({parts})", parts=parts), {f"h{i}": header[i] for i in kept}


def parse_value_map(values: list[str] | None, option: str = "--value-map") -> dict[str, dict[str, str]]:
    """`--value-map "channel:Company careers site=company_site"` -> {"channel": {"Company careers site":
    "company_site"}} (later ones win). The field ends at the first ":", the value starts after the last
    "=": the text between may hold either. What the field and the value may be: check_value_map."""
    parsed: dict[str, dict[str, str]] = {}
    for entry in values or []:
        name, colon, rest = entry.partition(":")
        text, equals, value = rest.rpartition("=")
        if not colon or not equals or not name.strip() or not text.strip():
            example = f'{option} "channel:Company careers site=company_site"'
            raise InputError(f'{option} {entry!r}: expected "FIELD:TEXT=VALUE", e.g. {example}')
        parsed.setdefault(header_token(name), {})[text.strip()] = value.strip()
    return parsed


def check_value_map(value_map: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
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


def _header_key(header: list[str], client: str | None) -> str:
    """Files with the same columns (case, spaces and punctuation aside) share a remembered mapping,
    per client when the load names one: one person's confirmed reading of their sheet never changes
    how somebody else's file with the same header is read."""
    tokens = [header_token(name) for name in header]
    return json.dumps(tokens if client is None else {"client": client, "columns": tokens})


def remembered_maps(
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


def remember_maps(
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


def plan_file(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    options: LoadOptions,
    spec: SourceSpec,
) -> tuple[Plan, dict[str, str], dict[str, str]]:
    """Map the columns (remembered or given mapping first) and read every date column's format."""
    column_map, status_map, value_map = _merged_maps(cur, staged, result, options)
    overrides = column_overrides(column_map)
    forced = {header_token(name) for name in overrides}
    status_candidates = _choose_status_column(cur, staged.header, spec, overrides, result)
    if status_candidates:
        overrides = {**overrides, status_candidates[0].column: "status"}
    mapping, dates = _map_and_read_dates(cur, path, staged, result, options, spec, overrides, forced)
    # --date-order against values that prove the other order would reject them and swap the rest
    contradiction = order_contradiction(dates, options.date_order) if options.date_order else None
    if contradiction:
        raise InputError(f"{path.name}: {contradiction}")
    if spec.unmap_dateless:
        _unmap_dateless(dates, mapping, forced, result)
    _describe_plan(cur, path, mapping, dates, status_candidates, result)
    return (
        Plan(
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


def _merged_maps(
    cur: duckdb.DuckDBPyConnection, staged: readers.StagedFile, result: IngestResult, options: LoadOptions
) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]]]:
    """The column, status and value maps remembered for this header, each with the load's own on top."""
    header = staged.file_header or staged.header
    column_map, status_map, value_map, saved_at = remembered_maps(cur, header, options.client)
    result.header = list(staged.header)
    _note_remembered(result, saved_at, value_map)
    given_values = check_value_map(options.value_map)
    merged_values = {
        name: {**value_map.get(name, {}), **given_values.get(name, {})}
        for name in VALUE_MAP_KEYS
        if value_map.get(name) or given_values.get(name)
    }
    return {**column_map, **options.column_map}, {**status_map, **options.status_map}, merged_values


def _map_and_read_dates(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    options: LoadOptions,
    spec: SourceSpec,
    overrides: dict[str, str | None],
    forced: set[str],
) -> tuple[ColumnMapping, dict[str, DateColumn]]:
    """Which column is which field, and how each date column's dates read; refused without the
    columns an application needs. A dateless applied column (`Applied?`) gives way to the next."""
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
            require_columns(mapping, path, ["applied_on"], ["company", "role"], spec.fields, suggestions)
        date_columns = [
            (name, mapping.mapped[name], f"c{mapping.indexes[name]}") for name in DATE_FIELDS if name in mapping.indexes
        ]
        dates = build_date_lookups(
            cur, date_columns, order=options.date_order or spec.date_order, order_reason=order_reason
        )
        applied = dates.get("applied_on")
        # `Applied?` (yes/no) beats `Date` by name; when it holds no dates, the next candidate is tried
        if not spec.unmap_dateless or applied is None or applied.has_dates or header_token(applied.column) in forced:
            return mapping, dates
        candidates = [
            name
            for name in staged.header
            if header_token(name) in spec.fields["applied_on"] and name != applied.column and name not in overrides
        ]
        if not candidates:
            return mapping, dates  # nothing better: the load refuses it later, with examples of what it holds
        overrides = {**overrides, applied.column: None}
        result.notes.append(f"column {applied.column!r} holds no dates, so it was not read as applied_on")


def _describe_plan(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: ColumnMapping,
    dates: dict[str, DateColumn],
    status_candidates: list[StatusCandidate],
    result: IngestResult,
) -> None:
    """What the result says of the plan: the columns, the status candidates, the date formats."""
    result.columns = mapping.to_json()
    result.columns["status_candidates"] = [candidate.to_json() for candidate in status_candidates]
    # the fields whose column holds a value in some row: what this file's log records (a column blank
    # in every row records nothing). Stored with the run for pipelines/analyse/recorded.py.
    if mapping.indexes:
        result.columns["filled"] = _filled_fields(cur, path, mapping)
    result.dates = {name: column.to_json() for name, column in dates.items()}
    for column in dates.values():
        if column.decided_by.startswith("AMBIGUOUS"):
            result.notes.append(f"column {column.column!r}: {column.decided_by}")


def _note_remembered(result: IngestResult, saved_at: Any, value_map: dict[str, dict[str, str]]) -> None:
    """Say that a remembered mapping was used, and when it was confirmed."""
    if saved_at is None:
        return
    remembered_values = [(name, text, value) for name, texts in value_map.items() for text, value in texts.items()]
    values = ""
    if remembered_values:
        shown = ", ".join(f"{name} {shortened(text)!r} as {value}" for name, text, value in remembered_values[:3])
        more = f" and {len(remembered_values) - 3} more" if len(remembered_values) > 3 else ""
        values = f", with your value maps ({shown}{more})"
    result.notes.append(
        f"used the mapping you confirmed for this header on {saved_at:%Y-%m-%d}{values}"
        " (--map / --status-map / --value-map change it)"
    )


def _unmap_dateless(
    dates: dict[str, DateColumn], mapping: ColumnMapping, forced: set[str], result: IngestResult
) -> None:
    # A spreadsheet column named like a stage (`Recruiter`, `Phone`, `Onsite`) that holds no date is
    # about something else: a name, or yes/no that may mean "the job is on site". Not used, and said so.
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


def _filled_fields(cur: duckdb.DuckDBPyConnection, path: Path, mapping: ColumnMapping) -> list[str]:
    with translate_errors(f"reading {path.name} failed"):
        counts = join(compose("count(bb_blank(c{index}))", index=index) for index in mapping.indexes.values())
        filled = one_row(cur.execute(compose("select {counts} from staged", counts=counts)))
    return sorted(name for name, n in zip(mapping.indexes, filled, strict=True) if n)


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
            f' statuses, against {lost} (--map "COLUMN=status" to choose another)'
        )
    return candidates


def require_columns(
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
    shown = ", ".join(f"{shortened(name)!r} ({share:.0%} of rows read as dates)" for name, share in found)
    first = found[0][0]
    flag = f'--map "{first}=applied_on"'
    if len(first) > 60:
        flag = '--map "COLUMN=applied_on" (COLUMN: the first one\'s full name)'
    return f"; the file's columns that hold dates: {shown}; try {flag}"


def shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
