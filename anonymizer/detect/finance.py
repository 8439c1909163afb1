"""IBANs (mod-97 + national checks) and payment card numbers (Luhn + issuer ranges)."""
from __future__ import annotations

import regex

from ..render import fakes
from .base import Finding
from .idrules import has_context, pattern

IBAN = "IBAN_CODE"
CARD = "CREDIT_CARD"
_GROUP = regex.compile(r"[ \u00a0\u202f-]")


def find_ibans(text: str, engine=None) -> list[Finding]:
    out = []
    rx = pattern("iban")
    pos = 0
    while True:
        m = rx.search(text, pos)
        if m is None:
            break
        pos = m.start() + 1  # a failed candidate may have swallowed the start of the next IBAN
        s, e = m.start(), m.end()
        # trim trailing groups (a word or number after the IBAN) until the checksum holds
        while e - s >= 15:
            cand = text[s:e]
            compact = fakes.alnum(cand)
            if 15 <= len(compact) <= 34 and fakes.iban_valid(compact):
                out.append(Finding(s, e, IBAN, cand, 1.0, "iban", {"compact": compact}))
                pos = e
                break
            cut = max((x.start() for x in _GROUP.finditer(text, s, e)), default=-1)
            if cut <= s:
                break
            e = cut
    return out


def find_cards(text: str, engine=None) -> list[Finding]:
    out = []
    for m in pattern("card").finditer(text):
        digits = "".join(c for c in m.group() if c.isdigit())
        if not fakes.card_valid(digits):
            continue
        if len(set(digits)) < 3:
            continue
        score = 1.0 if has_context(text, m.start(), m.end(), "ChatCreditCardRecognizer") else 0.9
        out.append(Finding(m.start(), m.end(), CARD, m.group(), score, "card", {"digits": digits}))
    return out


def render_iban(f: Finding, engine) -> str:
    return fakes.regroup(f.text, fakes.fake_iban(engine.pmap, f.text))


def render_card(f: Finding, engine) -> str:
    return fakes.regroup(f.text, fakes.fake_card(engine.pmap, f.text))
