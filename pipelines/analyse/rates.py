"""Response, callback, interview and offer rates per group, with intervals; the censoring-aware
response rate (Kaplan-Meier) and the curve queries timing shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines import sqltext
from pipelines.analyse import stats
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
from pipelines.analyse.recorded import Recorded, RecordedResult
from pipelines.analyse.scope import GROUP_FIELDS, SMALL_GROUP, Scope, check_fields
from pipelines.sqltext import Sql, compose, fixed, join


def _group_sql(by: list[str]) -> tuple[Sql, Sql]:
    """(select list, group by list) for the --by fields; no fields: one group, the whole scope."""
    if not by:
        return fixed("'all' as all_applications"), fixed("1")
    selects = join(
        compose("{expression} as {alias}", expression=GROUP_FIELDS[field], alias=sqltext.name(field, GROUP_FIELDS))
        for field in by
    )
    return selects, join(compose("{position}", position=i + 1) for i in range(len(by)))


def _curve_sql(by: list[str], duration: Sql, observed: Sql) -> Sql:
    selects, _ = _group_sql(by)
    return compose(
        """
        with timed as (
            select {selects}, {duration} as t, {observed} as event
            from facts
            where {duration} is not null
        )
        select * exclude (t, event), t, count(*) filter (where event), count(*) filter (where not event)
        from timed
        group by all
        order by all
    """,
        selects=selects,
        duration=duration,
        observed=observed,
    )


def _curves(
    cur: duckdb.DuckDBPyConnection, by: list[str], sql: Sql, params: dict[str, Any] | None = None
) -> dict[tuple[Any, ...], stats.KMCurve]:
    """Kaplan-Meier curves per group from _curve_sql's (group..., t, events, censored) rows."""
    width = max(len(by), 1)
    grouped: dict[tuple[Any, ...], tuple[list[int], list[int], list[int]]] = {}
    for row in cur.execute(sql, params or {}).fetchall():
        times, events, censored = grouped.setdefault(tuple(row[:width]), ([], [], []))
        times.append(row[width])
        events.append(row[width + 1])
        censored.append(row[width + 2])
    return {key: stats.kaplan_meier(*series) for key, series in grouped.items()}


def _km_counts(cur: duckdb.DuckDBPyConnection, by: list[str], window: int) -> dict[tuple[Any, ...], stats.KMCurve]:
    """Per group, the Kaplan-Meier curve of the first response within the window.

    A dated response is an event on its day; an undated one, an event on day 0 (within the window,
    day unknown), also when a later answer has a date (an undated interview before a dated
    rejection): the settled-only rate counts it within the window too. No response (yet): censored
    at its age, capped at the window.
    """
    duration = fixed(
        "case when answered_in_window and undated_response then 0"
        " when answered_in_window then coalesce(greatest(days_to_first_response, 0), 0)"
        " else least(greatest(age_days, 0), $window) end"
    )
    return _curves(cur, by, _curve_sql(by, duration, fixed("answered_in_window")), {"window": window})


def _response_rate(curve: stats.KMCurve, window: int, answered: int, settled: int) -> dict[str, Any]:
    """The censoring-aware response rate of one group: the Kaplan-Meier probability of an answer
    within the window, with its interval (null while nobody in the group has had the window)."""
    rate: float | None
    low: float | None
    high: float | None
    rate, low, high = stats.cumulative_incidence_within(curve, window)
    followed = max(curve.times) if curve.times else 0
    # undefined only while someone is still waiting and nobody has had the whole window; a
    # group whose every application was answered early has a rate of 1 (its curve reached 0)
    still_waiting = bool(curve.survival) and curve.survival[-1] > 0
    if followed < window and still_waiting:
        # nobody in the group has had the whole window yet: a rate "within 30 days" would be
        # the rate within `followed` days, an understatement. Say it is too early instead.
        rate = low = high = None
    elif low is None or high is None:
        # no response yet, or every application answered: the Kaplan-Meier band is undefined
        # (zero variance). The settled applications' Wilson interval still says how little is
        # known; with none settled, nothing is known.
        low, high = stats.wilson_interval(answered, settled) if settled else (0.0, 1.0)
        low, high = min(low, rate), max(high, rate)
    return {"rate": rate, "low": low, "high": high, "method": "kaplan_meier", "followed_days": followed}


# the rates of a rates row (or a trend period), all null when the log records no outcomes
RATE_KEYS = ("response_rate", "response_rate_settled", "callback_rate", "interview_rate", "offer_rate")


@dataclass(frozen=True)
class RateCounts:
    """The counts and rates of some applications (a rates group, a trend period).

    The rates are interval dicts: response_rate the censoring-aware one ({"rate", "low", "high",
    "method", "followed_days"}), the others the share of settled applications ({"rate", "low",
    "high", "n"}); all null when the log records no outcomes (outcomes_recorded False), their
    denominators kept."""

    applications: int
    responses: int
    pending: int
    settled: int
    small: bool
    response_rate: dict[str, Any]
    response_rate_settled: dict[str, Any]
    callback_rate: dict[str, Any]
    interview_rate: dict[str, Any]
    offer_rate: dict[str, Any]
    outcomes_recorded: bool

    def rates(self) -> dict[str, dict[str, Any]]:
        """Its five rates by field name, in the order of RATE_KEYS (a screen picks one by metric)."""
        return {
            "response_rate": self.response_rate,
            "response_rate_settled": self.response_rate_settled,
            "callback_rate": self.callback_rate,
            "interview_rate": self.interview_rate,
            "offer_rate": self.offer_rate,
        }

    def counts_json(self) -> dict[str, Any]:
        """The counts and rates as JSON, in the order every rates row and period writes them."""
        return {
            "applications": self.applications,
            "responses": self.responses,
            "pending": self.pending,
            "settled": self.settled,
            "small": self.small,
            **{name: dict(rate) for name, rate in self.rates().items()},
            "outcomes_recorded": self.outcomes_recorded,
        }


@dataclass(frozen=True)
class RateGroup(RateCounts):
    """One group of a rates table (or the whole scope, `{"all": "all"}`): `group` holds the value of
    each --by field (a date as ISO text)."""

    group: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"group": dict(self.group), **self.counts_json()}


def _rate_groups(
    cur: duckdb.DuckDBPyConnection,
    by: list[str],
    window: int,
    recorded: Recorded,
    each: dict[Any, Recorded] | None = None,
) -> list[RateGroup]:
    """Counts and rates per group. Where the log records no outcomes (`recorded`, or for a group of
    clients `each` client's own record) every rate is null: 0 % would be a claim the log cannot make."""
    selects, groups = _group_sql(by)
    width = max(len(by), 1)
    query = compose(
        """
        select {selects},
            count(*) as applications,
            count(*) filter (where responded) as responses,
            count(*) filter (where outcome = 'pending') as pending,
            count(*) filter (where settled) as settled,
            count(*) filter (where settled and answered_in_window) as settled_responses,
            count(*) filter (where settled and called_back) as settled_callbacks,
            count(*) filter (where settled and interviewed) as settled_interviews,
            count(*) filter (where settled and offered) as settled_offers
        from facts
        group by {groups}
        order by applications desc, {groups}
        """,
        selects=selects,
        groups=groups,
    )
    rows = cur.execute(query).fetchall()
    curves = _km_counts(cur, by, window)
    result = []
    for row in rows:
        key = tuple(row[:width])
        applications, responses, pending, settled, answered, callbacks, interviews, offers = row[width:]
        group = dict(zip(by, key, strict=True)) if by else {"all": "all"}
        known = recorded.outcomes
        if each is not None and "client" in group:
            known = each.get(group["client"], Recorded()).outcomes
        result.append(
            RateGroup(
                group={name: _json_value(value) for name, value in group.items()},
                applications=applications,
                responses=responses,
                pending=pending,
                settled=settled,
                small=settled < SMALL_GROUP,
                response_rate=_told(_response_rate(curves[key], window, answered, settled), known),
                response_rate_settled=_told(_rate(answered, settled), known),
                callback_rate=_told(_rate(callbacks, settled), known),
                interview_rate=_told(_rate(interviews, settled), known),
                offer_rate=_told(_rate(offers, settled), known),
                outcomes_recorded=known,
            )
        )
    return result


def _told(rate: dict[str, Any], known: bool) -> dict[str, Any]:
    """The rate as the log can tell it: null when it records no outcomes (0 % would be a claim)."""
    return rate if known else _unrecorded(rate)


def _overall(cur: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None) -> RateGroup:
    """The whole scope's rates; once per prepared facts (three rate tables share them)."""
    recorded = _recorded_overall(cur, scope, prepared)
    if prepared is None or cur is not prepared.cur:
        return _rate_groups(cur, [], scope.window, recorded)[0]
    if prepared.memo.overall is None:
        prepared.memo.overall = _rate_groups(cur, [], scope.window, recorded)[0]
    return prepared.memo.overall


@dataclass(frozen=True)
class Rates(RecordedResult):
    """The rates of one scope (docs/json-output.md `rates`): the whole scope's (`overall`) and, per
    value of the --by fields, each group's (the most applications first). With no application in
    scope (no_data) there is no overall row nor any group, and the JSON has no small_group_threshold."""

    scope: Scope
    applications: int
    by: tuple[str, ...]
    recorded: Recorded
    overall: RateGroup | None = None
    groups: tuple[RateGroup, ...] = ()

    @property
    def small_group_threshold(self) -> int:
        """Settled applications below which a group is flagged small."""
        return SMALL_GROUP

    def to_json(self) -> dict[str, Any]:
        if self.no_data:
            return _empty(self.scope, by=list(self.by), groups=[], overall=None, **_recorded_keys(self.recorded))
        return {
            "scope": self.scope.to_json(),
            "applications": self.applications,
            "no_data": False,
            "by": list(self.by),
            "overall": None if self.overall is None else self.overall.to_json(),
            "groups": [group.to_json() for group in self.groups],
            "small_group_threshold": self.small_group_threshold,
            **_recorded_keys(self.recorded),
        }


def rates(con: duckdb.DuckDBPyConnection, scope: Scope, by: list[str], prepared: Prepared | None = None) -> Rates:
    """Response, callback, interview and offer rates per group, with intervals."""
    check_fields(by, "--by")
    cur, total = _facts(con, scope, prepared, by)
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return Rates(scope=scope, applications=0, by=tuple(by), recorded=recorded)
    # grouped by client, each client's rates follow what their own log records
    each = recorded_map(cur, scope, prepared, by_client=True) if "client" in by else None
    return Rates(
        scope=scope,
        applications=total,
        by=tuple(by),
        recorded=recorded,
        overall=_overall(cur, scope, prepared),
        groups=tuple(_rate_groups(cur, by, scope.window, recorded, each)) if by else (),
    )
