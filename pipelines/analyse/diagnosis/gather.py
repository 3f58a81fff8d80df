"""What the six parts read from a search's facts, counted in SQL: `Counts`, and `gather` that fills them.

Every query reads the facts with the group as a column named `key` (one search: '', a caseload: each
client), so one search and a whole caseload are counted by the same queries. The SQL text is built by
pipelines/sqltext.py from conditions written here and a group key from a fixed set; every value (the
as-of date, the one-click channel, a number of days) is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.analyse import analytics
from pipelines.analyse.diagnosis.levels import COMPANIES_NAMED, INTERVIEW_SETTLE_DAYS, ONE_CLICK
from pipelines.analyse.recorded import Recorded, recorded_by
from pipelines.analyse.scope import Scope
from pipelines.sqltext import Sql, compose, fixed, join

# Each part's two groups, as SQL conditions over the facts (constants: no user text becomes SQL)
ONE_CLICK_IN, ONE_CLICK_OUT = fixed("channel = $one_click"), fixed("channel is distinct from $one_click")
LETTER_IN, LETTER_OUT = fixed("cover_letter"), fixed("cover_letter = false")
REFERRAL_IN = fixed("channel = 'referral' or coalesce(referral, false)")
REFERRAL_OUT = compose("not ({inside})", inside=REFERRAL_IN)
Split = tuple[int, int, int, int, int]
# resume versions are compared holding the channel equal, the strongest influence on answers; adding
# industry too splits a personal search into so many cells that almost no pair of versions meets in one
RESUME_ADJUST_FOR = ("channel",)
# an interview has had its chance: it led on (an offer, a next round), the application ended, or
# its last round is INTERVIEW_SETTLE_DAYS old. A withdrawal is the applicant's choice, not an answer.
_REACHED = fixed("funnel_level >= 3")
_PROGRESSED = fixed("(offered or interview_rounds >= 2)")
_SETTLED_INTERVIEW = compose(
    """{reached} and ({progressed} or (outcome <> 'withdrawn' and (
    last_interview_on <= $as_of - $days or outcome in ('rejected', 'no_response', 'no_further_answer'))))""",
    reached=_REACHED,
    progressed=_PROGRESSED,
)
_INTERVIEW_COUNTS = (
    fixed("count(*) filter (where called_back and settled)"),
    fixed("count(*) filter (where called_back and settled and interviewed)"),
    compose("count(*) filter (where {reached})", reached=_REACHED),
    compose("count(*) filter (where {settled})", settled=_SETTLED_INTERVIEW),
    compose("count(*) filter (where {settled} and {led_on})", settled=_SETTLED_INTERVIEW, led_on=_PROGRESSED),
    compose("count(*) filter (where {settled} and offered)", settled=_SETTLED_INTERVIEW),
    fixed("count(*) filter (where interview_rounds >= 2)"),
)
# the follow-up habit: applications still silent a week after applying and two weeks old, and those
# of them followed up by day 14 (a follow-up without a date counts: it was sent)
_SILENT_AT_A_WEEK = fixed("age_days >= $landmark and not (responded and coalesce(days_to_first_response, 0) <= $after)")
_HABIT_COUNTS = (
    compose("count(*) filter (where {silent})", silent=_SILENT_AT_A_WEEK),
    compose(
        "count(*) filter (where {silent} and followed_up"
        " and coalesce(first_follow_up_on - applied_on <= $landmark, true))",
        silent=_SILENT_AT_A_WEEK,
    ),
)
# The follow-ups due, their order, the landmark counts (pipelines/analyse/followups.py) and the key of
# the channel strata (pipelines/analyse/compare.py): SQL written in the code of the analysis, no values.
_DUE = analytics.FOLLOW_UP_DUE
_DUE_ORDER = analytics.FOLLOW_UP_ORDER
_FOLLOW_UP_EFFECT_COUNTS = analytics.FOLLOW_UP_EFFECT_COUNTS
_RESUME_STRATUM = analytics.strata_sql(RESUME_ADJUST_FOR)


def _split_sql(inside: Sql, outside: Sql) -> list[Sql]:
    """(answered, settled) of the applications matching `inside`, the same for `outside`, and how
    many applications (settled or not) match `inside`. Answered: within the window, among settled."""
    return [
        compose("count(*) filter (where settled and answered_in_window and ({inside}))", inside=inside),
        compose("count(*) filter (where settled and ({inside}))", inside=inside),
        compose("count(*) filter (where settled and answered_in_window and ({outside}))", outside=outside),
        compose("count(*) filter (where settled and ({outside}))", outside=outside),
        compose("count(*) filter (where {inside})", inside=inside),
    ]


# the columns of the one row of counts per group, in the order `_count_groups` reads them
_COUNT_COLUMNS = join([
    fixed("count(*)"), fixed("count(*) filter (where settled)"),
    fixed("count(*) filter (where applied_on > $as_of - $recent)"), fixed("coalesce($as_of - min(applied_on), 0)"),
    *_split_sql(ONE_CLICK_IN, ONE_CLICK_OUT), *_split_sql(LETTER_IN, LETTER_OUT),
    *_split_sql(REFERRAL_IN, REFERRAL_OUT), *_INTERVIEW_COUNTS, *_FOLLOW_UP_EFFECT_COUNTS,
    *_HABIT_COUNTS, compose("count(*) filter (where {due})", due=_DUE),
])  # fmt: skip


@dataclass
class Counts:
    """Everything the six parts read from one search's facts: counts and a few names, never rows.
    `gather` fills it for one search, or for every client of a caseload from grouped queries; the
    verdicts are then computed by the same code either way."""

    total: int = 0
    settled: int = 0
    recent: int = 0  # applications in the last 4 weeks
    span_days: int = 0  # days from the first application to the as-of date
    one_click: Split = (0, 0, 0, 0, 0)
    letters: Split = (0, 0, 0, 0, 0)
    referrals: Split = (0, 0, 0, 0, 0)
    # settled callbacks, of them interviewed (context only); reached an interview, of them settled,
    # settled that led on, settled with an offer, and applications with a second round
    interviews: tuple[int, int, int, int, int, int, int] = (0, 0, 0, 0, 0, 0, 0)
    follow_up: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # analytics.FOLLOW_UP_EFFECT_COUNTS
    habit: tuple[int, int] = (0, 0)  # silent after a week, and followed up by day 14
    due_total: int = 0
    due_companies: list[Any] = field(default_factory=list)  # the first few due, in the Follow-ups order
    pending_companies: list[str] = field(default_factory=list)  # the latest applied to, still pending
    industries: list[tuple[Any, int, int, int]] = field(default_factory=list)  # (industry, apps, settled, answered)
    versions: list[tuple[Any, ...]] = field(default_factory=list)  # (variant, apps, settled, answered)
    strata: list[tuple[Any, ...]] = field(default_factory=list)  # (stratum, variant, answered, not answered)
    recorded: Recorded = field(default_factory=Recorded)


def _five(values: list[int], start: int) -> Split:
    a, b, c, d, e = values[start : start + 5]
    return a, b, c, d, e


def _seven(values: list[int], start: int) -> tuple[int, int, int, int, int, int, int]:
    a, b, c, d, e, f, g = values[start : start + 7]
    return a, b, c, d, e, f, g


# `gather` groups by one of these: a single search, or each client of a caseload
_KEYS = {None: fixed("''"), "client": fixed("client")}


def gather(
    cur: duckdb.DuckDBPyConnection, scope: Scope, by: str | None = None, recorded: dict[Any, Recorded] | None = None
) -> dict[Any, Counts]:
    """The counts of the facts table on `cur`, per value of `by` (None: one group, keyed ''), with
    what each search's log records (`recorded`, keyed the same way; read afresh when None)."""
    if recorded is None:
        recorded = recorded_by(cur, scope.client, scope.allowed, by)
    # every query reads the facts with the group as a column named `key`
    facts = compose("(select {key} as key, * from facts)", key=_KEYS[by])
    due_params = analytics.follow_up_params(scope)
    counts = _count_groups(cur, facts, due_params, recorded)
    _name_companies(cur, facts, due_params, counts)
    _list_groups(cur, facts, counts)
    return counts


def _count_groups(
    cur: duckdb.DuckDBPyConnection, facts: Sql, due_params: dict[str, Any], recorded: dict[Any, Recorded]
) -> dict[Any, Counts]:
    """One Counts per group, with every count of the one row of `_COUNT_COLUMNS` (names come later)."""
    params = {**due_params, "recent": 28, "days": INTERVIEW_SETTLE_DAYS, "one_click": ONE_CLICK}
    counts: dict[Any, Counts] = {}
    query = compose("select key, {columns} from {facts} group by 1", columns=_COUNT_COLUMNS, facts=facts)
    for group, *values in cur.execute(query, params).fetchall():
        v = [int(value) for value in values]
        counts[group] = Counts(
            total=v[0], settled=v[1], recent=v[2], span_days=v[3], one_click=_five(v, 4), letters=_five(v, 9),
            referrals=_five(v, 14), interviews=_seven(v, 19), follow_up=_five(v, 26), habit=(v[31], v[32]),
            due_total=v[33], recorded=recorded.get(group, Recorded()),
        )  # fmt: skip
    return counts


def _name_companies(
    cur: duckdb.DuckDBPyConnection, facts: Sql, due_params: dict[str, Any], counts: dict[Any, Counts]
) -> None:
    """The companies an action names: the first few due a follow-up, the latest applied to still pending."""
    due = compose(
        """
        select key, company from {facts} where {due}
        qualify row_number() over (partition by key order by {order}) <= $named
        order by key, {order}
        """,
        facts=facts,
        due=_DUE,
        order=_DUE_ORDER,
    )
    for group, company in cur.execute(due, {**due_params, "named": COMPANIES_NAMED}).fetchall():
        counts[group].due_companies.append(company)
    pending = compose(
        """
        with latest as (
            select key, company, max(applied_on) as last_applied_on
            from {facts} where outcome = 'pending' and company is not null group by all
        )
        select key, company from latest
        qualify row_number() over (partition by key order by last_applied_on desc, company) <= $named
        order by key, last_applied_on desc, company
        """,
        facts=facts,
    )
    for group, company in cur.execute(pending, {"named": COMPANIES_NAMED}).fetchall():
        counts[group].pending_companies.append(company)


def _list_groups(cur: duckdb.DuckDBPyConnection, facts: Sql, counts: dict[Any, Counts]) -> None:
    """The industries, the resume versions, and the versions within each channel stratum (decide.py)."""
    industries = compose(
        """
        select key, industry, count(*), count(*) filter (where settled),
               count(*) filter (where settled and answered_in_window)
        from {facts} group by all order by all
        """,
        facts=facts,
    )
    for group, *industry in cur.execute(industries).fetchall():
        counts[group].industries.append(tuple(industry))
    versions = compose(
        """
        select key, resume_version as variant, count(*), count(*) filter (where settled) as settled,
               count(*) filter (where settled and answered_in_window)
        from {facts} group by all order by key, settled desc, variant
        """,
        facts=facts,
    )
    for group, *variant in cur.execute(versions).fetchall():
        counts[group].versions.append(tuple(variant))
    # the resume versions, held equal on the channel
    strata = compose(
        """
        select key, {stratum} as stratum, resume_version as variant,
               count(*) filter (where answered_in_window), count(*) filter (where not answered_in_window)
        from {facts} where settled group by all order by key, stratum, variant
        """,
        stratum=_RESUME_STRATUM,
        facts=facts,
    )
    for group, *stratum in cur.execute(strata).fetchall():
        counts[group].strata.append(tuple(stratum))
