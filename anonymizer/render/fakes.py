"""Shape-keeping keyed fakes for identifiers (IBAN, cards, national IDs, plates, …).

Every fake goes through :meth:`PseudonymMap.keyed` (HMAC of the key, the kind and the
canonical real value): the same value gets the same fake in every message, file and run
with the same key, and the map stays injective.  Fakes keep the national shape and pass
the same checksums as the real values; where a reserved or test range exists the fake is
taken from it (IPs from RFC 5737 / RFC 3849, UK NINO prefix ``QQ``, card issuers' test
BINs), so a fake cannot be someone's real identifier.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import string
from functools import lru_cache

from stdnum import iban as _iban
from stdnum import luhn
from stdnum.iso7064 import mod_11_10
from stdnum.de import idnr as _idnr
from stdnum.es import ccc as _es_ccc
from stdnum.es import dni as _dni
from stdnum.es import nie as _nie
from stdnum.fr import nir as _nir
from stdnum.us import ssn as _ssn

from .pseudonyms import PseudonymMap, faker_names

UPPER = string.ascii_uppercase
WIDEN_AFTER = 64   # draws of the natural layout before a generator's fallback (issue 15)


# ---------------------------------------------------------------------------- helpers
class Stream:
    """Deterministic draws from a keyed integer (256 bits; refilled by hashing)."""

    def __init__(self, h: int):
        self.h = h
        self.n = 0

    def below(self, n: int) -> int:
        if self.h < n * 4:
            import hashlib
            self.n += 1
            self.h = int.from_bytes(hashlib.sha256(f"{self.h}:{self.n}".encode()).digest(), "big")
        v = self.h % n
        self.h //= n
        return v

    def digits(self, k: int) -> str:
        return "".join(str(self.below(10)) for _ in range(k))

    def choice(self, seq):
        return seq[self.below(len(seq))]


def regroup(original: str, compact: str) -> str:
    """Put the characters of ``compact`` in place of ``original``'s alphanumerics,
    keeping every separator and the letter case of the original."""
    out = []
    it = iter(compact)
    lower = original.upper() != original and original.lower() == original
    for ch in original:
        if ch.isalnum():
            c = next(it, "")
            out.append(c.lower() if (ch.islower() or lower) and c.isalpha() else c)
        else:
            out.append(ch)
    rest = "".join(it)
    return "".join(out) + rest


def alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum()).upper()


# ---------------------------------------------------------------------------- finance
_FR_RIB_LETTERS = {c: str(v) for c, v in zip(UPPER, "12345678912345678923456789")}


def _fr_rib_key(bank: str, branch: str, account: str) -> str:
    acc = "".join(_FR_RIB_LETTERS.get(c, c) for c in account.upper())
    return str(97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acc)) % 97).zfill(2)


def fr_rib_ok(bban: str) -> bool:
    return len(bban) == 23 and _fr_rib_key(bban[:5], bban[5:10], bban[10:21]) == bban[21:]


def iban_valid(compact: str) -> bool:
    if not _iban.is_valid(compact):
        return False
    if compact[:2] in ("FR", "MC"):
        return fr_rib_ok(compact[4:])
    return True


def fake_iban(pmap: PseudonymMap, real: str) -> str:
    """Same country, same length and letter/digit layout; valid mod-97 (and French RIB key)."""
    compact = alnum(real)
    cc, bban = compact[:2], compact[4:]

    def gen(h, c):
        s = Stream(h)
        new = "".join(str(s.below(10)) if ch.isdigit() else s.choice(UPPER) for ch in bban)
        if cc in ("FR", "MC"):
            new = new[:21] + _fr_rib_key(new[:5], new[5:10], new[10:21])
        elif cc == "ES" and len(new) == 20 and new.isdigit():  # the CCC's two check digits
            new = new[:8] + _es_ccc.calc_check_digits(new) + new[10:]
        cand = cc + _iban.calc_check_digits(cc + "00" + new) + new
        return cand if cand != compact and iban_valid(cand) else None
    return pmap.keyed("iban", compact, gen)


# issuers' published test numbers' prefixes (Stripe / Adyen / Braintree test cards)
_TEST_BINS = [
    (("34", "37"), "378282"),                      # Amex 378282246310005
    (("4",), "400000"),                            # Visa 4000 0000 0000 0077 …
    (("51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27"), "555555"),  # MC 5555 5555 5555 4444
    (("6011", "64", "65"), "601111"),              # Discover 6011 1111 1111 1117
    (("30", "36", "38"), "305693"),                # Diners 3056 9300 0902 0004
    (("35",), "353011"),                           # JCB 3530 1113 3330 0000
    (("50", "56", "57", "58", "6"), "675964"),     # Maestro 6759 6498 2643 8453
]


def card_brand_ok(digits: str) -> bool:
    n = len(digits)
    if digits[0] == "4":
        return n in (13, 16, 19)
    if digits[:2] in ("34", "37"):
        return n == 15
    if digits[:2] in ("51", "52", "53", "54", "55") or 2221 <= int(digits[:4]) <= 2720:
        return n == 16
    if digits.startswith(("6011", "65")) or 644 <= int(digits[:3]) <= 649:
        return 16 <= n <= 19
    if digits[:2] in ("36", "38") or 300 <= int(digits[:3]) <= 305:
        return 14 <= n <= 19
    if 3528 <= int(digits[:4]) <= 3589:
        return 16 <= n <= 19
    if digits[:2] in ("50", "56", "57", "58", "62", "63", "67"):
        return 12 <= n <= 19
    return False


def card_valid(digits: str) -> bool:
    return digits.isdigit() and 13 <= len(digits) <= 19 and luhn.is_valid(digits) and card_brand_ok(digits)


def fake_card(pmap: PseudonymMap, real: str) -> str:
    digits = "".join(c for c in real if c.isdigit())
    prefix = next((b for starts, b in _TEST_BINS if digits.startswith(starts)), "400000")

    def gen(h, c):
        s = Stream(h)
        body = prefix + s.digits(len(digits) - len(prefix) - 1)
        cand = body + luhn.calc_check_digit(body)
        return cand if cand != digits and luhn.is_valid(cand) else None
    return pmap.keyed("card", digits, gen)


# ---------------------------------------------------------------------------- national IDs
def fake_fr_nir(pmap: PseudonymMap, real: str) -> str:
    compact = alnum(real)

    def gen(h, c):
        s = Stream(h)
        dept = s.choice([f"{d:02d}" for d in range(1, 96) if d != 20])
        body = (compact[0] + s.digits(2) + f"{1 + s.below(12):02d}" + dept
                + f"{1 + s.below(989):03d}" + f"{1 + s.below(999):03d}")
        cand = body + _nir.calc_check_digits(body)
        return cand if cand != compact and _nir.is_valid(cand) else None
    return pmap.keyed("fr_nir", compact, gen)


def fake_es_dni(pmap: PseudonymMap, real: str) -> str:
    compact = alnum(real)

    def gen(h, c):
        body = Stream(h).digits(8)
        cand = body + _dni.calc_check_digit(body)
        return cand if cand != compact else None
    return pmap.keyed("es_dni", compact, gen)


def fake_es_nie(pmap: PseudonymMap, real: str) -> str:
    compact = alnum(real)

    def gen(h, c):
        body = compact[0] + Stream(h).digits(7)
        cand = body + _nie.calc_check_digit(body)
        return cand if cand != compact and _nie.is_valid(cand) else None
    return pmap.keyed("es_nie", compact, gen)


def fake_uk_nino(pmap: PseudonymMap, real: str) -> str:
    """HMRC's ``QQ`` prefix is never issued (used in examples): the fake is nobody's NINO."""
    compact = alnum(real)

    def gen(h, c):
        s = Stream(h)
        return "QQ" + s.digits(6) + s.choice("ABCD")
    return pmap.keyed("uk_nino", compact, gen)


def fake_us_ssn(pmap: PseudonymMap, real: str) -> str:
    compact = "".join(ch for ch in real if ch.isdigit())

    def gen(h, c):
        s = Stream(h)
        area = 1 + s.below(899)
        if area == 666:
            return None
        cand = f"{area:03d}{1 + s.below(99):02d}{1 + s.below(9999):04d}"
        return cand if cand != compact and _ssn.is_valid(cand) else None
    return pmap.keyed("us_ssn", compact, gen)


def fake_de_idnr(pmap: PseudonymMap, real: str) -> str:
    compact = "".join(ch for ch in real if ch.isdigit())

    def gen(h, c):
        s = Stream(h)
        pool = list("0123456789")
        pool.pop(s.below(10))                       # one digit absent …
        pool.append(pool[s.below(9)])               # … one digit twice
        for i in range(len(pool) - 1, 0, -1):       # keyed shuffle
            j = s.below(i + 1)
            pool[i], pool[j] = pool[j], pool[i]
        if pool[0] == "0":
            return None
        body = "".join(pool)
        cand = body + mod_11_10.calc_check_digit(body)
        return cand if cand != compact and _idnr.is_valid(cand) else None
    return pmap.keyed("de_idnr", compact, gen)


NATIONAL_FAKES = {"fr_nir": fake_fr_nir, "es_dni": fake_es_dni, "es_nie": fake_es_nie,
                  "uk_nino": fake_uk_nino, "us_ssn": fake_us_ssn, "de_idnr": fake_de_idnr}


# ---------------------------------------------------------------------------- plates
_FR_PLATE = "ABCDEFGHJKLMNPQRSTVWXYZ"           # SIV: no I, O, U
_UK_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_UK_TAIL = "ABCDEFGHJKLMNPRSTUVWXY"              # DVLA's random letters: no I, O, Q, Z
_ES_LETTERS = "BCDFGHJKLMNPRSTVWXYZ"
_DE_DISTRICTS = {1: ["B", "M", "K", "F", "S", "H", "L", "D", "N", "R"],
                 2: ["HH", "HB", "KA", "DO", "DU", "MZ", "KI", "AC", "BN", "OF"],
                 3: ["BAD", "NES", "FFB", "LOS", "HSK", "WAF", "MYK", "RÜD", "TUT", "GAP"]}


def fake_plate(pmap: PseudonymMap, real: str, scheme: str) -> str:
    key = scheme + ":" + alnum(real)

    def gen(h, c):
        s = Stream(h)
        if scheme == "fr_siv":
            a = s.choice(_FR_PLATE) + s.choice(_FR_PLATE)
            b = s.choice(_FR_PLATE) + s.choice(_FR_PLATE)
            if a in ("SS", "WW") or b == "SS":
                return None
            return regroup(real, a + f"{1 + s.below(999):03d}" + b)
        if scheme == "uk":
            age = s.choice([f"{y:02d}" for y in list(range(2, 25)) + list(range(51, 75))])
            return regroup(real, s.choice(_UK_LETTERS) + s.choice(_UK_LETTERS) + age
                           + "".join(s.choice(_UK_TAIL) for _ in range(3)))
        if scheme == "es":
            return regroup(real, f"{s.below(10000):04d}" + "".join(s.choice(_ES_LETTERS) for _ in range(3)))
        if scheme == "de":
            parts = real.replace("-", " ").split()
            dist = s.choice(_DE_DISTRICTS[min(3, len(parts[0]))])
            letters = "".join(s.choice(UPPER) for _ in parts[1]) if len(parts) > 1 else ""
            tail = parts[2] if len(parts) > 2 else ""
            num = "".join(c for c in tail if c.isdigit())
            suffix = tail[len(num):]
            num = str(1 + s.below(10 ** len(num) - 1)) if num else ""
            sep1 = "-" if "-" in real else " "
            return f"{dist}{sep1}{letters} {num}{suffix}" if tail else f"{dist}{sep1}{letters}"
        # us and anything else: same letters/digits layout
        return "".join(s.choice(UPPER) if ch.isalpha() else str(s.below(10)) if ch.isdigit() else ch
                       for ch in real)
    def gen_or_wider(h, c):
        if c >= WIDEN_AFTER:  # the national layout is used up (a short US plate): same layout, longer
            v = pmap.shape("plate", key, real, c - WIDEN_AFTER)
        else:
            v = gen(h, c)
        return v if v and alnum(v) != alnum(real) else None
    return pmap.keyed("plate", key, gen_or_wider)


# ---------------------------------------------------------------------------- places
def fake_postcode(pmap: PseudonymMap, real: str, scheme: str) -> str:
    def gen(h, c):
        s = Stream(h)
        if scheme == "uk_postcode":
            for _ in range(50):
                cand = "".join(s.choice("ABCDEFGHJKLMNOPRSTUWYZ") if ch.isalpha() else str(s.below(10))
                               if ch.isdigit() else ch for ch in real.upper())
                from ..detect.idrules import pattern
                if pattern("uk_postcode").fullmatch(cand):
                    return cand
            return None
        if scheme == "us_zip":
            return f"{1000 + s.below(98000):05d}" + (("-" + s.digits(4)) if "-" in real else "")
        # five-digit European layouts: a département/province/zone that exists in FR, DE and ES
        return f"{1 + s.below(52):02d}" + s.digits(2) + s.choice("00000123456789")

    def gen_or_wider(h, c):
        # fallback: any code of the same shape, then one more character (see PseudonymMap.shape)
        v = gen(h, c) if c < WIDEN_AFTER else pmap.shape("postcode", real, real, c - WIDEN_AFTER)
        return v if v != real else None
    return pmap.keyed("postcode", scheme + ":" + real, gen_or_wider)


@lru_cache(maxsize=None)
def _faker(locale: str):
    from faker import Faker
    return Faker(locale)


def fake_city(pmap: PseudonymMap, real: str, locale: str) -> str:
    from ..textutil import fold

    def gen(h, c):
        fk = _faker(locale)
        fk.seed_instance(h % (2 ** 63))
        # fallback that cannot run out: two, then three, … Faker cities joined ("Brest-sur-Lens")
        cand = "-".join(fk.city() for _ in range(1 + c // WIDEN_AFTER))
        return cand if fold(cand) != fold(real) else None
    return pmap.keyed("city", fold(real), gen)


def fake_street_name(pmap: PseudonymMap, real: str, locale: str) -> str:
    from ..textutil import fold
    _, _, last = faker_names(locale)

    names = pmap.name_candidates("street", fold(real), last)

    def gen(h, c):  # a surname, then compounds of surnames (see PseudonymMap.name_candidates)
        cand = names(c)
        return cand if cand and fold(cand) != fold(real) else None
    return pmap.keyed("street", fold(real), gen)


def fake_house_number(pmap: PseudonymMap, real: str) -> str:
    digits = "".join(ch for ch in real if ch.isdigit())
    rest = real[len(digits):] if real.startswith(digits) else ""

    n = max(len(digits), 1)
    lo = 10 ** (n - 1) if n > 1 else 1
    # not injective on purpose (a house number alone identifies nothing): keyed, no table;
    # never the real number (the draw is over the other numbers of as many digits)
    others = 10 ** n - lo - (1 if digits else 0)
    cand = lo + pmap.draw("house", real, 0) % others
    if digits and cand >= int(digits):
        cand += 1
    return str(cand) + rest


# ---------------------------------------------------------------------------- network
_DOC_V4 = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
_DOC_V6 = ipaddress.ip_network("2001:db8::/32")
# fallback once the 762 documentation addresses are used: the benchmarking range (RFC 2544,
# never routed), then the reserved 240.0.0.0/4 (RFC 1112, never assigned)
_WIDE_V4 = [ipaddress.ip_network(n) for n in ("198.18.0.0/15", "240.0.0.0/4")]


def is_documentation_ip(addr) -> bool:
    """An address :func:`fake_ip` may hand out (documentation, then benchmarking and
    reserved ranges): never a real host, so never reported."""
    return any(addr in n for n in _DOC_V4 + _WIDE_V4) if addr.version == 4 else addr in _DOC_V6


@lru_cache(maxsize=1)
def _doc_v4_hosts() -> tuple[str, ...]:
    return tuple(str(n.network_address + i) for n in _DOC_V4 for i in range(1, 255))


def fake_identifier(pmap: PseudonymMap, kind: str, real) -> str:
    """An account id's or an IP address's fake (Telegram ``from_id``, session IPs…)."""
    real = str(real)
    try:
        ipaddress.ip_address(real.strip())
    except ValueError:
        return pmap.identifier(kind, real)
    return fake_ip(pmap, real.strip())


def fake_ip(pmap: PseudonymMap, real: str) -> str:
    """IPv4 -> RFC 5737 documentation ranges (then RFC 2544 / 240.0.0.0/4 once those 762
    addresses are used); IPv6 -> 2001:db8::/32; a ``/prefix`` is kept."""
    addr, _, plen = real.partition("/")
    ip = ipaddress.ip_address(addr)
    # every documentation address taken: straight to the wider ranges (same result, fewer HMACs)
    start = WIDEN_AFTER if ip.version == 4 and not plen and all(
        a in pmap.used("ip") for a in _doc_v4_hosts()) else 0

    def gen(h, c):
        c += start
        if ip.version == 4:
            if c < WIDEN_AFTER:
                net = _DOC_V4[h % 3]
                host = 1 + (h >> 8) % 254
            else:
                net = _WIDE_V4[min(1, (c - WIDEN_AFTER) // 1000)]
                host = 1 + (h >> 8) % (net.num_addresses - 2)
            cand = str(net.network_address + host)
        else:
            cand = str(ipaddress.IPv6Address(int(_DOC_V6.network_address) + (h % (2 ** 96))))
            if addr.isupper():
                cand = cand.upper()
        out = cand + (("/" + plen) if plen else "")
        return None if out.lower() == real.lower() else out  # an input already in the ranges
    return pmap.keyed("ip", real.lower(), gen)


# ---------------------------------------------------------------------------- handles
def fake_handle(pmap: PseudonymMap, real: str) -> str:
    """``@jean.dupont87`` -> ``@luc.martin42`` when Jean Dupont -> Luc Martin, else a handle
    built from names drawn from the key (``camille_r03``): see PseudonymMap.name_like."""
    key = real.lower()

    def gen(h, c):
        cand = pmap.name_like("handle", key, real, c)
        return cand if cand and cand.lower() != key else None
    return pmap.keyed("handle", key, gen)


# ---------------------------------------------------------------------------- geo / dates
def gps_offset(pmap: PseudonymMap) -> tuple[float, float]:
    """One keyed shift for every coordinate of a run: 0.2–0.9° in each axis, keyed sign."""
    def gen(h, c):
        s = Stream(h)
        dlat = (0.2 + s.below(7000) / 10000) * (1 if s.below(2) else -1)
        dlon = (0.2 + s.below(7000) / 10000) * (1 if s.below(2) else -1)
        return f"{dlat:.4f},{dlon:.4f}"
    a, b = pmap.keyed("gps_offset", "offset", gen).split(",")
    return float(a), float(b)


def dob_shift(pmap: PseudonymMap, real: dt.date, has_year: bool) -> dt.date:
    """A keyed, injective fake date of birth: the real one moved by 30–700 days."""
    key = real.isoformat() if has_year else real.strftime("--%m-%d")

    def gen(h, c):
        # 30–700 days; the window grows by a year every WIDEN_AFTER draws (cannot run out)
        days = 30 + h % (670 + 365 * (c // WIDEN_AFTER))
        try:
            new = real + dt.timedelta(days=days if (h >> 12) & 1 else -days)
        except OverflowError:
            return None
        if not has_year:
            new = new.replace(year=real.year)  # year-less dates stay in the same (leap) year
        return new.isoformat()
    return dt.date.fromisoformat(pmap.keyed("dob", key, gen))
