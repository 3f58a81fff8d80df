"""The small per-value tables the row normalisation joins (channel, status, yes/no, spellings), and
what the result says of them (each status text, each value map, each channel value)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, LiteralString

import duckdb

from pipelines.load.plan import Plan, field_sql, staging_column, value_map_key
from pipelines.load.trackers import status_words_table
from pipelines.sqltext import Sql, compose, fixed

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult


# fields whose spelling variants are merged (`Linkedin`/`LinkedIn`, `Otter Jobs`/`OtterJobs`): the
# key that decides which spellings are one value; the most written spelling names them all. Each key
# is a template of pipelines.sqltext.compose, `{value}` the spelling it keys.
UNIFIED_FIELDS: dict[str, LiteralString] = {
    "industry": "regexp_replace(lower({value}), '[^a-z0-9]+', '', 'g')",
    "channel": "regexp_replace(lower({value}), '[^a-z0-9]+', '', 'g')",
    # resume names are file names: `resume (2).pdf` and `resume(2).pdf` stay two versions
    "resume_version": "regexp_replace(lower({value}), '\\s+', ' ', 'g')",
}


BOOL_FIELDS = ("cover_letter", "referral", "one_click")


VALUES_REPORTED = 1000  # the distinct channel values a result lists (a file has a few dozen)


def lookup_sql(table: Sql, value_sql: Sql, select_sql: Sql) -> Sql:
    """A small table mapping each distinct raw value of a column to its normalised value.

    Normalising the few distinct spellings of a channel or status once, then joining, costs a
    fraction of running the string rules on every one of a million rows.
    """
    return compose(
        "create or replace temp table {table} as "
        "select raw, {select} from (select distinct bb_blank({value}) as raw from staged) "
        "where raw is not null",
        table=table,
        select=select_sql,
        value=value_sql,
    )


def lookup_table(name: str) -> Sql:
    """The lookup table of a field (`channel_lookup`), which the row normalisation joins."""
    return compose("{field}_lookup", field=field_sql(name))


def _unified_sql(name: str, staging_sql: Sql, stored_column: Sql) -> Sql:
    """Temp table <field>_unified: spelling variants of one value, merged under one spelling.

    The spelling already stored for that value wins, so a later file cannot rename it; a new
    value takes the spelling its file writes most often.
    """
    key = UNIFIED_FIELDS[name]
    return compose(
        """
create or replace temp table {field}_unified as
with spellings as (
    select bb_blank({staging}) as raw, count(*) as uses
    from staged
    where bb_blank({staging}) is not null
    group by all
),
keyed as (
    select raw, uses, coalesce(nullif({key}, ''), raw) as key from spellings
),
stored as (
    select coalesce(nullif({stored_key}, ''), stored) as key, min(stored) as spelling
    from (select distinct {stored_column} as stored from applications where {stored_column} is not null)
    group by 1
)
select k.raw, coalesce(s.spelling, first_value(k.raw) over (partition by k.key order by k.uses desc, k.raw)) as value
from keyed as k
left join stored as s using (key)
""",
        field=field_sql(name),
        staging=staging_sql,
        key=compose(key, value=fixed("raw")),
        stored_key=compose(key, value=fixed("stored")),
        stored_column=stored_column,
    )


# the --value-map overrides of one field ($field), by the key its texts are matched by
_OVERRIDES_SQL = fixed(
    "left join (select token, any_value(value) as value from value_overrides where field = $field group by token) as o"
)


def prepare_lookups(cur: duckdb.DuckDBPyConnection, plan: Plan, status_map: dict[str, str]) -> None:
    """The small per-value tables the row normalisation joins (channel, status, yes/no, spellings)."""

    def value_sql(name: str) -> tuple[Sql | None, dict[str, Any]]:
        """The staging column of a field, or its source's constant (as a parameter)."""
        if name in plan.mapping.indexes:
            return staging_column(plan.mapping.indexes[name]), {}
        if name in plan.spec.constants:
            return fixed("cast($constant as varchar)"), {"constant": plan.spec.constants[name]}
        return None, {}

    # --value-map: what a value of the file is read as, matched by its own text (VALUE_MAP_KEYS)
    cur.execute(
        "create or replace temp table value_overrides (field varchar, text varchar, token varchar, value varchar)"
    )
    for name, texts in plan.value_map.items():
        cur.executemany(
            compose(
                "insert into value_overrides select $1, $2, {token}, $3",
                token=value_map_key(name, fixed("cast($2 as varchar)")),
            ),
            [[name, text, value] for text, value in texts.items()],
        )
    for name in UNIFIED_FIELDS:
        column, params = value_sql(name)
        if column is None:
            continue
        stored_column = fixed("channel_raw") if name == "channel" else field_sql(name)
        cur.execute(_unified_sql(name, column, stored_column), params)
        _unified_lookup(cur, name)
    for name in BOOL_FIELDS:
        column, params = value_sql(name)
        if column is not None:
            # `Referred by: Jane Roe` - a name where a yes/no would be means yes ("none": no, "?": unknown)
            flag = fixed("bb_referral(raw) as flag") if name == "referral" else fixed("bb_bool(raw) as flag")
            cur.execute(lookup_sql(lookup_table(name), column, flag), params)
    column, params = value_sql("status")
    if column is not None:
        status_words_table(cur, "status_overrides", status_map)
        cur.execute(
            lookup_sql(
                fixed("status_classified"),
                column,
                fixed(
                    "bb_classify_status(raw) as classified, (select any_value(o.status) from status_overrides as o"
                    " where o.token = bb_status_key(raw)) as chosen"
                ),
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


def _unified_lookup(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """A unified field's lookup table: each spelling's value, a --value-map's where one matches."""
    # the match key comes from VALUE_MAP_KEYS (ours); the field, the texts and the values are data
    overrides = compose(
        "{overrides} on o.token = {key}", overrides=_OVERRIDES_SQL, key=value_map_key(name, fixed("u.raw"))
    )
    if name == "channel":
        cur.execute(
            compose(
                "create or replace temp table channel_lookup as "
                "select u.raw, u.value, coalesce(o.value, bb_channel(u.value)) as channel,"
                " o.value is not null as mapped from channel_unified as u {overrides}",
                overrides=overrides,
            ),
            {"field": name},
        )
    else:
        cur.execute(
            compose(
                "create or replace temp table {lookup} as select u.raw, coalesce(o.value, u.value) as value,"
                " o.value is not null as mapped from {field}_unified as u {overrides}",
                lookup=lookup_table(name),
                field=field_sql(name),
                overrides=overrides,
            ),
            {"field": name},
        )


def report_statuses(cur: duckdb.DuckDBPyConnection, plan: Plan, result: IngestResult) -> None:
    """How each status text was understood, with its row count; the ones not understood apart."""
    rows = cur.execute(
        compose(
            """
        select l.raw, l.status, l.via, l.how, count(*) as rows
        from staged as s
        join status_lookup as l on l.raw = bb_blank(s.{staging})
        group by all
        order by rows desc, l.raw
        """,
            staging=staging_column(plan.mapping.indexes["status"]),
        )
    ).fetchall()
    result.statuses = [
        {"text": text, "status": status, "via": via, "how": how, "rows": count}
        for text, status, via, how, count in rows
    ]
    result.unclassified_statuses = {text: count for text, status, _, _, count in rows if status is None}


def report_values(
    cur: duckdb.DuckDBPyConnection, plan: Plan, result: IngestResult, given: dict[str, dict[str, str]]
) -> None:
    """Each value map with the rows it matched (given or remembered), and every channel value of the
    file with what it is read as (the dashboard's table to correct them). Reads `staged`."""

    def value_sql(name: str) -> tuple[Sql | None, dict[str, Any]]:
        if name in plan.mapping.indexes:
            return compose("bb_blank(s.{staging})", staging=staging_column(plan.mapping.indexes[name])), {}
        if name in plan.spec.constants:
            return fixed("bb_blank(cast($constant as varchar))"), {"constant": plan.spec.constants[name]}
        return None, {}

    for name, texts in plan.value_map.items():
        column, params = value_sql(name)
        counts: dict[str, int] = {}
        if column is not None:
            # the lookup and the match key are ours (UNIFIED_FIELDS, VALUE_MAP_KEYS); texts are data
            rows = cur.execute(
                compose(
                    """
                with counted as (
                    select l.raw, count(*) as rows
                    from staged as s join {lookup} as l on l.raw = {column}
                    where l.mapped group by l.raw
                )
                select o.text, coalesce(sum(c.rows), 0)
                from value_overrides as o
                left join counted as c on o.token = {key}
                where o.field = $field
                group by o.text
                """,
                    lookup=lookup_table(name),
                    column=column,
                    key=value_map_key(name, fixed("c.raw")),
                ),
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
            compose(
                """
            select l.raw, l.channel, l.mapped, count(*) as rows
            from staged as s join channel_lookup as l on l.raw = {column}
            group by all
            order by rows desc, l.raw
            limit {limit}
            """,
                column=column,
                limit=VALUES_REPORTED,
            ),
            params,
        ).fetchall()
        result.channels = [
            {"text": text, "channel": channel, "how": "your value map" if mapped else None, "rows": count}
            for text, channel, mapped, count in rows
        ]
