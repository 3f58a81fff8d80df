-- 0001: the foundation. applications, their stage history (events), the load's bookkeeping.
-- No primary-key indexes on the two big tables: DuckDB's ART indexes make bulk loads several times
-- slower, and the load resolves duplicates itself. Uniqueness is checked by the data tests in
-- pipelines/store/sql/data_tests/ instead.

create table event_types (
    event             varchar primary key,
    stage_rank        integer,   -- position in the funnel this event proves was reached; null: not a stage
    counts_as_response boolean not null,  -- an answer from the employer (a rejection is an answer)
    is_terminal       boolean not null,   -- ends the application
    description       varchar not null
);

insert into event_types values
    ('applied',         0,    false, false, 'the application was sent'),
    ('response',        1,    true,  false, 'any reply from the employer'),
    ('screen',          2,    true,  false, 'a screening call or recruiter conversation'),
    ('assessment',      3,    true,  false, 'a test, take-home or coding challenge'),
    ('interview',       4,    true,  false, 'an interview round (round says which)'),
    ('offer',           5,    true,  false, 'an offer was made'),
    ('accepted',        6,    true,  true,  'the offer was accepted'),
    ('declined',        5,    true,  true,  'the offer was declined by the applicant'),
    ('rejected',        1,    true,  true,  'the employer said no'),
    ('withdrawn',       null, false, true,  'the applicant withdrew'),
    ('position_closed', null, false, true,  'the position was closed or the posting removed'),
    ('follow_up',       null, false, false, 'the applicant followed up with the employer'),
    ('ghosted',         null, false, false, 'the applicant marked it as never answered');

create sequence ingest_run_ids start 1;

create table ingest_runs (
    run_id          integer primary key default nextval('ingest_run_ids'),
    file_name       varchar not null,
    file_path       varchar,
    sha256          varchar,
    size_bytes      bigint,
    detected_source varchar,
    client          varchar,
    status          varchar not null,      -- loaded | refused | failed
    message         varchar,
    rows_read       bigint default 0,
    inserted        bigint default 0,
    updated         bigint default 0,
    unchanged       bigint default 0,
    rejected        bigint default 0,
    skipped         bigint default 0,
    events_inserted bigint default 0,
    events_updated  bigint default 0,
    started_at      timestamp not null,
    finished_at     timestamp
);

create table ingest_rejects (
    run_id      integer not null,
    line        bigint,       -- the row as a spreadsheet numbers it: header is line 1
    column_name varchar,
    value       varchar,
    reason      varchar not null
);

create table ingest_skips (
    run_id      integer not null,
    line        bigint,
    reason      varchar not null
);

create table applications (
    application_id  varchar not null,   -- md5(client, source, source_key), first 16 hex digits
    client          varchar not null,
    source          varchar not null,   -- canonical, linkedin, huntr, simplify, spreadsheet
    source_key      varchar not null,   -- the row's identity within its source
    company         varchar,
    role            varchar,
    industry        varchar,
    channel         varchar,            -- normalised: referral, job_board, company_site, recruiter, ...
    channel_raw     varchar,            -- as the user wrote it
    resume_version  varchar,
    cover_letter    boolean,
    referral        boolean,
    location        varchar,
    seniority       varchar,
    job_url         varchar,
    applied_on      date not null,
    notes           varchar,
    raw             json,               -- every field of the source row, as written
    content_hash    varchar not null,   -- detects a changed row on re-import
    first_run_id    integer,
    last_run_id     integer
);

create table events (
    event_id       varchar not null,    -- md5 of the event's identity (see pipelines/load/ingest.py)
    application_id varchar not null,
    event          varchar not null,
    occurred_on    date,                -- null: known to have happened, date unknown
    round          integer,
    source         varchar,
    detail         varchar,
    run_id         integer
);
