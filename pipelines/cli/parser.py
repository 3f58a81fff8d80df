"""The `bounceback` argument parser: every command, its options and their help text.

The help text is part of the interface (`bounceback COMMAND --help`); the advisor's commands add
their own parsers (pipelines/cli/advisors.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from pipelines import __version__
from pipelines.analyse.scope import DEFAULT_WINDOW, GROUP_FIELDS, METRICS
from pipelines.cli import advisors as cli_advisors
from pipelines.load.ingest import CHANNEL_NAMES, SOURCES, VALUE_MAP_KEYS
from pipelines.load.plan import DEFAULT_CLIENT
from pipelines.store.db import DB_ENV_VAR

DB_HELP = f"database file (default: ${DB_ENV_VAR}, else bounceback.duckdb in your data folder)"
JSON_HELP = "print one JSON object (see docs/json-output.md)"


def add_db(parser: argparse.ArgumentParser) -> None:
    """--db and --json, which every command reading the database takes."""
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def parse_date(text: str) -> dt.date:
    """An argparse type: YYYY-MM-DD, else a usage error naming the text."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a date (expected YYYY-MM-DD): {text!r}") from e


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every command, its options and their help."""
    parser = argparse.ArgumentParser(
        prog="bounceback",
        description="Find out which parts of a job search are failing, honestly.",
    )
    parser.add_argument("--version", action="version", version=f"bounceback {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # the order here is the order of `bounceback --help`
    _add_ingest_command(commands)
    add_db(commands.add_parser("status", help="what the database holds, and the last loads"))
    _add_analytics_commands(commands)
    cli_advisors.add_commands(commands, add_db, parse_date)
    _add_export_command(commands)
    _add_dashboard_command(commands)
    _add_sample_command(commands)
    return parser


def _add_ingest_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ingest = commands.add_parser("ingest", help="load application logs into the database")
    ingest.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="CSV, XLSX or JSON Lines files, a LinkedIn export .zip, or a mailbox: .mbox (Google Takeout), .eml,"
        " a folder or a .zip of them",
    )
    add_db(ingest)
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
    ingest.add_argument(
        "--value-map",
        action="append",
        metavar='"FIELD:TEXT=VALUE"',
        help='what a value you wrote is read as, e.g. --value-map "channel:Company careers site=company_site";'
        f" FIELD one of {', '.join(VALUE_MAP_KEYS)}; a channel is one of {', '.join(CHANNEL_NAMES)};"
        " repeatable; remembered",
    )
    ingest.add_argument("--sheet", help="XLSX: the sheet to read (default: the first sheet with data)")
    ingest.add_argument(
        "--date-order",
        choices=("mdy", "dmy"),
        help="day/month order for dates like 03/04/2025 when the file cannot prove it (default: decide per column)",
    )
    ingest.add_argument(
        "--me",
        action="append",
        metavar="ADDRESS",
        help="a mailbox: your own e-mail address, so that your own mails (a withdrawal) are read as yours;"
        " repeatable (Gmail's Sent label is read too)",
    )
    ingest.add_argument("--strict", action="store_true", help="refuse a file if any row is rejected")
    ingest.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    ingest.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _add_scope(parser: argparse.ArgumentParser) -> None:
    """The options every analysis takes: the database, the day looked from, the window, the filters."""
    add_db(parser)
    parser.add_argument("--as-of", type=parse_date, default=None, help="look from this date (default: today)")
    parser.add_argument(
        "--window", type=int, default=DEFAULT_WINDOW, help=f"response window in days (default {DEFAULT_WINDOW})"
    )
    parser.add_argument("--client", default=None, help="only this client's applications")
    parser.add_argument("--from", dest="applied_from", type=parse_date, default=None, help="applied on or after")
    parser.add_argument("--to", dest="applied_to", type=parse_date, default=None, help="applied on or before")
    parser.add_argument(
        "--where", action="append", metavar="FIELD=VALUE", help="only applications with this value; repeatable"
    )


def _add_analytics_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fields = ", ".join(GROUP_FIELDS)
    funnel = commands.add_parser("funnel", help="how far applications got, from their stage history")
    _add_scope(funnel)
    rates = commands.add_parser("rates", help="response, callback, interview and offer rates per group")
    _add_scope(rates)
    rates.add_argument("--by", default="", help=f"FIELD[,FIELD]: {fields}")
    timing = commands.add_parser("timing", help="days to first response and to rejection; ghosting")
    _add_scope(timing)
    timing.add_argument("--by", default="", help=f"FIELD[,FIELD]: {fields}")
    compare = commands.add_parser("compare", help="compare variants (resume versions, ...) with exact tests")
    _add_scope(compare)
    compare.add_argument("--by", default="resume_version", help=f"the field whose values are compared: {fields}")
    compare.add_argument("--metric", default="response", choices=METRICS)
    compare.add_argument("--randomised", action="store_true",
                         help="only applications sent with a version drawn by `plan --assign`")
    compare.add_argument(
        "--adjust-for", default="channel,industry", help="FIELD[,FIELD] to hold equal (default channel,industry)"
    )
    trend = commands.add_parser("trend", help="applications and rates per week or month")
    _add_scope(trend)
    trend.add_argument("--every", default="week", choices=("week", "month"))
    followups = commands.add_parser("followups", help="does following up pay, and who is due one now")
    _add_scope(followups)
    diagnose = commands.add_parser("diagnose", help="which parts of the search are failing, and what to do next")
    _add_scope(diagnose)
    plan = commands.add_parser("plan", help="what to send next week: which resume and channel, and the chores")
    _add_scope(plan)
    plan.add_argument("--next", dest="next_n", type=int, default=10, help="applications you will send (default 10)")
    plan.add_argument("--assign", action="store_true",
                      help="draw the resume version of each of the next N applications, and keep the draws")


def _add_export_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", help="write the loaded applications as CSV or XLSX (canonical format)")
    add_db(export)
    export.add_argument("--client", default=None, help="only this client's applications")
    written = export.add_mutually_exclusive_group(required=True)
    written.add_argument("--out", type=Path, help="FILE.csv or FILE.xlsx")
    written.add_argument(
        "--parquet", type=Path, metavar="DIR", help="every table as Parquet, hive-partitioned by client (new folder)"
    )


def _add_dashboard_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dashboard = commands.add_parser("dashboard", help="open the dashboard in your browser (Streamlit)")
    # --db only: the dashboard prints no JSON
    dashboard.add_argument("--db", help=DB_HELP)
    dashboard.add_argument("--port", type=int, default=None, help="port on localhost (default 8501)")


def _add_sample_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sample = commands.add_parser("sample", help="write a generated job search (a persona) as CSV")
    sample.add_argument("--persona", required=True, help="healthy, spray_and_pray, resume_gap, ...")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--as-of", type=parse_date, default=None, help="last day of the search (default: today)")
    sample.add_argument(
        "--applications", type=int, default=None, help="applications in the search (per client for advisor_caseload)"
    )
    sample.add_argument("--out", required=True, type=Path, help="CSV file to write")
    # --json only: a sample is written to a file, not to the database
    sample.add_argument("--json", action="store_true", help=JSON_HELP)
