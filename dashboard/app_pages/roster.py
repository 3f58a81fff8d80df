"""Roster: every client the advisor works with, the ones needing attention first."""

from pathlib import Path

import streamlit as st

from dashboard import data, filters, ui
from pipelines.words import counted

CLIENT_PAGE = Path(__file__).resolve().parent / "client.py"
# what to act on first, then the numbers behind it
SHOWN_COLUMNS = ["rank", "display_name", "reasons", "worst_part", "response_percent", "interval", "follow_ups_due",
                 "days_since_last_application", "furthest_stage", "applications", "reliability", "status",
                 "last_activity_on", "advisor"]  # fmt: skip
ROW_HEIGHT = 35  # pixels: the table is drawn tall enough for every client up to MAX_ROWS_SHOWN
MAX_ROWS_SHOWN = 30
LARGE_CASELOAD = 2_000  # clients: from here the first roster takes long enough to warn
SECONDS_PER_CLIENT = 0.001  # the roster per client, measured by `make bench` (10,000 clients: ~10 s)

st.title("Roster")
src = ui.open_source()
if filters.pop_open_client():
    st.switch_page(CLIENT_PAGE)
scope = filters.current()
advisors = ui.fetch(data.advisors, src)
advisor = st.selectbox(
    "Advisor", ["", *advisors], format_func=lambda name: name or "All advisors", key="roster_advisor"
)
listed = sum(1 for entry in ui.fetch(data.clients, src) if not advisor or entry.advisor == advisor)
if listed >= LARGE_CASELOAD:
    # every client gets the full six-part diagnosis (docs/performance.md): say how long before it starts
    st.info(
        f"Diagnosing {counted(listed, 'client')} takes about"
        f" {counted(max(1, round(listed * SECONDS_PER_CLIENT)), 'second')}"
        " the first time; the roster is then kept until the data changes. Choose an advisor to see fewer."
    )
result = ui.fetch(data.roster, src, scope, advisor or None)
if result.clients == 0:
    ui.empty_state("No clients yet: load a search on the Database page (one file per client), or add a client below.")
else:
    ui.scope_caption(scope, src)
    cards = st.columns(3)
    cards[0].metric("Clients", result.clients, border=True)
    cards[1].metric("Need attention", result.needs_attention, border=True)
    cards[2].metric("Stalled after", f"{result.stall_days} days", border=True, help="Days without an application.")
    st.caption("Order: " + " → ".join(ui.md(step) for step in result.ordering) + ". Click a row to open the client.")
    # a client without a display name of their own reads as their id in words
    table = result.table.assign(
        display_name=[
            ui.client_name(client, {client: name})
            for client, name in zip(result.table["client"], result.table["display_name"], strict=True)
        ]
    )
    selection = ui.table(
        table.assign(
            interval=[ui.interval(low, high) for low, high in zip(table["low"], table["high"], strict=True)],
            response_percent=table["rate"] * 100,
        ),
        hide_index=True,
        height=ROW_HEIGHT * (min(len(table), MAX_ROWS_SHOWN) + 1) + 3,
        key="roster_table",
        on_select="rerun",
        selection_mode="single-row",
        column_order=SHOWN_COLUMNS,
        column_config={
            "rank": st.column_config.NumberColumn("#", help="The needs-attention order (see above)."),
            "display_name": st.column_config.TextColumn("Client"),
            "status": st.column_config.TextColumn("Status"),
            "applications": st.column_config.NumberColumn("Applications"),
            "response_percent": st.column_config.NumberColumn(
                "Response rate", format="%.0f%%", help="Censoring-aware (Kaplan–Meier) chance of an answer."
            ),
            "interval": st.column_config.TextColumn("95 % interval"),
            "reliability": st.column_config.TextColumn("Reliability"),
            "furthest_stage": st.column_config.TextColumn("Furthest stage"),
            "worst_part": st.column_config.TextColumn("Worst part"),
            "follow_ups_due": st.column_config.NumberColumn("Follow-ups due"),
            "days_since_last_application": st.column_config.NumberColumn("Days since last application"),
            "last_activity_on": st.column_config.TextColumn("Last activity"),
            "advisor": st.column_config.TextColumn("Advisor"),
            "reasons": st.column_config.TextColumn("Needs attention because", width="large"),
        },
    )
    rows = selection.selection.rows if selection is not None else []
    if rows:
        chosen = str(table.iloc[rows[0]]["client"])
        st.button(
            f"Open {ui.md(table.iloc[rows[0]]['display_name'])}",
            type="primary",
            icon=":material/person:",
            on_click=filters.open_client,
            args=(chosen,),
            key="roster_open",
        )

if data.is_admin(src):
    with st.expander("Add a client", icon=":material/person_add:"):
        with st.form("add_client", clear_on_submit=True):
            client_id = st.text_input("Client id", help="What `bounceback ingest --client` calls their applications.")
            name = st.text_input("Display name")
            advisor_name = st.text_input("Advisor")
            started = st.date_input("Search started", value=None)
            submitted = st.form_submit_button("Add client", icon=":material/add:")
        if submitted:
            fields = {"display_name": name or None, "advisor": advisor_name or None, "started_on": started}
            try:
                data.add_client(src, client_id, fields)
            except data.BouncebackError as e:
                st.error(ui.md(e))
            else:
                ui.flash(f"Added {ui.md(client_id)}.")
                st.rerun()
ui.show_flash()
