"""The shared connection to the database, its content version, and the keys every cache takes.

- one `st.cache_resource` SharedConnection per database path, opened for each call's `with` block
  and closed after a second unused: DuckDB allows one writing process per file, and a load from
  the command line must be able to take it between the dashboard's reruns. Every analysis takes
  its own `con.cursor()` inside pipelines, so sessions share the connection safely;
- a load in another process holding the file: a page waits BUSY_WAIT_SECONDS, then says so.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import duckdb
import streamlit as st

from dashboard.data.auth import _current_viewer
from pipelines.advisors.clients import Viewer
from pipelines.analyse.scope import DEFAULT_WINDOW, Scope
from pipelines.cli.status import content_version
from pipelines.store.db import connect, resolve_db_path
from pipelines.store.sharing import SharedConnection

MAX_CACHED = 128  # results per cached function: filters change often, memory should not grow forever


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices as plain, hashable values (cache keys and query parameters)."""

    as_of: dt.date
    window: int = DEFAULT_WINDOW
    client: str | None = None
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None
    where: tuple[tuple[str, str], ...] = ()

    def key(self) -> tuple[Any, ...]:
        return (self.as_of, self.window, self.client, self.applied_from, self.applied_to, self.where)


# (content version..., viewer): every cached function takes it, so a result is cached per state of
# the data *and* per person. A dashboard shared behind a login never hands one person's numbers to
# another from the cache, whichever function made them.
Version = tuple[Any, ...]


@dataclass(frozen=True)
class Source:
    """Which database, which state of its content, and who is looking (part of every cache key)."""

    path: str
    version: Version

    @property
    def viewer(self) -> Viewer:
        return _viewer_of(self.version)


def _viewer_of(version: Version) -> Viewer:
    viewer = version[-1]
    assert isinstance(viewer, Viewer), "the viewer rides last in every version"
    return viewer


def _scope(key: tuple[Any, ...], version: Version) -> Scope:
    """The analytics scope of the filters, narrowed to the clients the viewer may see."""
    as_of, window, client, applied_from, applied_to, where = key
    return Scope(
        as_of=as_of,
        window=window,
        client=client,
        applied_from=applied_from,
        applied_to=applied_to,
        where=dict(where),
        allowed=_viewer_of(version).clients,
    )


def db_path() -> str:
    """`$BOUNCEBACK_DB`, else the user's default database (the same rule as the CLI)."""
    return str(resolve_db_path(None))


BUSY_WAIT_SECONDS = 2.0  # a page waits this long for a load in another process, then says so


def _open(path: str) -> duckdb.DuckDBPyConnection:
    return connect(path, wait=BUSY_WAIT_SECONDS)


@st.cache_resource(show_spinner=False)
def _shared(path: str) -> SharedConnection:
    return SharedConnection(path, _open)


def _connection(path: str) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """The database, open for the `with` block. Every session shares one connection, and it is
    closed after a second unused (pipelines/store/sharing.py), so `bounceback ingest` in a terminal can
    load while the dashboard runs; the next rerun reopens the file and sees the new data.

    connect() creates and migrates the file like every bounceback command; a failure (the file held
    by a load in another process, not a DuckDB file) raises DatabaseError with one readable line."""
    return _shared(path).use()


def source() -> Source:
    """Open (once per path) the database, read its content version and who is looking.
    Raises DatabaseError."""
    path = db_path()
    with _connection(path) as con:
        return Source(path=path, version=(*content_version(con), _current_viewer(con)))
