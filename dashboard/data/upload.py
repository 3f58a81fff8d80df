"""Loading a file from the Database page: the dry run (cached per upload and choices), the load, and
the report of each file laid out for the page (screen_words: the importer's flags as choices here).

Not the upload's screen: that is dashboard/upload.py.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard import glossary
from dashboard.data.connection import Source, Version, _connection
from dashboard.data.views import FileReport, MailReview
from pipelines.advisors.clients import Viewer
from pipelines.errors import InputError
from pipelines.load.columns import FIELD_SYNONYMS, STATUS_NAMES
from pipelines.load.guard import check_upload_size
from pipelines.load.ingest import CHANNEL_NAMES, IngestResult, LoadOptions, ingest_path
from pipelines.load.mail.load import MailLoad
from pipelines.vocabulary import MAIL_APPLICATION_KINDS, MAIL_IGNORED_KINDS
from pipelines.words import counted


def template_csv() -> bytes:
    """The canonical import template (sample_data/template.csv), as shipped with the package."""
    return resources.files("sample_data").joinpath("template.csv").read_bytes()


# ---------------------------------------------------------------- choices and reports

IGNORE = "ignore"
# what a column can be read as: every field of the spreadsheet importer, or nothing
FIELD_CHOICES: tuple[str, ...] = (*sorted(FIELD_SYNONYMS), IGNORE)
# what a status text the importer did not understand can be said to mean
STATUS_CHOICES: tuple[str, ...] = ("pending", *STATUS_NAMES)
# what a channel value of the file can be read as
CHANNEL_CHOICES: tuple[str, ...] = CHANNEL_NAMES
DATE_ORDER_CHOICES: dict[str, str] = {
    "": "decide from the file",
    "mdy": "month first (M/D/Y)",
    "dmy": "day first (D/M/Y)",
}
REJECTS_SHOWN = 100
MAPPING_COLUMNS = ["column", "field"]
# the fields a file refused for its columns is asked for one by one, each with its question: the
# applied date and a company or a role are what a row needs; a status and a channel make it readable
PICKED_FIELDS: dict[str, str] = {
    "applied_on": "Which column holds the date you applied? (needed)",
    "company": "Which column holds the company?",
    "role": "Which column holds the role (job title)?",
    "status": "Which column holds what happened (the status)?",
    "channel": "Which column holds how you applied (the channel)?",
}
CHANNEL_COLUMNS = ["value", "rows", "read as"]
# what a mail can be read as in a mailbox's review: a kind of mail about an application, or one ignored
MAIL_KINDS: tuple[str, ...] = (*MAIL_APPLICATION_KINDS, *MAIL_IGNORED_KINDS)
DROPPED = "dropped"  # a mail left out in the review (LoadOptions.mail_overrides)
MAIL_COLUMNS = ["message_id", "date", "from", "subject", "kind", "company", "role", "joins", "decided by", "keep"]


@dataclass(frozen=True)
class Upload:
    """A file the browser sent. `file_id` is the uploader's id for it: a new upload, a new id."""

    name: str
    file_id: str
    content: bytes


@dataclass(frozen=True)
class ImportChoices:
    """What the person said about the file (plain, hashable values: part of the preview's cache key)."""

    client: str | None = None
    column_map: tuple[tuple[str, str], ...] = ()
    status_map: tuple[tuple[str, str], ...] = ()
    date_order: str | None = None
    value_map: tuple[tuple[str, str, str], ...] = ()  # (field, value as written, read as): `--value-map`
    # a mailbox's review: (message id, the kind chosen or "dropped"); the person's own addresses (`--me`)
    mail_overrides: tuple[tuple[str, str], ...] = ()
    own_addresses: tuple[str, ...] = ()

    def options(self, name: str, dry_run: bool) -> LoadOptions:
        value_map: dict[str, dict[str, str]] = {}
        for field_name, text, value in self.value_map:
            value_map.setdefault(field_name, {})[text] = value
        return LoadOptions(
            client=self.client,
            dry_run=dry_run,
            column_map=dict(self.column_map),
            status_map=dict(self.status_map),
            value_map=value_map,
            date_order=self.date_order,
            origin=name,
            own_addresses=self.own_addresses,
            mail_overrides=dict(self.mail_overrides),
        )


_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_MAX_NAME_CHARS = 120


def _safe_name(name: str) -> str:
    """The upload's own file name (the importer reads the extension), never a path.

    Only the last part of what the browser sent is kept, without a drive letter, control
    characters or characters Windows refuses in a name (a `C:x.csv` or `x.csv:stream` would
    leave the temporary folder there), and short enough for any file system."""
    base = Path(name.replace("\\", "/")).name
    base = _UNSAFE_NAME_CHARS.sub("_", base).strip(" .") if base not in (".", "..") else ""
    if len(base) > _MAX_NAME_CHARS:
        stem, dot, suffix = base.rpartition(".")
        base = (
            stem[: _MAX_NAME_CHARS - len(suffix) - 1] + dot + suffix
            if dot and len(suffix) <= 10
            else base[:_MAX_NAME_CHARS]
        )
    return base or "upload"


def _reconciliation(result: IngestResult) -> str:
    if result.mail is not None:  # a mailbox's rows are mails: used, ignored or not readable
        mail = result.mail
        line = (f"{counted(mail.read, 'mail')} read = {mail.used:,} used + {sum(mail.ignored.values()):,} ignored"
                f" + {mail.refused:,} not readable as mail")
        return line if result.reconciled else f"{line} (these do not add up: nothing was written)"
    line = (
        f"{counted(result.rows_read, 'row')} read = {result.inserted} inserted + {result.updated} updated + "
        f"{result.unchanged} unchanged + {result.rejected} rejected + {result.skipped} skipped"
    )
    return line if result.reconciled else f"{line} (these do not add up: nothing was written)"


def _mapping_frame(result: IngestResult) -> pd.DataFrame:
    """Header -> field as the importer chose it; unused headers read `ignore`. A file refused before
    its columns were matched (no applied date) lists its own columns, each with no field yet."""
    columns = result.columns
    rows = [{"column": header, "field": name} for name, header in (columns.get("mapped") or {}).items()]
    rows += [{"column": header, "field": IGNORE} for header in columns.get("ignored") or []]
    if not rows:
        rows = [{"column": header, "field": None} for header in result.header]
    # in the file's own order, as the person sees their columns
    order = {header: position for position, header in enumerate(result.header)}
    rows.sort(key=lambda row: order.get(row["column"], len(order)))
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


def _channel_frame(result: IngestResult) -> pd.DataFrame:
    """The file's distinct channel values, their rows, and what each is read as."""
    rows = [{"value": entry["text"], "rows": entry["rows"], "read as": entry["channel"]} for entry in result.channels]
    return pd.DataFrame(rows, columns=CHANNEL_COLUMNS)


def _order_choice(code: str) -> str:
    return f"choose “{DATE_ORDER_CHOICES[code]}” under Day/month order of dates"


# The importer's words name command-line flags; on the page they say what to choose instead. Tried
# in this order (the special forms before the general ones).
_SCREEN_WORDS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"(?:try )?--map \"COLUMN=(\w+)\" \(COLUMN: the first one's full name\)"),
        r"choose \1 for the first of them in the Columns table above",
    ),
    (re.compile(r'--map "<status column>=ignore"'), "choose ignore for the status column in the Columns table above"),
    (
        re.compile(r"--map: both (.+?) and (.+?) are mapped to (\w+); choose one"),
        r"the Columns table reads both \1 and \2 as \3; choose one",
    ),
    (re.compile(r'(?:try )?--map "(.+?)=([^"=]*)"'), r"choose \2 for the column “\1” in the Columns table above"),
    (re.compile(r'--status-map "(.+?)=([^"=]*)"'), r"choose \2 for “\1” under Statuses not understood"),
    (re.compile(r'drop --date-order \(on the dashboard: "decide from the file"\)'), lambda m: _order_choice("")),
    (re.compile(r"pass --date-order (mdy|dmy)"), lambda m: _order_choice(m[1])),
    (
        re.compile(r"--date-order (mdy|dmy) contradicts"),
        lambda m: f"The order you chose, “{DATE_ORDER_CHOICES[m[1]]}”, contradicts",
    ),
    (re.compile(r"--map / --status-map(?: / --value-map)? change it"), "your choices here change it"),
]


def screen_words(text: str | None) -> str | None:
    """A message of the importer as the page says it: what to choose here, not which flag to type."""
    if text is None:
        return None
    for pattern, words in _SCREEN_WORDS:
        text = pattern.sub(words, text)
    return text


def _report(result: IngestResult, folder: str) -> FileReport:
    """One file's load result laid out for the page: texts and tables, user values untouched."""

    def shown(text: str | None) -> str | None:
        # an archive's member is named `<temporary folder>/export.zip!Jobs/...`: the folder means nothing
        return None if text is None else text.replace(folder.rstrip("/") + "/", "")

    def said(text: str | None) -> str | None:
        return screen_words(shown(text))

    dates = pd.DataFrame(
        [
            {
                "field": name,
                **info,
                "order": DATE_ORDER_CHOICES.get(info["order"], info["order"]) if info.get("order") else "–",
                "decided_by": info.get("decided_by") or "–",
            }
            for name, info in result.dates.items()
        ],
        columns=[
            "field",
            "column",
            "format",
            "order",
            "decided_by",
            "distinct_values",
            "unreadable_values",
            "year_inferred",
        ],
    )
    statuses = pd.DataFrame(
        [
            {
                "text": entry["text"],
                "read as": entry["status"] if entry["status"] is not None else "not understood",
                "via": glossary.value(entry["via"]),
                "how": glossary.value(entry["how"]),
                "rows": entry["rows"],
            }
            for entry in result.statuses
        ],
        columns=["text", "read as", "via", "how", "rows"],
    )
    rejects = pd.DataFrame(
        [{**reject, "reason": screen_words(reject["reason"])} for reject in result.rejects[:REJECTS_SHOWN]],
        columns=["line", "column", "value", "reason"],
    )
    return FileReport(
        file=shown(result.file),
        status=result.status,
        message=said(result.message),
        source=result.source,
        client=result.client,
        run_id=result.run_id,
        counts={
            "rows_read": result.rows_read,
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
            "skipped": result.skipped,
        },
        events_inserted=result.events_inserted,
        events_updated=result.events_updated,
        reconciled=result.reconciled,
        reconciliation=_reconciliation(result),
        mapping=_mapping_frame(result),
        channels=_channel_frame(result),
        channel_column=(result.columns.get("mapped") or {}).get("channel"),
        value_maps=list(result.value_maps),
        dropped=list(result.columns.get("dropped") or []),
        dates=dates,
        statuses=statuses,
        unclassified=dict(result.unclassified_statuses),
        rejects=rejects,
        skipped_reasons=dict(result.skipped_reasons),
        notes=[said(note) for note in result.notes],
        mail=None if result.mail is None else _mail_review(result.mail),
    )


def _rule_words(rule: str | None) -> str:
    """The rule that decided a mail's kind (`ats-rejection-phrase`), as words."""
    if not rule or rule == "no-rule":
        return "no rule matched"
    if rule == "set-by-you":
        return "your choice"
    return rule.replace("-", " ").replace("_", " ")


def _joins(mail: MailLoad, application_id: str | None) -> str | None:
    """The application a mail joins, in words: one already loaded (which), a new one, or none."""
    if application_id is None:
        return None
    if mail.targets.get(application_id) == "stored":
        return "read from mail before"
    found = next((m for m in mail.matched if m["application_id"] == application_id), None)
    if found is None:
        return "a new application"
    applied = f", applied {found['applied_on']}" if found["applied_on"] else ""
    return f"loaded before: {found['company'] or 'no company'}{applied}"


def _mail_review(mail: MailLoad) -> MailReview:
    """A mailbox's load laid out for its review: every mail a row, the rule that read it in words."""
    rows = [
        {
            "message_id": decision["message_id"],
            "date": (decision.get("date") or "")[:10] or None,  # the day: the time and zone say little here
            "from": decision.get("sender"),
            "subject": decision.get("subject"),
            "kind": decision["kind"],
            "company": decision.get("company"),
            "role": decision.get("role"),
            "joins": _joins(mail, decision.get("application_id")),
            "decided by": _rule_words(decision.get("rule")),
            "keep": True,  # the importer's own reading: a mail left out is the person's choice
        }
        for decision in mail.decisions
    ]
    return MailReview(
        read=mail.read,
        used=mail.used,
        ignored=dict(mail.ignored),
        refused=mail.refused,
        applications=dict(mail.applications),
        matched=[dict(entry) for entry in mail.matched],
        mails=pd.DataFrame(rows, columns=MAIL_COLUMNS),
    )


def _ingest_upload(
    con: duckdb.DuckDBPyConnection, name: str, content: bytes, choices: ImportChoices, dry_run: bool
) -> list[FileReport]:
    """Write the bytes to a temporary file that keeps the upload's name, and load (or dry-run) it.

    The file is written only inside a new temporary folder, removed afterwards, and only read as
    a log file (pipelines.load.ingest): never opened as a database."""
    safe = _safe_name(name)
    with tempfile.TemporaryDirectory(prefix="bounceback-upload-") as folder:
        try:
            check_upload_size(safe, len(content))  # Streamlit refuses it first; the same limit here
        except InputError as e:
            return [_report(IngestResult(file=safe, status="refused", message=str(e)), folder)]
        path = Path(folder) / safe
        path.write_bytes(content)
        results = ingest_path(con, path, choices.options(safe, dry_run))
        return [_report(result, folder) for result in results]


@st.cache_data(show_spinner="Reading the file…", max_entries=16)
def _preview(
    path: str, version: Version, file_id: str, name: str, _content: bytes, choices: ImportChoices
) -> list[FileReport]:
    # `_content` is not hashed: the uploader's file id stands for it
    with _connection(path) as con:
        return _ingest_upload(con, name, _content, choices, dry_run=True)


def _check_upload_client(viewer: Viewer, choices: ImportChoices) -> None:
    # the client given overrides a client column in the file (pipelines/load/ingest.py), so a file
    # cannot write into anybody else's search
    if viewer.clients is not None and (choices.client is None or not viewer.may_see(choices.client)):
        raise InputError("choose one of your clients for this file: it is loaded as their search")


def preview_upload(src: Source, upload: Upload, choices: ImportChoices) -> list[FileReport]:
    """A dry run of the upload (nothing written): one report per file (an export .zip may hold several).

    Each report: file, status (dry_run / refused / failed), ok, message, source, counts,
    reconciliation (the sentence), mapping (header -> field), dropped (personal columns not stored),
    dates, statuses, unclassified ({text: rows}), rejects (the first ones), skipped_reasons, notes.
    """
    _check_upload_client(src.viewer, choices)
    return _preview(src.path, src.version, upload.file_id, upload.name, upload.content, choices)


def load_upload(src: Source, upload: Upload, choices: ImportChoices) -> list[FileReport]:
    """Load the upload for real (each file its own transaction), then drop the cached results."""
    _check_upload_client(src.viewer, choices)
    try:
        with _connection(src.path) as con:
            return _ingest_upload(con, upload.name, upload.content, choices, dry_run=False)
    finally:
        st.cache_data.clear()


def editable_mapping(reports: list[FileReport]) -> pd.DataFrame:
    """The headers of every file of an upload with the field each is read as (first file wins)."""
    frames: list[pd.DataFrame] = [report.mapping for report in reports if not report.mapping.empty]
    if not frames:
        return pd.DataFrame(columns=MAPPING_COLUMNS).astype(str)
    merged = pd.concat(frames, ignore_index=True).drop_duplicates(subset="column", keep="first")
    return merged.reset_index(drop=True)


def columns_unmatched(reports: list[FileReport], base: pd.DataFrame) -> bool:
    """A file was refused, and the importer's reading of its columns (`base`, editable_mapping) lacks
    what a row needs: the applied date, or both the company and the role."""
    if base.empty or all(report.ok for report in reports):
        return False
    fields = {str(name) for name in base["field"] if isinstance(name, str)}
    return "applied_on" not in fields or not fields & {"company", "role"}


def picked_changes(base: pd.DataFrame, picked: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """`--map` entries for the columns chosen per field (field -> header, "" for none in the file),
    where they differ from the importer's reading `base`: the header chosen is read as the field, and
    a header the importer had read as a field now said to be in no column is ignored."""
    read_as = {str(row.column): row.field for row in base.itertuples(index=False)}
    changes: dict[str, str] = {}
    for field_name, header in picked.items():
        before = next((column for column, name in read_as.items() if name == field_name), None)
        if header and read_as.get(header) != field_name:
            changes[header] = field_name
        elif not header and before is not None:
            changes.setdefault(before, IGNORE)
    return tuple(sorted(changes.items()))


def column_changes(base: pd.DataFrame, edited: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """The rows of the mapping editor that differ from what the importer chose: `--map` entries."""
    chosen = {str(row.column): row.field for row in base.itertuples(index=False)}
    changes: dict[str, str] = {}
    for row in edited.to_dict("records"):  # the cells as Python values: str, or None / NaN when emptied
        header = "" if row["column"] is None or pd.isna(row["column"]) else str(row["column"])
        target = None if row["field"] is None or pd.isna(row["field"]) else str(row["field"])
        if header.strip() and target and target != chosen.get(header):
            changes[header] = target
    return tuple(sorted(changes.items()))


def editable_channels(reports: list[FileReport]) -> pd.DataFrame:
    """The distinct channel values of every file of an upload (rows added up; the first file's reading)."""
    frames: list[pd.DataFrame] = [report.channels for report in reports if not report.channels.empty]
    if not frames:
        return pd.DataFrame(columns=CHANNEL_COLUMNS)
    merged = pd.concat(frames, ignore_index=True)
    rows = merged.groupby("value", sort=False, as_index=False).agg({"rows": "sum", "read as": "first"})
    return rows.sort_values(["rows", "value"], ascending=[False, True], kind="stable").reset_index(drop=True)


def channel_column(reports: list[FileReport]) -> str | None:
    """The column the channel is read from (first file that has one)."""
    return next((report.channel_column for report in reports if report.channel_column), None)


def channel_changes(base: pd.DataFrame, edited: pd.DataFrame) -> tuple[tuple[str, str, str], ...]:
    """The channel values whose reading was changed in the table: `--value-map channel:...` entries."""
    chosen = {str(row.value): row[2] for row in base.itertuples(index=False)}
    changes: dict[str, str] = {}
    for row in edited.itertuples(index=False):
        value, target = str(row[0]), row[2]
        if target is None or pd.isna(target) or target == chosen.get(value):
            continue
        changes[value] = str(target)
    return tuple(("channel", value, target) for value, target in sorted(changes.items()))


def unclassified_statuses(reports: list[FileReport]) -> dict[str, int]:
    """Status texts not understood in any file of the upload, with their row counts."""
    texts: dict[str, int] = {}
    for report in reports:
        for text, rows in report.unclassified.items():
            texts[text] = texts.get(text, 0) + rows
    return texts


def mailbox(reports: list[FileReport]) -> MailReview | None:
    """The upload's mailbox (a .mbox, .eml, or a .zip of them: one load), or None for any other file."""
    return next((report.mail for report in reports if report.mail is not None), None)


def mail_changes(base: pd.DataFrame, edited: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """The mails whose kind was changed in the review, or left out (Keep unticked): the overrides
    (message id, kind or "dropped"). Rows are matched by position (the table's rows are fixed)."""
    changes: dict[str, str] = {}
    for before, after in zip(base.to_dict("records"), edited.to_dict("records"), strict=False):
        message_id = str(before["message_id"])
        kind = after.get("kind")
        if not bool(after.get("keep", True)):
            changes[message_id] = DROPPED
        elif isinstance(kind, str) and kind in MAIL_KINDS and kind != before["kind"]:
            changes[message_id] = kind
    return tuple(sorted(changes.items()))


def own_addresses(text: str | None) -> tuple[str, ...]:
    """The addresses typed (separated by commas, semicolons or spaces), lower case, each once."""
    found = [part.strip().strip("<>").lower() for part in re.split(r"[,;\s]+", text or "")]
    return tuple(dict.fromkeys(address for address in found if "@" in address))
