"""Other trackers' exports whose rows are not one application each, reshaped before the load.

Runs right after the file is staged (temp table `staged`), on the same cursor, set-based:

- JobSync: a job not applied for (`applied: No`) is a saved job, not an application.
- JustAJobApp: one row per e-mail. The e-mails of one application (company + job title, case and
  white space folded) become one row: the earliest e-mail dates the application, the latest one's
  status is its status, and each e-mail's status is a stage dated by that e-mail. The Subject and
  Sender never reach the database (mail content and a contact detail the product does not need):
  the new `staged` table has no column for them, and a ragged row's text is not quoted.
- Huntr: the same card (its id) on several boards. One row stands for the card, and the stages its
  other rows reached are added to it as stage dates (a funnel must not lose the interview held on
  the board that was left behind).

Every row taken out of `staged` is accounted for: in temp table `reshaped_skips` (line, reason),
which `add_reshaped_skips` puts into `checked` as skipped rows, or in `staged_rejects`. So
rows_read = inserted + updated + unchanged + rejected + skipped still holds per row of the file.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb

from pipelines import sqltext
from pipelines.load.columns import STAGE_DATE_EVENTS, SourceSpec, header_token
from pipelines.load.dates import build_date_lookups
from pipelines.load.read.staged import staging_column
from pipelines.load.readers import StagedFile
from pipelines.rows import one_row, one_value
from pipelines.sqltext import Sql, compose, fixed, join
from pipelines.words import counted

# stage date column -> the stage (event) it records, in the order the reshaped header lists them
STAGE_COLUMNS: dict[str, str] = {
    "responded_on": "response",
    "screen_on": "screen",
    "assessment_on": "assessment",
    "interview_on": "interview",
    **{name: event for name, event in STAGE_DATE_EVENTS.items() if event not in ("response", "screen",
                                                                                   "assessment", "follow_up")},
}  # fmt: skip

# JustAJobApp's statuses (its e-mail classifier's labels, old and new) the status vocabulary does
# not read, or reads otherwise for one e-mail: what each e-mail says about its application.
# `not_job`: not about a job application; `inbound`: the company reached out, nobody applied.
JUSTAJOBAPP_WORDS: dict[str, str] = {
    "False positive": "not_job",
    "Application confirmation": "applied",
    "Application received": "applied",
    "Applied": "applied",
    "Availability request": "response",  # an answer asking when you are free: which stage, unknown
    "Request for availability": "response",
    "Information request": "response",
    "Assessment sent": "assessment",
    "Interview invitation": "interview",
    "Interview scheduled": "interview",
    "Did not apply - inbound request": "inbound",
    "Did not apply - they reached out": "inbound",
    "Action required from company": "applied",  # waiting on the company
    "On hold": "applied",
    "No response": "applied",  # one e-mail cannot say that nobody answered
    "Hiring freeze notification": "position_closed",
    "Withdrew application": "withdrawn",
    "Offer": "offer",
    "Offer made": "offer",
    "Offer extended": "offer",
    "Rejection": "rejected",
}
# what an e-mail's status may be read as (the vocabulary's `saved` is no news an e-mail brings)
_EMAIL_STAGES = ("applied", "ghosted", "not_job", "inbound", *STAGE_COLUMNS.values())

# the reshaped JustAJobApp header, then the stage columns some e-mail fills (SPECS["justajobapp"] maps them)
_JUSTAJOBAPP_HEADER = ("application", "Company Name", "Job Title", "applied_on", "status", "status_on", "e_mails",
                       "statuses")  # fmt: skip


# the columns of temp table jaja_applications that become the reshaped `staged` (as c0, c1, ...), in
# the order of _JUSTAJOBAPP_HEADER, then the stage columns some e-mail fills
_JUSTAJOBAPP_COLUMNS = ("application", "company", "title", "applied_on", "status", "status_on", "e_mails", "statuses")
# the stages a stage column records, which name the columns of temp table huntr_added
# (`interview_on_another_board`) and are given to its query as parameters of their own name ($interview)
_STAGES = frozenset(STAGE_COLUMNS.values())
# the temp tables status_words_table writes: --status-map words and an export's own words, and
# pipelines/load/lookups.py's status_overrides
_STATUS_WORD_TABLES = frozenset({"user_status_words", "export_status_words", "status_overrides"})


def reshape(
    cur: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    source: str,
    status_map: dict[str, str],
    notes: list[str],
) -> StagedFile:
    """The staged file as rows of applications (see the module docstring); others unchanged."""
    cur.execute("create or replace temp table reshaped_skips (line bigint, reason varchar)")
    if staged.parsed_rows == 0:
        return staged
    staged = replace(staged, file_header=staged.file_header or list(staged.header))
    # the first column of a name wins: the later ones are written over it, in reverse
    columns = {header_token(name): staging_column(i) for i, name in reversed(list(enumerate(staged.header)))}
    if source == "jobsync" and "applied" in columns:
        return _jobsync(cur, staged, columns["applied"])
    if source == "justajobapp":
        return _justajobapp(cur, staged, columns, status_map, notes)
    if source == "huntr" and {"id", "listname", "createdat", "lastmovedat"} <= columns.keys():
        return _huntr_boards(cur, staged, columns, status_map, notes)
    return staged


def add_reshaped_skips(cur: duckdb.DuckDBPyConnection) -> None:
    """The rows reshape() took out of `staged`, into `checked` as skipped (their line, their reason)."""
    cur.execute("insert into checked by name select line, 'skip:' || reason as disposition from reshaped_skips")


def apply_status_words(cur: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """An export's own status words (SourceSpec.status_words) in the status lookup; a --status-map wins."""
    if not spec.status_words:
        return
    cur.execute("create or replace temp table export_status_words (token varchar, status varchar)")
    cur.executemany(
        "insert into export_status_words values (bb_status_key(?), ?)", [list(i) for i in spec.status_words.items()]
    )
    cur.execute(
        "update status_lookup set status = w.status, via = null, how = $how from export_status_words as w"
        " where w.token = bb_status_key(status_lookup.raw) and status_lookup.how is distinct from 'your --status-map'",
        {"how": f"the {spec.name} export's word"},
    )


def _take_out(cur: duckdb.DuckDBPyConnection, staged: StagedFile) -> StagedFile:
    """Drop the rows now in reshaped_skips from `staged`."""
    cur.execute("delete from staged where line in (select line from reshaped_skips)")
    left = int(one_value(cur.execute("select count(*) from staged")))
    return replace(staged, parsed_rows=left)


def _jobsync(cur: duckdb.DuckDBPyConnection, staged: StagedFile, applied: Sql) -> StagedFile:
    # `applied` is JobSync's own switch; a draft never sent says No (blank: unknown, the row is read)
    cur.execute(
        compose(
            "insert into reshaped_skips select line, 'JobSync job not applied for (applied: No): a saved job,"
            " not an application' from staged where lower(bb_blank({applied})) in ('no', 'false')",
            applied=applied,
        )
    )
    return _take_out(cur, staged)


def status_words_table(cur: duckdb.DuckDBPyConnection, name: str, words: dict[str, str]) -> None:
    """Temp table `name` (token, status): status texts -> the stage each means, matched by their own
    text only (bb_status_key: Unicode-folded; symbols or emoji as written). A --status-map is one,
    and so is an export's own status words. `name` is one of the load's fixed table names."""
    table = sqltext.name(name, _STATUS_WORD_TABLES)
    cur.execute(compose("create or replace temp table {table} (token varchar, status varchar)", table=table))
    if words:
        # 'pending' is how people say it; 'applied' is the stage name (sent, no answer yet)
        rows = [[text, header_token(status).replace("pending", "applied")] for text, status in words.items()]
        cur.executemany(compose("insert into {table} values (bb_status_key(?), ?)", table=table), rows)


def _stage_sql(text_sql: Sql) -> Sql:
    """What a status text says: the user's --status-map, else the export's words, else the vocabulary."""
    return compose(
        "coalesce((select any_value(status) from user_status_words where token = bb_status_key({text})),"
        " (select any_value(status) from export_status_words where token = bb_status_key({text})),"
        " bb_classify_status({text}).status)",
        text=text_sql,
    )


def _stage_parameters() -> dict[str, str]:
    """Each stage as the parameter of its own name ($interview = 'interview'): a value, never SQL text."""
    return {stage: stage for stage in STAGE_COLUMNS.values()}


def _justajobapp(
    cur: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    columns: dict[str, Sql],
    status_map: dict[str, str],
    notes: list[str],
) -> StagedFile:
    # a ragged row is rejected with its text quoted: that text holds the subject and the sender
    cur.execute("update staged_rejects set value = null")
    _read_emails(cur, len(staged.header), columns, status_map)
    rejected_lines = _reject_emails(cur)
    _fold_emails(cur)
    stage_names = _write_applications(cur)
    applications = int(one_value(cur.execute("select count(*) from staged")))
    emails = int(one_value(cur.execute("select coalesce(sum(cast(e_mails as integer)), 0) from jaja_applications")))
    notes.append(
        f"JustAJobApp export: {counted(emails, 'e-mail')} of {counted(applications, 'application')}"
        " (one per company + job title): the"
        " first e-mail dates the application, each e-mail's status is a stage on its date, the latest one is its"
        " status; the Subject and Sender are not stored"
    )
    return replace(
        staged,
        header=[*_JUSTAJOBAPP_HEADER, *stage_names],
        parsed_rows=applications,
        structural_rejects=staged.structural_rejects + rejected_lines,
    )


def _read_emails(
    cur: duckdb.DuckDBPyConnection, width: int, columns: dict[str, Sql], status_map: dict[str, str]
) -> None:
    """Temp table jaja_mails: each e-mail's company, title, date and the stage its status means, and
    the application it belongs to (company + job title, folded)."""
    absent = fixed("null")
    received = columns["received_at"]
    status_words_table(cur, "user_status_words", status_map)
    status_words_table(cur, "export_status_words", JUSTAJOBAPP_WORDS)
    dates = build_date_lookups(cur, [("jaja_received", "Received At", received)])["jaja_received"]
    # staging identifiers c0..cN and fixed names only; every value stays data
    cur.execute(
        compose(
            """
        create or replace temp table jaja_mails as
        with read as (
            select s.line, ({every_cell_blank}) as blank_row,
                   bb_blank({company}) as company, bb_blank({title}) as title, bb_blank({status}) as status_text,
                   bb_blank({received}) as received_raw, d.dates[1] as received_on, d.problem as date_problem
            from staged as s
            left join {dates} as d on d.raw = bb_blank({received})
        ),
        understood as (select *, {stage_read} as stage_read from read)
        -- an e-mail about a job only saved (a --status-map to `saved`) is no news of an application
        select * exclude (stage_read), stage_read = 'saved' as saved_job,
               case when stage_read = 'saved' then 'not_job' when list_contains($stages, stage_read) then stage_read
               end as stage,
               -- `Acme Corp.` and `ACME  Corp` are one company: case, spaces and punctuation folded,
               -- letters of every script kept
               coalesce(bb_channel_key(company), '') as company_key,
               coalesce(bb_channel_key(company), '') || ' | ' || coalesce(bb_channel_key(title), '') as application
        from understood
        """,
            every_cell_blank=join((compose("c{index} is null", index=index) for index in range(width)), " and "),
            company=columns.get("company_name", absent),
            title=columns.get("job_title", absent),
            status=columns.get("application_status", absent),
            received=received,
            dates=dates.lookup_table(),
            stage_read=_stage_sql(fixed("status_text")),
        ),
        {"stages": list(_EMAIL_STAGES)},
    )
    # an e-mail without a job title (a rejection that names none) belongs to the company's one
    # application with a title; with several, which one is unknown, and it stays apart
    cur.execute(
        """
        update jaja_mails as m set application = t.application
        from (
            select company_key, min(application) as application
            from jaja_mails
            where title is not null and company_key <> ''
            group by company_key
            having count(distinct application) = 1
        ) as t
        where m.title is null and m.company_key = t.company_key
        """
    )


def _reject_emails(cur: duckdb.DuckDBPyConnection) -> int:
    """The e-mails that cannot be placed into `staged_rejects`; how many lines they are."""
    # an e-mail that cannot be placed (no date, no company or title) or whose status is not understood
    # (an e-mail about no job application is skipped whatever its date)
    cur.execute(
        """
        create or replace temp table jaja_rejects as
        select line, 'Received At' as column_name, null as value,
               'no date: the e-mail cannot be placed in its application''s history' as reason
        from jaja_mails where not blank_row and received_raw is null and stage is distinct from 'not_job'
        union all
        select line, 'Received At', received_raw, date_problem
        from jaja_mails
        where not blank_row and received_raw is not null and received_on is null and stage is distinct from 'not_job'
        union all
        select line, 'Company Name', null, 'needs a company or a job title'
        from jaja_mails where not blank_row and company is null and title is null and stage is distinct from 'not_job'
        union all
        select line, 'Application Status', status_text,
               coalesce(bb_status_hint(status_text), 'no status: what the e-mail says is unknown')
        from jaja_mails where not blank_row and stage is null
        union all
        -- no job title, and the company has several applications: which one it is about is unknown
        select m.line, 'Job Title', null,
               'no job title, and ' || t.applications || ' applications to this company have one: which one'
               || ' this e-mail is about is unknown (add its job title)'
        from jaja_mails as m
        join (
            select company_key, count(distinct application) as applications
            from jaja_mails
            where title is not null and company_key <> ''
            group by company_key
            having count(distinct application) > 1
        ) as t using (company_key)
        where not m.blank_row and m.title is null and m.stage is distinct from 'not_job'
        """
    )
    cur.execute("insert into staged_rejects select * from jaja_rejects")
    return int(one_value(cur.execute("select count(distinct line) from jaja_rejects")))


def _fold_emails(cur: duckdb.DuckDBPyConnection) -> None:
    """Temp table jaja_usable (the e-mails that stand, numbered within their application by date), and
    every other e-mail into reshaped_skips with why: blank, about no application, or folded into its one."""
    cur.execute(
        "create or replace temp table jaja_usable as "
        "select *, row_number() over (partition by application order by received_on, line) as k "
        "from jaja_mails where not blank_row and stage <> 'not_job' and line not in (select line from jaja_rejects)"
    )
    cur.execute(
        """
        insert into reshaped_skips
        select line, 'blank row' from jaja_mails where blank_row
        union all
        select line, case when saved_job then 'e-mail about a job you only saved (your --status-map): not an'
                   || ' application' else 'JustAJobApp e-mail not about a job application (False positive)' end
        from jaja_mails where stage = 'not_job'
        union all
        -- the company wrote first ("Did not apply"): nobody applied, so no application
        select u.line, case when u.k = 1 then 'the company reached out (JustAJobApp: Did not apply): not an'
                   || ' application you sent'
               else 'e-mail about a job the company reached out for (line ' || f.line || '), not an application'
               end
        from jaja_usable as u join jaja_usable as f on f.application = u.application and f.k = 1
        where f.stage = 'inbound'
        union all
        select u.line, 'e-mail folded into its application, whose events it adds (line ' || f.line || ')'
        from jaja_usable as u join jaja_usable as f on f.application = u.application and f.k = 1
        where f.stage <> 'inbound' and u.k > 1
        """
    )


def _write_applications(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Temp table jaja_applications (one row per application) and the new `staged` made of it; the
    stage columns some e-mail filled, which are the only ones `staged` has."""
    stage_dates = join(
        # several interview invitations are as many rounds (the load reads `a & b` as two dates)
        compose(
            "string_agg(distinct strftime(received_on, '%Y-%m-%d'), ' & ' order by strftime(received_on, '%Y-%m-%d'))"
            " filter (where stage = ${stage}) as {name}"
            if name == "interview_on"
            else "strftime(min(received_on) filter (where stage = ${stage}), '%Y-%m-%d') as {name}",
            stage=sqltext.name(stage, _STAGES),
            name=sqltext.name(name, STAGE_COLUMNS),
        )
        for name, stage in STAGE_COLUMNS.items()
    )
    cur.execute(
        compose(
            """
        create or replace temp table jaja_applications as
        select min(line) filter (where k = 1) as line, application,
               arg_min(company, k) filter (where company is not null) as company,
               arg_min(title, k) filter (where title is not null) as title,
               strftime(min(received_on), '%Y-%m-%d') as applied_on,
               -- the latest e-mail's news is the status; one saying they wrote first adds nothing
               replace(arg_max(stage, k), 'inbound', 'applied') as status,
               strftime(max(received_on), '%Y-%m-%d') as status_on,
               cast(count(*) as varchar) as e_mails,
               string_agg(status_text, '; ' order by k) as statuses,
               {stage_dates}
        from jaja_usable
        group by application
        having arg_min(stage, k) <> 'inbound'
        """,
            stage_dates=stage_dates,
        ),
        _stage_parameters(),
    )
    # a stage no e-mail of the file reached gets no column (the dry run lists only what the file says)
    filled = one_row(
        cur.execute(
            compose(
                "select {filled} from jaja_applications",
                filled=join(
                    compose("count({name}) > 0", name=sqltext.name(name, STAGE_COLUMNS)) for name in STAGE_COLUMNS
                ),
            )
        )
    )
    stage_names = [name for name, used in zip(STAGE_COLUMNS, filled, strict=True) if used]
    names = [*_JUSTAJOBAPP_COLUMNS, *stage_names]
    allowed = {*_JUSTAJOBAPP_COLUMNS, *STAGE_COLUMNS}
    renamed = join(
        compose("{name} as {column}", name=sqltext.name(name, allowed), column=staging_column(i))
        for i, name in enumerate(names)
    )
    cur.execute(
        compose("create or replace temp table staged as select line, {renamed} from jaja_applications", renamed=renamed)
    )
    return stage_names


def _huntr_boards(
    cur: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    columns: dict[str, Sql],
    status_map: dict[str, str],
    notes: list[str],
) -> StagedFile:
    card = columns["id"]
    shared = one_row(
        cur.execute(
            compose(
                "select count(*), coalesce(sum(n), 0) from (select count(*) as n from staged"
                " where bb_blank({card}) is not null group by bb_blank({card}) having count(*) > 1)",
                card=card,
            )
        )
    )
    if not shared[0]:
        return staged  # the usual export: nothing to combine, the file is read as it is
    _read_cards(cur, columns, status_map)
    rejected_lines = _reject_cards(cur, columns["listname"])
    cur.execute(
        """
        insert into reshaped_skips
        select o.line, 'same Huntr card on board ' || coalesce('''' || o.board || '''', '(no name)')
                   || ' as the row it was combined into (line ' || w.line || '); its stage is kept there'
        from huntr_cards as o join huntr_cards as w on w.card = o.card and w.rank = 1
        where o.rank > 1 and o.line not in (select line from huntr_rejects)
        """
    )
    stages = _stages_from_other_boards(cur)
    width = len(staged.header)
    _write_cards(cur, width, columns["createdat"], stages)
    notes.append(
        f"Huntr export: {counted(shared[0], 'card')} {'is' if shared[0] == 1 else 'are'} on several boards"
        f" ({counted(shared[1], 'row')}): each is one application, its"
        " current list the status (the latest move), the stages its other boards reached kept as events"
    )
    left = int(one_value(cur.execute("select count(*) from staged")))
    extra = ["earliest createdAt", *(f"{stage} on another board" for stage in stages)]
    return replace(staged, header=[*staged.header, *extra], parsed_rows=left,
                   structural_rejects=staged.structural_rejects + rejected_lines)  # fmt: skip


def _read_cards(cur: duckdb.DuckDBPyConnection, columns: dict[str, Sql], status_map: dict[str, str]) -> None:
    """Temp table huntr_cards: each row of a card with its dates and stage, ranked: rank 1 stands for the card."""
    status_words_table(cur, "user_status_words", status_map)
    status_words_table(cur, "export_status_words", {})
    dates = build_date_lookups(
        cur,
        [("huntr_created", "createdAt", columns["createdat"]), ("huntr_moved", "lastMovedAt", columns["lastmovedat"])],
    )
    cur.execute(
        compose(
            """
        create or replace temp table huntr_cards as
        with read as (
            select s.line, bb_blank({card}) as card, bb_blank({board}) as board,
                   bb_blank({created_at}) as created_raw, c.dates[1] as created_on,
                   bb_blank({moved_at}) as moved_raw, m.dates[1] as moved_on, m.problem as moved_problem,
                   {stage} as stage
            from staged as s
            left join {created} as c on c.raw = bb_blank({created_at})
            left join {moved} as m on m.raw = bb_blank({moved_at})
            where bb_blank({card}) is not null
        )
        -- the row that stands for the card: a list we read as a stage of an application first, then
        -- the latest move (its list is where the card is now), then the lower row
        select *, row_number() over (
                   partition by card order by coalesce(stage not in ('saved'), false) desc, moved_on desc nulls last,
                   line desc) as rank,
               count(*) over (partition by card) as rows_of_card
        from read
        """,
            card=columns["id"],
            board=columns.get("boardname", fixed("cast(null as varchar)")),
            created_at=columns["createdat"],
            moved_at=columns["lastmovedat"],
            stage=_stage_sql(compose("bb_blank({list})", list=columns["listname"])),
            created=dates["huntr_created"].lookup_table(),
            moved=dates["huntr_moved"].lookup_table(),
        )
    )


def _reject_cards(cur: duckdb.DuckDBPyConnection, list_name: Sql) -> int:
    """The other boards' rows whose stage cannot be kept into `staged_rejects`; how many lines they are."""
    # a list on another board that is not understood is no stage to keep: rejected like any status not understood
    cur.execute(
        compose(
            """
        create or replace temp table huntr_rejects as
        select line, 'listName' as column_name, bb_blank({list}) as value,
               bb_status_hint(bb_blank({list})) as reason
        from staged
        where line in (select line from huntr_cards where rank > 1 and stage is null)
        union all
        -- a stage reached on another board whose date does not read: rejected, not dropped unseen
        select line, 'lastMovedAt', moved_raw, coalesce(moved_problem, 'not a date')
        from huntr_cards
        where rank > 1 and stage is not null and moved_raw is not null and moved_on is null
        """,
            list=list_name,
        )
    )
    cur.execute("insert into staged_rejects select * from huntr_rejects")
    return int(one_value(cur.execute("select count(distinct line) from huntr_rejects")))


def _stages_from_other_boards(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Temp table huntr_added: per card, its earliest createdAt and the date of each stage its other
    boards reached; the stages some card reached there (only those get a column)."""
    added = join(
        compose(
            "arg_min(o.moved_raw, o.moved_on) filter (where o.rank > 1 and o.stage = ${stage}"
            ' and o.stage is distinct from w.stage) as "{stage}_on_another_board"',
            stage=sqltext.name(stage, _STAGES),
        )
        for stage in STAGE_COLUMNS.values()
    )
    # earliest createdAt: a stage reached on another board may predate this board's copy of the card
    cur.execute(
        compose(
            """
        create or replace temp table huntr_added as
        select w.line, coalesce(arg_min(o.created_raw, o.created_on), w.created_raw) as earliest_createdat, {added}
        from huntr_cards as w join huntr_cards as o on o.card = w.card
        where w.rank = 1
        group by w.line, w.created_raw
        """,
            added=added,
        ),
        _stage_parameters(),
    )
    filled = one_row(
        cur.execute(
            compose(
                "select {filled} from huntr_added",
                filled=join(
                    compose('count("{stage}_on_another_board") > 0', stage=sqltext.name(stage, _STAGES))
                    for stage in STAGE_COLUMNS.values()
                ),
            )
        )
    )
    return [stage for stage, used in zip(STAGE_COLUMNS.values(), filled, strict=True) if used]


def _write_cards(cur: duckdb.DuckDBPyConnection, width: int, created_at: Sql, stages: list[str]) -> None:
    """The new `staged`: the rows that stand, each with its card's earliest createdAt and the stages
    its other boards reached as columns after the file's own."""
    added = [
        # a row without a card id keeps its own createdAt
        compose(
            "coalesce(a.earliest_createdat, s.{created_at}) as {column}",
            created_at=created_at,
            column=staging_column(width),
        ),
        *(
            compose(
                'a."{stage}_on_another_board" as {column}',
                stage=sqltext.name(stage, _STAGES),
                column=staging_column(width + 1 + i),
            )
            for i, stage in enumerate(stages)
        ),
    ]
    cur.execute(
        compose(
            "create or replace temp table staged as select s.line, {kept}, {added}"
            " from staged as s left join huntr_added as a using (line)"
            " where s.line not in (select line from reshaped_skips) and s.line not in (select line from huntr_rejects)",
            kept=join(compose("s.{column}", column=staging_column(i)) for i in range(width)),
            added=join(added),
        )
    )
