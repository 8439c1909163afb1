"""signal-export ``chat.md`` (``[2024-01-05 12:34:56] Alice: text``; older exports
``[2019-12-24, 12:23] Jane Doe: text``).  Line-based: a header line opens a message, other
lines continue it (quotes ``> …`` included, scanned as text)."""
from __future__ import annotations

import re

from .base import CONTINUATION, MESSAGE, META, SYSTEM, Record, Span, split_lines, strip_eol

FMT = "signal"
HEADER = re.compile(r"\[(\d{4}-\d{2}-\d{2},? \d{1,2}:\d{2}(?::\d{2})?)\] ")


def looks_like(text: str) -> float:
    lines = [strip_eol(l) for l in list(split_lines(text[:50_000]))[:200]]
    lines = [l for l in lines if l.strip()]
    if not lines:
        return 0.0
    return sum(1 for l in lines if HEADER.match(l)) / len(lines)


def parse(text: str):
    for i, line in enumerate(split_lines(text)):
        bare = strip_eol(line)
        m = HEADER.match(bare)
        if m:
            rec = Record(raw=line, kind=MESSAGE, header=Span(0, m.end(), "header"),
                         timestamp=m.group(1), index=i)
            colon = bare.find(": ", m.end())
            if colon > m.end():
                rec.sender = Span(m.end(), colon, "sender")
                if len(bare) > colon + 2:
                    rec.bodies.append(Span(colon + 2, len(bare)))
            else:
                rec.kind = SYSTEM
                if len(bare) > m.end():
                    rec.bodies.append(Span(m.end(), len(bare)))
        else:
            rec = Record(raw=line, kind=CONTINUATION if bare.strip() else META, index=i)
            if bare.strip():
                rec.bodies.append(Span(0, len(bare)))
        yield rec
