"""`bounceback plan`: what to send next week (issue 20), from one scope's facts.

For each choice the person makes (which resume version, which channel), the options the log
records become arms (pipelines/analyse/bandit.py: posteriors, probability of being best, Thompson
shares of the next applications, the decision). With them, the week's chores: the follow-ups due,
the pending applications a referral could still help, and the pace. docs/plan.md explains the method.

A choice the log does not record (no Resume version column, no Channel) is `recorded: false` with
no arms: never judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines import sqltext
from pipelines.analyse import bandit
from pipelines.analyse.diagnosis.levels import LOW_PACE_PER_WEEK
from pipelines.analyse.facts import load_facts
from pipelines.analyse.followups import followups
from pipelines.analyse.recorded import recorded_by
from pipelines.analyse.scope import Scope
from pipelines.rows import one_row
from pipelines.sqltext import Sql, compose, fixed
from pipelines.store.db import translate_errors

CHOICES = ("resume_version", "channel")  # the fields a plan chooses between (an allowlist: names in SQL)
# the person's listed targets (clients.target_industries / target_roles, comma or semicolon separated):
# each target an option; an application is the first target its industry (role) names
TARGETS = {"industry": "target_industries", "role": "target_roles"}
DEFAULT_NEXT = 10
REFERRALS_SHOWN = 5
PACE_TARGET_PER_WEEK = LOW_PACE_PER_WEEK + 3  # the diagnosis's low pace, with room: 5 a week

# Each option's evidence (bandit.Arm), over `facts`: {option} names each application's option (null:
# none), {randomised} counts its sends whose version was drawn. "other" is no option a person picks.
_ARMS_SQL = """
select option,
       count(*) filter (where answered_in_window) as answered,
       count(*) filter (where settled or answered_in_window)
           + coalesce(sum(least(age_days, $window) / $window) filter (where not settled and not answered_in_window), 0)
           as exposure,
       count(*) filter (where settled) as settled,
       count(*) filter (where settled and answered_in_window) as settled_answered,
       {randomised} as randomised
from (select *, {option} as option from facts)
where option is not null and option <> 'other'
group by 1
order by 1
"""
_RANDOMISED = fixed("count(*) filter (where application_id in (select application_id from randomised_applications))")
# a listed target: the first target the application's industry (role) names
_FIRST_TARGET = "list_filter($targets, lambda t: contains(lower({field}), lower(t)))[1]"


@dataclass(frozen=True)
class ChoicePlan:
    """One choice: whether the log records it, its options and the decision."""

    field: str
    recorded: bool
    choice: bandit.Choice

    def to_json(self) -> list[dict[str, Any]]:
        key = {"resume_version": "version"}.get(self.field, self.field)
        entries = []
        for arm in self.choice.arms:
            entry = arm.to_json()
            entries.append({key: entry.pop("version"), **entry})
        return entries


@dataclass(frozen=True)
class Plan:
    scope: Scope
    applications: int
    next_n: int
    pace: dict[str, Any]
    choices: dict[str, ChoicePlan]
    follow_ups_due: list[dict[str, Any]] = field(default_factory=list)
    follow_ups_due_total: int = 0
    referrals_to_ask: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] | None = None  # with --assign: [{"number", "version"}]

    @property
    def decision(self) -> bandit.Decision:
        return self.choices["resume_version"].choice.decision

    def to_json(self) -> dict[str, Any]:
        resume = self.choices["resume_version"]
        channel = self.choices["channel"]
        return {
            "scope": self.scope.to_json(),
            "applications": self.applications,
            "next": self.next_n,
            "decision": {**self.decision.to_json(), "sentence": sentence(self.decision, "version")},
            "resume_versions": resume.to_json(),
            "resume_versions_recorded": resume.recorded,
            "channel_decision": {**channel.choice.decision.to_json(),
                                 "sentence": sentence(channel.choice.decision, "channel")},
            "channels": channel.to_json(),
            "channels_recorded": channel.recorded,
            "follow_ups_due": self.follow_ups_due,
            "follow_ups_due_total": self.follow_ups_due_total,
            "referrals_to_ask": self.referrals_to_ask,
            "pace": self.pace,
            **self._targets_json(),
            **({"assignments": self.assignments} if self.assignments is not None else {}),
        }

    def _targets_json(self) -> dict[str, Any]:
        """The listed target industries and roles, as choices of their own (none listed: not recorded)."""
        found: dict[str, Any] = {}
        for name, plural in (("industry", "industries"), ("role", "roles")):
            made = self.choices[name]
            found[plural] = made.to_json()
            found[f"{plural}_recorded"] = made.recorded
            found[f"{name}_decision"] = {**made.choice.decision.to_json(),
                                         "sentence": sentence(made.choice.decision, name)}
        return found


def sentence(decision: bandit.Decision, what: str) -> str:
    """The decision in one plain sentence."""
    weeks = decision.weeks_to_decide
    if weeks is None or weeks > 52:
        when = " At this pace no decision is in sight within a year: the options answer too alike, or too few go out."
    else:
        when = f" At this pace a decision needs about {max(weeks, 1):.0f} more weeks."
    if decision.state == bandit.WINNER:
        return (f"Send the {what} {decision.version}: it answers more often than the others, by a test that stays"
                " valid however often you look.")
    if decision.state == bandit.NO_DIFFERENCE:
        return (f"No difference worth testing: sending every application with the {what} {decision.version} would"
                " cost at most one answer in 100 applications. Pick by what suits the job.")
    if decision.state == bandit.KEEP_TESTING:
        return f"Keep testing: send each {what} in the shares below; the better one gets more as answers come in.{when}"
    return f"Not enough data yet: at least two options need {bandit.MIN_SETTLED} settled applications each.{when}"


def _arm_rows(cur: duckdb.DuckDBPyConnection, option: Sql, randomised: Sql, params: dict[str, Any]) -> list[bandit.Arm]:
    rows = cur.execute(compose(_ARMS_SQL, option=option, randomised=randomised), params).fetchall()
    return [bandit.Arm(str(n), int(a), float(e), int(s), int(sa), int(r)) for n, a, e, s, sa, r in rows]


def _arms(cur: duckdb.DuckDBPyConnection, name: str, window: int) -> list[bandit.Arm]:
    return _arm_rows(cur, sqltext.name(name, CHOICES), _RANDOMISED, {"window": float(window)})


def _targets(cur: duckdb.DuckDBPyConnection, client: str | None, name: str) -> list[str]:
    if client is None:
        return []
    row = cur.execute(
        compose("select {column} from clients where client = ?", column=sqltext.name(TARGETS[name],
                                                                                      tuple(TARGETS.values()))),
        [client],
    ).fetchone()
    text = row[0] if row else None
    return [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]


def _target_arms(cur: duckdb.DuckDBPyConnection, name: str, targets: list[str], window: int) -> list[bandit.Arm]:
    option = compose(_FIRST_TARGET, field=sqltext.name(name, tuple(TARGETS)))
    return _arm_rows(cur, option, fixed("0"), {"window": float(window), "targets": targets})


def _pace(cur: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    recent, span = one_row(cur.execute(
        "select count(*) filter (where applied_on > $as_of - 28), coalesce($as_of - min(applied_on), 0) from facts",
        {"as_of": scope.as_of},
    ))
    per_week = round(int(recent) / 4, 2) if int(span) >= 28 else None
    return {"applications_last_4_weeks": int(recent), "per_week": per_week, "target_per_week": PACE_TARGET_PER_WEEK,
            "below_target": per_week is not None and per_week < PACE_TARGET_PER_WEEK}


def _referrals(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Pending applications not sent through someone you know: a referral now can still help."""
    rows = cur.execute(
        "select company, role, applied_on, age_days from facts"
        " where outcome = 'pending' and company is not null and referral is distinct from true"
        "   and channel is distinct from 'referral'"
        " order by age_days, company limit ?",
        [REFERRALS_SHOWN],
    ).fetchall()
    return [{"company": c, "role": r, "applied_on": a.isoformat() if a else None, "age_days": int(d)}
            for c, r, a, d in rows]


def plan(con: duckdb.DuckDBPyConnection, scope: Scope, next_n: int = DEFAULT_NEXT) -> Plan:
    """The week's plan for one scope (one person's search, usually)."""
    cur = con.cursor()
    with translate_errors("making the plan failed"):
        total = load_facts(cur, scope, ("resume_version", "channel", "industry", "company", "role", "referral",
                                        "client"))
        recorded = recorded_by(cur, scope.client, scope.allowed).get("")
        pace = _pace(cur, scope)
        per_week = pace["per_week"] or pace["applications_last_4_weeks"] / 4
        choices = {}
        for name in CHOICES:
            known = bool(recorded is not None and getattr(recorded, name) and recorded.outcomes)
            arms = _arms(cur, name, scope.window) if known else []
            choices[name] = ChoicePlan(name, known, bandit.plan_choice(arms, next_n=next_n, pace=per_week,
                                                                        window=scope.window))
        for name in TARGETS:
            targets = _targets(cur, scope.client, name)
            known = bool(recorded is not None and recorded.outcomes and targets
                         and (name != "industry" or recorded.industry))
            arms = _target_arms(cur, name, targets, scope.window) if known else []
            choices[name] = ChoicePlan(name, known, bandit.plan_choice(arms, next_n=next_n, pace=per_week,
                                                                        window=scope.window))
        referrals = _referrals(cur)
    due = followups(con, scope, due_limit=10)
    return Plan(scope=scope, applications=total, next_n=next_n, pace=pace, choices=choices,
                follow_ups_due=[row.to_json() for row in due.due], follow_ups_due_total=due.due_total,
                referrals_to_ask=referrals)
