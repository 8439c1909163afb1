"""Phone numbers through ``phonenumbers``, in the chat's regions, plus ``@digits`` mentions.

The text is normalised one character for one (NBSP, NNBSP, U+2011 and bidi marks become
plain spaces or hyphens) so that offsets stay valid while libphonenumber sees ordinary
separators.
"""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

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


def normalise(text: str) -> str:
    return text.translate(_NORM)


class PhoneDetector:
    def __init__(self, regions: list[str] | tuple[str, ...] = ("FR",)):
        self.regions = tuple(dict.fromkeys(r for r in regions if r))

    def parse_label(self, label: str) -> phonenumbers.PhoneNumber | None:
        """A sender label that is a phone number (``+33 6 12 34 56 78``)."""
        t = normalise(label).strip()
        if len(_DIGITS.findall(t)) < 6 or re.search(r"[^\d +\-.()]", t):
            return None
        for region in self.regions or ("ZZ",):
            try:
                n = phonenumbers.parse(t, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_possible_number(n):
                return n
        return None

    def find(self, text: str) -> list[Finding]:
        if sum(1 for _ in _DIGITS.finditer(text)) < 7:
            return []
        norm = normalise(text)
        out: list[Finding] = []
        taken: list[tuple[int, int]] = []

        def add(s, e, num, det="phone", score=0.9):
            for a, b in taken:
                if s < b and a < e:
                    return
            taken.append((s, e))
            out.append(Finding(s, e, PHONE, text[s:e], score, det, {"number": num}))

        for m in MENTION_RE.finditer(norm):
            digits = m.group(1)
            try:
                num = phonenumbers.parse("+" + digits.lstrip("+"), None)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(num):
                add(m.start(1), m.end(1), num, "mention", 0.95)
        for region in self.regions:
            for m in PhoneNumberMatcher(norm, region, leniency=Leniency.VALID):
                add(m.start, m.end, m.number)
        # lenient pass: separators libphonenumber's matcher refuses (dots with "(0)" etc.)
        for m in _CANDIDATE_RE.finditer(norm):
            cand = m.group()
            if len(_DIGITS.findall(cand)) < 8:
                continue
            if re.fullmatch(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}", cand):
                continue  # a date
            for region in self.regions:
                try:
                    num = phonenumbers.parse(cand.replace("(0)", ""), region)
                except phonenumbers.NumberParseException:
                    continue
                if phonenumbers.is_valid_number(num):
                    add(m.start(), m.end(), num, "phone", 0.7)
                    break
        return out
