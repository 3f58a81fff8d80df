"""Issue 16, item 10: counts that do not drift and words that count right."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipelines.analyse import diagnosis
from pipelines.analyse.scope import Scope
from pipelines.cli import status
from pipelines.load.ingest import ingest_file
from tests.conftest import write_csv


def test_loading_the_same_file_again_does_not_double_its_rejects(
    con: duckdb.DuckDBPyConnection, db_path: Path, tmp_path: Path
) -> None:
    rows = [["Acme", "Analyst", "2026-09-01"], ["Beta", "Analyst", "not a date"], ["", "", "2026-09-03"]]
    log = write_csv(tmp_path / "log.csv", ["Company", "Position", "Date Applied"], rows)
    assert ingest_file(con, log).rejected == 2
    assert status.database_status(con, db_path).rejects_total == 2
    assert ingest_file(con, log).rejected == 2
    assert status.database_status(con, db_path).rejects_total == 2  # the same two rows, not four
    other = write_csv(tmp_path / "other.csv", ["Company", "Position", "Date Applied"],
                      [["Gamma", "R", "soon"], ["Delta", "R", "2026-09-04"]])  # fmt: skip
    ingest_file(con, other)
    assert status.database_status(con, db_path).rejects_total == 3


def test_the_pace_says_one_application_and_a_quarter_a_week(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    as_of = dt.date(2026, 11, 1)
    rows = [[f"Co {i}", "Analyst", (as_of - dt.timedelta(days=40 + 2 * i)).isoformat(), "Rejected", "Indeed"]
            for i in range(30)]  # fmt: skip
    rows.append(["Late", "Analyst", (as_of - dt.timedelta(days=3)).isoformat(), "Applied", "Indeed"])
    ingest_file(con, write_csv(tmp_path / "slow.csv", ["Company", "Role", "Applied", "Status", "Source"], rows))
    strategy = next(
        f for f in diagnosis.diagnose(con, Scope(as_of=as_of)).to_json()["findings"] if f["area"] == "strategy"
    )
    assert strategy["verdict"] == "at risk"
    assert strategy["evidence"]["sentence"].startswith("1 application in the last 4 weeks (0.25 a week)")
