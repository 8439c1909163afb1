"""The pseudonym map: keyed, injective, disjoint from real names, shape-keeping.

Every fake value is chosen by HMAC-SHA256(key, kind + canonical real value): the same key
gives the same pseudonym in every run and every file, and nobody without the key can test
guesses (e.g. enumerate phone numbers) against the output.  When a candidate is already
taken by another real value, or equals a real name, the next candidate (counter + 1) is
tried, so the map stays injective.  The map can be saved (JSON, mode 0600) and extended.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import string
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import phonenumbers

from ..ruleset import load_yaml
from ..textutil import fold, strip_accents

MAP_VERSION = 1

LOCALES = {"fr": "fr_FR", "en": "en_US", "de": "de_DE", "es": "es_ES", "it": "it_IT",
           "pt": "pt_PT", "nl": "nl_NL"}


class KeyError_(Exception):
    pass


def load_key(key_file: str | None = None, env: str = "ANONYMIZER_KEY") -> tuple[bytes, bool]:
    """Return (key bytes, stable?).  Without a key: a random one for this run."""
    if key_file:
        data = Path(key_file).read_bytes().strip()
        if len(data) < 16:
            raise KeyError_(f"key file {key_file} is too short (need at least 16 bytes)")
        return data, True
    val = os.environ.get(env)
    if val:
        if len(val) < 16:
            raise KeyError_(f"{env} is too short (need at least 16 characters)")
        return val.encode("utf-8"), True
    return secrets.token_bytes(32), False


@lru_cache(maxsize=None)
def _faker_names(locale: str):
    """First names by gender and last names from Faker's locale provider lists.

    Importing a Faker provider imports Faker's whole package (~0.1 s at start-up, issue 17):
    the lists are kept in the user cache folder (``cachefile``), one file per locale and
    Faker version, and read from there when present."""
    from .. import cachefile
    try:
        from importlib import metadata
        path = cachefile.cache_dir() / f"faker-names-{locale}-{metadata.version('faker')}.bin"
    except Exception:  # no version, no cache folder: read Faker
        path = None
    got = cachefile.read(path, _FAKER_MAGIC) if path is not None else None
    if got is not None and isinstance(got[0], list) and len(got[0]) == 3:
        male, female, last = got[0]
        return male, female, last
    import importlib
    mod = importlib.import_module(f"faker.providers.person.{locale}")
    P = mod.Provider

    def clean(names):
        if isinstance(names, dict):
            names = list(names.keys())
        out = []
        seen = set()
        for n in names:
            if not n or any(ch.isdigit() for ch in n) or ":" in n or " " in n.strip():
                continue
            if n not in seen:
                seen.add(n)
                out.append(n)
        return sorted(out)
    male = clean(getattr(P, "first_names_male", ()) or getattr(P, "first_names", ()))
    female = clean(getattr(P, "first_names_female", ()) or getattr(P, "first_names", ()))
    last = clean(getattr(P, "last_names", ()))
    if path is not None:
        cachefile.write(path, _FAKER_MAGIC, [male, female, last], b"")
    return male, female, last


_FAKER_MAGIC = b"anonymizer-faker-names-1\n"


@lru_cache(maxsize=1)
def gender_table() -> dict[str, str]:
    """folded first name -> 'm' | 'f' from every supported Faker locale (ambiguous: absent)."""
    table: dict[str, str] = {}
    ambiguous = set()
    for loc in LOCALES.values():
        male, female, _ = _faker_names(loc)
        for g, names in (("m", male), ("f", female)):
            for n in names:
                k = fold(n)
                if k in table and table[k] != g:
                    ambiguous.add(k)
                table[k] = g
    for k in ambiguous:
        table.pop(k, None)
    return table


@lru_cache(maxsize=None)
def _locale_gender(locale: str) -> dict[str, str]:
    male, female, _ = _faker_names(locale)
    m = {fold(n) for n in male}
    f = {fold(n) for n in female}
    out = {n: "m" for n in m - f}
    out.update({n: "f" for n in f - m})
    return out


def guess_gender(first: str, locale: str = "fr_FR") -> str | None:
    """'m' / 'f' from the chat locale's name lists first, then every locale's; else None."""
    k = fold(first.split("-")[0])
    g = _locale_gender(locale).get(k)
    return g if g else gender_table().get(k)


@lru_cache(maxsize=1)
def fiction_ranges() -> dict:
    try:
        data = load_yaml("phones.yaml") or {}
    except FileNotFoundError:
        return {}
    return data.get("fiction", {}) or {}


_PARTS = __import__("re").compile(r"[\s\-'’]+")

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass
class PseudonymMap:
    key: bytes
    locale: str = "fr_FR"
    forbidden: set[str] = field(default_factory=set)   # folded real name tokens
    entries: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> real -> fake
    _used: dict[str, set[str]] = field(default_factory=dict)

    # ------------------------------------------------------------------ core
    def _digest(self, kind: str, real: str, counter: int) -> bytes:
        msg = f"{kind}\x00{real}\x00{counter}".encode("utf-8")
        return hmac.new(self.key, msg, hashlib.sha256).digest()

    def _int(self, kind: str, real: str, counter: int) -> int:
        return int.from_bytes(self._digest(kind, real, counter), "big")

    def _table(self, kind: str) -> dict[str, str]:
        return self.entries.setdefault(kind, {})

    def _used_set(self, kind: str) -> set[str]:
        if kind not in self._used:
            self._used[kind] = {fold(v) for v in self._table(kind).values()}
        return self._used[kind]

    def _assign(self, kind: str, real: str, gen, ok=lambda v: True) -> str:
        table = self._table(kind)
        if real in table:
            return table[real]
        used = self._used_set(kind)
        for counter in range(10000):
            cand = gen(counter)
            if cand is None:
                continue
            f = fold(cand)
            if f in used or f in self.forbidden or not ok(cand) or (
                    kind in ("first", "last") and any(p in self.forbidden for p in _PARTS.split(f))):
                continue  # taken, or equal to / containing a real name ("Jean-Marc" when Jean is real)
            table[real] = cand
            used.add(f)
            return cand
        raise RuntimeError(f"could not find a free pseudonym for a {kind}")

    def keyed(self, kind: str, real: str, gen, ok=lambda v: True) -> str:
        """Generic keyed fake for detector plug-ins: ``gen(h, counter)`` gets a 256-bit
        HMAC integer for (kind, real, counter) and returns a candidate (or None)."""
        return self._assign(kind, real, lambda c: gen(self._int(kind, real, c), c), ok)

    def add_forbidden(self, tokens):
        for t in tokens:
            self.forbidden.add(fold(t))

    # ------------------------------------------------------------------ names
    def first_name(self, real: str, gender: str | None = None) -> str:
        key = fold(real)
        male, female, _ = _faker_names(self.locale)
        if gender is None:
            gender = guess_gender(real, self.locale)
        pool = female if gender == "f" else male if gender == "m" else (male + female)

        def gen(c):
            return pool[self._int("first", key, c) % len(pool)]
        return self._assign("first", key, gen)

    def last_name(self, real: str) -> str:
        key = fold(real)
        _, _, last = _faker_names(self.locale)

        def gen(c):
            return last[self._int("last", key, c) % len(last)]
        return self._assign("last", key, gen)

    # ------------------------------------------------------------------ phones
    def phone(self, number: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        region = phonenumbers.region_code_for_number(number) or "ZZ"
        nsn = phonenumbers.national_significant_number(number)
        ntype = phonenumbers.number_type(number)
        real_valid = phonenumbers.is_valid_number(number)
        # reserved-for-fiction ranges first, even where libphonenumber's metadata calls them
        # invalid (FR 06 39 98, GB 07700 900): they can never ring a real person
        ranges = [r for r in fiction_ranges().get(region, [])
                  if int(r.get("length", 0)) == len(nsn)]
        typed = [r for r in ranges if _type_matches(r.get("type"), ntype)]
        ranges = typed or ranges

        def gen(c):
            h = self._int("phone", e164, c)
            if ranges and c < 5000:
                r = ranges[h % len(ranges)]
                pre = str(r["prefix"])
                rest = len(nsn) - len(pre)
                digits = str((h >> 16) % (10 ** rest)).zfill(rest) if rest > 0 else ""
                cand_nsn = pre + digits
            else:
                # same region, same leading digit(s), same length, must be a valid number
                keep = 1 if len(nsn) > 6 else 0
                rest = len(nsn) - keep
                cand_nsn = nsn[:keep] + str((h >> 16) % (10 ** rest)).zfill(rest)
            cand = f"+{number.country_code}{cand_nsn}"
            try:
                p = phonenumbers.parse(cand, None)
            except phonenumbers.NumberParseException:
                return None
            if not ranges or c >= 5000:
                # an invalid real number (``+1 345 578``) gets a same-shape invalid fake
                if real_valid and not phonenumbers.is_valid_number(p):
                    return None
            if cand == e164:
                return None
            return cand
        if ranges and e164 not in self._table("phone") and all(
                self._range_full(number.country_code, str(r["prefix"]), len(nsn)) for r in ranges):
            # every fiction range is used up: its 5,000 keyed draws would all be taken, so
            # go straight to the same fallback draws (same result, without the HMACs)
            fake = self._assign("phone", e164, lambda c: gen(c + 5000))
        else:
            fake = self._assign("phone", e164, gen)
        cache = getattr(self, "_range_counts", None)
        if cache is not None and cache[0] + 1 == len(self._used_set("phone")):
            cache[0] += 1  # the new pseudonym: keep the range counts in step
            for (head, n), _ in list(cache[1].items()):
                if fake.startswith(head) and len(fake) == len(str(number.country_code)) + 1 + n:
                    cache[1][(head, n)] += 1
        return phonenumbers.parse(fake, None)

    def _range_full(self, cc: int, prefix: str, nsn_len: int) -> bool:
        """Whether every number of a fiction range is already a pseudonym (counts cached,
        recomputed when the used set changed behind our back, e.g. a loaded map)."""
        used = self._used_set("phone")
        cache = getattr(self, "_range_counts", None)
        if cache is None or cache[0] != len(used):
            cache = self._range_counts = [len(used), Counter()]
        key = (f"+{cc}{prefix}", nsn_len)
        counts = cache[1]
        if key not in counts:
            head, total = key[0], len(str(cc)) + 1 + nsn_len
            counts[key] = sum(1 for u in used if len(u) == total and u.startswith(head))
        return counts[key] >= 10 ** (nsn_len - len(prefix))

    # ------------------------------------------------------------------ urls / emails
    def _shape(self, kind: str, real: str, text: str, counter: int) -> str:
        """Same-shape random string: letters->letters (case kept), digits->digits."""
        h = self._digest(kind + "-shape", real, counter)
        stream = bytearray()
        i = 0
        while len(stream) < len(text):
            stream += hmac.new(self.key, h + i.to_bytes(4, "big"), hashlib.sha256).digest()
            i += 1
        out = []
        for ch, b in zip(text, stream):
            if ch.isdigit():
                out.append(string.digits[b % 10])
            elif ch.isalpha():
                c = string.ascii_lowercase[b % 26]
                out.append(c.upper() if ch.isupper() else c)
            else:
                out.append(ch)
        return "".join(out)

    def email(self, real: str) -> str:
        local, _, domain = real.rpartition("@")

        def gen(c):
            h = self._int("email", real.lower(), c)
            dom = RESERVED_DOMAINS[h % len(RESERVED_DOMAINS)]
            return self._shape("email", real.lower(), strip_accents(local), c) + "@" + dom
        return self._assign("email", real.lower(), gen)

    def url(self, real: str) -> str:
        import re
        m = re.match(r"^(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)?(?P<host>[^/?#:]+)(?P<port>:\d+)?(?P<rest>.*)$", real, re.S)
        scheme = (m.group("scheme") or "") if m else ""
        host = m.group("host") if m else real
        rest = (m.group("rest") or "") if m else ""

        def gen(c):
            h = self._int("url", real, c)
            labels = host.split(".")
            www = labels[0].lower() == "www" and len(labels) > 2
            sub = labels[1:-2] if www else labels[:-2]
            dom = RESERVED_DOMAINS[h % len(RESERVED_DOMAINS)]
            fake_sub = [self._shape("urlhost", real + "|" + lab, lab, c) for lab in sub]
            new_host = ".".join((["www"] if www else []) + fake_sub + [dom])
            if not fake_sub and c > 0:
                new_host = ".".join((["www"] if www else []) + [self._shape("urlhost", real, "site" + str(c), c), dom])
            return scheme + new_host + self._shape("urlpath", real, rest, c)
        return self._assign("url", real, gen)

    # ------------------------------------------------------------------ identifiers
    def identifier(self, kind: str, real: str) -> str:
        """A keyed fake for an account id, same shape: ``user1927162607`` -> ``user5830…``
        (same letter prefix, same number of digits, no new leading zero), Slack
        ``U012AB3CD`` -> ``U7QK2M9ZT``; IPv4/IPv6 addresses -> documentation ranges
        (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).  The digits part is
        the key, so ``user123`` and the bare number ``123`` get the same fake digits."""
        import ipaddress
        import re
        real = str(real)
        try:
            addr = ipaddress.ip_address(real.strip())
        except ValueError:
            addr = None
        if addr is not None:
            def gen_ip(c):
                h = self._int("ip", real.strip(), c)
                if addr.version == 4:
                    net = ("192.0.2", "198.51.100", "203.0.113")[h % 3]
                    return f"{net}.{1 + (h >> 8) % 254}"
                groups = [(h >> (16 * i)) & 0xFFFF for i in range(1, 7)]
                return "2001:db8:" + ":".join(f"{g:x}" for g in groups)
            return self._assign("ip", real.strip(), gen_ip)
        m = re.match(r"^([A-Za-z_]*?)(?=[0-9])|^([A-Za-z])(?=[A-Za-z0-9]+$)", real)
        prefix = (m.group(1) or m.group(2) or "") if m else ""
        rest = real[len(prefix):]
        if not rest:
            return real

        def gen(c):
            cand = self._shape("id-" + kind, rest, rest, c)
            if rest[0].isdigit() and rest[0] != "0" and cand[0] == "0":
                cand = str(1 + self._int("id0", rest, c) % 9) + cand[1:]
            return None if cand == rest else cand
        return prefix + self._assign("id:" + kind, rest, gen)

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> dict:
        return {"version": MAP_VERSION, "key_id": self.key_id(), "locale": self.locale,
                "entries": self.entries}

    def key_id(self) -> str:
        return hmac.new(self.key, b"key-id", hashlib.sha256).hexdigest()[:16]

    def save(self, path: str | Path, encrypt: bool = False) -> None:
        from ..io import atomic_write_text
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if encrypt:  # AES-256-GCM under a key derived from the project key
            text = json.dumps(_seal(self.key, text.encode("utf-8"), self.key_id()), indent=1) + "\n"
        atomic_write_text(Path(path), text, mode=0o600)

    def load(self, path: str | Path) -> None:
        p = Path(path)
        if not p.exists():
            return
        data = json.loads(p.read_text(encoding="utf-8"))
        if data.get("key_id") and data["key_id"] != self.key_id():
            raise KeyError_(f"map {path} was made with another key")
        if data.get("format") == SEALED_FORMAT:
            data = json.loads(_open_sealed(self.key, data, path).decode("utf-8"))
        for kind, table in (data.get("entries") or {}).items():
            self._table(kind).update(table)
        self._used.clear()

    def reverse(self) -> dict[str, tuple[str, str]]:
        out = {}
        for kind, table in self.entries.items():
            for real, fake in table.items():
                out[fake] = (kind, real)
        return out


def _type_matches(t: str | None, ntype: int) -> bool:
    from phonenumbers import PhoneNumberType as T
    if t == "mobile":
        return ntype in (T.MOBILE, T.FIXED_LINE_OR_MOBILE)
    if t == "fixed":
        return ntype in (T.FIXED_LINE, T.FIXED_LINE_OR_MOBILE)
    return True


def new_random_key() -> bytes:
    return secrets.token_hex(32).encode()


# ---------------------------------------------------------------------- encrypted maps
SEALED_FORMAT = "anonymizer-map-sealed-v1"


def _map_cipher(key: bytes):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    k = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"anonymizer map v1").derive(key)
    return AESGCM(k)


def _seal(key: bytes, plain: bytes, key_id: str) -> dict:
    import base64
    nonce = secrets.token_bytes(12)
    ct = _map_cipher(key).encrypt(nonce, plain, SEALED_FORMAT.encode())
    return {"format": SEALED_FORMAT, "key_id": key_id, "alg": "AES-256-GCM/HKDF-SHA256",
            "nonce": base64.b64encode(nonce).decode(), "data": base64.b64encode(ct).decode()}


def _open_sealed(key: bytes, env: dict, path) -> bytes:
    import base64
    from cryptography.exceptions import InvalidTag
    try:
        return _map_cipher(key).decrypt(base64.b64decode(env["nonce"]), base64.b64decode(env["data"]),
                                        SEALED_FORMAT.encode())
    except (InvalidTag, KeyError, ValueError):
        raise KeyError_(f"map {path} cannot be decrypted with this key (wrong key or damaged file)") from None
