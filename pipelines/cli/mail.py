"""`bounceback ingest MAILBOX`, as text: the mail arithmetic, the applications, the matches, and on a
dry run every mail with its kind, rule, company, role and the application it joins."""

from __future__ import annotations

from pathlib import Path

from pipelines.load.ingest import IngestResult
from pipelines.words import counted

MATCHES_SHOWN = 20
REFUSALS_SHOWN = 20


def print_mail_load(result: IngestResult) -> None:
    mail = result.mail
    assert mail is not None
    name = Path(result.file).name
    if not result.ok:
        print(f"{name}: {result.status}: {(result.message or '').removeprefix(f'{name}: ')}")
    else:
        verb = "would load" if result.status == "dry_run" else result.status
        run = f", run {result.run_id}" if result.run_id else ""
        ignored = sum(mail.ignored.values())
        print(
            f"{name}: mailbox, {counted(mail.read, 'mail')} read = {mail.used:,} used + {ignored:,} ignored"
            f" + {mail.refused:,} refused  [{verb}{run}]"
        )
        print(
            f"  stored: {result.inserted:,} new, {result.updated:,} changed, {result.unchanged:,} unchanged;"
            f" events: {result.events_inserted:,} new, {result.events_updated:,} dates filled in"
        )
    apps = mail.applications
    if apps.get("proposed"):
        print(
            f"  applications: {apps['proposed']:,} found in the mail = {apps['new']:,} new"
            f" + {apps['matched']:,} matched with ones already loaded + {apps['already_loaded']:,} read before"
        )
    for reason, count in sorted(mail.ignored.items(), key=lambda item: (-item[1], item[0])):
        print(f"  ignored {count:,}: {reason.replace('_', ' ')}")
    for item in mail.matched[:MATCHES_SHOWN]:
        role = f" ({item['role']})" if item["role"] else ""
        print(
            f"  matched: {item['mail_company']} mail ({item['mails']:,}) -> {item['company']}{role},"
            f" {item['source']}, applied {item['applied_on'] or 'on a day unknown'}"
        )
    if len(mail.matched) > MATCHES_SHOWN:
        print(f"  ... {len(mail.matched) - MATCHES_SHOWN} more matches in --json output")
    for reject in result.rejects[:REFUSALS_SHOWN]:
        print(f"  refused mail {reject['line']:,} ({reject['value']}): {reject['reason']}")
    for note in result.notes:
        print(f"  note: {note}")
    if result.status == "dry_run":
        _print_every_mail(result)


def _print_every_mail(result: IngestResult) -> None:
    """The dry run's list: one line per mail, in the order read."""
    assert result.mail is not None
    print("  every mail: date | from | kind (rule) | company | role | application")
    for d in result.mail.decisions:
        print(
            f"    {(d['date'] or 'no date')[:10]} | {d['sender'] or '-'} | {d['kind']} ({d['rule']})"
            f" | {d['company'] or '-'} | {d['role'] or '-'} | {d['application_id'] or 'none'}"
            f" | {d['subject']}"
        )
