"""WhatsApp text exports (Android and iOS, every locale layout) and dataset chunks.

Grammar: a record starts with a timestamp header; continuation lines are unmarked.
Android: ``DATE, TIME - Name: body`` or ``DATE, TIME - system text``.
iOS: ``[DATE, TIME] Name: body`` (system lines carry the chat name as sender).
How DATE and TIME are written (orders, separators, words, digits, calendars, marks) is data:
``rules/whatsapp_layouts.yaml``; each file is read with the one layout its first headers use
(:func:`detect_layout`).
The dataset chunk layout wraps such lines in ``=== MÉTADONNÉES CHUNK ===`` /
``=== CONTENU ===`` sections with ``Key: value`` metadata lines.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from functools import lru_cache
from itertools import chain
from typing import Iterable, Iterator, NamedTuple

import regex

from ..ruleset import load_yaml
from .base import (CONTINUATION, MESSAGE, META, SYSTEM, Record, Span, split_lines,
                   strip_eol)

# ---------------------------------------------------------------------------- header layouts
# Built from rules/whatsapp_layouts.yaml: a generic expression (every locale's tokens) detects
# the format and finds a file's first headers; the file's layout is then narrowed to what
# those headers use, and only that layout is a header for the rest of the file.

class _Tokens(NamedTuple):
    """The pieces a header expression is built from (every locale's, or one file's)."""
    digits: str                 # the digit characters
    date_seps: tuple
    date_sufs: tuple
    time_seps: tuple
    time_sufs: tuple
    joins: tuple
    ampm_before: tuple          # AM/PM words written before the hour
    ampm_after: tuple
    closes: tuple               # (frame, close) pairs


class _Rules(NamedTuple):
    marks: str
    spaces: str
    digit_systems: dict         # name -> the ten digits
    frames: dict                # frame -> opening bracket
    tokens: _Tokens             # every token: the generic layout
    ampm_half: dict             # word (spaces plain, casefolded) -> 0 (AM) or 12 (PM)
    ampm_langs: dict            # word -> the languages using it
    ampm_words: dict            # language -> (before the hour?, its words)
    order_hint: dict            # language -> date order
    calendars: dict             # name -> its entry


def _uniq(items) -> tuple:
    return tuple(dict.fromkeys(str(i) for i in items))


@lru_cache(maxsize=1)
def layout_rules() -> _Rules:
    data = load_yaml("whatsapp_layouts.yaml")
    half, langs, words, hints, before, after = {}, {}, {}, {}, [], []
    for lang, e in data["ampm"].items():
        lw = _uniq(e["am"] + e["pm"])
        words[lang] = (bool(e.get("before")), lw)
        (before if e.get("before") else after).extend(lw)
        for part, h in (("am", 0), ("pm", 12)):
            for w in e[part]:
                half[str(w).casefold()] = h
        for w in lw:
            langs.setdefault(w.casefold(), set()).add(lang)
        if e.get("order"):
            hints[lang] = e["order"]
    cals = data.get("calendars") or {}
    toks = _Tokens(
        digits="".join(data["digits"].values()),
        date_seps=_uniq(data["date"]["separators"]),
        date_sufs=_uniq(list(data["date"]["suffixes"]) + [e for c in cals.values() for e in c.get("eras", [])]),
        time_seps=_uniq(data["time"]["separators"]), time_sufs=_uniq(data["time"]["suffixes"]),
        joins=_uniq(j for lst in data["joins"].values() for j in lst),
        ampm_before=_uniq(before), ampm_after=_uniq(after),
        closes=tuple((f, str(c)) for f, v in data["frames"].items() for c in v["close"]))
    return _Rules(data["marks"], data["spaces"], dict(data["digits"]),
                  {f: v.get("open", "") for f, v in data["frames"].items()}, toks,
                  half, langs, words, hints, cals)


def _cls(chars: str) -> str:
    return "[" + "".join(re.escape(c) for c in chars) + "]"


def _alt(name: str | None, words, fold: bool = False) -> str:
    """A group of literal tokens, longest first; a space in a token matches any space
    (``\\s``: a class of the table's spaces would make compiling ten times slower)."""
    pat = "|".join(re.escape(w).replace(r"\ ", r"\s") for w in sorted(set(words), key=len, reverse=True))
    if fold:
        pat = f"(?i:{pat})"
    return f"(?P<{name}>{pat})" if name else f"(?:{pat})"


_ALL_GROUPS = frozenset(("d1", "d2", "d3", "sep1", "sep2", "dsuf", "h", "mi", "s", "tsep", "tsep2",
                         "apb", "apa", "tsuf", "join", "close"))
_FIELDS = frozenset(("d1", "d2", "d3", "h", "mi", "s", "apb", "apa"))  # what a timestamp needs


def _header_pattern(t: _Tokens, frame: str, time_first: bool, named=_ALL_GROUPS) -> str:
    """One frame and one field order of a header, as a regular expression.  Groups (those
    in ``named``; fewer groups match faster): d1 d2 d3 the date's numbers, sep1 sep2 dsuf,
    h mi s tsep tsep2 apb apa tsuf, join, close."""
    r = layout_rules()
    n = lambda name: name if name in named else None  # noqa: E731
    grp = lambda name, pat: f"(?P<{name}>{pat})" if name in named else f"(?:{pat})"  # noqa: E731
    M, S, D = _cls(r.marks) + "*", r"\s", _cls(t.digits)
    date = (grp("d1", D + "{1,4}") + M + _alt(n("sep1"), t.date_seps) + M + grp("d2", D + "{1,2}") + M
            + _alt(n("sep2"), t.date_seps) + M + grp("d3", D + "{1,4}"))
    if t.date_sufs:
        date += f"(?:{S}?{_alt(n('dsuf'), t.date_sufs)})?"
    time = (grp("h", D + "{1,2}") + _alt(n("tsep"), t.time_seps) + grp("mi", D + "{2}")
            + f"(?:{_alt(n('tsep2'), t.time_seps)}" + grp("s", D + "{2}") + ")?")
    if t.ampm_before:
        time = f"(?:{_alt(n('apb'), t.ampm_before, True)}{S}?)?" + time
    if t.ampm_after:
        time += f"(?:{S}?{_alt(n('apa'), t.ampm_after, True)})?"
    if t.time_sufs:
        time += f"(?:{S}?{_alt(n('tsuf'), t.time_sufs)})?"
    join = M + _alt(n("join"), t.joins) + M
    stamp = time + join + date if time_first else date + join + time
    closes = [c for f, c in t.closes if f == frame]
    return rf"\ufeff?{M}{re.escape(r.frames[frame])}{M}{stamp}{M}{_alt(n('close'), closes)}"


@lru_cache(maxsize=1)
def _generic() -> tuple:
    """(one expression matching any header, ((combo, expression with groups), ...))."""
    r = layout_rules()
    combos = tuple((f, tf) for f in r.frames for tf in (False, True))
    anyre = re.compile("|".join(f"(?:{_header_pattern(r.tokens, f, tf, frozenset())})" for f, tf in combos))
    return anyre, tuple((c, re.compile(_header_pattern(r.tokens, *c))) for c in combos)


def __getattr__(name):  # HEADER_RE (any header): built on first use, not at import
    if name == "HEADER_RE":
        return _generic()[0]
    raise AttributeError(name)


class Layout:
    """One file's header layout: the frames and field orders its headers use and the tokens
    they use.  ``match(line)`` finds a header; ``timestamp(m)`` normalises it to
    ``YYYY-MM-DD HH:MM[:SS]`` (Gregorian, Western digits, 24 h)."""

    def __init__(self, parts: tuple, tokens: _Tokens):
        """``parts``: ((frame, time first), date order, calendar, century of 2-digit
        years) for each frame and field order the file uses, the most frequent first."""
        self.parts, self.tokens = parts, tokens
        self.regexes = tuple(re.compile(_header_pattern(tokens, *combo, _FIELDS)) for combo, *_ in parts)
        self._ios = {id(rx): combo[0] == "ios" for rx, (combo, *_) in zip(self.regexes, parts)}
        self._dates = {id(rx): tuple(rest) for rx, (_, *rest) in zip(self.regexes, parts)}
        self.match = self.regexes[0].match if len(self.regexes) == 1 else self._match_any
        self._memo: dict = {id(rx): {} for rx in self.regexes}
        self._ampm = ("apb" if tokens.ampm_before else None, "apa" if tokens.ampm_after else None)
        self._plain_time = self._ampm == (None, None) and tokens.digits.isascii()

    def _match_any(self, line: str):
        for rx in self.regexes:
            m = rx.match(line)
            if m:
                return m
        return None

    def is_ios(self, m: re.Match) -> bool:
        """Whether header ``m`` (a match of this layout) is an iOS one (``[date, time] ``)."""
        return self._ios[id(m.re)]

    def timestamp(self, m: re.Match) -> str:
        d1, d2, d3, h, mi, s = m.group("d1", "d2", "d3", "h", "mi", "s")
        memo = self._memo[id(m.re)]  # a chat has few dates and many messages (and hashing a
        # Pattern hashes its whole text: the patterns live as long as the layout)
        date = memo.get((d1, d2, d3))
        if date is None:
            if len(memo) > 20_000:
                memo.clear()
            date = memo[(d1, d2, d3)] = self._date(m.re, d1, d2, d3)
        if self._plain_time:
            if len(h) == 1:
                h = "0" + h
            return f"{date} {h}:{mi}:{s}" if s else f"{date} {h}:{mi}"
        word = (self._ampm[0] and m.group(self._ampm[0])) or (self._ampm[1] and m.group(self._ampm[1]))
        hour = int(h) % 12 + _half(word) if word else int(h)
        return f"{date} {hour:02d}:{int(mi):02d}" + (f":{int(s):02d}" if s else "")

    def _date(self, rx, a: str, b: str, c: str) -> str:
        order, calendar, century = self._dates[id(rx)]
        if order == "ymd":
            ys, mo, d = a, int(b), int(c)
        elif order == "mdy":
            mo, d, ys = int(a), int(b), c
        else:
            d, mo, ys = int(a), int(b), c
        if mo > 12 >= d:  # a file joining two exports may write both orders
            d, mo = mo, d
        return _gregorian(calendar, int(ys) + (century if len(ys) <= 2 else 0), mo, d)


def _plain(token: str) -> str:
    """A matched token with its spaces made plain (NBSP, NNBSP...), as the table writes it."""
    return "".join(" " if ch in layout_rules().spaces else ch for ch in token)


def _half(word: str) -> int:
    return layout_rules().ampm_half.get(_plain(word).casefold(), 0)


def _gregorian(calendar: str | None, y: int, mo: int, d: int) -> str:
    """``YYYY-MM-DD`` of a date of ``calendar`` (the ``calendars`` of the layout table)."""
    if calendar is None:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    cal = layout_rules().calendars[calendar]
    if "offset" in cal:
        return f"{y - int(cal['offset']):04d}-{mo:02d}-{d:02d}"
    if cal.get("convert") == "solar_hijri" and 1 <= mo <= 12 and 1 <= d <= 31:
        g = _solar_hijri(y, mo, d)
        return f"{g.year:04d}-{g.month:02d}-{g.day:02d}"
    return f"{calendar}:{y:04d}-{mo:02d}-{d:02d}"


def _solar_hijri(y: int, mo: int, d: int) -> _dt.date:
    """The Gregorian date of an Iranian (Solar Hijri) date: 33-year leap rule, exact for
    1343-1472 AP; counted from 1 Farvardin 1354 = 21 March 1975."""
    def length(yy):
        return 366 if yy % 33 in (1, 5, 9, 13, 17, 22, 26, 30) else 365
    days = sum(length(yy) for yy in range(1354, y)) - sum(length(yy) for yy in range(y, 1354))
    days += (mo - 1) * 31 if mo <= 7 else 186 + (mo - 7) * 30
    return _dt.date(1975, 3, 21) + _dt.timedelta(days=days + d - 1)


def _date_order(found: list, hints: list) -> str:
    """ymd / dmy / mdy from the numbers of a file's first headers (matches), else the hint
    of its AM/PM words' language, else day first."""
    firsts = [m.group("d1") for m in found]
    thirds = [m.group("d3") for m in found]
    if any(len(x) >= 3 for x in firsts) or any(int(x) > 31 for x in firsts):
        return "ymd"
    year_last = any(len(x) >= 3 for x in thirds) or any(int(x) > 31 for x in thirds)
    if not year_last and "ymd" in hints:
        return "ymd"
    if any(int(m.group("d1")) > 12 for m in found):
        return "dmy"
    if any(int(m.group("d2")) > 12 for m in found):
        return "mdy"
    return next((h for h in hints if h != "ymd"), "dmy")


def _calendar(years: list, tokens: set) -> tuple[str | None, int]:
    """(calendar, century of 2-digit years) from a file's years and the words (date and
    time suffixes, AM/PM words) of its first headers."""
    for name, cal in layout_rules().calendars.items():
        eras = {str(e) for e in cal.get("eras", [])}
        lo, hi = cal.get("years", (0, -1))
        if eras & tokens or any(len(y) >= 3 and lo <= int(y) <= hi for y in years) \
                or ({str(t) for t in cal.get("tokens", [])} & tokens and all(len(y) <= 2 for y in years)):
            return name, (lo // 100 + 1) * 100 if "offset" in cal else 2000
    return None, 2000


def _layout_of(found: list) -> Layout:
    """The layout of a file whose first headers are ``found``: ((frame, time first), match)."""
    r = layout_rules()
    if not found:
        return _cached_layout(tuple((c, "dmy", None, 2000) for c, _ in _generic()[1]), r.tokens)
    # one layout per file: the most used frame and field order, and another one only when
    # many headers use it (a file joining two exports), not a pasted line in a message
    counts = Counter(c for c, _ in found).most_common()
    combos = tuple(c for i, (c, n) in enumerate(counts) if i == 0 or (n >= 2 and n * 10 >= len(found)))
    found = [(c, m) for c, m in found if c in combos]
    seen: dict[str, set] = {g: set() for g in ("sep1", "sep2", "dsuf", "tsep", "tsep2", "tsuf", "join", "apb", "apa")}
    digits, closes = set(), set()
    for (frame, _), m in found:
        for g, vals in seen.items():
            v = m.group(g)
            if v:
                vals.add(_plain(v))
        closes.add((frame, _plain(m.group("close"))))
        for name, ds in r.digit_systems.items():
            if any(ch in ds for ch in m.group("d1")):
                digits.add(name)
    langs = set()
    for w in seen["apb"] | seen["apa"]:
        langs |= r.ampm_langs.get(w.casefold(), set())
    before = sorted(w for lang in langs if r.ampm_words[lang][0] for w in r.ampm_words[lang][1])
    after = sorted(w for lang in langs if not r.ampm_words[lang][0] for w in r.ampm_words[lang][1])
    toks = _Tokens(
        digits="".join(r.digit_systems[d] for d in sorted(digits)),
        date_seps=tuple(sorted(seen["sep1"] | seen["sep2"])), date_sufs=tuple(sorted(seen["dsuf"])),
        time_seps=tuple(sorted(seen["tsep"] | seen["tsep2"])), time_sufs=tuple(sorted(seen["tsuf"])),
        joins=tuple(sorted(seen["join"])), ampm_before=tuple(before), ampm_after=tuple(after),
        closes=tuple(sorted(closes)))
    hints = [r.order_hint[lang] for lang in sorted(langs) if lang in r.order_hint]
    parts = []
    for combo in combos:  # a file may join two exports: each frame has its own date order
        mine = [m for c, m in found if c == combo]
        order = _date_order(mine, hints)
        years = [m.group("d1" if order == "ymd" else "d3") for m in mine]
        words = {_plain(m.group(g) or "") for m in mine for g in ("dsuf", "tsuf", "apb", "apa")}
        parts.append((combo, order, *_calendar(years, words)))
    return _cached_layout(tuple(parts), toks)


@lru_cache(maxsize=64)
def _cached_layout(parts, toks) -> Layout:
    return Layout(parts, toks)


SAMPLE_LINES = 2000     # lines read to choose a file's layout ...
SAMPLE_HEADERS = 200    # ... or this many headers, whichever comes first


def detect_layout(lines: Iterable[str]) -> tuple[Layout, Iterator[str]]:
    """(the layout of the file whose lines these are, the same lines, none consumed).

    Reads the first lines (``SAMPLE_LINES`` or ``SAMPLE_HEADERS`` headers) with the generic
    expression; the layout keeps the frames, orders and tokens they use."""
    it = iter(lines)
    buf, found = [], []
    anyre, combos = _generic()
    for line in it:
        buf.append(line)
        if anyre.match(line):
            for combo, rx in combos:
                m = rx.match(line)
                if m:
                    found.append((combo, m))
                    break
            if len(found) >= SAMPLE_HEADERS:
                break
        if len(buf) >= SAMPLE_LINES:
            break
    return _layout_of(found), chain(buf, it)


SECTION_RE = re.compile(r"^\ufeff?=== .+ ===[ \t]*$")
META_START_RE = re.compile(r"^\ufeff?=== (?:MÉTADONNÉES|METADONNEES|METADATA)[^=]* ===[ \t]*$", re.I)
CONTENT_RE = re.compile(r"^\ufeff?=== (?:CONTENU|CONTENT)[^=]* ===[ \t]*$", re.I)
META_KV_RE = re.compile(r"^(?P<key>[^:\n]{1,40}):(?P<sp>[ \t]*)(?P<value>.*)$")
PARTICIPANT_KEYS = {"participants", "participant", "membres", "members", "auteurs", "authors"}
VALUE_KEYS_KEPT = {"période", "periode", "period", "tokens", "messages"}

GROUP = "group"  # role of a chat-name span: in Record.bodies (scanned), never a person

_VCF_RE = regex.compile(r"(?:^|(?<=[\s\u200e<:]))(?:\d{8}-)?(?P<name>[^\s\d<>:/\\\u200e][^\n<>:/\\]*?)\.vcf\b")
_SENDER_MAX = 80


@lru_cache(maxsize=1)
def system_rules():
    data = load_yaml("whatsapp_system.yaml")
    pats = []
    for lang, lst in data["patterns"].items():
        for p in lst:
            pats.append((lang, regex.compile(p)))
    seps = data["list_separators"]
    split_re = regex.compile("|".join(regex.escape(s) for s in sorted(seps, key=len, reverse=True)))
    return pats, split_re, set(data["pronouns"]), tuple(data["markers"]), tuple(data["attachment_suffixes"])


def is_header(line: str) -> bool:
    """Whether ``line`` begins with a WhatsApp header of any layout."""
    return _generic()[0].match(line) is not None


def looks_like_whatsapp(sample: str) -> float:
    """Share of the sample's lines that begin with a WhatsApp header."""
    lines = [l for l in split_lines(sample)][:400]
    if not lines:
        return 0.0
    anyre = _generic()[0]
    hits = sum(1 for l in lines if anyre.match(l))
    return hits / len(lines)


def looks_like_chunk(sample: str) -> bool:
    return any(META_START_RE.match(strip_eol(l)) for l in list(split_lines(sample))[:50])


def _unwrap_sender(raw: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past ``~\\u202f``, U+202A/U+202C, LRM/RLM and isolate wrappers."""
    lead, trail = _label_core(raw[start:end])
    return start + lead, start + trail


_OPENERS = "\u200e\u200f\u061c\u202a\u202b\u202d\u202e\u2066\u2067\u2068"
_CLOSERS = "\u202c\u2069\u200e\u200f\u061c"


@lru_cache(maxsize=4096)  # a chat has a few dozen labels and one per message
def _label_core(s: str) -> tuple[int, int]:
    """(start, end) of the name inside a sender label."""
    lead = 0
    while lead < len(s) and s[lead] in _OPENERS:
        lead += 1
    if s[lead:lead + 2] in ("~\u202f", "~ ", "~\u00a0"):
        lead += 2
    while lead < len(s) and s[lead] in _OPENERS:
        lead += 1
    trail = len(s)
    while trail > lead and s[trail - 1] in _CLOSERS:
        trail -= 1
    return lead, trail


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‟": '"'})


def _system_names(text: str, offset: int) -> tuple[bool, list[Span]]:
    """If ``text`` is a system line, return (True, participant name spans)."""
    pats, split_re, pronouns, _, _ = system_rules()
    # iOS ends system lines with a period and uses typographic quotes: normalise both
    # for matching only (same length, so offsets stay valid)
    norm = text.translate(_QUOTES)
    if norm.endswith(".") and not norm.endswith(".."):
        norm = norm[:-1]
    for _lang, pat in pats:
        m = pat.match(norm) or (pat.match(text.translate(_QUOTES)) if len(norm) != len(text) else None)
        if not m:
            continue
        if any(m.group(g) and ": " in m.group(g) for g in ("actor", "name", "members")
               if g in pat.groupindex):
            continue  # "Jean: I left" is a message, not a system line
        spans: list[Span] = []
        for g in ("actor", "name", "members"):
            if g not in pat.groupindex or m.group(g) is None:
                continue
            gs, ge = m.span(g)
            if g == "members":
                pos = gs
                for sm in split_re.finditer(text, gs, ge):
                    spans.extend(_name_span(text, pos, sm.start(), offset, pronouns))
                    pos = sm.end()
                spans.extend(_name_span(text, pos, ge, offset, pronouns))
            else:
                spans.extend(_name_span(text, gs, ge, offset, pronouns))
        # group names ("Cumple Lucía 🎂") are free text: scanned like a body (role "group")
        for g in ("group", "group0"):
            if g in pat.groupindex and m.group(g):
                gs, ge = m.span(g)
                spans.append(Span(offset + gs, offset + ge, GROUP))
        return True, spans
    return False, []


def _add_system_spans(rec: Record, spans: list[Span]) -> None:
    rec.names.extend(sp for sp in spans if sp.role not in ("body", GROUP))
    rec.bodies.extend(sp for sp in spans if sp.role in ("body", GROUP))


def _name_span(text: str, s: int, e: int, offset: int, pronouns: set) -> list[Span]:
    s2, e2 = _unwrap_sender(text, s, e)
    piece = text[s2:e2].strip()
    if not piece or piece in pronouns:
        return []
    s2 += len(text[s2:e2]) - len(text[s2:e2].lstrip())
    return [Span(offset + s2, offset + s2 + len(piece), "name")]


def _vcf_names(raw: str, start: int, end: int) -> list[Span]:
    if raw.find(".vcf", start, end) < 0:  # the regex tries every position: gate it
        return []
    return [Span(m.start("name"), m.end("name"), "name")
            for m in _VCF_RE.finditer(raw, start, end)]


class WhatsAppParser:
    """Streaming parser: feed lines (with their terminators), get records."""

    name = "whatsapp"

    def __init__(self, known_senders: set[str] | None = None, layout: Layout | None = None):
        self.known_senders = known_senders or set()
        self.layout = layout  # None: chosen from the first lines of each parse

    # ------------------------------------------------------------------
    def parse_text(self, text: str) -> Iterator[Record]:
        return self.parse_lines(split_lines(text))

    def parse_lines(self, lines: Iterable[str]) -> Iterator[Record]:
        if self.layout is None:
            layout, lines = detect_layout(lines)
        else:
            layout = self.layout
        match = layout.match
        current: Record | None = None
        in_meta = False
        idx = 0
        for line in lines:
            bare = strip_eol(line)
            if SECTION_RE.match(bare):
                if current is not None:
                    yield current
                    current = None
                if META_START_RE.match(bare):
                    in_meta = True
                elif CONTENT_RE.match(bare):
                    in_meta = False
                yield Record(raw=line, kind=META, index=idx)
                idx += 1
                continue
            if in_meta:
                yield self._meta_record(line, bare, idx)
                idx += 1
                continue
            m = match(line)
            if m:
                if current is not None:
                    yield current
                current = self._start_record(line, bare, m, idx, layout)
                idx += 1
                continue
            if current is None:
                # lines before the first header: continuation of a message begun elsewhere
                rec = Record(raw=line, kind=CONTINUATION, index=idx)
                if bare:
                    rec.bodies.append(Span(0, len(bare)))
                    rec.names.extend(_vcf_names(line, 0, len(bare)))
                yield rec
                idx += 1
                continue
            # continuation of the current record
            base = len(current.raw)
            current.raw += line
            if bare:
                current.bodies.append(Span(base, base + len(bare)))
                current.names.extend(_vcf_names(current.raw, base, base + len(bare)))
        if current is not None:
            yield current

    # ------------------------------------------------------------------
    def _meta_record(self, line: str, bare: str, idx: int) -> Record:
        rec = Record(raw=line, kind=META, index=idx)
        m = META_KV_RE.match(bare)
        if not m:
            if bare.strip():
                rec.bodies.append(Span(0, len(bare)))
            return rec
        key = m.group("key").strip().lower()
        vs, ve = m.span("value")
        value = m.group("value")
        if not value.strip() or value.strip().lower() == "null":
            return rec
        if key in PARTICIPANT_KEYS:
            for part in re.finditer(r"[^,;]+", value):
                ps, pe = vs + part.start(), vs + part.end()
                piece = line[ps:pe]
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece.rstrip())
                if piece.strip():
                    rec.names.append(Span(ps + lead, ps + trail, "name"))
        elif key in VALUE_KEYS_KEPT:
            pass
        else:
            rec.bodies.append(Span(vs, ve))
        return rec

    def _start_record(self, line: str, bare: str, m: re.Match, idx: int, layout: Layout) -> Record:
        hs, he = 0, m.end()
        ios = layout.is_ios(m)
        rec = Record(raw=line, kind=MESSAGE, header=Span(hs, he, "header"),
                     timestamp=layout.timestamp(m), index=idx)
        rest = bare[he:]
        colon = rest.find(": ")
        if colon < 0 and rest.endswith(":"):
            colon = len(rest) - 1
        sender_ok = 0 < colon <= _SENDER_MAX and '"' not in rest[:colon] and "“" not in rest[:colon]
        if not sender_ok:
            # "John Doe:." (no space after the colon) for a sender we already know
            c2 = rest.find(":")
            if c2 > 0 and self._known(rest[:c2]):
                colon, sender_ok = c2, True
        if ios and sender_ok:
            body_start = he + colon + 1
            if bare[body_start:body_start + 1] == " ":
                body_start += 1
            body = bare[body_start:]
            # a system template only matters for an LRM line or an unknown sender (and
            # trying every template is the parser's costliest step)
            is_sys = body.startswith("\u200e") or not self._known(bare[he:he + colon])
            if is_sys:
                is_sys, names = _system_names(body.lstrip("\u200e"), body_start + (len(body) - len(body.lstrip("\u200e"))))
            if is_sys:
                rec.kind = SYSTEM
                ss, se = _unwrap_sender(line, he, he + colon)
                if self._known(line[ss:se]):
                    rec.sender = Span(ss, se, "sender")
                elif se > ss:
                    # the chat's name, iOS's sender of the group's system lines: not a
                    # person, scanned like a body (a participant's name in it is replaced)
                    rec.bodies.append(Span(ss, se, GROUP))
                _add_system_spans(rec, names)
                return rec
        if sender_ok and not ios:
            # Android: a line that is a system template wins over "X: " only when the
            # candidate sender is not a known sender
            cand = rest[:colon]
            is_sys = not self._known(cand)
            if is_sys:
                is_sys, names = _system_names(rest, he)
            if is_sys:
                rec.kind = SYSTEM
                _add_system_spans(rec, names)
                return rec
        if sender_ok:
            ss, se = _unwrap_sender(line, he, he + colon)
            rec.sender = Span(ss, se, "sender")
            body_start = he + colon + 1
            if bare[body_start:body_start + 1] == " ":
                body_start += 1
            if body_start < len(bare):
                rec.bodies.append(Span(body_start, len(bare)))
                rec.names.extend(_vcf_names(line, body_start, len(bare)))
            return rec
        # system line without sender
        rec.kind = SYSTEM
        is_sys, names = _system_names(rest, he)
        if is_sys:
            _add_system_spans(rec, names)
        elif rest:
            rec.bodies.append(Span(he, len(bare)))
        return rec

    def _known(self, label: str) -> bool:
        if not self.known_senders:
            return False
        s, e = _label_core(label)
        return label[s:e] in self.known_senders


def collect_senders(lines: Iterable[str]) -> set[str]:
    """First pass: sender labels of ``Name: `` messages (used to disambiguate)."""
    out: set[str] = set()
    layout, lines = detect_layout(lines)
    match = layout.match
    for line in lines:
        m = match(line)
        if not m:
            continue
        rest = strip_eol(line)[m.end():]
        c = rest.find(": ")
        if 0 < c <= _SENDER_MAX and '"' not in rest[:c]:
            label = rest[:c]
            s, e = _unwrap_sender(label, 0, len(label))
            if label[s:e] in out:  # known already: adding it again changes nothing
                continue
            body = rest[c + 2:]
            if layout.is_ios(m):
                is_sys, _ = _system_names(body.lstrip("\u200e"), 0)
                if is_sys:
                    continue
            else:
                is_sys, _ = _system_names(rest, 0)
                if is_sys:
                    continue
            out.add(label[s:e])
    return out
