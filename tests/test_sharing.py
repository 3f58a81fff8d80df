"""pipelines/sharing.py: one connection for the dashboard's sessions, let go between reruns."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.db import connect
from pipelines.errors import DatabaseError
from pipelines.sharing import SharedConnection


def _write_from_another_process(db: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]);"
        " c.execute('create table if not exists outside (x int)'); c.execute('insert into outside values (1)')"
    )
    return subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60)


def test_the_file_is_free_for_another_process_once_idle(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    connect(db).close()
    shared = SharedConnection(str(db), connect, idle_seconds=0.2)
    with shared.use() as con:
        assert con.execute("select 1").fetchone() == (1,)
        held = _write_from_another_process(db)
        assert held.returncode != 0 and "lock" in held.stderr.lower()  # the check can fail: it is held now
    time.sleep(0.6)
    assert not shared.is_open
    assert _write_from_another_process(db).returncode == 0
    with shared.use() as con:  # reopened: sees what the other process wrote
        assert con.execute("select count(*) from outside").fetchone() == (1,)
    assert shared.opened == 2
    shared.close()
    assert not shared.is_open


def test_calls_in_a_row_and_from_many_threads_share_one_opening(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    connect(db).close()
    shared = SharedConnection(str(db), connect, idle_seconds=5)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(20):
                with shared.use() as con:
                    assert con.cursor().execute("select count(*) from applications").fetchone() == (0,)
        except BaseException as e:  # collected: an assert in a thread would be lost
            errors.append(e)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and shared.opened == 1
    shared.close()


def test_a_connection_in_use_is_never_closed_under_its_user(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    connect(db).close()
    shared = SharedConnection(str(db), connect, idle_seconds=0.05)
    with shared.use():
        with shared.use() as con:  # nested: a data function calling another
            pass
        time.sleep(0.3)  # longer than the idle time, but the outer block still uses it
        assert shared.is_open and con.execute("select 1").fetchone() == (1,)
    time.sleep(0.3)
    assert not shared.is_open


def test_a_failed_opening_is_raised_and_retried_next_time(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    attempts: list[str] = []

    def flaky(path: str) -> duckdb.DuckDBPyConnection:
        attempts.append(path)
        if len(attempts) == 1:
            raise DatabaseError("the database is in use")
        return connect(path)

    shared = SharedConnection(str(db), flaky, idle_seconds=0.05)
    with pytest.raises(DatabaseError), shared.use():
        pass
    # at once: the same answer, without another attempt (the other calls of a rerun do not wait again)
    with pytest.raises(DatabaseError, match="in use"), shared.use():
        pass
    assert len(attempts) == 1
    time.sleep(0.3)
    with shared.use() as con:
        assert con.execute("select 1").fetchone() == (1,)
    assert len(attempts) == 2
    shared.close()


def test_sessions_arriving_while_the_file_is_busy_wait_once_together(tmp_path: Path) -> None:
    """Five sessions while another process holds the file: one wait for all (found in review: they
    used to wait in turn, 2, 4, 6, 8 and 10 s)."""
    from pipelines.errors import DatabaseBusy

    attempts: list[float] = []

    def busy(path: str) -> duckdb.DuckDBPyConnection:
        attempts.append(time.monotonic())
        time.sleep(0.5)  # connect() waiting for the other process, then giving up
        raise DatabaseBusy("the database is in use by another process")

    shared = SharedConnection(str(tmp_path / "d.duckdb"), busy, idle_seconds=1.0)
    finished: list[float] = []

    def session() -> None:
        with pytest.raises(DatabaseBusy), shared.use():
            pass
        finished.append(time.monotonic())

    started = time.monotonic()
    threads = [threading.Thread(target=session) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(finished) == 5 and len(attempts) == 1
    assert max(finished) - started < 1.5
