"""Analytics timing on the 1,000,000-application database `make bench` loads.

    python -m benchmarks.bench_analytics [--db .bench/canonical.duckdb]

Issue 4 asks for the full set (funnel, three rate tables, timing) well under a second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

from pipelines import analytics
from pipelines.db import connect


def _seconds(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return round(time.perf_counter() - started, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path(".bench/canonical.duckdb"))
    args = parser.parse_args()
    con = connect(args.db)
    scope = analytics.Scope(as_of=dt.date(2026, 11, 1))
    applications = con.cursor().execute("select count(*) from applications").fetchone()[0]
    analytics.analyse_all(con, scope)  # warm: the file's pages into memory
    report = {
        "applications": applications,
        "full_set_seconds (funnel + rates by resume/channel/industry + timing)": _seconds(
            lambda: analytics.analyse_all(con, scope)
        ),
        "funnel": _seconds(lambda: analytics.funnel(con, scope)),
        "rates --by resume_version": _seconds(lambda: analytics.rates(con, scope, ["resume_version"])),
        "timing": _seconds(lambda: analytics.timing(con, scope, [])),
        "compare --by resume_version": _seconds(lambda: analytics.compare(con, scope)),
        "trend": _seconds(lambda: analytics.trend(con, scope)),
        "followups": _seconds(lambda: analytics.followups(con, scope)),
    }
    con.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
