"""How a load shows it is working, and what it may use: step lines on stderr, the memory limit."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator

import duckdb

from pipelines.rows import one_value


class Progress:
    """Step lines on stderr for loads that take a while (large files or an interactive terminal)."""

    def __init__(self, name: str, size: int, enabled: bool | None) -> None:
        self.name = name
        self.enabled = enabled if enabled is not None else (size > 20_000_000 or sys.stderr.isatty())
        self.started = time.perf_counter()

    def step(self, text: str) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self.started
            print(f"  {self.name}: {text} ({elapsed:.1f}s)", file=sys.stderr, flush=True)


# A load's working set (the staged file, its checked copy, the new rows) spills to disk beyond this,
# so loading a million rows peaks near 1.1 GB of memory instead of ~2.8 GB, for ~15 % more time.
LOAD_MEMORY_LIMIT_BYTES = 1_000_000_000


_UNITS = {"bytes": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4,
          "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4}  # fmt: skip


def _setting_bytes(text: str) -> float | None:
    number, _, unit = text.strip().partition(" ")
    try:
        return float(number) * _UNITS[unit.strip() or "bytes"]
    except (ValueError, KeyError):
        return None


@contextlib.contextmanager
def memory_limit(cur: duckdb.DuckDBPyConnection, limit: int) -> Iterator[None]:
    """Lower DuckDB's memory limit for the load (never raise one a caller set lower), then put the
    old one back. The setting is the database's, so it holds for other cursors meanwhile too."""
    previous = str(one_value(cur.execute("select current_setting('memory_limit')")))
    current = _setting_bytes(previous)
    if current is None or current <= limit:  # lower already, or a form we cannot read: left alone
        yield
        return
    cur.execute(f"set memory_limit = '{limit}B'")  # an int of ours, never user text
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):
            # the shown value is rounded ("18.8 GiB"): the default comes back exactly by a reset
            cur.execute("reset memory_limit")
            if one_value(cur.execute("select current_setting('memory_limit')")) != previous:
                cur.execute(f"set memory_limit = '{int(current)}B'")  # an int, never text
