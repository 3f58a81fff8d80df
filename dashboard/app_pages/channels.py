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
recorded = None
for field, heading in (("channel", "By channel"), ("industry", "By industry"), ("role", "By role")):
    result = ui.require(src, ui.fetch(data.rates, src, scope, field))
    if not result.outcomes_recorded:
        ui.scope_caption(scope)
        ui.no_outcomes_notice()
        st.stop()
    recorded = result.recorded
    st.subheader(heading)
    frame = result.rates
    chosen = frame[frame["metric"] == metric]
    # groups arrive with the most applications first: a search with hundreds of roles draws the top ones
    drawn = chosen.head(data.MAX_BARS)
    subtitle = (
        f"The {data.MAX_BARS} largest groups of {len(chosen)}; the table holds them all."
        if len(chosen) > len(drawn)
        else ""
    )
    if recorded is not None and field in ("channel", "industry") and not getattr(recorded, field):
        st.info(ui.md(data.not_recorded(field)))
        continue
    if list(chosen["group"]) == [data.BLANK]:
        st.info(ui.md(data.not_recorded(field, anywhere=False)))
        continue
    if drawn["rate"].notna().any():
        axis = data.METRIC_LABELS[metric].lower()
        st.altair_chart(charts.rate_bars(drawn, title=result.headline(metric), axis_title=axis, subtitle=subtitle))
        if field == "channel":
            ui.published(data.PUBLISHED_REFERRALS)
    else:
        st.info("No rate yet: no group has had the whole response window (or nothing is settled).")
    with st.expander("Table"):
        table = data.as_text(chosen.drop(columns=["metric", "small", "shown"]), percent=("rate", "low", "high"))
        ui.table(table, hide_index=True, column_config=glossary.columns(table.columns))
st.subheader("Channel × industry")
cross = data.cross_rates(src, scope, "channel", "industry")
cells = cross[cross["metric"] == metric]
reason = data.cross_reason(cells, "channel", "industry", recorded)
if reason is None:
    title = data.cross_title(cells, "channel", "industry", metric)
    st.altair_chart(charts.heatmap(cells, rows="channel", columns="industry", title=title))
else:
    st.info(ui.md(reason))
ui.scope_caption(scope)
st.caption(
    "A circle without a bar, and “too few to judge”: fewer than 10 settled applications."
    " The line is the 95 % interval; a title names a difference only when the intervals are apart."
)
