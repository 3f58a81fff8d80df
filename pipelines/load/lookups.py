"""The small per-value tables the row normalisation joins (channel, status, yes/no, spellings), and
what the result says of them (each status text, each value map, each channel value)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from pipelines.load.plan import VALUE_MAP_KEYS, Plan
from pipelines.load.trackers import status_words_table

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult


# fields whose spelling variants are merged (`Linkedin`/`LinkedIn`, `Otter Jobs`/`OtterJobs`): the
# key that decides which spellings are one value; the most written spelling names them all.
UNIFIED_FIELDS: dict[str, str] = {
    "industry": "regexp_replace(lower(raw), '[^a-z0-9]+', '', 'g')",
    "channel": "regexp_replace(lower(raw), '[^a-z0-9]+', '', 'g')",
    # resume names are file names: `resume (2).pdf` and `resume(2).pdf` stay two versions
    "resume_version": "regexp_replace(lower(raw), '\\s+', ' ', 'g')",
}


BOOL_FIELDS = ("cover_letter", "referral", "one_click")


VALUES_REPORTED = 1000  # the distinct channel values a result lists (a file has a few dozen)


def lookup_sql(table: str, value_sql: str, select_sql: str) -> str:
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


def prepare_lookups(cur: duckdb.DuckDBPyConnection, plan: Plan, status_map: dict[str, str]) -> None:
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
            cur.execute(lookup_sql(f"{name}_lookup", column, f"{flag} as flag"), params)
    column, params = value_sql("status")
    if column is not None:
        status_words_table(cur, "status_overrides", status_map)
        cur.execute(
            lookup_sql(
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


def report_statuses(cur: duckdb.DuckDBPyConnection, plan: Plan, result: IngestResult) -> None:
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


def report_values(
    cur: duckdb.DuckDBPyConnection, plan: Plan, result: IngestResult, given: dict[str, dict[str, str]]
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
