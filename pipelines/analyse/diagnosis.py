"""Strategy diagnosis: the six parts of a job search, each judged with evidence and a next step.

Verdicts: failing, at risk, working, not enough data, not recorded.

- **not recorded**: the log does not record what the part reads (no Referral column, no outcomes at
  all, ...; pipelines/analyse/recorded.py). Unknown is not "no": the part is not judged, and its action
  says what to add. A search with no recorded outcomes gets no rate verdict at all.
- **failing** needs evidence that stays valid however often the person looks: an always-valid test
  (pipelines/analyse/stats.py: a mixture SPRT for two groups, an exact mixture likelihood ratio against a
  published reference for interviews) at FAIL_P. The search-wide budget SEARCH_FAIL_ALPHA is split
  over the parts that test (Bonferroni) and over the groups within a part (Holm), so a healthy
  search is called failing anywhere, at any look, at most that often.
- **at risk**: the same tests at the looser RISK_P, or a habit that is plainly off (fewer than 2
  applications a week, under 10 % through referrals, follow-ups on under 20 % of silent
  applications). Shown, never escalated on its own.
- **working**: judged, and nothing found; **not enough data**: recorded, but too little to judge.

Calibrated by simulation, looked at every week: `make calibrate` (benchmarks/calibrate.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.analyse import analytics, stats
from pipelines.analyse.recorded import HOW_TO_RECORD, Recorded, recorded_by
from pipelines.analyse.scope import Scope
from pipelines.words import counted as _count

AREAS = ("strategy", "resume", "network", "targets", "interviews", "follow_up")
VERDICTS = ("failing", "at risk", "working", "not enough data", "not recorded")
# failing: the chance that a search with nothing wrong is ever called failing in any part, at any
# look, is at most SEARCH_FAIL_ALPHA, split evenly over the six parts (an evidence ratio of 120 to 1,
# "decisive" on Jeffreys' scale). At risk: an evidence ratio of 3.3 to 1 within the part ("substantial"),
# a warning to check again, not a guarantee: `make calibrate` measures how often a healthy search
# meets one over a whole search of weekly looks.
SEARCH_FAIL_ALPHA = 0.05
TESTED_PARTS = 6
FAIL_P = SEARCH_FAIL_ALPHA / TESTED_PARTS
RISK_P = 0.3
MIN_SETTLED = 20  # settled applications before the overall strategy can be judged
MIN_GROUP = 10  # settled applications a group needs to be compared
ONE_CLICK = "linkedin_easy_apply"
ONE_CLICK_SHARE = 0.4  # above this share, one-click applying is the search's main channel
REFERRAL_SHARE = 0.1
LOW_PACE_PER_WEEK = 2.0  # applications a week over the last 4 weeks
FOLLOW_UP_SHARE = 0.2  # followed up within two weeks on fewer than this share of silent applications
INTERVIEW_SETTLE_DAYS = 14  # an interview older than this has had time to lead somewhere
MIN_INTERVIEWS = 5
# Interviews are judged against published funnels, not against the stage before (a funnel narrows
# by nature). Treegarden's 2026 benchmarks (citing HRPanda and Pin Recruitment funnel data): 35-55 %
# of first interviews lead to a second, 15-25 % of interviewed candidates get an offer. A log that
# records rounds is judged on "led to a next round or an offer" against a floor of 35 % (the low end
# of the first step); one that records no second round, on offers against 15 % (the low end).
INTERVIEW_FLOOR_ROUNDS = 0.35
INTERVIEW_FLOOR_OFFERS = 0.15
MAX_VARIANTS = analytics.MAX_VARIANTS


@dataclass
class Finding:
    area: str
    verdict: str
    evidence: dict[str, Any]  # {"sentence": ..., numbers ...}
    action: str
    strength: float = 0.0  # orders findings of one verdict: the smaller the p-value, the higher
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        # the evidence as it is (built fresh for each finding), not a deep copy: a roster turns tens
        # of thousands of findings into JSON
        return {"area": self.area, "verdict": self.verdict, "evidence": self.evidence, "action": self.action}


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _share(k: int, n: int, what: str = "answered") -> str:
    low, high = stats.wilson_interval(k, n)
    return f"{k} of {n} {what} ({_pct(k / n if n else None)}, {_pct(low)}–{_pct(high)})"


def _per_week(pace: float) -> str:
    # 0.25, not 0.2: two decimals where one would round a quarter away
    return f"{pace:.2f}".rstrip("0").rstrip(".") if pace < 1 else f"{pace:.1f}"


def _verdict(p: float) -> str:
    return "failing" if p < FAIL_P else "at risk" if p < RISK_P else "working"


# Each part's two groups, as SQL conditions over the facts (constants: no user text becomes SQL)
ONE_CLICK_IN, ONE_CLICK_OUT = "channel = $one_click", "channel is distinct from $one_click"
LETTER_IN, LETTER_OUT = "cover_letter", "cover_letter = false"
REFERRAL_IN = "channel = 'referral' or coalesce(referral, false)"
REFERRAL_OUT = f"not ({REFERRAL_IN})"
Split = tuple[int, int, int, int, int]
# resume versions are compared holding the channel equal, the strongest influence on answers; adding
# industry too splits a personal search into so many cells that almost no pair of versions meets in one
RESUME_ADJUST_FOR = ("channel",)
# an interview has had its chance: it led on (an offer, a next round), the application ended, or
# its last round is INTERVIEW_SETTLE_DAYS old. A withdrawal is the applicant's choice, not an answer.
_REACHED = "funnel_level >= 3"
_PROGRESSED = "(offered or interview_rounds >= 2)"
_SETTLED_INTERVIEW = f"""{_REACHED} and ({_PROGRESSED} or (outcome <> 'withdrawn' and (
    last_interview_on <= $as_of - $days or outcome in ('rejected', 'no_response', 'no_further_answer'))))"""
_INTERVIEW_COUNTS = (
    "count(*) filter (where called_back and settled)",
    "count(*) filter (where called_back and settled and interviewed)",
    f"count(*) filter (where {_REACHED})",
    f"count(*) filter (where {_SETTLED_INTERVIEW})",
    f"count(*) filter (where {_SETTLED_INTERVIEW} and {_PROGRESSED})",
    f"count(*) filter (where {_SETTLED_INTERVIEW} and offered)",
    "count(*) filter (where interview_rounds >= 2)",
)
# the follow-up habit: applications still silent a week after applying and two weeks old, and those
# of them followed up by day 14 (a follow-up without a date counts: it was sent)
_SILENT_AT_A_WEEK = "age_days >= $landmark and not (responded and coalesce(days_to_first_response, 0) <= $after)"
_HABIT_COUNTS = (
    f"count(*) filter (where {_SILENT_AT_A_WEEK})",
    f"count(*) filter (where {_SILENT_AT_A_WEEK} and followed_up"
    " and coalesce(first_follow_up_on - applied_on <= $landmark, true))",
)


def _split_sql(inside: str, outside: str) -> list[str]:
    """(answered, settled) of the applications matching `inside`, the same for `outside`, and how
    many applications (settled or not) match `inside`. Answered: within the window, among settled."""
    return [
        f"count(*) filter (where settled and answered_in_window and ({inside}))",
        f"count(*) filter (where settled and ({inside}))",
        f"count(*) filter (where settled and answered_in_window and ({outside}))",
        f"count(*) filter (where settled and ({outside}))",
        f"count(*) filter (where {inside})",
    ]


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
_KEYS = {None: "''", "client": "client"}
_NAMED = 5  # companies named in an action


def gather(
    cur: duckdb.DuckDBPyConnection, scope: Scope, by: str | None = None, recorded: dict[Any, Recorded] | None = None
) -> dict[Any, Counts]:
    """The counts of the facts table on `cur`, per value of `by` (None: one group, keyed ''), with
    what each search's log records (`recorded`, keyed the same way; read afresh when None)."""
    if recorded is None:
        recorded = recorded_by(cur, scope.client, scope.allowed, by)
    # every query reads the facts with the group as a column named `key`
    facts = f"(select {_KEYS[by]} as key, * from facts)"
    due_params = analytics.follow_up_params(scope)
    params = {**due_params, "recent": 28, "days": INTERVIEW_SETTLE_DAYS, "one_click": ONE_CLICK}
    counts: dict[Any, Counts] = {}
    row_sql = [
        "count(*)", "count(*) filter (where settled)", "count(*) filter (where applied_on > $as_of - $recent)",
        "coalesce($as_of - min(applied_on), 0)",
        *_split_sql(ONE_CLICK_IN, ONE_CLICK_OUT), *_split_sql(LETTER_IN, LETTER_OUT),
        *_split_sql(REFERRAL_IN, REFERRAL_OUT), *_INTERVIEW_COUNTS, *analytics.FOLLOW_UP_EFFECT_COUNTS,
        *_HABIT_COUNTS, f"count(*) filter (where {analytics.FOLLOW_UP_DUE})",
    ]  # fmt: skip
    for group, *values in cur.execute(f"select key, {', '.join(row_sql)} from {facts} group by 1", params).fetchall():
        v = [int(value) for value in values]
        counts[group] = Counts(
            total=v[0], settled=v[1], recent=v[2], span_days=v[3], one_click=_five(v, 4), letters=_five(v, 9),
            referrals=_five(v, 14), interviews=_seven(v, 19), follow_up=_five(v, 26), habit=(v[31], v[32]),
            due_total=v[33], recorded=recorded.get(group, Recorded()),
        )  # fmt: skip
    for group, company in cur.execute(
        f"""
        select key, company from {facts} where {analytics.FOLLOW_UP_DUE}
        qualify row_number() over (partition by key order by {analytics.FOLLOW_UP_ORDER}) <= $named
        order by key, {analytics.FOLLOW_UP_ORDER}
        """,
        {**due_params, "named": _NAMED},
    ).fetchall():
        counts[group].due_companies.append(company)
    for group, company in cur.execute(
        f"""
        with latest as (
            select key, company, max(applied_on) as last_applied_on
            from {facts} where outcome = 'pending' and company is not null group by all
        )
        select key, company from latest
        qualify row_number() over (partition by key order by last_applied_on desc, company) <= $named
        order by key, last_applied_on desc, company
        """,
        {"named": _NAMED},
    ).fetchall():
        counts[group].pending_companies.append(company)
    for group, *industry in cur.execute(
        f"""
        select key, industry, count(*), count(*) filter (where settled),
               count(*) filter (where settled and answered_in_window)
        from {facts} group by all order by all
        """
    ).fetchall():
        counts[group].industries.append(tuple(industry))
    # the resume versions, held equal on the channel (see _resume_versions)
    for group, *variant in cur.execute(
        f"""
        select key, resume_version as variant, count(*), count(*) filter (where settled) as settled,
               count(*) filter (where settled and answered_in_window)
        from {facts} group by all order by key, settled desc, variant
        """
    ).fetchall():
        counts[group].versions.append(tuple(variant))
    for group, *stratum in cur.execute(
        f"""
        select key, {analytics.strata_sql(RESUME_ADJUST_FOR)} as stratum, resume_version as variant,
               count(*) filter (where answered_in_window), count(*) filter (where not answered_in_window)
        from {facts} where settled group by all order by key, stratum, variant
        """
    ).fetchall():
        counts[group].strata.append(tuple(stratum))
    return counts


# ---------------------------------------------------------------- what the log does not record

# the inputs each part reads (pipelines/analyse/recorded.py); every part reads outcomes
PART_INPUTS: dict[str, tuple[str, ...]] = {
    "strategy": ("outcomes", "channel"),
    "resume": ("outcomes", "resume_version", "cover_letter"),
    "network": ("outcomes", "referral"),
    "targets": ("outcomes", "industry"),
    "interviews": ("outcomes", "interviews"),
    "follow_up": ("outcomes", "follow_ups"),
}


def _not_recorded(area: str, missing: list[str], sentence: str) -> Finding:
    how = "; ".join(HOW_TO_RECORD[name] for name in missing)
    return Finding(area, "not recorded", {"sentence": sentence, "missing": missing}, how[0].upper() + how[1:] + ".")


_NO_OUTCOMES = (
    "Your log records no outcomes (no answer, rejection, interview or 'no answer' mark on any application), so"
    " no rate can be judged: no outcomes recorded."
)


# ---------------------------------------------------------------- the six parts


def _strategy(counts: Counts, scope: Scope) -> Finding:
    one_k, one_n, rest_k, rest_n, one_click = counts.one_click
    total, recent, span_days, settled = counts.total, counts.recent, counts.span_days, counts.settled
    pace = recent / 4 if span_days >= 28 else None
    share = one_click / total if total else 0.0
    numbers = {"one_click_share": share, "one_click": [one_k, one_n], "other_channels": [rest_k, rest_n],
               "applications_last_4_weeks": recent, "per_week": pace}  # fmt: skip
    window = scope.window
    if counts.recorded.channel and share >= ONE_CLICK_SHARE and (one_n < MIN_GROUP or rest_n < MIN_GROUP):
        # mostly one-click, but one side has too few answered-or-expired applications to compare
        return Finding("strategy", "not enough data", {**numbers, "sentence": (
            f"{share:.0%} of your applications are one-click applications; {one_n} of them and {rest_n} through"
            f" other channels have had {window} days, too few on one side to compare the two.")},
            f"Send some applications through company sites, recruiters and people you know; about {MIN_GROUP}"
            " that have had the full window will show whether they answer you more often than one-click.")  # fmt: skip
    if counts.recorded.channel and share >= ONE_CLICK_SHARE:
        p = stats.always_valid_lower_p([(one_k, one_n - one_k, rest_k, rest_n - rest_k)])
        verdict = _verdict(p)
        if verdict != "working":
            return Finding(
                "strategy",
                verdict,
                {**numbers, "p_value": p, "sentence": (
                    f"{share:.0%} of your applications are one-click applications. Among those that have had"
                    f" {window} days, one-click: {_share(one_k, one_n)}; other channels: {_share(rest_k, rest_n)}.")},
                "Send fewer one-click applications and put that time into applications through company sites,"
                " recruiters and people you know; they answer you more often.",
                strength=p,
            )  # fmt: skip
    if not counts.recorded.channel:
        # the part reads the channel mix: without it, not judged at all (the pace is only told)
        told = f" ({recent} in the last 4 weeks)" if pace is not None else ""
        return _not_recorded("strategy", ["channel"], (
            f"{_count(total, 'application')}{told}; your log does not say through which channel each went, so the mix"
            " cannot be judged."))  # fmt: skip
    if pace is not None and pace < LOW_PACE_PER_WEEK:
        return Finding("strategy", "at risk", {**numbers, "sentence": (
            f"{_count(recent, 'application')} in the last 4 weeks ({_per_week(pace)} a week): at this pace it takes"
            " months to learn which channels and versions work.")},
            f"Aim for at least {LOW_PACE_PER_WEEK + 1:.0f} applications a week, spread over the channels that"
            " answer you.", strength=0.5)  # fmt: skip
    if settled < MIN_SETTLED:
        return Finding("strategy", "not enough data", {**numbers, "sentence": (
            f"{_count(settled, 'application')} {'has' if settled == 1 else 'have'} had the full {window} days to be"
            " answered; the overall strategy"
            f" can be judged from {MIN_SETTLED}.")},
            f"Keep applying; about {MIN_SETTLED - settled} more applications that have had {window} days will"
            " tell.")  # fmt: skip
    sentence = (
        f"{_count(total, 'application')}, {_pct(share)} of them one-click; one-click is not your main channel"
        " (under 40 %)." if share < ONE_CLICK_SHARE else
        f"{_count(total, 'application')}, {_pct(share)} of them one-click; among those that have had {window} days,"
        f" one-click: {_share(one_k, one_n)}; other channels: {_share(rest_k, rest_n)}: no clear gap yet."
    )  # fmt: skip
    return Finding("strategy", "working", {**numbers, "sentence": sentence},
                   "Keep the mix; watch the channels that answer you most.")  # fmt: skip


def _resume(counts: Counts, scope: Scope) -> Finding:
    """Resume versions against each other and cover letters against none, as one family of tests
    (Holm): the weakest finding of the part."""
    recorded = counts.recorded
    if not recorded.resume_version and not recorded.cover_letter:
        return _not_recorded("resume", ["resume_version", "cover_letter"], (
            "Your log does not say which resume or whether a cover letter went with each application."))  # fmt: skip
    window = scope.window
    tests: list[tuple[float, str, dict[str, Any]]] = []  # (p, kind, details)
    variants = [v for v in counts.versions[:MAX_VARIANTS] if v[0] is not None and int(v[2]) >= MIN_GROUP]
    if recorded.resume_version:
        cells: dict[Any, dict[Any, tuple[int, int]]] = {}
        for stratum, variant, k, failures in counts.strata:
            cells.setdefault(stratum, {})[variant] = (int(k), int(failures))
        for i, a in enumerate(variants):
            for b in variants[i + 1 :]:
                strata = [(*c[a[0]], *c[b[0]]) for c in cells.values() if a[0] in c and b[0] in c]
                # no direction is expected: each pair is tested both ways, both in the family
                for weaker, better, rows in ((a, b, strata), (b, a, [(s[2], s[3], s[0], s[1]) for s in strata])):
                    found = {"weaker": weaker, "better": better, "strata": rows}
                    tests.append((stats.always_valid_lower_p(rows), "version", found))
    with_k, with_n, without_k, without_n, _ = counts.letters
    if recorded.cover_letter and with_n >= MIN_GROUP and without_n >= MIN_GROUP:
        p = stats.always_valid_lower_p([(without_k, without_n - without_k, with_k, with_n - with_k)])
        tests.append((p, "letter", {}))
    if not tests:
        used = len([v for v in counts.versions if v[0] is not None])
        sentence = (
            f"Fewer than {MIN_GROUP} applications with and without a cover letter have had {window} days."
            if not recorded.resume_version else
            "Only one resume version is in use, so there is nothing to compare it with." if used <= 1 else
            f"Your resume versions have fewer than {MIN_GROUP} applications each that have had {window} days.")
        action = (
            f"Go on noting whether a cover letter went with each application; about {MIN_GROUP} with and"
            f" {MIN_GROUP} without that have had {window} days will start to tell."
            if not recorded.resume_version else
            "To learn which resume works, send two versions alternately to the same kinds of jobs;"
            f" about {MIN_GROUP} applications each that have had {window} days will start to tell.")
        return Finding("resume", "not enough data", {"variants": used, "sentence": sentence}, action)  # fmt: skip
    adjusted = stats.holm([t[0] for t in tests])
    (p_raw, kind, details), p = min(zip(tests, adjusted, strict=True), key=lambda item: (item[1], item[0][0]))
    verdict = _verdict(p)
    letters = f"With a cover letter: {_share(with_k, with_n)}; without: {_share(without_k, without_n)}."
    if kind == "letter":
        numbers = {"with_letter": [with_k, with_n], "without_letter": [without_k, without_n], "p_value": p_raw,
                   "p_holm": p}  # fmt: skip
        sentence = f"Among applications that have had {window} days: {letters}"
        if verdict != "working":
            return Finding("resume", verdict, {**numbers, "sentence": sentence},
                           "Send a short cover letter with each application; yours get answered more often with one.",
                           strength=p)  # fmt: skip
    else:
        weaker, better = details["weaker"], details["better"]
        numbers = {"weaker": weaker[0], "better": better[0], "p_value": p_raw, "p_holm": p,
                   "adjusted": stats.mantel_haenszel(details["strata"]) if details["strata"] else None}  # fmt: skip
        if recorded.cover_letter and with_n >= MIN_GROUP and without_n >= MIN_GROUP:
            numbers["cover_letter"] = {"with_letter": [with_k, with_n], "without_letter": [without_k, without_n]}
        sentence = (
            f"Among applications that have had {window} days, resume {weaker[0]}:"
            f" {_share(int(weaker[3]), int(weaker[2]))}; resume {better[0]}: {_share(int(better[3]), int(better[2]))}"
        )
        if verdict != "working":
            # the test holds the channel equal; the shares above pool every channel and can point the
            # other way when the versions went through different channels (Simpson's paradox)
            pooled_weaker = int(weaker[3]) / int(weaker[2])
            pooled_better = int(better[3]) / int(better[2])
            within = (
                "; the gap holds within the same channels." if pooled_weaker < pooled_better else
                f". Pooled, {weaker[0]} looks as good or better, but within the same channels it answers less:"
                " it went more often through channels that answer you more."
            )  # fmt: skip
            return Finding(
                "resume", verdict, {**numbers, "sentence": sentence + within},
                f"Resume {weaker[0]} → retire it, and send {better[0]} (or a new variant built from it)."
                if verdict == "failing"
                else f"Resume {weaker[0]} may be weaker: send {better[0]} for the next applications and check again.",
                strength=p,
            )  # fmt: skip
        sentence += "; no version answers clearly differently once the channel is held equal."
    return Finding("resume", "working", {**numbers, "sentence": sentence},
                   "Keep using what you send; the data does not single anything out yet.")  # fmt: skip


def _network(counts: Counts, scope: Scope) -> Finding:
    if not counts.recorded.referral:
        return _not_recorded("network", ["referral"], (
            "Your log does not say which applications went through someone you know."))  # fmt: skip
    total = counts.total
    ref_k, ref_n, rest_k, rest_n, referred = counts.referrals
    share = referred / total if total else 0.0
    numbers = {"referral_share": share, "referrals": [ref_k, ref_n], "others": [rest_k, rest_n]}
    sentence = f"{referred} of {_count(total, 'application')} ({share:.0%}) went through a referral or a contact."
    if ref_n and rest_n:
        sentence += (f" Among those that have had {scope.window} days, referrals: {_share(ref_k, ref_n)}; other"
                     f" channels: {_share(rest_k, rest_n)}.")  # fmt: skip
    if share < REFERRAL_SHARE and total >= MIN_SETTLED:
        p = stats.always_valid_lower_p([(rest_k, rest_n - rest_k, ref_k, ref_n - ref_k)]) if ref_n else 1.0
        # a habit that is plainly off is at risk; failing needs the test: the rest answer less
        verdict = "failing" if p < FAIL_P else "at risk"
        pending = counts.pending_companies
        where = f"the companies still pending ({', '.join(pending)})" if pending else "the companies you apply to next"
        return Finding("network", verdict, {**numbers, "p_value": p, "sentence": sentence},
                       f"Ask for referrals: find someone you know, or a former colleague, at {where}, and apply"
                       " through them.", strength=p)  # fmt: skip
    if total < MIN_SETTLED:
        return Finding("network", "not enough data", {**numbers, "sentence": sentence},
                       "Keep noting which applications went through someone you know.")  # fmt: skip
    return Finding("network", "working", {**numbers, "sentence": sentence},
                   "Keep asking for referrals where you can.")  # fmt: skip


def _targets(counts: Counts, scope: Scope) -> Finding:
    if not counts.recorded.industry:
        return _not_recorded("targets", ["industry"], "Your log does not say which industry each application was in.")
    rows, total, window = counts.industries, counts.total, scope.window
    # an industry is compared with the applications whose industry is known: a blank is no industry
    all_k = sum(int(r[3]) for r in rows if r[0] is not None)
    all_n = sum(int(r[2]) for r in rows if r[0] is not None)
    tested = []
    for industry, applications, n, k in rows:
        if industry is None or n < MIN_GROUP or all_n - n < MIN_GROUP:
            continue  # one industry with enough applications is compared with all the others pooled
        rest_k, rest_n = all_k - int(k), all_n - int(n)
        p = stats.always_valid_lower_p([(int(k), int(n) - int(k), rest_k, rest_n - rest_k)])
        tested.append((p, industry, int(applications), int(k), int(n)))
    if not tested:
        return Finding("targets", "not enough data", {"industries": len(rows), "sentence": (
            f"No industry has {MIN_GROUP} applications that have had {window} days, with as many elsewhere"
            " to compare.")},
            "Note the industry of each application; comparisons start from about ten per industry.")  # fmt: skip
    adjusted = stats.holm([t[0] for t in tested])
    # ties (often every p at 1) go to the lowest rate, then the larger group, then the name: "the
    # lowest" must be the lowest, and the same on every run
    (p, industry, applications, k, n), p_holm = min(
        zip(tested, adjusted, strict=True), key=lambda item: (item[1], item[0][3] / item[0][4], -item[0][4], item[0][1])
    )
    others = [(None, name, 0, int(k2), int(n2)) for name, _, n2, k2 in rows
              if name is not None and name != industry and n2 >= 3]  # fmt: skip
    best = sorted(others, key=lambda t: (-(t[3] / t[4]), -t[4], t[1]))[:2]
    where = "; ".join(f"{t[1]}: {_share(t[3], t[4])}" for t in best) or "the other industries together"
    share = applications / total if total else 0.0
    numbers = {"industry": industry, "share": share, "answered": [k, n], "others": [all_k - k, all_n - n],
               "p_value": p, "p_holm": p_holm, "where_answers_come_from": [t[1] for t in best]}  # fmt: skip
    verdict = _verdict(p_holm)
    if verdict == "working":
        return Finding("targets", "working", {**numbers, "sentence": (
            f"No industry answers you clearly less than the others (the lowest: {industry},"
            f" {_share(k, n)} of those that have had {window} days).")}, "Keep your targets.")  # fmt: skip
    return Finding(
        "targets",
        verdict,
        {**numbers, "sentence": (
            f"Among applications that have had {window} days, {industry}: {_share(k, n)}, {share:.0%} of your"
            f" applications; all other industries: {_share(all_k - k, all_n - n)}. Your answers come from {where}.")},
        f"Move applications from {industry} to the industries that answer you"
        + (f" ({', '.join(t[1] for t in best)})" if best else "") + ";"
        f" if {industry} is a career change, go through people in it rather than cold applications.",
        strength=p_holm,
    )  # fmt: skip


def _interviews(counts: Counts, scope: Scope) -> Finding:
    callbacks, to_interview, reached, settled, progressed, offers, second_rounds = counts.interviews
    rounds = counts.recorded.interview_rounds  # the log tells rounds apart: "led on" includes a next round
    floor = INTERVIEW_FLOOR_ROUNDS if rounds else INTERVIEW_FLOOR_OFFERS
    led_on = progressed if rounds else offers
    what = "led to a next round or an offer" if rounds else "led to an offer"
    numbers = {"interviews": reached, "interviews_settled": settled, "led_on": led_on, "measure": what,
               "reference_floor": floor, "second_rounds": second_rounds,
               # context, no longer the comparison: settled callbacks and those that led to an interview
               "callbacks": callbacks, "callbacks_to_interview": to_interview,
               "interviews_to_next_round_or_offer": progressed}  # fmt: skip
    if settled < MIN_INTERVIEWS:
        return Finding("interviews", "not enough data", {**numbers, "sentence": (
            f"{_count(reached, 'application')} reached an interview; {settled} of them"
            f" {'has' if settled == 1 else 'have'} had {INTERVIEW_SETTLE_DAYS} days"
            f" to lead somewhere, and about {MIN_INTERVIEWS} are needed to see how interviews go.")},
            "Prepare each interview and note every round; the picture comes with a few more.")  # fmt: skip
    p = stats.always_valid_below_p(led_on, settled, floor)
    verdict = _verdict(p)
    sentence = (
        f"{_count(reached, 'application')} reached an interview. Of the {settled} that have had"
        f" {INTERVIEW_SETTLE_DAYS} days,"
        f" {_share(led_on, settled, what)}; in published hiring funnels at least {floor:.0%} do."
    )
    numbers["p_value"] = p
    if verdict == "working" and led_on / settled < floor:
        # below the floor, but too few interviews to tell a stall from bad luck: not "working"
        return Finding("interviews", "not enough data", {**numbers, "sentence": (
            f"{sentence} Too few interviews to tell a real stall from chance.")},
            "Prepare each interview and note every round; a few more interviews will tell.")  # fmt: skip
    if verdict == "working":
        return Finding("interviews", "working", {**numbers, "sentence": sentence},
                       "Keep preparing the same way.")  # fmt: skip
    stop = f"{sentence} You get to interviews; they stop there."
    return Finding("interviews", verdict, {**numbers, "sentence": stop},
        "Practise interviews (mock interviews, the questions you were asked), and ask the companies that turned"
        " you down after an interview for feedback.", strength=p)  # fmt: skip


def _follow_up(counts: Counts, scope: Scope) -> Finding:
    if not counts.recorded.follow_ups:
        return _not_recorded("follow_up", ["follow_ups"], "Your log does not record any follow-up.")
    silent, followed = counts.habit
    due = counts.due_companies
    due_text = f"{counts.due_total} follow-ups due" + (
        ": " + ", ".join(f"{company or '?'}" for company in due[:_NAMED]) + (" …" if counts.due_total > _NAMED else "")
        if due
        else ""
    )
    share = followed / silent if silent else 0.0
    numbers: dict[str, Any] = {"followed_up_share": share, "habit": [followed, silent], "due": counts.due_total}
    effect = analytics.follow_up_effect(scope, *counts.follow_up)
    fair = ""
    p = 1.0
    if effect is not None:
        yes, no = effect["followed_up"], effect["not_followed_up"]
        numbers.update({"followed_up": yes, "not_followed_up": no})
        if yes["n"] >= MIN_GROUP and no["n"] >= MIN_GROUP:
            _, k_yes, _, k_no, _ = counts.follow_up  # the counts behind the two rates
            # the fair comparison: still silent on day 14, answered later with or without a follow-up
            p = stats.always_valid_lower_p([(k_no, no["n"] - k_no, k_yes, yes["n"] - k_yes)])
            numbers["p_value"] = p
            fair = (
                f" Of the applications still unanswered on day {analytics.FOLLOW_UP_LANDMARK}, followed up:"
                f" {_share(k_yes, yes['n'], 'answered later')}; not followed up:"
                f" {_share(k_no, no['n'], 'answered later')}"
                + (": following up measurably helped you." if p < FAIL_P else
                   ": a hint that following up helps you, not yet firm." if p < RISK_P else
                   ": this does not show whether following up helps you, either way.")
            )  # fmt: skip
    if silent < MIN_GROUP:
        return Finding("follow_up", "not enough data", {**numbers, "sentence": (
            f"{_count(silent, 'application')} {'was' if silent == 1 else 'were'} still unanswered a week after"
            f" applying and {'is' if silent == 1 else 'are'} two weeks old.")},
            due_text if due else "Follow up one to two weeks after applying when you hear nothing.")  # fmt: skip
    sentence = (
        f"You followed up within two weeks on {followed} of {silent} applications still unanswered after a week"
        f" ({share:.0%}).{fair}"
    )
    if share < FOLLOW_UP_SHARE:
        # a habit that is plainly off is at risk; failing needs your own follow-ups to have worked
        verdict = "failing" if p < FAIL_P else "at risk"
        return Finding("follow_up", verdict, {**numbers, "sentence": sentence},
                       "Follow up one to two weeks after applying: " + due_text + ".", strength=p)  # fmt: skip
    return Finding("follow_up", "working", {**numbers, "sentence": sentence},
                   due_text if due else "Go on following up one to two weeks after applying.")  # fmt: skip


# ---------------------------------------------------------------- the whole


# the text columns the six parts read (analytics.prepare loads them once)
FIELDS = ("channel", "resume_version", "industry", "referral", "cover_letter", "company", "role", "client")


def diagnose(
    con: duckdb.DuckDBPyConnection, scope: Scope, prepared: analytics.Prepared | None = None
) -> dict[str, Any]:
    """Findings for the six parts, the most severe first. `prepared`: facts already loaded for this
    scope with FIELDS (the overview shares one load); anything else is loaded afresh."""
    if prepared is None or prepared.scope != scope or not set(FIELDS) <= prepared.columns:
        prepared = analytics.prepare(con, scope, FIELDS)
    # what the log records: read once per prepared facts, shared with the measures below
    counts = gather(prepared.cur, scope, recorded=analytics.recorded_map(prepared.cur, scope, prepared)) if (
        prepared.total) else {}  # fmt: skip
    result = decide(counts.get("", Counts()), scope)
    # the headline numbers, from the one function every other place takes them from
    result["measures"] = analytics.measures(con, scope, prepared).to_json()
    return result


def diagnose_each(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    prepared: analytics.Prepared | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """diagnose() for every client in the scope at once: grouped queries over one load of the facts,
    then each client's verdicts by the same code as their own page (keyed by client; a client with no
    applications in the scope is absent). `progress(done, total)` after each client's verdicts."""
    if prepared is None or prepared.scope != scope or not set(FIELDS) <= prepared.columns:
        prepared = analytics.prepare(con, scope, FIELDS)
    if not prepared.total:
        return {}
    each = gather(prepared.cur, scope, "client", analytics.recorded_map(prepared.cur, scope, prepared, by_client=True))
    results = {}
    for done, (client, counts) in enumerate(each.items(), start=1):
        results[client] = decide(counts, dataclasses.replace(scope, client=client))
        if progress is not None:
            progress(done, len(each))
    return results


_PARTS: dict[str, Callable[[Counts, Scope], Finding]] = {
    "strategy": _strategy, "resume": _resume, "network": _network, "targets": _targets,
    "interviews": _interviews, "follow_up": _follow_up,
}  # fmt: skip


def decide(counts: Counts, scope: Scope) -> dict[str, Any]:
    """The six findings from the counts of one search (no database work)."""
    if counts.total == 0:
        findings = [
            Finding(
                area,
                "not enough data",
                {"sentence": "No applications yet."},
                "Load your applications (bounceback ingest FILE) to get a diagnosis.",
            )
            for area in AREAS
        ]
    elif not counts.recorded.outcomes:
        # nothing to judge a rate on: every part says so, and what to record first
        findings = [_not_recorded(area, ["outcomes"], _NO_OUTCOMES) for area in AREAS]
    else:
        findings = [part(counts, scope) for part in _PARTS.values()]
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    findings.sort(key=lambda f: (order[f.verdict], f.strength))
    return {
        "scope": scope.to_json(),
        "applications": counts.total,
        "no_data": counts.total == 0,
        "recorded": counts.recorded.to_json(),
        "outcomes_recorded": counts.recorded.outcomes,
        "findings": [f.to_json() for f in findings],
    }


def overview(con: duckdb.DuckDBPyConnection, scope: Scope, rate_fields: tuple[str, ...] = analytics.RATE_FIELDS
             ) -> dict[str, Any]:  # fmt: skip
    """Everything an overview shows, on one load of the facts: the funnel, a rate table per field,
    timing, the weekly trend and the diagnosis."""
    prepared = analytics.prepare(con, scope, tuple(dict.fromkeys((*FIELDS, *rate_fields))))
    return {
        **analytics.analyse_all(con, scope, rate_fields, prepared),
        "trend": analytics.trend(con, scope, "week", prepared),
        "diagnosis": diagnose(con, scope, prepared),
    }


def top_finding(result: dict[str, Any]) -> dict[str, Any] | None:
    return result["findings"][0] if result["findings"] else None
