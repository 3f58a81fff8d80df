"""The six part verdicts, each from the counts of one search (no database work), and `decide`.

Each part reads what its inputs say (pipelines/analyse/diagnosis/gather.py `Counts`) and returns one
Finding: a verdict, the evidence in a sentence and its numbers, and the next step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipelines.analyse import analytics, stats
from pipelines.analyse.diagnosis.finding import (
    NO_OUTCOMES,
    Diagnosis,
    Finding,
    not_recorded,
    per_week,
    percent,
    share_text,
)
from pipelines.analyse.diagnosis.gather import Counts
from pipelines.analyse.diagnosis.levels import (
    AREAS,
    COMPANIES_NAMED,
    FAIL_P,
    FOLLOW_UP_SHARE,
    INTERVIEW_FLOOR_OFFERS,
    INTERVIEW_FLOOR_ROUNDS,
    INTERVIEW_SETTLE_DAYS,
    LOW_PACE_PER_WEEK,
    MAX_VARIANTS,
    MIN_GROUP,
    MIN_INTERVIEWS,
    MIN_SETTLED,
    ONE_CLICK_SHARE,
    REFERRAL_SHARE,
    RISK_P,
    VERDICTS,
    verdict_of,
)
from pipelines.analyse.scope import Scope
from pipelines.words import counted


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
        verdict = verdict_of(p)
        if verdict != "working":
            return Finding(
                "strategy",
                verdict,
                {**numbers, "p_value": p, "sentence": (
                    f"{share:.0%} of your applications are one-click applications. Among those that have had"
                    f" {window} days, one-click: {share_text(one_k, one_n)}; other channels:"
                    f" {share_text(rest_k, rest_n)}.")},
                "Send fewer one-click applications and put that time into applications through company sites,"
                " recruiters and people you know; they answer you more often.",
                strength=p,
            )  # fmt: skip
    if not counts.recorded.channel:
        # the part reads the channel mix: without it, not judged at all (the pace is only told)
        told = f" ({recent} in the last 4 weeks)" if pace is not None else ""
        return not_recorded("strategy", ["channel"], (
            f"{counted(total, 'application')}{told}; your log does not say through which channel each went, so the mix"
            " cannot be judged."))  # fmt: skip
    if pace is not None and pace < LOW_PACE_PER_WEEK:
        return Finding("strategy", "at risk", {**numbers, "sentence": (
            f"{counted(recent, 'application')} in the last 4 weeks ({per_week(pace)} a week): at this pace it takes"
            " months to learn which channels and versions work.")},
            f"Aim for at least {LOW_PACE_PER_WEEK + 1:.0f} applications a week, spread over the channels that"
            " answer you.", strength=0.5)  # fmt: skip
    if settled < MIN_SETTLED:
        return Finding("strategy", "not enough data", {**numbers, "sentence": (
            f"{counted(settled, 'application')} {'has' if settled == 1 else 'have'} had the full {window} days to be"
            " answered; the overall strategy"
            f" can be judged from {MIN_SETTLED}.")},
            f"Keep applying; about {MIN_SETTLED - settled} more applications that have had {window} days will"
            " tell.")  # fmt: skip
    sentence = (
        f"{counted(total, 'application')}, {percent(share)} of them one-click; one-click is not your main channel"
        " (under 40 %)." if share < ONE_CLICK_SHARE else
        f"{counted(total, 'application')}, {percent(share)} of them one-click; among those that have had {window} days,"
        f" one-click: {share_text(one_k, one_n)}; other channels: {share_text(rest_k, rest_n)}: no clear gap yet."
    )  # fmt: skip
    return Finding("strategy", "working", {**numbers, "sentence": sentence},
                   "Keep the mix; watch the channels that answer you most.")  # fmt: skip


def _resume(counts: Counts, scope: Scope) -> Finding:
    """Resume versions against each other and cover letters against none, as one family of tests
    (Holm): the weakest finding of the part."""
    recorded = counts.recorded
    if not recorded.resume_version and not recorded.cover_letter:
        return not_recorded("resume", ["resume_version", "cover_letter"], (
            "Your log does not say which resume or whether a cover letter went with each application."))  # fmt: skip
    tests = _version_tests(counts) if recorded.resume_version else []
    with_k, with_n, without_k, without_n, _ = counts.letters
    if _letters_compared(counts):
        p = stats.always_valid_lower_p([(without_k, without_n - without_k, with_k, with_n - with_k)])
        tests.append((p, "letter", {}))
    if not tests:
        return _resume_too_few(counts, scope.window)
    adjusted = stats.holm([t[0] for t in tests])
    (p_raw, kind, details), p = min(zip(tests, adjusted, strict=True), key=lambda item: (item[1], item[0][0]))
    if kind == "letter":
        return _letter_finding(counts, scope.window, p_raw, p)
    return _version_finding(counts, scope.window, details, p_raw, p)


def _letters_compared(counts: Counts) -> bool:
    """Whether cover letters can be compared: recorded, with enough settled applications with and without."""
    with_n, without_n = counts.letters[1], counts.letters[3]
    return counts.recorded.cover_letter and with_n >= MIN_GROUP and without_n >= MIN_GROUP


def _version_tests(counts: Counts) -> list[tuple[float, str, dict[str, Any]]]:
    """(p, "version", details) for each pair of resume versions with enough settled applications, each
    way round, holding the channel equal (the strata)."""
    tests: list[tuple[float, str, dict[str, Any]]] = []  # (p, kind, details)
    variants = [v for v in counts.versions[:MAX_VARIANTS] if v[0] is not None and int(v[2]) >= MIN_GROUP]
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
    return tests


def _resume_too_few(counts: Counts, window: int) -> Finding:
    """Nothing to test: one resume version, or too few applications per version or with and without a letter."""
    recorded = counts.recorded
    used = len([v for v in counts.versions if v[0] is not None])
    sentence = (
        f"Fewer than {MIN_GROUP} applications with and without a cover letter have had {window} days."
        if not recorded.resume_version
        else "Only one resume version is in use, so there is nothing to compare it with."
        if used <= 1
        else f"Your resume versions have fewer than {MIN_GROUP} applications each that have had {window} days."
    )
    action = (
        f"Go on noting whether a cover letter went with each application; about {MIN_GROUP} with and"
        f" {MIN_GROUP} without that have had {window} days will start to tell."
        if not recorded.resume_version
        else "To learn which resume works, send two versions alternately to the same kinds of jobs;"
        f" about {MIN_GROUP} applications each that have had {window} days will start to tell."
    )
    return Finding("resume", "not enough data", {"variants": used, "sentence": sentence}, action)  # fmt: skip


_KEEP_RESUME = "Keep using what you send; the data does not single anything out yet."


def _letter_finding(counts: Counts, window: int, p_raw: float, p: float) -> Finding:
    """The part's finding when the weakest test is cover letters against none (`p`: after Holm)."""
    with_k, with_n, without_k, without_n, _ = counts.letters
    verdict = verdict_of(p)
    letters = f"With a cover letter: {share_text(with_k, with_n)}; without: {share_text(without_k, without_n)}."
    numbers = {"with_letter": [with_k, with_n], "without_letter": [without_k, without_n], "p_value": p_raw,
               "p_holm": p}  # fmt: skip
    sentence = f"Among applications that have had {window} days: {letters}"
    if verdict != "working":
        return Finding("resume", verdict, {**numbers, "sentence": sentence},
                       "Send a short cover letter with each application; yours get answered more often with one.",
                       strength=p)  # fmt: skip
    return Finding("resume", "working", {**numbers, "sentence": sentence}, _KEEP_RESUME)


def _version_finding(counts: Counts, window: int, details: dict[str, Any], p_raw: float, p: float) -> Finding:
    """The part's finding when the weakest test is one resume version against another (`p`: after Holm)."""
    with_k, with_n, without_k, without_n, _ = counts.letters
    verdict = verdict_of(p)
    weaker, better = details["weaker"], details["better"]
    numbers = {"weaker": weaker[0], "better": better[0], "p_value": p_raw, "p_holm": p,
               "adjusted": stats.mantel_haenszel(details["strata"]) if details["strata"] else None}  # fmt: skip
    if _letters_compared(counts):
        numbers["cover_letter"] = {"with_letter": [with_k, with_n], "without_letter": [without_k, without_n]}
    sentence = (
        f"Among applications that have had {window} days, resume {weaker[0]}:"
        f" {share_text(int(weaker[3]), int(weaker[2]))}; resume {better[0]}:"
        f" {share_text(int(better[3]), int(better[2]))}"
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
    return Finding("resume", "working", {**numbers, "sentence": sentence}, _KEEP_RESUME)


def _network(counts: Counts, scope: Scope) -> Finding:
    if not counts.recorded.referral:
        return not_recorded("network", ["referral"], (
            "Your log does not say which applications went through someone you know."))  # fmt: skip
    total = counts.total
    ref_k, ref_n, rest_k, rest_n, referred = counts.referrals
    share = referred / total if total else 0.0
    numbers = {"referral_share": share, "referrals": [ref_k, ref_n], "others": [rest_k, rest_n]}
    sentence = f"{referred} of {counted(total, 'application')} ({share:.0%}) went through a referral or a contact."
    if ref_n and rest_n:
        sentence += (f" Among those that have had {scope.window} days, referrals: {share_text(ref_k, ref_n)}; other"
                     f" channels: {share_text(rest_k, rest_n)}.")  # fmt: skip
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
        return not_recorded("targets", ["industry"], "Your log does not say which industry each application was in.")
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
    where = "; ".join(f"{t[1]}: {share_text(t[3], t[4])}" for t in best) or "the other industries together"
    share = applications / total if total else 0.0
    numbers = {"industry": industry, "share": share, "answered": [k, n], "others": [all_k - k, all_n - n],
               "p_value": p, "p_holm": p_holm, "where_answers_come_from": [t[1] for t in best]}  # fmt: skip
    verdict = verdict_of(p_holm)
    if verdict == "working":
        return Finding("targets", "working", {**numbers, "sentence": (
            f"No industry answers you clearly less than the others (the lowest: {industry},"
            f" {share_text(k, n)} of those that have had {window} days).")}, "Keep your targets.")  # fmt: skip
    return Finding(
        "targets",
        verdict,
        {**numbers, "sentence": (
            f"Among applications that have had {window} days, {industry}: {share_text(k, n)}, {share:.0%} of your"
            f" applications; all other industries: {share_text(all_k - k, all_n - n)}. Your answers come from"
            f" {where}.")},
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
            f"{counted(reached, 'application')} reached an interview; {settled} of them"
            f" {'has' if settled == 1 else 'have'} had {INTERVIEW_SETTLE_DAYS} days"
            f" to lead somewhere, and about {MIN_INTERVIEWS} are needed to see how interviews go.")},
            "Prepare each interview and note every round; the picture comes with a few more.")  # fmt: skip
    p = stats.always_valid_below_p(led_on, settled, floor)
    verdict = verdict_of(p)
    sentence = (
        f"{counted(reached, 'application')} reached an interview. Of the {settled} that have had"
        f" {INTERVIEW_SETTLE_DAYS} days,"
        f" {share_text(led_on, settled, what)}; in published hiring funnels at least {floor:.0%} do."
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
        return not_recorded("follow_up", ["follow_ups"], "Your log does not record any follow-up.")
    silent, followed = counts.habit
    due = counts.due_companies
    due_text = f"{counts.due_total} follow-ups due" + (
        ": "
        + ", ".join(f"{company or '?'}" for company in due[:COMPANIES_NAMED])
        + (" …" if counts.due_total > COMPANIES_NAMED else "")
        if due
        else ""
    )
    share = followed / silent if silent else 0.0
    numbers: dict[str, Any] = {"followed_up_share": share, "habit": [followed, silent], "due": counts.due_total}
    effect = analytics.follow_up_effect(scope, *counts.follow_up)
    fair = ""
    p = 1.0
    if effect is not None:
        yes, no = effect.followed_up, effect.not_followed_up
        numbers.update({"followed_up": yes, "not_followed_up": no})
        if yes["n"] >= MIN_GROUP and no["n"] >= MIN_GROUP:
            _, k_yes, _, k_no, _ = counts.follow_up  # the counts behind the two rates
            # the fair comparison: still silent on day 14, answered later with or without a follow-up
            p = stats.always_valid_lower_p([(k_no, no["n"] - k_no, k_yes, yes["n"] - k_yes)])
            numbers["p_value"] = p
            fair = (
                f" Of the applications still unanswered on day {analytics.FOLLOW_UP_LANDMARK}, followed up:"
                f" {share_text(k_yes, yes['n'], 'answered later')}; not followed up:"
                f" {share_text(k_no, no['n'], 'answered later')}"
                + (": following up measurably helped you." if p < FAIL_P else
                   ": a hint that following up helps you, not yet firm." if p < RISK_P else
                   ": this does not show whether following up helps you, either way.")
            )  # fmt: skip
    if silent < MIN_GROUP:
        return Finding("follow_up", "not enough data", {**numbers, "sentence": (
            f"{counted(silent, 'application')} {'was' if silent == 1 else 'were'} still unanswered a week after"
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


_PARTS: dict[str, Callable[[Counts, Scope], Finding]] = {
    "strategy": _strategy, "resume": _resume, "network": _network, "targets": _targets,
    "interviews": _interviews, "follow_up": _follow_up,
}  # fmt: skip


def decide(counts: Counts, scope: Scope) -> Diagnosis:
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
        findings = [not_recorded(area, ["outcomes"], NO_OUTCOMES) for area in AREAS]
    else:
        findings = [part(counts, scope) for part in _PARTS.values()]
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    findings.sort(key=lambda f: (order[f.verdict], f.strength))
    return Diagnosis(scope=scope, applications=counts.total, recorded=counts.recorded, findings=tuple(findings))
