"""The Streamlit dashboard, run headless with AppTest on real DuckDB files (dashboard/)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import launch
from pipelines.db import connect
from pipelines.ingest import ingest_file
from tests.conftest import SAMPLE_DIR, write_csv

APP = Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py"
PAGES = ("overview", "resume", "channels", "timing", "followups", "data")
AS_OF = "2026-11-01"  # the sample files' as-of date: results do not drift with the calendar
HOSTILE = [
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "x" * 5000,
    "Café 🚀🔥 Ünïcode",
    "שלום עולם",
    "[click](javascript:alert(1)) ![img](http://x/y.png) :red[red] $x^2$ **bold** # heading",
    "x'); DROP TABLE applications;--",
]


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    # caches are process-wide: a connection or result from another test's database must not leak
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _database(path: Path, *files: tuple[Path, str]) -> Path:
    con = connect(path)
    try:
        for file, client in files:
            result = ingest_file(con, file, client=client)
            assert result.status == "loaded", result.message
    finally:
        con.close()
    return path


def _app(monkeypatch: pytest.MonkeyPatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"as_of": AS_OF, **params})
    return at.run()


def _specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def _fields(spec: Any) -> set[str]:
    """Every encoded field name anywhere in a (layered, concatenated) vega-lite spec."""
    found: set[str] = set()
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "encoding" and isinstance(value, dict):
                for channel in value.values():
                    for item in channel if isinstance(channel, list) else [channel]:
                        if isinstance(item, dict) and "field" in item:
                            found.add(item["field"])
            found |= _fields(value)
    elif isinstance(spec, list):
        for item in spec:
            found |= _fields(item)
    return found


def _text(at: AppTest) -> str:
    return "\n".join(
        str(element.value) for kind in ("markdown", "caption", "info", "warning") for element in getattr(at, kind)
    )


def _visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
    return at


@pytest.fixture
def resume_gap_db(tmp_path: Path) -> Path:
    return _database(tmp_path / "sample.duckdb", (SAMPLE_DIR / "resume_gap.csv", "resume_gap"))


def test_overview_of_a_sample_search(monkeypatch: pytest.MonkeyPatch, resume_gap_db: Path) -> None:
    at = _app(monkeypatch, resume_gap_db)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    labels = {metric.label: metric.value for metric in at.metric}
    assert labels["Applications"] == "180"
    for label in ("Response rate", "Callbacks", "Interviews", "Offers", "Pending", "Median days to a first answer"):
        assert label in labels
    text = _text(at)
    # resume_gap plants a weaker resume version: the diagnosis says so, first
    assert "FAILING" in text
    assert "Resume — versions and cover letters" in text
    assert text.index("FAILING") < text.index("WORKING")
    fields = set().union(*(_fields(spec) for spec in _specs(at)))
    assert {"stage", "count", "week", "rate", "low", "high", "applications"} <= fields
    assert len(at.get("plotly_chart")) == 1  # the Sankey
    # the URL reproduces the view
    assert at.query_params["as_of"] == AS_OF


def test_every_page_of_a_sample_search(monkeypatch: pytest.MonkeyPatch, resume_gap_db: Path) -> None:
    at = _app(monkeypatch, resume_gap_db)
    expected = {
        "resume": {"group", "rate", "low", "high", "reliability"},
        "channels": {"group", "rate", "low", "high"},
        "timing": {"day", "survival", "lower", "upper", "group"},
        "followups": {"group", "rate", "low", "high"},
    }
    for page in PAGES:
        _visit(at, page)
        assert not at.error, f"{page}: {[e.value for e in at.error]}"
        if page in expected:
            fields = set().union(*(_fields(spec) for spec in _specs(at)))
            assert expected[page] <= fields, (page, fields)
    # the database page: counts and the template to download
    assert {metric.label: metric.value for metric in at.metric}["Applications"] == "180"
    assert len(at.get("download_button")) == 1


def test_filters_come_from_and_go_to_the_url(monkeypatch: pytest.MonkeyPatch, resume_gap_db: Path) -> None:
    at = _app(monkeypatch, resume_gap_db, resume_version="v2", window="45", client="resume_gap")
    assert not at.exception
    assert at.sidebar.selectbox(key="filter_resume_version").value == "v2"
    assert at.sidebar.number_input(key="filter_window").value == 45
    applications = int({metric.label: metric.value for metric in at.metric}["Applications"])
    assert 0 < applications < 180
    # a change in the sidebar is written back to the URL
    at.sidebar.selectbox(key="filter_resume_version").set_value("v1").run()
    assert not at.exception
    assert "v1" in str(at.query_params["resume_version"])
    assert "resume_gap" in str(at.query_params["client"])
    # nonsense in the URL falls back to the defaults instead of failing
    st.cache_data.clear()
    bad = _app(monkeypatch, resume_gap_db, as_of="yesterday", window="0", client="nobody", channel="<b>x</b>")
    assert not bad.exception
    assert bad.sidebar.number_input(key="filter_window").value == 30
    assert bad.sidebar.selectbox(key="filter_client").value == ""


def test_empty_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _app(monkeypatch, _database(tmp_path / "empty.duckdb"))
    for page in PAGES:
        _visit(at, page)
        assert not at.error, f"{page}: {[e.value for e in at.error]}"
        assert any("No applications yet" in info.value for info in at.info), page


def test_hostile_values_are_shown_not_executed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    header = [
        "company",
        "role",
        "industry",
        "channel",
        "resume_version",
        "applied_on",
        "status",
        "responded_on",
        "interview_on",
        "rejected_on",
    ]
    rows = []
    for i in range(42):
        name = HOSTILE[i % len(HOSTILE)]
        day = f"2026-{9 + i % 2:02d}-{1 + i % 28:02d}"
        status, responded, interview, rejected = [
            ("applied", "", "", ""),
            ("rejected", day, "", day),
            ("interview", day, day, ""),
            ("ghosted", "", "", ""),
        ][i % 4]
        rows.append([name, f"{name} role {i}", name, name, HOSTILE[i % 3], day, status, responded, interview, rejected])
    csv_file = write_csv(tmp_path / "hostile.csv", header, rows)
    db = _database(tmp_path / "hostile.duckdb", (csv_file, "שלום <script>"))
    at = _app(monkeypatch, db, resume_version=HOSTILE[1], client="שלום <script>")
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="filter_resume_version").value == HOSTILE[1]
    for page in PAGES:
        _visit(at, page)
    # markdown never carries a value unescaped (a link, an image or HTML would be live)
    for element in at.markdown:
        assert "](javascript" not in element.value and "<script>" not in element.value


def test_launch_sets_the_database_and_runs_streamlit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []

    class Done:
        returncode = 0

    def fake_run(argv: list[str], env: dict[str, str], check: bool) -> Done:
        calls.append((argv, env))
        return Done()

    monkeypatch.setattr(launch.subprocess, "run", fake_run)
    assert launch.run(str(tmp_path / "mine.duckdb"), 8765) == 0
    argv, env = calls[0]
    assert env["BOUNCEBACK_DB"] == str((tmp_path / "mine.duckdb").resolve())
    assert argv[1:4] == ["-m", "streamlit", "run"] and Path(argv[4]) == APP
    assert argv[argv.index("--server.port") + 1] == "8765"
    assert argv[argv.index("--server.headless") + 1] == "true"


def test_a_file_that_is_not_a_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "notes.duckdb"
    broken.write_text("this is not a database\n" * 100, encoding="utf-8")
    at = _app(monkeypatch, broken)
    for page in PAGES:
        _visit(at, page)
        assert any("cannot be opened" in error.value for error in at.error), page
