"""The funnel: stage counts (the measures' counts), step conversions among settled applications,
and the Sankey flows from each application's furthest stage into its outcome.
"""

from __future__ import annotations

from typing import Any

import duckdb

from pipelines.analyse.facts import Prepared, _empty, _facts, _rate, _recorded_keys, _unrecorded
from pipelines.analyse.measures import STAGE_MEASURES, STEP_CONVERSION_LABEL, _measures
from pipelines.analyse.scope import FUNNEL_STAGES, STALE_DAYS, Scope


def funnel(con: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None = None) -> dict[str, Any]:
    """Stage counts from each application's furthest stage reached (the measures' counts), step
    conversions among settled applications, Sankey flows."""
    cur, total = _facts(con, scope, prepared, [])
    counted = _measures(cur, total, scope, prepared)
    recorded = counted.recorded
    if total == 0:
        return _empty(scope, stages=[], flows=[], **_recorded_keys(recorded))
    labels = counted.labels()
    levels = cur.execute("select funnel_level, count(*) filter (where settled) from facts group by 1").fetchall()
    counts = [int(getattr(counted, STAGE_MEASURES[name])) for name in FUNNEL_STAGES]
    settled = [sum(n for level, n in levels if level >= index) for index in range(len(FUNNEL_STAGES))]
    stages = []
    for index, name in enumerate(FUNNEL_STAGES):
        share = counts[index] / total if recorded.outcomes or index == 0 else None
        entry: dict[str, Any] = {"stage": name, "count": counts[index], "share_of_applied": share,
                                 "label": labels[STAGE_MEASURES[name]]}  # fmt: skip
        if index > 0:
            # among settled applications: a pending one has not had its chance to move on yet
            step = _rate(settled[index], settled[index - 1])
            entry["step_conversion"] = step if recorded.outcomes else _unrecorded(step)
        stages.append(entry)
    # where each application ends: its furthest stage flows into its outcome
    ends = cur.execute("select funnel_level, outcome, count(*) from facts group by all").fetchall()
    flows: list[dict[str, Any]] = []
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
    outcomes = dict(cur.execute("select outcome, count(*) from facts group by 1 order by 1").fetchall())
    return {"scope": scope.to_json(), "applications": total, "no_data": False, "stages": stages, "flows": flows,
            "outcomes": outcomes, "step_conversion_label": STEP_CONVERSION_LABEL.format(window=scope.window),
            "stale_days": STALE_DAYS, **_recorded_keys(recorded)}  # fmt: skip
