"""Phone numbers through ``phonenumbers``, in the chat's regions, plus ``@digits`` mentions.

The text is normalised one character for one (NBSP, NNBSP, U+2011 and bidi marks become
plain spaces or hyphens) so that offsets stay valid while libphonenumber sees ordinary
separators.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from ..ruleset import load_yaml
from .base import PHONE, Finding

_NORM = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ",
                       "\u2011": "-", "\u2010": "-", "\u2012": "-", "\u2013": "-",
                       "\u202a": " ", "\u202c": " ", "\u200e": " ", "\u200f": " ",
                       "\u2068": " ", "\u2069": " "})
_DIGITS = re.compile(r"\d")
MENTION_RE = re.compile(r"@\u2068?(\+?\d{7,15})\b")
# "06.12.34.56.78" / "06 12 34 56 78" style runs that libphonenumber's matcher skips in
# some layouts: candidates re-checked with parse(), never accepted unless valid.
_CANDIDATE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[\d \-./()]{6,22})\d(?!\w)")


_DATE_RE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?!\d)")
_WORD_RE = re.compile(r"[^\W\d_]+(?:\.)?")
# words right before a number that make it something else than a phone
_NOT_PHONE_BEFORE = re.compile(r"(?i)(?:n°|no\.?|nº|nr\.?|#|order|commande|cde|ref|réf|référence|reference|bestellung|"
                               r"pedido|factura|facture|invoice|iban|bic|rib|siret|siren|code|pin|km|room|"
                               r"apt\.?|suite|box|zip|cp|plz|colis|tracking|suivi|dossier)\s*[:#]?\s*$")
_MONEY_AFTER = re.compile(r"^\s?(?:€|\$|£|eur|euros?|usd|chf|dollars?|k€|%)", re.I)


def _context_phone_rule():
    data = load_yaml("recognizers.yaml")
    for rec in data.get("recognizers", []):
        if rec.get("name") == "ChatPhoneContextRecognizer":
            rx = re.compile(rec["patterns"][0]["regex"])
            return rx, frozenset(w.lower().rstrip(".") for w in rec.get("context", []))
    return None, frozenset()


_CTX_RX, _CTX_WORDS = _context_phone_rule()


_OTHER_NUMBERS = frozenset("card cards credit license licence driver account passport carte compte konto cuenta "
                           "tarjeta ssn iban commande order invoice facture".split())


def _is_date(cand: str) -> bool:
    """A date (2024-03-05, 05/03/2024, 5.3.24), possibly followed by an hour."""
    for m in _DATE_RE.finditer(cand):
        parts = [int(x) for x in re.findall(r"\d+", m.group())]
        if len(parts) != 3:
            continue
        y_first = len(re.match(r"\d+", m.group()).group()) == 4
        d, mo = (parts[2], parts[1]) if y_first else (parts[0], parts[1])
        if (1 <= d <= 31 and 1 <= mo <= 12) or (not y_first and 1 <= parts[1] <= 31 and 1 <= parts[0] <= 12):
            rest = (cand[:m.start()] + cand[m.end():]).strip(" -./")
            if len(re.findall(r"\d+", rest)) <= 1:
                return True
    return False


def _has_context(norm: str, s: int, e: int) -> bool:
    before = norm[max(0, s - 48):s].lower()
    words = [w.rstrip(".") for w in _WORD_RE.findall(before)][-6:]
    if any(w in _OTHER_NUMBERS for w in words[-4:]):
        return False
    if any(w in _CTX_WORDS for w in words):
        return True
    after = norm[e:e + 12].lower()
    m = _WORD_RE.search(after)
    return bool(m and m.start() <= 2 and m.group().rstrip(".") in _CTX_WORDS)


def context_phones(norm: str, regions) -> list[tuple[int, int, object]]:
    """Digit runs in any layout near a phone cue, or international and possible."""
    out = []
    if _CTX_RX is None:
        return out
    for m in _CTX_RX.finditer(norm):
        s, e = m.span()
        cand = m.group()
        digits = _DIGITS.findall(cand)
        if not 7 <= len(digits) <= 17:
            continue
        if _is_date(cand) or (e < len(norm) and norm[e] == ":") or (s > 0 and norm[s - 1] == ":" and
                                                                           norm[s - 2:s - 1].isdigit()):
            continue  # a date or a time
        if _NOT_PHONE_BEFORE.search(norm[max(0, s - 24):s]) or _MONEY_AFTER.match(norm[e:e + 8]):
            continue  # order number, IBAN, reference, price
        if s > 0 and norm[s - 1].isalpha():
            continue  # glued to letters: an identifier
        international = cand.startswith("+")
        num = None
        try:
            num = phonenumbers.parse(cand.replace("(0)", ""), None if international else (regions[0] if regions else "US"))
        except phonenumbers.NumberParseException:
            num = None
        if international:
            if num is None or not phonenumbers.is_possible_number(num):
                if not _has_context(norm, s, e):
                    continue
        elif not _has_context(norm, s, e):
            continue
        if num is None:
            num = phonenumbers.PhoneNumber(country_code=1, national_number=int("".join(digits)[-15:]))
        out.append((s, e, num))
    return out


def normalise(text: str) -> str:
    return text.translate(_NORM)


class PhoneDetector:
    def __init__(self, regions: list[str] | tuple[str, ...] = ("FR",)):
        self.regions = tuple(dict.fromkeys(r for r in regions if r))
        self._memo: dict[str, list[Finding]] = {}

    def _parse_in_regions(self, text: str, accept, regions=None):
        """The first parse of ``text`` in the chat's regions that ``accept`` takes."""
        for region in regions or self.regions:
            try:
                num = phonenumbers.parse(text, region)
            except phonenumbers.NumberParseException:
                continue
            if accept(num):
                return num
        return None

    def parse_label(self, label: str) -> phonenumbers.PhoneNumber | None:
        """A sender label that is a phone number (``+33 6 12 34 56 78``)."""
        t = normalise(label).strip()
        if len(_DIGITS.findall(t)) < 6 or re.search(r"[^\d +\-.()]", t):
            return None
        return self._parse_in_regions(t, phonenumbers.is_possible_number, self.regions or ("ZZ",))

    def find(self, text: str) -> list[Finding]:
        """Memoised on the text (the post-scan looks at the input bodies again; chats
        repeat themselves); every call gets its own Finding objects."""
        if sum(1 for _ in _DIGITS.finditer(text)) < 7:
            return []
        memo = self._memo
        hit = memo.get(text)
        if hit is None:
            if len(memo) >= 20000:
                memo.clear()  # bounded memory
            hit = memo[text] = self._find(text)
        return [replace(f, data=dict(f.data)) for f in hit]

    def _parse_valid(self, cand: str):
        return self._parse_in_regions(cand.replace("(0)", ""), phonenumbers.is_valid_number)

    def _find(self, text: str) -> list[Finding]:
        norm = normalise(text)
        out: list[Finding] = []
        taken: list[tuple[int, int]] = []   # disjoint, sorted: an overlap is found by bisection

        def add(s, e, num, det="phone", score=0.9):
            if det != "mention" and _NOT_PHONE_BEFORE.search(norm[max(0, s - 24):s]):
                return  # an order number, a reference, an IBAN
            if det != "mention" and ((s > 1 and norm[s - 1] in "-_" and norm[s - 2].isalnum())
                                     or (e + 1 < len(norm) and norm[e] in "-_" and norm[e + 1].isalpha()
                                         and not _has_context(norm, e, e))):
                return  # part of an identifier or a file name: IMG-20210804-WA0007.jpg
            i = bisect_right(taken, (s, e))
            if (i and taken[i - 1][1] > s) or (i < len(taken) and taken[i][0] < e):
                return
            taken.insert(i, (s, e))
            out.append(Finding(s, e, PHONE, text[s:e], score, det, {"number": num}))

        for m in MENTION_RE.finditer(norm):
            digits = m.group(1)
            try:
                num = phonenumbers.parse("+" + digits.lstrip("+"), None)
            except phonenumbers.NumberParseException:
                continue
            # "@" + 10-15 digits is how WhatsApp writes a mention of a non-contact: take it
            # when libphonenumber finds it possible, even if its metadata calls it invalid
            if phonenumbers.is_valid_number(num) or (
                    len(digits.lstrip("+")) >= 10 and phonenumbers.is_possible_number(num)):
                add(m.start(1), m.end(1), num, "mention", 0.95)
        def more():
            # another pass can only add a number made of digits outside the numbers found
            # (an overlap is refused): none when fewer are left than ``find`` asks of a text
            if not taken:
                return True
            left = len(_DIGITS.findall(norm))
            for a, b in taken:
                left -= len(_DIGITS.findall(norm, a, b))
            return left >= 7

        for region in self.regions:
            if not more():
                return out
            for m in PhoneNumberMatcher(norm, region, leniency=Leniency.VALID):
                add(m.start, m.end, m.number)
        if not more():
            return out
        # lenient pass: separators libphonenumber's matcher refuses (dots with "(0)" etc.)
        for m in _CANDIDATE_RE.finditer(norm):
            start, cand = m.start(), m.group()
            # a number followed by more digits ("+1 212 544 2421 17:00"): retry without the
            # trailing groups, one at a time
            for _ in range(3):
                if len(_DIGITS.findall(cand)) < 8:
                    break
                if re.fullmatch(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}", cand) or _DATE_RE.search(cand):
                    break  # a date
                num = self._parse_valid(cand)
                if num is not None:
                    add(start, start + len(cand), num, "phone", 0.7)
                    break
                if not cand.startswith(("+", "00")):
                    break  # only an international number is unambiguous enough to trim
                cut = max(cand.rfind(" "), cand.rfind("."), cand.rfind("-"))
                if cut <= 0:
                    break
                cand = cand[:cut].rstrip(" .-/(")
        # context pass: any national layout next to a phone cue ("Phone: 780 6326", "call me on …")
        if not more():
            return out
        for s, e, num in context_phones(norm, self.regions):
            add(s, e, num, "phone", 0.6)
        return out
