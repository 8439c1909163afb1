"""Issue 15, items 2 and 7: no renderer may depend on luck.

* Every renderer (each kind of ``detect/extra.py`` RENDERERS, names, label-only senders,
  phones, e-mails, URLs, account ids) renders a representative finding under 1,000 random
  keys: no exception, the fake differs from the real value, and the same detector finds
  the fake again where the real value was (same shape).
* Every "same shape" generator is asked for 10,000 distinct values: all distinct, none a
  real value, no "could not find a free pseudonym" — the fallbacks that cannot run out.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import secrets

import pytest
from stdnum import iban as std_iban
from stdnum import luhn

from anonymizer.detect import addresses, dates, finance, geo, national_ids, plates, social
from anonymizer.detect.base import EMAIL, PERSON, PHONE, URL, Finding
from anonymizer.detect.emails import find_emails
from anonymizer.detect.extra import RENDERERS
from anonymizer.detect.urls import find_urls
from anonymizer.formats.base import Record, Span
from anonymizer.settings import Settings
from anonymizer.render import fakes
from anonymizer.render.pseudonyms import RESERVED_DOMAINS, PseudonymMap
from anonymizer.textutil import fold
from tests.test_identifiers import CASES

N_KEYS = int(__import__('os').environ.get('FUZZ_KEYS', 1000))
LABELS = ["Jean Dupont", "A", "🤓", "❤️", "Maman"]
CORE = [  # kind, lang, message, value (the kinds the engine renders itself)
    (PHONE, "fr", "appelle-moi au 06 12 34 56 78 ce soir", "06 12 34 56 78"),
    (PHONE, "en", "call me on +44 7911 123456 tonight", "+44 7911 123456"),
    (EMAIL, "fr", "écris à jean.dupont@gmail.com stp", "jean.dupont@gmail.com"),
    (EMAIL, "en", "mail idqk.cecbbi87@mail.co.uk now", "idqk.cecbbi87@mail.co.uk"),
    (URL, "fr", "va sur https://www.jean-dupont.fr/blog/2021 !", "https://www.jean-dupont.fr/blog/2021"),
    (PERSON, "fr", "Jean Dupont arrive, dis à jean et DUPONT", "Jean Dupont"),
    ("DATE", "fr", "rendez-vous le 12 mars 2021 à la gare", "12 mars 2021"),
]
DETECTOR = {  # kind -> the detector that must find the fake again
    "IBAN_CODE": finance.find_ibans, "CREDIT_CARD": finance.find_cards,
    "NATIONAL_ID": national_ids.find_national_ids,
    "GPS_COORDINATES": geo.find_gps, "SOCIAL_HANDLE": social.find_social,
    "LICENSE_PLATE": plates.find_plates, "STREET_ADDRESS": addresses.find_addresses,
    "POSTCODE": addresses.find_addresses, "CITY": addresses.find_addresses,
    "DATE_OF_BIRTH": dates.find_dobs,
    EMAIL: lambda t, e: find_emails(t), URL: lambda t, e: find_urls(t),
    PHONE: lambda t, e: e.phones.find(t),
    "DATE": lambda t, e: __import__("anonymizer.render.dateshift", fromlist=["x"]).find_dates(t, e),
}


def _records():
    return [Record(raw=label, kind="message", sender=Span(0, len(label), "sender")) for label in LABELS]


def _engine(lang: str, key: bytes):
    eng = Settings.create(key=key, language=lang, ner=False, shift_dates=28).engine()
    eng.read_structure(lambda: iter(_records()))
    return eng


def _findings():
    """(kind, lang, text, Finding) for every case, detected once (detection does not
    depend on the key; rendering does)."""
    out = []
    engines = {}
    for kind, lang, text, value in list(CASES) + CORE:
        eng = engines.setdefault(lang, _engine(lang, b"reference-key-0123456789"))
        hits = [f for f in eng.detect_text(text) if f.kind == kind and f.text == value]
        assert hits, f"{kind} {value!r} not detected in {text!r}"
        out.append((kind, lang, text, hits[0]))
    return out


def test_every_renderer_is_covered():
    kinds = {k for k, *_ in list(CASES) + CORE}
    assert set(RENDERERS) <= kinds, set(RENDERERS) - kinds
    assert {PERSON, PHONE, EMAIL, URL} <= kinds


def _same_shape(kind, real, fake, text, f, eng) -> str | None:
    """None when ``fake`` has the shape of ``real``, else why not."""
    if kind == PERSON:
        if len(fake.split()) != len(real.split()) or not all(w[:1].isupper() for w in fake.split()):
            return "not a capitalised name of as many words"
        return None
    if kind == "NATIONAL_ID" and fake.startswith("QQ"):  # HMRC's never-issued prefix: not reported
        shape = lambda v: ["9" if c.isdigit() else "A" if c.isalpha() else c for c in v]  # noqa: E731
        return None if shape(fake) == shape(real) else "another layout"
    if kind == "STREET_ADDRESS" and real.endswith(" Street"):
        # a surname that is also an English word ("Best Street") is refused by the English
        # layout's word filter: the layout is checked instead (number, name, type)
        num = lambda v: "".join(c for c in v.split()[0] if c.isdigit())  # noqa: E731
        return None if fake.endswith(" Street") and len(num(fake)) == len(num(real)) else "layout"
    if kind == "IP_ADDRESS":  # fakes come from ranges the detector leaves alone on purpose
        ip = ipaddress.ip_address(fake)
        ok = ip.version == ipaddress.ip_address(real).version and fakes.is_documentation_ip(ip)
        return None if ok else "not a documentation address of the same version"
    new = text[:f.start] + fake + text[f.end:]
    again = [g for g in DETECTOR[kind](new, eng) if g.kind == kind and g.start == f.start]
    if not again:
        return f"the fake is not found again: {new!r}"
    if kind == "IBAN_CODE" and not std_iban.is_valid(fakes.alnum(fake)):
        return "invalid IBAN"
    if kind == "CREDIT_CARD" and not luhn.is_valid("".join(c for c in fake if c.isdigit())):
        return "invalid card"
    if kind == EMAIL and not fake.endswith(RESERVED_DOMAINS):
        return "not an RFC 2606 domain"
    return None


@pytest.mark.parametrize("lang_batch", ["fr", "en", "de", "es"])
def test_renderers_under_many_keys(lang_batch):
    cases = [c for c in _findings() if c[1] == lang_batch]
    rng = secrets.SystemRandom()
    problems = []
    for _ in range(N_KEYS):
        key = rng.randbytes(rng.choice([16, 24, 32, 48]))
        eng = _engine(lang_batch, key)
        for kind, lang, text, f in cases:
            g = Finding(f.start, f.end, f.kind, f.text, f.score, f.detector, dict(f.data))
            try:
                fake = eng.render_finding(g, text)
            except Exception as exc:  # noqa: BLE001 - the point of the test
                problems.append((key.hex(), kind, f.text, repr(exc)))
                continue
            if fake is None or fake == f.text:
                problems.append((key.hex(), kind, f.text, f"not replaced: {fake!r}"))
                continue
            why = _same_shape(kind, f.text, fake, text, f, eng)
            if why:
                problems.append((key.hex(), kind, f.text, fake, why))
        if lang_batch == "fr":
            for label in LABELS[1:]:
                (s, e, fake, kind), = eng._label_replacements(label)
                if fake == label or fold(fake) in {fold(x) for x in LABELS}:
                    problems.append((key.hex(), "label", label, fake))
            for kind, real in (("telegram", "user1927162607"), ("slack", "U012AB3CD"),
                               ("discord", "123456789012345678"), ("telegram", "7")):
                fake = eng.pmap.identifier(kind, real)
                if fake == real or len(fake) != len(real) or fake[:1].isdigit() != real[:1].isdigit():
                    problems.append((key.hex(), kind, real, fake))
    from collections import Counter
    assert not problems, (Counter(p[1] for p in problems), problems[:5])


# ---------------------------------------------------------------------------- 10,000 values
N = 10_000


def _distinct(fakes_list, reals):
    assert len(set(fakes_list)) == len(fakes_list), "two real values got the same fake"
    assert not set(fakes_list) & set(reals), "a fake is a real value"


@pytest.fixture
def pm():
    m = PseudonymMap(b"ten-thousand-values-key-0123456", "fr_FR")
    return m


def test_identifiers_never_run_out(pm):
    reals = [str(i) for i in range(N)]           # "0" … "9999": one-digit ids included
    pm.reserve_ids(reals)
    out = [pm.identifier("telegram", r) for r in reals]
    _distinct(out, reals)
    assert all(len(f) >= len(r) for f, r in zip(out, reals))
    assert sum(len(f) == len(r) for f, r in zip(out, reals)) == 0  # every real id reserved: widened
    slack = [f"U{i:06d}" for i in range(N)]
    pm.reserve_ids(slack)
    _distinct([pm.identifier("slack", r) for r in slack], slack)


def test_shapes_never_run_out(pm):
    out = [pm.shaped("one-letter", f"r{i}") for i in range(N)]
    assert len(set(out)) == N
    one = [pm._assign("x", f"r{i}", lambda c, i=i: pm.shape("x", f"r{i}", "a", c)) for i in range(N)]
    assert len(set(one)) == N and all(v.isalpha() and v.islower() for v in one)
    assert min(map(len, one)) == 1 and max(map(len, one)) <= 4


def test_names_never_run_out(pm):
    first = [pm.first_name(f"Prénomtest{i}") for i in range(N)]
    last = [pm.last_name(f"Nomtest{i}") for i in range(N)]
    assert len(set(map(fold, first))) == N and len(set(map(fold, last))) == N
    assert all(w[:1].isupper() for w in first + last)
    assert any("-" in f for f in first)  # the pool (215 names) was used up: compounds


def test_phones_never_run_out(pm):
    import phonenumbers
    mobiles = [phonenumbers.parse(f"+3361{i:07d}", None) for i in range(N)]
    out = [phonenumbers.format_number(pm.phone(n), phonenumbers.PhoneNumberFormat.E164) for n in mobiles]
    _distinct(out, [phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164) for n in mobiles])
    short = [phonenumbers.parse(f"+33{i:04d}", None) for i in range(N)]   # every 4-digit number
    real = [phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164) for n in short]
    out = [phonenumbers.format_number(pm.phone(n), phonenumbers.PhoneNumberFormat.E164) for n in short]
    assert len(set(out)) == N and all(f != r for f, r in zip(out, real))


def test_labels_never_run_out(pm):
    pool = [chr(0x1F400 + i) for i in range(100)]
    emoji = [a + b for a in pool for b in pool]
    taken = frozenset(emoji)
    out = [pm.label(e, taken) for e in emoji]
    _distinct(out, emoji)
    letters = [chr(0x4E00 + i) for i in range(N)]  # one-letter labels (CJK): 26 letters, then two…
    taken = frozenset(letters)
    out = [pm.label(x, taken) for x in letters]
    _distinct([fold(x) for x in out], letters)
    assert all(x.isalpha() and x.isascii() for x in out)


GENERATORS = {
    "iban": (lambda pm, i: fakes.fake_iban(pm, _iban(i)), None),
    "card": (lambda pm, i: fakes.fake_card(pm, _card(i)), None),
    "fr_nir": (lambda pm, i: fakes.fake_fr_nir(pm, f"1{i % 100:02d}0175{i:06d}"), None),
    "es_dni": (lambda pm, i: fakes.fake_es_dni(pm, f"{i:08d}X"), None),
    "es_nie": (lambda pm, i: fakes.fake_es_nie(pm, f"X{i:07d}X"), None),
    "uk_nino": (lambda pm, i: fakes.fake_uk_nino(pm, f"AB{i:06d}C"), None),
    "us_ssn": (lambda pm, i: fakes.fake_us_ssn(pm, f"{100 + i % 500:03d}{i % 89 + 10:02d}{i:04d}"), None),
    "de_idnr": (lambda pm, i: fakes.fake_de_idnr(pm, f"{i:011d}"), None),
    "plate_us_short": (lambda pm, i: fakes.fake_plate(pm, _short_plate(i), "us"), None),
    "plate_de": (lambda pm, i: fakes.fake_plate(pm, f"B-{chr(65 + i % 26)} {i % 9999 + 1}", "de"), None),
    "plate_fr": (lambda pm, i: fakes.fake_plate(pm, f"AB-{i % 999 + 1:03d}-{chr(65 + i // 999 % 26)}{chr(65 + i // 25974)}", "fr_siv"), None),
    "postcode": (lambda pm, i: fakes.fake_postcode(pm, f"{i:05d}", "fr_postcode"), None),
    "us_zip": (lambda pm, i: fakes.fake_postcode(pm, f"{i:05d}", "us_zip"), None),
    "city": (lambda pm, i: fakes.fake_city(pm, f"Villetest{i}", "fr_FR"), None),
    "street": (lambda pm, i: fakes.fake_street_name(pm, f"Ruetest{i}", "fr_FR"), None),
    "ipv4": (lambda pm, i: fakes.fake_ip(pm, str(ipaddress.IPv4Address(0x52400000 + i))), None),
    "ipv6": (lambda pm, i: fakes.fake_ip(pm, str(ipaddress.IPv6Address((0x2A01 << 112) + i))), None),
    "handle": (lambda pm, i: fakes.fake_handle(pm, f"ab{i}"), None),
    "email": (lambda pm, i: pm.email(f"j{i}@x.fr"), None),
    "url": (lambda pm, i: pm.url(f"https://s{i}.fr"), None),
    "dob": (lambda pm, i: fakes.dob_shift(pm, dt.date(1990, 1, 1) + dt.timedelta(days=i), True), None),
}


def _iban(i):
    bban = f"30006000{i:015d}"
    return "FR" + std_iban.calc_check_digits("FR00" + bban) + bban


def _card(i):
    body = f"497010{i:09d}"
    return body + luhn.calc_check_digit(body)


def _short_plate(i):  # "A1B": only 6,760 exist, so 10,000 need the wider fallback
    return f"{chr(65 + i % 26)}{i // 26 % 10}{chr(65 + i // 260 % 26)}" + ("" if i < 6760 else str(i // 6760))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_fake_generators_never_run_out(pm, name):
    gen, _ = GENERATORS[name]
    out = [gen(pm, i) for i in range(N)]
    assert all(o is not None for o in out)
    assert len(set(out)) == N, f"{name}: {N - len(set(out))} collisions"


def test_house_numbers_never_the_real_one():
    for k in range(2000):
        pm = PseudonymMap(secrets.token_bytes(16), "fr_FR")
        for real in ("1", "7", "12", "12bis", "0"):
            fake = fakes.fake_house_number(pm, real)
            assert fake != real and fake.rstrip("bis").isdigit()


def test_no_fake_name_is_an_abbreviation():
    """Faker's de_DE lists hold "Klaus-D." and "Hans D.": a fake ending in "." made a system
    line ("Bob added Joel" -> "Donald added Klaus-D.") re-parse differently, and the verifier
    refused the chat (``benchmarks/fuzz.py --keys 1000``, one key in 87,000 runs)."""
    from anonymizer.language import LANGUAGES
    from anonymizer.render.pseudonyms import faker_names
    for row in LANGUAGES.values():
        male, female, last = faker_names(row.faker_locale)
        bad = [n for n in male + female + last if "." in n or " " in n]
        assert not bad, (row.faker_locale, bad[:5])
        assert len(male) > 20 and len(female) > 20 and len(last) > 20


def test_no_fake_name_holds_a_word_of_the_real_name():
    """Under 1,000 random keys, the pseudonym of "Jean Dupont" never holds "jean" or "dupont"
    (a fake "Jeannine" for Jean Dupont gave him away; seen once in a run of the hook test)."""
    from anonymizer import Anonymizer
    from anonymizer.textutil import fold
    for _ in range(1000):
        anon = Anonymizer(key=secrets.token_bytes(32), language="fr", ner=False, verify=False)
        out = anon.anonymize_text("22/01/2025, 18:43 - Jean Dupont: Salut\n")
        fake = fold(out.split(" - ", 1)[1].split(":", 1)[0])
        assert "jean" not in fake and "dupont" not in fake, fake
