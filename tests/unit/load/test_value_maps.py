"""Issue 16, item 3: what a value of the file is read as, corrected by the user (--value-map), matched by
its own text only, remembered per header, and re-normalising the rows it changes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.cli.commands import main
from pipelines.load.ingest import CHANNEL_NAMES, ingest_file, parse_value_map
from pipelines.store.db import connect, migrations
from tests.conftest import write_csv

HEADER = ["Company", "Position", "Date Applied", "Source", "Industry", "CV"]
ROWS = [
    ["Acme", "Analyst", "2026-09-01", "Company careers site", "Fintech", "resume (2).pdf"],
    ["Beta", "Analyst", "2026-09-02", "The Mom Project", "fintech", "resume(2).pdf"],
    ["Gamma", "Analyst", "2026-09-03", "company-careers  SITE", "Health", "resume (2).pdf"],
    ["Delta", "Analyst", "2026-09-04", "Company careers site (EU)", "Health", "v1"],
    ["Eps", "Analyst", "2026-09-05", "ＴＨＥ ＭＯＭ ＰＲＯＪＥＣＴ", "Health", "v1"],
]


def _log(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "log.csv", HEADER, ROWS)


def _stored(con: duckdb.DuckDBPyConnection, column: str) -> dict[str, str]:
    # the column name is one of this test's literals
    return dict(con.execute(f"select company, {column} from applications").fetchall())


def test_a_value_map_corrects_channels_and_is_remembered(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    log = _log(tmp_path)
    first = ingest_file(con, log)
    assert (first.status, first.inserted) == ("loaded", 5)
    assert _stored(con, "channel")["Beta"] == "job_board"
    # every distinct channel value of the file, with its reading and rows (the dashboard's table)
    assert {(c["text"], c["channel"], c["rows"]) for c in first.channels} >= {
        ("Company careers site", "company_site", 1), ("The Mom Project", "job_board", 1)}  # fmt: skip
    assert first.value_maps == []

    given = {"channel": {"The Mom Project": "agency", "company careers site": "Recruiter"}}
    corrected = ingest_file(con, log, value_map=given)
    assert corrected.status == "loaded", corrected.message
    channels = _stored(con, "channel")
    # matched by its own text, folded (case, spaces, punctuation, full-width letters): not by a part of it
    assert (channels["Acme"], channels["Gamma"], channels["Delta"]) == ("recruiter", "recruiter", "company_site")
    assert (channels["Beta"], channels["Eps"]) == ("agency", "agency")
    assert _stored(con, "channel_raw")["Beta"] == "The Mom Project"  # what was written stays
    # a changed value map re-normalises the rows (the rules' signature includes it)
    assert corrected.updated == 5
    applied = sorted((m["field"], m["text"], m["value"], m["rows"], m["remembered"]) for m in corrected.value_maps)
    assert applied == [("channel", "The Mom Project", "agency", 2, False),
                       ("channel", "company careers site", "recruiter", 2, False)]  # fmt: skip
    assert {c["text"]: c["how"] for c in corrected.channels}["The Mom Project"] == "your value map"
    remembered = con.execute("select value_map from remembered_mappings").fetchone()[0]
    assert json.loads(remembered) == {"channel": {"The Mom Project": "agency", "company careers site": "recruiter"}}

    # next month's copy, same header, no flags: the same reading, nothing changed, and the note says why
    again = ingest_file(con, log)
    assert (again.status, again.updated, again.unchanged) == ("loaded", 0, 5)
    assert _stored(con, "channel") == channels
    assert all(m["remembered"] for m in again.value_maps)
    note = next(note for note in again.notes if "mapping you confirmed" in note)
    assert "value maps (channel 'The Mom Project' as agency" in note and "--value-map change it" in note


def test_industry_and_resume_values_are_mapped_by_their_own_text(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    value_map = {"industry": {"FINTECH": "Financial services"}, "resume_version": {"resume (2).pdf": "v2"}}
    result = ingest_file(con, _log(tmp_path), value_map=value_map)
    assert result.status == "loaded", result.message
    industries, resumes = _stored(con, "industry"), _stored(con, "resume_version")
    assert (industries["Acme"], industries["Beta"], industries["Gamma"]) == (
        "Financial services", "Financial services", "Health")  # fmt: skip
    # a resume name keeps its punctuation: `resume(2).pdf` is another file
    assert (resumes["Acme"], resumes["Gamma"], resumes["Beta"]) == ("v2", "v2", "resume(2).pdf")


@pytest.mark.parametrize(
    ("value_map", "message"),
    [
        ({"channel": {"Foo": "website"}}, "unknown channel 'website' (expected one of: " + ", ".join(CHANNEL_NAMES)),
        ({"company": {"Acme": "Acme Inc"}}, "only the values of channel, industry, resume_version can be mapped"),
        ({"colour": {"red": "blue"}}, "('colour' is no field)"),
        ({"status": {"Waitlisted": "pending"}}, 'a status is said with --status-map "TEXT=STATUS"'),
        ({"industry": {"Fintech": " "}}, "say what 'Fintech' is read as"),
    ],
)
def test_value_maps_that_cannot_be(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, value_map: dict[str, dict[str, str]], message: str
) -> None:
    result = ingest_file(con, _log(tmp_path), value_map=value_map)
    assert result.status == "refused"
    assert message in (result.message or "")
    assert con.execute("select count(*) from applications").fetchone()[0] == 0


def test_the_value_map_option_is_parsed_at_the_first_colon_and_the_last_equals() -> None:
    assert parse_value_map(["channel:Site: careers=a=company_site", "Industry:Fintech=Finance"]) == {
        "channel": {"Site: careers=a": "company_site"}, "industry": {"Fintech": "Finance"}}  # fmt: skip
    with pytest.raises(Exception, match='expected "FIELD:TEXT=VALUE"'):
        parse_value_map(["Company careers site=company_site"])


def test_the_command_line_shows_each_value_map(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log, db = _log(tmp_path), str(tmp_path / "cli.duckdb")
    flag = "channel:The Mom Project=agency"
    assert main(["ingest", str(log), "--db", db, "--dry-run", "--value-map", flag]) == 0
    out = capsys.readouterr().out
    assert "channel 'The Mom Project' -> agency: 2 rows" in out
    assert main(["ingest", str(log), "--db", db, "--json", "--value-map", flag]) == 0
    payload = json.loads(capsys.readouterr().out)["files"][0]
    assert payload["value_maps"] == [
        {"field": "channel", "text": "The Mom Project", "value": "agency", "rows": 2, "remembered": False}]  # fmt: skip
    assert {"text": "Company careers site", "channel": "company_site", "how": None, "rows": 1} in payload["channels"]
    assert payload["header"] == HEADER
    assert main(["ingest", str(log), "--db", db, "--value-map", "channel:Foo=website"]) == 1
    assert "unknown channel 'website'" in capsys.readouterr().out
    # a channel read as `other` is named, with the flag that says what it is
    other = write_csv(tmp_path / "o.csv", ["Company", "Role", "Applied", "Channel"], [["A", "B", "2026-09-01", "Xyz"]])
    assert main(["ingest", str(other), "--db", db, "--dry-run"]) == 0
    assert "channels read as other: 'Xyz' (1)\n    say what one is: --value-map \"channel:Xyz=CHANNEL\"" in (
        capsys.readouterr().out
    )


def test_a_database_from_before_value_maps_keeps_its_remembered_mapping(tmp_path: Path) -> None:
    """A database at migration 0005 (remembered_mappings without value_map) is upgraded in place, and
    the mapping it remembered is still used."""
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create table schema_version (version integer primary key, name varchar, applied_at timestamp)")
    for version, name, sql in migrations():
        if version < 6:
            old.execute(sql)
            old.execute("insert into schema_version values (?, ?, current_timestamp)", [version, name])
    header = ["Company", "Position", "When", "Source"]
    old.execute(
        "insert into remembered_mappings values (?, ?, ?, ?, current_timestamp)",
        [json.dumps(["company", "position", "when", "source"]), json.dumps(header), '{"When": "applied_on"}', "{}"],
    )
    old.close()
    con = connect(path)  # migrates
    try:
        log = write_csv(tmp_path / "old.csv", header, [["Acme", "Dev", "2026-09-01", "The Mom Project"]])
        result = ingest_file(con, log)
        assert (result.status, result.inserted, result.value_maps) == ("loaded", 1, []), result.message
        assert any("mapping you confirmed" in note for note in result.notes)
        corrected = ingest_file(con, log, value_map={"channel": {"The Mom Project": "agency"}})
        assert (corrected.updated, _stored(con, "channel")["Acme"]) == (1, "agency")
        stored = con.execute("select column_map, value_map from remembered_mappings").fetchone()
        assert json.loads(stored[0]) == {"When": "applied_on"}  # the old map kept, the value map added
        assert json.loads(stored[1]) == {"channel": {"The Mom Project": "agency"}}
    finally:
        con.close()


def test_a_value_map_wins_over_the_job_links_site(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # without a map, an unknown channel value takes the channel of its job link's site; a value you
    # mapped means what you said, even `other`
    header = ["company", "role", "applied_on", "channel", "job_url"]
    rows = [["Acme", "Analyst", "2026-01-05", "Friend's newsletter", "https://jobs.ashbyhq.com/acme/1"]]
    path = write_csv(tmp_path / "links.csv", header, rows)
    ingest_file(con, path)
    assert _stored(con, "channel") == {"Acme": "company_site"}
    result = ingest_file(con, path, value_map={"channel": {"Friend's newsletter": "other"}})
    assert result.updated == 1
    assert _stored(con, "channel") == {"Acme": "other"}
