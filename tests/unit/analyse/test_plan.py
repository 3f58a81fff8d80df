"""The weekly plan (issue 20): the decision states on hand-built searches, the shares, and the plan
of a real database file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines.analyse import bandit
from pipelines.analyse.bandit import Arm, plan_choice
from pipelines.analyse.plan import plan
from pipelines.analyse.scope import Scope
from pipelines.load.ingest import ingest_file
from tests.conftest import write_csv


def _arm(name: str, settled: int, answered: int, pending: float = 0.0) -> Arm:
    # `pending`: the exposure of pending applications without an answer yet
    return Arm(name, answered, settled + pending, settled, answered)


def _plan(*arms: Arm, next_n: int = 10) -> bandit.Choice:
    return plan_choice(arms, next_n=next_n, pace=10, window=30)


def test_not_enough_data_until_two_options_have_settled_applications() -> None:
    choice = _plan(_arm("A", 4, 1), _arm("B", 40, 4))
    assert choice.decision.state == bandit.NOT_ENOUGH
    assert choice.decision.version is None
    assert sum(arm.send for arm in choice.arms) == 10
    assert min(arm.share for arm in choice.arms) >= bandit.EXPLORATION_FLOOR  # nobody starved on early luck


def test_keep_testing_a_gap_too_small_to_call() -> None:
    choice = _plan(_arm("A", 20, 2), _arm("B", 20, 4))
    assert choice.decision.state == bandit.KEEP_TESTING
    shares = {arm.arm.name: arm.share for arm in choice.arms}
    assert shares["B"] > shares["A"] >= bandit.EXPLORATION_FLOOR
    assert choice.decision.weeks_to_decide is not None and choice.decision.weeks_to_decide > 4


def test_a_clear_winner_gets_every_application() -> None:
    choice = _plan(_arm("A", 200, 20), _arm("B", 200, 44))
    assert (choice.decision.state, choice.decision.version) == (bandit.WINNER, "B")
    assert choice.decision.p_value is not None and choice.decision.p_value <= bandit.WINNER_ALPHA
    assert {arm.arm.name: arm.send for arm in choice.arms} == {"A": 0, "B": 10}


def test_equal_options_with_much_evidence_are_no_difference_worth_testing() -> None:
    choice = _plan(_arm("A", 1500, 225), _arm("B", 1500, 226))
    assert choice.decision.state == bandit.NO_DIFFERENCE
    assert choice.decision.expected_loss is not None and choice.decision.expected_loss < bandit.LOSS_THRESHOLD
    assert [arm.send for arm in choice.arms] == [5, 5]


def test_a_winner_needs_the_always_valid_rule_not_a_lucky_week() -> None:
    # 6 of 20 against 1 of 20: a fixed-sample test says p < 0.05 (Fisher's one-sided ~0.046) but a person
    # who looks every week must not be told there is a winner
    choice = _plan(_arm("A", 20, 1), _arm("B", 20, 6))
    assert choice.decision.state == bandit.KEEP_TESTING


def test_pending_applications_count_for_the_time_they_have_had() -> None:
    # the same answers; B's ten unanswered applications are a week old: not ten failures yet
    fresh = _plan(_arm("A", 30, 6), _arm("B", 30, 6, pending=10 * 7 / 30))
    old = _plan(_arm("A", 30, 6), _arm("B", 30, 6, pending=10.0))
    p_fresh = {a.arm.name: a.p_best for a in fresh.arms}["B"]
    p_old = {a.arm.name: a.p_best for a in old.arms}["B"]
    assert p_old < p_fresh


def test_the_plan_is_the_same_every_time_it_is_made() -> None:
    arms = (_arm("A", 30, 3), _arm("B", 30, 6), _arm("C", 12, 2))
    assert _plan(*arms) == _plan(*arms)


@pytest.mark.parametrize("n", [1, 7, 10, 23])
def test_sends_add_up(n: int) -> None:
    choice = _plan(_arm("A", 30, 3), _arm("B", 30, 6), _arm("C", 12, 2), next_n=n)
    assert sum(arm.send for arm in choice.arms) == n


def test_draws_are_seeded() -> None:
    first = bandit.draw_assignments([0.2, 0.8], ["A", "B"], 20, seed=3)
    assert first == bandit.draw_assignments([0.2, 0.8], ["A", "B"], 20, seed=3)
    assert set(first) <= {"A", "B"} and len(first) == 20


def _log(tmp_path: Path, con: duckdb.DuckDBPyConnection, rows: list[list[str]], header: list[str]) -> None:
    result = ingest_file(con, write_csv(tmp_path / "log.csv", header, rows))
    assert result.status == "loaded", result.message


def test_a_log_without_resume_versions_is_not_judged(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    start = dt.date(2026, 6, 1)
    rows = [[f"Co {i}", "Analyst", (start + dt.timedelta(days=i)).isoformat(), "rejected" if i % 3 else "applied",
             "referral" if i % 2 else "job board"] for i in range(60)]
    _log(tmp_path, con, rows, ["company", "role", "applied_on", "status", "channel"])
    made = plan(con, Scope(as_of=dt.date(2026, 11, 1)))
    payload = made.to_json()
    assert payload["resume_versions_recorded"] is False and payload["resume_versions"] == []
    assert payload["decision"]["state"] == bandit.NOT_ENOUGH
    assert payload["channels_recorded"] is True
    assert {item["channel"] for item in payload["channels"]} == {"referral", "job_board"}


def test_a_log_of_applications_without_outcomes_is_not_judged(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [[f"Co {i}", "Analyst", f"2026-06-{i + 1:02d}", "v1" if i % 2 else "v2"] for i in range(20)]
    _log(tmp_path, con, rows, ["company", "role", "applied_on", "resume_version"])
    payload = plan(con, Scope(as_of=dt.date(2026, 11, 1))).to_json()
    assert payload["resume_versions_recorded"] is False  # no outcome recorded: unknown is not "no answer"


def _two_versions(tmp_path: Path, con: duckdb.DuckDBPyConnection, start: dt.date, days: int, name: str) -> None:
    rows = [[f"{name} {i}", "Analyst", (start + dt.timedelta(days=i // 2)).isoformat(),
             "rejected" if i % 4 == 0 else "applied", "v1" if i % 2 else "v2"] for i in range(days * 2)]
    result = ingest_file(con, write_csv(tmp_path / f"{name}.csv", ["company", "role", "applied_on", "status",
                                                                    "resume_version"], rows), client="me")
    assert result.status == "loaded", result.message


def test_assign_draws_keeps_and_matches_the_sends(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from pipelines.analyse.assign import assign
    from pipelines.analyse.compare import compare

    _two_versions(tmp_path, con, dt.date(2026, 6, 1), 40, "old")
    day = dt.date(2026, 8, 1)
    made = plan(con, Scope(as_of=day, client="me"), next_n=6)
    drawn = assign(con, made)
    assert [d["number"] for d in drawn] == [1, 2, 3, 4, 5, 6]
    assert assign(con, made) == drawn  # the same day draws the same, and replaces: no second set
    assert con.execute("select count(*) from assignments").fetchone() == (6,)
    # the week's sends, loaded later: the k-th send of a version is matched to its k-th draw
    _two_versions(tmp_path, con, day, 5, "new")
    wanted = {v: sum(1 for d in drawn if d["version"] == v) for v in ("v1", "v2")}
    got = dict(con.execute("select resume_version, count(*) from randomised_applications group by 1").fetchall())
    sent = {"v1": 5, "v2": 5}  # five of each sent in the week
    assert got == {v: min(wanted[v], sent[v]) for v in ("v1", "v2") if min(wanted[v], sent[v])}
    randomised = compare(con, Scope(as_of=dt.date(2026, 12, 1), client="me"), randomised=True)
    assert randomised.randomised and randomised.applications == sum(got.values())
    assert randomised.to_json()["randomised"] is True
    everything = compare(con, Scope(as_of=dt.date(2026, 12, 1), client="me"))
    assert "randomised" not in everything.to_json() and everything.applications == 90
    again = plan(con, Scope(as_of=dt.date(2026, 12, 1), client="me")).to_json()
    assert sum(item["randomised"] for item in again["resume_versions"]) == sum(got.values())


def test_listed_target_industries_are_a_choice_of_their_own(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:

    sample = Path(__file__).resolve().parents[3] / "sample_data" / "wrong_industry.csv"
    assert ingest_file(con, sample, client="wrong_industry").status == "loaded"
    scope = Scope(as_of=dt.date(2026, 11, 1), client="wrong_industry")
    unlisted = plan(con, scope).to_json()
    assert unlisted["industries_recorded"] is False and unlisted["industries"] == []  # no targets: not judged
    con.execute("update clients set target_industries = 'Finance; software, healthcare' where client = ?",
                ["wrong_industry"])
    listed = plan(con, scope).to_json()
    assert listed["industries_recorded"] is True
    assert [item["industry"] for item in listed["industries"]] == ["Finance", "healthcare", "software"]
    assert listed["industry_decision"]["state"] in bandit.STATES
    assert listed["roles_recorded"] is False
