"""Applications, responses and rates per applied week or month, with intervals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.analyse.facts import Prepared, _facts, _recorded_keys, _recorded_overall
from pipelines.analyse.rates import _rates_rows
from pipelines.analyse.recorded import Recorded, RecordedResult
from pipelines.analyse.scope import Scope
from pipelines.errors import InputError


@dataclass(frozen=True)
class Period:
    """One applied week or month: like a `rates` group, with `period` (its first day) for `group`."""

    period: str
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

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "applications": self.applications,
            "responses": self.responses,
            "pending": self.pending,
            "settled": self.settled,
            "small": self.small,
            "response_rate": dict(self.response_rate),
            "response_rate_settled": dict(self.response_rate_settled),
            "callback_rate": dict(self.callback_rate),
            "interview_rate": dict(self.interview_rate),
            "offer_rate": dict(self.offer_rate),
            "outcomes_recorded": self.outcomes_recorded,
        }


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
    rows = _rates_rows(cur, [f"applied_{every}"], scope.window, recorded)
    periods = [_period(row["group"][f"applied_{every}"], row) for row in rows]
    periods.sort(key=lambda row: row.period)
    return Trend(scope=scope, applications=total, every=every, recorded=recorded, periods=tuple(periods))


def _period(period: str, row: dict[str, Any]) -> Period:
    """A rates row (pipelines/analyse/rates.py _rates_rows) as the period it groups."""
    return Period(
        period=period,
        applications=row["applications"],
        responses=row["responses"],
        pending=row["pending"],
        settled=row["settled"],
        small=row["small"],
        response_rate=row["response_rate"],
        response_rate_settled=row["response_rate_settled"],
        callback_rate=row["callback_rate"],
        interview_rate=row["interview_rate"],
        offer_rate=row["offer_rate"],
        outcomes_recorded=row["outcomes_recorded"],
    )
