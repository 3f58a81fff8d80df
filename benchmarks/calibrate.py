"""Calibrate the diagnosis by simulation: how often each persona gets which verdict.

    python -m benchmarks.calibrate [--runs 500] [--applications 150] [--personas healthy,...]

For every persona, `runs` seeded searches of `applications` applications are generated, loaded as
clients of one database and diagnosed one by one. Printed per persona: how often each part is
failing / at risk, how often the planted failure's part is failing-or-at-risk, and how often it is
the top finding. Issue 5's bars: healthy has no failing part in >= 95 % of runs; each failure
persona's part is named (failing or at risk) in >= 80 % and is the top finding in most.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines import diagnosis
from pipelines.analytics import Scope
from pipelines.db import connect
from pipelines.ingest import ingest_file
from sample_data.generator import generate

AS_OF = dt.date(2026, 11, 1)
FAILURE_AREA = {
    "healthy": None,
    "spray_and_pray": "strategy",
    "resume_gap": "resume",
    "wrong_industry": "targets",
    "interview_stall": "interviews",
    "no_follow_up": "follow_up",
}


def simulate(persona: str, runs: int, applications: int, folder: Path, seed0: int = 1000) -> dict[str, Any]:
    tables = []
    for run in range(runs):
        table, _ = generate(persona, seed=seed0 + run, as_of=AS_OF, applications=applications)
        client = pa.array([f"{persona}-{run}"] * table.num_rows)
        tables.append(table.set_column(table.schema.get_field_index("client"), "client", client))
    path = folder / f"{persona}.csv"
    pacsv.write_csv(pa.concat_tables(tables), path)
    con = connect(folder / f"{persona}.duckdb")
    result = ingest_file(con, path, progress=False)
    assert result.status == "loaded" and result.rejected == 0, result.message
    verdicts: Counter[tuple[str, str]] = Counter()
    any_failing = named = top = 0
    area = FAILURE_AREA[persona]
    for run in range(runs):
        findings = diagnosis.diagnose(con, Scope(as_of=AS_OF, client=f"{persona}-{run}"))["findings"]
        for finding in findings:
            verdicts[(finding["area"], finding["verdict"])] += 1
        any_failing += any(f["verdict"] == "failing" for f in findings)
        if area:
            named += any(f["area"] == area and f["verdict"] in ("failing", "at risk") for f in findings)
            top += findings[0]["area"] == area and findings[0]["verdict"] in ("failing", "at risk")
    con.close()
    return {
        "persona": persona,
        "runs": runs,
        "any_failing": any_failing / runs,
        "planted_area": area,
        "planted_named": named / runs if area else None,
        "planted_top": top / runs if area else None,
        "by_part": {
            part: {verdict: verdicts[(part, verdict)] / runs for verdict in diagnosis.VERDICTS}
            for part in diagnosis.AREAS
        },
    }


def meets_bars(report: dict[str, Any]) -> bool:
    if report["planted_area"] is None:
        return report["any_failing"] <= 0.05
    return report["planted_named"] >= 0.8 and report["planted_top"] > 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--applications", type=int, default=150)
    parser.add_argument("--personas", default=",".join(FAILURE_AREA))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    reports = []
    with tempfile.TemporaryDirectory(prefix="bounceback-calibrate-") as folder:
        for persona in args.personas.split(","):
            started = time.perf_counter()
            report = simulate(persona, args.runs, args.applications, Path(folder))
            report["seconds"] = round(time.perf_counter() - started, 1)
            report["meets_bars"] = meets_bars(report)
            reports.append(report)
            if not args.json:
                named = "" if report["planted_area"] is None else (
                    f", {report['planted_area']} named {report['planted_named']:.0%}, top {report['planted_top']:.0%}"
                )  # fmt: skip
                bars = "meets the bars" if report["meets_bars"] else "MISSES THE BARS"
                print(
                    f"{persona}: {args.runs} runs, any failing {report['any_failing']:.1%}{named}"
                    f" [{bars}] ({report['seconds']} s)"
                )
                for part, shares in report["by_part"].items():
                    print(f"    {part:<11}" + "  ".join(f"{v} {shares[v]:5.1%}" for v in diagnosis.VERDICTS))
                sys.stdout.flush()
    if args.json:
        print(json.dumps(reports, indent=2))
    return 0 if all(r["meets_bars"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
