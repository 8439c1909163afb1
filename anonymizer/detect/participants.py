"""Participants (known from the chat's structure) wherever a body mentions them.

One regular expression over the folded text (lowercase, accents stripped, same length),
longest variants first, bounded by non-letters: finds ``Jean Dupont``, ``jean``,
``DUPONT``, ``Hélène``/``helene``, ``@Jean``, ``Jean's``; also inside camel-case words and
hashtags (``#TeamJulien``, ``GwenaelleAuBoulot``) and elongated (``mariiie``, ``SOIZIIIC``:
a run of three or more letters stands for one or two).  Every candidate place is then judged
by the one mention rule (:mod:`anonymizer.detect.mention`) in the chat's language, unless the
text is itself a label (a sender, a structural name): ``ma vieille Clio`` is a car,
``that's what she said`` holds no ``Saïd``.  Detection replaces what :meth:`find` returns and
the verifier post-scans the output with the same :meth:`find`.
"""
from __future__ import annotations

import regex

from ..identities import Identities
from ..textutil import fold
from .base import PERSON, Finding
from .mention import camel_parts, is_mention

_SEP = "[ \u00a0\u202f\\-]"
# genitive/possessive endings kept after a name (reveal.py puts names back before them too)
NAME_SUFFIXES = "s|n|in|en"
_RUN3 = regex.compile(r"(\p{L})\1\1")
_RANK = {"full": 0, "first": 1, "last": 2, "nick": 3}
_HYPHENATED = regex.compile(r"-\p{Lu}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*(?![\p{L}\p{M}\p{N}])")
_GIVEN_BEFORE = regex.compile(r"(?<![\p{L}\p{M}\p{N}'’@#])(\p{Lu}[\p{Ll}\p{M}]{2,}) $")


def _widen(text: str, s: int, e: int, role: str) -> tuple[int, int, bool]:
    """A known name part inside a longer name is that longer name: a capitalised hyphenated
    part after it ("Kerensa Tregear" + "-Polglase"), a capitalised given name that is no word
    before a known surname alone ("Zenzi" + "Schwarzenböck"): nothing of the name is left."""
    widened = False
    m = _HYPHENATED.match(text, e)
    if m is not None and text[s:s + 1].isupper():
        e, widened = m.end(), True
    if role == "last":
        b = _GIVEN_BEFORE.search(text, max(0, s - 40), s)
        if b is not None:
            from .gazetteer import detector
            g = detector()
            # (not when the known "surname" is a given name itself: "Szia Péter!" to Kovács Péter,
            # a Hungarian name written surname first)
            if not g.is_first_name(text[s:e]) and g.given_name_like(b.group(1)):
                s, widened = b.start(1), True
    return s, e, widened


def squeeze(s: str) -> tuple[str, list[int]]:
    """``s`` with every run of one letter written once, and the index in ``s`` of each kept letter."""
    out, at = [], []
    for i, c in enumerate(s):
        if out and c == out[-1] and c.isalpha():
            continue
        out.append(c)
        at.append(i)
    return "".join(out), at


def _alternation(keys) -> str:
    alts = sorted(keys, key=lambda s: (-len(s), s))
    return "|".join(_SEP.join(regex.escape(w) for w in regex.split(r"[ \-]", a)) for a in alts)


class ParticipantMatcher:
    def __init__(self, identities: Identities, lang: str | None = None):
        self.identities = identities
        self.lang = lang  # the chat's language, the default of find (the engine sets it per document)
        self._version = -1
        self._rx = None
        self._srx = None
        self._table: dict[str, tuple[str, object]] = {}
        self._squeezed: dict[str, tuple[str, object]] = {}

    def _build(self):
        table: dict[str, tuple[str, object]] = {}
        ambiguous: set[str] = set()
        for text, role, person in self.identities.variants():
            k = fold(text)
            if len(k) < 2:
                continue
            old = table.get(k)
            if old is None:
                table[k] = (role, person)
                continue
            orole, operson = old
            if "nick" in (role, orole):
                if role != "nick":  # a real name wins over somebody's nickname
                    table[k] = (role, person)
                    ambiguous.discard(k)
                elif orole == "nick" and operson is not person:
                    ambiguous.add(k)  # two people's nickname: nobody's
                continue
            better = (_RANK[role], person.dynamic, -person.messages, person.key) < \
                     (_RANK[orole], operson.dynamic, -operson.messages, operson.key)
            if better:
                table[k] = (role, person)
        for k in ambiguous:
            table.pop(k, None)
        self._table = table
        squeezed: dict[str, tuple[str, object]] = {}
        for k, v in table.items():
            if len(k) >= 3 and k.replace(" ", "").replace("-", "").isalpha():
                squeezed.setdefault(squeeze(k)[0], v)
        self._squeezed = squeezed
        if table:
            # an optional genitive/possessive ending (Finnish "Sannan", German "Friederikes")
            # is accepted on capitalised occurrences only (checked in find)
            self._rx = regex.compile(rf"(?<![\p{{L}}\p{{M}}\p{{N}}])(?P<name>{_alternation(table)})(?P<suf>{NAME_SUFFIXES})?(?![\p{{L}}\p{{M}}\p{{N}}])")
            self._srx = regex.compile(rf"(?<![\p{{L}}\p{{M}}\p{{N}}])(?P<name>{_alternation(squeezed)})(?![\p{{L}}\p{{M}}\p{{N}}])") \
                if squeezed else None
        else:
            self._rx = self._srx = None
        self._version = self.identities.version

    def _entry(self, name: str, table):
        key = regex.sub(_SEP, lambda mm: " " if mm.group() != "-" else "-", name)
        entry = table.get(key)
        if entry is None:
            entry = table.get(key.replace("-", " ")) or table.get(key.replace(" ", "-"))
        return entry

    def find(self, text: str, lang: str | None = None, label: bool = False) -> list[Finding]:
        """Mentions of known people in ``text``.  ``lang``: the language of the text (default:
        the chat's, :attr:`lang`); ``label``: ``text`` is a sender or a structural name, a name
        by construction (no mention rule)."""
        if self._version != self.identities.version:
            self._build()
        if self._rx is None:
            return []
        lang = lang or self.lang
        folded = fold(text)
        out = []
        taken: list[tuple[int, int]] = []

        def accept(s, e, role, person, rule=True):
            if label and person.dynamic and role not in ("full", "nick") and not text[s:s + 1].isupper():
                return  # names found by NER only: a lowercase label is not theirs
            if rule and not label and not is_mention(text, s, e, lang, folded, person.dynamic):
                return
            data = {"role": "first" if role == "nick" else role, "person": person}
            if not label:
                s, e, widened = _widen(text, s, e, role)
                if widened:
                    data = {}  # another person, who shares a name part: "Kerensa Tregear-Polglase",
                    # "Zenzi Schwarzenböck" beside Vroni Schwarzenböck (rendering makes them a person)
            out.append(Finding(s, e, PERSON, text[s:e], 1.0, "participant", data))
            taken.append((s, e))

        for m in self._rx.finditer(folded):
            if m.group("suf") and (not text[m.start():m.start() + 1].isupper() or len(m.group("name")) < 4):
                continue
            entry = self._entry(m.group("name"), self._table)
            if entry is not None:
                s, e = m.span("name")
                accept(s, e, entry[0], entry[1])
        if label:
            return out
        # camel case and hashtags: "#TeamJulien", "#JoyeuxAnnivGaïdig", "GwenaelleAuBoulot"
        for cuts in camel_parts(text):
            a, b = cuts[0], cuts[-1]
            for i in range(len(cuts) - 1):
                for j in range(i + 1, min(len(cuts), i + 4)):
                    s, e = cuts[i], cuts[j]
                    if (s, e) == (a, b) or any(x < e and s < y for x, y in taken):
                        continue
                    entry = self._table.get(folded[s:e])
                    if entry is not None and len(folded[s:e]) >= 3:
                        accept(s, e, entry[0], entry[1], rule=False)
        # elongated: "mariiie", "SOIZIIIC", "youennn"
        if self._srx is not None and _RUN3.search(folded):
            sq, at = squeeze(folded)
            for m in self._srx.finditer(sq):
                s, e = at[m.start()], at[m.end() - 1] + 1
                while e < len(folded) and folded[e] == folded[e - 1]:
                    e += 1
                if any(x < e and s < y for x, y in taken) or not _RUN3.search(folded, s, e):
                    continue
                entry = self._entry(m.group("name"), self._squeezed)
                if entry is not None:
                    accept(s, e, entry[0], entry[1])
        if len(taken) > 1:
            out.sort(key=lambda f: f.start)
        return out
