"""Overview: headline numbers, the six-part strategy health check, the funnel and the weekly trend."""

import streamlit as st

from dashboard import charts, data, filters, ui

st.title("Overview")
src = ui.open_source()
scope = filters.current()
result = ui.fetch(data.overview, src, scope)
ui.stop_if_empty(src, result)
ui.scope_caption(scope)

rate = result["response_rate"]
# two rows of cards: seven in one row cut their labels and values short
cards = [*st.columns(4), *st.columns(3)]
cards[0].metric("Applications", result["applications"], border=True)
with cards[1]:
    st.metric(
        "Response rate",
        "too early" if rate["rate"] is None else ui.pct(rate["rate"]),
        help="Chance of any answer (a rejection included) within the response window. Censoring-aware "
        "(Kaplan–Meier): recent applications count for the days they have had, so they do not drag it down.",
        border=True,
    )
    st.caption(f"95 % interval {ui.interval(rate['low'], rate['high'])}")
cards[2].metric("Callbacks", result["callbacks"], help="Invited to a screen, assessment or interview.", border=True)
cards[3].metric("Interviews", result["interviews"], border=True)
cards[4].metric("Offers", result["offers"], border=True)
cards[5].metric(
    "Pending", result["pending"], help="No answer yet and younger than the window: not a failure.", border=True
)
with cards[6]:
    st.metric(
        "Median wait for an answer",
        ui.days(result["median_days"]),
        border=True,
        help="“Not reached” when fewer than half of the applications are ever answered.",
    )
    if result["median_days"] is not None:
        st.caption(f"95 % interval {ui.days(result['median_low'])} – {ui.days(result['median_high'])}")

st.subheader("Strategy health")
st.caption(
    "Each part of the search compared with your own other channels, versions and stages; "
    "“failing” needs p < 0.005. The most severe first."
)
columns = st.columns(2)
for index, item in enumerate(result["findings"]):
    with columns[index % 2]:
        ui.finding(item)

st.subheader("Funnel")
left, right = st.columns(2)
left.altair_chart(charts.funnel_bars(result["funnel"]))
if not result["flows"].empty:
    right.plotly_chart(charts.sankey(result["flows"]))

st.subheader("Trend")
st.altair_chart(charts.trend_line(result["trend"]))
