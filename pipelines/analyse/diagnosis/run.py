"""The diagnosis on a database: one search (`diagnose`), every client of a caseload at once
(`diagnose_each`), and the overview that shares one load of the facts with the other analyses."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import duckdb

from pipelines.analyse import analytics
from pipelines.analyse.diagnosis.decide import decide
from pipelines.analyse.diagnosis.finding import Diagnosis, Finding
from pipelines.analyse.diagnosis.gather import Counts, gather
from pipelines.analyse.scope import Scope

# the text columns the six parts read (analytics.prepare loads them once)
FIELDS = ("channel", "resume_version", "industry", "referral", "cover_letter", "company", "role", "client")


def diagnose(con: duckdb.DuckDBPyConnection, scope: Scope, prepared: analytics.Prepared | None = None) -> Diagnosis:
    """Findings for the six parts, the most severe first. `prepared`: facts already loaded for this
    scope with FIELDS (the overview shares one load); anything else is loaded afresh."""
    if prepared is None or prepared.scope != scope or not set(FIELDS) <= prepared.columns:
        prepared = analytics.prepare(con, scope, FIELDS)
    # what the log records: read once per prepared facts, shared with the measures below
    counts = gather(prepared.cur, scope, recorded=analytics.recorded_map(prepared.cur, scope, prepared)) if (
        prepared.total) else {}  # fmt: skip
    # the headline numbers, from the one function every other place takes them from
    return dataclasses.replace(
        decide(counts.get("", Counts()), scope), measures=analytics.measures(con, scope, prepared)
    )


def diagnose_each(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    prepared: analytics.Prepared | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Diagnosis]:
    """diagnose() for every client in the scope at once: grouped queries over one load of the facts,
    then each client's verdicts by the same code as their own page (keyed by client; a client with no
    applications in the scope is absent). `progress(done, total)` after each client's verdicts."""
    if prepared is None or prepared.scope != scope or not set(FIELDS) <= prepared.columns:
        prepared = analytics.prepare(con, scope, FIELDS)
    if not prepared.total:
        return {}
    each = gather(prepared.cur, scope, "client", analytics.recorded_map(prepared.cur, scope, prepared, by_client=True))
    results = {}
    for done, (client, counts) in enumerate(each.items(), start=1):
        results[client] = decide(counts, dataclasses.replace(scope, client=client))
        if progress is not None:
            progress(done, len(each))
    return results


@dataclasses.dataclass(frozen=True)
class FullOverview(analytics.Overview):
    """Everything an overview shows: the overview set (analytics.Overview), the weekly trend and the
    diagnosis (diagnose's findings and measures)."""

    trend: analytics.Trend
    diagnosis: Diagnosis

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "trend": self.trend.to_json(), "diagnosis": self.diagnosis.to_json()}


def overview(con: duckdb.DuckDBPyConnection, scope: Scope, rate_fields: tuple[str, ...] = analytics.RATE_FIELDS
             ) -> FullOverview:  # fmt: skip
    """Everything an overview shows, on one load of the facts: the funnel, a rate table per field,
    timing, the weekly trend and the diagnosis."""
    prepared = analytics.prepare(con, scope, tuple(dict.fromkeys((*FIELDS, *rate_fields))))
    shared = analytics.analyse_all(con, scope, rate_fields, prepared)
    return FullOverview(
        measures=shared.measures,
        funnel=shared.funnel,
        rates=shared.rates,
        timing=shared.timing,
        trend=analytics.trend(con, scope, "week", prepared),
        diagnosis=diagnose(con, scope, prepared),
    )


def top_finding(result: Diagnosis) -> Finding | None:
    """The most severe finding of a diagnosis, if it has any."""
    return result.top()
