"""Roster: every client the advisor works with, the ones needing attention first."""

from pathlib import Path

import streamlit as st

from dashboard import data, filters, ui

CLIENT_PAGE = Path(__file__).resolve().parent / "client.py"
SHOWN_COLUMNS = ["rank", "attention", "display_name", "status", "applications", "rate", "interval", "reliability",
                 "furthest_stage", "worst_part", "follow_ups_due", "days_since_last_application", "last_activity_on",
                 "advisor", "reasons"]  # fmt: skip

st.title("Roster")
src = ui.open_source()
if filters.pop_open_client():
    st.switch_page(CLIENT_PAGE)
scope = filters.current()
advisors = ui.fetch(data.advisors, src)
advisor = st.selectbox(
    "Advisor", ["", *advisors], format_func=lambda name: name or "All advisors", key="roster_advisor"
)
result = ui.fetch(data.roster, src, scope, advisor or None)
if result["clients"] == 0:
    st.info("No clients yet — load a file with `bounceback ingest FILE --client NAME`, or add a client below.")
else:
    ui.scope_caption(scope)
    cards = st.columns(3)
    cards[0].metric("Clients", result["clients"], border=True)
    cards[1].metric("Need attention", result["needs_attention"], border=True)
    cards[2].metric("Stalled after", f"{result['stall_days']} days", border=True, help="Days without an application.")
    st.caption("Order: " + " → ".join(ui.md(step) for step in result["ordering"]) + ". Click a row to open the client.")
    table = result["table"]
    selection = st.dataframe(
        table.assign(interval=[ui.interval(low, high) for low, high in zip(table["low"], table["high"], strict=True)]),
        hide_index=True,
        key="roster_table",
        on_select="rerun",
        selection_mode="single-row",
        column_order=SHOWN_COLUMNS,
        column_config={
            "rank": st.column_config.NumberColumn("#", help="The needs-attention order (see above)."),
            "attention": st.column_config.TextColumn("Attention"),
            "display_name": st.column_config.TextColumn("Client"),
            "status": st.column_config.TextColumn("Status"),
            "applications": st.column_config.NumberColumn("Applications"),
            "rate": st.column_config.NumberColumn(
                "Response rate", format="percent", help="Censoring-aware (Kaplan–Meier) chance of an answer."
            ),
            "interval": st.column_config.TextColumn("95 % interval"),
            "reliability": st.column_config.TextColumn("Reliability"),
            "furthest_stage": st.column_config.TextColumn("Furthest stage"),
            "worst_part": st.column_config.TextColumn("Worst part"),
            "follow_ups_due": st.column_config.NumberColumn("Follow-ups due"),
            "days_since_last_application": st.column_config.NumberColumn("Days since last application"),
            "last_activity_on": st.column_config.TextColumn("Last activity"),
            "advisor": st.column_config.TextColumn("Advisor"),
            "reasons": st.column_config.TextColumn("Why"),
        },
    )
    rows = selection.selection.rows if selection is not None else []
    if rows:
        chosen = str(table.iloc[rows[0]]["client"])
        st.button(
            f"Open {table.iloc[rows[0]]['display_name']}",
            type="primary",
            icon=":material/person:",
            on_click=filters.open_client,
            args=(chosen,),
            key="roster_open",
        )

if data.may_edit(src):
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
                ui.flash(f"Added {client_id}.")
                st.rerun()
ui.show_flash()
