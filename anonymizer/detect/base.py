from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

PERSON = "PERSON"
PHONE = "PHONE_NUMBER"
EMAIL = "EMAIL_ADDRESS"
URL = "URL"
KINDS = (PERSON, PHONE, EMAIL, URL)


@dataclass
class Finding:
    start: int
    end: int
    kind: str
    text: str
    score: float = 1.0
    detector: str = ""
    data: dict = field(default_factory=dict)  # detector specifics (parsed phone, name part…)

    def overlaps(self, other: "Finding") -> bool:
        return self.start < other.end and other.start < self.end


PRIORITY = {"email": 8, "url": 7, "mention": 6, "participant": 5, "phone": 4, "ner": 2, "gazetteer": 1}
# identifier detectors (issue 9): checksum-validated numbers win over a phone number or a
# URL found inside them; a social profile URL wins over the generic URL; addresses, plates
# and handles win over a name found inside them ("12 rue Victor Hugo", "@camille.d")
PRIORITY.update({"iban": 9, "card": 9, "national_id": 9, "ip": 9, "gps": 9, "dob": 9,
                 "social_url": 9, "social": 6.5, "address": 6, "postcode": 6, "plate": 6,
                 "date": 3})


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep a non-overlapping set: higher priority detector first, then longer span.

    A PERSON span strictly inside a longer PERSON span (``Marie`` in ``Marie Curie``) is
    dropped first, whatever found it, so the whole name is replaced.

    O(n log n) (a sweep and a sorted list of kept spans), so one huge message costs time in
    proportion to its size (issue 16); same result as comparing every pair.
    """
    if any(f.end <= f.start for f in findings):
        return _resolve_pairwise(findings)
    persons = [f for f in findings if f.kind == PERSON]
    if len(persons) > 1:
        inside = _strictly_inside(persons)
        findings = [f for f in findings if f.kind != PERSON or id(f) not in inside]
    ranked = sorted(findings, key=lambda f: (-PRIORITY.get(f.detector, 0), -(f.end - f.start), f.start))
    starts: list[int] = []
    kept: list[Finding] = []   # disjoint, by start
    for f in ranked:
        i = bisect_right(starts, f.start)
        if (i and kept[i - 1].end > f.start) or (i < len(kept) and kept[i].start < f.end):
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept


def _strictly_inside(spans: list[Finding]) -> set[int]:
    """ids of the spans lying inside a strictly longer one (sweep by start, longest first)."""
    out = set()
    max_end, min_start = -1, 0   # the furthest end so far, and the first start reaching it
    for f in sorted(spans, key=lambda f: (f.start, -f.end)):
        if max_end > f.end or (max_end == f.end and min_start < f.start):
            out.add(id(f))
        if f.end > max_end:
            max_end, min_start = f.end, f.start
    return out


def _resolve_pairwise(findings: list[Finding]) -> list[Finding]:
    persons = [f for f in findings if f.kind == PERSON]
    if len(persons) > 1:
        findings = [f for f in findings if f.kind != PERSON or not any(
            g is not f and g.start <= f.start and f.end <= g.end and (g.end - g.start) > (f.end - f.start)
            for g in persons)]
    ranked = sorted(findings, key=lambda f: (-PRIORITY.get(f.detector, 0), -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ranked:
        if any(f.overlaps(k) for k in kept):
            continue
        kept.append(f)
    return sorted(kept, key=lambda f: f.start)
