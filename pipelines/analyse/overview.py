"""The overview set on one load of the facts: the measures, the funnel, a rate table per field, timing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.analyse.facts import TEXT_COLUMNS, Prepared, prepare
from pipelines.analyse.funnel import Funnel, funnel
from pipelines.analyse.measures import Measures, measures
from pipelines.analyse.rates import Rates, rates
from pipelines.analyse.scope import Scope
from pipelines.analyse.timing import Timing, timing

RATE_FIELDS = ("resume_version", "channel", "industry")  # the overview's rate tables


@dataclass(frozen=True)
class Overview:
    """The overview set of one scope: the headline measures, the funnel, a rate table per field
    (keyed by field, in the order asked) and the timing of all applications."""

    measures: Measures
    funnel: Funnel
    rates: dict[str, Rates]
    timing: Timing

    def to_json(self) -> dict[str, Any]:
        return {
            "measures": self.measures.to_json(),
            "funnel": self.funnel.to_json(),
            "rates": {name: table.to_json() for name, table in self.rates.items()},
            "timing": self.timing.to_json(),
        }


def analyse_all(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rate_fields: tuple[str, ...] = RATE_FIELDS,
    prepared: Prepared | None = None,
) -> Overview:
    """The overview set on one load of the facts: the measures, funnel, a rate table per field, timing."""
    if prepared is None or prepared.scope != scope or not set(rate_fields) <= prepared.columns:
        prepared = prepare(con, scope, tuple(name for name in rate_fields if name in TEXT_COLUMNS))
    return Overview(
        measures=measures(con, scope, prepared),
        funnel=funnel(con, scope, prepared),
        rates={name: rates(con, scope, [name], prepared) for name in rate_fields},
        timing=timing(con, scope, [], prepared),
    )
