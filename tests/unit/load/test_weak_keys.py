"""Issue 16, item 2: rows are merged on a weak key (no company, or no role) only when identical.

A real 443-row log with role and date but no company column lost 89 rows (20 %) as "same
application as a later row", 28 of them with an answer. The fixture below has that shape: the
same role applied to several times on one day, at different places or with different outcomes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipelines.load.ingest import ingest_file
from pipelines.store.db import run_data_tests
from tests.conftest import write_csv

HEADER = ["Role", "Date applied", "Location", "Status", "Notes"]
ROWS = [
    ["Data Analyst", "2026-03-02", "Berlin", "rejected", "via board"],  # line 2
    ["Data Analyst", "2026-03-02", "Hamburg", "interview", ""],  # 3: same role and day, another place
    ["Data Analyst", "2026-03-02", "Berlin", "applied", "second one in Berlin"],  # 4: same place, differs
    ["Data Analyst", "2026-03-02", "Berlin", "rejected", "via board"],  # 5: line 2 repeated exactly
    ["Data Engineer", "2026-03-02", "Berlin", "applied", ""],  # 6: nothing shared
    ["Data Analyst", "2026-03-03", "", "no response", ""],  # 7
    ["Data Analyst", "2026-03-03", "", "rejected", ""],  # 8: no place written, differs in status
]


def _statuses(con: duckdb.DuckDBPyConnection) -> list[tuple[str | None, str]]:
    return sorted(
        con.cursor()
        .execute(
            "select location, furthest_stage from application_facts(date '2026-06-01', 30) where role like 'Data A%'"
        )
        .fetchall(),
        key=lambda row: (row[0] or "", row[1]),
    )


def test_rows_sharing_a_weak_key_that_differ_are_kept_apart(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "no_company.csv", HEADER, ROWS)
    result = ingest_file(con, path)
    assert result.status == "loaded", result.message
    # 7 rows: the exact repeat (line 2 = line 5) is one application; everything else is its own
    assert (result.rows_read, result.inserted, result.skipped, result.rejected) == (7, 6, 1, 0)
    assert result.skipped_reasons == {"same application as a later row, which wins": 1}
    assert result.kept_apart == 5  # lines 3/4/5 with 2 share one key; 7 and 8 another
    assert any("not merged" in note and "5 rows share" in note for note in result.notes)
    assert _statuses(con) == [
        (None, "applied"),
        (None, "response"),
        ("Berlin", "applied"),
        ("Berlin", "response"),
        ("Hamburg", "interview"),
    ]
    answered = con.cursor().execute("select count(*) from events where event in ('rejected', 'interview')").fetchone()
    assert answered == (3,)
    assert all(count == 0 for count in run_data_tests(con).values())


def test_reimporting_a_weak_keyed_file_changes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "no_company.csv", HEADER, ROWS)
    ingest_file(con, path)
    again = ingest_file(con, path)
    assert (again.inserted, again.updated, again.unchanged, again.skipped) == (0, 0, 6, 1)
    # the next export: one status moved on; the same applications, one updated
    moved = [list(row) for row in ROWS]
    moved[2][3] = "rejected"  # line 4
    result = ingest_file(con, write_csv(tmp_path / "next.csv", HEADER, moved))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 5)
    assert con.cursor().execute("select count(*) from applications").fetchone() == (6,)


def test_a_strong_key_still_merges_a_later_edit(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # with company, role and date the lower row is the newer edit of the same application
    header = ["Company", "Role", "Date applied", "Location", "Status"]
    rows = [
        ["Acme", "Data Analyst", "2026-03-02", "Berlin", "applied"],
        ["Acme", "Data Analyst", "2026-03-02", "Berlin", "rejected"],
    ]
    result = ingest_file(con, write_csv(tmp_path / "with_company.csv", header, rows))
    assert (result.inserted, result.skipped, result.kept_apart) == (1, 1, 0)
    assert not any("not merged" in note for note in result.notes)


def test_blank_company_cells_are_a_weak_key_too(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = ["Company", "Role", "Date applied", "Status"]
    rows = [
        ["", "Analyst", "2026-03-02", "rejected"],
        ["", "Analyst", "2026-03-02", "interview"],
        ["Acme", "Analyst", "2026-03-02", "applied"],
    ]
    result = ingest_file(con, write_csv(tmp_path / "blank_company.csv", header, rows))
    assert (result.inserted, result.skipped, result.kept_apart) == (3, 0, 2)
    applied = con.cursor().execute("select min(applied_on), count(*) from applications").fetchone()
    assert applied == (dt.date(2026, 3, 2), 3)


def test_the_dry_run_says_rows_were_kept_apart(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from pipelines.load.ingest import LoadOptions, ingest_path

    path = write_csv(tmp_path / "no_company.csv", HEADER, ROWS)
    (result,) = ingest_path(con, path, LoadOptions(dry_run=True))
    assert result.status == "dry_run" and result.kept_apart == 5
    assert result.to_json()["kept_apart"] == 5
    assert con.cursor().execute("select count(*) from applications").fetchone() == (0,)


def test_identical_rows_in_a_variant_that_does_not_keep_the_key_stay_one(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # lines 2 and 3 are one row written twice; line 4 differs and is the last: it keeps the key
    rows = [
        ["Data Analyst", "2026-03-02", "Berlin", "rejected", ""],
        ["Data Analyst", "2026-03-02", "Berlin", "rejected", ""],
        ["Data Analyst", "2026-03-02", "Hamburg", "applied", ""],
    ]
    result = ingest_file(con, write_csv(tmp_path / "twice.csv", HEADER, rows))
    assert (result.inserted, result.skipped, result.kept_apart) == (2, 1, 2)
    assert ingest_file(con, tmp_path / "twice.csv").unchanged == 2
