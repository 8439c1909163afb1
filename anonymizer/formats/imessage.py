"""imessage-exporter ``.txt`` (one file per chat).  Blocks separated by blank lines::

    May 17, 2022  5:29:42 PM (Read by you after 1 hour, 49 seconds)
    Sample Contact
    Hello!

The timestamp is kept; the ``(Read by …)`` note, the body and tapbacks (``Loved by
Sample Contact``) are scanned; the sender line (a contact name or a handle: phone number or
e-mail) is a participant, except ``Me``."""
from __future__ import annotations

import re

from .base import CONTINUATION, MESSAGE, META, Record, Span, split_lines, strip_eol

FMT = "imessage"
STAMP = re.compile(r"(?:[A-Z][a-z]{2,8}) \d{1,2}, \d{4} {1,2}\d{1,2}:\d{2}:\d{2}(?:\s?[AP]M)?")
SELF = {"Me"}


def looks_like(text: str) -> float:
    lines = [strip_eol(l) for l in list(split_lines(text[:50_000]))[:400]]
    stamps = sum(1 for l in lines if STAMP.match(l))
    blocks = sum(1 for l in lines if not l.strip()) + 1
    return min(1.0, stamps / blocks) if stamps else 0.0


def parse(text: str):
    expect_sender = False
    for i, line in enumerate(split_lines(text)):
        bare = strip_eol(line)
        m = STAMP.match(bare)
        if m:
            rec = Record(raw=line, kind=MESSAGE, header=Span(0, m.end(), "header"),
                         timestamp=m.group(), index=i)
            if len(bare) > m.end():
                rec.bodies.append(Span(m.end(), len(bare)))
            expect_sender = True
        elif expect_sender and bare.strip():
            rec = Record(raw=line, kind=META, index=i)
            if bare.strip() not in SELF:
                s = len(bare) - len(bare.lstrip())
                rec.sender = Span(s, len(bare.rstrip()), "sender")
            expect_sender = False
        else:
            rec = Record(raw=line, kind=CONTINUATION if bare.strip() else META, index=i)
            if bare.strip():
                rec.bodies.append(Span(0, len(bare)))
            expect_sender = False
        yield rec
