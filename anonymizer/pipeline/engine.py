"""The engine: the state of one run and what is done with it, record by record.

An engine is built by :meth:`anonymizer.settings.Settings.engine` (nowhere else) and driven by
the run loop (:mod:`anonymizer.pipeline.run`):

* **structure** — :meth:`Engine.read_structure` registers every participant a document's
  structure names (senders, names in system lines, chunk metadata, contact cards), its
  language and phone regions;
* **detection** — :meth:`Engine.register_names` makes the people NER found known, then
  :meth:`Engine.detect_text` runs every detector on a body (participants, e-mails, phones,
  URLs, the registry's identifier detectors) and merges its NER findings;
* **rendering** — :meth:`Engine.record_replacements` turns a record's findings into
  replacements through the keyed pseudonym map.

The engine holds no output and does no verification (:mod:`anonymizer.pipeline.verify`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

from ..detect.base import EMAIL, PERSON, PHONE, URL, Finding, resolve_overlaps
from ..detect.emails import find_emails
from ..detect.participants import ParticipantMatcher
from ..detect.phones import PhoneDetector, normalise
from ..detect.urls import find_urls
from ..formats.base import Record, Replacement
from ..identities import Identities, Person
from ..language import detect_language, language
from ..textutil import case_like, fold

_DIGIT = re.compile(r"\d")
_DIGIT_SEQ = re.compile(r"\d(?:[ _.\-/()\u00a0\u202f]{0,2}\d)+")  # digits with short separators

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


@dataclass
class DocState:
    """What the structure pass learnt about one document."""
    lang: str
    phones: PhoneDetector
    records: int = 0
    header_dates: dict = field(default_factory=dict)  # distinct header dates (--shift-dates)
    date_style: tuple | None = None
    known_phones: object = None                       # DigitTails of the numbers known


class Engine:
    def __init__(self, settings, pmap, known_names=None):
        self.settings = settings
        # the map's names that are people known before the run ({"first"/"last": folded
        # names}); None: every name the map holds (library calls pass less: api.Anonymizer)
        self.known_names = known_names
        self.policy = dict(settings.policy)
        self.pmap = pmap
        self.identities = Identities()
        self.matcher = ParticipantMatcher(self.identities)
        self.registry = settings.registry()
        self.rules = settings.word_rules()
        self._name_detectors: dict = {}
        self.doc: DocState | None = None
        self.phones: PhoneDetector | None = None
        self.date_shift = None
        if settings.shift_dates is not None:  # one keyed offset in weeks for the whole run
            from ..render import dateshift
            self.date_shift = dateshift.resolve(settings.shift_dates, pmap)
        # memos (issue 6), each valid while the document's detectors (``self.phones``) and,
        # for detection, the people known stay the same
        self._detected = Memo(lambda: (self.identities.version, self.phones), 20_000)
        self._labels = Memo(lambda: (self.identities.version, self.phones), 10_000)
        self._rendered = Memo(lambda: self.phones, 50_000)
        # real values known before this run (a loaded map): the verifier looks for them
        self.preloaded = {k: set(v) for k, v in pmap.entries.items()}
        self._fakes = None

    # ------------------------------------------------------------------ structure
    def read_structure(self, records, on_language=None) -> DocState:
        """One document's structure pass.  ``records``: a callable giving a fresh iterator
        of its records.  ``on_language(lang)`` is called as soon as the language is known,
        before the people are read (so name workers can load their model meanwhile)."""
        bodies, senders = [], []
        for r in records():
            for sp in r.bodies[:2]:
                bodies.append(sp.text(r.raw))
            if r.sender is not None and len(senders) < 50:  # names issue 14: phone regions, a prior
                senders.append(r.sender_text)
            if len(bodies) > 400:
                break
        lang = self.settings.language or detect_language(bodies, senders=senders)
        if on_language is not None:
            on_language(lang)
        row = language(lang)
        self.pmap.locale = row.faker_locale
        doc = DocState(lang, PhoneDetector(row.phone_regions))
        self.enter(doc)
        people_before = set(self.identities.persons)
        # a message too long for the name model is refused up front (a documented limit)
        from ..io import check_message, max_message_chars
        limit = max_message_chars() if self.settings.ner else float("inf")
        for r in records():
            doc.records += 1
            if len(r.raw) > limit:
                check_message(r, limit)
            if r.sender is not None:
                p = self._register_label(r.sender_text)
                if p is not None:
                    p.messages += 1
            for sp in r.names:
                self._register_label(sp.text(r.raw))
            if self.date_shift and r.header is not None:
                doc.header_dates.setdefault(r.header.text(r.raw), None)
        # regions of this document's participants' numbers help find their national numbers
        extra = []
        for key in self.identities.persons.keys() - people_before:
            p = self.identities.persons[key]
            if p.phone is not None:
                reg = phonenumbers.region_code_for_number(p.phone)
                if reg and reg not in row.phone_regions and reg not in extra:
                    extra.append(reg)
        if extra:
            doc.phones = PhoneDetector(list(row.phone_regions) + extra[:3])
            self.enter(doc)
        if self.date_shift:
            from ..render.dateshift import header_style
            doc.date_style = header_style(list(doc.header_dates))
            doc.header_dates = {}
        self._known_from_map()
        from .fastscan import DigitTails
        known = {k.lstrip("+") for k in self.identities.by_phone} | \
            {k.lstrip("+") for k in self.preloaded.get("phone", ())}
        doc.known_phones = DigitTails(known)
        return doc

    def _known_from_map(self) -> None:
        """Names saved in a loaded map (earlier runs, other files) are known people too, and
        no fake may be a real name."""
        known = self.pmap.entries if self.known_names is None else self.known_names
        for role in ("first", "last"):
            for folded in list(known.get(role, ())):
                self.identities.add_known_token(folded, role)
        # an earlier run's fake that is a real name here is retired (notes in pmap.notes)
        self.pmap.real_names_arrived(self.identities.name_tokens())
        self.pmap.add_people(self.identities)  # no fake is a real name; names in e-mails/handles

    def enter(self, doc: DocState) -> None:
        """Work on ``doc`` (its language's locale, its phone regions)."""
        self.doc, self.phones = doc, doc.phones
        self.matcher.lang = doc.lang  # names issue 14: the mention rule reads the chat's language
        self.pmap.locale = language(doc.lang).faker_locale

    def _register_label(self, label: str) -> Person | None:
        num = self.phones.parse_label(label)
        if num is not None:
            return self.identities.add_phone(num, label)
        return self.identities.add_label(label)  # one letter, emoji, "Maman": people too

    # ------------------------------------------------------------------ names
    def name_detector(self, lang: str):
        """The name detector of ``lang`` (one per language per engine; the spaCy model is
        loaded once per process), told the people known so far (names.needs_ner)."""
        det = self._name_detectors.get(lang)
        if det is None:
            from ..detect.names import NameDetector
            det = self._name_detectors[lang] = NameDetector(lang, self.rules)
        det.known = self.identities.folded_name_tokens()
        return det

    def register_names(self, found: list[list[Finding]]) -> None:
        """A name found by NER (or the gazetteer) becomes a person, so its other mentions
        follow; its findings point to that person."""
        for lst in found:
            for f in lst:
                if not self.matcher.find(f.text, label=True) or len(f.text.split()) > 1:
                    p = self.identities.add_name(f.text, dynamic=True)
                    if p is not None:
                        f.data["person"] = p

    # ------------------------------------------------------------------ detection
    def detect_text(self, text: str, ner_findings: list[Finding] | None = None) -> list[Finding]:
        """Every detector on one body, overlaps resolved.

        Memoised: chats repeat themselves ("ok", "<Médias omis>", forwarded messages), and
        the findings are a function of the text, its NER findings (themselves a function of
        the text) and the engine's state — the people known (``identities.version``) and
        the document's detectors.  A change of state empties the memo; every call gets its
        own Finding objects."""
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
        found += self._known_numbers(text)
        found += find_urls(text)
        for det in self.registry.detectors:
            found += det(text, self)
        if ner_findings:
            found += ner_findings
        return resolve_overlaps(found)

    def _known_numbers(self, text: str) -> list[Finding]:
        """The number of someone known — a participant, or a number of a loaded map — is a
        mention wherever its digits are, whatever the phone rule decided of the run or the
        separators (``06_12_34_56_78``, after an order cue…): the verifier looks for known
        numbers in the digits of every piece of text."""
        tails = self.doc.known_phones if self.doc is not None else None
        if not tails or not tails.values or len(_DIGIT.findall(text)) < 8:
            return []
        out = []
        for m in _DIGIT_SEQ.finditer(text):
            hit = tails.matches("".join(_DIGIT.findall(m.group())))
            if hit:
                num = phonenumbers.parse("+" + hit[0], None)
                out.append(Finding(m.start(), m.end(), PHONE, m.group(), 0.9, "phone", {"number": num}))
        return out

    # ------------------------------------------------------------------ rendering
    def skip(self, kind: str, value: str, person=None) -> bool:
        """A value the run leaves as it is: its kind is kept by the policy, the project
        accepted it (allow words, allow-file), or it is already a pseudonym of the map
        (hooks: a fixed file stays fixed).  The verifier exempts exactly these.  ``person``
        (a name's :class:`Person`): a mention of a real participant is never a pseudonym, even
        when the map drew the same word for someone else before this person arrived (a ``fix``
        keeps earlier fakes: "Clémence" for Apolline, then the real Clémence Pichon)."""
        s = self.settings
        if self.policy.get(kind) == "keep":
            return True
        if s.allow_words and " ".join(fold(value).split()) in s.allow_words:
            return True
        if s.allow_hashes:
            from ..render.redaction import allow_hash
            if allow_hash(s.key, kind, value) in s.allow_hashes:
                return True
        if not s.keep_pseudonyms or not self.is_pseudonym(kind, value):
            return False
        if kind == PERSON and person is not None:
            full = " ".join(x for x in (person.first, person.surname) if x)
            if full and not self.is_pseudonym(PERSON, full):
                return False
        return True

    def is_pseudonym(self, kind: str, value: str) -> bool:
        from ..render.redaction import is_fake
        if self._fakes is None or self._fakes[0] != self.pmap.size():
            from ..render.redaction import fake_values
            self._fakes = (self.pmap.size(), fake_values(self.pmap))
        return is_fake(kind, value, self._fakes[1], reserved=self.settings.keep_reserved)

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
        renderer = self.registry.renderers.get(f.kind)
        return renderer(f, self) if renderer is not None else None

    def _render_person(self, f: Finding) -> str | None:
        person: Person | None = f.data.get("person")
        role = f.data.get("role")
        if person is None:
            person = self.identities.add_name(f.text, dynamic=True)
            if person is None:
                return None
        if role is None:
            # a NER span: map it through the matcher's view of the person
            sub = self.matcher.find(f.text, label=True)
            if sub and sub[0].start == 0 and sub[0].end == len(f.text):
                return self._render_person(sub[0])
            role = "full" if person.surname else "first"
        if role == "last" or not person.first:
            return case_like(f.text, self.pmap.last_name(person.surname), person.surname)
        fake_first = self.pmap.first_name(person.first)
        if role == "first" or not person.surname:
            return case_like(f.text, fake_first, person.first)
        # full: first + separator + surname as written
        fake_last = self.pmap.last_name(person.surname)
        text, n1, n2 = f.text, len(person.first), len(person.surname)
        sep = text[n1:len(text) - n2]
        if n1 + n2 > len(text) or fold(text[:n1]) != fold(person.first) \
                or fold(text[len(text) - n2:]) != fold(person.surname) or any(c.isalnum() for c in sep):
            # the span is not "first sep surname" as written ("le Bihan jparie": a particle
            # before, the name parts elsewhere): the whole span is the name, nothing kept
            return case_like(text, f"{fake_first} {fake_last}", f"{person.first} {person.surname}")
        return (case_like(text[:n1], fake_first, person.first) + (sep or " ")
                + case_like(text[len(text) - n2:], fake_last, person.surname))

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
            if self.skip(PHONE, label):
                return [(0, len(label), None, PHONE)]
            new = self.render_finding(Finding(0, len(label), PHONE, label, 1.0, "structure",
                                              {"number": num}), label)
            return [(0, len(label), new, PHONE)] if new is not None and new != label else []
        out = []
        for f in self.matcher.find(label, label=True):
            if self.skip(PERSON, f.text, f.data.get("person")):
                out.append((f.start, f.end, None, PERSON))
                continue
            new = self.render_finding(f, label)
            if new is not None and new != f.text:
                out.append((f.start, f.end, new, PERSON))
        return out or self.identities.label_replacements(label, self.pmap)  # label-only people

    def record_replacements(self, r: Record, found, span_i: int) -> list[Replacement]:
        """The replacements of one record: its header's date (``--shift-dates``), its
        structural names, then the findings of its bodies (``found[span_i:]``, one list per
        body span), overlaps dropped.  A finding left on purpose (:meth:`skip`) is a
        replacement by itself, marked ``kept``: it changes nothing, counts for nothing, and
        tells the verifier that its text is meant to stay."""
        reps: list[Replacement] = []
        if self.date_shift and r.header is not None:
            from ..render.dateshift import header_replacement
            reps += header_replacement(r, self.date_shift, self.doc.date_style)
        for sp in r.structural_spans():
            label = sp.text(r.raw)
            for s, e, new, kind in self._label_replacements(label):
                reps.append(Replacement(sp.start + s, sp.start + e, label[s:e] if new is None else new,
                                        kind, "structure", 1.0, label[s:e], kept=new is None))
        for sp in r.bodies:
            body = sp.text(r.raw)
            for f in found[span_i]:
                if self.skip(f.kind, f.text, f.data.get("person")):  # left on purpose: the verifier knows it
                    reps.append(Replacement(sp.start + f.start, sp.start + f.end, f.text, f.kind,
                                            f.detector, f.score, f.text, kept=True))
                    continue
                new = self.render_finding(f, body)
                if new is None or new == f.text:
                    continue
                reps.append(Replacement(sp.start + f.start, sp.start + f.end, new, f.kind,
                                        f.detector, f.score, f.text))
            span_i += 1
        # a number written over two lines of one message ("06 39 98" / "12 35"): one
        # replacement a line (detect/phones.py)
        if len(r.bodies) > 1 and self.phones is not None:
            reps += self.phones.split_replacements(r, self.render_finding)
        return drop_overlaps(reps)


def drop_overlaps(reps: list[Replacement]) -> list[Replacement]:
    reps = sorted(reps, key=lambda r: (r.start, -(r.end - r.start)))
    out: list[Replacement] = []
    end = -1
    for r in reps:
        if r.start >= end:
            out.append(r)
            end = r.end
    return out


def inserted_spans(reps) -> list[tuple[int, int]]:
    """Where the replacement texts of one record's ``reps`` sit in its new raw (overlaps
    skipped the way :func:`formats.base.apply_replacements` skips them)."""
    delta, pos, spans = 0, -1, []
    for rep in sorted(reps, key=lambda r: r.start):
        if rep.start < pos:
            continue
        s = rep.start + delta
        spans.append((s, s + len(rep.new)))
        delta += len(rep.new) - (rep.end - rep.start)
        pos = rep.end
    return spans
