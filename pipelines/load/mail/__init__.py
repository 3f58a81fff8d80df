"""Reading a mailbox export (issue 19): `read_mail` turns a .mbox, .eml, folder or .zip into messages.

Only the reader so far: nothing here classifies or stores. See docs/mail.md for what is kept.
"""

from pipelines.load.mail.body import Invitation
from pipelines.load.mail.message import Mail, Source
from pipelines.load.mail.read import MailRead, Refused, each_mail, read_mail

__all__ = ["Invitation", "Mail", "MailRead", "Refused", "Source", "each_mail", "read_mail"]
