"""``--shift-dates DAYS|auto``: move every timestamp and in-text date by one offset.

The offset is a whole number of weeks, so weekdays are kept, and the same for the whole
run, so the order and the gaps between messages are kept.  ``auto`` draws it from the key
(4 to 52 weeks back; stored in the map so every file of a dataset moves together).
Headers keep their layout (``22/01/2025, 18:43`` -> ``27/11/2024, 18:43``); in-text dates
with a year or a month name are shifted too (``le 12 mars``); dates of birth get their own
keyed fake (see :mod:`anonymizer.detect.dates`).
"""
from __future__ import annotations

import datetime as dt

import regex

from ..detect.base import Finding
from ..detect.dates import DATE_RE, parse_match, render_date
from ..errors import InputError
from ..textutil import has_digit

DATE = "DATE"
_HEADER_DATE = regex.compile(r"(?<!\d)(?P<a>\d{1,4})(?P<s>[./-])(?P<b>\d{1,2})(?P=s)(?P<c>\d{2,4})(?!\d)")


def parse_shift(spec) -> int | str | None:
    """``None`` / ``"auto"`` / a whole number of days that is a multiple of 7."""
    if spec is None or spec == "" or spec is False:
        return None
    if str(spec).strip().lower() == "auto":
        return "auto"
    try:
        days = int(str(spec).strip())
    except ValueError:
        raise InputError(f"--shift-dates takes a number of days or 'auto', not {spec!r}") from None
    if days % 7:
        raise InputError(f"--shift-dates {days}: use a multiple of 7 days so weekdays are kept "
                         f"(e.g. {7 * round(days / 7) or 7}) or 'auto'")
    return days


def resolve(spec, pmap) -> int | None:
    spec = parse_shift(spec)
    if spec != "auto":
        return spec
    from .fakes import Stream

    def gen(h, c):
        return str(-7 * (4 + Stream(h).below(49)))
    return int(pmap.keyed("date_shift", "auto", gen))


def header_style(headers: list[str]) -> tuple[str, bool]:
    """('ymd' | 'dmy' | 'mdy', zero-padded?) for a file's headers (a first number > 12
    means day first; default day first)."""
    order, padded = None, False
    for h in headers:
        m = _HEADER_DATE.search(h)
        if not m:
            continue
        a, b = int(m.group("a")), int(m.group("b"))
        padded = padded or m.group("a").startswith("0") or m.group("b").startswith("0") \
            or m.group("c").startswith("0") and len(m.group("c")) == 2 and order == "ymd"
        if len(m.group("a")) == 4:
            order = "ymd"
        elif a > 12 and order is None:
            order = "dmy"
        elif b > 12 and order is None:
            order = "mdy"
    return order or "dmy", padded


def shift_header(text: str, days: int, style: tuple[str, bool]) -> tuple[int, int, str] | None:
    """(start, end, new) for the date inside a header, same widths and separators."""
    m = _HEADER_DATE.search(text)
    if not m:
        return None
    a, b, c = m.group("a"), m.group("b"), m.group("c")
    order, padded = style
    try:
        if order == "ymd":
            y, mo, d = int(a), int(b), int(c)
        elif order == "mdy":
            mo, d, y = int(a), int(b), int(c)
        else:
            d, mo, y = int(a), int(b), int(c)
        year = y if y > 99 else 2000 + y
        new = dt.date(year, mo, d) + dt.timedelta(days=days)
    except ValueError:
        return None

    def w(v, like):
        return f"{v:02d}" if padded else str(v)
    yy = f"{new.year % 100:02d}" if len(str(y)) <= 2 else f"{new.year:04d}"
    s = m.group("s")
    if order == "ymd":
        out = f"{new.year:04d}{s}{w(new.month, b)}{s}{w(new.day, c)}"
    elif order == "mdy":
        out = f"{w(new.month, a)}{s}{w(new.day, b)}{s}{yy}"
    else:
        out = f"{w(new.day, a)}{s}{w(new.month, b)}{s}{yy}"
    return m.start(), m.end(), out


def find_dates(text: str, engine=None) -> list[Finding]:
    """Dates in message text (only when shifting): with a year, or with a month name."""
    if not getattr(engine, "date_shift", None) or not has_digit(text):
        return []
    out = []
    for m in DATE_RE.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "./-"):
            continue
        if m.group("num") and not m.group("y"):
            continue  # "3-1", "12.50", "3/4": not dates without a year
        parsed = parse_match(m)
        if parsed is None:
            continue
        out.append(Finding(m.start(), m.end(), DATE, m.group(), 0.8, "date", {}))
    return out


def render_shifted_date(f: Finding, engine) -> str:
    m = DATE_RE.fullmatch(f.text)
    parsed = parse_match(m) if m else None
    if parsed is None:
        return f.text
    real, has_year = parsed
    new = real + dt.timedelta(days=engine.date_shift)
    return render_date(f.text, new) or f.text


def header_replacement(r, days: int, style) -> list:
    """The Replacement moving the date in record ``r``'s header (empty when none)."""
    from ..formats.base import Replacement
    hd = shift_header(r.header.text(r.raw), days, style)
    if hd is None:
        return []
    s, e = r.header.start + hd[0], r.header.start + hd[1]
    return [Replacement(s, e, hd[2], DATE, "date-shift", 1.0, r.raw[s:e])]


def shifted_headers_text(records, days: int, style) -> str:
    """The input with only its header dates moved (what verification compares against)."""
    from ..formats.base import apply_replacements
    return "".join(apply_replacements(r.raw, header_replacement(r, days, style)) if r.header else r.raw
                   for r in records)
