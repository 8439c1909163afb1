"""The one verifier: fail closed before anything is written.

Every entry point (CLI, hooks, library, Dask) and every format (line exports and JSON/CSV
trees) verifies through :meth:`Verifier.verify`, after the detect/render pass, with the run's
final state (every value known by the end, so a value first seen late in a file is looked for
in the whole output).  The output is parsed again and walked with the input in lockstep,
batch by batch (on workers when the executor forks and the batches parse on their own), and:

1. it keeps the input's structure: as many records, of the same kinds, with the same
   timestamps (shifted, under ``--shift-dates``), the same text outside names and message
   bodies, the same line structure (line exports) or identifier fields (trees);
2. no real value the run knows is still there outside the text the run inserted: every person
   known (participants, names found in bodies, names of a loaded map) wherever the participant
   matcher — the one rule detection replaced them by — finds a mention; phone numbers (their
   digits, whatever the separators), e-mails, URLs, IBANs, cards, national IDs and IPs of the
   map;
3. no phone number, e-mail or URL appears that the input's record did not have (a
   replacement must never create one).

Values the run leaves on purpose (:meth:`Engine.skip`: a kind kept by the policy, an accepted
finding, a pseudonym of the map in hook mode) are not failures.  The first failure raises
:class:`VerificationError` (exit 3) naming the place and a redacted preview of the value.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from ..detect.base import EMAIL, PERSON, PHONE, URL
from ..detect.emails import find_emails
from ..detect.urls import find_urls
from ..errors import VerificationError
from ..render.redaction import describe
from .documents import batches, unpack

_DIGIT = re.compile(r"\d")
_COMPACT = re.compile(r"[\s.\-/]+")
_COMPACT_KINDS = {"iban": "IBAN_CODE", "card": "CREDIT_CARD", "fr_nir": "NATIONAL_ID",
                  "es_dni": "NATIONAL_ID", "es_nie": "NATIONAL_ID", "uk_nino": "NATIONAL_ID",
                  "us_ssn": "NATIONAL_ID", "de_idnr": "NATIONAL_ID", "ip": "IP_ADDRESS"}


class Verifier:
    def __init__(self, engine, executor=None):
        from .executors import InProcess
        self.engine = engine
        self.executor = executor or InProcess()
        self.ctx = self._context()
        self._found: dict = {}

    # ------------------------------------------------------------------ what to look for
    def _context(self):
        """What the post-scan looks for (built once, from the run's final state)."""
        eng = self.engine
        pmap = eng.pmap
        from .fastscan import DigitTails, ValueIndex
        other_ix = ValueIndex([(EMAIL, e.lower()) for e in pmap.entries.get("email", {})]
                              + [(URL, u.lower()) for u in pmap.entries.get("url", {})])
        phones = {e164.lstrip("+") for e164 in pmap.entries.get("phone", {})}
        phone_tails = DigitTails(phones)
        compact_vals = []  # checksummed identifiers and IPs of the map (issue 9)
        for table_kind, kind in _COMPACT_KINDS.items():
            if eng.policy.get(kind) == "keep":
                continue
            for real in pmap.entries.get(table_kind, {}):
                v = _COMPACT.sub("", real).lower()
                if len(v) >= 7:
                    compact_vals.append((kind, v))
        return other_ix, phones, phone_tails, compact_vals

    def _people(self, text: str, label: bool = False):
        """``engine.matcher.find(text, label=…)``, once per distinct text (sender labels and
        short messages repeat): the people known no longer change while verifying."""
        key = (text, label)
        hit = self._found.get(key)
        if hit is None:
            if len(self._found) >= 50_000:
                self._found.clear()
            hit = self._found[key] = self.engine.matcher.find(text, label=label)
        return hit

    # ------------------------------------------------------------------ one batch
    def leaks(self, out_records, inserted, in_records=None) -> list[tuple[int, str, str, int]]:
        """Real values still present in ``out_records`` outside the inserted spans
        (``inserted``: batch-local record index -> [(start, end)] in the output records):
        ``(record, kind, value, position in the record)``.  ``in_records`` (given when the
        people known have not changed since the batch was rendered): a record the run left
        untouched, whose text is the input's, cannot hold a mention the matcher missed then
        (it found none in the very same text with the very same people), so the matcher is
        not run on it again."""
        other_ix, phones, phone_tails, compact_vals = self.ctx
        find_people = self._people
        out = []
        for ri, r in enumerate(out_records):
            ins = inserted.get(ri, [])

            ins_ends = [b for _, b in ins]

            def ours(s, e, base):
                return _touches(ins, ins_ends, base + s, base + e)

            settled = in_records is not None and not ins and r.raw == in_records[ri].raw
            n_bodies = len(r.bodies)
            for k, sp in enumerate(r.bodies + r.structural_spans()):
                t = sp.text(r.raw)
                # people: the participant matcher, the very rule detection replaced them by
                # (a structural span is a label: a name by construction)
                for f in () if settled else find_people(t, label=k >= n_bodies):
                    if not ours(f.start, f.end, sp.start):
                        out.append((ri, PERSON, f.text, sp.start + f.start, f.data.get("person")))
                lt = t.lower()
                for k, v in other_ix.candidates(lt):
                    pos = lt.find(v)
                    while pos >= 0:
                        if not ours(pos, pos + len(v), sp.start):
                            out.append((ri, k, v, sp.start + pos, None))
                            break
                        pos = lt.find(v, pos + 1)
                if phones:
                    # a known number wherever its digits are, outside the text we inserted
                    # (detection replaces it there too: Engine._known_numbers)
                    for seg_start, seg in _outside(t, sp.start, ins):
                        digits = "".join(_DIGIT.findall(seg))
                        for v in phone_tails.matches(digits):
                            out.append((ri, PHONE, v, seg_start, None))
                if compact_vals and _DIGIT.search(t):
                    # IBANs, cards, national IDs, IPs: compared without spaces, dots, dashes
                    for seg_start, seg in _outside(t, sp.start, ins):
                        comp = _COMPACT.sub("", seg).lower()
                        for k, v in compact_vals:
                            if v in comp:
                                out.append((ri, k, v, seg_start, None))
        skip = self.engine.skip
        return [(ri, k, v, pos) for ri, k, v, pos, person in out if not skip(k, v, person)]

    def new_identifiers(self, in_records, out_records, inserted):
        """Phones, e-mails and URLs the detectors find in the output, outside inserted
        spans, that were not in the same record of the input (a replacement made them)."""
        phones = self.engine.phones
        leaks = []

        def scan(r, skip):
            found = []
            skip_ends = [b for _, b in skip]
            for sp in r.bodies + r.structural_spans():
                t = sp.text(r.raw)
                if skip:
                    # a finding wholly outside the inserted spans lies in one piece of text
                    # between them: a phone there has 7 digits at least, an e-mail an "@", a
                    # URL a "." or a ":" — pieces without them can hold none
                    segs = [seg for _, seg in _outside(t, sp.start, skip)]
                    fs = (find_emails(t) if any("@" in s for s in segs) else []) + (
                        find_urls(t) if any("." in s or ":" in s for s in segs) else []) + (
                        phones.find(t) if phones and any(len(_DIGIT.findall(s)) >= 7 for s in segs) else [])
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
            before = Counter((k, t) for k, t, _ in scan(in_records[ri], []))
            for k, t, pos in after:
                if before[(k, t)] > 0:
                    before[(k, t)] -= 1
                    continue
                if not self.engine.skip(k, t):
                    leaks.append((ri, k, t, pos))
        return leaks

    def check_batch(self, in_batch, out_batch, inserted, line: int, people_settled: bool = False):
        """Checks of one batch: (first structural problem or None, leaks, new identifiers,
        line after the batch); leaks as (record in batch, line, kind, value)."""
        eng = self.engine
        first_bad = None
        lines_at = []
        for a, b in zip(in_batch, out_batch):
            lines_at.append(line)
            if first_bad is None:
                first_bad = self._record_problem(a, b, line)
            line += a.raw.count("\n")
        leaks, new_ids = [], []
        if len(out_batch) == len(in_batch):
            for lst, found in ((leaks, self.leaks(out_batch, inserted, in_batch if people_settled else None)),
                               (new_ids, self.new_identifiers(in_batch, out_batch, inserted))):
                for where, kind, value, pos in found:
                    at = lines_at[where] if 0 <= where < len(lines_at) else line
                    if 0 <= where < len(out_batch):
                        at += out_batch[where].raw.count("\n", 0, max(pos, 0))
                    lst.append((where, at, kind, value))
        return first_bad, leaks, new_ids, line

    def _record_problem(self, a, b, line: int) -> str | None:
        if a.kind != b.kind:
            return f"record at line {line} changed from {a.kind} to {b.kind}"
        shift = self.engine.date_shift
        if (a.header is None) != (b.header is None):
            return f"a timestamp changed (line {line})"
        raw, delta = a.raw, 0
        if a.header is not None:
            want = a.header.text(a.raw)
            if shift:
                from ..render.dateshift import header_replacement
                for rep in header_replacement(a, shift, self.engine.doc.date_style):
                    s, e = rep.start - a.header.start, rep.end - a.header.start
                    want = want[:s] + rep.new + want[e:]
                raw = a.raw[:a.header.start] + want + a.raw[a.header.end:]
                delta = len(raw) - len(a.raw)
            if want != b.header.text(b.raw) or (not shift and a.timestamp != b.timestamp):
                return f"a timestamp changed (line {line})"
        if _skeleton(a, raw, delta) != _skeleton(b):
            return f"text outside names and message bodies changed (line {line})"
        return None

    def _settled(self, doc, first: int) -> bool:
        return doc.people_at.get(first) == self.engine.identities.version

    # ------------------------------------------------------------------ a document
    def verify(self, doc, batch_size: int) -> None:
        """Raise :class:`VerificationError` unless ``doc``'s output passes every check."""
        def fail(why: str):
            raise VerificationError(f"{doc.name}: verification failed: {why}; nothing was written")

        global _PARTS
        n_in = n_out = 0
        first_bad = None
        leaks, new_ids = [], []
        if self.executor.forks and getattr(doc, "independent_batches", lambda: False)() \
                and len(doc.bounds) > 1:
            s_in, s_out = doc.senders()
            _PARTS = (self, doc, s_in, s_out)
            try:
                parts = self.executor.map(_verify_part, range(len(doc.bounds)))
            finally:
                _PARTS = None
            for ni, no, bad, lk, nid in parts:
                n_in += ni
                n_out += no
                first_bad = first_bad or bad
                leaks += lk
                new_ids += nid
        else:
            out_it = iter(doc.output_records())
            line = 1
            for batch in batches(doc.records(), batch_size):
                first = n_in
                n_in += len(batch)
                obatch = []
                for _ in batch:
                    r = next(out_it, None)
                    if r is None:
                        break
                    obatch.append(r)
                n_out += len(obatch)
                bad, lk, nid, line = self.check_batch(batch, obatch, doc.inserted_for(first, len(batch)), line,
                                                      self._settled(doc, first))
                first_bad = first_bad or bad
                leaks += [(first + w, at, k, v) for w, at, k, v in lk]
                new_ids += [(first + w, at, k, v) for w, at, k, v in nid]
            n_out += sum(1 for _ in out_it)
        if n_in != n_out:
            fail(f"{n_in} records in, {n_out} out")
        doc.check_layout(fail)
        if first_bad is not None:
            fail(first_bad)
        found = leaks or new_ids
        if found:
            where, at, kind, value = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            fail(f"{describe(kind, value)} is still present at {doc.where(where, at)}{more}")


_PARTS = None  # (verifier, document, senders in, senders out): read by forked workers


def _verify_part(bno: int):
    verifier, doc, s_in, s_out = _PARTS
    _, _, first, line = doc.bounds[bno]
    batch, obatch = doc.batch_records(bno, s_in, s_out)
    bad, lk, nid, _ = verifier.check_batch(batch, obatch, doc.inserted_for(first, len(batch)), line,
                                           verifier._settled(doc, first))
    return (len(batch), len(obatch), bad, [(first + w, at, k, v) for w, at, k, v in lk],
            [(first + w, at, k, v) for w, at, k, v in nid])




def _skeleton(r, raw: str | None = None, delta: int = 0) -> str:
    """The record's raw text with every scanned span (names, senders, bodies) collapsed;
    ``raw``/``delta``: the same record with its header rewritten (spans moved by ``delta``)."""
    raw = r.raw if raw is None else raw
    spans = sorted((sp.start + delta, sp.end + delta) for sp in r.bodies + r.structural_spans())
    out, pos = [], 0
    for s, e in spans:
        if e <= pos:
            continue
        s = max(s, pos)
        out.append(raw[pos:s])
        out.append("\x00")
        pos = e
    out.append(raw[pos:])
    return "".join(out)


def _touches(spans: list[tuple[int, int]], ends: list[int], s: int, e: int) -> bool:
    """Whether [s, e) overlaps one of ``spans`` (sorted, disjoint; ``ends`` their ends): the
    first span ending after ``s`` is the only candidate (a huge message stays linear)."""
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

