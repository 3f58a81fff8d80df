"""What every reliability category shares: its summary, and a checksum of a whole database."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.store.db import connect


@dataclass
class Summary:
    """The outcome of one category: written into RELIABILITY.md and checked by the tests.

    `failures` holds one line per case that broke a promise (with the seed or file to reproduce it);
    a category passes when it is empty. `figures` are the counts the report shows (cases tried,
    kills survived, rows lost, leaks found ...), named for the reader."""

    category: str
    command: str  # how to reproduce this category alone
    cases: int = 0
    figures: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "passed": self.passed}


def user_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table of the main schema (data, mappings, clients, notes, access, migrations)."""
    rows = (
        con.cursor()
        .execute(
            "select table_name from duckdb_tables() where database_name = current_database()"
            " and schema_name = 'main' and not temporary order by 1"
        )
        .fetchall()
    )
    return [row[0] for row in rows]


def database_checksum(path: Path) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest of every table of the database file at `path`,
    opened the way bounceback opens it (so a database that needs repair fails here)."""
    con = connect(path)
    try:
        cur = con.cursor()
        sums = {}
        for table in user_tables(con):
            # identifiers from the catalogue itself, quoted: never user text
            digest = "coalesce(md5(string_agg(t::varchar, '|' order by t::varchar)), '')"
            row = cur.execute(f'select count(*), {digest} from "{table}" as t').fetchone()
            sums[table] = (int(row[0]), str(row[1]))
        return sums
    finally:
        con.close()
