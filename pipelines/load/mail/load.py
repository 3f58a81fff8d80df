"""Loading a mailbox (issue 19): read, classify and assemble the mails, match the proposed
applications with the ones already stored, and write it all in one transaction.

    mails read = used + ignored + refused

A mail is *used* when it is in an application; its row in `mail_messages` is new (inserted),
different from the stored one (updated: a review changed its kind, a later mail named its role) or
the same (unchanged): re-reading a mailbox changes nothing. An *ignored* mail (a job alert, a
newsletter, a confirmation naming no company, a mail dropped in the review) is counted under its
reason and stored nowhere. A *refused* message (not readable as mail) is a reject: its number in the
read, the file, and why.

Which application a proposed one is (match.py): the one of its own key read before, else one
already loaded from a spreadsheet or an export (same company, agreeing role, dates close), else a
new application of source `mail`. The match is reported (`matched`).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines.errors import InputError
from pipelines.load import guard as safety
from pipelines.load.mail import match
from pipelines.load.mail.assemble import CLASSIFIED_LIMIT, Assembled, assemble, shown_subject
from pipelines.load.mail.message import Mail
from pipelines.load.mail.read import MAIL_SUFFIXES, Refused, each_mail
from pipelines.load.merge import write_in_transaction
from pipelines.load.progress import Progress
from pipelines.load.read.staged import StagedFile
from pipelines.load.readers import file_sha256
from pipelines.load.runs import count_dispositions, refused_for_rejects
from pipelines.rows import one_value
from pipelines.store.db import translate_errors
from pipelines.words import counted

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult, LoadOptions

SOURCE = "mail"


@dataclass
class MailLoad:
    """What a mail load adds to its file entry (IngestResult.to_json merges these keys in)."""

    read: int = 0
    used: int = 0
    ignored: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    decisions: list[dict[str, Any]] = field(default_factory=list)  # every mail, in read order
    applications: dict[str, int] = field(default_factory=dict)  # proposed, new, matched, already_loaded
    matched: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)  # per file read: file, read, used, ignored, refused
    # application id -> new | matched | stored (for the review's table; the JSON says it per application)
    targets: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "mails": {"read": self.read, "used": self.used, "ignored": dict(sorted(self.ignored.items())),
                      "refused": self.refused, "files": self.files},
            "classified": self.decisions[:CLASSIFIED_LIMIT],
            "mail_applications": self.applications,
            "matched": self.matched,
        }


def is_mail(path: Path) -> bool:
    """A mailbox export: a .mbox or .eml, a folder holding one, or a zip with one among its members
    (the guard checks a zip before anything of it is unpacked: read.py)."""
    suffix = path.suffix.lower()
    if suffix in MAIL_SUFFIXES:
        return True
    if path.is_dir():
        return any(found.suffix.lower() in MAIL_SUFFIXES for found in path.rglob("*") if found.is_file())
    if suffix != ".zip" or not path.is_file():
        return False
    try:
        # through the guard: a directory too big to read is refused before zipfile reads it
        with safety.open_zip(path) as archive:
            return any(name.lower().endswith(MAIL_SUFFIXES) for name in archive.namelist())
    except (InputError, zipfile.BadZipFile, OSError):
        return False  # the archive's own load refuses it, with the reason


def _read(path: Path, meter: Progress, files: list[str]) -> tuple[list[Mail], list[tuple[int, Refused]]]:
    mails: list[Mail] = []
    refused: list[tuple[int, Refused]] = []
    for number, item in enumerate(each_mail(path, files), start=1):
        if isinstance(item, Mail):
            mails.append(item)
        else:
            refused.append((number, item))
        if number % 2000 == 0:
            meter.step(f"read {number:,} mails")
    return mails, refused


def ingest_mail(
    cur: duckdb.DuckDBPyConnection, path: Path, result: IngestResult, options: LoadOptions, started: dt.datetime
) -> None:
    """Load a mailbox export into `result` (the caller turns InputError into a refusal)."""
    result.source = SOURCE
    result.mail = MailLoad()  # a refused mailbox's entry has the mail keys too, empty
    result.sha256 = file_sha256(path) if path.is_file() else None
    meter = Progress(path.name, path.stat().st_size if path.is_file() else 0, options.progress)
    meter.step("reading mail")
    files: list[str] = []
    mails, refused = _read(path, meter, files)
    result.rows_read = len(mails) + len(refused)
    if result.rows_read == 0:
        raise InputError(f"{path.name}: no mail in it (a .mbox, .eml, a folder or a .zip of them)")
    if not mails and len(refused) == 1 and refused[0][1].source.index is None:
        raise InputError(f"{path.name}: {refused[0][1].reason}")  # the one file itself could not be read
    meter.step(f"read {result.rows_read:,} mails")
    assembled = assemble(mails, own_addresses=options.own_addresses, overrides=options.mail_overrides)
    meter.step(f"{len(assembled.applications):,} applications proposed")
    with translate_errors("matching the mail with the applications stored failed"):
        _stage(cur, assembled, refused, result.client or "me")
        match.match_stored(cur, result.client or "me")
        staged = StagedFile(path=path, kind="mail", header=[], rows_read=result.rows_read, parsed_rows=len(mails),
                            structural_rejects=len(refused), size_bytes=path.stat().st_size if path.is_file() else 0)
        count_dispositions(cur, result, staged, "checked_mails", "application_id")
        result.rejected = len(refused)  # the structural rejects are the refused messages
    result.mail = _summary(cur, assembled, len(refused))
    result.mail.files = _per_file(files, mails, assembled, refused)
    unknown = one_value(cur.execute(
        "select count(*) from mail_targets join mail_apps using (proposal_key)"
        " where target = 'new' and applied_on is null"
    ))
    if unknown:
        result.notes.append(
            f"{counted(int(unknown), 'application')} with no confirmation in the mail: the day it was sent is"
            " unknown, so it is stored and shown but left out of every rate (known only because the employer"
            " answered, it would make the rates look better than they are)"
        )
    if refused_for_rejects(cur, path, result, options.strict, options.dry_run, started, noun="message"):
        return

    def merge(run_id: int) -> None:
        match.write(cur, result, run_id, result.client or "me")

    write_in_transaction(cur, path, staged, result, options.dry_run, started, "checked_mails", merge)
    meter.step(f"{result.inserted:,} mails stored, {result.events_inserted:,} events added")


# The staging tables, from Python lists: each list parameter cast to its type, so that an empty one
# (a mailbox with no application, no refusal) gives an empty table of the right shape.
_MAIL_APPS_SQL = """
create or replace temp table mail_apps as
select unnest(cast($key as varchar[])) as proposal_key, unnest(cast($company as varchar[])) as company,
       unnest(cast($company_key as varchar[])) as company_key, unnest(cast($role as varchar[])) as role,
       unnest(cast($applied_on as date[])) as applied_on, unnest(cast($mails as integer[])) as mails
"""
_MAIL_EVENTS_SQL = """
create or replace temp table mail_events as
select unnest(cast($key as varchar[])) as proposal_key, unnest(cast($kind as varchar[])) as event,
       unnest(cast($on as date[])) as occurred_on, unnest(cast($message_id as varchar[])) as message_id
"""
_CHECKED_MAILS_SQL = """
create or replace temp table checked_mails as
select unnest(cast($line as bigint[])) as line, cast($client as varchar) as client,
       unnest(cast($message_id as varchar[])) as message_id, unnest(cast($sent_at as timestamptz[])) as sent_at,
       unnest(cast($sender as varchar[])) as sender_domain, unnest(cast($subject as varchar[])) as subject,
       unnest(cast($kind as varchar[])) as kind, unnest(cast($rule as varchar[])) as rule,
       unnest(cast($company as varchar[])) as company, unnest(cast($role as varchar[])) as role,
       unnest(cast($key as varchar[])) as proposal_key, unnest(cast($disposition as varchar[])) as disposition,
       cast([] as struct("column" varchar, value varchar, reason varchar)[]) as problems,
       cast(null as varchar) as application_id
"""
_STAGED_REJECTS_SQL = """
create or replace temp table staged_rejects as
select unnest(cast($line as bigint[])) as line, cast(null as varchar) as column_name,
       unnest(cast($value as varchar[])) as value, unnest(cast($reason as varchar[])) as reason
"""


def _stage(cur: duckdb.DuckDBPyConnection, assembled: Assembled, refused: list[tuple[int, Refused]],
           client: str) -> None:
    """The proposal as temp tables: mail_apps, mail_events, checked_mails (one row per mail) and the
    refusals as staged_rejects (the shape the run's reject and skip records read)."""
    apps = assembled.applications
    cur.execute(_MAIL_APPS_SQL, {
        "key": [a.key for a in apps],
        "company": [a.company for a in apps],
        "company_key": [match.company_key(a.company) for a in apps],
        "role": [a.role for a in apps],
        "applied_on": [a.applied_on for a in apps],
        "mails": [len(a.mails) for a in apps],
    })
    events = [(a.key, e) for a in apps for e in a.events]
    cur.execute(_MAIL_EVENTS_SQL, {
        "key": [key for key, _ in events],
        "kind": [e.kind for _, e in events],
        "on": [e.on for _, e in events],
        "message_id": [e.message_id for _, e in events],
    })
    decisions = assembled.decisions
    refused_numbers = {number for number, _ in refused}
    cur.execute(_CHECKED_MAILS_SQL, {
        "line": [n for n in range(1, len(decisions) + len(refused) + 1) if n not in refused_numbers],
        "client": client,
        "message_id": [d.message_id for d in decisions],
        "sent_at": [d.date for d in decisions],
        "sender": [d.sender_domain for d in decisions],
        "subject": [shown_subject(d.subject) for d in decisions],
        "kind": [d.kind for d in decisions],
        "rule": [d.rule for d in decisions],
        "company": [d.company for d in decisions],
        "role": [d.role for d in decisions],
        "key": [d.application_key for d in decisions],
        "disposition": [f"skip:{d.reason}" if d.application_key is None else "valid" for d in decisions],
    })
    cur.execute(_STAGED_REJECTS_SQL, {
        "line": [number for number, _ in refused],
        "value": [str(item.source) for _, item in refused],
        "reason": [item.reason for _, item in refused],
    })


def _per_file(files: list[str], mails: list[Mail], assembled: Assembled,
              refused: list[tuple[int, Refused]]) -> list[dict[str, Any]]:
    """read = used + ignored (by reason) + refused, for each file read (a folder's, a zip's members)."""
    counts: dict[str, dict[str, Any]] = {
        name: {"file": name, "read": 0, "used": 0, "ignored": {}, "refused": 0} for name in files}
    for mail, decision in zip(mails, assembled.decisions, strict=True):
        entry = counts.setdefault(mail.source.file, {"file": mail.source.file, "read": 0, "used": 0,
                                                     "ignored": {}, "refused": 0})
        entry["read"] += 1
        if decision.application_key is not None:
            entry["used"] += 1
        else:
            reason = decision.reason or "no_company"
            entry["ignored"][reason] = entry["ignored"].get(reason, 0) + 1
    for _, item in refused:
        entry = counts.setdefault(item.source.file, {"file": item.source.file, "read": 0, "used": 0,
                                                     "ignored": {}, "refused": 0})
        entry["read"] += 1
        entry["refused"] += 1
    return [dict(entry, ignored=dict(sorted(entry["ignored"].items()))) for entry in counts.values()]


def _summary(cur: duckdb.DuckDBPyConnection, assembled: Assembled, refused: int) -> MailLoad:
    """Counts, every mail's decision with the application it joins (as it will be stored), and the matches."""
    targets = dict(cur.execute("select proposal_key, application_id from mail_targets").fetchall())
    # what a job alert or a newsletter "names" is no company of the person's: not shown
    decisions = [d.to_json(targets.get(d.application_key) if d.application_key else None, company_of_ignored=False)
                 for d in assembled.decisions]
    counts = dict(cur.execute("select target, count(*) from mail_targets group by 1").fetchall())
    return MailLoad(
        read=assembled.read + refused,
        used=assembled.used,
        ignored=dict(assembled.ignored),
        refused=refused,
        decisions=decisions,
        applications={"proposed": len(assembled.applications), "new": int(counts.get("new", 0)),
                      "matched": int(counts.get("matched", 0)), "already_loaded": int(counts.get("stored", 0))},
        matched=match.matched(cur),
        targets=dict(cur.execute("select application_id, target from mail_targets").fetchall()),
    )
