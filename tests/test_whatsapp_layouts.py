"""Issue 15.1: WhatsApp header layouts of every locale, read from rules/whatsapp_layouts.yaml.

Each ``samples/whatsapp/<platform>_<locale>_<variant>.txt`` made by
``samples/whatsapp/make_locale_samples.py`` goes through the real CLI: recognised as
WhatsApp, same records, lines and timestamps, every sender replaced, the same label always
the same pseudonym, no word outside names changed.  Then the header grammar itself: every
AM/PM word, join and digit system of the table is read, timestamps are normalised to the
Gregorian calendar, one layout per file, no false detection of other formats.
"""
import difflib
import json
import re
import warnings
from pathlib import Path

import pytest
import yaml

from anonymizer import formats
from anonymizer.formats import whatsapp
from anonymizer.formats.base import SYSTEM, split_lines
from anonymizer.formats.whatsapp import GROUP, WhatsAppParser, collect_senders, detect_layout

from .conftest import ROOT, SAMPLES, run_cli

TABLE = yaml.safe_load((ROOT / "rules/whatsapp_layouts.yaml").read_text(encoding="utf-8"))
MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
GEN = SAMPLES / "whatsapp/make_locale_samples.py"
LOCALE_SAMPLES = sorted(re.findall(r'Chat\("(samples/whatsapp/[^"]+\.txt)"', GEN.read_text(encoding="utf-8")))

# first and last timestamps of each sample, worked out by hand from its headers (calendar
# facts: 2565 BE = 2022; 27 Esfand 1401 = 18 March 2023, 1 Farvardin 1402 = 21 March 2023)
EXPECTED_TS = {
    "ios_vi_timefirst": ("2022-03-18 14:56:01", "2022-03-19 09:20:33"),
    "ios_ar_rtl": ("2022-03-18 14:56:01", "2022-03-20 08:05:55"),
    "android_ar_indic": ("2022-03-18 14:56", "2022-03-19 12:15"),
    "ios_th_buddhist": ("2022-03-18 14:56:01", "2022-03-19 08:05:00"),
    "ios_fa_solarhijri": ("2023-03-18 14:56:01", "2023-03-21 00:05:09"),
    "android_mr_deva": ("2022-03-18 14:56", "2022-03-19 12:10"),
    "android_ja_ampm": ("2022-03-18 14:56", "2022-03-19 12:10"),
    "android_ko_ampm": ("2022-03-18 14:56", "2022-03-19 12:15"),
    "android_zh_ampm": ("2022-03-18 14:56", "2022-03-19 12:30"),
    "android_bg_year": ("2022-03-18 14:56", "2022-03-19 12:40"),
    "android_ru_system": ("2022-03-18 14:56", "2022-03-19 09:31"),
    "ios_es_pm": ("2022-03-18 14:56:01", "2022-03-19 12:05:00"),
    "android_id_dottime": ("2022-03-18 14:56", "2022-03-19 12:15"),
    "android_hu_ymd": ("2022-03-18 14:56", "2022-03-19 12:20"),
}


def parse(text):
    lines = list(split_lines(text))
    return list(WhatsAppParser(collect_senders(lines)).parse_lines(lines))


def read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The samples through the CLI without NER: what the structure does, alone (the French
    or English model reads other scripts badly: tests/test_core_whatsapp.py runs them
    with NER and checks the manifest's names and kept words)."""
    out_dir = tmp_path_factory.mktemp("layouts")
    done = {}
    for rel in LOCALE_SAMPLES:
        dst = out_dir / Path(rel).name
        res = run_cli([ROOT / rel, dst, "-q", "--no-ner"])
        done[rel] = (res, dst)
    return done


def test_every_sample_has_an_expectation():
    assert sorted(Path(r).stem for r in LOCALE_SAMPLES) == sorted(EXPECTED_TS)
    for rel in LOCALE_SAMPLES:
        assert rel in MANIFEST and (ROOT / rel).is_file()


@pytest.mark.parametrize("rel", LOCALE_SAMPLES)
def test_sample_recognised_and_timestamps_normalised(rel):
    text = read(ROOT / rel)
    assert formats.detect_format(text) == "whatsapp"
    recs = parse(text)
    heads = [r for r in recs if r.header is not None]
    assert len(heads) == MANIFEST[rel]["messages"]
    first, last = EXPECTED_TS[Path(rel).stem]
    assert (heads[0].timestamp, heads[-1].timestamp) == (first, last)
    stamps = [r.timestamp for r in heads]
    assert stamps == sorted(stamps), "normalised timestamps keep the chat's order"
    # senders are exactly the labels (no ~NNBSP, no U+202A/U+202C, no marks)
    assert {r.sender_text for r in heads if r.sender} == set(MANIFEST[rel]["participants"])


@pytest.mark.parametrize("rel", LOCALE_SAMPLES)
def test_sample_through_cli(rel, outputs):
    res, dst = outputs[rel]
    assert res.exit_code == 0, res.output
    src, out = read(ROOT / rel), read(dst)
    assert formats.detect_format(out) == "whatsapp"
    a, b = parse(src), parse(out)
    assert len(a) == len(b)
    assert src.count("\n") == out.count("\n") and src.count("\r") == out.count("\r")
    assert [r.header and r.header.text(r.raw) for r in a] == [r.header and r.header.text(r.raw) for r in b]
    assert [r.timestamp for r in a] == [r.timestamp for r in b]
    assert [r.kind for r in a] == [r.kind for r in b]
    # every sender changed, the same label always the same pseudonym (and no two labels one)
    pairs = {(x.sender_text, y.sender_text) for x, y in zip(a, b) if x.sender}
    assert pairs and all(old != new for old, new in pairs)
    mapping = dict(pairs)
    assert len(mapping) == len(pairs) == len(set(mapping.values()))
    for label in mapping:
        assert label not in out
    # no word outside names (and phone numbers) changed
    meta = MANIFEST[rel]
    name_words = {w.casefold() for n in meta["participants"] + meta["names"] for w in re.findall(r"\w+", n)}
    for x, y in zip(a, b):
        for sa, sb in zip(x.bodies, y.bodies):
            ta, tb = re.findall(r"\w+", sa.text(x.raw)), re.findall(r"\w+", sb.text(y.raw))
            for op, i1, i2, _, _ in difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).get_opcodes():
                for word in ta[i1:i2] if op != "equal" else ():
                    assert word.casefold() in name_words or word.isdigit(), \
                        f"{word!r} changed in {rel}: {sa.text(x.raw)!r} -> {sb.text(y.raw)!r}"
    for word in meta["keep"]:
        assert word in out, f"{word!r} was changed in {rel}"


def test_vietnamese_names_consistent_and_words_kept(outputs):
    """The reported case: "Dmitry S" one person (not "Joost" and "Joost S"), "hình ảnh" kept."""
    res, dst = outputs["samples/whatsapp/ios_vi_timefirst.txt"]
    out = read(dst)
    recs = parse(out)
    fakes = {r.sender_text for r in recs if r.sender and r.raw.find("Ok, mình gửi") > 0}
    assert len(fakes) == 1
    fake = fakes.pop()
    first = fake.split()[0]
    assert f"Tuyệt quá! {first} nhớ mang máy ảnh" in out
    assert "hình ảnh" in out and "Dmitry" not in out


@pytest.mark.xfail(strict=True, reason="participants are matched without accents (Hélène = helene): "
                   "a Vietnamese participant 'Anh' also matches the word 'ảnh' (detect/participants.py "
                   "and the post-scan in pipeline/engine.py, not the layouts)")
def test_vietnamese_word_like_a_participant_name(tmp_path):
    src = tmp_path / "chat.txt"
    src.write_text("[14:56:01, 3/18/22] Tuấn Anh: gửi hình ảnh nhé\n"
                   "[14:57:01, 3/18/22] Lê Quang Khoa: cảm ơn Anh\n", encoding="utf-8")
    dst = tmp_path / "out.txt"
    assert run_cli([src, dst, "-q", "--no-ner"]).exit_code == 0
    out = dst.read_text(encoding="utf-8")
    assert "hình ảnh" in out and "Anh" not in out


# ------------------------------------------------------------------ the grammar, from the table
def _one(line):
    recs = parse(line + "\n")
    assert len(recs) == 1 and recs[0].header is not None, line
    return recs[0]


@pytest.mark.parametrize("lang", sorted(TABLE["ampm"]))
def test_every_ampm_word_of_the_table(lang):
    entry = TABLE["ampm"][lang]
    for word, hour in [(w, 14) for w in entry["pm"]] + [(w, 2) for w in entry["am"]]:
        time = f"{word} 2:56" if entry.get("before") else f"2:56 {word}"
        rec = _one(f"18/03/2022, {time} - Nadia Ferrand: hello")
        assert rec.timestamp == f"2022-03-18 {hour:02d}:56", (lang, word)
        assert rec.sender_text == "Nadia Ferrand"


@pytest.mark.parametrize("lang", sorted(TABLE["joins"]))
def test_every_join_of_the_table(lang):
    for join in TABLE["joins"][lang]:
        rec = _one(f"[18.03.2022{join}14:56:01] Nadia Ferrand: hello")
        assert rec.timestamp == "2022-03-18 14:56:01", (lang, join)
        assert rec.sender_text == "Nadia Ferrand"


@pytest.mark.parametrize("frame", sorted(TABLE["frames"]))
def test_every_frame_of_the_table(frame):
    spec = TABLE["frames"][frame]
    for close in spec["close"]:
        line = f"{spec.get('open', '')}18/03/2022, 14:56{close}Nadia Ferrand: hello"
        rec = _one(line)
        assert rec.header.text(rec.raw) == line[:line.index("Nadia")]
        assert rec.sender_text == "Nadia Ferrand" and rec.timestamp == "2022-03-18 14:56"


@pytest.mark.parametrize("system", sorted(TABLE["digits"]))
def test_every_digit_system_of_the_table(system):
    digits = TABLE["digits"][system]
    tr = str.maketrans("0123456789", digits)
    rec = _one("18/03/2022, 14:56 - ".translate(tr) + "Nadia Ferrand: 12 apples")
    assert rec.timestamp == "2022-03-18 14:56"
    assert rec.bodies[0].text(rec.raw) == "12 apples"


@pytest.mark.parametrize("line,stamp,sender", [
    ("[14:56:01, 3/18/22] Dmitry S: hình ảnh", "2022-03-18 14:56:01", "Dmitry S"),
    ("[\u200f18\u200f/3\u200f/2022، 14:56:01] \u202a+966 50 123 4567\u202c: مرحبا",
     "2022-03-18 14:56:01", "+966 50 123 4567"),
    ("[3/18/2565 BE, 14:56:01] ~\u202fNiran: hi", "2022-03-18 14:56:01", "Niran"),
    ("18/3/2565 14:56 - Niran: hi", "2022-03-18 14:56", "Niran"),
    ("18/3/65 14:56 น. - Niran: hi", "2022-03-18 14:56", "Niran"),  # Thai time: 2565 BE
    ("۱۴۰۱/۱۲/۲۷،\u200f ۱۴:۵۶ - آرش: سلام", "2023-03-18 14:56", "آرش"),
    ("۲۰۲۱/۵/۳۰، ۱۸:۴۴ - Sattar-b: سلام", "2021-05-30 18:44", "Sattar-b"),  # Android fa: Gregorian
    ("١٨\u200f/٣\u200f/٢٠٢٢، ١٢:٠٥ ص - يوسف: مرحبا", "2022-03-18 00:05", "يوسف"),
    ("2022年3月18日 下午2:56 - 王 伟: 你好", "2022-03-18 14:56", "王 伟"),
    ("2022년 3월 18일 오전 12:30 - 김민준: 안녕", "2022-03-18 00:30", "김민준"),
    ("18. 3. 2022. 14:56 - Ana Horvat: bok", "2022-03-18 14:56", "Ana Horvat"),
    ("18.03.22 г., 14:56 - Иван: здравей", "2022-03-18 14:56", "Иван"),
    ("18.03.22, 2:56 пп - Олена: привіт", "2022-03-18 14:56", "Олена"),
    ("2022/12/14, 13:34. - John Doe: hi", "2022-12-14 13:34", "John Doe"),
    ("09/17/19, 4:30:10 PM \u2013 John Doe: hi", "2019-09-17 16:30:10", "John Doe"),
    ("13.6.2018 klo 21.25.15 - a: m", "2018-06-13 21:25:15", "a"),
    ("18/03/2022 a las 14:56 - Lucía: hola", "2022-03-18 14:56", "Lucía"),
    ("3/24/14, 1:59:59 PM: Sender Name: Message", "2014-03-24 13:59:59", "Sender Name"),
    ("[\ufeff29.01.18, 12:24:03] Anna Weber: Hallo", "2018-01-29 12:24:03", "Anna Weber"),
])
def test_header_layouts(line, stamp, sender):
    rec = _one(line)
    assert rec.timestamp == stamp
    assert rec.sender_text == sender
    body = rec.bodies[0].text(rec.raw)
    assert rec.raw.rstrip("\n").endswith(body) and body == line.rsplit(": ", 1)[1]
    assert rec.header.text(rec.raw) == line[:rec.header.end]
    assert rec.raw[rec.header.end:rec.sender.start].strip("~\u202f\u202a") == ""


def test_one_layout_per_file():
    """A body line written like another layout's header continues the message."""
    ios = ("[18/03/2022, 14:56:01] Nadia Ferrand: the old export said\n"
           "18/03/2022, 14:57 - Paul Mercier: something\n"
           "[18/03/2022, 14:58:30] Paul Mercier: right\n")
    recs = parse(ios)
    assert len(recs) == 2 and "Paul Mercier: something" in recs[0].raw
    assert collect_senders(split_lines(ios)) == {"Nadia Ferrand", "Paul Mercier"}
    layout, _ = detect_layout(split_lines(ios))
    assert layout.match("18/03/2022, 14:57 - Paul Mercier: x") is None
    assert whatsapp.is_header("18/03/2022, 14:57 - Paul Mercier: x")
    # an Android file: a pasted iOS line is text too
    android = "18/03/2022, 14:57 - Paul Mercier: pasted:\n[18/03/2022, 14:56:01] Nadia Ferrand: hi\n"
    assert len(parse(android)) == 1


def test_layout_reads_the_lines_it_sampled():
    lines = [f"18/03/2022, 14:{i % 60:02d} - Nadia Ferrand: message {i}\n" for i in range(5000)]
    layout, it = detect_layout(iter(lines))
    assert list(it) == lines
    assert len(layout.regexes) == 1


def test_date_order_from_the_numbers_and_mixed_exports():
    us = "3/4/22, 2:56 PM - A B: x\n3/18/22, 2:57 PM - A B: y\n"
    assert [r.timestamp for r in parse(us)] == ["2022-03-04 14:56", "2022-03-18 14:57"]
    eu = "3/4/22, 14:56 - A B: x\n18/4/22, 14:57 - A B: y\n"
    assert [r.timestamp for r in parse(eu)] == ["2022-04-03 14:56", "2022-04-18 14:57"]
    # a file joining an Android and an iOS export: each frame keeps its own order
    mixed = ("12/15/25, 10:30 AM - A B: x\n12/15/25, 10:31 AM - A B: y\n"
             "[15/12/2025, 10:32:00] A B: z\n[15/12/2025, 10:33:00] A B: t\n")
    assert [r.timestamp for r in parse(mixed)] == ["2025-12-15 10:30", "2025-12-15 10:31",
                                                   "2025-12-15 10:32:00", "2025-12-15 10:33:00"]


def test_ios_group_name_is_a_group_span_not_a_person():
    chat = ("[18/03/2022, 14:56:01] Anniv Prune 🎂: \u200eMessages and calls are end-to-end encrypted.\n"
            "[18/03/2022, 14:56:01] Anniv Prune 🎂: \u200ePrune Vidal created group “Anniv Prune 🎂”\n"
            "[18/03/2022, 14:57:10] Prune Vidal: coucou\n")
    recs = parse(chat)
    assert [r.kind for r in recs] == [SYSTEM, SYSTEM, "message"]
    for r in recs[:2]:
        assert r.sender is None
        groups = [sp.text(r.raw) for sp in r.bodies if sp.role == GROUP]
        assert "Anniv Prune 🎂" in groups
    assert [sp.text(recs[1].raw) for sp in recs[1].names] == ["Prune Vidal"]


def test_group_name_keeps_its_words_and_loses_the_participant(tmp_path):
    src = tmp_path / "chat.txt"
    src.write_text("[18/03/2022, 14:56:01] Anniv Prune 🎂: \u200eMessages and calls are end-to-end encrypted.\n"
                   "[18/03/2022, 14:57:10] Prune Vidal: coucou\n"
                   "[18/03/2022, 14:58:00] Marc Olivier: salut Prune\n", encoding="utf-8")
    dst = tmp_path / "out.txt"
    assert run_cli([src, dst, "-q", "--no-ner"]).exit_code == 0
    out = dst.read_text(encoding="utf-8")
    first = out.splitlines()[0]
    assert first.startswith("[18/03/2022, 14:56:01] Anniv ") and "🎂: \u200eMessages" in first
    assert "Prune" not in out


@pytest.mark.parametrize("text", [
    "Meeting notes\n12/03/2024 10:00 we met\nAction items: none\n18/03/2022, 14:56 was the date\n",
    "Reminder: 18/03/2022, 14:56 - call the bank\nthen lunch\nthen the gym\nthen sleep\nend\n",
])
def test_plain_text_with_dates_is_not_whatsapp(text):
    assert formats.detect_format(text) != "whatsapp"
    assert whatsapp.looks_like_whatsapp(text) < 0.2 + 1e-9


def test_other_exports_are_not_whatsapp():
    assert formats.detect_format(read(SAMPLES / "formats/signal_chat.md")) == "signal"
    assert formats.detect_format(read(SAMPLES / "formats/imessage_chat.txt")) == "imessage"
    assert whatsapp.looks_like_whatsapp(read(SAMPLES / "formats/imessage_chat.txt")) == 0


# ------------------------------------------------------------------ other parsers re-read the output
whatstk = pytest.importorskip("whatstk")


def _whatstk(path, hformat):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = whatstk.df_from_whatsapp(str(path), hformat=hformat)
    return len(df), set(df["username"])


WHATSTK_SKIP = {  # the layouts whatstk's hformat cannot express
    "android_ar_indic": "'%p' is only a.m./p.m. (no ص/م)",
    "ios_th_buddhist": "a year of 2565 is out of pandas' datetime range",
    "ios_fa_solarhijri": "a year of 1401 is out of pandas' datetime range",
    "android_mr_deva": "'%p' is only a.m./p.m. (no म.उ.)",
    "android_ja_ampm": "no AM/PM word before the hour",
    "android_ko_ampm": "no AM/PM word before the hour",
    "android_zh_ampm": "no AM/PM word before the hour",
    "android_hu_ymd": "no '. ' separators with a final dot after the year",
}


@pytest.mark.parametrize("rel", LOCALE_SAMPLES)
def test_whatstk_rereads_output(rel, outputs):
    stem = Path(rel).stem
    hformat = MANIFEST[rel]["whatstk_hformat"]
    if hformat is None:
        pytest.skip(WHATSTK_SKIP[stem])
    res, dst = outputs[rel]
    n_in, users_in = _whatstk(ROOT / rel, hformat)
    n_out, users_out = _whatstk(dst, hformat)
    assert n_in > 0 and n_in == n_out
    assert len(users_in) == len(users_out)
    people = set(MANIFEST[rel]["participants"]) | {"~\u202f" + p for p in MANIFEST[rel]["participants"]}
    assert not (people & users_out)


def test_chatminer_rereads_what_it_reads(outputs):
    """chat-miner reads Android 'd/m/y, H:MM - ' style headers only: those samples it reads
    give the same number of messages and authors after anonymisation."""
    chatparsers = pytest.importorskip("chatminer.chatparsers")
    import logging
    read_any = False
    for rel in LOCALE_SAMPLES:
        res, dst = outputs[rel]
        counts = []
        for path in (ROOT / rel, dst):
            logging.disable(logging.CRITICAL)
            try:
                p = chatparsers.WhatsAppParser(str(path))
                p.parse_file()
                df = p.parsed_messages.get_df(as_pandas=True)
                counts.append((len(df), len(set(df["author"]))))
            except Exception:  # its documented limits: layouts it does not know
                counts.append(None)
            finally:
                logging.disable(logging.NOTSET)
        assert (counts[0] is None) == (counts[1] is None), rel
        if counts[0] is not None:
            read_any = True
            assert counts[0] == counts[1], rel
    assert read_any
