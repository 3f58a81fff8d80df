"""The `bounceback` command line.

Every command takes --json and then prints one JSON object on stdout: a documented, stable
contract (docs/json-output.md). Human output otherwise. Progress goes to stderr.
Exit codes: 0 done; 1 refused or failed (bad input, database problem); 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipelines import __version__
from pipelines.advisors.clients import get_client
from pipelines.analyse import analytics, diagnosis
from pipelines.analyse.scope import DEFAULT_WINDOW, GROUP_FIELDS, METRICS, Scope
from pipelines.cli import advisors as cli_advisors
from pipelines.cli.status import database_status
from pipelines.errors import BouncebackError, StorageError, is_storage_failure
from pipelines.load.columns import parse_assignments
from pipelines.load.ingest import (
    CHANNEL_NAMES,
    SOURCES,
    VALUE_MAP_KEYS,
    IngestResult,
    LoadOptions,
    ingest_path,
    parse_value_map,
)
from pipelines.load.plan import DEFAULT_CLIENT
from pipelines.store.db import DB_ENV_VAR, connect, connect_memory, original_error, resolve_db_path, storage_failure
from pipelines.words import counted

HUMAN_REJECTS_SHOWN = 20
HUMAN_STATUSES_SHOWN = 15


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help=f"database file (default: ${DB_ENV_VAR}, else bounceback.duckdb in your data folder)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (see docs/json-output.md)")


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
    ingest.add_argument("--strict", action="store_true", help="refuse a file if any row is rejected")
    ingest.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    ingest.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    status = commands.add_parser("status", help="what the database holds, and the last loads")
    _add_db(status)

    _add_analytics_commands(commands)
    cli_advisors.add_commands(commands, _add_db, _date)

    export = commands.add_parser("export", help="write the loaded applications as CSV or XLSX (canonical format)")
    _add_db(export)
    export.add_argument("--client", default=None, help="only this client's applications")
    written = export.add_mutually_exclusive_group(required=True)
    written.add_argument("--out", type=Path, help="FILE.csv or FILE.xlsx")
    written.add_argument(
        "--parquet", type=Path, metavar="DIR", help="every table as Parquet, hive-partitioned by client (new folder)"
    )

    dashboard = commands.add_parser("dashboard", help="open the dashboard in your browser (Streamlit)")
    dashboard.add_argument(
        "--db", help=f"database file (default: ${DB_ENV_VAR}, else bounceback.duckdb in your data folder)"
    )
    dashboard.add_argument("--port", type=int, default=None, help="port on localhost (default 8501)")

    sample = commands.add_parser("sample", help="write a generated job search (a persona) as CSV")
    sample.add_argument("--persona", required=True, help="healthy, spray_and_pray, resume_gap, ...")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--as-of", type=_date, default=None, help="last day of the search (default: today)")
    sample.add_argument(
        "--applications", type=int, default=None, help="applications in the search (per client for advisor_caseload)"
    )
    sample.add_argument("--out", required=True, type=Path, help="CSV file to write")
    sample.add_argument("--json", action="store_true", help="print one JSON object (see docs/json-output.md)")
    return parser


def _add_scope(parser: argparse.ArgumentParser) -> None:
    _add_db(parser)
    parser.add_argument("--as-of", type=_date, default=None, help="look from this date (default: today)")
    parser.add_argument(
        "--window", type=int, default=DEFAULT_WINDOW, help=f"response window in days (default {DEFAULT_WINDOW})"
    )
    parser.add_argument("--client", default=None, help="only this client's applications")
    parser.add_argument("--from", dest="applied_from", type=_date, default=None, help="applied on or after")
    parser.add_argument("--to", dest="applied_to", type=_date, default=None, help="applied on or before")
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


def _scope(args: argparse.Namespace) -> Scope:
    return Scope(
        as_of=args.as_of or dt.date.today(),
        window=args.window,
        client=args.client,
        applied_from=args.applied_from,
        applied_to=args.applied_to,
        where=parse_assignments(args.where, "--where", name_first=True),
    )


def _fields(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _pct(rate: dict[str, Any] | None) -> str:
    if not rate or rate.get("rate") is None:
        return "-"
    return f"{rate['rate']:.0%} [{rate['low']:.0%}-{rate['high']:.0%}]"


def _measure_lines(measures: dict[str, Any]) -> list[str]:
    """The headline numbers (analytics.Measures.to_json), each on a line after its definition."""
    labels = measures["labels"]
    recorded = measures["outcomes_recorded"]

    def outcome(text: str) -> str:
        return text if recorded else analytics.NO_OUTCOMES

    share = measures["answered_share"]
    settled = measures["response_rate_settled"]
    km = measures["response_rate"]
    km_text = _pct(km) if km["rate"] is not None else "too early (no application has had the whole window yet)"
    lines = [
        f"{labels['applications']}: {measures['applications']:,}",
        f"{labels['answered']}: "
        + outcome(f"{measures['answered']:,}" + ("" if share is None else f" ({share:.0%} of applications)")),
        f"{labels['response_rate']}: " + outcome(km_text),
        f"{labels['response_rate_settled']}: "
        + outcome(f"{_pct(settled)} (of {settled['n']:,})" if settled["rate"] is not None else "-"),
        f"{labels['callbacks']}: " + outcome(f"{measures['callbacks']:,}"),
        f"{labels['interviews']}: " + outcome(f"{measures['interviews']:,}"),
        f"{labels['offers']}: " + outcome(f"{measures['offers']:,}"),
        f"{labels['pending']}: " + outcome(f"{measures['pending']:,}"),
    ]
    if not recorded:
        lines.append(analytics.NO_OUTCOMES_NEXT)
    return lines


def _human_measures(measures: dict[str, Any] | None) -> None:
    if measures is None or not measures["applications"]:
        return
    for line in _measure_lines(measures):
        print(line)
    print()


def _group_label(group: dict[str, Any]) -> str:
    return ", ".join("(blank)" if value is None else str(value) for value in group.values())


def _human_no_data(payload: dict[str, Any]) -> bool:
    if payload["no_data"]:
        print("no data: no applications match (load some with `bounceback ingest FILE`, or widen the filters)")
    return bool(payload["no_data"])


def _not_recorded_line(payload: dict[str, Any]) -> bool:
    """A log without outcomes: say so, and what to do, instead of rates of 0 %."""
    if payload.get("outcomes_recorded", True):
        return False
    print(f"{analytics.NO_OUTCOMES}: {analytics.NO_OUTCOMES_NEXT}")
    return True


def _human_funnel(payload: dict[str, Any], measures: dict[str, Any] | None = None) -> None:
    if _human_no_data(payload):
        return
    _human_measures(measures)
    recorded = payload["outcomes_recorded"]
    width = max(len(stage["label"]) for stage in payload["stages"])
    for stage in payload["stages"]:
        if stage["stage"] != "applied" and not recorded:
            print(f"{stage['label']:>{width}}: {analytics.NO_OUTCOMES}")
            continue
        step = stage.get("step_conversion")
        steps = f"  step {_pct(step)} of {step['n']:,}" if step is not None and step["rate"] is not None else ""
        share = "" if stage["stage"] == "applied" else f"  ({stage['share_of_applied']:.0%} of applications)"
        print(f"{stage['label']:>{width}}: {stage['count']:>8,}{share}{steps}")
    if recorded:
        print(f"step: {payload['step_conversion_label'].removeprefix('Step conversion: ')}")
        print("outcomes: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in payload["outcomes"].items()))
        print(f"(no further answer: an answer or offer followed by nothing for {payload['stale_days']} days or more)")
    elif measures is None:
        _not_recorded_line(payload)


def _human_rates(payload: dict[str, Any], measures: dict[str, Any] | None = None) -> None:
    if _human_no_data(payload):
        return
    _human_measures(measures)
    if not payload["outcomes_recorded"]:
        if measures is None:
            _not_recorded_line(payload)
        return  # the headline numbers said so, and what to do
    rows = [payload["overall"], *payload["groups"]]
    print(f"{'group':<28} {'apps':>7} {'pending':>7}  {'response (censoring-aware)':<27} {'settled-only':<22}"
          f" {'callback':<20} {'interview':<20} {'offer':<20}")  # fmt: skip
    for row in rows:
        label = "ALL" if row is payload["overall"] else _group_label(row["group"])
        flag = " (small)" if row["small"] else ""
        flag += "" if row["outcomes_recorded"] else " (no outcomes recorded)"
        print(
            f"{(label + flag)[:28]:<28} {row['applications']:>7,} {row['pending']:>7,}  "
            f"{_pct(row['response_rate']):<27} {_pct(row['response_rate_settled']):<22} "
            f"{_pct(row['callback_rate']):<20} {_pct(row['interview_rate']):<20} {_pct(row['offer_rate']):<20}"
        )
    window = payload["scope"]["window"]
    print(f"response (censoring-aware): answered within {window} days, recent applications counted for the days"
          f" they have had; settled-only, callback, interview, offer: among applications that have had {window}"
          " days")  # fmt: skip
    print(f"(small): fewer than {payload['small_group_threshold']} settled applications; read with care")


def _human_timing(payload: dict[str, Any]) -> None:
    if _human_no_data(payload) or _not_recorded_line(payload):
        return
    for row in payload["groups"]:
        first, rejection = row["first_response"], row["rejection"]

        def median(part: dict[str, Any]) -> str:
            if part["median_days"] is None:
                return "not reached"
            low = "?" if part["median_low"] is None else f"{part['median_low']:g}"
            high = "?" if part["median_high"] is None else f"{part['median_high']:g}"
            return f"{part['median_days']:g} days [{low}-{high}]"

        print(
            f"{_group_label(row['group'])}: median first response {median(first)}, median to rejection "
            f"{median(rejection)}, ghosting {_pct(row['ghosting_rate'])}" + (" (small)" if row["small"] else "")
        )


def _human_compare(payload: dict[str, Any]) -> None:
    if _human_no_data(payload):
        return
    print(f"{payload['metric']} rate by {payload['by']} (settled applications):")
    for variant in payload["variants"]:
        flag = " (small)" if variant["small"] else ""
        print(
            f"  {'(blank)' if variant['variant'] is None else variant['variant']!s:<24}"
            f" {variant['successes']:>5}/{variant['settled']:<6} {_pct(variant['rate']):<20}"
            f" P(best) {'-' if variant['prob_best'] is None else format(variant['prob_best'], '.3f')}{flag}"
        )
    for pair in payload["pairs"]:
        p = "-" if pair["p_value"] is None else f"p={pair['p_value']:.3g}, Holm {pair['p_holm']:.3g}"
        a, b = ("(blank)" if v is None else v for v in (pair["a"], pair["b"]))
        print(f"  {a} vs {b}: Fisher {p}")
        if pair["needed_per_variant"]:
            need = pair["needed_per_variant"]
            print(f"    to tell them apart (80% power): {need['per_variant']:,} settled applications per variant")
        if pair["warning"]:
            print(f"    WARNING: {pair['warning']}")


def _human_trend(payload: dict[str, Any]) -> None:
    if _human_no_data(payload):
        return
    recorded = _not_recorded_line(payload)
    for row in payload["periods"]:
        if recorded:
            print(f"{row['period']}: {row['applications']:>6,} applied")
            continue
        print(
            f"{row['period']}: {row['applications']:>6,} applied, {row['responses']:>5,} answered, "
            f"{row['pending']:>5,} pending, response rate {_pct(row['response_rate'])}"
            + (" (small)" if row["small"] else "")
        )


def _human_followups(payload: dict[str, Any]) -> None:
    if _human_no_data(payload):
        return
    effect = payload["effect"]
    if effect is None:
        print("the follow-up effect needs a response window longer than 14 days (--window)")
    else:
        _human_effect(effect)
    if not payload["due"]:
        print("nothing due for a follow-up")
    for item in payload["due"]:
        print(f"  {item['company'] or '?'} - {item['role'] or '?'} (applied {item['applied_on']}): {item['reason']}")


def _human_effect(effect: dict[str, Any]) -> None:
    print(
        f"unanswered on day {effect['landmark_day']}, then answered: followed up {_pct(effect['followed_up'])}"
        f" (n={effect['followed_up']['n']}), not followed up {_pct(effect['not_followed_up'])}"
        f" (n={effect['not_followed_up']['n']})" + (" (small)" if effect["small"] else "")
    )


def _human_diagnose(payload: dict[str, Any]) -> None:
    if payload["no_data"]:
        print("no applications yet: load your log with `bounceback ingest FILE` to get a diagnosis")
    else:
        _human_measures(payload.get("measures"))
    labels = {
        "strategy": "Overall strategy",
        "resume": "Resume and cover letter",
        "network": "Network",
        "targets": "Target industries and roles",
        "interviews": "Interviews",
        "follow_up": "Follow-up",
    }
    for finding in payload["findings"]:
        print(f"{finding['verdict'].upper():<16} {labels[finding['area']]}")
        print(f"    {finding['evidence']['sentence']}")
        print(f"    next: {finding['action']}")


def _cmd_analytics(args: argparse.Namespace) -> int:
    scope = _scope(args)
    db_path = resolve_db_path(args.db)
    # read-write: an older database is upgraded, and its SQL models refreshed, before reading it
    con = connect(db_path) if db_path.exists() else connect_memory()
    human: Callable[[dict[str, Any]], None]
    try:
        if args.command in ("funnel", "rates"):
            # the headline numbers above the table, from the same load of the facts
            by = _fields(args.by) if args.command == "rates" else []
            prepared = analytics.prepare(con, scope, tuple(analytics.check_fields(by, "--by")))
            measures = analytics.measures(con, scope, prepared).to_json()
            if args.command == "funnel":
                payload = analytics.funnel(con, scope, prepared)
                human = functools.partial(_human_funnel, measures=measures)
            else:
                payload = analytics.rates(con, scope, by, prepared)
                human = functools.partial(_human_rates, measures=measures)
        elif args.command == "timing":
            payload, human = analytics.timing(con, scope, _fields(args.by)), _human_timing
        elif args.command == "compare":
            payload = analytics.compare(con, scope, args.by, args.metric, tuple(_fields(args.adjust_for)))
            human = _human_compare
        elif args.command == "trend":
            payload, human = analytics.trend(con, scope, args.every), _human_trend
        elif args.command == "followups":
            payload, human = analytics.followups(con, scope), _human_followups
        else:
            payload, human = diagnosis.diagnose(con, scope), _human_diagnose
    finally:
        con.close()
    if args.json:
        _print_json({"ok": True, **payload})
    else:
        human(payload)
    return 0


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
            f"{name}: {result.source} file, {counted(result.rows_read, 'row')} read = {result.inserted:,} inserted"
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
            print(f"    {item['text']!r} -> {meaning}: {counted(item['rows'], 'row')}")
        if len(result.statuses) > HUMAN_STATUSES_SHOWN:
            print(f"    ... {len(result.statuses) - HUMAN_STATUSES_SHOWN} more in --json output")
    if result.unclassified_statuses:
        texts = ", ".join(f"{text!r} ({count:,})" for text, count in result.unclassified_statuses.items())
        first = next(iter(result.unclassified_statuses))
        print(f"  statuses not understood, their rows rejected: {texts}")
        # never a guess at the meaning: the stage is the person's to name (the rejects suggest the closest)
        print(f'    say what they mean: --status-map "{first}=STAGE", STAGE one of applied, screen, assessment,'
              " interview, offer, rejected, ghosted, withdrawn, position_closed; saved if it is no application")
    _human_values(result)
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


def _human_values(result: IngestResult) -> None:
    """The value maps applied, and the channel values read as `other` with the flag that corrects them."""
    if result.value_maps:
        print("  values read as you said:")
        for item in result.value_maps[:HUMAN_STATUSES_SHOWN]:
            remembered = " (remembered)" if item["remembered"] else ""
            rows = f"{item['rows']:,} row" + ("" if item["rows"] == 1 else "s")
            print(f"    {item['field']} {item['text']!r} -> {item['value']}: {rows}{remembered}")
        if len(result.value_maps) > HUMAN_STATUSES_SHOWN:
            print(f"    ... {len(result.value_maps) - HUMAN_STATUSES_SHOWN} more in --json output")
    other = [item for item in result.channels if item["channel"] == "other" and item["how"] is None]
    if other:
        shown = ", ".join(f"{item['text']!r} ({item['rows']:,})" for item in other[:5])
        more = f" and {len(other) - 5} more" if len(other) > 5 else ""
        print(f"  channels read as other: {shown}{more}")
        print(f'    say what one is: --value-map "channel:{other[0]["text"]}=CHANNEL", CHANNEL one of'
              f" {', '.join(CHANNEL_NAMES)}")  # fmt: skip


def _print_quietly_on_closed_pipe(printer: Callable[[IngestResult], None], result: IngestResult) -> None:
    """`bounceback ingest a.csv b.csv | head -1` must still load b.csv: a reader that went away
    stops the output, never the loading."""
    try:
        printer(result)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """The reader of our output went away: later prints go nowhere instead of raising again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _cmd_ingest(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    results: list[IngestResult] = []
    if args.dry_run:
        # A dry run must not even create the database file: work on an in-memory copy of nothing
        # when there is no database yet, else on the real one inside a transaction rolled back.
        from pipelines.store.db import connect_memory

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
        value_map=parse_value_map(args.value_map),
        sheet=args.sheet,
        date_order=args.date_order,
    )
    stopped_by: IngestResult | None = None
    try:
        for file in args.files:
            for result in ingest_path(con, file, options):
                results.append(result)
                if result.status == "failed" and is_storage_failure(result.message):
                    stopped_by = result
                    break
                if not args.json:
                    _print_quietly_on_closed_pipe(_human_ingest, result)
            if stopped_by is not None:
                break
    finally:
        con.close()
    if stopped_by is not None and not args.json:
        # A full disk or a database that may not be written, not the file: every later file would fail
        # the same way, so the command stops, with one line. --json lists the files loaded before it.
        raise StorageError(f"{stopped_by.message} ({Path(stopped_by.file).name} was not loaded)")
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
            f"{counted(status['applications'], 'application')}, {counted(status['events'], 'event')}, "
            f"applied {status['first_applied_on']} .. {status['last_applied_on']}"
        )
        for client in status["clients"]:
            print(f"  {client['client']}: {counted(client['applications'], 'application')}")
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
    print(f"rejected rows, latest load of each file: {status['rejects_total']:,} (table ingest_rejects)")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from pipelines.advisors import outcomes

    if args.parquet is not None:
        return _export_parquet(args)
    suffix = args.out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BouncebackError(f"--out {args.out}: the file must end in .csv or .xlsx")
    db_path = resolve_db_path(args.db)
    con = connect(db_path)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        writer = outcomes.export_csv if suffix == ".csv" else outcomes.export_xlsx
        if args.client is not None:
            get_client(con, args.client)  # a typo is an error, not an empty file
        rows = writer(con, args.out, args.client)
    finally:
        con.close()
    payload = {"ok": True, "out": str(args.out), "format": suffix[1:], "client": args.client, "applications": rows}
    if args.json:
        _print_json(payload)
    else:
        print(f"wrote {counted(rows, 'application')} to {args.out} (cells that read like formulas start with a quote)")
    return 0


def _export_parquet(args: argparse.Namespace) -> int:
    from pipelines.advisors import outcomes

    con = connect(resolve_db_path(args.db))
    try:
        if args.client is not None:
            get_client(con, args.client)
        tables = outcomes.export_parquet(con, args.parquet, args.client)
    finally:
        con.close()
    payload = {"ok": True, "out": str(args.parquet), "format": "parquet", "client": args.client,
               "applications": tables["applications"], "tables": tables}  # fmt: skip
    if args.json:
        _print_json(payload)
    else:
        written = ", ".join(f"{name} {rows:,}" for name, rows in tables.items())
        print(f"wrote Parquet, partitioned by client, to {args.parquet}: {written} rows")
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    # a process of its own: the core never imports the dashboard (tests/unit/test_layers.py), and the data
    # commands never need the dashboard's packages
    argv = [sys.executable, "-m", "dashboard.launch"]
    argv += ["--db", str(args.db)] if args.db else []
    argv += ["--port", str(args.port)] if args.port else []
    try:
        return subprocess.run(argv, check=False).returncode  # noqa: S603 (fixed argv, no shell)
    except KeyboardInterrupt:
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
            f"wrote {counted(payload['applications'], 'application')} ({args.persona}, seed {args.seed}, "
            f"as of {payload['as_of']}) to {args.out}; true rates in {payload['truth']}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "ingest": _cmd_ingest,
        "status": _cmd_status,
        "sample": _cmd_sample,
        "dashboard": _cmd_dashboard,
        "export": _cmd_export,
    }
    handlers.update(
        dict.fromkeys(("funnel", "rates", "timing", "compare", "trend", "followups", "diagnose"), _cmd_analytics)
    )
    handlers.update(dict.fromkeys(cli_advisors.COMMANDS, lambda parsed: cli_advisors.run(parsed, _print_json)))
    try:
        return handlers[args.command](args)
    except BouncebackError as e:
        if getattr(args, "json", False):
            _print_json({"ok": False, "error": str(e)})
        else:
            print(f"bounceback: {e}", file=sys.stderr)
        return 1
    except duckdb.Error as e:
        # translated where it enters, normally; a full disk or a file that may not be written can
        # still surface anywhere DuckDB writes (a checkpoint, a spill) and must not end in a traceback
        storage = storage_failure(str(original_error(e)))
        if storage is None:
            raise
        if getattr(args, "json", False):
            _print_json({"ok": False, "error": storage})
        else:
            print(f"bounceback: {storage}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `bounceback rates | head`: the reader has what it wanted; nothing is left undone
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        print("bounceback: interrupted; the file being loaded was rolled back", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
