"""The dashboard's only door to `pipelines`: one cached connection, cached analyses, plain frames.

Pages never query the database or compute a metric. They ask this module for dicts and pandas
DataFrames that are the analytics payloads (pipelines/analyse/analytics.py, pipelines/analyse/diagnosis.py) laid
out as tables, and hand them to dashboard/charts.py.

Caching:
- one `st.cache_resource` SharedConnection per database path, opened for each call's `with` block
  and closed after a second unused: DuckDB allows one writing process per file, and a load from
  the command line must be able to take it between the dashboard's reruns. Every analysis takes
  its own `con.cursor()` inside pipelines, so sessions share the connection safely;
- `st.cache_data` results keyed by (database path, content version, scope as plain values). The
  content version (the last load's run id and the number of events) changes with every load, so a
  new import is visible on the next rerun without any TTL.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from pipelines.advisors import clients as client_store
from pipelines.advisors import outcomes
from pipelines.advisors import roster as roster_logic
from pipelines.advisors.clients import LOCAL_VIEWER, Viewer, resolve_viewer
from pipelines.analyse import analytics, diagnosis
from pipelines.analyse.analytics import DEFAULT_WINDOW, Scope
from pipelines.cli.status import content_version, database_status
from pipelines.errors import BouncebackError, DatabaseBusy, DatabaseError, InputError
from pipelines.load.columns import FIELD_SYNONYMS, STATUS_NAMES
from pipelines.load.guard import MAX_UPLOAD_MB, check_upload_size
from pipelines.load.ingest import CHANNEL_NAMES, IngestResult, LoadOptions, ingest_path
from pipelines.store.db import connect, resolve_db_path
from pipelines.store.sharing import SharedConnection
from pipelines.words import counted

__all__ = [
    "DEFAULT_WINDOW",
    "EVENT_CHOICES",
    "MAX_UPLOAD_MB",
    "WHERE_FIELDS",
    "BouncebackError",
    "DatabaseBusy",
    "DatabaseError",
    "Filters",
    "InputError",
    "Source",
    "Upload",
    "Viewer",
]

# the sidebar's `where` filters, in the order they are shown
WHERE_FIELDS: dict[str, str] = {"channel": "Channel", "industry": "Industry", "resume_version": "Resume version"}
# the per-group breakdowns the pages offer (an allowlist: analytics.GROUP_FIELDS holds more)
GROUP_CHOICES: dict[str, str] = {
    "resume_version": "Resume version",
    "channel": "Channel",
    "industry": "Industry",
    "role": "Role",
}
MAX_BARS = 15  # groups drawn per chart (the most applications first); the table holds them all
RATE_KEYS: dict[str, str] = {
    "response": "response_rate",
    "response_settled": "response_rate_settled",
    "callback": "callback_rate",
    "interview": "interview_rate",
    "offer": "offer_rate",
}
METRIC_LABELS: dict[str, str] = {
    "response": "Response rate (censoring-aware)",
    "response_settled": "Response rate, settled applications only",
    "callback": "Callback rate",
    "interview": "Interview rate",
    "offer": "Offer rate",
}
# a log that records no answer at all (a LinkedIn export): what the screens say, and what to do
NO_OUTCOMES = analytics.NO_OUTCOMES
NO_OUTCOMES_NEXT = analytics.NO_OUTCOMES_NEXT
STALE_DAYS = analytics.STALE_DAYS
OUTCOME_MEASURES = analytics.OUTCOME_MEASURES
BLANK = "(blank)"
SMALL_LABEL = "small group: read with care"
ENOUGH_LABEL = "enough settled applications"
# the events a person can record by hand (pipelines/advisors/outcomes.py)
EVENT_CHOICES: tuple[str, ...] = outcomes.EVENT_CHOICES
# signed in, but not (or no longer) in the access table: sees nothing
NOBODY = Viewer(principal="", role="none", clients=())
MAX_CACHED = 128  # results per cached function: filters change often, memory should not grow forever


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices as plain, hashable values (cache keys and query parameters)."""

    as_of: dt.date
    window: int = DEFAULT_WINDOW
    client: str | None = None
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None
    where: tuple[tuple[str, str], ...] = ()

    def key(self) -> tuple[Any, ...]:
        return (self.as_of, self.window, self.client, self.applied_from, self.applied_to, self.where)


# (content version..., viewer): every cached function takes it, so a result is cached per state of
# the data *and* per person. A dashboard shared behind a login never hands one person's numbers to
# another from the cache, whichever function made them.
Version = tuple[Any, ...]


@dataclass(frozen=True)
class Source:
    """Which database, which state of its content, and who is looking (part of every cache key)."""

    path: str
    version: Version

    @property
    def viewer(self) -> Viewer:
        return _viewer_of(self.version)


def _viewer_of(version: Version) -> Viewer:
    viewer = version[-1]
    assert isinstance(viewer, Viewer), "the viewer rides last in every version"
    return viewer


def _scope(key: tuple[Any, ...], version: Version) -> Scope:
    """The analytics scope of the filters, narrowed to the clients the viewer may see."""
    as_of, window, client, applied_from, applied_to, where = key
    return Scope(
        as_of=as_of,
        window=window,
        client=client,
        applied_from=applied_from,
        applied_to=applied_to,
        where=dict(where),
        allowed=_viewer_of(version).clients,
    )


# ---------------------------------------------------------------- who is looking


def auth_configured() -> bool:
    """True when the secrets hold an [auth] section: the dashboard then runs behind st.login.

    A secrets file that cannot be parsed is an error, not "no login": failing open would show
    every client to whoever opens the page."""
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError as e:
        if "No secrets found" in str(e):
            return False
        raise DatabaseError(f"the dashboard's secrets file cannot be read: {e}") from e


def signed_in_email() -> str | None:
    """The e-mail the identity provider vouches for, or None (not signed in, or not verified)."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    if user.get("email_verified") is False:
        return None  # an address the provider has not verified could be anyone's
    email = str(user.get("email") or "").strip()
    return email or None


def _current_viewer(con: duckdb.DuckDBPyConnection) -> Viewer:
    """The local user without a login; else the signed-in person as the access table has them,
    looked up on every run so that a revoked grant takes effect at once. Never from the URL."""
    if not auth_configured():
        return LOCAL_VIEWER
    email = signed_in_email()
    return NOBODY if email is None else resolve_viewer(con, email)


# ---------------------------------------------------------------- connection and content version


def db_path() -> str:
    """`$BOUNCEBACK_DB`, else the user's default database (the same rule as the CLI)."""
    return str(resolve_db_path(None))


BUSY_WAIT_SECONDS = 2.0  # a page waits this long for a load in another process, then says so


def _open(path: str) -> duckdb.DuckDBPyConnection:
    return connect(path, wait=BUSY_WAIT_SECONDS)


@st.cache_resource(show_spinner=False)
def _shared(path: str) -> SharedConnection:
    return SharedConnection(path, _open)


def _connection(path: str) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """The database, open for the `with` block. Every session shares one connection, and it is
    closed after a second unused (pipelines/store/sharing.py), so `bounceback ingest` in a terminal can
    load while the dashboard runs; the next rerun reopens the file and sees the new data.

    connect() creates and migrates the file like every bounceback command; a failure (the file held
    by a load in another process, not a DuckDB file) raises DatabaseError with one readable line."""
    return _shared(path).use()


def source() -> Source:
    """Open (once per path) the database, read its content version and who is looking.
    Raises DatabaseError."""
    path = db_path()
    with _connection(path) as con:
        return Source(path=path, version=(*content_version(con), _current_viewer(con)))


# ---------------------------------------------------------------- small helpers to build frames


def _label(value: Any) -> str:
    return BLANK if value is None else str(value)


def _group_label(group: dict[str, Any]) -> str:
    return " · ".join(_label(value) for value in group.values())


def _rate_columns(rate: dict[str, Any] | None) -> dict[str, Any]:
    rate = rate or {}
    return {"rate": rate.get("rate"), "low": rate.get("low"), "high": rate.get("high"), "n": rate.get("n")}


def _reliability(small: bool) -> str:
    return SMALL_LABEL if small else ENOUGH_LABEL


def _rates_frame(groups: list[dict[str, Any]], label: str) -> pd.DataFrame:
    """Long format: one row per (group, metric), columns group/metric/rate/low/high/n/..."""
    rows = []
    for entry in groups:
        for metric, key in RATE_KEYS.items():
            rows.append(
                {
                    label: _group_label(entry["group"]),
                    "metric": metric,
                    **_rate_columns(entry[key]),
                    "applications": entry["applications"],
                    "responses": entry["responses"],
                    "pending": entry["pending"],
                    "settled": entry["settled"],
                    "small": entry["small"],
                    "reliability": _reliability(entry["small"]),
                }
            )
    columns = [
        label,
        "metric",
        "rate",
        "low",
        "high",
        "n",
        "applications",
        "responses",
        "pending",
        "settled",
        "small",
        "reliability",
    ]
    return pd.DataFrame(rows, columns=columns)


def _curve_frame(group: str, kind: str, curve: dict[str, Any] | list[Any], small: bool) -> pd.DataFrame:
    """A Kaplan-Meier table (KMCurve.to_json) as rows; the curve starts at day 0 with nobody answered."""
    columns = ["group", "kind", "day", "survival", "lower", "upper", "at_risk", "events", "censored", "reliability"]
    if not curve or not isinstance(curve, dict) or not curve.get("times"):
        return pd.DataFrame(columns=columns)
    rows = [
        {
            "group": group,
            "kind": kind,
            "day": time,
            "survival": surv,
            "lower": low,
            "upper": high,
            "at_risk": at_risk,
            "events": events,
            "censored": censored,
            "reliability": _reliability(small),
        }
        for time, surv, low, high, at_risk, events, censored in zip(
            curve["times"],
            curve["survival"],
            curve["lower"],
            curve["upper"],
            curve["at_risk"],
            curve["events"],
            curve["censored"],
            strict=True,
        )
    ]
    if rows[0]["day"] > 0:
        # a step curve is read from day 0, where by definition everyone is still waiting
        start = {**rows[0], "day": 0.0, "survival": 1.0, "lower": None, "upper": None, "events": 0, "censored": 0}
        rows.insert(0, start)
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- cached analyses


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _status(path: str, version: Version) -> dict[str, Any]:
    with _connection(path) as con:
        return database_status(con, Path(path), _viewer_of(version))


def status(src: Source) -> dict[str, Any]:
    """`bounceback status` for this database: counts, clients, last loads."""
    return _status(src.path, src.version)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _filter_options(
    path: str, version: Version, as_of: dt.date, window: int, client: str | None
) -> dict[str, list[str]]:
    scope = Scope(as_of=as_of, window=window, client=client, allowed=_viewer_of(version).clients)
    # a blank value is not offered: `where` compares text, and blank is not a text
    with _connection(path) as con:
        return analytics.field_values(con, scope, tuple(WHERE_FIELDS))


def filter_options(src: Source, as_of: dt.date, window: int, client: str | None) -> dict[str, list[str]]:
    """The values the channel / industry / resume filters can take for this client and date."""
    return _filter_options(src.path, src.version, as_of, window, client)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _overview(path: str, version: Version, key: tuple[Any, ...]) -> dict[str, Any]:
    # one load of the facts for every part of the page (pipelines/analyse/diagnosis.py overview)
    with _connection(path) as con:
        everything = diagnosis.overview(con, _scope(key, version))
    funnel = everything["funnel"]
    if funnel["no_data"]:
        return {"no_data": True, "applications": 0}
    timing = everything["timing"]["groups"][0]
    trend = everything["trend"]
    findings = everything["diagnosis"]["findings"]
    measures = everything["measures"]
    funnel_rows = []
    for stage in funnel["stages"]:
        step = _rate_columns(stage.get("step_conversion"))
        funnel_rows.append(
            {
                "stage": stage["stage"],
                "label": stage["label"],
                "count": stage["count"],
                "share": stage["share_of_applied"],
                "step_rate": step["rate"],
                "step_low": step["low"],
                "step_high": step["high"],
                "step_n": step["n"],
            }
        )
    trend_rows = [
        {
            "week": pd.Timestamp(period["period"]),
            "period": period["period"],
            **_rate_columns(period["response_rate"]),
            "applications": period["applications"],
            "settled": period["settled"],
            "pending": period["pending"],
            "reliability": _reliability(period["small"]),
        }
        for period in trend["periods"]
    ]
    first = timing["first_response"]
    return {
        "no_data": False,
        # the headline numbers and their labels (analytics.measures): cards, funnel and Sankey agree
        "measures": measures,
        "outcomes_recorded": measures["outcomes_recorded"],
        "applications": measures["applications"],
        "response_rate": measures["response_rate"],
        "response_rate_settled": measures["response_rate_settled"],
        "settled": measures["settled"],
        "pending": measures["pending"],
        "answered": measures["answered"],
        "callbacks": measures["callbacks"],
        "interviews": measures["interviews"],
        "offers": measures["offers"],
        "step_conversion_label": funnel["step_conversion_label"],
        "median_days": first["median_days"],
        "median_low": first["median_low"],
        "median_high": first["median_high"],
        "ghosting_rate": timing["ghosting_rate"],
        "findings": findings,
        "funnel": pd.DataFrame(funnel_rows),
        "flows": _flows_frame(funnel),
        "outcomes": funnel["outcomes"],
        "trend": pd.DataFrame(
            trend_rows,
            columns=["week", "period", "rate", "low", "high", "n", "applications", "settled", "pending", "reliability"],
        ),
    }


def _flows_frame(funnel: dict[str, Any]) -> pd.DataFrame:
    """The Sankey's flows with the words on screen: each stage by the label of the measure that counts
    it (the cards' labels), each end in plain words ("no further answer", "still open")."""
    names: dict[str, str] = {stage["stage"]: stage["label"] for stage in funnel["stages"]}

    def word(name: str) -> str:
        return names.get(name, name.replace("_", " "))

    rows = [{"from": word(flow["from"]), "to": word(flow["to"]), "count": flow["count"]} for flow in funnel["flows"]]
    return pd.DataFrame(rows, columns=["from", "to", "count"])


def overview(src: Source, filters: Filters) -> dict[str, Any]:
    """Headline numbers, the six diagnosis findings (most severe first), funnel, flows, weekly trend."""
    return _overview(src.path, src.version, filters.key())


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _rates(path: str, version: Version, key: tuple[Any, ...], by: str) -> dict[str, Any]:
    with _connection(path) as con:
        payload = analytics.rates(con, _scope(key, version), [by])
    if payload["no_data"]:
        return {"no_data": True, "applications": 0}
    return {
        "no_data": False,
        "applications": payload["applications"],
        "outcomes_recorded": payload["outcomes_recorded"],
        "small_group_threshold": payload["small_group_threshold"],
        "rates": _rates_frame(payload["groups"], "group"),
        "overall": _rates_frame([payload["overall"]], "group"),
    }


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _cross_rates(path: str, version: Version, key: tuple[Any, ...], rows: str, columns: str) -> pd.DataFrame:
    with _connection(path) as con:
        payload = analytics.rates(con, _scope(key, version), [rows, columns])
    records = []
    for entry in payload.get("groups", []):
        for metric, rate_key in RATE_KEYS.items():
            records.append(
                {
                    rows: _label(entry["group"][rows]),
                    columns: _label(entry["group"][columns]),
                    "metric": metric,
                    **_rate_columns(entry[rate_key]),
                    "applications": entry["applications"],
                    "settled": entry["settled"],
                    "reliability": _reliability(entry["small"]),
                }
            )
    return pd.DataFrame(
        records, columns=[rows, columns, "metric", "rate", "low", "high", "n", "applications", "settled", "reliability"]
    )


def cross_rates(src: Source, filters: Filters, rows: str, columns: str) -> pd.DataFrame:
    """Rates for every (rows, columns) pair, long format with a `metric` column (a heatmap's data)."""
    if rows not in GROUP_CHOICES or columns not in GROUP_CHOICES:
        raise ValueError(f"unknown breakdown {rows!r} x {columns!r}")
    return _cross_rates(src.path, src.version, filters.key(), rows, columns)


def rates(src: Source, filters: Filters, by: str) -> dict[str, Any]:
    """Rates per value of `by` in long format (`metric` column: response, callback, ...)."""
    if by not in GROUP_CHOICES:
        raise ValueError(f"unknown breakdown {by!r}")
    return _rates(src.path, src.version, filters.key(), by)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _compare(path: str, version: Version, key: tuple[Any, ...], by: str, metric: str) -> dict[str, Any]:
    with _connection(path) as con:
        payload = analytics.compare(con, _scope(key, version), by, metric)
    if payload["no_data"]:
        return {"no_data": True, "applications": 0}
    variants = pd.DataFrame(
        [
            {
                "variant": _label(v["variant"]),
                **_rate_columns(v["rate"]),
                "applications": v["applications"],
                "settled": v["settled"],
                "successes": v["successes"],
                "prob_best": v["prob_best"],
                "reliability": _reliability(v["small"]),
            }
            for v in payload["variants"]
        ],
        columns=[
            "variant",
            "rate",
            "low",
            "high",
            "n",
            "applications",
            "settled",
            "successes",
            "prob_best",
            "reliability",
        ],
    )
    pairs = pd.DataFrame(
        [
            {
                "a": _label(p["a"]),
                "b": _label(p["b"]),
                "difference": p["difference"],
                "p_value": p["p_value"],
                "p_holm": p["p_holm"],
                "adjusted_odds_ratio": (p["adjusted"] or {}).get("odds_ratio"),
                "adjusted_p": (p["adjusted"] or {}).get("p_value"),
                "needed_per_variant": (p["needed_per_variant"] or {}).get("per_variant"),
                "warning": p["warning"],
            }
            for p in payload["pairs"]
        ],
        columns=[
            "a",
            "b",
            "difference",
            "p_value",
            "p_holm",
            "adjusted_odds_ratio",
            "adjusted_p",
            "needed_per_variant",
            "warning",
        ],
    )
    return {
        "no_data": False,
        "applications": payload["applications"],
        "adjusted_for": payload["adjusted_for"],
        "variants_omitted": payload["variants_omitted"],
        "variants": variants,
        "pairs": pairs,
        "warnings": [p["warning"] for p in payload["pairs"] if p["warning"]],
    }


def compare(src: Source, filters: Filters, by: str, metric: str = "response") -> dict[str, Any]:
    """Variants of `by` compared on settled applications: tests, P(best), adjustment, warnings."""
    if by not in GROUP_CHOICES or metric not in analytics.METRICS:
        raise ValueError(f"unknown comparison {by!r} / {metric!r}")
    return _compare(src.path, src.version, filters.key(), by, metric)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _timing(path: str, version: Version, key: tuple[Any, ...], by: str | None) -> dict[str, Any]:
    with _connection(path) as con:
        payload = analytics.timing(con, _scope(key, version), [by] if by else [])
    if payload["no_data"]:
        return {"no_data": True, "applications": 0}
    summary, curves = [], []
    for entry in payload["groups"]:
        label = "all applications" if not by else _group_label(entry["group"])
        first, rejection, ghosting = entry["first_response"], entry["rejection"], entry["ghosting_rate"]
        summary.append(
            {
                "group": label,
                "applications": entry["applications"],
                "reliability": _reliability(entry["small"]),
                "median_days_to_response": first["median_days"],
                "median_low": first["median_low"],
                "median_high": first["median_high"],
                "median_days_to_rejection": rejection["median_days"],
                "ghosting_rate": ghosting["rate"],
                "ghosting_low": ghosting["low"],
                "ghosting_high": ghosting["high"],
                "settled": ghosting["n"],
                "undated_responses": entry["undated_responses"],
                "undated_rejections": entry["undated_rejections"],
            }
        )
        curves.append(_curve_frame(label, "first_response", first["curve"], entry["small"]))
        curves.append(_curve_frame(label, "rejection", rejection["curve"], entry["small"]))
    non_empty = [frame for frame in curves if not frame.empty]
    return {
        "no_data": False,
        "applications": payload["applications"],
        "outcomes_recorded": payload["outcomes_recorded"],
        "summary": pd.DataFrame(summary),
        "curves": pd.concat(non_empty, ignore_index=True) if non_empty else _curve_frame("", "", {}, False),
    }


def timing(src: Source, filters: Filters, by: str | None = None) -> dict[str, Any]:
    """Kaplan-Meier curves (days to first response, to rejection) and medians, per group of `by`."""
    if by is not None and by not in GROUP_CHOICES:
        raise ValueError(f"unknown breakdown {by!r}")
    return _timing(src.path, src.version, filters.key(), by)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _followups(path: str, version: Version, key: tuple[Any, ...]) -> dict[str, Any]:
    with _connection(path) as con:
        payload = analytics.followups(con, _scope(key, version))
    if payload["no_data"]:
        return {"no_data": True, "applications": 0}
    effect = payload["effect"]
    effect_frame = None
    if effect is not None:
        effect_frame = pd.DataFrame(
            [
                {
                    "group": "followed up by day 14",
                    **_rate_columns(effect["followed_up"]),
                    "reliability": _reliability(effect["small"]),
                },
                {
                    "group": "not followed up",
                    **_rate_columns(effect["not_followed_up"]),
                    "reliability": _reliability(effect["small"]),
                },
            ]
        )
    due = pd.DataFrame(
        payload["due"],
        columns=[
            "priority",
            "company",
            "role",
            "client",
            "applied_on",
            "age_days",
            "last_interview_on",
            "reason",
            "application_id",
        ],
    )
    return {
        "no_data": False,
        "applications": payload["applications"],
        "effect": effect,
        "effect_frame": effect_frame,
        "due": due,
        "due_total": payload["due_total"],
    }


def followups(src: Source, filters: Filters) -> dict[str, Any]:
    """Whether following up pays (landmark comparison) and the applications due a follow-up now."""
    return _followups(src.path, src.version, filters.key())


def template_csv() -> bytes:
    """The canonical import template (sample_data/template.csv), as shipped with the package."""
    return resources.files("sample_data").joinpath("template.csv").read_bytes()


# ---------------------------------------------------------------- loading a file (Database page)

IGNORE = "ignore"
# what a column can be read as: every field of the spreadsheet importer, or nothing
FIELD_CHOICES: tuple[str, ...] = (*sorted(FIELD_SYNONYMS), IGNORE)
# what a status text the importer did not understand can be said to mean
STATUS_CHOICES: tuple[str, ...] = ("pending", *STATUS_NAMES)
# what a channel value of the file can be read as
CHANNEL_CHOICES: tuple[str, ...] = CHANNEL_NAMES
DATE_ORDER_CHOICES: dict[str, str] = {
    "": "decide from the file",
    "mdy": "month first (M/D/Y)",
    "dmy": "day first (D/M/Y)",
}
REJECTS_SHOWN = 100
MAPPING_COLUMNS = ["column", "field"]
CHANNEL_COLUMNS = ["value", "rows", "read as"]


@dataclass(frozen=True)
class Upload:
    """A file the browser sent. `file_id` is the uploader's id for it: a new upload, a new id."""

    name: str
    file_id: str
    content: bytes


@dataclass(frozen=True)
class ImportChoices:
    """What the person said about the file (plain, hashable values: part of the preview's cache key)."""

    client: str | None = None
    column_map: tuple[tuple[str, str], ...] = ()
    status_map: tuple[tuple[str, str], ...] = ()
    date_order: str | None = None
    value_map: tuple[tuple[str, str, str], ...] = ()  # (field, value as written, read as): `--value-map`

    def options(self, name: str, dry_run: bool) -> LoadOptions:
        value_map: dict[str, dict[str, str]] = {}
        for field_name, text, value in self.value_map:
            value_map.setdefault(field_name, {})[text] = value
        return LoadOptions(
            client=self.client,
            dry_run=dry_run,
            column_map=dict(self.column_map),
            status_map=dict(self.status_map),
            value_map=value_map,
            date_order=self.date_order,
            origin=name,
        )


_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_MAX_NAME_CHARS = 120


def _safe_name(name: str) -> str:
    """The upload's own file name (the importer reads the extension), never a path.

    Only the last part of what the browser sent is kept, without a drive letter, control
    characters or characters Windows refuses in a name (a `C:x.csv` or `x.csv:stream` would
    leave the temporary folder there), and short enough for any file system."""
    base = Path(name.replace("\\", "/")).name
    base = _UNSAFE_NAME_CHARS.sub("_", base).strip(" .") if base not in (".", "..") else ""
    if len(base) > _MAX_NAME_CHARS:
        stem, dot, suffix = base.rpartition(".")
        base = (
            stem[: _MAX_NAME_CHARS - len(suffix) - 1] + dot + suffix
            if dot and len(suffix) <= 10
            else base[:_MAX_NAME_CHARS]
        )
    return base or "upload"


def _reconciliation(result: dict[str, Any]) -> str:
    line = (
        f"{counted(result['rows_read'], 'row')} read = {result['inserted']} inserted + {result['updated']} updated + "
        f"{result['unchanged']} unchanged + {result['rejected']} rejected + {result['skipped']} skipped"
    )
    return line if result["reconciled"] else f"{line} (these do not add up: nothing was written)"


def _mapping_frame(result: dict[str, Any]) -> pd.DataFrame:
    """Header -> field as the importer chose it; unused headers read `ignore`. A file refused before
    its columns were matched (no applied date) lists its own columns, each with no field yet."""
    columns = result.get("columns") or {}
    rows = [{"column": header, "field": name} for name, header in (columns.get("mapped") or {}).items()]
    rows += [{"column": header, "field": IGNORE} for header in columns.get("ignored") or []]
    if not rows:
        rows = [{"column": header, "field": None} for header in result.get("header") or []]
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


def _channel_frame(result: dict[str, Any]) -> pd.DataFrame:
    """The file's distinct channel values, their rows, and what each is read as."""
    rows = [
        {"value": entry["text"], "rows": entry["rows"], "read as": entry["channel"]}
        for entry in result.get("channels") or []
    ]
    return pd.DataFrame(rows, columns=CHANNEL_COLUMNS)


def _order_choice(code: str) -> str:
    return f"choose “{DATE_ORDER_CHOICES[code]}” under Day/month order of dates"


# The importer's words name command-line flags; on the page they say what to choose instead. Tried
# in this order (the special forms before the general ones).
_SCREEN_WORDS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"(?:try )?--map \"COLUMN=(\w+)\" \(COLUMN: the first one's full name\)"),
        r"choose \1 for the first of them in the Columns table above",
    ),
    (re.compile(r'--map "<status column>=ignore"'), "choose ignore for the status column in the Columns table above"),
    (
        re.compile(r"--map: both (.+?) and (.+?) are mapped to (\w+); choose one"),
        r"the Columns table reads both \1 and \2 as \3; choose one",
    ),
    (re.compile(r'(?:try )?--map "(.+?)=([^"=]*)"'), r"choose \2 for the column “\1” in the Columns table above"),
    (re.compile(r'--status-map "(.+?)=([^"=]*)"'), r"choose \2 for “\1” under Statuses not understood"),
    (re.compile(r'drop --date-order \(on the dashboard: "decide from the file"\)'), lambda m: _order_choice("")),
    (re.compile(r"pass --date-order (mdy|dmy)"), lambda m: _order_choice(m[1])),
    (
        re.compile(r"--date-order (mdy|dmy) contradicts"),
        lambda m: f"The order you chose, “{DATE_ORDER_CHOICES[m[1]]}”, contradicts",
    ),
    (re.compile(r"--map / --status-map(?: / --value-map)? change it"), "your choices here change it"),
]


def screen_words(text: str | None) -> str | None:
    """A message of the importer as the page says it: what to choose here, not which flag to type."""
    if text is None:
        return None
    for pattern, words in _SCREEN_WORDS:
        text = pattern.sub(words, text)
    return text


def _report(result: dict[str, Any], folder: str) -> dict[str, Any]:
    """One file's load result laid out for the page: texts and tables, user values untouched."""

    def shown(text: str | None) -> str | None:
        # an archive's member is named `<temporary folder>/export.zip!Jobs/...`: the folder means nothing
        return None if text is None else text.replace(folder.rstrip("/") + "/", "")

    def said(text: str | None) -> str | None:
        return screen_words(shown(text))

    dates = pd.DataFrame(
        [{"field": name, **info} for name, info in (result.get("dates") or {}).items()],
        columns=[
            "field",
            "column",
            "format",
            "order",
            "decided_by",
            "distinct_values",
            "unreadable_values",
            "year_inferred",
        ],
    )
    statuses = pd.DataFrame(
        [
            {
                "text": entry["text"],
                "read as": entry["status"] if entry["status"] is not None else "not understood",
                "via": entry["via"],
                "how": entry["how"],
                "rows": entry["rows"],
            }
            for entry in result.get("statuses") or []
        ],
        columns=["text", "read as", "via", "how", "rows"],
    )
    rejects = pd.DataFrame(
        [{**reject, "reason": screen_words(reject["reason"])} for reject in result.get("rejects", [])[:REJECTS_SHOWN]],
        columns=["line", "column", "value", "reason"],
    )
    return {
        "file": shown(result["file"]),
        "status": result["status"],
        "ok": result["status"] in ("loaded", "dry_run"),
        "message": said(result.get("message")),
        "source": result.get("source"),
        "client": result.get("client"),
        "run_id": result.get("run_id"),
        "counts": {
            key: result[key] for key in ("rows_read", "inserted", "updated", "unchanged", "rejected", "skipped")
        },
        "events_inserted": result.get("events_inserted", 0),
        "events_updated": result.get("events_updated", 0),
        "reconciled": result.get("reconciled", False),
        "reconciliation": _reconciliation(result),
        "mapping": _mapping_frame(result),
        "channels": _channel_frame(result),
        "channel_column": ((result.get("columns") or {}).get("mapped") or {}).get("channel"),
        "value_maps": list(result.get("value_maps") or []),
        "dropped": list((result.get("columns") or {}).get("dropped") or []),
        "dates": dates,
        "statuses": statuses,
        "unclassified": dict(result.get("unclassified_statuses") or {}),
        "rejects": rejects,
        "skipped_reasons": dict(result.get("skipped_reasons") or {}),
        "notes": [said(note) for note in result.get("notes") or []],
    }


def _ingest_upload(
    con: duckdb.DuckDBPyConnection, name: str, content: bytes, choices: ImportChoices, dry_run: bool
) -> list[dict[str, Any]]:
    """Write the bytes to a temporary file that keeps the upload's name, and load (or dry-run) it.

    The file is written only inside a new temporary folder, removed afterwards, and only read as
    a log file (pipelines.load.ingest): never opened as a database."""
    safe = _safe_name(name)
    with tempfile.TemporaryDirectory(prefix="bounceback-upload-") as folder:
        try:
            check_upload_size(safe, len(content))  # Streamlit refuses it first; the same limit here
        except InputError as e:
            return [_report(IngestResult(file=safe, status="refused", message=str(e)).to_json(), folder)]
        path = Path(folder) / safe
        path.write_bytes(content)
        results = ingest_path(con, path, choices.options(safe, dry_run))
        return [_report(result.to_json(), folder) for result in results]


@st.cache_data(show_spinner="Reading the file…", max_entries=16)
def _preview(
    path: str, version: Version, file_id: str, name: str, _content: bytes, choices: ImportChoices
) -> list[dict[str, Any]]:
    # `_content` is not hashed: the uploader's file id stands for it
    with _connection(path) as con:
        return _ingest_upload(con, name, _content, choices, dry_run=True)


def _check_upload_client(viewer: Viewer, choices: ImportChoices) -> None:
    # the client given overrides a client column in the file (pipelines/load/ingest.py), so a file
    # cannot write into anybody else's search
    if viewer.clients is not None and (choices.client is None or not viewer.may_see(choices.client)):
        raise InputError("choose one of your clients for this file: it is loaded as their search")


def preview_upload(src: Source, upload: Upload, choices: ImportChoices) -> list[dict[str, Any]]:
    """A dry run of the upload (nothing written): one report per file (an export .zip may hold several).

    Each report: file, status (dry_run / refused / failed), ok, message, source, counts,
    reconciliation (the sentence), mapping (header -> field), dropped (personal columns not stored),
    dates, statuses, unclassified ({text: rows}), rejects (the first ones), skipped_reasons, notes.
    """
    _check_upload_client(src.viewer, choices)
    return _preview(src.path, src.version, upload.file_id, upload.name, upload.content, choices)


def load_upload(src: Source, upload: Upload, choices: ImportChoices) -> list[dict[str, Any]]:
    """Load the upload for real (each file its own transaction), then drop the cached results."""
    _check_upload_client(src.viewer, choices)
    try:
        with _connection(src.path) as con:
            return _ingest_upload(con, upload.name, upload.content, choices, dry_run=False)
    finally:
        st.cache_data.clear()


def editable_mapping(reports: list[dict[str, Any]]) -> pd.DataFrame:
    """The headers of every file of an upload with the field each is read as (first file wins)."""
    frames: list[pd.DataFrame] = [report["mapping"] for report in reports if not report["mapping"].empty]
    if not frames:
        return pd.DataFrame(columns=MAPPING_COLUMNS).astype(str)
    merged = pd.concat(frames, ignore_index=True).drop_duplicates(subset="column", keep="first")
    return merged.reset_index(drop=True)


def column_changes(base: pd.DataFrame, edited: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """The rows of the mapping editor that differ from what the importer chose: `--map` entries."""
    chosen = {str(row.column): row.field for row in base.itertuples(index=False)}
    changes: dict[str, str] = {}
    for row in edited.to_dict("records"):  # the cells as Python values: str, or None / NaN when emptied
        header = "" if row["column"] is None or pd.isna(row["column"]) else str(row["column"])
        target = None if row["field"] is None or pd.isna(row["field"]) else str(row["field"])
        if header.strip() and target and target != chosen.get(header):
            changes[header] = target
    return tuple(sorted(changes.items()))


def editable_channels(reports: list[dict[str, Any]]) -> pd.DataFrame:
    """The distinct channel values of every file of an upload (rows added up; the first file's reading)."""
    frames: list[pd.DataFrame] = [report["channels"] for report in reports if not report["channels"].empty]
    if not frames:
        return pd.DataFrame(columns=CHANNEL_COLUMNS)
    merged = pd.concat(frames, ignore_index=True)
    rows = merged.groupby("value", sort=False, as_index=False).agg({"rows": "sum", "read as": "first"})
    return rows.sort_values(["rows", "value"], ascending=[False, True], kind="stable").reset_index(drop=True)


def channel_column(reports: list[dict[str, Any]]) -> str | None:
    """The column the channel is read from (first file that has one)."""
    return next((report["channel_column"] for report in reports if report["channel_column"]), None)


def channel_changes(base: pd.DataFrame, edited: pd.DataFrame) -> tuple[tuple[str, str, str], ...]:
    """The channel values whose reading was changed in the table: `--value-map channel:...` entries."""
    chosen = {str(row.value): row[2] for row in base.itertuples(index=False)}
    changes: dict[str, str] = {}
    for row in edited.itertuples(index=False):
        value, target = str(row[0]), row[2]
        if target is None or pd.isna(target) or target == chosen.get(value):
            continue
        changes[value] = str(target)
    return tuple(("channel", value, target) for value, target in sorted(changes.items()))


def unclassified_statuses(reports: list[dict[str, Any]]) -> dict[str, int]:
    """Status texts not understood in any file of the upload, with their row counts."""
    texts: dict[str, int] = {}
    for report in reports:
        for text, rows in report["unclassified"].items():
            texts[text] = texts.get(text, 0) + rows
    return texts


# ---------------------------------------------------------------- outcomes and export


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _without_outcome(path: str, version: Version, client: str | None, limit: int) -> pd.DataFrame:
    with _connection(path) as con:
        rows = outcomes.applications_without_outcome(con, client, limit, _viewer_of(version))
    return pd.DataFrame(rows, columns=["application_id", "client", "company", "role", "applied_on", "source"])


def without_outcome(src: Source, client: str | None, limit: int = 1000) -> pd.DataFrame:
    """Applications with nothing recorded after the application itself (newest first, at most `limit`)."""
    return _without_outcome(src.path, src.version, client, limit)


def record_outcome(
    src: Source, application_id: str, event: str, occurred_on: dt.date | None, detail: str | None = None
) -> dict[str, Any]:
    """Add one event to an application's history; then drop the cached results. Raises InputError."""
    with _connection(src.path) as con:
        recorded = outcomes.record_event(con, application_id, event, occurred_on, detail, src.viewer)
    st.cache_data.clear()
    return recorded


@st.cache_data(show_spinner=False, max_entries=8)
def _export(path: str, version: Version, client: str | None) -> tuple[str, int]:
    buffer = io.StringIO()
    with _connection(path) as con:
        rows = outcomes.export_csv(con, buffer, client, _viewer_of(version))
    return buffer.getvalue(), rows


def export_rows(src: Source, client: str | None) -> int:
    """How many applications the export would hold (from the cached status, no export made)."""
    status = _status(src.path, src.version)
    if client is None:
        return int(status["applications"])
    return next((int(c["applications"]) for c in status["clients"] if c["client"] == client), 0)


def export_csv(src: Source, client: str | None) -> tuple[str, int]:
    """The loaded applications as canonical CSV text (formula-like cells neutralised), and the row count."""
    return _export(src.path, src.version, client)


# ---------------------------------------------------------------- advisors: clients, roster, notes, report


def may_edit(src: Source, client: str) -> bool:
    """The client's advisor or an admin: edits the record, writes notes."""
    return src.viewer.may_edit(client)


def is_admin(src: Source) -> bool:
    """Adds clients (and, on the command line, grants access)."""
    return src.viewer.is_admin


def compares(src: Source, client: str) -> bool:
    """The client is in the viewer's caseload: show them against the other clients."""
    return src.viewer.compares(client)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _clients(path: str, version: Version) -> list[dict[str, Any]]:
    with _connection(path) as con:
        return client_store.list_clients(con, _viewer_of(version))


def clients(src: Source) -> list[dict[str, Any]]:
    """The client records the viewer may see, by display name."""
    return _clients(src.path, src.version)


def display_names(src: Source) -> dict[str, str]:
    """client id -> display name, for labels."""
    return {entry["client"]: entry["display_name"] for entry in clients(src)}


def advisors(src: Source) -> list[str]:
    return sorted({entry["advisor"] for entry in clients(src) if entry["advisor"]})


def client_record(src: Source, client: str) -> dict[str, Any]:
    """One client's record. Raises InputError for a client the viewer may not see (as for none)."""
    for entry in clients(src):
        if entry["client"] == client:
            return entry
    raise InputError(f"no client {client!r}")


ROSTER_COLUMNS = ["rank", "attention", "client", "display_name", "advisor", "status", "applications",
                  "last_activity_on", "days_since_last_application", "rate", "low", "high", "reliability",
                  "furthest_stage", "worst_part", "follow_ups_due", "reasons"]  # fmt: skip


@st.cache_data(show_spinner="Diagnosing every client…", max_entries=MAX_CACHED)
def _roster(path: str, version: Version, key: tuple[Any, ...], advisor: str | None) -> dict[str, Any]:
    with _connection(path) as con:
        payload = roster_logic.roster(con, _scope(key, version), _viewer_of(version), advisor)
    rows = [
        {
            "rank": entry["rank"],
            "attention": "needs attention" if entry["needs_attention"] else "",
            "client": entry["client"],
            "display_name": entry["display_name"],
            "advisor": entry["advisor"],
            "status": entry["status"],
            "applications": entry["applications"],
            "last_activity_on": entry["last_activity_on"],
            "days_since_last_application": entry["days_since_last_application"],
            **{key: entry["response_rate"][key] for key in ("rate", "low", "high")},
            "reliability": _reliability(entry["small"]),
            "furthest_stage": entry["furthest_stage"],
            "worst_part": (
                "no outcomes recorded" if entry["recorded"] and not entry["recorded"]["outcomes"] else "–"
            )
            if entry["worst_part"] is None
            else f"{entry['worst_part']['area']}: {entry['worst_part']['verdict']}",
            "follow_ups_due": entry["follow_ups_due"],
            "reasons": "; ".join(entry["reasons"]),
        }
        for entry in payload["clients"]
    ]
    return {
        "clients": len(rows),
        "needs_attention": payload["needs_attention"],
        "ordering": payload["ordering"],
        "stall_days": payload["stall_days"],
        "table": pd.DataFrame(rows, columns=ROSTER_COLUMNS),
    }


def roster(src: Source, filters: Filters, advisor: str | None = None) -> dict[str, Any]:
    """Every visible client, needing attention first (pipelines/advisors/roster.py documents the order)."""
    return _roster(src.path, src.version, filters.key(), advisor)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _against_caseload(path: str, version: Version, key: tuple[Any, ...], client: str) -> dict[str, Any]:
    with _connection(path) as con:
        payload = roster_logic.against_caseload(con, _scope(key, version), client, _viewer_of(version))
    rows = [
        {
            "metric": row["label"],
            "rate": row["rate"],
            "low": row["low"],
            "high": row["high"],
            "reliability": _reliability(row["small"]),
            "percentile": row["percentile"],
            "others": row["others"],
            **{name: (row["distribution"] or {}).get(name) for name in ("min", "p25", "median", "p75", "max")},
        }
        for row in payload["rates"]
    ]
    return {**payload, "table": pd.DataFrame(rows)}


def against_caseload(src: Source, filters: Filters, client: str) -> dict[str, Any]:
    """The client's key rates beside the distribution over the advisor's other clients."""
    return _against_caseload(src.path, src.version, filters.key(), client)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED)
def _notes(path: str, version: Version, client: str) -> list[dict[str, Any]]:
    with _connection(path) as con:
        return client_store.list_notes(con, client, _viewer_of(version))


def notes(src: Source, client: str) -> list[dict[str, Any]]:
    """The client's notes, newest first."""
    return _notes(src.path, src.version, client)


def add_note(src: Source, client: str, body: str, noted_on: dt.date) -> dict[str, Any]:
    """Save a note by the viewer. Raises InputError (empty, too long, not an editor, not their client)."""
    with _connection(src.path) as con:
        note = client_store.add_note(con, client, body, noted_on, src.viewer)
    st.cache_data.clear()
    return note


def update_client(src: Source, client: str, changes: dict[str, Any]) -> dict[str, Any]:
    with _connection(src.path) as con:
        record = client_store.update_client(con, client, changes, src.viewer)
    st.cache_data.clear()
    return record


def add_client(src: Source, client: str, fields: dict[str, Any]) -> dict[str, Any]:
    with _connection(src.path) as con:
        record = client_store.add_client(con, client, fields, src.viewer)
    st.cache_data.clear()
    return record


CLIENT_STATUSES = client_store.CLIENT_STATUSES
SMALL_GROUP_SIZE = analytics.SMALL_GROUP


@st.cache_data(show_spinner="Writing the report…", max_entries=8)
def _report_html(path: str, version: Version, key: tuple[Any, ...], client: str) -> str:
    from pipelines.report.html import build_report  # altair + vl-convert: only when a report is asked for

    # the whole search as of the view's date: the sidebar's narrower filters are for exploring
    scope = _scope(key, version)
    whole = Scope(as_of=scope.as_of, window=scope.window, allowed=scope.allowed)
    with _connection(path) as con:
        return build_report(con, whole, client, _viewer_of(version))


def report_html(src: Source, filters: Filters, client: str) -> str:
    """The self-contained HTML report of one client, for the scope's date and window."""
    return _report_html(src.path, src.version, filters.key(), client)


def notes_frame(notes_list: list[dict[str, Any]]) -> pd.DataFrame:
    """Notes as a frame for the timeline chart (dates as timestamps)."""
    frame = pd.DataFrame(notes_list, columns=["note_id", "noted_on", "author", "body", "created_at"])
    frame["noted_on"] = pd.to_datetime(frame["noted_on"])
    return frame


def _file_safe(client: str) -> str:
    """A client id as part of a download name: letters, digits, - and _ only."""
    return "".join(char if char.isalnum() or char in "-_" else "_" for char in client)[:60] or "client"


def report_file_name(client: str, as_of: dt.date) -> str:
    return f"bounceback-report-{_file_safe(client)}-{as_of.isoformat()}.html"


def export_file_name(client: str) -> str:
    return f"bounceback-applications-{_file_safe(client)}.csv"
