"""Reading the dates people write, decided one column at a time from all of its values.

A personal log holds `2025-01-31`, `1/31/2025`, `31/01/2025`, `8-Jul`, `Jul 8, 2019`,
`11/13/23, 9:42 AM`, typos (`8/82019`), two dates in a cell (`8/5/2019 & 8/14/2019`) and bounds
(`Before 2025-01-24`). Each date column gets one reading, chosen from the whole column:

- Day/month order: a value whose first number is over 12 (`15/01/2025`) proves D/M/Y; one whose
  second number is over 12 proves M/D/Y. A column without proof takes the order another column of
  the file proved; failing that, the order in which the dates run down the file (logs grow
  downwards); failing that M/D/Y, and the report says the order was a default.
- No year (`8-Jul`): the year is inferred only when exactly one year puts the date inside the span
  of the file's full dates; otherwise the value is rejected with that reason.
- Two dates in one cell: two events (the loader decides what a second date means per column).
- Bounds (`Before 2025-01-24`) are rejected, not guessed: a bound is not a date.
- Yes/no in a stage column (`Phone screen: y`): the stage was reached, date unknown.

All parsing is SQL over the DISTINCT values of a column (a log of a million rows has a few thousand
distinct dates), written to a small lookup table the load joins: no per-row Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field  # DateColumn has a field named `field`
from typing import Any

import duckdb

from pipelines.rows import one_row

DATE_ORDERS = ("mdy", "dmy")
_ORDER_LABEL = {"mdy": "M/D/Y", "dmy": "D/M/Y"}

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


@dataclass
class DateColumn:
    """How one column's dates were read; `table` is its lookup (raw -> dates, yes, problem)."""

    field: str
    column: str
    staging: str
    table: str
    format: str = ""
    order: str | None = None
    decided_by: str = ""
    distinct_values: int = 0
    unreadable_values: int = 0
    year_inferred: int = 0
    has_dates: bool = False  # at least one real date (a yes/no column has none)
    several: bool = False  # some cell holds more than one date
    says_yes: bool = False  # some cell says yes (stage reached, no date)
    kinds: dict[str, int] = dataclass_field(default_factory=dict, repr=False)
    # per order (mdy / dmy): how many values only that order reads, and the first few of them (sorted)
    proof: dict[str, int] = dataclass_field(default_factory=dict, repr=False)
    proof_values: dict[str, list[str]] = dataclass_field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "format": self.format,
            "order": self.order,
            "decided_by": self.decided_by,
            "distinct_values": self.distinct_values,
            "unreadable_values": self.unreadable_values,
            "year_inferred": self.year_inferred,
        }


def _pieces_sql(staging: str, table: str) -> str:
    """Temp table `table`: every distinct value of the column, split into pieces, each classified."""
    return rf"""
create or replace temp table {table} as
with vals as (
    select distinct bb_blank({staging}) as raw from staged where bb_blank({staging}) is not null
),
split as (
    select raw, len(pieces) as piece_count,
           unnest(list_transform(pieces, lambda piece, i: {{'text': trim(piece), 'no': i}})) as p
    from (
        select raw, list_filter(string_split_regex(lower(raw), '{_SPLIT}'), lambda x: trim(x) <> '') as pieces
        from vals
    )
),
extracted as (
    select raw, piece_count, p.no as piece_no, p.text as piece,
           regexp_extract(p.text, '{_ISO}', ['y', 'm', 'd']) as iso,
           regexp_extract(p.text, '{_NUMERIC}', ['a', 'b', 'y']) as num,
           regexp_extract(p.text, '{_DAY_MONTH}', ['d', 'mon', 'y']) as dmon,
           regexp_extract(p.text, '{_MONTH_DAY}', ['mon', 'd', 'y']) as mond
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
        when regexp_matches(piece, '{_BOUND}') then 'bound'
        when regexp_matches(piece, '{_MONTH_YEAR}') then 'month_year'
        when piece in {_YES!r} then 'yes'
        when piece in {_NO!r} then 'no'
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


def _year(year_written: str) -> str:
    """Two-digit years: 00-69 are 2000s, 70-99 are 1900s (the rule spreadsheets use)."""
    return (
        f"case when {year_written} is null then null when {year_written} < 70 then 2000 + {year_written} "
        f"when {year_written} < 100 then 1900 + {year_written} else {year_written} end"
    )


def _make_date(year: str, month: str, day: str) -> str:
    return f"try_cast(printf('%04d-%02d-%02d', {year}, {month}, {day}) as date)"


def _dated_sql(pieces: str, order: str) -> str:
    """Each piece with its date under the column's order (null where it is not a full date)."""
    month, day = ("a", "b") if order == "mdy" else ("b", "a")
    year = _year("year_written")
    return f"""
select *,
    case
        when kind = 'numeric' then {_make_date(year, month, day)}
        when kind in ('iso', 'day_month', 'month_day') and year_written is not null
            then {_make_date(year, "month", "day")}
    end as full_date,
    case when kind = 'numeric' then {_make_date(year, day, month)} end as swapped_date
from {pieces}
"""


def build_date_lookups(
    cur: duckdb.DuckDBPyConnection,
    columns: Sequence[tuple[str, str, str]],
    *,
    order: str | None = None,
    order_reason: str = "",
) -> dict[str, DateColumn]:
    """Lookup tables `dl_<field>(raw, dates date[], yes boolean, problem varchar)` for each
    (field, header name, staging column) from temp table `staged`.

    order: a day/month order fixed by the caller (a known export format, or --date-order).
    """
    result: dict[str, DateColumn] = {}
    for field_name, header_name, staging in columns:
        column = DateColumn(field=field_name, column=header_name, staging=staging, table=f"dl_{field_name}")
        cur.execute(_pieces_sql(staging, f"dp_{field_name}"))
        # the examples are the first proving values in sorted order: identical runs say the same thing
        stats = one_row(
            cur.execute(
                f"""
            select count(distinct raw),
                   count(*) filter (where kind = 'numeric' and a between 13 and 31),
                   count(*) filter (where kind = 'numeric' and b between 13 and 31),
                   list_sort(list_distinct(coalesce(
                       list(raw) filter (where kind = 'numeric' and a between 13 and 31), [])))[1:3],
                   list_sort(list_distinct(coalesce(
                       list(raw) filter (where kind = 'numeric' and b between 13 and 31), [])))[1:3],
                   count(*) filter (where kind = 'numeric' and a <> b)
            from dp_{field_name}
            """
            )
        )
        column.distinct_values = int(stats[0])
        column.kinds = dict(
            cur.execute(f"select kind, count(*) from dp_{field_name} group by kind order by 2 desc, 1").fetchall()
        )
        day_first, month_first, ambiguous = int(stats[1]), int(stats[2]), stats[5]
        column.proof = {"dmy": day_first, "mdy": month_first}
        column.proof_values = {"dmy": list(stats[3]), "mdy": list(stats[4])}
        day_first_example = column.proof_values["dmy"][0] if day_first else None
        month_first_example = column.proof_values["mdy"][0] if month_first else None
        if order:
            column.order, column.decided_by = order, order_reason
        elif day_first and not month_first:
            column.order = "dmy"
            column.decided_by = f"{day_first_example!r} has a day over 12 first"
        elif month_first and not day_first:
            column.order = "mdy"
            column.decided_by = f"{month_first_example!r} has a day over 12 second"
        elif day_first and month_first:
            column.order = "dmy" if day_first > month_first else "mdy"
            column.decided_by = (
                f"mixed: {day_first} values prove D/M/Y ({day_first_example!r}), {month_first} prove M/D/Y "
                f"({month_first_example!r}); read as {_ORDER_LABEL[column.order]}, the others are rejected"
            )
        elif ambiguous:
            column.order = None  # decided below, from the other columns or the row order
        else:
            column.order = "mdy"
            column.decided_by = "no value depends on the day/month order" if column.kinds.get("numeric") else ""
        result[field_name] = column

    _settle_ambiguous_orders(cur, result)
    low, high = _file_span(cur, result)
    for column in result.values():
        column.format = _format_label(cur, column)
        _write_lookup(cur, column, low, high)
        _describe(cur, column)
    return result


def order_contradiction(columns: dict[str, DateColumn], order: str) -> str | None:
    """Why a day/month order fixed by --date-order cannot be right for these columns, or None.

    A column contradicts the order when more of its values can only be read the other way
    (`11/25/2023` is M/D/Y: there is no 25th month) than this way. Read with the given order, each
    of those values would be rejected and every ambiguous one stored with day and month swapped.
    """
    other = "mdy" if order == "dmy" else "dmy"
    against = [c for c in columns.values() if c.proof.get(other, 0) > c.proof.get(order, 0)]
    if not against:
        return None
    column = against[0]
    shown = ", ".join(repr(_clip(value)) for value in column.proof_values[other])
    count = column.proof[other]
    more = f"; so do {len(against) - 1} other date column(s)" if len(against) > 1 else ""
    # another column proves the given order: the columns differ, and only reading each from its own
    # values (no --date-order) loads them all
    split = any(c.proof.get(order, 0) > c.proof.get(other, 0) for c in columns.values())
    instead = "" if split else f", or pass --date-order {other}"
    return (
        f"--date-order {order} contradicts column {_clip(column.column)!r}: {shown} can only be "
        f"{_ORDER_LABEL[other]} ({count} value{'s' if count != 1 else ''} like {'these' if count != 1 else 'it'})"
        f'{more}; drop --date-order (on the dashboard: "decide from the file") so each column\'s order is '
        f"read from its values{instead}"
    )


def date_like_columns(
    cur: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]], *, limit: int = 3
) -> list[tuple[str, float]]:
    """The columns of temp table `staged` (header name, staging column) that hold dates: at least
    half of their non-blank values read as a date. Each with the share of the file's rows whose value
    reads as one, most first (then in file order), at most `limit`."""
    if not columns:
        return []
    probes = [(f"probe{i}", name, staging) for i, (name, staging) in enumerate(columns)]
    lookups = build_date_lookups(cur, probes)
    found: list[tuple[float, int, str]] = []
    for position, (probe, name, staging) in enumerate(probes):
        table = lookups[probe].table
        dated, filled, rows = one_row(
            cur.execute(
                f"select count(*) filter (where len(l.dates) > 0), count(bb_blank(s.{staging})), count(*)"
                f" from staged as s left join {table} as l on l.raw = bb_blank(s.{staging})"
            )
        )
        if dated and dated * 2 >= filled:
            found.append((-dated / rows, position, name))
        cur.execute(f"drop table if exists {table}")
        cur.execute(f"drop table if exists dp_{probe}")
    return [(name, -share) for share, _, name in sorted(found)[:limit]]


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _settle_ambiguous_orders(cur: duckdb.DuckDBPyConnection, columns: dict[str, DateColumn]) -> None:
    proved = {c.order for c in columns.values() if c.order and c.decided_by and "over 12" in c.decided_by}
    for column in columns.values():
        if column.order is not None:
            continue
        if len(proved) == 1:
            column.order = next(iter(proved))
            other = next(c for c in columns.values() if c.order == column.order and "over 12" in c.decided_by)
            column.decided_by = f"same order as column {other.column!r} ({other.decided_by})"
            continue
        column.order, column.decided_by = _order_from_row_sequence(cur, column)


def _order_from_row_sequence(cur: duckdb.DuckDBPyConnection, column: DateColumn) -> tuple[str, str]:
    """Logs grow downwards: the reading whose dates move in smaller steps from row to row wins.

    Only trusted when one reading is clearly steadier (half the total jump or less).
    """
    jumps = one_row(
        cur.execute(
            f"""
        with readings as (
            select s.line,
                   {_make_date(_year("p.year_written"), "p.a", "p.b")} as as_mdy,
                   {_make_date(_year("p.year_written"), "p.b", "p.a")} as as_dmy
            from staged as s
            join dp_{column.field} as p on p.raw = bb_blank(s.{column.staging}) and p.piece_no = 1
            where p.kind = 'numeric'
        ),
        steps as (
            select abs(as_mdy - lag(as_mdy) over (order by line)) as mdy_step,
                   abs(as_dmy - lag(as_dmy) over (order by line)) as dmy_step
            from readings
            where as_mdy is not null and as_dmy is not null
        )
        select sum(mdy_step), sum(dmy_step), count(*) from steps
        """
        )
    )
    mdy_total, dmy_total, rows = jumps
    if rows and rows >= 3 and mdy_total is not None and dmy_total is not None:
        if dmy_total * 2 <= mdy_total:
            return "dmy", "no day over 12 anywhere; read as D/M/Y, the order in which the dates run down the file"
        if mdy_total * 2 <= dmy_total:
            return "mdy", "no day over 12 anywhere; read as M/D/Y, the order in which the dates run down the file"
    return "mdy", "AMBIGUOUS: no value proves the day/month order; read as M/D/Y (pass --date-order dmy if wrong)"


def _file_span(cur: duckdb.DuckDBPyConnection, columns: dict[str, DateColumn]) -> tuple[Any, Any]:
    """The earliest and latest full date written anywhere in the file's date columns."""
    if not columns:
        return None, None
    parts = " union all ".join(
        f"select full_date from ({_dated_sql(f'dp_{c.field}', c.order or 'mdy')}) where full_date is not null"
        for c in columns.values()
    )
    low, high = one_row(
        cur.execute(
            f"select min(full_date), max(full_date) from ({parts}) where full_date between date '1970-01-01' "
            "and current_date + 1"
        )
    )
    return low, high


def _write_lookup(cur: duckdb.DuckDBPyConnection, column: DateColumn, low: Any, high: Any) -> None:
    label = _ORDER_LABEL[column.order or "mdy"]
    cur.execute(
        f"""
        create or replace temp table {column.table} as
        with dated as ({_dated_sql(f"dp_{column.field}", column.order or "mdy")}),
        years as (
            -- a date without a year: the years that put it inside the span of the file's dates
            select *,
                case when kind in ('day_month', 'month_day') and year_written is null and $low is not null then
                    list_filter(range(year(cast($low as date)), year(cast($high as date)) + 1),
                                lambda y: {_make_date("y", "month", "day")}
                                          between cast($low as date) and cast($high as date))
                end as fitting_years
            from dated
        ),
        judged as (
            select *,
                case when len(fitting_years) = 1 then {_make_date("fitting_years[1]", "month", "day")} end
                    as inferred_date,
                case
                    when kind = 'bad' and regexp_matches(piece, '\\d')
                        then 'not a date (a typo?); this column reads like ' || $format
                    when kind = 'bad' then 'not a date'
                    when kind = 'bound' then 'a bound, not a date: rejected rather than guessed (write the date)'
                    when kind = 'month_year'
                        then 'a month, not a date (or month and day? write the full date)'
                    when kind = 'numeric' and full_date is null and swapped_date is not null
                        then 'not a ' || $label || ' date; day and month look swapped against the rest of the column'
                    when kind = 'numeric' and full_date is null then 'not a valid date'
                    when kind in ('iso', 'day_month', 'month_day') and year_written is not null and full_date is null
                        then 'not a valid date'
                    when kind in ('day_month', 'month_day') and year_written is null and $low is null
                        then 'no year, and the file has no full dates to tell which year'
                    when kind in ('day_month', 'month_day') and year_written is null and len(fitting_years) = 0
                        then 'no year, and no year puts it inside the file''s dates ('
                             || cast($low as varchar) || ' to ' || cast($high as varchar) || ')'
                    when kind in ('day_month', 'month_day') and year_written is null and len(fitting_years) > 1
                        then 'no year, and the file''s dates (' || cast($low as varchar) || ' to '
                             || cast($high as varchar) || ') span more than one year, so it is ambiguous'
                end as problem
            from years
        )
        select raw,
               list(coalesce(full_date, inferred_date) order by piece_no)
                   filter (where coalesce(full_date, inferred_date) is not null) as dates,
               bool_or(kind = 'yes') as yes,
               count(*) filter (where inferred_date is not null) as inferred,
               string_agg(problem, '; ' order by piece_no) as problem
        from judged
        group by raw
        """,
        {"low": low, "high": high, "label": label, "format": column.format},
    )


def _format_label(cur: duckdb.DuckDBPyConnection, column: DateColumn) -> str:
    """The column's format as people write it: `M/D/YYYY`, `D Mon YYYY` (`14 Jan 2026`), `D Mon
    (no year)` (`8-Jul`), `Mon D, YYYY`; its two commonest kinds, and whether times were ignored."""
    kinds = [k for k in column.kinds if k in ("iso", "numeric", "day_month", "month_day")]
    if not kinds:
        yes_no = column.kinds.get("yes") or column.kinds.get("no")
        return "yes/no (stage reached, date unknown)" if yes_no else "no dates"
    short_year, has_time, dmon_year, dmon_none, mond_year, mond_none = one_row(
        cur.execute(
            f"""
        select coalesce(bool_or(kind = 'numeric' and year_written < 100), false),
               coalesce(bool_or(has_time), false),
               coalesce(bool_or(kind = 'day_month' and year_written is not null), false),
               coalesce(bool_or(kind = 'day_month' and year_written is null), false),
               coalesce(bool_or(kind = 'month_day' and year_written is not null), false),
               coalesce(bool_or(kind = 'month_day' and year_written is null), false)
        from dp_{column.field}
        """
        )
    )

    def with_year(written: str, unwritten: str, has: bool, lacks: bool) -> str:
        return f"{written} or {unwritten} (no year)" if has and lacks else written if has else f"{unwritten} (no year)"

    year = "YY" if short_year else "YYYY"
    labels = {
        "iso": "YYYY-MM-DD",
        "numeric": f"M/D/{year}" if (column.order or "mdy") == "mdy" else f"D/M/{year}",
        "day_month": with_year("D Mon YYYY", "D Mon", dmon_year, dmon_none),
        "month_day": with_year("Mon D, YYYY", "Mon D", mond_year, mond_none),
    }
    label = ", ".join(labels[k] for k in kinds[:2])
    return label + " (time ignored)" if has_time else label


def _describe(cur: duckdb.DuckDBPyConnection, column: DateColumn) -> None:
    row = one_row(
        cur.execute(
            f"select count(*) filter (where problem is not null), coalesce(sum(inferred), 0),"
            f" count(*) filter (where len(dates) > 0), coalesce(max(len(dates)), 0), coalesce(bool_or(yes), false)"
            f" from {column.table}"
        )
    )
    column.unreadable_values, column.year_inferred, readable = int(row[0]), int(row[1]), int(row[2])
    column.has_dates = readable > 0
    column.several, column.says_yes = int(row[3]) > 1, bool(row[4])
