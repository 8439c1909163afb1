"""Export formats: parse into records, render back byte-identical but for replaced spans."""
from __future__ import annotations

from ..errors import InputError
from .base import TEXT, Record, Span, split_lines, strip_eol
from .whatsapp import WhatsAppParser, collect_senders, looks_like_chunk, looks_like_whatsapp

FORMATS = ("whatsapp", "chunk", "plain")


def detect_format(text: str) -> str:
    sample = text[:200_000]
    if looks_like_chunk(sample):
        return "chunk"
    if looks_like_whatsapp(sample) >= 0.2:
        return "whatsapp"
    return "plain"


def parse_plain(text: str):
    for i, line in enumerate(split_lines(text)):
        rec = Record(raw=line, kind=TEXT, index=i)
        bare = strip_eol(line)
        if bare:
            rec.bodies.append(Span(0, len(bare)))
        yield rec


def parse(text: str, fmt: str):
    if fmt in ("whatsapp", "chunk"):
        senders = collect_senders(split_lines(text))
        return WhatsAppParser(senders).parse_text(text)
    if fmt == "plain":
        return parse_plain(text)
    raise InputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
