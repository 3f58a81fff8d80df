"""pipelines/store/sharing.py: one connection for the dashboard's sessions, let go between reruns.

Time here is a FakeClock that moves only when a test says so: no test sleeps or measures how long
something took (the real timings are `make bench`'s)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.errors import DatabaseBusy, DatabaseError
from pipelines.store.db import connect
from pipelines.store.sharing import RECENT_FAILURE_SECONDS, SharedConnection


@dataclass
class _FakeTimer:
    when: float
    action: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeClock:
    """pipelines.store.db.Clock and pipelines.store.sharing.Clock for the tests: time moves only by `advance`
    (or a `sleep` of the code under test, which advances it at once and is recorded in `slept`),
    and a `call_later` action runs inside the `advance` that passes its moment. `on_sleep` is
    called after each sleep (a test letting another process go meanwhile)."""

    def __init__(self, on_sleep: Callable[[], None] | None = None) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self.timers: list[_FakeTimer] = []
        self._on_sleep = on_sleep
        self._lock = threading.Lock()  # sessions in threads schedule and cancel

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
        if self._on_sleep is not None:
            self._on_sleep()

    def call_later(self, seconds: float, action: Callable[[], None]) -> _FakeTimer:
        timer = _FakeTimer(self.now + seconds, action)
        with self._lock:
            self.timers.append(timer)
        return timer

    def pending(self) -> list[_FakeTimer]:
        with self._lock:
            return [timer for timer in self.timers if not timer.cancelled]

    def advance(self, seconds: float) -> None:
        until = self.now + seconds
        while True:
            with self._lock:
                due = [timer for timer in self.timers if not timer.cancelled and timer.when <= until]
                if not due:
                    break
                timer = min(due, key=lambda t: t.when)
                timer.cancelled = True  # it runs once
                self.now = max(self.now, timer.when)
            timer.action()  # outside the clock's lock: the action takes the connection's
        self.now = until


def _write_from_another_process(db: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]);"
        " c.execute('create table if not exists outside (x int)'); c.execute('insert into outside values (1)')"
    )
    return subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60)


def test_the_file_is_free_for_another_process_once_idle(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    connect(db).close()
    clock = FakeClock()
    shared = SharedConnection(str(db), connect, idle_seconds=0.25, clock=clock)
    with shared.use() as con:
        assert con.execute("select 1").fetchone() == (1,)
        held = _write_from_another_process(db)
        assert held.returncode != 0 and "lock" in held.stderr.lower()  # the check can fail: it is held now
    clock.advance(0.125)  # (sums of halves, exact in floating point)
    assert shared.is_open  # not yet idle long enough
    clock.advance(0.125)
    assert not shared.is_open
    assert _write_from_another_process(db).returncode == 0
    with shared.use() as con:  # reopened: sees what the other process wrote
        assert con.execute("select count(*) from outside").fetchone() == (1,)
    assert shared.opened == 2
    shared.close()
    assert not shared.is_open and clock.pending() == []  # closing now cancels the idle timer


def test_a_call_within_the_idle_time_keeps_the_connection_and_starts_the_idle_time_again(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    clock = FakeClock()
    shared = SharedConnection(str(db), connect, idle_seconds=1.0, clock=clock)
    with shared.use():
        pass
    clock.advance(0.75)
    with shared.use():  # the next rerun, just in time
        pass
    clock.advance(0.75)
    assert shared.is_open and shared.opened == 1  # 1.5 s since the first call, 0.75 since the last
    assert len(clock.pending()) == 1  # the first call's timer was cancelled, not left to fire
    clock.advance(0.25)
    assert not shared.is_open and clock.pending() == []


def test_calls_in_a_row_and_from_many_threads_share_one_opening(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    connect(db).close()
    clock = FakeClock()
    shared = SharedConnection(str(db), connect, idle_seconds=5, clock=clock)
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
    assert len(clock.pending()) == 1  # the last call's; every earlier one was cancelled
    clock.advance(5)
    assert not shared.is_open


def test_a_connection_in_use_is_never_closed_under_its_user(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    connect(db).close()
    clock = FakeClock()
    shared = SharedConnection(str(db), connect, idle_seconds=0.05, clock=clock)
    with shared.use():
        with shared.use() as con:  # nested: a data function calling another
            pass
        clock.advance(0.3)  # longer than the idle time, but the outer block still uses it
        assert shared.is_open and con.execute("select 1").fetchone() == (1,)
    assert shared.is_open
    clock.advance(0.3)
    assert not shared.is_open


def test_the_idle_timer_firing_as_a_caller_comes_in_leaves_the_connection_open(tmp_path: Path) -> None:
    """A timer can fire just after a caller took the connection (too late for cancel): the closer
    sees the caller and keeps it."""
    clock = FakeClock()
    shared = SharedConnection(str(tmp_path / "d.duckdb"), connect, idle_seconds=1.0, clock=clock)
    with shared.use():
        pass
    (timer,) = clock.pending()
    with shared.use() as con:
        timer.action()  # the timer's thread, already running when the caller cancelled it
        assert shared.is_open and con.execute("select 1").fetchone() == (1,)
    shared.close()


def test_a_failed_opening_is_raised_and_retried_next_time(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    attempts: list[str] = []

    def flaky(path: str) -> duckdb.DuckDBPyConnection:
        attempts.append(path)
        if len(attempts) == 1:
            raise DatabaseError("the database is in use")
        return connect(path)

    clock = FakeClock()
    shared = SharedConnection(str(db), flaky, idle_seconds=0.05, clock=clock)
    with pytest.raises(DatabaseError), shared.use():
        pass
    # soon after: the same answer, without another attempt (the other calls of a rerun do not wait again)
    clock.advance(RECENT_FAILURE_SECONDS / 2)
    with pytest.raises(DatabaseError, match="in use"), shared.use():
        pass
    assert len(attempts) == 1
    clock.advance(RECENT_FAILURE_SECONDS / 2)  # a click on "Try again" later tries afresh
    with shared.use() as con:
        assert con.execute("select 1").fetchone() == (1,)
    assert len(attempts) == 2
    shared.close()


def test_sessions_arriving_while_the_file_is_busy_wait_once_together(tmp_path: Path) -> None:
    """Five sessions while another process holds the file: one wait for all (found in review: they
    used to wait in turn, 2, 4, 6, 8 and 10 s). The opening (connect() waiting for the other
    process, then giving up) lasts until all five have asked for the connection."""
    sessions = 5
    asked = threading.Semaphore(0)
    attempts: list[str] = []

    def busy(path: str) -> duckdb.DuckDBPyConnection:
        attempts.append(path)
        if len(attempts) == 1:  # (a second attempt is the failure: it gives up at once)
            for _ in range(sessions):  # the timeout only keeps a broken run from hanging
                asked.acquire(timeout=10)
        raise DatabaseBusy("the database is in use by another process")

    clock = FakeClock()  # it does not move: every failure is recent, whenever a thread gets to it
    shared = SharedConnection(str(tmp_path / "d.duckdb"), busy, idle_seconds=1.0, clock=clock)
    refused: list[str] = []

    def session() -> None:
        asked.release()
        with pytest.raises(DatabaseBusy), shared.use():
            pass
        refused.append("busy")

    threads = [threading.Thread(target=session) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refused == ["busy"] * sessions and len(attempts) == 1
