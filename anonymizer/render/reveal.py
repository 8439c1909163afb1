"""``anonymize reveal``: put the real values back, for the key holder (issue 16).

Every kind the map holds is restored, in one pass over the text in which a restored span
is never looked at again (a real value that happens to look like another pseudonym stays
as it is):

1. **Exact forms.**  The map remembers the exact text that replaced each occurrence
   (``PseudonymMap.rendered``: ``Océane`` -> ``Hélène``, ``LUC`` -> ``JEAN``,
   ``06 39 98 02 51`` -> ``06 12 34 56 78``, ``FR76 …`` -> ``FR76 …``, a shifted date, GPS
   coordinates, a street with its number…): those come back byte for byte.
2. **Values the map knows but not in that form** (a map from an older version, identifiers
   written by the JSON formats): e-mails, URLs, IPs, handles and account ids (the fake
   part, any letter prefix kept); IBANs, cards and national IDs with any grouping; phone
   numbers with any separators (the fake's digits replaced by the real ones); names, cities
   and streets in any case — unless the map knows how that fake was written (then every
   genuine occurrence was restored by pass 1, and this one is an ordinary word: "2 pages").
3. **What cannot come back** is said: redacted values (``<IBAN>`` keeps nothing), house
   numbers outside a street (keyed, not stored), and pseudonyms of the map still present.

JSON exports are revealed string by string through the same editor as the forward run, so
each value is written back in the document's own escaping (``\\u00e9``, Facebook mojibake).
Names keep a genitive ending written after them (``Lucys`` -> ``Friederikes``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..detect.participants import NAME_SUFFIXES
from ..formats.base import Replacement, apply_replacements
from ..textutil import case_like, fold, has_accents, name_tokens, strip_accents
from .policy import KINDS, redact_label

_WORD = re.compile(r"[^\W_]+")   # letters and digits: "_" separates, as in the name matcher
_DIGITS = re.compile(r"\d")
_PHONE_RUN = re.compile(r"(?:\+|00)?[\d(][\d\s.\-/()\u00a0\u202f\u2011]*\d(?!\d)")
_ALNUM_RUN = re.compile(r"[0-9A-Za-z_]+")
_SUFFIXES = NAME_SUFFIXES.split("|")
_SUFFIX = re.compile(rf"(?:{NAME_SUFFIXES})(?![^\W_])")
_COMPACT_KINDS = {"iban": "IBAN_CODE", "card": "CREDIT_CARD", "fr_nir": "NATIONAL_ID",
                  "es_dni": "NATIONAL_ID", "es_nie": "NATIONAL_ID", "uk_nino": "NATIONAL_ID",
                  "us_ssn": "NATIONAL_ID", "de_idnr": "NATIONAL_ID"}
_EXACT_KINDS = {"email": "EMAIL_ADDRESS", "url": "URL", "ip": "IP_ADDRESS",
                "handle": "SOCIAL_HANDLE", "postcode": "POSTCODE"}
_FOLDED_KINDS = {"first": "PERSON", "last": "PERSON", "city": "CITY", "street": "STREET_ADDRESS"}
# tables with a pass of their own, or whose keys are not the text that was replaced
# (restored from the exact forms only: plates, dates of birth, the GPS and date offsets)
_OWN_PASS = {"phone", "plate", "dob", "gps_offset", "date_shift", *_COMPACT_KINDS, *_FOLDED_KINDS}
_NAMEISH = {"PERSON", "CITY", "STREET_ADDRESS"}
_REDACTED = re.compile("<(?:" + "|".join(sorted({re.escape(redact_label(k)[1:-1]) for k in KINDS},
                                                 key=len, reverse=True)) + ")>")


@dataclass
class Revealed:
    text: str
    count: int = 0
    kinds: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)   # what could not be restored (no values)


def _is_word(c: str) -> bool:
    return c.isalnum()


class _Lookup:
    """Many strings found in one left-to-right pass: each is indexed by its first word
    token, so a text is read once whatever the number of strings (longest match first).
    ``suffixed``: strings that may be followed by a name ending (``Lucys``)."""

    def __init__(self, items, suffixed=frozenset()):
        self.suffixed = suffixed
        self.index: dict[str, list[tuple[int, str]]] = {}
        for s in items:
            m = _WORD.search(s)
            if m:
                self.index.setdefault(m.group(), []).append((m.start(), s))
        for lst in self.index.values():
            lst.sort(key=lambda t: -len(t[1]))

    def _end_ok(self, text: str, b: int, s: str) -> bool:
        if not _is_word(s[-1]) or b >= len(text) or not _is_word(text[b]):
            return True
        return s in self.suffixed and _SUFFIX.match(text, b) is not None

    def finditer(self, text: str):
        pos = 0
        for m in _WORD.finditer(text):
            if m.start() < pos:
                continue
            for off, s in self.index.get(m.group(), ()):
                a = m.start() - off
                b = a + len(s)
                if a >= pos and text.startswith(s, a) and not (
                        _is_word(s[0]) and a > 0 and _is_word(text[a - 1])) and self._end_ok(text, b, s):
                    yield a, b, s
                    pos = b
                    break
            else:
                # the token may end in a name ending ("Lucys", "Brigitten"): the bare name
                hit = self._suffixed(text, m, pos) if self.suffixed else None
                if hit is not None:
                    yield hit
                    pos = hit[1]

    def _suffixed(self, text: str, m, pos: int):
        tok = m.group()
        for suf in _SUFFIXES:
            if len(tok) > len(suf) and tok.endswith(suf):
                for off, s in self.index.get(tok[:-len(suf)], ()):
                    a = m.start()
                    if off == 0 and a >= pos and s in self.suffixed and text.startswith(s, a) and (
                            a == 0 or not _is_word(text[a - 1])):
                        return a, a + len(s), s
        return None


class _Edits:
    """Replacements on one text; a span once restored is never matched again."""

    def __init__(self, text: str):
        self.text = text
        self.taken = bytearray(len(text))
        self.reps: list[Replacement] = []
        self.kinds: Counter = Counter()

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def add(self, a: int, b: int, new: str, kind: str) -> None:
        if b <= a or not self.free(a, b):
            return
        self.taken[a:b] = b"\x01" * (b - a)
        if new != self.text[a:b]:
            self.reps.append(Replacement(a, b, new, kind))
            self.kinds[kind] += 1

    def render(self) -> str:
        return apply_replacements(self.text, self.reps)


class Revealer:
    """The map's reverse tables, built once; :meth:`edits` restores one text."""

    def __init__(self, pmap):
        self.pmap = pmap
        rendered = getattr(pmap, "rendered", {}) or {}
        # 1. exact forms (and the map's own e-mails, URLs, IPs, handles, postcodes)
        self.forms: dict[str, tuple[str, str]] = {}
        for kind, table in rendered.items():
            for fake, real in table.items():
                self.forms.setdefault(fake, (real, kind))
        for kind, table in pmap.entries.items():
            if kind in _OWN_PASS or kind.startswith("id:"):
                continue   # e-mails, URLs, IPs, handles, thread names, --rules kinds: as written
            label = _EXACT_KINDS.get(kind, kind.upper())
            for real, fake in table.items():
                self.forms.setdefault(fake, (real.split(":", 1)[-1] if kind == "postcode" else real, label))
        self.forms_ix = _Lookup(self.forms, {f for f, (_, k) in self.forms.items() if k == "PERSON"})
        # 2. account ids, compact identifiers, phones
        self.ids = {fake: real for kind, table in pmap.entries.items() if kind.startswith("id:")
                    for real, fake in table.items()}
        self.compact = []
        for kind, label in _COMPACT_KINDS.items():
            for real, fake in pmap.entries.get(kind, {}).items():
                if len(fake) == len(real):
                    rx = re.compile(r"(?<![0-9A-Za-z])" + r"[\s.\-/]?".join(re.escape(c) for c in fake)
                                    + r"(?![0-9A-Za-z])", re.I)
                    self.compact.append((rx, real, label))
        self.phones: dict[str, str] = {}
        for real, fake in pmap.entries.get("phone", {}).items():
            fd, rd = "".join(_DIGITS.findall(fake))[-9:], "".join(_DIGITS.findall(real))[-9:]
            if len(fd) == len(rd):
                self.phones.setdefault(fd, rd)
        self.phone_lengths = sorted({len(k) for k in self.phones}, reverse=True)
        # 3. names, cities, streets in any case
        self.folded: dict[str, tuple[str, str, str]] = {}   # folded fake -> (fake, real, kind)
        for kind, label in _FOLDED_KINDS.items():
            for real, fake in pmap.entries.get(kind, {}).items():
                self.folded.setdefault(fold(fake), (fake, real, label))
            for fake, real in (getattr(pmap, "retired", {}) or {}).get(kind, {}).items():
                self.folded.setdefault(fold(fake), (fake, real, label))
        self.folded_ix = _Lookup(self.folded, {k for k, v in self.folded.items() if v[2] == "PERSON"})
        # the fakes whose written forms the map knows: any other form is an ordinary word
        self.known_forms: set[str] = set()
        self.display: dict[str, str] = {}   # folded real token -> best written form
        for kind in _NAMEISH:
            for fake, real in rendered.get(kind, {}).items():
                self.known_forms.update(fold(t) for t in name_tokens(fake))
                for tok in name_tokens(real):
                    k, old = fold(tok), self.display.get(fold(tok))
                    if old is None or _display_rank(tok) > _display_rank(old):
                        self.display[k] = tok

    # ------------------------------------------------------------------ passes
    def edits(self, text: str) -> _Edits:
        ed = _Edits(text)
        for a, b, s in self.forms_ix.finditer(text):
            real, kind = self.forms[s]
            ed.add(a, b, real, kind)
        if self.ids:
            self._identifiers(ed)
        for rx, real, label in self.compact:
            for m in rx.finditer(text):
                it = iter(real)
                ed.add(m.start(), m.end(), "".join(
                    (lambda r, c=c: r.lower() if c.islower() else r)(next(it)) if c.isalnum() else c
                    for c in m.group()), label)
        if self.phones:
            self._phones(ed)
        if self.folded:
            self._folded(ed)
        return ed

    def _identifiers(self, ed: _Edits) -> None:
        """Account ids: the fake part after a kept letter prefix (``user5830…``, ``U7QK…``)."""
        for m in _ALNUM_RUN.finditer(ed.text):
            run = m.group()
            first_digit = next((i for i, c in enumerate(run) if c.isdigit()), 0)
            for i in sorted({0, 1, first_digit}):
                if i and not run[:i].replace("_", "").isalpha():
                    continue
                real = self.ids.get(run[i:])
                if real is not None:
                    ed.add(m.start() + i, m.end(), real, "ID")
                    break

    def _phones(self, ed: _Edits) -> None:
        """The fake's national digits, any separators: the real digits put in their place."""
        for m in _PHONE_RUN.finditer(ed.text):
            run = m.group()
            digits = "".join(_DIGITS.findall(run))
            for n in self.phone_lengths:
                rd = self.phones.get(digits[-n:]) if len(digits) >= n else None
                if rd is None:
                    continue
                out, i = list(run), n - 1
                for j in range(len(out) - 1, -1, -1):
                    if out[j].isdigit() and i >= 0:
                        out[j] = rd[i]
                        i -= 1
                ed.add(m.start(), m.end(), "".join(out), "PHONE_NUMBER")
                break

    def _folded(self, ed: _Edits) -> None:
        """Names, cities, streets in any case; accents dropped where the text dropped them."""
        for a, b, key in self.folded_ix.finditer(fold(ed.text)):
            fake, real, kind = self.folded[key]
            found = ed.text[a:b]
            if key in self.known_forms:
                continue   # the map knows every form this fake was written in (pass 1): an ordinary word
            shown = self.display.get(fold(real)) or (real[:1].upper() + real[1:])
            if has_accents(fake) and not has_accents(found):
                shown = strip_accents(shown)   # the text dropped the accents: so did the real one
            ed.add(a, b, case_like(found, shown), kind)

    # ------------------------------------------------------------------ whole texts
    def left_over(self, ed: _Edits) -> Counter:
        """Fakes of the map (4+ characters, not names) still in the text, not restored."""
        if not hasattr(self, "_left_ix"):
            self._left = {}
            for kind, table in self.pmap.entries.items():
                if kind in ("phone", "gps_offset", "date_shift", "dob") or kind in _FOLDED_KINDS:
                    continue
                for fake in table.values():
                    if len(fake) >= 4:
                        self._left.setdefault(fake, kind)
            self._left_ix = _Lookup(self._left)
        left: Counter = Counter()
        for a, b, s in self._left_ix.finditer(ed.text):
            if ed.free(a, b):
                left[self._left[s]] += 1
        return left


def _display_rank(tok: str):
    return has_accents(tok), tok[:1].isupper() and not tok.isupper()


def reveal(text: str, pmap, fmt: str | None = None) -> Revealed:
    """Every pseudonym of ``pmap`` in ``text`` put back (see the module doc).  A JSON export
    (format detected, or ``fmt``) is revealed string by string in its own escaping."""
    rv = Revealer(pmap)
    if fmt is None and text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        from ..formats import detect_format
        fmt = detect_format(text)
    out = Revealed(text)
    left: Counter = Counter()
    if fmt and fmt not in _TEXT_FORMATS:
        new = _reveal_tree(text, fmt, rv, out, left)
        if new is not None:
            out.text = new
            return _notes(text, out, left, pmap)
    ed = rv.edits(text)
    out.text, out.count, out.kinds = ed.render(), len(ed.reps), ed.kinds
    left = rv.left_over(ed)
    return _notes(text, out, left, pmap)


_TEXT_FORMATS = ("whatsapp", "chunk", "plain", "signal", "imessage", "csv")


def _reveal_tree(text, fmt, rv: Revealer, out: Revealed, left: Counter):
    """Each string value of a JSON / JSON Lines export revealed through the forward run's
    editor (same escaping); None when the text does not parse as that format."""
    from .. import formats
    from ..errors import InputError
    from ..formats.dataset import parse_jsonl
    from ..formats.jsonbase import Collector
    from ..formats.jsondoc import JNum, JStr, parse_json
    try:
        ed = formats.collect_document(Collector(), text, fmt)   # the editor (style) the forward run used
        trees = list(parse_jsonl(text)) if fmt in ("jsonl", "signal-json") else \
            [parse_json(text, 1 if text.startswith("\ufeff") else 0)[0]]
    except (InputError, AttributeError, TypeError, KeyError):
        return None
    stack = list(trees)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, JNum):   # numeric account ids (Telegram user_id)
            real = rv.ids.get(node.value)
            if real is not None:
                ed.replace_value(node, real)
                out.count += 1
                out.kinds["ID"] += 1
        elif isinstance(node, JStr):
            value = ed.value_of(node)
            e = rv.edits(value)
            if e.reps:
                ed.replace_value(node, e.render())
                out.count += len(e.reps)
                out.kinds.update(e.kinds)
            left.update(rv.left_over(e))
    return ed.render()


def _notes(original: str, out: Revealed, left: Counter, pmap) -> Revealed:
    red = Counter(m.group() for m in _REDACTED.finditer(original))
    if red:
        out.notes.append(f"{sum(red.values())} redacted value(s) ({', '.join(sorted(red))}) "
                         f"cannot be restored: redaction keeps no value")
    if pmap.entries.get("street") and not (getattr(pmap, "rendered", {}) or {}).get("STREET_ADDRESS"):
        out.notes.append("house numbers were replaced by a keyed number the map does not "
                         "store: they are not restored")
    if left:
        out.notes.append(f"{sum(left.values())} pseudonym(s) of the map could not be restored "
                         f"({', '.join(f'{k} {n}' for k, n in sorted(left.items()))})")
    return out


def reveal_text(text: str, pmap) -> tuple[str, int]:
    """``(text with the real values, number restored)`` (see :func:`reveal`)."""
    r = reveal(text, pmap)
    return r.text, r.count
