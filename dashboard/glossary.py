"""The words a person reads on the dashboard, in one place: table headers, area titles, value names.

A page never shows an identifier (`p_holm`, `median_days_to_response`, `follow_up`), `None` or `NaN`:
it shows the name here. `columns(frame)` gives `st.dataframe` the headers for a frame's columns;
`value(name)` the words for a stored value such as a channel or an area of the diagnosis.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

# ---------------------------------------------------------------- table headers, by frame column
COLUMN_LABELS: dict[str, str] = {
    # shared
    "applications": "Applications",
    "settled": "Had the whole window",
    "reliability": "Reliability",
    "rate": "Rate",
    "low": "95 % from",
    "high": "95 % to",
    "n": "Out of",
    "client": "Client",
    "company": "Company",
    "role": "Role",
    "applied_on": "Applied on",
    # ---- analyses pages (resume, channels, timing, follow-ups)
    "group": "Group",
    "channel": "Channel",
    "industry": "Industry",
    "resume_version": "Resume version",
    "responses": "Answered",
    "pending": "Pending",
    "variant": "Version",
    "successes": "Reached it",
    "prob_best": "Chance it is the best",
    "a": "Version A",
    "b": "Version B",
    "difference": "A minus B",
    "p_value": "p (Fisher's exact test)",
    "p_holm": "p, Holm-adjusted",
    "adjusted_odds_ratio": "Odds ratio, adjusted",
    "adjusted_p": "p, adjusted",
    "needed_per_variant": "Needed per version",
    "warning": "Warning",
    "median_days_to_response": "Median days to an answer",
    "median_low": "Median from (days)",
    "median_high": "Median to (days)",
    "median_days_to_rejection": "Median days to a rejection",
    "ghosting_rate": "Never answered",
    "ghosting_low": "Never answered, 95 % from",
    "ghosting_high": "Never answered, 95 % to",
    "undated_responses": "Answers without a date",
    "undated_rejections": "Rejections without a date",
    "priority": "Priority",
    "age_days": "Days since applying",
    "last_interview_on": "Last interview on",
    "reason": "Why now",
    # ---- advisor and database pages (roster, client review, database, upload)
    "display_name": "Client",
    "advisor": "Advisor",
    "status": "Status",
    "metric": "Rate",
    "percentile": "Percentile",
    "others": "Clients compared",
    "min": "Caseload min",
    "p25": "25th pct",
    "median": "Median",
    "p75": "75th pct",
    "max": "Caseload max",
    "first_applied_on": "First applied on",
    "last_applied_on": "Last applied on",
    "run_id": "Load",
    "file": "File",
    "source": "Source",
    "rows_read": "Rows read",
    "inserted": "Inserted",
    "updated": "Updated",
    "unchanged": "Unchanged",
    "rejected": "Rejected",
    "skipped": "Skipped",
    "started_at": "Started",
    "message": "Message",
    "field": "Field",
    "column": "Column in the file",
    "format": "Format",
    "order": "Day/month order",
    "decided_by": "Decided by",
    "distinct_values": "Distinct values",
    "unreadable_values": "Unreadable values",
    "year_inferred": "Year inferred",
    "text": "Text in the file",
    "read as": "Read as",
    "via": "Via",
    "how": "How",
    "rows": "Rows",
    "line": "Line",
    "value": "Value",
}

# ---------------------------------------------------------------- stored values, as words
VALUE_WORDS: dict[str, str] = {
    # channels
    "job_board": "job board",
    "company_site": "company site",
    "linkedin_easy_apply": "LinkedIn Easy Apply",
    # areas of the diagnosis
    "follow_up": "follow-ups",
}


def label(name: str) -> str:
    """The header for a column: its glossary entry, else the name with its underscores as spaces."""
    return COLUMN_LABELS.get(name, name.replace("_", " "))


def value(name: str | None, blank: str = "–") -> str:
    """A stored value as words (a channel, a stage, an area); `blank` for none."""
    if name is None:
        return blank
    return VALUE_WORDS.get(name, name.replace("_", " "))


def columns(names: Iterable[str], **overrides: Any) -> dict[str, Any]:
    """`st.dataframe(column_config=...)` for these columns: each under its glossary header; a name in
    `overrides` takes that column config instead (a NumberColumn with a format, say)."""
    config: dict[str, Any] = {name: st.column_config.Column(label(name)) for name in names}
    config.update(overrides)
    return config
