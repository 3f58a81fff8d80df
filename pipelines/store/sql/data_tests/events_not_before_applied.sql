-- no dated event happened before its application was sent
select e.event_id, e.event, e.occurred_on, a.applied_on
from events as e
join applications as a using (application_id)
where e.occurred_on < a.applied_on
