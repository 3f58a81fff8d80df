-- application_facts(as_of, window_days): one row per application applied on or before as_of, with
-- what its stage history says at that date. The only definition of stage, response and outcome:
-- analytics, diagnosis and dashboard read this macro, never the events table directly.
--
-- outcome:
--   accepted | declined | withdrawn | rejected | position_closed   a terminal event (in that precedence)
--   offer          an offer, not yet accepted or declined
--   in_progress    the employer answered and nothing has ended it yet
--   no_response    no answer and either marked ghosted or older than window_days
--   pending        no answer yet, younger than window_days: not a failure, not yet anything
create or replace macro application_facts(as_of, window_days) as table
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
    select e.application_id, e.event, e.occurred_on, e.round, t.stage_rank, t.counts_as_response
    from dated_events as e
    join event_types as t using (event)
    where e.known_by <= as_of
),

per_application as (
    select
        application_id,
        max(stage_rank) as furthest_rank,
        max(stage_rank) filter (where event not in ('rejected', 'response')) as rank_before_rejection,
        bool_or(counts_as_response) as responded,
        min(occurred_on) filter (where counts_as_response) as first_response_on,
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
        bool_or(event = 'follow_up') as followed_up,
        min(occurred_on) filter (where event = 'follow_up') as first_follow_up_on,
        max(occurred_on) as last_event_on
    from known_events
    group by application_id
)

select
    a.application_id,
    a.client,
    a.source,
    a.company,
    a.role,
    a.industry,
    a.channel,
    a.resume_version,
    a.cover_letter,
    a.referral,
    a.location,
    a.seniority,
    a.applied_on,
    cast(as_of as date) - a.applied_on as age_days,
    coalesce(p.responded, false) as responded,
    p.first_response_on,
    p.first_response_on - a.applied_on as days_to_first_response,
    coalesce(p.called_back, false) as called_back,
    coalesce(p.interviewed, false) as interviewed,
    coalesce(p.interview_rounds, 0) as interview_rounds,
    p.last_interview_on,
    coalesce(p.offered, false) as offered,
    coalesce(p.accepted, false) as accepted,
    coalesce(p.followed_up, false) as followed_up,
    p.first_follow_up_on,
    p.rejected_on,
    p.last_event_on,
    ['applied', 'response', 'screen', 'assessment', 'interview', 'offer', 'accepted'][
        coalesce(p.furthest_rank, 0) + 1] as furthest_stage,
    case when p.rejected then
        ['applied', 'response', 'screen', 'assessment', 'interview', 'offer', 'accepted'][
            coalesce(p.rank_before_rejection, 0) + 1]
    end as rejected_at_stage,
    case
        when p.accepted then 'accepted'
        when p.declined then 'declined'
        when p.withdrawn then 'withdrawn'
        when p.rejected then 'rejected'
        when p.position_closed then 'position_closed'
        when p.offered then 'offer'
        when p.responded then 'in_progress'
        when p.marked_ghosted or cast(as_of as date) - a.applied_on >= window_days then 'no_response'
        else 'pending'
    end as outcome,
    -- settled: the response window has closed, so "no answer" is a real no-answer
    cast(as_of as date) - a.applied_on >= window_days as settled
from applications as a
left join per_application as p using (application_id)
where a.applied_on <= cast(as_of as date);
