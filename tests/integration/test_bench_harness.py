"""The benchmark harness runs end to end at toy sizes and writes its JSON (no timing is asserted:
timing lives in `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_harness_runs_and_writes_its_results(tmp_path: Path) -> None:
    results = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.harness", "--smoke", "--out", str(tmp_path / "inputs"),
         "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    [written] = list(results.glob("bench-*-smoke.json"))
    report = json.loads(written.read_text(encoding="utf-8"))
    measures = [row["measure"] for row in report["rows"]]
    expected_measures = (
        "/ bare DuckDB CTAS",
        "pandas path / ingest",
        "spreadsheet-shaped ingest",
        "peak RSS",
        "overview at",
        "Overview page at 2,000, cold",
        "Overview page at 2,000, warm",
        "roster of 20",
        "zip claiming 60,000 members refused",
        "export of 10,002 members refused",
        "row of 80,003 fields refused",
        "damaged database refused",
        "5 sessions on a busy file",
    )
    for expected in expected_measures:
        assert any(expected in measure for measure in measures), expected
    for row in report["rows"]:
        assert set(row) >= {"measure", "value", "unit", "target", "pass"}
        assert row["value"] is None or row["value"] >= 0
    # the table is printed: every measure with its value, target and result
    for measure in measures:
        assert measure in done.stdout
