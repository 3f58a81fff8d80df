"""One client's search as a single self-contained HTML page, for an advisor to share and to print.

`build_report` returns the whole document as a string. In order, it holds:

1. a header: the client's name, advisor, status, start date and targets, and the scope (as-of date,
   response window, applied dates and filters, when the report was generated);
2. headline numbers (pipelines/analyse/measures.py `measures`, each under the label that states its
   definition): applications, both response rates with their 95 % intervals, answered, callbacks,
   interviews, offers, pending and settled; "no outcomes recorded" when the log has none;
3. the funnel (pipelines/analyse/funnel.py `funnel`): stage counts and step conversions with intervals;
4. rates by resume version, by channel and by industry (`analytics.rates`): the censoring-aware
   response rate and the callback rate per group, each with its interval, small groups flagged;
5. the diagnosis (pipelines/analyse/diagnosis/): every finding's area, verdict, evidence and next step;
6. the follow-ups due now (`analytics.followups`);
7. the advisor's notes, newest first;
8. for the client's advisor or an admin, the client beside the caseload
   (pipelines/advisors/roster.py `against_caseload`), or the reason there is no comparison;
9. short definitions of the words the numbers use.

The page works offline and on paper: no script, no external stylesheet, font or image; charts are
altair specs rendered to SVG by vl-convert and inlined; the CSS has a print layout (A4 margins, no
table row or chart split across pages). Every value that comes from the data or from people (client
names, companies, notes, resume versions...) is HTML-escaped; a chart whose SVG holds anything but
plain drawing elements is left out rather than inlined.

This module draws: the charts and the two sections that hold one (funnel, breakdowns), and it puts
the page together. It is the only module of the core that loads altair and vl-convert; the sections
without a chart are in pipelines/report/sections.py, escaping and numbers in text.py, the document
and its stylesheet in page.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import math
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

import altair as alt
import duckdb
import vl_convert as vlc

from pipelines.advisors import roster
from pipelines.advisors.clients import LOCAL_VIEWER, Viewer, get_client, list_notes
from pipelines.analyse import analytics, diagnosis
from pipelines.analyse.scope import SMALL_GROUP, Scope
from pipelines.report import page, sections
from pipelines.report.text import (
    DASH,
    MAX_TABLE_ROWS,
    NOT_RECORDED,
    TOO_EARLY,
    esc,
    finite,
    group_label,
    percent,
    rate_text,
    table,
    when,
)

MAX_GROUPS = 15  # groups drawn per chart (most applications first); the table lists more
LABEL_CHARS = 40  # a chart label longer than this is cut (the table has the whole value)

BREAKDOWNS = (("resume_version", "resume version"), ("channel", "channel"), ("industry", "industry"))

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print
ORANGE, SKY_BLUE, GREEN, BLUE, VERMILLION, GREY = "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#999999"
RESPONSE_LABEL = "Response (censoring-aware)"
CALLBACK_LABEL = "Callback (settled)"
SMALL_OPACITY = 0.35

# Elements vl-convert draws with. Anything else in a chart's SVG (a script, a foreignObject, an
# image, a link) would mean a label got out of its text node: such a chart is not inlined.
SVG_TAGS = frozenset(
    {
        "svg",
        "g",
        "path",
        "rect",
        "line",
        "text",
        "tspan",
        "title",
        "desc",
        "defs",
        "clippath",
        "circle",
        "ellipse",
        "polyline",
        "polygon",
        "lineargradient",
        "radialgradient",
        "stop",
    }
)


def _chart_labels(values: Iterable[Any]) -> list[str]:
    """Short, distinct chart labels: two groups cut to the same text would be drawn as one."""
    labels: list[str] = []
    for value in values:
        text = group_label(value)
        short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
        candidate, copy = short, 2
        while candidate in labels:
            candidate = f"{short} ({copy})"
            copy += 1
        labels.append(candidate)
    return labels


# ---------------------------------------------------------------- charts


@functools.cache
def _vl_version() -> str:
    """The Vega-Lite version altair writes specs for, if vl-convert has it; else vl-convert's newest."""
    available = list(vlc.get_vegalite_versions())
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if wanted in available:
        return wanted

    def key(version: str) -> tuple[int, ...]:
        return tuple(int(part) for part in version.split(".") if part.isdigit())

    return max(available, key=key)


class _SvgCheck(HTMLParser):
    """Flags anything in an SVG that is not a plain drawing element with plain attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SVG_TAGS:
            self.unsafe.append(f"<{tag}>")
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith("on") or name in ("href", "xlink:href", "src", "style"):
                self.unsafe.append(name)
            elif name.startswith("xmlns"):
                continue  # a namespace name, never fetched
            elif "javascript:" in text or ("url(" in text and not text.startswith("url(#")):
                self.unsafe.append(f"{name}={text[:40]}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.unsafe.append("comment")

    def handle_pi(self, data: str) -> None:
        self.unsafe.append("processing instruction")

    def handle_decl(self, decl: str) -> None:
        self.unsafe.append("declaration")


def _svg(chart: alt.TopLevelMixin, description: str) -> str:
    """The chart as inline SVG (or a sentence saying it was left out)."""
    spec = chart.to_dict()
    svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version()).strip()
    check = _SvgCheck()
    check.feed(svg)
    check.close()
    if check.unsafe or not svg.startswith("<svg "):
        return '<p class="note">Chart left out (unexpected content in its drawing); the table has the numbers.</p>'
    # the table beside the chart is the accessible version; the SVG gets a one-line description
    return f'<svg role="img" aria-label="{html.escape(description, quote=True)}" {svg[len("<svg ") :]}'


def _configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    configured: alt.TopLevelMixin = (  # altair types configure() as returning Any
        chart.configure(font="sans-serif", aria=False, background="white")
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, titleFontWeight="normal", gridColor="#e6e6e6")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
    )
    return configured


def _inline(values: list[dict[str, Any]]) -> alt.Data:
    """The rows as a chart's inline data (`{"values": [...]}` in the spec)."""
    # altair's generated schema class Data takes untyped **kwds; InlineData and Data.from_dict are
    # typed but write the rows to top-level `datasets` instead, a different spec
    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def _axis_top(rows: list[dict[str, Any]]) -> float:
    """The rate axis runs from 0 to just above the highest interval end (to 1 at most), so rates
    near 20 % are not squeezed into the left fifth of the chart."""
    highest = max((row["high"] for row in rows), default=1.0)
    return min(1.0, max(0.1, math.ceil(highest * 10 + 1e-9) / 10))


def _funnel_chart(stages: tuple[analytics.FunnelStage, ...]) -> alt.TopLevelMixin:
    order = [stage.label for stage in stages]
    counts: list[dict[str, Any]] = [{"stage": s.label, "count": s.count} for s in stages]
    conversions = []
    for stage in stages[1:]:
        step = stage.step_conversion or {}
        rate = finite(step.get("rate"))
        if rate is None:
            continue  # nobody settled at the stage before: no conversion to draw
        conversions.append({
            "stage": stage.label, "rate": rate,
            "low": finite(step.get("low")) if step.get("low") is not None else rate,
            "high": finite(step.get("high")) if step.get("high") is not None else rate,
            "small": "yes" if step.get("n", 0) < SMALL_GROUP else "no",
        })  # fmt: skip
    height = 26 * len(order)
    # both panels on the same rows (a stage without a conversion keeps its empty row)
    y = alt.Y("stage:N", sort=order, scale=alt.Scale(domain=order), title=None, axis=alt.Axis(labelLimit=300))
    # whole applications: a handful gets one tick each, rather than ticks at 0.5
    most = max((row["count"] for row in counts), default=0)
    ticks = alt.Axis(values=list(range(most + 1)), format="d") if most <= 10 else alt.Axis(tickMinStep=1, format="d")
    bars = alt.Chart(_inline(counts)).encode(
        y=y, x=alt.X("count:Q", title="applications that reached the stage", axis=ticks)
    )
    left = (bars.mark_bar(color=BLUE, height=16) + bars.mark_text(align="left", dx=3, fontSize=11).encode(
        text="count:Q")).properties(width=250, height=height, title="Stage counts")  # fmt: skip
    if not conversions:
        return _configure(left)
    base = alt.Chart(_inline(conversions)).encode(
        y=y,
        opacity=alt.Opacity("small:N", scale=alt.Scale(domain=["no", "yes"], range=[1.0, SMALL_OPACITY]),
                            legend=alt.Legend(title=f"fewer than {SMALL_GROUP} settled")),
    )  # fmt: skip
    x = alt.X("low:Q", title="step conversion, 95% interval", scale=alt.Scale(domain=[0, _axis_top(conversions)]),
              axis=alt.Axis(format="%"))  # fmt: skip
    right = (
        base.mark_rule(color=VERMILLION, strokeWidth=2).encode(x=x, x2="high:Q")
        + base.mark_point(color=VERMILLION, filled=True, size=70).encode(x="rate:Q")
    ).properties(width=250, height=height, title="Step conversion (among applications that have had the window)")
    return _configure(alt.hconcat(left, right, spacing=30))


def _rates_chart(groups: tuple[analytics.RateGroup, ...], labels: list[str], title: str) -> alt.TopLevelMixin | None:
    rows = []
    for group, label in zip(groups, labels, strict=True):
        for metric, rate in ((RESPONSE_LABEL, group.response_rate), (CALLBACK_LABEL, group.callback_rate)):
            value = finite(rate.get("rate"))
            if value is None:
                continue  # too early: the table says so
            low, high = finite(rate.get("low")), finite(rate.get("high"))
            rows.append({"group": label, "metric": metric, "rate": value,
                         "low": value if low is None else low, "high": value if high is None else high,
                         "small": "yes" if group.small else "no"})  # fmt: skip
    if not rows:
        return None
    drawn = [label for label in labels if any(row["group"] == label for row in rows)]
    base = alt.Chart(_inline(rows)).encode(
        y=alt.Y("group:N", sort=drawn, title=None, axis=alt.Axis(labelLimit=230)),
        yOffset=alt.YOffset("metric:N", sort=[RESPONSE_LABEL, CALLBACK_LABEL]),
        color=alt.Color("metric:N", scale=alt.Scale(domain=[RESPONSE_LABEL, CALLBACK_LABEL], range=[BLUE, ORANGE]),
                        legend=alt.Legend(title=None)),
        opacity=alt.Opacity("small:N", scale=alt.Scale(domain=["no", "yes"], range=[1.0, SMALL_OPACITY]),
                            legend=alt.Legend(title="small group", titleLimit=300)),
    )  # fmt: skip
    x = alt.X("low:Q", title="rate, with its 95% interval", scale=alt.Scale(domain=[0, _axis_top(rows)]),
              axis=alt.Axis(format="%"))  # fmt: skip
    chart = (
        base.mark_rule(strokeWidth=2).encode(x=x, x2="high:Q")
        + base.mark_point(filled=True, size=70).encode(x="rate:Q")
    ).properties(width=480, height=34 * len(drawn), title=title)
    return _configure(chart)


# ---------------------------------------------------------------- the sections with a chart


def _funnel_section(result: analytics.Funnel) -> str:
    parts = ['<section id="funnel"><h2>Funnel</h2>']
    if result.no_data:
        parts.append('<p class="empty">No applications yet: the funnel starts with the first one.</p></section>')
        return "".join(parts)
    if not result.outcomes_recorded:
        parts.append(f'<p class="empty">{esc(NOT_RECORDED.capitalize())}: the funnel needs what happened to each '
                     "application.</p></section>")  # fmt: skip
        return "".join(parts)
    stages = result.stages
    parts.append(
        "<p>Each application counts at the furthest stage it reached, at any time: the headline numbers. "
        f"{esc(result.step_conversion_label)}.</p>"
    )
    parts.append(f"<figure>{_svg(_funnel_chart(stages), 'Funnel: stage counts and step conversions')}</figure>")
    rows = []
    for stage in stages:
        step = stage.step_conversion
        rows.append([
            esc(stage.label), f"{stage.count:,}", percent(stage.share_of_applied),
            DASH if step is None else rate_text(step), DASH if step is None else f"{step['n']:,}",
        ])  # fmt: skip
    window = result.scope.window
    parts.append(
        table(
            ["Stage", "Applications", "Share of all applications", "Step conversion (95% interval)",
             f"At the stage before, and had {window} days"],
            rows,
            {1, 2, 4},
        )
    )  # fmt: skip
    outcomes = result.outcomes
    if outcomes:
        standing = ", ".join(f"{esc(str(name).replace('_', ' '))}: {count}" for name, count in outcomes.items())
        parts.append(
            f'<p class="note">Where the applications stand now: {standing}. No further answer: an answer or an offer '
            f"followed by nothing for {result.stale_days} days or more.</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def _breakdown_section(field: str, title: str, result: analytics.Rates, window: int) -> str:
    section_id = f"by-{field.replace('_', '-')}"
    parts = [f'<section id="{section_id}"><h2>By {title}</h2>']
    groups = result.groups
    if result.no_data or not groups:
        parts.append(f'<p class="empty">No applications yet, so no rates by {title}.</p></section>')
        return "".join(parts)
    if not result.outcomes_recorded:
        parts.append(f'<p class="empty">{esc(NOT_RECORDED.capitalize())}, so no rates by {title}.</p></section>')
        return "".join(parts)
    drawn = groups[:MAX_GROUPS]
    chart = _rates_chart(drawn, _chart_labels(g.group[field] for g in drawn), f"By {title}")
    if chart is None:
        parts.append(f'<p class="note">No {title} has had the full {window} days yet: too early for a chart.</p>')
    else:
        parts.append(f"<figure>{_svg(chart, f'Response and callback rates by {title}, with 95% intervals')}")
        caption = f"Dots are rates, lines their 95% intervals; faded: small groups (fewer than {SMALL_GROUP} settled)."
        if len(groups) > MAX_GROUPS:
            caption += f" The {MAX_GROUPS} {title}s with the most applications are drawn ({len(groups)} in all)."
        parts.append(f"<figcaption>{caption}</figcaption></figure>")
    rows = [
        [
            esc(group_label(g.group[field])), f"{g.applications}", f"{g.settled}", f"{g.pending}",
            rate_text(g.response_rate, TOO_EARLY), rate_text(g.callback_rate, TOO_EARLY),
            '<span class="flag">small</span>' if g.small else "",
        ]
        for g in groups[:MAX_TABLE_ROWS]
    ]  # fmt: skip
    parts.append(
        table(
            [
                esc(title.capitalize()),
                "Applications",
                "Settled",
                "Pending",
                "Response rate (censoring-aware, 95%)",
                "Callback rate (settled, 95%)",
                "Small group",
            ],
            rows,
            {1, 2, 3},
        )
    )
    if len(groups) > MAX_TABLE_ROWS:
        parts.append(f'<p class="note">The {MAX_TABLE_ROWS} {title}s with the most applications of {len(groups)}.</p>')
    parts.append("</section>")
    return "".join(parts)


# ---------------------------------------------------------------- the report


def build_report(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    client: str,
    viewer: Viewer = LOCAL_VIEWER,
    generated_at: dt.datetime | None = None,
) -> str:
    """One client's report as a self-contained HTML document (see the module docstring).

    Raises InputError when the client does not exist or the viewer may not see it (one message for
    both, so the error does not tell that someone else's client is there)."""
    record = get_client(con, client, viewer)
    scope = dataclasses.replace(scope, client=client, allowed=viewer.clients)
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    # one load of the facts for the funnel, the three breakdowns and the follow-ups
    fields = tuple(dict.fromkeys([name for name, _ in BREAKDOWNS] + ["company", "role", "client"]))
    prepared = analytics.prepare(con, scope, fields)
    measures = analytics.measures(con, scope, prepared)
    funnel = analytics.funnel(con, scope, prepared)
    breakdowns = {name: analytics.rates(con, scope, [name], prepared) for name, _ in BREAKDOWNS}
    # one more than shown, to know whether the list goes on
    followups = analytics.followups(con, scope, due_limit=MAX_TABLE_ROWS + 1, prepared=prepared)
    found = diagnosis.diagnose(con, scope)
    notes = list_notes(con, client, viewer)
    caseload = roster.against_caseload(con, scope, client, viewer) if viewer.compares(client) else None

    title = f"Job-search report: {group_label(record.display_name)}"
    body = [
        sections.header(record, scope, generated_at),
        sections.headline(measures),
        _funnel_section(funnel),
        *(_breakdown_section(name, label, breakdowns[name], scope.window) for name, label in BREAKDOWNS),
        sections.diagnosis_section(found),
        sections.followups_section(followups),
        sections.notes_section(notes),
        sections.caseload_section(caseload, measures.applications > 0, measures.outcomes_recorded)
        if caseload is not None
        else "",
        sections.definitions(scope.window),
        f"<footer>Generated by bounceback on {when(generated_at)}; data as of {esc(scope.as_of.isoformat())}.</footer>",
    ]
    return page.document(title, body)
