"""Licence plates: France (SIV), UK, Germany, Spain, US (US only near a plate word)."""
from __future__ import annotations

import regex

from ..render import fakes
from .base import Finding
from .idrules import has_context, pattern
from ..textutil import has_digit

PLATE = "LICENSE_PLATE"
_CTX = "ChatLicensePlateRecognizer"
# scheme -> needs a context word
_SCHEMES = (("fr_siv", False), ("uk", False), ("de", None), ("es", None), ("us", True))
_ES_YEAR = regex.compile(r"^(?:19|20)\d\d")


def find_plates(text: str, engine=None) -> list[Finding]:
    if not has_digit(text):
        return []
    out: list[Finding] = []
    for scheme, need_ctx in _SCHEMES:
        for m in pattern(scheme).finditer(text):
            s, e, t = m.start(), m.end(), m.group()
            if any(s < f.end and f.start < e for f in out):
                continue
            ctx = has_context(text, s, e, _CTX, 50, 20)
            if scheme == "de":
                # "B-MW 1234" with its hyphen is distinctive; "B MW 1234" needs a cue
                if "-" not in t and not ctx:
                    continue
                if not any(c.isdigit() for c in t):
                    continue
            if scheme == "es" and not ctx:
                # "2024 XYZ"-like years or units: only with a cue
                if _ES_YEAR.match(t) or not regex.search(r"\d{4}[ -]?[A-Z]{3}$", t):
                    continue
            if need_ctx and not ctx:
                continue
            out.append(Finding(s, e, PLATE, t, 0.9 if ctx else 0.8, "plate", {"scheme": scheme}))
    return out


def render_plate(f: Finding, engine) -> str:
    return fakes.fake_plate(engine.pmap, f.text, f.data["scheme"])
