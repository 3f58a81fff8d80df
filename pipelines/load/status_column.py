"""Which column is the status, when several are named like one (`outcome`, `current_status`).

A name says little: a real log's `outcome` column held paragraphs ("They called back, then …")
while `current_status` held `Rejected`, `Interview`. Taking the first name in the spelling list
rejected 40 rows. So every candidate's values are read as statuses, and the column whose values
read best wins: the share of its written rows whose value is understood (bb_classify_status) and
short enough to be a status rather than a sentence. Ties go to the name ranked first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, LiteralString

import duckdb

from pipelines.load.columns import header_token
from pipelines.load.read.staged import staging_column
from pipelines.sqltext import compose

# a status is a word or a few ("Rejected after final round"); a paragraph that mentions one is a note
STATUS_MAX_CHARS = 60

# one candidate column's (rows written, rows read as a status), over its distinct values
_SCORE_SQL: LiteralString = """
with counted as (
    select bb_blank({column}) as value, count(*) as n
    from staged
    where bb_blank({column}) is not null
    group by 1
)
select coalesce(sum(n), 0),
       coalesce(sum(n) filter (
           where length(value) <= $max_chars and (bb_classify_status(value)).status is not null
             and (bb_classify_status(value)).how <> 'blank'
       ), 0)
from counted
"""


@dataclass(frozen=True)
class StatusCandidate:
    column: str
    rows_written: int  # rows with a value in the column
    rows_read_as_status: int  # of them, values understood as a status and no longer than a status
    chosen: bool

    @property
    def share(self) -> float:
        return self.rows_read_as_status / self.rows_written if self.rows_written else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "share": round(self.share, 3)}


def _scores(cur: duckdb.DuckDBPyConnection, indexes: list[int]) -> list[tuple[int, int]]:
    """Per staged column c{index}: (rows written, rows read as a status), one scan per column of
    its distinct values (a status column has few; each is classified once)."""
    scores = []
    for index in indexes:
        row = cur.execute(compose(_SCORE_SQL, column=staging_column(index)), {"max_chars": STATUS_MAX_CHARS}).fetchone()
        scores.append((int(row[0]), int(row[1])) if row else (0, 0))
    return scores


def choose_status_column(
    cur: duckdb.DuckDBPyConnection,
    header: list[str],
    spellings: tuple[str, ...],
    overrides: dict[str, str | None],
) -> list[StatusCandidate]:
    """The candidates for the status field, best first; empty when there is no choice to make (one
    candidate or none, or the user named the status column or set a candidate aside)."""
    tokens = [header_token(name) for name in header]
    forced = {header_token(name) for name in overrides}
    if "status" in overrides.values() or any(token in forced for token in tokens if token in spellings):
        return []  # a --map (given or remembered) decides, not us
    candidates = sorted((spellings.index(token), index) for index, token in enumerate(tokens) if token in spellings)
    if len(candidates) < 2:
        return []
    scores = _scores(cur, [index for _, index in candidates])
    ranked = sorted(
        zip(candidates, scores, strict=True),
        # the best-read share first; a column with nothing written last; then the name's rank
        key=lambda item: (-(item[1][1] / item[1][0] if item[1][0] else -1.0), item[0]),
    )
    return [
        StatusCandidate(header[index], written, read, chosen=position == 0)
        for position, ((_, index), (written, read)) in enumerate(ranked)
    ]
