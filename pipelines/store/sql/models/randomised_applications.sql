-- randomised_applications: the applications sent with a version drawn for them (plan --assign).
-- A set of draws covers the 7 days from its day, or up to the client's next set. Within it, the k-th
-- application with a version (by applied date) is matched to the k-th draw of that version: an
-- application beyond the draws of its version, or with a version not drawn, is not randomised.
create or replace view randomised_applications as
with sets as (
    select client, drawn_on,
           least(drawn_on + 7, coalesce(lead(drawn_on) over (partition by client order by drawn_on),
                                        drawn_on + 7)) as until
    from (select distinct client, drawn_on from assignments where field = 'resume_version')
),
draws as (
    select client, drawn_on, value,
           row_number() over (partition by client, drawn_on, value order by number) as k
    from assignments
    where field = 'resume_version'
),
sent as (
    select a.application_id, a.client, s.drawn_on, a.resume_version as value,
           row_number() over (partition by a.client, s.drawn_on, a.resume_version
                              order by a.applied_on, a.application_id) as k
    from applications as a
    join sets as s on s.client = a.client and a.applied_on >= s.drawn_on and a.applied_on < s.until
    where a.resume_version is not null
)
select s.application_id, s.client, s.drawn_on, s.value as resume_version
from sent as s
join draws as d on d.client = s.client and d.drawn_on = s.drawn_on and d.value = s.value and d.k = s.k;
