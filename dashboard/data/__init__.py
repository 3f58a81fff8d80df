"""The dashboard's only door to `pipelines`: one cached connection, cached analyses, plain frames.

Pages never query the database or compute a metric. They ask this package (`data.overview(...)`)
for the analytics payloads (pipelines/analyse/) laid out as pandas DataFrames in typed, frozen views
(`views.py`: a page reads `result.trend`, never `result["trend"]`), and hand them to dashboard/charts.py.

- `connection.py`: the shared connection, opening, busy handling; Source, Filters, the cache keys
- `auth.py`: sign-in and who is looking
- `frames.py`: the words and helpers that lay payloads out as frames
- `analyses.py`: the cached analyses the pages show (and the weekly plan's views)
- `upload.py`: the Database page's preview and load of a file (not its screen: dashboard/upload.py)
- `caseload.py`: outcomes and the export, clients, roster, notes, the client's report
- `views.py`: what each page is handed (OverviewView, RatesView, ... ; None when nothing is in scope)

Caching:
- one `st.cache_resource` SharedConnection per database path (connection.py);
- `st.cache_data` results keyed by (database path, content version, scope as plain values). The
  content version (the last load's run id and the number of events) changes with every load, so a
  new import is visible on the next rerun without any TTL; the viewer rides last in it, so no cache
  serves one person's data to another.

A test that replaces a name replaces it in the module that uses it (`data.connection.BUSY_WAIT_SECONDS`,
`data.upload.ingest_path`).
"""

from __future__ import annotations

from dashboard.data.analyses import (
    MAX_NEXT,
    ChoiceView,
    PlanView,
    compare,
    cross_rates,
    filter_options,
    followups,
    overview,
    plan,
    rates,
    status,
    timing,
)
from dashboard.data.auth import NOBODY, auth_configured, signed_in_email
from dashboard.data.caseload import (
    CLIENT_STATUSES,
    EVENT_CHOICES,
    ROSTER_COLUMNS,
    SMALL_GROUP_SIZE,
    add_client,
    add_note,
    advisors,
    against_caseload,
    client_record,
    clients,
    compares,
    display_names,
    export_csv,
    export_file_name,
    export_rows,
    is_admin,
    may_edit,
    notes,
    notes_frame,
    record_outcome,
    report_file_name,
    report_html,
    roster,
    update_client,
    without_outcome,
)
from dashboard.data.connection import (
    BUSY_WAIT_SECONDS,
    MAX_CACHED,
    Filters,
    Source,
    Version,
    _connection,
    db_path,
    source,
)
from dashboard.data.frames import (
    BLANK,
    ENOUGH_LABEL,
    GROUP_CHOICES,
    MAX_BARS,
    METRIC_LABELS,
    NO_OUTCOMES,
    NO_OUTCOMES_NEXT,
    OUTCOME_MEASURES,
    RATE_KEYS,
    SMALL_LABEL,
    STALE_DAYS,
    WHERE_FIELDS,
    as_text,
    cross_reason,
    cross_title,
    not_recorded,
)
from dashboard.data.upload import (
    CHANNEL_CHOICES,
    CHANNEL_COLUMNS,
    DATE_ORDER_CHOICES,
    FIELD_CHOICES,
    IGNORE,
    MAPPING_COLUMNS,
    REJECTS_SHOWN,
    STATUS_CHOICES,
    ImportChoices,
    Upload,
    _ingest_upload,
    channel_changes,
    channel_column,
    column_changes,
    editable_channels,
    editable_mapping,
    load_upload,
    preview_upload,
    screen_words,
    template_csv,
    unclassified_statuses,
)
from pipelines.advisors.clients import Viewer
from pipelines.analyse.diagnosis import Finding
from pipelines.analyse.measures import Measures
from pipelines.analyse.published import REFERRALS as PUBLISHED_REFERRALS
from pipelines.analyse.published import RESPONSE as PUBLISHED_RESPONSE
from pipelines.analyse.published import Published
from pipelines.analyse.scope import DEFAULT_WINDOW
from pipelines.errors import BouncebackError, DatabaseBusy, DatabaseError, InputError
from pipelines.load.guard import MAX_UPLOAD_MB

__all__ = [
    "BLANK",
    "BUSY_WAIT_SECONDS",
    "CHANNEL_CHOICES",
    "CHANNEL_COLUMNS",
    "CLIENT_STATUSES",
    "DATE_ORDER_CHOICES",
    "DEFAULT_WINDOW",
    "ENOUGH_LABEL",
    "EVENT_CHOICES",
    "FIELD_CHOICES",
    "GROUP_CHOICES",
    "IGNORE",
    "MAPPING_COLUMNS",
    "MAX_BARS",
    "MAX_CACHED",
    "MAX_NEXT",
    "MAX_UPLOAD_MB",
    "METRIC_LABELS",
    "NOBODY",
    "NO_OUTCOMES",
    "NO_OUTCOMES_NEXT",
    "OUTCOME_MEASURES",
    "PUBLISHED_REFERRALS",
    "PUBLISHED_RESPONSE",
    "RATE_KEYS",
    "REJECTS_SHOWN",
    "ROSTER_COLUMNS",
    "SMALL_GROUP_SIZE",
    "SMALL_LABEL",
    "STALE_DAYS",
    "STATUS_CHOICES",
    "WHERE_FIELDS",
    "BouncebackError",
    "ChoiceView",
    "DatabaseBusy",
    "DatabaseError",
    "Filters",
    "Finding",
    "ImportChoices",
    "InputError",
    "Measures",
    "PlanView",
    "Published",
    "Source",
    "Upload",
    "Version",
    "Viewer",
    "_connection",
    "_ingest_upload",
    "add_client",
    "add_note",
    "advisors",
    "against_caseload",
    "as_text",
    "auth_configured",
    "channel_changes",
    "channel_column",
    "client_record",
    "clients",
    "column_changes",
    "compare",
    "compares",
    "cross_rates",
    "cross_reason",
    "cross_title",
    "db_path",
    "display_names",
    "editable_channels",
    "editable_mapping",
    "export_csv",
    "export_file_name",
    "export_rows",
    "filter_options",
    "followups",
    "is_admin",
    "load_upload",
    "may_edit",
    "not_recorded",
    "notes",
    "notes_frame",
    "overview",
    "plan",
    "preview_upload",
    "rates",
    "record_outcome",
    "report_file_name",
    "report_html",
    "roster",
    "screen_words",
    "signed_in_email",
    "source",
    "status",
    "template_csv",
    "timing",
    "unclassified_statuses",
    "update_client",
    "without_outcome",
]
