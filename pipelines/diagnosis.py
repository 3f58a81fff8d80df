"""Strategy diagnosis: the six parts of a job search, each judged with evidence and a next step.

Verdicts: failing, at risk, working, not enough data. A part is **failing** only when a test from
the analytics layer supports it at a strict level (FAIL_P, so that a healthy search is very rarely
called failing anywhere across the six parts); weaker signals are **at risk**. Every verdict
compares the person with their own other channels, versions, industries and stages; numbers from
outside appear only as context, with their source (README "Diagnosis").

Calibrated by simulation with the persona generator: `make calibrate` (benchmarks/calibrate.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines import analytics, stats
from pipelines.analytics import Scope

AREAS = ("strategy", "resume", "network", "targets", "interviews", "follow_up")
VERDICTS = ("failing", "at risk", "working", "not enough data")
FAIL_P = 0.005  # a failing verdict: this strict, because six parts (and several groups) are tested
RISK_P = 0.05
MIN_SETTLED = 20  # settled applications before the overall strategy can be judged
MIN_GROUP = 10  # settled applications a group needs to be compared
ONE_CLICK = "linkedin_easy_apply"
ONE_CLICK_SHARE = 0.4  # above this share, one-click applying is the search's main channel
REFERRAL_SHARE = 0.1
LOW_PACE_PER_WEEK = 3.0
FOLLOW_UP_SHARE = 0.2  # followed up on fewer than this share of unanswered applications
INTERVIEW_SETTLE_DAYS = 14  # an interview older than this has had time to lead somewhere


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


def _share(k: int, n: int) -> str:
    low, high = stats.wilson_interval(k, n)
    return f"{k} of {n} answered ({_pct(k / n if n else None)}, {_pct(low)}–{_pct(high)})"


# Each part's two groups, as SQL conditions over the facts (constants: no user text becomes SQL)
ONE_CLICK_IN, ONE_CLICK_OUT = "channel = $one_click", "channel is distinct from $one_click"
LETTER_IN, LETTER_OUT = "cover_letter", "not cover_letter"
REFERRAL_IN = "channel = 'referral' or coalesce(referral, false)"
REFERRAL_OUT = f"not ({REFERRAL_IN})"
Split = tuple[int, int, int, int, int]
# resume versions are compared holding the channel equal, the strongest influence on answers; adding
# industry too splits a personal search into so many cells that almost no pair of versions meets in one
RESUME_ADJUST_FOR = ("channel",)
# callbacks, callbacks that led to an interview, interviews that have had time to lead somewhere, and
# those that led to a next round or an offer (parameters $as_of, $days)
_SETTLED_INTERVIEW = """interviewed and (last_interview_on <= $as_of - $days
    or outcome in ('rejected', 'accepted', 'declined', 'offer'))"""
_INTERVIEW_COUNTS = (
    "count(*) filter (where called_back and settled)",
    "count(*) filter (where called_back and settled and interviewed)",
    f"count(*) filter (where {_SETTLED_INTERVIEW})",
    f"count(*) filter (where {_SETTLED_INTERVIEW} and (offered or interview_rounds >= 2))",
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
    interviews: tuple[int, int, int, int] = (0, 0, 0, 0)
    follow_up: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # analytics.FOLLOW_UP_EFFECT_COUNTS
    due_total: int = 0
    due_companies: list[Any] = field(default_factory=list)  # the first few due, in the Follow-ups order
    pending_companies: list[str] = field(default_factory=list)  # the latest applied to, still pending
    industries: list[tuple[Any, int, int, int]] = field(default_factory=list)  # (industry, apps, settled, answered)
    versions: list[tuple[Any, ...]] = field(default_factory=list)  # analytics.compare_counts' variants
    strata: list[tuple[Any, ...]] = field(default_factory=list)  # analytics.compare_counts' strata_rows


# `gather` groups by one of these: a single search, or each client of a caseload
_KEYS = {None: "''", "client": "client"}
_NAMED = 5  # companies named in an action


def gather(cur: duckdb.DuckDBPyConnection, scope: Scope, by: str | None = None) -> dict[Any, Counts]:
    """The counts of the facts table on `cur`, per value of `by` (None: one group, keyed '')."""
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
        f"count(*) filter (where {analytics.FOLLOW_UP_DUE})",
    ]  # fmt: skip
    for group, *values in cur.execute(f"select key, {', '.join(row_sql)} from {facts} group by 1", params).fetchall():
        v = [int(value) for value in values]
        counts[group] = Counts(
            total=v[0], settled=v[1], recent=v[2], span_days=v[3], one_click=tuple(v[4:9]), letters=tuple(v[9:14]),
            referrals=tuple(v[14:19]), interviews=tuple(v[19:23]), follow_up=tuple(v[23:28]), due_total=v[28],
        )  # type: ignore[arg-type]  # fmt: skip
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
        counts[group].industries.append(tuple(industry))  # type: ignore[arg-type]
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


def _lower_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """One-sided Fisher p that group 1 answers less often than group 2 (half the two-sided p when
    the observed difference points that way; 1 otherwise)."""
    if not n1 or not n2 or k1 / n1 >= k2 / n2:
        return 1.0
    return min(1.0, stats.fisher_exact(k1, n1 - k1, k2, n2 - k2) / 2)


def _verdict(p: float) -> str:
    return "failing" if p < FAIL_P else "at risk" if p < RISK_P else "working"


# ---------------------------------------------------------------- the six parts


def _strategy(counts: Counts, scope: Scope) -> Finding:
    one_k, one_n, rest_k, rest_n, one_click = counts.one_click
    total, recent, span_days, settled = counts.total, counts.recent, counts.span_days, counts.settled
    pace = recent / 4 if span_days >= 28 else None
    share = one_click / total if total else 0.0
    numbers = {"one_click_share": share, "one_click": [one_k, one_n], "other_channels": [rest_k, rest_n],
               "applications_last_4_weeks": recent, "per_week": pace}  # fmt: skip
    if share >= ONE_CLICK_SHARE and one_n >= MIN_GROUP and rest_n >= MIN_GROUP:
        p = _lower_p(one_k, one_n, rest_k, rest_n)
        # mostly one-click and answered less often than the rest: at risk even before a test can
        # tell (the test only decides "failing")
        verdict = "failing" if p < FAIL_P else "at risk" if one_k / one_n < rest_k / rest_n else "working"
        if verdict != "working":
            return Finding(
                "strategy",
                verdict,
                {**numbers, "p_value": p, "sentence": (
                    f"{share:.0%} of your applications are one-click applications. One-click: {_share(one_k, one_n)};"
                    f" other channels: {_share(rest_k, rest_n)}.")},
                "Send fewer one-click applications and put that time into applications through company sites,"
                " recruiters and people you know; they answer you more often.",
                strength=p,
            )  # fmt: skip
    if settled < MIN_SETTLED:
        return Finding("strategy", "not enough data", {**numbers, "sentence": (
            f"{settled} applications have had the full {scope.window} days to be answered; the overall strategy"
            f" can be judged from {MIN_SETTLED}.")},
            f"Keep applying; about {MIN_SETTLED - settled} more applications that have had {scope.window} days will"
            " tell.")  # fmt: skip
    if pace is not None and pace < LOW_PACE_PER_WEEK:
        return Finding("strategy", "at risk", {**numbers, "sentence": (
            f"{recent} applications in the last 4 weeks ({pace:.1f} a week): at this pace it takes months to learn"
            " which channels and versions work.")},
            f"Aim for at least {LOW_PACE_PER_WEEK:.0f} applications a week, spread over the channels that answer"
            " you.", strength=0.5)  # fmt: skip
    return Finding("strategy", "working", {**numbers, "sentence": (
        f"{total} applications, {_pct(share)} of them one-click; one-click does not answer you significantly less"
        " than your other channels." if one_n and rest_n else f"{total} applications; no channel mix problem.")},
        "Keep the mix; watch the channels that answer you most.")  # fmt: skip


def _resume(counts: Counts, scope: Scope) -> Finding:
    """The resume versions against each other, and cover letters against none: the worse of the two."""
    versions = _resume_versions(counts, scope)
    letters = _cover_letters(counts)
    if letters is None:
        return versions
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    first, second = sorted([versions, letters], key=lambda f: (order[f.verdict], f.strength))
    first.evidence = {**first.evidence, "sentence": f"{first.evidence['sentence']} {second.evidence['sentence']}"}
    first.evidence["cover_letter" if first is versions else "versions"] = second.evidence
    return first


def _cover_letters(counts: Counts) -> Finding | None:
    with_k, with_n, without_k, without_n, _ = counts.letters
    if with_n < MIN_GROUP or without_n < MIN_GROUP:
        return None
    p = _lower_p(without_k, without_n, with_k, with_n)  # do applications without a letter answer less?
    sentence = f"With a cover letter: {_share(with_k, with_n)}; without: {_share(without_k, without_n)}."
    verdict = _verdict(p)
    numbers = {"with_letter": [with_k, with_n], "without_letter": [without_k, without_n], "p_value": p}
    if verdict == "working":
        return Finding("resume", "working", {**numbers, "sentence": sentence}, "Letters: no change needed.")
    return Finding("resume", verdict, {**numbers, "sentence": sentence},
                   "Send a short cover letter with each application; yours get answered more often with one.",
                   strength=p)  # fmt: skip


def _resume_versions(counts: Counts, scope: Scope) -> Finding:
    # P(best) left out: the verdict rests on the tests, and its Monte Carlo would be most of the time
    result = analytics.compare_counts(scope, counts.total, "resume_version", "response", RESUME_ADJUST_FOR,
                                      counts.versions, counts.strata, with_prob_best=False)  # fmt: skip
    variants = [v for v in result.get("variants", []) if v["settled"] >= MIN_GROUP]
    if len(variants) < 2:
        used = len(result.get("variants", []))
        return Finding("resume", "not enough data", {"variants": used, "sentence": (
            "Only one resume version is in use, so there is nothing to compare it with." if used <= 1 else
            f"Your resume versions have fewer than {MIN_GROUP} answered-or-expired applications each.")},
            "To learn which resume works, send two versions alternately to the same kinds of jobs;"
            f" about {MIN_GROUP} applications each that have had {scope.window} days will start to tell.")  # fmt: skip
    names = {v["variant"] for v in variants}
    worst: tuple[float, dict[str, Any]] | None = None
    for pair in result["pairs"]:
        if pair["a"] not in names or pair["b"] not in names or pair["p_holm"] is None:
            continue
        adjusted = pair["adjusted"] or {}
        odds = adjusted.get("odds_ratio")
        raw_a_better = (pair["difference"] or 0) > 0
        # the adjusted comparison must agree: a version is not blamed for the channel it went through
        agrees = odds is not None and odds != 1 and (odds > 1) == raw_a_better
        adjusted_p = adjusted.get("p_value") or 1.0
        # failing: both the raw (Holm-adjusted) and the channel-adjusted test; at risk: either
        p_fail = max(pair["p_holm"], adjusted_p) if agrees else 1.0
        p_risk = min(pair["p_holm"], adjusted_p) if agrees else 1.0
        if worst is None or (p_fail, p_risk) < worst[0]:
            worst = ((p_fail, p_risk), pair)
    if worst is None:
        return Finding("resume", "not enough data", {"sentence": "The versions could not be compared."}, "-")
    (p, p_risk), pair = worst
    rates = {v["variant"]: v for v in variants}
    a, b = rates[pair["a"]], rates[pair["b"]]
    better, weaker = (a, b) if (pair["difference"] or 0) > 0 else (b, a)
    sentence = (
        f"Resume {weaker['variant']}: {_share(weaker['successes'], weaker['settled'])}; resume {better['variant']}:"
        f" {_share(better['successes'], better['settled'])}"
    )
    numbers = {"weaker": weaker["variant"], "better": better["variant"], "p_holm": pair["p_holm"],
               "adjusted": pair["adjusted"], "p_value": p}  # fmt: skip
    verdict = "failing" if p < FAIL_P else "at risk" if p_risk < RISK_P else "working"
    if verdict == "working":
        return Finding("resume", "working", {**numbers, "sentence": sentence + "; no version answers significantly"
                       " differently once the channel is held equal."},
                       "Keep using the versions you have; the data does not single one out.")  # fmt: skip
    return Finding(
        "resume",
        verdict,
        {**numbers, "sentence": sentence + "; the gap holds within the same channels."},
        f"Resume {weaker['variant']} → retire it, and send {better['variant']} (or a new variant built from it)."
        if verdict == "failing"
        else f"Resume {weaker['variant']} may be weaker: send {better['variant']} for the next applications and"
        " check again.",
        strength=p if verdict == "failing" else p_risk,
    )


def _network(counts: Counts, scope: Scope) -> Finding:
    total = counts.total
    ref_k, ref_n, rest_k, rest_n, referred = counts.referrals
    share = referred / total if total else 0.0
    numbers = {"referral_share": share, "referrals": [ref_k, ref_n], "others": [rest_k, rest_n]}
    p = _lower_p(rest_k, rest_n, ref_k, ref_n)  # do the others answer less than referrals?
    sentence = f"{referred} of {total} applications ({share:.0%}) went through a referral or a contact."
    if ref_n and rest_n:
        sentence += f" Referrals: {_share(ref_k, ref_n)}; other channels: {_share(rest_k, rest_n)}."
    if share < REFERRAL_SHARE and total >= MIN_SETTLED:
        verdict = "failing" if p < FAIL_P else "at risk"
        pending = counts.pending_companies
        where = f"the companies still pending ({', '.join(pending)})" if pending else "the companies you apply to next"
        return Finding("network", verdict, {**numbers, "p_value": p, "sentence": sentence},
                       f"Ask for referrals: find someone you know, or a former colleague, at {where}, and apply"
                       " through them.", strength=p)  # fmt: skip
    if ref_n + rest_n < MIN_SETTLED:
        return Finding("network", "not enough data", {**numbers, "sentence": sentence},
                       "Keep noting which applications went through someone you know.")  # fmt: skip
    return Finding("network", "working", {**numbers, "sentence": sentence},
                   "Keep asking for referrals where you can.")  # fmt: skip


def _targets(counts: Counts, scope: Scope) -> Finding:
    rows, total = counts.industries, counts.total
    all_k = sum(int(r[3]) for r in rows)
    all_n = sum(int(r[2]) for r in rows)
    tested = []
    for industry, applications, n, k in rows:
        if industry is None or n < MIN_GROUP:
            continue
        p = _lower_p(int(k), int(n), all_k - int(k), all_n - int(n))
        tested.append((p, industry, int(applications), int(k), int(n)))
    # one industry with enough applications can be compared with all the others pooled
    tested = [t for t in tested if all_n - t[4] >= MIN_GROUP]
    if not tested:
        return Finding("targets", "not enough data", {"industries": len(rows), "sentence": (
            f"No industry has {MIN_GROUP} applications that have had {scope.window} days, with as many elsewhere"
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
    where = "; ".join(f"{t[1]}: {_share(t[3], t[4])}" for t in best)
    share = applications / total if total else 0.0
    numbers = {"industry": industry, "share": share, "answered": [k, n], "others": [all_k - k, all_n - n],
               "p_holm": p_holm, "where_answers_come_from": [t[1] for t in best]}  # fmt: skip
    verdict = _verdict(p_holm)
    if verdict == "working":
        return Finding("targets", "working", {**numbers, "sentence": (
            f"No industry answers you significantly less than the others (the lowest: {industry},"
            f" {_share(k, n)}).")}, "Keep your targets.")  # fmt: skip
    return Finding(
        "targets",
        verdict,
        {**numbers, "sentence": (
            f"{industry}: {_share(k, n)}, {share:.0%} of your applications; all other industries:"
            f" {_share(all_k - k, all_n - n)}. Your answers come from {where}.")},
        f"Move applications from {industry} to the industries that answer you ({', '.join(t[1] for t in best)});"
        f" if {industry} is a career change, go through people in it rather than cold applications.",
        strength=p_holm,
    )  # fmt: skip


def _interviews(counts: Counts, scope: Scope) -> Finding:
    callbacks, to_interview, interviewed, progressed = counts.interviews
    numbers = {"callbacks": callbacks, "callbacks_to_interview": to_interview, "interviews": interviewed,
               "interviews_to_next_round_or_offer": progressed}  # fmt: skip
    if interviewed < 5 or callbacks < 5:
        return Finding("interviews", "not enough data", {**numbers, "sentence": (
            f"{interviewed} interviews have had {INTERVIEW_SETTLE_DAYS} days to lead somewhere; about five are"
            " needed to see how interviews go.")},
            "Prepare each interview and note every round; the picture comes with a few more.")  # fmt: skip
    p = _lower_p(progressed, interviewed, to_interview, callbacks)
    if progressed / interviewed >= 0.5 * to_interview / callbacks:
        p = 1.0  # a gap smaller than half is the ordinary narrowing of a funnel, not a stall
    sentence = (
        f"Screens turn into interviews: {to_interview} of {callbacks} callbacks; interviews turn into a next round"
        f" or an offer: {progressed} of {interviewed} ({_pct(progressed / interviewed)},"
        f" {_pct(stats.wilson_interval(progressed, interviewed)[0])}–"
        f"{_pct(stats.wilson_interval(progressed, interviewed)[1])})."
    )
    verdict = _verdict(p)
    if verdict == "working":
        return Finding("interviews", "working", {**numbers, "p_value": p, "sentence": sentence},
                       "Keep preparing the same way.")  # fmt: skip
    return Finding("interviews", verdict, {**numbers, "p_value": p, "sentence": sentence + (
        " You get to interviews; they stop there.")},
        "Practise interviews (mock interviews, the questions you were asked), and ask the companies that turned"
        " you down after an interview for feedback.", strength=p)  # fmt: skip


def _follow_up(counts: Counts, scope: Scope) -> Finding:
    effect = analytics.follow_up_effect(scope, *counts.follow_up)
    due = counts.due_companies
    due_text = f"{counts.due_total} follow-ups due" + (
        ": " + ", ".join(f"{company or '?'}" for company in due[:_NAMED]) + (" …" if counts.due_total > _NAMED else "")
        if due
        else ""
    )
    if effect is None:
        return Finding("follow_up", "not enough data", {"due": counts.due_total, "sentence": (
            "The response window is too short to measure the effect of following up.")}, due_text)  # fmt: skip
    yes, no = effect["followed_up"], effect["not_followed_up"]
    waiting = yes["n"] + no["n"]
    share = yes["n"] / waiting if waiting else 0.0
    numbers = {"followed_up_share": share, "followed_up": yes, "not_followed_up": no, "due": counts.due_total}
    if waiting < MIN_GROUP:
        return Finding("follow_up", "not enough data", {**numbers, "sentence": (
            f"{waiting} applications were still unanswered after two weeks and have had the full window.")},
            due_text if due else "Follow up one to two weeks after applying when you hear nothing.")  # fmt: skip
    sentence = (
        f"You followed up on {yes['n']} of {waiting} applications still unanswered after two weeks ({share:.0%})."
    )
    if yes["n"] >= MIN_GROUP and no["n"] >= MIN_GROUP:
        sentence += (
            f" Afterwards, followed up: {_share(round(yes['rate'] * yes['n']), yes['n'])}; not followed up:"
            f" {_share(round(no['rate'] * no['n']), no['n'])}."
        )
    if share < FOLLOW_UP_SHARE:
        p = 1.0
        if yes["n"] >= MIN_GROUP and no["n"] >= MIN_GROUP and yes["rate"] > no["rate"]:
            p = effect["p_value"] / 2
        verdict = "failing" if p < FAIL_P else "at risk"
        return Finding("follow_up", verdict, {**numbers, "p_value": p, "sentence": sentence},
                       "Follow up one to two weeks after applying: " + due_text + ".", strength=p)  # fmt: skip
    return Finding("follow_up", "working", {**numbers, "sentence": sentence}, due_text if due else "Keep it up.")


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
    counts = gather(prepared.cur, scope) if prepared.total else {}
    return decide(counts.get("", Counts()), scope)


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
    each = gather(prepared.cur, scope, "client")
    results = {}
    for done, (client, counts) in enumerate(each.items(), start=1):
        results[client] = decide(counts, dataclasses.replace(scope, client=client))
        if progress is not None:
            progress(done, len(each))
    return results


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
    else:
        findings = [
            _strategy(counts, scope),
            _resume(counts, scope),
            _network(counts, scope),
            _targets(counts, scope),
            _interviews(counts, scope),
            _follow_up(counts, scope),
        ]
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    findings.sort(key=lambda f: (order[f.verdict], f.strength))
    return {
        "scope": scope.to_json(),
        "applications": counts.total,
        "no_data": counts.total == 0,
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
