"""Charts: DataFrames from dashboard/data/ in, Altair out. No data access.

Conventions shared by every chart:
- each chart answers one question, and its title says the answer as a sentence from the data
  (pipelines/analyse/headline.py, handed over by dashboard/data/): the page passes it as `title`;
- the Okabe-Ito palette, which stays distinguishable with the common colour-vision deficiencies;
- every rate is drawn with its 95 % interval (Wilson, or the Kaplan-Meier band), never alone, on an
  axis ticked at 0, 25, 50, 75 and 100 %;
- a group with too few settled applications is drawn faded, and its bar says so in words;
- every mark has a tooltip with the numbers behind it; no legend text is cut short;
- a chart is only drawn when it has something to show: the page says why in one sentence instead.
Values (company names, versions) only ever reach the chart as data; Vega's tooltip escapes them.
"""

from __future__ import annotations

import textwrap
from typing import Any, Literal

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import glossary
from dashboard.data import ENOUGH_LABEL, SMALL_LABEL

# Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion, sky blue,
# reddish purple, yellow, black
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
PRIMARY = OKABE_ITO[0]
# how an application ended (dashboard/data/frames.py ENDING_WORDS)
OUTCOME_COLOURS = {
    "rejected": "#D55E00",
    "no_response": "#999999",
    "no_further_answer": "#666666",
    "withdrawn": "#CC79A7",
    "position_closed": "#E69F00",
    "declined": "#F0E442",
    "pending": "#56B4E9",
    "still_open": "#0072B2",
    "accepted": "#009E73",
}
LABEL_LIMIT = 220  # pixels: a 5,000-character company name must not push the plot off the page
LEGEND_VALUE_LIMIT = 400  # a legend naming the user's groups: long names whole, a 5,000-character one cut
# few rate ticks: a tick every 5 % says nothing a reader needs and crowds the axis
RATE_TICKS = [0, 0.25, 0.5, 0.75, 1]
TITLE_WIDTH = 100  # characters per title line: Vega does not wrap a title, and a sentence can be long

# what alt.layer returns: a FacetChart only when every layer has the same facet encoding (none here)
Layered = alt.LayerChart | alt.FacetChart

class ShownLayer(alt.LayerChart):
    """A layered chart that Streamlit turns into its spec without validating it against the Vega-Lite
    schema: validation is about 20 ms of each chart on every run of a page (docs/performance.md, page
    switches), and the specs do not change with the data. tests/dashboard/test_charts.py validates
    every chart the pages draw instead."""

    def to_dict(self, validate: bool = False, **kwargs: Any) -> dict[str, Any]:
        return super().to_dict(validate, **kwargs)


class ShownChart(alt.Chart):
    """A single-view chart, converted without validation like ShownLayer."""

    def to_dict(self, validate: bool = False, **kwargs: Any) -> dict[str, Any]:
        return super().to_dict(validate, **kwargs)


def _layer(*charts: alt.Chart | alt.LayerChart) -> ShownLayer:
    # alt.layer() without its facet hoisting: no layer here has a facet encoding
    return ShownLayer(layer=list(charts))


# faded = too little data to lean on; the legend carries the explanation, never cut short
_RELIABILITY_OPACITY = alt.Opacity(
    "reliability:N",
    scale=alt.Scale(domain=[ENOUGH_LABEL, SMALL_LABEL], range=[1.0, 0.35]),
    legend=alt.Legend(title=None, orient="bottom", labelLimit=0),
)


# Building a chart costs Altair about 50 ms (every encode() and mark copies the whole spec), on every
# run of a page. The same frame and words make the same chart: each is built once and handed out as a
# copy (st.cache_data pickles it: under 1 ms). The key is the data itself, so a hit only ever returns
# the chart of the very frame passed in. Bounded: a caseload's worth of pages, not every one ever seen.
_kept = st.cache_data(max_entries=512, show_spinner=False)


def _title(text: str, subtitle: str = "") -> alt.TitleParams:
    """A chart's title: the sentence wrapped into lines (Vega draws one line however long), the
    subtitle under it in grey."""
    lines = _lines(text, TITLE_WIDTH) or [""]
    # one line as a plain string: Vega measures a one-element list as taller, and fits the plot short
    shown: str | list[str] = lines[0] if len(lines) == 1 else lines
    if not subtitle:
        return alt.TitleParams(text=shown, anchor="start")
    return alt.TitleParams(text=shown, subtitle=_lines(subtitle, TITLE_WIDTH + 25), anchor="start")


def _lines(text: str, width: int) -> list[str]:
    # a number stays with its unit ("6 %", "9 days"): a line never starts with a lone "%"
    return textwrap.wrap(text.replace(" %", "\u00a0%"), width)


def _rate_axis(title: str | None) -> alt.Axis:
    return alt.Axis(title=title, format="%", values=RATE_TICKS)


def _pct_tooltip(field: str, title: str) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=title, format=".1%")


@_kept
def rate_bars(
    frame: pd.DataFrame, *, label: str = "group", title: str = "", axis_title: str = "Rate", subtitle: str = ""
) -> Layered:
    """Horizontal bars of `rate` per `label`, with a `low`-`high` interval rule on each, and at the right
    of each bar what it stands on (`shown`: "3 of 4", "1 of 1 — too few to judge"). A group with too few
    settled applications gets no bar: a hollow circle at its rate, on its interval.

    Expects columns: label, rate, low, high, n, reliability (and optionally applications, settled, shown).
    A rate that is null (too early, or nothing settled) shows no bar.
    """
    tooltip = [
        alt.Tooltip(f"{label}:N", title=glossary.label(label)),
        _pct_tooltip("rate", "rate"),
        _pct_tooltip("low", "95% interval from"),
        _pct_tooltip("high", "95% interval to"),
        alt.Tooltip("reliability:N", title="data"),
    ]
    if "shown" in frame.columns:
        tooltip.insert(4, alt.Tooltip("shown:N", title="out of"))
    for extra in ("applications", "settled", "prob_best"):
        if extra in frame.columns:
            tooltip.append(
                alt.Tooltip(f"{extra}:Q", title="P(best)", format=".0%")
                if extra == "prob_best"
                else alt.Tooltip(f"{extra}:Q", title=glossary.label(extra))
            )
    base = alt.Chart(frame, title=_title(title, subtitle)).encode(
        y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        tooltip=tooltip,
    )
    x = alt.X("rate:Q", axis=_rate_axis(axis_title), scale=alt.Scale(domain=[0, 1]))
    # a bar only where there is enough to lean on: one referral answered is a hollow point on a wide
    # interval, never a full-width bar reading "100 %"
    bars = base.mark_bar(color=PRIMARY).encode(x=x).transform_filter(f"datum.reliability == '{ENOUGH_LABEL}'")
    small = (
        base.mark_point(shape="circle", filled=False, color=PRIMARY, size=90, strokeWidth=2)
        .encode(x="rate:Q")
        .transform_filter(f"datum.reliability != '{ENOUGH_LABEL}'")
    )
    interval = base.mark_rule(color="#000000", strokeWidth=2).encode(x="low:Q", x2="high:Q")
    ticks = base.mark_tick(color="#000000", thickness=2, size=10).encode(x="low:Q") + base.mark_tick(
        color="#000000", thickness=2, size=10
    ).encode(x="high:Q")
    layers: list[alt.Chart | alt.LayerChart] = [bars, interval, ticks, small]
    if "shown" in frame.columns:
        # in a column right of 100 %: never on top of a bar or its interval, and read down like a table
        layers.append(base.mark_text(align="left", dx=12, fontSize=12).encode(x=alt.datum(1), text="shown:N"))
    # room on the right for the words: Vega measures text before the page's font has loaded, a little short
    return _layer(*layers).transform_filter("isValid(datum.rate)").properties(padding={"right": 24})


@_kept
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
    base = alt.Chart(frame, title=_title(title)).encode(
        # every label shown: Vega hides overlapping ones by default, leaving columns unnamed
        y=alt.Y(f"{rows}:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT, labelOverlap=False)),
        x=alt.X(f"{columns}:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT, labelAngle=-40, labelOverlap=False)),
        tooltip=tooltip,
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "rate:Q",
            scale=alt.Scale(scheme="blues", domain=[0, 1]),
            legend=alt.Legend(format="%", values=RATE_TICKS, title=None),
        ),
        opacity=_RELIABILITY_OPACITY,
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("rate:Q", format=".0%"),
        # white only on a dark, full-strength cell; a faded cell is pale whatever its rate
        color=alt.condition(
            f"datum.rate > 0.5 && datum.reliability == '{ENOUGH_LABEL}'", alt.value("white"), alt.value("black")
        ),
    )
    return _layer(cells, text).transform_filter("isValid(datum.rate)")


@_kept
def funnel_bars(frame: pd.DataFrame, window: int, *, title: str = "How far applications got") -> Layered:
    """Applications at each stage reached (furthest stage in the history), in funnel order, each stage
    named by the measure that counts it (`label`); at the end of each bar its count and the step from
    the stage before (`shown`, "13 (52 % of the stage before: 12 of the 23 that have had 30 days)")."""
    order = list(frame["label"]) if not frame.empty else []
    subtitle = (
        "Each bar: the applications that got this far, at any time. In brackets: the step from the stage"
        f" before, among the applications that have had {window} days (a younger one has not had its chance yet)."
    )
    base = alt.Chart(frame, title=_title(title, subtitle)).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("count:Q", title="applications", axis=alt.Axis(tickCount=5, tickMinStep=1, format="d")),
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
    words = "shown:N" if "shown" in frame.columns else alt.Text("count:Q", format=",")
    counts = base.mark_text(align="left", dx=4, fontSize=12).encode(text=words)
    return _layer(bars, counts).properties(padding={"right": 24})


@_kept
def endings_bars(frame: pd.DataFrame, *, title: str) -> Layered:
    """How the applications ended: one bar per (furthest stage reached, ending), in funnel order, its
    count written at its end. One row each, so no two labels can overlap (the Sankey's could).

    Expects the rows of data.overview().endings: level, ending, row, count.
    """
    order = list(frame["row"]) if not frame.empty else []
    endings = [name for name in OUTCOME_COLOURS if name in set(frame["ending"])] if not frame.empty else []
    question = "How did your applications end? Each application once, at the furthest stage it reached."
    base = alt.Chart(frame, title=_title(title, question)).encode(
        y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("count:Q", title="applications", axis=alt.Axis(tickCount=5, tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("row:N", title="ended"), alt.Tooltip("count:Q", title="applications")],
    )
    colour = alt.Color(
        "ending:N",
        scale=alt.Scale(domain=endings, range=[OUTCOME_COLOURS[name] for name in endings]),
        legend=None,  # the row's own words name the ending
    )
    bars = base.mark_bar().encode(color=colour)
    counts = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("count:Q", format=","))
    return _layer(bars, counts)


def _weeks(frame: pd.DataFrame) -> alt.X:
    """The weekly charts' time axis: the same domain and the same left edge (WEEK_Y_EXTENT) in both, so
    that a week's rate point stands above its applications bar though they are two charts."""
    domain = None
    if not frame.empty:
        domain = [frame["week"].min().isoformat(), frame["week"].max().isoformat()]
    scale = alt.Scale(type="utc", domain=domain, padding=14, nice=False) if domain else alt.Scale(type="utc")
    return alt.X("week:T", title="week applied", scale=scale, axis=alt.Axis(format="%d %b %Y"))


# a fixed extent for the y axis' ticks and labels: both weekly charts' plots start at the same x
WEEK_Y_EXTENT = 44


@_kept
def trend_line(frame: pd.DataFrame, *, title: str = "Response rate by week applied") -> Layered:
    """Weekly response rate with its interval band (the applications per week: weekly_volume, drawn
    under it on the same time axis).

    `frame` has a row for every week (data.overview: a week nobody applied in has no rate): the line
    and the band break there (Vega-Lite's `invalid` "break-paths-filter-domains") instead of running
    straight across a gap of months. Weeks too young for a rate have no point.
    """
    tooltip = [
        alt.Tooltip("period:N", title="week of"),
        _pct_tooltip("rate", "response rate"),
        _pct_tooltip("low", "95% interval from"),
        _pct_tooltip("high", "95% interval to"),
        alt.Tooltip("applications:Q"),
        alt.Tooltip("settled:Q", title=glossary.label("settled")),
        alt.Tooltip("pending:Q"),
        alt.Tooltip("reliability:N", title="data"),
    ]
    base = alt.Chart(frame, title=_title(title)).encode(x=_weeks(frame))
    # a null rate: a gap in the path, and not in the scales
    breaks: Literal["break-paths-filter-domains"] = "break-paths-filter-domains"
    axis = alt.Axis(
        title="response rate", format="%", values=RATE_TICKS, minExtent=WEEK_Y_EXTENT, maxExtent=WEEK_Y_EXTENT
    )
    band = base.mark_area(opacity=0.25, color=PRIMARY, invalid=breaks).encode(
        y=alt.Y("low:Q", axis=axis, scale=alt.Scale(domain=[0, 1])), y2="high:Q"
    )
    line = base.mark_line(color=PRIMARY, invalid=breaks).encode(y="rate:Q")
    points = (
        base.transform_filter("isValid(datum.rate)")
        .mark_point(filled=True, color=PRIMARY, size=60)
        .encode(y="rate:Q", opacity=_RELIABILITY_OPACITY, tooltip=tooltip)
    )
    # the whole chart's height, title, axes and legend included (Streamlit fits the chart to it)
    return _layer(band, line, points).properties(height=380)


@_kept
def weekly_volume(frame: pd.DataFrame, *, title: str = "") -> alt.Chart:
    """Applications per week as bars (a week nobody applied in has none), on trend_line's time axis."""
    bars: alt.Chart = (  # altair types encode() as returning Any
        ShownChart(frame, title=_title(title) if title else alt.Undefined)
        .transform_filter("datum.applications > 0")
        .mark_bar(color=OKABE_ITO[1])
        .encode(
            x=_weeks(frame),
            y=alt.Y(
                "applications:Q",
                title="applications",
                # whole applications: no tick at 0.2 of one
                axis=alt.Axis(tickCount=4, tickMinStep=1, format="d", minExtent=WEEK_Y_EXTENT, maxExtent=WEEK_Y_EXTENT),
            ),
            tooltip=[alt.Tooltip("period:N", title="week of"), alt.Tooltip("applications:Q")],
        )
        .properties(height=200)
    )
    return bars


@_kept
def km_curves(frame: pd.DataFrame, *, title: str, y_title: str) -> Layered:
    """Kaplan-Meier step curves (share still waiting, by day) with their 95 % bands, one per group.

    Expects the rows of data.timing()["curves"] for one `kind`.
    """
    groups = list(dict.fromkeys(frame["group"])) if not frame.empty else []
    colour = alt.Color(
        "group:N",
        scale=alt.Scale(domain=groups, range=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(max(len(groups), 1))]),
        legend=alt.Legend(title=None, orient="bottom", labelLimit=LEGEND_VALUE_LIMIT),
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
    base = alt.Chart(frame, title=_title(title)).encode(
        x=alt.X("day:Q", title="days since applying"), color=colour, tooltip=tooltip
    )
    band = base.mark_area(opacity=0.18, interpolate="step-after").encode(
        y=alt.Y("lower:Q", axis=_rate_axis(y_title), scale=alt.Scale(domain=[0, 1])), y2="upper:Q"
    )
    line = base.mark_line(interpolate="step-after").encode(y="survival:Q", opacity=_RELIABILITY_OPACITY)
    return _layer(band, line)


@_kept
def caseload_strip(frame: pd.DataFrame, *, title: str = "This client against the caseload") -> Layered:
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
    base = alt.Chart(frame, title=_title(title)).encode(
        y=alt.Y("metric:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)), tooltip=tooltip
    )
    x = alt.Scale(domain=[0, 1])
    spread = base.mark_rule(color=OKABE_ITO[4], strokeWidth=2).encode(
        x=alt.X("min:Q", axis=_rate_axis("Rate"), scale=x), x2="max:Q"
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
    return _layer(spread, quartiles, median, interval, own)


@_kept
def option_intervals(
    frame: pd.DataFrame, *, label: str = "option", title: str = "", axis_title: str = "Answer rate"
) -> Layered:
    """Each option's answer rate as a point on its 95 % interval (a black rule), one row per `label`:
    whether the intervals are apart or overlap is the picture. An option with no rate is not drawn.

    Expects columns: label, rate, low, high (and optionally p_best, send, settled).
    """
    tooltip = [
        alt.Tooltip(f"{label}:N", title="option"),
        _pct_tooltip("rate", "answer rate"),
        _pct_tooltip("low", "95% interval from"),
        _pct_tooltip("high", "95% interval to"),
    ]
    if "p_best" in frame.columns:
        tooltip.append(alt.Tooltip("p_best:Q", title="chance of being best", format=".0%"))
    for extra, words in (("send", "send of the next"), ("settled", "settled applications")):
        if extra in frame.columns:
            tooltip.append(alt.Tooltip(f"{extra}:Q", title=words))
    base = alt.Chart(frame, title=_title(title)).encode(
        y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)), tooltip=tooltip
    )
    interval = base.mark_rule(color="#000000", strokeWidth=2).encode(
        x=alt.X("low:Q", axis=_rate_axis(axis_title), scale=alt.Scale(domain=[0, 1])), x2="high:Q"
    )
    point = base.mark_point(shape="circle", filled=True, color=PRIMARY, size=90).encode(x="rate:Q")
    return _layer(interval, point).transform_filter("isValid(datum.rate)")


@_kept
def notes_timeline(
    weeks: pd.DataFrame, notes: pd.DataFrame, *, title: str = "Applications per week, and the advisor's notes"
) -> Layered:
    """Applications per week (bars) with the advisor's notes as dated markers above them.

    Expects `weeks` with week (timestamp) and applications; `notes` with noted_on (timestamp),
    author and body.
    """
    bars = (
        alt.Chart(weeks, title=_title(title))
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
    return _layer(bars, rules, points)
