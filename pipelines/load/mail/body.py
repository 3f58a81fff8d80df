"""A message's body as plain text for classifying, and its calendar invitation.

The text exists only in memory, for the classifier to read: it is never stored (docs/mail.md).
text/plain is preferred; an HTML-only message is turned into text with the stdlib's html.parser
(tags dropped, scripts and styles skipped, entities unescaped, white space collapsed). Each part is
decoded from its transfer encoding and its declared charset; a part that does not decode is read
with replacement characters and the message says so in its problems, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from html.parser import HTMLParser

# A job mail's useful text is a few thousand characters; a longer one is a newsletter or a thread
# with every earlier reply quoted. The cap bounds the memory and the classifier's time per message.
MAX_TEXT_CHARS = 100_000
# html.parser's time grows with hostile markup; far more HTML than the text cap can keep is not read.
MAX_HTML_CHARS = 20 * MAX_TEXT_CHARS
# content the reader never sees as text: code, styling, the head, templates
_SKIPPED = frozenset({"script", "style", "head", "template", "noscript", "svg"})
_BREAKS = frozenset(
    {"br", "p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr"}
)
_CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})
# a property line: its name, its parameters (quoted values may hold ':' or ';'), then its value
_PROPERTY = re.compile(r'^([A-Za-z-]+)((?:;[^:;"]*(?:"[^"]*"[^:;"]*)*)*):(.*)$')


@dataclass(frozen=True)
class Invitation:
    """A calendar invitation's event, as the text the .ics holds (DTSTART as written, e.g. 20250110T100000Z)."""

    summary: str
    start: str


class _TextOf(HTMLParser):
    """Collects the text of an HTML document, outside the elements nobody reads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities (&eacute;, &#233;) arrive unescaped
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BREAKS:
            self.pieces.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:  # <br/> is a break, and never opens a skipped element
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in _BREAKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.pieces.append(data)


def collapse(text: str) -> str:
    """White space collapsed within each line, and empty lines dropped."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def html_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return collapse("".join(parser.pieces))


def decoded(part: Message, problems: list[str]) -> str:
    """A text part's content: transfer encoding undone, then its charset decoded.

    Not the content manager's get_content(), which replaces undecodable bytes without saying so:
    here the declared charset is tried strictly, then UTF-8 (mail often declares ASCII and sends
    UTF-8), and only then the declared charset with replacement characters, noted in `problems`.
    """
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    declared = part.get_content_charset() or "us-ascii"
    kind = part.get_content_type()
    try:
        return payload.decode(declared)
    except LookupError:
        problems.append(f"the {kind} part names an unknown character set ({declared[:40]}); read as UTF-8")
        declared = "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"the {kind} part is not valid {declared}; unreadable characters were replaced")
        return payload.decode(declared, errors="replace")
    if declared != "utf-8":
        problems.append(f"the {kind} part says {declared} but is UTF-8; read as UTF-8")
    return text


def body_text(message: EmailMessage, problems: list[str]) -> str:
    """The text to classify: the text/plain body, else the HTML body as text, capped at MAX_TEXT_CHARS."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        problems.append("no text or HTML body")
        return ""
    text = decoded(part, problems)
    if part.get_content_type() == "text/html":
        if len(text) > MAX_HTML_CHARS:
            problems.append(f"the HTML body was cut at {MAX_HTML_CHARS:,} characters before reading it")
            text = text[:MAX_HTML_CHARS]
        text = html_text(text)
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_TEXT_CHARS:
        problems.append(f"the text was cut at {MAX_TEXT_CHARS:,} characters")
        text = text[:MAX_TEXT_CHARS]
    return text


def _unfolded(ics: str) -> list[str]:
    """The .ics content lines, with folded lines (a line break, then a space or a tab) joined (RFC 5545, 3.1)."""
    return re.sub(r"\r?\n[ \t]", "", ics).splitlines()


def _ics_text(value: str) -> str:
    # RFC 5545 TEXT escapes: \n (or \N) is a line break, \, \; \\ the character itself
    return re.sub(r"\\([nN,;\\])", lambda m: "\n" if m[1] in "nN" else m[1], value).strip()


def invitation(message: EmailMessage, problems: list[str]) -> Invitation | None:
    """The first event of the message's first calendar part (its SUMMARY and DTSTART), or None."""
    for part in message.walk():
        if part.get_content_type() not in _CALENDAR_TYPES:
            continue
        summary = start = None
        in_event = False
        for line in _unfolded(decoded(part, problems)[:MAX_TEXT_CHARS]):
            match = _PROPERTY.match(line)
            if match is None:
                continue
            name, value = match[1].upper(), match[3]
            if name in ("BEGIN", "END") and value.strip().upper() == "VEVENT":
                in_event = name == "BEGIN"
                if not in_event:
                    break  # the first event only: an invitation carries one
            elif in_event and name == "SUMMARY" and summary is None:
                summary = _ics_text(value)
            elif in_event and name == "DTSTART" and start is None:
                start = value.strip()
        if summary is not None or start is not None:
            return Invitation(summary=summary or "", start=start or "")
        problems.append("a calendar part holds no event")
    return None
