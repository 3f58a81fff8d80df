"""Issue 9's fuzzing, quick version: one case of every kind, and proof that the checks catch a broken load.

`make fuzz` runs 1,000 cases of tests/reliability/fuzz.py; here a seeded few dozen run in the
default test run (a different seed from the long run's, so the two add up).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.load.ingest import IngestResult, LoadOptions, ingest_path
from tests.reliability import fuzz
from tests.reliability.common import database_checksum

QUICK_SEED = 9


def test_fuzzed_files_load_reconciled_or_are_refused_cleanly(tmp_path: Path) -> None:
    cases = len(fuzz.SCHEDULE)  # every generator and every format once
    summary = fuzz.run(cases, QUICK_SEED, tmp_path)
    assert summary.passed, "\n".join(summary.failures)
    assert summary.cases == cases
    assert summary.figures["rows lost"] == 0 and summary.figures["hangs"] == 0
    assert summary.figures["loaded"] > 0 and summary.figures["refused"] > 0
    assert summary.figures["loaded"] + summary.figures["refused"] + summary.figures["dry runs"] == cases


def test_cases_are_the_same_bytes_on_every_run() -> None:
    for index in range(len(fuzz.SCHEDULE)):
        first, second = fuzz.make_case(QUICK_SEED, index), fuzz.make_case(QUICK_SEED, index)
        assert (first.name, first.data, first.options) == (second.name, second.data, second.options), first.label


# --- the checks themselves: a loader that breaks the promise is caught --------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[int, str]]]:
    path = tmp_path_factory.mktemp("fuzz-base") / "base.duckdb"
    fuzz.build_base_database(path)
    return path, database_checksum(path)


def _case() -> fuzz.Case:
    data = b"company,role,applied_on\nAcme,Analyst,2025-01-06\nBeta,Analyst,2025-01-07\n"
    return fuzz.Case(index=0, seed=0, family="generated", kind="generated/test", name="log.csv", data=data)


def _problems(base: tuple[Path, dict[str, tuple[int, str]]], tmp_path: Path, loader: Any) -> list[str]:
    path, checksum = base
    return fuzz.check_case(_case(), path, checksum, tmp_path / "case", ingest=loader)["problems"]


def test_the_real_loader_passes_the_checks(base: tuple[Path, dict[str, tuple[int, str]]], tmp_path: Path) -> None:
    assert _problems(base, tmp_path, ingest_path) == []


def test_an_unhandled_exception_is_a_failure(base: tuple[Path, dict[str, tuple[int, str]]], tmp_path: Path) -> None:
    def loader(con: duckdb.DuckDBPyConnection, path: Path, options: LoadOptions) -> list[IngestResult]:
        raise ValueError("boom")

    (problem,) = _problems(base, tmp_path, loader)
    assert problem.startswith("unhandled ValueError: boom")


def test_counts_that_do_not_reconcile_are_a_failure(
    base: tuple[Path, dict[str, tuple[int, str]]], tmp_path: Path
) -> None:
    def loader(con: duckdb.DuckDBPyConnection, path: Path, options: LoadOptions) -> list[IngestResult]:
        (result,) = ingest_path(con, path, options)
        return [dataclasses.replace(result, rows_read=result.rows_read + 1)]  # a row the counts lost

    problems = _problems(base, tmp_path, loader)
    assert any(p.startswith("does not reconcile: read 3, accounted for 2") for p in problems), problems


def test_a_refusal_that_wrote_data_is_a_failure(base: tuple[Path, dict[str, tuple[int, str]]], tmp_path: Path) -> None:
    def loader(con: duckdb.DuckDBPyConnection, path: Path, options: LoadOptions) -> list[IngestResult]:
        (result,) = ingest_path(con, path, options)  # a partial load: written, then called refused
        return [dataclasses.replace(result, status="refused", message="log.csv: no")]

    problems = _problems(base, tmp_path, loader)
    assert any(p.startswith("refused, yet the data changed: ['application_stages', 'applications'") for p in problems)


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        ("failed", "database error: Binder Error: x", "load failed (not a refusal): database error"),
        ("refused", "log.csv: line 1\nline 2", "refusal message spans lines"),
        ("refused", "", "refused without a message"),
        ("refused", "unexpected error (please report it): KeyError", "refusal message is a bug report"),
    ],
)
def test_a_failed_load_or_an_unclear_refusal_is_a_failure(
    base: tuple[Path, dict[str, tuple[int, str]]], tmp_path: Path, status: str, message: str, expected: str
) -> None:
    def loader(con: duckdb.DuckDBPyConnection, path: Path, options: LoadOptions) -> list[IngestResult]:
        return [IngestResult(file=str(path), status=status, message=message)]

    (problem,) = _problems(base, tmp_path, loader)
    assert problem.startswith(expected), problem


# --- hangs and crashes: reported, and the run still finishes -----------------------------------------


def test_a_hanging_worker_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import time; time.sleep(60)"]
    outcomes = fuzz.run_cases([0, 1], 1, tmp_path, workers=1, timeout=1, command=command)
    assert [o["index"] for o in outcomes] == [0, 1]
    assert all(o["outcome"] == "hang" and o["problems"][0].startswith("hang: no outcome after 1 s") for o in outcomes)


def test_a_dying_worker_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; sys.stdin.readline(); sys.exit(3)"]
    outcomes = fuzz.run_cases([0, 1, 2], 1, tmp_path, workers=2, timeout=30, command=command)
    assert [o["index"] for o in outcomes] == [0, 1, 2]
    assert all(o["problems"][0].startswith("worker died (exit code 3)") for o in outcomes)


# damaged zips the long runs found (seed, case): an offset before the file's start in a LinkedIn export
# and in a workbook, and corrupt LZMA data; each must be a clean refusal, not an OSError or LZMAError
@pytest.mark.parametrize(("seed", "index"), [(20261126, 689), (20261126, 289), (2, 299), (1, 149)])
def test_damaged_archives_found_by_the_long_run(
    base: tuple[Path, dict[str, tuple[int, str]]], tmp_path: Path, seed: int, index: int
) -> None:
    path, checksum = base
    case = fuzz.make_case(seed, index)
    assert fuzz.check_case(case, path, checksum, tmp_path / "case")["problems"] == [], case.label
