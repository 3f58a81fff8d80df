-- Free-text statuses: what people type in the status column of their own spreadsheet
-- ('Inter + Rejec', 'ghosted 👻', 'Rejected after onsite', 'rejcted') -> the event vocabulary.
--
--   bb_classify_status(value) -> struct {'status': varchar, 'via': varchar, 'how': varchar}
--
-- status  applied (pending, no outcome stated), response, screen, assessment, interview, offer,
--         accepted, declined, rejected, withdrawn, position_closed, ghosted, or saved (a saved job,
--         not an application); null when the text cannot be classified: an unknown word, or a
--         word whose meaning depends on who did it ('Declined after interview': who declined?),
--         is reported, never guessed at.
-- via     a funnel stage the text says was reached on the way ('Rejected after phone screen' ->
--         rejected via screen, 'Offer declined' -> declined via offer), else null
-- how     'blank' (nothing written: applied), 'exact' (the folded text is a status name),
--         'keyword' (a rule below matched), 'typo' (a rule matched once misspelt words were
--         corrected), or null when unclassified
--
-- The loader runs this on the distinct values of a column, so it favours clarity over speed.
-- Text is compared as bb_token folds it: lower case, every run of other characters (spaces,
-- punctuation, emoji) one '_'. 'On-site!' is 'on_site'.

-- The keyword rules, in priority order: the first rule whose phrase counts in the text decides.
-- A phrase is whole words ('no reply' does not match 'no replyto'); a trailing * makes its last
-- word a prefix ('rejec*' matches 'rejec', 'rejected', 'rejection'). A phrase does not count when
-- one of the three words before it is a negation (bb_status_negations: 'Never got an interview'
-- names no interview), or when the nearest word before it that is not a filler is a hope or
-- expectation (bb_status_hopes: 'Waiting for offer', 'Maybe offer' are no offer). A leading mark
-- changes that:
--   !phrase  counts only when negated: "Didn't get the offer", 'Wasn't selected'
--   ~phrase  counts negated or not: 'Not yet', 'No response yet'
--   =phrase  counts only as the whole text: 'Declined', 'Turned down'
-- A rejected or ghosted phrase that is itself a negation ('no offer', 'not selected', '!get the
-- job') does not count with 'yet' in the two words after it: 'No offer yet' is still pending.
-- status null stops the search unclassified: a word that needs a phrase above it to be read.
-- via, when set, is stated by the phrase itself; otherwise it is read from the rest of the text
-- (bb_status_via below).
create or replace macro bb_status_rules() as [
    -- 1. Phrases containing a word that a later rule would misread.
    --    A ghost job is a fake posting (closed), not an employer who went quiet (ghosted).
    {'phrase': 'ghost job*',          'status': 'position_closed', 'via': null},
    {'phrase': 'ghostjob*',           'status': 'position_closed', 'via': null},
    {'phrase': 'ghost posting*',      'status': 'position_closed', 'via': null},
    {'phrase': 'ghost listing*',      'status': 'position_closed', 'via': null},
    {'phrase': 'fake job*',           'status': 'position_closed', 'via': null},
    {'phrase': 'fake posting*',       'status': 'position_closed', 'via': null},
    --    Declining: what was declined, and by whom. The applicant declining an offer is a decline,
    --    declining an interview a withdrawal; the employer declining is a rejection. The bare
    --    word is the applicant's decline (the canonical status); any other sentence with it is
    --    unclassified: 'Declined after interview' does not say who declined.
    {'phrase': 'declined offer*',     'status': 'declined',        'via': 'offer'},
    {'phrase': 'declined the offer*', 'status': 'declined',        'via': 'offer'},
    {'phrase': 'declined their offer*', 'status': 'declined',        'via': 'offer'},
    {'phrase': 'declined job offer*', 'status': 'declined',        'via': 'offer'},
    {'phrase': 'declined the job offer*', 'status': 'declined',        'via': 'offer'},
    {'phrase': 'offer declined',      'status': 'declined',        'via': 'offer'},
    {'phrase': 'turned down offer*',  'status': 'declined',        'via': 'offer'},
    {'phrase': 'turned down the offer*', 'status': 'declined',        'via': 'offer'},
    {'phrase': 'turned down their offer*', 'status': 'declined',        'via': 'offer'},
    {'phrase': 'turned down job offer*', 'status': 'declined',        'via': 'offer'},
    {'phrase': 'turned down the job offer*', 'status': 'declined',        'via': 'offer'},
    {'phrase': 'offer turned down',   'status': 'declined',        'via': 'offer'},
    {'phrase': 'turned the offer down', 'status': 'declined',        'via': 'offer'},
    --    "I rejected the offer" is the applicant declining it
    {'phrase': 'rejected offer',      'status': 'declined',        'via': 'offer'},
    {'phrase': 'rejected the offer',  'status': 'declined',        'via': 'offer'},
    {'phrase': 'offer rejected',      'status': 'declined',        'via': 'offer'},
    {'phrase': '=turned down',        'status': 'declined',        'via': null},
    {'phrase': '=declined',           'status': 'declined',        'via': null},  -- 'declnied' (typo)
    {'phrase': 'declined to interview', 'status': 'withdrawn',       'via': null},
    {'phrase': 'declined interview*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'declined the interview*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'declined an interview*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'declined invit*',     'status': 'withdrawn',       'via': null},
    {'phrase': 'declined the invit*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'turned down interview*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'turned down the interview*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'application declined', 'status': 'rejected',        'via': null},
    {'phrase': 'candidacy declined',  'status': 'rejected',        'via': null},
    {'phrase': 'company declined',    'status': 'rejected',        'via': null},
    {'phrase': 'employer declined',   'status': 'rejected',        'via': null},
    {'phrase': 'recruiter declined',  'status': 'rejected',        'via': null},
    {'phrase': 'hr declined',         'status': 'rejected',        'via': null},
    {'phrase': 'manager declined',    'status': 'rejected',        'via': null},
    {'phrase': 'they declined',       'status': 'rejected',        'via': null},
    {'phrase': 'declined by company', 'status': 'rejected',        'via': null},
    {'phrase': 'declined by employer', 'status': 'rejected',        'via': null},
    {'phrase': 'declined by recruiter', 'status': 'rejected',        'via': null},
    {'phrase': 'declined by hr',      'status': 'rejected',        'via': null},
    {'phrase': 'declined by them',    'status': 'rejected',        'via': null},
    {'phrase': 'declined by the company', 'status': 'rejected',        'via': null},
    {'phrase': 'declined by the employer', 'status': 'rejected',        'via': null},
    {'phrase': 'declined by the recruiter', 'status': 'rejected',        'via': null},
    {'phrase': 'declined by the hiring*', 'status': 'rejected',        'via': null},
    {'phrase': 'declined me',         'status': 'rejected',        'via': null},
    {'phrase': 'declined my',         'status': 'rejected',        'via': null},  -- 'declined my application'
    {'phrase': 'turned me down',      'status': 'rejected',        'via': null},
    {'phrase': 'turned down by company', 'status': 'rejected',        'via': null},
    {'phrase': 'turned down by the company', 'status': 'rejected',        'via': null},
    {'phrase': 'turned down by employer', 'status': 'rejected',        'via': null},
    {'phrase': 'turned down by recruiter', 'status': 'rejected',        'via': null},
    {'phrase': 'turned down by them', 'status': 'rejected',        'via': null},
    {'phrase': 'declin*',             'status': null,              'via': null},
    {'phrase': 'turned down',         'status': null,              'via': null},
    --    The applicant taking a job elsewhere withdraws from this one: not accepted, not an offer.
    {'phrase': 'accepted another offer*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted another job', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted another position', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted another role', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted another opportunit*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted other offer*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted a different offer*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted a different job', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted a different position', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted a different role', 'status': 'withdrawn',       'via': null},
    {'phrase': 'took another offer*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'took another job',    'status': 'withdrawn',       'via': null},
    {'phrase': 'took another position', 'status': 'withdrawn',       'via': null},
    {'phrase': 'took another role',   'status': 'withdrawn',       'via': null},
    {'phrase': 'took a different offer*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'took a different job', 'status': 'withdrawn',       'via': null},
    {'phrase': 'took a different position', 'status': 'withdrawn',       'via': null},
    {'phrase': 'took a different role', 'status': 'withdrawn',       'via': null},
    {'phrase': 'went with another offer*', 'status': 'withdrawn',       'via': null},
    {'phrase': 'went with another job', 'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted elsewhere',  'status': 'withdrawn',       'via': null},
    {'phrase': 'accepted somewhere else', 'status': 'withdrawn',       'via': null},
    {'phrase': 'offer elsewhere',     'status': 'withdrawn',       'via': null},
    {'phrase': 'job elsewhere',       'status': 'withdrawn',       'via': null},
    {'phrase': 'position elsewhere',  'status': 'withdrawn',       'via': null},
    {'phrase': 'role elsewhere',      'status': 'withdrawn',       'via': null},
    {'phrase': 'hired elsewhere',     'status': 'withdrawn',       'via': null},
    {'phrase': 'signed elsewhere',    'status': 'withdrawn',       'via': null},
    --    The employer hiring someone else rejected the applicant: not hired, not a closed posting.
    {'phrase': 'someone else',        'status': 'rejected',        'via': null},
    {'phrase': 'somebody else',       'status': 'rejected',        'via': null},
    {'phrase': 'another candidate*',  'status': 'rejected',        'via': null},
    {'phrase': 'other candidate*',    'status': 'rejected',        'via': null},
    {'phrase': 'internal candidate*', 'status': 'rejected',        'via': null},
    {'phrase': 'another applicant*',  'status': 'rejected',        'via': null},
    {'phrase': 'other applicant*',    'status': 'rejected',        'via': null},
    {'phrase': 'hired another*',      'status': 'rejected',        'via': null},
    {'phrase': 'hired internally',    'status': 'rejected',        'via': null},
    --    The employer withdrawing an offer rescinded it; withdrawing the job closed the position.
    --    (The applicant withdrawing is below.)
    {'phrase': 'withdrew the offer*', 'status': 'rejected',        'via': 'offer'},
    {'phrase': 'withdrew their offer*', 'status': 'rejected',        'via': 'offer'},
    {'phrase': 'withdrew offer*',     'status': 'rejected',        'via': 'offer'},
    {'phrase': 'offer withdrawn',     'status': 'rejected',        'via': 'offer'},
    {'phrase': 'they withdrew',       'status': 'position_closed', 'via': null},
    {'phrase': 'company withdrew',    'status': 'position_closed', 'via': null},
    {'phrase': 'employer withdrew',   'status': 'position_closed', 'via': null},
    {'phrase': 'recruiter withdrew',  'status': 'position_closed', 'via': null},
    {'phrase': 'withdrew the posting*', 'status': 'position_closed', 'via': null},
    {'phrase': 'withdrew posting*',   'status': 'position_closed', 'via': null},
    {'phrase': 'withdrew the listing*', 'status': 'position_closed', 'via': null},
    {'phrase': 'withdrew the job posting*', 'status': 'position_closed', 'via': null},
    {'phrase': 'posting withdrawn',   'status': 'position_closed', 'via': null},
    {'phrase': 'listing withdrawn',   'status': 'position_closed', 'via': null},
    {'phrase': 'job withdrawn',       'status': 'position_closed', 'via': null},
    {'phrase': 'position withdrawn',  'status': 'position_closed', 'via': null},
    {'phrase': 'role withdrawn',      'status': 'position_closed', 'via': null},
    {'phrase': 'opening withdrawn',   'status': 'position_closed', 'via': null},
    {'phrase': 'req withdrawn',       'status': 'position_closed', 'via': null},
    {'phrase': 'requisition withdrawn', 'status': 'position_closed', 'via': null},
    {'phrase': 'withdrawn by company', 'status': 'position_closed', 'via': null},
    {'phrase': 'withdrawn by employer', 'status': 'position_closed', 'via': null},
    {'phrase': 'withdrawn by recruiter', 'status': 'position_closed', 'via': null},
    {'phrase': 'withdrawn by hr',     'status': 'position_closed', 'via': null},
    {'phrase': 'withdrawn by them',   'status': 'position_closed', 'via': null},
    {'phrase': 'withdrawn by the company', 'status': 'position_closed', 'via': null},
    {'phrase': 'withdrawn by the employer', 'status': 'position_closed', 'via': null},
    {'phrase': 'posting pulled',      'status': 'position_closed', 'via': null},
    {'phrase': 'job pulled',          'status': 'position_closed', 'via': null},
    {'phrase': 'position pulled',     'status': 'position_closed', 'via': null},
    {'phrase': 'role pulled',         'status': 'position_closed', 'via': null},
    --    Accepting an interview (or a screen) is that stage, not an accepted job. An accepted
    --    invitation that does not say to what is unclassified.
    {'phrase': 'accepted interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted the interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted an interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted another interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted another round*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted next round*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted the next round*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted final round*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted the final round*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted final interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted the final interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted second interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted 2nd interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted phone interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted video interview*', 'status': 'interview',       'via': null},
    {'phrase': 'accepted invitation to interview', 'status': 'interview',       'via': null},
    {'phrase': 'accepted the invitation to interview', 'status': 'interview',       'via': null},
    {'phrase': 'accepted invite to interview', 'status': 'interview',       'via': null},
    {'phrase': 'accepted the invite to interview', 'status': 'interview',       'via': null},
    {'phrase': 'accepted invitation for interview', 'status': 'interview',       'via': null},
    {'phrase': 'interview accepted',  'status': 'interview',       'via': null},
    {'phrase': 'interview invite accepted', 'status': 'interview',       'via': null},
    {'phrase': 'interview invitation accepted', 'status': 'interview',       'via': null},
    {'phrase': 'accepted onsite',     'status': 'interview',       'via': null},
    {'phrase': 'onsite accepted',     'status': 'interview',       'via': null},
    {'phrase': 'accepted phone screen*', 'status': 'screen',          'via': null},
    {'phrase': 'accepted screen*',    'status': 'screen',          'via': null},
    {'phrase': 'screen accepted',     'status': 'screen',          'via': null},
    {'phrase': 'screening accepted',  'status': 'screen',          'via': null},
    {'phrase': 'accepted invit*',     'status': null,              'via': null},
    {'phrase': 'accepted the invit*', 'status': null,              'via': null},
    {'phrase': 'invite accepted',     'status': null,              'via': null},
    {'phrase': 'invitation accepted', 'status': null,              'via': null},
    --    negations of words that mean "answer" or "applied" (before response, applied, interested)
    {'phrase': 'no respon*',          'status': 'ghosted',         'via': null},
    {'phrase': 'no repl*',            'status': 'ghosted',         'via': null},
    {'phrase': 'no answer*',          'status': 'ghosted',         'via': null},
    {'phrase': 'no news',             'status': 'ghosted',         'via': null},
    {'phrase': 'never hear*',         'status': 'ghosted',         'via': null},
    {'phrase': 'not hear*',           'status': 'ghosted',         'via': null},  -- 'Did not hear back'
    {'phrase': 't hear*',             'status': 'ghosted',         'via': null},  -- "didn't hear back"
    {'phrase': 'never respond*',      'status': 'ghosted',         'via': null},
    {'phrase': 'never replied',       'status': 'ghosted',         'via': null},
    {'phrase': 'failed to hear*',     'status': 'ghosted',         'via': null},
    {'phrase': 'failed to respond*',  'status': 'ghosted',         'via': null},
    {'phrase': 'failed to reply',     'status': 'ghosted',         'via': null},
    --    not selected for an interview did not reach it
    {'phrase': 'not selected for interview*', 'status': 'rejected',        'via': null},
    {'phrase': 'not selected for an interview*', 'status': 'rejected',        'via': null},
    {'phrase': '!selected for interview*', 'status': 'rejected',        'via': null},
    {'phrase': '!selected for an interview*', 'status': 'rejected',        'via': null},
    {'phrase': 'not selected',        'status': 'rejected',        'via': null},
    {'phrase': '!selected',           'status': 'rejected',        'via': null},  -- "Wasn't selected"
    {'phrase': 'not moving forward',  'status': 'rejected',        'via': null},
    {'phrase': 'not proceed*',        'status': 'rejected',        'via': null},
    {'phrase': 'not successful',      'status': 'rejected',        'via': null},
    {'phrase': 'no offer',            'status': 'rejected',        'via': null},
    {'phrase': '!hired',              'status': 'rejected',        'via': null},  -- 'Not hired'
    --    "Didn't get the offer", 'Did not get the job', "Didn't pass the OA" (via assessment)
    {'phrase': '!get the offer*',     'status': 'rejected',        'via': null},
    {'phrase': '!get an offer*',      'status': 'rejected',        'via': null},
    {'phrase': '!get offer*',         'status': 'rejected',        'via': null},
    {'phrase': '!get the job',        'status': 'rejected',        'via': null},
    {'phrase': '!get the role',       'status': 'rejected',        'via': null},
    {'phrase': '!get the position',   'status': 'rejected',        'via': null},
    {'phrase': '!get it',             'status': 'rejected',        'via': null},
    {'phrase': '!get past',           'status': 'rejected',        'via': null},
    {'phrase': '!got the offer*',     'status': 'rejected',        'via': null},
    {'phrase': '!got an offer*',      'status': 'rejected',        'via': null},
    {'phrase': '!got offer*',         'status': 'rejected',        'via': null},
    {'phrase': '!got the job',        'status': 'rejected',        'via': null},
    {'phrase': '!got the role',       'status': 'rejected',        'via': null},
    {'phrase': '!got the position',   'status': 'rejected',        'via': null},
    {'phrase': '!got it',             'status': 'rejected',        'via': null},
    {'phrase': '!got past',           'status': 'rejected',        'via': null},
    {'phrase': '!make it',            'status': 'rejected',        'via': null},
    {'phrase': '!pass',               'status': 'rejected',        'via': null},
    {'phrase': '!passed',             'status': 'rejected',        'via': null},
    {'phrase': 'not interested',      'status': 'withdrawn',       'via': null},
    {'phrase': 'no longer interested', 'status': 'withdrawn',       'via': null},
    {'phrase': 'not applied',         'status': 'saved',           'via': null},
    {'phrase': 'not yet applied',     'status': 'saved',           'via': null},
    {'phrase': 't applied',           'status': 'saved',           'via': null},  -- "Haven't applied"
    {'phrase': 'never applied',       'status': 'saved',           'via': null},
    {'phrase': 'not apply',           'status': 'saved',           'via': null},
    {'phrase': 't apply',             'status': 'saved',           'via': null},  -- "Didn't apply"
    {'phrase': 'to apply',            'status': 'saved',           'via': null},

    -- 2. Outcomes. They outrank the stages: 'Inter + Rejec' ended in a rejection. A rescinded
    --    offer ended in a rejection even after it was accepted.
    {'phrase': 'rescind*',            'status': 'rejected',        'via': 'offer'},
    {'phrase': 'accept*',             'status': 'accepted',        'via': null},
    {'phrase': 'hired',               'status': 'accepted',        'via': null},
    --    signing a contract or an offer accepts it; 'Signed NDA' says nothing of the outcome
    {'phrase': 'signed offer*',       'status': 'accepted',        'via': 'offer'},
    {'phrase': 'signed the offer*',   'status': 'accepted',        'via': 'offer'},
    {'phrase': 'signed job offer*',   'status': 'accepted',        'via': 'offer'},
    {'phrase': 'offer signed',        'status': 'accepted',        'via': 'offer'},
    {'phrase': 'signed contract*',    'status': 'accepted',        'via': null},
    {'phrase': 'signed the contract*', 'status': 'accepted',        'via': null},
    {'phrase': 'contract signed',     'status': 'accepted',        'via': null},
    {'phrase': '=signed',             'status': 'accepted',        'via': null},
    {'phrase': 'rejec*',              'status': 'rejected',        'via': null},
    {'phrase': 'fail*',               'status': 'rejected',        'via': null},  -- 'Failed OA': via assessment
    {'phrase': 'unsuccessful',        'status': 'rejected',        'via': null},
    {'phrase': 'denied',              'status': 'rejected',        'via': null},
    {'phrase': 'withdr*',             'status': 'withdrawn',       'via': null},
    {'phrase': 'pulled out',          'status': 'withdrawn',       'via': null},
    --    'Position closed', 'Job filled', 'Posting removed', 'Role expired', ...
    {'phrase': 'closed',              'status': 'position_closed', 'via': null},
    {'phrase': 'filled',              'status': 'position_closed', 'via': null},
    {'phrase': 'removed',             'status': 'position_closed', 'via': null},
    {'phrase': 'expired',             'status': 'position_closed', 'via': null},
    {'phrase': 'cancel*',             'status': 'position_closed', 'via': null},
    {'phrase': 'hiring freeze',       'status': 'position_closed', 'via': null},
    {'phrase': 'no longer available', 'status': 'position_closed', 'via': null},
    {'phrase': 'ghost*',              'status': 'ghosted',         'via': null},
    {'phrase': 'unrespon*',           'status': 'ghosted',         'via': null},

    -- 3. Stages, most advanced first, so the furthest stage named is the status.
    --    an offer from another employer says nothing of this application: 'Got another offer'
    {'phrase': 'another offer*',      'status': null,              'via': null},
    {'phrase': 'other offer*',        'status': null,              'via': null},
    {'phrase': 'competing offer*',    'status': null,              'via': null},
    {'phrase': 'offer*',              'status': 'offer',           'via': null},
    {'phrase': 'interview*',          'status': 'interview',       'via': null},
    {'phrase': 'inter',               'status': 'interview',       'via': null},  -- 'Inter + Rejec'
    {'phrase': 'onsite',              'status': 'interview',       'via': null},
    {'phrase': 'on site',             'status': 'interview',       'via': null},
    {'phrase': 'in person',           'status': 'interview',       'via': null},
    {'phrase': 'round*',              'status': 'interview',       'via': null},  -- '1st round', 'Final round'
    {'phrase': 'panel',               'status': 'interview',       'via': null},
    {'phrase': 'superday',            'status': 'interview',       'via': null},
    {'phrase': 'assess*',             'status': 'assessment',      'via': null},
    {'phrase': 'take home',           'status': 'assessment',      'via': null},
    {'phrase': 'takehome',            'status': 'assessment',      'via': null},
    {'phrase': 'challenge*',          'status': 'assessment',      'via': null},
    {'phrase': 'test*',               'status': 'assessment',      'via': null},
    {'phrase': 'oa',                  'status': 'assessment',      'via': null},  -- online assessment
    {'phrase': 'hackerrank',          'status': 'assessment',      'via': null},
    {'phrase': 'codility',            'status': 'assessment',      'via': null},
    {'phrase': 'codesignal',          'status': 'assessment',      'via': null},
    {'phrase': 'case study',          'status': 'assessment',      'via': null},
    {'phrase': 'assignment',          'status': 'assessment',      'via': null},
    {'phrase': 'screen*',             'status': 'screen',          'via': null},
    --    a call with HR or a recruiter is a screen. 'phone' alone is no rule: a 'Phone interview'
    --    is an interview, not one reached via a screen
    {'phrase': 'hr call*',            'status': 'screen',          'via': null},
    {'phrase': 'recruiter call*',     'status': 'screen',          'via': null},
    {'phrase': 'intro call*',         'status': 'screen',          'via': null},
    {'phrase': 'phone call*',         'status': 'screen',          'via': null},
    {'phrase': 'hr chat',             'status': 'screen',          'via': null},
    {'phrase': 'recruiter chat',      'status': 'screen',          'via': null},
    {'phrase': 'respon*',             'status': 'response',        'via': null},
    {'phrase': 'replied',             'status': 'response',        'via': null},
    {'phrase': 'reply',               'status': 'response',        'via': null},
    {'phrase': 'answered',            'status': 'response',        'via': null},
    {'phrase': 'heard back',          'status': 'response',        'via': null},
    {'phrase': 'reached out',         'status': 'response',        'via': null},
    {'phrase': 'contacted',           'status': 'response',        'via': null},

    -- 4. Still pending: no outcome stated. 'Other' and 'Unknown' say nothing more than a blank.
    {'phrase': 'applied',             'status': 'applied',         'via': null},
    {'phrase': 'submitted',           'status': 'applied',         'via': null},
    {'phrase': 'sent',                'status': 'applied',         'via': null},
    {'phrase': 'pending',             'status': 'applied',         'via': null},
    {'phrase': 'waiting',             'status': 'applied',         'via': null},  -- not 'waitlisted'
    {'phrase': 'awaiting',            'status': 'applied',         'via': null},
    {'phrase': 'open',                'status': 'applied',         'via': null},
    {'phrase': 'tbd',                 'status': 'applied',         'via': null},
    {'phrase': 'tba',                 'status': 'applied',         'via': null},
    {'phrase': 'ongoing',             'status': 'applied',         'via': null},
    {'phrase': 'active',              'status': 'applied',         'via': null},
    {'phrase': 'in progress',         'status': 'applied',         'via': null},
    {'phrase': 'in process',          'status': 'applied',         'via': null},
    {'phrase': 'in review',           'status': 'applied',         'via': null},
    {'phrase': 'under review',        'status': 'applied',         'via': null},
    {'phrase': 'reviewing',           'status': 'applied',         'via': null},
    {'phrase': 'follow*',             'status': 'applied',         'via': null},  -- 'Followed up'
    {'phrase': 'other',               'status': 'applied',         'via': null},
    {'phrase': 'unknown',             'status': 'applied',         'via': null},
    --    'yet': the outcome is still to come ('Not yet', 'No response yet', 'Nothing yet')
    {'phrase': '~yet',                'status': 'applied',         'via': null},

    -- 5. Not an application yet.
    {'phrase': 'saved',               'status': 'saved',           'via': null},
    {'phrase': 'wishlist',            'status': 'saved',           'via': null},
    {'phrase': 'wish list',           'status': 'saved',           'via': null},
    {'phrase': 'bookmark*',           'status': 'saved',           'via': null},
    {'phrase': 'interested',          'status': 'saved',           'via': null},
    {'phrase': 'draft',               'status': 'saved',           'via': null}
];

-- The words a misspelling is corrected to: only words that carry a status, none under 5 letters,
-- and none that a common word is one slip away from ('filled' <- 'filed', 'closed' <- 'closer').
create or replace macro bb_status_typo_words() as [
    'applied', 'submitted', 'pending', 'waiting', 'awaiting',
    'response', 'responded', 'replied',
    'screen', 'screening', 'assessment', 'challenge',
    'interview', 'interviewing', 'interviewed', 'onsite',
    'offer', 'offered', 'accepted', 'declined',
    'rejected', 'rejection', 'unsuccessful',
    'withdrew', 'withdrawn', 'ghosted', 'rescinded',
    'wishlist', 'bookmarked',
    -- words of phrases that turn an outcome round ('Hired someone else', 'Accepted another offer'):
    -- misspelt, the phrase would not count and the outcome word alone would decide. ('employer'
    -- is not one: 'employee' is one slip away.)
    'someone', 'another', 'elsewhere', 'candidate', 'posting', 'signed', 'turned', 'invitation',
    'company'
];

-- The status names themselves: a text that folds to one of them is an exact match.
create or replace macro bb_status_names() as [
    'applied', 'response', 'screen', 'assessment', 'interview', 'offer', 'accepted', 'declined',
    'rejected', 'withdrawn', 'position_closed', 'ghosted', 'saved'
];

-- How the macros below are built. DuckDB expands a macro by substituting its arguments as text,
-- and an expression inside a lambda body is evaluated for every list element, even a constant
-- such as the rules list. So whatever a lambda needs is computed outside it and bound:
-- `list_transform([{'a': ..., 'b': ...}], lambda x: ... x.a ...)[1]` computes the struct once per
-- row and names it x. That keeps 5000 distinct values to a fraction of a second.

-- Words that negate a phrase among the three words before it. "didn't" folds to 'didn_t', so
-- 't' stands for every n't; 'did not' has its 'not'.
create or replace macro bb_status_negations() as [
    'no', 'not', 'never', 'without', 't', 'didnt', 'havent', 'hasnt', 'hadnt', 'wasnt', 'werent',
    'dont', 'doesnt', 'isnt', 'arent', 'wont'
];

-- Words that make what follows a hope, not a fact ('Waiting for offer', 'Hoping for an offer',
-- 'Maybe offer'), when only fillers stand between them and it ('Awaiting decision after
-- interview' did reach the interview).
create or replace macro bb_status_hopes() as [
    'maybe', 'hope', 'hoping', 'hopeful', 'hopefully', 'waiting', 'awaiting', 'expect', 'expecting',
    'expected', 'possible', 'possibly', 'potential', 'potentially', 'if'
];

create or replace macro bb_status_fillers() as [
    'a', 'an', 'the', 'for', 'on', 'to', 'of', 'be', 'my', 'some', 'any', 'get', 'getting', 'receive'
];

-- Funnel position of a stage a status can be reached via; outcomes (9) can follow any stage,
-- applied and saved (0) none.
create or replace macro bb_status_rank(status) as
    coalesce(list_position(['response', 'screen', 'assessment', 'interview', 'offer'], status),
             case when status in ('applied', 'saved') then 0 else 9 end);

-- A phrase as it appears in '_' + folded text + '_': its words joined by '_' between '_'s, the
-- closing '_' left off for a prefix ('no respon*' -> '_no_respon', 'no news' -> '_no_news_'),
-- without its leading mark ('!get it' -> '_get_it_').
create or replace macro bb_status_needle(phrase) as
    '_' || replace(rtrim(ltrim(phrase, '!~='), '*'), ' ', '_') || case when phrase like '%*' then '' else '_' end;

-- the rules with their needle, mark ('' for none), rank, and whether 'yet' after the phrase stops
-- it counting (a rejected or ghosted phrase that is a negation) worked out once: the list is a
-- constant
create or replace macro bb_status_compiled_rules() as
    list_transform(bb_status_rules(), lambda r: {
        'needle': bb_status_needle(r.phrase),
        'mark': case when r.phrase[1] in ('!', '~', '=') then r.phrase[1] else '' end,
        'pending_if_yet': coalesce(r.status in ('rejected', 'ghosted')
                                   and (r.phrase[1] = '!'
                                        or list_contains(bb_status_negations(), string_split(r.phrase, ' ')[1])),
                                   false),
        'status': r.status,
        'via': r.via,
        'rank': bb_status_rank(r.status)});

-- Every word of the rules' phrases (the whole words and, without their *, the prefixes) and the
-- negations, hopes and fillers.
create or replace macro bb_status_known_words() as
    list_distinct(list_concat(
        flatten(list_transform(bb_status_rules(),
                               lambda r: string_split(replace(rtrim(ltrim(r.phrase, '!~='), '*'), ' ', '_'), '_'))),
        bb_status_negations(), bb_status_hopes(), bb_status_fillers()));

create or replace macro bb_status_known_prefixes() as
    list_distinct(list_transform(list_filter(bb_status_rules(), lambda r: r.phrase like '%*'),
                                 lambda r: string_split(rtrim(r.phrase, '*'), ' ')[-1]));

-- Does padded ('_' + folded text + '_') name the rule's phrase (its needle)? At the phrase's first
-- occurrence, before holds the words before it ('' first); a phrase counts when
--   (unmarked) no negation is among the last three of them ('No interview', 'Rejected (no
--            interview)', 'Never got an interview') and the last that is not a filler is no hope
--            ('Waiting for offer');
--   (!)      a negation is among them ("Didn't get the offer");
--   (~)      always; (=) when it is the whole text.
-- and, when the rule is pending_if_yet, 'yet' is not among the two words after it: 'No offer yet'.
-- words: the negations, hopes and fillers, bound once per text (see above).
create or replace macro bb_status_found(padded, rule, words) as
    case
        when not contains(padded, rule.needle) then false  -- (a case, not an and: the rest only runs on a hit)
        when rule.mark = '=' then padded = rule.needle
        when rule.mark = '~' then true
        else list_transform([string_split(substr(padded, 1, strpos(padded, rule.needle) - 1), '_')], lambda before:
            (rule.mark = '!') = list_has_any(before[-3:], words.negations)
            and case
                when rule.mark = '!' then true
                else not coalesce(
                    list_contains(words.hopes,
                                  list_filter(before[-4:],
                                              lambda w: w <> '' and not list_contains(words.fillers, w))[-1]),
                    false)
            end
            and case
                when rule.pending_if_yet
                    then not list_contains(
                        -- the words after the needle; a prefix needle leaves the end of its word first
                        string_split(substr(padded, strpos(padded, rule.needle) + length(rule.needle)), '_')[
                            case when rule.needle[-1] = '_' then 1 else 2 end
                            : case when rule.needle[-1] = '_' then 2 else 3 end],
                        'yet')
                else true
            end)[1]
    end;

-- The most advanced stage below rank named in padded ('_' + folded text + '_'), or null.
-- stages: the compiled rules of the stages (rank 1 to 5), most advanced first.
create or replace macro bb_status_via(padded, rank, stages, words) as
    list_filter(list_filter(stages, lambda r: contains(padded, r.needle)),
                lambda r: r.rank < rank and bb_status_found(padded, r, words))[1].status;

-- {status, via} by the first rule (of compiled rules) found in the folded text; null if none is
-- (and status null for a rule that stops the search). via: the rule's own, else a stage named in
-- the rest of the text: the matched phrase replaced by three words that are neither negations nor
-- fillers ('|'), so a negation or a hope before it does not reach past it ('No offer after final
-- round' -> rejected via interview; "Didn't pass the OA" -> rejected via assessment). A prefix
-- phrase leaves the end of its word, 'ed' or 'ion', which no rule matches.
-- [1:1] keeps the first matching rule as a list of at most one, so it can be named `rule`.
create or replace macro bb_status_match(text, rules) as
    list_transform([{'padded': '_' || text || '_',
                     'rules': rules,
                     'stages': list_filter(rules, lambda r: r.rank between 1 and 5),
                     'words': {'negations': bb_status_negations(),
                               'hopes': bb_status_hopes(),
                               'fillers': bb_status_fillers()}}], lambda x:
        list_transform(
            list_filter(list_filter(x.rules, lambda r: contains(x.padded, r.needle)),
                        lambda r: bb_status_found(x.padded, r, x.words))[1:1],
            lambda rule: {'status': rule.status,
                          'via': case when rule.status is not null then coalesce(
                              rule.via,
                              bb_status_via(replace(x.padded, rule.needle, '_|_|_|_'),
                                            rule.rank, x.stages, x.words)) end}
        )[1]
    )[1];

-- Emphasis: a letter written three or more times in a row is written once ('reeejected').
-- Doubled letters stay ('offer', 'accepted'). Each character is zipped with the one before, the
-- one before that and the one after; it is dropped when it repeats the one before it and the run
-- is at least three long.
create or replace macro bb_status_squash(text) as
    array_to_string(
        list_transform(
            list_filter(list_zip(string_split(text, ''),
                                 list_concat([''], string_split(text, '')),
                                 list_concat(['', ''], string_split(text, '')),
                                 string_split(text, '')[2:]),
                        -- (list_zip pads the shorter lists with null: past either end)
                        lambda z: z[1] is not null
                                  and not (z[1] = z[2] and (z[1] = z[3] or z[1] = coalesce(z[4], '')))),
            lambda z: z[1]),
        '');

-- How many edits a misspelling of keyword may have: 1 for words of 5 to 7 letters, 2 for 8 or
-- more (the shorter of the two words counts), none for shorter words.
create or replace macro bb_status_typo_allowance(word, keyword) as
    case
        when least(length(word), length(keyword)) >= 8 then 2
        when least(length(word), length(keyword)) >= 5 then 1
        else 0
    end;

-- A misspelt word -> the nearest word of bb_status_typo_words within its allowance, by
-- Damerau-Levenshtein distance (a swap of two letters is one edit); ties go to the earlier word.
-- Words under 5 letters and words the rules know as written (bb_status_known_words) are never
-- corrected: 'selected' is two edits from 'rejected', 'expected' two from 'accepted', but 'Not
-- selected' and 'Expected offer' mean what they say. A word a rule knows by a prefix keeps it: it
-- is only corrected to a word with the same prefix ('accepter' -> 'accepted', so 'Accepter
-- another offer' is read as 'accepted another offer'; 'rescinded' is not 'responded').
-- damerau_levenshtein is slow, so it only runs on words the fast levenshtein (which counts a swap
-- as two edits) puts within twice the allowance.
create or replace macro bb_status_correct_word(word, known, prefixes) as
    case
        when length(word) < 5 then word
        when list_contains(known, word) then word
        else list_transform([list_filter(prefixes, lambda p: starts_with(word, p))], lambda own: coalesce(
            list_sort(list_filter(
                list_transform(
                    list_filter(bb_status_typo_words(),
                                lambda k: levenshtein(word, k) <= 2 * bb_status_typo_allowance(word, k)
                                          and (len(own) = 0
                                               or len(list_filter(own, lambda p: starts_with(k, p))) > 0)),
                    lambda k, i: {'distance': damerau_levenshtein(word, k), 'order': i, 'word': k}),
                lambda c: c.distance <= bb_status_typo_allowance(word, c.word)
            ))[1].word,
            word))[1]
    end;

-- the folded text with emphasis squashed and every word corrected
create or replace macro bb_status_corrected(text) as
    list_transform([{'words': string_split(bb_status_squash(text), '_'),
                     'known': bb_status_known_words(),
                     'prefixes': bb_status_known_prefixes()}],
                   lambda x: array_to_string(
                       list_transform(x.words, lambda w: bb_status_correct_word(w, x.known, x.prefixes)), '_')
    )[1];

-- Classify a folded, non-blank text. A correction counts only when it changes the answer:
-- 'rejcted' (no rule matches as written), 'Inter + Rejcted' (interview as written, rejected
-- corrected). Otherwise the answer as written stands, how 'keyword'. A rule that stops the search
-- (status null) leaves the text unclassified unless a correction classifies it ('Declined the
-- intervew').
create or replace macro bb_status_classify_token(text) as
    list_transform([{'text': text, 'corrected': bb_status_corrected(text), 'rules': bb_status_compiled_rules()}],
                   lambda c: list_transform([{
        'text': c.text,
        'keyword': bb_status_match(c.text, c.rules),
        -- (the same text gives the same answer)
        'typo': case when c.corrected <> c.text then bb_status_match(c.corrected, c.rules) end}],
                   lambda m: case
        when list_contains(bb_status_names(), m.text)
            then {'status': m.text, 'via': null, 'how': 'exact'}
        when m.typo.status is not null and m.typo is distinct from m.keyword
            then struct_insert(m.typo, how := 'typo')
        when m.keyword.status is not null
            then struct_insert(m.keyword, how := 'keyword')
        else {'status': null, 'via': null, 'how': null}
    end)[1])[1];

-- The entry point: any cell of a status column -> {status, via, how} (see the top of this file).
create or replace macro bb_classify_status(value) as
    case
        -- nothing written (blank, 'N/A', '-', 'n/a!', or only punctuation and emoji): still pending
        when bb_blank(value) is null or bb_token(value) in ('', 'na', 'n_a', 'null')
            then {'status': 'applied', 'via': null, 'how': 'blank'}
        else bb_status_classify_token(bb_token(value))
    end;
