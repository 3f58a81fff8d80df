"""The diagnosis: planted failures found, healthy searches left alone, honest on little data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from benchmarks import calibrate
from pipelines.analyse import diagnosis
from pipelines.analyse.scope import Scope
from pipelines.cli.commands import main
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from tests.conftest import sample_files, write_csv

AS_OF = dt.date(2026, 11, 1)
# each sample persona's planted failure (sample_data/*.truth.json)
FAILURE_AREA = {
    "healthy": None,
    "spray_and_pray": "strategy",
    "resume_gap": "resume",
    "wrong_industry": "targets",
    "interview_stall": "interviews",
    "no_follow_up": "follow_up",
}


@pytest.mark.parametrize("path", [p for p in sample_files() if p.stem in FAILURE_AREA], ids=lambda p: p.stem)
def test_each_persona_gets_its_planted_failure_on_top(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    ingest_file(con, path)
    findings = diagnosis.diagnose(con, Scope(as_of=AS_OF)).to_json()["findings"]
    assert [f["area"] for f in findings] != [] and len({f["area"] for f in findings}) == 6
    area = FAILURE_AREA[path.stem]
    if area is None:
        assert all(f["verdict"] != "failing" for f in findings), findings
    else:
        assert findings[0]["area"] == area and findings[0]["verdict"] in ("failing", "at risk"), findings[0]
    for finding in findings:
        assert finding["verdict"] in diagnosis.VERDICTS
        assert finding["evidence"]["sentence"] and finding["action"]
        assert "None" not in finding["evidence"]["sentence"] + finding["action"]


def test_calibration_in_small(capsys: pytest.CaptureFixture[str]) -> None:
    """`make calibrate` looks at 1,000 searches per scenario every week; here 60, with the goals
    loosened for the noise of so few (docs/diagnosis.md, "Calibration")."""
    code = calibrate.main(
        [
            "--runs",
            "60",
            "--json",
            "--scenarios",
            ",".join(
                [
                    "healthy",
                    "resume_gap",
                    "wrong_industry",
                    "network",
                    "interview_stall",
                    "no_follow_up",
                    "spray_and_pray",
                ]
            ),
        ]
    )
    report = {s["scenario"]: s for s in json.loads(capsys.readouterr().out)["scenarios"]}
    assert code in (0, 1)
    assert report["healthy"]["ever_failing"] <= 0.05 and report["healthy"]["ever_flagged"] <= 0.3, report["healthy"]
    for name, scenario in report.items():
        if name != "healthy":
            assert scenario["named_last"] >= 0.65, (name, scenario["named_last"])
            assert scenario["other_part_failing_ever"] <= 0.3, (name, scenario["other_part_failing_ever"])


def test_an_empty_database_and_a_single_application(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    connect(db).close()
    assert main(["diagnose", "--db", str(db), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["no_data"] is True
    assert [f["verdict"] for f in payload["findings"]] == ["not enough data"] * 6
    assert {f["area"] for f in payload["findings"]} == set(diagnosis.AREAS)
    con = connect(db)
    ingest_file(con, write_csv(tmp_path / "one.csv", ["company", "role", "applied_on"], [["Acme", "R", "2026-10-01"]]))
    con.close()
    assert main(["diagnose", "--db", str(db), "--as-of", "2026-11-01", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["applications"] == 1
    # one application and no outcome recorded for it: nothing can be judged yet
    assert all(f["verdict"] == "not recorded" for f in payload["findings"])
    assert main(["diagnose", "--db", str(db), "--as-of", "2026-11-01"]) == 0
    assert "NOT RECORDED" in capsys.readouterr().out


def test_per_client_on_a_caseload(con: duckdb.DuckDBPyConnection) -> None:
    for path in sample_files():
        if path.stem in ("resume_gap", "wrong_industry"):
            ingest_file(con, path, client=path.stem)
    tops = {
        client: diagnosis.diagnose(con, Scope(as_of=AS_OF, client=client)).to_json()["findings"][0]["area"]
        for client in ("resume_gap", "wrong_industry")
    }
    assert tops == {"resume_gap": "resume", "wrong_industry": "targets"}
    finding = diagnosis.diagnose(con, Scope(as_of=AS_OF, client="resume_gap")).to_json()["findings"][0]
    assert set(finding) == {"area", "verdict", "evidence", "action"}
    assert "retire" in finding["action"] or "send" in finding["action"]


def test_no_industry_singled_out_names_the_lowest(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """When no industry answers significantly less (every adjusted p is 1), "the lowest" is the one with
    the lowest rate, and the same one on every run; the two that answer best are named in order."""
    rows = []
    for industry, answered in (("alpha", 4), ("bravo", 5), ("charlie", 5), ("delta", 4), ("zulu", 3)):
        for index in range(12):
            status = "rejected" if index < answered else "applied"
            rows.append([f"{industry}{index}", "R", "2026-08-01", status, industry])
    ingest_file(con, write_csv(tmp_path / "ties.csv", ["company", "role", "applied_on", "status", "industry"], rows))
    for _ in range(3):
        targets = next(
            f for f in diagnosis.diagnose(con, Scope(as_of=AS_OF)).to_json()["findings"] if f["area"] == "targets"
        )
        assert targets["verdict"] == "working", targets
        assert targets["evidence"]["p_holm"] == 1.0, targets
        assert targets["evidence"]["industry"] == "zulu", targets
        assert targets["evidence"]["where_answers_come_from"] == ["bravo", "charlie"], targets


def test_the_evidence_keeps_the_keys_it_had(con: duckdb.DuckDBPyConnection) -> None:
    """The JSON contract only ever adds keys: the always-valid rules kept the older evidence numbers."""
    for path in sample_files():
        if path.stem in ("resume_gap", "interview_stall"):
            ingest_file(con, path, client=path.stem)
    findings = {
        client: {f["area"]: f for f in diagnosis.diagnose(con, Scope(as_of=AS_OF, client=client)).to_json()["findings"]}
        for client in ("resume_gap", "interview_stall")
    }
    resume = findings["resume_gap"]["resume"]["evidence"]
    assert {"weaker", "better", "p_holm", "p_value", "adjusted"} <= set(resume)
    assert resume["adjusted"]["odds_ratio"] < 1  # the weaker version, within the same channels
    interviews = findings["interview_stall"]["interviews"]["evidence"]
    assert {"callbacks", "callbacks_to_interview", "interviews", "interviews_to_next_round_or_offer"} <= set(interviews)
    for area in ("strategy", "network", "targets", "follow_up"):
        assert "sentence" in findings["resume_gap"][area]["evidence"]
