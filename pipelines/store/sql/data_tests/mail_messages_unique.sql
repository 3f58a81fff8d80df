-- each client's mail is stored once per Message-ID, and names an application that exists
select m.client, m.message_id, count(*) as copies
from mail_messages as m
left join applications as a using (application_id)
group by m.client, m.message_id
having count(*) > 1 or bool_or(a.application_id is null)
