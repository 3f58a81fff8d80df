"""Overview: headline numbers, the six-part strategy health check, the funnel and the weekly trend.

Every number on the cards and the funnel is one of the measures (pipelines/analyse/measures.py `measures`),
under the label that states its definition; each chart's title says what its data show
(pipelines/analyse/headline.py)."""

import streamlit as st

from dashboard import charts, data, filters, ui
from pipelines.words import counted

st.title("Overview")
src = ui.open_source()
ui.show_flash()  # "Recorded: …" after recording an outcome below, which reruns the page
scope = filters.current()
result = ui.require(src, ui.fetch(data.overview, src, scope))
ui.scope_caption(scope)

measures = result.measures
if not measures.outcomes_recorded:
    ui.no_outcomes_notice()
    ui.record_outcomes(src, scope, key="overview_outcomes")
spare = ui.measure_cards(
    measures,
    ("applications", "response_rate", "response_rate_settled", "answered", "callbacks", "interviews", "offers",
     "pending"),
)  # fmt: skip
with spare[0], st.container(border=True, height="stretch"):
    st.markdown(
        "**Median wait for an answer**",
        help="“Not reached” when fewer than half of the applications are ever answered.",
    )
    if not measures.outcomes_recorded:
        st.metric("Median wait for an answer", ui.NOT_RECORDED_VALUE, label_visibility="collapsed")
    else:
        st.metric("Median wait for an answer", ui.days(result.median_days), label_visibility="collapsed")
        if result.median_days is not None:
            st.caption(f"95 % interval {ui.days(result.median_low)} – {ui.days(result.median_high)}")
if measures.outcomes_recorded:
    ui.published(data.PUBLISHED_RESPONSE)
unknown = ui.fetch(data.status, src).applied_date_unknown
if unknown:
    st.caption(
        f"Not counted here: {counted(unknown, 'application')} read from your mail without its confirmation,"
        " whose applied date is unknown (see the Database page)."
    )

st.subheader("Strategy health")
st.caption(
    "Each part of the search judged on what your log records: your own channels, versions and industries "
    "against each other, your interviews against published hiring funnels. “Failing” needs evidence that "
    "stays valid however often you look; “at risk” means check again. The most severe first."
)
columns = st.columns(2)
for index, item in enumerate(result.findings):
    with columns[index % 2]:
        ui.finding(item)

st.subheader("Funnel")
if not measures.outcomes_recorded:
    ui.no_outcomes_notice()
else:
    # one above the other: the stages carry their measures' labels, which need the width
    st.altair_chart(charts.funnel_bars(result.funnel, scope.window, title=result.funnel_title))
    if result.endings is not None and not result.endings.empty:
        st.altair_chart(charts.endings_bars(result.endings, title=result.endings_title))
    st.caption(
        "Each application counts at the furthest stage it reached, at any time: the cards' numbers. "
        f"{ui.md(result.step_conversion_label)}. No further answer: an answer or an offer "
        f"followed by nothing for {data.STALE_DAYS} days or more."
    )

st.subheader("Trend")
if result.rated_weeks:
    # two charts on one time axis (charts.trend_line): each takes the page's width, which a stack cannot
    st.altair_chart(charts.trend_line(result.trend, title=result.trend_title))
    st.altair_chart(charts.weekly_volume(result.trend))
    st.caption(
        "The line breaks over weeks without a rate: nobody applied, or too recent to have had the whole window. "
        "Faded points: fewer than 10 settled applications that week. The band is the 95 % interval."
    )
else:
    # no rate to draw: the applications per week still are something to see
    st.info(
        ui.md(result.trend_title)
        if measures.outcomes_recorded
        else "No response rate by week: " + ui.md(data.NO_OUTCOMES) + "."
    )
    st.altair_chart(charts.weekly_volume(result.trend, title="Applications per week"))

if measures.outcomes_recorded:
    # still at hand once some outcomes are in (recording the first one ends the notice above): an
    # export that records none, like LinkedIn's, is filled in one application at a time
    ui.record_outcomes(src, scope, key="overview_outcomes")
