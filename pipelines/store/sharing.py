"""A long-running process's connection to a database file that other processes use too.

DuckDB lets one process at a time open a file for writing, and holds the file's lock for as long as
a connection is open. The dashboard runs for days: if it kept its connection open, `bounceback
ingest` in a terminal could never load while it runs. A SharedConnection opens the file when a
caller needs it and closes it once nobody has used it for `idle_seconds`, so a load in another
process gets the file between the dashboard's reruns, and the next rerun opens the file afresh and
sees the new data. While another process holds the file, opening raises the DatabaseError of
`pipelines.store.db.connect` (after its own short wait), which the dashboard shows as one line.

Threads (the dashboard's sessions) share the one connection; every query in pipelines takes its own
`cursor()`, so they never run two statements on one DuckDB connection at once.

Its time comes from a `Clock` (the real one by default): the tests pass a fake that moves only when
told, so they check that the file closes once the idle time has passed without waiting for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

import duckdb

from pipelines.store import db

IDLE_SECONDS = 1.0  # a rerun's calls come milliseconds apart; a second of silence means it is over
# a failed opening answers the calls that arrive this soon after it (the rest of that rerun, the
# sessions that waited for it); a click on "Try again" later tries afresh
RECENT_FAILURE_SECONDS = 0.25


class Timer(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What a SharedConnection needs of time: now, and an action to run once some seconds pass."""

    def monotonic(self) -> float: ...

    def call_later(self, seconds: float, action: Callable[[], None]) -> Timer: ...


class SystemClock(db.SystemClock):
    """The real time; call_later runs the action in a threading.Timer."""

    def call_later(self, seconds: float, action: Callable[[], None]) -> Timer:
        timer = threading.Timer(seconds, action)
        # not a daemon: at exit Python waits (at most `seconds`) for it to close the connection. A
        # daemon thread stopped by the interpreter inside DuckDB's close aborts the process ("FATAL:
        # exception not rethrown", exit 134).
        timer.daemon = False
        timer.start()
        return timer


SYSTEM_CLOCK = SystemClock()


class SharedConnection:
    def __init__(
        self,
        path: str,
        opener: Callable[[str], duckdb.DuckDBPyConnection],
        idle_seconds: float = IDLE_SECONDS,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.path = path
        self._opener = opener
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._lock = threading.Lock()  # the connection, its users and the closer
        self._opening = threading.Lock()  # one opening at a time; the others take its outcome
        self._failure: tuple[BaseException, float] | None = None  # the last opening's error, and when
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._closer: Timer | None = None
        self.opened = 0  # how many times the file was opened (the tests read it)

    @contextmanager
    def use(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The open connection, for the duration of the block. Raises what the opener raises."""
        con = self._acquire()
        try:
            yield con
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    self._closer = self._clock.call_later(self._idle_seconds, self._close_if_idle)

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        # The opener may wait for another process to let go of the file (seconds). It runs outside
        # self._lock, so the closer and the users never wait behind it, and under self._opening, so
        # that sessions arriving meanwhile take its outcome instead of each waiting in turn: ten
        # sessions during a load get "busy" after one wait, not after ten.
        with self._opening:
            with self._lock:
                if self._closer is not None:
                    self._closer.cancel()
                    self._closer = None
                if self._con is not None:
                    self._users += 1
                    return self._con
                if self._failure is not None and self._clock.monotonic() - self._failure[1] < RECENT_FAILURE_SECONDS:
                    error = self._failure[0]
                    raise type(error)(*error.args)  # a copy: one exception object is not shared by threads
            try:
                con = self._opener(self.path)
            except Exception as e:
                with self._lock:
                    self._failure = (e, self._clock.monotonic())
                raise
            with self._lock:
                self._failure = None
                self._con = con
                self.opened += 1
                self._users += 1
                return con

    def _close_if_idle(self) -> None:
        with self._lock:
            # a caller that came in after the timer fired (users > 0) keeps the connection
            if self._users == 0 and self._con is not None:
                self._con.close()
                self._con = None

    def close(self) -> None:
        """Close now if nobody is using it (the tests, and a server shutting down)."""
        with self._lock:
            if self._closer is not None:
                self._closer.cancel()
                self._closer = None
        self._close_if_idle()

    @property
    def is_open(self) -> bool:
        return self._con is not None
