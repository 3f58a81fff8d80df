"""Tests of the seeded persona generator (sample_data) and of the committed sample files."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sample_data import build
from sample_data.generator import (
    CHANNELS,
    COLUMNS,
    INDUSTRIES,
    PERSONAS,
    PLANTED_AREAS,
    SENIORITIES,
    SINGLE_PERSONAS,
    STATUSES,
    WINDOW_DAYS,
    caseload_clients,
    generate,
    generate_caseload,
    table_to_csv_bytes,
    write_sample,
)

AS_OF = datetime.date(2026, 11, 1)
AS_OF_DAY = (AS_OF - datetime.date(1970, 1, 1)).days
HEADER = (
    "client,application_id,company,role,industry,channel,resume_version,cover_letter,referral,"
    "location,seniority,job_url,applied_on,status,responded_on,screen_on,assessment_on,interview_on,"
    "interview_rounds,offer_on,accepted_on,declined_on,rejected_on,withdrawn_on,closed_on,"
    "followed_up_on,notes"
)
# The process in chronological order; accepted/declined are the alternatives after an offer.
STAGE_CHAIN = ("applied_on", "responded_on", "screen_on", "assessment_on", "interview_on", "offer_on")
TERMINAL_DATES = ("accepted_on", "declined_on", "rejected_on", "withdrawn_on", "closed_on")
TERMINAL_STATUS = {
    "accepted_on": "accepted",
    "declined_on": "declined",
    "rejected_on": "rejected",
    "withdrawn_on": "withdrawn",
    "closed_on": "position_closed",
}
ALL_DATES = (*STAGE_CHAIN, *TERMINAL_DATES, "followed_up_on")
TOLERANCE = 0.01


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


def days(table: pa.Table, column: str) -> np.ndarray:
    """Day numbers as float, NaN for an empty cell."""
    return np.asarray(table.column(column).cast(pa.int32()).to_numpy(zero_copy_only=False), dtype=float)


def strings(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).to_numpy(zero_copy_only=False)


def settled(table: pa.Table) -> pa.Table:
    """Applications old enough that any reply has arrived (replies come within 28 days)."""
    cutoff = pa.scalar(AS_OF - datetime.timedelta(days=WINDOW_DAYS), pa.date32())
    return table.filter(pc.less_equal(table.column("applied_on"), cutoff))


def observed_rates(table: pa.Table, column: str) -> dict[str, tuple[float, int]]:
    """Settled response share per value of ``column``: {value: (share responded, rows)}."""
    rows = settled(table)
    values = strings(rows, column)
    responded = ~np.isnan(days(rows, "responded_on"))
    return {
        value: (float(responded[values == value].mean()), int((values == value).sum())) for value in np.unique(values)
    }


def assert_rows_consistent(table: pa.Table) -> None:
    """Every structural invariant of the canonical rows, checked vectorised."""
    assert tuple(table.column_names) == COLUMNS
    ids = strings(table, "application_id")
    assert len(set(ids.tolist())) == len(ids), "application_id must be unique"

    date = {name: days(table, name) for name in ALL_DATES}
    applied = date["applied_on"]
    assert not np.isnan(applied).any()
    for name, values in date.items():
        known = ~np.isnan(values)
        assert (values[known] <= AS_OF_DAY).all(), f"{name} after as_of"
        assert (values[known] >= applied[known]).all(), f"{name} before applied_on"

    # Stages in order: each known stage date is >= every earlier known stage date.
    latest_so_far = applied.copy()
    for name in STAGE_CHAIN[1:]:
        known = ~np.isnan(date[name])
        assert (date[name][known] >= latest_so_far[known]).all(), f"{name} out of order"
        latest_so_far = np.where(known, date[name], latest_so_far)
    # At most one terminal event, and it comes after every stage.
    terminal_known = np.stack([~np.isnan(date[name]) for name in TERMINAL_DATES])
    assert (terminal_known.sum(axis=0) <= 1).all()
    for name in TERMINAL_DATES:
        known = ~np.isnan(date[name])
        assert (date[name][known] >= latest_so_far[known]).all(), f"{name} before a stage"
    # A logged follow-up is sent before any reply and before a withdrawal / closure.
    follow = date["followed_up_on"]
    for name in ("responded_on", "withdrawn_on", "closed_on"):
        both = ~np.isnan(follow) & ~np.isnan(date[name])
        assert (follow[both] < date[name][both]).all(), f"followed_up_on not before {name}"

    status = strings(table, "status")
    assert set(status.tolist()) <= set(STATUSES)
    replied = ~np.isnan(date["responded_on"])
    callback_dates = np.stack([date[name] for name in ("screen_on", "assessment_on", "interview_on")])
    has_callback = (~np.isnan(callback_dates)).any(axis=0)
    # The reply is the callback invitation, so the first callback stage is dated responded_on.
    assert (np.nanmin(callback_dates[:, has_callback], axis=0) == date["responded_on"][has_callback]).all()
    assert (replied[has_callback]).all()
    # Every reply shows up as either a callback or a rejection.
    assert (has_callback | ~np.isnan(date["rejected_on"]))[replied].all()
    # Pending rows have no reply and no outcome.
    pending = np.isin(status, ["applied", "ghosted"])
    assert not replied[pending].any()
    assert not terminal_known[:, pending].any()
    assert ((AS_OF_DAY - applied[status == "ghosted"]) >= WINDOW_DAYS).all()
    # Terminal statuses are exactly the rows with that terminal date.
    for name, label in TERMINAL_STATUS.items():
        assert np.array_equal(status == label, ~np.isnan(date[name])), label
    # Non-terminal statuses: the furthest stage reached so far.
    in_progress = ~terminal_known.any(axis=0)
    reached = {
        "offer": ~np.isnan(date["offer_on"]),
        "interview": ~np.isnan(date["interview_on"]) & np.isnan(date["offer_on"]),
        "assessment": ~np.isnan(date["assessment_on"]) & np.isnan(date["interview_on"]),
        "screen": ~np.isnan(date["screen_on"]) & np.isnan(date["assessment_on"]) & np.isnan(date["interview_on"]),
    }
    for label, mask in reached.items():
        assert np.array_equal(status == label, in_progress & mask), label

    rounds = np.asarray(table.column("interview_rounds").to_numpy(zero_copy_only=False), dtype=float)
    assert np.array_equal(np.isnan(rounds), np.isnan(date["interview_on"]))
    assert set(np.unique(rounds[~np.isnan(rounds)]).tolist()) <= {1.0, 2.0, 3.0}

    channel = strings(table, "channel")
    assert set(channel.tolist()) <= set(CHANNELS)
    assert set(strings(table, "industry").tolist()) <= set(INDUSTRIES)
    assert set(strings(table, "seniority").tolist()) <= set(SENIORITIES)
    assert set(strings(table, "cover_letter").tolist()) <= {"yes", "no"}
    assert np.array_equal(strings(table, "referral") == "yes", channel == "referral")
    assert all(url.startswith("https://jobs.example.com/") for url in strings(table, "job_url"))
    for name in ("company", "role", "location", "resume_version", "client"):
        assert table.column(name).null_count == 0, name


# ------------------------------------------------------------------------------------------
# determinism, API, format
# ------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path: Any) -> None:
    first = write_sample("healthy", tmp_path / "a.csv", seed=11, as_of=AS_OF)
    second = write_sample("healthy", tmp_path / "b.csv", seed=11, as_of=AS_OF)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.truth.json").read_bytes() == (tmp_path / "b.truth.json").read_bytes()
    assert first == second == json.loads((tmp_path / "a.truth.json").read_text())


def test_different_seed_gives_different_rows() -> None:
    table_a, _ = generate("healthy", seed=1, as_of=AS_OF)
    table_b, _ = generate("healthy", seed=2, as_of=AS_OF)
    assert table_to_csv_bytes(table_a) != table_to_csv_bytes(table_b)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_generates_consistent_rows(persona: str) -> None:
    table, truth = generate(persona, seed=3, as_of=AS_OF)
    assert_rows_consistent(table)
    assert truth["persona"] == persona
    assert truth["applications"] == table.num_rows
    assert truth["as_of"] == "2026-11-01"
    assert truth["window_days"] == WINDOW_DAYS
    for key in ("planted_failure", "rates", "by", "params"):
        assert key in truth
    if persona == "advisor_caseload":
        assert table.num_rows == 20 * 100
    else:
        assert 120 <= table.num_rows <= 250
        assert set(strings(table, "client").tolist()) == {"me"}
        assert truth["planted_failure"]["area"] in PLANTED_AREAS
        assert set(truth["by"]) == {"channel", "resume_version", "industry", "followed_up"}
        assert 2 <= len(truth["by"]["resume_version"]) <= 3


def test_unknown_persona_raises_naming_valid_ones() -> None:
    with pytest.raises(ValueError, match="spray_and_pray"):
        generate("lucky", as_of=AS_OF)


def test_applications_override_and_validation() -> None:
    table, truth = generate("resume_gap", seed=0, as_of=AS_OF, applications=37)
    assert table.num_rows == truth["applications"] == 37
    with pytest.raises(ValueError):
        generate("healthy", as_of=AS_OF, applications=0)


def test_csv_format_header_quoting_and_empty_cells() -> None:
    table, _ = generate("advisor_caseload", seed=5, as_of=AS_OF)
    raw = table_to_csv_bytes(table)
    text = raw.decode("utf-8")
    assert "\r" not in text
    assert text.endswith("\n")
    lines = text.split("\n")
    assert lines[0] == HEADER
    # Locations such as "Austin, TX" and notes with quotes round-trip through a CSV parser.
    assert '"' in text
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == list(COLUMNS)
    body = parsed[1:]
    assert len(body) == table.num_rows
    assert all(len(row) == len(COLUMNS) for row in body)
    assert not any(cell.lower() in {"null", "none", "nan"} for row in body for cell in row)
    for index, name in enumerate(COLUMNS):
        column = table.column(name)
        expected = [
            "" if value is None else (value.isoformat() if isinstance(value, datetime.date) else str(value))
            for value in column.to_pylist()
        ]
        assert [row[index] for row in body] == expected, name
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for index, name in enumerate(COLUMNS):
        if name.endswith("_on"):
            assert all(iso.match(row[index]) for row in body if row[index]), name


# ------------------------------------------------------------------------------------------
# truth exactness
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", SINGLE_PERSONAS)
def test_truth_is_internally_consistent(persona: str) -> None:
    _, truth = generate(persona, seed=0, as_of=AS_OF, applications=10)
    overall = truth["rates"]
    # Law of total probability: the group rates average back to the overall rate.
    for factor, groups in truth["by"].items():
        assert sum(g["share"] for g in groups.values()) == pytest.approx(1.0), factor
        for stage in ("response", "callback", "interview", "offer"):
            pooled = sum(g["share"] * g[stage] for g in groups.values())
            assert pooled == pytest.approx(overall[stage]), (factor, stage)
    logged = truth["by_logged"]["followed_up"]
    assert logged["yes"]["share"] + logged["no"]["share"] == pytest.approx(1.0)
    assert sum(g["share"] * g["response"] for g in logged.values()) == pytest.approx(overall["response"])
    assert overall["response"] >= overall["callback"] >= overall["interview"] >= overall["offer"] > 0


# ------------------------------------------------------------------------------------------
# large-n agreement between simulation and truth
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def healthy_million() -> tuple[pa.Table, dict[str, Any]]:
    return generate("healthy", seed=2024, as_of=AS_OF, applications=1_000_000)


@pytest.mark.slow
def test_million_rows_generate(healthy_million: tuple[pa.Table, dict[str, Any]]) -> None:
    table, truth = healthy_million
    assert table.num_rows == truth["applications"] == 1_000_000
    assert pc.count_distinct(table.column("application_id")).as_py() == 1_000_000


@pytest.mark.slow
def test_healthy_observed_rates_match_truth(healthy_million: tuple[pa.Table, dict[str, Any]]) -> None:
    # 1M rows rather than 200k so even the 5 % channels have a standard error well under 0.01.
    table, truth = healthy_million
    assert_rows_consistent(table)
    for factor in ("channel", "resume_version", "industry"):
        observed = observed_rates(table, factor)
        for value, expected in truth["by"][factor].items():
            assert observed[value][0] == pytest.approx(expected["response"], abs=TOLERANCE), (factor, value)
    # Follow-ups as logged: early repliers of would-be followers carry no followed_up_on.
    rows = settled(table)
    logged = np.where(np.isnan(days(rows, "followed_up_on")), "no", "yes")
    responded = ~np.isnan(days(rows, "responded_on"))
    for value, expected in truth["by_logged"]["followed_up"].items():
        assert (logged == value).mean() == pytest.approx(expected["share"], abs=TOLERANCE)
        assert responded[logged == value].mean() == pytest.approx(expected["response"], abs=TOLERANCE)
    # Callback: the reply that invites to a screen / assessment / interview.
    callback_dates = np.stack([days(rows, name) for name in ("screen_on", "assessment_on", "interview_on")])
    callback = (~np.isnan(callback_dates)).any(axis=0)
    assert callback.mean() == pytest.approx(truth["rates"]["callback"], abs=TOLERANCE)


@pytest.mark.slow
def test_follow_up_landmark_recovers_the_boost(healthy_million: tuple[pa.Table, dict[str, Any]]) -> None:
    table, truth = healthy_million
    landmark = truth["follow_up_landmark"]
    rows = settled(table)
    applied = days(rows, "applied_on")
    replied = days(rows, "responded_on")
    waiting = np.isnan(replied) | (replied - applied > landmark["day"])
    followed = ~np.isnan(days(rows, "followed_up_on"))
    late_reply = ~np.isnan(replied)
    for value, group in (("yes", followed), ("no", ~followed)):
        rate = late_reply[waiting & group].mean()
        assert rate == pytest.approx(landmark[value]["response_after_landmark"], abs=TOLERANCE)
    assert landmark["yes"]["response_after_landmark"] > 1.3 * landmark["no"]["response_after_landmark"]


def test_resume_gap_versions_match_truth() -> None:
    table, truth = generate("resume_gap", seed=99, as_of=AS_OF, applications=200_000)
    observed = observed_rates(table, "resume_version")
    for version, expected in truth["by"]["resume_version"].items():
        assert observed[version][0] == pytest.approx(expected["response"], abs=TOLERANCE), version


# ------------------------------------------------------------------------------------------
# planted failures are visible in the data
# ------------------------------------------------------------------------------------------


def test_resume_gap_worse_version_is_visible() -> None:
    table, truth = generate("resume_gap", seed=5, as_of=AS_OF, applications=20_000)
    worse = truth["planted_failure"]["resume_version"]
    better = truth["planted_failure"]["better_resume_version"]
    observed = observed_rates(table, "resume_version")
    assert observed[worse][0] < 0.5 * observed[better][0]
    # The version is independent of channel: both versions see the same channel mix.
    channel, version = strings(table, "channel"), strings(table, "resume_version")
    for name in CHANNELS:
        share_worse = (channel[version == worse] == name).mean()
        share_better = (channel[version == better] == name).mean()
        assert share_worse == pytest.approx(share_better, abs=0.02)


def test_spray_and_pray_is_mostly_easy_apply() -> None:
    table, truth = generate("spray_and_pray", seed=5, as_of=AS_OF, applications=20_000)
    channel = strings(table, "channel")
    assert (channel == "linkedin_easy_apply").mean() >= 0.65
    assert (channel == "referral").mean() <= 0.03
    assert truth["planted_failure"]["area"] == "strategy"
    assert truth["by"]["channel"]["linkedin_easy_apply"]["response"] < 0.1


def test_wrong_industry_is_silent_and_large() -> None:
    table, truth = generate("wrong_industry", seed=5, as_of=AS_OF, applications=20_000)
    silent = truth["planted_failure"]["industry"]
    industry = strings(table, "industry")
    assert 0.35 <= (industry == silent).mean() <= 0.45
    rows = settled(table)
    responded = ~np.isnan(days(rows, "responded_on"))
    in_silent = strings(rows, "industry") == silent
    assert responded[in_silent].mean() < 0.1 * responded[~in_silent].mean()


def test_interview_stall_interviews_do_not_convert() -> None:
    def offers_per_interview(persona: str) -> tuple[float, int]:
        table, _ = generate(persona, seed=5, as_of=AS_OF, applications=20_000)
        interviewed = ~np.isnan(days(table, "interview_on"))
        offered = ~np.isnan(days(table, "offer_on"))
        return offered.sum() / interviewed.sum(), int(interviewed.sum())

    stall_rate, stall_interviews = offers_per_interview("interview_stall")
    healthy_rate, _ = offers_per_interview("healthy")
    assert stall_interviews > 500  # replies and screens are fine, so interviews happen
    assert stall_rate < 0.02
    assert healthy_rate > 0.15


def test_no_follow_up_rarely_follows_up() -> None:
    """The persona rarely follows up (5 % of applications), so its log still records follow-ups."""
    table, truth = generate("no_follow_up", seed=5, as_of=AS_OF, applications=20_000)
    assert truth["params"]["follow_up"]["probability"] == truth["planted_failure"]["follow_up_probability"] == 0.05
    assert truth["params"]["follow_up"]["boost"] > 1
    assert truth["by"]["followed_up"]["yes"]["response"] > truth["by"]["followed_up"]["no"]["response"]
    # as logged, among settled applications: the exact share of the truth, well under the 5 % intention
    logged = ~np.isnan(days(settled(table), "followed_up_on"))
    expected = truth["by_logged"]["followed_up"]["yes"]["share"]
    assert 0.02 < expected < 0.05
    assert logged.mean() == pytest.approx(expected, abs=TOLERANCE)
    assert logged.sum() > 100  # the column is recorded: not an empty one


# ------------------------------------------------------------------------------------------
# caseloads
# ------------------------------------------------------------------------------------------


def test_advisor_caseload_mixes_personas() -> None:
    table, truth = generate("advisor_caseload", seed=8, as_of=AS_OF)
    clients = strings(table, "client")
    labels = sorted(set(clients.tolist()))
    assert len(labels) == 20
    assert all(re.fullmatch(r"client_\d{2}_[a-z]+", label) for label in labels)
    assert set(truth["clients"]) == set(labels)
    personas = [client_truth["persona"] for client_truth in truth["clients"].values()]
    for persona in SINGLE_PERSONAS:
        assert personas.count(persona) >= 2, persona
    for label in labels:
        assert (clients == label).sum() == truth["clients"][label]["applications"] == 100
    assert truth["planted_failure"]["by_client"] == {
        label: client_truth["planted_failure"]["area"] for label, client_truth in truth["clients"].items()
    }
    # The no_follow_up clients follow up rarely (5 % of applications): at most 10 of their 100.
    followed = ~np.isnan(days(table, "followed_up_on"))
    for label, client_truth in truth["clients"].items():
        if client_truth["persona"] == "no_follow_up":
            assert followed[clients == label].sum() <= 10


def test_large_caseload_ids_unique_across_clients() -> None:
    table, truth = generate_caseload(10_000, seed=1, as_of=AS_OF, applications_per_client=3)
    assert table.num_rows == truth["applications"] == 30_000
    assert pc.count_distinct(table.column("application_id")).as_py() == 30_000
    assert pc.count_distinct(table.column("client")).as_py() == 10_000
    assert_rows_consistent(table)


# ------------------------------------------------------------------------------------------
# committed files
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_committed_samples_match_the_build(persona: str) -> None:
    """The files in sample_data/ are exactly what `python -m sample_data.build` writes."""
    csv_path = build.sample_path(persona)
    table, truth = generate(persona, seed=build.BUILD_SEEDS[persona], as_of=build.AS_OF)
    assert csv_path.read_bytes() == table_to_csv_bytes(table), "rerun: python -m sample_data.build"
    committed_truth = json.loads(csv_path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    assert committed_truth == json.loads(json.dumps(truth))
    if persona == "advisor_caseload":
        clients = caseload_clients(table)
        expected = table_to_csv_bytes(clients, clients.column_names)
        assert csv_path.with_suffix(".clients.csv").read_bytes() == expected, "rerun: python -m sample_data.build"


def test_caseload_client_records_cover_every_client(tmp_path: Path) -> None:
    """`bounceback sample --persona advisor_caseload` writes the client records beside the CSV, one per client,
    all with the one advisor, and they import."""
    from pipelines.advisors import clients as client_records
    from pipelines.store.db import connect
    from sample_data.generator import CASELOAD_ADVISOR

    out = tmp_path / "caseload.csv"
    write_sample("advisor_caseload", out, seed=3, as_of=build.AS_OF, applications=5)
    records = list(csv.DictReader(out.with_suffix(".clients.csv").open(encoding="utf-8")))
    labels = {row["client"] for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert {row["client"] for row in records} == labels and len(records) == 20
    assert {row["advisor"] for row in records} == {CASELOAD_ADVISOR}
    assert all(row["started_on"] and row["display_name"] and row["target_industries"] for row in records)
    con = connect(tmp_path / "db.duckdb")
    assert client_records.import_clients(con, records) == {"added": 20, "updated": 0}


def test_committed_samples_show_their_planted_failure() -> None:
    """The small demo files (not only the model at large n) show what each persona plants."""
    assert set(build.BUILD_SEEDS) == set(PERSONAS)

    def committed(persona: str) -> tuple[pa.Table, dict[str, Any]]:
        table, truth = generate(persona, seed=build.BUILD_SEEDS[persona], as_of=build.AS_OF)
        return settled(table), truth

    rows, truth = committed("resume_gap")
    observed = observed_rates(rows, "resume_version")
    worse = truth["planted_failure"]["resume_version"]
    assert observed[worse][0] < 0.5 * observed[truth["planted_failure"]["better_resume_version"]][0]

    rows, truth = committed("wrong_industry")
    silent = observed_rates(rows, "industry")[truth["planted_failure"]["industry"]]
    assert silent[0] * silent[1] <= 1  # at most one reply from the silent industry

    table, _ = generate("spray_and_pray", seed=build.BUILD_SEEDS["spray_and_pray"], as_of=build.AS_OF)
    assert (strings(table, "channel") == "linkedin_easy_apply").mean() >= 0.65

    table, _ = generate("interview_stall", seed=build.BUILD_SEEDS["interview_stall"], as_of=build.AS_OF)
    assert table.column("interview_on").null_count <= table.num_rows - 10
    assert table.column("offer_on").null_count == table.num_rows

    # rarely, not never: a few follow-ups (the column is recorded), far under the 20 % of a habit
    table, _ = generate("no_follow_up", seed=build.BUILD_SEEDS["no_follow_up"], as_of=build.AS_OF)
    followed = table.num_rows - table.column("followed_up_on").null_count
    assert 1 <= followed <= 0.05 * table.num_rows


# ------------------------------------------------------------------------------------------
# searches on a fixed calendar (benchmarks/calibrate.py)
# ------------------------------------------------------------------------------------------


def test_a_search_on_a_calendar_is_the_same_search_whatever_its_as_of_date() -> None:
    """generate_search: the first and last application on the calendar's days, a quiet tail after
    the last, and an earlier as-of date gives the log as it stood then: the same applications
    (those made by then) with only what had happened by then. Every ghosted mark and every
    attended interview round is dated."""
    from sample_data.generator import SEARCH_EXTRA_COLUMNS, generate_search, persona_params

    first, last = datetime.date(2026, 1, 5), datetime.date(2026, 5, 25)
    final, earlier = last + datetime.timedelta(days=14), datetime.date(2026, 3, 9)

    def search(persona: str, as_of: datetime.date) -> pa.Table:
        return generate_search(persona_params(persona), seed=[7, 1], first_applied_on=first, last_applied_on=last,
                               as_of=as_of, applications=2_000)  # fmt: skip

    table = search("interview_stall", final)
    assert tuple(table.column_names) == COLUMNS + SEARCH_EXTRA_COLUMNS and table.num_rows == 2_000
    applied = table.column("applied_on").to_pylist()
    assert min(applied) == first and max(applied) == last
    responded = [day for day in table.column("responded_on").to_pylist() if day is not None]
    assert max(responded) > last and max(responded) <= final  # answers keep coming in the quiet tail
    status = strings(table, "status")
    marked = table.column("status_on").to_pylist()
    assert (status == "ghosted").sum() > 100
    assert all((day is not None) == (s == "ghosted") for day, s in zip(marked, status, strict=True))
    assert all(
        day is None or day == a + datetime.timedelta(days=WINDOW_DAYS) for day, a in zip(marked, applied, strict=True)
    )
    rounds = table.column("interview_rounds").to_pylist()
    dates = table.column("interview_dates").to_pylist()
    assert sum(r or 0 for r in rounds) > sum(r is not None for r in rounds)  # second rounds exist
    for r, days_of_rounds, first_round in zip(rounds, dates, table.column("interview_on").to_pylist(), strict=True):
        assert len(days_of_rounds) == (r or 0)
        assert days_of_rounds == sorted(days_of_rounds) and all(day <= final for day in days_of_rounds)
        assert (days_of_rounds[0] if days_of_rounds else None) == first_round

    then = search("interview_stall", earlier)
    made = [day <= earlier for day in applied]
    assert then.num_rows == sum(made) and 0 < then.num_rows < table.num_rows
    for name in ("application_id", "applied_on", "channel", "resume_version", "industry", "company"):
        assert then.column(name).to_pylist() == table.column(name).to_pylist()[: then.num_rows], name
    for name in ALL_DATES:
        for day, later in zip(then.column(name).to_pylist(), table.column(name).to_pylist(), strict=False):
            assert day == (later if later is not None and later <= earlier else None), name
    # a ghosted mark made by then is in the later log too, unless a withdrawal or closure replaced it
    replaced = 0
    for day, later, now in zip(then.column("status_on").to_pylist(), marked, status, strict=False):
        if later is not None and later <= earlier:
            assert day == later
        elif day is not None:
            assert later is None and now in ("withdrawn", "position_closed")
            replaced += 1
    assert replaced < 0.1 * (status == "ghosted").sum()
    assert_rows_consistent(then.select(COLUMNS))
    assert_rows_consistent(table.select(COLUMNS))
