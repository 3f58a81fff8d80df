"""Issue 9 (faults), the quick versions for `make test`: a few SIGKILLs during a load, the re-run
after one, and a full disk or a database that may not be written. The long run (20 kills of a
200,000-row load) is `make reliability` (tests/reliability/faults.py)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.errors import DatabaseError, StorageError
from pipelines.store.db import connect, storage_failure, translate_errors
from tests.reliability import faults
from tests.reliability.common import database_checksum

SEED = 20261126
ROWS = 10_000  # a load of a few seconds, most of it the interpreter starting
# the kernel's own ENOSPC: every write to /dev/full fails with it (Linux, most Unixes)
needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> faults.Bench:
    return faults.prepare(tmp_path_factory.mktemp("faults-inputs"), load_rows=ROWS, seed=SEED)


def test_loads_killed_at_seeded_moments_leave_every_table_as_before(bench: faults.Bench, tmp_path: Path) -> None:
    outcomes, kept = faults.run_kills(bench, 3, SEED, tmp_path)
    broken = [o for o in outcomes if o.result not in ("unchanged", "complete", "finished")]
    assert not broken, broken
    mid_load = [o for o in outcomes if o.landed is not None and o.result == "unchanged"]
    assert len(mid_load) >= 3, outcomes
    # every kill before the commit: the checksum of every table is the one taken before the load
    assert kept is not None and database_checksum(kept) == bench.base_sums
    # a kill after the commit leaves the whole load, never a part of it
    assert all(o.phase in (faults.WRITING, faults.AFTER_COMMIT) for o in outcomes if o.result == "complete")
    assert sum(o.rows_lost for o in outcomes) == 0


def test_a_killed_load_loads_again_like_a_clean_one_and_once_more_changes_nothing(
    bench: faults.Bench, tmp_path: Path
) -> None:
    db = tmp_path / "killed.duckdb"
    shutil.copyfile(bench.base_db, db)
    load = faults.Load(bench.load_csv, db)
    landed = load.kill_at(faults.amid_the_write(random.Random(SEED), bench), bench.phases)
    assert landed is not None and load.phase(landed) == faults.WRITING
    rerun, reimport, failures = faults.rerun_after_kill(bench, db)
    assert not failures, (rerun, reimport)
    assert reimport.startswith("0 inserted, 0 updated")


@pytest.mark.parametrize(
    ("change", "lost"),
    [
        ("delete from applications where application_id in (select application_id from applications limit 10)", 10),
        (
            "update applications set notes = 'half of a load'"
            " where application_id = (select min(application_id) from applications)",
            0,
        ),
    ],
)
def test_the_checks_notice_a_load_that_is_not_all_or_nothing(
    bench: faults.Bench, tmp_path: Path, change: str, lost: int
) -> None:
    """What a kill would leave if a load were not one transaction (rows gone, or one row changed
    with every data test still passing): neither 'unchanged' nor 'complete'."""
    db = tmp_path / "half.duckdb"
    shutil.copyfile(bench.base_db, db)
    con = connect(db)
    try:
        con.execute(change)
    finally:
        con.close()
    result, _, rows_lost = faults.verify_after_kill(db, bench)
    assert result == "changed"
    assert rows_lost == lost


STORAGE_CASES: dict[str, Callable[[faults.Bench, Path], faults.StorageCase]] = {
    "disk full (log on /dev/full)": lambda b, w: faults.storage_disk_full(b.base_db, b.small_csv, w),
    "file size limit": lambda b, w: faults.storage_size_limit(b.base_db, b.load_csv, w),
    "disk full creating the database": lambda b, w: faults.storage_new_database(b.small_csv, w),
    "database file may not be written": lambda b, w: faults.storage_read_only_file(b.base_db, b.small_csv, w),
    "database folder may not be written": lambda b, w: faults.storage_read_only_folder(b.base_db, b.small_csv, w),
}


@pytest.mark.parametrize("name", list(STORAGE_CASES))
def test_storage_failures_print_one_line_and_leave_the_database_as_it_was(
    bench: faults.Bench, tmp_path: Path, name: str
) -> None:
    case = STORAGE_CASES[name](bench, tmp_path)
    if case.skipped:
        pytest.skip(case.skipped)
    assert case.problems() == [], (case.stderr, case.stdout)


def test_a_full_disk_stops_the_command_and_keeps_the_files_loaded_before(bench: faults.Bench, tmp_path: Path) -> None:
    """Files may grow to 1 MB: a one-row file fits, the next one does not. The first stays loaded,
    the second is one line (with --json: a failed file with that line as its message), and the
    third is not tried: it would fail the same way."""
    header, first_row = bench.small_csv.read_text(encoding="utf-8").splitlines()[:2]
    one_row = tmp_path / "one-row.csv"
    one_row.write_text(f"{header}\n{first_row.replace('me,', 'someone else,', 1)}\n", encoding="utf-8")
    for mode in ("human", "json"):
        db = tmp_path / f"{mode}.duckdb"
        shutil.copyfile(bench.base_db, db)
        files = [str(one_row), str(bench.small_csv), str(one_row)]
        args = ["ingest", *files, "--db", str(db), "--quiet", *(["--json"] if mode == "json" else [])]
        done = faults.run_cli(args, file_size_limit=1_000_000)
        assert done.returncode == 1, done.stderr
        if mode == "human":
            assert done.stdout.startswith("one-row.csv: canonical file, 1 row read = 1 inserted")
            assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
            assert done.stderr.startswith(f"bounceback: cannot write the database {db}: the file reached the largest")
            assert done.stderr.rstrip().endswith(f"({bench.small_csv.name} was not loaded)")
        else:
            payload = json.loads(done.stdout)
            assert payload["ok"] is False and done.stderr == ""
            assert [f["status"] for f in payload["files"]] == ["loaded", "failed"]
            assert payload["files"][1]["message"].startswith(f"cannot write the database {db}: the file reached")
        con = connect(db)
        try:
            clients = dict(con.execute("select client, count(*) from applications group by 1").fetchall())
        finally:
            con.close()
        assert clients["someone else"] == 1
        assert sum(clients.values()) == bench.base_fast["applications"][0] + 1


def test_opening_a_database_that_may_not_be_written_is_one_line(bench: faults.Bench, tmp_path: Path) -> None:
    db = tmp_path / "locked.duckdb"
    shutil.copyfile(bench.base_db, db)
    with faults.locked_against_writing(db) as impossible:
        if impossible:
            pytest.skip(impossible)
        done = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "status", "--db", str(db)],
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"bounceback: cannot write the database {db}: ")


@needs_dev_full
def test_a_failed_commit_reports_the_full_disk_not_the_rollback_after_it(bench: faults.Bench, tmp_path: Path) -> None:
    """A COMMIT that fails ends the transaction; the caller's ROLLBACK then fails too ('no
    transaction is active'), and that must not hide the full disk."""
    db = tmp_path / "full.duckdb"
    shutil.copyfile(bench.base_db, db)
    Path(f"{db}.wal").symlink_to("/dev/full")
    con = connect(db)
    try:
        cur = con.cursor()
        full = r"no space left on the device \(writing its log full\.duckdb\.wal\)"
        with pytest.raises(StorageError, match=full), translate_errors("writing failed"):
            cur.execute("begin transaction")
            try:
                cur.execute("insert into ingest_skips select 1, range, 'a reason' from range(1000)")
                cur.execute("commit")
            except BaseException:
                cur.execute("rollback")  # fails too: the failed commit ended the transaction
                raise
    finally:
        con.close()
        Path(f"{db}.wal").unlink()
    assert database_checksum(db) == bench.base_sums


@needs_dev_full
def test_creating_a_database_on_a_full_disk_is_a_storage_error(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    Path(f"{db}.wal").symlink_to("/dev/full")
    with pytest.raises(StorageError, match=f"cannot write the database {db}: no space left on the device"):
        connect(db)


def test_only_the_database_is_called_the_database(bench: faults.Bench, tmp_path: Path) -> None:
    export = tmp_path / "out.csv"
    export.write_text("client\nme\n", encoding="utf-8")
    # a full disk while exporting is the export's problem, and keeps its own message
    assert storage_failure(f'IO Error: Could not write file "{export}": No space left on device') is None
    # not a storage failure at all
    assert storage_failure(f'IO Error: Could not read file "{bench.base_db}": Input/output error') is None
    spilled = storage_failure(
        f'IO Error: Could not write file "{bench.base_db}.tmp/duckdb_temp_storage_S32K-0.tmp": No space left on device'
    )
    assert spilled == (
        f"cannot write the database {bench.base_db}: no space left on the device (writing its temporary files in"
        f" {bench.base_db}.tmp); free some space on that disk, then run the command again"
    )


def test_a_database_path_with_lock_in_it_is_not_taken_for_a_busy_database(tmp_path: Path) -> None:
    not_a_database = tmp_path / "blocked" / "clock.duckdb"
    not_a_database.parent.mkdir()
    not_a_database.write_text("client,company\nme,Acme\n", encoding="utf-8")
    with pytest.raises(DatabaseError, match="is not a bounceback") as caught:
        connect(not_a_database)
    assert "in use" not in str(caught.value)
