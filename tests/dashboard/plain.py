"""What a person must never read on a page: `None`, `NaN`, `null`, an identifier joined by underscores,
an unrounded number. Used by the page tests on what AppTest shows (texts, headers, cells as displayed)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORDS = re.compile(r"\b(None|NaN|nan|null|NaT)\b")
_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
_UNROUNDED = re.compile(r"\b\d+\.\d{4,}\b")


def forbidden(texts: Iterable[str]) -> list[str]:
    """Each forbidden token found, with a little of the text around it."""
    found = []
    for text in texts:
        for pattern in (_WORDS, _IDENTIFIER, _UNROUNDED):
            for match in pattern.finditer(text):
                found.append(f"{match.group(0)!r} in {text[max(0, match.start() - 30) : match.end() + 30]!r}")
    return found
