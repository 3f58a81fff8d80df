-- 0003: what each application's stage history adds up to, kept beside the events so that the
-- analytics read one row per application instead of regrouping every event each time.
-- Maintained by every load for the applications whose events it changed; rebuilt whole when the
-- models change (see pipelines/store/db.py). stage_history(as_of) in sql/models is its definition, and a
-- data test checks the two agree.
create table application_stages (
    application_id        varchar not null,
    known_through         date,       -- the last date any of its events is known by
    furthest_rank         integer,
    rank_before_rejection integer,
    responded             boolean,
    first_response_on     date,
    undated_response      boolean,    -- a reply whose date is unknown (it counts as within the window)
    called_back           boolean,
    interviewed           boolean,
    interview_rounds      bigint,
    last_interview_on     date,
    offered               boolean,
    accepted              boolean,
    declined              boolean,
    withdrawn             boolean,
    rejected              boolean,
    position_closed       boolean,
    marked_ghosted        boolean,
    rejected_on           date,
    closed_on             date,       -- first withdrawal or position closure
    followed_up           boolean,
    first_follow_up_on    date,
    last_event_on         date
);
