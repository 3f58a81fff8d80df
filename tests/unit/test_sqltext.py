"""The SQL builder accepts only fixed text, allowlisted names and integers, never a plain value."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import sqltext
from pipelines.sqltext import Sql, compose, fixed, join, name, names, placeholders


def test_compose_fills_a_template_with_built_parts() -> None:
    query = compose("select {cols} from t where {cond} limit {n}", cols=names(["a", "b"], {"a", "b"}),
                    cond=fixed("a > ?"), n=3)  # fmt: skip
    assert query == "select a, b from t where a > ? limit 3"
    assert isinstance(query, Sql)


def test_a_plain_string_is_refused_as_a_part() -> None:
    with pytest.raises(TypeError, match="must be SQL built"):
        compose("select * from t where {cond}", cond="1 = 1; drop table t")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        join([fixed("a"), "b"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        compose("select {flag}", flag=True)


def test_names_must_be_allowed_and_look_like_identifiers() -> None:
    assert name("a.client", {"a.client"}) == "a.client"
    with pytest.raises(ValueError, match="not an allowed name"):
        name("company", {"role"})
    with pytest.raises(ValueError, match="not an allowed name"):
        name("x; drop table t", {"x; drop table t"})
    with pytest.raises(ValueError, match="not an allowed name"):
        names(["a", "b)"], {"a", "b)"})


def test_every_field_given_and_every_part_used() -> None:
    with pytest.raises(ValueError, match="missing \\['b'\\]"):
        compose("select {a}, {b}", a=fixed("1"))
    with pytest.raises(ValueError, match="unused \\['c'\\]"):
        compose("select {a}", a=fixed("1"), c=fixed("2"))


def test_placeholders_and_read() -> None:
    assert placeholders(3) == "?, ?, ?"
    with pytest.raises(ValueError):
        placeholders(0)
    with pytest.raises(ValueError, match=r"not a \.sql file"):
        sqltext.read("pipelines.store.sql", "../x.py")


def test_built_text_runs_with_its_values_as_parameters() -> None:
    con = duckdb.connect()
    con.execute("create table t (a integer, b varchar)")
    con.execute(compose("insert into t ({cols}) values ({marks})", cols=names(["a", "b"], {"a", "b"}),
                        marks=placeholders(2)), [1, "x'); drop table t; --"])  # fmt: skip
    assert con.execute("select b from t").fetchall() == [("x'); drop table t; --",)]
