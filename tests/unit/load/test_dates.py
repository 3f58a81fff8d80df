"""Date columns: every way of writing a date reads back as the date that was written."""

from __future__ import annotations

import datetime as dt

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from pipelines.load.dates import build_date_lookups
from pipelines.store.db import connect_memory

FORMATS = {
    "iso": lambda d: d.isoformat(),
    "mdy": lambda d: f"{d.month}/{d.day}/{d.year}",
    "dmy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "dmy_dots": lambda d: f"{d.day}.{d.month}.{d.year}",
    "mdy_short": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}, 9:42 AM",
    "month_name": lambda d: d.strftime("%b %-d, %Y"),
    "day_month_name": lambda d: d.strftime("%-d %B %Y"),
}


def _read(values: list[str | None], **options: str) -> tuple[list[list[dt.date] | None], dict[str, object]]:
    con = connect_memory()
    cur = con.cursor()
    cur.execute(
        "create temp table staged as select line, value as c0 from (select unnest(?) as value,"
        " generate_subscripts(?, 1) + 1 as line)",
        [values, values],
    )
    columns = build_date_lookups(cur, [("applied_on", "Date", "c0")], **options)
    lookup = dict(cur.execute("select raw, dates from dl_applied_on").fetchall())
    read = [None if v is None or not v.strip() else lookup.get(v.strip()) for v in values]
    report = columns["applied_on"].to_json()
    con.close()
    return read, report


dates = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2026, 11, 1))


@given(
    st.lists(dates, min_size=1, max_size=30),
    st.sampled_from(sorted(FORMATS)),
)
def test_any_format_reads_back_when_the_column_proves_its_order(days: list[dt.date], name: str) -> None:
    # a day over 12 in both positions' worth: the 13th of a month proves the order for D/M and M/D
    proof = dt.date(2020, 5, 13)
    values = [FORMATS[name](d) for d in [*days, proof]]
    read, report = _read(values)
    assert read == [[d] for d in [*days, proof]]
    if name.startswith("dmy"):
        assert report["order"] == "dmy"


@given(st.lists(dates, min_size=2, max_size=10, unique=True))
def test_two_dates_in_a_cell_are_two_dates(days: list[dt.date]) -> None:
    first, second = days[0], days[1]
    for joiner in (" & ", " and ", "; "):
        value = f"{first.month}/{first.day}/{first.year}{joiner}{second.month}/{second.day}/{second.year}"
        read, _ = _read([value, "12/31/2020"])
        assert read[0] == [first, second]


def test_typos_bounds_and_blanks() -> None:
    values = ["8/82019", "Before 2025-01-24", "after 1/2/2025", "N/A", "-", "2025-02-30", "soon", None]
    con = connect_memory()
    cur: duckdb.DuckDBPyConnection = con.cursor()
    cur.execute(
        "create temp table staged as select line, value as c0 from (select unnest(?) as value,"
        " generate_subscripts(?, 1) + 1 as line)",
        [values, values],
    )
    build_date_lookups(cur, [("applied_on", "Date", "c0")])
    problems = dict(cur.execute("select raw, problem from dl_applied_on").fetchall())
    assert problems["8/82019"].startswith("not a date (a typo?)")
    assert problems["Before 2025-01-24"].startswith("a bound, not a date")
    assert problems["after 1/2/2025"].startswith("a bound, not a date")
    assert problems["2025-02-30"] == "not a valid date"
    assert problems["soon"] == "not a date"
    assert set(problems) == {"8/82019", "Before 2025-01-24", "after 1/2/2025", "2025-02-30", "soon"}
    con.close()
