"""Identifiers beyond names and numbers (issue 9): IBAN, cards, national IDs, IPs, GPS,
social handles, licence plates, street addresses, postcodes/cities, dates of birth.

Real-looking messages in four languages per kind go through the real engine (no NER, so
the tests stay fast): each identifier is found, replaced by a fake of the same shape that
passes the same checksum, consistently, and traps (prices, order numbers, times, version
numbers, scores) are left alone.  The per-kind policy is exercised from the engine, the
library, the CLI and the project configuration.
"""
from __future__ import annotations

import ipaddress
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.us import ssn

from anonymizer.render import fakes
from anonymizer.api import Anonymizer
from anonymizer.ui.cli import main
from anonymizer.detect.idrules import pattern
from anonymizer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
KEY = b"identifier-test-key-0123456789"
CHAT_KEY = "identifier-test-key-0123456789"


def engine(lang="fr", key=KEY, **kw):
    eng = Settings.create(key=key, language=lang, ner=False, **kw).engine()
    eng.read_structure(lambda: iter([]))
    return eng


def found(text, lang="fr", eng=None):
    eng = eng or engine(lang)
    return [(f.kind, f.text) for f in eng.detect_text(text)
            if f.kind not in ("PERSON", "PHONE_NUMBER", "URL", "EMAIL_ADDRESS")]


def replaced(text, lang="fr", eng=None):
    """Text with every finding rendered (as the engine's transform does)."""
    eng = eng or engine(lang)
    out = text
    for f in sorted(eng.detect_text(text), key=lambda f: -f.start):
        new = eng.render_finding(f, text)
        if new is not None:
            out = out[:f.start] + new + out[f.end:]
    return out


# ---------------------------------------------------------------------------- detection
CASES = [
    # kind, lang, message, the identifier as written
    ("IBAN_CODE", "fr", "mon IBAN pour le week-end c'est FR76 3000 6000 0112 3456 7890 189 merci", "FR76 3000 6000 0112 3456 7890 189"),
    ("IBAN_CODE", "en", "Send it to GB82 WEST 1234 5698 7654 32 please mate", "GB82 WEST 1234 5698 7654 32"),
    ("IBAN_CODE", "de", "Meine IBAN lautet DE89370400440532013000, Verwendungszweck Miete", "DE89370400440532013000"),
    ("IBAN_CODE", "es", "Mi IBAN es ES91 2100 0418 4502 0005 1332, hazme la transferencia", "ES91 2100 0418 4502 0005 1332"),
    ("CREDIT_CARD", "fr", "ma CB c'est 4676 1222 0297 2995 exp 04/27", "4676 1222 0297 2995"),
    ("CREDIT_CARD", "en", "my card number is 373043483954862 don't tell anyone", "373043483954862"),
    ("CREDIT_CARD", "de", "Kreditkarte: 5505-8887-1803-3407 gültig bis 09/26", "5505-8887-1803-3407"),
    ("CREDIT_CARD", "es", "pagué con 3578878384837261 el viaje", "3578878384837261"),
    ("NATIONAL_ID", "fr", "mon numéro de sécu : 1 75 08 41 075 688 21", "1 75 08 41 075 688 21"),
    ("NATIONAL_ID", "es", "mi DNI es 55515398E y el NIE de mi hermano X7139664G", "55515398E"),
    ("NATIONAL_ID", "es", "el NIE es Z8695218G", "Z8695218G"),
    ("NATIONAL_ID", "en", "my NI number is AB 12 34 56 C for the payslip", "AB 12 34 56 C"),
    ("NATIONAL_ID", "en", "her social security number is 105-07-4680", "105-07-4680"),
    ("NATIONAL_ID", "de", "Meine Steuer-ID ist 21 190 618 456", "21 190 618 456"),
    ("IP_ADDRESS", "en", "my login IP was 82.64.17.203 yesterday", "82.64.17.203"),
    ("IP_ADDRESS", "fr", "serveur : fe80::1ff:fe23:4567:890a ok", "fe80::1ff:fe23:4567:890a"),
    ("IP_ADDRESS", "de", "Die IP vom Server ist 91.12.244.7", "91.12.244.7"),
    ("IP_ADDRESS", "es", "la IP es 2a01:e0a:1f3:5c10::1 en casa", "2a01:e0a:1f3:5c10::1"),
    ("GPS_COORDINATES", "fr", "on se retrouve ici : 48.8566, 2.3522", "48.8566, 2.3522"),
    ("GPS_COORDINATES", "en", "pin: 51.50735, -0.12776 near the station", "51.50735, -0.12776"),
    ("GPS_COORDINATES", "de", "Treffpunkt: 52°31'12\"N 13°24'18\"E", "52°31'12\"N 13°24'18\"E"),
    ("GPS_COORDINATES", "es", "mi ubicación: 40.4168, -3.7038", "40.4168, -3.7038"),
    ("SOCIAL_HANDLE", "fr", "suis-moi @yasmine.benali sur insta", "@yasmine.benali"),
    ("SOCIAL_HANDLE", "en", "here's my linkedin https://www.linkedin.com/in/john-smith-4b2a91", "https://www.linkedin.com/in/john-smith-4b2a91"),
    ("SOCIAL_HANDLE", "de", "mein snapchat ist max_mueller01", "max_mueller01"),
    ("SOCIAL_HANDLE", "es", "mi telegram t.me/lucia_garcia", "t.me/lucia_garcia"),
    ("LICENSE_PLATE", "fr", "la voiture c'est AB-123-CD, garée devant", "AB-123-CD"),
    ("LICENSE_PLATE", "en", "my reg is AB12 CDE in case they tow it", "AB12 CDE"),
    ("LICENSE_PLATE", "en", "license plate 7ABC123 in California", "7ABC123"),
    ("LICENSE_PLATE", "de", "Kennzeichen B-MW 1234 steht vor der Tür", "B-MW 1234"),
    ("LICENSE_PLATE", "es", "mi coche es el 1234 BCD blanco", "1234 BCD"),
    ("STREET_ADDRESS", "fr", "j'habite au 12 rue des Lilas, 69003 Lyon", "12 rue des Lilas"),
    ("STREET_ADDRESS", "en", "I live at 221B Baker Street, London NW1 6XE", "221B Baker Street"),
    ("STREET_ADDRESS", "de", "Ich wohne in der Hauptstraße 12, 10115 Berlin", "Hauptstraße 12"),
    ("STREET_ADDRESS", "es", "vivo en Calle Mayor 12, 28013 Madrid", "Calle Mayor 12"),
    ("POSTCODE", "fr", "j'habite au 12 rue des Lilas, 69003 Lyon", "69003"),
    ("POSTCODE", "en", "I live at 221B Baker Street, London NW1 6XE", "NW1 6XE"),
    ("CITY", "de", "Ich wohne in der Hauptstraße 12, 10115 Berlin", "Berlin"),
    ("CITY", "es", "vivo en Calle Mayor 12, 28013 Madrid", "Madrid"),
    ("DATE_OF_BIRTH", "fr", "je suis née le 12 mars 1990 à Lyon", "12 mars 1990"),
    ("DATE_OF_BIRTH", "en", "I was born on March 3rd, 1985", "March 3rd, 1985"),
    ("DATE_OF_BIRTH", "de", "ich bin geboren am 12.03.1985 in Köln", "12.03.1985"),
    ("DATE_OF_BIRTH", "es", "nací el 5 de abril de 1991", "5 de abril de 1991"),
]


@pytest.mark.parametrize("kind,lang,text,value", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_found_and_replaced(kind, lang, text, value):
    assert (kind, value) in found(text, lang)
    out = replaced(text, lang)
    assert value not in out
    # only the identifiers changed: the words around them are still there
    start = text.index(value)
    assert out.startswith(text[:start].rstrip()[:10])


TRAPS = [
    ("fr", "Commande n° 2024-118745 payée 129,99 €, réf FR-2291-AX"),
    ("fr", "le prix est passé de 12.50 à 13.99, version 3.10.1, score 3-1"),
    ("fr", "rdv le 12/03 à 18h30, commande du 03/07/2024, on a gagné 12000 Euros"),
    ("fr", "je poste sur insta demain, rdv @ 18h au bar"),
    ("fr", "numéro de commande 4676122202972996, livraison jeudi"),
    ("en", "update to version 1.2.3.4? no, v2.0.1.7 is out; meeting at 12:30:45"),
    ("en", "tracking number 1Z999AA10123456784 arrives Monday, order #6011205798682829"),
    ("en", "call 555-12-3456, the score was 3-1 and then 2-0, it takes 5 minutes one way"),
    ("en", "the meeting is on March 3rd, 2025 at 10:30, flight BA 2490 gate B12"),
    ("de", "Bestellnummer DE 4711 0815 2024, Rechnungsnummer 80313763498, Preis 19.99, 24.99"),
    ("de", "Termin am 12.03.2025 um 14:00, Firmware 4.2.0.15, Spiel 2:1"),
    ("de", "es waren 20000 Leute da und 5 Straßen gesperrt, Raum B-3 um 14 Uhr"),
    ("es", "pedido ES-2024-55821 enviado, 34,50 €, el marcador quedó 3-1"),
    ("es", "la reunión es el 5 de abril de 2025 a las 10, versión 2.4.1"),
    ("es", "el pedido 12345678A no ha llegado, cuesta 3.50, 2.75 y 1.25 euros"),
]


@pytest.mark.parametrize("lang,text", TRAPS)
def test_false_positive_traps(lang, text):
    assert found(text, lang) == []


def test_iban_wins_over_a_phone_number_inside_it():
    eng = engine("fr")
    fs = eng.detect_text("RIB FR76 0613 4567 8901 2345 6789 0 et FR76 3000 6000 0112 3456 7890 189")
    kinds = [(f.kind, f.text) for f in fs]
    assert ("IBAN_CODE", "FR76 3000 6000 0112 3456 7890 189") in kinds
    assert not any(k == "PHONE_NUMBER" and "3000 6000" in t for k, t in kinds)


def test_social_profile_url_wins_over_the_url():
    fs = engine("en").detect_text("look https://www.instagram.com/leo.martin_/ lol")
    assert [(f.kind, f.text) for f in fs] == [("SOCIAL_HANDLE", "https://www.instagram.com/leo.martin_/")]


def test_handle_is_not_an_email_and_not_a_participant_mention():
    eng = engine("fr")
    assert found("écris à camille.durand@gmail.com", eng=eng) == []
    eng.identities.add_name("Camille Durand")
    assert found("@Camille tu viens ?", eng=eng) == []


# ---------------------------------------------------------------------------- fakes
def _fake_for(text, value, lang="fr", key=KEY):
    eng = engine(lang, key)
    f = next(f for f in eng.detect_text(text) if f.text == value)
    return eng.render_finding(f, text)


@pytest.mark.parametrize("value", ["FR76 3000 6000 0112 3456 7890 189", "DE89370400440532013000",
                                   "ES91 2100 0418 4502 0005 1332", "GB82 WEST 1234 5698 7654 32"])
def test_fake_iban_passes_checksums_and_keeps_layout(value):
    fake = _fake_for(f"IBAN {value} merci", value)
    assert fake != value
    assert std_iban.is_valid(fake) and fakes.iban_valid(fakes.alnum(fake))
    assert fake[:2] == value[:2] and len(fake) == len(value)
    assert [c == " " for c in fake] == [c == " " for c in value]
    assert [c.isdigit() for c in fake] == [c.isdigit() for c in value]


def test_fr_fake_iban_keeps_a_valid_rib_key():
    fake = fakes.alnum(_fake_for("IBAN FR76 3000 6000 0112 3456 7890 189", "FR76 3000 6000 0112 3456 7890 189"))
    assert fakes.fr_rib_ok(fake[4:])


@pytest.mark.parametrize("value,test_bin", [("4676 1222 0297 2995", "400000"), ("5505-8887-1803-3407", "555555"),
                                            ("373043483954862", "378282"), ("3578878384837261", "353011")])
def test_fake_card_is_luhn_valid_from_a_test_bin(value, test_bin):
    fake = _fake_for(f"carte {value} ok", value)
    digits = re.sub(r"\D", "", fake)
    assert luhn.is_valid(digits) and fakes.card_valid(digits)
    assert digits.startswith(test_bin) and len(digits) == len(re.sub(r"\D", "", value))
    assert [c.isdigit() for c in fake] == [c.isdigit() for c in value]


@pytest.mark.parametrize("text,value,check", [
    ("numéro de sécu 1 75 08 41 075 688 21", "1 75 08 41 075 688 21", nir.is_valid),
    ("mi DNI es 55515398E", "55515398E", dni.is_valid),
    ("el NIE es X7139664G", "X7139664G", nie.is_valid),
    ("SSN 439-97-4509", "439-97-4509", ssn.is_valid),
    ("Meine Steuer-ID ist 21190618456", "21190618456", idnr.is_valid),
])
def test_fake_national_ids_pass_their_checksums(text, value, check):
    fake = _fake_for(text, value)
    assert fake != value and check(fake.replace(" ", "").replace("-", ""))
    assert [c.isdigit() for c in fake] == [c.isdigit() for c in value]


def test_fake_nino_uses_the_never_issued_qq_prefix():
    fake = _fake_for("my NI number is AB 12 34 56 C", "AB 12 34 56 C", "en")
    assert re.fullmatch(r"QQ \d\d \d\d \d\d [A-D]", fake)


@pytest.mark.parametrize("text,value,shape", [
    ("la voiture c'est AB-123-CD", "AB-123-CD", r"[A-HJ-NP-TV-Z]{2}-\d{3}-[A-HJ-NP-TV-Z]{2}"),
    ("my reg is AB12 CDE ok", "AB12 CDE", r"[A-Z]{2}\d{2} [A-Z]{3}"),
    ("Kennzeichen B-MW 1234 ok", "B-MW 1234", r"[A-ZÄÖÜ]{1}-[A-Z]{2} \d{1,4}"),
    ("mi coche es el 1234 BCD", "1234 BCD", r"\d{4} [BCDFGHJKLMNPRSTVWXYZ]{3}"),
    ("license plate 7ABC123 ok", "7ABC123", r"\d[A-Z]{3}\d{3}"),
])
def test_fake_plates_keep_the_national_shape(text, value, shape):
    fake = _fake_for(text, value)
    assert fake != value and re.fullmatch(shape, fake), fake


@pytest.mark.parametrize("text,value,shape", [
    ("j'habite au 12 rue des Lilas, 69003 Lyon", "69003", r"(0[1-9]|[1-4]\d|5[0-2])\d{3}"),
    ("I live at 221B Baker Street, London NW1 6XE", "NW1 6XE", None),
    ("party at 42 Maple Avenue, Springfield, IL 62704", "62704", r"\d{5}"),
])
def test_fake_postcodes_keep_the_national_shape(text, value, shape):
    fake = _fake_for(text, value, "en" if "London" in text or "IL" in text else "fr")
    assert fake != value
    if shape:
        assert re.fullmatch(shape, fake)
    else:
        assert pattern("uk_postcode").fullmatch(fake)


def test_fake_ips_come_from_documentation_ranges():
    for text, value in [("IP 82.64.17.203 ok", "82.64.17.203"), ("IP 2a01:e0a:1f3:5c10::1 ok", "2a01:e0a:1f3:5c10::1")]:
        fake = ipaddress.ip_address(_fake_for(text, value, "en"))
        assert fakes.is_documentation_ip(fake)


def test_same_value_same_fake_everywhere_and_key_dependent():
    eng = engine("fr")
    a = replaced("IBAN FR76 3000 6000 0112 3456 7890 189, insta @yasmine.benali", eng=eng)
    b = replaced("regarde instagram.com/yasmine.benali, RIB FR7630006000011234567890189", eng=eng)
    fake_iban = fakes.alnum(a.split()[1].rstrip(","))
    assert fakes.alnum(a[5:38]) == fakes.alnum(b[b.index("RIB ") + 4:])
    handle = a.split("@")[1]
    assert "instagram.com/" + handle in b
    other = replaced("IBAN FR76 3000 6000 0112 3456 7890 189", eng=engine("fr", key=b"another-key-0123456789abc"))
    assert fakes.alnum(other[5:]) != fake_iban


def test_gps_shift_is_one_consistent_offset():
    eng = engine("fr")
    out = replaced("A 48.8566, 2.3522 puis B 45.7640, 4.8357", eng=eng)
    nums = [float(x) for x in re.findall(r"-?\d+\.\d+", out)]
    d1 = (round(nums[0] - 48.8566, 4), round(nums[1] - 2.3522, 4))
    d2 = (round(nums[2] - 45.7640, 4), round(nums[3] - 4.8357, 4))
    assert d1 == d2 and d1 != (0, 0)
    assert all(len(x.split(".")[1]) == 4 for x in re.findall(r"-?\d+\.\d+", out))


def test_dob_fake_keeps_the_layout():
    out = replaced("je suis née le 12 mars 1990 à Lyon")
    m = re.search(r"née le (\d{1,2}) (\w+) (\d{4}) à Lyon", out)
    assert m and m.group(2) in ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                "septembre", "octobre", "novembre", "décembre")
    assert m.group(0) != "née le 12 mars 1990 à Lyon"
    out = replaced("geboren am 12.03.1985 in Köln", "de")
    assert re.search(r"geboren am \d\d\.\d\d\.\d{4} in Köln", out) and "12.03.1985" not in out


def test_address_fake_reads_naturally():
    out = replaced("j'habite au 12 rue des Lilas, 69003 Lyon")
    assert re.fullmatch(r"j'habite au \d{1,2} rue (de |d')[A-Z][\w'-]+( [\w'-]+)*, \d{5} [\w' -]+", out), out
    out = replaced("Ich wohne in der Hauptstraße 12, 10115 Berlin", "de")
    assert re.search(r"der [A-ZÄÖÜ][\wäöüß-]*straße \d{1,2}, \d{5} \w", out), out


# ---------------------------------------------------------------------------- whole files + policy
CHAT = ("22/01/2025, 18:43 - Camille Martin: mon IBAN c'est FR76 3000 6000 0112 3456 7890 189\n"
        "22/01/2025, 18:44 - Yasmine: je suis au 12 rue des Lilas, 69003 Lyon, insta @yasmine.benali\n"
        "22/01/2025, 18:45 - Camille Martin: la voiture AB-123-CD, ip 82.64.12.7, score 3-1 à 12:30\n")


def test_whatsapp_export_end_to_end_with_verification():
    res = Anonymizer(key=KEY, language="fr", ner=False).process(CHAT, name="chat")
    out = res.text
    for real in ("FR76 3000 6000", "rue des Lilas", "69003", "Lyon", "yasmine.benali", "AB-123-CD", "82.64.12.7"):
        assert real not in out
    assert "score 3-1 à 12:30" in out and out.count("\n") == 3
    assert out.startswith("22/01/2025, 18:43 - ")
    for k in ("IBAN_CODE", "STREET_ADDRESS", "POSTCODE", "CITY", "SOCIAL_HANDLE", "LICENSE_PLATE", "IP_ADDRESS"):
        assert res.counts[k] == 1, k


def test_policy_redact_keep_replace_in_the_engine():
    eng = Anonymizer(key=KEY, language="fr", ner=False, policy={"IBAN": "redact", "city": "keep"})
    out = eng.process(CHAT, name="chat").text
    assert "mon IBAN c'est <IBAN>\n" in out
    assert " Lyon, insta" in out and "69003" not in out and "rue des Lilas" not in out


def test_policy_applies_to_base_kinds():
    eng = Anonymizer(key=KEY, language="fr", ner=False, policy={"PERSON": "keep", "PHONE": "redact"})
    out = eng.process("22/01/2025, 18:43 - Camille Martin: appelle moi au 06 12 34 56 78\n",
                      name="chat").text
    assert out == "22/01/2025, 18:43 - Camille Martin: appelle moi au <PHONE>\n"


def test_policy_in_the_library():
    anon = Anonymizer(key=CHAT_KEY, language="fr", ner=False, policy={"LICENSE_PLATE": "redact"})
    out = anon.anonymize_text(CHAT)
    assert "la voiture <PLATE>," in out and "FR76 3000" not in out
    with pytest.raises(Exception, match="unknown kind"):
        Anonymizer(key=CHAT_KEY, policy={"SHOE_SIZE": "keep"})


def test_policy_from_the_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANONYMIZER_KEY", CHAT_KEY)
    src = tmp_path / "chat.txt"
    src.write_text(CHAT, encoding="utf-8")
    r = CliRunner().invoke(main, [str(src), str(tmp_path / "out.txt"), "--no-ner", "-q",
                                  "--policy", "IBAN=redact", "--policy", "city=keep"])
    assert r.exit_code == 0, r.output
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "<IBAN>" in out and " Lyon, insta" in out and "AB-123-CD" not in out
    r = CliRunner().invoke(main, [str(src), str(tmp_path / "o2.txt"), "--no-ner", "-q", "--policy", "IBAN=shred"])
    assert r.exit_code == 2 and "bad policy action 'shred'" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "o2.txt").exists()


def test_policy_from_the_project_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANONYMIZER_KEY", CHAT_KEY)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".anonymizer.toml").write_text('policy = { IP = "redact", ADDRESS = "keep" }\n'
                                               'map = "m.map"\nencrypt_map = false\n', encoding="utf-8")
    src = tmp_path / "chat.txt"
    src.write_text(CHAT, encoding="utf-8")
    r = CliRunner().invoke(main, [str(src), str(tmp_path / "out.txt"), "--no-ner", "-q"])
    assert r.exit_code == 0, r.output
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "ip <IP>," in out and "12 rue des Lilas" in out
    (tmp_path / ".anonymizer.toml").write_text('policy = { IP = "maybe" }\n', encoding="utf-8")
    r = CliRunner().invoke(main, [str(src), str(tmp_path / "o2.txt"), "--no-ner", "-q"])
    assert r.exit_code == 2 and "policy" in r.output


def test_corpus_quality_meets_the_target(capsys):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import identifiers_quality
    assert identifiers_quality.main([]) == 0, capsys.readouterr().out


# ---------------------------------------------------------------------------- --shift-dates
def _weekday(d: str, order="dmy") -> tuple:
    import datetime as dt
    a, b, c = (int(x) for x in re.split(r"[/.]", d))
    y = c if c > 99 else 2000 + c
    day, month = (a, b) if order == "dmy" else (b, a)
    date = dt.date(y, month, day)
    return date, date.weekday()


SHIFT_CHAT = ("30/01/2025, 18:43 - Camille: on se voit le 12 mars 2025 ? score 3-1, 12.50 €, à 18:30\n"
              "02/02/2025, 09:05 - Yasmine: ok, réunion du 03/02/2025 reportée\n")


def test_shift_dates_moves_headers_and_text_dates_keeping_weekdays_and_order():
    out = Anonymizer(key=KEY, language="fr", ner=False, shift_dates=-14).process(SHIFT_CHAT, name="c").text
    heads = re.findall(r"^(\d\d/\d\d/\d{4}), (\d\d:\d\d)", out, re.M)
    assert [h[0] for h in heads] == ["16/01/2025", "19/01/2025"] and [h[1] for h in heads] == ["18:43", "09:05"]
    for new, old in zip(heads, ("30/01/2025", "02/02/2025")):
        assert _weekday(new[0])[1] == _weekday(old)[1]
    assert "le 26 février 2025 ?" in out and "réunion du 20/01/2025" in out
    assert "score 3-1, 12.50 €, à 18:30" in out


@pytest.mark.parametrize("chat,first", [
    ("[22/01/2025 18:43:12] Camille: salut\n[31/01/2025 09:00:01] Yasmine: ok\n", "[08/01/2025 18:43:12]"),
    ("1/22/25, 6:43 PM - Camille: hi\n1/31/25, 9:00 AM - Yasmine: ok\n", "1/8/25, 6:43 PM"),
    ("22.01.25, 18:43 - Camille: hallo\n", "08.01.25, 18:43"),
])
def test_shift_dates_keeps_each_header_layout(chat, first):
    out = Anonymizer(key=KEY, ner=False, shift_dates=-14).process(chat, name="c").text
    assert out.startswith(first)


def test_shift_dates_auto_is_keyed_whole_weeks_and_stored_in_the_map():
    first = Anonymizer(key=KEY, language="fr", ner=False, shift_dates="auto")
    a = first.process(SHIFT_CHAT, name="c").text
    b = Anonymizer(key=KEY, language="fr", ner=False, shift_dates="auto").process(SHIFT_CHAT, name="c").text
    assert a.splitlines()[0][:10] == b.splitlines()[0][:10] != "30/01/2025"
    days = int(first.pmap.entries["date_shift"]["auto"])
    assert days % 7 == 0 and days < 0
    c = Anonymizer(key=b"another-key-0123456789abc", language="fr", ner=False, shift_dates="auto")
    c.process(SHIFT_CHAT, name="c")
    assert int(c.pmap.entries["date_shift"]["auto"]) % 7 == 0


def test_shift_dates_from_cli_library_and_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANONYMIZER_KEY", CHAT_KEY)
    src = tmp_path / "chat.txt"
    src.write_text(SHIFT_CHAT, encoding="utf-8")
    r = CliRunner().invoke(main, [str(src), str(tmp_path / "o.txt"), "--no-ner", "-q", "--shift-dates", "7"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o.txt").read_text(encoding="utf-8").startswith("06/02/2025, 18:43 - ")
    r = CliRunner().invoke(main, [str(src), str(tmp_path / "o2.txt"), "--no-ner", "-q", "--shift-dates", "5"])
    assert r.exit_code == 2 and "multiple of 7" in r.output and not (tmp_path / "o2.txt").exists()
    out = Anonymizer(key=CHAT_KEY, language="fr", ner=False, shift_dates=-7).anonymize_text(SHIFT_CHAT)
    assert out.startswith("23/01/2025, 18:43 - ")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".anonymizer.toml").write_text('shift_dates = -28\nmap = "m.map"\nencrypt_map = false\n',
                                               encoding="utf-8")
    r = CliRunner().invoke(main, [str(src), str(tmp_path / "o3.txt"), "--no-ner", "-q"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o3.txt").read_text(encoding="utf-8").startswith("02/01/2025, 18:43 - ")
