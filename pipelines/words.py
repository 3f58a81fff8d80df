"""Counts in plain words: "1 application", "2 applications", "1,204 rows"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and its noun, singular for exactly one ("1 application", never "1 applications")."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {plural or noun + 's'}"
