-- 0008: randomised sends (issue 20). `bounceback plan --assign` draws, for each of the next N
-- applications, the resume version to send it with (seeded), and keeps the draws here. The
-- applications sent with a drawn version in the draw's week are matched to their draws by the model
-- randomised_applications.
create table assignments (
    client   varchar not null,
    drawn_on date not null,      -- the day of the draws (the plan's as-of date); one set per client and day
    number   integer not null,   -- 1..N: the order to send them in
    field    varchar not null,   -- what was drawn: resume_version
    value    varchar not null,   -- the version drawn
    seed     bigint not null     -- the draw's seed: the same plan on the same day draws the same
);
