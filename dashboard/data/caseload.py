"""What advisors and the people they help record and read: outcomes and the export, who may edit,
clients, the roster, a client against the caseload, notes, and the client's report."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard import glossary
from dashboard.data.analyses import _status
from dashboard.data.connection import MAX_CACHED, Filters, Source, Version, _connection, _scope, _viewer_of
from dashboard.data.frames import _reliability
from dashboard.data.views import CaseloadView, RosterView
from pipelines.advisors import clients as client_store
from pipelines.advisors import outcomes
from pipelines.advisors import roster as roster_logic
from pipelines.advisors.clients import ClientRecord, Note
from pipelines.analyse import analytics
from pipelines.analyse.scope import Scope
from pipelines.errors import InputError

# the events a person can record by hand (pipelines/advisors/outcomes.py)
EVENT_CHOICES: tuple[str, ...] = outcomes.EVENT_CHOICES


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _without_outcome(path: str, version: Version, client: str | None, limit: int) -> pd.DataFrame:
    with _connection(path) as con:
        rows = outcomes.applications_without_outcome(con, client, limit, _viewer_of(version))
    return pd.DataFrame(rows, columns=["application_id", "client", "company", "role", "applied_on", "source"])


def without_outcome(src: Source, client: str | None, limit: int = 1000) -> pd.DataFrame:
    """Applications with nothing recorded after the application itself (newest first, at most `limit`)."""
    return _without_outcome(src.path, src.version, client, limit)


def record_outcome(
    src: Source, application_id: str, event: str, occurred_on: dt.date | None, detail: str | None = None
) -> dict[str, Any]:
    """Add one event to an application's history; then drop the cached results. Raises InputError."""
    with _connection(src.path) as con:
        recorded = outcomes.record_event(con, application_id, event, occurred_on, detail, src.viewer)
    st.cache_data.clear()
    return recorded


@st.cache_data(show_spinner=False, max_entries=8)
def _export(path: str, version: Version, client: str | None) -> tuple[str, int]:
    buffer = io.StringIO()
    with _connection(path) as con:
        rows = outcomes.export_csv(con, buffer, client, _viewer_of(version))
    return buffer.getvalue(), rows


def export_rows(src: Source, client: str | None) -> int:
    """How many applications the export would hold (from the cached status, no export made)."""
    status = _status(src.path, src.version)
    if client is None:
        return status.applications
    return next((entry.applications for entry in status.clients if entry.client == client), 0)


def export_csv(src: Source, client: str | None) -> tuple[str, int]:
    """The loaded applications as canonical CSV text (formula-like cells neutralised), and the row count."""
    return _export(src.path, src.version, client)


# ---------------------------------------------------------------- advisors: clients, roster, notes, report


def may_edit(src: Source, client: str) -> bool:
    """The client's advisor or an admin: edits the record, writes notes."""
    return src.viewer.may_edit(client)


def is_admin(src: Source) -> bool:
    """Adds clients (and, on the command line, grants access)."""
    return src.viewer.is_admin


def compares(src: Source, client: str) -> bool:
    """The client is in the viewer's caseload: show them against the other clients."""
    return src.viewer.compares(client)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _clients(path: str, version: Version) -> list[ClientRecord]:
    with _connection(path) as con:
        return client_store.list_clients(con, _viewer_of(version))


def clients(src: Source) -> list[ClientRecord]:
    """The client records the viewer may see, by display name."""
    return _clients(src.path, src.version)


def display_names(src: Source) -> dict[str, str]:
    """client id -> display name, for labels."""
    return {entry.client: entry.display_name for entry in clients(src)}


def advisors(src: Source) -> list[str]:
    return sorted({entry.advisor for entry in clients(src) if entry.advisor})


def client_record(src: Source, client: str) -> ClientRecord:
    """One client's record. Raises InputError for a client the viewer may not see (as for none)."""
    for entry in clients(src):
        if entry.client == client:
            return entry
    raise InputError(f"no client {client!r}")


ROSTER_COLUMNS = ["rank", "attention", "client", "display_name", "advisor", "status", "applications",
                  "last_activity_on", "days_since_last_application", "rate", "low", "high", "reliability",
                  "furthest_stage", "worst_part", "follow_ups_due", "reasons"]  # fmt: skip


@st.cache_data(show_spinner="Diagnosing every client…", max_entries=MAX_CACHED)
def _roster(path: str, version: Version, key: tuple[Any, ...], advisor: str | None) -> RosterView:
    scope = _scope(key, version)
    with _connection(path) as con:
        result = roster_logic.roster(con, scope, _viewer_of(version), advisor)
    rows = [
        {
            "rank": entry.rank,
            "attention": "needs attention" if entry.needs_attention else "",
            "client": entry.client,
            "display_name": entry.display_name,
            "advisor": entry.advisor,
            "status": entry.status,
            "applications": entry.applications,
            "last_activity_on": entry.last_activity_on or "–",
            "days_since_last_application": entry.days_since_last_application,
            "rate": entry.response_rate["rate"],
            "low": entry.response_rate["low"],
            "high": entry.response_rate["high"],
            "reliability": _reliability(entry.small),
            "furthest_stage": glossary.value(entry.furthest_stage),
            "worst_part": _worst_part(entry),
            "follow_ups_due": entry.follow_ups_due,
            # the core's reasons, each part of the search named as the pages name it
            "reasons": "; ".join(roster_logic.reasons(entry, scope.as_of, glossary.value)),
        }
        for entry in result.clients
    ]
    return RosterView(
        clients=len(rows),
        needs_attention=result.needs_attention,
        ordering=list(result.ordering),
        stall_days=result.stall_days,
        table=pd.DataFrame(rows, columns=ROSTER_COLUMNS),
    )


def _worst_part(entry: roster_logic.RosterEntry) -> str:
    """The roster's "worst part" cell: the first failing or at-risk finding, or why there is none."""
    if entry.worst_part is not None:
        return f"{glossary.value(entry.worst_part['area'])}: {entry.worst_part['verdict']}"
    return "no outcomes recorded" if entry.recorded and not entry.recorded["outcomes"] else "–"


def roster(src: Source, filters: Filters, advisor: str | None = None) -> RosterView:
    """Every visible client, needing attention first (pipelines/advisors/roster.py documents the order)."""
    return _roster(src.path, src.version, filters.key(), advisor)


QUANTILES: tuple[Literal["min", "p25", "median", "p75", "max"], ...] = ("min", "p25", "median", "p75", "max")


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _against_caseload(path: str, version: Version, key: tuple[Any, ...], client: str) -> CaseloadView:
    with _connection(path) as con:
        result = roster_logic.against_caseload(con, _scope(key, version), client, _viewer_of(version))
    rows = [
        {
            "metric": row.label,
            "rate": row.rate,
            "low": row.low,
            "high": row.high,
            "reliability": _reliability(row.small),
            "percentile": row.percentile,
            "others": row.others,
            **{name: None if row.distribution is None else row.distribution[name] for name in QUANTILES},
        }
        for row in result.rates
    ]
    return CaseloadView(
        client=result.client,
        advisor=result.advisor,
        available=result.available,
        reason=result.reason,
        # none when the viewer may not compare (a client viewer): nothing about other people
        compared_clients=result.compared_clients,
        caseload_clients=result.caseload_clients,
        table=pd.DataFrame(rows),
    )


def against_caseload(src: Source, filters: Filters, client: str) -> CaseloadView:
    """The client's key rates beside the distribution over the advisor's other clients."""
    return _against_caseload(src.path, src.version, filters.key(), client)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _notes(path: str, version: Version, client: str) -> list[Note]:
    with _connection(path) as con:
        return client_store.list_notes(con, client, _viewer_of(version))


def notes(src: Source, client: str) -> list[Note]:
    """The client's notes, newest first."""
    return _notes(src.path, src.version, client)


def add_note(src: Source, client: str, body: str, noted_on: dt.date) -> Note:
    """Save a note by the viewer. Raises InputError (empty, too long, not an editor, not their client)."""
    with _connection(src.path) as con:
        note = client_store.add_note(con, client, body, noted_on, src.viewer)
    st.cache_data.clear()
    return note


def update_client(src: Source, client: str, changes: dict[str, Any]) -> ClientRecord:
    with _connection(src.path) as con:
        record = client_store.update_client(con, client, changes, src.viewer)
    st.cache_data.clear()
    return record


def add_client(src: Source, client: str, fields: dict[str, Any]) -> ClientRecord:
    with _connection(src.path) as con:
        record = client_store.add_client(con, client, fields, src.viewer)
    st.cache_data.clear()
    return record


CLIENT_STATUSES = client_store.CLIENT_STATUSES
SMALL_GROUP_SIZE = analytics.SMALL_GROUP


@st.cache_data(show_spinner="Writing the report…", max_entries=8)
def _report_html(path: str, version: Version, key: tuple[Any, ...], client: str) -> str:
    from pipelines.report.html import build_report  # altair + vl-convert: only when a report is asked for

    # the whole search as of the view's date: the sidebar's narrower filters are for exploring
    scope = _scope(key, version)
    whole = Scope(as_of=scope.as_of, window=scope.window, allowed=scope.allowed)
    with _connection(path) as con:
        return build_report(con, whole, client, _viewer_of(version))


def report_html(src: Source, filters: Filters, client: str) -> str:
    """The self-contained HTML report of one client, for the scope's date and window."""
    return _report_html(src.path, src.version, filters.key(), client)


def notes_frame(notes_list: list[Note]) -> pd.DataFrame:
    """Notes as a frame for the timeline chart (dates as timestamps)."""
    frame = pd.DataFrame(
        [note.to_json() for note in notes_list], columns=["note_id", "noted_on", "author", "body", "created_at"]
    )
    frame["noted_on"] = pd.to_datetime(frame["noted_on"])
    return frame


def _file_safe(client: str) -> str:
    """A client id as part of a download name: letters, digits, - and _ only."""
    return "".join(char if char.isalnum() or char in "-_" else "_" for char in client)[:60] or "client"


def report_file_name(client: str, as_of: dt.date) -> str:
    return f"bounceback-report-{_file_safe(client)}-{as_of.isoformat()}.html"


def export_file_name(client: str) -> str:
    return f"bounceback-applications-{_file_safe(client)}.csv"
