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
        title = result.title("first_response")
        st.altair_chart(charts.km_curves(chosen, title=title, y_title="share still waiting"))
with rejection:
    chosen = curves[curves["kind"] == "rejection"]
    if chosen.empty:
        st.info("No dated rejections yet.")
    else:
        title = result.title("rejection")
        st.altair_chart(charts.km_curves(chosen, title=title, y_title="share not rejected"))
st.caption(
    "Each curve: the share of applications still waiting, day by day; half have had it where a curve "
    "crosses 50 %. Pending applications count for the days they have had (censored), so young searches are "
    "not read as silent ones. The shaded band is the 95 % interval."
)
# as text: a median fewer than half reach is "not reached", never an empty number cell the grid prints "None"
summary = data.as_text(
    result.summary,
    percent=("ghosting_rate", "ghosting_low", "ghosting_high"),
    days=("median_days_to_response", "median_low", "median_high", "median_days_to_rejection"),
    not_reached=("median_days_to_response", "median_days_to_rejection"),
)
ui.table(summary, hide_index=True, column_config=glossary.columns(summary.columns))
