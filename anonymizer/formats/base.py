"""The record model shared by every text format.

A parser turns an export into a sequence of :class:`Record` objects whose ``raw`` strings,
concatenated, give back the input text exactly.  Each record says which of its character
ranges are structure (timestamp headers, kept as they are), which are sender labels and
participant names (known people, by construction) and which are free text to scan.
Rendering applies replacements inside ``raw`` and concatenates again, so the output is
byte-identical to the input except for the replaced spans.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

# record kinds
MESSAGE = "message"          # header + sender + body
SYSTEM = "system"            # header + system text (may name participants)
CONTINUATION = "continuation"  # lines continuing a message begun before this file/chunk
META = "meta"                # chunk metadata / separator lines
TEXT = "text"                # plain-text fallback: one line of free text


@dataclass
class Span:
    start: int
    end: int
    role: str = "body"  # body | sender | name | phone_sender

    def text(self, raw: str) -> str:
        return raw[self.start:self.end]


@dataclass
class Record:
    raw: str
    kind: str
    header: Span | None = None      # the timestamp part, kept byte-for-byte
    sender: Span | None = None      # sender label (without ~NNBSP / U+202A..C wrappers)
    bodies: list[Span] = field(default_factory=list)  # free text to scan
    names: list[Span] = field(default_factory=list)   # participant names found by structure
    timestamp: str | None = None
    index: int = 0                  # position in the file (0-based)

    @property
    def sender_text(self) -> str | None:
        return self.sender.text(self.raw) if self.sender else None

    def structural_spans(self) -> list[Span]:
        out = []
        if self.sender:
            out.append(self.sender)
        out.extend(self.names)
        return out


@dataclass
class Replacement:
    start: int
    end: int
    new: str
    kind: str
    detector: str = ""
    score: float = 1.0
    original: str = ""
    kept: bool = False   # left as it is on purpose (policy keep, accepted, a pseudonym already)


def apply_replacements(raw: str, reps: Iterable[Replacement]) -> str:
    """Apply non-overlapping replacements (any order) to ``raw``."""
    reps = sorted(reps, key=lambda r: r.start)
    out = []
    pos = 0
    for r in reps:
        if r.start < pos:  # overlapping: keep the first (engine resolves overlaps before)
            continue
        out.append(raw[pos:r.start])
        out.append(r.new)
        pos = r.end
    out.append(raw[pos:])
    return "".join(out)


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> Iterator[str]:
    """Split keeping line terminators (\\n, \\r\\n, lone \\r), nothing else.

    Same convention as iterating a file opened with ``newline=''``.  ``str.splitlines``
    would also split on U+2028, \\x0b, \\x1c…, which chat parsers do not.
    """
    for m in _LINE_RE.finditer(text):
        if m.group():
            yield m.group()


def strip_eol(line: str) -> str:
    return line.rstrip("\r\n")
