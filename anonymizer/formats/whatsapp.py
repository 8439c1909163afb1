"""WhatsApp text exports (Android and iOS, every locale layout) and dataset chunks.

Grammar: a record starts with a timestamp header; continuation lines are unmarked.
Android: ``DATE, TIME - Name: body`` or ``DATE, TIME - system text``.
iOS: ``[DATE, TIME] Name: body`` (system lines carry the chat name as sender).
The dataset chunk layout wraps such lines in ``=== MÉTADONNÉES CHUNK ===`` /
``=== CONTENU ===`` sections with ``Key: value`` metadata lines.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

import regex

from ..ruleset import load_yaml
from .base import (CONTINUATION, MESSAGE, META, SYSTEM, Record, Span, split_lines,
                   strip_eol)

_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
_AMPM = r"(?:[ \u202f\u00a0]?[AaPp]\.?[ \u202f\u00a0]?[Mm]\.?)"
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?" + _AMPM + "?"
_ANDROID = rf"(?P<a_date>{_DATE})(?:, à | à |, | )(?P<a_time>{_TIME}) - "
_IOS = rf"\[(?P<i_date>{_DATE}),? (?:klo )?(?P<i_time>{_TIME})\] "
HEADER_RE = re.compile(rf"^\ufeff?\u200e?(?:{_IOS}|{_ANDROID})")

SECTION_RE = re.compile(r"^\ufeff?=== .+ ===[ \t]*$")
META_START_RE = re.compile(r"^\ufeff?=== (?:MÉTADONNÉES|METADONNEES|METADATA)[^=]* ===[ \t]*$", re.I)
CONTENT_RE = re.compile(r"^\ufeff?=== (?:CONTENU|CONTENT)[^=]* ===[ \t]*$", re.I)
META_KV_RE = re.compile(r"^(?P<key>[^:\n]{1,40}):(?P<sp>[ \t]*)(?P<value>.*)$")
PARTICIPANT_KEYS = {"participants", "participant", "membres", "members", "auteurs", "authors"}
VALUE_KEYS_KEPT = {"période", "periode", "period", "tokens", "messages"}

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


def looks_like_whatsapp(sample: str) -> float:
    """Share of the sample's lines that begin with a WhatsApp header."""
    lines = [l for l in split_lines(sample)][:400]
    if not lines:
        return 0.0
    hits = sum(1 for l in lines if HEADER_RE.match(l))
    return hits / len(lines)


def looks_like_chunk(sample: str) -> bool:
    return any(META_START_RE.match(strip_eol(l)) for l in list(split_lines(sample))[:50])


def _unwrap_sender(raw: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past ``~\\u202f``, U+202A/U+202C, LRM wrappers."""
    s = raw[start:end]
    lead = 0
    while lead < len(s) and s[lead] in "\u200e\u202a\u202b\u2068":
        lead += 1
    if s[lead:lead + 2] in ("~\u202f", "~ ", "~\u00a0"):
        lead += 2
    while lead < len(s) and s[lead] in "\u200e\u202a\u202b\u2068":
        lead += 1
    trail = len(s)
    while trail > lead and s[trail - 1] in "\u202c\u2069\u200e":
        trail -= 1
    return start + lead, start + trail


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
        # group names ("Cumple Lucía 🎂") are free text: scanned like a body
        for g in ("group", "group0"):
            if g in pat.groupindex and m.group(g):
                gs, ge = m.span(g)
                spans.append(Span(offset + gs, offset + ge, "body"))
        return True, spans
    return False, []


def _add_system_spans(rec: Record, spans: list[Span]) -> None:
    rec.names.extend(sp for sp in spans if sp.role != "body")
    rec.bodies.extend(sp for sp in spans if sp.role == "body")


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

    def __init__(self, known_senders: set[str] | None = None):
        self.known_senders = known_senders or set()

    # ------------------------------------------------------------------
    def parse_text(self, text: str) -> Iterator[Record]:
        return self.parse_lines(split_lines(text))

    def parse_lines(self, lines: Iterable[str]) -> Iterator[Record]:
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
            m = HEADER_RE.match(line)
            if m:
                if current is not None:
                    yield current
                current = self._start_record(line, bare, m, idx)
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

    def _start_record(self, line: str, bare: str, m: re.Match, idx: int) -> Record:
        hs, he = 0, m.end()
        date = m.group("a_date") or m.group("i_date")
        time = m.group("a_time") or m.group("i_time")
        ios = m.group("i_date") is not None
        rec = Record(raw=line, kind=MESSAGE, header=Span(hs, he, "header"),
                     timestamp=f"{date} {time}", index=idx)
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
        s, e = _unwrap_sender(label, 0, len(label))
        return label[s:e] in self.known_senders


def collect_senders(lines: Iterable[str]) -> set[str]:
    """First pass: sender labels of ``Name: `` messages (used to disambiguate)."""
    out: set[str] = set()
    for line in lines:
        m = HEADER_RE.match(line)
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
            if m.group("i_date") is not None:
                is_sys, _ = _system_names(body.lstrip("\u200e"), 0)
                if is_sys:
                    continue
            if m.group("a_date") is not None:
                is_sys, _ = _system_names(rest, 0)
                if is_sys:
                    continue
            out.add(label[s:e])
    return out
