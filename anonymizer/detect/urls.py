"""URLs with or without a scheme (regex from rules/recognizers.yaml), trimmed of trailing punctuation."""
from __future__ import annotations

from .base import URL, Finding
from .patterns import compiled_patterns

_TRAIL = ".,;:!?'\"»”’)]}…"


def _trim(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] in _TRAIL:
        ch = text[e - 1]
        if ch == ")" and text.count("(", s, e) >= text.count(")", s, e):
            break
        e -= 1
    return e


def find_urls(text: str) -> list[Finding]:
    if "." not in text:
        return []
    out = []
    for rx, score in compiled_patterns(URL):
        for m in rx.finditer(text):
            s, e = m.start(), _trim(text, m.start(), m.end())
            if e - s < 4:
                continue
            out.append(Finding(s, e, URL, text[s:e], score, "url"))
    return out
