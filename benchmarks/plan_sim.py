"""Issue 20's weekly plan, simulated: does following `bounceback plan` earn more answers than 50/50?

    python -m benchmarks.plan_sim [--searches 500] [--paces 10,20] [--weeks 20] [--json]

The thing simulated is `pipelines.analyse.bandit.plan_choice`, called as `bounceback plan` calls it
(pipelines/analyse/plan.py): two resume versions A and B, each an `Arm` built from what is known on
the day of the look. Per search (a seeded numpy generator per search, so the figures do not depend
on how the searches are split):

- the true answer rates are either *planted*, 10 % and 20 % (which version is the better one: a
  coin flip per search), or *equal*, 15 % and 15 %;
- for `weeks` weeks the person sends `pace` applications a week, spread evenly over the week's
  seven days; each application is answered with its version's rate, the answer arriving a uniform
  3-28 days later (inside the 30-day window, so no answer after 30 days is a settled no);
- policy **plan**: every Monday, the arms as the log stands that day (answered so far, exposure: a
  settled or answered application is one trial, a pending unanswered one age / window of a trial;
  settled applications and their answers), then `plan_choice(arms, next_n=pace, pace=pace,
  window=30)`; the week's applications are sent in its counts (`ArmPlan.send`, its largest-remainder
  split of `pace` by the shares), in shuffled order. Once a winner is named, every later application
  goes to it (a winner is not looked at again);
- policy **50/50**: the versions alternate, half each all along;
- both policies meet the same luck: application k of a search has the same answer draw u_k (answered
  when u_k < its version's rate) and the same delay, whichever version it goes out with.

A last look on the Monday after the last week (day 7 x weeks) gives the state "by week `weeks`".
Figures per pace and setting: answers received by then under each policy and the plan's extra
answers (sum over searches, plan / 50-50 - 1); the share of searches in each state at the last look;
a winner named by then (planted: the better version, the worse one); the median week a winner is
first named (among searches with one) and of the first decision of either kind. Goals, reported and
never enforced: extra answers >= +10 % with the planted gap, the right winner in >= 80 % of planted
searches, a winner in <= 5 % of equal ones. `make calibrate` runs it after its scenarios
(benchmarks/calibrate.py, `--plan-searches`); docs/diagnosis.md has the method and the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from pipelines.analyse import bandit, stats

DEFAULT_SEARCHES = 500
DRAWS = 20_000  # plan_choice's Monte Carlo draws (the product's 100,000 only makes p_best less noisy)
PACES = (10, 20)  # applications a week
WEEKS = 20
WINDOW = 30  # days: the response window (Scope().window)
DELAY_DAYS = (3, 28)  # an answer arrives uniformly this many days after the application (both included)
SEED = 20
SETTINGS: dict[str, tuple[float, float]] = {"planted": (0.10, 0.20), "equal": (0.15, 0.15)}
NAMES = ("A", "B")
GOALS = {
    "extra_answers": ("planted", ">=", 0.10),
    "right_winner": ("planted", ">=", 0.80),
    "any_winner": ("equal", "<=", 0.05),
}


def _sent_on(pace: int, weeks: int) -> np.ndarray:
    """The day of each application: `pace` a week, spread evenly over the week (day 0: a Monday)."""
    index = np.arange(pace * weeks)
    return 7 * (index // pace) + (index % pace) * 7 // pace


def arms_on(day: int, sent: np.ndarray, version: np.ndarray, answered: np.ndarray, answer_on: np.ndarray,
            window: int = WINDOW) -> list[bandit.Arm]:
    """The two arms as the log stands on `day`, from the applications sent before it (plan.py's SQL)."""
    arms = []
    for v, name in enumerate(NAMES):
        mine = (version == v) & (sent < day)
        age = day - sent[mine]
        settled = age >= window
        known = answered[mine] & (answer_on[mine] <= day)
        whole = settled | known
        exposure = float(whole.sum() + (np.minimum(age[~whole], window) / window).sum())
        arms.append(bandit.Arm(name, int(known.sum()), exposure, int(settled.sum()), int((settled & known).sum())))
    return arms


def half_winner_week(sent: np.ndarray, answered: np.ndarray, answer_on: np.ndarray, weeks: int,
                     window: int = WINDOW) -> int | None:
    """For comparison: the first weekly look at which the 50/50 policy's settled counts pass the
    plan's winner test (stats.always_valid_lower_p at bandit.WINNER_ALPHA, either direction)."""
    version = np.arange(len(sent)) % 2
    for week in range(1, weeks + 1):
        settled = sent <= 7 * week - window
        counts = [(int((settled & answered & (version == v)).sum()), int((settled & (version == v)).sum()))
                  for v in range(2)]
        if min(n for _, n in counts) < bandit.MIN_SETTLED:
            continue
        (a, na), (b, nb) = counts
        p = min(stats.always_valid_lower_p([(a, na - a, b, nb - b)]),
                stats.always_valid_lower_p([(b, nb - b, a, na - a)]))
        if p <= bandit.WINNER_ALPHA:
            return week
    return None


def simulate_search(setting: str, pace: int, search: int, weeks: int = WEEKS, draws: int = DRAWS,
                    seed: int = SEED) -> dict[str, Any]:
    """One search under both policies: answers by the last look, the states week by week."""
    rng = np.random.default_rng([seed, list(SETTINGS).index(setting), pace, search])
    rates = np.array(SETTINGS[setting])
    if rng.random() < 0.5:
        rates = rates[::-1].copy()
    better = int(np.argmax(rates)) if rates[0] != rates[1] else None
    n = pace * weeks
    sent = _sent_on(pace, weeks)
    luck = rng.random(n)
    answer_on = sent + rng.integers(DELAY_DAYS[0], DELAY_DAYS[1] + 1, size=n)
    end = 7 * weeks

    def answers(version: np.ndarray) -> int:
        return int(((luck < rates[version]) & (answer_on <= end)).sum())

    halves = np.arange(n) % 2
    version = np.full(n, -1)
    states: list[str] = []  # at the looks of weeks 1..weeks (week 0 has no applications: 50/50)
    winner: int | None = None
    winner_week: int | None = None
    loss: float | None = None  # the expected loss at the last look that called plan_choice
    for week in range(weeks + 1):
        this_week = slice(week * pace, (week + 1) * pace)
        if week == 0:
            counts = [pace - pace // 2, pace // 2]
        elif winner is not None:
            states.append(bandit.WINNER)
            counts = [pace if v == winner else 0 for v in range(len(NAMES))]
        else:
            answered = luck < np.where(version >= 0, rates[np.maximum(version, 0)], 0.0)
            arms = arms_on(7 * week, sent, version, answered, answer_on)
            choice = bandit.plan_choice(arms, next_n=pace, pace=pace, window=WINDOW, draws=draws)
            states.append(choice.decision.state)
            loss = choice.decision.expected_loss
            if choice.decision.state == bandit.WINNER:
                winner, winner_week = NAMES.index(str(choice.decision.version)), week
            counts = [plan.send for plan in choice.arms]
        if week < weeks:
            version[this_week] = rng.permutation(np.repeat(np.arange(len(NAMES)), counts))
    half = half_winner_week(sent, luck < rates[halves], answer_on, weeks)
    decided = [w + 1 for w, s in enumerate(states) if s in (bandit.WINNER, bandit.NO_DIFFERENCE)]
    return {
        "better": better,
        "answers_plan": answers(version),
        "answers_half": answers(halves),
        "sent_better": None if better is None else float(np.mean(version == better)),
        "state": states[-1],
        "winner": winner,
        "winner_week": winner_week,
        "decision_week": decided[0] if decided else None,
        "half_winner_week": half,
        "loss": loss,
    }


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.median(known)) if known else None


def summarise(setting: str, pace: int, results: list[dict[str, Any]], weeks: int, seconds: float) -> dict[str, Any]:
    plan = sum(r["answers_plan"] for r in results)
    half = sum(r["answers_half"] for r in results)
    n = len(results)
    report: dict[str, Any] = {
        "setting": setting,
        "rates": list(SETTINGS[setting]),
        "pace": pace,
        "weeks": weeks,
        "searches": n,
        "answers_plan_per_search": plan / n,
        "answers_half_per_search": half / n,
        "extra_answers": plan / half - 1 if half else 0.0,
        "states_last_look": {state: sum(r["state"] == state for r in results) / n for state in bandit.STATES},
        "any_winner": sum(r["winner"] is not None for r in results) / n,
        "median_winner_week": _median([r["winner_week"] for r in results]),
        "median_decision_week": _median([r["decision_week"] for r in results]),
        "decided": sum(r["decision_week"] is not None for r in results) / n,
        # for comparison: the same winner test on the 50/50 policy's counts, looked at weekly
        "half_any_winner": sum(r["half_winner_week"] is not None for r in results) / n,
        "half_median_winner_week": _median([r["half_winner_week"] for r in results]),
        # undecided searches: the median expected loss at the last look (no difference below LOSS_THRESHOLD)
        "median_loss_undecided": _median([r["loss"] for r in results if r["winner"] is None]),
        "seconds": round(seconds, 1),
    }
    if setting == "planted":
        report["right_winner"] = sum(r["winner"] is not None and r["winner"] == r["better"] for r in results) / n
        report["wrong_winner"] = sum(r["winner"] is not None and r["winner"] != r["better"] for r in results) / n
        report["sent_better"] = float(np.mean([r["sent_better"] for r in results]))
    goals = []
    for figure, (where, op, bound) in GOALS.items():
        if where == setting:
            value = report[figure]
            met = value >= bound - 1e-12 if op == ">=" else value <= bound + 1e-12
            goals.append({"figure": figure, "value": value, "goal": f"{op} {bound:g}", "met": bool(met)})
    report["goals"] = goals
    return report


def _run(task: tuple[str, int, int, int, int]) -> dict[str, Any]:
    setting, pace, searches, weeks, draws = task
    started = time.perf_counter()
    results = [simulate_search(setting, pace, s, weeks, draws) for s in range(searches)]
    return summarise(setting, pace, results, weeks, time.perf_counter() - started)


def run(searches: int = DEFAULT_SEARCHES, paces: Sequence[int] = PACES, weeks: int = WEEKS,
        draws: int = DRAWS, workers: int | None = None) -> dict[str, Any]:
    """Every pace and setting; `workers` processes (default: one per task up to the cores; 1: none)."""
    started = time.perf_counter()
    tasks = [(setting, pace, searches, weeks, draws) for pace in paces for setting in SETTINGS]
    if workers == 1 or searches * len(tasks) < 50:
        reports = [_run(task) for task in tasks]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            reports = list(pool.map(_run, tasks))
    missed = [f"pace {r['pace']} {g['figure']}" for r in reports for g in r["goals"] if not g["met"]]
    return {"searches": searches, "weeks": weeks, "window": WINDOW, "delay_days": list(DELAY_DAYS),
            "draws": draws, "goals": {k: f"{where}: {op} {b:g}" for k, (where, op, b) in GOALS.items()},
            "settings": reports, "missed": missed, "meets_goals": not missed,
            "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


def _pct(value: float | None, signed: bool = False) -> str:
    return "-" if value is None else (f"{value:+.1%}" if signed else f"{value:.1%}")


def describe(result: dict[str, Any]) -> list[str]:
    """The table: one row per pace and setting, the goals met or missed under it."""
    lines = [
        f"plan ({result['searches']} searches per row, {result['weeks']} weeks, answers after"
        f" {result['delay_days'][0]}-{result['delay_days'][1]} days, window {result['window']} days;"
        f" {result['seconds']} s): the weekly plan against 50/50",
        f"    {'pace':>4} {'rates':<10}{'answers plan':>13}{'50/50':>7}{'extra':>8}{'winner':>8}{'right':>7}"
        f"{'wrong':>7}{'win wk':>7}{'dec wk':>7}{'50/50 win':>10}   states at the last look",
    ]
    for r in result["settings"]:
        states = "  ".join(f"{s} {share:.1%}" for s, share in r["states_last_look"].items())
        weeks = [("-" if w is None else f"{w:g}") for w in (r["median_winner_week"], r["median_decision_week"])]
        lines.append(
            f"    {r['pace']:>4} {'/'.join(f'{x:.0%}' for x in r['rates']):<10}{r['answers_plan_per_search']:>13.1f}"
            f"{r['answers_half_per_search']:>7.1f}{_pct(r['extra_answers'], True):>8}{_pct(r['any_winner']):>8}"
            f"{_pct(r.get('right_winner')):>7}{_pct(r.get('wrong_winner')):>7}{weeks[0]:>7}{weeks[1]:>7}"
            f"{_pct(r['half_any_winner']):>10}   {states}"
        )
    labels = {"extra_answers": "extra answers, planted 10/20", "right_winner": "right winner by the last look, planted",
              "any_winner": "a winner by the last look, equal 15/15"}  # fmt: skip
    for r in result["settings"]:
        for g in r["goals"]:
            signed = g["figure"] == "extra_answers"
            lines.append(f"    pace {r['pace']:>2}: {labels[g['figure']]:<40}{_pct(g['value'], signed):>7}"
                         f"   goal {'≥' if g['goal'].startswith('>=') else '≤'} {_pct(GOALS[g['figure']][2])}"
                         f" {'met' if g['met'] else 'MISSED'}")  # fmt: skip
    lines.append(f"    plan goals: {'all met' if not result['missed'] else 'missed: ' + '; '.join(result['missed'])}"
                 " (a report: no effect on the exit code)")  # fmt: skip
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--searches", type=int, default=DEFAULT_SEARCHES,
                        help=f"per pace and setting ({DEFAULT_SEARCHES})")
    parser.add_argument("--paces", default=",".join(map(str, PACES)), help="applications a week, comma-separated")
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--draws", type=int, default=DRAWS, help=f"plan_choice's Monte Carlo draws ({DRAWS:,})")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: up to the cores)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    paces = [int(p) for p in args.paces.split(",") if p.strip()]
    if args.searches < 1 or args.weeks < 1 or not paces or min(paces) < 1:
        parser.error("--searches, --weeks and every pace must be >= 1")
    result = run(args.searches, paces, args.weeks, args.draws, args.workers)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("\n".join(describe(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
