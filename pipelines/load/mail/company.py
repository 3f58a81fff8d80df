"""Which company (and role) a job-search mail is about (issue 19): `extract(mail)`.

Sources, most trusted first; the first that names a company gives `company_key`:

1. `ats.address` / `ats.subdomain` / `ats.link`: the company's slug in an applicant-tracking
   system's sender address (`acme@myworkday.com`, `careers-acme@smartrecruiters.com`), its sending
   sub-domain (`acme.greenhouse.io`) or a job link in the text (`jobs.lever.co/acme`,
   `acme.wd5.myworkdayjobs.com`). A vendor puts the tenant there itself, so it is never mistyped.
2. `display.*`: the sender's display name: "Acme via Greenhouse", "Talent at Acme", "Acme
   Recruiting"; a bare name only when the address is automated (a person's name is no company).
3. `subject.*`: subject lines in English, German, French, Spanish and Japanese, LinkedIn and Indeed.
4. `body.*`: "the Data Analyst role at Acme", "interest in Acme", LinkedIn / Indeed job cards.
5. `signature.*`: "The Acme Talent Team", "Technical Recruiter, Acme", "Acme 採用担当"; a bare
   last line only in automated mail.
6. `domain`: a person's company domain (`jordan@acme.example` -> Acme), never a free-mail domain,
   a platform's or the seeker's own. A forward (sent from an own domain) is read by the forwarded
   header's sender instead (`forward.*`).

The shown name comes from the best-written source with the same key (a slug says "acmelabs",
the subject says "Acme Labs"). Roles: subject first, then body (`role.subject`, `role.body`).
`company_key` is `normalise(name)`: casefolded, the legal form and recruiting words stripped from
the end, punctuation and spaces dropped, so "Acme Inc.", "ACME", "Acme Careers", "Acme GmbH" and
"Acme株式会社" are one company. The existing loaders only lower-case and collapse spaces in SQL
(events_file.py), which is too weak for mail, so this is the mail's own key.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from pipelines.load.mail.message import Mail


def _words(text: str) -> tuple[str, ...]:
    """Space-separated words; "_" stands for a space inside one."""
    return tuple(word.replace("_", " ") for word in text.split())


# Legal forms and recruiting words stripped from the end of a name, longest first. Only ever from
# the end, and never the last word left: "Talent Inc" stays "talent", "Jobs" stays "jobs".
_LEGAL = _words(
    "kabushiki_kaisha s.a.s. s.a. s.l. s.r.l. b.v. n.v. pty_ltd co.,_ltd. co._ltd inc. inc incorporated llc l.l.c. "
    "ltd. ltd limited gmbh ag se sa sas sarl sl srl bv nv plc corp. corp corporation co. co lp llp kk k.k. oy ab "
    "as aps pte"
)
_JOB_WORDS = _words(
    "talent_acquisition recruiting-team recruitment recruiting recruiters recruiter careers career jobs talent "
    "hiring people_team hr team 採用担当 採用チーム 人事部 recrutement reclutamiento rrhh"
)
_CJK_FORMS = ("株式会社", "有限会社", "合同会社", "(株)", "（株）", "㈱")
_STRIP_WORDS = sorted({*_LEGAL, *(w.rstrip(".") for w in _LEGAL), *_JOB_WORDS, *_CJK_FORMS}, key=len, reverse=True)

# Vendors whose sending address or sub-domain carries the company's slug.
_ATS_DOMAINS = _words(
    "myworkday.com myworkdayjobs.com greenhouse.io greenhouse-mail.io lever.co hire.lever.co icims.com taleo.net "
    "successfactors.com successfactors.eu smartrecruiters.com jobvite.com workablemail.com workable.com "
    "bamboohr.com teamtailor.com ashbyhq.com recruitee.com personio.de breezy.hr jazzhr.com applytojob.com "
    "pinpointhq.com oraclecloud.com"
)
_ATS_NAMES = _words(
    "greenhouse lever workday icims taleo successfactors smartrecruiters jobvite workable bamboohr teamtailor "
    "ashby recruitee personio"
)
# Assessment and scheduling vendors: "Unilever via TestGorilla" is Unilever.
_VENDOR_NAMES = _words("testgorilla hackerrank codility codesignal hirevue coderpad coderbyte calendly goodtime")
# Local parts and sub-domains that name the vendor's machinery, not a tenant.
_GENERIC = frozenset(
    _words(
        "no-reply noreply donotreply do-not-reply notification notifications notify mail email em e us eu app apps "
        "hire jobs careers boards job-boards candidates talent www info support hello alerts recruiting apply "
        "system mailer bounce reply messages"
    )
)
_PLATFORMS = frozenset(
    _words(
        "linkedin indeed indeed_apply glassdoor ziprecruiter monster hackerrank codility codesignal calendly xing "
        "stepstone wellfound otta google_calendar welcome_to_the_jungle"
    )
    + _ATS_NAMES
)
_PLATFORM_DOMAINS = (
    _words(
        "linkedin.com indeed.com glassdoor.com ziprecruiter.com hackerrank.com hackerrankforwork.com codility.com "
        "codesignal.com google.com calendly.com xing.com stepstone.de monster.com otta.com"
    )
    + _ATS_DOMAINS
)
_FREE_MAIL = frozenset(
    _words(
        "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com yahoo.co.uk yahoo.co.jp "
        "ymail.com icloud.com me.com mac.com aol.com proton.me protonmail.com gmx.de gmx.net gmx.com web.de "
        "t-online.de orange.fr free.fr laposte.net mail.com zoho.com yandex.ru qq.com 163.com naver.com hey.com "
        "fastmail.com"
    )
)
_MACHINE_WORDS = _GENERIC | frozenset(_words("no reply do not the team hiring hr people acquisition recruitment"))
_TWO_LEVEL = frozenset(_words("co.uk org.uk ac.uk com.au co.jp ne.jp or.jp com.br co.nz co.in com.mx co.za com.sg"))
_MAIL_SUBDOMAINS = frozenset(_words("mail email e em mx careers jobs talent hr recruiting us eu uk corp info news"))
_AUTOMATED_LOCAL = re.compile(
    r"(?i)^(?:no-?reply|do-?not-?reply|notifications?|careers?|jobs|recruiting|talent|"
    r"hr|hiring|people|applications?|candidates?)\b"
)

_NAME = r"(?P<c>[^\n!?|:;,()\[\]]{1,60}?)"  # a name in a one-line context (subject)
_ROLE_WORD = r"[A-Z][\w&/+'’-]*(?:\.\w+)*"  # "Sr.Engineer" yes; "Analyst. We" stops at the full stop
_ROLE = rf"(?P<r>{_ROLE_WORD}(?: (?:{_ROLE_WORD}|of|and|&|for))*)"
_CAP_WORD = r"[A-Z0-9&][\w&'’-]*(?:\.\w+)*"  # "S.L" and "Yahoo!"-free; a sentence's full stop ends it
_CAP_NAME = rf"(?P<c>{_CAP_WORD}(?: (?:{_CAP_WORD}|of|and|de))*)"  # capitalised words (body)
_END = r"\s*[!.]?$"
_TITLE_NOUNS = frozenset(
    _words(
        "analyst engineer scientist manager developer designer director lead specialist consultant architect "
        "intern associate coordinator administrator officer head researcher programmer representative executive "
        "advisor strategist writer editor accountant technician owner partner recruiter president vp principal "
        "trainee assistant marketer operator agent controller economist statistician"
    )
)


def _compiled(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Patterns written short: <C> a name in a subject, <K> capitalised words in a body, <R> a role, <E> the end."""
    parts = {"<C>": _NAME, "<K>": _CAP_NAME, "<R>": _ROLE, "<E>": _END}
    compiled = []
    for rule, pattern in rules:
        for token, part in parts.items():
            pattern = pattern.replace(token, part)
        compiled.append((rule, re.compile(pattern)))
    return tuple(compiled)


# Subject patterns, most specific first: `c` is the company, `r` the role when the subject names it.
_SUBJECT = _compiled((
    ("subject.calendar", r"^(?i:invitation|updated invitation|einladung): .*? (?:/|<>|x) <C>(?: @ .*| \(.*)?$"),
    ("subject.role_at", r"(?i:application|applying|apply|interview|offer|candidature|assessment)\b[^:]*?"
                        r"(?i: (?:to|for|:|-|–))? (?:the )?<R> (?:at|@|with|en|chez|bei) <C><E>"),
    ("subject.role_at", r"^(?:[^:|–-]+[:|–-] )?<R> (?i:at|@) <C><E>"),
    ("subject.sent_to", r"(?i:your application was (?:sent|submitted) to|application submitted to) <C><E>"),
    ("subject.viewed", r"^<C> (?i:viewed your application|has viewed your application)"),
    ("subject.viewed", r"(?i:your application was viewed by) <C><E>"),
    ("subject.thanks", r"(?i:thank(?:s| you) for (?:applying|your application|your interest|interviewing|considering)"
                       r"(?: (?:to|at|with|in|for))?) <C><E>"),
    ("subject.your_application", r"(?i:your (?:job )?application (?:to|at|with)) <C><E>"),
    ("subject.your_application", r"(?i:your) <C> (?i:application)\b"),
    ("subject.de", r"(?i:bewerbung (?:als .+? )?(?:bei|an|für)(?: die| der| das)?) <C><E>"),
    ("subject.fr", r"(?i:candidature (?:au poste de .+? )?(?:chez|à|auprès de)) <C><E>"),
    ("subject.es", r"(?i:(?:solicitud|candidatura|postulación) (?:para .+? )?(?:en|a|con)) <C><E>"),
    ("subject.ja", r"^【(?P<c>[^】]{1,60})】"),
    ("subject.ja", r"^(?P<c>[^【】]{1,60}?) ?(?:への|に|の)(?:ご応募|選考|面接)"),
    ("subject.from", r"(?i:(?:next steps|news|an update|update|message|interview|invitation) (?:with|from|at)) <C><E>"),
    ("subject.invites", r"^<C> (?i:invites you|has invited you|would like to)"),
    ("subject.assessment", r"(?i:invitation to (?:take|complete) the) <C> (?i:assessment|test|coding|challenge)"),
    ("subject.position_with", r"<R> (?i:position|role|opening|job) (?i:with|at) <C><E>"),
    ("subject.prefix", r"^<C> ?[|:–-] ?(?i:application|job submission|update on|phone screen|online assessment|"
                       r"interview|your application|next steps|offer|candidate)"),
    ("subject.prefix", r"^<C> (?i:application status|application update|application received)"),
    ("subject.dash", r"(?i:^(?:interview confirmation|application received|offer|update)) ?[–-] <C><E>"),
))  # fmt: skip
# Body patterns, specific first; names must be capitalised here, the body being free text.
_BODY = _compiled((
    ("body.role_at", r"(?:the )?<R> (?i:role|position|opening|job|opportunity) (?i:at|with) <K>"),
    ("body.recruiter_at", r"(?i:recruiter|recruiting|talent partner|talent acquisition|lead) (?i:at|with) <K>"),
    ("body.applying_to", r"(?i:applying to|applied to|application to|application with|apply to|applying at|"
                         r"interviewing with|joining|on behalf of|invited by) <K>"),
    ("body.interest_in", r"(?i:interest in|considering) <K>"),
    ("body.invites", r"<K> (?i:has invited you|invited you|would like to invite you)"),
    ("body.sent_to", r"(?i:(?:were|was|been) sent to|(?:were|was|been) submitted to) <K>"),
    ("body.de", r"(?i:bewerbung (?:als .+? )?(?:bei|an)) <K>"),
    ("body.fr", r"(?i:intérêt que vous portez à|candidature chez) <K>"),
    ("body.es", r"(?i:interés en|candidatura en) <K>"),
    ("body.ja", r"(?:この度は|度は)(?P<c>[^\s、。の]{1,40}?)(?:の|へ|に)"),
))  # fmt: skip
_ROLE_SUBJECT = _compiled((
    ("subject", r"(?i:application|applying|applied)(?i: (?:to|for))? (?:the )?(?:[A-Z]{0,4}-?\d{3,} )?<R>"
                r"(?: \(| (?i:at|with|position|role|en|@)|$)"),
    ("subject", r"(?i:indeed application|your application|application status|application|withdrawing my application|"
                r"interview|entretien|entrevista|vorstellungsgespräch|bewerbung)(?: \w+)? ?[:–-] <R>"),
    ("subject", r"(?i:about the|for the) <R> (?i:role|position|opening)"),
    ("subject", r"^<R> (?i:position|role|opening) (?i:with|at)"),
    ("subject", r"(?i:solicitud para|candidature au poste de|bewerbung als) <R>"),
    ("subject", r"^<R> (?:[–-] )(?i:update|application)"),
    ("subject", r"^(?:[^–-]+ [–-] )+<R>(?: \(.*\))?$"),
))  # fmt: skip
_ROLE_BODY = _compiled((
    ("body", r"(?i:position of|role of|post of|poste de|puesto de|position) <R>"),
    ("body", r"(?i:application for|applying for|applied for|interview for)(?: the)?(?: [A-Z]{1,4}-?\d{3,})? <R>"),
    ("body", r"(?:the|a|an|our) (?:[A-Z]{1,4}-?\d{3,} )?<R> (?i:role|position|opening|job|opportunity|hire|search)"),
    ("body", r"(?i:interest in|als|for) (?:the )?<R>\b"),
    ("body", r"(?P<r>[A-Za-z][A-Za-z0-9 &/-]{1,60}?)ポジション"),
))  # fmt: skip


@dataclass(frozen=True)
class Extracted:
    """What a mail says about its application. `how` holds the rule ids that found each field."""

    company: str | None
    company_key: str | None
    role: str | None
    how: tuple[str, ...]  # e.g. ("company:ats.address", "role:subject"); stable ids, for tests and reports


def _strip_end(text: str) -> str:
    """`text` (casefolded) without trailing legal forms and recruiting words, never to nothing."""
    changed = True
    while changed:
        changed = False
        for word in _STRIP_WORDS:
            if text.endswith(word) and len(text) > len(word):
                rest = text[: -len(word)]
                # a whole word only ("Bank" must keep its "k"; "Acme-Recruiting" splits at the dash)
                if word[0].isascii() and word[0].isalnum() and rest[-1].isalnum():
                    continue
                rest = rest.rstrip(" ,.-–&/")
                if rest and rest not in ("the", "l'", "ihr", "your"):
                    text, changed = rest, True
                    break
    return text


@functools.lru_cache(maxsize=65536)
def _cleaned(name: str) -> str:
    """A name without its legal form, recruiting words and a leading "The" (case kept, for showing)."""
    name = unicodedata.normalize("NFKC", " ".join(name.split())).strip(" \"'“”‘’.,:-–|")
    for form in _CJK_FORMS:
        if name != form:
            name = name.removeprefix(form).removesuffix(form).strip()
    kept = _strip_end(name.casefold())
    name = name[: len(kept)].strip(" ,.-–&/") if kept != name.casefold() else name
    for lead in ("The ", "Ihr ", "Das ", "L'équipe ", "Team "):
        if name.startswith(lead) and len(name) > len(lead):
            name = name[len(lead) :]
    return name


@functools.lru_cache(maxsize=65536)  # a mailbox writes the same few hundred names over and over
def normalise(name: str) -> str:
    """The matching key: "Acme Inc.", "ACME", "Acme Careers", "Acme GmbH", "Acme株式会社" -> "acme"."""
    return _squashed(_cleaned(name))


def _squashed(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _names_a_company(text: str) -> bool:
    """Whether `text` carries a legal form or a recruiting word ("Acme Recruiting", "ACME Inc."): its
    key is shorter than the text itself squashed."""
    return normalise(text) != _squashed(text)


def _registrable(domain: str) -> str:
    """The organisation's label of a domain: "mail.acme.co.uk" -> "acme", "acme.example" -> "acme"."""
    labels = domain.lower().strip(".").split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _TWO_LEVEL:
        labels = labels[:-1]
    return labels[-2] if len(labels) >= 2 else ""


def _slug_name(slug: str) -> str:
    slug = re.sub(
        r"(?i)^(?:careers?|jobs|recruiting|talent|hr)[-_.]|[-_.](?:careers?|jobs|recruiting|talent|hr"
        r"|noreply|no-reply)$",
        "",
        slug,
    )
    return "" if slug.lower() in _GENERIC else slug.replace("-", " ").replace("_", " ").title()


def _ats(address: str, text: str) -> tuple[str, str] | None:
    """The tenant's slug from an ATS sender address, sending sub-domain or a job link."""
    local, _, domain = address.lower().rpartition("@")
    local = local.partition("+")[0]  # "cvshealth+autoreply": the tag after "+" is the sender's own sorting
    for suffix in _ATS_DOMAINS:
        if domain == suffix or domain.endswith("." + suffix):
            sub = domain[: -len(suffix)].rstrip(".").split(".")[0] if domain != suffix else ""
            if sub and _slug_name(sub):
                return _slug_name(sub), "ats.subdomain"
            if local and _slug_name(local):
                return _slug_name(local), "ats.address"
    link = re.search(
        r"(?i)https?://(?:(?:jobs|boards|job-boards|apply)\.(?:lever\.co|greenhouse\.io|ashbyhq\.com|"
        r"smartrecruiters\.com|workable\.com|jobvite\.com)/([\w-]+)|"
        r"([\w-]+)\.(?:wd\d+\.myworkdayjobs\.com|bamboohr\.com|teamtailor\.com|recruitee\.com|"
        r"jobs\.personio\.de|breezy\.hr|icims\.com))",
        text,
    )
    if link:
        name = _slug_name(re.sub(r"(?i)^careers-", "", link.group(1) or link.group(2)))
        if name:
            return name, "ats.link"
    return None


def _is_automated(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    local = address.rpartition("@")[0]
    return bool(_AUTOMATED_LOCAL.match(local)) or any(domain == d or domain.endswith("." + d) for d in _ATS_DOMAINS)


def _display(name: str, address: str) -> tuple[str, str] | None:
    """The company in a sender's display name; a bare name counts only for an automated address."""
    name = " ".join(name.split()).strip("\"' ")
    if not name or name.casefold() in _PLATFORMS or set(re.findall(r"\w+", name.casefold())) <= _MACHINE_WORDS:
        return None  # "Notifications", "No Reply", "Hiring Team": the vendor's machinery speaking
    via = re.match(
        r"(?i)^(.+?) (?:via|through|on behalf of|@) (?:" + "|".join((*_ATS_NAMES, *_VENDOR_NAMES))
        + r"|linkedin|indeed)\b", name
    )
    if via:
        return via.group(1), "display.via"
    at = re.match(
        r"(?i)^(?:talent|careers|jobs|recruiting|hiring|people|hr|recruitment)(?: team)? (?:at|@) (.+)$", name
    )
    if at:
        return at.group(1), "display.at"
    person = re.match(r"^[A-Z][\w'’-]+(?: [A-Z]\.?)? (?:from|at|@) (.+)$", name)
    if person:
        return person.group(1), "display.person_at"  # "Priya from Notion", "Sam at Acme"
    if _names_a_company(name):
        return name, "display.job_words"  # "Acme Recruiting", "Acme Talent Acquisition", "ACME Inc."
    if _is_automated(address):
        return name, "display.automated"
    return None


def _subject(subject: str) -> tuple[str, str, str | None] | None:
    for rule, pattern in _SUBJECT:
        found = pattern.search(subject)
        if found and _company_ok(found.group("c")):
            role = found.groupdict().get("r")
            return found.group("c"), rule, role
    return None


def _company_ok(name: str) -> bool:
    """A plausible company: short, not a platform, not a role, not a sentence fragment."""
    name = _cleaned(name)
    words = name.split()
    if not name or len(words) > 6 or name.casefold() in _PLATFORMS or not normalise(name):
        return False
    if "<>" in name or " x " in f" {name.casefold()} ":
        return False  # "Notion <> Jordan - next steps": a pairing of two sides, not one name
    first = words[0].casefold()
    if first in ("our", "us", "you", "your", "the", "a", "an", "this", "we", "my", "their", "other", "all", "me"):
        return False
    return not _looks_like_role(name)


def _looks_like_role(text: str) -> bool:
    return bool(set(re.findall(r"[a-z]+", text.casefold())) & _TITLE_NOUNS)


def _own_text(text: str) -> str:
    """The mail's own text: quoted lines ("> ...") and the footer after "-- " are someone else's."""
    own = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    joined = "\n".join(own)
    return joined.split("\n-- \n")[0]


def _body(text: str) -> tuple[str, str] | None:
    for rule, pattern in _BODY:
        for found in pattern.finditer(text):
            if _company_ok(found.group("c")):
                return found.group("c"), rule
    return None


def _signature(text: str, automated: bool) -> tuple[str, str] | None:
    """The company a mail signs with: "The Acme Talent Team", "Technical Recruiter, Acme"."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()][-3:]
    for line in reversed(lines):
        titled = re.match(r"^(?:[\w.'-]+ ?){1,5}, (?P<c>[^,]{1,60})$", line)
        if titled and _looks_like_role(line.split(",")[0]) and _company_ok(titled.group("c")):
            return titled.group("c"), "signature.title"
        if _names_a_company(line) and _company_ok(line):
            return line, "signature.team"  # "The Acme Recruiting Team", "Acme 採用担当"
    if automated and lines and _company_ok(lines[-1]) and len(lines[-1].split()) <= 4:
        return lines[-1], "signature.automated"
    return None


def _card(text: str, role: str | None) -> tuple[str, str] | None:
    """LinkedIn / Indeed job cards: the role on one line, the company on the next ("Acme · Remote")."""
    if role is None:
        return None
    lines = [line.strip() for line in text.splitlines()]
    for index, line in enumerate(lines[:-1]):
        if line == role:
            company = re.split(r" [·•|–-] ", lines[index + 1])[0]
            if _company_ok(company):
                return company, "body.card"
        dashed = re.match(re.escape(role) + r" [–-] (.+)$", line)
        if dashed and _company_ok(dashed.group(1)):
            return dashed.group(1), "body.card"
    return None


def _domain(domain: str, own_domains: frozenset[str]) -> tuple[str, str] | None:
    domain = domain.lower()
    if (
        not domain
        or domain in _FREE_MAIL
        or domain in own_domains
        or any(domain == d or domain.endswith("." + d) for d in (*_PLATFORM_DOMAINS, *own_domains))
    ):
        return None
    label = _registrable(domain)
    return (label.title(), "domain") if label and label not in _MAIL_SUBDOMAINS else None


def _forwarded(text: str) -> tuple[str, str] | None:
    """The sender of a forwarded message: (display name, address) from its "From:" line."""
    found = re.search(r"(?im)^(?:>\s*)?(?:From|Von|De):\s*\"?([^\"<\n]*?)\"?\s*<([^<>\s]+@[^<>\s]+)>", text)
    return (found.group(1).strip(), found.group(2)) if found else None


def _card_role(text: str, company_key: str | None) -> str | None:
    """A job card's role: the line above the company's line, or "Data Analyst - Acme"."""
    if not company_key:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        head, _, tail = line.rpartition(" - ")
        if tail and normalise(tail) == company_key and _role_cleaned(head, company_key):
            return _role_cleaned(head, company_key)
        if index and normalise(re.split(r" [·•|] ", line)[0]) == company_key:
            role = _role_cleaned(lines[index - 1], company_key)
            if role and role == lines[index - 1]:
                return role
    return None


def _role(subject: str, text: str, company_key: str | None) -> tuple[str, str] | None:
    card = _card_role(text, company_key)
    if card:
        return card, "role.card"
    for how, patterns, source in (("role.subject", _ROLE_SUBJECT, subject), ("role.body", _ROLE_BODY, text)):
        for _, pattern in patterns:
            for found in pattern.finditer(source):
                role = _role_cleaned(found.group("r"), company_key)
                if role:
                    return role, how
    return None


def _role_cleaned(role: str, company_key: str | None) -> str | None:
    role = re.sub(r"\s*\(.*$", "", role).strip(" -–.,:")
    role = re.sub(r"(?:\s+(?:of|and|&|for|-|at|de|des|en))+$", "", role)
    words = role.split()
    if not words or len(words) > 7 or not _looks_like_role(role) or normalise(role) == company_key:
        return None
    return role


def _candidates(mail: Mail, own_domains: frozenset[str]) -> list[tuple[str, str]]:
    """Every (name, rule) the mail offers, most trusted first."""
    subject = re.sub(r"(?i)^(?:(?:re|fwd?|aw|wg|tr|rv|sv|antw)\s*:\s*)+", "", mail.subject).strip()
    text = _own_text(mail.text)
    name, address, domain = mail.sender_name, mail.sender_address, mail.sender_domain
    forwarded = _forwarded(mail.text) if domain in own_domains or mail.subject.lower().startswith("fw") else None
    prefix = ""
    if forwarded is not None:
        name, address = forwarded
        domain, prefix = address.rpartition("@")[2].lower(), "forward."
    found: list[tuple[str, str] | None] = [_ats(address, mail.text), _display(name, address)]
    subject_hit = _subject(subject)
    found.append(subject_hit[:2] if subject_hit else None)
    role = _role(subject, text, None)
    found += [_body(text), _card(text, role[0] if role else None), _signature(text, _is_automated(address))]
    found.append(_domain(domain, own_domains))
    return [
        (hit[0], prefix + hit[1] if hit[1].startswith(("ats", "display", "domain")) else hit[1])
        for hit in found
        if hit is not None
    ]


def _shown(candidates: list[tuple[str, str]], key: str) -> str:
    """The best-written name with the key: one a person wrote over a slug, mixed case over CAPITALS."""
    same = [_cleaned(name) for name, rule in candidates if normalise(name) == key]
    written = [
        name
        for name, (_, rule) in zip(same, [c for c in candidates if normalise(c[0]) == key], strict=True)
        if not rule.startswith(("ats", "domain", "forward.ats", "forward.domain"))
    ] or same
    mixed = [name for name in written if not name.isupper()]
    return (mixed or written)[0]


def extract(mail: Mail, own_domains: frozenset[str] = frozenset()) -> Extracted:
    """The company and role `mail` is about, and which rules found them (see the module docstring)."""
    own = frozenset(domain.lower() for domain in own_domains)
    candidates = _candidates(mail, own)
    how: list[str] = []
    company = key = None
    if candidates:
        key = normalise(candidates[0][0])
        company = _shown(candidates, key)
        how.append("company:" + candidates[0][1])
    subject = re.sub(r"(?i)^(?:(?:re|fwd?|aw|wg|tr|rv|sv|antw)\s*:\s*)+", "", mail.subject).strip()
    # a reply often names the role only in the quoted mail it answers
    role = _role(subject, _own_text(mail.text), key) or _role("", mail.text, key)
    if role is not None:
        how.append("role:" + role[1].removeprefix("role."))
    return Extracted(company, key, role[0] if role else None, tuple(how))
