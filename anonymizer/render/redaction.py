"""Saying what was found without saying it, and recognising values that are already fakes.

* :func:`preview` — the one redacted form of a real value, for every message that may end up
  in a log (verification failures, ``scan``/``check`` reports, ``--dry-run``):
  ``J••• D•••``, ``+33 6 •• •• •• 78``, ``j•••@g•••.com``;
* :func:`allow_hash` — the keyed hash the allow-file stores for an accepted finding (never the
  text), and :func:`key_id`, the key's public fingerprint;
* :func:`fake_values` / :func:`is_fake` — the fakes a map has handed out, and whether a value
  is one of them (or a number/address reserved for fiction), so a fixed file stays fixed.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

import phonenumbers

from ..detect.base import EMAIL, PERSON, PHONE, URL
from ..textutil import fold, name_tokens

_DIGITS = re.compile(r"\d")


def preview(kind: str | None, value: str) -> str:
    """A redacted preview safe for CI logs: ``+33 6 •• •• •• 78``, ``J••• D•••``."""
    value = " ".join(value.split())  # no newlines / tabs in a report line
    if kind == PHONE or (_DIGITS.search(value) and not any(c.isalpha() for c in value)):
        digits = [i for i, c in enumerate(value) if c.isdigit()]
        lead = 3 if value.lstrip().startswith(("+", "00")) else 2
        keep = set(digits[:lead] + digits[-2:]) if len(digits) > 6 else set(digits[-1:])
        return "".join(c if (not c.isdigit() or i in keep) else "•" for i, c in enumerate(value))
    if kind == EMAIL and "@" in value:
        local, _, dom = value.rpartition("@")
        tld = dom.rsplit(".", 1)[-1] if "." in dom else ""
        return f"{local[:1]}•••@{dom[:1]}•••" + (f".{tld}" if tld else "")
    if kind == URL:
        m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)?(www\.)?(.)", value)
        return (m.group(1) or "") + (m.group(2) or "") + (m.group(3) if m else "") + "•••"
    return " ".join(w[:1] + "•" * min(3, max(len(w) - 1, 0)) if w else w for w in value.split(" "))


KIND_WORDS = {PERSON: "name", PHONE: "phone number", EMAIL: "e-mail address", URL: "URL"}


def describe(kind: str, value: str) -> str:
    """``a real name (J••• D•••)``: how a verification failure names what it found."""
    return f"a real {KIND_WORDS.get(kind, kind)} ({preview(kind, value)})"


# ---------------------------------------------------------------------- allow-file hashes
def canonical(kind: str, value: str) -> str:
    if kind == PHONE:
        d = "".join(_DIGITS.findall(value))
        return d[-9:] if len(d) >= 9 else d   # national significant number, whatever the prefix
    if kind in (EMAIL, URL):
        return value.strip().lower()
    return " ".join(fold(value).split())


def allow_hash(key: bytes, kind: str, value: str) -> str:
    msg = b"anonymizer-allow\x00" + kind.encode() + b"\x00" + canonical(kind, value).encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


from .mapfile import key_id  # noqa: E402,F401  the key's public fingerprint (one definition)


# ---------------------------------------------------------------------- fakes
def fake_values(pmap) -> dict[str, set[str]]:
    """The fakes ``pmap`` has handed out, by class, in the forms :func:`is_fake` compares."""
    names = set()
    for kind in ("first", "last"):
        for v in pmap.entries.get(kind, {}).values():
            names.update(fold(t) for t in name_tokens(v))
    phones = {"".join(_DIGITS.findall(v))[-9:] for v in pmap.entries.get("phone", {}).values()}
    other = {v.lower() for k in ("email", "url") for v in pmap.entries.get(k, {}).values()}
    return {"names": names, "phones": phones, "other": other}


def is_fake(kind: str, value: str, fakes: dict, reserved: bool = False) -> bool:
    """Is ``value`` one of the map's fakes (``fakes``: :func:`fake_values`)?  With
    ``reserved``, also any number or address reserved for fiction (what a fake looks like when
    the map cannot be read: a check run without the key)."""
    if kind == PERSON:
        toks = [fold(t) for t in name_tokens(value)]
        return bool(toks) and all(t in fakes["names"] for t in toks)
    if kind == PHONE:
        d = "".join(_DIGITS.findall(value))
        return (len(d) >= 8 and d[-9:] in fakes["phones"]) or (reserved and fiction_phone(value))
    if kind in (EMAIL, URL):
        v = value.lower()
        return v in fakes["other"] or (reserved and reserved_domain(v))
    return False


def looks_fake(kind: str, value: str) -> bool:
    """What a fake looks like when no map says (a check without the map, a file rewritten a
    second time): a number reserved for fiction, an address on example.com/.org/.net, a name
    every token (``Luc-Pierre``: each part) of which is in :func:`fake_name_pool` — so a real
    name in those lists looks like a fake too."""
    if kind != PERSON:
        return is_fake(kind, value, {"names": (), "phones": (), "other": ()}, reserved=True)
    pool = fake_name_pool()
    toks = [fold(t) for t in name_tokens(value)]
    return bool(toks) and all(p in pool for t in toks for p in t.split("-"))


@lru_cache(maxsize=1)
def fake_name_pool() -> frozenset[str]:
    """Every name token a map can hand out (folded): the Faker lists of every supported
    language, and one-letter labels."""
    from ..language import LANGUAGES
    from .pseudonyms import faker_names
    pool = {chr(c) for c in range(ord("a"), ord("z") + 1)}
    for loc in {row.faker_locale for row in LANGUAGES.values()}:
        for names in faker_names(loc):
            pool.update(fold(t) for n in names for t in name_tokens(n))
    return frozenset(pool)


def fiction_phone(value: str) -> bool:
    """Is ``value`` in a range reserved for fiction: as an international number, or — written
    nationally (``06 39 98 …``) — in the national format of a region that has such ranges."""
    from .pseudonyms import fiction_ranges
    ranges = fiction_ranges()
    v = value.strip()
    tries = [(v if v.startswith("+") else "+" + v.lstrip("0"), None)]
    if not v.startswith(("+", "00")):
        tries += [(v, region) for region in ranges]
    for text, region in tries:
        try:
            num = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        nsn = phonenumbers.national_significant_number(num)
        # fiction numbers are often invalid (07700 900xxx): the region from the country code
        where = region or phonenumbers.region_code_for_number(num) or \
            phonenumbers.region_code_for_country_code(num.country_code)
        if any(nsn.startswith(str(r["prefix"])) and int(r.get("length", 0)) == len(nsn)
               for r in ranges.get(where, [])):
            return True
    return False


def reserved_domain(value: str) -> bool:
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?([^/?#:]+)", value)
    host = m.group(1) if m else value
    from .pseudonyms import RESERVED_DOMAINS
    return any(host == d or host.endswith("." + d) for d in RESERVED_DOMAINS)
