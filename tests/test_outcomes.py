"""Outcomes recorded by hand, and the canonical CSV export (with formula cells neutralised)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import pytest

from pipelines.db import run_data_tests
from pipelines.errors import InputError
from pipelines.ingest import ingest_file
from pipelines.outcomes import applications_without_outcome, export_csv, neutralise, record_event
from tests.conftest import table_checksums, write_csv


def _linkedin_like(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> list[dict[str, object]]:
    rows = [['=HYPERLINK("http://evil")', "Analyst", "2026-10-01"], ["Beta", "-1 Engineer", "2026-10-02"]]
    ingest_file(con, write_csv(tmp_path / "apps.csv", ["company", "role", "applied_on"], rows))
    return applications_without_outcome(con)


def test_record_outcomes_and_they_count(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    waiting = _linkedin_like(con, tmp_path)
    assert [w["company"] for w in waiting] == ["Beta", '=HYPERLINK("http://evil")']
    beta = waiting[0]["application_id"]
    record_event(con, beta, "interview", dt.date(2026, 10, 10))
    record_event(con, beta, "interview", dt.date(2026, 10, 17))
    result = record_event(con, beta, "offer", dt.date(2026, 10, 20))
    assert result["run_id"] > 1
    facts = (
        con.cursor()
        .execute(
            "select outcome, interview_rounds from application_facts(date '2026-11-01', 30) where application_id = ?",
            [beta],
        )
        .fetchone()
    )
    assert facts == ("offer", 2)
    assert [w["company"] for w in applications_without_outcome(con)] == ['=HYPERLINK("http://evil")']
    assert all(count == 0 for count in run_data_tests(con).values())


@pytest.mark.parametrize(
    ("event", "day", "message"),
    [
        ("hired", dt.date(2026, 10, 5), "unknown event"),
        ("rejected", dt.date(2026, 9, 1), "before the application was sent"),
        ("rejected", dt.date.today() + dt.timedelta(days=3), "in the future"),
    ],
)
def test_bad_outcomes_are_refused_and_change_nothing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, event: str, day: dt.date, message: str
) -> None:
    waiting = _linkedin_like(con, tmp_path)
    before = table_checksums(con)
    with pytest.raises(InputError, match=message):
        record_event(con, waiting[0]["application_id"], event, day)
    with pytest.raises(InputError, match="no application"):
        record_event(con, "nope", "rejected", None)
    assert table_checksums(con) == before


def test_export_neutralises_formulas_and_reads_back(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _linkedin_like(con, tmp_path)
    buffer = io.StringIO()
    assert export_csv(con, buffer) == 2
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert {row["company"] for row in rows} == {'\'=HYPERLINK("http://evil")', "Beta"}
    assert {row["role"] for row in rows} == {"Analyst", "'-1 Engineer"}
    assert {row["status"] for row in rows} == {"ghosted"}
    out = tmp_path / "export.csv"
    export_csv(con, out)
    assert ingest_file(con, out, dry_run=True).rejected == 0
    assert [neutralise(v) for v in ("@x", "\tx", "+1", "ok", None, True)] == ["'@x", "'\tx", "'+1", "ok", "", "yes"]
