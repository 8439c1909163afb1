"""Dates of birth after a cue ("né le", "born on", "my birthday is", "geboren am",
"nací el", "date de naissance :"…), numeric or with month names in FR/EN/DE/ES."""
from __future__ import annotations

import datetime as dt

import regex

from ..render import fakes
from .base import Finding
from .idrules import pattern
from ..textutil import has_digit

DOB = "DATE_OF_BIRTH"

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"],
}
ABBR = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "de": ["Jan.", "Feb.", "März", "Apr.", "Mai", "Jun.", "Jul.", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."],
    "es": ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sep.", "oct.", "nov.", "dic."],
}
_LOOKUP: dict[str, tuple[str, int, bool]] = {}
for _lang, _names in MONTHS.items():
    for _i, _n in enumerate(_names):
        _LOOKUP.setdefault(_n.lower(), (_lang, _i + 1, False))
for _lang, _names in ABBR.items():
    for _i, _n in enumerate(_names):
        _LOOKUP.setdefault(_n.lower().rstrip("."), (_lang, _i + 1, True))
_LOOKUP["sept"] = ("fr", 9, True)
_LOOKUP["maerz"] = ("de", 3, False)
_LOOKUP["setiembre"] = ("es", 9, False)
_MONTH_RX = "|".join(regex.escape(k) for k in sorted(_LOOKUP, key=len, reverse=True))

DATE_RE = regex.compile(
    rf"""(?ix)
    (?P<iso>(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d))
  | (?P<num>(?P<a>\d{{1,2}})(?P<sep>[./-])(?P<b>\d{{1,2}})(?:(?P=sep)(?P<y>\d{{4}}|\d{{2}}))?)(?![\d./-]*\d)
  | (?P<dm>(?P<d1>\d{{1,2}})(?P<suf1>er|st|nd|rd|th|\.|º)?\s+(?:de\s+)?(?P<m1>{_MONTH_RX})\.?(?:,?\s+(?:de\s+)?(?P<y1>(?:19|20)\d\d))?)(?![\w])
  | (?P<md>(?P<m2>{_MONTH_RX})\.?\s+(?P<d2>\d{{1,2}})(?P<suf2>st|nd|rd|th)?(?:,?\s+(?P<y2>(?:19|20)\d\d))?)(?![\w])
    """)


def parse_match(m) -> tuple[dt.date, bool] | None:
    try:
        if m.group("iso"):
            return dt.date(int(m.group("iy")), int(m.group("im")), int(m.group("id"))), True
        if m.group("num"):
            a, b = int(m.group("a")), int(m.group("b"))
            day, month = (a, b) if b <= 12 else (b, a)
            y = m.group("y")
            year = (int(y) + (1900 if int(y) > 30 else 2000)) if y and len(y) == 2 else int(y) if y else 2000
            return dt.date(year, month, day), bool(y)
        if m.group("dm"):
            month = _LOOKUP[m.group("m1").lower().rstrip(".")][1]
            y = m.group("y1")
            return dt.date(int(y) if y else 2000, month, int(m.group("d1"))), bool(y)
        if m.group("md"):
            month = _LOOKUP[m.group("m2").lower().rstrip(".")][1]
            y = m.group("y2")
            return dt.date(int(y) if y else 2000, month, int(m.group("d2"))), bool(y)
    except ValueError:
        return None
    return None


def find_dobs(text: str, engine=None) -> list[Finding]:
    if not has_digit(text):
        return []
    out = []
    for cue in pattern("dob_context").finditer(text):
        m = DATE_RE.match(text, cue.end())
        if m is None:
            continue
        parsed = parse_match(m)
        if parsed is None:
            continue
        end = m.end()
        while text[end - 1] in ".," and not (m.group("m1") or m.group("m2") or "").endswith("."):
            end -= 1
        out.append(Finding(m.start(), end, DOB, text[m.start():end], 0.95, "dob"))
    # the cue after the date: "ich bin am 3. Oktober 1989 geboren", "I was 12/03/1990 born"…
    for cue in _PRE_AM.finditer(text):
        m = DATE_RE.match(text, cue.end())
        if m is None or not _POST_CUE.match(text, m.end()) or parse_match(m) is None:
            continue
        if any(f.start == m.start() for f in out):
            continue
        out.append(Finding(m.start(), m.end(), DOB, m.group(), 0.9, "dob"))
    return out


_PRE_AM = regex.compile(r"(?i)\b(?:am|le|el|on)\s+")
_POST_CUE = regex.compile(r"(?i)\s*(?:geboren|né|née|nacid[oa]|born)\b")


def _ordinal_en(d: int) -> str:
    return "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")


def _month_like(original: str, month: int) -> str:
    lang, _, abbr = _LOOKUP[original.lower().rstrip(".")]
    name = (ABBR if abbr else MONTHS)[lang][month - 1]
    if original.endswith(".") is False:
        name = name.rstrip(".")
    if original.isupper():
        return name.upper()
    if original[:1].isupper():
        return name[:1].upper() + name[1:]
    return name.lower()


def render_date(text: str, new: dt.date) -> str | None:
    """``text`` (one date as matched by ``DATE_RE``) rewritten as ``new`` in the same layout."""
    m = DATE_RE.fullmatch(text)
    if m is None:
        return None
    parts = []

    def put(g, value):
        parts.append((m.start(g), m.end(g), value))
    if m.group("iso"):
        put("iy", f"{new.year:04d}")
        put("im", f"{new.month:02d}")
        put("id", f"{new.day:02d}")
    elif m.group("num"):
        a, b = int(m.group("a")), int(m.group("b"))
        dg, mg = ("a", "b") if b <= 12 else ("b", "a")
        put(dg, f"{new.day:0{len(m.group(dg))}d}")
        put(mg, f"{new.month:0{len(m.group(mg))}d}")
        if m.group("y"):
            put("y", f"{new.year % 100:02d}" if len(m.group("y")) == 2 else f"{new.year:04d}")
    else:
        i = "1" if m.group("dm") else "2"
        put("d" + i, f"{new.day:0{len(m.group('d' + i))}d}")
        put("m" + i, _month_like(m.group("m" + i), new.month))
        suf = m.group("suf" + i)
        if suf:
            lo = suf.lower()
            if lo == "er" and new.day != 1:
                put("suf" + i, "")
            elif lo in ("st", "nd", "rd", "th"):
                put("suf" + i, _ordinal_en(new.day))
        if m.group("y" + i):
            put("y" + i, f"{new.year:04d}")
    out = text
    for s, e, v in sorted(parts, reverse=True):
        out = out[:s] + v + out[e:]
    return out


def parse_date(text: str) -> tuple[dt.date, bool] | None:
    m = DATE_RE.fullmatch(text)
    return parse_match(m) if m else None


def render_dob(f: Finding, engine) -> str:
    parsed = parse_date(f.text)
    if parsed is None:
        return f.text
    real, has_year = parsed
    new = fakes.dob_shift(engine.pmap, real, has_year)
    return render_date(f.text, new) or f.text
