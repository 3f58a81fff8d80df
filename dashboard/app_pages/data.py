"""The database: load a file (a dry run first), record outcomes, download the data, what it holds."""

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, filters, glossary, ui, upload
from pipelines.words import counted

OUTCOME_COLUMNS = ["client", "company", "role", "applied_on", "source"]  # the application id is not shown


def _started(text: str | None) -> str:
    """A load's start (ISO, to the second) as a date and a time to the minute."""
    return "–" if not text else dt.datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")


def _load_row(run: Any) -> dict[str, Any]:
    row = run.to_json()
    return {
        **row,
        "source": glossary.value(row["source"]),
        "status": glossary.value(row["status"]),
        "message": row["message"] or "–",
        "started_at": _started(row["started_at"]),
    }


st.title("Database")
src = ui.open_source()
scope = filters.current()
ui.show_flash()
status = ui.fetch(data.status, src)
if status.applications == 0:
    # the first visit: what to load and how, before the uploader
    ui.empty_state(on_data_page=True)

# ---------------------------------------------------------------- load a file
st.subheader("Load a file")
st.caption(
    "CSV, XLSX, JSON Lines, a LinkedIn data export .zip, or a mailbox (.mbox, .eml). You see what would be"
    " loaded first; nothing is written until you press “Load it”."
)
upload.section(src)

# ---------------------------------------------------------------- record outcomes
st.subheader("Record outcomes")
waiting = ui.fetch(data.without_outcome, src, scope.client)
if status.applications == 0:
    st.caption("Once applications are loaded, you can record here what happened to each of them.")
elif waiting.empty:
    st.caption("Every application has an outcome or a stage recorded.")
else:
    st.caption(
        f"{len(waiting)} application{'s' if len(waiting) != 1 else ''} with nothing recorded after the application"
        " itself (a LinkedIn export, "
        "for one, has no outcomes). Newest first."
    )
    names = ui.fetch(data.display_names, src)
    waiting = waiting.assign(
        client=[names.get(client, client) for client in waiting["client"]],
        source=[glossary.value(source) for source in waiting["source"]],
    )
    page = ui.paged(waiting, key="outcomes_page", columns=OUTCOME_COLUMNS)
    ui.outcome_form(src, page, key="outcomes")

# ---------------------------------------------------------------- downloads
st.subheader("Downloads")
left, right = st.columns(2)
rows = ui.fetch(data.export_rows, src, scope.client)
left.download_button(
    f"Download my data (CSV, {counted(rows, 'application')})",
    # made when clicked: a million-row export must not slow every visit to this page
    lambda: data.export_csv(src, scope.client)[0],
    file_name="bounceback-export.csv",
    mime="text/csv",
    disabled=rows == 0,
    help="The client chosen in the sidebar (or all), in the canonical format. Cells a spreadsheet would run "
    "as a formula start with a quote.",
)
right.download_button("Download template.csv", data.template_csv(), file_name="template.csv", mime="text/csv")
st.caption(
    "The template: one row per application. Only the date you applied and a company or a role are required;"
    " the other columns are optional (docs/canonical-format.md)."
)

# ---------------------------------------------------------------- what the database holds
st.subheader("What the database holds")
st.code(src.path, language=None)
cards = st.columns(4)
cards[0].metric("Applications", status.applications, border=True)
cards[1].metric("Events", status.events, border=True)
cards[2].metric("Clients", len(status.clients), border=True)
cards[3].metric("Rejected rows (latest load of each file)", status.rejects_total, border=True)
if status.first_applied_on:
    st.caption(f"Applied from {status.first_applied_on} to {status.last_applied_on}.")
if status.applied_date_unknown:
    st.caption(
        f"{counted(status.applied_date_unknown, 'application')} read from your mail without its confirmation:"
        " the day it was sent is unknown, so it is listed here but counted in no rate (an application known"
        " only because the employer answered would make the rates look better than they are)."
    )
if status.clients:
    st.markdown("**Clients**")
    names = ui.fetch(data.display_names, src)
    held = pd.DataFrame(
        [{**client.to_json(), "client": names.get(client.client, client.client)} for client in status.clients]
    ).fillna("–")
    ui.table(held, hide_index=True, column_config=glossary.columns(held.columns))
if status.last_runs:
    st.markdown("**Last loads**")
    loads = pd.DataFrame([_load_row(run) for run in status.last_runs])
    ui.table(loads, hide_index=True, column_config=glossary.columns(loads.columns))
