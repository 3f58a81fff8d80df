-- stage_history(as_of): per application, what its events known by as_of add up to. The one
-- definition behind application_facts and the stored table application_stages (which holds it
-- for a far-future as_of, i.e. every event).
create or replace macro stage_history(as_of) as table
with dated_events as (
    -- an event without a date is taken to have happened by the application's last dated event,
    -- so that looking back at an earlier as-of date does not show what came later
    select
        e.*,
        coalesce(e.occurred_on, max(e.occurred_on) over (partition by e.application_id)) as known_by
    from events as e
),

known_events as (
    -- events after the as-of date have not happened yet
    select e.application_id, e.event, e.occurred_on, e.round, e.known_by, t.stage_rank, t.counts_as_response
    from dated_events as e
    join event_types as t using (event)
    where e.known_by <= as_of
)

select
    application_id,
    max(known_by) as known_through,
    max(stage_rank) as furthest_rank,
    max(stage_rank) filter (where event not in ('rejected', 'response')) as rank_before_rejection,
    bool_or(counts_as_response) as responded,
    min(occurred_on) filter (where counts_as_response) as first_response_on,
    coalesce(bool_or(counts_as_response and occurred_on is null), false) as undated_response,
    bool_or(event in ('screen', 'assessment', 'interview', 'offer', 'accepted', 'declined')) as called_back,
    bool_or(event in ('interview', 'offer', 'accepted', 'declined')) as interviewed,
    greatest(max(round) filter (where event = 'interview'),
             count(*) filter (where event = 'interview' and round is null)) as interview_rounds,
    max(occurred_on) filter (where event = 'interview') as last_interview_on,
    bool_or(event in ('offer', 'accepted', 'declined')) as offered,
    bool_or(event = 'accepted') as accepted,
    bool_or(event = 'declined') as declined,
    bool_or(event = 'withdrawn') as withdrawn,
    bool_or(event = 'rejected') as rejected,
    bool_or(event = 'position_closed') as position_closed,
    bool_or(event = 'ghosted') as marked_ghosted,
    min(occurred_on) filter (where event = 'rejected') as rejected_on,
    min(occurred_on) filter (where event in ('withdrawn', 'position_closed')) as closed_on,
    bool_or(event = 'follow_up') as followed_up,
    min(occurred_on) filter (where event = 'follow_up') as first_follow_up_on,
    max(occurred_on) as last_event_on
from known_events
group by application_id;
