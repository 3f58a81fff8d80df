"""pipelines.analyse.stats against hand-checked cases and against scipy / statsmodels as oracles.

scipy and statsmodels are imported here only: the pipeline itself computes with numpy and the
standard library, and these tests are what keeps the two in agreement.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate
from scipy import stats as sps
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from pipelines.analyse.stats import (
    Z95,
    KMCurve,
    cumulative_incidence_within,
    fisher_exact,
    holm,
    kaplan_meier,
    kaplan_meier_from_durations,
    mantel_haenszel,
    odds_ratio,
    prob_best,
    sample_size_per_group,
    wilson_interval,
)


def _no_nan(value: object) -> None:
    """Serialising with allow_nan=False fails on any NaN or infinity, however deeply nested."""
    json.dumps(value, allow_nan=False)


# --------------------------------------------------------------------------------------------
# Wilson
# --------------------------------------------------------------------------------------------


def test_z95_is_the_two_sided_95_quantile() -> None:
    assert abs(Z95 - sps.norm.ppf(0.975)) <= 1e-15


@pytest.mark.parametrize(
    ("successes", "n", "expected"),
    [
        (3, 10, (0.107791, 0.603222)),
        (0, 10, (0.0, 0.277533)),
        (10, 10, (0.722467, 1.0)),
        (0, 0, (0.0, 1.0)),
    ],
)
def test_wilson_cases(successes: int, n: int, expected: tuple[float, float]) -> None:
    low, high = wilson_interval(successes, n)
    assert low == pytest.approx(expected[0], abs=1e-6)
    assert high == pytest.approx(expected[1], abs=1e-6)


def test_wilson_extremes_are_exact() -> None:
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(case: tuple[int, int]) -> None:
    successes, n = case
    expected = proportion_confint(successes, n, alpha=0.05, method="wilson")
    low, high = wilson_interval(successes, n)
    assert low == pytest.approx(expected[0], abs=1e-12)
    assert high == pytest.approx(expected[1], abs=1e-12)
    assert 0.0 <= low <= successes / n <= high <= 1.0


@given(st.integers(0, 10**6).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_scalar_wilson_agrees_with_scipy(case: tuple[int, int]) -> None:
    """The roster and a client's own page both use the scalar interval (so they print the same digits);
    it stays within 1e-12 of scipy's binomtest(...).proportion_ci."""
    successes, n = case
    scalar = wilson_interval(successes, n)
    if n:
        ci = sps.binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert scalar == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_wilson_takes_any_z() -> None:
    z99 = float(sps.norm.ppf(0.995))
    for successes, n in ((3, 10), (57, 400), (400, 400)):
        ci = sps.binomtest(successes, n).proportion_ci(confidence_level=0.99, method="wilson")
        assert wilson_interval(successes, n, z=z99) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_wilson_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(-1, 10)


# --------------------------------------------------------------------------------------------
# Fisher
# --------------------------------------------------------------------------------------------


def test_fisher_cases() -> None:
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(0.485714, abs=1e-6)
    assert fisher_exact(3, 7, 0, 10) == pytest.approx(0.210526, abs=1e-6)
    # symmetric table: the mirror image is exactly as probable and must be counted
    assert fisher_exact(5, 5, 5, 5) == 1.0
    assert fisher_exact(0, 0, 0, 0) == 1.0
    assert fisher_exact(0, 0, 4, 6) == 1.0


@given(st.tuples(*[st.integers(0, 40)] * 4))
def test_fisher_matches_scipy_small(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    expected = sps.fisher_exact([[a, b], [c, d]]).pvalue
    assert fisher_exact(a, b, c, d) == pytest.approx(expected, rel=1e-9, abs=1e-14)


def test_fisher_matches_scipy_large_tables() -> None:
    rng = np.random.default_rng(7)
    for _ in range(60):
        n1, n2 = rng.integers(500, 6000, size=2)
        p1 = rng.uniform(0.02, 0.4)
        p2 = p1 * rng.uniform(0.8, 1.25)
        a, c = rng.binomial(n1, p1), rng.binomial(n2, min(p2, 0.99))
        table = (int(a), int(n1 - a), int(c), int(n2 - c))
        expected = sps.fisher_exact([table[:2], table[2:]]).pvalue
        assert fisher_exact(*table) == pytest.approx(expected, rel=1e-7, abs=1e-300)


def test_fisher_huge_table_is_finite() -> None:
    p = fisher_exact(2000, 18000, 2600, 17400)
    expected = sps.fisher_exact([[2000, 18000], [2600, 17400]]).pvalue
    assert 0.0 < p < 1e-10
    assert p == pytest.approx(expected, rel=1e-6)


# --------------------------------------------------------------------------------------------
# Holm
# --------------------------------------------------------------------------------------------


def test_holm_case() -> None:
    assert holm([0.01, 0.04, 0.03, 0.20]) == pytest.approx([0.04, 0.09, 0.09, 0.20], abs=1e-12)
    assert holm([]) == []
    assert holm([0.6, 0.5]) == [1.0, 1.0]


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_holm_matches_statsmodels(p_values: list[float]) -> None:
    expected = multipletests(p_values, method="holm")[1]
    adjusted = holm(p_values)
    assert adjusted == pytest.approx(list(expected), abs=1e-12)
    order = np.argsort(p_values, kind="stable")
    ranked = np.array(adjusted)[order]
    assert np.all(np.diff(ranked) >= 0)
    assert all(p <= q <= 1.0 for p, q in zip(p_values, adjusted, strict=True))


def test_holm_rejects_nan() -> None:
    with pytest.raises(ValueError):
        holm([0.1, float("nan")])


# --------------------------------------------------------------------------------------------
# Probability best
# --------------------------------------------------------------------------------------------


def _quad_prob_best(successes: list[int], trials: list[int]) -> list[float]:
    """P(variant i is best) = ∫ f_i(x) Π_{j≠i} F_j(x) dx, by adaptive quadrature."""
    dists = [sps.beta(s + 1, t - s + 1) for s, t in zip(successes, trials, strict=True)]
    out = []
    for i, di in enumerate(dists):
        others = [dj for j, dj in enumerate(dists) if j != i]

        def integrand(x: float, di: object = di, others: list = others) -> float:
            value = di.pdf(x)  # type: ignore[attr-defined]
            for dj in others:
                value *= dj.cdf(x)
            return float(value)

        # split at the posterior means so quad sees every narrow peak
        breaks = sorted({(s + 1) / (t + 2) for s, t in zip(successes, trials, strict=True)})
        value, _ = integrate.quad(integrand, 0.0, 1.0, points=breaks, limit=500, epsabs=1e-13, epsrel=1e-11)
        out.append(value)
    return out


def test_prob_best_cases() -> None:
    first, second = prob_best([3, 0], [10, 10])
    assert first == pytest.approx(0.954887, abs=1e-6)
    assert first + second == pytest.approx(1.0, abs=1e-12)
    assert prob_best([5, 5], [40, 40]) == pytest.approx([0.5, 0.5], abs=1e-9)
    assert prob_best([0, 0], [0, 0]) == pytest.approx([0.5, 0.5], abs=1e-12)
    assert prob_best([4], [9]) == [1.0]
    assert prob_best([], []) == []


@pytest.mark.parametrize(
    ("successes", "trials"),
    [([3, 0], [10, 10]), ([0, 3], [10, 10]), ([12, 30], [200, 260]), ([7, 0], [50, 0]), ([90, 80], [900, 700])],
)
def test_prob_best_two_variants_exact_against_quadrature(successes: list[int], trials: list[int]) -> None:
    assert prob_best(successes, trials) == pytest.approx(_quad_prob_best(successes, trials), abs=1e-8)


@given(
    st.lists(st.integers(0, 120).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))), min_size=2, max_size=2)
)
def test_prob_best_two_variants_property(pairs: list[tuple[int, int]]) -> None:
    successes, trials = [p[0] for p in pairs], [p[1] for p in pairs]
    probs = prob_best(successes, trials)
    assert sum(probs) == pytest.approx(1.0, abs=1e-9)
    assert all(0.0 <= p <= 1.0 for p in probs)
    # swapping the variants swaps the answer
    assert prob_best(successes[::-1], trials[::-1]) == pytest.approx(probs[::-1], abs=1e-9)


@pytest.mark.parametrize(
    ("successes", "trials"),
    [([3, 0, 2], [10, 10, 10]), ([12, 15, 9, 14], [100, 110, 90, 80]), ([5, 5, 0], [40, 40, 0])],
)
def test_prob_best_monte_carlo_against_quadrature(successes: list[int], trials: list[int]) -> None:
    probs = prob_best(successes, trials)
    assert probs == pytest.approx(_quad_prob_best(successes, trials), abs=0.005)
    assert sum(probs) == pytest.approx(1.0, abs=1e-12)
    assert prob_best(successes, trials) == probs  # seeded: a re-run reports the same numbers


# --------------------------------------------------------------------------------------------
# Mantel–Haenszel and odds ratios
# --------------------------------------------------------------------------------------------


def test_odds_ratio_cases() -> None:
    assert odds_ratio(8, 2, 70, 30) == pytest.approx(240 / 140)
    assert odds_ratio(0, 5, 3, 4) == 0.0
    assert odds_ratio(3, 0, 2, 4) is None
    assert odds_ratio(0, 0, 0, 0) is None


def test_odds_ratio_is_scipys_sample_odds_ratio() -> None:
    from scipy.stats.contingency import odds_ratio as scipy_odds_ratio

    rng = np.random.default_rng(11)
    for a, b, c, d in rng.integers(0, 60, size=(300, 4)):
        ours = odds_ratio(int(a), int(b), int(c), int(d))
        theirs = float(scipy_odds_ratio([[a, b], [c, d]], kind="sample").statistic)
        if b * c == 0:
            assert ours is None and not np.isfinite(theirs)  # inf, or nan for 0/0
        else:
            assert ours == pytest.approx(theirs, rel=1e-12)


def test_mantel_haenszel_simpson_case() -> None:
    referral = (8, 2, 70, 30)  # A 8/10, B 70/100
    cold = (20, 80, 1, 9)  # A 20/100, B 1/10
    raw_a = (8 + 20) / 110
    raw_b = (70 + 1) / 110
    assert raw_a == pytest.approx(0.2545, abs=1e-4) and raw_b == pytest.approx(0.6455, abs=1e-4)
    assert raw_b > raw_a  # pooled raw rates favour B ...
    result = mantel_haenszel([referral, cold])
    assert result["odds_ratio"] == pytest.approx(1.909, abs=1e-3)  # ... while A wins within each channel
    assert result["odds_ratio"] == pytest.approx(21 / 11, abs=1e-12)
    assert result["strata_used"] == 2
    oracle = StratifiedTable([np.array([[8, 2], [70, 30]]), np.array([[20, 80], [1, 9]])])
    assert (result["ci_low"], result["ci_high"]) == pytest.approx(oracle.oddsratio_pooled_confint(), rel=1e-10)
    assert result["p_value"] == pytest.approx(oracle.test_null_odds(correction=False).pvalue, rel=1e-9)


def test_mantel_haenszel_matches_statsmodels() -> None:
    rng = np.random.default_rng(11)
    for _ in range(200):
        k = int(rng.integers(1, 6))
        strata = [tuple(int(v) for v in rng.integers(1, 60, size=4)) for _ in range(k)]
        result = mantel_haenszel(strata)
        oracle = StratifiedTable([np.array([[a, b], [c, d]]) for a, b, c, d in strata])
        assert result["odds_ratio"] == pytest.approx(oracle.oddsratio_pooled, rel=1e-12)
        assert (result["ci_low"], result["ci_high"]) == pytest.approx(oracle.oddsratio_pooled_confint(), rel=1e-10)
        # statsmodels computes 1 - cdf, which bottoms out at ~1e-16; erfc keeps the small tail
        assert result["p_value"] == pytest.approx(oracle.test_null_odds(correction=False).pvalue, rel=1e-8, abs=1e-14)
        assert result["strata_used"] == k
        assert result["ci_low"] <= result["odds_ratio"] <= result["ci_high"]


def test_mantel_haenszel_skips_uninformative_strata() -> None:
    base = [(8, 2, 70, 30), (20, 80, 1, 9)]
    padded = [*base, (0, 0, 0, 0), (5, 7, 0, 0), (0, 0, 3, 9)]
    assert mantel_haenszel(padded) == mantel_haenszel(base)
    assert mantel_haenszel(padded)["strata_used"] == 2


@pytest.mark.parametrize(
    "strata",
    [[], [(0, 0, 0, 0)], [(0, 10, 0, 12)], [(10, 0, 12, 0)], [(3, 0, 2, 0), (0, 0, 5, 5)], [(0, 5, 3, 4)]],
)
def test_mantel_haenszel_degenerate_inputs_give_nulls_not_nan(strata: list[tuple[int, int, int, int]]) -> None:
    result = mantel_haenszel(strata)
    _no_nan(result)
    if result["odds_ratio"] is None or result["odds_ratio"] == 0.0:
        assert result["ci_low"] is None and result["ci_high"] is None


def test_mantel_haenszel_single_stratum_equals_odds_ratio() -> None:
    assert mantel_haenszel([(12, 30, 7, 41)])["odds_ratio"] == pytest.approx(odds_ratio(12, 30, 7, 41), rel=1e-12)


# --------------------------------------------------------------------------------------------
# Sample size
# --------------------------------------------------------------------------------------------


def _textbook_n(p1: float, p2: float, alpha: float, power: float) -> int:
    z_a, z_b = sps.norm.ppf(1 - alpha / 2), sps.norm.ppf(power)
    p_bar = (p1 + p2) / 2
    n = (z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
    return math.ceil(n / (p1 - p2) ** 2)


def test_sample_size_cases() -> None:
    assert sample_size_per_group(0.10, 0.15) == 686
    assert sample_size_per_group(0.15, 0.10) == 686
    assert sample_size_per_group(0.2, 0.2) is None
    with pytest.raises(ValueError):
        sample_size_per_group(1.2, 0.1)


@given(st.floats(0.01, 0.9), st.floats(0.01, 0.9), st.sampled_from([0.01, 0.05, 0.1]), st.sampled_from([0.8, 0.9]))
def test_sample_size_matches_textbook_formula(p1: float, p2: float, alpha: float, power: float) -> None:
    if abs(p1 - p2) < 1e-3:
        return
    assert sample_size_per_group(p1, p2, alpha, power) == _textbook_n(p1, p2, alpha, power)


# --------------------------------------------------------------------------------------------
# Kaplan–Meier
# --------------------------------------------------------------------------------------------

EXAMPLE_DURATIONS = [3, 5, 6, 7, 8, 10, 12, 12]
EXAMPLE_EVENTS = [1, 0, 1, 1, 0, 1, 1, 0]


def test_kaplan_meier_case() -> None:
    curve = kaplan_meier_from_durations(EXAMPLE_DURATIONS, EXAMPLE_EVENTS)
    assert curve.times == [3.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0]
    assert curve.at_risk == [8, 7, 6, 5, 4, 3, 2]
    assert curve.survival_at(2.9) == 1.0
    assert curve.survival_at(3) == pytest.approx(0.875, abs=1e-12)
    assert curve.survival_at(6) == pytest.approx(0.729167, abs=1e-6)
    assert curve.survival_at(6.5) == pytest.approx(0.729167, abs=1e-6)
    assert curve.survival_at(7) == pytest.approx(0.583333, abs=1e-6)
    assert curve.survival_at(10) == pytest.approx(0.388889, abs=1e-6)
    assert curve.median() == 10.0
    incidence, low, high = cumulative_incidence_within(curve, 7)
    assert incidence == pytest.approx(1 - 0.583333, abs=1e-6)
    assert low is not None and high is not None and low < incidence < high
    _no_nan(curve.to_json())


def test_kaplan_meier_from_counts_equals_from_durations() -> None:
    by_counts = kaplan_meier([3, 5, 6, 7, 8, 10, 12], [1, 0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 0, 1])
    assert by_counts == kaplan_meier_from_durations(EXAMPLE_DURATIONS, EXAMPLE_EVENTS)


def test_censored_at_t_are_at_risk_at_t() -> None:
    curve = kaplan_meier([1.0], [1], [1])
    assert curve.at_risk == [2]
    assert curve.survival == [0.5]
    assert curve.median() == 1.0  # exactly one half counts as reached


def test_kaplan_meier_without_events_or_data() -> None:
    curve = kaplan_meier_from_durations([4, 9, 9, 20], [0, 0, 0, 0])
    assert curve.survival == [1.0, 1.0, 1.0]
    assert curve.lower == [None, None, None] and curve.upper == [None, None, None]
    assert curve.median() is None
    assert curve.median_interval() == (None, None)
    assert cumulative_incidence_within(curve, 30) == (0.0, None, None)
    _no_nan(curve.to_json())

    empty = kaplan_meier([], [], [])
    assert empty.survival_at(5) == 1.0 and empty.median() is None
    _no_nan(empty.to_json())


def test_kaplan_meier_everyone_responds() -> None:
    curve = kaplan_meier([1, 2], [1, 1], [0, 0])
    assert curve.survival == [0.5, 0.0]
    assert curve.lower[1] is None and curve.upper[1] is None  # S = 0 has no log(−log) band
    assert cumulative_incidence_within(curve, 5) == (1.0, None, None)
    _no_nan(curve.to_json())


def _sm_loglog_band(sf: SurvfuncRight) -> tuple[np.ndarray, np.ndarray]:
    s, se = sf.surv_prob, sf.surv_prob_se
    with np.errstate(divide="ignore", invalid="ignore"):
        theta_se = se / (s * np.abs(np.log(s)))
    return s ** np.exp(Z95 * theta_se), s ** np.exp(-Z95 * theta_se)


def test_kaplan_meier_matches_statsmodels() -> None:
    rng = np.random.default_rng(3)
    for _ in range(60):
        n = int(rng.integers(5, 400))
        event_time = rng.exponential(rng.uniform(5, 40), n)
        censor_time = rng.uniform(0, rng.uniform(10, 90), n)
        # whole days, so ties between events and censorings are common
        durations = np.ceil(np.minimum(event_time, censor_time))
        observed = (event_time <= censor_time).astype(int)
        if observed.sum() == 0:
            continue
        curve = kaplan_meier_from_durations(durations, observed)
        sf = SurvfuncRight(durations, observed)
        lower_sm, upper_sm = _sm_loglog_band(sf)
        for t, s, lo, hi in zip(sf.surv_times, sf.surv_prob, lower_sm, upper_sm, strict=True):
            assert curve.survival_at(t) == pytest.approx(s, abs=1e-12)
            low, high = curve.interval_at(t)
            if 0.0 < s < 1.0:
                assert low == pytest.approx(lo, abs=1e-10) and high == pytest.approx(hi, abs=1e-10)
            else:
                assert low is None and high is None
        with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels takes log(0) at S = 1
            lb, ub = sf.quantile_ci(0.5)
        expected_interval = (
            None if not np.isfinite(lb) else float(lb),
            None if not np.isfinite(ub) else float(ub),
        )
        if not np.isfinite(lb):
            expected_interval = (None, None)
        assert curve.median_interval() == expected_interval
        reached = [t for t, s in zip(curve.times, curve.survival, strict=True) if s <= 0.5 + 1e-12]
        assert curve.median() == (reached[0] if reached else None)
        _check_curve_properties(curve)


def _check_curve_properties(curve: KMCurve) -> None:
    _no_nan(curve.to_json())
    surv = np.array(curve.survival)
    assert np.all(np.diff(surv) <= 1e-15) and np.all((surv >= 0) & (surv <= 1))
    for s, lo, hi in zip(curve.survival, curve.lower, curve.upper, strict=True):
        assert (lo is None) == (hi is None)
        if lo is not None and hi is not None:
            assert 0.0 <= lo <= s <= hi <= 1.0


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 1)), min_size=0, max_size=60),
)
def test_kaplan_meier_properties(rows: list[tuple[int, int]]) -> None:
    durations = [r[0] for r in rows]
    observed = [r[1] for r in rows]
    curve = kaplan_meier_from_durations(durations, observed)
    _check_curve_properties(curve)
    assert sum(curve.events) == sum(observed)
    assert sum(curve.events) + sum(curve.censored) == len(rows)
    for window in (0, 7, 14, 30, 45):
        incidence, low, high = cumulative_incidence_within(curve, window)
        assert 0.0 <= incidence <= 1.0
        if low is not None and high is not None:
            assert 0.0 <= low <= incidence <= high <= 1.0
    low_m, high_m = curve.median_interval()
    if low_m is not None and high_m is not None:
        assert low_m <= high_m


def test_censoring_aware_rate_recovers_the_true_rate() -> None:
    """A young search: answered/applied undercounts, Kaplan–Meier with pending censored does not."""
    rng = np.random.default_rng(20261126)
    n, true_rate, window = 2000, 0.30, 30.0
    age = rng.uniform(0, 60, n)  # applied uniformly over the last 60 days
    responds = rng.random(n) < true_rate
    # response delay: exponential (scale 30 days) truncated to the 30-day window, by inverse CDF
    scale = 30.0
    delay = -scale * np.log1p(-rng.random(n) * (1 - math.exp(-window / scale)))
    answered = responds & (delay <= age)
    duration = np.where(answered, delay, age)  # pending applications are censored at their age

    naive = answered.mean()
    curve = kaplan_meier_from_durations(duration, answered.astype(int))
    incidence, low, high = cumulative_incidence_within(curve, window)

    assert 0.20 <= naive <= 0.25
    assert true_rate - naive > 0.05
    assert abs(incidence - true_rate) <= 0.03
    assert low is not None and high is not None and low < true_rate < high


# --------------------------------------------------------------------------------------------
# Always-valid tests: closed forms against integrals, type-I error over repeated looks
# --------------------------------------------------------------------------------------------

from pipelines.analyse.stats import AV_TAU, always_valid_below_p, always_valid_lower_p  # noqa: E402


@pytest.mark.parametrize(("k", "n", "p0", "share"), [(0, 11, 0.35, 0.5), (2, 24, 0.35, 0.5), (1, 20, 0.15, 1.0),
                                                     (7, 40, 0.3, 0.5), (0, 1, 0.5, 0.25), (30, 200, 0.2, 0.8)])
def test_below_p_is_the_mixture_integral(k: int, n: int, p0: float, share: float) -> None:
    """Lambda = the likelihood ratio against p0 averaged over q uniform on [0, share * p0]."""
    x = share * p0
    integral, _ = integrate.quad(lambda q: sps.binom.pmf(k, n, q) / sps.binom.pmf(k, n, p0), 0, x, epsabs=0,
                                 epsrel=1e-12)
    expected = min(1.0, 1.0 / (integral / x))
    assert always_valid_below_p(k, n, p0, share) == pytest.approx(expected, rel=1e-8)


def test_below_p_edges() -> None:
    assert always_valid_below_p(0, 0, 0.3) == 1.0
    assert always_valid_below_p(10, 10, 0.3) == 1.0  # every one led on: no evidence of a low rate
    assert always_valid_below_p(0, 400, 0.3) < 1e-30
    for bad in ((3, 2, 0.3, 0.5), (1, 5, 0.0, 0.5), (1, 5, 1.0, 0.5), (1, 5, 0.3, 0.0), (-1, 5, 0.3, 0.5)):
        with pytest.raises(ValueError):
            always_valid_below_p(*bad)


def _ever_below(p_table: np.ndarray, successes: np.ndarray, alpha: float) -> float:
    """Share of simulated sequences whose p-value is <= alpha at some look (looks: every column)."""
    n = np.arange(1, successes.shape[1] + 1)
    return float((p_table[successes, n] <= alpha).any(axis=1).mean())


@pytest.mark.parametrize("p0", [0.15, 0.35])
def test_below_p_stays_valid_when_looked_at_after_every_interview(p0: float) -> None:
    """At the floor itself (the hardest rate under the null), looking after each of 150 interviews:
    the share of searches ever below alpha stays under alpha. A fixed-sample binomial test looked at
    as often is shown to break, so this check can fail."""
    n_max, runs = 150, 4000
    table = np.ones((n_max + 1, n_max + 1))
    for n in range(1, n_max + 1):
        for k in range(n + 1):
            table[k, n] = always_valid_below_p(k, n, p0)
    rng = np.random.default_rng(15)
    successes = np.cumsum(rng.random((runs, n_max)) < p0, axis=1)
    for alpha in (0.05, 0.2):
        ever = _ever_below(table, successes, alpha)
        assert ever <= alpha, (alpha, ever)
    fixed = np.ones_like(table)
    for n in range(1, n_max + 1):
        fixed[: n + 1, n] = sps.binom.cdf(np.arange(n + 1), n, p0)
    assert _ever_below(fixed, successes, 0.05) > 0.15  # the naive test, looked at 150 times


def test_lower_p_closed_form_is_the_half_normal_mixture() -> None:
    """Lambda = the mixture over d < 0 of exp(d S - d^2 I / 2), d half-normal with scale tau."""
    strata = [(3, 37, 12, 28), (1, 9, 4, 6)]
    score = information = 0.0
    for a, b, c, d in strata:
        n = a + b + c + d
        score += a - (a + b) * (a + c) / n
        information += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
    for tau in (0.5, AV_TAU, 3.0):
        mixture, _ = integrate.quad(
            lambda d, tau=tau: math.exp(d * score - d * d * information / 2) * 2 * sps.norm.pdf(d, scale=tau),
            -np.inf, 0, epsabs=0, epsrel=1e-11)  # fmt: skip
        assert always_valid_lower_p(strata, tau) == pytest.approx(min(1.0, 1 / mixture), rel=1e-8)


def test_lower_p_edges() -> None:
    assert always_valid_lower_p([]) == 1.0
    assert always_valid_lower_p([(0, 0, 5, 5)]) == 1.0  # one group absent
    assert always_valid_lower_p([(10, 10, 2, 18)]) == 1.0  # A answers more: no evidence it answers less
    assert always_valid_lower_p([(0, 300, 100, 200)]) < 1e-12
    # the stratified score holds a third variable equal: A went mostly through a channel that answers
    # rarely, and within each channel answers about as often as B (pooled, it looks far worse)
    assert always_valid_lower_p([(2, 38, 1, 9), (5, 5, 20, 20)]) > 0.5
    assert always_valid_lower_p([(7, 43, 21, 29)]) < 0.05
    with pytest.raises(ValueError):
        always_valid_lower_p([(1, 2, 3)])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        always_valid_lower_p([(1, 2, 3, 4)], tau=0)


@pytest.mark.parametrize(("rate", "share_a"), [(0.2, 0.5), (0.05, 0.3), (0.5, 0.5)])
def test_lower_p_stays_valid_over_weekly_looks(rate: float, share_a: float) -> None:
    """Two groups answering alike, eight applications a week for a year, looked at every week:
    the share of searches ever called "A answers less" at alpha stays under alpha (small counts and
    unbalanced groups included). Fisher's one-sided test looked at as often breaks."""
    weeks, per_week, runs = 52, 8, 3000
    rng = np.random.default_rng(int(rate * 1000) + int(share_a * 10))
    in_a = rng.random((runs, weeks * per_week)) < share_a
    answered = rng.random((runs, weeks * per_week)) < rate
    looks = np.arange(per_week, weeks * per_week + 1, per_week) - 1
    ka, na = np.cumsum(in_a & answered, axis=1)[:, looks], np.cumsum(in_a, axis=1)[:, looks]
    kb, nb = np.cumsum(~in_a & answered, axis=1)[:, looks], np.cumsum(~in_a, axis=1)[:, looks]
    ever = {0.05: 0, 0.2: 0}
    naive = 0
    for run in range(runs):
        p_values = [always_valid_lower_p([(ka[run, w], na[run, w] - ka[run, w], kb[run, w], nb[run, w] - kb[run, w])])
                    for w in range(len(looks))]  # fmt: skip
        for alpha in ever:
            ever[alpha] += min(p_values) <= alpha
        if run < 500:  # the naive check is slow; 500 runs show it plainly
            naive += any(
                sps.fisher_exact([[ka[run, w], na[run, w] - ka[run, w]], [kb[run, w], nb[run, w] - kb[run, w]]],
                                 alternative="less")[1] <= 0.05
                for w in range(len(looks))
            )  # fmt: skip
    for alpha, count in ever.items():
        assert count / runs <= alpha, (alpha, count / runs)
    assert naive / 500 > 0.05, naive / 500


def test_lower_p_finds_a_real_gap() -> None:
    """Power: a version answered a quarter as often (5 % against 20 %), 150 settled applications each,
    at the diagnosis's per-part failing level: found in about three searches of four."""
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(200):
        ka, kb = rng.binomial(150, 0.05), rng.binomial(150, 0.2)
        hits += always_valid_lower_p([(ka, 150 - ka, kb, 150 - kb)]) < 0.05 / 6
    assert hits / 200 > 0.65


def test_below_p_against_the_incomplete_beta_everywhere() -> None:
    """Every (k, n) up to 150 at both floors, against scipy's regularised incomplete beta: the tail
    used to be 1 - P(<= k), whose rounding error made 44 of 46 interviews "decisively" below 35 %."""
    from scipy import special

    for p0 in (0.15, 0.35):
        x = 0.5 * p0
        for n in range(1, 151):
            k = np.arange(n + 1)
            ratio = special.betainc(k + 1, n - k + 1, x) / ((n + 1) * x * sps.binom.pmf(k, n, p0))
            expected = np.minimum(1.0, 1.0 / ratio)
            got = np.array([always_valid_below_p(int(j), n, p0) for j in k])
            np.testing.assert_allclose(got, expected, rtol=1e-7, err_msg=f"n={n}, p0={p0}")
    assert always_valid_below_p(44, 46, 0.35) == 1.0 and always_valid_below_p(21, 21, 0.15) == 1.0
