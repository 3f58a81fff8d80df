"""The headline measures: one definition and one label per number (MEASURE_LABELS), the one source
of every place that shows them (the dashboard, the command line, the report, the diagnosis).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.analyse.facts import Prepared, _facts, _rate, _recorded_overall, recorded_map
from pipelines.analyse.rates import RateGroup, _overall, _rate_groups
from pipelines.analyse.recorded import HOW_TO_RECORD, Recorded
from pipelines.analyse.scope import Scope
from pipelines.rows import one_row
from pipelines.sqltext import compose, fixed, join

# What each headline number is, in plain words: every place that shows one of them (the dashboard's
# cards, funnel and Sankey, the command line, the HTML report, the diagnosis) takes its label from
# here and its value from `measures`. {window} is the response window in days.
MEASURE_LABELS: dict[str, str] = {
    "applications": "Applications",
    "answered": "Answered (any reply, rejections included)",
    "answered_share": "Share of applications answered so far (any reply, at any time)",
    "response_rate": "Response rate: answered within {window} days, recent applications counted for the days they"
    " have had",
    "response_rate_settled": "Response rate among applications that have had {window} days",
    "settled": "Applications that have had {window} days",
    "pending": "Pending: no answer yet, applied less than {window} days ago",
    "callbacks": "Reached a screen, assessment or interview",
    "interviews": "Reached an interview",
    "offers": "Offers",
    "accepted": "Offers accepted",
}
# the funnel's step conversions are not a measure of their own: this says what they are
STEP_CONVERSION_LABEL = (
    "Step conversion: of the applications that have had {window} days and reached the stage before, the share"
    " that got this far"
)
# each funnel stage counts the applications of one measure (furthest stage reached, at any time)
STAGE_MEASURES: dict[str, str] = {
    "applied": "applications",
    "responded": "answered",
    "screen": "callbacks",
    "interview": "interviews",
    "offer": "offers",
    "accepted": "accepted",
}
NO_OUTCOMES = "no outcomes recorded"
NO_OUTCOMES_NEXT = (
    "Your log records no answer, rejection or interview, so no rate can be told from it. Next: "
    + HOW_TO_RECORD["outcomes"]
    + "."
)
# the measures that read outcomes: "no outcomes recorded" instead of a number when the log has none
OUTCOME_MEASURES = ("answered", "answered_share", "response_rate", "response_rate_settled", "callbacks",
                    "interviews", "offers", "accepted")  # fmt: skip


def measure_labels(window: int) -> dict[str, str]:
    return {name: label.format(window=window) for name, label in MEASURE_LABELS.items()}


def _no_response_rate() -> dict[str, Any]:
    return {"rate": None, "low": None, "high": None, "method": "kaplan_meier", "followed_days": 0}


@dataclass(frozen=True)
class Measures:
    """The headline numbers of one scope, each with one definition (MEASURE_LABELS):

    - applications: in scope; answered: any reply at any time, a rejection included (the funnel's
      "responded"); answered_share: answered / applications;
    - response_rate: the Kaplan-Meier probability of an answer within the window, recent
      applications censored at their age (the headline); response_rate_settled: the share of the
      applications that have had the window (settled) answered within it;
    - settled, pending (no answer yet, younger than the window);
    - callbacks, interviews, offers, accepted: applications whose furthest stage reached a screen
      (or assessment, or interview), an interview, an offer, an accepted offer: the funnel's counts.

    When the log records no outcomes at all (recorded.outcomes False), every rate is null and the
    screens say "no outcomes recorded"; the counts stay what the log holds."""

    window: int
    applications: int = 0
    answered: int = 0
    settled: int = 0
    pending: int = 0
    callbacks: int = 0
    interviews: int = 0
    offers: int = 0
    accepted: int = 0
    response_rate: dict[str, Any] = field(default_factory=_no_response_rate)
    response_rate_settled: dict[str, Any] = field(default_factory=lambda: _rate(0, 0))
    recorded: Recorded = field(default_factory=Recorded)

    @property
    def outcomes_recorded(self) -> bool:
        return self.recorded.outcomes

    @property
    def answered_share(self) -> float | None:
        if not self.outcomes_recorded or not self.applications:
            return None
        return self.answered / self.applications

    def labels(self) -> dict[str, str]:
        return measure_labels(self.window)

    def to_json(self) -> dict[str, Any]:
        return {
            "applications": self.applications,
            "answered": self.answered,
            "answered_share": self.answered_share,
            "response_rate": dict(self.response_rate),
            "response_rate_settled": dict(self.response_rate_settled),
            "settled": self.settled,
            "pending": self.pending,
            "callbacks": self.callbacks,
            "interviews": self.interviews,
            "offers": self.offers,
            "accepted": self.accepted,
            "outcomes_recorded": self.outcomes_recorded,
            "recorded": self.recorded.to_json(),
            "window": self.window,
            "labels": self.labels(),
        }


# the stage counts behind the measures, a select list over the facts table (whole, or per client)
_STAGE_COUNTS = join(
    (
        fixed("count(*) filter (where called_back)"),
        fixed("count(*) filter (where interviewed)"),
        fixed("count(*) filter (where offered)"),
        fixed("count(*) filter (where accepted)"),
    )
)


def measures(con: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None = None) -> Measures:
    """The scope's headline numbers (see Measures): the one source of every place that shows them."""
    cur, total = _facts(con, scope, prepared, [])
    return _measures(cur, total, scope, prepared)


def _measures(cur: duckdb.DuckDBPyConnection, total: int, scope: Scope, prepared: Prepared | None) -> Measures:
    memo = prepared.memo if prepared is not None and cur is prepared.cur else None
    if memo is not None and memo.measures is not None:
        return memo.measures
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return Measures(window=scope.window, recorded=recorded)
    overall = _overall(cur, scope, prepared)
    stage_counts = one_row(cur.execute(compose("select {counts} from facts", counts=_STAGE_COUNTS)))
    callbacks, interviews, offers, accepted = (int(v) for v in stage_counts)
    found = _measures_of(scope.window, overall, (callbacks, interviews, offers, accepted), recorded)
    if memo is not None:
        memo.measures = found
    return found


def _measures_of(window: int, row: RateGroup, stages: tuple[int, ...], recorded: Recorded) -> Measures:
    callbacks, interviews, offers, accepted = stages
    return Measures(
        window=window,
        applications=row.applications,
        answered=row.responses,
        settled=row.settled,
        pending=row.pending,
        callbacks=callbacks,
        interviews=interviews,
        offers=offers,
        accepted=accepted,
        response_rate=dict(row.response_rate),
        response_rate_settled=dict(row.response_rate_settled),
        recorded=recorded,
    )


def measures_each(
    con: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None = None
) -> dict[str, Measures]:
    """measures() for every client in the scope, from grouped queries over one load of the facts
    (a caseload): each client's numbers equal those of measures() on that client's own scope."""
    cur, total = _facts(con, scope, prepared, ["client"])
    if total == 0:
        return {}
    each = recorded_map(cur, scope, prepared, by_client=True)
    rows = {row.group["client"]: row for row in _rate_groups(cur, ["client"], scope.window, Recorded(), each)}
    stages = cur.execute(compose("select client, {counts} from facts group by 1", counts=_STAGE_COUNTS)).fetchall()
    return {
        client: _measures_of(scope.window, rows[client], tuple(int(v) for v in counts), each.get(client, Recorded()))
        for client, *counts in stages
    }
