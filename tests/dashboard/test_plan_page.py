"""Issue 20 on the dashboard: the Next week page, run headless with AppTest on real DuckDB files. A sample
search whose second resume version answers more often names it the winner; a LinkedIn log, which records
no outcome, gets no verdict but what to add; an empty database, what to load. What a person reads on
it holds no identifier, None, NaN or unrounded number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import ui
from pipelines.analyse.recorded import HOW_TO_RECORD
from pipelines.store.db import connect
from tests.conftest import SAMPLE_DIR
from tests.conftest import loaded_database as _database
from tests.dashboard.plain import forbidden
from tests.dashboard.test_guided import _linkedin_log
from tests.dashboard.test_plain_analyses import _texts

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
AS_OF = dt.date(2026, 11, 1)  # the sample files' date: results do not drift with the calendar

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _plan_page(monkeypatch: pytest.MonkeyPatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": AS_OF.isoformat(), **params})
    at.run()
    at.switch_page("app_pages/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _screen(at: AppTest) -> str:
    return "\n".join(_texts(at))


def test_a_clear_winner_is_named_with_shares_and_chores(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = _database(tmp_path / "gap.duckdb", (SAMPLE_DIR / "resume_gap.csv", "resume_gap"))
    at = _plan_page(monkeypatch, db, client="resume_gap")
    assert [title.value for title in at.title] == ["Next week"]
    screen = _screen(at)
    # the resume decision: v2, as a success callout; the channels still being tested, as information
    assert any("Send the version v2" in box.value for box in at.success), [box.value for box in at.success]
    assert any(box.value.startswith("Keep testing") for box in at.info)
    versions = at.dataframe[0].value
    assert list(versions["option"]) == ["v1", "v2"]
    assert list(versions["send"]) == [0, 10]  # all of the next ten with the winner
    assert versions["shown"].str.fullmatch(r"\d+ % \(\d+–\d+ %\)").all(), list(versions["shown"])
    channels = at.dataframe[1].value
    assert "company site" in list(channels["option"]) and "company_site" not in screen
    assert int(channels["send"].sum()) == 10
    assert "This week's chores" in screen and "Follow-ups due" in screen and "Referrals worth asking for" in screen
    assert "applications a week over the last four weeks" in screen
    assert len(at.get("vega_lite_chart")) == 2  # each choice's intervals drawn
    assert forbidden(_texts(at)) == []


def test_the_number_of_next_applications_is_shared_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = _database(tmp_path / "gap.duckdb", (SAMPLE_DIR / "resume_gap.csv", "resume_gap"))
    at = _plan_page(monkeypatch, db, client="resume_gap")
    at.number_input(key="plan_next").set_value(25).run()
    assert not at.exception, [e.value for e in at.exception]
    assert int(at.dataframe[1].value["send"].sum()) == 25
    assert "Send (of the next 25)" in at.dataframe[1].proto.columns


def test_a_log_without_outcomes_gets_no_verdict(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = _database(tmp_path / "linkedin.duckdb", (_linkedin_log(tmp_path), "me"))
    at = _plan_page(monkeypatch, db)
    screen = _screen(at)
    assert not at.success or all("Send the" not in box.value for box in at.success)
    for verdict in ("Send the", "Keep testing", "No difference worth testing", "Not enough data"):
        assert verdict not in screen
    # what to add instead, in the words the rest of the dashboard uses
    assert screen.count(HOW_TO_RECORD["outcomes"]) == 2, screen
    assert "This week's chores" in screen
    assert forbidden(_texts(at)) == []


def test_an_empty_database_says_what_to_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    at = _plan_page(monkeypatch, db)
    assert [info.value for info in at.info] == [ui.EMPTY_MESSAGE]
    assert not at.dataframe and "plan_next" not in [widget.key for widget in at.number_input]
    assert forbidden(_texts(at)) == []


def test_the_client_s_target_industries_are_a_choice_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = _database(tmp_path / "industry.duckdb", (SAMPLE_DIR / "wrong_industry.csv", "wrong_industry"))
    con = connect(db)
    con.execute("update clients set target_industries = 'finance, software' where client = 'wrong_industry'")
    con.close()
    at = _plan_page(monkeypatch, db, client="wrong_industry")
    assert "Which target industry" in [header.value for header in at.subheader]
    industries = at.dataframe[2].value
    assert list(industries["option"]) == ["finance", "software"]
    assert forbidden(_texts(at)) == []


def test_the_plan_follower_shows_its_sends_as_drawn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sample_data import plan_follower

    db = tmp_path / "pf.duckdb"
    plan_follower.load(db, "plan_follower", 7, AS_OF, tmp_path / "samples")
    at = _plan_page(monkeypatch, db, client="plan_follower")
    versions = at.dataframe[0].value
    assert int(versions["randomised"].sum()) == plan_follower.WEEKS * plan_follower.PACE
    assert forbidden(_texts(at)) == []
