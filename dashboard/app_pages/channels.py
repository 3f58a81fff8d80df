"""Channels and industries: rates per channel and per industry, with intervals."""

import streamlit as st

from dashboard import charts, data, filters, glossary, ui

st.title("Channels & industries")
src = ui.open_source()
scope = filters.current()
metric = (
    st.segmented_control(
        "Measure",
        list(data.RATE_KEYS),
        default="response",
        format_func=lambda name: data.METRIC_LABELS[name],
        key="channels_metric",
    )
    or "response"
)
for field, heading in (("channel", "By channel"), ("industry", "By industry"), ("role", "By role")):
    result = ui.require(src, ui.fetch(data.rates, src, scope, field))
    if not result.outcomes_recorded:
        ui.scope_caption(scope)
        ui.no_outcomes_notice()
        st.stop()
    st.subheader(heading)
    frame = result.rates
    chosen = frame[frame["metric"] == metric]
    # groups arrive with the most applications first: a search with hundreds of roles draws the top ones
    drawn = chosen.head(data.MAX_BARS)
    title = data.METRIC_LABELS[metric] + (f" (the {data.MAX_BARS} largest groups)" if len(chosen) > len(drawn) else "")
    if drawn["rate"].notna().any():
        st.altair_chart(charts.rate_bars(drawn, title=title, axis_title="rate"))
    else:
        st.info("No rate yet: no group has had the whole response window (or nothing is settled).")
    with st.expander("Table"):
        table = chosen.drop(columns=["metric", "small"])
        percent = {
            name: st.column_config.NumberColumn(glossary.label(name), format="percent")
            for name in ("rate", "low", "high")
        }
        st.dataframe(ui.shown(table), hide_index=True, column_config=glossary.columns(table.columns, **percent))
st.subheader("Channel × industry")
cross = data.cross_rates(src, scope, "channel", "industry")
cells = cross[cross["metric"] == metric]
if cells["rate"].notna().any():
    st.altair_chart(charts.heatmap(cells, rows="channel", columns="industry", title=data.METRIC_LABELS[metric]))
else:
    st.info("No channel and industry pair has a rate yet.")
ui.scope_caption(scope)
st.caption("Faded: fewer than 10 settled applications. The line is the 95 % interval.")
