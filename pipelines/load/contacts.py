"""The applicant's own contact details never reach the database: scrubbed from the staged cells."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from pipelines.load.columns import (
    DATE_FIELDS,
    FREE_TEXT_COLUMNS,
    header_token,
)
from pipelines.load.plan import Plan, staging_column
from pipelines.sqltext import Sql, compose, join

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult


def scrub_contacts(cur: duckdb.DuckDBPyConnection, plan: Plan, result: IngestResult) -> None:
    """The applicant's own contact details never reach the database. Their columns are left out
    (mapping.dropped), their values are removed from every other cell of the same row, and every
    e-mail address and phone number in an export's free text (LinkedIn's answers) is removed too:
    the staged cells are cleaned before anything reads them."""
    header = plan.header
    personal = [i for i, name in enumerate(header) if name in plan.mapping.dropped]
    # a column read as a date (`Recruiter`: the day the recruiter called) keeps its digits
    dated = {plan.mapping.indexes[name] for name in DATE_FIELDS if name in plan.mapping.indexes}
    free = {
        i
        for i, name in enumerate(header)
        if header_token(name) in FREE_TEXT_COLUMNS and i not in personal and i not in dated
    }
    sets = [
        _scrubbed_cell(index, personal, index in free)
        for index in range(len(header))
        if index not in personal and (personal or index in free)
    ]
    if personal or free:  # a ragged line's text quotes the contact column too
        _scrub_reject_values(cur, personal)
    if sets:
        cur.execute(compose("update staged set {sets}", sets=join(sets)))
        if free:
            names = ", ".join(repr(header[i]) for i in sorted(free))
            result.notes.append(f"e-mail addresses and phone numbers in the text of {names} are not stored")


def _scrubbed_cell(index: int, personal: list[int], free_text: bool) -> Sql:
    """`cN = ...`: staged column `index` without the row's own contact values (its personal columns'),
    and, in free text, without any e-mail address or phone number."""
    value = staging_column(index)
    for own in personal:
        value = compose("bb_without({value}, {own})", value=value, own=staging_column(own))
    if free_text:
        value = compose("bb_scrub_contacts({value})", value=value)
    return compose("{column} = {value}", column=staging_column(index), value=value)


OWN_CONTACT_VALUES_SCRUBBED = 100  # distinct values per personal column: a person has one or two


def _scrub_reject_values(cur: duckdb.DuckDBPyConnection, personal: list[int]) -> None:
    """A line the reader could not split is kept as a reject quoting its text, and in a file with
    contact columns that text holds them: the person's own values (as the parsed rows give them) and
    every e-mail address and phone number are removed from it, as from the rows."""
    for index in personal:
        values = cur.execute(
            compose(
                "select distinct trim({column}) from staged where bb_blank({column}) is not null limit ?",
                column=staging_column(index),
            ),
            [OWN_CONTACT_VALUES_SCRUBBED],
        ).fetchall()
        for (value,) in values:
            cur.execute("update staged_rejects set value = bb_without(value, ?) where value is not null", [value])
    cur.execute("update staged_rejects set value = bb_scrub_contacts(value) where value is not null")
