"""The words and small helpers that lay the analytics payloads out as frames (shared by the pages' data)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from dashboard import glossary
from pipelines.analyse import analytics, stats

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
METRIC_LABELS: dict[str, str] = {
    "response": "Response rate (censoring-aware)",
    "response_settled": "Response rate, settled applications only",
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


def _rates_frame(groups: Iterable[analytics.RateGroup], label: str) -> pd.DataFrame:
    """Long format: one row per (group, metric), columns group/metric/rate/low/high/n/..."""
    rows = []
    for entry in groups:
        entry_rates = entry.rates()
        for metric, key in RATE_KEYS.items():
            rows.append(
                {
                    label: _group_label(entry.group),
                    "metric": metric,
                    **_rate_columns(entry_rates[key]),
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
    ]
    return pd.DataFrame(rows, columns=columns)


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
