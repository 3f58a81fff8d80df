"""The Database page's review of a mailbox before it is loaded (.mbox, .eml, or a .zip of them).

In place of the column, status and channel choices of a spreadsheet: the person's own address (so
their own mails, a withdrawal say, are read as theirs), then every mail in a table as the importer
read it, where a kind read wrongly is changed and a mail is left out by unticking Keep. Those choices
become the load's mail overrides (data.ImportChoices.mail_overrides); the preview below follows them
(`summary`: what was read, the applications proposed, which stored application each one matched).
The table always shows the importer's own reading, so what the person changed stays put.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from dashboard import data, glossary, ui
from dashboard.data.upload import MAIL_KINDS, mail_changes, mailbox, own_addresses
from dashboard.data.views import MailReview
from pipelines.words import counted

# each kind of mail, as the review's selectbox says it
KIND_WORDS: dict[str, str] = {
    "applied": "Applied (confirmation)",
    "rejected": "Rejection",
    "screen": "Screening call",
    "assessment": "Assessment or test",
    "interview": "Interview",
    "offer": "Offer",
    "withdrawn": "Withdrawn",
    "job_alert": "Job alert",
    "recruiter_outreach": "Recruiter outreach",
    "application_viewed": "Application viewed",
    "newsletter": "Newsletter",
    "not_job": "Not about a job",
}
# why a mail is in no application, counted in the summary (singular, plural)
REASON_WORDS: dict[str, tuple[str, str]] = {
    "job_alert": ("job alert", "job alerts"),
    "recruiter_outreach": ("recruiter's message", "recruiters' messages"),
    "application_viewed": ("“application viewed” notice", "“application viewed” notices"),
    "newsletter": ("newsletter", "newsletters"),
    "not_job": ("mail not about a job", "mails not about a job"),
    "no_date": ("mail without a date", "mails without a date"),
    "no_company": ("mail naming no company", "mails naming no company"),
    "dropped": ("mail you left out", "mails you left out"),
}
# where a stored application came from (applications.source), as the list of matches says it
SOURCE_WORDS: dict[str, str] = {
    "canonical": "your spreadsheet",
    "spreadsheet": "your spreadsheet",
    "events": "your file of events",
    "linkedin": "a LinkedIn export",
    "linkedin_saved": "a LinkedIn export",
    "huntr": "a Huntr export",
    "simplify": "a Simplify export",
    "jobsync": "a JobSync export",
    "justajobapp": "a JustAJobApp export",
    "mail": "a mailbox",
}
SHOWN_MATCHES = 50
EDITED = ["kind", "keep"]


def kind_words(kind: Any) -> str:
    return KIND_WORDS.get(str(kind), glossary.value(str(kind)))


def choices(src: data.Source, upload: data.Upload, chosen: data.ImportChoices) -> data.ImportChoices:
    """The mailbox's own questions: the person's address and the table of every mail; the choices
    with the addresses and the overrides (changed kinds, mails left out) added."""
    typed = st.text_input(
        "Your e-mail address (optional)",
        key="upload_own_address",
        help="So the mails you sent yourself (a withdrawal, say) are read as yours; several: commas between.",
    )
    chosen = replace(chosen, own_addresses=own_addresses(typed))
    review = mailbox(ui.fetch(data.preview_upload, src, upload, chosen))
    if review is None or review.mails.empty:
        return chosen
    base = review.mails
    st.markdown(
        "**The mails**, as read: change a kind that is read wrongly, or untick **Keep** to leave a mail out."
        " The preview below follows your choices."
    )
    columns = [name for name in base.columns if name != "message_id"]
    edited = st.data_editor(
        ui.shown(base),
        # other addresses, another reading: a table of its own
        key=f"upload_mails_{upload.file_id}" + "".join(f"_{address}" for address in chosen.own_addresses),
        hide_index=True,
        num_rows="fixed",
        column_order=columns,
        disabled=[name for name in columns if name not in EDITED],
        placeholder=ui.MISSING,
        column_config={
            "date": st.column_config.TextColumn("Date", width="small"),
            "from": st.column_config.TextColumn("From", help="The sender's domain", width="medium"),
            "subject": st.column_config.TextColumn("Subject", width="large"),
            "kind": st.column_config.SelectboxColumn(
                "Kind", options=list(MAIL_KINDS), format_func=kind_words, required=True, width="medium"
            ),
            "joins": st.column_config.TextColumn("Joins", help="The application the mail's event goes to"),
            "company": st.column_config.TextColumn("Company"),
            "role": st.column_config.TextColumn("Role"),
            "decided by": st.column_config.TextColumn("Read so by", help="What in the mail decided its kind"),
            "keep": st.column_config.CheckboxColumn("Keep", help="Untick to leave the mail out of the load"),
        },
    )
    return replace(chosen, mail_overrides=mail_changes(base, edited))


def _ignored(review: MailReview) -> str:
    parts = [
        counted(mails, *REASON_WORDS.get(reason, (glossary.value(reason), glossary.value(reason))))
        for reason, mails in sorted(review.ignored.items(), key=lambda item: (-item[1], item[0]))
        if mails
    ]
    return f" ({', '.join(parts)})" if parts else ""


def summary_lines(review: MailReview) -> list[str]:
    """What the mailbox holds and what would become of it, in plain words (no markdown)."""
    ignored = sum(review.ignored.values())
    read = f"{counted(review.read, 'mail')} read: {review.used:,} about your applications, {ignored:,} ignored"
    read += _ignored(review)
    if review.refused:
        read += f", {review.refused:,} not readable as mail"
    apps = review.applications
    proposed = (
        f"{counted(apps.get('proposed', 0), 'application')} found in them: {apps.get('new', 0):,} new,"
        f" {apps.get('matched', 0):,} matched with ones already loaded,"
        f" {apps.get('already_loaded', 0):,} already loaded from a mailbox before"
    )
    return [read + ".", proposed + "."]


def _application(company: Any, role: Any, applied_on: Any) -> str:
    text = ui.md(company) if company else "a company not named"
    if role:
        text += f", {ui.md(role)}"
    if applied_on:
        text += f", applied on {ui.md(applied_on)}"
    return text


def _match_line(entry: dict[str, Any]) -> str:
    mails = entry.get("mails") or 0
    found = _application(entry.get("mail_company"), entry.get("mail_role"), entry.get("mail_applied_on"))
    stored = _application(entry.get("company"), entry.get("role"), entry.get("applied_on"))
    source = entry.get("source")
    loaded = f", loaded from {ui.md(SOURCE_WORDS.get(source, glossary.value(source)))}" if source else ""
    return f"- {found} ({counted(int(mails), 'mail')}) is your application at {stored}{loaded}"


def summary(review: MailReview) -> None:
    """The mailbox's preview: the counts in words, then which stored application each match is."""
    for line in summary_lines(review):
        st.markdown(ui.md(line))
    if not review.matched:
        return
    shown = review.matched[:SHOWN_MATCHES]
    more = f" (the first {len(shown)} of {len(review.matched)})" if len(review.matched) > len(shown) else ""
    st.markdown(f"**Matched with applications already loaded**{more}")
    st.markdown("\n".join(_match_line(entry) for entry in shown))
