-- 0007: mail (issue 19). An application read from a mailbox may have no confirmation: a rejection
-- names it, but not the day it was sent. Its applied date is then unknown (null), its 'applied'
-- event undated, and the analyses leave it out (application_facts keeps applied_on <= as_of):
-- an application known only because the employer answered would make every rate look better.
alter table applications alter column applied_on drop not null;

-- what was extracted from each mail used, and nothing else: never a body, never an address (the
-- sender's domain only; an address written in a subject is stored as "[address]"). Mails of the
-- ignored kinds (job alerts, newsletters, other mail) are not stored at all. One row per client and
-- Message-ID: re-reading a mailbox finds its mails here and changes nothing.
create table mail_messages (
    client         varchar not null,
    message_id     varchar not null,
    sent_at        timestamptz,
    sender_domain  varchar not null,
    subject        varchar not null,
    kind           varchar not null,   -- applied, rejected, screen, assessment, interview, offer, withdrawn
    rule           varchar not null,   -- the rule that decided the kind (docs/mail.md); set-by-you after a review
    company        varchar,
    role           varchar,
    application_id varchar not null,
    run_id         integer
);
