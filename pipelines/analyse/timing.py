"""Days to first response and to rejection (Kaplan-Meier, pending censored), and ghosting."""

from __future__ import annotations

from typing import Any

import duckdb

from pipelines.analyse.facts import (
    Prepared,
    _empty,
    _facts,
    _json_value,
    _rate,
    _recorded_keys,
    _recorded_overall,
    _unrecorded,
    recorded_map,
)
from pipelines.analyse.rates import _curve_sql, _curves, _group_sql
from pipelines.analyse.recorded import Recorded
from pipelines.analyse.scope import SMALL_GROUP, Scope, check_fields
from pipelines.sqltext import compose, fixed


def timing(
    con: duckdb.DuckDBPyConnection, scope: Scope, by: list[str], prepared: Prepared | None = None
) -> dict[str, Any]:
    """Days to first response and to rejection (Kaplan-Meier, pending censored), and ghosting."""
    check_fields(by, "--by")
    cur, total = _facts(con, scope, prepared, by)
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return _empty(scope, by=by, groups=[], **_recorded_keys(recorded))
    each = recorded_map(cur, scope, prepared, by_client=True) if "client" in by else None
    # time to first response: a dated response is an event; no response yet is censored at its
    # age; a response without a date cannot be placed on the curve and is counted apart
    response_sql = _curve_sql(
        by,
        fixed(
            "case when responded and not undated_response then greatest(days_to_first_response, 0)"
            " when not responded then greatest(coalesce(closed_on - applied_on, age_days), 0) end"
        ),
        fixed("responded"),
    )
    rejection_sql = _curve_sql(
        by,
        fixed(
            "case when rejected_on is not null then greatest(rejected_on - applied_on, 0)"
            " when outcome <> 'rejected' then greatest(coalesce(closed_on - applied_on, age_days), 0) end"
        ),
        fixed("rejected_on is not null"),
    )
    response_curves = _curves(cur, by, response_sql)
    rejection_curves = _curves(cur, by, rejection_sql)
    selects, groups = _group_sql(by)
    width = max(len(by), 1)
    query = compose(
        """
        select {selects}, count(*),
               count(*) filter (where undated_response),
               count(*) filter (where outcome = 'rejected' and rejected_on is null),
               count(*) filter (where settled),
               count(*) filter (where settled and outcome = 'no_response')
        from facts group by {groups} order by 2 desc, {groups}
        """,
        selects=selects,
        groups=groups,
    )
    rows = cur.execute(query).fetchall()
    groups_out = []
    for row in rows:
        key = tuple(row[:width])
        applications, undated_responses, undated_rejections, settled, unanswered = row[width:]
        group = dict(zip(by, key, strict=True)) if by else {"all": "all"}
        known = recorded.outcomes if each is None else each.get(group.get("client"), Recorded()).outcomes
        ghosting = _rate(unanswered, settled)
        entry: dict[str, Any] = {
            "group": {name: _json_value(value) for name, value in group.items()},
            "applications": applications,
            "small": settled < SMALL_GROUP,
            # a log without outcomes would be 100 % ghosted: it cannot tell, so no rate
            "ghosting_rate": ghosting if known else _unrecorded(ghosting),
            "outcomes_recorded": known,
            "undated_responses": undated_responses,
            "undated_rejections": undated_rejections,
        }
        for name, curves in (("first_response", response_curves), ("rejection", rejection_curves)):
            curve = curves.get(key)
            if curve is None:
                entry[name] = {"median_days": None, "median_low": None, "median_high": None, "curve": []}
                continue
            low, high = curve.median_interval()
            entry[name] = {"median_days": curve.median(), "median_low": low, "median_high": high,
                           "curve": curve.to_json()}  # fmt: skip
        groups_out.append(entry)
    return {"scope": scope.to_json(), "applications": total, "no_data": False, "by": by, "groups": groups_out,
            **_recorded_keys(recorded)}  # fmt: skip
