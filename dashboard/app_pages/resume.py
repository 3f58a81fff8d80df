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
if rates.recorded is not None and not rates.recorded.resume_version:
    # nothing on this page can be told: no table of one "(blank)" version "100 % likely the best"
    st.info(ui.md(data.not_recorded("resume_version")))
    st.stop()
if list(chosen["group"]) == [data.BLANK]:
    st.info(ui.md(data.not_recorded("resume_version", anywhere=False)))
    st.stop()
if chosen["rate"].notna().any():
    st.altair_chart(
        charts.rate_bars(chosen, title=rates.headline(metric), axis_title=data.METRIC_LABELS[metric].lower())
    )
    st.caption(
        "A circle without a bar, and “too few to judge”: fewer than"
        f" {rates.small_group_threshold} settled applications. The line is the 95 % interval; a title names a"
        " difference only when the intervals are apart."
    )
else:
    st.info("No rate yet: no version has had the whole response window (or nothing is settled).")

st.subheader("Version × channel")
cross = data.cross_rates(src, scope, "resume_version", "channel")
cells = cross[cross["metric"] == metric]
reason = data.cross_reason(cells, "resume_version", "channel", rates.recorded)
if reason is None:
    st.altair_chart(
        charts.heatmap(
            cells,
            rows="resume_version",
            columns="channel",
            title=data.cross_title(cells, "resume_version", "channel", metric),
        )
    )
    st.caption("Where each version was sent: a version can look weak only because it went through weak channels.")
else:
    st.info(ui.md(reason))

result = ui.require(src, ui.fetch(data.compare, src, scope, "resume_version", metric))
st.subheader("Which version does best")
for warning in result.warnings:
    st.warning(ui.md(warning))
# as text: a variant with nothing settled has no rate, and the grid would print "None" in its cell
variants = data.as_text(result.variants, percent=("rate", "low", "high", "prob_best"))
ui.table(
    variants,
    hide_index=True,
    column_config=glossary.columns(variants.columns, rate=st.column_config.Column("Rate (settled)")),
)
if result.variants_omitted:
    st.caption(f"{result.variants_omitted} more versions with fewer settled applications are not compared.")
if not result.pairs.empty:
    st.markdown(f"**Pairs** (Fisher's exact test, Holm-adjusted; adjusted for {ui.md(', '.join(result.adjusted_for))})")
    pairs = data.as_text(
        result.pairs,
        percent=("difference",),
        decimals={"p_value": 3, "p_holm": 3, "adjusted_odds_ratio": 2, "adjusted_p": 3, "needed_per_variant": 0},
    )
    ui.table(pairs, hide_index=True, column_config=glossary.columns(pairs.columns))
