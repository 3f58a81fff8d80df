"""The diagnosis on logs shaped like real ones: it judges only what the log records.

One fixture per shape, each written here: a LinkedIn export (no outcomes at all), a spreadsheet
without a channel column, one without referral and follow-up columns, and one whose answers are two
years old. Each asserts the exact verdict of every part.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from pipelines.analyse import analytics, diagnosis
from pipelines.analyse.scope import Scope
from pipelines.cli.commands import main
from pipelines.load.ingest import ingest_file
from tests.conftest import write_csv
from tests.unit.load.test_formats import LINKEDIN_HEADER

AS_OF = dt.date(2026, 11, 1)
START = dt.date(2026, 5, 24)  # every other day from here: the last application on 2026-10-29


def _verdicts(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], dict[str, object]]:
    result = diagnosis.diagnose(con, Scope(as_of=AS_OF)).to_json()
    return {f["area"]: f["verdict"] for f in result["findings"]}, result


def _day(index: int, every: int = 2) -> str:
    return (START + dt.timedelta(days=every * index)).isoformat()


def test_a_linkedin_export_has_no_outcomes_so_nothing_is_judged(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = []
    for i in range(60):
        applied = START + dt.timedelta(days=2 * i)
        rows.append([f"{applied.month}/{applied.day}/{applied.year % 100}, 9:00 AM", "me@example.com", "+1 555 0100",
                     f"Company {i}", "Data Analyst", f"https://www.linkedin.com/jobs/view/{1000 + i}",
                     "cv_a.pdf" if i % 2 else "cv_b.pdf", ""])  # fmt: skip
    result = ingest_file(con, write_csv(tmp_path / "Job Applications.csv", LINKEDIN_HEADER, rows, quote_all=True))
    assert (result.status, result.source, result.inserted) == ("loaded", "linkedin", 60)
    verdicts, payload = _verdicts(con)
    assert verdicts == dict.fromkeys(diagnosis.AREAS, "not recorded")
    assert payload["recorded"] == {"outcomes": False, "interviews": False, "channel": True, "referral": False,
                                   "follow_ups": False, "resume_version": True, "cover_letter": False,
                                   "industry": False, "interview_rounds": False}  # fmt: skip
    for finding in payload["findings"]:  # type: ignore[attr-defined]
        assert "no outcomes recorded" in finding["evidence"]["sentence"]
        assert finding["evidence"]["missing"] == ["outcomes"]
        assert "Database page" in finding["action"]
        # none of "working", "keep using", "ghosting 100 %" or "0 of 66 followed up"
        assert "keep" not in finding["action"].lower() and "%" not in finding["evidence"]["sentence"]
    # the rates, timing and ghosting say "no outcomes recorded": null, never 0 % answered or 100 % ghosted
    scope = Scope(as_of=AS_OF)
    rates = analytics.rates(con, scope, ["resume_version"])
    assert rates.outcomes_recorded is False and rates.overall is not None
    for group in [rates.overall, *rates.groups]:
        assert group.response_rate["rate"] is None and group.response_rate_settled["rate"] is None
        assert group.interview_rate["rate"] is None and group.offer_rate["rate"] is None
    timing = analytics.timing(con, scope, [])
    assert timing.outcomes_recorded is False and timing.groups[0].ghosting_rate["rate"] is None
    assert analytics.NO_OUTCOMES == "no outcomes recorded"


def _sheet_without_channel(tmp_path: Path) -> Path:
    """80 applications every other day: one resume, one industry, a fifth referred, follow-ups on
    half of the silent ones, answers now and then, two interviews."""
    rows = []
    for i in range(80):
        status = "Rejected" if i % 5 == 0 else "Interview" if i in (7, 33) else "Applied"
        follow_up = ""
        if status == "Applied" and i % 2:
            follow_up = (START + dt.timedelta(days=2 * i + 10)).isoformat()
        rows.append([f"Firm {i}", "Analyst", _day(i), status, "software", "v1", "yes" if i % 5 == 1 else "no",
                     follow_up])  # fmt: skip
    header = ["Company", "Position", "Date Applied", "Status", "Industry", "Resume", "Referral", "Follow-up date"]
    return write_csv(tmp_path / "my search.csv", header, rows)


def test_a_sheet_without_a_channel_column(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, _sheet_without_channel(tmp_path))
    assert (result.status, result.inserted, result.rejected) == ("loaded", 80, 0)
    verdicts, payload = _verdicts(con)
    assert verdicts == {
        "strategy": "not recorded",  # not "working: no channel mix problem"
        "resume": "not enough data",  # one version in use
        "network": "working",
        "targets": "not enough data",  # one industry: nothing to compare it with
        "interviews": "not enough data",
        "follow_up": "working",
    }
    assert payload["recorded"]["channel"] is False and payload["recorded"]["referral"] is True  # type: ignore[index]
    strategy = next(f for f in payload["findings"] if f["area"] == "strategy")  # type: ignore[attr-defined]
    assert strategy["evidence"]["missing"] == ["channel"] and "Channel column" in strategy["action"]
    # outcomes are recorded here: the rates are numbers, not "no outcomes recorded"
    rates = analytics.rates(con, Scope(as_of=AS_OF), [])
    assert rates.outcomes_recorded is True
    assert rates.overall is not None and rates.overall.response_rate_settled["rate"] is not None


def test_a_sheet_without_referral_and_follow_up_columns(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Unknown is not "no": no Referral or Follow-up column is not "no referrals, no follow-ups"."""
    rows = []
    sources = ("LinkedIn", "Indeed", "Company website")
    for i in range(80):
        status = "Rejected" if i % 4 == 0 else "Phone screen" if i % 9 == 0 else "Applied"
        rows.append([f"Firm {i}", "Analyst", _day(i), sources[i % 3], status])
    ingest_file(con, write_csv(tmp_path / "log.csv", ["Company", "Role", "Applied", "Source", "Status"], rows))
    verdicts, payload = _verdicts(con)
    assert verdicts == {
        "strategy": "working",
        "resume": "not recorded",
        "network": "not recorded",  # not "at risk: 0 % referrals"
        "targets": "not recorded",
        "interviews": "not enough data",
        "follow_up": "not recorded",  # not "at risk: 0 of 66 followed up"
    }
    findings = {f["area"]: f for f in payload["findings"]}  # type: ignore[attr-defined]
    assert findings["network"]["evidence"]["missing"] == ["referral"]
    assert "Referral column" in findings["network"]["action"]
    assert "Followed-up column" in findings["follow_up"]["action"]
    rates = analytics.rates(con, Scope(as_of=AS_OF), ["channel"])
    assert rates.outcomes_recorded is True and all(g.response_rate_settled["rate"] is not None
                                                   for g in rates.groups)  # fmt: skip
    assert payload["recorded"] == {"outcomes": True, "interviews": True, "channel": True, "referral": False,
                                   "follow_ups": False, "resume_version": False, "cover_letter": False,
                                   "industry": False, "interview_rounds": False}  # fmt: skip


def test_answers_two_years_old_are_no_longer_in_progress(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    start = dt.date(2024, 5, 6)
    rows = []
    for i in range(40):
        applied = start + dt.timedelta(days=2 * i)
        status, interview = (
            ("Interview", (applied + dt.timedelta(days=12)).isoformat())
            if i % 8 == 0
            else (("Phone screen", "") if i % 5 == 0 else ("Rejected", "") if i % 3 == 0 else ("Applied", ""))
        )
        rows.append([f"Firm {i}", "Analyst", applied.isoformat(), status, interview])
    ingest_file(con, write_csv(tmp_path / "old.csv", ["Company", "Role", "Applied", "Status", "Interview date"], rows))
    verdicts, _ = _verdicts(con)
    assert verdicts == {
        "strategy": "not recorded",  # no channel column (the pace, nothing in four weeks, is told)
        "resume": "not recorded",
        "network": "not recorded",
        "targets": "not recorded",
        "interviews": "not enough data",
        "follow_up": "not recorded",
    }
    funnel = analytics.funnel(con, Scope(as_of=AS_OF))
    assert "in_progress" not in funnel.outcomes and "offer" not in funnel.outcomes
    assert funnel.outcomes["no_further_answer"] == sum(
        1 for i in range(40) if i % 8 == 0 or i % 5 == 0
    )  # every screen and interview, answered two years ago and never again
    assert not [flow for flow in funnel.flows if flow["to"] == "still open"]


def test_diagnose_json_has_the_recorded_map_and_the_new_verdict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "d.duckdb"
    assert main(["ingest", str(_sheet_without_channel(tmp_path)), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["diagnose", "--db", str(db), "--as-of", AS_OF.isoformat(), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload["recorded"]) == {"outcomes", "interviews", "channel", "referral", "follow_ups",
                                        "resume_version", "cover_letter", "industry", "interview_rounds"}  # fmt: skip
    assert payload["outcomes_recorded"] is True
    assert "not recorded" in {f["verdict"] for f in payload["findings"]}
    assert main(["diagnose", "--db", str(db), "--as-of", AS_OF.isoformat()]) == 0
    assert "NOT RECORDED" in capsys.readouterr().out
