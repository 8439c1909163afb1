"""Per-kind policy: ``replace`` (default, a keyed fake), ``redact`` (``<IBAN>``), ``keep``."""
from __future__ import annotations

from ..errors import InputError

ACTIONS = ("replace", "redact", "keep")
BASE_KINDS = ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "URL")
EXTRA_KINDS = ("IBAN_CODE", "CREDIT_CARD", "NATIONAL_ID", "IP_ADDRESS", "GPS_COORDINATES",
               "SOCIAL_HANDLE", "LICENSE_PLATE", "STREET_ADDRESS", "POSTCODE", "CITY",
               "DATE_OF_BIRTH", "DATE")
KINDS = BASE_KINDS + EXTRA_KINDS
ALIASES = {"NAME": "PERSON", "PHONE": "PHONE_NUMBER", "EMAIL": "EMAIL_ADDRESS",
           "IBAN": "IBAN_CODE", "CARD": "CREDIT_CARD", "ID": "NATIONAL_ID", "IP": "IP_ADDRESS",
           "GPS": "GPS_COORDINATES", "SOCIAL": "SOCIAL_HANDLE", "HANDLE": "SOCIAL_HANDLE",
           "PLATE": "LICENSE_PLATE", "ADDRESS": "STREET_ADDRESS", "STREET": "STREET_ADDRESS",
           "ZIP": "POSTCODE", "DOB": "DATE_OF_BIRTH"}
# what ``redact`` writes
LABELS = {"IBAN_CODE": "IBAN", "CREDIT_CARD": "CARD", "PHONE_NUMBER": "PHONE",
          "EMAIL_ADDRESS": "EMAIL", "IP_ADDRESS": "IP", "GPS_COORDINATES": "GPS",
          "SOCIAL_HANDLE": "HANDLE", "LICENSE_PLATE": "PLATE", "STREET_ADDRESS": "ADDRESS",
          "DATE_OF_BIRTH": "DATE_OF_BIRTH"}


def kind_name(kind: str) -> str:
    k = kind.strip().upper().replace("-", "_")
    k = ALIASES.get(k, k)
    if k not in KINDS:
        raise InputError(f"unknown kind {kind!r} in policy (choose from {', '.join(KINDS)})")
    return k


def parse_policy(items) -> dict[str, str]:
    """``{"iban": "redact"}`` or ``["IBAN=redact", "city=keep"]`` -> ``{"IBAN_CODE": "redact", …}``."""
    if items is None:
        return {}
    if isinstance(items, dict):
        pairs = list(items.items())
    else:
        pairs = []
        for it in items:
            kind, sep, action = str(it).partition("=")
            if not sep:
                raise InputError(f"bad policy {it!r}: expected KIND=ACTION (e.g. IBAN=redact)")
            pairs.append((kind, action))
    out = {}
    for kind, action in pairs:
        a = str(action).strip().lower()
        if a not in ACTIONS:
            raise InputError(f"bad policy action {action!r} for {kind} (choose from {', '.join(ACTIONS)})")
        out[kind_name(str(kind))] = a
    return out


def redact_label(kind: str) -> str:
    return f"<{LABELS.get(kind, kind)}>"
