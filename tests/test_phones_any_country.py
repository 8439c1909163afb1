"""Phone numbers in any country's shape, whatever the chat's language (issue 14, phones).

Numbers are fictional: ranges reserved for drama (FR 06 39 98 / 01 99 00, GB 07700 900 /
020 7946 0, US 555-01xx, DE 0176 04069 0), or drawn for the test (ES, IT, PT, BE, CH, NL).
"""
import re

import pytest

from anonymizer.detect.phones import PhoneDetector, phone_runs
from anonymizer.language import LANGUAGES

REGIONS = {code: list(row.phone_regions) for code, row in LANGUAGES.items()}
from tests.conftest import run_cli


def found(lang, text):
    return [f.text for f in PhoneDetector(REGIONS[lang]).find(text)]


# ------------------------------------------------------------------ the detector
@pytest.mark.parametrize("lang,text,number", [
    # glued to the word before
    ("fr", "appelle-moi au0639981234 ce soir", "0639981234"),
    ("fr", "sinon tel:0199001234", "0199001234"),
    ("en", "call tel:+447700900123", "+447700900123"),
    ("es", "llámame al612345678 porfa", "612345678"),
    ("fr", "llámame al612345678 porfa", "612345678"),       # a Spanish line in a French chat
    ("pt", "liga-me ao912345678", "912345678"),
    ("de", "Tel.0176 04069012", "0176 04069012"),
    # split over one line break inside a message
    ("fr", "mon ancien numéro 06 39 98\n12 35 stp", "06 39 98\n12 35"),
    ("en", "new number 020 7946\n0123 from Monday", "020 7946\n0123"),
    # a Berlin number in uneven groups, in a Portuguese chat (fuzz, seed 777): whole, not "030 23125"
    ("pt", "o fixo dele 030\n23125 473", "030\n23125 473"),
    ("es", "el fijo 030 23125 473", "030 23125 473"),
    # the national shape of another country than the chat's language
    ("pt", "o número do Pierre é 06 39 98 12 34", "06 39 98 12 34"),
    ("fr", "mon cousin anglais : 07700 900123", "07700 900123"),
    ("de", "ruf Sam an: (415) 555-0123", "(415) 555-0123"),
    ("es", "el de Jonas es 0176 04069012", "0176 04069012"),
    ("fr", "à Madrid c'est le 612 34 56 78", "612 34 56 78"),
    ("en", "Giulia: 347 811 2233", "347 811 2233"),
    ("it", "il numero belga 0470 12 34 56", "0470 12 34 56"),
    ("en", "the Dutch one 06-12345678", "06-12345678"),
    ("de", "o meu número é 912 345 678", "912 345 678"),
    ("fr", "mon numéro suisse 079 123 45 67", "079 123 45 67"),
    # (0) and 00
    ("fr", "au bureau : +44 (0)20 7946 0123", "+44 (0)20 7946 0123"),
    ("de", "+33 (0)6 39 98 12 34 ist Camille", "+33 (0)6 39 98 12 34"),
    ("en", "(0)30 23125123 is the office", "(0)30 23125123"),
    ("es", "desde fuera: 0033 6 39 98 12 34", "0033 6 39 98 12 34"),
    ("it", "0044 7700 900123 è inglese", "0044 7700 900123"),
    # a number and what follows it
    ("fr", "appelle le 06 39 98 12 34 2 fois", "06 39 98 12 34"),
    ("en", "ring +1 212 555 0123 17:00 then", "+1 212 555 0123"),
])
def test_phone_found(lang, text, number):
    assert found(lang, text) == [number]


@pytest.mark.parametrize("lang,text,cc", [
    ("fr", "à Madrid c'est le 612 34 56 78", 34),
    ("de", "o meu número é 912 345 678", 351),
    ("pt", "o número do Pierre é 06 39 98 12 34", 33),
    ("de", "ruf Sam an: (415) 555-0123", 1),
    ("es", "el de Jonas es 0176 04069012", 49),
])
def test_the_number_belongs_to_its_country(lang, text, cc):
    [f] = PhoneDetector(REGIONS[lang]).find(text)
    assert f.data["number"].country_code == cc


def test_two_numbers_side_by_side():
    assert found("fr", "0639981234 / 0199001234") == ["0639981234", "0199001234"]
    assert found("fr", "0639981234 0199001234") == ["0639981234", "0199001234"]
    assert found("fr", "06 39 98 12 34\n01 99 00 12 34") == ["06 39 98 12 34", "01 99 00 12 34"]


@pytest.mark.parametrize("text", [
    "Bestellnummer 302-7781245",
    "Bestellnummer 302-7781245 ist unterwegs",
    "n° de commande 0639981234",
    "pedido nº 612 345 678",
    "numero d'ordine 3478112233",
    "encomenda nº 912345678",
    "order #4155550123",
    "tracking 00340434161234567890",
    "Sendungsnummer 0034043416123456",
    "factura 612345678",
    "suivi colis : 0639981234",
    "card number 630427373398 is lost",
    "IBAN FR76 3000 6000 0112 3456 7890 189",
    "4970 1012 3456 7890",
    "on se voit le 05/03/2024 à 18:30",
    "Termin am 05.03.2024 18:30",
    "2024-03-05 14:30:00",
    "du 12/03/2024-15/03/2024",
    "20240305",
    "3/5/24 2:30 PM",
    "ça fait 12 500 000 €",
    "budget 1 250 000",
    "total 3133743,50 €",
    "CHF 1'250'000",
    "score 6-4 6-3 7-6",
    "31.7036111",
    "GPS 48.8566 2.3522",
    "-33.8688197 151.2092955",
    "version 10.2.3.4567",
    "iOS 17.4.1.1234",
    "2019 2020 2021",
    "12 345 678 %",
    "1234567 vues",
    "code wifi : 8472 9913 0056",
    "IMG-20210804-WA0007.jpg",
    "https://www.leboncoin.fr/ad/2556691977",
])
def test_keep_traps_stay(text):
    for lang in ("fr", "en", "de", "es", "it", "pt"):
        assert found(lang, text) == [], lang


def test_phone_runs_give_each_decision():
    runs = {r.text: r.decision for r in phone_runs(
        "Bestellnummer 302-7781245, le 05/03/2024 pour 12 500 000 €, appelle 06 39 98 12 34", ("FR",))}
    assert runs == {"302-7781245": "order", "05/03/2024": "date", "12 500 000": "price",
                    "06 39 98 12 34": "phone"}


def test_find_and_runs_are_one_definition():
    det = PhoneDetector(REGIONS["fr"])
    text = "au0639981234, commande 0199001234, +44 (0)20 7946 0123 et 06 39 98\n12 35"
    phones = [r for r in det.runs(text) if r.is_phone]
    assert [(r.start, r.end) for r in phones] == [(f.start, f.end) for f in det.find(text)]
    assert [r.text for r in phones] == ["0639981234", "+44 (0)20 7946 0123", "06 39 98\n12 35"]
    assert phone_runs(text, REGIONS["fr"]) == det.runs(text)


def test_split_phones_over_body_lines():
    det = PhoneDetector(REGIONS["fr"])
    [(i, start, end, run)] = det.split_phones(["c'était le 06 39 98", "12 35 mais", "ok"])
    assert (i, start, end) == (0, 11, 5) and run.text == "06 39 98\n12 35"
    assert det.split_phones(["le 05/03/2024", "18 personnes"]) == []


def test_label_in_another_country_shape():
    num = PhoneDetector(REGIONS["en"]).parse_label("06 39 98 12 34")
    assert num is not None and num.country_code == 33


# ------------------------------------------------------------------ end to end
HEAD = "12/03/2024, 18:%02d - %s: "
SENDERS = ("Camille Martin", "Hugo Bernard")


def _chat(bodies):
    return "".join(HEAD % (i, SENDERS[i % 2]) + b + "\n" for i, b in enumerate(bodies))


def _digits(s):
    return "".join(re.findall(r"\d", s))


def _check_only_phones_changed(src: str, out: str, bodies, phones):
    """Same lines and timestamps; in every body, every character outside the planted
    numbers is the same, and no planted number's digits are left."""
    assert out.count("\n") == src.count("\n")
    heads = re.findall(r"(?m)^12/03/2024, 18:\d\d - ", out)
    assert heads == re.findall(r"(?m)^12/03/2024, 18:\d\d - ", src)
    msgs = re.split(r"(?m)^12/03/2024, 18:\d\d - [^:\n]+: ", out)[1:]
    assert len(msgs) == len(bodies)
    planted = [_digits(p) for p in phones]
    for body, new in zip(bodies, msgs):
        parts = [body]
        for p in phones:
            parts = [x for part in parts for x in _split_keep(part, p)]
        rx = "".join("(.+?)" if x in phones else re.escape(x) for x in parts) + r"\n"
        m = re.fullmatch(rx, new, re.S)
        assert m, (body, new)
        for g in m.groups():
            assert _digits(g) not in planted, (body, new)


def _split_keep(text, sep):
    if sep not in text:
        return [text]
    a, b = text.split(sep, 1)
    return [a, sep] + _split_keep(b, sep)


PHONES_FR_CHAT = ["0639981234", "0199001234", "06 39 98\n12 35", "07700 900123", "612 34 56 78",
                  "+44 (0)20 7946 0123", "0044 113 496 0123", "(415) 555-0123"]
BODIES_FR = ["Salut ! appelle-moi au0639981234 ce soir",
             "ok, sinon tel:0199001234",
             "mon ancien numéro c'était le 06 39 98\n12 35 mais il ne marche plus",
             "mon cousin anglais : 07700 900123, et à Madrid 612 34 56 78",
             "la Bestellnummer 302-7781245 est arrivée le 05/03/2024 pour 1 299 €",
             "au bureau +44 (0)20 7946 0123 ou 0044 113 496 0123, à New York (415) 555-0123",
             "rdv à 18:30, score 6-4 6-3 7-6, position 31.7036111 😊"]


@pytest.mark.parametrize("extra", [["--no-ner"], []])
def test_cli_french_chat_any_country(tmp_path, extra):
    src = _chat(BODIES_FR)
    (tmp_path / "in.txt").write_text(src, encoding="utf-8")
    res = run_cli([tmp_path / "in.txt", tmp_path / "out.txt", "-q", *extra])
    assert res.exit_code == 0, res.output
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    if extra:  # without NER nothing but the senders and the numbers may change
        _check_only_phones_changed(src, out, BODIES_FR, PHONES_FR_CHAT)
    for p in PHONES_FR_CHAT:
        assert p not in out
    for keep in ("Bestellnummer 302-7781245", "05/03/2024", "1 299 €", "6-4 6-3 7-6", "31.7036111", "18:30"):
        assert keep in out


BODIES_PT = ["Olá a todos, o número do Pierre em Paris é 06 39 98 12 34",
             "e o do Tom em Londres: 07700 900124, obrigado!",
             "a encomenda nº 912345678 chegou ontem, custou 49,90 €",
             "liga-me ao912345679 amanhã de manhã",
             "o jogo acabou 3-1, vemo-nos a 05/03/2024 às 20:00"]
PHONES_PT_CHAT = ["06 39 98 12 34", "07700 900124", "912345679"]


def test_cli_portuguese_chat_with_foreign_numbers(tmp_path):
    src = _chat(BODIES_PT)
    (tmp_path / "in.txt").write_text(src, encoding="utf-8")
    res = run_cli([tmp_path / "in.txt", tmp_path / "out.txt", "-q", "--no-ner"])
    assert res.exit_code == 0, res.output
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    _check_only_phones_changed(src, out, BODIES_PT, PHONES_PT_CHAT)
    assert "encomenda nº 912345678" in out


def test_cli_traps_only_chat_is_unchanged_but_senders(tmp_path):
    bodies = ["Bestellnummer 302-7781245", "facture 4587123690 réglée le 12/03/2024",
              "IBAN FR76 3000 6000 0112 3456 7890 189", "version 10.2.3.4567, 12 500 000 vues",
              "31.7036111 et 2019 2020 2021, 6-4 6-3 7-6"]
    src = _chat(bodies)
    (tmp_path / "in.txt").write_text(src, encoding="utf-8")
    res = run_cli([tmp_path / "in.txt", tmp_path / "out.txt", "-q", "--no-ner"])
    assert res.exit_code == 0, res.output
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    for b in bodies:
        if "IBAN" not in b:  # the IBAN belongs to the identifier detectors (GPS pairs too)
            assert b in out
