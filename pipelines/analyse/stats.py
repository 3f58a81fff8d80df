"""Small, exact statistics for the analytics commands, on aggregated counts (never per-application rows).

Where scipy has the function at a cost the callers can carry, it is called at run time: scipy.special
for log Beta, log Gamma and the chi-square tail (never scipy.stats, whose import alone is 0.65 s of the
dashboard's first paint). What stays here is either offered by no library (the always-valid mixture
tests, P(B beats A) in closed form, the sample-size formula) or sits on the roster's hot path, where the
library's per-call cost would multiply the roster's time. The roster of 10,000 clients (`make bench`,
target 1 s) makes per client about 17 Wilson intervals, 9 always-valid tests, 2 Holm adjustments, 1
Fisher test, 1 Mantel–Haenszel and 1 Kaplan–Meier; per call (timeit):

    Wilson interval    own 0.7 µs    scipy binomtest(...).proportion_ci("wilson")      246 µs
    Fisher exact       own  14 µs    scipy.stats.fisher_exact                          302 µs
    Mantel–Haenszel    own  25 µs    statsmodels StratifiedTable (OR, CI, CMH test)    105 µs
    Holm               own  19 µs    statsmodels multipletests(method="holm")       55,000 µs
    Kaplan–Meier, 60 t own 105 µs    scipy.stats.ecdf + log-log band                   287 µs

so the library versions would add about 43 s, 3 s, 0.8 s, 1 s and 1.8 s to that roster (about 9.5 s
today). Each of these is tested against the library as an oracle (tests/unit/analyse/test_stats.py) and agrees
within 1e-12. statsmodels is a test oracle only (the dev extra). scipy is imported inside the functions
that use it, so a command that computes no statistics (status, ingest) does not pay its import (0.3 s
for scipy.special).

Undefined values come back as None (JSON null), never NaN: a NaN in a report silently poisons every
comparison downstream, while a null is visibly "not enough data".
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

# Two-sided 95 % normal quantile, written out so every interval in the project uses the same z.
Z95 = 1.959963984540054

# Relative tolerance for "as probable as the observed table" in Fisher's test (R's fisher.test
# uses 1 + 1e-7). Hypergeometric probabilities that are equal in exact arithmetic differ in the
# last bits once computed in floating point; without the tolerance a symmetric table would drop
# its mirror image from the p-value.
_FISHER_REL_TOL = 1.0 + 1e-7

# Survival probabilities are products of fractions; 1 - 1/2 style products can land a hair above
# 0.5 in floating point. The median (S <= 0.5) compares with this slack so a curve that is exactly
# one half in exact arithmetic counts as having reached it.
_HALF_TOL = 1e-12

# Monte Carlo draws are generated in blocks so memory stays bounded for many variants.
_MC_BLOCK = 100_000


# --------------------------------------------------------------------------------------------
# Binomial proportions
# --------------------------------------------------------------------------------------------


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval for successes / n; n == 0 gives (0.0, 1.0).

    Kept in plain floats rather than scipy's binomtest(k, n).proportion_ci(method="wilson"), 246 µs a
    call against 0.7 µs: a roster of ten thousand clients asks for about 175,000 single intervals
    (43 s with scipy). tests/unit/analyse/test_stats.py holds it to scipy and statsmodels within 1e-12."""
    s, t = float(successes), float(n)
    if not (math.isfinite(s) and math.isfinite(t)):
        raise ValueError("successes and n must be finite")
    if s < 0 or s > t:
        raise ValueError("need 0 <= successes <= n")
    empty = t == 0
    safe_n = 1.0 if empty else t
    p = s / safe_n
    z2 = z * z
    denom = 1.0 + z2 / safe_n
    centre = (p + z2 / (2.0 * safe_n)) / denom
    half = (z / denom) * math.sqrt(p * (1.0 - p) / safe_n + z2 / (4.0 * safe_n * safe_n))
    lower = 0.0 if s == 0 or empty else min(max(centre - half, 0.0), 1.0)
    upper = 1.0 if s == t or empty else min(max(centre + half, 0.0), 1.0)
    return lower, upper


# --------------------------------------------------------------------------------------------
# Tests for 2x2 tables
# --------------------------------------------------------------------------------------------


def _check_counts(*counts: int) -> None:
    for value in counts:
        if int(value) != value or value < 0:
            raise ValueError(f"counts must be non-negative integers, got {value!r}")


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher exact p-value for [[a, b], [c, d]].

    Same definition as scipy.stats.fisher_exact: the sum of the hypergeometric probabilities of all
    tables with the observed margins that are no more probable than the observed one. The log pmf
    is built by summing log pmf ratios across the support (numpy, no factorials), so tables with
    thousands of applications neither overflow nor need a Python loop over the support. Kept rather
    than calling scipy.stats.fisher_exact (302 µs a call against 14 µs): the roster runs one per client.
    """
    _check_counts(a, b, c, d)
    a, b, c, d = int(a), int(b), int(c), int(d)
    row1, col1, total = a + b, a + c, a + b + c + d
    lo, hi = max(0, col1 - (c + d)), min(row1, col1)
    if lo == hi:
        return 1.0  # a single table has these margins (covers every empty row or column)
    x = np.arange(lo, hi, dtype=np.float64)
    # log pmf(x + 1) - log pmf(x) for the hypergeometric with row1 "successes" drawn col1 times.
    log_ratio = np.log(row1 - x) + np.log(col1 - x) - np.log(x + 1.0) - np.log(total - row1 - col1 + x + 1.0)
    # log pmf up to a constant, which the normalisation below removes.
    log_pmf = np.concatenate(([0.0], np.cumsum(log_ratio)))
    observed = log_pmf[a - lo]
    keep = log_pmf <= observed + math.log(_FISHER_REL_TOL)
    # Scale by the largest term and divide by the total (1 in exact arithmetic): no underflow for
    # huge tables, and an all-inclusive sum comes out as exactly 1 rather than 1 - 3e-15.
    weights = np.exp(log_pmf - log_pmf.max())
    p = float(weights[keep].sum() / weights.sum())
    return min(max(p, 0.0), 1.0)


def odds_ratio(a: int, b: int, c: int, d: int) -> float | None:
    """Sample odds ratio (a·d)/(b·c) for [[a, b], [c, d]]; None when b·c == 0 (infinite or 0/0).

    scipy.stats.contingency.odds_ratio(kind="sample") computes the same division; calling it would
    import scipy.stats, 0.65 s of the dashboard's first paint for one line of arithmetic
    (tests/unit/analyse/test_stats.py holds the two equal)."""
    _check_counts(a, b, c, d)
    if b * c == 0:
        return None
    return int(a) * int(d) / (int(b) * int(c))


def mantel_haenszel(strata: Sequence[tuple[int, int, int, int]]) -> dict[str, Any]:
    """Mantel–Haenszel pooled odds ratio of variant A vs B across strata, with CI and CMH test.

    Each stratum is (A successes, A failures, B successes, B failures). Pooling within strata
    (e.g. channel) is what protects the comparison from Simpson's paradox: a variant sent mostly
    through referrals looks better on raw rates even if it loses inside every channel.

    Strata where either variant is absent carry no information about A vs B and are skipped.
    The interval uses the Robins–Breslow–Greenland variance of log OR; the test is the
    Cochran–Mantel–Haenszel chi-square (1 df) without continuity correction: what statsmodels'
    StratifiedTable gives (oddsratio_pooled, oddsratio_pooled_confint, test_null_odds(correction=False)),
    kept here at 25 µs a call against its 105 µs because the roster runs one per client.
    """
    from scipy.special import chdtrc

    rows = [tuple(s) for s in strata]
    for row in rows:
        if len(row) != 4:
            raise ValueError("each stratum must be (a, b, c, d)")
        _check_counts(*row)
    table = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    a, b, c, d = table.T
    used = (a + b > 0) & (c + d > 0)
    a, b, c, d = a[used], b[used], c[used], d[used]
    n = a + b + c + d
    result: dict[str, Any] = {
        "odds_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
        "strata_used": int(used.sum()),
    }
    if not used.any():
        return result

    r_i = a * d / n
    s_i = b * c / n
    r, s = float(r_i.sum()), float(s_i.sum())
    if s > 0:
        result["odds_ratio"] = r / s
    if r > 0 and s > 0:
        p_i = (a + d) / n
        q_i = (b + c) / n
        var_log = (
            float((p_i * r_i).sum()) / (2 * r * r)
            + float((p_i * s_i + q_i * r_i).sum()) / (2 * r * s)
            + float((q_i * s_i).sum()) / (2 * s * s)
        )
        log_or = math.log(r / s)
        half = Z95 * math.sqrt(var_log)
        result["ci_low"] = math.exp(log_or - half)
        result["ci_high"] = math.exp(log_or + half)

    # CMH: sum of (observed - expected) A successes over the summed hypergeometric variances.
    # Strata have n >= 2 here (both variants present), so n - 1 > 0.
    expected = (a + b) * (a + c) / n
    variance = float(((a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))).sum())
    if variance > 0:
        statistic = float((a - expected).sum()) ** 2 / variance
        result["p_value"] = float(chdtrc(1.0, statistic))
    return result


# --------------------------------------------------------------------------------------------
# Multiple comparisons
# --------------------------------------------------------------------------------------------


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values (monotone, capped at 1), returned in input order.

    Holm rather than Bonferroni: same family-wise guarantee, never less powerful. The same numbers
    as statsmodels' multipletests(method="holm"), kept because that takes 55 ms a call (it runs
    gc.collect() every time) against 19 µs, and the roster adjusts twice per client.
    """
    p = np.asarray(p_values, dtype=np.float64)
    if p.size == 0:
        return []
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError("p-values must lie in [0, 1]")
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = p[order] * (m - np.arange(m))
    adjusted_sorted = np.minimum(np.maximum.accumulate(scaled), 1.0)
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return [float(v) for v in adjusted]


# --------------------------------------------------------------------------------------------
# Bayesian "which variant is best"
# --------------------------------------------------------------------------------------------


def _prob_b_beats_a(alpha_a: float, beta_a: float, alpha_b: float, beta_b: float) -> float:
    """P(p_B > p_A) for independent Beta posteriors with integer alpha_b (closed form)."""
    from scipy.special import betaln

    i = np.arange(int(alpha_b), dtype=np.float64)
    log_terms = (
        betaln(alpha_a + i, beta_a + beta_b) - np.log(beta_b + i) - betaln(1.0 + i, beta_b) - betaln(alpha_a, beta_a)
    )
    top = float(log_terms.max())
    total = math.exp(top) * float(np.exp(log_terms - top).sum())
    return min(max(total, 0.0), 1.0)


def prob_best(
    successes: Sequence[int], trials: Sequence[int], *, draws: int = 400_000, seed: int = 20261126
) -> list[float]:
    """Posterior probability that each variant has the highest response rate (Beta(1, 1) priors).

    Two variants: exact closed form. Three or more: seeded Monte Carlo, so a report re-run gives the
    same numbers. A variant with no applications yet is allowed and contributes its prior.
    """
    s = [int(v) for v in successes]
    t = [int(v) for v in trials]
    if len(s) != len(t):
        raise ValueError("successes and trials must have the same length")
    for si, ti in zip(s, t, strict=True):
        if si < 0 or si > ti:
            raise ValueError("need 0 <= successes <= trials")
    k = len(s)
    if k == 0:
        return []
    if k == 1:
        return [1.0]
    alpha = np.array([si + 1 for si in s], dtype=np.float64)
    beta = np.array([ti - si + 1 for si, ti in zip(s, t, strict=True)], dtype=np.float64)
    if k == 2:
        # Sum over the variant with fewer successes: the series has alpha terms.
        if alpha[1] <= alpha[0]:
            second = _prob_b_beats_a(alpha[0], beta[0], alpha[1], beta[1])
            return [1.0 - second, second]
        first = _prob_b_beats_a(alpha[1], beta[1], alpha[0], beta[0])
        return [first, 1.0 - first]
    if draws <= 0:
        raise ValueError("draws must be positive")
    rng = np.random.default_rng(seed)
    wins = np.zeros(k, dtype=np.int64)
    remaining = draws
    while remaining > 0:
        block = min(remaining, _MC_BLOCK)
        samples = rng.beta(alpha[:, None], beta[:, None], size=(k, block))
        wins += np.bincount(np.argmax(samples, axis=0), minlength=k)
        remaining -= block
    return [float(w) / draws for w in wins]


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------


def sample_size_per_group(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Applications per variant needed to tell p1 from p2 with a two-sided test at this power.

    The textbook normal formula (pooled variance under H0, unpooled under H1). None when
    p1 == p2: no finite sample separates identical rates.
    """
    for name, value in (("p1", p1), ("p2", p2)):
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise ValueError(f"{name} must lie in [0, 1]")
    if not (0.0 < alpha < 1.0 and 0.0 < power < 1.0):
        raise ValueError("alpha and power must lie in (0, 1)")
    if p1 == p2:
        return None
    normal = NormalDist()
    z_alpha = normal.inv_cdf(1.0 - alpha / 2.0)
    z_beta = normal.inv_cdf(power)
    p_bar = (p1 + p2) / 2.0
    numerator = z_alpha * math.sqrt(2.0 * p_bar * (1.0 - p_bar)) + z_beta * math.sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2))
    n = numerator**2 / (p1 - p2) ** 2
    # A hair of slack so a value that is an integer in exact arithmetic is not rounded up by one.
    return max(1, math.ceil(n - 1e-9))


# --------------------------------------------------------------------------------------------
# Time to response: Kaplan–Meier
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KMCurve:
    """Kaplan–Meier estimate at each distinct duration, with pointwise 95 % log(−log) bands.

    Durations count from the application date; "survival" is the probability of no response yet.
    Applications still pending are censored at their age, which is what keeps a young search from
    looking worse than it is.
    """

    times: list[float]
    at_risk: list[int]
    events: list[int]
    censored: list[int]
    survival: list[float]
    lower: list[float | None]
    upper: list[float | None]

    def _index_at(self, t: float) -> int:
        if not math.isfinite(t):
            raise ValueError("t must be finite")
        return bisect_right(self.times, t) - 1

    def survival_at(self, t: float) -> float:
        """S(t) as a right-continuous step function; 1.0 before the first time.

        Past the last time the last value is carried forward (the estimate is not defined there;
        callers comparing windows should check `times[-1]`).
        """
        i = self._index_at(t)
        return 1.0 if i < 0 else self.survival[i]

    def interval_at(self, t: float) -> tuple[float | None, float | None]:
        """Pointwise 95 % band for S(t); None where undefined (before any event, or S == 0)."""
        i = self._index_at(t)
        if i < 0:
            return None, None
        return self.lower[i], self.upper[i]

    def median(self) -> float | None:
        """Smallest time with S <= 0.5; None when the curve never gets there."""
        for time, surv in zip(self.times, self.survival, strict=True):
            if surv <= 0.5 + _HALF_TOL:
                return time
        return None

    def median_interval(self) -> tuple[float | None, float | None]:
        """Brookmeyer–Crowley style 95 % interval for the median (as SAS and statsmodels).

        The set of times whose log(−log) band contains 0.5. The lower end is the first event time
        with 0.5 inside its band; the upper end is the event time after the last one with 0.5 inside
        (the step holds its value until then). None at an end that the data do not reach.
        """
        event_idx = [i for i, d in enumerate(self.events) if d > 0]
        inside = []
        for pos, i in enumerate(event_idx):
            band_low, band_high = self.lower[i], self.upper[i]
            if band_low is not None and band_high is not None and band_low <= 0.5 <= band_high:
                inside.append(pos)
        if not inside:
            return None, None
        low = self.times[event_idx[inside[0]]]
        nxt = inside[-1] + 1
        high = self.times[event_idx[nxt]] if nxt < len(event_idx) else None
        return low, high

    def to_json(self) -> dict[str, Any]:
        low, high = self.median_interval()
        return {
            "times": list(self.times),
            "at_risk": list(self.at_risk),
            "events": list(self.events),
            "censored": list(self.censored),
            "survival": list(self.survival),
            "lower": list(self.lower),
            "upper": list(self.upper),
            "median": self.median(),
            "median_interval": [low, high],
        }


def kaplan_meier(
    times: Sequence[float] | np.ndarray, events: Sequence[int] | np.ndarray, censored: Sequence[int] | np.ndarray
) -> KMCurve:
    """Kaplan–Meier from aggregated counts at distinct, ascending durations.

    events[i] responses and censored[i] pending applications at times[i]; those censored at t are
    still at risk at t (the usual convention: a pending application of age t could have been
    answered on day t). Greenwood variance, log(−log) transformed so bands stay inside (0, 1).
    """
    t = np.asarray(times, dtype=np.float64)
    d = np.asarray(events, dtype=np.int64)
    c = np.asarray(censored, dtype=np.int64)
    if not (t.ndim == d.ndim == c.ndim == 1 and t.size == d.size == c.size):
        raise ValueError("times, events and censored must be 1-D and the same length")
    if t.size and (not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(np.diff(t) <= 0)):
        raise ValueError("times must be finite, non-negative and strictly ascending")
    if np.any(d < 0) or np.any(c < 0):
        raise ValueError("counts must be non-negative")
    leaving = d + c
    at_risk = leaving[::-1].cumsum()[::-1]  # everyone whose duration is >= this time
    safe_n = np.where(at_risk > 0, at_risk, 1)
    survival = np.cumprod(1.0 - d / safe_n)
    # Greenwood: sum d / (n (n - d)); infinite once n == d, which is exactly when S drops to 0.
    with np.errstate(divide="ignore"):
        gw_terms = np.where(d > 0, d / (safe_n * np.maximum(safe_n - d, 0).astype(np.float64)), 0.0)
    greenwood = np.cumsum(gw_terms)
    defined = (survival > 0) & (survival < 1) & np.isfinite(greenwood)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(np.where(defined, survival, 0.5))
        se_loglog = np.sqrt(np.where(defined, greenwood, 0.0)) / np.abs(log_s)
        lower = np.where(defined, survival ** np.exp(Z95 * se_loglog), np.nan)
        upper = np.where(defined, survival ** np.exp(-Z95 * se_loglog), np.nan)
    return KMCurve(
        times=[float(v) for v in t],
        at_risk=[int(v) for v in at_risk],
        events=[int(v) for v in d],
        censored=[int(v) for v in c],
        survival=[float(v) for v in survival],
        lower=[float(v) if ok else None for v, ok in zip(lower, defined, strict=True)],
        upper=[float(v) if ok else None for v, ok in zip(upper, defined, strict=True)],
    )


def kaplan_meier_from_durations(
    durations: Sequence[float] | np.ndarray, observed: Sequence[int | bool] | np.ndarray
) -> KMCurve:
    """Aggregate per-application durations (observed = response seen) and fit Kaplan–Meier."""
    dur = np.asarray(durations, dtype=np.float64)
    obs = np.asarray(observed)
    if dur.shape != obs.shape or dur.ndim != 1:
        raise ValueError("durations and observed must be 1-D and the same length")
    if not np.all((obs == 0) | (obs == 1)):
        raise ValueError("observed must be 0/1")
    obs = obs.astype(np.int64)
    distinct, inverse = np.unique(dur, return_inverse=True)
    events = np.bincount(inverse, weights=obs, minlength=distinct.size).astype(np.int64)
    censored = np.bincount(inverse, weights=1 - obs, minlength=distinct.size).astype(np.int64)
    return kaplan_meier(distinct, events, censored)


def cumulative_incidence_within(curve: KMCurve, window: float) -> tuple[float, float | None, float | None]:
    """Censoring-aware response rate: P(response within `window`) = 1 − S(window), with its band.

    This is the honest "response rate": answered/applied undercounts while recent applications
    are still inside their response window.
    """
    low, high = curve.interval_at(window)
    return (
        1.0 - curve.survival_at(window),
        None if high is None else 1.0 - high,
        None if low is None else 1.0 - low,
    )


# --------------------------------------------------------------------------------------------
# Always-valid tests: evidence that stays valid however often the person looks
# --------------------------------------------------------------------------------------------
#
# A person opens the dashboard every week. A fixed-sample test at 5 % looked at fifteen times
# says "significant" about a quarter of the time when nothing is wrong. The tests below are
# test martingales: under the null hypothesis, the chance that their statistic EVER reaches 1/alpha,
# over any number of looks at any moments, is at most alpha (Ville's inequality). Their p-values,
# min(1, 1/statistic), are "always valid" in the sense of Johari, Koomen, Pekelis & Walsh, "Always
# Valid Inference: Continuous Monitoring of A/B Tests" (Operations Research, 2022).

# prior scale of the log odds ratio in the two-group test: most mass on odds ratios between 1/7 and 1,
# the gaps a personal search can show within months (tuned by `make calibrate`: 1.0 found planted
# failures a little more often than 1.5 or 2 and raised fewer false alarms)
AV_TAU = 1.0
_LOG2 = math.log(2.0)


def always_valid_lower_p(strata: Sequence[tuple[int, int, int, int]], tau: float = AV_TAU) -> float:
    """Always-valid one-sided p-value that group A answers LESS often than group B.

    Each stratum is (A successes, A failures, B successes, B failures); one stratum is the plain
    two-group comparison, several hold a third variable equal (a channel, say). The statistic is a
    mixture sequential probability ratio test (mSPRT, Johari et al.) on the Cochran-Mantel-Haenszel
    score: S = sum(a - E[a]) with information I = sum of the hypergeometric variances. Under "no
    difference" S behaves as a Brownian motion in I, and for a log odds ratio d it has drift d·I;
    mixing exp(d·S - d²·I/2) over a half-normal prior on d < 0 with scale `tau` gives, in closed
    form (A = I + 1/tau²),

        Lambda = 2 · Phi(-S / sqrt(A)) · exp(S² / (2A)) / sqrt(1 + tau² · I),

    a non-negative martingale with mean at most 1 under the null. The p-value is min(1, 1/Lambda).
    The normal approximation is asymptotic; tests/unit/analyse/test_stats.py measures the type-I error over
    repeated looks by simulation, small searches included.
    """
    if tau <= 0:
        raise ValueError("tau must be positive")
    score = 0.0
    information = 0.0
    for row in strata:
        if len(row) != 4:
            raise ValueError("each stratum must be (a, b, c, d)")
        _check_counts(*row)
        a, b, c, d = (float(v) for v in row)
        n = a + b + c + d
        if a + b == 0 or c + d == 0 or n < 2:
            continue  # one group absent: no information about A against B
        score += a - (a + b) * (a + c) / n
        information += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
    if information <= 0 or score >= 0:
        return 1.0  # no information, or A does not answer less: no evidence that it does
    big_a = information + 1.0 / (tau * tau)
    tail = NormalDist().cdf(-score / math.sqrt(big_a))
    log_lambda = _LOG2 + math.log(tail) + score * score / (2.0 * big_a) - 0.5 * math.log1p(tau * tau * information)
    return 1.0 if log_lambda <= 0 else math.exp(-log_lambda)


def _log_binom_pmf(k: np.ndarray | int, n: int, p: float) -> np.ndarray:
    # scipy.stats.binom.logpmf's own formula on the scipy.special ufuncs: binom.logpmf itself costs
    # 52 µs a call for the same numbers, and the roster asks for this on every client with a floor
    from scipy.special import gammaln

    ks = np.atleast_1d(np.asarray(k, dtype=np.float64))
    log_choose = gammaln(n + 1.0) - gammaln(ks + 1.0) - gammaln(n - ks + 1.0)
    return np.asarray(log_choose + ks * math.log(p) + (n - ks) * math.log1p(-p), dtype=np.float64)


def always_valid_below_p(successes: int, n: int, p0: float, alternatives: float = 0.5) -> float:
    """Always-valid p-value that a rate is BELOW p0, from `successes` of `n` (exact, one-sided).

    The statistic is the likelihood ratio of the data under a rate q against p0, averaged over q
    uniform on [0, alternatives · p0] (the rates worth flagging: clearly under the floor). For each
    q < p0 the ratio is a supermartingale under any true rate p >= p0, so their average is too: the
    chance it ever reaches 1/alpha is at most alpha for every rate at or above p0, however often one
    looks. In closed form (the integral of q^k (1-q)^(n-k) over [0, x] is a binomial tail), x =
    alternatives · p0:

        Lambda = P(Binomial(n + 1, x) >= k + 1) / ((n + 1) · x · P(Binomial(n, p0) = k)).
    """
    _check_counts(successes, n)
    k, n = int(successes), int(n)
    if k > n:
        raise ValueError("need 0 <= successes <= n")
    if not 0.0 < p0 < 1.0:
        raise ValueError("p0 must lie in (0, 1)")
    if not 0.0 < alternatives <= 1.0:
        raise ValueError("alternatives must lie in (0, 1]")
    if n == 0:
        return 1.0
    x = alternatives * p0
    # log P(Bin(n+1, x) >= k+1), summed term by term in log space: 1 - P(<= k) would leave a rounding
    # error of 1e-16 where the tail is far smaller, and dividing by a tiny P(Bin(n, p0) = k) would turn
    # it into "decisive" evidence against an excellent rate
    tail_terms = _log_binom_pmf(np.arange(k + 1, n + 2), n + 1, x)
    top = float(tail_terms.max())
    log_tail = top + math.log(float(np.exp(tail_terms - top).sum()))
    log_lambda = log_tail - math.log((n + 1) * x) - float(_log_binom_pmf(k, n, p0)[0])
    return 1.0 if log_lambda <= 0 else math.exp(-log_lambda)
