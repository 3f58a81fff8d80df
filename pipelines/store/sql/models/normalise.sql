-- Normalisation rules used by the load: blank values, dates, yes/no, channels, statuses, events.
-- One place for every value mapping, so the CLI, the dashboard upload and the tests agree.

-- blank: the spellings people use for "nothing here"; everything else trimmed, otherwise as written.
-- The first branch is a shortcut for the common case (it runs on every cell of a million-row file):
-- a value longer than any blank spelling that neither starts nor ends with white space is kept as is.
create or replace macro bb_blank(value) as
    case
        when length(value) > 4 and value[1] > ' ' and value[-1] > ' ' then value
        when lower(trim(value)) in ('', 'null', 'n/a', 'na', '-', '--') then null
        else trim(value)
    end;

-- ISO dates, with or without a time part (the canonical format's only date form)
create or replace macro bb_date(value) as
    coalesce(
        try_cast(bb_blank(value) as date),
        try_cast(try_cast(bb_blank(value) as timestamp) as date)
    );

create or replace macro bb_bool(value) as
    case
        when lower(bb_blank(value)) in ('y', 'yes', 'true', 't', '1', 'x', 'ja', 'oui', 'si') then true
        when lower(bb_blank(value)) in ('n', 'no', 'false', 'f', '0') then false
    end;

-- a loose key: case, surrounding and repeated white space, and punctuation variants do not matter
create or replace macro bb_token(value) as
    trim(regexp_replace(lower(trim(value)), '[^a-z0-9]+', '_', 'g'), '_');

-- The applicant's own contact details, removed from a cell where they were quoted (`personal`: the
-- value of a personal column of the same row, such as LinkedIn's Contact Email)
create or replace macro bb_without(value, personal) as
    case
        when value is null or bb_blank(personal) is null then value
        else regexp_replace(value, regexp_escape(trim(personal)), '[removed: your contact details]', 'gi')
    end;

-- every e-mail address and phone number (7 or more digits with separators) in an export's free text
create or replace macro bb_scrub_contacts(value) as
    regexp_replace(
        regexp_replace(value, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}', '[removed: e-mail]', 'g'),
        '\+?\(?\d(?:[\s().-]*\d){6,}', '[removed: phone]', 'g');

-- "I don't know" in a Referral cell (and bare punctuation, `?`): unknown, neither a value nor an error
create or replace macro bb_unknown(value) as
    bb_token(value) in ('', 'unknown', 'tbd', 'dont_know', 'don_t_know', 'not_sure', 'unsure');

-- a Referral cell: yes or no, or a name where a yes/no would be (`Jane Roe`: yes). Words for "no one
-- referred me" are no; words for "I don't know" say nothing
create or replace macro bb_referral(value) as
    case
        when bb_blank(value) is null or bb_unknown(value) then null
        when bb_token(value) in ('none', 'no_one', 'noone', 'nobody', 'self', 'myself', 'me', 'nope',
                                 'no_referral', 'not_referred', 'direct', 'cold', 'cold_apply') then false
        else coalesce(bb_bool(value), true)
    end;

-- channel words compared without case, spaces or punctuation (`Built In` = `builtin` = `BUILT-IN`), letters
-- of every script kept (`内部推荐`)
create or replace macro bb_channel_key(value) as
    regexp_replace(lower(bb_blank(value)), '[^\p{L}\p{N}]+', '', 'g');

create or replace macro bb_channel(value) as
    case
        when bb_blank(value) is null then null
        when bb_channel_key(value) in ('referral', 'referred', 'employeereferral', 'internalreferral', 'friend',
                                       'network', 'networking', 'contact', 'referralfriend', '内部推荐', '内推',
                                       '员工推荐', '推荐', '紹介', '社員紹介', '리퍼럴', '추천', 'empfehlung',
                                       'mitarbeiterempfehlung', 'indicacao', 'indicação', 'referencia',
                                       'recomendacion', 'recomendación', 'cooptation', 'parrainage')
            then 'referral'
        when bb_channel_key(value) in ('linkedineasyapply', 'easyapply', 'oneclick', 'quickapply', 'indeedapply',
                                       'indeedeasyapply', 'linkedinquickapply', 'easyapplication')
            then 'linkedin_easy_apply'
        when bb_channel_key(value) in ('jobboard', 'jobsboard', 'board', 'linkedin', 'indeed', 'glassdoor',
                                       'monster', 'ziprecruiter', 'dice', 'handshake', 'otta', 'wellfound',
                                       'angellist', 'simplyhired', 'builtin', 'hired', 'otterjobs',
                                       'careerbuilder', 'seek', 'stepstone', 'xing', 'usajobs', 'governmentjobs',
                                       'ripplematch', 'jobright', 'reed', 'totaljobs', 'naukri',
                                       'welcometothejungle', 'remoterocketship', 'climatebase', 'themomproject',
                                       'momproject', 'weworkremotely', 'remoteok', 'remotive', 'flexjobs',
                                       'idealist', 'hiringcafe', 'levelsfyi', 'theladders', 'ladders',
                                       'snagajob', 'craigslist', 'jobbank', 'infojobs', 'computrabajo',
                                       'bumeran', 'jobstreet', 'jobsdb', 'wuzzuf', 'bayt', 'hh', 'headhunterru',
                                       'pracuj', 'kariyer', '智联招聘', '前程无忧', 'boss直聘', '猎聘', '拉勾')
            then 'job_board'
        when bb_channel_key(value) in ('companysite', 'companywebsite', 'company', 'website', 'careersite',
                                       'careerspage', 'careers', 'careerpage', 'direct', 'companycareerssite',
                                       'companycareers', 'companycareerspage', 'corporatewebsite',
                                       'employerwebsite', 'workday', 'myworkdayjobs', 'greenhouse', 'lever',
                                       'ashby', 'ashbyhq', 'icims', 'smartrecruiters', 'breezy', 'breezyhr',
                                       'taleo', 'successfactors', 'jobvite', 'workable', 'bamboohr',
                                       'teamtailor', 'recruitee', 'jazzhr', 'applytojob', 'personio', '官网',
                                       '公司官网')
            then 'company_site'
        when bb_channel_key(value) in ('recruiter', 'headhunter', 'recruiteroutreach', 'inbound',
                                       'recruiterreachedout', 'sourcer', '猎头')
            then 'recruiter'
        when bb_channel_key(value) in ('agency', 'staffing', 'staffingagency', 'recruitmentagency')
            then 'agency'
        -- a longer phrase naming one of them (`Company careers site`, `Referred by a friend`)
        when bb_channel_key(value) like '%referr%' or bb_channel_key(value) like '%推荐%' then 'referral'
        when bb_channel_key(value) like '%easyapply%' then 'linkedin_easy_apply'
        when bb_channel_key(value) like '%recruiter%' or bb_channel_key(value) like '%headhunt%' then 'recruiter'
        when bb_channel_key(value) like '%agency%' or bb_channel_key(value) like '%staffing%' then 'agency'
        when bb_channel_key(value) like '%career%' or bb_channel_key(value) like '%companysite%'
             or bb_channel_key(value) like '%companywebsite%' then 'company_site'
        else 'other'
    end;

-- the channel a job URL's host shows: an applicant-tracking system's page is the company's own site
-- (`jobs.ashbyhq.com/acme`), a board's page is a board
create or replace macro bb_channel_of_url(url) as
    case
        when regexp_extract(lower(url), '^[a-z]+://([^/:?#]+)', 1) similar to
             '(.*\.)?(greenhouse\.io|lever\.co|ashbyhq\.com|myworkdayjobs\.com|workday\.com|icims\.com|smartrecruiters\.com|breezy\.hr|taleo\.net|successfactors\.(com|eu)|jobvite\.com|workable\.com|bamboohr\.com|teamtailor\.com|recruitee\.com|applytojob\.com|jazzhr\.com|personio\.(de|com))'
            then 'company_site'
        when regexp_extract(lower(url), '^[a-z]+://([^/:?#]+)', 1) similar to
             '(.*\.)?(linkedin\.com|indeed\.com|glassdoor\.com|ziprecruiter\.com|monster\.com|dice\.com|wellfound\.com|builtin\.com|usajobs\.gov|simplyhired\.com|otta\.com|welcometothejungle\.com)'
            then 'job_board'
    end;

-- status words of the canonical format -> the current stage they state; 'saved' is not an
-- application (skipped); null for a value the canonical format does not know (the row is rejected)
create or replace macro bb_status(value) as
    case
        when bb_blank(value) is null then 'applied'
        when bb_token(value) in ('applied', 'pending', 'submitted', 'sent', 'waiting', 'open') then 'applied'
        when bb_token(value) in ('response', 'responded', 'replied', 'answered') then 'response'
        when bb_token(value) in ('screen', 'screening', 'phone_screen', 'recruiter_screen', 'hr_call') then 'screen'
        when bb_token(value) in ('assessment', 'test', 'take_home', 'coding_challenge', 'challenge') then 'assessment'
        when bb_token(value) in ('interview', 'interviewing', 'interviewed', 'onsite') then 'interview'
        when bb_token(value) in ('offer', 'offered', 'offer_received') then 'offer'
        when bb_token(value) in ('accepted', 'hired', 'offer_accepted') then 'accepted'
        when bb_token(value) in ('declined', 'offer_declined', 'turned_down') then 'declined'
        when bb_token(value) in ('rejected', 'rejection', 'not_selected', 'denied') then 'rejected'
        when bb_token(value) in ('withdrawn', 'withdrew', 'withdraw') then 'withdrawn'
        when bb_token(value) in ('position_closed', 'closed', 'position_removed', 'posting_removed',
                                  'job_closed', 'filled', 'position_filled') then 'position_closed'
        when bb_token(value) in ('ghosted', 'no_response', 'no_reply', 'no_answer', 'ghost') then 'ghosted'
        when bb_token(value) in ('saved', 'wishlist', 'bookmarked', 'interested', 'to_apply', 'not_applied') then 'saved'
    end;

-- event names of an events file -> the event vocabulary (null: unknown)
create or replace macro bb_event(value) as
    case
        when bb_token(value) in ('applied', 'response', 'screen', 'assessment', 'interview', 'offer',
                                  'accepted', 'declined', 'rejected', 'withdrawn', 'position_closed',
                                  'follow_up', 'ghosted')
            then bb_token(value)
        when bb_token(value) in ('followup', 'followed_up', 'follow_up_sent') then 'follow_up'
        when bb_token(value) in ('no_response', 'no_reply') then 'ghosted'
        when bb_token(value) in ('closed', 'position_removed', 'posting_removed') then 'position_closed'
        when bb_token(value) in ('phone_screen', 'screening', 'hr_call') then 'screen'
        when bb_token(value) in ('rejection', 'not_selected') then 'rejected'
        when bb_token(value) in ('take_home', 'coding_challenge', 'test') then 'assessment'
        when bb_token(value) in ('responded', 'replied') then 'response'
        when bb_token(value) in ('withdrew') then 'withdrawn'
    end;
