"""Shared fixtures: real DuckDB files in tmp_path, files written by the tests themselves."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, settings

from pipelines.store.db import connect

# `make test` runs a quick pass; HYPOTHESIS_PROFILE=thorough runs the long one.
settings.register_profile("default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
DATA_TABLES = ("applications", "events", "ingest_runs", "ingest_rejects", "ingest_skips")


@pytest.fixture
def fresh_streamlit_caches() -> Iterator[None]:
    """Empty st.cache_data and st.cache_resource before and after a dashboard test: they are
    process-wide, and a connection or result from another test's database must not leak."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def loaded_database(path: Path, *files: tuple[Path, str | None]) -> Path:
    """A database file with each (file, client) loaded: every load must succeed."""
    from pipelines.load.ingest import ingest_file

    con = connect(path)
    try:
        for file, client in files:
            result = ingest_file(con, file, client=client)
            assert result.status == "loaded", result.message
    finally:
        con.close()
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bounceback.duckdb"


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(db_path)
    yield connection
    connection.close()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    line_ending: str = "\n",
    quote_all: bool = False,
) -> Path:
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, lineterminator=line_ending, quoting=quoting)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest of every data table's content."""
    cur = con.cursor()
    sums = {}
    for table in DATA_TABLES:
        row = cur.execute(
            f"select count(*), coalesce(md5(string_agg(t::varchar, '|' order by t::varchar)), '') from {table} as t"
        ).fetchone()
        sums[table] = (int(row[0]), row[1])
    return sums


def sample_files() -> list[Path]:
    """The committed persona searches (each has its truth file beside it; the template has none)."""
    return sorted(p for p in SAMPLE_DIR.glob("*.csv") if p.with_suffix(".truth.json").exists())


@contextlib.contextmanager
def held_by_another_process(db: Path, seconds: float = 600) -> Iterator[subprocess.Popen[str]]:
    """Another process holds `db` open for writing (as a load does) for `seconds`, then lets go; the
    block starts once it holds it. DuckDB lets one process at a time write a file."""
    code = (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
        " time.sleep(float(sys.argv[2])); c.close()"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=20)
