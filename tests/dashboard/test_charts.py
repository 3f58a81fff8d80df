"""Issue 18, charts that answer a question (dashboard/charts.py): a title says what the data show, a
small group says it is small, lines break over weeks nobody applied in, no chart is drawn empty, and
how the applications ended is told by bars whose labels cannot overlap (no Sankey)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts
from dashboard.data import ENOUGH_LABEL, SMALL_LABEL
from dashboard.data.analyses import _trend_frame
from pipelines.analyse import analytics
from pipelines.analyse.scope import Scope
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from tests.conftest import SAMPLE_DIR, write_csv
from tests.dashboard.plain import forbidden

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
AS_OF = dt.date(2026, 11, 1)
PAGES = ("overview", "resume", "channels", "timing")

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


def _database(path: Path, file: Path) -> Path:
    con = connect(path)
    try:
        assert ingest_file(con, file, client="me").status == "loaded"
    finally:
        con.close()
    return path


def _gap_log(folder: Path) -> Path:
    """A search with a nine-month pause, no industry column, and one referral (answered)."""
    rows: list[list[Any]] = []
    for index in range(60):
        # weeks 60-52 and 14-6 before as-of: nobody applied in the 38 weeks between
        week = 60 - index // 6 if index < 30 else 14 - (index - 30) // 6
        status = ("rejected", "ghosted", "applied", "ghosted", "interview")[index % 5]
        rows.append(
            [f"Co {index}", "Analyst", _ago(7 * week + index % 3), status, ("job board", "company site")[index % 2]]
        )
    rows.append(["Friend Co", "Analyst", _ago(70), "interview", "referral"])
    return write_csv(folder / "paused.csv", ["company", "role", "applied_on", "status", "channel"], rows)


def _app(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": AS_OF.isoformat()})
    return at.run()


def _visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
    return at


def _charts(at: AppTest) -> Iterator[tuple[dict[str, Any], list[pd.DataFrame]]]:
    """Each Vega-Lite chart on the page: its spec and its data frames."""
    for chart in at.get("vega_lite_chart"):
        frames = [pa.ipc.open_stream(dataset.data.data).read_all().to_pandas() for dataset in chart.proto.datasets]
        if chart.proto.data.data:
            frames.append(pa.ipc.open_stream(chart.proto.data.data).read_all().to_pandas())
        yield json.loads(chart.proto.spec), frames


def _titles(spec: Any) -> list[str]:
    """Every title and subtitle in a (layered) spec: the chart's, its axes', its legends', its tooltips'."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("title", "subtitle", "text") and isinstance(value, str):
                found.append(value)
            elif key in ("title", "subtitle") and isinstance(value, list):
                found += [str(line) for line in value]
            else:
                found += _titles(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _titles(item)
    return found


def _walk(spec: Any, key: str) -> Iterator[Any]:
    if isinstance(spec, dict):
        for name, value in spec.items():
            if name == key:
                yield value
            yield from _walk(value, key)
    elif isinstance(spec, list):
        for item in spec:
            yield from _walk(item, key)


def _chart_title(spec: Any) -> list[str]:
    """A chart's own title, as its lines (the first title object with a text in the spec)."""
    for title in _walk(spec, "title"):
        if isinstance(title, dict) and "text" in title:
            text = title["text"]
            return [text] if isinstance(text, str) else list(text)
    return []


def _marks(spec: Any) -> list[dict[str, Any]]:
    """The unit views of a (nested) layered spec, each with its mark."""
    if "layer" in spec:
        return [unit for layer in spec["layer"] for unit in _marks(layer)]
    return [spec] if "mark" in spec else []


def _kind(unit: dict[str, Any]) -> str:
    mark = unit["mark"]
    return str(mark["type"] if isinstance(mark, dict) else mark)


def _rates(**columns: list[Any]) -> pd.DataFrame:
    frame = pd.DataFrame({"group": ["referral", "job board"], "rate": [1.0, 0.2], "low": [0.2, 0.1],
                          "high": [1.0, 0.3], "n": [1, 40], "reliability": [SMALL_LABEL, ENOUGH_LABEL]})  # fmt: skip
    for name, values in columns.items():
        frame[name] = values
    return frame


# ---------------------------------------------------------------- the charts' specs


def test_rate_axes_are_ticked_by_quarters_and_no_legend_is_cut() -> None:
    spec = charts.rate_bars(_rates(shown=["1 of 1 — too few to judge", "8 of 40"]), title="T").to_dict()
    assert [0, 0.25, 0.5, 0.75, 1] in list(_walk(spec, "values"))
    # the reliability legend (the heatmap's, the trend's): "enough settled applications" whole
    cells = _rates(channel=["referral", "job board"], industry=["software", "finance"], settled=[1, 40])
    assert 0 in list(_walk(charts.heatmap(cells, rows="channel", columns="industry").to_dict(), "labelLimit"))
    # the small group has no bar: a hollow circle on its interval; the large one a bar
    marks = {_kind(unit): unit for unit in _marks(spec)}
    assert "datum.reliability == " in str(marks["bar"]) and marks["point"]["mark"]["filled"] is False
    # every bar says what it stands on, in a column right of 100 %
    texts = [unit for unit in _marks(spec) if _kind(unit) == "text"]
    assert texts and texts[0]["encoding"]["text"]["field"] == "shown"
    assert texts[0]["encoding"]["x"] == {"datum": 1}


def test_rate_bars_still_take_the_follow_up_pages_arguments() -> None:
    # dashboard/app_pages/followups.py: rate_bars(effect_frame, title=..., axis_title=...)
    spec = charts.rate_bars(_rates(), title="Answered after day 14", axis_title="rate").to_dict()
    assert not [unit for unit in _marks(spec) if _kind(unit) == "text"]
    assert "Answered after day 14" in json.dumps(spec)


def test_the_client_pages_charts_keep_their_arguments() -> None:
    # dashboard/app_pages/client.py: caseload_strip(table), notes_timeline(weeks, notes)
    strip = pd.DataFrame({"metric": ["Response rate"], "rate": [0.3], "low": [0.2], "high": [0.4],
                          "reliability": [ENOUGH_LABEL], "percentile": [50.0], "others": [4], "min": [0.1],
                          "p25": [0.2], "median": [0.3], "p75": [0.4], "max": [0.5]})  # fmt: skip
    spec = charts.caseload_strip(strip).to_dict()
    assert [0, 0.25, 0.5, 0.75, 1] in list(_walk(spec, "values"))
    weeks = pd.DataFrame({"week": [pd.Timestamp("2026-10-05")], "applications": [3]})
    notes = pd.DataFrame({"noted_on": [pd.Timestamp("2026-10-07")], "author": ["me"], "body": ["call"]})
    assert "Applications per week" in json.dumps(charts.notes_timeline(weeks, notes).to_dict())


def test_a_long_title_wraps_and_keeps_a_number_with_its_unit() -> None:
    title = (
        "Applications through LinkedIn Easy Apply are answered 4.5× as often as those through company site"
        " (27 % against 6 %)"
    )
    spec = charts.rate_bars(_rates(), title=title).to_dict()
    lines = _chart_title(spec)
    assert len(lines) == 2
    assert not any(line.startswith("%") for line in lines)


def test_the_trend_breaks_over_weeks_nobody_applied_in(tmp_path: Path) -> None:
    db = _database(tmp_path / "paused.duckdb", _gap_log(tmp_path))
    con = connect(db)
    try:
        trend = analytics.trend(con, Scope(as_of=AS_OF))
    finally:
        con.close()
    frame = _trend_frame(trend.periods)
    weeks = frame["week"].diff().dropna().unique()
    assert list(weeks) == [pd.Timedelta(days=7)]  # every week from the first to the last, none skipped
    quiet = frame[frame["applications"] == 0]
    assert len(quiet) >= 30 and quiet["rate"].isna().all()
    assert len(frame) == len(quiet) + len(trend.periods)
    spec = charts.trend_line(frame, title="T").to_dict()
    paths = [unit for unit in _marks(spec) if _kind(unit) in ("line", "area")]
    assert paths and all(layer["mark"]["invalid"] == "break-paths-filter-domains" for layer in paths)
    # the paths see the null weeks (a filter would join the weeks either side of the gap)
    assert not [layer for layer in paths if "transform" in layer]


# ---------------------------------------------------------------- the pages


def test_how_applications_ended_replaces_the_sankey(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = [
        ["Quiet", "Analyst", _ago(120), "interview", _ago(90)],
        ["Recent", "Analyst", _ago(40), "interview", _ago(20)],
    ]
    rows += [[f"Co {i}", "Analyst", _ago(40 + i), "rejected" if i % 3 == 0 else "ghosted", None] for i in range(12)]
    log = write_csv(tmp_path / "quiet.csv", ["company", "role", "applied_on", "status", "interview_on"], rows)
    at = _app(monkeypatch, _database(tmp_path / "ends.duckdb", log))
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("plotly_chart")
    ends: dict[str, int] = {}
    funnel = None
    for spec, frames in _charts(at):
        for frame in frames:
            if {"row", "ending", "count"} <= set(frame.columns):
                ends = dict(zip(frame["row"], frame["count"], strict=True))
                assert " ".join(_chart_title(spec)).startswith("Of 14 applications, ")
            if {"label", "count", "shown"} <= set(frame.columns):
                funnel = frame
    assert ends["Interview, then no further answer"] == 1
    assert ends["Interview, still open"] == 1
    assert ends["No answer: no response"] == 8 and ends["Answered, then rejected"] == 4
    assert sum(ends.values()) == 14  # each application once: the cards' number of applications
    assert funnel is not None
    assert funnel["shown"].iloc[0] == "14"
    assert "of the stage before" in funnel["shown"].iloc[1] and "that have had 30 days" in funnel["shown"].iloc[1]


def test_a_log_without_industries_says_so_instead_of_drawing_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = _visit(_app(monkeypatch, _database(tmp_path / "paused.duckdb", _gap_log(tmp_path))), "channels")
    infos = " ".join(str(info.value) for info in at.info)
    assert "Your log does not record industries, so there is nothing to compare by industry" in infos
    assert "Your log does not record industries, so rates cannot be split by channel and industry" in infos
    fields = {field for spec, _ in _charts(at) for encoding in _walk(spec, "field") for field in [encoding]}
    assert "industry" not in fields
    # the one referral: no bar (a hollow circle on its interval), and its label says it is one of one
    shown = [
        text for _, frames in _charts(at) for frame in frames if "shown" in frame.columns for text in frame["shown"]
    ]
    assert "1 of 1 answered so far — too few to judge" in shown


@pytest.mark.parametrize("persona", ["resume_gap", "healthy"])
def test_every_chart_has_data_and_a_plain_title(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, persona: str) -> None:
    at = _app(monkeypatch, _database(tmp_path / "sample.duckdb", SAMPLE_DIR / f"{persona}.csv"))
    seen = 0
    for page in PAGES:
        _visit(at, page)
        for spec, frames in _charts(at):
            seen += 1
            assert frames and any(len(frame) for frame in frames), f"{page}: a chart with no data"
            rated = [frame for frame in frames if "rate" in frame.columns]
            assert not rated or any(frame["rate"].notna().any() for frame in rated), f"{page}: no rate to draw"
            titles = _titles(spec)
            words = titles + [str(v) for frame in frames if "shown" in frame.columns for v in frame["shown"]]
            assert forbidden(words) == [], (page, forbidden(words))
            assert "censoring-aware" not in " ".join(titles)
            # the pages skip Altair's validation for speed (charts.ShownLayer): it is done here, on what they drew
            (alt.LayerChart if "layer" in spec else alt.Chart).from_dict(spec, validate=True)
    assert seen >= 7


def test_the_gap_log_reads_plainly_and_draws_no_empty_chart(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _app(monkeypatch, _database(tmp_path / "paused.duckdb", _gap_log(tmp_path)))
    for page in PAGES:
        _visit(at, page)
        for spec, frames in _charts(at):
            assert any(len(frame) for frame in frames), page
            assert forbidden(_titles(spec)) == [], page
    _visit(at, "overview")
    titles = [title for spec, _ in _charts(at) for title in _titles(spec)]
    assert any(title.startswith("Response rate by week") for title in titles)
