"""Sender families and their mail templates for the seeded mailbox corpus (``mail_corpus``).

The wording is modelled on how the systems really write (applicant-tracking confirmations,
rejections, scheduling mails, LinkedIn / Indeed notifications, newsletters), with several variants
per kind so a reader cannot key on a single sentence. Every company, person and domain is made up;
only the vendors' own sending domains are real, because readers recognise families by them.

Placeholders: ``{company}`` (the display variant, e.g. "Acme Inc."), ``{role}``, ``{first}`` (the
seeker's first name), ``{recruiter}``, ``{rfirst}``, ``{rtitle}``, ``{when}``, ``{req}``, ``{link}``, ``{n}``.
A mail's truth ``role`` is ``None`` exactly when its template never mentions ``{role}``.
"""

from __future__ import annotations

import dataclasses

Template = tuple[str, str]  # (subject, plain-text body)


@dataclasses.dataclass(frozen=True)
class Family:
    """One sender family: who the mail is from and how it is rendered."""

    key: str
    display: str  # display-name pattern
    addresses: tuple[str, ...]  # address patterns; a company keeps one of them throughout
    style: str  # "plain", "html" (HTML only) or "alt" (multipart/alternative)
    label: str  # Gmail category label, as Takeout writes it
    footer: str = ""


ATS_FAMILIES: tuple[Family, ...] = (
    Family("greenhouse", "{company}", ("no-reply@us.greenhouse-mail.io", "{slug}@greenhouse-mail.io",
                                       "no-reply@greenhouse.io"), "alt", "Category Updates", "Powered by Greenhouse"),
    Family("lever", "{company}", ("no-reply@hire.lever.co",), "alt", "Category Updates", "Sent via Lever"),
    Family("workday", "{company} Careers", ("{slug}@myworkday.com",), "html", "Category Updates"),
    Family("ashby", "{company} Hiring Team", ("no-reply@ashbyhq.com",), "alt", "Category Updates",
           "Powered by Ashby"),
    Family("icims", "{company} Talent Acquisition", ("{slug}@talent.icims.com", "noreply@icims.com"), "html",
           "Category Updates"),
    Family("smartrecruiters", "{company}", ("noreply@smartrecruiters.com",), "alt", "Category Updates",
           "Powered by SmartRecruiters"),
    Family("taleo", "{company} Careers", ("{slug}@taleo.net",), "plain", "Category Updates",
           "This is an automated message from Oracle Taleo. Please do not reply."),
    Family("successfactors", "{company} Recruiting", ("noreply@successfactors.eu", "{slug}@successfactors.com"),
           "html", "Category Updates"),
    Family("jobvite", "{company} Recruiting", ("notification@jobvite.com",), "alt", "Category Updates"),
    Family("workable", "{company}", ("noreply@candidates.workablemail.com",), "alt", "Category Updates",
           "Powered by Workable"),
    Family("bamboohr", "{company}", ("notifications@app.bamboohr.com",), "plain", "Category Updates"),
    Family("teamtailor", "{company}", ("noreply@mail.teamtailor.com",), "html", "Category Updates",
           "Sent with Teamtailor"),
)

OTHER_FAMILIES: tuple[Family, ...] = (
    Family("linkedin", "LinkedIn", ("jobs-noreply@linkedin.com",), "alt", "Category Social"),
    Family("linkedin_jobs", "LinkedIn Job Alerts", ("jobalerts-noreply@linkedin.com",), "html", "Category Social"),
    Family("linkedin_inmail", "{recruiter} via LinkedIn", ("inmail-hit-reply@linkedin.com",), "alt",
           "Category Social"),
    Family("indeed", "Indeed Apply", ("indeedapply@indeed.com",), "alt", "Category Updates"),
    Family("indeed_alerts", "Indeed", ("alert@indeed.com",), "html", "Category Promotions"),
    Family("recruiter", "{recruiter}", ("{rmail}@{domain}",), "plain", "Inbox"),
    Family("calendar", "{recruiter}", ("{rmail}@{domain}",), "alt", "Inbox"),
    Family("hackerrank", "HackerRank", ("support@hackerrankforwork.com",), "html", "Category Updates"),
    Family("codility", "Codility", ("no-reply@codility.com",), "alt", "Category Updates"),
    Family("agency", "{recruiter}", ("{rmail}@{agency}",), "plain", "Inbox"),
    Family("newsletter", "{newsletter}", ("{newsmail}",), "html", "Category Promotions"),
    Family("not_job", "{sender}", ("{sendmail}",), "alt", "Category Updates"),
    Family("me", "Alex Morgan", ("me@example.com",), "plain", "Sent"),
)

FAMILIES: dict[str, Family] = {family.key: family for family in ATS_FAMILIES + OTHER_FAMILIES}

# Each ATS family's own confirmation and rejection wording (what really varies between vendors).
ATS_TEMPLATES: dict[str, dict[str, tuple[Template, ...]]] = {
    "greenhouse": {
        "applied": (
            ("Thank you for applying to {company}",
             "Hi {first},\n\nThank you for your interest in {company}! We wanted to let you know we received "
             "your application for {role}, and we are delighted that you would consider joining our team.\n\n"
             "Our team will review your application and will be in touch if your qualifications match our "
             "needs for the role.\n\nBest,\nThe {company} Recruiting Team"),
            ("{company} | Application received",
             "Hi {first},\n\nThanks for applying! Your application has been received and is under review. "
             "We'll reach out if there is a fit.\n\nAll the best,\n{company} Talent"),
        ),
        "rejected": (
            ("Your application to {company}",
             "Hi {first},\n\nThank you for your interest in the {role} position at {company}. Unfortunately, "
             "we will not be moving forward with your application, but we appreciate your time and interest."
             "\n\nRegards,\n{company}"),
            ("Update on your {company} application",
             "Hi {first},\n\nWe really appreciate you taking the time to apply. After reviewing your "
             "background, we've decided to pursue other candidates at this time.\n\nWe wish you the best "
             "of luck in your search.\n\n{company} Recruiting"),
        ),
    },
    "lever": {
        "applied": (
            ("Thank you for your application to {company}",
             "Hi {first},\n\nThanks for applying to {company}. We've received your application for the {role} "
             "role and our team is reviewing it now.\n\nCheers,\nThe {company} team"),
        ),
        "rejected": (
            ("{company} - {role}",
             "Hi {first},\n\nThank you for taking the time to apply for the {role} role. After careful "
             "consideration, we have decided to move forward with other candidates whose experience more "
             "closely matches our current needs.\n\nBest,\n{company}"),
            ("Your application to {company}",
             "Hi {first},\n\nWe wanted to follow up on your application. While your background is impressive, "
             "we won't be moving ahead at this time. We'll keep your details on file.\n\n{company}"),
        ),
    },
    "workday": {
        "applied": (
            ("Thank you for applying!",
             "Dear {first},\n\nThank you for your interest in {company}. This email confirms that we received "
             "your application for the {req} {role} position.\n\nYou can track the status of your application "
             "by signing in to your Candidate Home account: {link}\n\nSincerely,\n{company} Talent Acquisition"),
            ("We have received your application for {role} ({req})",
             "Dear {first},\n\nWe have received your application. Should your qualifications match the "
             "requirements, a member of our team will contact you.\n\nKind regards,\n{company}"),
        ),
        "rejected": (
            ("Regarding your application for {req} {role}",
             "Dear {first},\n\nThank you for applying. After careful review, we have decided to pursue other "
             "candidates whose qualifications more closely match the needs of this position.\n\n"
             "We encourage you to apply for future openings.\n\n{company} Talent Acquisition"),
            ("Your application status has changed",
             "Dear {first},\n\nThe status of one of your job applications has been updated: the position is "
             "no longer under consideration for you. Sign in to Candidate Home for details: {link}\n\n{company}"),
        ),
    },
    "ashby": {
        "applied": (
            ("Thanks for applying to {company}!",
             "Hi {first},\n\nThanks so much for your interest in the {role} role at {company}! We've received "
             "your application and will get back to you as soon as we can.\n\n{company} Hiring Team"),
        ),
        "rejected": (
            ("Following up on your application to {company}",
             "Hi {first},\n\nThank you for applying. We've carefully reviewed your application and unfortunately "
             "we've decided not to move forward right now. We know this isn't the news you were hoping for."
             "\n\nWarmly,\n{company} Hiring Team"),
        ),
    },
    "icims": {
        "applied": (
            ("Thank you for applying for {role} at {company}",
             "Dear {first},\n\nThank you for applying for {role} (Job ID: {req}). Your submission has been "
             "received. If your skills match our requirements, a recruiter will contact you.\n\n{company}"),
        ),
        "rejected": (
            ("{company} Application Status Update",
             "Dear {first},\n\nThank you for your interest in the {role} (Job ID: {req}) opportunity. We wanted "
             "to let you know that the position has been filled.\n\nWe appreciate your interest in {company}."),
            ("{company} Application Status Update",
             "Dear {first},\n\nAfter reviewing your qualifications, we have selected other candidates for "
             "this requisition. Thank you for considering {company}."),
        ),
    },
    "smartrecruiters": {
        "applied": (
            ("Thanks for applying to {company}",
             "Hi {first},\n\nWe received your application for {role}. Our hiring team will review it shortly."
             "\n\nThanks,\n{company}"),
        ),
        "rejected": (
            ("Your application for {role}",
             "Hi {first},\n\nThank you for your application for {role}. We regret to inform you that we have "
             "decided not to proceed with your candidacy.\n\nKind regards,\n{company}"),
        ),
    },
    "taleo": {
        "applied": (
            ("{company} - Job Submission Confirmation - {role} ({req})",
             "Dear {first},\n\nThank you for submitting your application for the position {role} "
             "(Job Number: {req}). We will review your qualifications and contact you if there is a match."
             "\n\nSincerely,\n{company} Careers"),
        ),
        "rejected": (
            ("{company} - Update on Job {req}",
             "Dear {first},\n\nThank you for your interest in the position {role} (Job Number: {req}). After "
             "careful consideration, we regret to inform you that you have not been selected.\n\n"
             "Sincerely,\n{company} Careers"),
        ),
    },
    "successfactors": {
        "applied": (
            ("Your application: {role}",
             "Dear {first},\n\nThank you for applying for the position of {role} with {company}. We have "
             "successfully received your application.\n\nBest regards,\n{company} Recruiting"),
        ),
        "rejected": (
            ("Application Status - {role}",
             "Dear {first},\n\nThank you for your application for the role of {role}. Unfortunately, we have "
             "decided not to pursue your application further.\n\nBest regards,\n{company} Recruiting"),
        ),
    },
    "jobvite": {
        "applied": (
            ("Thank you for applying to {company}",
             "Hello {first},\n\nThank you for applying for the {role} position. We'll be in touch if we'd like "
             "to move forward.\n\n{company} Recruiting"),
        ),
        "rejected": (
            ("Regarding your application to {company}",
             "Hello {first},\n\nThank you for your interest. We have reviewed your application and have decided "
             "to move forward with other applicants.\n\n{company} Recruiting"),
        ),
    },
    "workable": {
        "applied": (
            ("Thanks for applying to {company}",
             "Hi {first},\n\nYour application for the {role} job was received. If you're a good fit, we'll "
             "be in touch about next steps.\n\n{company}"),
        ),
        "rejected": (
            ("Update on your application for {role}",
             "Hi {first},\n\nThank you for applying for the {role} role. We've decided to move forward with "
             "other candidates. We wish you success in your job search.\n\n{company}"),
        ),
    },
    "bamboohr": {
        "applied": (
            ("Thank you for your application - {role}",
             "Hi {first},\n\nThank you for applying for the {role} opening at {company}. We have received your "
             "application and will review it shortly.\n\n{company} People Team"),
        ),
        "rejected": (
            ("{role} position with {company}",
             "Hi {first},\n\nThank you for your interest. We have chosen to move forward with a candidate whose "
             "experience more closely fits the position.\n\n{company} People Team"),
        ),
    },
    "teamtailor": {
        "applied": (
            ("Thanks for your application!",
             "Hi {first}!\n\nThank you for applying to {company}. We'll go through your application and get back "
             "to you as soon as possible.\n\nHave a great day,\n{company}"),
        ),
        "rejected": (
            ("Your application at {company}",
             "Hi {first},\n\nThank you for your interest in {role}. Unfortunately we have decided to proceed "
             "with other candidates this time.\n\nBest wishes,\n{company}"),
        ),
    },
}

# Stages that tracking systems and recruiters word much the same way across vendors.
SHARED_TEMPLATES: dict[str, tuple[Template, ...]] = {
    "screen": (
        ("Next steps with {company}",
         "Hi {first},\n\nThanks again for applying for the {role} role. We'd love to set up a 30-minute call "
         "with {recruiter} from our recruiting team. Please pick a time that works for you: {link}\n\nBest,\n"
         "{company} Recruiting"),
        ("Quick chat about the {role} role?",
         "Hi {first},\n\nI'm {recruiter}, {rtitle} at {company}. I came across your application and would love "
         "to set up a 20-30 minute phone call to hear about your background. Would {when} work?\n\n"
         "Best,\n{recruiter}"),
        ("{company}: phone screen",
         "Hi {first},\n\nYour profile stood out to us. Could we schedule a short introductory call this week? "
         "Here is my calendar: {link}\n\nThanks,\n{recruiter}\n{rtitle}, {company}"),
    ),
    "assessment": (
        ("{company} | Online assessment for {role}",
         "Hi {first},\n\nAs the next step for the {role} position, please complete our online assessment "
         "within 5 days: {link}\nIt takes about 60-90 minutes.\n\nGood luck!\n{company} Recruiting"),
        ("Your take-home exercise for {company}",
         "Hi {first},\n\nThanks for your time on the phone. As discussed, attached is the take-home exercise. "
         "Please send it back by {when}.\n\nBest,\n{recruiter}"),
    ),
    "interview": (
        ("Interview invitation: {role} at {company}",
         "Hi {first},\n\nWe were impressed by your background and would like to invite you to interview for "
         "the {role} role. Please choose a slot: {link}\n\nBest regards,\n{company} Recruiting"),
        ("Interview confirmation - {company}",
         "Hi {first},\n\nThis confirms your interview on {when} (video call). You'll meet two members of the "
         "team.\n\nLooking forward to it,\n{recruiter}"),
        ("Next round: team interviews",
         "Hi {first},\n\nGreat news: the team would like to move you to the next round. Are you available on "
         "{when}? The conversations will take about 2 hours in total.\n\nBest,\n{recruiter}\n{rtitle}, {company}"),
    ),
    "offer": (
        ("Offer letter - {role} at {company}",
         "Hi {first},\n\nI'm thrilled to share that we'd like to extend you an offer for the {role} position! "
         "You'll find the offer letter in the portal: {link}\n\nCongratulations,\n{recruiter}"),
        ("Great news from {company}!",
         "Hi {first},\n\nThank you for all the time you spent with the team. We are delighted to offer you the "
         "position. Can we talk through the details on {when}?\n\nWarmly,\n{recruiter}"),
    ),
    "rejected": (
        ("{role} - update",
         "Hi {first},\n\nI wanted to reach out personally: thank you for all your time with the team. After a "
         "lot of discussion we've decided not to move forward. I'm sorry to bring this news.\n\n{recruiter}"),
        ("Thank you for interviewing with {company}",
         "Hi {first},\n\nThank you for interviewing with us. Unfortunately, we have decided to move forward with "
         "another candidate. We really enjoyed getting to know you.\n\nBest,\n{recruiter}"),
    ),
    "withdrawn": (
        ("Withdrawing my application - {role}",
         "Hi {rfirst},\n\nThank you for the conversations so far. I've decided to withdraw my application "
         "for the {role} role, as I have accepted another position.\n\nBest regards,\nAlex"),
        ("Re: Next steps",
         "Hi {rfirst},\n\nThanks for getting back to me. After some thought I'd like to withdraw from the "
         "process; the timing isn't right for me. I hope we can stay in touch.\n\nAlex"),
    ),
}

# Confirmations, rejections and invitations of companies that write in their own language.
LOCALISED: dict[str, dict[str, tuple[Template, ...]]] = {
    "de": {
        "applied": (("Ihre Bewerbung bei {company}",
                     "Hallo {first},\n\nvielen Dank für Ihre Bewerbung als {role} bei {company}. Wir haben Ihre "
                     "Unterlagen erhalten und melden uns so bald wie möglich.\n\nMit freundlichen Grüßen\n"
                     "Ihr {company} Recruiting-Team"),
                    ("Eingangsbestätigung Ihrer Bewerbung",
                     "Guten Tag {first},\n\nwir bestätigen den Eingang Ihrer Bewerbung (Kennziffer {req}).\n\n"
                     "Freundliche Grüße\n{company}")),
        "rejected": (("Ihre Bewerbung bei {company}",
                      "Hallo {first},\n\nvielen Dank für Ihr Interesse an der Position {role}. Leider müssen wir "
                      "Ihnen mitteilen, dass wir uns für andere Kandidat:innen entschieden haben.\n\n"
                      "Wir wünschen Ihnen alles Gute.\n{company}"),
                     ("Rückmeldung zu Ihrer Bewerbung",
                      "Guten Tag {first},\n\nnach sorgfältiger Prüfung können wir Ihnen leider keine positive "
                      "Rückmeldung geben.\n\nMit freundlichen Grüßen\n{company}")),
        "interview": (("Einladung zum Vorstellungsgespräch - {role}",
                       "Hallo {first},\n\nwir möchten Sie gerne zu einem Gespräch am {when} einladen.\n\n"
                       "Viele Grüße\n{recruiter}, {company}"),),
    },
    "fr": {
        "applied": (("Votre candidature chez {company}",
                     "Bonjour {first},\n\nNous avons bien reçu votre candidature au poste de {role} et vous "
                     "remercions de l'intérêt que vous portez à {company}.\n\nCordialement,\nL'équipe recrutement"),),
        "rejected": (("Votre candidature au poste de {role}",
                      "Bonjour {first},\n\nNous sommes au regret de vous informer que votre candidature n'a pas "
                      "été retenue.\n\nNous vous souhaitons une bonne continuation.\n{company}"),),
        "interview": (("Invitation à un entretien - {role}",
                       "Bonjour {first},\n\nNous souhaiterions vous rencontrer le {when}.\n\nBien à vous,\n"
                       "{recruiter}, {company}"),),
    },
    "es": {
        "applied": (("Su solicitud para {role} en {company}",
                     "Hola {first}:\n\nHemos recibido su solicitud para el puesto de {role}. Nuestro equipo la "
                     "revisará en breve.\n\nSaludos cordiales,\n{company}"),
                    ("Hemos recibido tu candidatura",
                     "Hola {first}:\n\n¡Gracias por tu interés en {company}! Te contactaremos pronto.\n\n{company}")),
        "rejected": (("Actualización sobre su solicitud",
                      "Hola {first}:\n\nLamentamos informarle que hemos decidido continuar con otros candidatos "
                      "para el puesto de {role}.\n\nAtentamente,\n{company}"),),
        "interview": (("Invitación a entrevista - {role}",
                       "Hola {first}:\n\nNos gustaría invitarle a una entrevista el {when}.\n\nSaludos,\n"
                       "{recruiter}, {company}"),),
    },
    "ja": {
        "applied": (("【{company}】ご応募ありがとうございます",
                     "{first} 様\n\nこの度は{company}の{role}ポジションにご応募いただき、誠にありがとうございます。\n"
                     "書類選考の結果につきましては、1〜2週間以内にご連絡いたします。\n\n{company} 採用担当"),),
        "rejected": (("【{company}】選考結果のご連絡",
                      "{first} 様\n\n慎重に選考を重ねました結果、"
                      "誠に残念ながら今回はご期待に添えない結果となりました。\n"
                      "今後のご活躍をお祈り申し上げます。\n\n{company} 採用担当"),),
        "interview": (("【{company}】面接日程のご案内",
                       "{first} 様\n\n{role}ポジションの面接を{when}に設定させていただきたく、ご連絡いたしました。\n\n"
                       "{company} 採用担当 {recruiter}"),),
    },
}

LINKEDIN_TEMPLATES: dict[str, tuple[Template, ...]] = {
    "applied": (
        ("{first}, your application was sent to {company}",
         "Your application was sent to {company}\n\n{role}\n{company}\n\nApplied on LinkedIn. Good luck!"),
        ("Your application was sent to {company}",
         "{role} - {company}\n\nYour profile, resume and contact information were shared with {company}."),
    ),
    "application_viewed": (
        ("{company} viewed your application",
         "Good news, {first}: your application for {role} was viewed by {company}.\n\nView job: {link}"),
        ("Your application was viewed by {company}",
         "{company} viewed your application. Companies usually review applications within a few weeks."),
    ),
    "rejected": (
        ("Your application to {role} at {company}",
         "Thank you for your interest in the {role} position. Unfortunately, {company} has decided to move "
         "forward with other candidates.\n\nFind more jobs on LinkedIn: {link}"),
    ),
    "job_alert": (
        ("\u201c{role}\u201d: {company} - {role} and more",
         "{n} new jobs match your preferences.\n\n{role}\n{company} · Remote\n\nSee all jobs: {link}"),
        ("{company} is hiring: {role}",
         "{company} is hiring for a role that matches your search.\n\n{role}\nActively recruiting\n\n{link}"),
        ("{n} new jobs for \u2018{role}\u2019",
         "Jobs you may be interested in, including {company}.\n\n{link}"),
    ),
    "recruiter_outreach": (
        ("{recruiter} sent you a new message",
         "Hi {first}, I'm {rtitle} at {company}. Your profile looks like a great fit for a {role} opening on "
         "our team. Open to a chat?\n\nReply on LinkedIn: {link}"),
    ),
}

INDEED_TEMPLATES: dict[str, tuple[Template, ...]] = {
    "applied": (
        ("Indeed Application: {role}",
         "Your application has been submitted.\n\n{role}\n{company}\n\nGood luck! We'll let you know when "
         "the employer views your application."),
    ),
    "rejected": (
        ("An update on your application to {company}",
         "Your application for {role} at {company}: the employer has decided not to move forward."
         "\n\nKeep searching on Indeed: {link}"),
    ),
    "job_alert": (
        ("{role} jobs at {company} and {n} more",
         "New jobs for '{role}'.\n\n{role} - {company} - Remote\nEasily apply\n\n{link}"),
        ("{company} and {n} other companies are hiring for {role}",
         "Based on your search, here are new jobs.\n\n{link}"),
    ),
}

VENDOR_TEMPLATES: dict[str, tuple[Template, ...]] = {
    "hackerrank": (("Invitation to take the {company} assessment",
                    "Hi {first},\n\n{company} has invited you to take a coding test for the {role} role.\n"
                    "Duration: 90 minutes. Test link: {link}\n\nAll the best,\nHackerRank on behalf of {company}"),),
    "codility": (("{company} invites you to a Codility test",
                  "Hello {first},\n\nYou have been invited by {company} to solve a Codility test. The test "
                  "expires in 7 days: {link}\n\nCodility"),),
}

OUTREACH_TEMPLATES: tuple[Template, ...] = (
    ("Exciting {role} opportunity with a fast-growing fintech",
     "Hi {first},\n\nI'm {recruiter} at a specialist search firm. I'm working with a Series B client on a "
     "{role} hire and your profile caught my eye. Fancy a quick call?\n\nBest,\n{recruiter}"),
    ("{role} at {company}? (confidential)",
     "Hi {first},\n\nI'm partnering with {company} on a {role} search. Would you be open to an exploratory "
     "conversation?\n\n{recruiter}\n{rtitle}"),
)

# Newsletters whose subjects deliberately sound like job-search mail ("interview", "application").
NEWSLETTERS: tuple[tuple[str, str], ...] = (
    ("Career Compass", "hello@careercompass.example"),
    ("Job Search Weekly", "newsletter@jobsearchweekly.example"),
    ("The Hiring Desk", "digest@thehiringdesk.example"),
)
NEWSLETTER_SUBJECTS: tuple[str, ...] = (
    "5 interview tips that actually get offers",
    "Your application was rejected? Read this",
    "How to follow up after an interview (templates inside)",
    "Offer season: negotiate like a pro",
    "We reviewed 1,000 applications. Here's what got interviews",
    "Thank you for applying these 7 resume fixes",
    "Next steps: your weekly job-search plan",
    "Congratulations! You've unlocked our salary guide",
)
NEWSLETTER_BODY = (
    "This week: how hiring managers read your application, what to say when a recruiter calls, and why "
    "\"we'll keep your resume on file\" is not the end.\n\n1. Prepare three stories.\n2. Ask about next steps."
    "\n3. Send a thank-you note within 24 hours.\n\nUnsubscribe: {link}"
)

# Everyday mail, some of it sharing job-search vocabulary.
NOT_JOB: tuple[tuple[str, str, str, str], ...] = (
    ("Northside Books", "orders@northsidebooks.example", "Your order #{n} has shipped",
     "Hi {first}, good news: your order is on its way."),
    ("Maple Street Lettings", "lettings@maplestreet.example", "Your rental application has been received",
     "Thank you for applying for the flat. We'll be in touch after the viewing."),
    ("City Library", "noreply@citylibrary.example", "Your library card application is approved",
     "Welcome! Your card is ready to collect."),
    ("Sam", "sam.rivers@example.org", "Re: dinner on Friday?", "Friday works! 7pm at ours?"),
    ("Riverbank Savings", "statements@riverbank.example", "Your monthly statement is ready",
     "Your statement for last month is available in online banking."),
    ("Long Form Podcast", "hello@longform.example", "New episode: an interview with a bestselling author",
     "This week we sit down with a novelist to talk about rejection letters and persistence."),
    ("Gym Central", "team@gymcentral.example", "Congratulations on your 10th visit!",
     "Keep it up, {first}! Here's a free smoothie voucher."),
)

ROLES: tuple[str, ...] = (
    "Data Analyst", "Senior Data Analyst", "Analytics Engineer", "Data Scientist", "Product Analyst",
    "Business Intelligence Analyst", "Machine Learning Engineer", "Data Engineer", "Marketing Analyst",
    "Insights Manager", "Quantitative Analyst", "Research Analyst", "Operations Analyst",
    "Staff Data Scientist", "Analytics Manager", "Growth Analyst",
)
COMPANY_STEMS: tuple[str, ...] = (
    "Acme", "Bluefin", "Cobalt", "Driftwood", "Ember", "Fernhill", "Granite", "Harbor", "Ironleaf", "Juniper",
    "Kestrel", "Lumen", "Marlow", "Northwind", "Oakridge", "Pinecone", "Quarry", "Redwood", "Saltmarsh",
    "Tidewater", "Umberline", "Vantage", "Willowby", "Yarrow", "Zephyr", "Brightwater", "Copperfield",
    "Larkspur", "Moonstone", "Silverline",
)
COMPANY_KINDS: tuple[str, ...] = (
    "", " Analytics", " Labs", " Health", " Logistics", " Bank", " Software", " Energy", " Media", " Systems",
)
# How companies spell themselves in mail; the truth always uses the plain name.
COMPANY_VARIANTS: tuple[str, ...] = ("{name}", "{name} Inc.", "{upper}", "{name} Careers", "{name} Talent Team")
LOCAL_SUFFIX: dict[str, str] = {"de": "{name} GmbH", "fr": "{name} SAS", "es": "{name} S.L.", "ja": "{name}株式会社"}

FIRST_NAMES: tuple[str, ...] = ("Jordan", "Priya", "Mateo", "Hannah", "Kenji", "Amara", "Lukas", "Chloe",
                                "Diego", "Yuki", "Noor", "Elena", "Tomasz", "Grace", "Omar", "Ines")
LAST_NAMES: tuple[str, ...] = ("Ellison", "Varga", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Reyes",
                               "Fischer", "Brennan", "Castillo", "Novak", "Haddad", "Sato", "Whitfield")
RECRUITER_TITLES: tuple[str, ...] = ("Technical Recruiter", "Talent Partner", "Senior Recruiter",
                                     "Talent Acquisition Lead", "Recruiting Coordinator")
AGENCIES: tuple[str, ...] = ("talentbridge.example", "northstar-search.example", "peoplefirst-recruiting.example")
