-- every grant names a known role; advisor and client grants name a client, admin grants do not
select principal, role, client
from access
where role not in ('admin', 'advisor', 'client')
    or (role = 'admin') <> (client is null)
    or principal <> lower(trim(principal))
