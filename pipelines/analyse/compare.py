"""Variants of one field compared on settled applications: exact tests, P(best), the Mantel-Haenszel
adjustment, the sample size a difference needs, and the Simpson's-paradox warning.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.analyse import stats
from pipelines.analyse.facts import Prepared, _empty, _facts, _json_value, _rate
from pipelines.analyse.scope import GROUP_FIELDS, MAX_VARIANTS, METRICS, SMALL_GROUP, Scope, check_fields
from pipelines.errors import InputError
from pipelines.rows import one_value
from pipelines.sqltext import Sql, compose, fixed

# each metric's success, as a condition over the facts table
_METRIC_SUCCESS: dict[str, Sql] = {
    "response": fixed("answered_in_window"),
    "callback": fixed("called_back"),
    "interview": fixed("interviewed"),
    "offer": fixed("offered"),
}


@dataclass(frozen=True)
class Variant:
    """One value of the compared field (`variant`, None: blank) and its settled applications' rate of
    the metric ({"rate", "low", "high", "n"}); prob_best null without evidence or when not asked."""

    variant: Any
    applications: int
    settled: int
    successes: int
    small: bool
    rate: dict[str, Any]
    prob_best: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "applications": self.applications,
            "settled": self.settled,
            "successes": self.successes,
            "small": self.small,
            "rate": dict(self.rate),
            "prob_best": self.prob_best,
        }


@dataclass(frozen=True)
class Needed:
    """The settled applications per variant that would tell the observed difference (80 % power,
    5 % level), and how many more each side needs."""

    per_variant: int
    more_for_a: int
    more_for_b: int

    def to_json(self) -> dict[str, Any]:
        return {"per_variant": self.per_variant, "more_for_a": self.more_for_a, "more_for_b": self.more_for_b}


@dataclass(frozen=True)
class Pair:
    """Two variants compared: a's rate minus b's, the exact test (p_value, Holm-adjusted over all the
    pairs: p_holm), the Mantel-Haenszel one within the strata (`adjusted`, stats.mantel_haenszel's
    dict), the size the difference needs, and the Simpson's-paradox warning."""

    a: Any
    b: Any
    difference: float | None
    p_value: float | None
    adjusted: dict[str, Any] | None
    needed_per_variant: Needed | None
    p_holm: float | None = None
    warning: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "difference": self.difference,
            "p_value": self.p_value,
            "adjusted": None if self.adjusted is None else dict(self.adjusted),
            "needed_per_variant": None if self.needed_per_variant is None else self.needed_per_variant.to_json(),
            "p_holm": self.p_holm,
            "warning": self.warning,
        }


@dataclass(frozen=True)
class Comparison:
    """The variants of one field (`by`) compared on one metric (docs/json-output.md `compare`): the
    MAX_VARIANTS with the most settled applications (the rest counted in variants_omitted) and every
    pair of them. With no application in scope (no_data) there are none, and the JSON has neither
    adjusted_for nor variants_omitted."""

    scope: Scope
    applications: int
    by: str
    metric: str
    adjusted_for: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    variants_omitted: int = 0
    pairs: tuple[Pair, ...] = ()
    randomised: bool = False  # compare --randomised: only the sends whose version was drawn (plan --assign)

    @property
    def no_data(self) -> bool:
        return self.applications == 0

    def to_json(self) -> dict[str, Any]:
        told = {"randomised": True, "randomised_note": RANDOMISED_NOTE} if self.randomised else {}
        if self.no_data:
            return {**_empty(self.scope, by=self.by, metric=self.metric, variants=[], pairs=[]), **told}
        return {**told,
            "scope": self.scope.to_json(),
            "applications": self.applications,
            "no_data": False,
            "by": self.by,
            "metric": self.metric,
            "adjusted_for": list(self.adjusted_for),
            "variants": [variant.to_json() for variant in self.variants],
            "variants_omitted": self.variants_omitted,
            "pairs": [pair.to_json() for pair in self.pairs],
        }


RANDOMISED_NOTE = (
    "Only applications sent with a resume version drawn at random (plan --assign): the channel, the week or"
    " anything else could not choose which version went where, so none of them can explain a difference here."
)


def compare(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    by: str = "resume_version",
    metric: str = "response",
    adjust_for: tuple[str, ...] = ("channel", "industry"),
    prepared: Prepared | None = None,
    with_prob_best: bool = True,
    randomised: bool = False,
) -> Comparison:
    """Variants of one field compared on settled applications: exact tests, P(best), adjustment.
    `with_prob_best` False leaves P(best) out (null): the diagnosis decides on the tests alone, and
    the Monte Carlo behind P(best) is most of a roster's time per client."""
    check_fields([by, *adjust_for], "--by/--adjust-for")
    if metric not in METRICS:
        raise InputError(f"--metric: unknown metric {metric!r} (expected one of: {', '.join(METRICS)})")
    if by in adjust_for:
        adjust_for = tuple(name for name in adjust_for if name != by)
    if randomised and by != "resume_version":
        raise InputError("--randomised compares resume versions: the draws are of versions (--by resume_version)")
    cur, total = _facts(con, scope, None if randomised else prepared, [by, *adjust_for])
    if randomised:
        # a cursor of its own (prepared was not used): the scope's facts, narrowed to the drawn sends
        cur.execute("delete from facts where application_id not in"
                    " (select application_id from randomised_applications)")
        total = int(one_value(cur.execute("select count(*) from facts")))
    if total == 0:
        return Comparison(scope=scope, applications=0, by=by, metric=metric, randomised=randomised)
    variant_sql, success = GROUP_FIELDS[by], _METRIC_SUCCESS[metric]
    variants_query = compose(
        """
        select {variant} as variant, count(*) as applications, count(*) filter (where settled) as settled,
               count(*) filter (where settled and {success}) as successes
        from facts group by 1 order by settled desc, variant
        """,
        variant=variant_sql,
        success=success,
    )
    strata_query = compose(
        """
        select {stratum} as stratum, {variant} as variant,
               count(*) filter (where {success}) as successes, count(*) filter (where not {success}) as failures
        from facts where settled group by all
        order by stratum, variant  -- the pooled sums add up in one order: the same digits every run
        """,
        stratum=strata_sql(adjust_for),
        variant=variant_sql,
        success=success,
    )
    variants = cur.execute(variants_query).fetchall()
    strata_rows = cur.execute(strata_query).fetchall()
    result = compare_counts(scope, total, by, metric, adjust_for, variants, strata_rows, with_prob_best)
    return dataclasses.replace(result, randomised=randomised) if randomised else result


def strata_sql(adjust_for: tuple[str, ...]) -> Sql:
    """One text key per stratum of the adjustment fields (from the allowlist only): their values
    joined by '|', a blank one written '?'."""
    if not adjust_for:
        return fixed("'all'")
    values = [compose("coalesce(cast({field} as varchar), '?')", field=GROUP_FIELDS[name]) for name in adjust_for]
    # `join` has no ` || '|' || ` separator: the values are concatenated pairwise
    return functools.reduce(lambda key, value: compose("{key} || '|' || {value}", key=key, value=value), values)


def compare_counts(
    scope: Scope,
    total: int,
    by: str,
    metric: str,
    adjust_for: tuple[str, ...],
    variants: list[tuple[Any, ...]],
    strata_rows: list[tuple[Any, ...]],
    with_prob_best: bool = True,
) -> Comparison:
    """compare() from its counts: `variants` (variant, applications, settled, successes) ordered by
    settled descending then variant, and `strata_rows` (stratum, variant, successes, failures) over
    settled applications. The diagnosis of a whole caseload passes each client's counts from grouped
    queries, so a client's verdict is computed by exactly this code either way."""
    omitted = max(len(variants) - MAX_VARIANTS, 0)
    variants = variants[:MAX_VARIANTS]  # the most settled first: pairs grow with the square
    names = [_json_value(v[0]) for v in variants]
    successes = [int(v[3]) for v in variants]
    trials = [int(v[2]) for v in variants]
    # a variant with no settled application has no evidence: no probability of being best
    with_data = [i for i, n in enumerate(trials) if n > 0]
    best: list[float | None] = [None] * len(variants)
    if with_prob_best and len(with_data) >= 2:
        chances = stats.prob_best([successes[i] for i in with_data], [trials[i] for i in with_data])
        for i, chance in zip(with_data, chances, strict=True):
            best[i] = chance
    elif with_prob_best and len(with_data) == 1:
        best[with_data[0]] = 1.0
    variant_rows = [
        Variant(
            variant=name,
            applications=int(v[1]),
            settled=n,
            successes=k,
            small=n < SMALL_GROUP,
            rate=_rate(k, n),
            prob_best=p,
        )
        for name, v, k, n, p in zip(names, variants, successes, trials, best, strict=True)
    ]
    return Comparison(
        scope=scope,
        applications=total,
        by=by,
        metric=metric,
        adjusted_for=tuple(adjust_for),
        variants=tuple(variant_rows),
        variants_omitted=omitted,
        pairs=_pairs(variant_rows, strata_rows, adjust_for),
    )


def _pairs(
    variant_rows: list[Variant], strata_rows: list[tuple[Any, ...]], adjust_for: tuple[str, ...]
) -> tuple[Pair, ...]:
    """Every pair of variants: the exact test, the stratified (Mantel-Haenszel) one, the size a
    difference needs, Holm's adjustment over the pairs, and the Simpson's-paradox warning."""
    by_stratum: dict[Any, dict[Any, tuple[int, int]]] = {}
    for stratum, variant, k, failures in strata_rows:
        by_stratum.setdefault(stratum, {})[_json_value(variant)] = (int(k), int(failures))
    tested = [
        _pair(variant_rows[i], variant_rows[j], by_stratum)
        for i in range(len(variant_rows))
        for j in range(i + 1, len(variant_rows))
    ]
    # Holm's adjustment is over the pairs that have a test, in their order
    holm_values = iter(stats.holm([pair.p_value for pair in tested if pair.p_value is not None]))
    return tuple(
        dataclasses.replace(
            pair,
            p_holm=next(holm_values) if pair.p_value is not None else None,
            warning=_simpson_warning(pair, adjust_for),
        )
        for pair in tested
    )


def _pair(a: Variant, b: Variant, by_stratum: dict[Any, dict[Any, tuple[int, int]]]) -> Pair:
    """One pair's tests, before Holm's adjustment and the warning (they need all the pairs)."""
    ka, na, kb, nb = a.successes, a.settled, b.successes, b.settled
    p_value = stats.fisher_exact(ka, na - ka, kb, nb - kb) if na and nb else None
    strata = [
        (*cells[a.variant], *cells[b.variant])
        for cells in by_stratum.values()
        if a.variant in cells and b.variant in cells
    ]
    rate_a = ka / na if na else None
    rate_b = kb / nb if nb else None
    return Pair(
        a=a.variant,
        b=b.variant,
        difference=(rate_a - rate_b) if rate_a is not None and rate_b is not None else None,
        p_value=p_value,
        adjusted=stats.mantel_haenszel(strata) if strata else None,
        needed_per_variant=_needed(rate_a, rate_b, na, nb),
    )


def _needed(rate_a: float | None, rate_b: float | None, na: int, nb: int) -> Needed | None:
    """Applications per variant needed to detect the observed difference (80 % power, 5 % level)."""
    if rate_a is None or rate_b is None:
        return None
    per_group = stats.sample_size_per_group(rate_a, rate_b)
    if per_group is None:
        return None
    return Needed(per_variant=per_group, more_for_a=max(per_group - na, 0), more_for_b=max(per_group - nb, 0))


def _label(value: Any) -> str:
    return "(blank)" if value is None else str(value)


def _simpson_warning(pair: Pair, adjust_for: tuple[str, ...]) -> str | None:
    """The adjustment flips or removes the raw difference: the variants went through different mixes."""
    adjusted, difference, p_value = pair.adjusted, pair.difference, pair.p_value
    if not adjust_for or adjusted is None or adjusted.get("odds_ratio") is None or difference is None:
        return None
    raw_favours_a = difference > 0
    odds = adjusted["odds_ratio"]
    raw_significant = p_value is not None and p_value < 0.05
    adjusted_p = adjusted.get("p_value")
    adjusted_significant = adjusted_p is not None and adjusted_p < 0.05
    flipped = difference != 0 and odds != 1 and raw_favours_a != (odds > 1)
    # a flip between two noisy numbers is noise: warn only when one side of it has support
    if flipped and (raw_significant or adjusted_significant):
        a, b = _label(pair.a), _label(pair.b)
        better, worse = (b, a) if raw_favours_a else (a, b)
        return (
            f"Simpson's paradox: overall {worse} looks better, but within the same "
            f"{' and '.join(adjust_for)} {better} does better (odds ratio {odds:.2f}); the variants were sent "
            "through different mixes, so the raw comparison misleads"
        )
    if raw_significant and p_value is not None and adjusted_p is not None and adjusted_p >= 0.05:
        return (
            f"the raw difference is significant (p={p_value:.3f}) but disappears within the same "
            f"{' and '.join(adjust_for)} (p={adjusted_p:.3f}): it may come from where the variants were sent"
        )
    return None
