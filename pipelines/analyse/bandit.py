"""What to send next (issue 20): the arithmetic of the weekly plan, on counts alone (no database).

Each option the person chooses between (a resume version, a channel) is an `Arm`: its answers and
its exposure. A settled application is one whole trial; a pending one without an answer counts for
the part of the response window it has had (age / window), so a week-old application is not yet a
failure; an answered one, pending or not, is a whole trial and a success. The posterior of an arm's
answer rate is Beta(1 + answers, 1 + exposure - answers).

- **p_best**: the posterior probability that the arm has the highest rate (seeded Monte Carlo).
- **Shares** of the next applications: Thompson sampling's own allocation, an arm's share being its
  probability of being best (Thompson 1933; Russo et al., "A Tutorial on Thompson Sampling", 2018),
  with a floor of EXPLORATION_FLOOR per arm while testing, so that no option is starved on early luck.
- **Decision**, in this order:
  - `not enough data`: fewer than two arms with at least MIN_SETTLED settled applications;
  - `winner`: the best arm answers more often than every other arm by the always-valid test of the
    diagnosis (stats.always_valid_lower_p on settled counts, at WINNER_ALPHA split over the others):
    its chance of ever naming a winner among equal arms, however often the person looks, is at most
    WINNER_ALPHA (Johari et al. 2022);
  - `no difference worth testing`: the expected loss of sending everything with any one of them,
    E[max rate - its rate] under the posterior for the worst pick, is below LOSS_THRESHOLD (one
    answer in 100 applications): whichever is picked, testing on could at most win that back;
  - otherwise `keep testing`.
- **Weeks to decide**: the settled applications per arm the two leading rates would need (the
  normal formula, stats.sample_size_per_group, times AV_INFLATION for the always-valid test's price
  of looking every week), at the current pace and shares, plus the window for answers to settle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipelines.analyse import stats

EXPLORATION_FLOOR = 0.1
MIN_SETTLED = 5
WINNER_ALPHA = 0.05
LOSS_THRESHOLD = 0.01
# the always-valid test reaches 80 % power at about this many times the fixed-sample size: measured
# (1,500 searches per point) at 1.6x: 78 %, 70 %, 71 % power and 2.0x: 87 %, 83 %, 85 % for 10 vs 20 %,
# 10 vs 15 % and 20 vs 30 % (docs/plan.md)
AV_INFLATION = 1.9
DRAWS = 100_000
SEED = 20261202

NOT_ENOUGH = "not enough data"
KEEP_TESTING = "keep testing"
WINNER = "winner"
NO_DIFFERENCE = "no difference worth testing"
STATES = (NOT_ENOUGH, KEEP_TESTING, WINNER, NO_DIFFERENCE)


@dataclass(frozen=True)
class Arm:
    """One option's evidence: answers, exposure (settled + pending's share of the window), settled
    applications and their answers (what the always-valid test reads)."""

    name: str
    answered: int
    exposure: float
    settled: int
    settled_answered: int
    randomised: int = 0

    def __post_init__(self) -> None:
        if self.answered < 0 or self.answered > self.exposure + 1e-9:
            raise ValueError(f"{self.name}: need 0 <= answered <= exposure")
        if not 0 <= self.settled_answered <= self.settled:
            raise ValueError(f"{self.name}: need 0 <= settled_answered <= settled")

    @property
    def alpha(self) -> float:
        return 1.0 + self.answered

    @property
    def beta(self) -> float:
        return 1.0 + max(self.exposure - self.answered, 0.0)


@dataclass(frozen=True)
class ArmPlan:
    arm: Arm
    p_best: float
    share: float
    rate: float  # posterior mean
    low: float  # 95 % credible interval
    high: float
    send: int  # of the next N

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.arm.name,
            "p_best": round(self.p_best, 4),
            "share": round(self.share, 4),
            "send": self.send,
            "rate": {"rate": round(self.rate, 4), "low": round(self.low, 4), "high": round(self.high, 4)},
            "settled": self.arm.settled,
            "answered": self.arm.answered,
            "randomised": self.arm.randomised,
        }


@dataclass(frozen=True)
class Decision:
    state: str
    version: str | None  # the winner, or the current best for "no difference worth testing"
    weeks_to_decide: float | None  # None: decided, or no decision in sight at this pace
    expected_loss: float | None
    p_value: float | None  # the always-valid p of the best against the runner-up (split over the others)

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "version": self.version,
            "weeks_to_decide": None if self.weeks_to_decide is None else round(self.weeks_to_decide, 1),
            "expected_loss": None if self.expected_loss is None else round(self.expected_loss, 4),
            "p_value": None if self.p_value is None else round(self.p_value, 4),
        }


@dataclass(frozen=True)
class Choice:
    """The plan for one choice (resume versions, channels): each arm and the decision."""

    arms: tuple[ArmPlan, ...]
    decision: Decision


def _samples(arms: Sequence[Arm], draws: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    alpha = np.array([a.alpha for a in arms])[:, None]
    beta = np.array([a.beta for a in arms])[:, None]
    return rng.beta(alpha, beta, size=(len(arms), draws))


def _shares(p_best: np.ndarray, decided: str, best: int) -> np.ndarray:
    k = len(p_best)
    if decided == WINNER:
        shares = np.zeros(k)
        shares[best] = 1.0
        return shares
    if decided == NO_DIFFERENCE:
        return np.full(k, 1.0 / k)  # any will do: the plan does not push one
    floor = min(EXPLORATION_FLOOR, 1.0 / k)
    return floor + (1.0 - floor * k) * p_best


def _counts(shares: np.ndarray, n: int) -> list[int]:
    """`n` applications split by `shares`, largest remainders first (ties: the earlier arm)."""
    exact = shares * n
    counts = np.floor(exact).astype(int)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: n - int(counts.sum())]:
        counts[i] += 1
    return [int(c) for c in counts]


def _winner_p(arms: Sequence[Arm], best: int) -> float:
    """The always-valid p that every other arm answers less often than the best (Bonferroni)."""
    others = [i for i in range(len(arms)) if i != best]
    b = arms[best]
    worst = 0.0
    for i in others:
        a = arms[i]
        p = stats.always_valid_lower_p(
            [(a.settled_answered, a.settled - a.settled_answered, b.settled_answered, b.settled - b.settled_answered)]
        )
        worst = max(worst, min(1.0, p * len(others)))
    return worst


def _weeks(arms: Sequence[Arm], order: Sequence[int], shares: np.ndarray, pace: float, window: int) -> float | None:
    """Weeks until the leading two could be told apart at this pace (None: not in sight)."""
    first, second = order[0], order[1]
    p1 = arms[first].alpha / (arms[first].alpha + arms[first].beta)
    p2 = arms[second].alpha / (arms[second].alpha + arms[second].beta)
    if pace <= 0 or abs(p1 - p2) < 0.02:
        return None
    needed = stats.sample_size_per_group(p1, p2)
    if needed is None:
        return None
    missing = max(needed * AV_INFLATION - min(arms[first].settled, arms[second].settled), 0.0)
    slowest = min(shares[first], shares[second]) * pace
    if slowest <= 0:
        return None
    return float(missing / slowest + window / 7.0)


def plan_choice(arms: Sequence[Arm], *, next_n: int, pace: float, window: int, draws: int = DRAWS,
                seed: int = SEED) -> Choice:
    """The plan for one choice between `arms` (see the module docstring); `pace`: applications a week."""
    arms = list(arms)
    if not arms:
        return Choice((), Decision(NOT_ENOUGH, None, None, None, None))
    samples = _samples(arms, draws, seed)
    p_best = np.bincount(np.argmax(samples, axis=0), minlength=len(arms)) / draws
    means = np.array([a.alpha / (a.alpha + a.beta) for a in arms])
    order = sorted(range(len(arms)), key=lambda i: (-p_best[i], -means[i], arms[i].name))
    best = order[0]
    # the expected loss of picking EITHER option (the worse pick's): small only when they answer alike;
    # one clearly ahead is a winner's question, for the always-valid rule alone
    loss = float(np.mean(samples.max(axis=0)[None, :] - samples, axis=1).max()) if len(arms) > 1 else 0.0
    ready = sum(1 for a in arms if a.settled >= MIN_SETTLED)
    p_value: float | None = None
    if len(arms) < 2 or ready < 2:
        state = NOT_ENOUGH
    else:
        p_value = _winner_p(arms, best)
        if p_value <= WINNER_ALPHA:
            state = WINNER
        elif loss < LOSS_THRESHOLD:
            state = NO_DIFFERENCE
        else:
            state = KEEP_TESTING
    shares = _shares(p_best, state, best)
    weeks = _weeks(arms, order, shares, pace, window) if state in (KEEP_TESTING, NOT_ENOUGH) and len(arms) > 1 else None
    sends = _counts(shares, next_n)
    lows = np.quantile(samples, 0.025, axis=1)
    highs = np.quantile(samples, 0.975, axis=1)
    planned = tuple(
        ArmPlan(arm, float(p_best[i]), float(shares[i]), float(means[i]), float(lows[i]), float(highs[i]), sends[i])
        for i, arm in enumerate(arms)
    )
    version = arms[best].name if state in (WINNER, NO_DIFFERENCE) else None
    return Choice(planned, Decision(state, version, weeks, loss if len(arms) > 1 else None, p_value))


def draw_assignments(shares: Sequence[float], names: Sequence[str], n: int, seed: int) -> list[str]:
    """`n` seeded draws, one option per application, each with probability its share."""
    total = float(sum(shares))
    if n <= 0 or total <= 0 or not names:
        return []
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(names), size=n, p=np.asarray(shares, dtype=float) / total)
    return [names[int(i)] for i in picks]
