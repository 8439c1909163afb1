"""Small text helpers: length-preserving folding, case transfer, name tokens."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex


_DIGIT_SEARCH = regex.compile(r"\d").search


def has_digit(text: str) -> bool:
    """Any decimal digit (the cheap gate of the detectors that need one)."""
    return _DIGIT_SEARCH(text) is not None


@lru_cache(maxsize=65536)
def _fold_char(c: str) -> str:
    d = unicodedata.normalize("NFD", c)
    # strip combining marks only: a Hangul syllable decomposes into letters (jamo), and
    # keeping the first would fold "먹자" and "민준" alike
    base = d[0] if d and all(unicodedata.combining(x) for x in d[1:]) else c
    if len(base) != 1:
        base = c
    low = base.lower()
    return low if len(low) == 1 else base


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each code point."""

    def __missing__(self, code: int) -> str:
        out = self[code] = _fold_char(chr(code))
        return out


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lowercase and strip accents, one character in, one character out (offsets kept)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def has_accents(text: str) -> bool:
    return strip_accents(text) != text


def case_like(template: str, value: str, real: str | None = None) -> str:
    """Render ``value`` in the case style of ``template`` (lower, UPPER, Title).

    When ``real`` (the canonical real name) has accents that ``template`` dropped, the
    fake drops its accents too (``helene`` for ``Hélène`` -> ``oceane``).
    """
    letters = [c for c in template if c.isalpha()]
    if letters and all(c.islower() for c in letters):
        value = value.lower()
    elif letters and len(letters) > 1 and all(c.isupper() for c in letters):
        value = value.upper()
    if real is not None and has_accents(real) and not has_accents(template) and has_accents(value):
        value = strip_accents(value)
    return value


# a name token: letters, inner apostrophes/hyphens (Jean-Baptiste, N'Diaye, O’Brien)
NAME_TOKEN_RE = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:['’\-]\p{L}[\p{L}\p{M}]*)*")
PARTICLES = {"le", "la", "de", "du", "des", "d'", "van", "von", "der", "den", "da", "di", "del",
             "della", "dos", "das", "ben", "bin", "el", "al", "ter", "ten", "mac", "st", "y"}


def name_tokens(label: str) -> list[str]:
    return NAME_TOKEN_RE.findall(label)

