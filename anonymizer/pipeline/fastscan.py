"""Fast candidate lookup for the post-scan of known values (e-mails, URLs) in the output.

Looking for each of thousands of known values in each of hundreds of thousands of spans is
quadratic.  :class:`ValueIndex` keys every value by one of its *interior tokens* (a maximal
run of ``[0-9a-z]`` with a non-token character on both sides inside the value): when the
value occurs in a text, that token occurs there as a whole token too.  A text is then only
compared with the values whose key token it contains (plus the few values without an
interior token), in the original order — the same findings as the plain scan, by
construction.
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r"[0-9a-z]+")


def _interior_tokens(v: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(v) if m.start() > 0 and m.end() < len(v)]


class ValueIndex:
    def __init__(self, items: list[tuple[str, str]]):
        """``items``: ``[(kind, lowercase value)]`` in scan order."""
        self.items = items
        self.by_token: dict[str, list[int]] = {}
        self.always: list[int] = []
        for i, (_, v) in enumerate(items):
            toks = _interior_tokens(v)
            if not toks:
                self.always.append(i)
                continue
            key = max(toks, key=len)
            self.by_token.setdefault(key, []).append(i)

    def candidates(self, lowered: str) -> list[tuple[str, str]]:
        """The items that may occur in ``lowered`` (a lowercased text), in scan order."""
        if not self.items:
            return []
        idx = list(self.always)
        if self.by_token:
            for tok in set(_TOKEN.findall(lowered)):
                hit = self.by_token.get(tok)
                if hit:
                    idx.extend(hit)
        idx.sort()
        return [self.items[i] for i in idx]


class DigitTails:
    """Known phone numbers (digit strings) whose last 8 digits occur in a digit string.

    Same answer, in the same order, as ``[v for v in values if len(v) >= 8 and v[-8:] in
    digits]``, through a lookup of the digit string's 8-digit windows."""

    def __init__(self, values):
        self.values = [v for v in values if len(v) >= 8]
        self.by_tail: dict[str, list[int]] = {}
        for i, v in enumerate(self.values):
            self.by_tail.setdefault(v[-8:], []).append(i)

    def matches(self, digits: str) -> list[str]:
        if len(digits) < 8 or not self.values:
            return []
        idx = set()
        for i in range(len(digits) - 7):
            hit = self.by_tail.get(digits[i:i + 8])
            if hit:
                idx.update(hit)
        return [self.values[i] for i in sorted(idx)]
