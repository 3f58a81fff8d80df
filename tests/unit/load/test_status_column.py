"""Issue 16, item 7: among columns named like a status, the one whose values read as statuses wins.

A real log had a narrative `outcome` column (paragraphs) beside `current_status`; the name ranked
first won and 40 rows were rejected. The fixture has that shape.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.cli.commands import main
from pipelines.load.ingest import ingest_file
from tests.conftest import write_csv

HEADER = ["company", "role", "applied_on", "outcome", "current_status"]
STORIES = [
    "Had a great chat with the hiring manager, they said they would get back to me after the holidays",
    "Recruiter reached out on LinkedIn first; I sent my portfolio and a cover letter two days later",
    "",
    "Long take-home assignment, spent the whole weekend on it, no word since the submission",
]
STATUSES = ["Rejected", "Interview", "Applied", "No response", "Offer", "Rejected"]


def _rows(n: int = 12) -> list[list[str]]:
    return [
        [f"Company {i}", "Analyst", f"2026-02-{i + 1:02d}", STORIES[i % len(STORIES)], STATUSES[i % len(STATUSES)]]
        for i in range(n)
    ]


def test_the_column_whose_values_read_as_statuses_wins(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, write_csv(tmp_path / "narrative.csv", HEADER, _rows()))
    assert result.status == "loaded", result.message
    assert (result.inserted, result.rejected) == (12, 0)
    assert result.columns["mapped"]["status"] == "current_status"
    assert "outcome" in result.columns["ignored"]  # kept in raw, not read as a status
    candidates = result.columns["status_candidates"]
    assert [(c["column"], c["chosen"]) for c in candidates] == [("current_status", True), ("outcome", False)]
    assert candidates[0]["share"] == 1.0 and candidates[1]["share"] == 0.0
    assert candidates[1]["rows_written"] == 9  # the blank story is not a value
    assert any("status read from 'current_status'" in note and "'outcome' 0%" in note for note in result.notes)
    offers = con.cursor().execute("select count(*) from events where event = 'offer'").fetchone()
    assert offers == (2,)


def test_a_status_named_column_still_wins_when_it_reads_best(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # `outcome` ranks before `current_status` by name; when both read as statuses the name decides
    rows = [[f"C{i}", "Analyst", "2026-02-01", "Rejected", "Applied"] for i in range(3)]
    result = ingest_file(con, write_csv(tmp_path / "both.csv", HEADER, rows))
    assert result.columns["mapped"]["status"] == "outcome"
    assert con.cursor().execute("select count(*) from events where event = 'rejected'").fetchone() == (3,)


def test_a_map_decides_and_no_candidates_are_weighed(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, write_csv(tmp_path / "narrative.csv", HEADER, _rows()), column_map={"outcome": "notes"})
    assert result.columns["mapped"]["status"] == "current_status"
    assert result.columns["mapped"]["notes"] == "outcome"
    assert result.columns["status_candidates"] == []


def test_one_status_column_has_no_candidates(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(
        con, write_csv(tmp_path / "one.csv", ["company", "applied_on", "status"], [["A", "2026-01-01", "x"]])
    )
    assert result.columns["status_candidates"] == []


def test_the_dry_run_shows_why_the_status_column_won(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "narrative.csv", HEADER, _rows())
    db = str(tmp_path / "x.duckdb")
    assert main(["ingest", str(path), "--db", db, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "status read from 'current_status': 100% of its 12 written values read as statuses" in out
    assert main(["ingest", str(path), "--db", db, "--dry-run", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["files"][0]["columns"]["status_candidates"][0]["column"] == "current_status"
