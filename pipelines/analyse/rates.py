"""Response, callback, interview and offer rates per group, with intervals; the censoring-aware
response rate (Kaplan-Meier) and the curve queries timing shares.
"""

from __future__ import annotations

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
from pipelines.analyse.recorded import Recorded
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


def _rates_rows(
    cur: duckdb.DuckDBPyConnection,
    by: list[str],
    window: int,
    recorded: Recorded,
    each: dict[Any, Recorded] | None = None,
) -> list[dict[str, Any]]:
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
            {
                "group": {name: _json_value(value) for name, value in group.items()},
                "applications": applications,
                "responses": responses,
                "pending": pending,
                "settled": settled,
                "small": settled < SMALL_GROUP,
                "response_rate": _response_rate(curves[key], window, answered, settled),
                "response_rate_settled": _rate(answered, settled),
                "callback_rate": _rate(callbacks, settled),
                "interview_rate": _rate(interviews, settled),
                "offer_rate": _rate(offers, settled),
                "outcomes_recorded": known,
            }
        )
        if not known:
            for name in RATE_KEYS:
                result[-1][name] = _unrecorded(result[-1][name])
    return result


# the rates of a rates row (or a trend period), all null when the log records no outcomes
RATE_KEYS = ("response_rate", "response_rate_settled", "callback_rate", "interview_rate", "offer_rate")


def _overall(cur: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None) -> dict[str, Any]:
    """The whole scope's rates; once per prepared facts (three rate tables share them)."""
    recorded = _recorded_overall(cur, scope, prepared)
    if prepared is None or cur is not prepared.cur:
        return _rates_rows(cur, [], scope.window, recorded)[0]
    if prepared.memo.overall is None:
        prepared.memo.overall = _rates_rows(cur, [], scope.window, recorded)[0]
    return prepared.memo.overall


def rates(
    con: duckdb.DuckDBPyConnection, scope: Scope, by: list[str], prepared: Prepared | None = None
) -> dict[str, Any]:
    """Response, callback, interview and offer rates per group, with intervals."""
    check_fields(by, "--by")
    cur, total = _facts(con, scope, prepared, by)
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return _empty(scope, by=by, groups=[], overall=None, **_recorded_keys(recorded))
    # grouped by client, each client's rates follow what their own log records
    each = recorded_map(cur, scope, prepared, by_client=True) if "client" in by else None
    return {
        "scope": scope.to_json(),
        "applications": total,
        "no_data": False,
        "by": by,
        "overall": _overall(cur, scope, prepared),
        "groups": _rates_rows(cur, by, scope.window, recorded, each) if by else [],
        "small_group_threshold": SMALL_GROUP,
        **_recorded_keys(recorded),
    }
