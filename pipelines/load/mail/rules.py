"""The rule tables `classify` reads (issue 19): who sends job-search mail, and how it is worded.

Written from how the systems and people really write, in English, German, French, Spanish and
Japanese. Each phrase rule has a stable id, shown to the person as the reason for a mail's kind;
`classify` decides the order they are tried in (see its docstring). Patterns match the mail's
text folded to lower case with its white space collapsed and typographic quotes made straight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PhraseRule:
    rule: str  # stable id, e.g. "rejection-phrase"
    kind: str
    pattern: re.Pattern[str]


def _any(*phrases: str) -> re.Pattern[str]:
    # not inside a word, around Latin phrases (Japanese has no spaces, so its phrases match anywhere);
    # lookarounds, not \b: "is hiring:" ends in a colon, where \b would want a letter next
    parts = [rf"(?<!\w){p}(?!\w)" if p[:1].isascii() else p for p in phrases]
    return re.compile("|".join(f"(?:{part})" for part in parts))


# Applicant-tracking systems by sending domain (a suffix: "talent.icims.com" is icims).
ATS_DOMAINS: dict[str, str] = {
    "greenhouse.io": "greenhouse", "greenhouse-mail.io": "greenhouse", "lever.co": "lever",
    "hire.lever.co": "lever", "myworkday.com": "workday", "workday.com": "workday", "ashbyhq.com": "ashby",
    "icims.com": "icims", "smartrecruiters.com": "smartrecruiters", "smartrecruiters.email": "smartrecruiters",
    "taleo.net": "taleo", "oracle.com": "taleo", "oraclecloud.com": "taleo", "successfactors.com": "successfactors",
    "successfactors.eu": "successfactors", "sapsf.com": "successfactors", "sapsf.eu": "successfactors",
    "jobvite.com": "jobvite", "workable.com": "workable", "workablemail.com": "workable",
    "bamboohr.com": "bamboohr", "teamtailor.com": "teamtailor", "teamtailor-mail.com": "teamtailor",
    "recruitee.com": "recruitee", "personio.de": "personio", "personio.com": "personio",
    "breezy.hr": "breezy", "jazzhr.com": "jazzhr", "applytojob.com": "jazzhr", "pinpointhq.com": "pinpoint",
}
# Job boards whose mail is about the person's own applications (confirmations, rejections, views).
BOARD_DOMAINS: dict[str, str] = {
    "linkedin.com": "linkedin", "indeed.com": "indeed", "indeedemail.com": "indeed",
    "glassdoor.com": "glassdoor", "ziprecruiter.com": "ziprecruiter", "stepstone.de": "stepstone",
    "xing.com": "xing", "welcometothejungle.com": "wttj", "otta.com": "otta", "wellfound.com": "wellfound",
}
# Coding-test and assessment vendors: whatever they send is a test to take.
ASSESSMENT_DOMAINS: dict[str, str] = {
    "hackerrank.com": "hackerrank", "hackerrankforwork.com": "hackerrank", "codility.com": "codility",
    "codesignal.com": "codesignal", "testgorilla.com": "testgorilla", "coderbyte.com": "coderbyte",
    "hackerearth.com": "hackerearth", "codingame.com": "codingame", "shl.com": "shl", "pymetrics.com": "pymetrics",
    "devskiller.com": "devskiller", "qualified.io": "qualified",
}
# Mailboxes of the boards that only ever send alerts (never about an application).
ALERT_LOCAL_PARTS: tuple[str, ...] = ("jobalerts", "jobalert", "alert", "alerts", "jobs-listings", "jobmail",
                                      "recommendations", "jobrecommendations")
# LinkedIn's InMail relay: a recruiter writing first, not about an application.
OUTREACH_ADDRESSES: tuple[str, ...] = ("inmail-hit-reply@linkedin.com", "hit-reply@linkedin.com")

# Own withdrawal: only read in mail the person sent.
WITHDRAWAL = _any(
    r"withdraw(?:ing)? my (?:application|candidacy)", r"withdraw (?:myself )?from (?:the )?(?:process|consideration)",
    r"remove me from (?:the )?(?:process|consideration)", r"accepted (?:another|a different) (?:offer|position|role)",
    r"no longer (?:interested in|pursuing) (?:the|this) (?:position|role|opportunity)",
    r"meine bewerbung zur(?:ü|u)ck", r"bewerbung zur(?:ü|u)ckziehen", r"retirer ma candidature",
    r"retire ma candidature", r"retirar mi (?:candidatura|solicitud)", r"retiro mi candidatura", "辞退",
)

# Calendar summaries: a first call with a recruiter, else any job conversation.
SCREEN_SUMMARY = _any(r"phone screen(?:ing)?", r"recruiter (?:call|screen|chat)", r"intro(?:ductory)? call",
                      r"screening(?: call)?", r"initial call", r"phone interview", r"telefoninterview",
                      r"entretien t(?:é|e)l(?:é|e)phonique", r"entrevista telef(?:ó|o)nica", "電話面談")
INTERVIEW_SUMMARY = _any(r"interview", r"onsite", r"on-site", r"final round", r"technical round", r"hiring manager",
                         r"vorstellungsgespr(?:ä|a)ch", r"entretien", r"entrevista", "面接", "面談")

# Bulk mail: what a newsletter or a marketing mail carries and a personal or ATS mail does not.
BULK = _any(r"unsubscribe", r"manage (?:your )?(?:email )?preferences", r"view (?:this email )?in (?:your )?browser",
            r"webinar", r"abmelden", r"abbestellen", r"se d(?:é|e)sabonner", r"d(?:é|e)sinscri(?:re|ption)",
            r"darse de baja", r"cancelar (?:la )?suscripci(?:ó|o)n", "配信停止", "配信解除")

# Job-search words: without one, "thank you for applying" is a flat, a loan or a library card.
JOB_CONTEXT = _any(r"position", r"role", r"job", r"career", r"careers", r"recruit\w*", r"talent", r"hiring",
                   r"candidate\w*", r"vacanc\w+", r"opening", r"req(?:uisition)?\s*(?:#|id|r?\d)", r"stelle",
                   r"bewerbung", r"kandidat\w*", r"poste", r"candidat\w*", r"recrutement", r"puesto",
                   r"candidatura", r"vacante", r"empleo", "選考", "採用", "ポジション", "応募", "職種")

# What else a person applies for: a "we will not be moving forward with your request" about one of
# these, with no job word, is a bank's or a landlord's answer.
NOT_JOB_CONTEXT = _any(r"credit(?: card)?", r"loans?", r"mortgages?", r"rental", r"apartments?", r"lease",
                       r"tenan\w+", r"insurance", r"membership", r"library", r"scholarships?", r"admissions?",
                       r"kredit\w*", r"wohnung", r"cr(?:é|e)dit", r"logement", r"pr(?:é|e)stamo", r"alquiler")

# Phrase rules for mail sent TO the person, tried in this order (the first that matches decides).
PHRASES: tuple[PhraseRule, ...] = (
    PhraseRule("application-viewed-phrase", "application_viewed", _any(
        r"viewed your application", r"application (?:was|has been) viewed", r"looked at your application")),
    PhraseRule("job-alert-phrase", "job_alert", _any(
        r"jobs? you may be interested in", r"new jobs? for", r"jobs? (?:that )?match(?:es)? your (?:preferences|search"
        r"|profile)", r"based on your (?:job )?search", r"recommended jobs", r"job recommendations", r"jobs? near you",
        r"top jobs", r"\d+ new jobs", r"\d+ more jobs", r"job alert", r"is hiring:",
        r"(?:are|is) hiring for a role that matches", r"other companies are hiring", r"neue jobs f(?:ü|u)r",
        r"passende jobs", r"offres d'emploi pour", r"nouvelles offres", r"nuevos empleos", r"empleos para ti",
        "新着求人", "おすすめの求人")),
    PhraseRule("outreach-phrase", "recruiter_outreach", _any(
        r"sent you a new message", r"came across your profile", r"(?:profile|background) caught my (?:eye|attention)",
        r"search firm", r"(?:my|our) clients?(?!-)", r"working with an? (?:[\w-]+ ){0,3}client", r"partnering with",
        r"exploratory (?:call|chat|conversation)",
        r"open to new opportunities", r"(?:be )?open to (?:a|an) (?:quick )?(?:chat|conversation)", r"confidential",
        r"headhunt\w*", r"fancy a (?:quick )?(?:call|chat)")),
    PhraseRule("rejection-phrase", "rejected", _any(
        r"not (?:to )?(?:be )?mov(?:e|ing) (?:forward|ahead)", r"(?:won't|will not|wouldn't|are not|aren't) be(?:ing)? "
        r"mov(?:e|ing) (?:forward|ahead)", r"decided not to (?:move|proceed|progress)",
        r"move forward with (?:other|another) (?:candidates?|applicants?)", r"pursue other (?:candidates|applicants)",
        r"other candidates whose", r"not (?:be )?(?:proceeding|progressing)", r"regret to inform",
        r"unable to offer you", r"position has (?:now )?been filled",
        r"no longer (?:under consideration|being considered|considered)",
        r"(?:selected|chosen) (?:other|another) candidates?",
        r"(?:chosen|decided|elected) to (?:move forward|proceed|continue) with (?:an?|other|another) "
        r"(?:candidate|applicant)s?",
        r"not (?:been )?selected", r"(?:were|was) unsuccessful", r"go(?:ing)? (?:in )?a different direction",
        r"decided to go with", r"(?:won't|will not|not) be continuing with your (?:candidacy|application)",
        r"continu(?:e|ing) with (?:other|another) (?:candidates?|applicants?)",
        r"für andere kandidat\w* entschieden", r"keine positive r(?:ü|u)ckmeldung",
        r"absage", r"nicht ber(?:ü|u)cksichtig\w*", r"au regret", r"pas (?:été )?retenue?",
        r"ne pas donner suite", r"pas pu retenir", r"lamentamos informar\w*", r"continuar con otros candidatos",
        r"no (?:ha|has) sido seleccionad\w", "ご期待に添えない", "見送", "不採用", "ご縁がなかった")),
    # "Unfortunately" alone also opens a rescheduled interview; it says rejection only about an application.
    PhraseRule("rejection-unfortunately", "rejected", _any(
        r"unfortunately", r"leider", r"malheureusement", r"lamentablemente", r"desafortunadamente", "残念ながら")),
    PhraseRule("offer-phrase", "offer", _any(
        r"extend (?:you )?(?:an|a formal|a verbal|the) offer", r"(?:pleased|delighted|happy|thrilled|excited) to "
        r"(?:offer you|extend)", r"offer (?:letter|of employment)", r"job offer", r"verbal offer",
        r"formal offer", r"(?:vertrags)?angebot (?:für|fuer) sie", r"arbeitsvertrag", r"promesse d'embauche",
        r"proposition d'embauche", r"oferta (?:de trabajo|laboral|formal)", "内定")),
    PhraseRule("assessment-phrase", "assessment", _any(
        r"(?:online|technical|coding|skills?|video) (?:assessment|test|challenge)", r"take[- ]home",
        r"(?:please|you to|invited to|ready to|invit\w* you to) (?:complete|take|start|begin|solve) "
        r"(?:the |an? |our |your |this )?(?:[\w-]+ ){0,2}(?:assessment|test|challenge|exercise)",
        r"assessment (?:link|invitation|invite)",
        r"coding (?:exercise|task)", r"hackerrank", r"codility", r"codesignal", r"test link", r"case study",
        r"testaufgabe", r"online-test", r"test technique", r"prueba t(?:é|e)cnica", "適性検査",
        "コーディングテスト", "課題")),
    PhraseRule("screen-phrase", "screen", _any(
        r"phone screen(?:ing)?", r"(?:introductory|intro|initial|screening|short|quick) (?:phone )?call",
        r"recruiter (?:call|screen|chat)", r"phone interview", r"(?:quick|short|first) (?:chat|conversation)",
        r"telefoninterview", r"telefonat", r"entretien t(?:é|e)l(?:é|e)phonique", r"entrevista telef(?:ó|o)nica",
        r"llamada (?:inicial|breve)", r"set up an? (?:\d+[- ]minute )?(?:phone )?call", "電話面談", "カジュアル面談")),
    # a calendar's own invitation mail, also when forwarded without its .ics
    PhraseRule("calendar-invitation-subject", "interview", _any(
        r"(?:updated )?(?:invitation|einladung|invitación): [^@]{0,80}\b(?:interview|vorstellungsgespr(?:ä|a)ch"
        r"|entretien|entrevista)")),
    PhraseRule("interview-phrase", "interview", _any(
        r"invit\w* you (?:to|for) (?:an? )?(?:\w+ )?interview", r"interview (?:invitation|confirmation|request)",
        r"schedul\w* (?:an?|your|the) (?:\w+ )?interview", r"your interview (?:on|with|is)",
        r"confirms your interview", r"next round", r"final round", r"on-?site interview", r"panel interview",
        r"(?:team|technical|final) interviews?", r"availability for (?:an? )?interview",
        r"vorstellungsgespr(?:ä|a)ch", r"zu einem gespr(?:ä|a)ch", r"entretien", r"vous rencontrer",
        r"entrevista", "面接")),
    PhraseRule("confirmation-phrase", "applied", _any(
        r"thank(?:s| you) for (?:your )?(?:applying|application)", r"received your application",
        r"application (?:has been |was )?(?:received|submitted)", r"your application (?:was|has been) sent",
        r"application was sent", r"confirm(?:s|ing)? (?:that we (?:have )?received|receipt of) your",
        r"successfully applied", r"(?:for )?submitting your application", r"job submission",
        r"application confirmation", r"ihre bewerbung", r"deine bewerbung", r"eingang ihrer bewerbung",
        r"votre candidature", r"su solicitud", r"tu solicitud", r"tu candidatura", r"hemos recibido",
        "ご応募", "応募を受け付け")),
)
# A confirmation's promise of a later step ("if your profile matches, we will schedule an interview")
# is no invitation.
CONDITIONAL_STEP = _any(
    r"(?:if|should|once) (?:your|the) (?:qualifications|profile|experience|background|skills|application)",
    r"if (?:there is|there's|we see|we find) a (?:match|fit)", r"if we (?:decide|would like|wish) to (?:move|proceed)",
    r"(?:if|should) you be (?:selected|shortlisted)", r"wenn ihr profil", r"si votre profil", r"si su perfil")
# A reschedule mail says "unfortunately" without rejecting.
RESCHEDULE = _any(r"reschedul\w*", r"new time", r"another time", r"verschieben", r"neuer termin", r"reporter",
                  r"reprogramar", "日程変更")
