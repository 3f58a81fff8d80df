-- every event is in the vocabulary
select e.event_id, e.event
from events as e
anti join event_types as t using (event)
