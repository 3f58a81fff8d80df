"""The load: one file, one transaction, every row accounted for.

    rows_read = inserted + updated + unchanged + rejected + skipped

Steps (all set-based SQL on one cursor, no per-row Python):
1. readers.stage() puts the file into the temporary tables `staged` / `staged_rejects`.
2. The header is mapped onto the canonical fields (plan.py; unknown columns are kept in `raw`).
3. `checked` (check.py): every row normalised (pipelines/store/sql/models/normalise.sql) and given a disposition:
   skipped (blank row, saved-not-applied job, superseded duplicate), rejected (with every
   problem: line, column, value, reason) or valid.
4. Inside BEGIN ... COMMIT (merge.py): applications are inserted or updated, their events added
   (events.py); the run and its rejects are recorded (runs.py). Any error rolls back, leaving the database as it was.

Identity: application_id = first 16 hex digits of md5(client, source, source_key). The source key
is the file's own `application_id` column when it has one, else company + role + applied date
(case and white space folded). Two rows of one file with the same identity: the LAST row wins
(spreadsheets grow downwards, so the lower row is the newer edit); the earlier ones are counted as
skipped, naming the line that won. A weak key (company or role blank) merges rows only when they are
identical; rows sharing it that differ are kept apart (check._WEAK_KEY_SPLIT_SQL) and counted in `kept_apart`.

Events keep history: a re-import adds events it has not seen and fills in or corrects dates, but
never deletes an event because a newer export no longer implies it (funnels come from history).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import BouncebackError, InputError
from pipelines.load import archives, readers, trackers
from pipelines.load.check import build_checked_sql
from pipelines.load.check_notes import (
    check_applied_dates,
    note_kept_apart,
    note_planned_dates,
    note_stage_words,
    reject_applied_dates_after_stored_events,
)
from pipelines.load.columns import (
    CANONICAL_COLUMNS,
    SOURCES,
    SPECS,
    STATUS_NAMES,
    SourceSpec,
    detect_source,
    header_token,
)
from pipelines.load.contacts import scrub_contacts
from pipelines.load.dates import DATE_ORDERS
from pipelines.load.events import row_events_sql
from pipelines.load.events_file import ingest_events
from pipelines.load.lookups import prepare_lookups, report_statuses, report_values
from pipelines.load.mail.load import MailLoad, ingest_mail, is_mail
from pipelines.load.merge import merge_applications, write_in_transaction
from pipelines.load.plan import (
    CHANNEL_NAMES,
    DEFAULT_CLIENT,
    VALUE_MAP_KEYS,
    check_value_map,
    parse_value_map,
    plan_file,
    remember_maps,
    remembered_maps,
)
from pipelines.load.progress import LOAD_MEMORY_LIMIT_BYTES, Progress, memory_limit
from pipelines.load.runs import count_dispositions, record_refused_run, refused_for_rejects
from pipelines.store.db import translate_errors

__all__ = [
    "CANONICAL_COLUMNS",
    "CHANNEL_NAMES",
    "SOURCES",
    "VALUE_MAP_KEYS",
    "IngestResult",
    "LoadOptions",
    "ingest_file",
    "ingest_path",
    "parse_value_map",
]


@dataclass
class IngestResult:
    file: str
    status: str  # loaded | refused | failed | dry_run
    source: str | None = None
    client: str | None = None
    run_id: int | None = None
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    events_inserted: int = 0
    events_updated: int = 0
    reconciled: bool = False
    rejects: list[dict[str, Any]] = field(default_factory=list)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    kept_apart: int = 0  # rows sharing a weak key (no company or role) that differ: not merged
    columns: dict[str, Any] = field(default_factory=dict)
    dates: dict[str, Any] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    unclassified_statuses: dict[str, int] = field(default_factory=dict)
    # each --value-map (given or remembered): field, text, value, rows it matched, remembered
    value_maps: list[dict[str, Any]] = field(default_factory=list)
    # the file's distinct channel values: text, channel (as read), how (a value map or None), rows
    channels: list[dict[str, Any]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # the file's columns as written (also when refused)
    notes: list[str] = field(default_factory=list)
    message: str | None = None
    sha256: str | None = None
    seconds: float = 0.0
    # a mailbox's load (source mail): its mails, each mail's decision, the matches (docs/json-output.md)
    mail: MailLoad | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "dry_run")

    def to_json(self) -> dict[str, Any]:
        data = asdict(replace(self, mail=None))
        del data["mail"]  # a file entry of any other source keeps exactly its keys
        if self.mail is not None:
            data.update(self.mail.to_json())
        return data


@dataclass
class LoadOptions:
    """What the user told us about a file, beyond the file itself."""

    client: str | None = None
    source: str = "auto"
    strict: bool = False
    dry_run: bool = False
    progress: bool | None = None
    column_map: dict[str, str] = field(default_factory=dict)  # --map "Header=field"
    status_map: dict[str, str] = field(default_factory=dict)  # --status-map "Text=status"
    # --value-map "channel:Company careers site=company_site": field -> {text: value}
    value_map: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str | None = None
    date_order: str | None = None  # mdy | dmy
    origin: str | None = None  # where the file came from, when it was unpacked from an archive
    lenient_map: bool = False  # column_map names columns of other files too (an archive's members)
    own_addresses: tuple[str, ...] = ()  # the person's own mail addresses (--me): their mail is theirs
    # a mailbox's review: message id -> the kind the person chose, or "dropped"
    mail_overrides: dict[str, str] = field(default_factory=dict)


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    options: LoadOptions | None = None,
    **overrides: Any,
) -> IngestResult:
    """Load one file. Never raises for bad input: the result says refused/failed and why.

    options (or the same names as keywords): client - whose search every row is (None takes the
    file's client column, else 'me'); source; strict; dry_run; column_map; status_map; sheet;
    date_order. See LoadOptions.
    """
    options = replace(options or LoadOptions(), **overrides)
    path = Path(path)
    started = dt.datetime.now()
    clock = time.perf_counter()
    result = IngestResult(file=options.origin or str(path), status="failed", client=options.client or DEFAULT_CLIENT)
    cur = con.cursor()
    try:
        _check_options(options)
        with memory_limit(cur, LOAD_MEMORY_LIMIT_BYTES):
            _ingest(cur, path, result, options, started)
    except InputError as e:
        result.status = "refused"
        result.message = str(e)
        if not options.dry_run:
            record_refused_run(con.cursor(), result, path, started)
    except (BouncebackError, duckdb.Error) as e:
        result.status = "failed"
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        result.message = first if isinstance(e, BouncebackError) else f"database error: {first}"
        if not options.dry_run:
            record_refused_run(con.cursor(), result, path, started)
    except Exception as e:  # a bug: still one line for the user, and the load rolled back
        result.status = "failed"
        result.message = f"unexpected error (please report it): {type(e).__name__}: {e}"
        if not options.dry_run:
            record_refused_run(con.cursor(), result, path, started)
    finally:
        result.seconds = round(time.perf_counter() - clock, 3)
        with contextlib.suppress(duckdb.Error):
            cur.close()
    return result


def ingest_path(
    con: duckdb.DuckDBPyConnection, path: str | Path, options: LoadOptions | None = None, **overrides: Any
) -> list[IngestResult]:
    """Load a file, or every job file of an export archive (a LinkedIn data export .zip).

    Each file of an archive is its own load (its own transaction and result), like files named
    one by one on the command line.
    """
    options = replace(options or LoadOptions(), **overrides)
    path = Path(path)
    if options.source == "mail" or not archives.is_archive(path) or is_mail(path):
        return [ingest_file(con, path, options)]  # a mailbox's zip is one load: its mails make one log
    results = []
    with archives.unpacked(path) as unpacked:
        if not unpacked.members:
            result = IngestResult(file=str(path), status="refused", message=unpacked.refusal)
            if not options.dry_run:
                record_refused_run(con.cursor(), result, path, dt.datetime.now())
            return [result]
        for member in unpacked.members:
            member_options = replace(options, origin=f"{path}!{member.name}", lenient_map=True)
            result = ingest_file(con, member.path, member_options)
            if unpacked.other_files and member is unpacked.members[0]:
                result.notes.append(
                    f"{path.name}: {len(unpacked.other_files)} other files of the export hold no job applications"
                    " and were not read"
                )
            results.append(result)
    return results


def _check_options(options: LoadOptions) -> None:
    if options.source not in SOURCES:
        raise InputError(f"unknown --source {options.source!r} (expected one of: {', '.join(SOURCES)})")
    if options.client is not None and not options.client.strip():
        raise InputError("--client must not be empty")
    if options.date_order is not None and options.date_order not in DATE_ORDERS:
        raise InputError(f"unknown --date-order {options.date_order!r} (expected mdy or dmy)")
    for text, status in options.status_map.items():
        if header_token(status) not in (*STATUS_NAMES, "pending"):
            raise InputError(
                f"--status-map {text}={status}: unknown status {status!r} "
                f"(expected one of: pending, {', '.join(STATUS_NAMES)})"
            )
    check_value_map(options.value_map)


def _ingest(
    cur: duckdb.DuckDBPyConnection, path: Path, result: IngestResult, options: LoadOptions, started: dt.datetime
) -> None:
    if options.source == "mail" or (options.source == "auto" and is_mail(path)):
        ingest_mail(cur, path, result, options, started)
        return
    size = path.stat().st_size if path.exists() and path.is_file() else 0
    meter = Progress(path.name, size, options.progress)
    # The file's hash is computed beside the read (hashlib releases the GIL on large buffers).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(readers.file_sha256, path) if path.is_file() else None
        meter.step("reading")
        staged = readers.stage(cur, path, sheet=options.sheet)
        result.sha256 = hashing.result() if hashing else None
    meter.step(f"read {staged.rows_read:,} rows")
    result.rows_read = staged.rows_read
    result.notes.extend(staged.notes)
    if staged.rows_read == 0:
        raise InputError(f"{path.name}: the file has a header but no data rows")

    detected = detect_source(staged.header) if options.source == "auto" else options.source
    result.source = detected
    # other trackers' exports whose rows are not one application each (an e-mail, a card's board)
    # a --status-map remembered for the file's header reads its e-mails and boards too
    remembered_status_map = remembered_maps(cur, staged.header, options.client)[1]
    staged = trackers.reshape(cur, staged, detected, {**remembered_status_map, **options.status_map}, result.notes)
    if detected == "events":
        ingest_events(cur, path, staged, result, options, meter, started)
    else:
        _ingest_applications(cur, path, staged, result, options, SPECS[detected], meter, started)


def _ingest_applications(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    staged: readers.StagedFile,
    result: IngestResult,
    options: LoadOptions,
    spec: SourceSpec,
    meter: Progress,
    started: dt.datetime,
) -> None:
    with translate_errors("normalising the rows failed"):
        plan, column_map, status_map = plan_file(cur, path, staged, result, options, spec)
        scrub_contacts(cur, plan, result)
        note_stage_words(cur, plan, result)
        note_planned_dates(cur, plan, result)
        result.notes.extend(spec.notes)
        if staged.parsed_rows:  # else every row is a structural reject, and the refusal lists them
            check_applied_dates(cur, path, plan)
        prepare_lookups(cur, plan, status_map)
        if "status" in plan.mapping.indexes:
            trackers.apply_status_words(cur, spec)
            report_statuses(cur, plan, result)
        report_values(cur, plan, result, check_value_map(options.value_map))
        sql, params = build_checked_sql(plan)
        cur.execute(sql, params)
        trackers.add_reshaped_skips(cur)
        cur.execute("create or replace temp view valid_rows as from checked where disposition = 'valid'")
        cur.execute("drop table staged")  # its content lives on in checked.raw; free the memory
        cur.execute(row_events_sql(plan))
        if reject_applied_dates_after_stored_events(cur):
            cur.execute(row_events_sql(plan))  # without the rows just rejected
        valid_clients = count_dispositions(cur, result, staged, "checked", "client")
        note_kept_apart(cur, result)
        if options.client is None and plan.mapping.indexes.get("client") is not None:
            result.client = f"{valid_clients} clients from the file's client column"
    meter.step("checked")

    if refused_for_rejects(cur, path, result, options.strict, options.dry_run, started):
        return

    def merge(run_id: int) -> None:
        merge_applications(cur, result, run_id, spec.name)
        if options.column_map or options.status_map or options.value_map:
            # a mapping the user gave and loaded with is confirmed: files with this header get it again
            header = staged.file_header or staged.header
            remember_maps(cur, header, options.client, column_map, status_map, plan.value_map)

    write_in_transaction(cur, path, staged, result, options.dry_run, started, "checked", merge)
    meter.step(f"{result.inserted:,} inserted, {result.updated:,} updated")
