"""Clients, advisor notes and access: the advisor's side of one database.

- `clients`: one row per client (display name, advisor, start date, targets, status). A load
  registers every new client under its own id, so the table always covers the applications.
- `advisor_notes`: dated notes per client, shown as a timeline and in the report.
- `access`: who may see which client when the dashboard runs behind a login. The signed-in
  person's e-mail is looked up here and becomes a `Viewer`; every query that reads applications,
  clients or notes is narrowed to the viewer's clients (analytics through `Scope.allowed`). Without
  a login there is one local user who sees everything (`LOCAL_VIEWER`). Identity never comes from
  a URL or a widget: the dashboard takes it from `st.user`, the CLI is the local user.

A client the viewer may not see is reported exactly like a client that does not exist, so the
error message does not confirm that someone else's client is there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines import sqltext
from pipelines.errors import InputError
from pipelines.rows import one_row, one_value
from pipelines.sqltext import Sql, compose, fixed, join, placeholders
from pipelines.store.db import rollback, translate_errors

CLIENT_STATUSES = ("active", "paused", "placed", "closed")
ROLES = ("admin", "advisor", "client")
# the columns `clients update` may change (an allowlist: these names are put into SQL)
EDITABLE_FIELDS = ("display_name", "advisor", "started_on", "target_roles", "target_industries", "status")
MAX_TEXT = 500
MAX_NOTE = 10_000


@dataclass(frozen=True)
class Viewer:
    """Who is looking, which clients they may see (`clients` None: every client), and which of
    those they advise (`advised`: None with an admin, who advises every client). A person can be
    one client's advisor and another client's client: the role is per client."""

    principal: str
    role: str  # admin | advisor | client | none: the strongest of the person's grants
    clients: tuple[str, ...] | None
    advised: tuple[str, ...] | None = ()

    def may_see(self, client: str) -> bool:
        return self.clients is None or client in self.clients

    def may_edit(self, client: str) -> bool:
        """An admin, or this client's advisor, keeps the record and writes notes; a client reads them."""
        return self.role == "admin" or (self.advised is not None and client in self.advised)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def sees_caseload(self) -> bool:
        """Advisors and admins compare clients; a client sees only their own search."""
        return self.role in ("admin", "advisor")

    @property
    def caseload(self) -> tuple[str, ...] | None:
        """The clients a roster or a comparison may show: the advised ones (None: every client)."""
        return None if self.is_admin else self.advised

    def in_caseload(self, client: str) -> bool:
        return self.caseload is None or client in self.caseload

    def compares(self, client: str) -> bool:
        """The client is in the viewer's caseload: they may be set beside the other clients."""
        return self.sees_caseload and self.in_caseload(client)


LOCAL_VIEWER = Viewer(principal="local", role="admin", clients=None, advised=None)


def _principal(text: str) -> str:
    principal = (text or "").strip().lower()
    if not principal:
        raise InputError("a person is named by their sign-in e-mail address; it is empty")
    return principal


def resolve_viewer(con: duckdb.DuckDBPyConnection, principal: str) -> Viewer:
    """The signed-in person as the access table describes them. Nobody granted anything sees nothing."""
    principal = _principal(principal)
    with translate_errors("cannot read the access table"):
        rows = con.cursor().execute("select role, client from access where principal = ?", [principal]).fetchall()
    roles = {role for role, _ in rows}
    if "admin" in roles:
        return Viewer(principal, "admin", None, None)
    clients = tuple(sorted({client for _, client in rows if client is not None}))
    advised = tuple(sorted({client for role, client in rows if role == "advisor" and client is not None}))
    role = "advisor" if "advisor" in roles else "client" if "client" in roles else "none"
    return Viewer(principal, role, clients, advised)


# the client columns a visibility condition may name: a table's own, or the applications' (`a`) in a join
CLIENT_COLUMN_NAMES = ("client", "a.client")


def visibility_sql(viewer: Viewer, column: str = "client") -> tuple[Sql, list[Any]]:
    """A condition (and its parameters) keeping the rows of the viewer's clients; `column` is one
    of CLIENT_COLUMN_NAMES."""
    if viewer.clients is None:
        return fixed("true"), []
    condition = compose("list_contains(?, {column})", column=sqltext.name(column, CLIENT_COLUMN_NAMES))
    return condition, [list(viewer.clients)]


# ---------------------------------------------------------------- clients


def _text(value: Any, name: str, *, required: bool = False) -> str | None:
    text = None if value is None else str(value).strip()
    if not text:
        if required:
            raise InputError(f"{name} is empty")
        return None
    if len(text) > MAX_TEXT:
        raise InputError(f"{name} is longer than {MAX_TEXT} characters")
    return text


def _date(value: Any, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as e:
        raise InputError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from e


def _status(value: Any) -> str:
    status = (str(value or "").strip().lower()) or "active"
    if status not in CLIENT_STATUSES:
        raise InputError(f"status: {value!r} is not one of {', '.join(CLIENT_STATUSES)}")
    return status


def _check_changes(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InputError(f"unknown client field {unknown[0]!r} (fields: {', '.join(EDITABLE_FIELDS)})")
    checked: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "display_name":
            checked[name] = _text(value, "display name", required=True)
        elif name == "started_on":
            checked[name] = _date(value, "start date")
        elif name == "status":
            checked[name] = _status(value)
        else:
            checked[name] = _text(value, name.replace("_", " "))
    return checked


CLIENT_COLUMNS = ("client", "display_name", "advisor", "started_on", "target_roles", "target_industries", "status",
                  "created_at", "updated_at")  # fmt: skip
SELECT_CLIENT = sqltext.names(CLIENT_COLUMNS, CLIENT_COLUMNS)


@dataclass(frozen=True)
class ClientRecord:
    """One client's record (docs/json-output.md, `clients list`): dates as ISO text, times to the second."""

    client: str
    display_name: str
    advisor: str | None
    started_on: str | None
    target_roles: str | None
    target_industries: str | None
    status: str
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "display_name": self.display_name,
            "advisor": self.advisor,
            "started_on": self.started_on,
            "target_roles": self.target_roles,
            "target_industries": self.target_industries,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def _client_row(row: tuple[Any, ...]) -> ClientRecord:
    client, display_name, advisor, started_on, target_roles, target_industries, status, created, updated = row
    return ClientRecord(
        client=client,
        display_name=display_name,
        advisor=advisor,
        started_on=None if started_on is None else str(started_on),
        target_roles=target_roles,
        target_industries=target_industries,
        status=status,
        created_at=created.isoformat(timespec="seconds"),
        updated_at=updated.isoformat(timespec="seconds"),
    )


def list_clients(con: duckdb.DuckDBPyConnection, viewer: Viewer = LOCAL_VIEWER) -> list[ClientRecord]:
    """The clients the viewer may see, by display name."""
    condition, params = visibility_sql(viewer)
    query = compose(
        "select {columns} from clients where {visible} order by display_name, client",
        columns=SELECT_CLIENT,
        visible=condition,
    )
    with translate_errors("cannot read the clients"):
        rows = con.cursor().execute(query, params).fetchall()
    return [_client_row(row) for row in rows]


def get_client(con: duckdb.DuckDBPyConnection, client: str, viewer: Viewer = LOCAL_VIEWER) -> ClientRecord:
    """One client's record. Unknown and not-yours are the same error."""
    if viewer.may_see(client):
        with translate_errors("cannot read the clients"):
            query = compose("select {columns} from clients where client = ?", columns=SELECT_CLIENT)
            row = con.cursor().execute(query, [client]).fetchone()
        if row is not None:
            return _client_row(row)
    raise InputError(f"no client {client!r} (see `bounceback clients list`)")


def _check_editor(viewer: Viewer, client: str) -> None:
    if not viewer.may_edit(client):
        raise InputError("only the client's advisor or an admin can change client records and notes")


def _check_admin(viewer: Viewer) -> None:
    # creating a client is granting: an advisor could otherwise claim an id before its data is
    # loaded (or learn that somebody else's exists)
    if not viewer.is_admin:
        raise InputError("only an admin adds clients (`bounceback clients add`, or the admin's dashboard)")


def add_client(
    con: duckdb.DuckDBPyConnection, client: str, fields: dict[str, Any], viewer: Viewer = LOCAL_VIEWER
) -> ClientRecord:
    """A new client (before any applications are loaded for them). Admins only: access to it is
    granted separately (`grant`)."""
    _check_admin(viewer)
    client_id = _text(client, "client id", required=True)
    assert client_id is not None
    # a blank display name is the id (the form and the CLI send one even when left empty)
    values = _check_changes({**fields, "display_name": _text(fields.get("display_name"), "display name") or client_id})
    values.setdefault("status", "active")
    cur = con.cursor()
    with translate_errors("cannot add the client"):
        if one_value(cur.execute("select count(*) from clients where client = ?", [client_id])):
            raise InputError(f"client {client_id!r} exists already: use `bounceback clients update`")
        with _transaction(cur):
            _insert_client(cur, client_id, values)
    return get_client(con, client_id, viewer)


@contextlib.contextmanager
def _transaction(cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
    cur.execute("begin transaction")
    try:
        yield
    except BaseException:
        rollback(cur)
        raise
    cur.execute("commit")


def _insert_client(cur: duckdb.DuckDBPyConnection, client: str, values: dict[str, Any]) -> None:
    columns = ["client", *values]
    insert = compose(
        "insert into clients ({columns}) values ({values})",
        columns=sqltext.names(columns, ("client", *EDITABLE_FIELDS)),
        values=placeholders(len(columns)),
    )
    cur.execute(insert, [client, *values.values()])


def _update_fields(cur: duckdb.DuckDBPyConnection, client: str, values: dict[str, Any]) -> None:
    assignments = join(compose("{field} = ?", field=sqltext.name(field, EDITABLE_FIELDS)) for field in values)
    update = compose(
        "update clients set {assignments}, updated_at = current_timestamp where client = ?", assignments=assignments
    )
    cur.execute(update, [*values.values(), client])


def update_client(
    con: duckdb.DuckDBPyConnection, client: str, changes: dict[str, Any], viewer: Viewer = LOCAL_VIEWER
) -> ClientRecord:
    """Change some fields of a client's record (a None clears an optional field)."""
    get_client(con, client, viewer)  # exists and is visible: else the same error as for none
    _check_editor(viewer, client)
    values = _check_changes(changes)
    if not values:
        raise InputError("nothing to change: name at least one field")
    with translate_errors("cannot update the client"):
        _update_fields(con.cursor(), client, values)
    return get_client(con, client, viewer)


def import_clients(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], viewer: Viewer = LOCAL_VIEWER
) -> dict[str, int]:
    """Add or update many client records at once (a roster CSV read by the caller); all or nothing.
    Admins only. A blank cell is "not given": an existing record keeps that field, a new one gets
    the default (the id as display name, status active)."""
    _check_admin(viewer)
    checked: list[tuple[str, dict[str, Any]]] = []
    for line, row in enumerate(rows, start=2):
        try:
            client_id = _text(row.get("client"), "client id", required=True)
            fields = {name: row[name] for name in EDITABLE_FIELDS if name in row and str(row[name] or "").strip()}
            checked.append((str(client_id), _check_changes(fields)))
        except InputError as e:
            raise InputError(f"line {line}: {e}") from e
    cur = con.cursor()
    added = updated = 0
    with translate_errors("cannot import the clients"), _transaction(cur):
        existing = {row[0] for row in cur.execute("select client from clients").fetchall()}
        for client_id, values in checked:
            if client_id in existing:
                if values:
                    _update_fields(cur, client_id, values)
                updated += 1
            else:
                _insert_client(cur, client_id, {"display_name": client_id, "status": "active", **values})
                existing.add(client_id)  # a second row for it in the same file updates it
                added += 1
    return {"added": added, "updated": updated}


# ---------------------------------------------------------------- notes


def add_note(
    con: duckdb.DuckDBPyConnection,
    client: str,
    body: str,
    noted_on: dt.date | str | None = None,
    viewer: Viewer = LOCAL_VIEWER,
) -> Note:
    """A dated note on a client, written by the viewer (dated today at the latest)."""
    get_client(con, client, viewer)
    _check_editor(viewer, client)
    text = (body or "").strip()
    if not text:
        raise InputError("the note is empty")
    if len(text) > MAX_NOTE:
        raise InputError(f"the note is longer than {MAX_NOTE:,} characters")
    day = _date(noted_on, "note date") or dt.date.today()
    if day > dt.date.today():
        raise InputError(f"note date {day} is in the future: a note records what happened")
    insert = compose(
        "insert into advisor_notes (client, noted_on, author, body) values (?, ?, ?, ?) returning {columns}",
        columns=NOTE_COLUMNS,
    )
    with translate_errors("cannot save the note"):
        row = one_row(con.cursor().execute(insert, [client, day, viewer.principal, text]))
    return _note(row)


def list_notes(con: duckdb.DuckDBPyConnection, client: str, viewer: Viewer = LOCAL_VIEWER) -> list[Note]:
    """A client's notes, newest first (by the day they are about, then by when they were written)."""
    get_client(con, client, viewer)
    query = compose(
        "select {columns} from advisor_notes where client = ? order by noted_on desc, note_id desc",
        columns=NOTE_COLUMNS,
    )
    with translate_errors("cannot read the notes"):
        rows = con.cursor().execute(query, [client]).fetchall()
    return [_note(row) for row in rows]


NOTE_COLUMNS = fixed("note_id, noted_on, author, body, created_at")


@dataclass(frozen=True)
class Note:
    """One advisor note (docs/json-output.md, `notes list`): the day it is about, who wrote it and when."""

    note_id: int
    noted_on: str
    author: str
    body: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "note_id": self.note_id,
            "noted_on": self.noted_on,
            "author": self.author,
            "body": self.body,
            "created_at": self.created_at,
        }


def _note(row: tuple[Any, ...]) -> Note:
    note_id, noted_on, author, body, created = row
    return Note(note_id=note_id, noted_on=str(noted_on), author=author, body=body,
                created_at=created.isoformat(timespec="seconds"))  # fmt: skip


# ---------------------------------------------------------------- access


def grant(con: duckdb.DuckDBPyConnection, principal: str, role: str, client: str | None = None) -> dict[str, Any]:
    """Let `principal` see `client` as advisor or client, or every client as admin."""
    principal = _principal(principal)
    if role not in ROLES:
        raise InputError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if role == "admin" and client is not None:
        raise InputError("an admin sees every client: grant admin without --client")
    if role != "admin":
        if not client:
            raise InputError(f"a {role} grant needs --client")
        get_client(con, client)
    cur = con.cursor()
    with translate_errors("cannot change the access table"):
        exists = one_value(
            cur.execute(
                "select count(*) from access where principal = ? and role = ? and client is not distinct from ?",
                [principal, role, client],
            )
        )
        if not exists:
            cur.execute("insert into access (principal, role, client) values (?, ?, ?)", [principal, role, client])
    return {"principal": principal, "role": role, "client": client, "granted": not exists}


def revoke(con: duckdb.DuckDBPyConnection, principal: str, client: str | None = None) -> dict[str, Any]:
    """Take back `principal`'s grant on `client`, or all their grants when no client is named."""
    principal = _principal(principal)
    condition, params = (fixed("client = ?"), [client]) if client is not None else (fixed("true"), [])
    delete = compose("delete from access where principal = ? and {condition} returning role", condition=condition)
    with translate_errors("cannot change the access table"):
        removed = con.cursor().execute(delete, [principal, *params]).fetchall()
    return {"principal": principal, "client": client, "revoked": len(removed)}


def list_access(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    with translate_errors("cannot read the access table"):
        rows = (
            con.cursor()
            .execute("select principal, role, client, granted_at from access order by principal, role, client")
            .fetchall()
        )
    return [
        {"principal": p, "role": r, "client": c, "granted_at": g.isoformat(timespec="seconds")} for p, r, c, g in rows
    ]
