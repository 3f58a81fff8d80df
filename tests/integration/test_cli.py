"""The command line as a user runs it: exit codes, messages, and the --json contract."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli.commands import main
from pipelines.load.ingest import CANONICAL_COLUMNS
from pipelines.store.db import connect
from tests.conftest import held_by_another_process, sample_files, table_checksums, write_csv

INGEST_FILE_KEYS = {
    "kept_apart",
    "file",
    "status",
    "source",
    "client",
    "run_id",
    "rows_read",
    "inserted",
    "updated",
    "unchanged",
    "rejected",
    "skipped",
    "events_inserted",
    "events_updated",
    "reconciled",
    "rejects",
    "skipped_reasons",
    "columns",
    "dates",
    "statuses",
    "unclassified_statuses",
    "value_maps",
    "channels",
    "header",
    "notes",
    "message",
    "sha256",
    "seconds",
}
STATUS_KEYS = {
    "database",
    "schema_version",
    "applications",
    "clients",
    "events",
    "first_applied_on",
    "last_applied_on",
    "outcomes_today",
    "rejects_total",
    "last_runs",
    "applied_date_unknown",
}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


@pytest.mark.parametrize("sample", sample_files(), ids=lambda p: p.stem)
def test_every_sample_reconciles_and_reimports_as_a_no_op(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample: Path
) -> None:
    db = str(tmp_path / "s.duckdb")
    code, out, _ = _run(capsys, "ingest", str(sample), "--db", db, "--json")
    assert code == 0
    payload = json.loads(out)
    first = payload["files"][0]
    assert payload["ok"] and first["status"] == "loaded" and first["reconciled"]
    assert first["rows_read"] == _data_rows(sample)
    assert first["rows_read"] == (
        first["inserted"] + first["updated"] + first["unchanged"] + first["rejected"] + first["skipped"]
    )
    assert first["inserted"] == first["rows_read"]  # our own samples are clean
    truth = json.loads(sample.with_suffix(".truth.json").read_text())
    assert first["inserted"] == truth["applications"]

    code, out, _ = _run(capsys, "ingest", str(sample), "--db", db, "--json")
    second = json.loads(out)["files"][0]
    assert code == 0 and (second["inserted"], second["updated"]) == (0, 0)
    assert second["unchanged"] == first["inserted"]


def test_ingest_json_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ["company", "applied_on", "colour"], [["A", "2025-01-01", "red"]])
    code, out, _ = _run(capsys, "ingest", str(path), "--db", str(tmp_path / "x.duckdb"), "--json")
    payload = json.loads(out)
    assert code == 0
    assert set(payload) == {"ok", "database", "dry_run", "files"}
    assert set(payload["files"][0]) == INGEST_FILE_KEYS
    assert payload["files"][0]["columns"] == {
        "mapped": {"company": "company", "applied_on": "applied_on"},
        "ignored": ["colour"],
        "dropped": [],
        "filled": ["applied_on", "company"],  # the mapped fields with a value in some row
        "status_candidates": [],  # several columns named like a status: how each read
    }
    code, out, _ = _run(capsys, "status", "--db", str(tmp_path / "x.duckdb"), "--json")
    status = json.loads(out)
    assert code == 0 and set(status) == STATUS_KEYS
    assert status["applications"] == 1 and status["last_runs"][0]["inserted"] == 1


def test_malformed_file_exits_nonzero_with_reason_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "x.duckdb"
    good = write_csv(tmp_path / "good.csv", ["company", "applied_on"], [["A", "2025-01-01"]])
    assert _run(capsys, "ingest", str(good), "--db", str(db))[0] == 0
    con = connect(db)
    before = table_checksums(con)
    con.close()
    bad = write_csv(tmp_path / "bad.csv", ["company", "when"], [["B", "2025-01-02"]])
    code, out, _ = _run(capsys, "ingest", str(bad), "--db", str(db))
    assert code == 1
    assert "missing column: applied_on" in out
    con = connect(db)
    after = table_checksums(con)
    con.close()
    assert after["applications"] == before["applications"] and after["events"] == before["events"]


def test_strict_and_partial_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", ["company", "applied_on"], [["A", "2025-01-01"], ["B", "someday"]])
    db = str(tmp_path / "x.duckdb")
    code, out, _ = _run(capsys, "ingest", str(path), "--db", db, "--strict")
    assert code == 1 and "--strict" in out and "line 3" in out
    code, out, _ = _run(capsys, "ingest", str(path), "--db", db)
    assert code == 0 and "1 inserted" in out and "line 3, applied_on = 'someday'" in out


def test_dry_run_does_not_create_the_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", ["company", "applied_on"], [["A", "2025-01-01"]])
    db = tmp_path / "never.duckdb"
    code, out, _ = _run(capsys, "ingest", str(path), "--db", str(db), "--dry-run", "--json")
    assert code == 0 and json.loads(out)["files"][0]["status"] == "dry_run"
    assert not db.exists()


def test_missing_file_and_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    code, out, _ = _run(capsys, "ingest", str(tmp_path / "nope.csv"), "--db", db)
    assert code == 1 and "no such file" in out
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, out, _ = _run(capsys, "ingest", str(empty), "--db", db, "--json")
    assert code == 1 and json.loads(out)["files"][0]["message"].endswith("the file is empty")


def test_status_on_a_new_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "status", "--db", str(tmp_path / "new.duckdb"))
    assert code == 0 and "no applications yet" in out


def test_default_database_from_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOUNCEBACK_DB", str(tmp_path / "env.duckdb"))
    code, out, _ = _run(capsys, "status", "--json")
    assert code == 0 and json.loads(out)["database"] == str(tmp_path / "env.duckdb")


def test_sample_command_writes_a_loadable_search(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "s" / "resume_gap.csv"
    code, out, _ = _run(
        capsys,
        "sample",
        "--persona",
        "resume_gap",
        "--seed",
        "3",
        "--as-of",
        "2026-06-30",
        "--applications",
        "40",
        "--out",
        str(out_file),
        "--json",
    )
    payload = json.loads(out)
    assert code == 0 and payload["applications"] == 40 and out_file.exists()
    assert out_file.with_suffix(".truth.json").exists()
    code, out, _ = _run(capsys, "sample", "--persona", "nobody", "--out", str(out_file))
    assert code == 1


def test_console_script_unknown_source_is_a_usage_error(tmp_path: Path) -> None:
    """The installed entry point, as a separate process: argparse refuses with exit code 2."""
    script = Path(sys.executable).parent / "bounceback"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pipelines.cli"]
    path = write_csv(tmp_path / "a.csv", ["company", "applied_on"], [["A", "2025-01-01"]])
    done = subprocess.run(
        [*command, "ingest", str(path), "--db", str(tmp_path / "x.duckdb"), "--source", "myspace"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "invalid choice: 'myspace'" in done.stderr
    assert not (tmp_path / "x.duckdb").exists()
    done = subprocess.run(
        [*command, "ingest", str(path), "--db", str(tmp_path / "x.duckdb"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["files"][0]["inserted"] == 1


def test_database_in_use_by_another_process_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.store import db as database

    monkeypatch.setattr(database, "LOCK_WAIT_SECONDS", 0.5)  # the holder never lets go: no need to wait 15 s
    db = tmp_path / "busy.duckdb"
    connect(db).close()
    with held_by_another_process(db):
        path = write_csv(tmp_path / "a.csv", ["company", "applied_on"], [["A", "2025-01-01"]])
        code, _out, err = _run(capsys, "ingest", str(path), "--db", str(db))
        assert code == 1
        assert "in use by another" in err and err.count("\n") == 1 and "Traceback" not in err
        assert "waited 0.5 s" in err


def test_a_load_waits_for_another_process_to_let_go_of_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The dashboard holds the file only while a rerun reads it: a load started meanwhile waits for it."""
    db = tmp_path / "shared.duckdb"
    connect(db).close()
    with held_by_another_process(db, seconds=1.5):
        path = write_csv(tmp_path / "a.csv", ["company", "applied_on"], [["A", "2025-01-01"]])
        code, out, err = _run(capsys, "ingest", str(path), "--db", str(db))
        assert code == 0, err
        assert "1 inserted" in out


def test_template_has_exactly_the_canonical_columns() -> None:
    template = Path(__file__).resolve().parents[2] / "sample_data" / "template.csv"
    with template.open(newline="", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == CANONICAL_COLUMNS


def test_dry_run_of_a_spreadsheet_shows_mapping_dates_and_statuses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    header = ["Company", "Position", "Website", "Application site", "Date sent", "Response?"]
    rows = [
        ["Acme", "Analyst", "acme.com", "Linkedin", "11/14/2021", "Ghosted"],
        ["Beta", "Analyst", "beta.com", "Company Site", "11/15/2021", "Waitlisted"],
        ["Gamma", "Analyst", "gamma.com", "Dice", "8/82021", "Inter + Rejec"],
    ]
    path = write_csv(tmp_path / "log.csv", header, rows)
    db = tmp_path / "x.duckdb"
    code, out, _ = _run(capsys, "ingest", str(path), "--db", str(db), "--dry-run")
    assert code == 0
    assert "spreadsheet file" in out
    assert "Application site -> channel" in out and "Date sent -> applied_on" in out
    assert "not used (kept in each row's raw fields): Website" in out
    assert "dates in 'Date sent' -> applied_on: M/D/YYYY" in out
    assert "'Inter + Rejec' -> rejected (after interview): 1 row" in out
    assert "statuses not understood, their rows rejected: 'Waitlisted' (1)" in out
    # the hint names no guessed stage (a waitlist is not a rejection)
    assert '--status-map "Waitlisted=STAGE"' in out and "Waitlisted=rejected" not in out
    assert "line 4, applied_on = '8/82021': not a date (a typo?)" in out
    assert not db.exists()  # a dry run creates nothing

    code, out, _ = _run(
        capsys, "ingest", str(path), "--db", str(db), "--json",
        "--map", "Website=channel", "--map", "Application site=ignore", "--status-map", "Waitlisted=pending",
    )  # fmt: skip
    payload = json.loads(out)["files"][0]
    assert code == 0 and payload["status"] == "loaded"
    assert payload["columns"]["mapped"]["channel"] == "Website"
    assert payload["unclassified_statuses"] == {}
    assert payload["dates"]["applied_on"]["format"] == "M/D/YYYY"
    assert (payload["inserted"], payload["rejected"]) == (2, 1)
    # the confirmed mapping is remembered for the same header
    code, out, _ = _run(capsys, "ingest", str(path), "--db", str(db), "--json")
    payload = json.loads(out)["files"][0]
    assert payload["columns"]["mapped"]["channel"] == "Website" and payload["unchanged"] == 2


def test_bad_map_option_is_a_clear_refusal(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "log.csv", ["Company", "Date sent"], [["Acme", "2025-01-01"]])
    code, out, err = _run(capsys, "ingest", str(path), "--db", str(tmp_path / "x.duckdb"), "--map", "Website")
    assert code == 1 and out == ""
    assert err.startswith("bounceback: --map 'Website': expected \"TEXT=NAME\"")


def test_a_closed_output_pipe_does_not_stop_the_loading(tmp_path: Path) -> None:
    files = [
        str(write_csv(tmp_path / f"f{i}.csv", ["company", "applied_on"], [[f"C{i}", "2025-01-01"]])) for i in range(3)
    ]
    db = tmp_path / "x.duckdb"
    command = [sys.executable, "-m", "pipelines.cli", "ingest", *files, "--db", str(db)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None
        process.stdout.readline()
        process.stdout.close()  # like `| head -1`
        _, err = process.communicate()
    assert process.returncode == 0, err
    con = connect(db)
    assert con.cursor().execute("select count(*) from applications").fetchone()[0] == 3
    con.close()


def test_a_where_value_may_hold_an_equals_sign(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`--where FIELD=VALUE` splits at the first "=": the value is the rest, whatever it holds."""
    db = tmp_path / "d.duckdb"
    rows = [["Acme", "R", "2026-09-01", "a=b"], ["Beta", "R", "2026-09-02", "a"]]
    assert main(["ingest", str(write_csv(tmp_path / "x.csv", ["company", "role", "applied_on", "resume_version"],
                                         rows)), "--db", str(db)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["rates", "--db", str(db), "--by", "company", "--where", "resume_version=a=b", "--as-of",
                 "2026-11-01", "--json"]) == 0  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert payload["scope"]["where"] == {"resume_version": "a=b"}
    assert [group["group"]["company"] for group in payload["groups"]] == ["Acme"]
    assert main(["rates", "--db", str(db), "--where", "=x"]) == 1
    assert 'expected "FIELD=VALUE"' in capsys.readouterr().err


def test_analytics_text_opens_with_the_measures_under_their_labels(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "m.duckdb"
    sample = next(path for path in sample_files() if path.stem == "resume_gap")
    assert _run(capsys, "ingest", str(sample), "--db", str(db))[0] == 0
    for command in ("funnel", "rates", "diagnose"):
        code, out, _ = _run(capsys, command, "--db", str(db), "--as-of", "2026-11-01")
        assert code == 0
        lines = out.splitlines()
        assert lines[0] == "Applications: 180", command
        for label in ("Answered (any reply, rejections included): ", "Reached an interview: ",
                      "Response rate among applications that have had 30 days: "):  # fmt: skip
            assert any(line.startswith(label) for line in lines), (command, label)
    _, funnel, _ = _run(capsys, "funnel", "--db", str(db), "--as-of", "2026-11-01")
    assert "no further answer: an answer or offer followed by nothing for 60 days or more" in funnel
    assert "_" not in funnel  # plain words: "no response", not no_response


def test_a_log_without_outcomes_says_so_with_the_next_step(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = [[f"Co {i}", "Analyst", f"2026-09-{i + 1:02d}", "applied"] for i in range(25)]
    log = write_csv(tmp_path / "applied.csv", ["company", "role", "applied_on", "status"], rows)
    db = tmp_path / "q.duckdb"
    assert _run(capsys, "ingest", str(log), "--db", str(db))[0] == 0
    for command in ("funnel", "rates", "timing", "trend", "diagnose"):
        code, out, _ = _run(capsys, command, "--db", str(db), "--as-of", "2026-11-01")
        assert code == 0
        assert "no outcomes recorded" in out and "on the Database page" in out, command
        assert "0%" not in out and "100%" not in out and "ghosting" not in out, command
    code, out, _ = _run(capsys, "rates", "--db", str(db), "--as-of", "2026-11-01", "--json")
    payload = json.loads(out)
    assert payload["outcomes_recorded"] is False and payload["overall"]["response_rate"]["rate"] is None


def test_the_dashboard_command_starts_the_dashboard_in_a_process_of_its_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # the core never imports the dashboard (tests/unit/test_layers.py): it runs `python -m dashboard.launch`
    import pipelines.cli.entry as entry

    calls: list[list[str]] = []
    monkeypatch.setattr(entry, "run_child", lambda argv: calls.append(argv) or 0)
    launched = [sys.executable, "-m", "dashboard.launch", "--db", str(tmp_path / "x.duckdb"), "--port", "8765"]
    assert main(["dashboard", "--db", str(tmp_path / "x.duckdb"), "--port", "8765"]) == 0
    # the console script's way in hands over before importing the data commands, with the same launch
    assert entry.main(["dashboard", "--db", str(tmp_path / "x.duckdb"), "--port", "8765"]) == 0
    assert calls == [launched, launched]


MAIL_FILE_KEYS = INGEST_FILE_KEYS | {"mails", "classified", "mail_applications", "matched"}


def test_ingest_a_mailbox(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from sample_data.mail_corpus import ME, generate_corpus, write_mbox

    mbox = tmp_path / "All mail Including Spam and Trash.mbox"
    write_mbox(generate_corpus(7, applications=30), mbox)
    db = str(tmp_path / "x.duckdb")
    code, out, _ = _run(capsys, "ingest", str(mbox), "--db", db, "--dry-run", "--me", ME)
    assert code == 0
    lines = out.splitlines()
    assert "mails read =" in lines[0] and "[would load]" in lines[0]
    every = lines.index("  every mail: date | from | kind (rule) | company | role | application")
    read = int(lines[0].split(", ")[1].split(" ")[0].replace(",", ""))
    assert len(lines) - every - 1 == read  # the dry run lists every mail
    assert not (tmp_path / "x.duckdb").exists()
    code, out, _ = _run(capsys, "ingest", str(mbox), "--db", db, "--json", "--me", ME)
    entry = json.loads(out)["files"][0]
    assert code == 0 and entry["source"] == "mail" and entry["status"] == "loaded"
    assert set(entry) == MAIL_FILE_KEYS
    assert entry["mails"]["read"] == entry["mails"]["used"] + sum(entry["mails"]["ignored"].values())
    assert len(entry["classified"]) == entry["mails"]["read"]
    code, out, _ = _run(capsys, "ingest", str(mbox), "--db", db, "--json", "--source", "mail", "--me", ME)
    again = json.loads(out)["files"][0]
    assert (again["inserted"], again["events_inserted"], again["unchanged"]) == (0, 0, entry["inserted"])


PLAN_KEYS = {"ok", "scope", "applications", "next", "decision", "resume_versions", "resume_versions_recorded",
             "channel_decision", "channels", "channels_recorded", "follow_ups_due", "follow_ups_due_total",
             "referrals_to_ask", "pace", "industries", "industries_recorded", "industry_decision", "roles",
             "roles_recorded", "role_decision"}


def test_plan_names_the_persona_s_better_resume(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    sample = Path(__file__).resolve().parents[2] / "sample_data" / "resume_gap.csv"
    assert _run(capsys, "ingest", str(sample), "--db", db, "--client", "resume_gap", "--quiet")[0] == 0
    code, out, _ = _run(capsys, "plan", "--db", db, "--as-of", "2026-11-01", "--json", "--next", "12")
    payload = json.loads(out)
    assert code == 0 and set(payload) == PLAN_KEYS
    assert (payload["decision"]["state"], payload["decision"]["version"]) == ("winner", "v2")
    assert sum(item["send"] for item in payload["resume_versions"]) == 12
    code, out, _ = _run(capsys, "plan", "--db", db, "--as-of", "2026-11-01")
    assert code == 0 and "Send the version v2" in out
    code, _, err = _run(capsys, "plan", "--db", db, "--next", "0")
    assert code == 1 and "--next" in err
