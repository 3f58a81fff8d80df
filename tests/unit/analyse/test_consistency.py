"""One definition per number: every place a headline measure is shown agrees with analytics.measures.

For each sample persona, a messy personal spreadsheet the test writes itself, and a log that records no
outcomes at all, the test collects each measure (applications, answered, the two response rates,
settled, pending, callbacks, interviews, offers) wherever it appears:

- the dashboard's Overview page (AppTest): its cards, the funnel chart's data and the endings chart's bars;
- the command line: `funnel`, `rates` and `diagnose --json`, and the text of `funnel`;
- the HTML report: its headline cards and its funnel table;

and asserts that each shows one number, the measure's own, under the measure's own label. Numbers read
from JSON must equal the measure exactly; numbers read from a screen must read as the measure does there
(a count as `1,234`, a rate rounded to a whole percent, "no outcomes recorded" when the log has none).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import random
import re
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.analyse import analytics
from pipelines.analyse.scope import FUNNEL_STAGES, Scope
from pipelines.cli.commands import main
from pipelines.load.ingest import LoadOptions, ingest_file
from pipelines.report.html import build_report
from pipelines.store.db import connect
from tests.conftest import SAMPLE_DIR, sample_files, write_csv

APP = Path(__file__).resolve().parents[3] / "dashboard" / "streamlit_app.py"
AS_OF = dt.date(2026, 11, 1)
GENERATED = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
CASELOAD_CLIENT = "client_01_vera"
# the measures a screen shows as "no outcomes recorded" when the log records none
NEEDS_OUTCOMES = {*analytics.OUTCOME_MEASURES, "pending"}
SHOWN = ("applications", "answered", "answered_share", "response_rate", "response_rate_settled", "settled",
         "pending", "callbacks", "interviews", "offers")  # fmt: skip

pytestmark = pytest.mark.usefixtures("fresh_streamlit_caches")


# ---------------------------------------------------------------- the logs


def messy_spreadsheet(path: Path, seed: int = 7) -> Path:
    """A personal tracking sheet as people keep them: their own headers, US dates, a free-text
    "Response?" column, blanks everywhere, answers that came late (after 30 days) or without a date,
    interviews that went quiet months ago, and rows where nothing was ever written down."""
    rng = random.Random(seed)
    header = ["Company", "Position", "Date sent", "Response?", "Date of 1st Response", "Date Interview", "Notes"]
    rows: list[list[object]] = []

    def us(day: dt.date) -> str:
        return f"{day.month}/{day.day}/{day.year}"

    for i in range(150):
        sent = AS_OF - dt.timedelta(days=rng.randint(0, 170))
        company = f"{rng.choice(['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark'])} {i}"
        role = rng.choice(["Data Analyst", "BI Analyst", "Analyst", "Junior Analyst", ""])
        draw = rng.random()
        status, responded, interview, note = "", None, None, ""
        reply = sent + dt.timedelta(days=rng.choice([3, 6, 9, 14, 21, 27, 35, 44, 52]))
        if draw < 0.30:
            status = ""  # nothing written down
        elif draw < 0.40:
            status = rng.choice(["Waiting", "Applied"])
        elif draw < 0.58:
            status = rng.choice(["No response", "Ghosted", "no reply"])
        elif draw < 0.80:
            status = rng.choice(["Rejected", "Rejection email", "rejected"])
            responded = reply if rng.random() < 0.8 else None  # some answers have no date
        elif draw < 0.88:
            status, responded = rng.choice(["Phone screen", "Recruiter call"]), reply
        elif draw < 0.97:
            status, responded = rng.choice(["Interview", "2nd interview"]), reply
            interview = reply + dt.timedelta(days=rng.randint(3, 10))
            note = "went well" if rng.random() < 0.5 else ""
        elif draw < 0.99:
            status, responded = "Offer", reply
            interview = reply + dt.timedelta(days=5)
        else:
            status = "Withdrew"
        if (responded and responded > AS_OF) or (interview and interview > AS_OF):
            status, responded, interview = "Waiting", None, None  # it had not happened yet
        rows.append([company, role, us(sent), status, responded and us(responded), interview and us(interview), note])
    rows.append(["", "", "", "", "", "", ""])  # a blank line, as sheets have
    return write_csv(path, header, rows)


def applied_only(path: Path) -> Path:
    """A LinkedIn-like log: applications, and nothing about what happened to them."""
    rows = [[f"Co {i}", "Analyst", (AS_OF - dt.timedelta(days=3 * i)).isoformat(), "applied"] for i in range(45)]
    return write_csv(path, ["company", "role", "applied_on", "status"], rows)


def _cases() -> list[tuple[str, Path | None]]:
    return [(path.stem, path) for path in sample_files()] + [("messy_spreadsheet", None), ("applied_only", None)]


@pytest.fixture(params=_cases(), ids=lambda case: case[0])
def case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """(database, client) with one log loaded."""
    name, path = request.param
    if name == "messy_spreadsheet":
        path = messy_spreadsheet(tmp_path / "My job search 2026.csv")
    elif name == "applied_only":
        path = applied_only(tmp_path / "Applications.csv")
    assert path is not None
    db = tmp_path / "consistency.duckdb"
    con = connect(db)
    try:
        caseload = name == "advisor_caseload"
        result = ingest_file(con, path, LoadOptions(client=None if caseload else name))
        assert result.status == "loaded", result.message
        if name == "messy_spreadsheet":
            assert result.inserted >= 140 and result.rejected == 0, result.rejects[:3]
    finally:
        con.close()
    return db, CASELOAD_CLIENT if caseload else name


# ---------------------------------------------------------------- what each place shows


Shown = list[tuple[str, str, Any]]  # (measure, place, value as shown)


def _dashboard(monkeypatch: pytest.MonkeyPatch, db: Path, client: str, labels: dict[str, str]) -> Shown:
    monkeypatch.setenv("BOUNCEBACK_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": AS_OF.isoformat(), "client": client})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown: Shown = []
    by_label = {label: name for name, label in labels.items()}
    cards = {_unescaped(metric.label): metric.value for metric in at.metric}
    for label, value in cards.items():
        if label in by_label:
            shown.append((by_label[label], "dashboard card", value))
    for caption in at.caption:
        found = re.fullmatch(r"(\d+%) of applications, at any time", str(caption.value))
        if found:
            shown.append(("answered_share", "dashboard card caption", found.group(1)))
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            if {"label", "count", "share"} <= set(frame.columns):  # the funnel
                for row in frame.itertuples():
                    name = by_label[row.label]
                    shown.append((name, "dashboard funnel bar", int(row.count)))
                    if name == "answered":
                        shown.append(("answered_share", "dashboard funnel share", float(row.share)))
            if {"level", "ending", "row", "count"} <= set(frame.columns):  # how applications ended
                # each application ends once, at its furthest stage (level: its place in FUNNEL_STAGES)
                shown.append(("applications", "endings chart (every application once)", int(frame["count"].sum())))
                reached = frame[frame["level"] >= FUNNEL_STAGES.index("interview")]
                shown.append(("interviews", "endings chart (an interview or later)", int(reached["count"].sum())))
    return shown


def _cli(db: Path, client: str, *command: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main([*command, "--db", str(db), "--as-of", AS_OF.isoformat(), "--client", client])
    assert code == 0, out.getvalue()
    return out.getvalue()


def _command_line(db: Path, client: str, labels: dict[str, str]) -> Shown:
    shown: Shown = []
    funnel = json.loads(_cli(db, client, "funnel", "--json"))
    for stage in funnel["stages"]:
        name = analytics.STAGE_MEASURES[stage["stage"]]
        if name in SHOWN:
            shown.append((name, "funnel --json stage count", stage["count"]))
            assert stage["label"] == labels[name]
        if name == "answered":
            shown.append(("answered_share", "funnel --json share_of_applied", stage["share_of_applied"]))
    overall = json.loads(_cli(db, client, "rates", "--json"))["overall"]
    for name, key in (("applications", "applications"), ("answered", "responses"), ("pending", "pending"),
                      ("settled", "settled")):  # fmt: skip
        shown.append((name, f"rates --json overall.{key}", overall[key]))
    for name in ("response_rate", "response_rate_settled"):
        shown.append((name, f"rates --json overall.{name}", overall[name]["rate"]))
    # the text: each headline line is "<the measure's label>: <its value>"
    text = _cli(db, client, "funnel").splitlines()
    for name in SHOWN:
        if name in ("answered_share", "settled"):
            continue
        line = next(line for line in text if line.startswith(labels[name] + ": "))
        value = line.removeprefix(labels[name] + ": ")
        if name == "answered" and " (" in value:
            value, share = value.split(" (", 1)
            shown.append(("answered_share", "funnel text", share.removesuffix(" of applications)")))
        if name.startswith("response_rate") and value != analytics.NO_OUTCOMES:
            value = value.split(" ")[0]  # "30% [24%-37%] (of 148)"
            value = "too early" if value == "too" else value
        shown.append((name, "funnel text", value))
    return shown


def _report(db: Path, client: str, labels: dict[str, str]) -> Shown:
    con = connect(db)
    try:
        document = build_report(con, Scope(as_of=AS_OF), client, generated_at=GENERATED)
    finally:
        con.close()
    shown: Shown = []
    by_label = {label: name for name, label in labels.items()}
    headline = _section(document, "headline")
    for label, value, sub in re.findall(
        r'<div class="label">(.*?)</div><div class="value">(.*?)</div><div class="sub">(.*?)</div>', headline
    ):
        name = by_label.get(html.unescape(label))
        if name is not None:
            shown.append((name, "report headline card", html.unescape(value)))
            if name == "answered" and sub:
                shown.append(("answered_share", "report headline card", html.unescape(sub).split(" ")[0]))
    for row in re.findall(r"<tr>(.*?)</tr>", _section(document, "funnel")):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        if cells and cells[0] in by_label:
            name = by_label[cells[0]]
            shown.append((name, "report funnel table", cells[1]))
            if name == "answered":
                shown.append(("answered_share", "report funnel table", cells[2]))
    return shown


def _section(document: str, section_id: str) -> str:
    start = document.index(f'<section id="{section_id}">')
    return document[start : document.index("</section>", start)]


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# ---------------------------------------------------------------- the comparison


def _expected(measures: dict[str, Any], name: str) -> Any:
    value = measures[name]
    return value["rate"] if isinstance(value, dict) else value


def _as_shown(measures: dict[str, Any], name: str, place: str) -> str:
    """How a screen writes the measure (a dashboard card is short for "no outcomes recorded": the
    notice above the cards says it in full)."""
    if name in NEEDS_OUTCOMES and not measures["outcomes_recorded"]:
        return "not recorded" if place == "dashboard card" else analytics.NO_OUTCOMES
    value = _expected(measures, name)
    if name in ("answered_share", "response_rate", "response_rate_settled"):
        if value is None:
            return "too early" if name == "response_rate" else "–"
        return f"{value:.0%}"
    return f"{value:,}"


def _disagreements(measures: dict[str, Any], shown: Shown) -> list[str]:
    problems = []
    for name, place, value in shown:
        wanted = _as_shown(measures, name, place) if isinstance(value, str) else _expected(measures, name)
        if value != wanted:
            problems.append(f"{name}: {place} shows {value!r}, the measure is {wanted!r}")
    return problems


def _measures(db: Path, client: str) -> dict[str, Any]:
    con = connect(db)
    try:
        return analytics.measures(con, Scope(as_of=AS_OF, client=client)).to_json()
    finally:
        con.close()


def test_every_place_shows_each_measure_with_one_number(
    monkeypatch: pytest.MonkeyPatch, case: tuple[Path, str]
) -> None:
    db, client = case
    measures = _measures(db, client)
    labels = measures["labels"]
    shown = _dashboard(monkeypatch, db, client, labels) + _command_line(db, client, labels)
    shown += _report(db, client, labels)
    assert not _disagreements(measures, shown), "\n".join(_disagreements(measures, shown))
    places = {(name, place.split(" ")[0]) for name, place, _ in shown}
    # every measure is on the dashboard, the command line and in the report
    for name in ("applications", "answered", "response_rate", "interviews"):
        for where in ("dashboard", "funnel", "report"):
            assert any(n == name and p.startswith(where) for n, p in places), (name, where)
    if measures["outcomes_recorded"]:
        # the funnel and the endings chart carry the counts too
        kinds = {place for name, place, _ in shown if name == "interviews"}
        assert {"dashboard funnel bar", "endings chart (an interview or later)", "report funnel table"} <= kinds
        assert {place for name, place, _ in shown if name == "answered_share"} >= {
            "dashboard card caption", "dashboard funnel share", "funnel --json share_of_applied", "report funnel table"}
    else:
        assert measures["response_rate"]["rate"] is None and measures["answered_share"] is None


def test_the_diagnosis_reports_the_same_measures(case: tuple[Path, str]) -> None:
    db, client = case
    measures = _measures(db, client)
    found = json.loads(_cli(db, client, "diagnose", "--json"))
    assert found["applications"] == measures["applications"]
    assert found["measures"] == measures
    interviews = next(item for item in found["findings"] if item["area"] == "interviews")
    if measures["outcomes_recorded"]:
        assert interviews["evidence"]["interviews"] == measures["interviews"]
    else:
        assert interviews["verdict"] == "not recorded"


def test_the_messy_spreadsheet_is_what_it_claims(tmp_path: Path) -> None:
    """The real-shaped log exercises what the personas do not: answers after the window and without a
    date, rows with nothing recorded, and answers gone quiet for months."""
    db = tmp_path / "messy.duckdb"
    con = connect(db)
    try:
        result = ingest_file(con, messy_spreadsheet(tmp_path / "sheet.csv"), LoadOptions(client="me"))
        assert result.status == "loaded" and result.skipped >= 1
        facts = con.execute(
            f"""select count(*) filter (where days_to_first_response > 30),
                       count(*) filter (where undated_response),
                       count(*) filter (where outcome = 'no_further_answer')
                from application_facts(date '{AS_OF}', 30)"""
        ).fetchone()
        assert all(count > 0 for count in facts), facts
        measures = analytics.measures(con, Scope(as_of=AS_OF, client="me"))
        # answers at any time and answers within the window differ here: the labels say which is which
        assert measures.answered_share != measures.response_rate_settled["rate"]
    finally:
        con.close()


def test_the_labels_state_their_definitions() -> None:
    labels = analytics.measure_labels(30)
    assert labels["answered"] == "Answered (any reply, rejections included)"
    assert labels["response_rate"] == (
        "Response rate: answered within 30 days, recent applications counted for the days they have had"
    )
    assert labels["response_rate_settled"] == "Response rate among applications that have had 30 days"
    assert labels["interviews"] == "Reached an interview" and labels["offers"] == "Offers"
    assert len(set(labels.values())) == len(labels)  # no two measures under one name
    assert (SAMPLE_DIR / "resume_gap.csv").exists()
