"""The words and small helpers that lay the analytics payloads out as frames (shared by the pages' data)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from dashboard import glossary
from pipelines.analyse import analytics, headline, stats
from pipelines.analyse.rates import RateCounts
from pipelines.analyse.recorded import HOW_TO_RECORD, Recorded

# the sidebar's `where` filters, in the order they are shown
WHERE_FIELDS: dict[str, str] = {"channel": "Channel", "industry": "Industry", "resume_version": "Resume version"}
# the per-group breakdowns the pages offer (an allowlist: analytics.GROUP_FIELDS holds more)
GROUP_CHOICES: dict[str, str] = {
    "resume_version": "Resume version",
    "channel": "Channel",
    "industry": "Industry",
    "role": "Role",
}
MAX_BARS = 15  # groups drawn per chart (the most applications first); the table holds them all
RATE_KEYS: dict[str, str] = {
    "response": "response_rate",
    "response_settled": "response_rate_settled",
    "callback": "callback_rate",
    "interview": "interview_rate",
    "offer": "offer_rate",
}
# the measure buttons and the rate axes: plain words (the definitions sit in the sidebar's Definitions)
METRIC_LABELS: dict[str, str] = {
    "response": "Response rate",
    "response_settled": "Response rate, settled only",
    "callback": "Callback rate",
    "interview": "Interview rate",
    "offer": "Offer rate",
}
# a log that records no answer at all (a LinkedIn export): what the screens say, and what to do
NO_OUTCOMES = analytics.NO_OUTCOMES
NO_OUTCOMES_NEXT = analytics.NO_OUTCOMES_NEXT
STALE_DAYS = analytics.STALE_DAYS
OUTCOME_MEASURES = analytics.OUTCOME_MEASURES
BLANK = "(blank)"
SMALL_LABEL = "small group: read with care"
ENOUGH_LABEL = "enough settled applications"
NO_APPLICATIONS_LABEL = "no applications"  # a week of the trend nobody applied in


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def as_text(
    frame: pd.DataFrame,
    *,
    percent: Iterable[str] = (),
    days: Iterable[str] = (),
    decimals: dict[str, int] | None = None,
    not_reached: Iterable[str] = (),
) -> pd.DataFrame:
    """A table's numbers as a person reads them: "28 %", "9 days", "0.018", and "–" for none (the
    grid would print "None" in a number column's empty cell). A median in `not_reached` that is none
    reads "not reached": fewer than half ever got there."""
    shown = frame.copy()
    unreached = set(not_reached)
    for name in percent:
        shown[name] = [headline.percent(None if _missing(v) else float(v)) for v in frame[name]]
    for name in days:
        empty = "not reached" if name in unreached else "–"
        shown[name] = [empty if _missing(v) else headline.days(float(v)) for v in frame[name]]
    for name, digits in (decimals or {}).items():
        shown[name] = ["–" if _missing(v) else f"{float(v):,.{digits}f}" for v in frame[name]]
    return shown


def _label(value: Any) -> str:
    """A group's stored value as shown: in words (`linkedin_easy_apply` → LinkedIn Easy Apply), blank as
    "(blank)". Only the label: a filter keeps the stored value."""
    return glossary.value(None if value is None else str(value), blank=BLANK)


def _group_label(group: dict[str, Any]) -> str:
    return " · ".join(_label(value) for value in group.values())


def _rate_columns(rate: dict[str, Any] | None) -> dict[str, Any]:
    rate = rate or {}
    return {"rate": rate.get("rate"), "low": rate.get("low"), "high": rate.get("high"), "n": rate.get("n")}


def _reliability(small: bool) -> str:
    return SMALL_LABEL if small else ENOUGH_LABEL


def _bar_text(metric: str, rate: dict[str, Any] | None, entry: RateCounts) -> str:
    """What a rate bar's end says: "3 of 4" ("answered so far" for the Kaplan-Meier rate, which has no
    denominator), and for a small group that it is too few to judge."""
    rate = rate or {}
    if rate.get("rate") is None:
        return ""
    if metric == "response":
        return headline.answered_text(entry.responses, entry.applications, entry.small)
    return headline.count_text(rate["rate"], rate.get("n"), entry.small, rate.get("low"), rate.get("high"))


def _rates_frame(groups: Iterable[analytics.RateGroup], label: str) -> pd.DataFrame:
    """Long format: one row per (group, metric), columns group/metric/rate/low/high/n/.../shown (the
    bar's words)."""
    rows = []
    for entry in groups:
        entry_rates = entry.rates()
        for metric, key in RATE_KEYS.items():
            rows.append(
                {
                    label: _group_label(entry.group),
                    "metric": metric,
                    **_rate_columns(entry_rates[key]),
                    "shown": _bar_text(metric, entry_rates[key], entry),
                    "applications": entry.applications,
                    "responses": entry.responses,
                    "pending": entry.pending,
                    "settled": entry.settled,
                    "small": entry.small,
                    "reliability": _reliability(entry.small),
                }
            )
    columns = [
        label,
        "metric",
        "rate",
        "low",
        "high",
        "n",
        "applications",
        "responses",
        "pending",
        "settled",
        "small",
        "reliability",
        "shown",
    ]
    return pd.DataFrame(rows, columns=columns)


def _headlines(groups: Iterable[analytics.RateGroup], by: str) -> dict[str, headline.Headline]:
    """Per measure, the sentence a chart of these groups states (pipelines/analyse/headline.py)."""
    wording = headline.WORDINGS[by]
    listed = list(groups)
    return {
        metric: headline.compare_rates(
            [headline.GroupRate.of(_group_label(entry.group), entry.rates()[key], entry.small) for entry in listed],
            wording,
            metric,
        )
        for metric, key in RATE_KEYS.items()
    }


def not_recorded(field: str, *, anywhere: bool = True) -> str:
    """A breakdown the log does not record (`anywhere` False: only these applications, the ones the
    filters leave, have it blank), in one sentence with what to do."""
    wording = headline.WORDINGS[field]
    if not anywhere:
        return f"None of the applications in view records its {wording.noun}, so there is nothing to compare."
    return (
        f"Your log does not record {wording.plural}, so there is nothing to compare by {wording.noun}. "
        f"Next: {HOW_TO_RECORD.get(field, 'fill in the column')}."
    )


def cross_title(cells: pd.DataFrame, rows: str, columns: str, metric: str) -> str:
    """A rows × columns table's title: what it shows and how much of it can be leaned on."""
    rated = cells[cells["rate"].notna()]
    enough = int((rated["reliability"] == ENOUGH_LABEL).sum())
    pairs = "pair" if len(rated) == 1 else "pairs"
    return (
        f"{METRIC_LABELS[metric]}, by {headline.WORDINGS[rows].noun} and {headline.WORDINGS[columns].noun}:"
        f" {len(rated)} {pairs} with a rate, {enough} of them with enough settled applications to judge"
    )


def cross_reason(cells: pd.DataFrame, rows: str, columns: str, recorded: Recorded | None = None) -> str | None:
    """Why a rows × columns table of rates would say nothing (None: it has something to show): a field
    the log does not record, every value blank, only one value on a side, or no pair with a rate."""
    names = {field: headline.WORDINGS[field] for field in (rows, columns)}
    for field in (rows, columns):
        if recorded is not None and field in HOW_TO_RECORD and not getattr(recorded, field):
            return (
                f"Your log does not record {names[field].plural}, so rates cannot be split by {names[rows].noun}"
                f" and {names[columns].noun}. Next: {HOW_TO_RECORD[field]}."
            )
    rated = cells[cells["rate"].notna()]
    if rated.empty:
        return f"No {names[rows].noun} and {names[columns].noun} pair has a rate yet."
    for field in (columns, rows):
        values = list(dict.fromkeys(rated[field]))
        if values == [BLANK]:
            return (
                f"None of these applications records its {names[field].noun}, so rates cannot be split by it."
                f" Next: {HOW_TO_RECORD.get(field, 'fill in the column')}."
            )
        if len(values) == 1:
            return (
                f"Every application with a rate has the same {names[field].noun} ({values[0]}): there is nothing"
                f" to split by {names[field].noun}."
            )
    return None


def _curve_frame(group: str, kind: str, curve: stats.KMCurve | None, small: bool) -> pd.DataFrame:
    """A Kaplan-Meier curve as rows (None or no times: none); it starts at day 0 with nobody answered."""
    columns = ["group", "kind", "day", "survival", "lower", "upper", "at_risk", "events", "censored", "reliability"]
    if curve is None or not curve.times:
        return pd.DataFrame(columns=columns)
    rows = [
        {
            "group": group,
            "kind": kind,
            "day": time,
            "survival": surv,
            "lower": low,
            "upper": high,
            "at_risk": at_risk,
            "events": events,
            "censored": censored,
            "reliability": _reliability(small),
        }
        for time, surv, low, high, at_risk, events, censored in zip(
            curve.times,
            curve.survival,
            curve.lower,
            curve.upper,
            curve.at_risk,
            curve.events,
            curve.censored,
            strict=True,
        )
    ]
    if rows[0]["day"] > 0:
        # a step curve is read from day 0, where by definition everyone is still waiting
        start = {**rows[0], "day": 0.0, "survival": 1.0, "lower": None, "upper": None, "events": 0, "censored": 0}
        rows.insert(0, start)
    return pd.DataFrame(rows, columns=columns)


# how an application ended, by the furthest stage it reached (the outcome chart's rows, in funnel order)
FURTHEST_WORDS: dict[str, str] = {
    "responded": "Answered",
    "screen": "Screen or assessment",
    "interview": "Interview",
    "offer": "Offer",
}
ENDING_WORDS: dict[str, str] = {
    "no_response": "no response",
    "pending": "still waiting (pending)",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "position_closed": "position closed",
    "no_further_answer": "no further answer",
    "still_open": "still open",
    "declined": "offer declined",
    "accepted": "offer accepted",
}


def _ending_row(level: int, stage: str, ending: str, count: int) -> dict[str, Any]:
    """One bar of the outcome chart: where the application got to, and how it ended there."""
    end = ENDING_WORDS.get(ending, glossary.value(ending))
    if ending == "accepted":
        row = "Offer accepted"
    elif level == 0:
        # never answered: the stage says nothing the ending does not
        row = f"No answer: {end}"
    else:
        joined = ", " if ending == "still_open" else ", then "
        row = f"{FURTHEST_WORDS.get(stage, glossary.value(stage))}{joined}{end}"
    return {"level": level, "ending": ending, "row": row, "count": count}


def _endings_frame(funnel: analytics.Funnel) -> pd.DataFrame:
    """How the applications ended, by the furthest stage reached: the flows from a stage into an end
    (pipelines/analyse/funnel.py), and the accepted offers (the last stage, which is its own end)."""
    stages = list(analytics.FUNNEL_STAGES)
    rows = []
    for flow in funnel.flows:
        if flow["to"] in stages:
            continue  # a step from one stage to the next, not an end
        ending = flow["to"].replace(" ", "_")  # "still open" is a word of the flows
        rows.append(_ending_row(stages.index(flow["from"]), flow["from"], ending, flow["count"]))
    accepted = next((stage.count for stage in funnel.stages if stage.stage == "accepted"), 0)
    if accepted:
        rows.append(_ending_row(stages.index("accepted"), "accepted", "accepted", accepted))
    frame = pd.DataFrame(rows, columns=["level", "ending", "row", "count"])
    return frame.sort_values(["level", "count"], ascending=[True, False], kind="stable", ignore_index=True)
