"""The advisor's roster, and one client against the caseload.

Roster: one row per client the viewer may see, with applications, last activity, the
censoring-aware response rate with its interval, the furthest stage reached, the worst part of the
diagnosis, follow-ups due and days since the last application. The facts of every visible client
are loaded once; the counts and the diagnosis come from queries grouped by client, and each
client's verdicts are decided by the same code as their own page (diagnosis.gather and
diagnosis.decide), so the roster's verdicts are exactly the ones that page shows.

"Needs attention" ordering (docs/advisors.md, "Roster"), first to last:
1. active clients before paused, placed and closed ones;
1b. clients who need attention (below) before the others;
2. more parts of the search **failing** first;
3. **stalled** first: no application for STALL_DAYS days (or none up to the as-of date);
4. more parts **at risk** first;
5. more follow-ups due first;
6. then by display name.
A client needs attention when they are active and something in 2-4 holds; `reasons` says what.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

import duckdb

from pipelines.advisors.clients import LOCAL_VIEWER, ClientRecord, Viewer, get_client, list_clients
from pipelines.analyse import analytics, diagnosis
from pipelines.analyse.followups import FOLLOW_UP_DUE, FOLLOW_UP_PRIORITY, follow_up_params
from pipelines.analyse.scope import FUNNEL_STAGES, Scope
from pipelines.sqltext import compose
from pipelines.store.db import translate_errors

STALL_DAYS = 14  # no application for this long: the search has stalled
# follow-ups due this week (an interview with no news, no answer 7-14 days after applying) from which
# they are piling up: more than a sitting's work, and more than a week of a steady search leaves
FOLLOW_UPS_PILING = 10
STATUS_ORDER = {"active": 0, "paused": 1, "placed": 2, "closed": 3}
# the roster's order in words (see _attention)
ROSTER_ORDERING = (
    "active before paused, placed, closed",
    "needs attention (failing, stalled or follow-ups piling up; no accepted offer) first",
    "more failing parts",
    f"stalled (no application for {STALL_DAYS} days)",
    "more parts at risk",
    "more follow-ups due",
    "display name",
)
MIN_CASELOAD = 5  # other clients with a rate before a percentile is given
# the rates a client is compared on: name -> (label, the rates() key)
CASELOAD_RATES: dict[str, tuple[str, str]] = {
    # in words: the dashboard draws these labels (the definition is in docs/definitions.md)
    "response": ("Response rate", "response_rate"),
    "response_settled": ("Response rate, settled applications", "response_rate_settled"),
    "callback": ("Callback rate", "callback_rate"),
    "interview": ("Interview rate", "interview_rate"),
    "offer": ("Offer rate", "offer_rate"),
}


class Interval(TypedDict):
    """A rate with its 95% interval (null, all three, before the client has a rate)."""

    rate: float | None
    low: float | None
    high: float | None


class WorstPart(TypedDict):
    """The first finding of the client's diagnosis, when it is failing or at risk."""

    area: str
    verdict: str


def _no_rate() -> Interval:
    return {"rate": None, "low": None, "high": None}


@dataclass(frozen=True)
class RosterEntry:
    """One client's roster row (docs/json-output.md, "roster"): their record, counts and verdicts.

    `recorded` is what the client's log records (pipelines/analyse/recorded.py), null before any
    application; `needs_attention` is a decision for the advisor this week and `reasons` says why
    (see the module docstring); `rank` is the place in the needs-attention order, from 1."""

    client: str
    display_name: str
    advisor: str | None
    status: str
    applications: int = 0
    last_activity_on: str | None = None
    days_since_last_application: int | None = None
    response_rate: Interval = field(default_factory=_no_rate)
    settled: int = 0
    small: bool = True
    furthest_stage: str | None = None
    worst_part: WorstPart | None = None
    failing: list[str] = field(default_factory=list)
    at_risk: list[str] = field(default_factory=list)
    follow_ups_due: int = 0
    stalled: bool = True
    accepted_offers: int = 0
    recorded: dict[str, Any] | None = None
    follow_ups_due_this_week: int = 0
    follow_ups_piling: bool = False
    needs_attention: bool = False
    reasons: list[str] = field(default_factory=list)
    rank: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "display_name": self.display_name,
            "advisor": self.advisor,
            "status": self.status,
            "applications": self.applications,
            "last_activity_on": self.last_activity_on,
            "days_since_last_application": self.days_since_last_application,
            "response_rate": dict(self.response_rate),
            "settled": self.settled,
            "small": self.small,
            "furthest_stage": self.furthest_stage,
            "worst_part": None if self.worst_part is None else dict(self.worst_part),
            "failing": list(self.failing),
            "at_risk": list(self.at_risk),
            "follow_ups_due": self.follow_ups_due,
            "stalled": self.stalled,
            "accepted_offers": self.accepted_offers,
            "recorded": self.recorded,
            "follow_ups_due_this_week": self.follow_ups_due_this_week,
            "follow_ups_piling": self.follow_ups_piling,
            "needs_attention": self.needs_attention,
            "reasons": list(self.reasons),
            "rank": self.rank,
        }


@dataclass(frozen=True)
class Roster:
    """Every client the viewer may see (of one advisor, if named), needing attention first; `scope`
    is the caseload's (the client filter lifted), `ordering` the order's steps in words."""

    scope: Scope
    advisor: str | None
    clients: list[RosterEntry]
    stall_days: int = STALL_DAYS
    follow_ups_piling: int = FOLLOW_UPS_PILING
    ordering: list[str] = field(default_factory=lambda: list(ROSTER_ORDERING))

    @property
    def needs_attention(self) -> int:
        """How many of the clients need attention."""
        return sum(entry.needs_attention for entry in self.clients)

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope.to_json(),
            "advisor": self.advisor,
            "stall_days": self.stall_days,
            "follow_ups_piling": self.follow_ups_piling,
            "clients": [entry.to_json() for entry in self.clients],
            "needs_attention": self.needs_attention,
            "ordering": list(self.ordering),
        }


class Distribution(TypedDict):
    """A rate over the other clients of the caseload: its quartiles (numpy's linear interpolation)."""

    min: float
    p25: float
    median: float
    p75: float
    max: float


@dataclass(frozen=True)
class CaseloadRate:
    """One key rate of the client (with its interval and `small`) beside the distribution over the
    `others` clients with a rate; `percentile` is null below MIN_CASELOAD of them."""

    metric: str
    label: str
    rate: float | None
    low: float | None
    high: float | None
    small: bool
    others: int
    distribution: Distribution | None
    percentile: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "label": self.label,
            "rate": self.rate,
            "low": self.low,
            "high": self.high,
            "small": self.small,
            "others": self.others,
            "distribution": None if self.distribution is None else dict(self.distribution),
            "percentile": self.percentile,
        }


@dataclass(frozen=True)
class CaseloadComparison:
    """A client's key rates against the caseload (see against_caseload). `withheld`: the viewer may
    not compare clients, and the JSON says only that (client, available, reason, no rates)."""

    client: str
    available: bool
    reason: str | None
    rates: list[CaseloadRate] = field(default_factory=list)
    advisor: str | None = None
    caseload_clients: int = 0
    compared_clients: int = 0
    min_caseload: int = MIN_CASELOAD
    withheld: bool = False

    def to_json(self) -> dict[str, Any]:
        rates = [row.to_json() for row in self.rates]
        if self.withheld:
            return {"client": self.client, "available": self.available, "reason": self.reason, "rates": rates}
        return {
            "client": self.client,
            "advisor": self.advisor,
            "available": self.available,
            "reason": self.reason,
            "caseload_clients": self.caseload_clients,
            "compared_clients": self.compared_clients,
            "min_caseload": self.min_caseload,
            "rates": rates,
        }


def _everyone(scope: Scope, viewer: Viewer) -> Scope:
    """The scope over the viewer's caseload: every client they advise (the client filter lifted)."""
    return dataclasses.replace(scope, client=None, allowed=viewer.caseload)


def _client_counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, prepared: analytics.Prepared | None = None
) -> dict[str, dict[str, Any]]:
    """Per client: counts, dates and rates, from one load of the facts (`prepared`, if given)."""
    if prepared is None:
        prepared = analytics.prepare(con, scope, ("client",))
    rates = analytics.rates(con, scope, ["client"], prepared)
    if prepared.total == 0:
        return {}
    query = compose(
        """
        select client,
            count(*) as applications,
            max(applied_on) as last_applied_on,
            greatest(max(applied_on), max(last_event_on)) as last_activity_on,
            max(funnel_level) as furthest_level,
            count(*) filter (where {due}) as follow_ups_due,
            count(*) filter (where outcome = 'pending') as pending,
            count(*) filter (where accepted) as accepted,
            -- due this week: an interview with no news, or no answer 7-14 days after applying
            count(*) filter (where {due} and {priority} <= 2) as due_this_week
        from facts
        group by client
        """,
        due=FOLLOW_UP_DUE,
        priority=FOLLOW_UP_PRIORITY,
    )
    rows = prepared.cur.execute(query, follow_up_params(scope)).fetchall()
    counts = {
        client: {
            "applications": int(applications),
            "last_applied_on": last_applied,
            "last_activity_on": last_activity,
            "furthest_stage": FUNNEL_STAGES[int(level)],
            "follow_ups_due": int(due),
            "pending": int(pending),
            "accepted_offers": int(accepted),
            "follow_ups_due_this_week": int(this_week),
        }
        for client, applications, last_applied, last_activity, level, due, pending, accepted, this_week in rows
    }
    for group in rates.groups:
        counts[group.group["client"]]["rates"] = group.to_json()
    return counts


def _attention(entry: RosterEntry) -> tuple[Any, ...]:
    return (
        STATUS_ORDER.get(entry.status, len(STATUS_ORDER)),
        not entry.needs_attention,
        -len(entry.failing),
        not entry.stalled,
        -len(entry.at_risk),
        -entry.follow_ups_due,
        entry.display_name.lower(),
        entry.client,
    )


def reasons(entry: RosterEntry, as_of: dt.date, word: Callable[[str], str] = str) -> list[str]:
    """Why the client is where they are in the order, most pressing first. `word` names a part of the
    search or a status (the JSON keeps the names; the dashboard passes its glossary's words)."""
    if entry.status != "active":
        return [f"status: {word(entry.status)}"]
    said = [f"failing: {word(area)}" for area in entry.failing]
    if entry.stalled:
        days = entry.days_since_last_application
        said.append(
            f"no applications up to {as_of.isoformat()}" if days is None else f"no application for {days} days"
        )
    if entry.follow_ups_piling:
        said.append(f"{entry.follow_ups_due_this_week} follow-ups due this week")
    said += [f"at risk: {word(area)}" for area in entry.at_risk]
    if entry.accepted_offers:
        said.insert(0, "accepted an offer")
    return said


def roster(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    viewer: Viewer = LOCAL_VIEWER,
    advisor: str | None = None,
    progress: Any = None,
) -> Roster:
    """Every client the viewer may see (of one advisor, if named), needing attention first.

    `progress(done, total)` is called as each client with applications is diagnosed (the grouped
    queries over the caseload come first, then the per-client verdicts, the longer part)."""
    everyone = _everyone(scope, viewer)
    records = _caseload_records(con, viewer, advisor)
    with translate_errors("cannot build the roster"):
        prepared = analytics.prepare(con, everyone, diagnosis.FIELDS)
        counts = _client_counts(con, everyone, prepared)
        diagnoses = diagnosis.diagnose_each(con, everyone, prepared, progress)
    entries = sorted(
        (
            _roster_entry(record, counts.get(record.client), diagnoses.get(record.client), scope.as_of)
            for record in records
        ),
        key=_attention,
    )
    # the rank and the reasons, once the order is known: one copy of each row
    clients = [
        dataclasses.replace(entry, rank=rank, reasons=reasons(entry, scope.as_of))
        for rank, entry in enumerate(entries, start=1)
    ]
    return Roster(scope=everyone, advisor=advisor, clients=clients)


def _caseload_records(con: duckdb.DuckDBPyConnection, viewer: Viewer, advisor: str | None) -> list[ClientRecord]:
    """The client records a roster lists: the viewer's caseload, of one advisor if named."""
    return [
        entry
        for entry in list_clients(con, viewer)
        if viewer.in_caseload(entry.client) and (advisor is None or entry.advisor == advisor)
    ]


def _roster_entry(
    record: ClientRecord, found: dict[str, Any] | None, diagnosed: diagnosis.Diagnosis | None, as_of: dt.date
) -> RosterEntry:
    """One client's roster row from their record, their counts (`found`: None before any
    application) and their diagnosis (None likewise); its rank and reasons come with the order."""
    findings = diagnosed.findings if diagnosed is not None else ()
    found = found or {}
    last_applied = found.get("last_applied_on")
    days_since = (as_of - last_applied).days if last_applied is not None else None
    rates = found.get("rates", {})
    rate = rates.get("response_rate") or {}
    worst = findings[0] if findings and findings[0].verdict in ("failing", "at risk") else None
    failing = [f.area for f in findings if f.verdict == "failing"]
    stalled = days_since is None or days_since >= STALL_DAYS
    this_week = found.get("follow_ups_due_this_week", 0)
    piling = this_week >= FOLLOW_UPS_PILING
    return RosterEntry(
        client=record.client,
        display_name=record.display_name,
        advisor=record.advisor,
        status=record.status,
        applications=found.get("applications", 0),
        last_activity_on=_iso(found.get("last_activity_on")),
        days_since_last_application=days_since,
        response_rate={"rate": rate.get("rate"), "low": rate.get("low"), "high": rate.get("high")},
        settled=rates.get("settled", 0),
        small=rates.get("small", True),
        furthest_stage=found.get("furthest_stage"),
        worst_part=None if worst is None else {"area": worst.area, "verdict": worst.verdict},
        failing=failing,
        at_risk=[f.area for f in findings if f.verdict == "at risk"],
        follow_ups_due=found.get("follow_ups_due", 0),
        stalled=stalled,
        accepted_offers=found.get("accepted_offers", 0),
        # what the client's log records (pipelines/analyse/recorded.py); null before any application
        recorded=diagnosed.recorded.to_json() if diagnosed is not None else None,
        follow_ups_due_this_week=this_week,
        follow_ups_piling=piling,
        # a decision for the advisor this week; at risk alone is shown, not escalated
        needs_attention=record.status == "active"
        and not found.get("accepted_offers", 0)
        and bool(failing or stalled or piling),
    )


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _percentile(value: float, others: list[float]) -> float:
    """Share of the other clients below this value, ties counted half (0-100)."""
    below = sum(other < value for other in others)
    ties = sum(other == value for other in others)
    return 100 * (below + ties / 2) / len(others)


def _quantiles(values: list[float]) -> Distribution:
    ordered = sorted(values)

    def at(q: float) -> float:
        # linear interpolation between the closest ranks (numpy's default)
        position = q * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return {"min": ordered[0], "p25": at(0.25), "median": at(0.5), "p75": at(0.75), "max": ordered[-1]}


def against_caseload(
    con: duckdb.DuckDBPyConnection, scope: Scope, client: str, viewer: Viewer = LOCAL_VIEWER
) -> CaseloadComparison:
    """Each key rate of `client` beside the distribution over the advisor's other clients.

    The caseload is the other clients with the same advisor (every other client the viewer may see,
    when the client has no advisor). Only clients with enough settled applications (not `small`)
    enter the distribution; with fewer than MIN_CASELOAD of them there is no percentile, and the
    result says so. A client viewer never gets a comparison: it would describe other people."""
    record = get_client(con, client, viewer)
    if not viewer.compares(client):
        return CaseloadComparison(
            client=client, available=False, reason="only the client's advisor compares clients", withheld=True
        )
    everyone = _everyone(scope, viewer)
    peers = {
        entry.client
        for entry in list_clients(con, viewer)
        if entry.client != client
        and viewer.in_caseload(entry.client)
        and (record.advisor is None or entry.advisor == record.advisor)
    }
    with translate_errors("cannot compare with the caseload"):
        counts = _client_counts(con, everyone)
    own = counts.get(client, {}).get("rates")
    usable = [counts[name]["rates"] for name in peers if name in counts and not counts[name]["rates"]["small"]]
    rows: list[CaseloadRate] = []
    for metric, (label, key) in CASELOAD_RATES.items():
        others = [group[key]["rate"] for group in usable if group[key]["rate"] is not None]
        value = None if own is None else own[key]["rate"]
        enough = len(others) >= MIN_CASELOAD
        rows.append(
            CaseloadRate(
                metric=metric,
                label=label,
                rate=value,
                low=None if own is None else own[key]["low"],
                high=None if own is None else own[key]["high"],
                small=True if own is None else own["small"],
                others=len(others),
                distribution=_quantiles(others) if others else None,
                percentile=_percentile(value, others) if enough and value is not None else None,
            )
        )
    available = len(usable) >= MIN_CASELOAD
    return CaseloadComparison(
        client=client,
        advisor=record.advisor,
        available=available,
        reason=None
        if available
        else (
            f"{len(usable)} other client(s) with at least {analytics.SMALL_GROUP} settled applications;"
            f" a percentile needs {MIN_CASELOAD}"
        ),
        caseload_clients=len(peers),
        compared_clients=len(usable),
        min_caseload=MIN_CASELOAD,
        rates=rows,
    )
