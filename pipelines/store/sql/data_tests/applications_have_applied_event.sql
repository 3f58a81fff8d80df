-- every application has exactly one 'applied' event on its applied date (undated when the applied
-- date is unknown, as for an application read from a rejection mail)
select a.application_id, count(e.event_id) as applied_events
from applications as a
left join events as e
    on e.application_id = a.application_id and e.event = 'applied'
    and e.occurred_on is not distinct from a.applied_on
group by a.application_id
having count(e.event_id) <> 1
