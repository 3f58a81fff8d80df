"""Reading a mailbox export (issue 19): `read_mail` turns a .mbox, .eml, folder or .zip into messages,
`classify` tells each one's kind and the rule that decided, `extract` the company and role it is about,
and `assemble` groups them into proposed applications and their events.

The load itself (load.py, match.py) is reached through pipelines.load.ingest (source `mail`). See
docs/mail.md for what is read and what is kept.
"""

from pipelines.load.mail.assemble import Assembled, MailDecision, ProposedApplication, ProposedEvent, assemble
from pipelines.load.mail.body import Invitation
from pipelines.load.mail.classify import APPLICATION_KINDS, IGNORED_KINDS, Classified, classify
from pipelines.load.mail.company import Extracted, extract, normalise
from pipelines.load.mail.message import Mail, Source
from pipelines.load.mail.read import MailRead, Refused, each_mail, read_mail

__all__ = [
    "APPLICATION_KINDS",
    "IGNORED_KINDS",
    "Assembled",
    "Classified",
    "Extracted",
    "Invitation",
    "Mail",
    "MailDecision",
    "MailRead",
    "ProposedApplication",
    "ProposedEvent",
    "Refused",
    "Source",
    "assemble",
    "classify",
    "each_mail",
    "extract",
    "normalise",
    "read_mail",
]
