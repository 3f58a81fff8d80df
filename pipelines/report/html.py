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
5. the diagnosis (pipelines/analyse/diagnosis.py): every finding's area, verdict, evidence and next step;
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

MAX_GROUPS = 15  # groups drawn per chart (most applications first); the table lists more
MAX_TABLE_ROWS = 50  # rows per table (breakdowns, follow-ups), so one odd field cannot fill 40 pages
LABEL_CHARS = 40  # a chart label longer than this is cut (the table has the whole value)
DASH = "–"
TOO_EARLY = "too early"

BREAKDOWNS = (("resume_version", "resume version"), ("channel", "channel"), ("industry", "industry"))
NOT_RECORDED = analytics.NO_OUTCOMES

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print
ORANGE, SKY_BLUE, GREEN, BLUE, VERMILLION, GREY = "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#999999"
RESPONSE_LABEL = "Response (censoring-aware)"
CALLBACK_LABEL = "Callback (settled)"
SMALL_OPACITY = 0.35
VERDICT_CLASSES = {"failing": "failing", "at risk": "risk", "working": "working", "not enough data": "unknown",
                   "not recorded": "unknown"}  # fmt: skip

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


# ---------------------------------------------------------------- formatting


def _e(value: Any, empty: str = DASH) -> str:
    """Escaped text for the page; nothing (None, NaN, blank) is shown as a dash, never as "None"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return empty
    text = str(value).strip()
    return html.escape(text, quote=True) if text else empty


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def _pct(value: Any) -> str:
    number = _number(value)
    return DASH if number is None else f"{number:.0%}"


def _rate_text(rate: dict[str, Any] | None, empty: str = DASH) -> str:
    """The rate and its 95 % interval, "22% (15–32%)"; `empty` when there is no rate yet."""
    if not rate or _number(rate.get("rate")) is None:
        return empty
    low, high = _number(rate.get("low")), _number(rate.get("high"))
    if low is None or high is None:
        return _pct(rate["rate"])
    return f"{_pct(rate['rate'])} ({_pct(low)}{DASH}{_pct(high)})"


def _label(value: Any) -> str:
    return "(blank)" if value is None or str(value).strip() == "" else str(value)


def _chart_labels(values: Iterable[Any]) -> list[str]:
    """Short, distinct chart labels: two groups cut to the same text would be drawn as one."""
    labels: list[str] = []
    for value in values:
        text = _label(value)
        short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
        candidate, copy = short, 2
        while candidate in labels:
            candidate = f"{short} ({copy})"
            copy += 1
        labels.append(candidate)
    return labels


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """A table from already-escaped cells; `numeric` columns are right-aligned."""
    numeric = numeric or set()
    head = "".join(f'<th scope="col"{" class=num" if i in numeric else ""}>{h}</th>' for i, h in enumerate(headers))
    cells = [
        "".join(f"<td{' class=num' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row)) for row in rows
    ]
    body = "".join(f"<tr>{row}</tr>" for row in cells)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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


def _funnel_chart(stages: list[dict[str, Any]]) -> alt.TopLevelMixin:
    order = [stage["label"] for stage in stages]
    counts = [{"stage": s["label"], "count": s["count"]} for s in stages]
    conversions = []
    for stage in stages[1:]:
        step = stage.get("step_conversion") or {}
        rate = _number(step.get("rate"))
        if rate is None:
            continue  # nobody settled at the stage before: no conversion to draw
        conversions.append({
            "stage": stage["label"], "rate": rate,
            "low": _number(step.get("low")) if step.get("low") is not None else rate,
            "high": _number(step.get("high")) if step.get("high") is not None else rate,
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


def _rates_chart(groups: list[dict[str, Any]], labels: list[str], title: str) -> alt.TopLevelMixin | None:
    rows = []
    for group, label in zip(groups, labels, strict=True):
        for metric, key in ((RESPONSE_LABEL, "response_rate"), (CALLBACK_LABEL, "callback_rate")):
            rate = group[key]
            value = _number(rate.get("rate"))
            if value is None:
                continue  # too early: the table says so
            low, high = _number(rate.get("low")), _number(rate.get("high"))
            rows.append({"group": label, "metric": metric, "rate": value,
                         "low": value if low is None else low, "high": value if high is None else high,
                         "small": "yes" if group["small"] else "no"})  # fmt: skip
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


# ---------------------------------------------------------------- sections


def _header(record: dict[str, Any], scope: Scope, generated_at: dt.datetime) -> str:
    name = _e(record["display_name"], record["client"])
    facts = [
        ("Client", _e(record["client"])),
        ("Advisor", _e(record.get("advisor"))),
        ("Status", _e(record.get("status"))),
        ("Started", _e(record.get("started_on"))),
        ("Target roles", _e(record.get("target_roles"))),
        ("Target industries", _e(record.get("target_industries"))),
    ]
    scope_facts = [
        ("As of", _e(scope.as_of.isoformat())),
        ("Response window", f"{scope.window} days"),
    ]
    if scope.applied_from is not None or scope.applied_to is not None:
        applied = f"{_e(scope.applied_from and scope.applied_from.isoformat(), 'start')} to " + _e(
            scope.applied_to and scope.applied_to.isoformat(), "as-of date"
        )
        scope_facts.append(("Applied", applied))
    if scope.where:
        scope_facts.append(("Only", "; ".join(f"{_e(k)} = {_e(v)}" for k, v in scope.where.items())))
    scope_facts.append(("Generated", _when(generated_at)))

    def facts_list(items: list[tuple[str, str]]) -> str:
        return "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in items)

    return (
        f'<header><p class="kicker">Job-search report</p><h1>{name}</h1>'
        f'<dl class="facts">{facts_list(facts)}</dl><dl class="facts scope">{facts_list(scope_facts)}</dl></header>'
    )


def _card(label: str, rate: dict[str, Any] | None, empty: str, note: str) -> tuple[str, str, str]:
    """A headline card for a rate: the rate large, its interval and meaning below."""
    if not rate or _number(rate.get("rate")) is None:
        return label, empty, note
    low, high = _number(rate.get("low")), _number(rate.get("high"))
    interval = f"95% interval {_pct(low)}{DASH}{_pct(high)}; " if low is not None and high is not None else ""
    return label, _pct(rate["rate"]), interval + note


def _headline(measures: analytics.Measures) -> str:
    """The headline numbers (analytics.measures), each under the label that states its definition."""
    labels = measures.labels()
    window = measures.window
    if not measures.applications:
        cards = [
            (labels["applications"], "0", "nothing loaded for this client yet"),
            ("Response rate", DASH, "no applications yet"),
        ]
    elif not measures.outcomes_recorded:
        cards = [(labels["applications"], f"{measures.applications:,}", "")]
        cards += [(labels[name], NOT_RECORDED, "") for name in ("response_rate", "answered", "interviews")]
    else:
        share = measures.answered_share
        settled = measures.response_rate_settled
        cards = [
            (labels["applications"], f"{measures.applications:,}", ""),
            _card(labels["response_rate"], measures.response_rate, TOO_EARLY, "Kaplan–Meier"),
            _card(labels["response_rate_settled"], settled, DASH, f"of {settled['n']:,} applications"),
            (labels["answered"], f"{measures.answered:,}", "" if share is None else f"{_pct(share)} of applications"),
            (labels["callbacks"], f"{measures.callbacks:,}", ""),
            (labels["interviews"], f"{measures.interviews:,}", ""),
            (labels["offers"], f"{measures.offers:,}", ""),
            (labels["pending"], f"{measures.pending:,}", "still within the window: not failures"),
            (labels["settled"], f"{measures.settled:,}", f"have had the full {window} days"),
        ]
    body = "".join(
        f'<div class="card"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div>'
        f'<div class="sub">{_e(sub, "")}</div></div>'
        for label, value, sub in cards
    )
    notice = ""
    if measures.applications and not measures.outcomes_recorded:
        notice = (
            f'<p class="note"><strong>{_e(NOT_RECORDED.capitalize())}.</strong> {_e(analytics.NO_OUTCOMES_NEXT)}</p>'
        )
    return f'<section id="headline"><h2>Headline numbers</h2><div class="cards">{body}</div>{notice}</section>'


def _when(moment: dt.datetime) -> str:
    """When, as "2026-11-01 09:30 UTC": minutes are enough, and the zone says whose clock."""
    zone = f" {moment.tzname()}" if moment.tzinfo is not None and moment.tzname() else ""
    return _e(moment.strftime("%Y-%m-%d %H:%M") + zone)


def _funnel_section(result: dict[str, Any]) -> str:
    parts = ['<section id="funnel"><h2>Funnel</h2>']
    if result.get("no_data"):
        parts.append('<p class="empty">No applications yet: the funnel starts with the first one.</p></section>')
        return "".join(parts)
    if not result.get("outcomes_recorded", True):
        parts.append(f'<p class="empty">{_e(NOT_RECORDED.capitalize())}: the funnel needs what happened to each '
                     "application.</p></section>")  # fmt: skip
        return "".join(parts)
    stages = result["stages"]
    parts.append(
        "<p>Each application counts at the furthest stage it reached, at any time: the headline numbers. "
        f"{_e(result['step_conversion_label'])}.</p>"
    )
    parts.append(f"<figure>{_svg(_funnel_chart(stages), 'Funnel: stage counts and step conversions')}</figure>")
    rows = []
    for stage in stages:
        step = stage.get("step_conversion")
        rows.append([
            _e(stage["label"]), f"{stage['count']:,}", _pct(stage["share_of_applied"]),
            DASH if step is None else _rate_text(step), DASH if step is None else f"{step['n']:,}",
        ])  # fmt: skip
    window = result["scope"]["window"]
    parts.append(
        _table(
            ["Stage", "Applications", "Share of all applications", "Step conversion (95% interval)",
             f"At the stage before, and had {window} days"],
            rows,
            {1, 2, 4},
        )
    )  # fmt: skip
    outcomes = result.get("outcomes") or {}
    if outcomes:
        standing = ", ".join(f"{_e(str(name).replace('_', ' '))}: {count}" for name, count in outcomes.items())
        parts.append(
            f'<p class="note">Where the applications stand now: {standing}. No further answer: an answer or an offer '
            f"followed by nothing for {result.get('stale_days', analytics.STALE_DAYS)} days or more.</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def _breakdown_section(field: str, title: str, result: dict[str, Any], window: int) -> str:
    section_id = f"by-{field.replace('_', '-')}"
    parts = [f'<section id="{section_id}"><h2>By {title}</h2>']
    groups = result.get("groups") or []
    if result.get("no_data") or not groups:
        parts.append(f'<p class="empty">No applications yet, so no rates by {title}.</p></section>')
        return "".join(parts)
    if not result.get("outcomes_recorded", True):
        parts.append(f'<p class="empty">{_e(NOT_RECORDED.capitalize())}, so no rates by {title}.</p></section>')
        return "".join(parts)
    drawn = groups[:MAX_GROUPS]
    chart = _rates_chart(drawn, _chart_labels(g["group"][field] for g in drawn), f"By {title}")
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
            _e(_label(g["group"][field])), f"{g['applications']}", f"{g['settled']}", f"{g['pending']}",
            _rate_text(g["response_rate"], TOO_EARLY), _rate_text(g["callback_rate"], TOO_EARLY),
            '<span class="flag">small</span>' if g["small"] else "",
        ]
        for g in groups[:MAX_TABLE_ROWS]
    ]  # fmt: skip
    parts.append(
        _table(
            [
                _e(title.capitalize()),
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


def _diagnosis_section(result: dict[str, Any]) -> str:
    parts = ['<section id="diagnosis"><h2>Diagnosis</h2>']
    if result.get("no_data"):
        parts.append('<p class="empty">No applications yet: every part of the search needs data first.</p>')
    parts.append(
        "<p>Six parts of the search, each compared with the client's own other channels, versions, industries and "
        "stages. Most severe first.</p>"
    )
    for finding in result["findings"]:
        verdict = str(finding["verdict"])
        css = VERDICT_CLASSES.get(verdict, "unknown")
        sentence = (finding.get("evidence") or {}).get("sentence")
        action = finding.get("action")
        parts.append(
            f'<div class="finding {css}"><h3>{_e(str(finding["area"]).replace("_", " ").capitalize())} '
            f'<span class="verdict {css}">{_e(verdict)}</span></h3>'
            f'<p class="evidence">{_e(sentence)}</p>'
            f'<p class="action"><strong>Next step:</strong> {_e(None if action in (None, "-") else action)}</p></div>'
        )
    parts.append("</section>")
    return "".join(parts)


def _followups_section(result: dict[str, Any]) -> str:
    parts = ['<section id="followups"><h2>Follow-ups due</h2>']
    due = result.get("due") or []
    if not due:
        parts.append('<p class="empty">No follow-up is due.</p></section>')
        return "".join(parts)
    parts.append(
        "<p>Unanswered applications one to two weeks old (or older, within the window and two weeks) with no "
        "follow-up yet, and interviews with no news for a week. Most urgent first.</p>"
    )
    rows = [[_e(d.get("company")), _e(d.get("role")), _e(d.get("applied_on")), _e(d.get("reason"))]
            for d in due[:MAX_TABLE_ROWS]]  # fmt: skip
    parts.append(_table(["Company", "Role", "Applied", "Why now"], rows))
    if len(due) > MAX_TABLE_ROWS:
        parts.append(f'<p class="note">The {MAX_TABLE_ROWS} most urgent are listed; more are due.</p>')
    parts.append("</section>")
    return "".join(parts)


def _notes_section(notes: list[dict[str, Any]]) -> str:
    parts = ['<section id="notes"><h2>Advisor notes</h2>']
    if not notes:
        parts.append('<p class="empty">No notes yet.</p></section>')
        return "".join(parts)
    parts.append('<ol class="notes">')
    for note in notes:  # list_notes gives them newest first
        parts.append(
            f'<li><div class="note-meta">{_e(note.get("noted_on"))} · {_e(note.get("author"))}</div>'
            f'<div class="note-body">{_e(note.get("body"))}</div></li>'
        )
    parts.append("</ol></section>")
    return "".join(parts)


def _caseload_section(result: dict[str, Any], has_data: bool, recorded: bool = True) -> str:
    parts = ['<section id="caseload"><h2>Compared with the caseload</h2>']
    if not result.get("available"):
        reason = result.get("reason") or "no comparison is available"
        parts.append(f'<p class="empty">No comparison: {_e(reason)}.</p></section>')
        return "".join(parts)
    whose = "of the same advisor" if result.get("advisor") is not None else "you can see"
    parts.append(
        f"<p>The client's rates beside those of {result['compared_clients']} other clients {whose} with at least "
        f"{SMALL_GROUP} settled applications (median, and the middle half: 25th to 75th percentile).</p>"
    )
    rows = []
    for row in result["rates"]:
        spread = row.get("distribution")
        middle = (f"{_pct(spread['median'])} ({_pct(spread['p25'])}{DASH}{_pct(spread['p75'])})"
                  if spread else DASH)  # fmt: skip
        percentile = _number(row.get("percentile"))
        position = DASH if percentile is None else f"above {percentile:.0f}% of them"
        rate = {"rate": row.get("rate"), "low": row.get("low"), "high": row.get("high")}
        if has_data and not recorded:
            own = _e(NOT_RECORDED)
        elif has_data:
            own = _rate_text(rate, TOO_EARLY) + (' <span class="flag">small</span>' if row.get("small") else "")
        else:
            own = DASH  # no applications: nothing to compare, not "too early"
        rows.append([_e(row["label"]), own, middle, position])
    parts.append(_table(["Rate", "This client (95%)", "Caseload median (middle half)", "Position"], rows))
    parts.append("</section>")
    return "".join(parts)


def _definitions(window: int) -> str:
    items = [
        ("Response", "any reply from the employer, a rejection included."),
        ("Callback", "an invitation to a screen, an assessment or an interview."),
        ("Pending", f"no response yet and younger than the {window}-day window. Pending is not a failure: "
                    "the employer still has time."),
        ("Settled", f"applied at least {window} days before the as-of date: the application has had its full "
                    "window. Callback and step-conversion rates count settled applications only."),
        ("Censoring-aware response rate", f"the chance of a response within {window} days (Kaplan–Meier). Each "
         "unanswered application counts for the days it has had, so recent applications are neither ignored nor "
         "counted as failures. “Too early” means no application in the group has had the whole window yet."),
        ("95% interval", "the range the true rate very likely lies in, given how few applications there are. "
                         "Wide intervals mean: not much is known yet."),
        ("Small group", f"fewer than {SMALL_GROUP} settled applications. Its rates are shown faded and flagged: "
                        "read them with care."),
        ("Answered, reached an interview, offers", "the applications whose history got that far, at any time: "
         "the funnel's counts."),
        ("No further answer", f"an answer or an offer followed by nothing for {analytics.STALE_DAYS} days or "
                              "more: no longer in progress."),
        ("Verdicts", "failing: a strict test supports it; at risk: a weaker signal, check again; working; "
                     "not enough data: too few applications to tell; not recorded: the log does not hold what "
                     "the part reads, so it is not judged."),
    ]  # fmt: skip
    body = "".join(f"<div><dt>{term}</dt><dd>{text}</dd></div>" for term, text in items)
    return f'<section id="definitions"><h2>Definitions</h2><dl class="definitions">{body}</dl></section>'


STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: #1b1f24;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 980px; margin: 24px auto; padding: 32px 40px; background: #fff; border: 1px solid #e2e5e9;
  border-radius: 6px; }
h1 { font-size: 28px; margin: 0 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e2e5e9; }
h3 { font-size: 16px; margin: 0 0 4px; }
p { margin: 6px 0; }
.kicker { margin: 0; color: #5b6470; text-transform: uppercase; letter-spacing: .06em; font-size: 12px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 6px 0; }
dl.facts div { min-width: 140px; }
dl.facts dt { font-size: 12px; color: #5b6470; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
dl.scope { padding-top: 6px; border-top: 1px solid #eef0f2; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.card { border: 1px solid #e2e5e9; border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.card .label { font-size: 12px; color: #5b6470; }
.card .value { font-size: 24px; font-weight: 600; }
.card .sub { font-size: 12px; color: #5b6470; }
figure { margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 12px; color: #5b6470; }
svg { max-width: 100%; height: auto; display: block; }
table { width: 100%; border-collapse: collapse; margin: 10px 0; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e2e5e9; vertical-align: top;
  overflow-wrap: anywhere; }
th { font-weight: 600; background: #f5f6f8; overflow-wrap: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; page-break-inside: avoid; }
.flag { display: inline-block; padding: 0 6px; border: 1px solid #b5651d; border-radius: 3px; color: #8a4b12;
  font-size: 11px; }
.note, .empty { color: #5b6470; font-size: 13px; }
.empty { font-style: italic; }
.finding { border-left: 5px solid #999; padding: 6px 12px; margin: 10px 0; break-inside: avoid;
  page-break-inside: avoid; }
.finding.failing { border-color: #D55E00; } .finding.risk { border-color: #E69F00; }
.finding.working { border-color: #009E73; } .finding.unknown { border-color: #999; }
.verdict { font-size: 12px; font-weight: 600; padding: 1px 6px; border-radius: 3px; border: 1px solid; margin-left: 6px;
  vertical-align: middle; }
.verdict.failing { color: #a14400; } .verdict.risk { color: #8a5d00; } .verdict.working { color: #006b4f; }
.verdict.unknown { color: #5b6470; }
.evidence, .action, .note-body { overflow-wrap: anywhere; }
ol.notes { list-style: none; padding: 0; margin: 0; }
ol.notes li { border-bottom: 1px solid #eef0f2; padding: 8px 0; break-inside: avoid; page-break-inside: avoid; }
.note-meta { font-size: 12px; color: #5b6470; }
.note-body { white-space: pre-wrap; }
dl.definitions div { margin: 4px 0; }
dl.definitions dt { font-weight: 600; display: inline; }
dl.definitions dt::after { content: ": "; }
dl.definitions dd { display: inline; margin: 0; }
footer { margin-top: 28px; font-size: 12px; color: #5b6470; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { background: none; font-size: 10pt; }
  main { max-width: none; margin: 0; padding: 0; border: none; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 18pt; }
  h3 { break-after: avoid; }
  thead { display: table-header-group; }
  th { background: none; }
  table { font-size: 9pt; }
  section { break-inside: auto; }
}
"""


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

    title = f"Job-search report: {_label(record['display_name'])}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # defence in depth: even an injected tag could not run a script or fetch anything
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>",
        _header(record, scope, generated_at),
        _headline(measures),
        _funnel_section(funnel),
        *(_breakdown_section(name, label, breakdowns[name], scope.window) for name, label in BREAKDOWNS),
        _diagnosis_section(found),
        _followups_section(followups),
        _notes_section(notes),
        _caseload_section(caseload, measures.applications > 0, measures.outcomes_recorded)
        if caseload is not None
        else "",
        _definitions(scope.window),
        f"<footer>Generated by bounceback on {_when(generated_at)}; data as of {_e(scope.as_of.isoformat())}.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(part for part in parts if part)
