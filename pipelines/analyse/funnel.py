"""The funnel: stage counts (the measures' counts), step conversions among settled applications,
and the Sankey flows from each application's furthest stage into its outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

import duckdb

from pipelines.analyse.facts import Prepared, _facts, _rate, _recorded_keys, _unrecorded
from pipelines.analyse.measures import STAGE_MEASURES, STEP_CONVERSION_LABEL, _measures
from pipelines.analyse.recorded import Recorded, RecordedResult
from pipelines.analyse.scope import FUNNEL_STAGES, STALE_DAYS, Scope


@dataclass(frozen=True)
class FunnelStage:
    """One stage: the applications whose furthest stage reached it, under its measure's label, and
    (after the first) the step conversion among settled applications."""

    stage: str
    count: int
    share_of_applied: float | None
    label: str
    step_conversion: dict[str, Any] | None = None  # None on the first stage: no stage before it

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"stage": self.stage, "count": self.count, "share_of_applied": self.share_of_applied,
                                 "label": self.label}  # fmt: skip
        if self.step_conversion is not None:
            entry["step_conversion"] = dict(self.step_conversion)
        return entry


# a Sankey flow: "from" is a keyword, so a TypedDict (mypy checks its keys) rather than a dataclass
Flow = TypedDict("Flow", {"from": str, "to": str, "count": int})


@dataclass(frozen=True)
class Funnel(RecordedResult):
    """The funnel of one scope (docs/json-output.md `funnel`); with no application in scope (no_data)
    it has no stages nor flows, and its JSON leaves out outcomes, step_conversion_label and stale_days."""

    scope: Scope
    applications: int
    recorded: Recorded
    stages: tuple[FunnelStage, ...] = ()
    flows: tuple[Flow, ...] = ()
    outcomes: dict[str, int] = field(default_factory=dict)
    step_conversion_label: str = ""
    stale_days: int = STALE_DAYS

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"scope": self.scope.to_json(), "applications": self.applications,
                                  "no_data": self.no_data, "stages": [stage.to_json() for stage in self.stages],
                                  "flows": [dict(flow) for flow in self.flows]}  # fmt: skip
        if not self.no_data:
            result.update(outcomes=dict(self.outcomes), step_conversion_label=self.step_conversion_label,
                          stale_days=self.stale_days)  # fmt: skip
        return {**result, **_recorded_keys(self.recorded)}


def funnel(con: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None = None) -> Funnel:
    """Stage counts from each application's furthest stage reached (the measures' counts), step
    conversions among settled applications, Sankey flows."""
    cur, total = _facts(con, scope, prepared, [])
    counted = _measures(cur, total, scope, prepared)
    recorded = counted.recorded
    label = STEP_CONVERSION_LABEL.format(window=scope.window)
    if total == 0:
        return Funnel(scope=scope, applications=0, recorded=recorded, step_conversion_label=label)
    labels = counted.labels()
    levels = cur.execute("select funnel_level, count(*) filter (where settled) from facts group by 1").fetchall()
    counts = [int(getattr(counted, STAGE_MEASURES[name])) for name in FUNNEL_STAGES]
    settled = [sum(n for level, n in levels if level >= index) for index in range(len(FUNNEL_STAGES))]
    stages = []
    for index, name in enumerate(FUNNEL_STAGES):
        share = counts[index] / total if recorded.outcomes or index == 0 else None
        step: dict[str, Any] | None = None
        if index > 0:
            # among settled applications: a pending one has not had its chance to move on yet
            step = _rate(settled[index], settled[index - 1])
            step = step if recorded.outcomes else _unrecorded(step)
        stages.append(FunnelStage(name, counts[index], share, labels[STAGE_MEASURES[name]], step))
    outcomes = dict(cur.execute("select outcome, count(*) from facts group by 1 order by 1").fetchall())
    return Funnel(
        scope=scope,
        applications=total,
        recorded=recorded,
        stages=tuple(stages),
        flows=_flows(cur, counts),
        outcomes=outcomes,
        step_conversion_label=label,
    )


def _flows(cur: duckdb.DuckDBPyConnection, counts: list[int]) -> tuple[Flow, ...]:
    """Where each application ends: its furthest stage flows into its outcome."""
    ends = cur.execute("select funnel_level, outcome, count(*) from facts group by all").fetchall()
    flows: list[Flow] = []
    for index in range(1, len(FUNNEL_STAGES)):
        if counts[index]:
            flows.append({"from": FUNNEL_STAGES[index - 1], "to": FUNNEL_STAGES[index], "count": counts[index]})
    for level, outcome, count in sorted(ends, key=lambda row: (row[0], row[1])):
        if outcome == "accepted":
            continue  # accepted is the last stage, already a flow
        # an answer or an offer with news in the last STALE_DAYS days is still open; one followed by
        # nothing longer ends as no_further_answer (application_facts.sql)
        to = "still open" if outcome in ("in_progress", "offer") else outcome
        flows.append({"from": FUNNEL_STAGES[level], "to": to, "count": count})
    return tuple(flows)
