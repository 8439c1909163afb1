"""Issue 4: every common chat export, in and out in its own format."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from anonymizer.ui.cli import main
from anonymizer import Anonymizer
from anonymizer.formats import detect_format
from anonymizer.formats.jsonbase import Collector
from anonymizer.formats.jsondoc import Editor, Style, detect_style, parse_json, plain

KEY = b"test-key-0123456789abcdef"
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "formats"
FIX = Path("/work/shared/fixtures/chat-miner/test")
if not FIX.exists():
    FIX = ROOT.parent / "shared" / "fixtures" / "chat-miner" / "test"

SAMPLE_FORMATS = {
    "telegram_result.json": "telegram", "discord.json": "discord",
    "messenger_message_1.json": "messenger", "messenger_e2ee.json": "messenger",
    "signal_chat.md": "signal", "imessage_chat.txt": "imessage",
    "dataset.jsonl": "jsonl", "dataset.csv": "csv",
    "slack_export/general/2020-09-13.json": "slack",
    "signal/data.json": "signal-json", "signal/chat.md": "signal",
}


def eng(**kw):
    return Anonymizer(key=KEY, language=kw.pop("language", "fr"), ner=False, **kw)


def anonymize_document(anon, text, fmt, name):
    res = anon.process(text, fmt, name)
    return res.text, res


def anonymize_documents(anon, items):
    return [(out, None) for out in anon.anonymize_documents(items)]


def read(p: Path) -> str:
    return p.read_text(encoding="utf-8", newline="") if hasattr(p, "read_text") else p


def _read(p):
    with open(p, encoding="utf-8", newline="") as fh:
        return fh.read()


# ---------------------------------------------------------------------------- round trip
@pytest.mark.parametrize("name,fmt", sorted(SAMPLE_FORMATS.items()))
def test_sample_detected_and_round_trips(name, fmt):
    text = _read(SAMPLES / name)
    if fmt != "slack":
        assert detect_format(text) == fmt
    from anonymizer.formats import LINE_FORMATS, collect_document, parse
    if fmt in LINE_FORMATS:
        assert "".join(r.raw for r in parse(text, fmt)) == text
    else:
        col = Collector()
        ed = collect_document(col, text, fmt)
        assert col.records, "no text value collected"
        # rewriting every collected text value with itself changes no byte
        for rec, slot in zip(col.records, col.slots):
            for e, node, off, length in slot.targets:
                e.replace_spans(node, [(0, length, e.value_of(node))])
        assert ed.render() == text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(max_size=12),
    lambda ch: st.lists(ch, max_size=4) | st.dictionaries(st.text(max_size=5), ch, max_size=4),
    max_leaves=15)


@settings(max_examples=150, deadline=None)
@given(json_values, st.sampled_from([None, 1, 2, 4]), st.booleans())
def test_json_strings_reencoded_identically(value, indent, ascii_):
    """Any json.dumps output: re-encoding every string in the detected style is a no-op."""
    text = json.dumps(value, ensure_ascii=ascii_, indent=indent)
    tree, _ = parse_json(text)
    assert plain(tree) == value
    ed = Editor(text, detect_style(text, Style(ascii=ascii_)))

    def walk(n):
        if isinstance(n, dict):
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
        elif hasattr(n, "start") and isinstance(n.value, str) and type(n).__name__ == "JStr":
            ed.replace_spans(n, [(0, len(n.value), n.value)])
    walk(tree)
    assert ed.render() == text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(alphabet='ab ;,"\n\r', max_size=6), min_size=3, max_size=3),
                min_size=1, max_size=5))
def test_csv_round_trip(rows):
    import csv
    import io
    from anonymizer.formats.dataset import CsvEditor, parse_csv
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows([["h1", "h2", "h3"]] + rows)
    text = buf.getvalue()
    parsed = parse_csv(text, ";")
    assert [[f.value for f in r] for r in parsed] == [["h1", "h2", "h3"]] + rows
    ed = CsvEditor(text, ";")
    for r in parsed:
        for f in r:
            ed.replace_spans(f, [(0, len(f.value), f.value + "x")])
    out = list(csv.reader(io.StringIO(ed.render(), newline=""), delimiter=";"))
    assert out == [[c + "x" for c in r] for r in [["h1", "h2", "h3"]] + rows]


# ---------------------------------------------------------------------------- samples
SAMPLE_NAMES = {
    "telegram_result.json": ["Camille", "Roussel", "Bastien", "Lemaire", "bastien.lemaire"],
    "discord.json": ["Marion", "Leclerc", "Hugo", "Perrin"],
    "messenger_message_1.json": ["Élodie", "Garnier", "Théo", "Marchand", "theomarchand"],
    "messenger_e2ee.json": ["Élodie", "Garnier", "Théo", "Marchand"],
    "signal_chat.md": ["Yasmine", "Benali", "Lucas", "Girard", "lucas.girard@gmail.com"],
    "imessage_chat.txt": ["Sarah", "Connelly", "202-555-0143"],
    "dataset.csv": ["Kevin", "Moreau", "Julie Petit", "06 21 43 65 87"],
    "dataset.jsonl": ["Kevin", "Moreau"],
}


def _visible(text: str, fmt: str) -> str:
    """What a reader sees: JSON string values decoded (mojibake repaired)."""
    if fmt in ("signal", "imessage", "csv", "jsonl"):
        return text
    out = json.dumps(json.loads(text), ensure_ascii=False)
    if fmt == "messenger":
        try:
            out = out.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return out


@pytest.mark.parametrize("name", sorted(SAMPLE_NAMES))
def test_sample_anonymised_in_its_own_format(name):
    text = _read(SAMPLES / name)
    fmt = SAMPLE_FORMATS[name]
    new, res = anonymize_document(eng(), text, None, name)
    assert new != text
    seen = _visible(new, fmt)
    for real in SAMPLE_NAMES[name]:
        assert real not in seen, real
    if fmt not in ("signal", "imessage", "csv", "jsonl"):
        before, after = json.loads(text), json.loads(new)
        assert list(before) == list(after)                   # key order
        assert new.count("\n") == text.count("\n")            # layout
        # same indentation of every line
        assert [len(l) - len(l.lstrip()) for l in new.split("\n")] == \
               [len(l) - len(l.lstrip()) for l in text.split("\n")]


def test_escaping_conventions_kept():
    dc = _read(SAMPLES / "discord.json")
    new, _ = anonymize_document(eng(), dc, "discord", "d")
    assert "\\uD83D\\uDE09" in new and not any(ord(c) > 127 for c in new)
    ms = _read(SAMPLES / "messenger_message_1.json")
    new, _ = anonymize_document(eng(), ms, None, "m")
    assert new.isascii()
    # mojibake written back the same way: latin-1 view of UTF-8 bytes
    d = json.loads(new)
    assert d["messages"][0]["content"].encode("latin-1").decode("utf-8").endswith("C’est chez moi")
    tg = _read(SAMPLES / "telegram_result.json")
    new, _ = anonymize_document(eng(), tg, None, "t")
    assert "🙂" in new and "Écris-moi" in new          # raw UTF-8 kept


# ---------------------------------------------------------------------------- identifiers
def test_telegram_identifiers_change_consistently():
    text = _read(SAMPLES / "telegram_result.json")
    new, _ = anonymize_document(eng(), text, None, "t")
    a, b = json.loads(text), json.loads(new)
    msgs_a, msgs_b = a["chats"]["list"][0]["messages"], b["chats"]["list"][0]["messages"]
    assert msgs_b[1]["from_id"] != msgs_a[1]["from_id"]
    assert msgs_b[1]["from_id"].startswith("user") and len(msgs_b[1]["from_id"]) == len(msgs_a[1]["from_id"])
    assert msgs_b[0]["actor_id"] != msgs_a[0]["actor_id"]
    # the same person: actor_id of Camille == from_id of Camille == user_id in mention/personal info
    assert msgs_b[0]["actor_id"] == msgs_b[2]["from_id"]
    uid = b["personal_information"]["user_id"]
    assert uid != a["personal_information"]["user_id"] and msgs_b[0]["actor_id"] == f"user{uid}"
    assert msgs_b[1]["text"][1]["user_id"] == uid == msgs_b[1]["text_entities"][1]["user_id"]
    assert b["contacts"]["list"][0]["user_id"] == b["frequent_contacts"]["list"][0]["id"] != \
        a["contacts"]["list"][0]["user_id"]
    assert b["sessions"]["list"][0]["ip"] != a["sessions"]["list"][0]["ip"]
    assert b["sessions"]["list"][0]["ip"].startswith(("192.0.2.", "198.51.100.", "203.0.113."))
    ci_a, ci_b = msgs_a[3]["contact_information"], msgs_b[3]["contact_information"]
    assert ci_b["phone_number"] != ci_a["phone_number"]
    assert b["personal_information"]["phone_number"] != a["personal_information"]["phone_number"]
    # text and text_entities rewritten in step
    for m in msgs_b:
        if isinstance(m["text"], list):
            joined = "".join(x if isinstance(x, str) else x["text"] for x in m["text"])
            assert joined == "".join(e["text"] for e in m["text_entities"])
            assert m["text"][5]["href"] != msgs_a[1]["text"][5]["href"]


def test_discord_ids_and_mentions():
    text = _read(SAMPLES / "discord.json")
    new, _ = anonymize_document(eng(), text, None, "d")
    a, b = json.loads(text), json.loads(new)
    ida, idb = a["messages"][0]["author"]["id"], b["messages"][0]["author"]["id"]
    assert idb != ida and len(idb) == len(ida) and idb.isdigit()
    assert b["messages"][1]["content"] == f"Oui <@{idb}>, 21h"
    assert b["messages"][0]["mentions"][0]["id"] == b["messages"][1]["author"]["id"] == \
        b["messages"][0]["reactions"][0]["users"][0]["id"]
    assert ida not in new


def test_slack_folder_cli(tmp_path):
    src = tmp_path / "export"
    shutil.copytree(SAMPLES / "slack_export", src)
    dst = tmp_path / "out"
    r = CliRunner().invoke(main, [str(src), str(dst), "--no-ner", "--lang", "fr", "-q"],
                           env={"ANONYMIZER_KEY": KEY.decode()})
    assert r.exit_code == 0, r.output
    users = json.loads((dst / "users.json").read_text())
    day = json.loads((dst / "general" / "2020-09-13.json").read_text())
    chans = json.loads((dst / "channels.json").read_text())
    orig_ids = {"U01AB2CD3EF", "U02GH4IJ5KL"}
    new_ids = {u["id"] for u in users}
    assert not new_ids & orig_ids and all(i.startswith("U") and len(i) == 11 for i in new_ids)
    assert set(chans[0]["members"]) == new_ids and day[0]["user"] in new_ids
    nina = day[0]["user"]
    assert day[1]["parent_user_id"] == nina == chans[0]["creator"]
    assert day[0]["text"].startswith(f"<@{day[1]['user']}>")
    everything = "".join(p.read_text() for p in dst.rglob("*.json"))
    for real in ("Nina", "Faure", "Olivier", "Brun", "nina.faure@", *orig_ids):
        assert real not in json.dumps([users, day, chans], ensure_ascii=False), real
    assert "\\/" in (dst / "general" / "2020-09-13.json").read_text()   # escaping kept
    assert everything


# ---------------------------------------------------------------------------- chat-miner
def _chatminer(parser_cls, path):
    p = parser_cls(str(path))
    p.parse_file()
    df = p.parsed_messages.get_df(as_pandas=True)
    return len(df), set(df["author"])


@pytest.mark.parametrize("parser,fixture", [
    ("TelegramJsonParser", "telegram/test_single_export.json"),
    ("TelegramJsonParser", "telegram/test_batch_export.json"),
    ("InstagramJsonParser", "instagram/test_export.json"),
    ("WhatsAppParser", "whatsapp/test_ddmmyy_24hrs.txt"),
    ("WhatsAppParser", "whatsapp/test_mmddyyyy_12hrs.txt"),
])
def test_chatminer_reads_anonymised_fixture(parser, fixture, tmp_path):
    cp = pytest.importorskip("chatminer.chatparsers")
    src = FIX / fixture
    if not src.exists():
        pytest.skip(f"fixture {src} absent")
    cls = getattr(cp, parser)
    if parser == "TelegramJsonParser" and "batch" in fixture:
        cls = lambda p: cp.TelegramJsonParser(p, chat_name="Chatname")  # noqa: E731
    n0, authors0 = _chatminer(cls, src)
    text = _read(src)
    new, _ = anonymize_document(eng(language="en"), text, None, fixture)
    out = tmp_path / Path(fixture).name
    out.write_text(new, encoding="utf-8", newline="")
    n1, authors1 = _chatminer(cls, out)
    assert n1 == n0 and len(authors1) == len(authors0)
    # every author with a name changed (an emoji-only sender like "🤓" names nobody)
    assert not {a for a in authors0 if any(c.isalpha() for c in a)} & authors1
    for a in authors0:
        for tok in a.split():
            if len(tok) >= 3 and tok.isalpha():
                assert tok not in new, tok


# ---------------------------------------------------------------------------- linking
def test_cross_format_linking_by_name_and_phone():
    wa = ("12/03/2023, 10:00 - Camille Roussel: Salut Bastien, mon numéro 06 21 43 65 01\n"
          "12/03/2023, 10:01 - +33 6 87 65 43 29: c'est Bastien, ok\n")
    tg = _read(SAMPLES / "telegram_result.json")
    e = eng()
    (wa_out, _), (tg_out, _) = anonymize_documents(e, [("wa.txt", wa, "whatsapp"),
                                                       ("t.json", tg, None)])
    d = json.loads(tg_out)
    fake_camille = d["chats"]["list"][0]["messages"][2]["from"]
    assert wa_out.startswith(f"12/03/2023, 10:00 - {fake_camille}: ")
    # Camille's number: the same fake in the WhatsApp body and the Telegram contact card
    fake_phone = d["chats"]["list"][0]["messages"][3]["contact_information"]["phone_number"]
    digits = "".join(c for c in fake_phone if c.isdigit())[-9:]
    assert digits in "".join(c for c in wa_out.splitlines()[0] if c.isdigit())
    # Bastien's phone as a WhatsApp sender and in his Telegram contact card
    fake_b = d["contacts"]["list"][0]["phone_number"]
    assert "".join(c for c in fake_b if c.isdigit())[-9:] in \
        "".join(c for c in wa_out.splitlines()[1].split(":")[1] + wa_out.splitlines()[1].split(":")[2][:0] if c.isdigit()) \
        or "".join(c for c in fake_b if c.isdigit())[-9:] in "".join(c for c in wa_out.splitlines()[1] if c.isdigit())
    assert "Bastien" not in wa_out and "Roussel" not in wa_out


def test_bad_json_is_one_line_error(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text('{"messages": [{"type": "message", "from": "A"')
    r = CliRunner().invoke(main, [str(p), str(tmp_path / "o.json"), "--format", "telegram", "-q"])
    assert r.exit_code == 2 and "Traceback" not in r.output


# ---------------------------------------------------------------------------- signal data.json
SIGNAL = SAMPLES / "signal"
SIGNAL_REAL = ["Inès", "Carpentier", "Mathis", "Delorme", "mathis.delorme@orange.fr",
               "06 12 34 56 78"]


def test_signal_data_json_detected_and_round_trips():
    text = _read(SIGNAL / "data.json")
    assert detect_format(text) == "signal-json"
    assert detect_format(text.splitlines(keepends=True)[0]) == "signal-json"   # one message
    assert detect_format(_read(SAMPLES / "dataset.jsonl")) == "jsonl"          # not every JSONL
    # a run that finds nothing to replace (no participant, no PII) changes no byte
    bland = '{"date": "2024-03-02T09:14:05", "sender": "", "body": "ok à demain 🙂  ", ' \
            '"quote": "", "sticker": "", "reactions": [], "attachments": [], "deleted": false, ' \
            '"call": false, "missed": false}\n'
    new, _ = anonymize_document(eng(), bland, None, "data.json")
    assert new == bland


def test_signal_data_json_values_replaced():
    text = _read(SIGNAL / "data.json")
    new, _ = anonymize_document(eng(), text, None, "data.json")
    rows_a = [json.loads(l) for l in text.splitlines()]
    rows_b = [json.loads(l) for l in new.splitlines()]
    assert len(rows_a) == len(rows_b) and new.count("\n") == text.count("\n")
    for a, b in zip(rows_a, rows_b):
        assert list(a) == list(b)                                   # key order
        assert a["date"] == b["date"] and a["deleted"] == b["deleted"]
        assert b["sender"] != a["sender"]
        assert [r[1] for r in a["reactions"]] == [r[1] for r in b["reactions"]]
    # the reaction author is the same fake as that person's sender field
    assert rows_b[0]["reactions"][0][0] == rows_b[1]["sender"]
    assert rows_b[2]["reactions"][1][0] == rows_b[0]["sender"]
    assert rows_b[1]["quote"] == f"\n\n> {rows_b[0]['body'].rstrip()}\n\n"
    assert "🙂" not in new and "😂" in new and "\\u" not in new    # ensure_ascii=False kept
    for real in SIGNAL_REAL:
        assert real not in new, real


def test_signal_chat_folder_one_map(tmp_path):
    """chat.md and data.json of one chat folder: one run, one pseudonym per person."""
    src = tmp_path / "Inès Carpentier"
    shutil.copytree(SIGNAL, src)
    (src / "media").mkdir()
    (src / "media" / "IMG_2041.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\xff")
    dst = tmp_path / "out"
    r = CliRunner().invoke(main, [str(src), str(dst), "--no-ner", "--lang", "fr", "-q"],
                           env={"ANONYMIZER_KEY": KEY.decode()})
    assert r.exit_code == 0, r.output
    md = (dst / "chat.md").read_text(encoding="utf-8")
    rows = [json.loads(l) for l in (dst / "data.json").read_text(encoding="utf-8").splitlines()]
    senders_md = [l.split("] ", 1)[1].split(": ", 1)[0] for l in md.splitlines()
                  if l.startswith("[2024-")]
    assert senders_md == [m["sender"] for m in rows]
    fake_ines, fake_mathis = rows[0]["sender"], rows[1]["sender"]
    assert fake_ines != fake_mathis
    assert f"(- {fake_mathis}: ❤️, {fake_ines}: 😂 -)" in md
    assert [fake_mathis, fake_ines] == [r[0] for r in rows[2]["reactions"]]
    # the same fake phone and e-mail in both files
    for m in rows[:2]:
        assert m["body"].rstrip() in md
    for real in SIGNAL_REAL:
        assert real not in md and real not in json.dumps(rows, ensure_ascii=False), real


# ---------------------------------------------------------------------------- slack zip
def test_slack_zip_cli_matches_folder_run(tmp_path):
    import zipfile
    src = SAMPLES / "slack_export"
    order = ["users.json", "channels.json", "general/", "general/2020-09-13.json"]
    zin = tmp_path / "export.zip"
    with zipfile.ZipFile(zin, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order:
            if name.endswith("/"):
                z.writestr(name, b"")
            else:
                z.write(src / name, name)
    env = {"ANONYMIZER_KEY": KEY.decode()}
    zout, dout = tmp_path / "out.zip", tmp_path / "out"
    r = CliRunner().invoke(main, [str(zin), str(zout), "--no-ner", "--lang", "fr", "-q"], env=env)
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, [str(src), str(dout), "--no-ner", "--lang", "fr", "-q"], env=env)
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(zout) as z:
        assert z.namelist() == order
        members = {n: z.read(n) for n in order if not n.endswith("/")}
    for name, data in members.items():
        json.loads(data)                                        # valid JSON
        assert data == (dout / name).read_bytes(), name         # same key => same bytes
        assert data != (src / name).read_bytes(), name
    users = json.loads(members["users.json"])
    day = json.loads(members["general/2020-09-13.json"])
    ids = {u["id"] for u in users}
    assert {"U01AB2CD3EF", "U02GH4IJ5KL"}.isdisjoint(ids) and day[0]["user"] in ids
    blob = b"".join(members.values()).decode("utf-8")
    for real in ("Nina", "Faure", "Olivier", "Brun", "U01AB2CD3EF", "U02GH4IJ5KL"):
        assert real not in blob, real
