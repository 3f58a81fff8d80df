"""The Database page's import: upload, dry run (mapping, dates, statuses, rejects), then "Load it".

Nothing is written before the person presses "Load it": every other run is a dry run of the same
call (pipelines.load.ingest.ingest_path), cached per upload and per choice. The mapping editor, the
status selectboxes and the channel table always show the importer's own reading of the file (a dry
run without the person's changes), so what they change stays put while the preview below follows it.
A file refused because its columns were not recognised (no applied date, or neither a company nor a
role) asks field by field which of its own columns holds it, and the preview is run again with that
choice; the mapping editor then shows the file read that way. The importer's messages say what to
choose on the page, not which flag to type (data.screen_words). A mailbox (.mbox, .eml, a .zip of
them) is reviewed instead, mail by mail (dashboard/mail_review.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from dashboard import data, glossary, mail_review, ui
from dashboard.data.upload import PICKED_FIELDS, columns_unmatched, mailbox, picked_changes
from dashboard.data.views import FileReport

LOADED_KEY = "upload_loaded"
ROUND_KEY = "upload_round"
REASON = st.column_config.Column("Reason")  # why a row was skipped or rejected ("reason" is a follow-up's elsewhere)


def section(src: data.Source) -> None:
    """The whole import: the last load's result, the uploader, the choices, the preview, the button."""
    for loaded in st.session_state.pop(LOADED_KEY, None) or []:
        if loaded.ok:
            st.success(f"Loaded {ui.md(loaded.file)}: {loaded.reconciliation}.")
            with st.expander("Details of the load"):
                report(loaded)
        else:
            report(loaded)
    uploads = st.session_state.setdefault(ROUND_KEY, 0)  # a new uploader after each load: empty again
    # the same limit as the server's server.maxUploadSize (config.toml, dashboard/launch.py)
    file = st.file_uploader(
        "Your application log",
        key=f"upload_{uploads}",
        max_upload_size=data.MAX_UPLOAD_MB,
        help="A spreadsheet (CSV or XLSX), a job tracker's export, or a mailbox (.mbox, .eml, or a .zip of them).",
    )
    mine = src.viewer.clients
    if mine is None:
        client = st.text_input("Client (optional)", key="upload_client", help="Whose search this is; blank: `me`.")
    elif mine:
        # behind a login a file is loaded for one of the person's own clients, whatever it says inside
        client = st.selectbox("Client", list(mine), key="upload_client_choice", help="Whose search this is.")
    else:
        st.info("You have no clients to load files for.")
        return
    date_order = st.selectbox(
        "Day/month order of dates",
        list(data.DATE_ORDER_CHOICES),
        format_func=data.DATE_ORDER_CHOICES.__getitem__,
        key="upload_date_order",
    )
    if file is None:
        return
    upload = data.Upload(name=file.name, file_id=file.file_id, content=file.getvalue())
    choices = data.ImportChoices(client=client.strip() or None, date_order=date_order or None)
    if mailbox(ui.fetch(data.preview_upload, src, upload, choices)) is not None:
        # a mailbox has no columns, statuses or channels to choose: its mails are reviewed instead
        choices = mail_review.choices(src, upload, choices)
    else:
        choices = replace(choices, column_map=_columns(src, upload, choices))
        choices = replace(choices, status_map=_statuses(src, upload, choices))
        choices = replace(choices, value_map=_channels(src, upload, choices))
    reports = ui.fetch(data.preview_upload, src, upload, choices)
    st.markdown("**What would be loaded** (a dry run: nothing written yet)")
    for entry in reports:
        report(entry)
    if any(entry.ok for entry in reports) and st.button(
        "Load it", type="primary", icon=":material/upload:", key="upload_load"
    ):
        st.session_state[LOADED_KEY] = ui.fetch(data.load_upload, src, upload, choices)
        st.session_state[ROUND_KEY] = uploads + 1
        st.rerun()


def _columns(src: data.Source, upload: data.Upload, choices: data.ImportChoices) -> tuple[tuple[str, str], ...]:
    """The mapping editor (the importer's own reading); the rows changed in it, as `--map` entries.

    A file refused because its columns were not recognised first asks, field by field, which of the
    file's own columns holds it (_picked); the editor then shows the file read with those choices."""
    reports = ui.fetch(data.preview_upload, src, upload, choices)
    base = data.editable_mapping(reports)
    if base.empty:
        # no header was read (not a job log at all): nothing to choose, and no empty table
        if not any(entry.ok for entry in reports):
            st.caption("The file was refused before its columns were read, so there are no columns to choose from.")
        return ()
    picked: tuple[tuple[str, str], ...] = ()
    if columns_unmatched(reports, base):
        picked = _picked(upload, base)
        if picked:
            reread = ui.fetch(data.preview_upload, src, upload, replace(choices, column_map=picked))
            base = data.editable_mapping(reread)
    st.markdown("**Columns**: change a field to read a column differently, or `ignore` it")
    if base["field"].isna().all():
        st.caption(
            "The file's columns could not be matched. Choose what a column holds: “Applied on” for the date"
            " each application was sent, “Company” or “Role” for what it was. Columns you leave blank are"
            " matched by their names."
        )
    edited = st.data_editor(
        base,
        # the rows are read with the choices above: other choices, other rows, a table of its own
        key=f"upload_columns_{upload.file_id}" + "".join(f"_{header}={name}" for header, name in picked),
        hide_index=True,
        num_rows="fixed",
        disabled=["column"],
        column_config={
            "column": st.column_config.TextColumn("column in the file"),
            "field": st.column_config.SelectboxColumn("read as", options=list(data.FIELD_CHOICES), required=True),
        },
    )
    return tuple(sorted({**dict(picked), **dict(data.column_changes(base, edited))}.items()))


def _picked(upload: data.Upload, base: Any) -> tuple[tuple[str, str], ...]:
    """A selectbox of the file's own columns for each field a row needs or reads best (the importer's
    choice first); the choices that differ from it, as `--map` entries."""
    headers = [str(header) for header in base["column"]]
    read_as = {str(row.column): row.field for row in base.itertuples(index=False)}
    st.markdown("**Which column holds what?** The file's columns were not all recognised: choose them here.")
    st.caption("A row needs the date you applied, and the company or the role. The preview below follows your choice.")
    picked: dict[str, str] = {}
    boxes = st.columns(len(PICKED_FIELDS))
    for box, (name, question) in zip(boxes, PICKED_FIELDS.items(), strict=True):
        before = next((header for header, field in read_as.items() if field == name), "")
        picked[name] = box.selectbox(
            question,
            ["", *headers],
            index=0 if not before else headers.index(before) + 1,
            format_func=lambda header: "(not in this file)" if header == "" else header,
            key=f"upload_pick_{upload.file_id}_{name}",
        )
    chosen = [header for header in picked.values() if header]
    for header in sorted({header for header in chosen if chosen.count(header) > 1}):
        st.warning(f"“{ui.md(header)}” is chosen for more than one field: it is read as the last one.")
    return picked_changes(base, picked)


def _channels(src: data.Source, upload: data.Upload, choices: data.ImportChoices) -> tuple[tuple[str, str, str], ...]:
    """The file's channel values, each with what it is read as; the readings changed (`--value-map`)."""
    reports = ui.fetch(data.preview_upload, src, upload, choices)
    base = data.editable_channels(reports)
    if base.empty:
        return ()
    st.markdown("**Channels**: how you applied, as read from each value of the file; change one that is read wrongly")
    edited = st.data_editor(
        base,
        # another channel column, other values: a table of its own
        key=f"upload_channels_{upload.file_id}_{data.channel_column(reports)}",
        hide_index=True,
        num_rows="fixed",
        disabled=["value", "rows"],
        column_config={
            "value": st.column_config.TextColumn("value in the file"),
            "rows": st.column_config.NumberColumn("rows"),
            "read as": st.column_config.SelectboxColumn("read as", options=list(data.CHANNEL_CHOICES), required=True),
        },
    )
    return data.channel_changes(base, edited)


def _statuses(src: data.Source, upload: data.Upload, choices: data.ImportChoices) -> tuple[tuple[str, str], ...]:
    """A selectbox per status text the importer did not understand; the meanings chosen (`--status-map`)."""
    unread = data.unclassified_statuses(ui.fetch(data.preview_upload, src, upload, choices))
    if not unread:
        return ()
    st.markdown("**Statuses not understood**: their rows are rejected unless you say what they mean")
    meanings: dict[str, str] = {}
    for text, rows in unread.items():
        meaning = st.selectbox(
            f"“{ui.md(text)}” ({ui.count(rows, 'row')}) means",
            ["", *data.STATUS_CHOICES],
            format_func=lambda name: "(not understood: reject its rows)" if name == "" else name,
            key=f"upload_status_{upload.file_id}_{text}",
        )
        if meaning:
            meanings[text] = meaning
    return tuple(sorted(meanings.items()))


def _field_words(name: Any) -> str:
    return glossary.label(name) if name in data.FIELD_CHOICES else str(name)


def _fields(label: str, names: Any) -> Any:
    """A column of the canonical format's field names (`applied_on`), shown by their headers; the
    frame keeps the names (what the importer reported)."""
    options = sorted({str(name) for name in names if isinstance(name, str)})
    return st.column_config.SelectboxColumn(label, options=options, format_func=_field_words)


def report(report: FileReport) -> None:
    """One file's dry run or load: what it was read as, how, and what would be (or was) written."""
    name = ui.md(report.file)
    if not report.ok:
        # the importer's one line names the file already
        st.error(ui.md(report.message) if report.message else f"{name}: {report.status}")
        return
    st.markdown(f"**{name}** — detected source: **{ui.md(report.source)}**, client **{ui.md(report.client)}**")
    st.markdown(report.reconciliation)  # numbers only
    if report.dropped:
        st.caption("Personal columns not stored at all: " + ", ".join(ui.md(column) for column in report.dropped) + ".")
    for note in report.notes:
        st.caption(ui.md(note))
    if report.mail is not None:
        # a mailbox's counts and matches in words (its skipped mails are the ignored ones, told there)
        mail_review.summary(report.mail)
        return
    if not report.dates.empty:
        st.markdown("**Dates**, format per column")
        config = glossary.columns(report.dates.columns, field=_fields("Field", report.dates["field"]))
        ui.table(report.dates, hide_index=True, column_config=config)
    if not report.statuses.empty:
        st.markdown("**Statuses**, as read")
        ui.table(report.statuses, hide_index=True, column_config=glossary.columns(report.statuses.columns))
    if report.skipped_reasons:
        st.markdown("**Skipped**")
        skipped = [{"reason": reason, "rows": rows} for reason, rows in report.skipped_reasons.items()]
        ui.table(skipped, hide_index=True, column_config=glossary.columns(("reason", "rows"), reason=REASON))
    if not report.rejects.empty:
        total = report.counts["rejected"]
        shown = len(report.rejects)
        more = f" (the first {shown} of {total})" if total > shown else ""
        st.markdown(f"**Rejected rows**{more}")
        config = glossary.columns(
            report.rejects.columns, reason=REASON, column=_fields("Field", report.rejects["column"])
        )
        ui.table(report.rejects, hide_index=True, column_config=config)
