"""Variants of one field compared on settled applications: exact tests, P(best), the Mantel-Haenszel
adjustment, the sample size a difference needs, and the Simpson's-paradox warning.
"""

from __future__ import annotations

import functools
from typing import Any

import duckdb

from pipelines.analyse import stats
from pipelines.analyse.facts import Prepared, _empty, _facts, _json_value, _rate
from pipelines.analyse.scope import GROUP_FIELDS, MAX_VARIANTS, METRICS, SMALL_GROUP, Scope, check_fields
from pipelines.errors import InputError
from pipelines.sqltext import Sql, compose, fixed

# each metric's success, as a condition over the facts table
_METRIC_SUCCESS: dict[str, Sql] = {
    "response": fixed("answered_in_window"),
    "callback": fixed("called_back"),
    "interview": fixed("interviewed"),
    "offer": fixed("offered"),
}


def compare(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    by: str = "resume_version",
    metric: str = "response",
    adjust_for: tuple[str, ...] = ("channel", "industry"),
    prepared: Prepared | None = None,
    with_prob_best: bool = True,
) -> dict[str, Any]:
    """Variants of one field compared on settled applications: exact tests, P(best), adjustment.
    `with_prob_best` False leaves P(best) out (null): the diagnosis decides on the tests alone, and
    the Monte Carlo behind P(best) is most of a roster's time per client."""
    check_fields([by, *adjust_for], "--by/--adjust-for")
    if metric not in METRICS:
        raise InputError(f"--metric: unknown metric {metric!r} (expected one of: {', '.join(METRICS)})")
    if by in adjust_for:
        adjust_for = tuple(name for name in adjust_for if name != by)
    cur, total = _facts(con, scope, prepared, [by, *adjust_for])
    if total == 0:
        return _empty(scope, by=by, metric=metric, variants=[], pairs=[])
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
    return compare_counts(scope, total, by, metric, adjust_for, variants, strata_rows, with_prob_best)


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
) -> dict[str, Any]:
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
        {
            "variant": name,
            "applications": int(v[1]),
            "settled": n,
            "successes": k,
            "small": n < SMALL_GROUP,
            "rate": _rate(k, n),
            "prob_best": p,
        }
        for name, v, k, n, p in zip(names, variants, successes, trials, best, strict=True)
    ]
    pairs = _pairs(variant_rows, strata_rows, adjust_for)
    return {
        "scope": scope.to_json(),
        "applications": total,
        "no_data": False,
        "by": by,
        "metric": metric,
        "adjusted_for": list(adjust_for),
        "variants": variant_rows,
        "variants_omitted": omitted,
        "pairs": pairs,
    }


def _pairs(
    variant_rows: list[dict[str, Any]], strata_rows: list[tuple[Any, ...]], adjust_for: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Every pair of variants: the exact test, the stratified (Mantel-Haenszel) one, the size a
    difference needs, Holm's adjustment over the pairs, and the Simpson's-paradox warning."""
    by_stratum: dict[Any, dict[Any, tuple[int, int]]] = {}
    for stratum, variant, k, failures in strata_rows:
        by_stratum.setdefault(stratum, {})[_json_value(variant)] = (int(k), int(failures))
    pairs = []
    for i in range(len(variant_rows)):
        for j in range(i + 1, len(variant_rows)):
            a, b = variant_rows[i], variant_rows[j]
            ka, na, kb, nb = a["successes"], a["settled"], b["successes"], b["settled"]
            p_value = stats.fisher_exact(ka, na - ka, kb, nb - kb) if na and nb else None
            strata = [
                (*cells[a["variant"]], *cells[b["variant"]])
                for cells in by_stratum.values()
                if a["variant"] in cells and b["variant"] in cells
            ]
            adjusted = stats.mantel_haenszel(strata) if strata else None
            rate_a = ka / na if na else None
            rate_b = kb / nb if nb else None
            pairs.append(
                {
                    "a": a["variant"],
                    "b": b["variant"],
                    "difference": (rate_a - rate_b) if rate_a is not None and rate_b is not None else None,
                    "p_value": p_value,
                    "adjusted": adjusted,
                    "needed_per_variant": _needed(rate_a, rate_b, na, nb),
                }
            )
    adjusted_p = stats.holm([pair["p_value"] for pair in pairs if pair["p_value"] is not None])
    holm_values = iter(adjusted_p)
    for pair in pairs:
        pair["p_holm"] = next(holm_values) if pair["p_value"] is not None else None
        pair["warning"] = _simpson_warning(pair, adjust_for)
    return pairs


def _needed(rate_a: float | None, rate_b: float | None, na: int, nb: int) -> dict[str, Any] | None:
    """Applications per variant needed to detect the observed difference (80 % power, 5 % level)."""
    if rate_a is None or rate_b is None:
        return None
    per_group = stats.sample_size_per_group(rate_a, rate_b)
    if per_group is None:
        return None
    return {"per_variant": per_group, "more_for_a": max(per_group - na, 0), "more_for_b": max(per_group - nb, 0)}


def _label(value: Any) -> str:
    return "(blank)" if value is None else str(value)


def _simpson_warning(pair: dict[str, Any], adjust_for: tuple[str, ...]) -> str | None:
    """The adjustment flips or removes the raw difference: the variants went through different mixes."""
    adjusted = pair["adjusted"]
    if not adjust_for or adjusted is None or adjusted.get("odds_ratio") is None or pair["difference"] is None:
        return None
    raw_favours_a = pair["difference"] > 0
    odds = adjusted["odds_ratio"]
    raw_significant = pair["p_value"] is not None and pair["p_value"] < 0.05
    adjusted_p = adjusted.get("p_value")
    adjusted_significant = adjusted_p is not None and adjusted_p < 0.05
    flipped = pair["difference"] != 0 and odds != 1 and raw_favours_a != (odds > 1)
    # a flip between two noisy numbers is noise: warn only when one side of it has support
    if flipped and (raw_significant or adjusted_significant):
        a, b = _label(pair["a"]), _label(pair["b"])
        better, worse = (b, a) if raw_favours_a else (a, b)
        return (
            f"Simpson's paradox: overall {worse} looks better, but within the same "
            f"{' and '.join(adjust_for)} {better} does better (odds ratio {odds:.2f}); the variants were sent "
            "through different mixes, so the raw comparison misleads"
        )
    if raw_significant and adjusted_p is not None and adjusted_p >= 0.05:
        return (
            f"the raw difference is significant (p={pair['p_value']:.3f}) but disappears within the same "
            f"{' and '.join(adjust_for)} (p={adjusted_p:.3f}): it may come from where the variants were sent"
        )
    return None
