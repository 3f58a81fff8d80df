"""Small drawing helpers the pages share: escaping, empty states, errors, verdict cards.

Everything a user's file can put on screen (company names, resume versions, channels) goes through
`md()` before it reaches markdown, so a value is shown as written and never becomes a link, an image,
a heading or a colour directive. HTML is never enabled (no `unsafe_allow_html`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

import pandas as pd
import streamlit as st

from dashboard import data, glossary
from dashboard.data import BouncebackError

T = TypeVar("T")

EMPTY_MESSAGE = "No applications yet: load your log of applications to see how your search is going."
# the Database page, where a file is loaded (the path st.navigation knows it by)
DATA_PAGE = Path(__file__).resolve().parent / "app_pages" / "data.py"
# what the importer reads (docs/importing.md), in a person's words
WHAT_TO_LOAD = (
    "**What to load:** your own spreadsheet of applications (CSV or XLSX, one row per application with the"
    " date you applied and the company or the role), or what a job tracker exports: LinkedIn (the data"
    " export's .zip, or its Job Applications.csv), Huntr, Simplify, JobSync or JustAJobApp. You see what"
    " would be loaded before anything is written."
)
TEMPLATE_HELP = (
    "The template: one row per application. Only the date you applied and the company or the role are"
    " needed; the other columns (channel, resume version, status, dates of answers and interviews) make"
    " more of the search readable."
)
# the sample searches open in a dashboard of their own, on a database of their own (Makefile `demo`)
SAMPLES_HOW = (
    "**Just looking?** See six sample searches first: in a terminal, in the bounceback folder, run `make demo`."
    " It loads them into a database of their own (never yours) and opens a dashboard on them in your"
    " browser, on port 8501 (`make demo DEMO_PORT=8502` when this dashboard already uses that port)."
)
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


# what a table draws in a cell without a value: the grid's own default is a grey "None"
MISSING = "–"


def _numbers(values: pd.Series) -> bool:
    """An object column that holds numbers (and gaps): a number column with a missing value in it."""
    present = values.dropna()
    return len(present) > 0 and all(isinstance(value, int | float) and not isinstance(value, bool) for value in present)


def shown(frame: pd.DataFrame, numbers: tuple[str, ...] = ()) -> pd.DataFrame:
    """A frame as a table shows it: a missing text reads "–", never "None". A number column stays
    numbers, its gaps missing (its format still applies to the others; `table()` draws a gap as "–"):
    also one that arrived as objects, and `numbers`, the columns configured as numbers however empty."""
    shown = frame.copy()
    for name in frame.columns:
        values = frame[name]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        if name in numbers or _numbers(values):
            # a "–" in a number column would be an error cell; missing, it is the placeholder
            shown[name] = pd.to_numeric(values.astype(object).where(values.notna(), None), errors="coerce")
        else:
            shown[name] = values.astype(object).where(values.notna(), "–")
    return shown


def _number_columns(config: Any) -> tuple[str, ...]:
    """The columns a column_config draws as numbers (a number or a progress bar)."""
    return tuple(
        str(name)
        for name, column in (config or {}).items()
        if isinstance(column, dict) and (column.get("type_config") or {}).get("type") in ("number", "progress")
    )


def table(frame: Any, **options: Any) -> Any:
    """st.dataframe of `frame` as shown(): no cell reads "None" or "nan", whatever its type. The grid
    draws a missing value (a number's too) as its placeholder, so the placeholder is set here; number
    formats from column_config apply to every other cell. Returns what st.dataframe returns."""
    if isinstance(frame, pd.DataFrame):
        frame = _rounded(shown(frame, _number_columns(options.get("column_config"))))
    return st.dataframe(frame, placeholder=MISSING, **options)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Fractions to 3 decimals: the grid paints a cell by its column's format, but the accessible grid a
    screen reader reads holds the value itself (0.15384615384615385). No format shows more than 3."""
    floats = [name for name in frame.columns if pd.api.types.is_float_dtype(frame[name])]
    if not floats:
        return frame
    rounded = frame.copy()
    rounded[floats] = rounded[floats].round(3)
    return rounded


def published(item: data.Published) -> None:
    """A figure from a published study, marked as context so it is never read as the person's own
    number or as a verdict (docs/published.md)."""
    st.caption(f":material/menu_book: {md(item.sentence)} Source: {md(item.source)}.")


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
    if status.applications == 0:
        empty_state()
    else:
        st.info(NO_MATCH_MESSAGE)
    st.stop()
    raise AssertionError("st.stop() returns only outside a running app")


def empty_state(message: str = EMPTY_MESSAGE, on_data_page: bool = False) -> None:
    """Nothing loaded yet: what to load, where (the Database page), the template, and the samples."""
    st.info(message, icon=":material/upload_file:")
    st.markdown(WHAT_TO_LOAD)
    if on_data_page:
        # the uploader and the template's own button are further down this page
        st.markdown("Load it under **Load a file** below; the template to fill in is under **Downloads**.")
    else:
        st.page_link(DATA_PAGE, label="Load a file on the Database page", icon=":material/upload:")
        st.download_button(
            "Download the template (CSV)",
            data.template_csv(),
            file_name="template.csv",
            mime="text/csv",
            icon=":material/download:",
            key="empty_template",
            help=TEMPLATE_HELP,
        )
    st.markdown(SAMPLES_HOW)
    st.caption("From a terminal, `bounceback ingest FILE` loads a file the same way.")


def client_name(client: str, names: dict[str, str]) -> str:
    """A client as a person reads them: the display name, else the id with its underscores as spaces."""
    name = names.get(client) or client
    return name.replace("_", " ") if name == client else name


def scope_caption(filters: data.Filters, src: data.Source | None = None) -> None:
    """The scope in one line: date, window, client (by name), applied dates and filters."""
    parts = [f"as of {filters.as_of.isoformat()}", f"{filters.window}-day response window"]
    if filters.client is not None:
        # the names are cached per content version; the page has opened the source already
        names = fetch(data.display_names, src if src is not None else open_source())
        parts.append(f"client {md(client_name(filters.client, names))}")
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
    table(shown, hide_index=True, column_order=order, column_config=glossary.columns(order))
    return shown


def _written(value: Any) -> str:
    """A cell as one line of text; "" for none (None, NaN, blank)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def application_label(row: Any, names: dict[str, str] | None = None) -> str:
    """An application as one line of plain text (selectbox options are not markdown): the company when
    the log names one, the role, the applied date; the client (by name) when `names` is given."""
    applied = _written(row.get("applied_on"))
    parts = [_written(row.get("company")), _written(row.get("role")),
             f"applied {applied}" if applied else "applied on a day unknown"]
    if names is not None and _written(row.get("client")):
        parts.append(client_name(_written(row.get("client")), names))
    return " · ".join(part for part in parts if part)


def application_labels(applications: Any, names: dict[str, str] | None = None) -> dict[str, str]:
    """application_id -> a label no other application of the list shares. The client is named only
    when the list holds several; two that would still read the same (a log without a company column,
    two applications for one role on one day) say which row of the table above they are."""
    rows = applications.to_dict("records")
    several = len({row.get("client") for row in rows}) > 1
    labels = [application_label(row, (names or {}) if several else None) for row in rows]
    repeated = Counter(labels)
    return {
        row["application_id"]: f"{label} · row {number}" if repeated[label] > 1 else label
        for number, (row, label) in enumerate(zip(rows, labels, strict=True), start=1)
    }


def _record(src: data.Source, application_id: str, label: str, event: str, occurred_on: dt.date | None) -> None:
    try:
        data.record_outcome(src, application_id, event, occurred_on)
    except BouncebackError as e:
        st.error(md(e))
    else:
        flash(f"Recorded: {md(event.replace('_', ' '))} on {occurred_on} for {md(label)}.")
        st.rerun()


def _choose_application(src: data.Source, applications: Any, key: str) -> tuple[str, str]:
    labels = application_labels(applications, fetch(data.display_names, src))
    application_id = st.selectbox("Application", list(labels), format_func=labels.__getitem__, key=f"{key}_app")
    return application_id, labels[application_id]


def outcome_form(src: data.Source, applications: Any, key: str) -> None:
    """Pick an application of `applications` (a frame with application_id, company, role, applied_on),
    an event and a date, and record it. Bad input (a date before the application) is shown, not raised."""
    if applications.empty:
        return
    application_id, label = _choose_application(src, applications, key)
    _event_inputs(src, application_id, label, key)


# the applications a person picks from on a page that says the log records no outcome
RECORD_COLUMNS = ["company", "role", "applied_on", "client"]
RECORD_PAGE_SIZE = 10


def record_outcomes(src: data.Source, scope: data.Filters, key: str) -> None:
    """Record what happened to an application right here (under no_outcomes_notice(), or at the end of
    the Overview once some outcomes are in). Lists the applications of the scope's client with nothing
    recorded after they were sent (newest first), and offers the event (an answer, a rejection, an
    interview, ...) and its date. Nothing when none waits."""
    waiting = fetch(data.without_outcome, src, scope.client)
    if waiting.empty:
        return
    names = fetch(data.display_names, src)
    # its open state kept (a key, tracked): recording one reruns the page, and the next is at hand
    with st.expander(
        "Record what happened to your applications", icon=":material/add_task:", key=f"{key}_open", on_change="rerun"
    ):
        st.caption(
            f"{count(len(waiting), 'application')} without an answer, a rejection or an interview recorded,"
            " newest first. Choose one, say what happened and on which day. What you record counts on every"
            " page at once."
        )
        several = waiting["client"].nunique() > 1
        listed = waiting.assign(client=[client_name(client, names) for client in waiting["client"]])
        columns = RECORD_COLUMNS if several else RECORD_COLUMNS[:-1]
        page = paged(listed, key=f"{key}_page", size=RECORD_PAGE_SIZE, columns=columns)
        outcome_form(src, page, key)


def followup_actions(src: data.Source, due: Any, key: str) -> None:
    """For an application due a follow-up: mark the follow-up as sent today, or record what happened."""
    if due.empty:
        return
    application_id, label = _choose_application(src, due, key)
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
