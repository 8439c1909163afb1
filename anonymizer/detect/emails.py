"""E-mail addresses (regex from rules/recognizers.yaml)."""
from __future__ import annotations

from .base import EMAIL, Finding
from .patterns import compiled_patterns


def find_emails(text: str) -> list[Finding]:
    if "@" not in text:
        return []
    out = []
    for rx, score in compiled_patterns(EMAIL):
        for m in rx.finditer(text):
            out.append(Finding(m.start(), m.end(), EMAIL, m.group(), score, "email"))
    return out
