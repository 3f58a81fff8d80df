"""Which stored application each proposed one is, and the writes (inside the load's transaction).

A proposed application (temp tables mail_apps, mail_events: load.py) becomes:
- `stored`: the application of its own key (source `mail`), read from a mailbox before, unless
  a log loaded since holds it (matched as below, but only with an application of another source):
  it then joins that one (`retired_id`: its events move there, and it is removed), so the order in
  which a log and a mailbox are loaded does not matter once the mailbox is read again;
- `matched`: an application already loaded (a spreadsheet, an export, an earlier mailbox) of the
  same person and company (names normalised as in company.py: "Acme Inc." is "ACME") whose role
  agrees (the same, case and spacing aside, or one of them unknown) and whose dates fit:
  - the mail has the confirmation: applied within NEAR_DAYS days of it, or, applied date unknown,
    its first answer after the confirmation but within BEFORE_DAYS days;
  - no confirmation: applied on or before the mail's first answer, at most BEFORE_DAYS days before;
  never applied after an answer the mail shows. Of several, a same role first, then the nearest.
- `new`: an application of source `mail`, its applied date the confirmation's (unknown without one).

Each mail's event then joins its application, unless that application already has it: the same
event (the same id: re-reading), or an event of the same kind with a date (for interviews: within
NEAR_DAYS days, another round being another interview). When the application has that event
without a date, the mail gives it its date (an undated `applied` event gives the application its
applied date). Mail events carry `detail` "mail: <message id>": when a mail read again is read as
another kind (a review), its old event is taken back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from pipelines.load.mail.company import normalise
from pipelines.load.merge import named_params
from pipelines.rows import one_row
from pipelines.store.db import refresh_application_stages, register_clients

if TYPE_CHECKING:
    from pipelines.load.ingest import IngestResult

NEAR_DAYS = 7
BEFORE_DAYS = 180


def company_key(company: str) -> str:
    return normalise(company)


# role keys: the role in lower case, its punctuation and spacing folded to one space ("Engineer, Data" is
# "engineer data"); roles agree when one key holds the other's words in a row (a mail often cuts a title
# at its comma: "Software Engineer" for the log's "Software Engineer, Data Platform")
_TARGETS_SQL = r"""
create or replace temp table mail_targets as
with proposed as (
    select p.*, left(md5($client || chr(31) || 'mail' || chr(31) || p.proposal_key), 16) as direct_id,
           trim(regexp_replace(lower(p.role), '[\s\p{P}\p{S}]+', ' ', 'g')) as role_key
    from mail_apps as p
),
firsts as (
    select proposal_key, min(occurred_on) as first_on,
           min(occurred_on) filter (where event <> 'applied') as first_answer_on
    from mail_events
    group by proposal_key
),
stored as (
    select p.proposal_key, a.application_id
    from proposed as p
    join applications as a on a.application_id = p.direct_id
),
anchored as (
    -- each stored application of the person's companies, with the day it is known from: its applied
    -- date, else (a mail application without its confirmation) its first dated event
    select a.application_id, a.source, a.role, a.applied_on, k.company_key,
           trim(regexp_replace(lower(a.role), '[\s\p{P}\p{S}]+', ' ', 'g')) as stored_role_key,
           coalesce(a.applied_on, (select min(e.occurred_on) from events as e
                                   where e.application_id = a.application_id)) as anchor_on
    from applications as a
    join stored_company_keys as k on k.company = a.company
    where a.client = $client
      and a.application_id not in (select direct_id from proposed)
),
candidates as (
    select p.proposal_key, a.application_id,
           coalesce(a.stored_role_key = p.role_key, false) as same_role,
           abs(coalesce(p.applied_on, f.first_on) - a.anchor_on) as distance
    from proposed as p
    join firsts as f using (proposal_key)
    join anchored as a on a.company_key = p.company_key
    -- the mail's own application read before joins one of a log loaded since (never another mail's)
    where (p.proposal_key not in (select proposal_key from stored) or a.source <> 'mail')
      and (a.stored_role_key is null or p.role_key is null or a.stored_role_key = '' or p.role_key = ''
           or contains(' ' || a.stored_role_key || ' ', ' ' || p.role_key || ' ')
           or contains(' ' || p.role_key || ' ', ' ' || a.stored_role_key || ' '))
      and case
          when a.applied_on is null then p.applied_on is not null
              and a.anchor_on - p.applied_on between 0 and $before
          when p.applied_on is not null then abs(a.applied_on - p.applied_on) <= $near
              and a.applied_on <= coalesce(f.first_answer_on, a.applied_on)
          else f.first_on - a.applied_on between 0 and $before
      end
    qualify row_number() over (
        partition by p.proposal_key order by same_role desc, distance, a.application_id) = 1
)
select p.proposal_key,
       coalesce(c.application_id, s.application_id, p.direct_id) as application_id,
       case when c.application_id is not null then 'matched'
            when s.application_id is not null then 'stored'
            else 'new' end as target,
       -- the mail's own application, read before, that now joins the log's: its events move there
       case when c.application_id is not null then s.application_id end as retired_id
from proposed as p
left join stored as s using (proposal_key)
left join candidates as c using (proposal_key)
"""


def match_stored(cur: duckdb.DuckDBPyConnection, client: str) -> None:
    """Fill temp table mail_targets (proposal_key, application_id, target) and the mails' applications."""
    companies = [row[0] for row in cur.execute(
        "select distinct company from applications where client = ? and company is not null", [client]
    ).fetchall()]
    keys = [company_key(name) for name in companies]
    cur.execute(
        "create or replace temp table stored_company_keys as "
        "select unnest(cast($company as varchar[])) as company, unnest(cast($key as varchar[])) as company_key",
        {"company": companies, "key": keys},
    )
    cur.execute(_TARGETS_SQL, {"client": client, "near": NEAR_DAYS, "before": BEFORE_DAYS})
    cur.execute(
        "update checked_mails set application_id = t.application_id from mail_targets as t"
        " where checked_mails.proposal_key = t.proposal_key"
    )


_INCOMING_SQL = """
create or replace temp table mail_incoming as
with wanted as (
    select t.application_id, e.event, e.occurred_on, 'mail: ' || e.message_id as detail
    from mail_events as e
    join mail_targets as t using (proposal_key)
    where not (t.target = 'matched' and e.event = 'applied' and exists (
        select 1 from applications as a where a.application_id = t.application_id and a.applied_on is not null))
    union all
    -- the events of the mail's own application read before, when it now joins the log's
    select t.application_id, e.event, e.occurred_on, e.detail
    from mail_targets as t
    join events as e on e.application_id = t.retired_id
    where e.event <> 'applied'
    union all
    -- a mail application without its confirmation: sent, on a day the mail does not say
    select t.application_id, 'applied', cast(null as date), cast(null as varchar)
    from mail_targets as t
    join mail_apps as p using (proposal_key)
    where t.target <> 'matched' and p.applied_on is null
),
identified as (
    select *, md5(application_id || '|' || event || '|' || coalesce(cast(occurred_on as varchar), '') || '|mail')
              as event_id
    from wanted
    qualify row_number() over (partition by event_id order by detail) = 1
)
select i.*,
    exists (select 1 from events as e where e.event_id = i.event_id) as existed,
    exists (
        select 1 from events as e
        where e.application_id = i.application_id and e.event = i.event and e.event_id <> i.event_id
          and e.occurred_on is not null
          and (i.event <> 'interview' or abs(e.occurred_on - i.occurred_on) <= $near)
    ) as recorded
from identified as i
"""

# an event of the same kind the application has without a date is given the mail's date: paired in
# date order with the application's undated events of that kind
_FILL_SQL = """
create or replace temp table mail_fills as
with asked as (
    select *, row_number() over (partition by application_id, event order by occurred_on, event_id) as n
    from mail_incoming
    where not existed and not recorded and occurred_on is not null
),
undated as (
    select event_id, application_id, event,
           row_number() over (partition by application_id, event order by event_id) as n
    from events
    where occurred_on is null
)
select u.event_id as stored_event_id, a.event_id, a.application_id, a.event, a.occurred_on
from asked as a
join undated as u using (application_id, event, n)
"""

_WRITE_STEPS = (
    # a mail read again as another kind: the event it gave before is taken back
    """
    create or replace temp table mail_retracted as
    select e.event_id, e.application_id from events as e
    where e.source = 'mail'
      and e.detail in (select 'mail: ' || message_id from checked_mails)
      and e.event_id not in (select event_id from mail_incoming)
    """,
    "delete from events where event_id in (select event_id from mail_retracted)",
    # the mail's own applications that join the log's: their events were moved (mail_incoming)
    "delete from events where application_id in (select retired_id from mail_targets)",
    "delete from applications where application_id in (select retired_id from mail_targets)",
    """
    insert into applications (application_id, client, source, source_key, company, role, applied_on, raw,
                              content_hash, first_run_id, last_run_id)
    select t.application_id, $client, 'mail', p.proposal_key, p.company, p.role, p.applied_on,
           json_object('company', p.company, 'role', p.role, 'mails', p.mails),
           md5(concat_ws(chr(31), p.company, p.role, p.applied_on)), $run_id, $run_id
    from mail_targets as t
    join mail_apps as p using (proposal_key)
    where t.target = 'new'
    """,
    """
    update applications set role = p.role, raw = json_object('company', p.company, 'role', p.role, 'mails', p.mails),
        content_hash = md5(concat_ws(chr(31), p.company, p.role, p.applied_on)), last_run_id = $run_id
    from mail_targets as t
    join mail_apps as p using (proposal_key)
    where applications.application_id = t.application_id and t.target = 'stored'
      and applications.content_hash <> md5(concat_ws(chr(31), p.company, p.role, p.applied_on))
    """,
    _FILL_SQL,
    "update events set occurred_on = f.occurred_on, run_id = $run_id from mail_fills as f"
    " where events.event_id = f.stored_event_id",
    """
    update applications set applied_on = f.occurred_on, last_run_id = $run_id from mail_fills as f
    where applications.application_id = f.application_id and f.event = 'applied' and applications.applied_on is null
    """,
    """
    insert into events
    select event_id, application_id, event, occurred_on, cast(null as integer), 'mail', detail, $run_id
    from mail_incoming
    where not existed and not recorded and event_id not in (select event_id from mail_fills)
    """,
    """
    create or replace temp table mail_changes as
    select c.*, m.message_id is not null as existed,
           m.message_id is not null and (m.kind, m.rule, m.company, m.role, m.application_id)
               is distinct from (c.kind, c.rule, c.company, c.role, c.application_id) as changed
    from checked_mails as c
    left join mail_messages as m on m.client = c.client and m.message_id = c.message_id
    where c.disposition = 'valid'
    """,
    """
    update mail_messages set kind = c.kind, rule = c.rule, company = c.company, role = c.role,
        application_id = c.application_id, run_id = $run_id
    from mail_changes as c
    where mail_messages.client = c.client and mail_messages.message_id = c.message_id and c.changed
    """,
    """
    insert into mail_messages
    select client, message_id, sent_at, sender_domain, subject, kind, rule, company, role, application_id, $run_id
    from mail_changes
    where not existed
    """,
    # after the mail's own records (counted as changed): another mailbox's mails of a retired application
    """
    update mail_messages set application_id = t.application_id, run_id = $run_id
    from mail_targets as t
    where mail_messages.application_id = t.retired_id
    """,
)


def write(cur: duckdb.DuckDBPyConnection, result: IngestResult, run_id: int, client: str) -> None:
    """The writes, in the caller's transaction; fills the result's mail and event counts."""
    cur.execute(_INCOMING_SQL, {"near": NEAR_DAYS})
    values = {"client": client, "run_id": run_id}
    for sql in _WRITE_STEPS:
        cur.execute(sql, named_params(sql, values))
    register_clients(cur)
    cur.execute(
        "create or replace temp table touched_applications as "
        "select application_id from mail_incoming where not existed and not recorded "
        "union select application_id from mail_retracted "
        "union select retired_id from mail_targets where retired_id is not null"
    )
    refresh_application_stages(cur, only_touched=True)
    mails = one_row(cur.execute(
        "select count(*) filter (where not existed), count(*) filter (where changed),"
        " count(*) filter (where existed and not changed) from mail_changes"
    ))
    result.inserted, result.updated, result.unchanged = (int(v) for v in mails)
    events = one_row(cur.execute(
        "select count(*) filter (where not existed and not recorded), (select count(*) from mail_fills)"
        " from mail_incoming"
    ))
    result.events_inserted = int(events[0]) - int(events[1])
    result.events_updated = int(events[1])


def matched(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The proposed applications matched with one already stored, and what that one is."""
    rows = cur.execute(
        """
        select t.proposal_key, a.application_id, a.source, a.company, a.role, a.applied_on, p.company, p.role,
               p.applied_on, p.mails
        from mail_targets as t
        join applications as a using (application_id)
        join mail_apps as p using (proposal_key)
        where t.target = 'matched'
        order by a.applied_on nulls last, a.company, t.proposal_key
        """
    ).fetchall()
    return [
        {
            "mail_application": key, "application_id": application_id, "source": source, "company": company,
            "role": role, "applied_on": applied.isoformat() if applied else None,
            "mail_company": mail_company, "mail_role": mail_role,
            "mail_applied_on": mail_applied.isoformat() if mail_applied else None, "mails": mails,
        }
        for key, application_id, source, company, role, applied, mail_company, mail_role, mail_applied, mails in rows
    ]
