"""The shared sidebar: the scope every page shows, kept in the URL so a link reproduces the view.

Each filter is a keyed widget whose value lives in `st.session_state`. On a session's first run the
values come from the query parameters (invalid ones are ignored); on every run the current values
are written back, so the address bar always describes what is on screen, also after a page switch
(which starts the new page with an empty query string).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import data

ALL = ""  # "no filter" in a selectbox: stored values are trimmed, so no real value is empty
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_WINDOW = 365

# query parameter -> session-state key of its widget
KEYS: dict[str, str] = {
    "as_of": "filter_as_of",
    "window": "filter_window",
    "client": "filter_client",
    "from": "filter_applied_from",
    "to": "filter_applied_to",
    **{name: f"filter_{name}" for name in data.WHERE_FIELDS},
}


def _date(text: str | None) -> dt.date | None:
    try:
        value = dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return value if value is not None and MIN_DATE <= value <= MAX_DATE else None


def _window(text: str | None) -> int | None:
    try:
        value = int(text) if text else None
    except ValueError:
        return None
    return value if value is not None and 1 <= value <= MAX_WINDOW else None


def _text(text: str | None) -> str:
    return text if text else ALL


_PARSERS: dict[str, tuple[Callable[[str | None], Any], Callable[[], Any]]] = {
    "as_of": (_date, dt.date.today),
    "window": (_window, lambda: data.DEFAULT_WINDOW),
    "client": (_text, lambda: ALL),
    "from": (_date, lambda: None),
    "to": (_date, lambda: None),
    **{name: (_text, lambda: ALL) for name in data.WHERE_FIELDS},
}


OFFERED_KEY = "filters_offered"  # the last options the database gave: kept through a busy moment


def _initialise_from_url() -> None:
    """Give every filter a value before its widget exists: the URL's if valid, else the default.

    Only a key missing from the session is set, i.e. on the session's first run: afterwards the
    widgets own their values.
    """
    for param, key in KEYS.items():
        if key not in st.session_state:
            parse, default = _PARSERS[param]
            value = parse(st.query_params.get(param))
            st.session_state[key] = default() if value is None else value


def _keep_if_offered(key: str, options: list[str]) -> None:
    # a value from the URL, or one that another client does not have, would make the selectbox
    # fail; falling back to "all" keeps the page usable
    if st.session_state.get(key) not in options:
        st.session_state[key] = ALL


def _all_or(label: str) -> Callable[[str], str]:
    return lambda value: label if value == ALL else value


def sidebar() -> data.Filters:
    """Draw the filters, sync them with the URL and return them."""
    _initialise_from_url()
    clients: list[str] = []
    names: dict[str, str] = {}
    options: dict[str, list[str]] = {name: [] for name in data.WHERE_FIELDS}
    problem: str | None = None
    try:
        src = data.source()
        # every client record the viewer may see (a client added before any load included)
        names = data.display_names(src)
        clients = list(names)
        as_of = st.session_state[KEYS["as_of"]]
        window = st.session_state[KEYS["window"]]
        client = st.session_state[KEYS["client"]] or None
        if client is not None and client not in clients:
            client = None
        options = data.filter_options(src, as_of, window, client)
        st.session_state[OFFERED_KEY] = (clients, names, options)
    except data.BouncebackError as e:
        problem = str(e)  # the page shows the error in full; the sidebar still draws its filters
        # the database is away (a load in another process holds it): offer what was offered last, so
        # the choices stay as they were instead of falling back to "all" when it comes back
        clients, names, options = st.session_state.get(OFFERED_KEY, (clients, names, options))
    with st.sidebar:
        st.header("Filters")
        if problem:
            st.caption("The database is not available; the filters keep what they offered last.")
        st.date_input(
            "As of",
            key=KEYS["as_of"],
            min_value=MIN_DATE,
            max_value=MAX_DATE,
            help="Results as they stood on this date: later events have not happened yet.",
        )
        st.number_input(
            "Response window (days)",
            key=KEYS["window"],
            min_value=1,
            max_value=MAX_WINDOW,
            step=1,
            help="An application unanswered for this long counts as not answered (ghosted).",
        )
        choices = [ALL, *clients]
        _keep_if_offered(KEYS["client"], choices)
        st.selectbox(
            "Client",
            choices,
            key=KEYS["client"],
            format_func=lambda value: "All clients" if value == ALL else names.get(value, value),
        )
        st.date_input("Applied from", key=KEYS["from"], min_value=MIN_DATE, max_value=MAX_DATE)
        st.date_input("Applied to", key=KEYS["to"], min_value=MIN_DATE, max_value=MAX_DATE)
        for name, label in data.WHERE_FIELDS.items():
            choices = [ALL, *options.get(name, [])]
            _keep_if_offered(KEYS[name], choices)
            st.selectbox(label, choices, key=KEYS[name], format_func=_all_or("All"))
    filters = current()
    if filters.applied_from and filters.applied_to and filters.applied_from > filters.applied_to:
        st.sidebar.warning("“Applied from” is after “Applied to”: nothing can match.")
    _write_to_url(filters)
    return filters


OPEN_CLIENT_KEY = "open_client_review"


def open_client(client: str) -> None:
    """A callback (before the widgets are drawn): show this client, and ask the page to switch to
    the client review (`pop_open_client`)."""
    st.session_state[KEYS["client"]] = client
    st.session_state[OPEN_CLIENT_KEY] = True


def pop_open_client() -> bool:
    return bool(st.session_state.pop(OPEN_CLIENT_KEY, False))


def current() -> data.Filters:
    """The filters as the sidebar set them in this run (pages call this)."""
    state = st.session_state
    where = tuple((name, state[KEYS[name]]) for name in data.WHERE_FIELDS if state.get(KEYS[name]))
    return data.Filters(
        as_of=state.get(KEYS["as_of"]) or dt.date.today(),
        window=int(state.get(KEYS["window"]) or data.DEFAULT_WINDOW),
        client=state.get(KEYS["client"]) or None,
        applied_from=state.get(KEYS["from"]),
        applied_to=state.get(KEYS["to"]),
        where=where,
    )


def _write_to_url(filters: data.Filters) -> None:
    # as_of and window are always written: "today" moves, and a shared link must not move with it
    wanted: dict[str, str] = {"as_of": filters.as_of.isoformat(), "window": str(filters.window)}
    if filters.client is not None:
        wanted["client"] = filters.client
    if filters.applied_from is not None:
        wanted["from"] = filters.applied_from.isoformat()
    if filters.applied_to is not None:
        wanted["to"] = filters.applied_to.isoformat()
    wanted.update(dict(filters.where))
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
