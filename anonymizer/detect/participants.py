"""Participants (known from the chat's structure) wherever a body mentions them.

One regular expression over the folded text (lowercase, accents stripped, same length),
longest variants first, bounded by non-letters: finds ``Jean Dupont``, ``jean``,
``DUPONT``, ``Hélène``/``helene``, ``@Jean``, ``Jean's``.
"""
from __future__ import annotations

import regex

from ..identities import Identities
from ..textutil import fold
from .base import PERSON, Finding

_SEP = "[ \u00a0\u202f\\-]"
# genitive/possessive endings kept after a name (reveal.py puts names back before them too)
NAME_SUFFIXES = "s|n|in|en"


class ParticipantMatcher:
    def __init__(self, identities: Identities):
        self.identities = identities
        self._version = -1
        self._rx = None
        self._table: dict[str, tuple[str, object]] = {}

    def _build(self):
        table: dict[str, tuple[str, object]] = {}
        rank = {"full": 0, "first": 1, "last": 2}
        for text, role, person in self.identities.variants():
            k = fold(text)
            if len(k) < 2:
                continue
            old = table.get(k)
            if old is None:
                table[k] = (role, person)
                continue
            orole, operson = old
            better = (rank[role], person.dynamic, -person.messages, person.key) < \
                     (rank[orole], operson.dynamic, -operson.messages, operson.key)
            if better:
                table[k] = (role, person)
        self._table = table
        if table:
            alts = sorted(table, key=lambda s: (-len(s), s))
            body = "|".join(_SEP.join(regex.escape(w) for w in regex.split(r"[ \-]", a)) for a in alts)
            # an optional genitive/possessive ending (Finnish "Sannan", German "Friederikes")
            # is accepted on capitalised occurrences only (checked in find)
            self._rx = regex.compile(rf"(?<![\p{{L}}\p{{M}}\p{{N}}])(?P<name>{body})(?P<suf>{NAME_SUFFIXES})?(?![\p{{L}}\p{{M}}\p{{N}}])")
        else:
            self._rx = None
        self._version = self.identities.version

    def find(self, text: str) -> list[Finding]:
        if self._version != self.identities.version:
            self._build()
        if self._rx is None:
            return []
        folded = fold(text)
        out = []
        for m in self._rx.finditer(folded):
            if m.group("suf") and (not text[m.start():m.start() + 1].isupper() or len(m.group("name")) < 4):
                continue
            key = regex.sub(_SEP, lambda mm: " " if mm.group() != "-" else "-", m.group("name"))
            entry = self._table.get(key)
            if entry is None:
                entry = self._table.get(key.replace("-", " ")) or self._table.get(key.replace(" ", "-"))
            if entry is None:
                continue
            role, person = entry
            s, e = m.span("name")
            if person.dynamic and role != "full":
                # names found by NER only: single tokens must look like names (capitalised)
                if not text[s:s + 1].isupper():
                    continue
            out.append(Finding(s, e, PERSON, text[s:e], 1.0, "participant",
                               {"role": role, "person": person}))
        return out
