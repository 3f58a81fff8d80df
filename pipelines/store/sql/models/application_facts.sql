-- application_facts(as_of, window_days): one row per application applied on or before as_of, with
-- what its stage history says at that date. The only definition of stage, response and outcome:
-- analytics, diagnosis and dashboard read this macro, never the events table directly.
--
-- outcome:
--   accepted | declined | withdrawn | rejected | position_closed   a terminal event (in that precedence)
--   no_further_answer  an answer (or an offer) followed by nothing for 60 days or more: the last
--                  known event (the applied date when no event has a date) is 60+ days before
--                  as_of. It has ended, without a word: no longer in progress (analytics.STALE_DAYS)
--   offer          an offer, not yet accepted or declined, with news in the last 60 days
--   in_progress    the employer answered, nothing has ended it yet, and there was news in the last 60 days
--   no_response    no answer and either marked ghosted or older than window_days
--   pending        no answer yet, younger than window_days: not a failure, not yet anything
create or replace macro application_facts(as_of, window_days) as table
with per_application as (
    -- the stored sum of each application's history serves every as-of date from its last known
    -- event on (today, usually); only applications with events after as_of are regrouped
    select * exclude (known_through)
    from application_stages
    where known_through <= cast(as_of as date)
    union all by name
    select * exclude (known_through)
    from stage_history(cast(as_of as date))
    where application_id in (
        select application_id from application_stages where known_through > cast(as_of as date)
    )
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
    coalesce(p.undated_response, false) as undated_response,
    coalesce(p.called_back, false) as called_back,
    coalesce(p.interviewed, false) as interviewed,
    coalesce(p.interview_rounds, 0) as interview_rounds,
    p.last_interview_on,
    coalesce(p.offered, false) as offered,
    coalesce(p.accepted, false) as accepted,
    coalesce(p.followed_up, false) as followed_up,
    p.first_follow_up_on,
    p.rejected_on,
    p.closed_on,
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
        when (p.offered or p.responded)
            and cast(as_of as date) - coalesce(p.last_event_on, a.applied_on) >= 60 then 'no_further_answer'
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
