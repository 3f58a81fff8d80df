"""Strategy diagnosis: the six parts of a job search, each judged with evidence and a next step.

Verdicts: failing, at risk, working, not enough data. A part is **failing** only when a test from
the analytics layer supports it at a strict level (FAIL_P, so that a healthy search is very rarely
called failing anywhere across the six parts); weaker signals are **at risk**. Every verdict
compares the person with their own other channels, versions, industries and stages; numbers from
outside appear only as context, with their source (README "Diagnosis").

Calibrated by simulation with the persona generator: `make calibrate` (benchmarks/calibrate.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
        data = asdict(self)
        data.pop("strength")
        data.pop("extra")
        return data


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _share(k: int, n: int) -> str:
    low, high = stats.wilson_interval(k, n)
    return f"{k} of {n} answered ({_pct(k / n if n else None)}, {_pct(low)}–{_pct(high)})"


def _split(
    cur: duckdb.DuckDBPyConnection, inside: str, outside: str, params: dict[str, Any] | None = None
) -> tuple[int, int, int, int, int]:
    """One pass over the facts: (answered, settled) of the applications matching `inside`, the same
    for `outside`, and how many applications (settled or not) match `inside`. Answered means within
    the window, among settled applications."""
    row = cur.execute(
        f"""
        select count(*) filter (where settled and answered_in_window and ({inside})),
               count(*) filter (where settled and ({inside})),
               count(*) filter (where settled and answered_in_window and ({outside})),
               count(*) filter (where settled and ({outside})),
               count(*) filter (where {inside})
        from facts
        """,
        params or {},
    ).fetchone()
    return tuple(int(value) for value in row)  # type: ignore[return-value]


def _lower_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """One-sided Fisher p that group 1 answers less often than group 2 (half the two-sided p when
    the observed difference points that way; 1 otherwise)."""
    if not n1 or not n2 or k1 / n1 >= k2 / n2:
        return 1.0
    return min(1.0, stats.fisher_exact(k1, n1 - k1, k2, n2 - k2) / 2)


def _verdict(p: float) -> str:
    return "failing" if p < FAIL_P else "at risk" if p < RISK_P else "working"


# ---------------------------------------------------------------- the six parts


def _strategy(cur: duckdb.DuckDBPyConnection, scope: Scope, settled: int) -> Finding:
    one_k, one_n, rest_k, rest_n, one_click = _split(
        cur, "channel = $one_click", "channel is distinct from $one_click", {"one_click": ONE_CLICK}
    )
    total, recent, span_days = cur.execute(
        "select count(*), count(*) filter (where applied_on > $as_of - 28), coalesce($as_of - min(applied_on), 0)"
        " from facts",
        {"as_of": scope.as_of},
    ).fetchone()
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


def _resume(con: duckdb.DuckDBPyConnection, scope: Scope, prepared: analytics.Prepared) -> Finding:
    """The resume versions against each other, and cover letters against none: the worse of the two."""
    versions = _resume_versions(con, scope, prepared)
    letters = _cover_letters(prepared.cur)
    if letters is None:
        return versions
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    first, second = sorted([versions, letters], key=lambda f: (order[f.verdict], f.strength))
    first.evidence = {**first.evidence, "sentence": f"{first.evidence['sentence']} {second.evidence['sentence']}"}
    first.evidence["cover_letter" if first is versions else "versions"] = second.evidence
    return first


def _cover_letters(cur: duckdb.DuckDBPyConnection) -> Finding | None:
    with_k, with_n, without_k, without_n, _ = _split(cur, "cover_letter", "not cover_letter")
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


def _resume_versions(con: duckdb.DuckDBPyConnection, scope: Scope, prepared: analytics.Prepared) -> Finding:
    # held equal: the channel, the strongest influence on answers. Adding industry too splits a
    # personal search into so many cells that almost no pair of versions meets in one.
    result = analytics.compare(con, scope, "resume_version", "response", ("channel",), prepared, with_prob_best=False)
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


def _network(cur: duckdb.DuckDBPyConnection, scope: Scope, total: int) -> Finding:
    referral = "channel = 'referral' or coalesce(referral, false)"
    ref_k, ref_n, rest_k, rest_n, referred = _split(cur, referral, f"not ({referral})")
    share = referred / total if total else 0.0
    numbers = {"referral_share": share, "referrals": [ref_k, ref_n], "others": [rest_k, rest_n]}
    p = _lower_p(rest_k, rest_n, ref_k, ref_n)  # do the others answer less than referrals?
    sentence = f"{referred} of {total} applications ({share:.0%}) went through a referral or a contact."
    if ref_n and rest_n:
        sentence += f" Referrals: {_share(ref_k, ref_n)}; other channels: {_share(rest_k, rest_n)}."
    if share < REFERRAL_SHARE and total >= MIN_SETTLED:
        verdict = "failing" if p < FAIL_P else "at risk"
        pending = [
            row[0]
            for row in cur.execute(
                "select company from facts where outcome = 'pending' and company is not null"
                " group by company order by max(applied_on) desc, company limit 5"
            ).fetchall()
        ]
        where = f"the companies still pending ({', '.join(pending)})" if pending else "the companies you apply to next"
        return Finding("network", verdict, {**numbers, "p_value": p, "sentence": sentence},
                       f"Ask for referrals: find someone you know, or a former colleague, at {where}, and apply"
                       " through them.", strength=p)  # fmt: skip
    if ref_n + rest_n < MIN_SETTLED:
        return Finding("network", "not enough data", {**numbers, "sentence": sentence},
                       "Keep noting which applications went through someone you know.")  # fmt: skip
    return Finding("network", "working", {**numbers, "sentence": sentence},
                   "Keep asking for referrals where you can.")  # fmt: skip


def _targets(cur: duckdb.DuckDBPyConnection, scope: Scope, total: int) -> Finding:
    rows = cur.execute(
        "select industry, count(*), count(*) filter (where settled),"
        " count(*) filter (where settled and answered_in_window) from facts group by 1 order by 1"
    ).fetchall()
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


def _interviews(cur: duckdb.DuckDBPyConnection, scope: Scope) -> Finding:
    row = cur.execute(
        """
        select count(*) filter (where called_back and settled),
               count(*) filter (where called_back and settled and interviewed),
               count(*) filter (where interviewed and (last_interview_on <= $as_of - $days
                                                       or outcome in ('rejected', 'accepted', 'declined', 'offer'))),
               count(*) filter (where interviewed and (last_interview_on <= $as_of - $days
                                                       or outcome in ('rejected', 'accepted', 'declined', 'offer'))
                                      and (offered or interview_rounds >= 2))
        from facts
        """,
        {"as_of": scope.as_of, "days": INTERVIEW_SETTLE_DAYS},
    ).fetchone()
    callbacks, to_interview, interviewed, progressed = (int(v) for v in row)
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


def _follow_up(con: duckdb.DuckDBPyConnection, scope: Scope, prepared: analytics.Prepared) -> Finding:
    result = analytics.followups(con, scope, prepared=prepared)
    effect = result["effect"]
    due = result["due"]
    due_text = f"{result['due_total']} follow-ups due" + (
        ": " + ", ".join(f"{d['company'] or '?'}" for d in due[:5]) + (" …" if len(due) > 5 else "") if due else ""
    )
    if effect is None:
        return Finding("follow_up", "not enough data", {"due": result["due_total"], "sentence": (
            "The response window is too short to measure the effect of following up.")}, due_text)  # fmt: skip
    yes, no = effect["followed_up"], effect["not_followed_up"]
    waiting = yes["n"] + no["n"]
    share = yes["n"] / waiting if waiting else 0.0
    numbers = {"followed_up_share": share, "followed_up": yes, "not_followed_up": no, "due": result["due_total"]}
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
    cur, total = prepared.cur, prepared.total
    if total == 0:
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
        settled = int(cur.execute("select count(*) from facts where settled").fetchone()[0])
        findings = [
            _strategy(cur, scope, settled),
            _resume(con, scope, prepared),
            _network(cur, scope, total),
            _targets(cur, scope, total),
            _interviews(cur, scope),
            _follow_up(con, scope, prepared),
        ]
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    findings.sort(key=lambda f: (order[f.verdict], f.strength))
    return {
        "scope": scope.to_json(),
        "applications": total,
        "no_data": total == 0,
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
