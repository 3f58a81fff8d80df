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
-- how     'blank' (nothing written: applied), 'exact' (the folded text is a status name, or a
--         status word of another language: bb_status_vocabulary),
--         'keyword' (a rule below matched), 'typo' (a rule matched once misspelt words were
--         corrected), or null when unclassified
--
-- The loader runs this on the distinct values of a column, so it favours clarity over speed.
-- Text is compared as bb_status_fold folds it: lower case, every run of other characters (spaces,
-- punctuation, emoji) one '_'. 'On-site!' is 'on_site', 'Отказ!' is 'отказ' (letters of every
-- script are kept).

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
    {'phrase': 'draft',               'status': 'saved',           'via': null},
    -- Notion's job-tracker status before anything was sent (its Date Applied is blank)
    {'phrase': 'not started',         'status': 'saved',           'via': null}
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

-- Unicode: a text with any character beyond ASCII is folded with every script in mind (an ASCII text
-- is folded by bb_token, as it always was): NFKC for the forms that matter in a status cell (the
-- full-width Latin letters and digits and the ideographic space of CJK input, half-width katakana),
-- then NFC, lower case and case folding ('ß' is 'ss', a final 'ς' is 'σ', a Turkish dotless 'ı' is
-- 'i'), then every run of characters that are no letter, mark or digit of any script one '_'.
-- 'Отказ!' is 'отказ', '１次面接' is '1次面接', 'ghosted 👻' is 'ghosted'; only symbols or emoji
-- ('👻', '❓') fold to '' and are unknown, not blank.
create or replace macro bb_status_fold(value) as
    case
        when strlen(value) = length(value) then bb_token(value)
        else trim(regexp_replace(
            replace(replace(replace(
                lower(nfc_normalize(translate(value,
                    '　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ',
                    ' !"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゙゚'))),
                'ß', 'ss'), 'ς', 'σ'), 'ı', 'i'),
            '[^\p{L}\p{M}\p{N}]+', '_', 'g'), '_')
    end;

-- What a --status-map text is matched by: its folded text, or, when that is '' (symbols or emoji
-- only), the text itself, trimmed. A map matches its own text only: '一面=interview' is not '已投递',
-- and '👻=ghosted' is not '❓'.
create or replace macro bb_status_key(value) as
    case when bb_status_fold(value) = '' then nfc_normalize(trim(value)) else bb_status_fold(value) end;

-- The folded text as the vocabulary below is written: in Latin script accents do not matter
-- ('Refusée', 'refusee'); other scripts keep their marks (Hindi vowel signs, Japanese dakuten).
create or replace macro bb_status_vocabulary_key(folded) as
    case when regexp_full_match(folded, '[\p{Latin}\p{M}\p{N}_]*') then strip_accents(folded) else folded end;

-- Status words in the languages job logs are most often kept in besides English: Spanish,
-- Portuguese, French, German, Italian, Dutch, Polish, Russian, Ukrainian, Turkish, Chinese,
-- Japanese, Korean, Hindi. A whole status text (folded, keyed as above) found here is that status;
-- a referral ('Referido', '内推') is an application with no outcome yet (applied). Nothing is
-- matched by part or by likeness: a text that is not here, nor read by the English rules, is
-- unknown, its rows rejected and listed. (tests/test_statuses_unicode.py checks every entry is
-- written as it is keyed and that no entry contradicts the English rules.)
create or replace macro bb_status_vocabulary() as [
    -- es
    {'text': 'aplicado', 'status': 'applied'},
    {'text': 'aplicada', 'status': 'applied'},
    {'text': 'postulado', 'status': 'applied'},
    {'text': 'postulada', 'status': 'applied'},
    {'text': 'enviado', 'status': 'applied'},
    {'text': 'enviada', 'status': 'applied'},
    {'text': 'solicitud_enviada', 'status': 'applied'},
    {'text': 'candidatura_enviada', 'status': 'applied'},
    {'text': 'cv_enviado', 'status': 'applied'},
    {'text': 'inscrito', 'status': 'applied'},
    {'text': 'inscrita', 'status': 'applied'},
    {'text': 'sin_respuesta', 'status': 'ghosted'},
    {'text': 'rechazado', 'status': 'rejected'},
    {'text': 'rechazada', 'status': 'rejected'},
    {'text': 'rechazo', 'status': 'rejected'},
    {'text': 'descartado', 'status': 'rejected'},
    {'text': 'descartada', 'status': 'rejected'},
    {'text': 'no_seleccionado', 'status': 'rejected'},
    {'text': 'no_seleccionada', 'status': 'rejected'},
    {'text': 'preseleccion', 'status': 'screen'},
    {'text': 'llamada', 'status': 'screen'},
    {'text': 'llamada_rrhh', 'status': 'screen'},
    {'text': 'llamada_de_rrhh', 'status': 'screen'},
    {'text': 'llamada_con_rrhh', 'status': 'screen'},
    {'text': 'entrevista', 'status': 'interview'},
    {'text': 'entrevistado', 'status': 'interview'},
    {'text': 'entrevistada', 'status': 'interview'},
    {'text': 'entrevista_tecnica', 'status': 'interview'},
    {'text': 'entrevista_final', 'status': 'interview'},
    {'text': 'entrevista_telefonica', 'status': 'interview'},
    {'text': 'prueba', 'status': 'assessment'},
    {'text': 'prueba_tecnica', 'status': 'assessment'},
    {'text': 'examen', 'status': 'assessment'},
    {'text': 'evaluacion', 'status': 'assessment'},
    {'text': 'oferta', 'status': 'offer'},
    {'text': 'oferta_recibida', 'status': 'offer'},
    {'text': 'aceptado', 'status': 'accepted'},
    {'text': 'aceptada', 'status': 'accepted'},
    {'text': 'oferta_aceptada', 'status': 'accepted'},
    {'text': 'contratado', 'status': 'accepted'},
    {'text': 'contratada', 'status': 'accepted'},
    {'text': 'retirado', 'status': 'withdrawn'},
    {'text': 'retirada', 'status': 'withdrawn'},
    {'text': 'me_retire', 'status': 'withdrawn'},
    {'text': 'candidatura_retirada', 'status': 'withdrawn'},
    {'text': 'cerrado', 'status': 'position_closed'},
    {'text': 'cerrada', 'status': 'position_closed'},
    {'text': 'vacante_cerrada', 'status': 'position_closed'},
    {'text': 'puesto_cerrado', 'status': 'position_closed'},
    {'text': 'referido', 'status': 'applied'},
    {'text': 'referida', 'status': 'applied'},
    {'text': 'recomendado', 'status': 'applied'},
    {'text': 'recomendada', 'status': 'applied'},
    -- pt
    {'text': 'candidatado', 'status': 'applied'},
    {'text': 'candidatada', 'status': 'applied'},
    {'text': 'candidatura_enviada', 'status': 'applied'},
    {'text': 'inscrita', 'status': 'applied'},
    {'text': 'sem_resposta', 'status': 'ghosted'},
    {'text': 'rejeitado', 'status': 'rejected'},
    {'text': 'rejeitada', 'status': 'rejected'},
    {'text': 'reprovado', 'status': 'rejected'},
    {'text': 'reprovada', 'status': 'rejected'},
    {'text': 'recusado', 'status': 'rejected'},
    {'text': 'recusada', 'status': 'rejected'},
    {'text': 'nao_selecionado', 'status': 'rejected'},
    {'text': 'nao_selecionada', 'status': 'rejected'},
    {'text': 'triagem', 'status': 'screen'},
    {'text': 'contato_do_rh', 'status': 'screen'},
    {'text': 'entrevista_tecnica', 'status': 'interview'},
    {'text': 'teste', 'status': 'assessment'},
    {'text': 'teste_tecnico', 'status': 'assessment'},
    {'text': 'avaliacao', 'status': 'assessment'},
    {'text': 'desafio', 'status': 'assessment'},
    {'text': 'proposta', 'status': 'offer'},
    {'text': 'proposta_recebida', 'status': 'offer'},
    {'text': 'aceito', 'status': 'accepted'},
    {'text': 'aceita', 'status': 'accepted'},
    {'text': 'proposta_aceita', 'status': 'accepted'},
    {'text': 'desisti', 'status': 'withdrawn'},
    {'text': 'desistencia', 'status': 'withdrawn'},
    {'text': 'vaga_encerrada', 'status': 'position_closed'},
    {'text': 'vaga_fechada', 'status': 'position_closed'},
    {'text': 'encerrado', 'status': 'position_closed'},
    {'text': 'encerrada', 'status': 'position_closed'},
    {'text': 'fechado', 'status': 'position_closed'},
    {'text': 'fechada', 'status': 'position_closed'},
    {'text': 'indicado', 'status': 'applied'},
    {'text': 'indicada', 'status': 'applied'},
    {'text': 'indicacao', 'status': 'applied'},
    -- fr
    {'text': 'postule', 'status': 'applied'},
    {'text': 'postulee', 'status': 'applied'},
    {'text': 'candidature_envoyee', 'status': 'applied'},
    {'text': 'envoye', 'status': 'applied'},
    {'text': 'envoyee', 'status': 'applied'},
    {'text': 'pas_de_reponse', 'status': 'ghosted'},
    {'text': 'sans_reponse', 'status': 'ghosted'},
    {'text': 'aucune_reponse', 'status': 'ghosted'},
    {'text': 'refuse', 'status': 'rejected'},
    {'text': 'refusee', 'status': 'rejected'},
    {'text': 'refus', 'status': 'rejected'},
    {'text': 'rejete', 'status': 'rejected'},
    {'text': 'rejetee', 'status': 'rejected'},
    {'text': 'candidature_refusee', 'status': 'rejected'},
    {'text': 'non_retenu', 'status': 'rejected'},
    {'text': 'non_retenue', 'status': 'rejected'},
    {'text': 'preselection', 'status': 'screen'},
    {'text': 'appel_rh', 'status': 'screen'},
    {'text': 'appel_telephonique', 'status': 'screen'},
    {'text': 'entretien', 'status': 'interview'},
    {'text': 'entretien_technique', 'status': 'interview'},
    {'text': 'entretien_telephonique', 'status': 'interview'},
    {'text': 'test_technique', 'status': 'assessment'},
    {'text': 'exercice', 'status': 'assessment'},
    {'text': 'offre', 'status': 'offer'},
    {'text': 'offre_recue', 'status': 'offer'},
    {'text': 'accepte', 'status': 'accepted'},
    {'text': 'acceptee', 'status': 'accepted'},
    {'text': 'offre_acceptee', 'status': 'accepted'},
    {'text': 'embauche', 'status': 'accepted'},
    {'text': 'embauchee', 'status': 'accepted'},
    {'text': 'retire', 'status': 'withdrawn'},
    {'text': 'retiree', 'status': 'withdrawn'},
    {'text': 'desiste', 'status': 'withdrawn'},
    {'text': 'candidature_retiree', 'status': 'withdrawn'},
    {'text': 'cloture', 'status': 'position_closed'},
    {'text': 'cloturee', 'status': 'position_closed'},
    {'text': 'ferme', 'status': 'position_closed'},
    {'text': 'fermee', 'status': 'position_closed'},
    {'text': 'poste_ferme', 'status': 'position_closed'},
    {'text': 'annonce_expiree', 'status': 'position_closed'},
    {'text': 'recommande', 'status': 'applied'},
    {'text': 'recommandee', 'status': 'applied'},
    {'text': 'cooptation', 'status': 'applied'},
    -- de
    {'text': 'beworben', 'status': 'applied'},
    {'text': 'bewerbung_gesendet', 'status': 'applied'},
    {'text': 'bewerbung_verschickt', 'status': 'applied'},
    {'text': 'abgeschickt', 'status': 'applied'},
    {'text': 'keine_antwort', 'status': 'ghosted'},
    {'text': 'keine_ruckmeldung', 'status': 'ghosted'},
    {'text': 'keine_rueckmeldung', 'status': 'ghosted'},
    {'text': 'abgelehnt', 'status': 'rejected'},
    {'text': 'absage', 'status': 'rejected'},
    {'text': 'erstgesprach', 'status': 'screen'},
    {'text': 'erstgespraech', 'status': 'screen'},
    {'text': 'telefonat', 'status': 'screen'},
    {'text': 'vorauswahl', 'status': 'screen'},
    {'text': 'vorstellungsgesprach', 'status': 'interview'},
    {'text': 'vorstellungsgespraech', 'status': 'interview'},
    {'text': 'bewerbungsgesprach', 'status': 'interview'},
    {'text': 'bewerbungsgespraech', 'status': 'interview'},
    {'text': 'einstellungstest', 'status': 'assessment'},
    {'text': 'probeaufgabe', 'status': 'assessment'},
    {'text': 'angebot', 'status': 'offer'},
    {'text': 'jobangebot', 'status': 'offer'},
    {'text': 'zusage', 'status': 'offer'},
    {'text': 'angenommen', 'status': 'accepted'},
    {'text': 'angebot_angenommen', 'status': 'accepted'},
    {'text': 'zuruckgezogen', 'status': 'withdrawn'},
    {'text': 'zurueckgezogen', 'status': 'withdrawn'},
    {'text': 'geschlossen', 'status': 'position_closed'},
    {'text': 'stelle_geschlossen', 'status': 'position_closed'},
    {'text': 'empfehlung', 'status': 'applied'},
    {'text': 'empfohlen', 'status': 'applied'},
    -- it
    {'text': 'candidato', 'status': 'applied'},
    {'text': 'candidata', 'status': 'applied'},
    {'text': 'candidatura_inviata', 'status': 'applied'},
    {'text': 'inviato', 'status': 'applied'},
    {'text': 'inviata', 'status': 'applied'},
    {'text': 'nessuna_risposta', 'status': 'ghosted'},
    {'text': 'rifiutato', 'status': 'rejected'},
    {'text': 'rifiutata', 'status': 'rejected'},
    {'text': 'scartato', 'status': 'rejected'},
    {'text': 'scartata', 'status': 'rejected'},
    {'text': 'non_selezionato', 'status': 'rejected'},
    {'text': 'non_selezionata', 'status': 'rejected'},
    {'text': 'telefonata', 'status': 'screen'},
    {'text': 'chiamata', 'status': 'screen'},
    {'text': 'colloquio', 'status': 'interview'},
    {'text': 'colloquio_tecnico', 'status': 'interview'},
    {'text': 'intervista', 'status': 'interview'},
    {'text': 'prova', 'status': 'assessment'},
    {'text': 'prova_tecnica', 'status': 'assessment'},
    {'text': 'offerta', 'status': 'offer'},
    {'text': 'offerta_ricevuta', 'status': 'offer'},
    {'text': 'accettato', 'status': 'accepted'},
    {'text': 'accettata', 'status': 'accepted'},
    {'text': 'assunto', 'status': 'accepted'},
    {'text': 'assunta', 'status': 'accepted'},
    {'text': 'offerta_accettata', 'status': 'accepted'},
    {'text': 'ritirato', 'status': 'withdrawn'},
    {'text': 'ritirata', 'status': 'withdrawn'},
    {'text': 'chiuso', 'status': 'position_closed'},
    {'text': 'chiusa', 'status': 'position_closed'},
    {'text': 'posizione_chiusa', 'status': 'position_closed'},
    {'text': 'segnalato', 'status': 'applied'},
    {'text': 'segnalata', 'status': 'applied'},
    {'text': 'segnalazione', 'status': 'applied'},
    -- nl
    {'text': 'gesolliciteerd', 'status': 'applied'},
    {'text': 'sollicitatie_verstuurd', 'status': 'applied'},
    {'text': 'verstuurd', 'status': 'applied'},
    {'text': 'geen_reactie', 'status': 'ghosted'},
    {'text': 'geen_antwoord', 'status': 'ghosted'},
    {'text': 'afgewezen', 'status': 'rejected'},
    {'text': 'afwijzing', 'status': 'rejected'},
    {'text': 'telefonische_screening', 'status': 'screen'},
    {'text': 'kennismakingsgesprek', 'status': 'screen'},
    {'text': 'sollicitatiegesprek', 'status': 'interview'},
    {'text': 'gesprek', 'status': 'interview'},
    {'text': 'opdracht', 'status': 'assessment'},
    {'text': 'aanbod', 'status': 'offer'},
    {'text': 'aanbieding', 'status': 'offer'},
    {'text': 'aangenomen', 'status': 'accepted'},
    {'text': 'geaccepteerd', 'status': 'accepted'},
    {'text': 'teruggetrokken', 'status': 'withdrawn'},
    {'text': 'gesloten', 'status': 'position_closed'},
    {'text': 'vacature_gesloten', 'status': 'position_closed'},
    {'text': 'doorverwezen', 'status': 'applied'},
    -- pl
    {'text': 'aplikowano', 'status': 'applied'},
    {'text': 'wysłano', 'status': 'applied'},
    {'text': 'aplikacja_wysłana', 'status': 'applied'},
    {'text': 'brak_odpowiedzi', 'status': 'ghosted'},
    {'text': 'odrzucono', 'status': 'rejected'},
    {'text': 'odrzucona', 'status': 'rejected'},
    {'text': 'odrzucony', 'status': 'rejected'},
    {'text': 'odmowa', 'status': 'rejected'},
    {'text': 'rozmowa_wstepna', 'status': 'screen'},
    {'text': 'rozmowa_telefoniczna', 'status': 'screen'},
    {'text': 'rozmowa', 'status': 'interview'},
    {'text': 'rozmowa_kwalifikacyjna', 'status': 'interview'},
    {'text': 'zadanie', 'status': 'assessment'},
    {'text': 'zadanie_rekrutacyjne', 'status': 'assessment'},
    {'text': 'oferta_pracy', 'status': 'offer'},
    {'text': 'zaakceptowano', 'status': 'accepted'},
    {'text': 'przyjeto', 'status': 'accepted'},
    {'text': 'wycofano', 'status': 'withdrawn'},
    {'text': 'wycofana', 'status': 'withdrawn'},
    {'text': 'zamknieta', 'status': 'position_closed'},
    {'text': 'rekrutacja_zamknieta', 'status': 'position_closed'},
    {'text': 'polecenie', 'status': 'applied'},
    -- ru
    {'text': 'откликнулся', 'status': 'applied'},
    {'text': 'откликнулась', 'status': 'applied'},
    {'text': 'отклик', 'status': 'applied'},
    {'text': 'подано', 'status': 'applied'},
    {'text': 'отправлено', 'status': 'applied'},
    {'text': 'резюме_отправлено', 'status': 'applied'},
    {'text': 'нет_ответа', 'status': 'ghosted'},
    {'text': 'без_ответа', 'status': 'ghosted'},
    {'text': 'отказ', 'status': 'rejected'},
    {'text': 'отклонено', 'status': 'rejected'},
    {'text': 'отказали', 'status': 'rejected'},
    {'text': 'скрининг', 'status': 'screen'},
    {'text': 'звонок', 'status': 'screen'},
    {'text': 'собеседование', 'status': 'interview'},
    {'text': 'интервью', 'status': 'interview'},
    {'text': 'тестовое', 'status': 'assessment'},
    {'text': 'тестовое_задание', 'status': 'assessment'},
    {'text': 'тест', 'status': 'assessment'},
    {'text': 'оффер', 'status': 'offer'},
    {'text': 'предложение', 'status': 'offer'},
    {'text': 'принято', 'status': 'accepted'},
    {'text': 'оффер_принят', 'status': 'accepted'},
    {'text': 'отозвал', 'status': 'withdrawn'},
    {'text': 'отозвала', 'status': 'withdrawn'},
    {'text': 'закрыта', 'status': 'position_closed'},
    {'text': 'вакансия_закрыта', 'status': 'position_closed'},
    {'text': 'рекомендация', 'status': 'applied'},
    {'text': 'реферал', 'status': 'applied'},
    -- uk
    {'text': 'відгукнувся', 'status': 'applied'},
    {'text': 'відгукнулася', 'status': 'applied'},
    {'text': 'надіслано', 'status': 'applied'},
    {'text': 'немає_відповіді', 'status': 'ghosted'},
    {'text': 'без_відповіді', 'status': 'ghosted'},
    {'text': 'відмова', 'status': 'rejected'},
    {'text': 'відхилено', 'status': 'rejected'},
    {'text': 'скринінг', 'status': 'screen'},
    {'text': 'дзвінок', 'status': 'screen'},
    {'text': 'співбесіда', 'status': 'interview'},
    {'text': 'інтерв_ю', 'status': 'interview'},
    {'text': 'тестове_завдання', 'status': 'assessment'},
    {'text': 'офер', 'status': 'offer'},
    {'text': 'пропозиція', 'status': 'offer'},
    {'text': 'прийнято', 'status': 'accepted'},
    {'text': 'відкликано', 'status': 'withdrawn'},
    {'text': 'закрито', 'status': 'position_closed'},
    {'text': 'вакансію_закрито', 'status': 'position_closed'},
    {'text': 'рекомендація', 'status': 'applied'},
    -- tr
    {'text': 'basvuruldu', 'status': 'applied'},
    {'text': 'basvuru_yapildi', 'status': 'applied'},
    {'text': 'basvurdum', 'status': 'applied'},
    {'text': 'basvuru', 'status': 'applied'},
    {'text': 'yanit_yok', 'status': 'ghosted'},
    {'text': 'cevap_yok', 'status': 'ghosted'},
    {'text': 'donus_yok', 'status': 'ghosted'},
    {'text': 'reddedildi', 'status': 'rejected'},
    {'text': 'red', 'status': 'rejected'},
    {'text': 'olumsuz', 'status': 'rejected'},
    {'text': 'on_gorusme', 'status': 'screen'},
    {'text': 'telefon_gorusmesi', 'status': 'screen'},
    {'text': 'mulakat', 'status': 'interview'},
    {'text': 'gorusme', 'status': 'interview'},
    {'text': 'degerlendirme', 'status': 'assessment'},
    {'text': 'teklif', 'status': 'offer'},
    {'text': 'is_teklifi', 'status': 'offer'},
    {'text': 'kabul', 'status': 'accepted'},
    {'text': 'kabul_edildi', 'status': 'accepted'},
    {'text': 'teklif_kabul', 'status': 'accepted'},
    {'text': 'geri_cekildi', 'status': 'withdrawn'},
    {'text': 'kapandi', 'status': 'position_closed'},
    {'text': 'ilan_kapandi', 'status': 'position_closed'},
    {'text': 'referans', 'status': 'applied'},
    -- zh
    {'text': '已投递', 'status': 'applied'},
    {'text': '已申请', 'status': 'applied'},
    {'text': '投递', 'status': 'applied'},
    {'text': '申请', 'status': 'applied'},
    {'text': '已投', 'status': 'applied'},
    {'text': '网申', 'status': 'applied'},
    {'text': '已投遞', 'status': 'applied'},
    {'text': '无回复', 'status': 'ghosted'},
    {'text': '未回复', 'status': 'ghosted'},
    {'text': '没回复', 'status': 'ghosted'},
    {'text': '無回覆', 'status': 'ghosted'},
    {'text': '拒绝', 'status': 'rejected'},
    {'text': '被拒', 'status': 'rejected'},
    {'text': '已拒绝', 'status': 'rejected'},
    {'text': '挂了', 'status': 'rejected'},
    {'text': '不合适', 'status': 'rejected'},
    {'text': '拒信', 'status': 'rejected'},
    {'text': '拒絕', 'status': 'rejected'},
    {'text': '电话沟通', 'status': 'screen'},
    {'text': '初筛', 'status': 'screen'},
    {'text': 'hr面', 'status': 'screen'},
    {'text': 'hr_面', 'status': 'screen'},
    {'text': '面试', 'status': 'interview'},
    {'text': '一面', 'status': 'interview'},
    {'text': '二面', 'status': 'interview'},
    {'text': '三面', 'status': 'interview'},
    {'text': '终面', 'status': 'interview'},
    {'text': '技术面', 'status': 'interview'},
    {'text': '面試', 'status': 'interview'},
    {'text': '笔试', 'status': 'assessment'},
    {'text': '测评', 'status': 'assessment'},
    {'text': '筆試', 'status': 'assessment'},
    {'text': '录用', 'status': 'offer'},
    {'text': '录取', 'status': 'offer'},
    {'text': '收到offer', 'status': 'offer'},
    {'text': '錄取', 'status': 'offer'},
    {'text': '已接受', 'status': 'accepted'},
    {'text': '入职', 'status': 'accepted'},
    {'text': '撤回', 'status': 'withdrawn'},
    {'text': '放弃', 'status': 'withdrawn'},
    {'text': '职位关闭', 'status': 'position_closed'},
    {'text': '已关闭', 'status': 'position_closed'},
    {'text': '内推', 'status': 'applied'},
    {'text': '推荐', 'status': 'applied'},
    -- ja
    {'text': '応募', 'status': 'applied'},
    {'text': '応募済み', 'status': 'applied'},
    {'text': '応募済', 'status': 'applied'},
    {'text': 'エントリー', 'status': 'applied'},
    {'text': '書類提出', 'status': 'applied'},
    {'text': '返事なし', 'status': 'ghosted'},
    {'text': '連絡なし', 'status': 'ghosted'},
    {'text': '音沙汰なし', 'status': 'ghosted'},
    {'text': '不採用', 'status': 'rejected'},
    {'text': 'お祈り', 'status': 'rejected'},
    {'text': '落選', 'status': 'rejected'},
    {'text': 'カジュアル面談', 'status': 'screen'},
    {'text': '電話面談', 'status': 'screen'},
    {'text': '面談', 'status': 'screen'},
    {'text': '面接', 'status': 'interview'},
    {'text': '一次面接', 'status': 'interview'},
    {'text': '二次面接', 'status': 'interview'},
    {'text': '最終面接', 'status': 'interview'}, {'text': 'インタビュー', 'status': 'interview'},
    {'text': '適性検査', 'status': 'assessment'},
    {'text': 'webテスト', 'status': 'assessment'},
    {'text': '筆記試験', 'status': 'assessment'},
    {'text': '課題', 'status': 'assessment'},
    {'text': '内定', 'status': 'offer'},
    {'text': 'オファー', 'status': 'offer'},
    {'text': '内定承諾', 'status': 'accepted'},
    {'text': '承諾', 'status': 'accepted'},
    {'text': '入社', 'status': 'accepted'},
    {'text': '辞退', 'status': 'withdrawn'},
    {'text': '募集終了', 'status': 'position_closed'},
    {'text': 'リファラル', 'status': 'applied'},
    {'text': '紹介', 'status': 'applied'},
    -- ko
    {'text': '지원', 'status': 'applied'},
    {'text': '지원함', 'status': 'applied'},
    {'text': '지원완료', 'status': 'applied'},
    {'text': '지원_완료', 'status': 'applied'},
    {'text': '무응답', 'status': 'ghosted'},
    {'text': '연락없음', 'status': 'ghosted'},
    {'text': '연락_없음', 'status': 'ghosted'},
    {'text': '불합격', 'status': 'rejected'},
    {'text': '탈락', 'status': 'rejected'},
    {'text': '거절', 'status': 'rejected'},
    {'text': '전화_인터뷰', 'status': 'screen'},
    {'text': '폰스크린', 'status': 'screen'},
    {'text': '면접', 'status': 'interview'},
    {'text': '인터뷰', 'status': 'interview'},
    {'text': '1차면접', 'status': 'interview'},
    {'text': '1차_면접', 'status': 'interview'},
    {'text': '최종면접', 'status': 'interview'},
    {'text': '코딩테스트', 'status': 'assessment'},
    {'text': '과제', 'status': 'assessment'},
    {'text': '인적성', 'status': 'assessment'},
    {'text': '오퍼', 'status': 'offer'},
    {'text': '최종합격', 'status': 'offer'},
    {'text': '수락', 'status': 'accepted'},
    {'text': '입사', 'status': 'accepted'},
    {'text': '지원취소', 'status': 'withdrawn'},
    {'text': '철회', 'status': 'withdrawn'},
    {'text': '마감', 'status': 'position_closed'},
    {'text': '채용마감', 'status': 'position_closed'},
    {'text': '추천', 'status': 'applied'},
    -- hi
    {'text': 'आवेदन', 'status': 'applied'},
    {'text': 'आवेदन_किया', 'status': 'applied'},
    {'text': 'आवेदन_भेजा', 'status': 'applied'},
    {'text': 'कोई_जवाब_नहीं', 'status': 'ghosted'},
    {'text': 'जवाब_नहीं', 'status': 'ghosted'},
    {'text': 'अस्वीकृत', 'status': 'rejected'},
    {'text': 'रिजेक्ट', 'status': 'rejected'},
    {'text': 'खारिज', 'status': 'rejected'},
    {'text': 'स्क्रीनिंग', 'status': 'screen'},
    {'text': 'फोन_कॉल', 'status': 'screen'},
    {'text': 'साक्षात्कार', 'status': 'interview'},
    {'text': 'इंटरव्यू', 'status': 'interview'},
    {'text': 'परीक्षा', 'status': 'assessment'},
    {'text': 'टेस्ट', 'status': 'assessment'},
    {'text': 'असेसमेंट', 'status': 'assessment'},
    {'text': 'ऑफर', 'status': 'offer'},
    {'text': 'प्रस्ताव', 'status': 'offer'},
    {'text': 'ऑफर_स्वीकार', 'status': 'accepted'},
    {'text': 'वापस_लिया', 'status': 'withdrawn'},
    {'text': 'बंद', 'status': 'position_closed'},
    {'text': 'रेफरल', 'status': 'applied'}
];

-- The stages a status text not understood most likely means, closest first (at most two), for
-- the hint; [] when nothing is close: a status name or vocabulary word that is a whole word of
-- the text (for Chinese, Japanese and Korean, which do not separate words, a part of it), or one
-- edit from the whole text (two for 8 letters or more).
create or replace macro bb_status_suggest(value) as
    list_transform([bb_status_vocabulary_key(bb_status_fold(value))], lambda k:
        list_distinct(list_transform(list_sort(list_transform(list_filter(
            list_concat(bb_status_vocabulary(), list_transform(bb_status_names(), lambda n: {'text': n, 'status': n})),
            lambda e: k <> '' and (
                contains('_' || k || '_', '_' || e.text || '_')
                or (regexp_matches(e.text, '[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]') and contains(k, e.text))
                or (length(e.text) >= 5
                    and damerau_levenshtein(k, e.text) <= case when length(e.text) >= 8 then 2 else 1 end))),
            lambda e: {'longest': -length(e.text), 'status': e.status})), lambda e: e.status))[1:2])[1];

-- The reason a row with such a status is rejected: what --status-map says, proposing the closest
-- stages (or none: STAGE), and the two other ways out, saved and ignore.
create or replace macro bb_status_hint(value) as
    list_transform([bb_status_suggest(value)], lambda s:
        'status not understood; tell bounceback what it means: --status-map "' || trim(value) || '='
        || coalesce(s[1], 'STAGE') || '"'
        || case when len(s) > 0 then ' (closest: ' || array_to_string(s, ', ') || '; or another stage: '
                else ' (STAGE: ' end
        || 'applied, response, screen, assessment, interview, offer, accepted, declined, rejected,'
        || ' withdrawn, position_closed, ghosted), --status-map "' || trim(value) || '=saved" for a job'
        || ' you only saved, or'
        || ' --map "<status column>=ignore" not to read the status column')[1];

-- The entry point: any cell of a status column -> {status, via, how} (see the top of this file).
create or replace macro bb_classify_status(value) as
    list_transform([{'value': value, 'folded': bb_status_fold(value)}], lambda v: case
        -- nothing written (blank, 'N/A', '-', 'n/a!', '—', '- 🙂': punctuation of any script, with or
        -- without emoji, or white space only): still pending
        when bb_blank(v.value) is null or v.folded in ('na', 'n_a', 'null')
             or (v.folded = '' and (strlen(v.value) = length(v.value)
                                    or regexp_full_match(v.value, '[\s\p{Z}\p{C}]*')
                                    or regexp_matches(v.value, '[\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E]')))
            then {'status': 'applied', 'via': null, 'how': 'blank'}
        -- only symbols or emoji ('👻', '❓', '✓'): written, but no status word: unknown
        when v.folded = ''
            then {'status': null, 'via': null, 'how': null}
        when list_contains(bb_status_names(), v.folded)
            then {'status': v.folded, 'via': null, 'how': 'exact'}
        -- a status word of another language (bb_status_vocabulary)
        when list_contains(list_transform(bb_status_vocabulary(), lambda e: e.text), bb_status_vocabulary_key(v.folded))
            then {'status': list_filter(bb_status_vocabulary(), lambda e: e.text = bb_status_vocabulary_key(v.folded))[1].status,
                  'via': null, 'how': 'exact'}
        else bb_status_classify_token(v.folded)
    end)[1];
