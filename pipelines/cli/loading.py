"""`bounceback ingest`: load files, and say per file what was read, how, and what was refused.

Every row read is accounted for (inserted + updated + unchanged + rejected + skipped); what the load
could not understand is shown with the flag that would correct it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines.cli.mail import print_mail_load
from pipelines.cli.output import print_json, silence_stdout
from pipelines.errors import StorageError, is_storage_failure
from pipelines.load.columns import parse_assignments
from pipelines.load.ingest import CHANNEL_NAMES, IngestResult, LoadOptions, ingest_path, parse_value_map
from pipelines.store.db import connect, connect_memory, resolve_db_path
from pipelines.words import counted

HUMAN_REJECTS_SHOWN = 20
HUMAN_STATUSES_SHOWN = 15
# the channel values read as `other` that are named in the human output
HUMAN_OTHER_CHANNELS_SHOWN = 5


def run_ingest(args: argparse.Namespace) -> int:
    """Load every file of args.files; stops at the first storage failure (a full disk, a read-only file)."""
    db_path = resolve_db_path(args.db)
    # A dry run must not even create the database file: work on an in-memory copy of nothing
    # when there is no database yet, else on the real one inside a transaction rolled back.
    con = connect_memory() if args.dry_run and not db_path.exists() else connect(db_path)
    try:
        results, stopped_by = _load_files(con, args, _load_options(args))
    finally:
        con.close()
    if stopped_by is not None and not args.json:
        # A full disk or a database that may not be written, not the file: every later file would fail
        # the same way, so the command stops, with one line. --json lists the files loaded before it.
        raise StorageError(f"{stopped_by.message} ({Path(stopped_by.file).name} was not loaded)")
    ok = all(result.ok for result in results)
    if args.json:
        print_json(
            {
                "ok": ok,
                "database": str(db_path),
                "dry_run": args.dry_run,
                "files": [result.to_json() for result in results],
            }
        )
    return 0 if ok else 1


def _load_options(args: argparse.Namespace) -> LoadOptions:
    return LoadOptions(
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
        own_addresses=tuple(args.me or ()),
    )


def _load_files(
    con: duckdb.DuckDBPyConnection, args: argparse.Namespace, options: LoadOptions
) -> tuple[list[IngestResult], IngestResult | None]:
    """The result of each file loaded, and the storage failure that stopped the loading, if one did."""
    results: list[IngestResult] = []
    for file in args.files:
        for result in ingest_path(con, file, options):
            results.append(result)
            if result.status == "failed" and is_storage_failure(result.message):
                return results, result
            if not args.json:
                _print_quietly_on_closed_pipe(print_load, result)
    return results, None


def _print_quietly_on_closed_pipe(printer: Callable[[IngestResult], None], result: IngestResult) -> None:
    """`bounceback ingest a.csv b.csv | head -1` must still load b.csv: a reader that went away
    stops the output, never the loading."""
    try:
        printer(result)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()


def print_load(result: IngestResult) -> None:
    """One file's load, as text: the row arithmetic first, then how the file was read."""
    if result.mail is not None:
        print_mail_load(result)
        return
    _print_outcome(result)
    _print_columns(result)
    _print_statuses(result)
    _print_values(result)
    for note in result.notes:
        print(f"  note: {note}")
    if result.events_inserted or result.events_updated:
        print(f"  events: {result.events_inserted:,} new, {result.events_updated:,} dates updated")
    for reason, count in result.skipped_reasons.items():
        print(f"  skipped {count:,}: {reason}")
    _print_rejects(result)


def _print_outcome(result: IngestResult) -> None:
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


def _print_columns(result: IngestResult) -> None:
    """Which column was read as which field, what was left aside, and how each date column was read."""
    mapped = result.columns.get("mapped", {})
    if mapped:
        print("  columns: " + ", ".join(f"{src} -> {dst}" if src != dst else dst for dst, src in mapped.items()))
    if result.columns.get("ignored"):
        print("  not used (kept in each row's raw fields): " + ", ".join(result.columns["ignored"]))
    if result.columns.get("dropped"):
        print("  personal data, not stored: " + ", ".join(result.columns["dropped"]))
    for field, column in result.dates.items():
        unreadable = f", {column['unreadable_values']:,} values unreadable" if column["unreadable_values"] else ""
        inferred = f", year inferred for {column['year_inferred']:,}" if column["year_inferred"] else ""
        why = f" ({column['decided_by']})" if column["decided_by"] else ""
        print(f"  dates in {column['column']!r} -> {field}: {column['format']}{why}{unreadable}{inferred}")


def _print_statuses(result: IngestResult) -> None:
    """How each status text was understood, and the ones that were not, with the flag to say what they mean."""
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
        print(
            f'    say what they mean: --status-map "{first}=STAGE", STAGE one of applied, screen, assessment,'
            " interview, offer, rejected, ghosted, withdrawn, position_closed; saved if it is no application"
        )


def _print_values(result: IngestResult) -> None:
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
        shown = ", ".join(f"{item['text']!r} ({item['rows']:,})" for item in other[:HUMAN_OTHER_CHANNELS_SHOWN])
        hidden = len(other) - HUMAN_OTHER_CHANNELS_SHOWN
        more = f" and {hidden} more" if hidden > 0 else ""
        print(f"  channels read as other: {shown}{more}")
        print(f'    say what one is: --value-map "channel:{other[0]["text"]}=CHANNEL", CHANNEL one of'
              f" {', '.join(CHANNEL_NAMES)}")  # fmt: skip


def _print_rejects(result: IngestResult) -> None:
    if not result.rejects:
        return
    print("  rejected rows:")
    for reject in result.rejects[:HUMAN_REJECTS_SHOWN]:
        where = f"line {reject['line']}" + (f", {reject['column']}" if reject["column"] else "")
        value = f" = {reject['value']!r}" if reject["value"] is not None else ""
        print(f"    {where}{value}: {reject['reason']}")
    hidden = len(result.rejects) - HUMAN_REJECTS_SHOWN
    if hidden > 0 or result.rejected > len(result.rejects):
        print("    ... more in --json output and in the database table ingest_rejects")
