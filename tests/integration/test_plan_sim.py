"""Issue 20's plan simulation in small (benchmarks/plan_sim.py): it runs and reports every key.

A few seeded searches: how the simulation is made, never its goals (those need `make calibrate`).
"""

from __future__ import annotations

import numpy as np

from benchmarks import plan_sim
from pipelines.analyse import bandit


def test_a_small_run_reports_every_key() -> None:
    result = plan_sim.run(searches=3, paces=(10,), weeks=8, workers=1)
    assert {"searches", "weeks", "window", "delay_days", "draws", "goals", "settings", "missed", "meets_goals",
            "seconds"} <= set(result)  # fmt: skip
    assert [(r["setting"], r["pace"]) for r in result["settings"]] == [("planted", 10), ("equal", 10)]
    for report in result["settings"]:
        assert {"answers_plan_per_search", "answers_half_per_search", "extra_answers", "states_last_look",
                "any_winner", "median_winner_week", "median_decision_week", "half_any_winner", "goals"} <= set(report)
        assert set(report["states_last_look"]) == set(bandit.STATES)
        assert abs(sum(report["states_last_look"].values()) - 1.0) < 1e-9
    planted, equal = result["settings"]
    assert {"right_winner", "wrong_winner", "sent_better"} <= set(planted)
    assert [g["figure"] for g in planted["goals"]] == ["extra_answers", "right_winner"]
    assert [g["figure"] for g in equal["goals"]] == ["any_winner"]
    assert "\n".join(plan_sim.describe(result)).count("goal ") == 3


def test_both_policies_meet_the_same_luck_and_the_arms_count_pending_ones_in_part() -> None:
    one = plan_sim.simulate_search("equal", 10, 0, weeks=6)
    assert one == plan_sim.simulate_search("equal", 10, 0, weeks=6)  # seeded
    sent = np.array([0, 0, 20, 40])
    version = np.array([0, 1, 0, 1])
    answered = np.array([True, False, False, True])
    answer_on = np.array([10, 25, 45, 50])
    a, b = plan_sim.arms_on(42, sent, version, answered, answer_on)
    # A: one settled answered, one pending 22 days (22/30 of a trial); B: one settled no, one pending 2 days
    assert (a.answered, a.settled, a.settled_answered) == (1, 1, 1) and abs(a.exposure - (1 + 22 / 30)) < 1e-9
    assert (b.answered, b.settled, b.settled_answered) == (0, 1, 0) and abs(b.exposure - (1 + 2 / 30)) < 1e-9
