"""pipelines/rows.py: the row of a query that always returns one."""

import duckdb
import pytest

from pipelines.rows import one_row, one_value


def test_one_row_and_one_value_read_an_aggregate():
    con = duckdb.connect(":memory:")
    assert one_row(con.execute("select count(*), 'x' from range(3)")) == (3, "x")
    assert one_value(con.execute("select count(*) from range(0)")) == 0


def test_a_query_that_returns_no_row_fails_saying_so():
    con = duckdb.connect(":memory:")
    with pytest.raises(RuntimeError, match="returned none"):
        one_row(con.execute("select 1 where false"))
