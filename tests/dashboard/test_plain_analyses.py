"""Issue 18 on the analyses pages (overview, resume, channels, timing, follow-ups): what a person reads —
texts, metric cards, table headers as configured and cells as shown — holds no identifier, None, NaN or
unrounded number, on a sample search and on a log without outcomes."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from tests.conftest import SAMPLE_DIR, write_csv
from tests.dashboard.plain import forbidden

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
PAGES = ("overview", "resume", "channels", "timing", "followups")
AS_OF = "2026-11-01"
STATES: dict[str, dict[str, list[Any]]] = {
    "resume": {"resume_metric": ["callback", "interview", "offer"]},
    "channels": {"channels_metric": ["response_settled", "callback", "interview", "offer"]},
    "timing": {"timing_by": ["resume_version", "channel", "industry", "role"]},
}

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


def _database(path: Path, file: Path, client: str) -> Path:
    con = connect(path)
    try:
        result = ingest_file(con, file, client=client)
        assert result.status == "loaded", result.message
    finally:
        con.close()
    return path


def _unescaped(text: str) -> str:
    """Markdown as read on screen: escapes removed, icons (`:material/check_circle:`) drawn, not read."""
    return re.sub(r":material/[a-z0-9_]+:", "", re.sub(r"\\(.)", r"\1", text))


def _table_texts(element: Any) -> Iterator[str]:
    """A dataframe as read: the headers of its shown columns, and the cells the grid prints as they are
    (text columns; a number column without a format prints its raw value). A number with a format is
    drawn by the grid rounded, and a missing number as an empty cell."""
    frame: pd.DataFrame = element.value
    config: dict[str, Any] = json.loads(element.proto.columns or "{}")
    order = list(element.proto.column_order)
    for name in frame.columns:
        column = config.get(str(name), {})
        if column.get("hidden") or (order and name not in order):
            continue
        yield str(column.get("label") or name)
        if column.get("type_config", {}).get("format"):
            continue
        values = frame[name]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            yield from (str(v) for v in values.dropna() if float(v) != round(float(v), 3))
        else:
            yield from (str(v) for v in values)


def _texts(at: AppTest) -> list[str]:
    texts = [
        str(element.value)
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error")
        for element in getattr(at, kind)
    ]
    texts += [str(metric.label) for metric in at.metric] + [str(metric.value) for metric in at.metric]
    for element in at.dataframe:
        texts += list(_table_texts(element))
    return [_unescaped(text) for text in texts]


def _read(monkeypatch: pytest.MonkeyPatch, db: Path) -> dict[str, list[str]]:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"as_of": AS_OF})
    at.run()
    found: dict[str, list[str]] = {}
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
        found[page] = forbidden(_texts(at))
        # and in every state the page offers: each measure, each breakdown
        for key, choices in STATES.get(page, {}).items():
            for choice in choices:
                at.session_state[key] = choice
                at.run()
                assert not at.exception, f"{page} {key}={choice}: {[e.value for e in at.exception]}"
                found[page] += [f"({key}={choice}) {word}" for word in forbidden(_texts(at))]
    return found


@pytest.mark.parametrize("persona", ["resume_gap", "no_follow_up", "healthy"])
def test_the_analyses_pages_read_plainly_on_a_sample_search(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, persona: str
) -> None:
    db = _database(tmp_path / "sample.duckdb", SAMPLE_DIR / f"{persona}.csv", "Sample client")
    found = _read(monkeypatch, db)
    assert {page: words for page, words in found.items() if words} == {}


def test_the_analyses_pages_read_plainly_without_outcomes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    as_of = dt.date.fromisoformat(AS_OF)
    rows = [[f"Co {i}", "Data analyst", (as_of - dt.timedelta(days=3 * i)).isoformat()] for i in range(30)]
    log = write_csv(tmp_path / "applied-only.csv", ["company", "role", "applied_on"], rows)
    found = _read(monkeypatch, _database(tmp_path / "quiet.duckdb", log, "me"))
    assert {page: words for page, words in found.items() if words} == {}
