"""`make snapshot-compare` tells a move that changed the printed JSON: values, key order, floats beyond 1e-12."""

from __future__ import annotations

from benchmarks.json_snapshot import SAMPLES, _differences, _steady


def test_the_same_output_has_no_difference() -> None:
    output = {"a": 1, "b": [1.5, {"c": None}], "d": "x"}
    assert _differences(output, {"a": 1, "b": [1.5, {"c": None}], "d": "x"}) == []


def test_reordered_keys_are_a_difference() -> None:
    assert _differences({"a": 1, "b": 2}, {"b": 2, "a": 1}) == [": keys ['a', 'b'] -> ['b', 'a']"]
    assert _differences({"x": {"a": 1, "b": 2}}, {"x": {"b": 2, "a": 1}}) != []


def test_floats_agree_within_the_tolerance_only() -> None:
    assert _differences({"r": 0.1}, {"r": 0.1 + 1e-13}) == []
    assert _differences({"r": 0.1}, {"r": 0.1 + 1e-9}) == [".r: 0.1 -> 0.100000001"]


def test_changed_missing_and_retyped_values_are_differences() -> None:
    assert _differences({"a": 1}, {"a": 2}) == [".a: 1 -> 2"]
    assert ".b: only before" in _differences({"a": 1, "b": 2}, {"a": 1})
    assert _differences({"a": 1}, {"a": 1.0}) == [".a: 1 -> 1.0"]
    assert _differences([1, 2], [1]) == [": 2 items -> 1"]


def test_what_varies_by_nature_is_made_steady() -> None:
    value = {"seconds": 1.2, "file": f"{SAMPLES}/healthy.csv", "db": "/tmp/abc/x.duckdb"}
    assert _steady(value, "/tmp/abc") == {
        "seconds": "<volatile>",
        "file": "<samples>/healthy.csv",
        "db": "<tmp>/x.duckdb",
    }
