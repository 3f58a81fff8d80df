"""Applications, responses and rates per applied week or month, with intervals."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import duckdb

from pipelines.analyse.facts import Prepared, _facts, _recorded_keys, _recorded_overall
from pipelines.analyse.rates import RateCounts, RateGroup, _rate_groups
from pipelines.analyse.recorded import Recorded, RecordedResult
from pipelines.analyse.scope import Scope
from pipelines.errors import InputError


@dataclass(frozen=True)
class Period(RateCounts):
    """One applied week or month: a rates group with `period` (its first day) for `group`."""

    period: str

    def to_json(self) -> dict[str, Any]:
        return {"period": self.period, **self.counts_json()}


@dataclass(frozen=True)
class Trend(RecordedResult):
    """The scope's applications per applied week or month (`every`), the earliest first; with no
    application in scope (no_data) there are no periods."""

    scope: Scope
    applications: int
    every: str
    recorded: Recorded
    periods: tuple[Period, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope.to_json(),
            "applications": self.applications,
            "no_data": self.no_data,
            "every": self.every,
            "periods": [period.to_json() for period in self.periods],
            **_recorded_keys(self.recorded),
        }


def trend(con: duckdb.DuckDBPyConnection, scope: Scope, every: str = "week", prepared: Prepared | None = None) -> Trend:
    """Applications, responses and rates per applied week or month, with intervals."""
    if every not in ("week", "month"):
        raise InputError(f"--every: expected week or month, not {every!r}")
    cur, total = _facts(con, scope, prepared, [])
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return Trend(scope=scope, applications=0, every=every, recorded=recorded)
    groups = _rate_groups(cur, [f"applied_{every}"], scope.window, recorded)
    periods = [_period(group.group[f"applied_{every}"], group) for group in groups]
    periods.sort(key=lambda row: row.period)
    return Trend(scope=scope, applications=total, every=every, recorded=recorded, periods=tuple(periods))


def _period(period: str, group: RateGroup) -> Period:
    """A rates group (pipelines/analyse/rates.py _rate_groups) as the period it groups."""
    counts = {field.name: getattr(group, field.name) for field in fields(RateCounts)}
    return Period(period=period, **counts)
