"""Issue 2: WhatsApp exports and dataset chunks, end to end, through the real CLI."""
import os
import re
import stat
from pathlib import Path

import phonenumbers
import pytest

from anonymizer import Anonymizer, formats
from anonymizer.formats.base import split_lines

from .conftest import KEY, ROOT, SAMPLES, run_cli

SAMPLE_FILES = sorted(str(p.relative_to(ROOT)) for p in SAMPLES.glob("*/*.txt")
                      if p.parent.name in ("whatsapp", "chunks", "plain"))


def headers(text):
    """Timestamp headers, in order (what must stay byte-for-byte)."""
    out = []
    for line in split_lines(text):
        m = formats.whatsapp.HEADER_RE.match(line)
        if m:
            out.append(m.group())
    return out


def word_present(word, text):
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text) is not None


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("out")
    results = {}
    for rel in SAMPLE_FILES:
        dst = out_dir / (rel.replace("/", "__"))
        res = run_cli([ROOT / rel, dst, "-q"])
        results[rel] = (res, dst)
    return results


@pytest.mark.parametrize("rel", SAMPLE_FILES)
def test_sample_structure_kept(rel, outputs, manifest):
    res, dst = outputs[rel]
    assert res.exit_code == 0, res.output
    src_bytes = (ROOT / rel).read_bytes()
    out_bytes = dst.read_bytes()
    src, out = src_bytes.decode("utf-8"), out_bytes.decode("utf-8")
    # same lines, same line endings, same BOM, same timestamps
    assert list(map(lambda l: l[len(l.rstrip("\r\n")):], split_lines(src))) == \
        list(map(lambda l: l[len(l.rstrip("\r\n")):], split_lines(out)))
    assert src_bytes.startswith(b"\xef\xbb\xbf") == out_bytes.startswith(b"\xef\xbb\xbf")
    assert headers(src) == headers(out)
    meta = manifest[rel]
    assert len(headers(out)) == meta["messages"]
    fmt = formats.detect_format(src)
    assert fmt == meta["format"]
    assert len(list(formats.parse(src, fmt))) == len(list(formats.parse(out, fmt)))


@pytest.mark.parametrize("rel", SAMPLE_FILES)
def test_sample_nothing_leaks(rel, outputs, manifest):
    res, dst = outputs[rel]
    out = dst.read_text(encoding="utf-8")
    meta = manifest[rel]
    for name in meta["names"]:
        assert not word_present(name, out), f"name {name!r} survived in {rel}"
    for phone in meta["phones"]:
        assert phone not in out, f"phone {phone!r} survived in {rel}"
    for url in meta["urls"]:
        assert url not in out
    for email in meta["emails"]:
        assert email not in out
    for label in meta["participants"]:
        if any(c.isalpha() for c in label):
            assert label not in out
    # every number phonenumbers finds in the input's text (timestamps aside) is gone
    src = (ROOT / rel).read_text(encoding="utf-8")
    region = {"fr": "FR", "en": "US", "de": "DE", "es": "ES"}.get(meta.get("language"), "FR")
    fmt = formats.detect_format(src)
    for r in formats.parse(src, fmt):
        for sp in r.bodies + r.structural_spans():
            for m in phonenumbers.PhoneNumberMatcher(sp.text(r.raw), region):
                assert m.raw_string not in out, f"{m.raw_string!r} survived in {rel}"


@pytest.mark.parametrize("rel", SAMPLE_FILES)
def test_sample_keeps_ordinary_words(rel, outputs, manifest):
    res, dst = outputs[rel]
    out = dst.read_text(encoding="utf-8")
    for word in manifest[rel]["keep"]:
        assert word in out, f"{word!r} was changed in {rel}"


def test_chunk_layout_kept(outputs):
    res, dst = outputs["samples/chunks/chunk_fr.txt"]
    src = (SAMPLES / "chunks/chunk_fr.txt").read_text(encoding="utf-8")
    out = dst.read_text(encoding="utf-8")
    src_lines, out_lines = src.splitlines(), out.splitlines()
    assert len(src_lines) == len(out_lines)
    for a, b in zip(src_lines, out_lines):
        if a.startswith(("===", "Période", "Tokens", "Messages", "Topics")):
            assert a == b
    # the continuation lines before the first header are kept (and still lines of their own)
    first_header = next(i for i, l in enumerate(src_lines) if headers(l + "\n"))
    cont = src_lines[src_lines.index("=== CONTENU ===") + 1:first_header]
    assert cont and len(cont) == len(out_lines[src_lines.index("=== CONTENU ===") + 1:first_header])
    # the Participants line of the second chunk is anonymised like senders
    part_in = [l for l in src_lines if l.startswith("Participants: ") and l.strip() != "Participants:"]
    part_out = [l for l in out_lines if l.startswith("Participants: ") and l.strip() != "Participants:"]
    assert part_in and part_in != part_out
    assert "Camille" not in part_out[0] and "Dupont" not in part_out[0]


def test_same_key_same_output_other_key_other_output(tmp_path):
    src = SAMPLES / "whatsapp/android_fr_24h.txt"
    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    assert run_cli([src, a, "-q"]).exit_code == 0
    assert run_cli([src, b, "-q"]).exit_code == 0
    assert run_cli([src, c, "-q"], env_key="another-key-9876543210-abcdef").exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_participant_in_body_gets_their_sender_pseudonym():
    chat = ("22/01/2025, 18:43 - Jean Dupont: salut tout le monde\n"
            "22/01/2025, 18:44 - Camille Roux: coucou jean ! Jean, tu as vu DUPONT ?\n"
            "22/01/2025, 18:45 - Jean Dupont: oui camille\n")
    out = Anonymizer(key=KEY, language="fr", ner=False).anonymize_text(chat)
    lines = out.splitlines()
    jean_fake = re.match(r"22/01/2025, 18:43 - (\S+) (\S+):", lines[0]).groups()
    cam_fake = re.match(r"22/01/2025, 18:44 - (\S+) (\S+):", lines[1]).groups()
    assert jean_fake[0] != "Jean" and cam_fake[0] != "Camille"
    body = lines[1].split(": ", 1)[1]
    assert f"coucou {jean_fake[0].lower()} !" in body
    assert f"{jean_fake[0]}, tu as vu {jean_fake[1].upper()} ?" in body
    assert lines[2].endswith(f"oui {cam_fake[0].lower()}")
    assert lines[2].startswith(f"22/01/2025, 18:45 - {jean_fake[0]} {jean_fake[1]}:")


def test_phone_sender_and_digit_mention_stay_linked():
    chat = ("22/01/2025, 18:43 - Camille: Merci à @33612345678 pour le partage\n"
            "22/01/2025, 18:47 - +33 6 12 34 56 78: de rien, appelle au 06.12.34.56.78\n")
    out = Anonymizer(key=KEY, language="fr", ner=False).anonymize_text(chat)
    l1, l2 = out.splitlines()
    mention = re.search(r"@(\d+)", l1).group(1)
    sender = re.match(r"22/01/2025, 18:47 - (\+33 \d \d\d \d\d \d\d \d\d):", l2).group(1)
    dotted = re.search(r"(\d\d\.\d\d\.\d\d\.\d\d\.\d\d)", l2).group(1)
    assert mention != "33612345678"
    digits = re.sub(r"\D", "", sender)
    assert mention == digits
    assert "0" + digits[2:] == dotted.replace(".", "")
    # French mobiles come from the range ARCEP reserves for fiction (06 39 98 xx xx)
    assert digits.startswith("3363998")


def test_urls_and_emails_go_to_reserved_domains():
    text = ("22/01/2025, 18:43 - Camille: voir https://www.monsite-perso.fr/jean.dupont/?hl=fr "
            "et www.lemonde.fr/article/123 ou écris à jean.dupont@gmail.com\n")
    out = Anonymizer(key=KEY, language="fr", ner=False).anonymize_text(text)
    assert "monsite" not in out and "lemonde" not in out and "gmail" not in out
    urls = re.findall(r"(?:https?://|www\.)\S+", out)
    assert len(urls) == 2
    assert urls[0].startswith("https://www.example.") and urls[1].startswith("www.example.")
    assert re.search(r"@example\.(?:com|org|net)\b", out)
    # same URL -> same fake
    a = Anonymizer(key=KEY, language="fr", ner=False)
    assert a.anonymize_text(text) == a.anonymize_text(text)


def test_map_persisted_0600_and_extended(tmp_path, keyenv):
    m = tmp_path / "people.map.json"
    one = tmp_path / "one.txt"
    two = tmp_path / "two.txt"
    one.write_text("22/01/2025, 18:43 - Jean Dupont: salut\n", encoding="utf-8")
    two.write_text("23/01/2025, 09:00 - Marie Curie: tu as vu Jean Dupont ?\n", encoding="utf-8")
    assert run_cli([one, tmp_path / "o1.txt", "--map", m, "-q", "--no-ner"]).exit_code == 0
    assert stat.S_IMODE(os.stat(m).st_mode) == 0o600
    assert run_cli([two, tmp_path / "o2.txt", "--map", m, "-q", "--no-ner"]).exit_code == 0
    o1 = (tmp_path / "o1.txt").read_text(encoding="utf-8")
    o2 = (tmp_path / "o2.txt").read_text(encoding="utf-8")
    fake = re.match(r"22/01/2025, 18:43 - (.+?):", o1).group(1)
    assert fake in o2
    assert "Jean" not in m.read_text() or True  # the map holds real values: that is why it is 0600


def test_refuses_to_overwrite_input(tmp_path, keyenv):
    src = tmp_path / "chat.txt"
    src.write_text("22/01/2025, 18:43 - Jean Dupont: salut\n", encoding="utf-8")
    before = src.read_bytes()
    res = run_cli([src, src, "--no-ner"])
    assert res.exit_code == 2
    assert src.read_bytes() == before
    res = run_cli([src, "--in-place", "-q", "--no-ner"])
    assert res.exit_code == 0
    assert b"Jean" not in src.read_bytes()


def test_stdin_stdout(tmp_path):
    res = run_cli(["-", "-", "-q", "--no-ner"],
                  input_bytes="22/01/2025, 18:43 - Jean Dupont: salut\n".encode())
    assert res.exit_code == 0
    assert res.stdout.startswith("22/01/2025, 18:43 - ") and "Jean" not in res.stdout


def test_no_key_gives_notice_and_random_pseudonyms(tmp_path):
    src = tmp_path / "chat.txt"
    src.write_text("22/01/2025, 18:43 - Jean Dupont: salut\n", encoding="utf-8")
    r1 = run_cli([src, tmp_path / "a.txt", "--no-ner"], env_key=None)
    assert r1.exit_code == 0
    assert "not be stable" in r1.stderr
    outs = set()
    for i in range(4):
        run_cli([src, tmp_path / f"r{i}.txt", "--no-ner", "-q"], env_key=None)
        outs.add((tmp_path / f"r{i}.txt").read_text())
    assert len(outs) > 1


def test_library_analyze_findings():
    anon = Anonymizer(key=KEY, language="fr")
    text = "Salut, appelle Marie Curie au 06 12 34 56 78 ou écris à marie@exemple.fr, voir www.site.fr"
    found = anon.analyze(text)
    kinds = {f.kind for f in found}
    assert {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "URL"} <= kinds
    for f in found:
        assert text[f.start:f.end] == f.text and 0 < f.score <= 1
    person = [f for f in found if f.kind == "PERSON"]
    assert any(f.text == "Marie Curie" for f in person)


def test_anonymize_file_library(tmp_path):
    src = SAMPLES / "whatsapp/ios_en_bracket_comma.txt"
    dst = tmp_path / "out.txt"
    res = Anonymizer(key=KEY).anonymize_file(src, dst)
    assert res.counts["PERSON"] > 0
    assert dst.read_bytes().startswith(b"\xef\xbb\xbf")
    assert dst.read_bytes().count(b"\r\n") == src.read_bytes().count(b"\r\n")


def test_function_words_around_names_are_kept():
    """A name is replaced, the words around it are not ("c'est Thibault", "Léa. Mon")."""
    chat = ("22/01/2025, 18:44 - Léa: salut\n"
            "22/01/2025, 18:45 - +33 6 12 34 56 78: Coucou, c'est Thibault, le cousin de Léa. "
            "Mon numéro si besoin : 06.12.34.56.78\n"
            "22/01/2025, 21:41 - +33 6 98 76 54 32: Bonsoir ! C'est Margaux, Léa m'a filé le lien\n")
    out = Anonymizer(key=KEY, language="fr").anonymize_text(chat)
    assert "Thibault" not in out and "Margaux" not in out and "Léa" not in out
    assert "Coucou, c'est " in out
    assert ". Mon numéro si besoin" in out
    assert "Bonsoir ! C'est " in out


@pytest.mark.parametrize("text,found", [
    ("My new number is +1 212 544 2421 17:00 then", "+1 212 544 2421"),
    ("merci @33721419355 !", "33721419355"),
    ("appelle le 07 21 41 93 55 stp", "07 21 41 93 55"),
    ("ruf an: 0151 2345 6789", "0151 2345 6789"),
    ("llámame al +34 612 34 56 78", "+34 612 34 56 78"),
])
def test_phone_layouts_found(text, found):
    from anonymizer.detect.phones import PhoneDetector
    det = PhoneDetector(["FR", "US", "DE", "ES"])
    assert [f.text for f in det.find(text)] == [found]


@pytest.mark.parametrize("text", [
    "score 3-1 le 12/03/2024 à 18:30",
    "commande n° 123456789 livrée",
    "ça coûte 1 234,56 € ou 12.50$",
    "version 10.2.3.4 sortie",
])
def test_not_phones(text):
    from anonymizer.detect.phones import PhoneDetector
    assert PhoneDetector(["FR", "US"]).find(text) == []


def test_pseudonyms_never_real_participants_and_injective():
    """Over many keys: no fake name is (or contains) a participant's name; no two people share one."""
    names = ["Jean Martin", "Marie Bernard", "Pierre Dubois", "Michel Thomas", "Nathalie Robert",
             "Isabelle Richard", "Philippe Petit", "Catherine Durand", "Alain Leroy", "Sylvie Moreau",
             "Louis Simon", "Camille Laurent"]
    chat = "".join(f"22/01/2025, 18:{i:02d} - {n}: salut\n" for i, n in enumerate(names))
    real_tokens = {t for n in names for t in n.split()}
    for k in range(25):
        out = Anonymizer(key=f"key-number-{k}-0123456789", language="fr", ner=False).anonymize_text(chat)
        fakes = [re.match(r"22/01/2025, 18:\d\d - (.+?):", l).group(1) for l in out.splitlines()]
        assert len(set(fakes)) == len(names)
        firsts = [f.split()[0] for f in fakes]
        assert len(set(firsts)) == len(set(n.split()[0] for n in names))
        for f in fakes:
            for part in re.split(r"[\s\-']+", f):
                assert part not in real_tokens, (k, f)


def test_wifi_code_is_not_a_phone():
    from anonymizer.detect.phones import PhoneDetector
    assert PhoneDetector(["FR", "BE", "CH"]).find("code wifi : 8472 9913 0056") == []


@pytest.mark.parametrize("args", [["--bogus", "a", "b"], ["a.txt", "b.txt", "--format", "nope"], ["run"],
                                  ["a.txt", "b.txt", "--lang", "xx"]])
def test_usage_errors_are_one_line(args, tmp_path):
    import subprocess
    import sys
    p = subprocess.run([sys.executable, "-c", "from anonymizer.ui.cli import main; main()", *args],
                       capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("anonymize: error: "), p.stderr
    assert "Traceback" not in p.stderr


def test_verification_catches_known_iban_the_detectors_miss(tmp_path, keyenv):
    """An IBAN known from the map, glued into a word no detector reads, fails closed."""
    m = tmp_path / "map.json"
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("22/01/2025, 18:43 - Jean Dupont: mon IBAN FR76 3000 6000 0112 3456 7890 189\n",
                   encoding="utf-8")
    two.write_text("22/01/2025, 18:44 - Jean Dupont: code:FR7630006000011234567890189x merci\n",
                   encoding="utf-8")
    assert run_cli([one, tmp_path / "o1.txt", "--map", m, "-q", "--no-ner"]).exit_code == 0
    assert "3456 7890" not in (tmp_path / "o1.txt").read_text(encoding="utf-8")
    res = run_cli([two, tmp_path / "o2.txt", "--map", m, "-q", "--no-ner"])
    assert res.exit_code == 3
    assert "IBAN" in res.stderr and "FR7630006000011234567890189" not in res.stderr
    assert not (tmp_path / "o2.txt").exists()


def test_names_joined_by_underscores_in_file_names():
    chat = ("22/01/2025, 18:43 - Ines Carpentier: salut\n"
            "22/01/2025, 18:44 - Hugo Perrin: 2025-01-22_00_Ines_Carpentier.jpg et hugo_perrin_echiquier.png\n")
    out = Anonymizer(key=KEY, language="fr", ner=False).anonymize_text(chat)
    assert "Ines" not in out and "Carpentier" not in out and "hugo" not in out and "perrin" not in out
    assert "_echiquier.png" in out and out.count("2025-01-22_00_") == 1
