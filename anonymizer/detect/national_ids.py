"""National identifiers with their checksums (python-stdnum): FR NIR, ES DNI/NIE, UK NINO,
US SSN, German tax ID (Steuer-IdNr, only near a context word)."""
from __future__ import annotations

import re

from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.us import ssn

from ..render import fakes
from .base import Finding
from .idrules import has_context, pattern
from ..textutil import has_digit

NATIONAL_ID = "NATIONAL_ID"
_PHONE_CUE = re.compile(r"(?i)\b(?:call|phone|tel|mobile|cell|text|ring|appelle|t[ée]l[ée]phone|ruf|anrufen|handy|llama|llámame|m[óo]vil|room|ext)\b")

_CHECKS = {
    "fr_nir": (nir.is_valid, None),
    "es_dni": (dni.is_valid, None),
    "es_nie": (nie.is_valid, None),
    "uk_nino": (lambda v: True, None),
    "us_ssn": (ssn.is_valid, "ChatUsSsnRecognizer"),
    "de_idnr": (idnr.is_valid, "ChatDeTaxIdRecognizer"),
}


def find_national_ids(text: str, engine=None) -> list[Finding]:
    if not has_digit(text):
        return []
    out = []
    for scheme, (valid, ctx) in _CHECKS.items():
        for m in pattern(scheme).finditer(text):
            compact = fakes.alnum(m.group()) if scheme != "us_ssn" else \
                "".join(c for c in m.group() if c.isdigit())
            if not valid(compact):
                continue
            near = has_context(text, m.start(), m.end(), ctx, before=50) if ctx else True
            if scheme == "de_idnr" and not near:
                continue
            if scheme == "us_ssn" and not near and (" " in m.group() or _PHONE_CUE.search(
                    text[max(0, m.start() - 25):m.start()])):
                continue  # "123 45 6789" only with a cue; "call 555-12-3456" is a phone
            out.append(Finding(m.start(), m.end(), NATIONAL_ID, m.group(), 1.0, "national_id",
                               {"scheme": scheme}))
    return out


def valid_fake(scheme: str, value: str) -> bool:
    """Does a replacement pass the scheme's checks (UK: HMRC's never-issued QQ prefix)?"""
    compact = fakes.alnum(value) if scheme != "us_ssn" else "".join(c for c in value if c.isdigit())
    if scheme == "uk_nino":
        return bool(re.fullmatch(r"QQ\d{6}[A-D]", compact))
    return _CHECKS[scheme][0](compact)


def render_national_id(f: Finding, engine) -> str:
    fake = fakes.NATIONAL_FAKES[f.data["scheme"]](engine.pmap, f.text)
    return fakes.regroup(f.text, fake)
