"""Small drawing helpers the pages share: escaping, empty states, errors, verdict cards.

Everything a user's file can put on screen (company names, resume versions, channels) goes through
`md()` before it reaches markdown, so a value is shown as written and never becomes a link, an image,
a heading or a colour directive. HTML is never enabled (no `unsafe_allow_html`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import pandas as pd
import streamlit as st

from dashboard import data, glossary
from dashboard.data import BouncebackError

T = TypeVar("T")

EMPTY_MESSAGE = "No applications yet — load a file (`bounceback ingest FILE`) or run `make demo`."
NO_MATCH_MESSAGE = "No applications match the filters in the sidebar. Widen the dates or clear a filter."

# every character with a meaning in Streamlit markdown: CommonMark punctuation, `$` (LaTeX),
# `:` (emoji shortcodes and :color[...] directives), `~` (strikethrough)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])")

AREA_TITLES = {
    "strategy": "Strategy — channel mix and pace",
    "resume": "Resume — versions and cover letters",
    "network": "Network — referrals",
    "targets": "Targets — industries",
    "interviews": "Interviews",
    "follow_up": "Follow-ups",
}
# colour is never the only signal: each verdict has its own word and icon too
# the badge colours st.badge takes that the verdicts use
BadgeColour = Literal["red", "orange", "blue", "gray"]
VERDICT_STYLE: dict[str, tuple[BadgeColour, str]] = {
    "failing": ("red", ":material/error:"),
    "at risk": ("orange", ":material/warning:"),
    "working": ("blue", ":material/check_circle:"),
    "not enough data": ("gray", ":material/help:"),
    "not recorded": ("gray", ":material/visibility_off:"),
}
# said under a "not recorded" verdict: why the part is not judged
NOT_RECORDED_EXPLAINED = (
    "Not recorded: your log does not hold what this part reads, so it is not judged. Unknown is not “no”:"
    " the next step says what to add."
)
# a card's value when the log records no outcomes ("no outcomes recorded" does not fit a card; the
# notice above the cards says it in full, with the next step)
NOT_RECORDED_VALUE = "not recorded"
# the measures that cannot be told without recorded outcomes (pending: "no answer yet" needs them too)
_NEEDS_OUTCOMES = {*data.OUTCOME_MEASURES, "pending"}


def md(value: Any) -> str:
    """A value as literal markdown text: special characters escaped, line breaks flattened."""
    text = "" if value is None else str(value)
    text = " ".join(text.splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}%}"


def interval(low: float | None, high: float | None) -> str:
    # a table cell holds NaN where the payload said null (no rate): the same "–"
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return "–"
    return f"{pct(low)}–{pct(high)}"


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame as a table shows it: a missing text reads "–", never "None" (a missing number stays empty,
    drawn by its column's format)."""
    text = [name for name in frame.columns if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name])]
    if not text:
        return frame
    shown = frame.copy()
    for name in text:
        shown[name] = shown[name].astype(object).where(shown[name].notna(), "–")
    return shown


def days(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.0f} days"


BUSY_MESSAGE = (
    "The database is being updated by another bounceback process (a load from the command line)."
    " This page shows the new data once it is done."
)


def _stop_while_busy() -> None:
    """A load in another process holds the file: say so, offer a rerun, and end this one."""
    st.info(BUSY_MESSAGE, icon=":material/hourglass_top:")
    st.button("Try again", key="busy_try_again")  # a click is a rerun
    st.stop()


def open_source() -> data.Source:
    """The database and its content version; on failure an error on the page and the run stops."""
    try:
        return data.source()
    except data.DatabaseBusy:
        _stop_while_busy()
        raise  # unreachable: st.stop() ends the run; keeps type checkers honest
    except BouncebackError as e:
        st.error(f"The database cannot be opened: {md(e)}")
        st.stop()
        raise


def fetch(function: Callable[..., T], *args: Any) -> T:
    """Call a data.* function; a database or input error becomes a message instead of a traceback."""
    try:
        return function(*args)
    except data.DatabaseBusy:
        _stop_while_busy()  # the load began after this rerun opened the source
        raise
    except BouncebackError as e:
        st.error(f"The analysis failed: {md(e)}")
        st.stop()
        raise


def require(src: data.Source, result: T | None) -> T:
    """The analysis, or (None: no application in scope) say why - an empty database, or filters too
    narrow - and stop the page."""
    if result is not None:
        return result
    status = fetch(data.status, src)
    st.info(EMPTY_MESSAGE if status.applications == 0 else NO_MATCH_MESSAGE)
    st.stop()
    raise AssertionError("st.stop() returns only outside a running app")


def scope_caption(filters: data.Filters) -> None:
    parts = [f"as of {filters.as_of.isoformat()}", f"{filters.window}-day response window"]
    if filters.client is not None:
        parts.append(f"client {md(filters.client)}")
    if filters.applied_from or filters.applied_to:
        start = filters.applied_from.isoformat() if filters.applied_from else "…"
        end = filters.applied_to.isoformat() if filters.applied_to else "…"
        parts.append(f"applied {start} to {end}")
    parts.extend(f"{md(data.WHERE_FIELDS.get(name, name).lower())} = {md(value)}" for name, value in filters.where)
    st.caption(" · ".join(parts))


def finding(item: data.Finding) -> None:
    """One diagnosis finding: verdict badge, the part judged, the evidence sentence, the next step."""
    colour, icon = VERDICT_STYLE.get(item.verdict, ("gray", ":material/help:"))
    with st.container(border=True):
        st.badge(item.verdict.upper(), icon=icon, color=colour)
        st.markdown(f"**{md(AREA_TITLES.get(item.area, item.area))}**")
        st.markdown(md(item.evidence.get("sentence", "")))
        st.markdown(f"**Next:** {md(item.action)}")
        if item.verdict == "not recorded":
            st.caption(NOT_RECORDED_EXPLAINED)


# ---------------------------------------------------------------- the headline numbers


def no_outcomes_notice() -> None:
    """The log records no answer at all: say so, and what to do, where the rates would be."""
    st.warning(f"**{data.NO_OUTCOMES.capitalize()}.** {md(data.NO_OUTCOMES_NEXT)}", icon=":material/visibility_off:")


def measure_card(measures: data.Measures, name: str) -> None:
    """One headline number (analytics.Measures, `name` one of its measures) under its label, which states
    its definition. The label is written out in full above the number (a metric's own label is cut to one line)."""
    label = md(measures.labels()[name])
    value, help_text, notes = _card_text(measures, name)
    with st.container(border=True, height="stretch"):
        st.markdown(f"**{label}**", help=help_text)
        st.metric(label, value, label_visibility="collapsed")
        for note in notes:
            st.caption(note)


def _card_text(measures: data.Measures, name: str) -> tuple[str, str | None, list[str]]:
    """(value, help, notes under the value) of one card."""
    if name in _NEEDS_OUTCOMES and not measures.outcomes_recorded:
        return NOT_RECORDED_VALUE, None, []
    if name == "response_rate":
        rate = measures.response_rate
        help_text = (
            "Chance of any answer (a rejection included) within the response window, Kaplan–Meier: an"
            " application without an answer yet counts for the days it has had. “Too early”: no application"
            " has had the whole window yet."
        )
        value = "too early" if rate["rate"] is None else pct(rate["rate"])
        return value, help_text, [f"95 % interval {interval(rate['low'], rate['high'])}"]
    if name == "response_rate_settled":
        rate = measures.response_rate_settled
        help_text = "The share of the applications that have had the whole window that were answered within it."
        return (
            pct(rate["rate"]),
            help_text,
            [f"of {count(rate['n'], 'application')}; 95 % interval {interval(rate['low'], rate['high'])}"],
        )
    notes = []
    if name == "answered" and measures.answered_share is not None:
        notes.append(f"{pct(measures.answered_share)} of applications, at any time")
    return f"{getattr(measures, name):,}", None, notes  # a count: applications, answered, pending, ...


def measure_cards(measures: data.Measures, names: tuple[str, ...], per_row: int = 3) -> list[Any]:
    """Cards for the named measures, `per_row` to a row; returns the spare columns of the last row."""
    columns: list[Any] = []
    for _row in range(-(-len(names) // per_row)):
        columns.extend(st.columns(per_row))
    for column, name in zip(columns, names, strict=False):
        with column:
            measure_card(measures, name)
    return columns[len(names) :]


# ---------------------------------------------------------------- writing: messages that survive a rerun

FLASH_KEY = "flash_message"


def flash(text: str) -> None:
    """Keep a success message for the next run (after st.rerun the page shows it once)."""
    st.session_state[FLASH_KEY] = text


def show_flash() -> None:
    text = st.session_state.pop(FLASH_KEY, None)
    if text:
        st.success(text, icon=":material/check_circle:")


def paged(frame: Any, key: str, size: int = 25, columns: list[str] | None = None) -> Any:
    """Draw one page of a table with a page chooser, `columns` (all when None) under their glossary
    headers; return the rows shown (every column: a form below may need the hidden ones)."""
    pages = max(1, -(-len(frame) // size))
    page = 1
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=key))
    shown = frame.iloc[(page - 1) * size : page * size]
    order = list(frame.columns) if columns is None else columns
    st.dataframe(shown, hide_index=True, column_order=order, column_config=glossary.columns(order))
    return shown


def application_label(row: Any) -> str:
    """An application as one line of plain text (selectbox options are not markdown)."""
    parts = [str(row.get("company") or "–"), str(row.get("role") or "–"), f"applied {row.get('applied_on')}"]
    if row.get("client") is not None:
        parts.append(str(row["client"]))
    return " · ".join(" ".join(part.splitlines()) for part in parts)


def _record(src: data.Source, application_id: str, label: str, event: str, occurred_on: dt.date | None) -> None:
    try:
        data.record_outcome(src, application_id, event, occurred_on)
    except BouncebackError as e:
        st.error(md(e))
    else:
        flash(f"Recorded: {md(event.replace('_', ' '))} on {occurred_on} for {md(label)}.")
        st.rerun()


def _choose_application(applications: Any, key: str) -> tuple[str, str]:
    labels = {row["application_id"]: application_label(row) for row in applications.to_dict("records")}
    application_id = st.selectbox("Application", list(labels), format_func=labels.__getitem__, key=f"{key}_app")
    return application_id, labels[application_id]


def outcome_form(src: data.Source, applications: Any, key: str) -> None:
    """Pick an application of `applications` (a frame with application_id, company, role, applied_on),
    an event and a date, and record it. Bad input (a date before the application) is shown, not raised."""
    if applications.empty:
        return
    application_id, label = _choose_application(applications, key)
    _event_inputs(src, application_id, label, key)


def followup_actions(src: data.Source, due: Any, key: str) -> None:
    """For an application due a follow-up: mark the follow-up as sent today, or record what happened."""
    if due.empty:
        return
    application_id, label = _choose_application(due, key)
    if st.button("I followed up today", key=f"{key}_followed_up", icon=":material/forward_to_inbox:"):
        _record(src, application_id, label, "follow_up", dt.date.today())
    _event_inputs(src, application_id, label, key)


def _event_inputs(src: data.Source, application_id: str, label: str, key: str) -> None:
    left, right = st.columns(2)
    event = left.selectbox(
        "What happened", data.EVENT_CHOICES, format_func=lambda name: name.replace("_", " "), key=f"{key}_event"
    )
    today = dt.date.today()
    occurred_on = right.date_input("On", value=today, max_value=today, key=f"{key}_date")
    if st.button("Record it", key=f"{key}_record", icon=":material/add_task:"):
        _record(src, application_id, label, event, occurred_on)


DEFINITIONS = f"""
**Response**: any reply from the employer, a rejection included. **Callback**: an invitation to a
screen, an assessment or an interview.

**Pending**: no response yet and younger than the response window. Not a failure.
**No response**: older than the window and never answered. **No further answer**: an answer (or an
offer) followed by nothing for {data.STALE_DAYS} days or more; it is no longer in progress.

**Settled**: applied at least the window's number of days ago; its answer (or silence) is in.

**Answered**, **reached a screen, assessment or interview**, **reached an interview**, **offers**: the
applications whose history got that far, at any time (the funnel's counts, the same on every page).

**Response rate (censoring-aware)**: the Kaplan–Meier probability of a response within the window,
counting recent applications for the days they have had. Empty while no application has had the
whole window. **Settled-only rate**: the share of settled applications answered within the window.

Every rate comes with its 95 % interval. **Faded** groups have fewer than 10 settled applications.

**Failing** (strategy health) needs evidence that stays valid however often you look (a search with
nothing wrong is called failing less than 5 % of the time, weekly looks included); **at risk** is a
weaker signal: check again. **Not recorded**: the log does not hold what a part reads (no outcomes,
no Referral column …), so it is not judged.
"""


def definitions() -> None:
    """The definitions, one click away on every page."""
    with st.sidebar.popover("Definitions", icon=":material/help:"):
        st.markdown(DEFINITIONS)


# ---------------------------------------------------------------- who is looking


def gate() -> data.Viewer | None:
    """Behind a login (an [auth] section in the secrets): no page before signing in, nothing for a
    signed-in person without a grant. Returns the viewer; None when the database cannot be opened
    (the page says why, and shows nothing). Identity comes from st.user only."""
    try:
        configured = data.auth_configured()
    except BouncebackError as e:
        st.error(md(e))
        st.stop()
    if configured and data.signed_in_email() is None:
        st.title("bounceback")
        st.markdown("Sign in to see the job searches you work on.")
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
        if st.user.get("is_logged_in"):
            st.warning("Your identity provider did not give a verified e-mail address, which access is granted to.")
        st.stop()
    try:
        viewer = data.source().viewer
    except BouncebackError:
        return None
    if configured:
        with st.sidebar:
            st.caption(f"Signed in as {md(viewer.principal)} ({viewer.role})")
            st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign_out")
        if viewer.role == "none":
            st.title("No access yet")
            st.markdown(
                f"You are signed in as **{md(viewer.principal)}**, but no client has been shared with you. "
                "Ask the person who runs bounceback to grant you access "
                "(`bounceback access grant EMAIL --role advisor --client CLIENT`)."
            )
            st.stop()
    return viewer
