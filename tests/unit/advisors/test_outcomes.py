"""Outcomes recorded by hand, and the canonical CSV export (with formula cells neutralised)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pytest

from pipelines.advisors.outcomes import applications_without_outcome, export_csv, neutralise, record_event
from pipelines.errors import InputError
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect, run_data_tests
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


OWASP_CELLS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tleading tab", "\rleading CR", '=1+2";=1+2']


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_command_neutralises_every_formula_start(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    from python_calamine import CalamineWorkbook

    from pipelines.cli.commands import main
    from pipelines.store.db import connect

    db = tmp_path / "x.duckdb"
    con = connect(db)
    rows = [[cell, "Role", f"2026-10-{i + 1:02d}", "Client"] for i, cell in enumerate(OWASP_CELLS)]
    # quoted: a bare CR outside quotes is a line ending, not part of a cell
    hostile = write_csv(tmp_path / "h.csv", ["company", "role", "applied_on", "client"], rows, quote_all=True)
    assert ingest_file(con, hostile).inserted == 7
    con.close()
    out = tmp_path / f"export{suffix}"
    assert main(["export", "--db", str(db), "--client", "Client", "--out", str(out), "--json"]) == 0
    assert '"applications": 7' in capsys.readouterr().out
    if suffix == ".csv":
        with out.open(newline="", encoding="utf-8") as handle:
            companies = [row["company"] for row in csv.DictReader(handle)]
    else:
        sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        # a workbook keeps a line break inside a cell as LF
        companies = [row[sheet[0].index("company")].replace("\n", "\r") for row in sheet[1:]]
    assert sorted(companies) == sorted("'" + cell for cell in OWASP_CELLS)
    assert all(not company.startswith(("=", "+", "-", "@", "\t", "\r")) for company in companies)
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "x.txt")]) == 1


def test_the_same_outcome_twice_is_recorded_once(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    waiting = _linkedin_like(con, tmp_path)
    beta = waiting[0]["application_id"]
    record_event(con, beta, "follow_up", dt.date(2026, 10, 9))
    before = table_checksums(con)
    with pytest.raises(InputError, match="already recorded"):
        record_event(con, beta, "follow_up", dt.date(2026, 10, 9))
    assert table_checksums(con) == before


def test_a_group_answered_early_has_a_rate_not_too_early(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from pipelines.analyse import analytics

    ingest_file(
        con,
        write_csv(
            tmp_path / "early.csv",
            ["company", "role", "applied_on", "rejected_on"],
            [["A", "R", "2026-08-01", "2026-08-10"]],
        ),
    )
    overall = analytics.rates(con, analytics.Scope(as_of=dt.date(2026, 11, 1)), []).overall
    assert overall is not None and overall.response_rate["rate"] == 1.0


def test_parquet_export_is_partitioned_by_client_and_reads_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`export --parquet DIR`: every table, hive-partitioned by client (ids URL-encoded, so `../x`
    stays inside DIR), read back by DuckDB as the same rows; a folder in use is refused."""
    from pipelines.cli.commands import main

    db = tmp_path / "db.duckdb"
    con = connect(db)
    header = ["company", "role", "applied_on", "status", "rejected_on"]
    for client in ("../../escape", "plain"):
        rows = [[f"Co {i}", "Analyst", f"2026-03-0{i + 1}", "rejected", f"2026-03-2{i}"] for i in range(3)]
        assert ingest_file(con, write_csv(tmp_path / "log.csv", header, rows), client=client).ok
    expected = con.execute("select count(*) from events").fetchone()[0]
    con.close()
    out = tmp_path / "lake"
    assert main(["export", "--parquet", str(out), "--db", str(db), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["tables"]["applications"] == 6 and payload["tables"]["events"] == expected
    assert sorted(path.name for path in (out / "applications").iterdir()) == ["client=..%2F..%2Fescape", "client=plain"]
    assert not (tmp_path.parent / "escape").exists()
    read = duckdb.connect()
    back = read.execute(
        "select client, count(*) from read_parquet(?, hive_partitioning = true) group by 1 order by 1",
        [str(out / "events" / "*" / "*.parquet")],
    ).fetchall()
    assert back == [("../../escape", expected // 2), ("plain", expected // 2)]
    assert main(["export", "--parquet", str(out), "--db", str(db)]) == 1
    assert "must be new or empty" in capsys.readouterr().err
    one = tmp_path / "one"
    assert main(["export", "--parquet", str(one), "--client", "plain", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"]["applications"] == 3
    assert [path.name for path in (one / "applications").iterdir()] == ["client=plain"]
