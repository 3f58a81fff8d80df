-- no event points at an application that does not exist
select e.event_id, e.application_id
from events as e
anti join applications as a using (application_id)
