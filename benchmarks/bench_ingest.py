"""Load-time benchmark: canonical CSV vs a spreadsheet-shaped CSV of the same rows.

    python -m benchmarks.bench_ingest [--rows 1000000] [--out .bench]

The spreadsheet-shaped file is the canonical one rewritten the way people keep logs: their own
header names, M/D/YYYY dates, free-text statuses with typos and emoji, channel spelling variants,
Yes/No flags. Issue 3 asks that it loads in under 3x the canonical time. Timing lives here, never
in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from pathlib import Path

import duckdb

from pipelines.db import connect
from pipelines.ingest import ingest_file
from sample_data.generator import write_sample

SPREADSHEET_SQL = """
copy (
    select
        company as "Company",
        -- a real log has no two rows for one company, role and day; generated rows at this size do
        role || ' ' || line as "Position",
        industry as "Company Type",
        case pick % 4
            when 0 then channel when 1 then upper(channel) when 2 then channel || ' ' else replace(channel, '_', ' ')
        end as "Application site",
        case when pick % 7 = 0 then 'y' else 'n' end as "Easy Application?",
        resume_version as "CV_Version",
        strftime(cast(applied_on as date), '%-m/%-d/%Y') as "Date sent",
        case status
            when 'rejected' then ['Rejected', 'rejected ', 'Rejection :(', 'Not Selected', 'reeejected'][pick % 5 + 1]
            when 'ghosted' then ['Ghosted', 'No response', 'ghosted 👻'][pick % 3 + 1]
            when 'interview' then ['Interview', '1st round', 'Final round', 'Onsite'][pick % 4 + 1]
            when 'screen' then ['Phone screen', 'HR call'][pick % 2 + 1]
            when 'offer' then 'Offer'
            when 'accepted' then 'Accepted!'
            when 'applied' then ['', 'TBD', 'ongoing'][pick % 3 + 1]
            else status
        end as "Response?",
        strftime(cast(responded_on as date), '%-m/%-d/%Y') as "Date of 1st Response",
        strftime(cast(interview_on as date), '%-m/%-d/%Y') as "Date Interview",
        case when referral = 'yes' then 'Yes' else 'No ' end as "LinkedIn_Connection",
        notes as "Notes"
    from (
        select row_number() over () as line, cast(hash(row_number() over ()) % 420 as bigint) as pick, *
        from read_csv($path, all_varchar = true)
    )
) to '{out}' (header, delimiter ',')
"""


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load(path: Path, db: Path) -> dict[str, float]:
    db.unlink(missing_ok=True)
    con = connect(db)
    started = time.perf_counter()
    result = ingest_file(con, path, progress=False)
    seconds = time.perf_counter() - started
    con.close()
    assert result.status == "loaded", result.message
    return {"seconds": round(seconds, 2), "rows": result.rows_read, "inserted": result.inserted,
            "rejected": result.rejected, "skipped": result.skipped}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path(".bench"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    canonical = args.out / f"canonical_{args.rows}.csv"
    spreadsheet = args.out / f"spreadsheet_{args.rows}.csv"
    if not canonical.exists():
        write_sample("healthy", canonical, seed=1, as_of=dt.date(2026, 11, 1), applications=args.rows)
    if not spreadsheet.exists():
        duckdb.connect().execute(SPREADSHEET_SQL.replace("{out}", str(spreadsheet)), {"path": str(canonical)})
    bare_started = time.perf_counter()
    duckdb.connect().execute("select count(*) from read_csv($p, all_varchar = true)", {"p": str(canonical)})
    bare = time.perf_counter() - bare_started
    report = {
        "rows": args.rows,
        "bare_duckdb_read_csv_seconds": round(bare, 2),
        "canonical": _load(canonical, args.out / "canonical.duckdb"),
        "spreadsheet": _load(spreadsheet, args.out / "spreadsheet.duckdb"),
    }
    report["spreadsheet_over_canonical"] = round(report["spreadsheet"]["seconds"] / report["canonical"]["seconds"], 2)
    report["peak_rss_mb"] = round(_rss_mb())
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
