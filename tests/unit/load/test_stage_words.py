"""Issue 16, item 8: a word in a stage column leaves that stage unknown; the application loads."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.load.ingest import LoadOptions, ingest_file
from tests.conftest import write_csv


def test_a_word_in_a_mapped_stage_column_leaves_the_stage_unknown(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [["Acme", "Analyst", "2026-09-01", "Interview", "expired"],
            ["Beta", "Analyst", "2026-09-02", "Screen", "2026-09-10"],
            ["Gamma", "Analyst", "2026-09-03", "Applied", "TBD"],
            ["Delta", "Analyst", "2026-09-04", "Applied", "Other"],
            ["Eps", "Analyst", "2026-09-05", "Applied", "2026-13-45"]]  # fmt: skip
    log = write_csv(tmp_path / "log.csv", ["Company", "Position", "Date Applied", "Status", "Phone screen"], rows)
    result = ingest_file(con, log, LoadOptions(column_map={"Phone screen": "screen_on"}))
    # the words load (stage unknown); a date that does not read is still refused, with its line
    assert (result.status, result.inserted, result.rejected) == ("loaded", 4, 1)
    assert result.rejects == [{"line": 6, "column": "screen_on", "value": "2026-13-45", "reason": "not a valid date"}]
    assert any("'Other', 'TBD', 'expired' are not a date" in note for note in result.notes), result.notes
    events = con.execute(
        "select a.company, e.event, e.occurred_on from events as e join applications as a using (application_id)"
        " where e.event <> 'applied' order by 1, 2"
    ).fetchall()
    assert [(company, event) for company, event, _ in events] == [("Acme", "interview"), ("Beta", "screen")]
    # loading the same file again changes nothing
    again = ingest_file(con, log, LoadOptions(column_map={"Phone screen": "screen_on"}))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
