"""Refusals about dates say what to do (issue 16, items 5, 6 and 10).

- `--date-order` against values that prove the other order is refused, naming them: read that way
  they would be rejected and every ambiguous date stored with day and month swapped.
- No applied date column: the refusal names the file's columns that hold dates and the `--map`.
- What a load says about a column's dates is the same on every run, and names its format plainly.

Every fixture is written here, in the shape the issue describes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import duckdb
import pytest

from pipelines.cli.commands import main
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect_memory
from tests.conftest import table_checksums, write_csv

# M/D/Y proved by 11/25/2023 and the like (no 25th month); the rest read either way
MDY_DATES = ["11/25/2023", "01/02/2024", "12/13/2023", "03/04/2024", "3/14/2024", "02/20/2024", "05/06/2024"]
# D/M/Y proved by 25/11/2023 and the like
DMY_DATES = ["25/11/2023", "02/01/2024", "13/12/2023", "04/03/2024", "14/3/2024", "20/02/2024", "06/05/2024"]


def _log(tmp_path: Path, dates: list[str], name: str = "log.csv") -> Path:
    rows = [[f"Co{i}", "Analyst", value, "Applied"] for i, value in enumerate(dates)]
    return write_csv(tmp_path / name, ["Company", "Role", "Date Applied", "Status"], rows)


def _runs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.cursor().execute("select status, coalesce(message, '') from ingest_runs order by run_id").fetchall()


def _stored(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date]:
    return dict(con.cursor().execute("select company, applied_on from applications").fetchall())


# --- item 5: a --date-order the file contradicts is refused ---------------------------------------


def test_date_order_dmy_on_a_file_that_proves_mdy_is_refused_and_writes_nothing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "first.csv", ["company", "role", "applied_on"], [["Old", "R", "2023-01-05"]])
    assert ingest_file(con, first).inserted == 1
    before = table_checksums(con)
    result = ingest_file(con, _log(tmp_path, MDY_DATES), date_order="dmy")
    assert result.status == "refused" and not result.ok
    assert result.inserted == result.updated == result.rejected == 0
    message = result.message
    assert message.startswith("log.csv: --date-order dmy contradicts column 'Date Applied': ")
    # the first three proving values in sorted order, whatever the file's order
    assert "'02/20/2024', '11/25/2023', '12/13/2023' can only be M/D/Y (4 values like these)" in message
    assert "drop --date-order" in message and "pass --date-order mdy" in message
    assert "\n" not in message
    after = table_checksums(con)
    assert {t: after[t] for t in ("applications", "events")} == {t: before[t] for t in ("applications", "events")}
    assert _runs(con)[-1] == ("refused", message)
    # doing what it says loads every row, the proving ones included, the right way round
    for order in (None, "mdy"):
        result = ingest_file(con, _log(tmp_path, MDY_DATES), date_order=order)
        assert result.status == "loaded" and result.rejected == 0
    stored = _stored(con)
    assert stored["Co0"] == dt.date(2023, 11, 25) and stored["Co1"] == dt.date(2024, 1, 2)
    # and re-importing stays harmless
    again = ingest_file(con, _log(tmp_path, MDY_DATES))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(MDY_DATES))


def test_date_order_mdy_on_a_file_that_proves_dmy_is_refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    result = ingest_file(con, _log(tmp_path, DMY_DATES), date_order="mdy")
    assert result.status == "refused"
    assert "--date-order mdy contradicts column 'Date Applied'" in result.message
    assert "'13/12/2023', '14/3/2024', '20/02/2024' can only be D/M/Y" in result.message
    assert "pass --date-order dmy" in result.message
    assert _stored(con) == {}
    # a dry run is refused the same way, and records nothing
    dry = ingest_file(con, _log(tmp_path, DMY_DATES), date_order="mdy", dry_run=True)
    assert dry.status == "refused" and dry.message == result.message
    assert len(_runs(con)) == 1
    assert ingest_file(con, _log(tmp_path, DMY_DATES), date_order="dmy").inserted == len(DMY_DATES)


def test_the_refusal_is_the_same_on_every_run_whatever_the_row_order(tmp_path: Path) -> None:
    proving = [f"{month}/{day}/2024" for month in range(1, 13) for day in (13, 20, 28)]
    messages = set()
    for seed in range(4):
        shuffled = proving[:]
        random.Random(seed).shuffle(shuffled)
        con = connect_memory()  # a new database per run
        result = ingest_file(con, _log(tmp_path, shuffled, f"s{seed}.csv"), date_order="dmy", dry_run=True)
        con.close()
        assert result.status == "refused"
        messages.add(result.message.split(": ", 1)[1])
    assert len(messages) == 1
    assert "'1/13/2024', '1/20/2024', '1/28/2024' can only be M/D/Y (36 values like these)" in messages.pop()


def test_a_flag_that_agrees_with_the_file_or_settles_an_ambiguous_one_is_kept(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # nothing proves either order: the flag decides
    result = ingest_file(con, _log(tmp_path, ["01/02/2024", "03/04/2024"], "amb.csv"), date_order="dmy")
    assert result.status == "loaded" and result.dates["applied_on"]["decided_by"] == "--date-order"
    assert _stored(con)["Co0"] == dt.date(2024, 2, 1)
    # mostly D/M/Y with one value only M/D/Y reads: the flag agrees with the file's proof, that value
    # is rejected as swapped, the others load
    mixed = ["25/11/2023", "13/12/2023", "20/02/2024", "02/25/2024"]
    result = ingest_file(con, _log(tmp_path, mixed, "mixed.csv"), date_order="dmy")
    assert result.status == "loaded" and result.inserted == 3 and result.rejected == 1
    assert "swapped" in result.rejects[0]["reason"]


def test_columns_that_prove_different_orders_only_load_without_the_flag(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [
        ["A", "R", "25/11/2023", "12/13/2023"],
        ["B", "R", "02/12/2023", "12/20/2023"],
    ]
    path = write_csv(tmp_path / "two.csv", ["Company", "Role", "Date Applied", "Date of 1st Response"], rows)
    result = ingest_file(con, path, date_order="dmy")
    assert result.status == "refused"
    assert "column 'Date of 1st Response': '12/13/2023', '12/20/2023' can only be M/D/Y" in result.message
    # passing mdy would contradict the applied dates: only dropping the flag is offered
    assert "drop --date-order" in result.message and "pass --date-order" not in result.message
    result = ingest_file(con, path)
    assert result.status == "loaded" and result.rejected == 0


def test_an_events_file_contradicting_the_flag_is_refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = ["application_id", "company", "role", "applied_on"]
    log = write_csv(tmp_path / "apps.csv", header, [["a1", "A", "R", "2023-11-01"]])
    assert ingest_file(con, log).inserted == 1
    events = write_csv(
        tmp_path / "events.csv", ["application_id", "event", "occurred_on"], [["a1", "screen", "11/25/2023"]]
    )
    before = table_checksums(con)
    result = ingest_file(con, events, date_order="dmy")
    assert result.status == "refused"
    assert "--date-order dmy contradicts column 'occurred_on': '11/25/2023' can only be M/D/Y (1 value like it)" in (
        result.message
    )
    assert table_checksums(con)["events"] == before["events"]
    assert ingest_file(con, events).status == "loaded"


def test_the_command_line_refuses_it_with_exit_code_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    code = main(["ingest", str(_log(tmp_path, MDY_DATES)), "--db", str(db), "--date-order", "dmy", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1 and payload["ok"] is False
    (entry,) = payload["files"]
    assert entry["status"] == "refused" and "can only be M/D/Y" in entry["message"]


# --- item 6: no applied date column: name the columns that hold dates and the --map ---------------


def test_missing_applied_on_names_the_date_columns_and_the_map_to_try(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    header = ["company", "role", "activity_date", "date_sort", "notes", "pinged"]
    rows = [
        ["A", "R", "2025-01-02", "2025/01/02", "called 2025-01-03", "2025-01-09"],
        ["B", "R", "2025-01-05", "2025/01/05", "", ""],
        ["C", "R", "Jan 7, 2025", "2025/01/07", "nice team", "2025-01-20"],
        ["D", "R", "8 Jan 2025", "", "", "no"],
    ]
    path = write_csv(tmp_path / "activity.csv", header, rows)
    result = ingest_file(con, path)
    assert result.status == "refused"
    message = result.message
    assert message.startswith("activity.csv: missing column: applied_on (a column named like ")
    assert (
        "the file's columns that hold dates: 'activity_date' (100% of rows read as dates), 'date_sort' (75% of rows"
        " read as dates), 'pinged' (50% of rows read as dates); try --map \"activity_date=applied_on\""
    ) in message
    assert "notes" not in message  # free text that mentions a date is not a date column
    assert _stored(con) == {}
    # the suggested flag loads it
    result = ingest_file(con, path, column_map={"activity_date": "applied_on"})
    assert result.status == "loaded" and result.inserted == 4
    assert _stored(con)["D"] == dt.date(2025, 1, 8)
    # remembered for this header, so the same file again needs no flag and changes nothing
    again = ingest_file(con, path)
    assert (again.status, again.inserted, again.updated) == ("loaded", 0, 0)


def test_missing_applied_on_in_a_file_without_dates_says_so(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nodates.csv", ["company", "role", "notes"], [["A", "R", "x"], ["B", "R", "12"]])
    result = ingest_file(con, path)
    assert result.status == "refused"
    assert "missing column: applied_on" in result.message
    assert "no column of the file holds dates" in result.message and "--map" not in result.message


def test_a_column_left_unused_with_map_is_not_suggested(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "two.csv", ["company", "role", "when", "logged"], [["A", "R", "2025-01-02", "2025-01-03"]]
    )
    result = ingest_file(con, path, column_map={"when": "ignore"})
    assert result.status == "refused"
    assert "'logged' (100% of rows read as dates)" in result.message and "'when'" not in result.message
    assert 'try --map "logged=applied_on"' in result.message


def test_a_header_that_is_a_pasted_page_stays_out_of_the_line(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    pasted = "When I sent it " * 40
    path = write_csv(tmp_path / "long.csv", ["company", "role", pasted], [["A", "R", "2025-01-02"]])
    result = ingest_file(con, path)
    assert result.status == "refused" and len(result.message) < 1000 and pasted not in result.message
    assert "'When I sent it When I sent it When I ...' (100% of rows read as dates)" in result.message
    assert result.message.endswith('try --map "COLUMN=applied_on" (COLUMN: the first one\'s full name)')


def test_the_command_line_prints_the_suggestion(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["company", "role", "activity_date"], [["A", "R", "2025-01-02"]])
    code = main(["ingest", str(path), "--db", str(tmp_path / "x.duckdb")])
    out = capsys.readouterr().out
    assert code == 1 and 'try --map "activity_date=applied_on"' in out


# --- item 10: the same words on every run; formats named for what they are ------------------------


def test_decided_by_names_the_same_value_on_every_run(tmp_path: Path) -> None:
    values = [f"{day}/{month}/2024" for day in (13, 21, 27, 30) for month in (1, 3, 5, 7, 8, 10)]
    said = set()
    for seed in range(5):
        shuffled = values[:]
        random.Random(seed).shuffle(shuffled)
        con = connect_memory()
        result = ingest_file(con, _log(tmp_path, shuffled, f"r{seed}.csv"), dry_run=True)
        con.close()
        said.add(result.dates["applied_on"]["decided_by"])
    assert said == {"'13/1/2024' has a day over 12 first"}


@pytest.mark.parametrize(
    ("dates", "label"),
    [
        (["14 Jan 2026", "3 Feb 2026"], "D Mon YYYY"),
        (["2025-06-01", "8-Jul", "2025-09-30", "2025-10-01"], "YYYY-MM-DD, D Mon (no year)"),
        (["Jul 8, 2025", "Aug 3, 2025"], "Mon D, YYYY"),
        # the two-digit year is the M/D/Y column's, not the ISO dates'
        (["2025-01-02", "2025-01-03", "2025-01-04", "1/15/25"], "YYYY-MM-DD, M/D/YY"),
    ],
)
def test_formats_are_named_for_what_they_are(tmp_path: Path, dates: list[str], label: str) -> None:
    con = connect_memory()
    result = ingest_file(con, _log(tmp_path, dates), dry_run=True)
    con.close()
    assert result.dates["applied_on"]["format"] == label
