"""Follow-ups: does following up pay (a landmark comparison), and who is due a follow-up now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.analyse import stats
from pipelines.analyse.facts import Prepared, _facts, _json_value, _rate
from pipelines.analyse.scope import SMALL_GROUP, Scope
from pipelines.rows import one_row
from pipelines.sqltext import Sql, compose, fixed, join

FOLLOW_UP_AFTER = 7  # days: follow up one to two weeks after applying
FOLLOW_UP_LANDMARK = 14
INTERVIEW_SILENCE = 7
# a follow-up is due (over the facts table; parameters $as_of, $silence, $after, $landmark, $window):
# an interview with no news for a week, or an unanswered application one to two weeks old (or older,
# still within the window plus two weeks) that has not been followed up
FOLLOW_UP_DUE = fixed("""(
    (outcome = 'in_progress' and interviewed and last_event_on <= $as_of - $silence)
    or (outcome in ('pending', 'no_response') and not followed_up and not responded
        and age_days >= $after and age_days <= $window + $landmark)
)""")


# the order of the due list (the first due are named by the diagnosis too)
FOLLOW_UP_PRIORITY = fixed("""case
    when outcome = 'in_progress' and interviewed then 1
    when outcome = 'pending' and age_days between $after and $landmark then 2
    else 3
end""")
FOLLOW_UP_ORDER = compose("{priority}, age_days, company", priority=FOLLOW_UP_PRIORITY)

# The landmark comparison, as four counts and the undated follow-ups (parameter $landmark). Waiting:
# settled, with no reply by the landmark day (an undated reply cannot be placed, so it is left out),
# and not followed up on an unknown date (it cannot be placed before or after the landmark).
_WAITING = fixed("""settled and not (followed_up and first_follow_up_on is null)
    and not (responded and (days_to_first_response is null or days_to_first_response <= $landmark))""")
_FOLLOWED = fixed("first_follow_up_on is not null and first_follow_up_on - applied_on <= $landmark")
_NOT_FOLLOWED = compose("not ({followed})", followed=_FOLLOWED)


def _waiting_count(condition: Sql) -> Sql:
    """A landmark count: the applications still waiting on the landmark day that meet `condition`."""
    return compose("count(*) filter (where {waiting} and {condition})", waiting=_WAITING, condition=condition)


FOLLOW_UP_EFFECT_COUNTS = (
    _waiting_count(_FOLLOWED),
    _waiting_count(compose("{followed} and answered_in_window", followed=_FOLLOWED)),
    _waiting_count(_NOT_FOLLOWED),
    _waiting_count(compose("{not_followed} and answered_in_window", not_followed=_NOT_FOLLOWED)),
    fixed("count(*) filter (where followed_up and first_follow_up_on is null)"),
)


@dataclass(frozen=True)
class FollowUpEffect:
    """The landmark comparison: among settled applications still unanswered on `landmark_day`, the
    share answered later of those followed up by then and of those not (Fisher's exact `p_value`)."""

    landmark_day: int
    followed_up: dict[str, Any]
    not_followed_up: dict[str, Any]
    p_value: float | None
    small: bool
    undated_follow_ups: int

    def to_json(self) -> dict[str, Any]:
        return {
            "landmark_day": self.landmark_day,
            "followed_up": dict(self.followed_up),
            "not_followed_up": dict(self.not_followed_up),
            "p_value": self.p_value,
            "small": self.small,
            "undated_follow_ups": self.undated_follow_ups,
        }


def follow_up_effect(scope: Scope, n_yes: int, k_yes: int, n_no: int, k_no: int, undated: int) -> FollowUpEffect | None:
    """The landmark comparison from its counts (FOLLOW_UP_EFFECT_COUNTS)."""
    if scope.window <= FOLLOW_UP_LANDMARK:
        return None  # replies after the landmark fall outside a window this short: nothing to measure
    return FollowUpEffect(
        landmark_day=FOLLOW_UP_LANDMARK,
        followed_up=_rate(k_yes, n_yes),
        not_followed_up=_rate(k_no, n_no),
        p_value=stats.fisher_exact(k_yes, n_yes - k_yes, k_no, n_no - k_no) if n_yes and n_no else None,
        small=min(n_yes, n_no) < SMALL_GROUP,
        undated_follow_ups=undated,
    )


@dataclass(frozen=True)
class DueRow:
    """An application due a follow-up now, why, and how urgent (priority 1 first)."""

    application_id: str
    client: str | None
    company: str | None
    role: str | None
    applied_on: str
    age_days: int
    last_interview_on: str | None
    reason: str
    priority: int

    def to_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "client": self.client,
            "company": self.company,
            "role": self.role,
            "applied_on": self.applied_on,
            "age_days": self.age_days,
            "last_interview_on": self.last_interview_on,
            "reason": self.reason,
            "priority": self.priority,
        }


@dataclass(frozen=True)
class Followups:
    """Does following up pay (`effect`, None when the window leaves nothing to measure), and who is due
    a follow-up now (`due`, the most urgent first, at most the limit asked; `due_total`: all that are)."""

    scope: Scope
    applications: int
    effect: FollowUpEffect | None = None
    due: tuple[DueRow, ...] = ()
    due_total: int = 0

    @property
    def no_data(self) -> bool:
        return self.applications == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope.to_json(),
            "applications": self.applications,
            "no_data": self.no_data,
            "effect": None if self.effect is None else self.effect.to_json(),
            "due": [row.to_json() for row in self.due],
            "due_total": self.due_total,
        }


def follow_up_params(scope: Scope) -> dict[str, Any]:
    return {"as_of": scope.as_of, "silence": INTERVIEW_SILENCE, "after": FOLLOW_UP_AFTER,
            "landmark": FOLLOW_UP_LANDMARK, "window": scope.window}  # fmt: skip


def followups(
    con: duckdb.DuckDBPyConnection, scope: Scope, due_limit: int = 50, prepared: Prepared | None = None
) -> Followups:
    """Does following up pay, and who is due a follow-up now.

    The effect is a landmark comparison: among settled applications still unanswered on day 14
    (the end of the follow-up period), those followed up by then against those not, on replies after
    day 14. Comparing everything followed up against everything not would flatter nothing and
    blame follow-ups: a follow-up is only ever sent to applications that had no early reply.
    """
    cur, total = _facts(con, scope, prepared, ["company", "role", "client"])
    if total == 0:
        return Followups(scope=scope, applications=0)
    effect_counts = compose("select {counts} from facts", counts=join(FOLLOW_UP_EFFECT_COUNTS))
    row = one_row(cur.execute(effect_counts, {"landmark": FOLLOW_UP_LANDMARK}))
    effect = follow_up_effect(scope, *(int(v) for v in row))
    due_query = compose(
        """
        select application_id, client, company, role, applied_on, age_days, last_interview_on,
            case
                when outcome = 'in_progress' and interviewed and last_event_on <= $as_of - $silence
                    then 'interviewed, no news since ' || strftime(last_event_on, '%Y-%m-%d')
                when outcome = 'pending' and age_days between $after and $landmark
                    then 'no answer after ' || age_days || ' days: follow up now'
                else 'no answer after ' || age_days || ' days: follow up (late)'
            end as reason,
            {priority} as priority,
            count(*) over () as due_total  -- all that are due, before the limit
        from facts
        where {due}
        order by {order}
        limit $limit
        """,
        priority=FOLLOW_UP_PRIORITY,
        due=FOLLOW_UP_DUE,
        order=FOLLOW_UP_ORDER,
    )
    due = cur.execute(due_query, {**follow_up_params(scope), "limit": due_limit}).fetchall()
    return Followups(
        scope=scope,
        applications=total,
        effect=effect,
        # the columns selected are DueRow's fields, in its order, then due_total
        due=tuple(DueRow(*(_json_value(v) for v in item[:-1])) for item in due),
        due_total=int(due[0][-1]) if due else 0,
    )
