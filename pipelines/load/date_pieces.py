"""The SQL that reads one date value: split into pieces (two dates in a cell), each piece classified
(ISO, numeric, day-month, month-day, a bound, yes/no, ...) and made a date once the column's day/month
order is known. pipelines/load/dates.py runs it over the distinct values of a column.
"""

from __future__ import annotations

from typing import LiteralString

from pipelines.sqltext import Sql, compose, fixed

# Separators between two dates in one cell. A comma is not one: `11/13/23, 9:42 AM` is one date.
# A plus only between spaces: `2025-01-31T23:30:00+05:00` is one date.
_SPLIT = r"\s*(?:&|\band\b|;|\s\+\s|\bthen\b|\s/\s)\s*"
_ISO = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t].*)?$"
_NUMERIC = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:(?:,\s*|\s+|t).*)?$"
_DAY_MONTH = r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]{3,9})\.?(?:[\s\-/.,]+(\d{4}|\d{2}))?$"
# month then day needs a space (`Jul 8`, `July 8th, 2019`): `Jan-25` is Excel's month-year display
_MONTH_DAY = r"^(?:[a-z]{3,9},?\s+)?([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?[\s\-/.]+(\d{4}))?(?:\s+\d.*)?$"
_MONTH_YEAR = r"^[a-z]{3,9}\.?[\s\-/.]*(?:\d{2}|\d{4})$"
_BOUND = r"^(?:before|after|by|until|around|about|approx\.?|approximately|circa|ca\.|~|<=?|>=?)\s*\d"
_YES = ("y", "yes", "true", "t", "x", "done", "✓", "✔")
_NO = ("n", "no", "false", "f", "none")
# what the pieces query (PIECES_SQL) is given as parameters: the patterns above, never SQL text
PIECE_PARAMETERS: dict[str, str | list[str]] = {
    "split": _SPLIT,
    "iso": _ISO,
    "numeric": _NUMERIC,
    "day_month": _DAY_MONTH,
    "month_day": _MONTH_DAY,
    "month_year": _MONTH_YEAR,
    "bound": _BOUND,
    "yes": list(_YES),
    "no": list(_NO),
}

# Temp table {table}: every distinct value of the column {staging}, split into pieces, each classified
# (the patterns are the parameters PIECE_PARAMETERS)
PIECES_SQL: LiteralString = r"""
create or replace temp table {table} as
with vals as (
    select distinct bb_blank({staging}) as raw from staged where bb_blank({staging}) is not null
),
split as (
    select raw, len(pieces) as piece_count,
           unnest(list_transform(pieces, lambda piece, i: {{'text': trim(piece), 'no': i}})) as p
    from (
        select raw, list_filter(string_split_regex(lower(raw), $split), lambda x: trim(x) <> '') as pieces
        from vals
    )
),
extracted as (
    select raw, piece_count, p.no as piece_no, p.text as piece,
           regexp_extract(p.text, $iso, ['y', 'm', 'd']) as iso,
           regexp_extract(p.text, $numeric, ['a', 'b', 'y']) as num,
           regexp_extract(p.text, $day_month, ['d', 'mon', 'y']) as dmon,
           regexp_extract(p.text, $month_day, ['mon', 'd', 'y']) as mond
    from split
),
months as (
    select *,
        -- a month name: its first three letters name a month and the word is a prefix of that name
        list_position(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
                      left(dmon.mon, 3)) as dmon_month,
        list_position(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
                      left(mond.mon, 3)) as mond_month
    from extracted
),
named as (
    select *,
        coalesce(dmon_month is not null and (starts_with(
            ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
             'october', 'november', 'december'][dmon_month], dmon.mon) or dmon.mon = 'sept'), false) as dmon_ok,
        coalesce(mond_month is not null and (starts_with(
            ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
             'october', 'november', 'december'][mond_month], mond.mon) or mond.mon = 'sept'), false) as mond_ok
    from months
)
select raw, piece_count, piece_no, piece,
    case
        when iso.y <> '' then 'iso'
        when num.a <> '' then 'numeric'
        when dmon.d <> '' and dmon_ok then 'day_month'
        when mond.d <> '' and mond_ok then 'month_day'
        when regexp_matches(piece, $bound) then 'bound'
        when regexp_matches(piece, $month_year) then 'month_year'
        when list_contains($yes, piece) then 'yes'
        when list_contains($no, piece) then 'no'
        else 'bad'
    end as kind,
    -- numeric dates keep both numbers until the column's day/month order is decided
    cast(nullif(num.a, '') as integer) as a,
    cast(nullif(num.b, '') as integer) as b,
    case
        when iso.y <> '' then cast(iso.y as integer)
        when num.y <> '' then cast(num.y as integer)
        when dmon.d <> '' and dmon_ok then cast(nullif(dmon.y, '') as integer)
        when mond.d <> '' and mond_ok then cast(nullif(mond.y, '') as integer)
    end as year_written,
    case
        when iso.y <> '' then cast(iso.m as integer)
        when dmon.d <> '' and dmon_ok then dmon_month
        when mond.d <> '' and mond_ok then mond_month
    end as month,
    case
        when iso.y <> '' then cast(iso.d as integer)
        when dmon.d <> '' and dmon_ok then cast(dmon.d as integer)
        when mond.d <> '' and mond_ok then cast(mond.d as integer)
    end as day,
    contains(piece, ':') as has_time
from named
"""


def year_sql(year_written: Sql) -> Sql:
    """Two-digit years: 00-69 are 2000s, 70-99 are 1900s (the rule spreadsheets use)."""
    return compose(
        "case when {year} is null then null when {year} < 70 then 2000 + {year} "
        "when {year} < 100 then 1900 + {year} else {year} end",
        year=year_written,
    )


def make_date(year: Sql, month: Sql, day: Sql) -> Sql:
    return compose(
        "try_cast(printf('%04d-%02d-%02d', {year}, {month}, {day}) as date)", year=year, month=month, day=day
    )


def dated_sql(pieces: Sql, order: str) -> Sql:
    """Each piece with its date under the column's order (null where it is not a full date)."""
    month, day = (fixed("a"), fixed("b")) if order == "mdy" else (fixed("b"), fixed("a"))
    year = year_sql(fixed("year_written"))
    return compose(
        """
select *,
    case
        when kind = 'numeric' then {written_order}
        when kind in ('iso', 'day_month', 'month_day') and year_written is not null
            then {named_month}
    end as full_date,
    case when kind = 'numeric' then {swapped_order} end as swapped_date
from {pieces}
""",
        written_order=make_date(year, month, day),
        named_month=make_date(year, fixed("month"), fixed("day")),
        swapped_order=make_date(year, day, month),
        pieces=pieces,
    )
