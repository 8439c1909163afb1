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
import itertools
import os
import re
import secrets
import string
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import phonenumbers

from ..errors import KeyProblem
from ..ruleset import load_yaml
from ..textutil import fold, strip_accents

MAP_VERSION = 1





def load_key(key_file: str | None = None, env: str = "ANONYMIZER_KEY") -> tuple[bytes, bool]:
    """Return (key bytes, stable?).  Without a key: a random one for this run."""
    if key_file:
        data = Path(key_file).read_bytes().strip()
        if len(data) < 16:
            raise KeyProblem(f"key file {key_file} is too short (need at least 16 bytes)")
        return data, True
    val = os.environ.get(env)
    if val:
        if len(val) < 16:
            raise KeyProblem(f"{env} is too short (need at least 16 characters)")
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
            if not n or any(ch.isdigit() for ch in n) or ":" in n or "." in n or " " in n.strip():
                continue  # "Klaus-D.", "Hans D.": abbreviations (a "." reads as the end of a line)
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


faker_names = _faker_names  # public name for the fake generators (render/fakes.py)
_FAKER_MAGIC = b"anonymizer-faker-names-2\n"


@lru_cache(maxsize=1)
def gender_table() -> dict[str, str]:
    """folded first name -> 'm' | 'f' from every supported Faker locale (ambiguous: absent)."""
    table: dict[str, str] = {}
    ambiguous = set()
    from ..language import LANGUAGES
    for loc in {row.faker_locale for row in LANGUAGES.values()}:
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


_PARTS = re.compile(r"[\s\-'’]+")

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")

# fallbacks that cannot run out (issue 15): how many draws of the natural shape before widening
NAME_TRIES = 200        # single pool names, then compounds of 2, 3, … names
COMPOUND_TRIES = 2000   # draws per compound size
SHAPE_TRIES = 16        # draws per length of a same-shape string (ids, e-mail parts, handles)
PHONE_WIDEN = 8000      # draws of the same length (fiction ranges, then valid numbers)

_RUNS = re.compile(r"[^\W\d_]+|\d+|.", re.S)


@lru_cache(maxsize=1)
def label_rules() -> dict:
    """``rules/labels.yaml``: the emoji pool and the gender of kinship words."""
    data = load_yaml("labels.yaml") or {}
    return {"emoji": list(data.get("emoji") or []),
            "gender": {fold(k): v for k, v in (data.get("gender") or {}).items()}}


def _hints_at(real: str, fake: str) -> bool:
    """Would ``fake`` (folded) give the real name away: a word of one holds a word of the
    other ("Jeanne" for Jean, "Ana" for Anabelle, "Jeannine" for "Jean Dupont")?"""
    reals = [w for w in _PARTS.split(fold(real)) if len(w) >= 3]
    fakes = [w for w in _PARTS.split(fake) if len(w) >= 3]
    return any(r in f or f in r for r in reals for f in fakes)


@dataclass
class PseudonymMap:
    key: bytes
    locale: str = "fr_FR"
    forbidden: set[str] = field(default_factory=set)   # folded real name tokens
    entries: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> real -> fake
    _used: dict[str, set[str]] = field(default_factory=dict)
    people: object = None      # the run's Identities (see add_people): names in e-mails/handles
    real_ids: set[str] = field(default_factory=set)   # account ids of the input (reserve_ids)
    _full: set = field(default_factory=set)            # label levels with every value taken
    # persisted with the entries (render/mapfile.py): kind -> fake as written -> real as
    # written (reveal), and kind -> retired fake -> real (see real_names_arrived)
    rendered: dict[str, dict[str, str]] = field(default_factory=dict)
    retired: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rekey: bool = False
    base: dict | None = field(default=None, repr=False)  # the tables as last read/saved (merges)

    # ------------------------------------------------------------------ core
    def _digest(self, kind: str, real: str, counter: int) -> bytes:
        msg = f"{kind}\x00{real}\x00{counter}".encode("utf-8")
        return hmac.digest(self.key, msg, "sha256")  # = hmac.new(…, sha256).digest(), one C call

    def adopt(self, tables: dict) -> None:
        """Take ``tables`` (``entries``, ``rendered``, ``retired``: a merged map file) as this
        map's own; a retired fake is never handed out again."""
        self.entries = tables["entries"]
        self.rendered = tables["rendered"]
        self.retired = tables["retired"]
        for table in self.retired.values():
            self.add_forbidden(table)
        self._used.clear()

    def used(self, kind: str) -> set[str]:
        """The folded fakes already handed out for ``kind`` (read only)."""
        return self._used_set(kind)

    def draw(self, kind: str, real: str, counter: int = 0) -> int:
        """A 256-bit keyed integer for (kind, real value, counter): the randomness of every
        fake (fake generators elsewhere draw from it)."""
        return self._int(kind, real, counter)

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
                    kind in ("first", "last", "label") and (any(p in self.forbidden for p in _PARTS.split(f))
                                                            or _hints_at(real, f) or self._holds_real(f))):
                continue  # taken, or equal to / containing a real name ("Jean-Marc" when Jean is
                # real), or giving the real name away ("Jeanne" for Jean)
            table[real] = cand
            used.add(f)
            return cand
        raise RuntimeError(f"could not find a free pseudonym for a {kind}")

    def _holds_real(self, folded_fake: str) -> bool:
        """Does the fake hold a real name word of four letters or more ("Petitjean" when a Jean
        is real, "Jeannine" too)?"""
        return any(len(t) >= 4 and t in folded_fake for t in self.forbidden)

    def keyed(self, kind: str, real: str, gen, ok=lambda v: True) -> str:
        """Generic keyed fake for detector plug-ins: ``gen(h, counter)`` gets a 256-bit
        HMAC integer for (kind, real, counter) and returns a candidate (or None)."""
        return self._assign(kind, real, lambda c: gen(self._int(kind, real, c), c), ok)

    def size(self) -> int:
        """How many values the map holds (grows with every new pseudonym)."""
        return sum(len(t) for t in self.entries.values())

    def add_forbidden(self, tokens):
        for t in tokens:
            self.forbidden.add(fold(t))

    def add_people(self, identities) -> None:
        """The run's people: their name tokens are never a fake, and an e-mail or handle
        holding a person's name gets that person's pseudonym (:meth:`name_like`)."""
        self.people = identities
        self.add_forbidden(identities.name_tokens())

    def reserve_ids(self, values) -> None:
        """Account ids of the input: no id gets another real id as its fake."""
        for v in values:
            self.real_ids.add(_split_id(str(v))[1])

    # ------------------------------------------------------------------ names
    def first_name(self, real: str, gender: str | None = None) -> str:
        key = fold(real)
        male, female, _ = _faker_names(self.locale)
        if gender is None:
            gender = guess_gender(real, self.locale)
        pool = female if gender == "f" else male if gender == "m" else (male + female)
        return self._assign("first", key, self.name_candidates("first", key, pool),
                            lambda v: fold(v) not in self._used_set("label"))

    def last_name(self, real: str) -> str:
        key = fold(real)
        _, _, last = _faker_names(self.locale)
        return self._assign("last", key, self.name_candidates("last", key, last))

    def name_candidates(self, kind: str, key: str, pool, table: str | None = None):
        """Candidates for a name: a name of ``pool`` (the first NAME_TRIES draws), then —
        a fallback that cannot run out — compounds of two, then three, … distinct pool
        names joined by a hyphen (``Luc-Pierre``, ``Martin-Roux``), as French and Spanish
        names are.  When every pool name is taken already the single draws are skipped
        (they would all be refused: same result, without the HMACs)."""
        table = table or kind
        start = NAME_TRIES if self._pool_full(table, pool) else 0

        def gen(c):
            c += start
            h = self._int(kind, key, c)
            if c < NAME_TRIES:
                return pool[h % len(pool)]
            n = 2 + (c - NAME_TRIES) // COMPOUND_TRIES
            parts = []
            for _ in range(n):
                parts.append(pool[h % len(pool)])
                h //= len(pool)
            return "-".join(parts) if len(set(parts)) == n else None
        return gen

    def _pool_full(self, table: str, pool) -> bool:
        used = self._used_set(table)
        return all(fold(n) in used or fold(n) in self.forbidden for n in pool)

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
            if c >= PHONE_WIDEN:
                return self._wider_phone(number, nsn, h, c)
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

    @staticmethod
    def _wider_phone(number, nsn: str, h: int, c: int) -> str | None:
        """The fallback that cannot run out (after PHONE_WIDEN draws of the same length):
        same country code and leading digit, one more digit every 64 draws (up to E.164's
        15 digits), and never a valid number, so it can ring nobody."""
        cc = str(number.country_code)
        n = min(len(nsn) + 1 + (c - PHONE_WIDEN) // 64, 15 - len(cc))
        if n < 2:
            return None
        cand = f"+{cc}{nsn[:1]}" + str((h >> 16) % 10 ** (n - 1)).zfill(n - 1)
        try:
            p = phonenumbers.parse(cand, None)
        except phonenumbers.NumberParseException:
            return None
        return None if phonenumbers.is_valid_number(p) else cand

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
    def shape(self, kind: str, real: str, text: str, counter: int, widen: bool = True) -> str:
        """Same-shape random string: letters->letters (case kept), digits->digits.

        The fallback that cannot run out: from the SHAPE_TRIES-th counter on, one more
        character of the class of ``text``'s last letter or digit is added after it every
        SHAPE_TRIES draws (``widen=False``: never)."""
        extra = counter // SHAPE_TRIES if widen else 0
        if extra:
            last = max((i for i, ch in enumerate(text) if ch.isalnum()), default=-1)
            if last >= 0:
                ch = text[last]
                fill = "0" if ch.isdigit() else "A" if ch.isupper() else "a"
                text = text[:last + 1] + fill * extra + text[last + 1:]
        h = self._digest(kind + "-shape", real, counter)
        stream = bytearray()
        i = 0
        while len(stream) < len(text):
            stream += hmac.digest(self.key, h + i.to_bytes(4, "big"), "sha256")
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

    def shaped(self, kind: str, real: str) -> str:
        """A keyed fake of the same shape as ``real`` (letters, digits, separators kept),
        never ``real`` itself; widened when the shape is used up (see :meth:`shape`)."""
        return self._assign(kind, real, lambda c: (lambda v: v if v != real else None)(
            self.shape(kind, real, real, c)))

    def email(self, real: str) -> str:
        """``jean.dupont@gmail.com`` -> ``luc.martin@example.com`` (Jean Dupont -> Luc
        Martin), ``idqk.cecbbi@x.fr`` -> ``camille.roux@example.net``: the local part is
        rebuilt from names (:meth:`name_like`), the domain is an RFC 2606 one."""
        local, _, domain = real.rpartition("@")

        def gen(c):
            h = self._int("email", real.lower(), c)
            dom = RESERVED_DOMAINS[h % len(RESERVED_DOMAINS)]
            part = self.name_like("email", real.lower(), local, c)
            return None if part is None else part + "@" + dom
        return self._assign("email", real.lower(), gen)

    def name_like(self, kind: str, real: str, text: str, c: int) -> str | None:
        """``text`` (an e-mail local part, a handle) rebuilt from names, same shape class:
        separators kept, each digit run a keyed run of as many digits, each letter run a
        name — the person's own pseudonym when the run is a known person's first name,
        surname, or both glued (``jeandupont``, ``jdupont``), else a first name (the first
        run) or a surname (the next ones) drawn from the key; one letter stays one letter.
        Plain ASCII, case kept.  The fallback that cannot run out: from the
        ``2 * SHAPE_TRIES``-th counter on, keyed digits are appended (one more every
        SHAPE_TRIES draws).  None: this draw used a real name (try the next counter)."""
        from ..textutil import case_like
        roles = self.people.token_roles() if self.people is not None else {}
        glued = self.people.glued_names() if self.people is not None else {}
        male, female, last = _faker_names(self.locale)
        firsts = male + female
        taken = self._used_set("first") | self._used_set("last")
        h = self._int(kind + "-like", real, c)
        out, letter_runs = [], 0
        for run in _RUNS.findall(text):
            if run.isdigit():
                out.append(str(h % 10 ** len(run)).zfill(len(run)))
                h //= 10 ** len(run)
                continue
            if not run[0].isalpha():
                out.append(run)
                continue
            f = fold(run)
            letter_runs += 1
            if f in roles:
                role, canon = roles[f]
                fake = self.first_name(canon) if role == "first" else self.last_name(canon)
            elif f in glued:
                fake = "".join(self.first_name(x) if r == "first" else
                               self.first_name(x)[:1] if r == "initial" else self.last_name(x)
                               for r, x in glued[f])
            elif len(run) == 1:
                fake = string.ascii_lowercase[h % 26]
                fake = fake.upper() if run.isupper() else fake
                h //= 26
            else:
                pool = firsts if letter_runs == 1 else last
                fake = pool[h % len(pool)]
                h //= len(pool)
                if fold(fake) in self.forbidden or (c < SHAPE_TRIES and fold(fake) in taken):
                    return None  # a real name, or (while others are left) someone's pseudonym
            out.append("".join(ch for ch in strip_accents(case_like(run, fake)) if ch.isascii() and ch.isalpha()))
        if c >= 2 * SHAPE_TRIES:
            n = 1 + (c - 2 * SHAPE_TRIES) // SHAPE_TRIES
            out.append(str(h % 10 ** n).zfill(n))
        return "".join(out)

    def url(self, real: str) -> str:
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
            fake_sub = [self.shape("urlhost", real + "|" + lab, lab, c) for lab in sub]
            new_host = ".".join((["www"] if www else []) + fake_sub + [dom])
            if not fake_sub and c > 0:
                new_host = ".".join((["www"] if www else []) + [self.shape("urlhost", real, "site" + str(c), c), dom])
            return scheme + new_host + self.shape("urlpath", real, rest, c, widen=False)
        return self._assign("url", real, gen)

    # ------------------------------------------------------------------ identifiers
    def identifier(self, kind: str, real: str) -> str:
        """A keyed fake for an account id, same shape: ``user1927162607`` -> ``user5830…``
        (same letter prefix, same number of digits, no new leading zero), Slack
        ``U012AB3CD`` -> ``U7QK2M9ZT`` (IP addresses: :func:`fakes.fake_identifier`).  The
        digits part is the key, so ``user123`` and the bare
        number ``123`` get the same fake digits.  Never another real id of the input
        (:meth:`reserve_ids`); a shape that is used up (ten one-digit ids) widens by one
        character every SHAPE_TRIES draws (``7`` -> ``52``)."""
        real = str(real)
        prefix, rest = _split_id(real)
        if not rest:
            return real

        def gen(c):
            cand = self.shape("id-" + kind, rest, rest, c)
            if rest[0].isdigit() and rest[0] != "0" and cand[0] == "0":
                cand = str(1 + self._int("id0", rest, c) % 9) + cand[1:]
            return None if cand == rest or cand in self.real_ids else cand
        return prefix + self._assign("id:" + kind, rest, gen)

    # ------------------------------------------------------------------ labels
    def label(self, real: str, taken=frozenset()) -> str:
        """A pseudonym for a sender label that holds no name (issue 15): only emoji -> as
        many emoji of ``rules/labels.yaml`` (``🤓`` -> ``🦊``); one letter -> one letter
        (``A`` -> ``K``, two letters once the 26 are used); no letter -> same shape
        (``123`` -> ``845``); words (``Maman``, ``Boss``) -> a first name (gender of
        kinship words from the rules).  Keyed on the folded label, injective, never one of
        ``taken`` (the chat's real labels and names, folded) nor a pseudonym of a first
        name."""
        import regex
        core = real.strip()
        key = fold(core)
        bad = taken
        clusters = [g for g in regex.findall(r"\X", core) if not g.isspace()]
        used = self._used_set("label")

        def skip(alphabet, n0, per_level):
            """Counter offset past the levels (lengths) whose every value is taken: the
            draws there would all be refused (same result, without the HMACs)."""
            n = n0
            while len(alphabet) ** n <= 1000:
                level = (tuple(alphabet), n)
                if level not in self._full:  # pseudonyms are never taken back: full stays full
                    values = _level_values(*level)
                    if all(v in used for v in values):
                        self._full.add(level)
                    elif not all(v in used or v in bad for v in values):
                        break
                n += 1
            return (n - n0) * per_level

        if clusters and all(regex.search(r"\p{Extended_Pictographic}|\p{Regional_Indicator}", g)
                            for g in clusters):
            pool = label_rules()["emoji"]
            start = skip(pool, len(clusters), SHAPE_TRIES)

            def gen(c):
                c += start
                n = len(clusters) + c // SHAPE_TRIES
                h = self._int("label-emoji", key, c)
                out = []
                for _ in range(n):
                    out.append(pool[h % len(pool)])
                    h //= len(pool)
                return "".join(out)
        elif len(core) == 1 and core.isalpha():
            start = skip(string.ascii_lowercase, 1, 2 * SHAPE_TRIES)

            def gen(c):
                c += start
                n = 1 + c // (2 * SHAPE_TRIES)
                h = self._int("label-letter", key, c)
                out = "".join(string.ascii_uppercase[(h >> (5 * i)) % 26] for i in range(n))
                return out if core.isupper() else out.lower()
        elif not any(ch.isalpha() for ch in core):
            def gen(c):
                return self.shape("label", key, core, c)
        else:
            male, female, _ = _faker_names(self.locale)
            g = label_rules()["gender"].get(key) or guess_gender(core, self.locale)
            pool = female if g == "f" else male if g == "m" else male + female
            base = self.name_candidates("label", key, pool)

            def gen(c):
                v = base(c)
                return None if v is None or fold(v) in self._used_set("first") else v
        return self._assign("label", key, gen, lambda v: fold(v) not in bad and fold(v) != key)

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> dict:
        return {"version": MAP_VERSION, "key_id": self.key_id(), "locale": self.locale,
                "entries": self.entries, "rendered": self.rendered, "retired": self.retired}

    def key_id(self) -> str:
        from .mapfile import key_id
        return key_id(self.key)

    def save(self, path: str | Path, encrypt: bool = True) -> None:
        """Merge into the map file and write it sealed (always: ``encrypt`` is ignored),
        under the file's lock; see :mod:`anonymizer.render.mapfile`."""
        from .mapfile import MapFile
        MapFile(path, self.key).save(self)

    def load(self, path: str | Path) -> None:
        """Merge the map file (sealed, or a legacy plaintext map with this key's key_id)
        into this map; a missing file is an empty map."""
        from .mapfile import MapFile
        MapFile(path, self.key).load(self)

    # ------------------------------------------------------------------ reveal / re-keying
    def note_rendered(self, kind: str, fake: str, real: str) -> None:
        """Remember the exact text that replaced ``real`` (``Luc``, ``LUC``, ``06 39 98…``),
        so ``reveal`` puts back the bytes that were there (accents, case, separators)."""
        if fake == real:
            return
        table = self.rendered.setdefault(kind, {})
        if table.get(fake) != real:
            table[fake] = real   # the latest wins: an entry dropped by ``fix`` is rewritten

    def real_names_arrived(self, tokens) -> list[str]:
        """Real name tokens of this run's participants: a fake handed out earlier that is
        (or contains) one of them is retired — that earlier person gets a new fake from now
        on — so the output never shows a real participant's name as someone else's
        pseudonym.  Files written before keep the old fake; the map keeps it (``retired``)
        for ``reveal`` and never hands it out again.  Only when :attr:`rekey` is set (the
        inputs are real exports: a CLI run, the library); a no-op for ``fix`` and ``scan``,
        whose files hold pseudonyms on purpose.  Returns the notes (also in :attr:`notes`)."""
        if not self.rekey:
            return []
        arriving = {fold(t) for t in tokens if t}
        moved = 0
        for kind in ("first", "last"):
            table = self.entries.get(kind, {})
            for real, fake in list(table.items()):
                f = fold(fake)
                if f == real or not (f in arriving or arriving & set(_PARTS.split(f))):
                    continue
                del table[real]
                self.retired.setdefault(kind, {})[fake] = real
                self.forbidden.add(f)
                moved += 1
        if not moved:
            return []
        self._used.clear()
        note = (f"{moved} pseudonym(s) given in earlier runs are real people's names here: "
                f"those earlier people get new pseudonyms from now on (files anonymised "
                f"before keep the old ones; the map keeps both for reveal)")
        self.notes.append(note)
        return [note]

    def reverse(self) -> dict[str, tuple[str, str]]:
        out = {}
        for kind, table in self.entries.items():
            for real, fake in table.items():
                out[fake] = (kind, real)
        return out


@lru_cache(maxsize=16)
def _level_values(alphabet: tuple[str, ...], n: int) -> tuple[str, ...]:
    """Every folded string of ``n`` symbols of ``alphabet`` (small levels only)."""
    return tuple(fold("".join(t)) for t in itertools.product(alphabet, repeat=n))


def _split_id(real: str) -> tuple[str, str]:
    """``user123`` -> (``user``, ``123``); ``U012AB3CD`` -> (``U``, ``012AB3CD``);
    ``U_ALICE`` -> (``U_``, ``ALICE``)."""
    m = re.match(r"^([A-Za-z_]*?)(?=[0-9])|^([A-Za-z]_?)(?=[A-Za-z0-9]+$)", real)
    prefix = (m.group(1) or m.group(2) or "") if m else ""
    return prefix, real[len(prefix):]


def _type_matches(t: str | None, ntype: int) -> bool:
    from phonenumbers import PhoneNumberType as T
    if t == "mobile":
        return ntype in (T.MOBILE, T.FIXED_LINE_OR_MOBILE)
    if t == "fixed":
        return ntype in (T.FIXED_LINE, T.FIXED_LINE_OR_MOBILE)
    return True


def new_random_key() -> bytes:
    return secrets.token_hex(32).encode()

