"""The row of a query that always returns one (an aggregate, `current_setting`, a `values` list).

DuckDB types `fetchone()` as Optional because a query can return no row; `count(*)`, `sum(...)` without
`group by` and the like always return exactly one. These two helpers say so once, instead of an
unchecked `fetchone()[0]` at every such call: a query that does return nothing fails here, naming it.
"""

from __future__ import annotations

from typing import Any

import duckdb


def one_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The single row of an executed query that always returns one, e.g. `one_row(cur.execute(sql))`."""
    row = result.fetchone()
    if row is None:
        raise RuntimeError("a query that always returns a row returned none")
    return row


def one_value(result: duckdb.DuckDBPyConnection) -> Any:
    """The first value of that row (`select count(*) ...`)."""
    return one_row(result)[0]
