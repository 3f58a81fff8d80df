"""Resume variants: rates per version with intervals, and the pairwise comparison with its warnings."""

import streamlit as st

from dashboard import charts, data, filters, glossary, ui

st.title("Resume variants")
src = ui.open_source()
scope = filters.current()
metric = (
    st.segmented_control(
        "Measure",
        ["response", "callback", "interview", "offer"],
        default="response",
        format_func=lambda name: data.METRIC_LABELS[name],
        key="resume_metric",
    )
    or "response"
)
rates = ui.require(src, ui.fetch(data.rates, src, scope, "resume_version"))
ui.scope_caption(scope)
if not rates.outcomes_recorded:
    ui.no_outcomes_notice()
    st.stop()
frame = rates.rates
chosen = frame[frame["metric"] == metric]
if chosen["rate"].notna().any():
    st.altair_chart(charts.rate_bars(chosen, title=data.METRIC_LABELS[metric], axis_title="rate"))
else:
    st.info("No rate yet: no version has had the whole response window (or nothing is settled).")
st.caption(f"Faded: fewer than {rates.small_group_threshold} settled applications. The line is the 95 % interval.")

st.subheader("Version × channel")
cross = data.cross_rates(src, scope, "resume_version", "channel")
cells = cross[cross["metric"] == metric]
if cells["rate"].notna().any():
    st.altair_chart(charts.heatmap(cells, rows="resume_version", columns="channel", title=data.METRIC_LABELS[metric]))
    st.caption("Where each version was sent: a version can look weak only because it went through weak channels.")
else:
    st.info("No version and channel pair has a rate yet.")

result = ui.require(src, ui.fetch(data.compare, src, scope, "resume_version", metric))
st.subheader("Which version does best")
for warning in result.warnings:
    st.warning(ui.md(warning))
st.dataframe(
    ui.shown(result.variants),
    hide_index=True,
    column_config=glossary.columns(
        result.variants.columns,
        rate=st.column_config.NumberColumn("Rate (settled)", format="percent"),
        low=st.column_config.NumberColumn(glossary.label("low"), format="percent"),
        high=st.column_config.NumberColumn(glossary.label("high"), format="percent"),
        prob_best=st.column_config.NumberColumn(glossary.label("prob_best"), format="percent"),
    ),
)
if result.variants_omitted:
    st.caption(f"{result.variants_omitted} more versions with fewer settled applications are not compared.")
if not result.pairs.empty:
    st.markdown(f"**Pairs** (Fisher's exact test, Holm-adjusted; adjusted for {ui.md(', '.join(result.adjusted_for))})")
    st.dataframe(
        ui.shown(result.pairs),
        hide_index=True,
        column_config=glossary.columns(
            result.pairs.columns,
            difference=st.column_config.NumberColumn(glossary.label("difference"), format="percent"),
            p_value=st.column_config.NumberColumn(glossary.label("p_value"), format="%.3f"),
            p_holm=st.column_config.NumberColumn(glossary.label("p_holm"), format="%.3f"),
            adjusted_odds_ratio=st.column_config.NumberColumn(glossary.label("adjusted_odds_ratio"), format="%.2f"),
            adjusted_p=st.column_config.NumberColumn(glossary.label("adjusted_p"), format="%.3f"),
            needed_per_variant=st.column_config.NumberColumn(glossary.label("needed_per_variant"), format="%d"),
        ),
    )
