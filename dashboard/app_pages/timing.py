"""Response times: Kaplan-Meier curves of days to a first answer and to a rejection, per group."""

import streamlit as st

from dashboard import charts, data, filters, glossary, ui

st.title("Response times")
src = ui.open_source()
scope = filters.current()
by = st.selectbox(
    "Compare by",
    [None, *data.GROUP_CHOICES],
    key="timing_by",
    format_func=lambda name: "nothing (all applications)" if name is None else data.GROUP_CHOICES[name],
)
result = ui.require(src, ui.fetch(data.timing, src, scope, by))
ui.scope_caption(scope)
if not result.outcomes_recorded:
    ui.no_outcomes_notice()  # no dated answer to wait for, and 100 % "ghosted" would be a guess
    st.stop()
curves = result.curves
first, rejection = st.tabs(["First answer", "Rejection"])
with first:
    chosen = curves[curves["kind"] == "first_response"]
    if chosen.empty:
        st.info("No dated answers yet.")
    else:
        st.altair_chart(
            charts.km_curves(chosen, title="Still waiting for a first answer", y_title="share still waiting")
        )
with rejection:
    chosen = curves[curves["kind"] == "rejection"]
    if chosen.empty:
        st.info("No dated rejections yet.")
    else:
        st.altair_chart(charts.km_curves(chosen, title="Not rejected yet", y_title="share not rejected"))
st.caption(
    "Pending applications count for the days they have had (censored), so young searches are not "
    "read as silent ones. The shaded band is the 95 % interval."
)
summary = result.summary
percent = {
    name: st.column_config.NumberColumn(glossary.label(name), format="percent")
    for name in ("ghosting_rate", "ghosting_low", "ghosting_high")
}
days = {
    name: st.column_config.NumberColumn(glossary.label(name), format="%.1f")
    for name in ("median_days_to_response", "median_low", "median_high", "median_days_to_rejection")
}
st.dataframe(ui.shown(summary), hide_index=True, column_config=glossary.columns(summary.columns, **percent, **days))
