"""Days to first response and to rejection (Kaplan-Meier, pending censored), and ghosting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.analyse import stats
from pipelines.analyse.facts import (
    Prepared,
    _facts,
    _json_value,
    _rate,
    _recorded_keys,
    _recorded_overall,
    _unrecorded,
    recorded_map,
)
from pipelines.analyse.rates import _curve_sql, _curves, _group_sql
from pipelines.analyse.recorded import Recorded, RecordedResult
from pipelines.analyse.scope import SMALL_GROUP, Scope, check_fields
from pipelines.sqltext import Sql, compose, fixed


@dataclass(frozen=True)
class DaysTo:
    """Days to one event (the first response, the rejection) in one group: the Kaplan-Meier median
    with its 95 % interval, and the curve (None: no application of the group can be placed on it)."""

    median_days: float | None = None
    median_low: float | None = None
    median_high: float | None = None
    curve: stats.KMCurve | None = None

    @classmethod
    def of(cls, curve: stats.KMCurve | None) -> DaysTo:
        if curve is None:
            return cls()
        low, high = curve.median_interval()
        return cls(median_days=curve.median(), median_low=low, median_high=high, curve=curve)

    def to_json(self) -> dict[str, Any]:
        return {"median_days": self.median_days, "median_low": self.median_low, "median_high": self.median_high,
                "curve": [] if self.curve is None else self.curve.to_json()}  # fmt: skip


@dataclass(frozen=True)
class TimingGroup:
    """One group of the timing table (or the whole scope, `{"all": "all"}`): days to the first response
    and to the rejection, the share of settled applications never answered (ghosting_rate, null when
    the log records no outcomes), and the answers that have no date, counted apart from the curves."""

    group: dict[str, Any]
    applications: int
    small: bool
    ghosting_rate: dict[str, Any]
    outcomes_recorded: bool
    undated_responses: int
    undated_rejections: int
    first_response: DaysTo
    rejection: DaysTo

    def to_json(self) -> dict[str, Any]:
        return {
            "group": dict(self.group),
            "applications": self.applications,
            "small": self.small,
            "ghosting_rate": dict(self.ghosting_rate),
            "outcomes_recorded": self.outcomes_recorded,
            "undated_responses": self.undated_responses,
            "undated_rejections": self.undated_rejections,
            "first_response": self.first_response.to_json(),
            "rejection": self.rejection.to_json(),
        }


@dataclass(frozen=True)
class Timing(RecordedResult):
    """The timing of one scope (docs/json-output.md `timing`), per value of the --by fields (the most
    applications first; no fields: one group, the whole scope). No application in scope: no_data,
    no group."""

    scope: Scope
    applications: int
    by: tuple[str, ...]
    recorded: Recorded
    groups: tuple[TimingGroup, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope.to_json(), "applications": self.applications, "no_data": self.no_data,
                "by": list(self.by), "groups": [group.to_json() for group in self.groups],
                **_recorded_keys(self.recorded)}  # fmt: skip


# time to first response: a dated response is an event; no response yet is censored at its age; a
# response without a date cannot be placed on the curve and is counted apart
_RESPONSE_DURATION = fixed(
    "case when responded and not undated_response then greatest(days_to_first_response, 0)"
    " when not responded then greatest(coalesce(closed_on - applied_on, age_days), 0) end"
)
_REJECTION_DURATION = fixed(
    "case when rejected_on is not null then greatest(rejected_on - applied_on, 0)"
    " when outcome <> 'rejected' then greatest(coalesce(closed_on - applied_on, age_days), 0) end"
)


def timing(con: duckdb.DuckDBPyConnection, scope: Scope, by: list[str], prepared: Prepared | None = None) -> Timing:
    """Days to first response and to rejection (Kaplan-Meier, pending censored), and ghosting."""
    check_fields(by, "--by")
    cur, total = _facts(con, scope, prepared, by)
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return Timing(scope=scope, applications=0, by=tuple(by), recorded=recorded)
    each = recorded_map(cur, scope, prepared, by_client=True) if "client" in by else None
    groups = _timing_groups(cur, by, recorded, each)
    return Timing(scope=scope, applications=total, by=tuple(by), recorded=recorded, groups=tuple(groups))


def _timing_groups(
    cur: duckdb.DuckDBPyConnection, by: list[str], recorded: Recorded, each: dict[Any, Recorded] | None
) -> list[TimingGroup]:
    """The groups of timing(); grouped by client, each client's ghosting follows their own log."""
    response_curves = _curves(cur, by, _curve_sql(by, _RESPONSE_DURATION, fixed("responded")))
    rejection_curves = _curves(cur, by, _curve_sql(by, _REJECTION_DURATION, fixed("rejected_on is not null")))
    rows = cur.execute(_counts_sql(by)).fetchall()
    width = max(len(by), 1)
    groups = []
    for row in rows:
        key = tuple(row[:width])
        applications, undated_responses, undated_rejections, settled, unanswered = row[width:]
        group = dict(zip(by, key, strict=True)) if by else {"all": "all"}
        known = recorded.outcomes if each is None else each.get(group.get("client"), Recorded()).outcomes
        ghosting = _rate(unanswered, settled)
        groups.append(
            TimingGroup(
                group={name: _json_value(value) for name, value in group.items()},
                applications=applications,
                small=settled < SMALL_GROUP,
                # a log without outcomes would be 100 % ghosted: it cannot tell, so no rate
                ghosting_rate=ghosting if known else _unrecorded(ghosting),
                outcomes_recorded=known,
                undated_responses=undated_responses,
                undated_rejections=undated_rejections,
                first_response=DaysTo.of(response_curves.get(key)),
                rejection=DaysTo.of(rejection_curves.get(key)),
            )
        )
    return groups


def _counts_sql(by: list[str]) -> Sql:
    """Per group: applications, undated responses and rejections, settled, settled never answered."""
    selects, groups = _group_sql(by)
    return compose(
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
