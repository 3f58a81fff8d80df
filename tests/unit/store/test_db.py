"""Opening the database: migrations, models, read-only use, clear errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.errors import DatabaseBusy, DatabaseError
from pipelines.store import db
from tests.conftest import held_by_another_process
from tests.unit.store.test_sharing import FakeClock


def test_new_database_is_migrated_once(db_path: Path) -> None:
    con = db.connect(db_path)
    latest = max(version for version, _, _ in db.migrations())
    assert db.schema_version(con) == latest
    con.close()
    con = db.connect(db_path)  # reopening applies nothing twice
    rows = con.execute("select count(*) from schema_version").fetchone()[0]
    assert rows == latest
    con.close()


def test_database_from_an_older_version_is_upgraded_in_place(db_path: Path) -> None:
    # simulate a database written before any migration: only an unrelated user table
    raw = duckdb.connect(str(db_path))
    raw.execute("create table my_notes (x varchar); insert into my_notes values ('keep me')")
    raw.close()
    con = db.connect(db_path)
    assert con.execute("select x from my_notes").fetchone()[0] == "keep me"
    assert db.schema_version(con) >= 1
    con.close()


def test_read_only_connection_needs_an_existing_current_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database at"):
        db.connect(tmp_path / "missing.duckdb", read_only=True)
    old = tmp_path / "old.duckdb"
    duckdb.connect(str(old)).close()
    with pytest.raises(DatabaseError, match="schema version 0"):
        db.connect(old, read_only=True)


def test_not_a_database_file_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_text("company,applied_on\nA,2025-01-01\n")
    with pytest.raises(DatabaseError) as caught:
        db.connect(bogus)
    assert "bogus.duckdb" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_models_are_refreshed_when_their_text_changes(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = db.connect(db_path)
    con.execute("drop macro table application_facts")
    con.close()
    # the stored fingerprint no longer matches once it is cleared: the next open recreates the models
    con = duckdb.connect(str(db_path))
    con.execute("delete from model_fingerprint")
    con.close()
    con = db.connect(db_path)
    assert con.execute("select count(*) from application_facts(current_date, 30)").fetchone()[0] == 0
    con.close()


def test_data_tests_find_planted_problems(db_path: Path) -> None:
    con = db.connect(db_path)
    con.execute(
        "insert into events values ('e1', 'no-such-application', 'interview', null, 1, 'test', null, null),"
        " ('e1', 'no-such-application', 'dancing', null, null, 'test', null, null)"
    )
    failures = {name: count for name, count in db.run_data_tests(con).items() if count}
    assert failures == {"events_have_application": 2, "events_known_type": 1, "events_unique": 1}
    con.close()


def test_default_location_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.DB_ENV_VAR, raising=False)
    path = db.default_db_path()
    assert path.name == "bounceback.duckdb" and "bounceback" in str(path.parent)


def test_a_damaged_database_is_said_at_once_not_taken_for_a_busy_one(tmp_path: Path) -> None:
    """DuckDB's "Corrupt database file: … in block at …" holds the letters "lock": it is not a lock
    held by another process, so there is no wait and no "try again" (found in review)."""
    path = tmp_path / "damaged.duckdb"
    con = db.connect(path)
    con.execute("create table big as select range as x, 'text' || range as y from range(200000)")
    con.close()
    data = bytearray(path.read_bytes())
    block_size, header = 262144, 12288
    refused = []
    for block in range((len(data) - header) // block_size):
        damaged = bytearray(data)
        damaged[header + block * block_size + 100] ^= 0xFF
        path.write_bytes(bytes(damaged))
        clock = FakeClock()
        try:
            db.connect(path, wait=5, clock=clock).close()
        except DatabaseError as e:
            assert not isinstance(e, DatabaseBusy), str(e)
            assert clock.slept == [], "it waited for a lock nobody holds"
            assert "\n" not in str(e)
            refused.append(str(e))
    assert any("Corrupt" in message or "checksum" in message for message in refused), refused


def test_a_database_held_by_another_process_is_waited_for_then_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "held.duckdb"
    db.connect(path).close()
    monkeypatch.setattr(db, "LOCK_POLL_SECONDS", 0.25)  # (quarters add up exactly)
    clock = FakeClock()
    with held_by_another_process(path), pytest.raises(DatabaseBusy, match=r"in use by another process.*waited 1 s"):
        db.connect(path, wait=1.0, clock=clock)
    # it looked at 0, 0.25, 0.5, 0.75 and 1 s, and gave up at the deadline
    assert clock.slept == [0.25] * 4
    unheld = FakeClock()
    db.connect(path, wait=1.0, clock=unheld).close()  # the file free: opened at once
    assert unheld.slept == []


def test_a_database_let_go_during_the_wait_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    db.connect(path).close()
    with held_by_another_process(path) as holder:

        def let_go_after_the_second_look() -> None:
            if len(clock.slept) == 2:
                holder.kill()
                holder.wait(timeout=20)

        clock = FakeClock(on_sleep=let_go_after_the_second_look)
        con = db.connect(path, wait=5, clock=clock)
        assert con.execute("select count(*) from schema_version").fetchone()[0] >= 1
        con.close()
    assert clock.slept == [db.LOCK_POLL_SECONDS] * 2
