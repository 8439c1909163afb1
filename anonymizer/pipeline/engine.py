"""The one engine behind the CLI, the hook and the library.

Pass 1 (structure): parse the export, register every participant (senders, names in
system lines, chunk metadata, contact cards) and the chat's language and phone regions.
Pass 2 (detection): run the cheap detectors (participants, phones, e-mails, URLs) on every
body, and spaCy NER in batches on the bodies that may hold a name nobody listed.
Pass 3 (render): turn findings into replacements through the keyed pseudonym map and
apply them; everything outside the replaced spans is copied byte for byte.
Then verify the output (fail closed) before anything is written.
"""
from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import phonenumbers

from .. import formats
from ..detect.base import EMAIL, KINDS, PERSON, PHONE, URL, Finding, resolve_overlaps
from ..detect.emails import find_emails
from ..detect.names import NameDetector
from ..detect.participants import ParticipantMatcher
from ..detect.phones import PhoneDetector, normalise
from ..detect.urls import find_urls
from ..errors import InputError, VerificationError
from ..formats.base import Record, Replacement, apply_replacements
from ..identities import Identities, Person
from ..io import check_message, max_message_chars
from ..language import DEFAULT_REGION, REGIONS, detect_language
from ..render.pseudonyms import LOCALES, PseudonymMap
from ..textutil import case_like, fold

_DIGIT = re.compile(r"\d")

# Extension points for further detectors (see anonymizer/detect/*):
# EXTRA_DETECTORS: callables (text, engine) -> list[Finding];
# RENDERERS: kind -> callable (finding, engine) -> replacement text (None = keep).
EXTRA_DETECTORS: list = []
_COMPACT = re.compile(r"[\s.\-/]+")
_COMPACT_KINDS = {"iban": "IBAN_CODE", "card": "CREDIT_CARD", "fr_nir": "NATIONAL_ID",
                  "es_dni": "NATIONAL_ID", "es_nie": "NATIONAL_ID", "uk_nino": "NATIONAL_ID",
                  "us_ssn": "NATIONAL_ID", "de_idnr": "NATIONAL_ID", "ip": "IP_ADDRESS"}
RENDERERS: dict = {}


@dataclass
class Result:
    text: str
    format: str
    language: str
    messages: int
    counts: Counter = field(default_factory=Counter)
    replacements: list[tuple[int, Replacement]] = field(default_factory=list)  # (record index, rep)
    texts: list[str] = field(default_factory=list)  # each record's new raw text
    seconds: float = 0.0


_MISS = object()


class Memo:
    """A bounded memo (oldest entry out first) valid for one state of its owner: emptied
    when ``state()`` changes; a value whose computation changed the state is returned but
    not kept.  States compare by value or, for objects, by identity (held, so never reused)."""

    def __init__(self, state, size: int):
        self.state, self.size = state, size
        self.data: dict = {}
        self.at = _MISS

    def get(self, key, compute):
        now = self.state()
        if now != self.at:
            self.data.clear()
            self.at = now
        hit = self.data.get(key, _MISS)
        if hit is _MISS:
            hit = compute()
            if self.state() == now:
                if len(self.data) >= self.size:
                    del self.data[next(iter(self.data))]
                self.data[key] = hit
        return hit


class Engine:
    def __init__(self, key: bytes, language: str | None = None, ner: bool = True,
                 pmap: PseudonymMap | None = None, regions: list[str] | None = None,
                 verify: bool = True, policy=None, shift_dates=None):
        from ..render.dateshift import parse_shift
        from ..render.policy import parse_policy
        self.policy = parse_policy(policy)  # kind -> replace | redact | keep (issue 9)
        self.shift_spec = parse_shift(shift_dates)  # None | days | "auto" (issue 9)
        self.date_shift = None
        self.key = key
        self.language = language
        self.ner = ner
        self.pmap = pmap
        self.regions = regions
        self.verify = verify
        self.identities = Identities()
        self.matcher = ParticipantMatcher(self.identities)
        self._name_detectors: dict[str, NameDetector] = {}
        # memos (issue 6), each valid while the document's detectors (``self.phones``, made
        # anew by _setup) and, for detection, the people known stay the same
        self.phones = None
        self._detected = Memo(lambda: (self.identities.version, self.phones), 20_000)
        self._labels = Memo(lambda: (self.identities.version, self.phones), 10_000)
        self._rendered = Memo(lambda: self.phones, 50_000)
        # real values known before this run (a loaded --map): the post-scan looks for them
        self._preloaded = {k: set(v) for k, v in pmap.entries.items()} if pmap else {}

    # ------------------------------------------------------------------ setup
    def _setup(self, records: list[Record], lang_hint: str | None, on_language=None):
        # ``records``: a list, or a callable returning a fresh iterator (streaming, issue 6);
        # ``on_language(lang)``: called as soon as the language is known, before the people
        fresh = records if callable(records) else (lambda: records)
        bodies = []
        for r in fresh():
            for sp in r.bodies[:2]:
                bodies.append(sp.text(r.raw))
            if len(bodies) > 400:
                break
        lang = self.language or lang_hint or detect_language(bodies)
        if on_language is not None:
            on_language(lang)
        if self.pmap is None:
            self.pmap = PseudonymMap(self.key, LOCALES.get(lang, "fr_FR"))
        else:
            self.pmap.locale = LOCALES.get(lang, "fr_FR")
        regions = list(self.regions or [])
        regions.extend(r for r in REGIONS.get(lang, [DEFAULT_REGION.get(lang, "FR")]) if r not in regions)
        self.phones = PhoneDetector(regions)
        # participants by construction
        n_records = 0
        # issue 16: a message too long for the name model is refused up front (documented limit)
        limit = max_message_chars() if self.ner else float("inf")
        for r in fresh():
            n_records += 1
            if len(r.raw) > limit:
                check_message(r, limit)
            if r.sender is not None:
                label = r.sender_text
                p = self._register_label(label)
                if p is not None:
                    p.messages += 1
            for sp in r.names:
                self._register_label(sp.text(r.raw))
        # regions of participants' numbers help find their national-format numbers
        extra = []
        for p in self.identities.persons.values():
            if p.phone is not None:
                reg = phonenumbers.region_code_for_number(p.phone)
                if reg and reg not in regions and reg not in extra:
                    extra.append(reg)
        if extra:
            self.phones = PhoneDetector(regions + extra[:3])
        # names saved in a loaded map (earlier runs, other files) are known people too
        for role, kind in (("first", "first"), ("last", "last")):
            for folded in list(self.pmap.entries.get(kind, {})):
                self.identities.add_known_token(folded, role)
        # security (issue 16): an earlier fake that is a real name here is re-keyed (notes in pmap.notes)
        self.pmap.real_names_arrived(self.identities.name_tokens())
        self.pmap.add_forbidden(self.identities.name_tokens())
        self._n_records = n_records
        if self.shift_spec is not None:  # --shift-dates: one keyed offset in weeks
            from ..render import dateshift
            self.date_shift = dateshift.resolve(self.shift_spec, self.pmap)
            self._date_style = dateshift.header_style([r.header.text(r.raw) for r in records
                                                       if r.header is not None])
        return lang

    def _lang_of(self, text: str) -> str:
        return self.language or detect_language([text])

    def _register_label(self, label: str) -> Person | None:
        num = self.phones.parse_label(label)
        if num is not None:
            return self.identities.add_phone(num, label)
        return self.identities.add_name(label)

    def _ner(self, lang: str) -> NameDetector:
        if lang not in self._name_detectors:
            self._name_detectors[lang] = NameDetector(lang)
        det = self._name_detectors[lang]
        # the people known so far: their name tokens need no NER (names.needs_ner)
        det.known = self.identities.folded_name_tokens()
        return det

    # ------------------------------------------------------------------ detection
    def detect_text(self, text: str, ner_findings: list[Finding] | None = None) -> list[Finding]:
        """Every detector on one body, overlaps resolved.

        Memoised: chats repeat themselves ("ok", "<Médias omis>", forwarded messages), and
        the findings are a function of the text, its NER findings (themselves a function of
        the text) and the engine's state — the people known (``identities.version``) and
        the detectors set up for the document (reset by ``_setup``).  A change of state
        empties the memo; every call gets its own Finding objects."""
        key = (text, tuple((f.start, f.end, f.kind, f.detector) for f in ner_findings)
               if ner_findings else ())
        hit = self._detected.get(key, lambda: self._detect_text(text, ner_findings))
        return [Finding(f.start, f.end, f.kind, f.text, f.score, f.detector, dict(f.data))
                for f in hit]

    def _detect_text(self, text: str, ner_findings: list[Finding] | None = None) -> list[Finding]:
        found: list[Finding] = []
        found += self.matcher.find(text)
        found += find_emails(text)
        found += self.phones.find(text)
        found += find_urls(text)
        for det in (*EXTRA_DETECTORS, *getattr(self, "extra_detectors", ())):  # global + per engine
            found += det(text, self)
        if ner_findings:
            found += ner_findings
        return resolve_overlaps(found)

    def run_ner(self, texts: list[str], lang: str) -> list[list[Finding]]:
        if not self.ner:
            return [[] for _ in texts]
        det = self._ner(lang)
        from .executors import find_names  # distinct texts once; engine.jobs processes (issue 6)
        from ..language import find_names_by_language  # mixed-language chats: per message (issue 3)
        jobs = getattr(self, "jobs", 1)
        out = find_names_by_language(self, texts, lang, lambda c, ts: find_names(self._ner(c), ts, jobs))
        if out is None:
            out = find_names(det, texts, jobs)
        self.register_names(out)
        return out

    def register_names(self, found: list[list[Finding]]) -> None:
        """A name found by NER (or the gazetteer) becomes a person, so its other mentions
        follow; its findings point to that person."""
        for lst in found:
            for f in lst:
                if not self.matcher.find(f.text) or len(f.text.split()) > 1:
                    p = self.identities.add_name(f.text, dynamic=True)
                    if p is not None:
                        f.data["person"] = p

    # ------------------------------------------------------------------ rendering
    def render_finding(self, f: Finding, text: str) -> str | None:
        action = self.policy.get(f.kind, "replace")
        if action != "replace":
            from ..render.policy import redact_label
            return None if action == "keep" else redact_label(f.kind)
        # memoised for people already known, phones, e-mails and URLs: a pseudonym, once
        # given, never changes, and chats name the same people again and again
        if f.kind == PERSON:
            person = f.data.get("person")
            key = (PERSON, f.text, person.key, f.data.get("role")) if person is not None else None
        elif f.kind in (PHONE, EMAIL, URL):
            key = (f.kind, f.text)
        else:
            key = None
        new = self._render_finding(f, text) if key is None else \
            self._rendered.get(key, lambda: self._render_finding(f, text))
        if new is not None:  # security (issue 16): the exact form, for a byte-exact reveal
            self.pmap.note_rendered(f.kind, new, f.text)
        return new

    def _render_finding(self, f: Finding, text: str) -> str | None:
        if f.kind == PERSON:
            return self._render_person(f)
        if f.kind == PHONE:
            return self._render_phone(f.text, f.data["number"])
        if f.kind == EMAIL:
            return self.pmap.email(f.text)
        if f.kind == URL:
            return self.pmap.url(f.text)
        if f.kind in RENDERERS:
            return RENDERERS[f.kind](f, self)
        return None

    def _render_person(self, f: Finding) -> str | None:
        person: Person | None = f.data.get("person")
        role = f.data.get("role")
        if person is None:
            person = self.identities.add_name(f.text, dynamic=True)
            if person is None:
                return None
        if role is None:
            # a NER span: map it through the matcher's view of the person
            sub = self.matcher.find(f.text)
            if sub and sub[0].start == 0 and sub[0].end == len(f.text):
                return self._render_person(sub[0])
            role = "full" if person.surname else "first"
        if role == "last" or not person.first:
            return case_like(f.text, self.pmap.last_name(person.surname), person.surname)
        fake_first = self.pmap.first_name(person.first)
        if role == "first" or not person.surname:
            return case_like(f.text, fake_first, person.first)
        fake_last = self.pmap.last_name(person.surname)
        if role == "last":
            return case_like(f.text, fake_last, person.surname)
        # full: first + separator + surname as written
        n1 = len(person.first)
        sep = f.text[n1:len(f.text) - len(person.surname)] or " "
        return (case_like(f.text[:n1], fake_first, person.first) + sep
                + case_like(f.text[len(f.text) - len(person.surname):], fake_last, person.surname))

    def _render_phone(self, original: str, number: phonenumbers.PhoneNumber) -> str:
        fake = self.pmap.phone(number)
        real_nsn = phonenumbers.national_significant_number(number)
        fake_nsn = phonenumbers.national_significant_number(fake)
        digits = "".join(_DIGIT.findall(normalise(original)))
        if len(fake_nsn) == len(real_nsn) and digits.endswith(real_nsn):
            # substitute the national significant number's digits, keep every separator
            repl = list(fake_nsn)
            out = list(original)
            i = len(out) - 1
            while repl and i >= 0:
                if out[i].isdigit():
                    out[i] = repl.pop()
                i -= 1
            return "".join(out)
        fmt = (phonenumbers.PhoneNumberFormat.INTERNATIONAL if original.lstrip().startswith(("+", "00"))
               else phonenumbers.PhoneNumberFormat.NATIONAL)
        return phonenumbers.format_number(fake, fmt)

    def _label_replacements(self, label: str) -> list[tuple[int, int, str, str]]:
        """Replacements inside a sender label / structural name.  Memoised like
        :meth:`detect_text` (a chat has a few dozen senders and one label per message;
        a pseudonym, once given, never changes)."""
        return self._labels.get(label, lambda: self._label_replacements_of(label))

    def _label_replacements_of(self, label: str) -> list[tuple[int, int, str, str]]:
        num = self.phones.parse_label(label)
        if num is not None:
            new = self.render_finding(Finding(0, len(label), PHONE, label, 1.0, "structure",
                                              {"number": num}), label)
            return [(0, len(label), new, PHONE)] if new is not None and new != label else []
        out = []
        for f in self.matcher.find(label):
            new = self.render_finding(f, label)
            if new is not None and new != f.text:
                out.append((f.start, f.end, new, PERSON))
        return out

    # ------------------------------------------------------------------ main
    def process_text(self, text: str, fmt: str | None = None, name: str = "input",
                     progress=None) -> Result:
        """Anonymise a whole text export (WhatsApp, chunk, plain).

        ``text`` may also be a lazy :class:`io.Decoded` (UTF-8 bytes, decoded line by line).

        ``progress``: optional callable ``(done, total)`` in records (see :meth:`transform`).
        """
        t0 = time.perf_counter()
        if not isinstance(text, str) and (fmt is None or self.shift_spec is not None
                                          or not getattr(self, "stream", True)):
            text = text.text  # a lazy io.Decoded, outside the streaming path: the whole str
        fmt = fmt or formats.detect_format(text)
        if self.shift_spec is not None or not getattr(self, "stream", True):
            records = list(formats.parse(text, fmt))
            result = self.transform(records, fmt, progress=progress)
            if self.verify:
                self.verify_output(text, result, records, fmt, name)
        else:  # bounded memory: records parsed lazily, processed in batches (issue 6)
            from .run import process_stream
            result = process_stream(self, text, fmt, name, progress)
        result.seconds = time.perf_counter() - t0
        return result

    def transform(self, records: list[Record], fmt: str = "records",
                  lang: str | None = None, progress=None) -> Result:
        """Anonymise parsed records; ``result.texts`` holds each record's new ``raw``.

        Format adapters that are not line-based (JSON exports…) build records whose ``raw``
        is one string value, call this, and write ``result.texts`` back into their tree.
        ``progress``, if given, is called as ``progress(done, total)`` (records) at the start,
        every 500 records and at the end.
        """
        if progress is not None:
            progress(0, len(records))
        lang = self._setup(records, lang)
        # detection: NER batched over every body span first (registers new people)
        spans = [(ri, si) for ri, r in enumerate(records) for si in range(len(r.bodies))]
        texts = [records[ri].bodies[si].text(records[ri].raw) for ri, si in spans]
        ner = self.run_ner(texts, lang)
        from .executors import detect_all  # all bodies first, on engine.jobs processes (issue 6)
        found = detect_all(self, texts, ner, getattr(self, "jobs", 1))
        result = Result(text="", format=fmt, language=lang, messages=0)
        span_i = 0
        for ri, r in enumerate(records):
            if progress is not None and ri % 500 == 0 and ri:
                progress(ri, len(records))
            reps: list[Replacement] = []
            if self.date_shift and r.header is not None:
                from ..render.dateshift import header_replacement
                reps += header_replacement(r, self.date_shift, self._date_style)
            reps = self.record_replacements(r, found, span_i, reps)
            span_i += len(r.bodies)
            for rep in reps:
                result.counts[rep.kind] += 1
                result.replacements.append((ri, rep))
            result.texts.append(apply_replacements(r.raw, reps) if reps else r.raw)
            if r.kind in (formats.base.MESSAGE, formats.base.SYSTEM):
                result.messages += 1
        result.text = "".join(result.texts)
        if progress is not None:
            progress(len(records), len(records))
        return result

    def record_replacements(self, r: Record, found, span_i: int,
                            reps: list[Replacement] | None = None) -> list[Replacement]:
        """The replacements of one record: its structural names, then the findings of its
        bodies (``found[span_i:]``, one list per body span), overlaps dropped."""
        reps = list(reps or [])
        for sp in r.structural_spans():
            label = sp.text(r.raw)
            for s, e, new, kind in self._label_replacements(label):
                reps.append(Replacement(sp.start + s, sp.start + e, new, kind, "structure",
                                        1.0, label[s:e]))
        for sp in r.bodies:
            body = sp.text(r.raw)
            for f in found[span_i]:
                new = self.render_finding(f, body)
                if new is None or new == f.text:
                    continue
                reps.append(Replacement(sp.start + f.start, sp.start + f.end, new, f.kind,
                                        f.detector, f.score, f.text))
            span_i += 1
        return _drop_overlaps(reps)

    # ------------------------------------------------------------------ verification
    def verify_output(self, original: str, result: Result, records: list[Record], fmt: str, name: str):
        """Fail closed: raise VerificationError (exit 3) unless the output keeps every
        message, line, timestamp and every character outside the scanned spans, and no
        known real value (nor an identifier the input did not have) is left outside the
        spans we inserted."""
        out = result.text
        out_records = list(formats.parse(out, fmt))
        if self.date_shift:  # headers moved on purpose: compare with the shifted input
            from ..render.dateshift import shifted_headers_text
            original = shifted_headers_text(records, self.date_shift, self._date_style)
            records = list(formats.parse(original, fmt))

        def fail(why: str):
            raise VerificationError(f"{name}: verification failed: {why}; nothing was written")

        if len(out_records) != len(records):
            fail(f"{len(records)} records in, {len(out_records)} out")
        if out.count("\n") != original.count("\n") or out.count("\r") != original.count("\r"):
            fail("line structure changed")
        line = 1
        for a, b in zip(records, out_records):
            if a.kind != b.kind:
                fail(f"record at line {line} changed from {a.kind} to {b.kind}")
            if (a.header is None) != (b.header is None) or (
                    a.header is not None and a.header.text(a.raw) != b.header.text(b.raw)) \
                    or a.timestamp != b.timestamp:
                fail(f"a timestamp changed (line {line})")
            if _skeleton(a) != _skeleton(b):
                fail(f"text outside names and message bodies changed (line {line})")
            line += a.raw.count("\n")
        inserted = inserted_spans(result, len(records))
        leaks = [lk for lk in self._leaks(out_records, inserted) if self.policy.get(lk[1]) != "keep"]
        if not leaks:
            leaks = self._new_identifiers(records, out_records, inserted)
        if leaks:
            where, kind, value, pos = leaks[0]
            at = sum(r.raw.count("\n") for r in out_records[:where]) + 1
            if 0 <= where < len(out_records):
                at += out_records[where].raw.count("\n", 0, max(pos, 0))
            more = f" (and {len(leaks) - 1} more)" if len(leaks) > 1 else ""
            label = {PERSON: "name", PHONE: "phone number", EMAIL: "e-mail address",
                     URL: "URL"}.get(kind, kind)
            fail(f"a real {label} ({redact(value)}) is still present at line {at}{more}")

    def real_values(self):
        """Real values known to the run: (kind, folded value or digits).

        Names: every participant/structural name token of this run (matched in any case),
        plus first/last names of a map loaded with ``--map`` (see :meth:`map_names`)."""
        vals = []
        for tok in self.identities.name_tokens(dynamic=False):
            if len(tok) >= 3:
                vals.append((PERSON, fold(tok)))
        for kind in ("phone",):
            for e164 in self.pmap.entries.get(kind, {}):
                vals.append((PHONE, e164.lstrip("+")))
        for e in self.pmap.entries.get("email", {}):
            vals.append((EMAIL, e.lower()))
        for u in self.pmap.entries.get("url", {}):
            vals.append((URL, u.lower()))
        return vals

    def map_names(self) -> set[str]:
        """Folded first/last names that came from a loaded map (real values known before
        this run).  They may be ordinary words too (a NER name of an earlier run), so the
        post-scan flags them only where written with a capital (``Zorglub``, ``ZORGLUB``)."""
        pre = getattr(self, "_preloaded", None) or {}
        out = set()
        for kind in ("first", "last"):
            out.update(k for k in pre.get(kind, ()) if len(k) >= 3)
        return out

    def find_leaks(self, out_records: list[Record],
                   inserted: dict[int, list[tuple[int, int]]] | None = None
                   ) -> list[tuple[int, str, str]]:
        """Real values still present in the output, outside text we inserted.

        ``inserted``: record index -> [(start, end)] of replaced text in the output records
        (see :func:`inserted_spans`); without it, a name that is part of any fake is
        assumed to be ours."""
        return [(i, k, v) for i, k, v, _ in self._leaks(out_records, inserted)]

    def _leaks(self, out_records, inserted=None, ctx=None):
        name_rx, cap_rx, other_ix, phones, phone_tails, compact_vals = ctx or self._leak_context()
        leaks = []
        for ri, r in enumerate(out_records):
            ins = (inserted or {}).get(ri, [])
            ins_ends = [b for _, b in ins]  # issue 16: bisection, not a scan per match

            def ours(s, e, t, base):
                if inserted is None:
                    return self._inserted_name(r, t, s, e)
                return _touches(ins, ins_ends, base + s, base + e)

            for sp in r.bodies + r.structural_spans():
                t = sp.text(r.raw)
                ft = fold(t)
                if name_rx is not None:
                    for m in name_rx.finditer(ft):
                        if not ours(m.start(), m.end(), t, sp.start):
                            leaks.append((ri, PERSON, t[m.start():m.end()], sp.start + m.start()))
                if cap_rx is not None:
                    for m in cap_rx.finditer(ft):
                        if t[m.start()].isupper() and not ours(m.start(), m.end(), t, sp.start):
                            leaks.append((ri, PERSON, t[m.start():m.end()], sp.start + m.start()))
                lt = t.lower()
                for k, v in other_ix.candidates(lt):
                    pos = lt.find(v)
                    while pos >= 0:
                        if inserted is None or not ours(pos, pos + len(v), t, sp.start):
                            leaks.append((ri, k, v, sp.start + pos))
                            break
                        pos = lt.find(v, pos + 1)
                if phones:
                    for seg_start, seg in _outside(t, sp.start, ins if inserted else []):
                        digits = "".join(_DIGIT.findall(seg))
                        for v in phone_tails.matches(digits):
                            leaks.append((ri, PHONE, v, seg_start))
                if compact_vals and _DIGIT.search(t):
                    # IBANs, cards, national IDs, IPs: compared without spaces, dots, dashes
                    for seg_start, seg in _outside(t, sp.start, ins if inserted else []):
                        comp = _COMPACT.sub("", seg).lower()
                        for k, v in compact_vals:
                            if v in comp:
                                leaks.append((ri, k, v, seg_start))
        return leaks

    def _leak_context(self):
        """What the post-scan looks for (built once per verification)."""
        fakes = set()
        for table in self.pmap.entries.values():
            fakes.update(fold(v) for v in table.values())
        fake_words = {w for f in fakes for w in f.split()}
        static = {v for k, v in self.real_values() if k == PERSON}
        name_rx = _word_rx(static - fakes)
        # names found by NER only, and names from a loaded map, count where written like a
        # name (capitalised), the same rule the participant matcher applies to them
        dyn = {fold(t) for t in self.identities.name_tokens(dynamic=True) if len(t) >= 3}
        cap_rx = _word_rx((dyn | self.map_names()) - static - fake_words)
        other = [(k, v) for k, v in self.real_values() if k in (EMAIL, URL)]
        from .fastscan import ValueIndex  # same findings, without the values x spans scan (issue 6)
        other_ix = ValueIndex(other)
        phones = {v for k, v in self.real_values() if k == PHONE}
        from .fastscan import DigitTails
        phone_tails = DigitTails(phones)
        # checksummed identifiers and IPs of the map (issue 9), unless their kind is kept
        compact_vals = []
        policy = getattr(self, "policy", None) or {}
        for table_kind, kind in _COMPACT_KINDS.items():
            if policy.get(kind) == "keep":
                continue
            for real in self.pmap.entries.get(table_kind, {}):
                v = _COMPACT.sub("", real).lower()
                if len(v) >= 7:
                    compact_vals.append((kind, v))
        return name_rx, cap_rx, other_ix, phones, phone_tails, compact_vals

    def _new_identifiers(self, records, out_records, inserted):
        """Phones, e-mails and URLs the detectors find in the output, outside inserted
        spans, that were not in the same record of the input (a replacement made them)."""
        leaks = []
        phones = getattr(self, "phones", None)

        def scan(r, skip):
            found = []
            skip_ends = [b for _, b in skip]  # issue 16: bisection, not a scan per finding
            for sp in r.bodies + r.structural_spans():
                t = sp.text(r.raw)
                if skip:  # a phone (e-mail) wholly outside the inserted spans has a digit (@) there
                    rest = "".join(seg for _, seg in _outside(t, sp.start, skip))
                    fs = (find_emails(t) if "@" in rest else []) + find_urls(t) + (
                        phones.find(t) if phones and _DIGIT.search(rest) else [])
                else:
                    fs = find_emails(t) + find_urls(t) + (phones.find(t) if phones else [])
                for f in fs:
                    if not _touches(skip, skip_ends, sp.start + f.start, sp.start + f.end):
                        found.append((f.kind, f.text, sp.start + f.start))
            return found

        for ri, spans in inserted.items():
            if not spans or ri >= len(out_records):
                continue
            after = scan(out_records[ri], spans)
            if not after:
                continue
            before = Counter((k, t) for k, t, _ in scan(records[ri], []))
            for k, t, pos in after:
                if before[(k, t)] > 0:
                    before[(k, t)] -= 1
                    continue
                leaks.append((ri, k, t, pos))
        return leaks

    def _inserted_name(self, r: Record, t: str, s: int, e: int) -> bool:
        """A real token that is also part of a fake we inserted is not a leak."""
        word = fold(t[s:e])
        for table in (self.pmap.entries.get("first", {}), self.pmap.entries.get("last", {})):
            for fake in table.values():
                if word in fold(fake).split():
                    return True
        return False


def inserted_spans(result: Result, n_records: int) -> dict[int, list[tuple[int, int]]]:
    """Record index -> [(start, end)] of the replacement text in the output records."""
    by_rec: dict[int, list[Replacement]] = {}
    for ri, rep in result.replacements:
        by_rec.setdefault(ri, []).append(rep)
    out: dict[int, list[tuple[int, int]]] = {}
    for ri, reps in by_rec.items():
        delta = 0
        pos = -1
        spans = []
        for rep in sorted(reps, key=lambda r: r.start):
            if rep.start < pos:
                continue  # apply_replacements skips overlaps the same way
            s = rep.start + delta
            spans.append((s, s + len(rep.new)))
            delta += len(rep.new) - (rep.end - rep.start)
            pos = rep.end
        out[ri] = spans
    return out


def _skeleton(r: Record) -> str:
    """The record's raw text with every scanned span (names, senders, bodies) collapsed."""
    spans = sorted((sp.start, sp.end) for sp in r.bodies + r.structural_spans())
    out, pos = [], 0
    for s, e in spans:
        if e <= pos:
            continue
        s = max(s, pos)
        out.append(r.raw[pos:s])
        out.append("\x00")
        pos = e
    out.append(r.raw[pos:])
    return "".join(out)


def _touches(spans: list[tuple[int, int]], ends: list[int], s: int, e: int) -> bool:
    """Whether [s, e) overlaps one of ``spans`` (sorted, disjoint; ``ends`` their ends):
    the first span ending after ``s`` is the only candidate (issue 16: linear verification
    of one huge message)."""
    from bisect import bisect_right
    j = bisect_right(ends, s)
    return j < len(spans) and spans[j][0] < e


def _outside(t: str, base: int, spans: list[tuple[int, int]]):
    """Pieces of span text ``t`` (at ``base`` in its record) outside inserted spans."""
    pos = 0
    for a, b in sorted(spans):
        a, b = a - base, b - base
        if b <= 0 or a >= len(t):
            continue
        if a > pos:
            yield base + pos, t[pos:a]
        pos = max(pos, b)
    if pos < len(t):
        yield base + pos, t[pos:]


def _drop_overlaps(reps: list[Replacement]) -> list[Replacement]:
    reps = sorted(reps, key=lambda r: (r.start, -(r.end - r.start)))
    out: list[Replacement] = []
    end = -1
    for r in reps:
        if r.start >= end:
            out.append(r)
            end = r.end
    return out


def _word_rx(words, fold_case=True):
    import regex
    words = sorted((w for w in words if w), key=len, reverse=True)
    if not words:
        return None
    body = "|".join(regex.escape(w) for w in words)
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{M}}\p{{N}}])")


def redact(value: str) -> str:
    """``Jean Dupont`` -> ``J••• D•••``; ``+33 6 12 34 56 78`` -> ``+33 6 •• •• •• 78``."""
    if _DIGIT.search(value) and not any(c.isalpha() for c in value):
        digits = [i for i, c in enumerate(value) if c.isdigit()]
        keep = set(digits[:3] + digits[-2:])
        return "".join(c if (not c.isdigit() or i in keep) else "•" for i, c in enumerate(value))
    out = []
    for w in value.split(" "):
        out.append(w[:1] + "•" * min(3, max(len(w) - 1, 0)) if w else w)
    return " ".join(out)


from ..detect import extra as _extra  # noqa: E402  identifier detectors (issue 9)
_extra.register(sys.modules[__name__])
