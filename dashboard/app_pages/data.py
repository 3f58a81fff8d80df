"""The database: where it is, what it holds, the last loads, and the import template."""

import streamlit as st

from dashboard import data, ui

st.title("Database")
src = ui.open_source()
status = ui.fetch(data.status, src)
st.markdown("**File**")
st.code(src.path, language=None)
if status["applications"] == 0:
    st.info(ui.EMPTY_MESSAGE)
cards = st.columns(4)
cards[0].metric("Applications", status["applications"], border=True)
cards[1].metric("Events", status["events"], border=True)
cards[2].metric("Clients", len(status["clients"]), border=True)
cards[3].metric("Rejected rows (all loads)", status["rejects_total"], border=True)
if status["first_applied_on"]:
    st.caption(f"Applied from {status['first_applied_on']} to {status['last_applied_on']}.")
if status["clients"]:
    st.subheader("Clients")
    st.dataframe(status["clients"], hide_index=True)
if status["last_runs"]:
    st.subheader("Last loads")
    st.dataframe(status["last_runs"], hide_index=True)

st.subheader("Import template")
st.markdown(
    "One row per application; only `applied_on` and a company or a role are required (README, “The canonical format”)."
)
st.download_button("Download template.csv", data.template_csv(), file_name="template.csv", mime="text/csv")
