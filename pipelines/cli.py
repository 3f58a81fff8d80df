"""The `bounceback` command line.

Every command takes --json and then prints one JSON object on stdout: a documented, stable
contract (README, "JSON output"). Human output otherwise. Progress goes to stderr.
Exit codes: 0 done; 1 refused or failed (bad input, database problem); 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipelines import __version__
from pipelines.db import DB_ENV_VAR, connect, resolve_db_path
from pipelines.errors import BouncebackError
from pipelines.ingest import DEFAULT_CLIENT, SOURCES, IngestResult, LoadOptions, ingest_path
from pipelines.sources import parse_assignments
from pipelines.status import database_status

HUMAN_REJECTS_SHOWN = 20
HUMAN_STATUSES_SHOWN = 15


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help=f"database file (default: ${DB_ENV_VAR}, else bounceback.duckdb in your data folder)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (see README)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a date (expected YYYY-MM-DD): {text!r}") from e


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bounceback",
        description="Find out which parts of a job search are failing, honestly.",
    )
    parser.add_argument("--version", action="version", version=f"bounceback {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="load application logs into the database")
    ingest.add_argument(
        "files", nargs="+", metavar="FILE", help="CSV, XLSX or JSON Lines files, or a LinkedIn export .zip"
    )
    _add_db(ingest)
    ingest.add_argument(
        "--client",
        default=None,
        help=f"whose search this is, for every row (default: the file's client column, else {DEFAULT_CLIENT})",
    )
    ingest.add_argument("--source", default="auto", choices=SOURCES, help="file kind (default: detect it)")
    ingest.add_argument(
        "--map",
        action="append",
        metavar='"COLUMN=FIELD"',
        help='read a column as a field, e.g. --map "Application site=channel" (FIELD "ignore": do not use it);'
        " repeatable; remembered for files with the same header once loaded",
    )
    ingest.add_argument(
        "--status-map",
        action="append",
        metavar='"TEXT=STATUS"',
        help='what a status you wrote means, e.g. --status-map "Waitlisted=pending"; repeatable; remembered',
    )
    ingest.add_argument("--sheet", help="XLSX: the sheet to read (default: the first sheet with data)")
    ingest.add_argument(
        "--date-order",
        choices=("mdy", "dmy"),
        help="day/month order for dates like 03/04/2025 when the file cannot prove it (default: decide per column)",
    )
    ingest.add_argument("--strict", action="store_true", help="refuse a file if any row is rejected")
    ingest.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    ingest.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    status = commands.add_parser("status", help="what the database holds, and the last loads")
    _add_db(status)

    sample = commands.add_parser("sample", help="write a generated job search (a persona) as CSV")
    sample.add_argument("--persona", required=True, help="healthy, spray_and_pray, resume_gap, ...")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--as-of", type=_date, default=None, help="last day of the search (default: today)")
    sample.add_argument(
        "--applications", type=int, default=None, help="applications in the search (per client for advisor_caseload)"
    )
    sample.add_argument("--out", required=True, type=Path, help="CSV file to write")
    sample.add_argument("--json", action="store_true", help="print one JSON object (see README)")
    return parser


def _print_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, indent=2, default=str, ensure_ascii=False))


def _human_ingest(result: IngestResult) -> None:
    name = Path(result.file).name
    if not result.ok:
        # nothing was written, so there is no row arithmetic to show: the reason comes first
        message = (result.message or "").removeprefix(f"{name}: ")
        print(f"{name}: {result.status}: {message}")
    else:
        verb = "would load" if result.status == "dry_run" else result.status
        print(
            f"{name}: {result.source} file, {result.rows_read:,} rows read = {result.inserted:,} inserted"
            f" + {result.updated:,} updated + {result.unchanged:,} unchanged + {result.rejected:,} rejected"
            f" + {result.skipped:,} skipped  [{verb}" + (f", run {result.run_id}]" if result.run_id else "]")
        )
    mapped = result.columns.get("mapped", {})
    if mapped:
        print("  columns: " + ", ".join(f"{src} -> {dst}" if src != dst else dst for dst, src in mapped.items()))
    if result.columns.get("ignored"):
        print("  not used (kept in each row's raw fields): " + ", ".join(result.columns["ignored"]))
    if result.columns.get("dropped"):
        print("  personal data, not stored: " + ", ".join(result.columns["dropped"]))
    for name, column in result.dates.items():
        unreadable = f", {column['unreadable_values']:,} values unreadable" if column["unreadable_values"] else ""
        inferred = f", year inferred for {column['year_inferred']:,}" if column["year_inferred"] else ""
        why = f" ({column['decided_by']})" if column["decided_by"] else ""
        print(f"  dates in {column['column']!r} -> {name}: {column['format']}{why}{unreadable}{inferred}")
    if result.statuses:
        print("  statuses understood as:")
        for item in result.statuses[:HUMAN_STATUSES_SHOWN]:
            meaning = item["status"] or "NOT UNDERSTOOD"
            if item["via"]:
                meaning += f" (after {item['via']})"
            print(f"    {item['text']!r} -> {meaning}: {item['rows']:,} rows")
        if len(result.statuses) > HUMAN_STATUSES_SHOWN:
            print(f"    ... {len(result.statuses) - HUMAN_STATUSES_SHOWN} more in --json output")
    if result.unclassified_statuses:
        texts = ", ".join(f"{text!r} ({count:,})" for text, count in result.unclassified_statuses.items())
        first = next(iter(result.unclassified_statuses))
        print(f"  statuses not understood, their rows rejected: {texts}")
        print(f'    say what they mean: --status-map "{first}=rejected" (or pending, interview, ghosted, ...)')
    for note in result.notes:
        print(f"  note: {note}")
    if result.events_inserted or result.events_updated:
        print(f"  events: {result.events_inserted:,} new, {result.events_updated:,} dates updated")
    for reason, count in result.skipped_reasons.items():
        print(f"  skipped {count:,}: {reason}")
    if result.rejects:
        print("  rejected rows:")
        for reject in result.rejects[:HUMAN_REJECTS_SHOWN]:
            where = f"line {reject['line']}" + (f", {reject['column']}" if reject["column"] else "")
            value = f" = {reject['value']!r}" if reject["value"] is not None else ""
            print(f"    {where}{value}: {reject['reason']}")
        hidden = len(result.rejects) - HUMAN_REJECTS_SHOWN
        if hidden > 0 or result.rejected > len(result.rejects):
            print("    ... more in --json output and in the database table ingest_rejects")


def _print_quietly_on_closed_pipe(printer: Callable[[IngestResult], None], result: IngestResult) -> None:
    """`bounceback ingest a.csv b.csv | head -1` must still load b.csv: a reader that went away
    stops the output, never the loading."""
    try:
        printer(result)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _cmd_ingest(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    results: list[IngestResult] = []
    if args.dry_run:
        # A dry run must not even create the database file: work on an in-memory copy of nothing
        # when there is no database yet, else on the real one inside a transaction rolled back.
        from pipelines.db import connect_memory

        con = connect(db_path) if db_path.exists() else connect_memory()
    else:
        con = connect(db_path)
    options = LoadOptions(
        client=args.client,
        source=args.source,
        strict=args.strict,
        dry_run=args.dry_run,
        progress=False if (args.quiet or args.json) else None,
        column_map=parse_assignments(args.map, "--map"),
        status_map=parse_assignments(args.status_map, "--status-map"),
        sheet=args.sheet,
        date_order=args.date_order,
    )
    try:
        for file in args.files:
            for result in ingest_path(con, file, options):
                results.append(result)
                if not args.json:
                    _print_quietly_on_closed_pipe(_human_ingest, result)
    finally:
        con.close()
    ok = all(result.ok for result in results)
    if args.json:
        _print_json(
            {
                "ok": ok,
                "database": str(db_path),
                "dry_run": args.dry_run,
                "files": [result.to_json() for result in results],
            }
        )
    return 0 if ok else 1


def _cmd_status(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    con = connect(db_path)
    try:
        status = database_status(con, db_path)
    finally:
        con.close()
    if args.json:
        _print_json(status)
        return 0
    print(f"database: {status['database']} (schema {status['schema_version']})")
    if not status["applications"]:
        print("no applications yet: load a file with `bounceback ingest FILE`")
    else:
        print(
            f"{status['applications']:,} applications, {status['events']:,} events, "
            f"applied {status['first_applied_on']} .. {status['last_applied_on']}"
        )
        for client in status["clients"]:
            print(f"  {client['client']}: {client['applications']:,} applications")
        outcomes = ", ".join(f"{k} {v:,}" for k, v in status["outcomes_today"].items())
        print(f"outcomes today (30-day window): {outcomes}")
    if status["last_runs"]:
        print("last loads:")
        for run in status["last_runs"]:
            print(
                f"  #{run['run_id']} {run['started_at']} {run['file']} [{run['status']}] "
                f"read {run['rows_read']:,}: +{run['inserted']:,} ~{run['updated']:,} "
                f"={run['unchanged']:,} rejected {run['rejected']:,} skipped {run['skipped']:,}"
                + (f" - {run['message']}" if run["message"] else "")
            )
    print(f"rejected rows on record: {status['rejects_total']:,} (table ingest_rejects)")
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from sample_data.generator import PERSONAS, write_sample

    if args.persona not in PERSONAS:
        raise BouncebackError(f"unknown persona {args.persona!r} (expected one of: {', '.join(PERSONAS)})")
    if args.applications is not None and args.applications < 1:
        raise BouncebackError("--applications must be at least 1")
    as_of = args.as_of or dt.date.today()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    truth = write_sample(args.persona, args.out, seed=args.seed, as_of=as_of, applications=args.applications)
    payload = {
        "persona": args.persona,
        "seed": args.seed,
        "as_of": as_of.isoformat(),
        "out": str(args.out),
        "truth": str(args.out.with_suffix(".truth.json")),
        "applications": truth.get("applications"),
    }
    if args.json:
        _print_json(payload)
    else:
        print(
            f"wrote {payload['applications']} applications ({args.persona}, seed {args.seed}, "
            f"as of {payload['as_of']}) to {args.out}; true rates in {payload['truth']}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"ingest": _cmd_ingest, "status": _cmd_status, "sample": _cmd_sample}
    try:
        return handlers[args.command](args)
    except BouncebackError as e:
        if getattr(args, "json", False):
            _print_json({"ok": False, "error": str(e)})
        else:
            print(f"bounceback: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bounceback: interrupted; the file being loaded was rolled back", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
