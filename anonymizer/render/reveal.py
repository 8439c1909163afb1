"""``anonymize reveal``: put the real values back, for the key holder (issue 16).

Every kind the map holds is restored, in one pass over the text in which a restored span
is never looked at again (a real value that happens to look like another pseudonym stays
as it is):

1. **Exact forms.**  The map remembers the exact text that replaced each occurrence
   (``PseudonymMap.rendered``: ``Océane`` -> ``Hélène``, ``LUC`` -> ``JEAN``,
   ``06 39 98 02 51`` -> ``06 12 34 56 78``, ``FR76 …`` -> ``FR76 …``, a shifted date, GPS
   coordinates…): those come back byte for byte.
2. **Values the map knows but not in that form** (a map from an older version, a file
   edited by hand, identifiers written by the JSON formats): e-mails, URLs, IPs, handles
   and account ids (the fake part, any prefix kept); IBANs, cards and national IDs with any
   grouping; phone numbers with any separators (the fake's digits replaced by the real
   ones); names, cities and streets in any case, accents dropped where the text dropped them.
3. **What cannot come back** is said: redacted values (``<IBAN>`` keeps nothing), house
   numbers (keyed, not stored), and any pseudonym of the map still in the text.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..textutil import case_like, fold, has_accents, name_tokens, strip_accents
from .policy import KINDS, redact_label

_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d")
_PHONE_RUN = re.compile(r"(?:\+|00)?[\d(][\d\s.\-/()\u00a0\u202f\u2011]*\d(?!\d)")
_ALNUM_RUN = re.compile(r"[0-9A-Za-z_]+")
_COMPACT_KINDS = {"iban": "IBAN_CODE", "card": "CREDIT_CARD", "fr_nir": "NATIONAL_ID",
                  "es_dni": "NATIONAL_ID", "es_nie": "NATIONAL_ID", "uk_nino": "NATIONAL_ID",
                  "us_ssn": "NATIONAL_ID", "de_idnr": "NATIONAL_ID"}
_EXACT_KINDS = {"email": "EMAIL_ADDRESS", "url": "URL", "ip": "IP_ADDRESS",
                "handle": "SOCIAL_HANDLE", "postcode": "POSTCODE"}
_FOLDED_KINDS = {"first": "PERSON", "last": "PERSON", "city": "CITY", "street": "STREET_ADDRESS"}
_REDACTED = re.compile("<(?:" + "|".join(sorted({re.escape(redact_label(k)[1:-1]) for k in KINDS},
                                                 key=len, reverse=True)) + ")>")


@dataclass
class Revealed:
    text: str
    count: int = 0
    kinds: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)   # what could not be restored (no values)


class _Lookup:
    """Many strings found in one left-to-right pass: each is indexed by its first word
    token, so a text is read once whatever the number of strings (longest match first)."""

    def __init__(self, items):
        self.index: dict[str, list[tuple[int, str]]] = {}
        for s in items:
            m = _WORD.search(s)
            if m:
                self.index.setdefault(m.group(), []).append((m.start(), s))
        for lst in self.index.values():
            lst.sort(key=lambda t: -len(t[1]))

    def finditer(self, text: str):
        pos = 0
        for m in _WORD.finditer(text):
            if m.start() < pos:
                continue
            for off, s in self.index.get(m.group(), ()):
                a = m.start() - off
                b = a + len(s)
                if a >= pos and text.startswith(s, a) and _bounded(text, a, b, s):
                    yield a, b, s
                    pos = b
                    break


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _bounded(text: str, a: int, b: int, s: str) -> bool:
    """No letter or digit glued to a value that starts / ends with one."""
    if _is_word(s[0]) and a > 0 and _is_word(text[a - 1]):
        return False
    return not (_is_word(s[-1]) and b < len(text) and _is_word(text[b]))


class _Edits:
    """Replacements on the original text; a span once restored is never matched again."""

    def __init__(self, text: str):
        self.text = text
        self.taken = bytearray(len(text))
        self.reps: list[tuple[int, int, str]] = []
        self.kinds: Counter = Counter()

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def add(self, a: int, b: int, new: str, kind: str) -> None:
        if b <= a or not self.free(a, b):
            return
        self.taken[a:b] = b"\x01" * (b - a)
        if new != self.text[a:b]:
            self.reps.append((a, b, new))
            self.kinds[kind] += 1

    def render(self) -> str:
        out, pos = [], 0
        for a, b, new in sorted(self.reps):
            out.append(self.text[pos:a])
            out.append(new)
            pos = b
        out.append(self.text[pos:])
        return "".join(out)


# ---------------------------------------------------------------------- passes
def _exact_forms(ed: _Edits, pmap) -> None:
    forms: dict[str, tuple[str, str]] = {}
    for kind, table in getattr(pmap, "rendered", {}).items():
        for fake, real in table.items():
            forms.setdefault(fake, (real, kind))
    for kind, label in _EXACT_KINDS.items():
        for real, fake in pmap.entries.get(kind, {}).items():
            if kind == "postcode":
                real = real.split(":", 1)[-1]
            forms.setdefault(fake, (real, label))
    for a, b, s in _Lookup(forms).finditer(ed.text):
        real, kind = forms[s]
        ed.add(a, b, real, kind)


def _identifiers(ed: _Edits, pmap) -> None:
    """Account ids: the fake part after a kept letter prefix (``user5830…``, ``U7QK…``)."""
    ids: dict[str, str] = {}
    for kind, table in pmap.entries.items():
        if kind.startswith("id:"):
            for real, fake in table.items():
                ids.setdefault(fake, real)
    if not ids:
        return
    for m in _ALNUM_RUN.finditer(ed.text):
        run = m.group()
        first_digit = next((i for i, c in enumerate(run) if c.isdigit()), 0)
        for i in sorted({0, 1, first_digit}):
            if i and not run[:i].replace("_", "").isalpha():
                continue
            real = ids.get(run[i:])
            if real is not None:
                ed.add(m.start() + i, m.end(), real, "ID")
                break


def _compact(ed: _Edits, pmap) -> None:
    """IBANs, cards, national IDs: the fake's characters with any spaces, dots, dashes."""
    for kind, label in _COMPACT_KINDS.items():
        for real, fake in pmap.entries.get(kind, {}).items():
            if len(fake) != len(real):
                continue
            rx = re.compile(r"(?<![0-9A-Za-z])" + r"[\s.\-/]?".join(re.escape(c) for c in fake)
                            + r"(?![0-9A-Za-z])", re.I)
            for m in rx.finditer(ed.text):
                it = iter(real)
                new = "".join((lambda r: r.lower() if c.islower() else r)(next(it)) if c.isalnum()
                              else c for c in m.group())
                ed.add(m.start(), m.end(), new, label)


def _phones(ed: _Edits, pmap) -> None:
    """The fake's national digits, any separators: the real digits put in their place."""
    by_nsn: dict[str, str] = {}
    for real, fake in pmap.entries.get("phone", {}).items():
        fd = "".join(_DIGITS.findall(fake))[-9:]
        rd = "".join(_DIGITS.findall(real))[-9:]
        if len(fd) == len(rd):
            by_nsn.setdefault(fd, rd)
    if not by_nsn:
        return
    lengths = sorted({len(k) for k in by_nsn}, reverse=True)
    for m in _PHONE_RUN.finditer(ed.text):
        run = m.group()
        digits = "".join(_DIGITS.findall(run))
        for n in lengths:
            rd = by_nsn.get(digits[-n:]) if len(digits) >= n else None
            if rd is None:
                continue
            out, i = list(run), n - 1
            for j in range(len(out) - 1, -1, -1):
                if out[j].isdigit() and i >= 0:
                    out[j] = rd[i]
                    i -= 1
            ed.add(m.start(), m.end(), "".join(out), "PHONE_NUMBER")
            break


def _display_forms(pmap) -> dict[str, str]:
    """folded token -> the best way it was written (accents, capitals) in the map's
    exact forms: ``helene`` -> ``Hélène``."""
    best: dict[str, str] = {}
    for kind in ("PERSON", "CITY", "STREET_ADDRESS"):
        for real in getattr(pmap, "rendered", {}).get(kind, {}).values():
            for tok in name_tokens(real):
                k = fold(tok)
                old = best.get(k)
                score = (has_accents(tok), tok[:1].isupper() and not tok.isupper())
                if old is None or score > (has_accents(old), old[:1].isupper() and not old.isupper()):
                    best[k] = tok
    return best


def _folded(ed: _Edits, pmap) -> None:
    """Names, cities, streets in any case; accents dropped where the text dropped them."""
    fakes: dict[str, tuple[str, str, str]] = {}   # folded fake -> (fake, real, kind)
    for kind, label in _FOLDED_KINDS.items():
        for real, fake in pmap.entries.get(kind, {}).items():
            fakes.setdefault(fold(fake), (fake, real, label))
        for fake, real in getattr(pmap, "retired", {}).get(kind, {}).items():
            fakes.setdefault(fold(fake), (fake, real, label))
    if not fakes:
        return
    display = _display_forms(pmap)
    folded = fold(ed.text)
    for a, b, _s in _Lookup(fakes).finditer(folded):
        fake, real, kind = fakes[_s]
        found = ed.text[a:b]
        shown = display.get(fold(real)) or (real[:1].upper() + real[1:])
        if has_accents(fake) and not has_accents(found):
            shown = strip_accents(shown)   # the text dropped the accents: so did the real one
        ed.add(a, b, case_like(found, shown), kind)


def reveal(text: str, pmap) -> Revealed:
    """Every pseudonym of ``pmap`` in ``text`` put back to the real value (see the module doc)."""
    ed = _Edits(text)
    for step in (_exact_forms, _identifiers, _compact, _phones, _folded):
        step(ed, pmap)
    out = Revealed(ed.render(), len(ed.reps), ed.kinds)
    red = Counter(m.group() for m in _REDACTED.finditer(text))
    if red:
        out.notes.append(f"{sum(red.values())} redacted value(s) ({', '.join(sorted(red))}) "
                         f"cannot be restored: redaction keeps no value")
    if pmap.entries.get("street"):
        out.notes.append("house numbers were replaced by a keyed number without a table: "
                         "they are not restored")
    left = _left_over(out.text, ed, pmap)
    if left:
        out.notes.append(f"{sum(left.values())} pseudonym(s) of the map could not be restored "
                         f"({', '.join(f'{k} {n}' for k, n in sorted(left.items()))})")
    return out


def _left_over(new_text: str, ed: _Edits, pmap) -> Counter:
    """Fakes of the map still in the text, outside what was restored."""
    fakes: dict[str, str] = {}
    for kind, table in pmap.entries.items():
        if kind in ("phone", "gps_offset", "date_shift", "dob", "house") or kind in _FOLDED_KINDS:
            continue
        for fake in table.values():
            if len(fake) >= 4:
                fakes.setdefault(fake, kind)
    left: Counter = Counter()
    for a, b, s in _Lookup(fakes).finditer(ed.text):
        if ed.free(a, b):
            left[fakes[s]] += 1
    return left


def reveal_text(text: str, pmap) -> tuple[str, int]:
    """``(text with the real values, number restored)`` (see :func:`reveal`)."""
    r = reveal(text, pmap)
    return r.text, r.count
