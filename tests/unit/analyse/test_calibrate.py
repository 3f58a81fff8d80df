"""`make calibrate` in small (benchmarks/calibrate.py): the calendar of the looks, that a look sees
only what had happened by then, the missing-column logs, and every key of the report.

A few seeded searches per scenario: these tests check how the calibration is made, never its
statistical goals (those need the full run). Assertions marked DIAGNOSIS depend on the diagnosis
judging only what the log records ("not recorded", pipelines/analyse/recorded.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from benchmarks import calibrate
from benchmarks.calibrate import BY_NAME, GOALS, SCENARIOS, calendar, search_table
from pipelines.analyse import diagnosis
from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from sample_data.generator import CHANNELS, COLUMNS, table_to_csv_bytes

RUNS = 3  # searches per scenario in the small run of the whole report


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str]:
    """The whole report (every scenario, 3 searches each) as JSON, with the exit code and stderr."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = calibrate.main(["--runs", str(RUNS), "--json"])
    return code, json.loads(out.getvalue()), err.getvalue()


def _applied(table: pa.Table) -> list[dt.date]:
    return table.column("applied_on").to_pylist()


def _load(table: pa.Table, folder: Path, name: str) -> Any:
    path = folder / f"{name}.csv"
    path.write_bytes(table_to_csv_bytes(table, table.column_names))
    con = connect(folder / f"{name}.duckdb")
    result = ingest_file(con, path, progress=False)
    assert result.status == "loaded" and result.rejected == 0, result.message
    return con


# ------------------------------------------------------------------ the calendar


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_looks_are_weekly_from_week_8_to_two_weeks_after_the_last_application(scenario: calibrate.Scenario) -> None:
    first, last, looks = calendar(scenario)
    assert first.weekday() == 0  # a Monday, like every look
    assert looks[0] == first + dt.timedelta(days=56)
    assert all((b - a).days == 7 for a, b in itertools.pairwise(looks))
    assert looks[-1] == last + dt.timedelta(days=14)
    assert len(looks) >= 3
    for run in range(3):
        table = search_table(scenario, run)
        applied = _applied(table)
        # the first application on the first day, the last on the last day, none in the quiet tail
        assert min(applied) == first and max(applied) == last, (scenario.name, run)
        assert table.num_rows == scenario.applications
        assert set(table.column("client").to_pylist()) == {calibrate.client_name(scenario, run)}


def test_the_quiet_tail_still_brings_answers() -> None:
    """After the last application nothing is applied, but answers keep arriving until the last look."""
    scenario = BY_NAME["healthy"]
    _, last, looks = calendar(scenario)
    later = 0
    for run in range(5):
        table = search_table(scenario, run)
        answered = [day for day in table.column("responded_on").to_pylist() if day is not None]
        later += sum(last < day <= looks[-1] for day in answered)
        assert all(day <= looks[-1] for day in answered)
    assert later > 0


def test_searches_are_seeded_and_the_missing_column_logs_are_the_nulls_searches() -> None:
    null = search_table(BY_NAME["healthy"], 2)
    assert search_table(BY_NAME["healthy"], 2).equals(null)
    assert not search_table(BY_NAME["healthy"], 3).column("applied_on").equals(null.column("applied_on"))
    for name in ("no_channel", "no_referral", "no_follow_ups", "no_outcomes"):
        table = search_table(BY_NAME[name], 2)
        assert table.column("applied_on").equals(null.column("applied_on")), name
        assert table.column("company").equals(null.column("company")), name


# ------------------------------------------------------------------ a look sees only its past


FACTS = (
    "application_id, responded, first_response_on, undated_response, called_back, interviewed, interview_rounds,"
    " last_interview_on, offered, accepted, followed_up, first_follow_up_on, rejected_on, closed_on, furthest_stage,"
    " rejected_at_stage, outcome, settled"
)


def _facts(con: Any, day: dt.date, columns: str = FACTS) -> dict[str, tuple[Any, ...]]:
    rows = con.execute(f"select {columns} from application_facts(?::date, 30)", [day]).fetchall()
    return {row[0]: row[1:] for row in rows}


def _undated_log(table: pa.Table) -> pa.Table:
    """The same search written like `generate` writes it: one interview date, ghosted marks undated."""
    first_round = pc.utf8_slice_codeunits(table.column("interview_on"), 0, 10)
    table = table.set_column(table.schema.get_field_index("interview_on"), "interview_on", first_round)
    return table.drop_columns(["status_on"])


@pytest.mark.parametrize("name", ["interview_stall", "healthy"])
def test_an_earlier_look_sees_what_the_log_said_then(name: str, tmp_path: Path) -> None:
    """The one load, read as of a look, gives the facts of the log as it stood on that day
    (generated with that day as its as-of date): no later answer, round or 'ghosted' mark shows
    early. Only a 'ghosted' mark that a later withdrawal replaced is missing (last_event_on earlier)."""
    scenario = BY_NAME[name]
    runs = 10
    _, _, looks = calendar(scenario)
    full = pa.concat_tables([search_table(scenario, run) for run in range(runs)])
    con = _load(full, tmp_path, "full")
    # every event carries its date, ghosted marks and later interview rounds included
    counts = dict(con.execute("select event, count(*) from events group by 1").fetchall())
    assert counts["ghosted"] > 0 and counts["interview"] > 0
    assert con.execute("select count(*) from events where occurred_on is null").fetchone() == (0,)
    assert con.execute("select count(*) from events where round >= 2").fetchone()[0] > 0
    # the same logs written the way `generate` writes them (rounds and ghosted marks undated)
    undated = _load(_undated_log(full), tmp_path, "undated")
    final = _facts(con, looks[-1])
    compared = changed = leaks = 0
    for day in (looks[1], looks[len(looks) // 2], looks[-3]):
        then = pa.concat_tables([search_table(scenario, run, as_of=day) for run in range(runs)])
        assert max(_applied(then)) <= day
        snapshot = _load(then, tmp_path, f"then-{day}")
        seen, truth = _facts(con, day), _facts(snapshot, day)
        assert seen == truth, day
        last_seen = _facts(con, day, "application_id, last_event_on")
        last_truth = _facts(snapshot, day, "application_id, last_event_on")
        assert all(last_seen[key][0] <= last_truth[key][0] for key in last_seen if last_seen[key][0] is not None)
        compared += len(seen)
        changed += sum(final[key] != seen[key] for key in seen)
        undated_seen = _facts(undated, day)
        leaks += sum(undated_seen[key] != truth[key] for key in truth)
        snapshot.close()
    # the looks differ from the last one, so the comparison has teeth; and it catches a leak: the
    # undated logs do show later outcomes early
    assert compared > 1000 and changed > 100 and leaks > 0
    con.close()
    undated.close()


# ------------------------------------------------------------------ the missing-column logs


def test_missing_column_logs_lack_exactly_their_columns() -> None:
    null = search_table(BY_NAME["healthy"], 1)
    assert set(COLUMNS) <= set(null.column_names)
    assert (pc.equal(null.column("channel"), "referral")).to_numpy(zero_copy_only=False).any()
    assert null.column("followed_up_on").null_count < null.num_rows
    expected_gone = {
        "no_channel": {"channel"},
        "no_referral": {"referral"},
        "no_follow_ups": {"followed_up_on"},
        "no_outcomes": {"status", "status_on", "interview_rounds", "responded_on", "screen_on", "assessment_on",
                        "interview_on", "offer_on", "accepted_on", "declined_on", "rejected_on", "withdrawn_on",
                        "closed_on", "followed_up_on"},
    }  # fmt: skip
    for name, gone in expected_gone.items():
        table = search_table(BY_NAME[name], 1)
        assert set(null.column_names) - set(table.column_names) == gone, name
    no_referral = search_table(BY_NAME["no_referral"], 1)
    channel = no_referral.column("channel").to_pylist()
    assert "referral" not in channel and channel.count(None) == null.column("channel").to_pylist().count("referral") > 0
    assert calibrate.parts_missing(["channel"]) == ["strategy"]
    assert calibrate.parts_missing(["referral"]) == ["network"]
    assert calibrate.parts_missing(["follow_ups"]) == ["follow_up"]
    assert calibrate.parts_missing(["outcomes"]) == list(diagnosis.AREAS)
    assert calibrate.parts_missing(["resume_version"]) == []  # the cover letter still tells


def test_missing_parts_are_not_recorded_and_never_flagged(small_run: tuple[int, dict[str, Any], str]) -> None:
    """DIAGNOSIS: every part whose input a log lacks says 'not recorded' at every look (so never failing
    or at risk), and the diagnosis's recorded map says the input is missing; with the column there, the
    same searches get that part judged."""
    _, report, _ = small_run
    scenarios = {s["scenario"]: s for s in report["scenarios"]}
    null = scenarios["healthy"]
    for name in ("no_channel", "no_referral", "no_follow_ups", "no_outcomes"):
        figures = scenarios[name]
        assert figures["missing_flagged"] == 0.0, name
        assert figures["missing_not_recorded_last"] == 1.0, name  # DIAGNOSIS
        assert figures.get("recorded_says_missing") == 1.0, name  # DIAGNOSIS: results carry `recorded`
        for part in figures["missing_parts"]:
            assert figures["by_part_last_look"][part]["not recorded"] == 1.0, (name, part)  # DIAGNOSIS
            assert figures["by_part_ever_flagged"][part] == 0.0, (name, part)
            # the same searches with the column: the part is judged (not vacuous)
            assert null["by_part_last_look"][part]["not recorded"] == 0.0, (name, part)  # DIAGNOSIS


def test_the_network_scenario_has_about_two_percent_referrals() -> None:
    def share(name: str) -> float:
        channels = np.concatenate(
            [search_table(BY_NAME[name], run).column("channel").to_numpy(zero_copy_only=False) for run in range(40)]
        )
        return float((channels == "referral").mean())

    params = BY_NAME["network"].params(0)
    assert params.channel_share[CHANNELS.index("referral")] == pytest.approx(0.02)
    assert sum(params.channel_share) == pytest.approx(1.0)
    assert share("network") < 0.04 < 0.15 < share("healthy_persona")
    null = BY_NAME["healthy"].params(0)
    assert set(null.channel_base_response) == {0.2} and set(null.resume_multiplier) == {1.0}
    assert set(null.industry_multiplier) == {1.0} and null.follow_up_boost == 1.0


# ------------------------------------------------------------------ the report


def test_the_report_has_every_key(small_run: tuple[int, dict[str, Any], str]) -> None:
    code, report, progress = small_run
    assert {"runs", "scenarios", "goals", "missed", "meets_goals", "seconds", "first_look_week", "quiet_weeks"} <= set(
        report
    )
    assert report["runs"] == RUNS
    assert [s["scenario"] for s in report["scenarios"]] == [s.name for s in SCENARIOS]
    for scenario in SCENARIOS:
        assert f"{scenario.name}: " in progress  # progress per scenario, with its seconds
    common = {"scenario", "kind", "description", "searches", "applications_per_search", "first_applied_on",
              "last_applied_on", "looks", "look_weeks", "ever_failing", "ever_flagged", "failing_last",
              "flagged_last", "by_part_last_look", "by_part_ever_flagged", "goals", "meets_goals",
              "seconds"}  # fmt: skip
    planted = {"planted_part", "named_last", "failing_last_planted", "named_ever", "median_week_first_named",
               "top_last", "other_part_failing_ever"}  # fmt: skip
    missing = {"missing_inputs", "missing_parts", "missing_flagged", "missing_not_recorded_last"}
    kinds = {s.name: s for s in SCENARIOS}
    for figures in report["scenarios"]:
        scenario = kinds[figures["scenario"]]
        assert common <= set(figures), figures["scenario"]
        assert figures["searches"] == RUNS
        assert figures["look_weeks"][0] == 8 and figures["look_weeks"][-1] == scenario.weeks + 2
        assert set(figures["by_part_last_look"]) == set(diagnosis.AREAS)
        for shares in figures["by_part_last_look"].values():
            assert set(diagnosis.VERDICTS) <= set(shares) and sum(shares.values()) == pytest.approx(1.0)
        goals = {goal["figure"] for goal in figures["goals"]}
        if scenario.kind == "planted":
            assert planted <= set(figures) and goals == {"named_last"}
            week = figures["median_week_first_named"]
            assert week is None or 8 <= week <= figures["look_weeks"][-1]
        elif scenario.kind == "missing":
            assert missing <= set(figures) and goals == {"ever_failing", "ever_flagged", "missing_flagged"}
        elif scenario.kind == "null":
            assert goals == {"ever_failing", "ever_flagged"}
        else:
            assert goals == set()  # the healthy persona: informational
        assert figures["meets_goals"] == all(goal["met"] for goal in figures["goals"])
        assert figures["ever_flagged"] >= figures["ever_failing"]
        assert figures["ever_flagged"] >= figures["flagged_last"]
        text = "\n".join(calibrate.describe(figures))
        assert figures["scenario"] in text and "verdicts at the last look" in text
    missed = [f"{s['scenario']} {g['figure']}" for s in report["scenarios"] for g in s["goals"] if not g["met"]]
    assert report["missed"] == missed and report["meets_goals"] == (not missed)
    assert code == (1 if missed else 0)


def test_goals_and_their_edges() -> None:
    assert set(GOALS) == {"ever_failing", "ever_flagged", "named_last", "missing_flagged"}
    assert calibrate._goal("ever_failing", 0.05)["met"] and not calibrate._goal("ever_failing", 0.0525)["met"]
    assert calibrate._goal("ever_flagged", 0.25)["met"] and not calibrate._goal("ever_flagged", 0.2525)["met"]
    assert calibrate._goal("named_last", 0.8)["met"] and not calibrate._goal("named_last", 0.7975)["met"]
    assert calibrate._goal("missing_flagged", 0.0)["met"] and not calibrate._goal("missing_flagged", 0.0025)["met"]
    assert calibrate._median_week([9, 10, float("inf")]) == 10
    assert calibrate._median_week([9, float("inf"), float("inf")]) is None
