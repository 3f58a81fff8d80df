-- every event id appears once
select event_id, count(*) as copies
from events
group by event_id
having count(*) > 1
