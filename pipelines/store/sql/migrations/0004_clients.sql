-- 0004: the advisor's side. Who the clients are, the advisor's dated notes on them, and who may
-- see which client when the dashboard runs behind a login (pipelines/advisors/clients.py).

create table clients (
    client            varchar primary key,  -- the id applications carry (ingest --client)
    display_name      varchar not null,
    advisor           varchar,              -- the advisor's name as shown; access is the access table's
    started_on        date,
    target_roles      varchar,
    target_industries varchar,
    status            varchar not null default 'active',  -- active | paused | placed | closed
    created_at        timestamp not null default current_timestamp,
    updated_at        timestamp not null default current_timestamp
);

-- clients that already have applications get a row named after themselves
insert into clients (client, display_name, started_on)
select client, client, min(applied_on)
from applications
group by client;

create sequence advisor_note_ids start 1;

create table advisor_notes (
    note_id    integer primary key default nextval('advisor_note_ids'),
    client     varchar not null,
    noted_on   date not null,     -- the day the note is about (a meeting), not when it was typed
    author     varchar not null,  -- the signed-in person, or `local`
    body       varchar not null,
    created_at timestamp not null default current_timestamp
);

-- one row per grant. admin: every client (client is null); advisor and client: that one client.
-- Without a login (no [auth] in the dashboard's secrets) nobody is looked up here: the one local
-- user sees everything.
create table access (
    principal  varchar not null,  -- the signed-in e-mail address, lower case
    role       varchar not null,  -- admin | advisor | client
    client     varchar,
    granted_at timestamp not null default current_timestamp
);
