"""Edges of the diagnosis found in review, each a log written here and the verdict it must get.

Every case was a confident, wrong verdict or sentence before its fix.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from pipelines.analyse import diagnosis
from pipelines.analyse.recorded import recorded_by
from pipelines.analyse.scope import Scope
from pipelines.load.ingest import ingest_file
from tests.conftest import write_csv

AS_OF = dt.date(2026, 11, 1)
START = dt.date(2026, 2, 2)


def _finding(con: duckdb.DuckDBPyConnection, area: str) -> dict[str, Any]:
    return next(f for f in diagnosis.diagnose(con, Scope(as_of=AS_OF)).to_json()["findings"] if f["area"] == area)


def _interview_log(path: Path, interviews: int, offers: int, rounds: str) -> Path:
    rows = []
    for j in range(interviews):
        applied = START + dt.timedelta(days=j)
        rows.append([f"I{j}", "Analyst", applied.isoformat(), "Offer" if j < offers else "Rejected",
                     (applied + dt.timedelta(days=10)).isoformat(), rounds])  # fmt: skip
    for j in range(40):
        rows.append([f"N{j}", "Analyst", (START + dt.timedelta(days=j)).isoformat(),
                     "Rejected" if j % 4 == 0 else "No response", "", rounds])  # fmt: skip
    header = ["Company", "Position", "Date Applied", "Status", "Interview date", "Interview rounds"]
    return write_csv(path, header, rows)


def test_excellent_interviews_are_never_failing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """44 of 46 interviews led on: the floor's test once called this "decisively" below 35 %."""
    ingest_file(con, _interview_log(tmp_path / "good.csv", 46, 44, "1"))
    finding = _finding(con, "interviews")
    assert finding["verdict"] == "working", finding
    assert finding["evidence"]["p_value"] == 1.0


def test_a_blank_rounds_column_does_not_record_rounds(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """An Interview rounds column empty in every row records nothing: the interviews are judged on
    offers (floor 15 %), not on "a next round or an offer" (35 %), which no such log can show."""
    ingest_file(con, _interview_log(tmp_path / "blank.csv", 36, 4, ""))
    assert recorded_by(con.cursor())[""].interview_rounds is False
    finding = _finding(con, "interviews")
    assert finding["evidence"]["reference_floor"] == diagnosis.INTERVIEW_FLOOR_OFFERS
    assert finding["verdict"] == "not enough data", finding  # 4 of 36 offers: not failing against 35 %
    con.execute("delete from events; delete from applications; delete from application_stages")
    ingest_file(con, _interview_log(tmp_path / "ones.csv", 36, 4, "1"))
    assert recorded_by(con.cursor())[""].interview_rounds is True  # the column holds values


def test_an_old_database_says_no_referral_only_where_someone_said_yes(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Loads before rules version 3 stored an unknown referral as "no" (and no mapped_fields)."""
    rows = [[f"Co {i}", "Analyst", (START + dt.timedelta(days=2 * i)).isoformat(), "Rejected" if i % 3 else "Applied",
             "Indeed"] for i in range(60)]  # fmt: skip
    ingest_file(con, write_csv(tmp_path / "log.csv", ["Company", "Role", "Applied", "Status", "Source"], rows))
    con.execute("update applications set referral = false; update ingest_runs set mapped_fields = null")
    assert recorded_by(con.cursor())[""].referral is False
    assert _finding(con, "network")["verdict"] == "not recorded"


def test_referral_words_for_no_one_and_for_unknown(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    values = ["None", "nobody", "self", "?", "TBD", "unknown", "Jane Roe", "yes", "no", ""]
    rows = [[f"Co {i}", "Analyst", "2026-09-01", "Applied", value] for i, value in enumerate(values)]
    result = ingest_file(con, write_csv(tmp_path / "r.csv", ["Company", "Role", "Applied", "Status", "Referral"], rows))
    assert (result.inserted, result.rejected) == (len(values), 0)  # "I don't know" is no error
    stored = dict(con.execute("select company, referral from applications").fetchall())
    assert [stored[f"Co {i}"] for i in range(len(values))] == [
        False, False, False, None, None, None, True, True, False, None]  # fmt: skip


def test_all_one_click_is_not_enough_data_not_working(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [[f"Co {i}", "Analyst", (START + dt.timedelta(days=i)).isoformat(), "Rejected" if i % 30 == 0 else "Applied",
             "LinkedIn Easy Apply"] for i in range(150)]  # fmt: skip
    ingest_file(con, write_csv(tmp_path / "ea.csv", ["Company", "Role", "Applied", "Status", "Source"], rows))
    finding = _finding(con, "strategy")
    assert finding["verdict"] == "not enough data", finding
    assert "0 of 0" not in finding["evidence"]["sentence"]


def test_a_version_blamed_within_channels_is_not_shown_as_pooled_gap(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Simpson's paradox: A went mostly through the channel that answers; pooled it looks better,
    within each channel it answers less. The sentence must not say "the gap holds"."""
    rows: list[list[Any]] = []
    for source, resume, n, answered in (("Company site", "A", 40, 18), ("Company site", "B", 10, 10),
                                        ("Indeed", "A", 10, 0), ("Indeed", "B", 40, 4)):  # fmt: skip
        for j in range(n):
            index = len(rows)
            rows.append([f"C{index}", "Analyst", (START + dt.timedelta(days=index // 3)).isoformat(),
                         "Rejected" if j < answered else "No response", source, resume])  # fmt: skip
    header = ["Company", "Position", "Date Applied", "Status", "Source", "Resume"]
    ingest_file(con, write_csv(tmp_path / "simpson.csv", header, rows))
    finding = _finding(con, "resume")
    assert finding["verdict"] in ("at risk", "failing") and finding["evidence"]["weaker"] == "A", finding
    assert "the gap holds" not in finding["evidence"]["sentence"]
    assert "within the same channels it answers less" in finding["evidence"]["sentence"]


def test_an_industry_is_compared_with_known_industries_only(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Retail against applications whose industry is blank: no comparison, and no empty lists."""
    rows = [[f"C{i}", "Analyst", (START + dt.timedelta(days=i // 3)).isoformat(),
             "No response" if i < 30 or i % 5 else "Rejected", "Retail" if i < 30 else ""]
            for i in range(70)]  # fmt: skip
    header = ["Company", "Position", "Date Applied", "Status", "Industry"]
    ingest_file(con, write_csv(tmp_path / "ind.csv", header, rows))
    finding = _finding(con, "targets")
    assert finding["verdict"] == "not enough data", finding
    assert "()" not in finding["action"] and "from ." not in finding["evidence"]["sentence"]


def test_a_hint_is_not_called_measurable(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """6 of 30 answered later after a follow-up against 1 of 30 without: a hint at best."""
    rows = []
    for i in range(60):
        applied = START + dt.timedelta(days=i)
        followed = i < 30
        answered = (i < 6) if followed else (i == 30)
        rows.append([f"C{i}", "Analyst", applied.isoformat(), "Rejected" if answered else "No response",
                     (applied + dt.timedelta(days=20)).isoformat() if answered else "",
                     (applied + dt.timedelta(days=10)).isoformat() if followed else ""])  # fmt: skip
    header = ["Company", "Position", "Date Applied", "Status", "Date of 1st Response", "Follow-up date"]
    ingest_file(con, write_csv(tmp_path / "fu.csv", header, rows))
    finding = _finding(con, "follow_up")
    assert "measurably helped" not in finding["evidence"]["sentence"], finding
    assert "not yet firm" in finding["evidence"]["sentence"] or "does not show" in finding["evidence"]["sentence"]
