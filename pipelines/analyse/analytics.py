"""Honest analytics: funnel, rates, timing, comparisons, trend and follow-ups.

Everything reads `application_facts(as_of, window_days)` (pipelines/store/sql/models), the one definition
of stage, response and outcome, narrowed by a Scope (client, applied dates, field = value) into a
temporary table on the caller's cursor. Counting is DuckDB set work; Python only turns a few
hundred aggregated numbers into intervals, Kaplan-Meier curves and tests (pipelines/analyse/stats.py).

Definitions (docs/definitions.md):
- response: any reply, rejection included. callback: a screen, assessment or interview invitation.
- pending: no response yet and younger than the window. It is not a failure.
- settled: applied at least `window` days before as-of; the settled-only response rate is the share
  of settled applications answered within the window.
- censoring-aware response rate (the headline): Kaplan-Meier probability of a response within the
  window, every unanswered application censored at its age (pending ones are still in the race).
  A response without a date counts as a response within the window (its day is unknown).
- callback, interview and offer rates are among settled applications.
- no further answer: an answer or an offer followed by nothing for STALE_DAYS (60) days has ended.
- the headline numbers (`measures`, MEASURE_LABELS) have one definition each, and every place that
  shows one (dashboard, command line, report, diagnosis) takes it and its label from there.
- a log that records no outcomes at all (pipelines/analyse/recorded.py) has no rates: they are null.
Rates are fractions in [0, 1] with 95 % intervals; a group with fewer than 10 settled applications
is flagged `small`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.analyse import stats
from pipelines.analyse.recorded import HOW_TO_RECORD, Recorded, recorded_by
from pipelines.errors import InputError
from pipelines.rows import one_row, one_value
from pipelines.store.db import translate_errors

DEFAULT_WINDOW = 30
SMALL_GROUP = 10  # settled applications below this: the group is flagged, its verdicts are weak

# --by / --where fields: name -> SQL over the facts table (an allowlist: no user text becomes SQL)
GROUP_FIELDS: dict[str, str] = {
    "resume_version": "resume_version",
    "channel": "channel",
    "industry": "industry",
    "role": "role",
    "seniority": "seniority",
    "cover_letter": "cover_letter",
    "referral": "referral",
    "followed_up": "followed_up",
    "location": "location",
    "company": "company",
    "client": "client",
    "source": "source",
    "applied_week": "cast(date_trunc('week', applied_on) as date)",
    "applied_month": "cast(date_trunc('month', applied_on) as date)",
}
BOOLEAN_FIELDS = {"cover_letter", "referral", "followed_up"}
FUNNEL_STAGES = ("applied", "responded", "screen", "interview", "offer", "accepted")
METRICS = ("response", "callback", "interview", "offer")
# an answer (or an offer) followed by nothing for this many days has ended: outcome no_further_answer
# (pipelines/store/sql/models/application_facts.sql holds the same number;
# tests/unit/analyse/test_analytics.py checks both)
STALE_DAYS = 60
MAX_VARIANTS = 12  # compare: the variants with the most settled applications; the rest are counted


@dataclass
class Scope:
    """Which applications, seen from which date."""

    as_of: dt.date = field(default_factory=dt.date.today)
    window: int = DEFAULT_WINDOW
    client: str | None = None
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None
    where: dict[str, str] = field(default_factory=dict)
    # the clients the viewer may see (pipelines/advisors/clients.py Viewer.clients); None: every client
    allowed: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        # field by field, not asdict: that deep-copies `allowed`, thousands of clients for a roster,
        # and who may see what is not part of the result anyway
        def iso(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {"as_of": iso(self.as_of), "window": self.window, "client": self.client,
                "applied_from": iso(self.applied_from), "applied_to": iso(self.applied_to),
                "where": dict(self.where)}  # fmt: skip


def check_fields(names: list[str], option: str) -> list[str]:
    unknown = [name for name in names if name not in GROUP_FIELDS]
    if unknown:
        raise InputError(f"{option}: unknown field {unknown[0]!r} (fields: {', '.join(GROUP_FIELDS)})")
    if len(set(names)) != len(names):
        raise InputError(f"{option}: a field is named twice")
    return names


def _where_value(name: str, text: str) -> Any:
    if name in BOOLEAN_FIELDS:
        folded = text.strip().lower()
        if folded in ("yes", "y", "true", "1"):
            return True
        if folded in ("no", "n", "false", "0"):
            return False
        raise InputError(f"--where {name}={text}: {name} is yes or no")
    if name in ("applied_week", "applied_month"):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as e:
            raise InputError(f"--where {name}={text}: expected the period's first day, YYYY-MM-DD") from e
    return text


# facts every analysis reads; the text fields only when grouped by (a narrow table is quicker)
BASE_COLUMNS = (
    "application_id", "applied_on", "age_days", "responded", "days_to_first_response", "called_back",
    "interviewed", "interview_rounds", "last_interview_on", "offered", "accepted", "followed_up", "first_follow_up_on",
    "rejected_on", "closed_on", "last_event_on", "undated_response", "outcome", "settled",
)  # fmt: skip
TEXT_COLUMNS = ("resume_version", "channel", "industry", "role", "seniority", "cover_letter", "referral",
                "location", "company", "client", "source")  # fmt: skip


@dataclass
class Memo:
    """Results that depend on one Prepared's facts only, computed once for all its analyses."""

    recorded: dict[Any, Recorded] | None = None
    recorded_by_client: dict[Any, Recorded] | None = None
    measures: Measures | None = None
    overall: dict[str, Any] | None = None


@dataclass
class Prepared:
    """Facts loaded once on one cursor, for several analyses of the same scope (see analyse_all)."""

    cur: duckdb.DuckDBPyConnection
    scope: Scope
    total: int
    columns: frozenset[str]
    # results that depend on these facts only (the overall rates), computed once for all analyses
    memo: Memo = field(default_factory=Memo)


def prepare(con: duckdb.DuckDBPyConnection, scope: Scope, fields: tuple[str, ...] = TEXT_COLUMNS) -> Prepared:
    cur = con.cursor()
    total = load_facts(cur, scope, fields)
    return Prepared(cur=cur, scope=scope, total=total, columns=frozenset(fields))


def _facts(
    con: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None, fields: list[str]
) -> tuple[duckdb.DuckDBPyConnection, int]:
    """The facts for one analysis: the prepared ones when they fit, else freshly loaded."""
    needed = {name for name in fields if name in TEXT_COLUMNS}
    if prepared is not None and prepared.scope == scope and needed <= prepared.columns:
        return prepared.cur, prepared.total
    cur = con.cursor()
    return cur, load_facts(cur, scope, tuple(needed))


def _whose(scope: Scope) -> tuple[list[str], dict[str, Any]]:
    """The conditions (and their parameters) on whose applications a scope covers: its client, and
    only the clients its viewer may see. Parameters include $as_of."""
    conditions = ["true"]
    params: dict[str, Any] = {"as_of": scope.as_of}
    if scope.client is not None:
        conditions.append("client = $client")
        params["client"] = scope.client
    if scope.allowed is not None:
        conditions.append("list_contains($allowed, client)")
        params["allowed"] = list(scope.allowed)
    return conditions, params


def load_facts(cur: duckdb.DuckDBPyConnection, scope: Scope, fields: tuple[str, ...] = TEXT_COLUMNS) -> int:
    """Temp table `facts`: the scope's applications as of its date, with the base columns and the
    text `fields` asked for. Returns how many applications there are."""
    if scope.window < 1:
        raise InputError("--window must be at least 1 day")
    check_fields(list(scope.where), "--where")
    conditions, params = _whose(scope)
    params["window"] = scope.window
    if scope.applied_from is not None:
        conditions.append("applied_on >= $applied_from")
        params["applied_from"] = scope.applied_from
    if scope.applied_to is not None:
        conditions.append("applied_on <= $applied_to")
        params["applied_to"] = scope.applied_to
    for index, (name, text) in enumerate(scope.where.items()):
        conditions.append(f"{GROUP_FIELDS[name]} is not distinct from $where{index}")
        params[f"where{index}"] = _where_value(name, text)
    with translate_errors("reading the applications failed"):
        cur.execute(
            f"""
            create or replace temp table facts as
            select {", ".join([*BASE_COLUMNS, *(name for name in TEXT_COLUMNS if name in fields)])},
                -- answered within the window (an undated answer is taken to be within it)
                responded and (undated_response or coalesce(days_to_first_response <= $window, true))
                    as answered_in_window,
                case
                    when accepted then 5 when offered then 4 when interviewed then 3 when called_back then 2
                    when responded then 1 else 0
                end as funnel_level
            from application_facts(cast($as_of as date), $window)
            where {" and ".join(conditions)}
            """,
            params,
        )
        return int(one_value(cur.execute("select count(*) from facts")))


def field_values(con: duckdb.DuckDBPyConnection, scope: Scope, fields: tuple[str, ...]) -> dict[str, list[str]]:
    """The values each text field takes among the scope's applications (client, visible clients,
    applied by as-of): what a filter can offer. Read from `applications` directly, one cheap
    distinct per field, not from the facts."""
    check_fields(list(fields), "fields")
    conditions, params = _whose(scope)
    conditions.append("applied_on <= $as_of")
    values: dict[str, list[str]] = {}
    cur = con.cursor()
    with translate_errors("reading the applications failed"):
        for name in fields:
            column = GROUP_FIELDS[name]  # allowlisted
            rows = cur.execute(
                f"select distinct cast({column} as varchar) from applications"
                f" where {' and '.join(conditions)} and {column} is not null order by 1",
                params,
            ).fetchall()
            values[name] = [row[0] for row in rows]
    return values


def _rate(successes: int, n: int) -> dict[str, Any]:
    low, high = stats.wilson_interval(successes, n)
    return {"rate": successes / n if n else None, "low": low if n else None, "high": high if n else None, "n": n}


def _empty(scope: Scope, **extra: Any) -> dict[str, Any]:
    return {"scope": scope.to_json(), "applications": 0, "no_data": True, **extra}


# ---------------------------------------------------------------- measures: one definition per number

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


# the stage counts behind the measures, per group (over the facts table)
_STAGE_COUNTS = (
    "count(*) filter (where called_back)",
    "count(*) filter (where interviewed)",
    "count(*) filter (where offered)",
    "count(*) filter (where accepted)",
)


def recorded_map(
    cur: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None, by_client: bool = False
) -> dict[Any, Recorded]:
    """What the scope's log records (pipelines/analyse/recorded.py): keyed '' for the whole scope, or by
    client. Once per prepared facts."""
    memo = prepared.memo if prepared is not None and cur is prepared.cur else None
    if memo is not None:
        remembered = memo.recorded_by_client if by_client else memo.recorded
        if remembered is not None:
            return remembered
    found = recorded_by(cur, client=scope.client, allowed=scope.allowed, by="client" if by_client else None)
    if memo is not None:
        if by_client:
            memo.recorded_by_client = found
        else:
            memo.recorded = found
    return found


def _recorded_overall(cur: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None) -> Recorded:
    return recorded_map(cur, scope, prepared).get("", Recorded())


def _recorded_keys(recorded: Recorded) -> dict[str, Any]:
    return {"recorded": recorded.to_json(), "outcomes_recorded": recorded.outcomes}


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
    callbacks, interviews, offers, accepted = (int(v) for v in one_row(cur.execute(
        f"select {', '.join(_STAGE_COUNTS)} from facts")))  # fmt: skip
    found = _measures_of(scope.window, overall, (callbacks, interviews, offers, accepted), recorded)
    if memo is not None:
        memo.measures = found
    return found


def _measures_of(window: int, row: dict[str, Any], stages: tuple[int, ...], recorded: Recorded) -> Measures:
    callbacks, interviews, offers, accepted = stages
    return Measures(
        window=window,
        applications=int(row["applications"]),
        answered=int(row["responses"]),
        settled=int(row["settled"]),
        pending=int(row["pending"]),
        callbacks=callbacks,
        interviews=interviews,
        offers=offers,
        accepted=accepted,
        response_rate=dict(row["response_rate"]),
        response_rate_settled=dict(row["response_rate_settled"]),
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
    rows = {row["group"]["client"]: row for row in _rates_rows(cur, ["client"], scope.window, Recorded(), each)}
    stages = cur.execute(f"select client, {', '.join(_STAGE_COUNTS)} from facts group by 1").fetchall()
    return {
        client: _measures_of(scope.window, rows[client], tuple(int(v) for v in counts), each.get(client, Recorded()))
        for client, *counts in stages
    }


# ---------------------------------------------------------------- funnel


def _unrecorded(rate: dict[str, Any]) -> dict[str, Any]:
    """A rate the log cannot tell (no outcomes recorded): null, with its denominator kept."""
    return {**rate, "rate": None, "low": None, "high": None}


def funnel(con: duckdb.DuckDBPyConnection, scope: Scope, prepared: Prepared | None = None) -> dict[str, Any]:
    """Stage counts from each application's furthest stage reached (the measures' counts), step
    conversions among settled applications, Sankey flows."""
    cur, total = _facts(con, scope, prepared, [])
    counted = _measures(cur, total, scope, prepared)
    recorded = counted.recorded
    if total == 0:
        return _empty(scope, stages=[], flows=[], **_recorded_keys(recorded))
    labels = counted.labels()
    levels = cur.execute("select funnel_level, count(*) filter (where settled) from facts group by 1").fetchall()
    counts = [int(getattr(counted, STAGE_MEASURES[name])) for name in FUNNEL_STAGES]
    settled = [sum(n for level, n in levels if level >= index) for index in range(len(FUNNEL_STAGES))]
    stages = []
    for index, name in enumerate(FUNNEL_STAGES):
        share = counts[index] / total if recorded.outcomes or index == 0 else None
        entry: dict[str, Any] = {"stage": name, "count": counts[index], "share_of_applied": share,
                                 "label": labels[STAGE_MEASURES[name]]}  # fmt: skip
        if index > 0:
            # among settled applications: a pending one has not had its chance to move on yet
            step = _rate(settled[index], settled[index - 1])
            entry["step_conversion"] = step if recorded.outcomes else _unrecorded(step)
        stages.append(entry)
    # where each application ends: its furthest stage flows into its outcome
    ends = cur.execute("select funnel_level, outcome, count(*) from facts group by all").fetchall()
    flows: list[dict[str, Any]] = []
    for index in range(1, len(FUNNEL_STAGES)):
        if counts[index]:
            flows.append({"from": FUNNEL_STAGES[index - 1], "to": FUNNEL_STAGES[index], "count": counts[index]})
    for level, outcome, count in sorted(ends, key=lambda row: (row[0], row[1])):
        if outcome == "accepted":
            continue  # accepted is the last stage, already a flow
        # an answer or an offer with news in the last STALE_DAYS days is still open; one followed by
        # nothing longer ends as no_further_answer (application_facts.sql)
        to = "still open" if outcome in ("in_progress", "offer") else outcome
        flows.append({"from": FUNNEL_STAGES[level], "to": to, "count": count})
    outcomes = dict(cur.execute("select outcome, count(*) from facts group by 1 order by 1").fetchall())
    return {"scope": scope.to_json(), "applications": total, "no_data": False, "stages": stages, "flows": flows,
            "outcomes": outcomes, "step_conversion_label": STEP_CONVERSION_LABEL.format(window=scope.window),
            "stale_days": STALE_DAYS, **_recorded_keys(recorded)}  # fmt: skip


# ---------------------------------------------------------------- rates


def _group_sql(by: list[str]) -> tuple[str, str]:
    """(select list, group by list) for the --by fields; no fields: one group, the whole scope."""
    if not by:
        return "'all' as all_applications", "1"
    selects = ", ".join(f"{GROUP_FIELDS[name]} as {name}" for name in by)
    return selects, ", ".join(str(i + 1) for i in range(len(by)))


def _km_counts(cur: duckdb.DuckDBPyConnection, by: list[str], window: int) -> dict[tuple[Any, ...], stats.KMCurve]:
    """Per group, the Kaplan-Meier curve of the first response within the window.

    A dated response is an event on its day; an undated one, an event on day 0 (within the window,
    day unknown), also when a later answer has a date (an undated interview before a dated
    rejection): the settled-only rate counts it within the window too. No response (yet): censored
    at its age, capped at the window.
    """
    duration = (
        "case when answered_in_window and undated_response then 0"
        " when answered_in_window then coalesce(greatest(days_to_first_response, 0), 0)"
        " else least(greatest(age_days, 0), $window) end"
    )
    return _curves(cur, by, _curve_sql(by, duration, "answered_in_window"), {"window": window})


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
    rows = cur.execute(
        f"""
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
        """
    ).fetchall()
    curves = _km_counts(cur, by, window)
    result = []
    for row in rows:
        key = tuple(row[:width])
        applications, responses, pending, settled, answered, callbacks, interviews, offers = row[width:]
        curve = curves[key]
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
                "response_rate": {
                    "rate": rate,
                    "low": low,
                    "high": high,
                    "method": "kaplan_meier",
                    "followed_days": followed,
                },
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


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


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


# ---------------------------------------------------------------- timing


def _curve_sql(by: list[str], duration: str, observed: str) -> str:
    selects, _ = _group_sql(by)
    return f"""
        with timed as (
            select {selects}, {duration} as t, {observed} as event
            from facts
            where {duration} is not null
        )
        select * exclude (t, event), t, count(*) filter (where event), count(*) filter (where not event)
        from timed
        group by all
        order by all
    """


def _curves(
    cur: duckdb.DuckDBPyConnection, by: list[str], sql: str, params: dict[str, Any] | None = None
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


def timing(
    con: duckdb.DuckDBPyConnection, scope: Scope, by: list[str], prepared: Prepared | None = None
) -> dict[str, Any]:
    """Days to first response and to rejection (Kaplan-Meier, pending censored), and ghosting."""
    check_fields(by, "--by")
    cur, total = _facts(con, scope, prepared, by)
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return _empty(scope, by=by, groups=[], **_recorded_keys(recorded))
    each = recorded_map(cur, scope, prepared, by_client=True) if "client" in by else None
    # time to first response: a dated response is an event; no response yet is censored at its
    # age; a response without a date cannot be placed on the curve and is counted apart
    response_sql = _curve_sql(
        by,
        "case when responded and not undated_response then greatest(days_to_first_response, 0)"
        " when not responded then greatest(coalesce(closed_on - applied_on, age_days), 0) end",
        "responded",
    )
    rejection_sql = _curve_sql(
        by,
        "case when rejected_on is not null then greatest(rejected_on - applied_on, 0)"
        " when outcome <> 'rejected' then greatest(coalesce(closed_on - applied_on, age_days), 0) end",
        "rejected_on is not null",
    )
    response_curves = _curves(cur, by, response_sql)
    rejection_curves = _curves(cur, by, rejection_sql)
    selects, groups = _group_sql(by)
    width = max(len(by), 1)
    rows = cur.execute(
        f"""
        select {selects}, count(*),
               count(*) filter (where undated_response),
               count(*) filter (where outcome = 'rejected' and rejected_on is null),
               count(*) filter (where settled),
               count(*) filter (where settled and outcome = 'no_response')
        from facts group by {groups} order by 2 desc, {groups}
        """
    ).fetchall()
    groups_out = []
    for row in rows:
        key = tuple(row[:width])
        applications, undated_responses, undated_rejections, settled, unanswered = row[width:]
        group = dict(zip(by, key, strict=True)) if by else {"all": "all"}
        known = recorded.outcomes if each is None else each.get(group.get("client"), Recorded()).outcomes
        ghosting = _rate(unanswered, settled)
        entry: dict[str, Any] = {
            "group": {name: _json_value(value) for name, value in group.items()},
            "applications": applications,
            "small": settled < SMALL_GROUP,
            # a log without outcomes would be 100 % ghosted: it cannot tell, so no rate
            "ghosting_rate": ghosting if known else _unrecorded(ghosting),
            "outcomes_recorded": known,
            "undated_responses": undated_responses,
            "undated_rejections": undated_rejections,
        }
        for name, curves in (("first_response", response_curves), ("rejection", rejection_curves)):
            curve = curves.get(key)
            if curve is None:
                entry[name] = {"median_days": None, "median_low": None, "median_high": None, "curve": []}
                continue
            low, high = curve.median_interval()
            entry[name] = {"median_days": curve.median(), "median_low": low, "median_high": high,
                           "curve": curve.to_json()}  # fmt: skip
        groups_out.append(entry)
    return {"scope": scope.to_json(), "applications": total, "no_data": False, "by": by, "groups": groups_out,
            **_recorded_keys(recorded)}  # fmt: skip


# ---------------------------------------------------------------- compare


def _metric_sql(metric: str) -> str:
    return {
        "response": "answered_in_window",
        "callback": "called_back",
        "interview": "interviewed",
        "offer": "offered",
    }[metric]


def compare(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    by: str = "resume_version",
    metric: str = "response",
    adjust_for: tuple[str, ...] = ("channel", "industry"),
    prepared: Prepared | None = None,
    with_prob_best: bool = True,
) -> dict[str, Any]:
    """Variants of one field compared on settled applications: exact tests, P(best), adjustment.
    `with_prob_best` False leaves P(best) out (null): the diagnosis decides on the tests alone, and
    the Monte Carlo behind P(best) is most of a roster's time per client."""
    check_fields([by, *adjust_for], "--by/--adjust-for")
    if metric not in METRICS:
        raise InputError(f"--metric: unknown metric {metric!r} (expected one of: {', '.join(METRICS)})")
    if by in adjust_for:
        adjust_for = tuple(name for name in adjust_for if name != by)
    cur, total = _facts(con, scope, prepared, [by, *adjust_for])
    if total == 0:
        return _empty(scope, by=by, metric=metric, variants=[], pairs=[])
    success = _metric_sql(metric)
    variants = cur.execute(
        f"""
        select {GROUP_FIELDS[by]} as variant, count(*) as applications, count(*) filter (where settled) as settled,
               count(*) filter (where settled and {success}) as successes
        from facts group by 1 order by settled desc, variant
        """
    ).fetchall()
    strata_rows = cur.execute(
        f"""
        select {strata_sql(adjust_for)} as stratum, {GROUP_FIELDS[by]} as variant,
               count(*) filter (where {success}) as successes, count(*) filter (where not {success}) as failures
        from facts where settled group by all
        order by stratum, variant  -- the pooled sums add up in one order: the same digits every run
        """
    ).fetchall()
    return compare_counts(scope, total, by, metric, adjust_for, variants, strata_rows, with_prob_best)


def strata_sql(adjust_for: tuple[str, ...]) -> str:
    """One text key per stratum of the adjustment fields (from the allowlist only)."""
    if not adjust_for:
        return "'all'"
    return " || '|' || ".join(f"coalesce(cast({GROUP_FIELDS[name]} as varchar), '?')" for name in adjust_for)


def compare_counts(
    scope: Scope,
    total: int,
    by: str,
    metric: str,
    adjust_for: tuple[str, ...],
    variants: list[tuple[Any, ...]],
    strata_rows: list[tuple[Any, ...]],
    with_prob_best: bool = True,
) -> dict[str, Any]:
    """compare() from its counts: `variants` (variant, applications, settled, successes) ordered by
    settled descending then variant, and `strata_rows` (stratum, variant, successes, failures) over
    settled applications. The diagnosis of a whole caseload passes each client's counts from grouped
    queries, so a client's verdict is computed by exactly this code either way."""
    omitted = max(len(variants) - MAX_VARIANTS, 0)
    variants = variants[:MAX_VARIANTS]  # the most settled first: pairs grow with the square
    names = [_json_value(v[0]) for v in variants]
    successes = [int(v[3]) for v in variants]
    trials = [int(v[2]) for v in variants]
    # a variant with no settled application has no evidence: no probability of being best
    with_data = [i for i, n in enumerate(trials) if n > 0]
    best: list[float | None] = [None] * len(variants)
    if with_prob_best and len(with_data) >= 2:
        chances = stats.prob_best([successes[i] for i in with_data], [trials[i] for i in with_data])
        for i, chance in zip(with_data, chances, strict=True):
            best[i] = chance
    elif with_prob_best and len(with_data) == 1:
        best[with_data[0]] = 1.0
    variant_rows = [
        {
            "variant": name,
            "applications": int(v[1]),
            "settled": n,
            "successes": k,
            "small": n < SMALL_GROUP,
            "rate": _rate(k, n),
            "prob_best": p,
        }
        for name, v, k, n, p in zip(names, variants, successes, trials, best, strict=True)
    ]
    by_stratum: dict[Any, dict[Any, tuple[int, int]]] = {}
    for stratum, variant, k, failures in strata_rows:
        by_stratum.setdefault(stratum, {})[_json_value(variant)] = (int(k), int(failures))
    pairs = []
    for i in range(len(variants)):
        for j in range(i + 1, len(variants)):
            a, b = variant_rows[i], variant_rows[j]
            ka, na, kb, nb = a["successes"], a["settled"], b["successes"], b["settled"]
            p_value = stats.fisher_exact(ka, na - ka, kb, nb - kb) if na and nb else None
            strata = [
                (*cells[a["variant"]], *cells[b["variant"]])
                for cells in by_stratum.values()
                if a["variant"] in cells and b["variant"] in cells
            ]
            adjusted = stats.mantel_haenszel(strata) if strata else None
            rate_a = ka / na if na else None
            rate_b = kb / nb if nb else None
            pairs.append(
                {
                    "a": a["variant"],
                    "b": b["variant"],
                    "difference": (rate_a - rate_b) if rate_a is not None and rate_b is not None else None,
                    "p_value": p_value,
                    "adjusted": adjusted,
                    "needed_per_variant": _needed(rate_a, rate_b, na, nb),
                }
            )
    adjusted_p = stats.holm([pair["p_value"] for pair in pairs if pair["p_value"] is not None])
    holm_values = iter(adjusted_p)
    for pair in pairs:
        pair["p_holm"] = next(holm_values) if pair["p_value"] is not None else None
        pair["warning"] = _simpson_warning(pair, adjust_for)
    return {
        "scope": scope.to_json(),
        "applications": total,
        "no_data": False,
        "by": by,
        "metric": metric,
        "adjusted_for": list(adjust_for),
        "variants": variant_rows,
        "variants_omitted": omitted,
        "pairs": pairs,
    }


def _needed(rate_a: float | None, rate_b: float | None, na: int, nb: int) -> dict[str, Any] | None:
    """Applications per variant needed to detect the observed difference (80 % power, 5 % level)."""
    if rate_a is None or rate_b is None:
        return None
    per_group = stats.sample_size_per_group(rate_a, rate_b)
    if per_group is None:
        return None
    return {"per_variant": per_group, "more_for_a": max(per_group - na, 0), "more_for_b": max(per_group - nb, 0)}


def _label(value: Any) -> str:
    return "(blank)" if value is None else str(value)


def _simpson_warning(pair: dict[str, Any], adjust_for: tuple[str, ...]) -> str | None:
    """The adjustment flips or removes the raw difference: the variants went through different mixes."""
    adjusted = pair["adjusted"]
    if not adjust_for or adjusted is None or adjusted.get("odds_ratio") is None or pair["difference"] is None:
        return None
    raw_favours_a = pair["difference"] > 0
    odds = adjusted["odds_ratio"]
    raw_significant = pair["p_value"] is not None and pair["p_value"] < 0.05
    adjusted_p = adjusted.get("p_value")
    adjusted_significant = adjusted_p is not None and adjusted_p < 0.05
    flipped = pair["difference"] != 0 and odds != 1 and raw_favours_a != (odds > 1)
    # a flip between two noisy numbers is noise: warn only when one side of it has support
    if flipped and (raw_significant or adjusted_significant):
        a, b = _label(pair["a"]), _label(pair["b"])
        better, worse = (b, a) if raw_favours_a else (a, b)
        return (
            f"Simpson's paradox: overall {worse} looks better, but within the same "
            f"{' and '.join(adjust_for)} {better} does better (odds ratio {odds:.2f}); the variants were sent "
            "through different mixes, so the raw comparison misleads"
        )
    if raw_significant and adjusted_p is not None and adjusted_p >= 0.05:
        return (
            f"the raw difference is significant (p={pair['p_value']:.3f}) but disappears within the same "
            f"{' and '.join(adjust_for)} (p={adjusted_p:.3f}): it may come from where the variants were sent"
        )
    return None


# ---------------------------------------------------------------- trend


def trend(
    con: duckdb.DuckDBPyConnection, scope: Scope, every: str = "week", prepared: Prepared | None = None
) -> dict[str, Any]:
    """Applications, responses and rates per applied week or month, with intervals."""
    if every not in ("week", "month"):
        raise InputError(f"--every: expected week or month, not {every!r}")
    cur, total = _facts(con, scope, prepared, [])
    recorded = _recorded_overall(cur, scope, prepared)
    if total == 0:
        return _empty(scope, every=every, periods=[], **_recorded_keys(recorded))
    rows = _rates_rows(cur, [f"applied_{every}"], scope.window, recorded)
    periods = [{"period": row.pop("group")[f"applied_{every}"], **row} for row in rows]
    periods.sort(key=lambda row: row["period"])
    return {"scope": scope.to_json(), "applications": total, "no_data": False, "every": every, "periods": periods,
            **_recorded_keys(recorded)}  # fmt: skip


# ---------------------------------------------------------------- follow-ups

FOLLOW_UP_AFTER = 7  # days: follow up one to two weeks after applying
FOLLOW_UP_LANDMARK = 14
INTERVIEW_SILENCE = 7
# a follow-up is due (over the facts table; parameters $as_of, $silence, $after, $landmark, $window):
# an interview with no news for a week, or an unanswered application one to two weeks old (or older,
# still within the window plus two weeks) that has not been followed up
FOLLOW_UP_DUE = """(
    (outcome = 'in_progress' and interviewed and last_event_on <= $as_of - $silence)
    or (outcome in ('pending', 'no_response') and not followed_up and not responded
        and age_days >= $after and age_days <= $window + $landmark)
)"""


# the order of the due list (the first due are named by the diagnosis too)
FOLLOW_UP_PRIORITY = """case
    when outcome = 'in_progress' and interviewed then 1
    when outcome = 'pending' and age_days between $after and $landmark then 2
    else 3
end"""
FOLLOW_UP_ORDER = f"{FOLLOW_UP_PRIORITY}, age_days, company"

# The landmark comparison, as four counts and the undated follow-ups (parameter $landmark). Waiting:
# settled, with no reply by the landmark day (an undated reply cannot be placed, so it is left out),
# and not followed up on an unknown date (it cannot be placed before or after the landmark).
_WAITING = """settled and not (followed_up and first_follow_up_on is null)
    and not (responded and (days_to_first_response is null or days_to_first_response <= $landmark))"""
_FOLLOWED = "first_follow_up_on is not null and first_follow_up_on - applied_on <= $landmark"
FOLLOW_UP_EFFECT_COUNTS = (
    f"count(*) filter (where {_WAITING} and {_FOLLOWED})",
    f"count(*) filter (where {_WAITING} and {_FOLLOWED} and answered_in_window)",
    f"count(*) filter (where {_WAITING} and not ({_FOLLOWED}))",
    f"count(*) filter (where {_WAITING} and not ({_FOLLOWED}) and answered_in_window)",
    "count(*) filter (where followed_up and first_follow_up_on is null)",
)


def follow_up_effect(scope: Scope, n_yes: int, k_yes: int, n_no: int, k_no: int, undated: int) -> dict[str, Any] | None:
    """The landmark comparison from its counts (FOLLOW_UP_EFFECT_COUNTS)."""
    if scope.window <= FOLLOW_UP_LANDMARK:
        return None  # replies after the landmark fall outside a window this short: nothing to measure
    return {
        "landmark_day": FOLLOW_UP_LANDMARK,
        "followed_up": _rate(k_yes, n_yes),
        "not_followed_up": _rate(k_no, n_no),
        "p_value": stats.fisher_exact(k_yes, n_yes - k_yes, k_no, n_no - k_no) if n_yes and n_no else None,
        "small": min(n_yes, n_no) < SMALL_GROUP,
        "undated_follow_ups": undated,
    }


def follow_up_params(scope: Scope) -> dict[str, Any]:
    return {"as_of": scope.as_of, "silence": INTERVIEW_SILENCE, "after": FOLLOW_UP_AFTER,
            "landmark": FOLLOW_UP_LANDMARK, "window": scope.window}  # fmt: skip


def followups(
    con: duckdb.DuckDBPyConnection, scope: Scope, due_limit: int = 50, prepared: Prepared | None = None
) -> dict[str, Any]:
    """Does following up pay, and who is due a follow-up now.

    The effect is a landmark comparison: among settled applications still unanswered on day 14
    (the end of the follow-up period), those followed up by then against those not, on replies after
    day 14. Comparing everything followed up against everything not would flatter nothing and
    blame follow-ups: a follow-up is only ever sent to applications that had no early reply.
    """
    cur, total = _facts(con, scope, prepared, ["company", "role", "client"])
    if total == 0:
        return _empty(scope, effect=None, due=[], due_total=0)
    row = one_row(
        cur.execute(f"select {', '.join(FOLLOW_UP_EFFECT_COUNTS)} from facts", {"landmark": FOLLOW_UP_LANDMARK})
    )
    effect = follow_up_effect(scope, *(int(v) for v in row))
    due = cur.execute(
        f"""
        select application_id, client, company, role, applied_on, age_days, last_interview_on,
            case
                when outcome = 'in_progress' and interviewed and last_event_on <= $as_of - $silence
                    then 'interviewed, no news since ' || strftime(last_event_on, '%Y-%m-%d')
                when outcome = 'pending' and age_days between $after and $landmark
                    then 'no answer after ' || age_days || ' days: follow up now'
                else 'no answer after ' || age_days || ' days: follow up (late)'
            end as reason,
            {FOLLOW_UP_PRIORITY} as priority,
            count(*) over () as due_total  -- all that are due, before the limit
        from facts
        where {FOLLOW_UP_DUE}
        order by {FOLLOW_UP_ORDER}
        limit $limit
        """,
        {**follow_up_params(scope), "limit": due_limit},
    ).fetchall()
    columns = ["application_id", "client", "company", "role", "applied_on", "age_days", "last_interview_on",
               "reason", "priority"]  # fmt: skip
    return {
        "scope": scope.to_json(),
        "applications": total,
        "no_data": False,
        "effect": effect,
        "due": [{k: _json_value(v) for k, v in zip(columns, item[:-1], strict=True)} for item in due],
        "due_total": int(due[0][-1]) if due else 0,
    }


RATE_FIELDS = ("resume_version", "channel", "industry")  # the overview's rate tables


def analyse_all(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rate_fields: tuple[str, ...] = RATE_FIELDS,
    prepared: Prepared | None = None,
) -> dict[str, Any]:
    """The overview set on one load of the facts: the measures, funnel, a rate table per field, timing."""
    if prepared is None or prepared.scope != scope or not set(rate_fields) <= prepared.columns:
        prepared = prepare(con, scope, tuple(name for name in rate_fields if name in TEXT_COLUMNS))
    return {
        "measures": measures(con, scope, prepared).to_json(),
        "funnel": funnel(con, scope, prepared),
        "rates": {name: rates(con, scope, [name], prepared) for name in rate_fields},
        "timing": timing(con, scope, [], prepared),
    }
