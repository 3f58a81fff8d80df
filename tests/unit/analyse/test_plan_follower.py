"""The sample search that follows the weekly plan (sample_data/plan_follower.py): every send is one the
plan drew, so every application is randomised, and the data tests hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines.analyse.compare import compare
from pipelines.analyse.plan import plan
from pipelines.analyse.scope import Scope
from pipelines.store.db import connect, run_data_tests
from sample_data import plan_follower


def test_the_plan_follower_s_sends_are_its_draws(tmp_path: Path) -> None:
    db = tmp_path / "pf.duckdb"
    today = dt.date(2026, 11, 1)
    loaded = plan_follower.load(db, "plan_follower", 7, today, tmp_path / "samples")
    assert loaded == plan_follower.WEEKS * plan_follower.PACE
    assert plan_follower.load(db, "plan_follower", 7, today, tmp_path / "samples") == 0  # again: nothing new
    con = connect(db)
    assert con.execute("select count(*) from assignments").fetchone() == (loaded,)
    assert con.execute("select count(*) from randomised_applications").fetchone() == (loaded,)
    assert all(count == 0 for count in run_data_tests(con).values())
    scope = Scope(as_of=today, client="plan_follower")
    made = plan(con, scope).to_json()
    assert sum(item["randomised"] for item in made["resume_versions"]) == loaded
    assert compare(con, scope, randomised=True).applications == loaded
    con.close()
