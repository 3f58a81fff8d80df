"""Honest analytics: funnel, rates, timing, comparisons, trend and follow-ups.

Everything reads `application_facts(as_of, window_days)` (pipelines/store/sql/models), the one definition
of stage, response and outcome, narrowed by a Scope (client, applied dates, field = value) into a
temporary table on the caller's cursor. Counting is DuckDB set work; Python only turns a few
hundred aggregated numbers into intervals, Kaplan-Meier curves and tests (pipelines/analyse/stats.py).

Definitions (docs/definitions.md):
- response: any reply, rejection included. callback: a screen, assessment or interview invitation.
- pending: no response yet and younger than the window. It is not a failure.
- settled: applied at least `window` days before as-of; the settled-only response rate is the share
  of settled applications answered within the window.
- censoring-aware response rate (the headline): Kaplan-Meier probability of a response within the
  window, every unanswered application censored at its age (pending ones are still in the race).
  A response without a date counts as a response within the window (its day is unknown).
- callback, interview and offer rates are among settled applications.
- no further answer: an answer or an offer followed by nothing for STALE_DAYS (60) days has ended.
- the headline numbers (`measures`, MEASURE_LABELS) have one definition each, and every place that
  shows one (dashboard, command line, report, diagnosis) takes it and its label from there.
- a log that records no outcomes at all (pipelines/analyse/recorded.py) has no rates: they are null.
Rates are fractions in [0, 1] with 95 % intervals; a group with fewer than 10 settled applications
is flagged `small`.

This module only re-exports, so that callers can keep writing `analytics.funnel(...)`; each part lives
in its own module of pipelines/analyse/: scope (Scope, fields, window and group constants), facts
(the facts table, Prepared, what the log records), measures (the headline numbers and their labels),
funnel, rates (and the Kaplan-Meier curve queries), timing, compare, trend, followups, overview
(analyse_all).
"""

from __future__ import annotations

from pipelines.analyse.compare import (
    Comparison,
    Needed,
    Pair,
    Variant,
    compare,
    compare_counts,
    strata_sql,
)
from pipelines.analyse.facts import (
    BASE_COLUMNS,
    TEXT_COLUMNS,
    Memo,
    Prepared,
    load_facts,
    prepare,
    recorded_map,
)
from pipelines.analyse.followups import (
    FOLLOW_UP_AFTER,
    FOLLOW_UP_DUE,
    FOLLOW_UP_EFFECT_COUNTS,
    FOLLOW_UP_LANDMARK,
    FOLLOW_UP_ORDER,
    FOLLOW_UP_PRIORITY,
    INTERVIEW_SILENCE,
    DueRow,
    FollowUpEffect,
    Followups,
    follow_up_effect,
    follow_up_params,
    followups,
)
from pipelines.analyse.funnel import (
    Flow,
    Funnel,
    FunnelStage,
    funnel,
)
from pipelines.analyse.measures import (
    MEASURE_LABELS,
    NO_OUTCOMES,
    NO_OUTCOMES_NEXT,
    OUTCOME_MEASURES,
    STAGE_MEASURES,
    STEP_CONVERSION_LABEL,
    Measures,
    measure_labels,
    measures,
    measures_each,
)
from pipelines.analyse.overview import (
    RATE_FIELDS,
    Overview,
    analyse_all,
)
from pipelines.analyse.rates import (
    RATE_KEYS,
    RateGroup,
    Rates,
    rates,
)
from pipelines.analyse.scope import (
    BOOLEAN_FIELDS,
    DEFAULT_WINDOW,
    FUNNEL_STAGES,
    GROUP_FIELDS,
    MAX_VARIANTS,
    METRICS,
    SMALL_GROUP,
    STALE_DAYS,
    Scope,
    check_fields,
    field_values,
)
from pipelines.analyse.timing import (
    DaysTo,
    Timing,
    TimingGroup,
    timing,
)
from pipelines.analyse.trend import (
    Period,
    Trend,
    trend,
)

__all__ = [
    "BASE_COLUMNS",
    "BOOLEAN_FIELDS",
    "DEFAULT_WINDOW",
    "FOLLOW_UP_AFTER",
    "FOLLOW_UP_DUE",
    "FOLLOW_UP_EFFECT_COUNTS",
    "FOLLOW_UP_LANDMARK",
    "FOLLOW_UP_ORDER",
    "FOLLOW_UP_PRIORITY",
    "FUNNEL_STAGES",
    "GROUP_FIELDS",
    "INTERVIEW_SILENCE",
    "MAX_VARIANTS",
    "MEASURE_LABELS",
    "METRICS",
    "NO_OUTCOMES",
    "NO_OUTCOMES_NEXT",
    "OUTCOME_MEASURES",
    "RATE_FIELDS",
    "RATE_KEYS",
    "SMALL_GROUP",
    "STAGE_MEASURES",
    "STALE_DAYS",
    "STEP_CONVERSION_LABEL",
    "TEXT_COLUMNS",
    "Comparison",
    "DaysTo",
    "DueRow",
    "Flow",
    "FollowUpEffect",
    "Followups",
    "Funnel",
    "FunnelStage",
    "Measures",
    "Memo",
    "Needed",
    "Overview",
    "Pair",
    "Period",
    "Prepared",
    "RateGroup",
    "Rates",
    "Scope",
    "Timing",
    "TimingGroup",
    "Trend",
    "Variant",
    "analyse_all",
    "check_fields",
    "compare",
    "compare_counts",
    "field_values",
    "follow_up_effect",
    "follow_up_params",
    "followups",
    "funnel",
    "load_facts",
    "measure_labels",
    "measures",
    "measures_each",
    "prepare",
    "rates",
    "recorded_map",
    "strata_sql",
    "timing",
    "trend",
]
