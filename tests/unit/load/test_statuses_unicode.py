"""Statuses written in any script (issue 16, items 1 and 9): folded with Unicode in mind, read by the
vocabulary of bb_status_vocabulary (sql/models/normalise_status.sql), never guessed; a --status-map
matches its own text only; the hint for an unknown status proposes the closest stages or none."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.load.ingest import ingest_file
from pipelines.store.db import connect
from tests.conftest import write_csv

LANGUAGES = ["es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk", "tr", "zh", "ja", "ko", "hi"]

# (status as written, what it is read as)
WRITTEN: list[tuple[str, str | None]] = [
    ("Отказ", "rejected"),
    ("拒绝", "rejected"),
    ("一面", "interview"),
    ("已投递", "applied"),
    ("Собеседование", "interview"),
    ("Співбесіда", "interview"),
    ("Entrevista", "interview"),
    ("Rechazado", "rejected"),
    ("Refusée", "rejected"),
    ("refusee", "rejected"),
    ("Vorstellungsgespräch", "interview"),
    ("Absage", "rejected"),
    ("Colloquio", "interview"),
    ("Afgewezen", "rejected"),
    ("Odrzucono", "rejected"),
    ("Mülakat", "interview"),
    ("İŞ TEKLİFİ", "offer"),
    ("Başvuru yapıldı", "applied"),
    ("不採用", "rejected"),
    ("内定", "offer"),
    ("ｲﾝﾀﾋﾞｭｰ", "interview"),  # half-width katakana (NFKC)
    ("불합격", "rejected"),
    ("면접", "interview"),
    ("साक्षात्कार", "interview"),
    ("अस्वीकृत", "rejected"),
    ("Ｒｅｊｅｃｔｅｄ", "rejected"),  # full-width Latin (NFKC)
    ("Sin respuesta", "ghosted"),
    ("Oferta aceptada", "accepted"),
    ("Referido", "applied"),
    ("内推", "applied"),
    ("Vacante cerrada", "position_closed"),
    ("Retirado", "withdrawn"),
    ("Prueba técnica", "assessment"),
    # not in the vocabulary: unknown, never guessed
    ("一面通过", None),
    ("Entrevista 2", None),
    ("Отказ после интервью", None),
    ("👻", None),
    ("❓🤷", None),
]


@pytest.fixture(scope="module")
def shared_con(tmp_path_factory: pytest.TempPathFactory):
    connection = connect(tmp_path_factory.mktemp("unicode") / "bounceback.duckdb")
    yield connection
    connection.close()


def classify(con: duckdb.DuckDBPyConnection, text: str | None) -> dict[str, str | None]:
    return con.cursor().execute("select bb_classify_status(?)", [text]).fetchone()[0]


@pytest.mark.parametrize(("text", "status"), WRITTEN)
def test_statuses_in_every_script_are_read_or_unknown(
    shared_con: duckdb.DuckDBPyConnection, text: str, status: str | None
) -> None:
    result = classify(shared_con, text)
    assert result["status"] == status, result
    assert result["how"] != "blank"
    if status is None:
        assert result["how"] is None


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "\u00a0", "N/A", "Ｎ／Ａ", "-", "--", "—", "…"])
def test_nothing_written_is_still_blank(shared_con: duckdb.DuckDBPyConnection, text: str) -> None:
    assert classify(shared_con, text) == {"status": "applied", "via": None, "how": "blank"}


def test_the_fold_keeps_letters_of_every_script(shared_con: duckdb.DuckDBPyConnection) -> None:
    cur = shared_con.cursor()
    folds = dict(
        cur.execute(
            "select t, bb_status_fold(t) from unnest(?) as u(t)",
            [["Отказ!", "拒绝", "Straße", "ΣΟΦΟΣ", "ghosted 👻", "１次面接", "On-site!", "👻"]],
        ).fetchall()
    )
    assert folds == {
        "Отказ!": "отказ",
        "拒绝": "拒绝",
        "Straße": "strasse",
        "ΣΟΦΟΣ": "σοφοσ",
        "ghosted 👻": "ghosted",
        "１次面接": "1次面接",
        "On-site!": "on_site",
        "👻": "",
    }


def test_the_vocabulary_covers_the_languages_and_stages(shared_con: duckdb.DuckDBPyConnection) -> None:
    cur = shared_con.cursor()
    entries = cur.execute("select e.text, e.status from (select unnest(bb_status_vocabulary()) as e)").fetchall()
    by_status: dict[str, set[str]] = {}
    for text, status in entries:
        by_status.setdefault(status, set()).add(text)
    stages = {"applied", "ghosted", "rejected", "screen", "interview", "assessment", "offer", "accepted"}
    assert stages | {"withdrawn", "position_closed"} <= set(by_status)
    # one meaning per text
    meanings: dict[str, set[str]] = {}
    for text, status in entries:
        meanings.setdefault(text, set()).add(status)
    assert {t: m for t, m in meanings.items() if len(m) > 1} == {}
    # every entry is written as the classifier keys it, and reads as its own status
    keyed = cur.execute(
        "select e.text, bb_status_vocabulary_key(bb_status_fold(e.text)), bb_classify_status(e.text).status"
        " from (select unnest(bb_status_vocabulary()) as e)"
    ).fetchall()
    assert [t for t, key, _ in keyed if key != t] == []
    meaning = {text: status for text, status in entries}
    assert [(t, status) for t, _, status in keyed if status != meaning[t]] == []
    # the SQL file names its languages (docs/importing.md too)
    sql = (Path(__file__).parents[3] / "pipelines/store/sql/models/normalise_status.sql").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        assert f"    -- {lang}\n" in sql, lang


def test_no_vocabulary_entry_contradicts_the_english_rules(shared_con: duckdb.DuckDBPyConnection) -> None:
    # an ASCII entry the English rules also read means the same, except where the English rules
    # misread a foreign phrase ('reponse' is one slip from 'response'; 'offerta accettata' has
    # 'offer' in it): there the vocabulary corrects them. No English status is read differently.
    rows = (
        shared_con.cursor()
        .execute(
            "select e.text, e.status, bb_status_classify_token(e.text).status"
            " from (select unnest(bb_status_vocabulary()) as e) where strlen(e.text) = length(e.text)"
        )
        .fetchall()
    )
    contradictions = {(t, s, english) for t, s, english in rows if english is not None and english != s}
    assert contradictions == {
        ("pas_de_reponse", "ghosted", "response"),
        ("sans_reponse", "ghosted", "response"),
        ("aucune_reponse", "ghosted", "response"),
        ("offerta_accettata", "accepted", "offer"),
    }
    english = shared_con.cursor().execute("select bb_status_names()").fetchone()[0]
    assert not {t for t, _, _ in rows} & set(english)


def test_hint_proposes_the_closest_stages_or_none(shared_con: duckdb.DuckDBPyConnection) -> None:
    cur = shared_con.cursor()
    hint = dict(
        cur.execute(
            "select t, bb_status_hint(t) from unnest(?) as u(t)", [["Entrevista 2", "Waitlisted", "👻"]]
        ).fetchall()
    )
    assert '--status-map "Entrevista 2=interview"' in hint["Entrevista 2"]
    assert "closest: interview" in hint["Entrevista 2"]
    assert '--status-map "Waitlisted=STAGE"' in hint["Waitlisted"]
    assert '--status-map "👻=STAGE"' in hint["👻"]
    for text in hint.values():
        assert text.startswith("status not understood")
        assert "=rejected" not in text
        assert "=saved" in text and "=ignore" in text


def _log(tmp_path: Path, name: str, statuses: list[tuple[str, int]]) -> Path:
    rows = []
    for status, count in statuses:
        for i in range(count):
            rows.append([f"Co {status} {i}", "Analyst", f"2025-01-{1 + len(rows) % 28:02d}", status])
    return write_csv(tmp_path / name, ["Company", "Role", "Date Applied", "Status"], rows)


def test_a_log_in_several_scripts_loads_and_lists_what_it_does_not_know(tmp_path: Path) -> None:
    con = connect(tmp_path / "bb.duckdb")
    try:
        path = _log(
            tmp_path,
            "log.csv",
            [("Отказ", 2), ("拒绝", 1), ("一面", 1), ("已投递", 3), ("Entrevista", 1), ("Rejected", 1), ("👻", 1)],
        )
        result = ingest_file(con, path)
        read = {s["text"]: (s["status"], s["how"]) for s in result.statuses}
        assert read["Отказ"] == ("rejected", "exact")
        assert read["拒绝"] == ("rejected", "exact")
        assert read["一面"] == ("interview", "exact")
        assert read["已投递"] == ("applied", "exact")
        assert read["Entrevista"] == ("interview", "exact")
        assert read["Rejected"] == ("rejected", "exact")
        # an emoji-only status is written, not blank: unknown, its row rejected and listed
        assert read["👻"] == (None, None)
        assert result.unclassified_statuses == {"👻": 1}
        reasons = [r["reason"] for r in result.rejects]
        assert any("👻=STAGE" in reason for reason in reasons), reasons
        assert not any("=rejected" in reason for reason in reasons), reasons
    finally:
        con.close()


def test_a_status_map_matches_its_own_text_only_and_is_remembered_so(tmp_path: Path) -> None:
    con = connect(tmp_path / "bb.duckdb")
    try:
        statuses = [("一面通过", 1), ("已投递", 25), ("👻", 1), ("❓", 1)]
        first = ingest_file(
            con, _log(tmp_path, "a.csv", statuses), status_map={"一面通过": "interview", "👻": "ghosted"}
        )
        read = {s["text"]: s["status"] for s in first.statuses}
        assert read == {"一面通过": "interview", "已投递": "applied", "👻": "ghosted", "❓": None}
        assert first.unclassified_statuses == {"❓": 1}
        # next month's copy, same header, no flags: the remembered map still matches only its texts
        later = ingest_file(con, _log(tmp_path, "b.csv", [("一面通过", 1), ("已投递", 2), ("❓", 1), ("一面", 1)]))
        read = {s["text"]: s["status"] for s in later.statuses}
        assert read == {"一面通过": "interview", "已投递": "applied", "❓": None, "一面": "interview"}
    finally:
        con.close()
