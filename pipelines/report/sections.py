"""The report's sections without a chart: the header, the headline numbers, the diagnosis, the
follow-ups due, the advisor's notes, the client beside the caseload, and the definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipelines.advisors.clients import ClientRecord, Note
from pipelines.advisors.roster import CaseloadComparison
from pipelines.analyse import analytics
from pipelines.analyse.diagnosis import Diagnosis
from pipelines.analyse.scope import SMALL_GROUP, Scope
from pipelines.report.text import (
    DASH,
    MAX_TABLE_ROWS,
    NOT_RECORDED,
    TOO_EARLY,
    esc,
    finite,
    percent,
    rate_text,
    table,
    when,
)

VERDICT_CLASSES = {"failing": "failing", "at risk": "risk", "working": "working", "not enough data": "unknown",
                   "not recorded": "unknown"}  # fmt: skip


def header(record: ClientRecord, scope: Scope, generated_at: dt.datetime) -> str:
    """The client's name and facts, and the scope the numbers are for."""
    name = esc(record.display_name, record.client)
    facts = [
        ("Client", esc(record.client)),
        ("Advisor", esc(record.advisor)),
        ("Status", esc(record.status)),
        ("Started", esc(record.started_on)),
        ("Target roles", esc(record.target_roles)),
        ("Target industries", esc(record.target_industries)),
    ]
    scope_facts = [
        ("As of", esc(scope.as_of.isoformat())),
        ("Response window", f"{scope.window} days"),
    ]
    if scope.applied_from is not None or scope.applied_to is not None:
        applied = f"{esc(scope.applied_from and scope.applied_from.isoformat(), 'start')} to " + esc(
            scope.applied_to and scope.applied_to.isoformat(), "as-of date"
        )
        scope_facts.append(("Applied", applied))
    if scope.where:
        scope_facts.append(("Only", "; ".join(f"{esc(k)} = {esc(v)}" for k, v in scope.where.items())))
    scope_facts.append(("Generated", when(generated_at)))

    def facts_list(items: list[tuple[str, str]]) -> str:
        return "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in items)

    return (
        f'<header><p class="kicker">Job-search report</p><h1>{name}</h1>'
        f'<dl class="facts">{facts_list(facts)}</dl><dl class="facts scope">{facts_list(scope_facts)}</dl></header>'
    )


def _card(label: str, rate: dict[str, Any] | None, empty: str, note: str) -> tuple[str, str, str]:
    """A headline card for a rate: the rate large, its interval and meaning below."""
    if not rate or finite(rate.get("rate")) is None:
        return label, empty, note
    low, high = finite(rate.get("low")), finite(rate.get("high"))
    interval = f"95% interval {percent(low)}{DASH}{percent(high)}; " if low is not None and high is not None else ""
    return label, percent(rate["rate"]), interval + note


def headline(measures: analytics.Measures) -> str:
    """The headline numbers (analytics.measures), each under the label that states its definition."""
    labels = measures.labels()
    window = measures.window
    if not measures.applications:
        cards = [
            (labels["applications"], "0", "nothing loaded for this client yet"),
            ("Response rate", DASH, "no applications yet"),
        ]
    elif not measures.outcomes_recorded:
        cards = [(labels["applications"], f"{measures.applications:,}", "")]
        cards += [(labels[name], NOT_RECORDED, "") for name in ("response_rate", "answered", "interviews")]
    else:
        share = measures.answered_share
        settled = measures.response_rate_settled
        cards = [
            (labels["applications"], f"{measures.applications:,}", ""),
            _card(labels["response_rate"], measures.response_rate, TOO_EARLY, "Kaplan–Meier"),
            _card(labels["response_rate_settled"], settled, DASH, f"of {settled['n']:,} applications"),
            (
                labels["answered"],
                f"{measures.answered:,}",
                "" if share is None else f"{percent(share)} of applications",
            ),
            (labels["callbacks"], f"{measures.callbacks:,}", ""),
            (labels["interviews"], f"{measures.interviews:,}", ""),
            (labels["offers"], f"{measures.offers:,}", ""),
            (labels["pending"], f"{measures.pending:,}", "still within the window: not failures"),
            (labels["settled"], f"{measures.settled:,}", f"have had the full {window} days"),
        ]
    body = "".join(
        f'<div class="card"><div class="label">{esc(label)}</div><div class="value">{esc(value)}</div>'
        f'<div class="sub">{esc(sub, "")}</div></div>'
        for label, value, sub in cards
    )
    notice = ""
    if measures.applications and not measures.outcomes_recorded:
        notice = (
            f'<p class="note"><strong>{esc(NOT_RECORDED.capitalize())}.</strong> {esc(analytics.NO_OUTCOMES_NEXT)}</p>'
        )
    return f'<section id="headline"><h2>Headline numbers</h2><div class="cards">{body}</div>{notice}</section>'


def diagnosis_section(result: Diagnosis) -> str:
    """Every finding of the diagnosis: the part, its verdict, the evidence and the next step."""
    parts = ['<section id="diagnosis"><h2>Diagnosis</h2>']
    if result.no_data:
        parts.append('<p class="empty">No applications yet: every part of the search needs data first.</p>')
    parts.append(
        "<p>Six parts of the search, each compared with the client's own other channels, versions, industries and "
        "stages. Most severe first.</p>"
    )
    for finding in result.findings:
        verdict = finding.verdict
        css = VERDICT_CLASSES.get(verdict, "unknown")
        sentence = finding.evidence.get("sentence")
        action = finding.action
        parts.append(
            f'<div class="finding {css}"><h3>{esc(finding.area.replace("_", " ").capitalize())} '
            f'<span class="verdict {css}">{esc(verdict)}</span></h3>'
            f'<p class="evidence">{esc(sentence)}</p>'
            f'<p class="action"><strong>Next step:</strong> {esc(None if action in (None, "-") else action)}</p></div>'
        )
    parts.append("</section>")
    return "".join(parts)


def followups_section(result: analytics.Followups) -> str:
    """The follow-ups due now, the most urgent first."""
    parts = ['<section id="followups"><h2>Follow-ups due</h2>']
    due = result.due
    if not due:
        parts.append('<p class="empty">No follow-up is due.</p></section>')
        return "".join(parts)
    parts.append(
        "<p>Unanswered applications one to two weeks old (or older, within the window and two weeks) with no "
        "follow-up yet, and interviews with no news for a week. Most urgent first.</p>"
    )
    rows = [[esc(d.company), esc(d.role), esc(d.applied_on), esc(d.reason)]
            for d in due[:MAX_TABLE_ROWS]]  # fmt: skip
    parts.append(table(["Company", "Role", "Applied", "Why now"], rows))
    if len(due) > MAX_TABLE_ROWS:
        parts.append(f'<p class="note">The {MAX_TABLE_ROWS} most urgent are listed; more are due.</p>')
    parts.append("</section>")
    return "".join(parts)


def notes_section(notes: list[Note]) -> str:
    """The advisor's notes, newest first."""
    parts = ['<section id="notes"><h2>Advisor notes</h2>']
    if not notes:
        parts.append('<p class="empty">No notes yet.</p></section>')
        return "".join(parts)
    parts.append('<ol class="notes">')
    for note in notes:  # list_notes gives them newest first
        parts.append(
            f'<li><div class="note-meta">{esc(note.noted_on)} · {esc(note.author)}</div>'
            f'<div class="note-body">{esc(note.body)}</div></li>'
        )
    parts.append("</ol></section>")
    return "".join(parts)


def caseload_section(result: CaseloadComparison, has_data: bool, recorded: bool = True) -> str:
    """The client's rates beside the caseload's (median and middle half), or why there is no comparison."""
    parts = ['<section id="caseload"><h2>Compared with the caseload</h2>']
    if not result.available:
        reason = result.reason or "no comparison is available"
        parts.append(f'<p class="empty">No comparison: {esc(reason)}.</p></section>')
        return "".join(parts)
    whose = "of the same advisor" if result.advisor is not None else "you can see"
    parts.append(
        f"<p>The client's rates beside those of {result.compared_clients} other clients {whose} with at least "
        f"{SMALL_GROUP} settled applications (median, and the middle half: 25th to 75th percentile).</p>"
    )
    rows = []
    for row in result.rates:
        spread = row.distribution
        middle = (f"{percent(spread['median'])} ({percent(spread['p25'])}{DASH}{percent(spread['p75'])})"
                  if spread else DASH)  # fmt: skip
        percentile = finite(row.percentile)
        position = DASH if percentile is None else f"above {percentile:.0f}% of them"
        rate = {"rate": row.rate, "low": row.low, "high": row.high}
        if has_data and not recorded:
            own = esc(NOT_RECORDED)
        elif has_data:
            own = rate_text(rate, TOO_EARLY) + (' <span class="flag">small</span>' if row.small else "")
        else:
            own = DASH  # no applications: nothing to compare, not "too early"
        rows.append([esc(row.label), own, middle, position])
    parts.append(table(["Rate", "This client (95%)", "Caseload median (middle half)", "Position"], rows))
    parts.append("</section>")
    return "".join(parts)


def definitions(window: int) -> str:
    """Short definitions of the words the numbers use."""
    items = [
        ("Response", "any reply from the employer, a rejection included."),
        ("Callback", "an invitation to a screen, an assessment or an interview."),
        ("Pending", f"no response yet and younger than the {window}-day window. Pending is not a failure: "
                    "the employer still has time."),
        ("Settled", f"applied at least {window} days before the as-of date: the application has had its full "
                    "window. Callback and step-conversion rates count settled applications only."),
        ("Censoring-aware response rate", f"the chance of a response within {window} days (Kaplan–Meier). Each "
         "unanswered application counts for the days it has had, so recent applications are neither ignored nor "
         "counted as failures. “Too early” means no application in the group has had the whole window yet."),
        ("95% interval", "the range the true rate very likely lies in, given how few applications there are. "
                         "Wide intervals mean: not much is known yet."),
        ("Small group", f"fewer than {SMALL_GROUP} settled applications. Its rates are shown faded and flagged: "
                        "read them with care."),
        ("Answered, reached an interview, offers", "the applications whose history got that far, at any time: "
         "the funnel's counts."),
        ("No further answer", f"an answer or an offer followed by nothing for {analytics.STALE_DAYS} days or "
                              "more: no longer in progress."),
        ("Verdicts", "failing: a strict test supports it; at risk: a weaker signal, check again; working; "
                     "not enough data: too few applications to tell; not recorded: the log does not hold what "
                     "the part reads, so it is not judged."),
    ]  # fmt: skip
    body = "".join(f"<div><dt>{term}</dt><dd>{text}</dd></div>" for term, text in items)
    return f'<section id="definitions"><h2>Definitions</h2><dl class="definitions">{body}</dl></section>'
