"""Charts: DataFrames from dashboard/data/ in, Altair (and one plotly Sankey) out. No data access.

Conventions shared by every chart:
- the Okabe-Ito palette, which stays distinguishable with the common colour-vision deficiencies;
- every rate is drawn with its 95 % interval (Wilson, or the Kaplan-Meier band), never alone;
- a group with too few settled applications is drawn faded, with a legend that says why;
- every mark has a tooltip with the numbers behind it.
Values (company names, versions) only ever reach the chart as data; Vega's tooltip escapes them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import plotly.graph_objects as go

from dashboard import glossary
from dashboard.data import ENOUGH_LABEL, SMALL_LABEL

# Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion, sky blue,
# reddish purple, yellow, black
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
PRIMARY = OKABE_ITO[0]
# the Sankey's ends, as data.overview words them
OUTCOME_COLOURS = {
    "rejected": "#D55E00",
    "no response": "#999999",
    "no further answer": "#666666",
    "withdrawn": "#CC79A7",
    "position closed": "#E69F00",
    "declined": "#F0E442",
    "pending": "#56B4E9",
    "still open": "#009E73",
}
LABEL_LIMIT = 220  # pixels: a 5,000-character company name must not push the plot off the page

# what alt.layer returns: a FacetChart only when every layer has the same facet encoding (none here)
Layered = alt.LayerChart | alt.FacetChart

# faded = too little data to lean on; the legend carries the explanation
_RELIABILITY_OPACITY = alt.Opacity(
    "reliability:N",
    scale=alt.Scale(domain=[ENOUGH_LABEL, SMALL_LABEL], range=[1.0, 0.35]),
    legend=alt.Legend(title=None, orient="bottom"),
)


def _pct_tooltip(field: str, title: str) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=title, format=".1%")


def rate_bars(frame: pd.DataFrame, *, label: str = "group", title: str = "", axis_title: str = "Rate") -> Layered:
    """Horizontal bars of `rate` per `label`, with a `low`-`high` interval rule on each.

    Expects columns: label, rate, low, high, n, reliability (and optionally applications, settled).
    A rate that is null (too early, or nothing settled) shows no bar but stays in the tooltip table.
    """
    tooltip = [
        alt.Tooltip(f"{label}:N", title=glossary.label(label)),
        _pct_tooltip("rate", "rate"),
        _pct_tooltip("low", "95% interval from"),
        _pct_tooltip("high", "95% interval to"),
        alt.Tooltip("n:Q", title="denominator"),
        alt.Tooltip("reliability:N", title="data"),
    ]
    for extra in ("applications", "settled", "prob_best"):
        if extra in frame.columns:
            tooltip.append(
                alt.Tooltip(f"{extra}:Q", title="P(best)", format=".0%")
                if extra == "prob_best"
                else alt.Tooltip(f"{extra}:Q", title=glossary.label(extra))
            )
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        tooltip=tooltip,
    )
    x = alt.X("rate:Q", title=axis_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    bars = base.mark_bar(color=PRIMARY).encode(x=x, opacity=_RELIABILITY_OPACITY)
    interval = base.mark_rule(color="#000000", strokeWidth=2).encode(x="low:Q", x2="high:Q")
    ticks = base.mark_tick(color="#000000", thickness=2, size=10).encode(x="low:Q") + base.mark_tick(
        color="#000000", thickness=2, size=10
    ).encode(x="high:Q")
    return alt.layer(bars, interval, ticks).transform_filter("isValid(datum.rate)")


def heatmap(frame: pd.DataFrame, *, rows: str, columns: str, title: str = "") -> Layered:
    """A cell per (rows, columns) pair coloured by `rate`, its value written in; faded when small.

    A sequential single-hue scale (blues) reads the same with every common colour-vision deficiency.
    """
    tooltip = [
        alt.Tooltip(f"{rows}:N", title=glossary.label(rows)),
        alt.Tooltip(f"{columns}:N", title=glossary.label(columns)),
        _pct_tooltip("rate", "rate"),
        _pct_tooltip("low", "95% interval from"),
        _pct_tooltip("high", "95% interval to"),
        alt.Tooltip("settled:Q", title="settled applications"),
        alt.Tooltip("reliability:N", title="data"),
    ]
    base = alt.Chart(frame, title=title).encode(
        # every label shown: Vega hides overlapping ones by default, leaving columns unnamed
        y=alt.Y(f"{rows}:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT, labelOverlap=False)),
        x=alt.X(f"{columns}:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT, labelAngle=-40, labelOverlap=False)),
        tooltip=tooltip,
    )
    cells = base.mark_rect().encode(
        color=alt.Color("rate:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=alt.Legend(format="%")),
        opacity=_RELIABILITY_OPACITY,
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("rate:Q", format=".0%"),
        # white only on a dark, full-strength cell; a faded cell is pale whatever its rate
        color=alt.condition(
            f"datum.rate > 0.5 && datum.reliability == '{ENOUGH_LABEL}'", alt.value("white"), alt.value("black")
        ),
    )
    return alt.layer(cells, text).transform_filter("isValid(datum.rate)")


def funnel_bars(frame: pd.DataFrame, window: int) -> Layered:
    """Applications at each stage reached (furthest stage in the history), in funnel order, each stage
    named by the measure that counts it (`label`), its count written at the end of its bar."""
    order = list(frame["label"]) if not frame.empty else []
    base = alt.Chart(frame, title="How far applications got").encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("count:Q", title="applications"),
        tooltip=[
            alt.Tooltip("label:N", title="stage"),
            alt.Tooltip("count:Q", title="applications"),
            _pct_tooltip("share", "share of all applications"),
            _pct_tooltip("step_rate", f"step conversion (among applications that have had {window} days)"),
            _pct_tooltip("step_low", "95% interval from"),
            _pct_tooltip("step_high", "95% interval to"),
            alt.Tooltip("step_n:Q", title=f"at the stage before, and had {window} days"),
        ],
    )
    bars = base.mark_bar(color=PRIMARY)
    counts = base.mark_text(align="left", dx=4).encode(text=alt.Text("count:Q", format=","))
    return alt.layer(bars, counts)


def trend_line(frame: pd.DataFrame) -> alt.VConcatChart:
    """Weekly response rate with its interval band, over the applications sent each week.

    Weeks too young for a rate (nobody had the whole window) have no point; their bars still show.
    """
    x = alt.X("week:T", title="week applied", scale=alt.Scale(type="utc"), axis=alt.Axis(format="%d %b %Y"))
    tooltip = [
        alt.Tooltip("period:N", title="week of"),
        _pct_tooltip("rate", "response rate"),
        _pct_tooltip("low", "95% interval from"),
        _pct_tooltip("high", "95% interval to"),
        alt.Tooltip("applications:Q"),
        alt.Tooltip("settled:Q"),
        alt.Tooltip("pending:Q"),
        alt.Tooltip("reliability:N", title="data"),
    ]
    base = alt.Chart(frame).encode(x=x, tooltip=tooltip)
    rated = base.transform_filter("isValid(datum.rate)")
    band = rated.mark_area(opacity=0.25, color=PRIMARY).encode(
        y=alt.Y("low:Q", title="response rate", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y2="high:Q",
    )
    line = rated.mark_line(color=PRIMARY).encode(y="rate:Q")
    points = rated.mark_point(filled=True, color=PRIMARY, size=60).encode(y="rate:Q", opacity=_RELIABILITY_OPACITY)
    volume = (
        base.mark_bar(color=OKABE_ITO[1]).encode(y=alt.Y("applications:Q", title="applications")).properties(height=90)
    )
    # one time axis for both panels: the young weeks without a rate still line up with their bars
    stacked: alt.VConcatChart = alt.vconcat(  # altair types resolve_scale() as returning Any
        alt.layer(band, line, points).properties(title="Response rate by week applied", height=220), volume
    ).resolve_scale(x="shared")
    return stacked


def km_curves(frame: pd.DataFrame, *, title: str, y_title: str) -> Layered:
    """Kaplan-Meier step curves (share still waiting, by day) with their 95 % bands, one per group.

    Expects the rows of data.timing()["curves"] for one `kind`.
    """
    groups = list(dict.fromkeys(frame["group"])) if not frame.empty else []
    colour = alt.Color(
        "group:N",
        scale=alt.Scale(domain=groups, range=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(max(len(groups), 1))]),
        legend=alt.Legend(title=None, orient="bottom", labelLimit=LABEL_LIMIT),
    )
    tooltip = [
        alt.Tooltip("group:N"),
        alt.Tooltip("day:Q", title="day"),
        _pct_tooltip("survival", "still waiting"),
        _pct_tooltip("lower", "95% band from"),
        _pct_tooltip("upper", "95% band to"),
        alt.Tooltip("at_risk:Q", title="still waiting (count)"),
        alt.Tooltip("events:Q", title="answered that day"),
        alt.Tooltip("censored:Q", title="left the count (pending, withdrawn)"),
        alt.Tooltip("reliability:N", title="data"),
    ]
    base = alt.Chart(frame, title=title).encode(
        x=alt.X("day:Q", title="days since applying"), color=colour, tooltip=tooltip
    )
    band = base.mark_area(opacity=0.18, interpolate="step-after").encode(
        y=alt.Y("lower:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])), y2="upper:Q"
    )
    line = base.mark_line(interpolate="step-after").encode(y="survival:Q", opacity=_RELIABILITY_OPACITY)
    return alt.layer(band, line)


def sankey(flows: pd.DataFrame) -> go.Figure:
    """Where applications went: stage to stage, and from their furthest stage to how they ended."""
    labels = list(dict.fromkeys([*flows["from"], *flows["to"]]))
    index = {name: i for i, name in enumerate(labels)}
    stage_colour = {name: OKABE_ITO[i % 3] for i, name in enumerate(labels) if name not in OUTCOME_COLOURS}
    node_colours = [OUTCOME_COLOURS.get(name, stage_colour.get(name, PRIMARY)) for name in labels]
    figure = go.Figure(
        go.Sankey(
            node={"label": [name.replace("_", " ") for name in labels], "color": node_colours, "pad": 14},
            link={
                "source": [index[name] for name in flows["from"]],
                "target": [index[name] for name in flows["to"]],
                "value": list(flows["count"]),
                "color": "rgba(0, 114, 178, 0.25)",
                "hovertemplate": "%{source.label} → %{target.label}: %{value} applications<extra></extra>",
            },
        )
    )
    figure.update_layout(title_text="Where applications went", margin={"l": 10, "r": 10, "t": 40, "b": 10}, height=460)
    return figure


def caseload_strip(frame: pd.DataFrame) -> Layered:
    """Per rate: the caseload's spread (min–max line, quartile box, median tick) and the client's
    own rate with its interval on top (a black diamond and rule).

    Expects columns: metric, rate, low, high, reliability, percentile, others, min, p25, median, p75, max.
    """
    tooltip = [
        alt.Tooltip("metric:N", title="rate"),
        _pct_tooltip("rate", "this client"),
        _pct_tooltip("low", "95% interval from"),
        _pct_tooltip("high", "95% interval to"),
        alt.Tooltip("percentile:Q", title="percentile among the others", format=".0f"),
        alt.Tooltip("others:Q", title="other clients compared"),
        _pct_tooltip("median", "caseload median"),
        _pct_tooltip("p25", "caseload 25th percentile"),
        _pct_tooltip("p75", "caseload 75th percentile"),
    ]
    base = alt.Chart(frame, title="This client against the caseload").encode(
        y=alt.Y("metric:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)), tooltip=tooltip
    )
    x = alt.Scale(domain=[0, 1])
    spread = base.mark_rule(color=OKABE_ITO[4], strokeWidth=2).encode(
        x=alt.X("min:Q", title="Rate", axis=alt.Axis(format="%"), scale=x), x2="max:Q"
    )
    quartiles = base.mark_bar(color=OKABE_ITO[4], opacity=0.5, size=14).encode(x="p25:Q", x2="p75:Q")
    median = base.mark_tick(color=OKABE_ITO[4], thickness=3, size=18).encode(x="median:Q")
    interval = (
        base.mark_rule(color="#000000", strokeWidth=2)
        .encode(x="low:Q", x2="high:Q", opacity=_RELIABILITY_OPACITY)
        .transform_filter("isValid(datum.rate)")
    )
    own = (
        base.mark_point(shape="diamond", filled=True, size=120, color="#000000")
        .encode(x="rate:Q", opacity=_RELIABILITY_OPACITY)
        .transform_filter("isValid(datum.rate)")
    )
    return alt.layer(spread, quartiles, median, interval, own)


def notes_timeline(weeks: pd.DataFrame, notes: pd.DataFrame) -> Layered:
    """Applications per week (bars) with the advisor's notes as dated markers above them.

    Expects `weeks` with week (timestamp) and applications; `notes` with noted_on (timestamp),
    author and body.
    """
    bars = (
        alt.Chart(weeks, title="Applications per week, and the advisor's notes")
        .mark_bar(color=OKABE_ITO[0], opacity=0.6)
        .encode(
            x=alt.X("week:T", title=None),
            y=alt.Y("applications:Q", title="Applications"),
            tooltip=[alt.Tooltip("week:T", title="week of"), alt.Tooltip("applications:Q")],
        )
    )
    marks = alt.Chart(notes).encode(
        x="noted_on:T",
        tooltip=[
            alt.Tooltip("noted_on:T", title="note of"),
            alt.Tooltip("author:N"),
            alt.Tooltip("body:N", title="note"),
        ],
    )
    rules = marks.mark_rule(color=OKABE_ITO[3], strokeDash=[4, 3])
    points = marks.mark_point(shape="triangle-down", filled=True, size=140, color=OKABE_ITO[3]).encode(y=alt.value(0))
    return alt.layer(bars, rules, points)
