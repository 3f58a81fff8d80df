-- every client with applications has a row in clients
select distinct a.client
from applications as a
anti join clients as c using (client)
