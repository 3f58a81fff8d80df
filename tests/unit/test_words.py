"""Issue 16, item 10: counts read as plain words ("1 application", never "1 applications")."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli.commands import main
from pipelines.words import counted
from tests.conftest import write_csv


def test_counted_is_singular_for_exactly_one() -> None:
    assert counted(1, "application") == "1 application"
    assert counted(0, "application") == "0 applications"
    assert counted(1204, "row") == "1,204 rows"
    assert counted(2, "this", "these") == "2 these"


def test_status_of_a_one_application_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    header = ["company", "role", "applied_on", "channel", "status"]
    path = write_csv(tmp_path / "one.csv", header, [["Acme", "Analyst", "2026-01-05", "job board", "Rejected"]])
    assert main(["ingest", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert main(["status", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "1 application, 2 events," in out
    assert "1 applications" not in out and "1 events" not in out
    events = write_csv(tmp_path / "events.csv", ["company", "role", "applied_on", "event", "occurred_on"],
                       [["Acme", "Analyst", "2026-01-05", "follow_up", "2026-01-12"]])  # fmt: skip
    assert main(["ingest", str(events), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "events matched 1 application; 0 rows matched no application" in out


def test_the_parquet_export_says_what_it_wrote(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # found by mypy: its human line once passed the joined text where a count goes
    db = str(tmp_path / "x.duckdb")
    path = write_csv(tmp_path / "one.csv", ["company", "role", "applied_on"], [["Acme", "Analyst", "2026-01-05"]])
    assert main(["ingest", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert main(["export", "--parquet", str(tmp_path / "pq"), "--db", db]) == 0
    assert "wrote Parquet, partitioned by client, to" in capsys.readouterr().out
