-- Free-text statuses: what people type in the status column of their own spreadsheet
-- ('Inter + Rejec', 'ghosted 👻', 'Rejected after onsite', 'rejcted') -> the event vocabulary.
--
--   bb_classify_status(value) -> struct {'status': varchar, 'via': varchar, 'how': varchar}
--
-- status  applied (pending, no outcome stated), response, screen, assessment, interview, offer,
--         accepted, declined, rejected, withdrawn, position_closed, ghosted, or saved (a saved job,
--         not an application); null when the text cannot be classified: an unknown word is
--         reported, never guessed at.
-- via     a funnel stage the text says was reached on the way ('Rejected after phone screen' ->
--         rejected via screen, 'Offer declined' -> declined via offer), else null
-- how     'blank' (nothing written: applied), 'exact' (the folded text is a status name),
--         'keyword' (a rule below matched), 'typo' (a rule matched once misspelt words were
--         corrected), or null when unclassified
--
-- The loader runs this on the distinct values of a column, so it favours clarity over speed.
-- Text is compared as bb_token folds it: lower case, every run of other characters (spaces,
-- punctuation, emoji) one '_'. 'On-site!' is 'on_site'.

-- The keyword rules, in priority order: the first rule whose phrase occurs in the text decides.
-- A phrase is whole words ('no reply' does not match 'no replyto'); a trailing * makes its last
-- word a prefix ('rejec*' matches 'rejec', 'rejected', 'rejection'). via, when set, is stated by
-- the phrase itself; otherwise it is read from the rest of the text (bb_status_via below).
create or replace macro bb_status_rules() as [
    -- 1. Phrases containing a word that a later rule would misread.
    --    A ghost job is a fake posting (closed), not an employer who went quiet (ghosted).
    {'phrase': 'ghost job*',          'status': 'position_closed', 'via': null},
    {'phrase': 'ghostjob*',           'status': 'position_closed', 'via': null},
    {'phrase': 'ghost posting*',      'status': 'position_closed', 'via': null},
    {'phrase': 'ghost listing*',      'status': 'position_closed', 'via': null},
    {'phrase': 'fake job*',           'status': 'position_closed', 'via': null},
    {'phrase': 'fake posting*',       'status': 'position_closed', 'via': null},
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
    {'phrase': 'not selected',        'status': 'rejected',        'via': null},
    {'phrase': 'not moving forward',  'status': 'rejected',        'via': null},
    {'phrase': 'not proceed*',        'status': 'rejected',        'via': null},
    {'phrase': 'not successful',      'status': 'rejected',        'via': null},
    {'phrase': 'no offer',            'status': 'rejected',        'via': null},
    --    the employer declining an application is a rejection; the applicant declining is not
    {'phrase': 'application declined', 'status': 'rejected',       'via': null},
    --    "I rejected the offer" is the applicant declining it
    {'phrase': 'rejected offer',      'status': 'declined',        'via': 'offer'},
    {'phrase': 'rejected the offer',  'status': 'declined',        'via': 'offer'},
    {'phrase': 'offer rejected',      'status': 'declined',        'via': 'offer'},
    {'phrase': 'not interested',      'status': 'withdrawn',       'via': null},
    {'phrase': 'no longer interested', 'status': 'withdrawn',      'via': null},
    {'phrase': 'not applied',         'status': 'saved',           'via': null},
    {'phrase': 'not yet applied',     'status': 'saved',           'via': null},
    {'phrase': 'to apply',            'status': 'saved',           'via': null},

    -- 2. Outcomes. They outrank the stages: 'Inter + Rejec' ended in a rejection.
    {'phrase': 'accept*',             'status': 'accepted',        'via': null},
    {'phrase': 'hired',               'status': 'accepted',        'via': null},
    {'phrase': 'signed',              'status': 'accepted',        'via': null},
    {'phrase': 'declin*',             'status': 'declined',        'via': null},
    {'phrase': 'turned down',         'status': 'declined',        'via': null},
    {'phrase': 'rejec*',              'status': 'rejected',        'via': null},
    {'phrase': 'unsuccessful',        'status': 'rejected',        'via': null},
    {'phrase': 'denied',              'status': 'rejected',        'via': null},
    {'phrase': 'rescind*',            'status': 'rejected',        'via': null},
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
    'applied', 'submitted', 'pending', 'waiting',
    'response', 'responded', 'replied',
    'screen', 'screening', 'assessment', 'challenge',
    'interview', 'interviewing', 'interviewed', 'onsite',
    'offer', 'offered', 'accepted', 'declined',
    'rejected', 'rejection', 'unsuccessful',
    'withdrew', 'withdrawn', 'ghosted',
    'wishlist', 'bookmarked'
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

-- Funnel position of a stage a status can be reached via; outcomes (9) can follow any stage,
-- applied and saved (0) none.
create or replace macro bb_status_rank(status) as
    coalesce(list_position(['response', 'screen', 'assessment', 'interview', 'offer'], status),
             case when status in ('applied', 'saved') then 0 else 9 end);

-- A phrase as it appears in '_' + folded text + '_': its words joined by '_' between '_'s, the
-- closing '_' left off for a prefix ('no respon*' -> '_no_respon', 'no news' -> '_no_news_').
create or replace macro bb_status_needle(phrase) as
    '_' || replace(rtrim(phrase, '*'), ' ', '_') || case when phrase like '%*' then '' else '_' end;

-- the rules with their needle and rank worked out (once: the list is a constant)
create or replace macro bb_status_compiled_rules() as
    list_transform(bb_status_rules(), lambda r: {'needle': bb_status_needle(r.phrase),
                                                 'status': r.status,
                                                 'via': r.via,
                                                 'rank': bb_status_rank(r.status)});

-- Every word of the rules' phrases: the whole words and, without their *, the prefixes.
create or replace macro bb_status_known_words() as
    list_distinct(flatten(list_transform(bb_status_rules(),
                                         lambda r: string_split(replace(rtrim(r.phrase, '*'), ' ', '_'), '_'))));

create or replace macro bb_status_known_prefixes() as
    list_distinct(list_transform(list_filter(bb_status_rules(), lambda r: r.phrase like '%*'),
                                 lambda r: string_split(rtrim(r.phrase, '*'), ' ')[-1]));

-- Is word one the rules already know, as written or by a prefix ('rescinded' by 'rescind*')?
-- The typo correction leaves such words alone: 'rescinded' is two edits from 'responded' and
-- 'selected' two from 'rejected', but 'Offer rescinded' and 'Not selected' mean what they say.
create or replace macro bb_status_is_known(word, known, prefixes) as
    list_contains(known, word) or len(list_filter(prefixes, lambda p: starts_with(word, p))) > 0;

-- Does padded ('_' + folded text + '_') name the phrase (needle), not negated? A phrase right
-- after no, not, never, without or n't ("haven't" folds to 'haven_t') does not count:
-- 'No interview' names no interview, and
-- 'Rejected (no interview)' is not a rejection via interview. The negations that do mean
-- something ('no response', 'not selected') are rules of their own.
create or replace macro bb_status_found(padded, needle) as
    case
        when contains(padded, needle)  -- (a case, not an and: the rest only runs on a hit)
            then not (contains(padded, '_no' || needle) or contains(padded, '_not' || needle)
                      or contains(padded, '_never' || needle) or contains(padded, '_without' || needle)
                      or contains(padded, '_t' || needle))
        else false
    end;

-- The most advanced stage below rank named in padded ('_' + folded text + '_'), or null.
create or replace macro bb_status_via(padded, rank, rules) as
    list_filter(rules, lambda r: r.rank between 1 and rank - 1 and bb_status_found(padded, r.needle))[1].status;

-- {status, via} by the first rule (of compiled rules) found in the folded text; null if none is.
-- via: the rule's own, else a stage named in the rest of the text (the matched phrase replaced by
-- '_'; a prefix phrase leaves the end of its word, 'ed' or 'ion', which no rule matches).
-- [1:1] keeps the first matching rule as a list of at most one, so it can be named `rule`.
create or replace macro bb_status_match(text, rules) as
    list_transform([{'padded': '_' || text || '_', 'rules': rules}], lambda x:
        list_transform(
            list_filter(x.rules, lambda r: bb_status_found(x.padded, r.needle))[1:1],
            lambda rule: {'status': rule.status,
                          'via': coalesce(rule.via,
                                          bb_status_via(replace(x.padded, rule.needle, '_'), rule.rank, x.rules))}
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
-- Known words (bb_status_is_known) and words under 5 letters are never corrected.
-- damerau_levenshtein is slow, so it only runs on words the fast levenshtein (which counts a swap
-- as two edits) puts within twice the allowance.
create or replace macro bb_status_correct_word(word, known, prefixes) as
    case
        when length(word) < 5 then word
        when bb_status_is_known(word, known, prefixes) then word
        else coalesce(
            list_sort(list_filter(
                list_transform(
                    list_filter(bb_status_typo_words(),
                                lambda k: levenshtein(word, k) <= 2 * bb_status_typo_allowance(word, k)),
                    lambda k, i: {'distance': damerau_levenshtein(word, k), 'order': i, 'word': k}),
                lambda c: c.distance <= bb_status_typo_allowance(word, c.word)
            ))[1].word,
            word)
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
-- corrected). Otherwise the answer as written stands, how 'keyword'.
create or replace macro bb_status_classify_token(text) as
    list_transform([{'text': text,
                     'keyword': bb_status_match(text, bb_status_compiled_rules()),
                     'typo': bb_status_match(bb_status_corrected(text), bb_status_compiled_rules())}],
                   lambda m: case
        when list_contains(bb_status_names(), m.text)
            then {'status': m.text, 'via': null, 'how': 'exact'}
        when m.typo is not null and m.typo is distinct from m.keyword
            then struct_insert(m.typo, how := 'typo')
        when m.keyword is not null
            then struct_insert(m.keyword, how := 'keyword')
        else {'status': null, 'via': null, 'how': null}
    end)[1];

-- The entry point: any cell of a status column -> {status, via, how} (see the top of this file).
create or replace macro bb_classify_status(value) as
    case
        -- nothing written (blank, 'N/A', '-', 'n/a!', or only punctuation and emoji): still pending
        when bb_blank(value) is null or bb_token(value) in ('', 'na', 'n_a', 'null')
            then {'status': 'applied', 'via': null, 'how': 'blank'}
        else bb_status_classify_token(bb_token(value))
    end;
