"""Client review: one client's record, their search at a glance, how they compare with the caseload,
the advisor's notes as a timeline, and the report to share. Every other page shows this client too
while they are chosen in the sidebar."""

import datetime as dt
from dataclasses import replace

import streamlit as st

from dashboard import charts, data, filters, glossary, ui

# the rates of the comparison table, as percentages; "rate" is this client's
PERCENT_COLUMNS = ("rate", "low", "high", "min", "p25", "median", "p75", "max")

st.title("Client review")
src = ui.open_source()
ui.show_flash()
scope = filters.current()
records = ui.fetch(data.clients, src)
client = scope.client
if client is None and src.viewer.clients is not None and len(src.viewer.clients) == 1:
    client = src.viewer.clients[0]  # a client's own search: nothing to choose
if client is None:
    if not records:
        ui.empty_state("No clients yet: load a search on the Database page (one file per client).")
    else:
        st.info("Choose a client in the sidebar (Client), or open one from the Roster.")
    st.stop()
record = ui.fetch(data.client_record, src, client)

st.header(ui.md(ui.client_name(client, {client: record.display_name})))
facts = [f"status **{ui.md(record.status)}**"]
shown = (
    (record.advisor, "advisor"),
    (record.started_on, "searching since"),
    (record.target_roles, "target roles"),
    (record.target_industries, "target industries"),
)
for value, label in shown:
    if value:
        facts.append(f"{label} **{ui.md(value)}**")
st.markdown(" · ".join(facts))
st.caption(f"Client id `{ui.md(client)}`. Every page of “Your search” shows this client while it is chosen.")

if data.may_edit(src, client):
    with st.expander("Edit the client record", icon=":material/edit:"):
        with st.form("edit_client"):
            name = st.text_input("Display name", value=record.display_name)
            advisor = st.text_input("Advisor", value=record.advisor or "")
            started = st.date_input(
                "Search started",
                value=dt.date.fromisoformat(record.started_on) if record.started_on else None,
            )
            roles = st.text_input("Target roles", value=record.target_roles or "")
            industries = st.text_input("Target industries", value=record.target_industries or "")
            status = st.selectbox("Status", data.CLIENT_STATUSES, index=data.CLIENT_STATUSES.index(record.status))
            saved = st.form_submit_button("Save", icon=":material/save:")
        if saved:
            changes = {
                "display_name": name,
                "advisor": advisor or None,
                "started_on": started,
                "target_roles": roles or None,
                "target_industries": industries or None,
                "status": status,
            }
            try:
                data.update_client(src, client, changes)
            except data.BouncebackError as e:
                st.error(ui.md(e))
            else:
                ui.flash("Saved the client record.")
                st.rerun()

view = data.Filters(as_of=scope.as_of, window=scope.window, client=client)
overview = ui.fetch(data.overview, src, view)
st.subheader("The search at a glance")
ui.scope_caption(replace(view, client=None))  # the header names the client: not their id again
if overview is None:
    st.info("No applications loaded for this client yet.")
else:
    measures = overview.measures
    if not measures.outcomes_recorded:
        ui.no_outcomes_notice()
    # the same measures, labels and numbers as the Overview's cards
    ui.measure_cards(measures, ("applications", "response_rate", "interviews", "pending"), per_row=4)
    needing = [item for item in overview.findings if item.verdict in ("failing", "at risk")]
    if needing:
        columns = st.columns(2)
        for index, item in enumerate(needing):
            with columns[index % 2]:
                ui.finding(item)
    elif measures.outcomes_recorded:
        st.success("No part of the search is failing or at risk.")

if data.compares(src, client):
    st.subheader("Against the caseload")
    compared = ui.fetch(data.against_caseload, src, view, client)
    advisor_text = f"{ui.md(compared.advisor)}'s other clients" if compared.advisor else "the other clients"
    if not compared.available:
        st.info(f"Too few clients to compare with: {ui.md(compared.reason)}.")
    else:
        st.caption(
            f"Each rate of this client beside {advisor_text} with at least {data.SMALL_GROUP_SIZE} settled applications"
            f" ({compared.compared_clients} of {compared.caseload_clients}). Percentile: the share of them"
            " below this client."
        )
        st.altair_chart(charts.caseload_strip(compared.table))
        ui.table(
            compared.table,
            hide_index=True,
            column_config=glossary.columns(
                compared.table.columns,
                rate=st.column_config.NumberColumn("This client", format="percent"),
                **{
                    name: st.column_config.NumberColumn(glossary.label(name), format="percent")
                    for name in PERCENT_COLUMNS[1:]
                },
                percentile=st.column_config.NumberColumn(glossary.label("percentile"), format="%.0f"),
                others=st.column_config.NumberColumn(glossary.label("others"), format="%d"),
            ),
        )

st.subheader("Advisor notes")
notes = ui.fetch(data.notes, src, client)
if data.may_edit(src, client):
    with st.form("add_note", clear_on_submit=True):
        noted_on = st.date_input("Date", value=dt.date.today(), max_value=dt.date.today())
        body = st.text_area("Note", placeholder="What you discussed, what they will try next…")
        written = st.form_submit_button("Save note", icon=":material/note_add:")
    if written:
        try:
            data.add_note(src, client, body, noted_on)
        except data.BouncebackError as e:
            st.error(ui.md(e))
        else:
            ui.flash("Saved the note.")
            st.rerun()
if not notes:
    st.caption("No notes yet.")
else:
    if overview is not None:
        weeks = overview.trend[["week", "applications"]]
        st.altair_chart(charts.notes_timeline(weeks, data.notes_frame(notes)))
    for note in notes:
        with st.container(border=True):
            st.caption(f"{note.noted_on} · {ui.md(note.author)}")
            st.text(note.body)  # as written: a note is never markdown

st.subheader("Report and export")
st.caption(
    "The report is one HTML file that opens offline and prints cleanly: funnel, rates by resume version, channel"
    " and industry with their intervals, the diagnosis with next steps, follow-ups due and the notes."
)
left, right = st.columns(2)
with left:
    if st.button("Prepare the report", icon=":material/description:", key="report_prepare"):
        st.session_state["report_for"] = (client, view.key())
    if st.session_state.get("report_for") == (client, view.key()):
        html = ui.fetch(data.report_html, src, view, client)
        st.download_button(
            "Download the report (HTML)",
            html,
            file_name=data.report_file_name(client, view.as_of),
            mime="text/html",
            type="primary",
            icon=":material/download:",
            key="report_download",
        )
with right:
    csv_text, rows = ui.fetch(data.export_csv, src, client)
    st.download_button(
        f"Download their {ui.count(rows, 'application')} (CSV)",
        csv_text,
        file_name=data.export_file_name(client),
        mime="text/csv",
        icon=":material/table:",
        key="client_export",
        help="Cells that a spreadsheet would run as a formula start with a quote.",
    )
