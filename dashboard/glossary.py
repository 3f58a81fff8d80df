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
    # ---- advisor and database pages (roster, client review, database, upload)
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
