"""The advisor's commands: clients, notes, access, roster and report.

Their parsers join the others in pipelines/cli/parser.py; pipelines/cli/commands.py runs them.

The command line is the local user, who sees every client (pipelines/advisors/clients.py LOCAL_VIEWER):
whoever can open the database file can read it anyway. Access grants matter for the dashboard
behind a login.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipelines.advisors import clients, roster
from pipelines.analyse.scope import DEFAULT_WINDOW, Scope
from pipelines.errors import InputError
from pipelines.results import JsonResult, as_json
from pipelines.store.db import connect, resolve_db_path
from pipelines.words import counted

# --flag -> clients table field
CLIENT_FLAGS = {
    "name": "display_name",
    "advisor": "advisor",
    "started_on": "started_on",
    "roles": "target_roles",
    "industries": "target_industries",
    "status": "status",
}


AddDb = Callable[[argparse.ArgumentParser], None]
ParseDate = Callable[[str], dt.date]


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], add_db: AddDb, parse_date: ParseDate
) -> None:
    """The advisor's parsers; add_db and parse_date are the command line's (pipelines/cli/parser.py)."""
    _add_clients_command(commands, add_db)
    _add_notes_command(commands, add_db, parse_date)
    _add_access_command(commands, add_db)
    _add_roster_and_report_commands(commands, add_db, parse_date)


def _add_clients_command(commands: argparse._SubParsersAction[argparse.ArgumentParser], add_db: AddDb) -> None:
    client_cmd = commands.add_parser("clients", help="the clients in this database: list, add, update, import")
    client_actions = client_cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_db(client_actions.add_parser("list", help="every client, by display name"))
    for action, text in (("add", "a new client"), ("update", 'change a client\'s record ("" clears a field)')):
        parser = client_actions.add_parser(action, help=text)
        add_db(parser)
        parser.add_argument("client", help="the client id (what ingest --client gave the applications)")
        parser.add_argument("--name", help="display name")
        parser.add_argument("--advisor", help="the advisor's name")
        parser.add_argument("--started-on", help="start of the search, YYYY-MM-DD")
        parser.add_argument("--roles", help="target roles, as text")
        parser.add_argument("--industries", help="target industries, as text")
        parser.add_argument("--status", help=f"one of {', '.join(clients.CLIENT_STATUSES)}")
    importer = client_actions.add_parser("import", help="add or update clients from a CSV (one transaction)")
    add_db(importer)
    importer.add_argument(
        "file", type=Path, help=f"CSV with a `client` column and any of: {', '.join(clients.EDITABLE_FIELDS)}"
    )


def _add_notes_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], add_db: AddDb, parse_date: ParseDate
) -> None:
    notes = commands.add_parser("notes", help="an advisor's dated notes on a client")
    note_actions = notes.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = note_actions.add_parser("list", help="a client's notes, newest first")
    add_db(listing)
    listing.add_argument("--client", required=True)
    writing = note_actions.add_parser("add", help="write a note")
    add_db(writing)
    writing.add_argument("--client", required=True)
    writing.add_argument("--text", required=True, help="the note")
    writing.add_argument("--on", type=parse_date, default=None, help="the day it is about (default: today)")


def _add_access_command(commands: argparse._SubParsersAction[argparse.ArgumentParser], add_db: AddDb) -> None:
    access = commands.add_parser("access", help="who may see which client in the dashboard behind a login")
    access_actions = access.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_db(access_actions.add_parser("list", help="every grant"))
    granting = access_actions.add_parser("grant", help="let a signed-in person see a client (or all, as admin)")
    add_db(granting)
    granting.add_argument("principal", metavar="EMAIL", help="the e-mail address they sign in with")
    granting.add_argument("--role", required=True, choices=clients.ROLES)
    granting.add_argument("--client", default=None, help="the client (not for admin)")
    revoking = access_actions.add_parser("revoke", help="take a grant back (all of the person's, without --client)")
    add_db(revoking)
    revoking.add_argument("principal", metavar="EMAIL")
    revoking.add_argument("--client", default=None)


def _add_roster_and_report_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], add_db: AddDb, parse_date: ParseDate
) -> None:
    for name, text in (
        ("roster", "every client: who needs attention first (failing parts, stalled searches, ...)"),
        ("report", "one client's search as a self-contained HTML file to share or print"),
    ):
        parser = commands.add_parser(name, help=text)
        add_db(parser)
        parser.add_argument("--as-of", type=parse_date, default=None, help="look from this date (default: today)")
        parser.add_argument(
            "--window", type=int, default=DEFAULT_WINDOW, help=f"response window in days (default {DEFAULT_WINDOW})"
        )
        if name == "roster":
            parser.add_argument("--advisor", default=None, help="only this advisor's clients")
        else:
            parser.add_argument("--client", required=True)
            parser.add_argument("--out", required=True, type=Path, help="FILE.html")


def _client_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The flags given, as clients table fields; an empty string clears the field."""
    return {
        field: (getattr(args, flag) or None) for flag, field in CLIENT_FLAGS.items() if getattr(args, flag) is not None
    }


def _read_clients_csv(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            if "client" not in header:
                raise InputError(f"{path.name}: missing column: client")
            unknown = [name for name in header if name not in ("client", *clients.EDITABLE_FIELDS)]
            if unknown:
                known = ", ".join(("client", *clients.EDITABLE_FIELDS))
                raise InputError(f"{path.name}: unknown column {unknown[0]!r} (columns: {known})")
            return [{key.strip(): value for key, value in row.items() if key is not None} for row in reader]
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise InputError(f"{path.name} is not UTF-8 text") from e


def _human_clients(payload: dict[str, Any]) -> None:
    if not payload["clients"]:
        print("no clients yet: `bounceback ingest FILE --client NAME` or `bounceback clients add NAME`")
    for entry in payload["clients"]:
        extra = ", ".join(
            f"{label} {entry[key]}"
            for key, label in (("advisor", "advisor"), ("started_on", "since"), ("target_roles", "roles"),
                               ("target_industries", "industries"))
            if entry[key]
        )  # fmt: skip
        print(f"{entry['client']}: {entry['display_name']} [{entry['status']}]" + (f" - {extra}" if extra else ""))


def _pct(value: float | None) -> str:
    return "too early" if value is None else f"{value:.0%}"


def _human_roster(result: roster.Roster) -> None:
    if not result.clients:
        print("no clients yet")
        return
    print(f"{len(result.clients)} clients, {result.needs_attention} need attention (first):")
    for entry in result.clients:
        rate = entry.response_rate
        interval = "" if rate["rate"] is None else f" ({_pct(rate['low'])}-{_pct(rate['high'])})"
        flag = "!" if entry.needs_attention else " "
        print(
            f"{flag} {entry.rank:>3}. {entry.display_name} [{entry.status}]:"
            f" {counted(entry.applications, 'app')},"
            f" response {_pct(rate['rate'])}{interval}{' small' if entry.small else ''},"
            f" furthest {entry.furthest_stage or '-'}, follow-ups due {entry.follow_ups_due}"
            + (f" - {'; '.join(entry.reasons)}" if entry.reasons else "")
        )


def _human_notes(payload: dict[str, Any]) -> None:
    if not payload["notes"]:
        print("no notes yet")
    for note in payload["notes"]:
        print(f"{note['noted_on']} ({note['author']}): {note['body']}")


def _human_grants(payload: dict[str, Any]) -> None:
    if not payload["grants"]:
        print("no grants: without a login the dashboard's one local user sees everything")
    for grant in payload["grants"]:
        print(f"{grant['principal']}: {grant['role']} {grant['client'] or '(every client)'}")


def _clients_command(con: Any, args: argparse.Namespace) -> tuple[dict[str, Any], str | None]:
    if args.action == "list":
        return {"clients": [record.to_json() for record in clients.list_clients(con)]}, None
    if args.action == "import":
        counts = clients.import_clients(con, _read_clients_csv(args.file))
        return counts, f"{counts['added']} clients added, {counts['updated']} updated"
    change = clients.add_client if args.action == "add" else clients.update_client
    return {"client": change(con, args.client, _client_fields(args)).to_json()}, None


def _notes_command(con: Any, args: argparse.Namespace) -> tuple[dict[str, Any], str | None]:
    if args.action == "list":
        return {"client": args.client, "notes": [note.to_json() for note in clients.list_notes(con, args.client)]}, None
    note = clients.add_note(con, args.client, args.text, args.on)
    return {"note": note.to_json()}, f"note #{note.note_id} saved for {args.client}"


def _access_command(con: Any, args: argparse.Namespace) -> tuple[dict[str, Any], str | None]:
    if args.action == "list":
        return {"grants": clients.list_access(con)}, None
    if args.action == "grant":
        done = clients.grant(con, args.principal, args.role, args.client)
        return done, f"{done['principal']} may see {done['client'] or 'every client'} as {done['role']}"
    done = clients.revoke(con, args.principal, args.client)
    return done, f"{done['revoked']} grant(s) of {done['principal']} revoked"


PROGRESS_FROM = 50  # clients: a roster this big reports its progress on stderr


def _diagnosis_progress(done: int, total: int) -> None:
    # every tenth of the way, so a career centre's caseload shows it is moving (stderr: never the JSON)
    if total >= PROGRESS_FROM and (done == total or done % max(1, total // 10) == 0):
        print(f"diagnosed {done:,} of {total:,} clients", file=sys.stderr, flush=True)


def _analysis_command(con: Any, args: argparse.Namespace) -> tuple[JsonResult | dict[str, Any], str | None]:
    scope = Scope(as_of=args.as_of or dt.date.today(), window=args.window)
    if args.command == "roster":
        return roster.roster(con, scope, advisor=args.advisor, progress=_diagnosis_progress), None
    done = _write_report(con, scope, args.client, args.out)
    return done, f"wrote the report for {done['client']} to {done['out']} ({done['bytes']:,} bytes)"


COMMANDS = {"clients": _clients_command, "notes": _notes_command, "access": _access_command,
            "roster": _analysis_command, "report": _analysis_command}  # fmt: skip
# human output of the commands that print more than one line
LISTINGS: dict[tuple[str, str | None], Callable[[Any], None]] = {
    ("clients", "list"): _human_clients,
    ("clients", "add"): lambda payload: _human_clients({"clients": [payload["client"]]}),
    ("clients", "update"): lambda payload: _human_clients({"clients": [payload["client"]]}),
    ("notes", "list"): _human_notes,
    ("access", "list"): _human_grants,
    ("roster", None): _human_roster,
}


def run(args: argparse.Namespace, print_json: Callable[[dict[str, Any]], None]) -> int:
    """Run one advisor command; BouncebackError propagates to cli.main."""
    con = connect(resolve_db_path(args.db))
    try:
        payload, line = COMMANDS[args.command](con, args)
    finally:
        con.close()
    if args.json:
        print_json({"ok": True, **as_json(payload)})
    elif line is not None:
        print(line)
    else:
        LISTINGS[(args.command, getattr(args, "action", None))](payload)
    return 0


def _write_report(con: Any, scope: Scope, client: str, out: Path) -> dict[str, Any]:
    from pipelines.report.html import build_report  # altair and vl-convert only load for a report

    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out {out}: the report is an HTML file (.html)")
    html = build_report(con, scope, client)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write {out}: {e.strerror}") from e
    return {"out": str(out), "client": client, "bytes": len(html.encode("utf-8"))}
