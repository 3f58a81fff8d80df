"""The Python vocabulary of events (pipelines/vocabulary.py) is the table event_types, exactly."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pipelines.load.columns import STAGE_DATE_EVENTS
from pipelines.store import db
from pipelines.vocabulary import (
    EVENT_TYPES,
    EVENTS,
    MAIL_APPLICATION_KINDS,
    MAIL_IGNORED_KINDS,
    RECORDABLE_EVENTS,
    STATUS_NAMES,
    EventType,
)


def test_event_types_table_is_the_python_vocabulary(db_path: Path) -> None:
    con = db.connect(db_path)
    try:
        # rowid: the order the migration wrote the rows in, which the Python list keeps
        cursor = con.execute("select * from event_types order by rowid")
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    assert columns == [field.name for field in dataclasses.fields(EventType)]
    assert rows == [dataclasses.astuple(event_type) for event_type in EVENT_TYPES]


def test_derived_names_keep_the_vocabulary_order() -> None:
    assert EVENTS[1:] == RECORDABLE_EVENTS
    assert EVENTS[0] == "applied"
    assert STATUS_NAMES[0] == "applied" and STATUS_NAMES[-1] == "saved"
    assert "follow_up" not in STATUS_NAMES
    # every stage date column records an event of the vocabulary
    assert set(STAGE_DATE_EVENTS.values()) <= set(RECORDABLE_EVENTS)


def test_a_mail_kind_is_an_event_or_ignored_never_both() -> None:
    # a mail that is an application's event becomes that event: its kind must be one the store knows
    assert set(MAIL_APPLICATION_KINDS) <= set(EVENTS)
    assert not set(MAIL_IGNORED_KINDS) & set(EVENTS)
