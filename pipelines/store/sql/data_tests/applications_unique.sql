-- every application id appears once
select application_id, count(*) as copies
from applications
group by application_id
having count(*) > 1
