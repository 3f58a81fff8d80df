"""Opening the database: location, migrations, SQL models, and DuckDB error translation.

The connection is made here and passed in to everything else; each query takes its own cursor()
because DuckDB refuses concurrent calls on one connection.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Protocol

import duckdb

from pipelines.errors import STORAGE_PREFIX, DatabaseBusy, DatabaseError, StorageError, is_storage_failure
from pipelines.rows import one_row

DB_ENV_VAR = "BOUNCEBACK_DB"
# another process holding the file: how long to wait for it, and how often to look. The dashboard
# lets go of the file a second after each rerun, so a load from the command line gets it in time.
LOCK_WAIT_SECONDS = 15.0
LOCK_POLL_SECONDS = 0.1
_SQL_PACKAGE = "pipelines.store.sql"


class Clock(Protocol):
    """Time as the waits for a busy database see it: the real one (SYSTEM_CLOCK), or in the tests
    a fake that moves only when told, so that no test sleeps or measures how long something took."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real time: time.monotonic and time.sleep."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


def default_db_path() -> Path:
    """`$BOUNCEBACK_DB`, else bounceback.duckdb in the user's data directory (XDG on Linux)."""
    from_env = os.environ.get(DB_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("bounceback", appauthor=False)) / "bounceback.duckdb"


def resolve_db_path(db: str | os.PathLike[str] | None) -> Path:
    return Path(db).expanduser() if db else default_db_path()


def _sql_files(folder: str) -> list[tuple[str, str]]:
    """(name, text) of the .sql files in pipelines/store/sql/<folder>, in name order."""
    root = resources.files(_SQL_PACKAGE).joinpath(folder)
    files = sorted((p for p in root.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for each file in sql/migrations, numbered by its NNNN_ prefix."""
    return [(int(name.split("_", 1)[0]), name, sql) for name, sql in _sql_files("migrations")]


def data_tests() -> list[tuple[str, str]]:
    """Queries that must return zero rows on any healthy database."""
    return _sql_files("data_tests")


@contextlib.contextmanager
def translate_errors(action: str) -> Iterator[None]:
    """Turn duckdb.Error into DatabaseError with one readable line (StorageError when the disk is
    full or the database may not be written: then the line says that, whatever the action was)."""
    try:
        yield
    except duckdb.Error as e:
        cause = original_error(e)
        storage = storage_failure(str(cause))
        if storage is not None:
            raise StorageError(storage) from e
        text = str(cause).strip()
        first_line = text.splitlines()[0] if text else type(cause).__name__
        raise DatabaseError(f"{action}: {first_line}") from e


def original_error(error: duckdb.Error) -> duckdb.Error:
    """The error that started it. A COMMIT that fails ends its transaction, so the ROLLBACK of the
    caller's cleanup fails too ("cannot rollback - no transaction is active"), and that second
    error would hide what went wrong (a full disk, a folder that may not be written)."""
    while "no transaction is active" in str(error) and isinstance(error.__context__, duckdb.Error):
        error = error.__context__
    return error


# DuckDB names the file and quotes the operating system's reason:
#   IO Error: Could not write file "/data/b.duckdb.wal": No space left on device
#   TransactionContext Error: Failed to commit: Cannot open file "/data/b.duckdb.wal": Permission denied
_FILE_FAILURE = re.compile(r'file "(?P<file>[^"]+)": (?P<reason>[^\n"]+)')
# the operating system's words (strerror) -> what they mean, and what to do about it
_DISK_FULL = {
    "No space left on device": ("no space left on the device", "free some space on that disk"),
    "Disk quota exceeded": ("your disk quota is used up", "free some of your space or ask for a larger quota"),
    # EFBIG: the process's file size limit, or the largest file the file system holds
    "File too large": ("the file reached the largest size allowed", "raise the file size limit (`ulimit -f`)"),
}
# what the file or folder (named {0}) needs; EPERM is what a file marked immutable gives, even to root
_NOT_ALLOWED = {
    "Permission denied": ("permission denied", "make {0} writable (chmod u+w {0})"),
    "Operation not permitted": (
        "operation not permitted",
        "if `lsattr -d {0}` shows it immutable (i), `chattr -i {0}`",
    ),
    "Read-only file system": ("the file system is mounted read-only", "use a disk that is mounted for writing"),
}


def storage_failure(error_text: str, *, database: Path | None = None, reading: bool = False) -> str | None:
    """One line saying what is wrong and what to do, when DuckDB failed because the disk is full or
    the database (its file, its log beside it, its temporary files) may not be written; else None.

    database: the file being opened (else the failure must name a DuckDB database or its log or
    temporary files: a full disk while exporting a CSV is not the database's). reading: it was
    being opened read-only, so it may not be read.
    """
    match = _FILE_FAILURE.search(error_text)
    if match is None:
        return None
    file, reason = Path(match["file"]), match["reason"].strip()
    full = next((advice for words, advice in _DISK_FULL.items() if words in reason), None)
    denied = next((advice for words, advice in _NOT_ALLOWED.items() if words in reason), None)
    if full is None and denied is None:
        return None
    db = database if database is not None else _database_of(file)
    if db is None:
        return None
    if full is not None:
        meaning, todo = full
        if file.parent.name.endswith(".tmp"):  # DuckDB spills large loads into <database>.tmp/
            where = f" (writing its temporary files in {file.parent})"
        elif file.name.endswith(".wal") and file.name != db.name:  # its log of changes, beside it
            where = f" (writing its log {file.name})"
        else:
            where = ""
        return f"{STORAGE_PREFIX} {db}: {meaning}{where}; {todo}, then run the command again"
    if denied is None:
        return None
    meaning, todo = denied
    if reading:
        return f"cannot read the database {db}: {meaning}; make it readable (chmod u+r {db})"
    if file.parent.name.endswith(".tmp"):
        folder = file.parent
        return f"{STORAGE_PREFIX} {db}: {meaning} writing its temporary files in {folder}; {todo.format(folder)}"
    if file.name.endswith(".wal") and file.name != db.name:
        return (
            f"{STORAGE_PREFIX} {db}: {meaning} creating its log {file.name} in {file.parent} (DuckDB keeps it"
            f" beside the database); {todo.format(file.parent)}, or move the database to a folder you can write"
        )
    if not db.exists():
        folder = db.absolute().parent
        return (
            f"{STORAGE_PREFIX} {db}: {meaning} creating it in {folder}; {todo.format(folder)},"
            f" or choose another folder (--db or ${DB_ENV_VAR})"
        )
    return (
        f"{STORAGE_PREFIX} {db}: {meaning} (bounceback opens it for writing); {todo.format(db)},"
        " or point --db at a copy you can write"
    )


def _database_of(file: Path) -> Path | None:
    """The DuckDB database `file` belongs to: itself, or the database beside its log
    (<database>.wal) or its temporary folder (<database>.tmp/); None for any other file."""
    if file.name.endswith(".wal"):
        candidate = file.with_name(file.name.removesuffix(".wal"))
    elif file.parent.name.endswith(".tmp"):
        candidate = file.parent.with_name(file.parent.name.removesuffix(".tmp"))
    else:
        candidate = file
    try:
        with candidate.open("rb") as handle:
            header = handle.read(12)
    except OSError:
        return None
    return candidate if header[8:12] == b"DUCK" else None  # DuckDB's magic bytes, after a checksum


def _is_lock_conflict(path: Path, error: duckdb.Error, read_only: bool) -> bool:
    """Another process holds the file (and not a full disk or a forbidden write, checked first)."""
    text = str(error)
    if storage_failure(text, database=path, reading=read_only) is not None:
        return False
    # DuckDB: 'Could not set lock on file "…": Conflicting lock is held in … (PID …)'. Its own words
    # only: a quoted path ("/data/blocks/x.duckdb") or "Corrupt … in block at …" is not a lock.
    unquoted = re.sub(r'"[^"]*"', '""', text)
    return re.search(r"could not set lock|conflicting lock", unquoted, re.IGNORECASE) is not None


def _explain_open_failure(path: Path, error: duckdb.Error, read_only: bool = False) -> str:
    text = str(error)
    storage = storage_failure(text, database=path, reading=read_only)
    if storage is not None:
        return storage
    if "not a valid DuckDB database" in text or ("Invalid Input Error" in text and "database" in text):
        return f"{path} is not a bounceback (DuckDB) database file"
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return f"cannot open the database {path}: {first}"


def connect(
    db: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database and bring its schema up to date.

    A read-only connection never migrates: it fails with a clear message if the file is missing
    or was written by an older bounceback that has not been opened for writing since.

    DuckDB lets one process at a time open a file for writing. When another holds it (a load, or
    the dashboard reading between reruns: pipelines/store/sharing.py), this waits up to `wait` seconds
    (LOCK_WAIT_SECONDS by default) for it, looking every LOCK_POLL_SECONDS, then raises
    DatabaseBusy. `clock` measures and spends that time (the tests pass a fake one).
    """
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    path = resolve_db_path(db)
    if read_only and not path.exists():
        raise DatabaseError(f"no database at {path}: load a file first with `bounceback ingest`")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DatabaseError(f"cannot create the folder for the database {path}: {e.strerror}") from e
    deadline = clock.monotonic() + wait
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as e:
            if _is_lock_conflict(path, e, read_only):
                if clock.monotonic() < deadline:
                    clock.sleep(LOCK_POLL_SECONDS)
                    continue
                raise DatabaseBusy(
                    f"the database {path} is in use by another process (a load, or the dashboard while it"
                    f" reads; DuckDB lets one process at a time write a file); waited {wait:g} s: try again"
                    " when the other one is done"
                ) from e
            message = _explain_open_failure(path, e, read_only)
            raise (StorageError if is_storage_failure(message) else DatabaseError)(message) from e
    try:
        if read_only:
            _check_schema_current(con, path)
        else:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def connect_memory() -> duckdb.DuckDBPyConnection:
    """An in-memory database with the full schema (dry runs, tests of pure SQL)."""
    con = duckdb.connect(":memory:")
    migrate(con)
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    cur = con.cursor()
    exists = cur.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_version'"
    ).fetchone()
    if not exists or exists[0] == 0:
        return 0
    row = cur.execute("select coalesce(max(version), 0) from schema_version").fetchone()
    return int(row[0]) if row else 0


def _models_fingerprint() -> str:
    digest = hashlib.sha256()
    for name, sql in _sql_files("models"):
        digest.update(name.encode())
        digest.update(sql.encode())
    return digest.hexdigest()


def _check_schema_current(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    latest = max(version for version, _, _ in migrations())
    current = schema_version(con)
    if current < latest:
        raise DatabaseError(
            f"the database {path} has schema version {current}, this bounceback needs {latest}: "
            "run any bounceback command that writes (e.g. `bounceback status`) once to upgrade it"
        )


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply pending migrations, each in its own transaction, then refresh the SQL models.

    Migrations only ever add; a user's existing database is upgraded in place, never rebuilt.
    """
    cur = con.cursor()
    with translate_errors("cannot upgrade the database schema"):
        cur.execute(
            "create table if not exists schema_version ("
            " version integer primary key, name varchar not null, applied_at timestamp not null)"
        )
        current = schema_version(con)
        for version, name, sql in migrations():
            if version <= current:
                continue
            cur.execute("begin transaction")
            try:
                cur.execute(sql)
                cur.execute("insert into schema_version values (?, ?, current_timestamp)", [version, name])
                cur.execute("commit")
            except BaseException:
                rollback(cur)
                raise
        _refresh_models(cur)


def rollback(cur: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failure; a COMMIT that failed has already ended the transaction, and the
    error to report is the commit's, not that there was nothing left to roll back."""
    with contextlib.suppress(duckdb.TransactionException):
        cur.execute("rollback")


def _refresh_models(cur: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the views and macros of sql/models when their text changed."""
    cur.execute("create table if not exists model_fingerprint (fingerprint varchar)")
    fingerprint = _models_fingerprint()
    row = cur.execute("select fingerprint from model_fingerprint").fetchone()
    if row and row[0] == fingerprint:
        return
    cur.execute("begin transaction")
    try:
        _create_models(cur, _sql_files("models"))
        # the stored stage sums follow their definition: a changed model rebuilds them
        refresh_application_stages(cur)
        cur.execute("delete from model_fingerprint")
        cur.execute("insert into model_fingerprint values (?)", [fingerprint])
        cur.execute("commit")
    except BaseException:
        rollback(cur)
        raise


def _create_models(cur: duckdb.DuckDBPyConnection, models: list[tuple[str, str]]) -> None:
    """Create the models, each after the models it reads.

    DuckDB binds a table macro's body when it is created, so a model must follow the ones it uses.
    The order comes from the text (a file naming another file's macro or view follows it), which
    keeps file names free of ordering prefixes.
    """
    code = {name: re.sub(r"--[^\n]*", "", sql) for name, sql in models}  # comments do not count
    defines = {
        name: set(re.findall(r"create\s+or\s+replace\s+(?:macro|view)\s+(\w+)", text, flags=re.IGNORECASE))
        for name, text in code.items()
    }
    needs = {
        name: {
            other
            for other in code
            if other != name and any(re.search(rf"\b{word}\b", code[name]) for word in defines[other])
        }
        for name in code
    }
    made: list[str] = []
    while len(made) < len(code):
        ready = [name for name, _ in models if name not in made and needs[name] <= set(made)]
        if not ready:
            raise DatabaseError(f"the SQL models use each other in a circle: {sorted(set(code) - set(made))}")
        made.append(ready[0])
    texts = dict(models)
    for name in made:
        cur.execute(texts[name])


def register_clients(cur: duckdb.DuckDBPyConnection) -> int:
    """Give every client with applications a row (named after its id): a storage rule, kept here so
    that loading needs nothing of the advisor's side. Runs inside a load's transaction, so a client
    appears exactly when its applications do."""
    row = cur.execute(
        """
        insert into clients (client, display_name, started_on)
        select client, client, min(applied_on)
        from applications
        where client not in (select client from clients)
        group by client
        returning client
        """
    ).fetchall()
    return len(row)


def refresh_application_stages(cur: duckdb.DuckDBPyConnection, only_touched: bool = False) -> None:
    """Recompute application_stages: all of it, or for the applications in temp table
    `touched_applications` (a load's changed applications). Runs in the caller's transaction."""
    if only_touched:
        touched, stored = one_row(
            cur.execute(
                "select (select count(*) from touched_applications), (select count(*) from application_stages)"
            )
        )
        # a first load, or one touching much of the data: one pass over all events beats the
        # per-application filter (which the planner cannot push below the history's window)
        only_touched = touched * 3 < stored
    if not only_touched:
        cur.execute("delete from application_stages")
        cur.execute("insert into application_stages by name select * from stage_history(date '9999-12-31')")
        return
    cur.execute(
        "delete from application_stages where application_id in (select application_id from touched_applications)"
    )
    cur.execute(
        "insert into application_stages by name select * from stage_history(date '9999-12-31') "
        "where application_id in (select application_id from touched_applications)"
    )


def run_data_tests(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Name -> number of offending rows, for every data test (all zero on a healthy database)."""
    cur = con.cursor()
    results: dict[str, int] = {}
    with translate_errors("data test failed to run"):
        for name, sql in data_tests():
            row = cur.execute(f"select count(*) from ({sql})").fetchone()  # noqa: S608 - our own files
            results[name.removesuffix(".sql")] = int(row[0]) if row else 0
    return results
