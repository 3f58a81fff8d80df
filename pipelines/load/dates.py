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

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field  # DateColumn has a field named `field`
from typing import Any

import duckdb

from pipelines import sqltext
from pipelines.load.columns import DATE_FIELDS
from pipelines.load.date_pieces import PIECE_PARAMETERS, PIECES_SQL, dated_sql, make_date, year_sql
from pipelines.load.read.staged import named_staging_column
from pipelines.rows import one_row
from pipelines.sqltext import Sql, compose, fixed, join

DATE_ORDERS = ("mdy", "dmy")
_ORDER_LABEL = {"mdy": "M/D/Y", "dmy": "D/M/Y"}

# The fields whose dates are read here. Each names two temp tables: dp_<field> (the pieces of each
# distinct value) and dl_<field> (the lookup the load joins). They are the load's date fields, an
# events file's occurred_on, the date columns pipelines/load/trackers.py reads, and the probes of
# date_like_columns (probe0, probe1, ...: names made of a number).
DATE_LOOKUP_FIELDS: frozenset[str] = frozenset(
    {*DATE_FIELDS, "occurred_on", "jaja_received", "huntr_created", "huntr_moved"}
)
_PROBE = re.compile(r"probe(0|[1-9][0-9]*)")


def _field_sql(field_name: str) -> Sql:
    """A date field's name as SQL, for the names of its tables; ValueError for a name not listed above."""
    probe = _PROBE.fullmatch(field_name)
    if probe is not None:
        return compose("probe{index}", index=int(probe[1]))
    return sqltext.name(field_name, DATE_LOOKUP_FIELDS)


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

    def lookup_table(self) -> Sql:
        """`table` as SQL: dl_<field>, the lookup (raw -> dates, yes, problem) the load joins."""
        return compose("dl_{field}", field=_field_sql(self.field))

    def pieces_table(self) -> Sql:
        """dp_<field>: every distinct value of the column split into pieces, each classified."""
        return compose("dp_{field}", field=_field_sql(self.field))

    def staging_column(self) -> Sql:
        """`staging` as SQL: the column of temp table `staged` the dates are read from."""
        return named_staging_column(self.staging)

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
        ambiguous = _read_pieces(cur, column)
        _decide_order(column, ambiguous, order, order_reason)
        result[field_name] = column

    _settle_ambiguous_orders(cur, result)
    low, high = _file_span(cur, result)
    for column in result.values():
        column.format = _format_label(cur, column)
        _write_lookup(cur, column, low, high)
        _describe(cur, column)
    return result


def _read_pieces(cur: duckdb.DuckDBPyConnection, column: DateColumn) -> int:
    """The column's pieces table, and what its values prove about the day/month order (column.proof,
    proof_values, kinds, distinct_values). Returns how many values read differently in either order."""
    pieces = column.pieces_table()
    cur.execute(compose(PIECES_SQL, table=pieces, staging=column.staging_column()), PIECE_PARAMETERS)
    # the examples are the first proving values in sorted order: identical runs say the same thing
    stats = one_row(
        cur.execute(
            compose(
                """
            select count(distinct raw),
                   count(*) filter (where kind = 'numeric' and a between 13 and 31),
                   count(*) filter (where kind = 'numeric' and b between 13 and 31),
                   list_sort(list_distinct(coalesce(
                       list(raw) filter (where kind = 'numeric' and a between 13 and 31), [])))[1:3],
                   list_sort(list_distinct(coalesce(
                       list(raw) filter (where kind = 'numeric' and b between 13 and 31), [])))[1:3],
                   count(*) filter (where kind = 'numeric' and a <> b)
            from {pieces}
            """,
                pieces=pieces,
            )
        )
    )
    column.distinct_values = int(stats[0])
    column.kinds = dict(
        cur.execute(
            compose("select kind, count(*) from {pieces} group by kind order by 2 desc, 1", pieces=pieces)
        ).fetchall()
    )
    column.proof = {"dmy": int(stats[1]), "mdy": int(stats[2])}
    column.proof_values = {"dmy": list(stats[3]), "mdy": list(stats[4])}
    return int(stats[5])


def _decide_order(column: DateColumn, ambiguous: int, order: str | None, order_reason: str) -> None:
    """The column's day/month order from its own values, where they prove one (None: decided later,
    from the other columns or the row order); `order` given by the caller wins."""
    day_first, month_first = column.proof["dmy"], column.proof["mdy"]
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
        column.order = None  # decided later (_settle_ambiguous_orders), from the other columns or the row order
    else:
        column.order = "mdy"
        column.decided_by = "no value depends on the day/month order" if column.kinds.get("numeric") else ""


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
    for position, (probe, name, _) in enumerate(probes):
        lookup = lookups[probe]
        table = lookup.lookup_table()
        dated, filled, rows = one_row(
            cur.execute(
                compose(
                    "select count(*) filter (where len(l.dates) > 0), count(bb_blank(s.{staging})), count(*)"
                    " from staged as s left join {table} as l on l.raw = bb_blank(s.{staging})",
                    staging=lookup.staging_column(),
                    table=table,
                )
            )
        )
        if dated and dated * 2 >= filled:
            found.append((-dated / rows, position, name))
        cur.execute(compose("drop table if exists {table}", table=table))
        cur.execute(compose("drop table if exists {table}", table=lookup.pieces_table()))
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
    year = year_sql(fixed("p.year_written"))
    jumps = one_row(
        cur.execute(
            compose(
                """
        with readings as (
            select s.line,
                   {as_mdy} as as_mdy,
                   {as_dmy} as as_dmy
            from staged as s
            join {pieces} as p on p.raw = bb_blank(s.{staging}) and p.piece_no = 1
            where p.kind = 'numeric'
        ),
        steps as (
            select abs(as_mdy - lag(as_mdy) over (order by line)) as mdy_step,
                   abs(as_dmy - lag(as_dmy) over (order by line)) as dmy_step
            from readings
            where as_mdy is not null and as_dmy is not null
        )
        select sum(mdy_step), sum(dmy_step), count(*) from steps
        """,
                as_mdy=make_date(year, fixed("p.a"), fixed("p.b")),
                as_dmy=make_date(year, fixed("p.b"), fixed("p.a")),
                pieces=column.pieces_table(),
                staging=column.staging_column(),
            )
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
    parts = join(
        (
            compose(
                "select full_date from ({dated}) where full_date is not null",
                dated=dated_sql(c.pieces_table(), c.order or "mdy"),
            )
            for c in columns.values()
        ),
        " union all ",
    )
    low, high = one_row(
        cur.execute(
            compose(
                "select min(full_date), max(full_date) from ({parts}) where full_date between date '1970-01-01' "
                "and current_date + 1",
                parts=parts,
            )
        )
    )
    return low, high


def _write_lookup(cur: duckdb.DuckDBPyConnection, column: DateColumn, low: Any, high: Any) -> None:
    label = _ORDER_LABEL[column.order or "mdy"]
    cur.execute(
        compose(
            """
        create or replace temp table {table} as
        with dated as ({dated}),
        years as (
            -- a date without a year: the years that put it inside the span of the file's dates
            select *,
                case when kind in ('day_month', 'month_day') and year_written is null and $low is not null then
                    list_filter(range(year(cast($low as date)), year(cast($high as date)) + 1),
                                lambda y: {date_in_year}
                                          between cast($low as date) and cast($high as date))
                end as fitting_years
            from dated
        ),
        judged as (
            select *,
                case when len(fitting_years) = 1 then {date_in_fitting_year} end
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
            table=column.lookup_table(),
            dated=dated_sql(column.pieces_table(), column.order or "mdy"),
            date_in_year=make_date(fixed("y"), fixed("month"), fixed("day")),
            date_in_fitting_year=make_date(fixed("fitting_years[1]"), fixed("month"), fixed("day")),
        ),
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
            compose(
                """
        select coalesce(bool_or(kind = 'numeric' and year_written < 100), false),
               coalesce(bool_or(has_time), false),
               coalesce(bool_or(kind = 'day_month' and year_written is not null), false),
               coalesce(bool_or(kind = 'day_month' and year_written is null), false),
               coalesce(bool_or(kind = 'month_day' and year_written is not null), false),
               coalesce(bool_or(kind = 'month_day' and year_written is null), false)
        from {pieces}
        """,
                pieces=column.pieces_table(),
            )
        )
    )

    def withyear_sql(written: str, unwritten: str, has: bool, lacks: bool) -> str:
        return f"{written} or {unwritten} (no year)" if has and lacks else written if has else f"{unwritten} (no year)"

    year = "YY" if short_year else "YYYY"
    labels = {
        "iso": "YYYY-MM-DD",
        "numeric": f"M/D/{year}" if (column.order or "mdy") == "mdy" else f"D/M/{year}",
        "day_month": withyear_sql("D Mon YYYY", "D Mon", dmon_year, dmon_none),
        "month_day": withyear_sql("Mon D, YYYY", "Mon D", mond_year, mond_none),
    }
    label = ", ".join(labels[k] for k in kinds[:2])
    return label + " (time ignored)" if has_time else label


def _describe(cur: duckdb.DuckDBPyConnection, column: DateColumn) -> None:
    row = one_row(
        cur.execute(
            compose(
                "select count(*) filter (where problem is not null), coalesce(sum(inferred), 0),"
                " count(*) filter (where len(dates) > 0), coalesce(max(len(dates)), 0), coalesce(bool_or(yes), false)"
                " from {table}",
                table=column.lookup_table(),
            )
        )
    )
    column.unreadable_values, column.year_inferred, readable = int(row[0]), int(row[1]), int(row[2])
    column.has_dates = readable > 0
    column.several, column.says_yes = int(row[3]) > 1, bool(row[4])
