"""Issue 15: exports as other parser projects publish them, through the real CLI.

Synthetic reproductions (tests/fixtures/exports/, built by make_exports.py) of what failed:
a Telegram group with plain numeric ``from_id`` (20 and 500 authors), a Slack workspace
with ``<tel:…|…>``/``<mailto:…|…>``/links/channel references, an Instagram group in
Facebook's mojibake with one-letter and emoji-only senders and an invite link, a
Messenger thread whose fakes may carry accents; then every sample of ``samples/formats``
under 200 random keys.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from anonymizer import Anonymizer
from anonymizer.formats import detect_format
from anonymizer.textutil import strip_accents
from anonymizer.ui.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "exports"
SAMPLES = ROOT / "samples" / "formats"
KEY = "real-exports-test-key-0123456789"


def run_cli(*args, key=KEY):
    return CliRunner().invoke(main, [*map(str, args), "--no-ner", "-q"], env={"ANONYMIZER_KEY": key})


def strings(node, key=None):
    """(key, value) of every string of a decoded JSON tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, key)
    elif isinstance(node, str):
        yield key, node


def repaired(node):
    """Facebook's mojibake repaired (latin-1 -> UTF-8), as Facebook-export tools do."""
    if isinstance(node, dict):
        return {k: repaired(v) for k, v in node.items()}
    if isinstance(node, list):
        return [repaired(v) for v in node]
    if isinstance(node, str):
        return node.encode("latin-1").decode("utf-8")
    return node


# ---------------------------------------------------------------------------- Telegram
@pytest.mark.parametrize("n", [20, 500])
def test_telegram_numeric_ids(tmp_path, n):
    src = FIX / f"telegram_{n}_numeric_ids.json"
    out = tmp_path / "out.json"
    t0 = time.perf_counter()
    r = run_cli(src, out)
    assert r.exit_code == 0, r.output
    a, b = json.loads(src.read_text()), json.loads(out.read_text())
    ids_in = [m.get("from_id") for m in a["messages"] if "from_id" in m]
    ids_out = [m.get("from_id") for m in b["messages"] if "from_id" in m]
    assert len(ids_in) == n and all(x != y for x, y in zip(ids_in, ids_out))   # every id changed
    assert len(set(ids_out)) == len(set(ids_in)) == n                           # distinct stay distinct
    assert not set(ids_out) & set(ids_in)                                      # no fake is a real id
    assert all(re.fullmatch(r"\d+", i) for i in ids_out)                      # still numbers
    for m in b["messages"]:  # the same id everywhere: reactions, service messages
        for rc in m.get("reactions", []):
            for rec in rc["recent"]:
                assert (rec["from_id"], rec["from"]) == (m["from_id"], m["from"])
    svc = b["messages"][-1]
    assert svc["actor_id"] == b["messages"][0]["from_id"] and svc["actor"] == b["messages"][0]["from"]
    firsts = {m["from"].split()[0] for m in a["messages"] if "from" in m}
    assert not firsts & {m["from"].split()[0] for m in b["messages"] if "from" in m}
    for k in ("date", "date_unixtime", "type", "id"):  # timestamps, enums, message ids kept
        assert [m[k] for m in a["messages"]] == [m[k] for m in b["messages"]]
    print(f"telegram {n} authors: {time.perf_counter() - t0:.1f}s")


# ---------------------------------------------------------------------------- Slack
SLACK_REAL = ["Gaspard", "Morvan", "Isaure", "Riou", "gaspard", "isaure", "atelier-kerbrat",
              "71 42 58 93", "33671425893", "298765432", "98 76 54 32", "28919.8689279",
              "U0A1B2C3D4E", "U0F5G6H7J8K"]


def test_slack_links_as_units(tmp_path):
    src = tmp_path / "export"
    shutil.copytree(FIX / "slack_export", src)
    dst = tmp_path / "out"
    r = run_cli(src, dst)
    assert r.exit_code == 0, r.output
    text = {p.relative_to(dst).as_posix(): p.read_text(encoding="utf-8") for p in dst.rglob("*.json")}
    everything = json.dumps([json.loads(t) for t in text.values()], ensure_ascii=False)
    for real in SLACK_REAL:
        assert real not in everything, real
    users = json.loads(text["users.json"])
    day = json.loads(text["atelier/2021-03-01.json"])
    before = json.loads((src / "atelier" / "2021-03-01.json").read_text())
    gaspard = users[0]["id"]
    t0, t1 = day[0]["text"], day[1]["text"]
    # <tel:X|Y>: one number, the same fake digits in both halves
    tel = re.findall(r"<tel:([^|>]+)\|([^>]+)>", t0)
    assert len(tel) == 2
    for target, label in tel:
        assert re.sub(r"\D", "", target).endswith(re.sub(r"\D", "", label).lstrip("0"))
    assert tel[1][0] == tel[1][1]  # a link whose label is its target stays so
    # <mailto:X|X> both halves the same fake; another label scanned as text
    mails = re.findall(r"<mailto:([^|>]+)\|([^>]+)>", t1)
    assert mails[0][0] == mails[0][1] and mails[0][0].endswith((".com", ".org", ".net"))
    assert mails[1][1] != "Isaure" and mails[1][1] == mails[1][1].capitalize()
    # the local part is the person's pseudonym: gaspard.morvan -> <first>.<last> of Gaspard's fake
    first, last = users[0]["real_name"].split()
    assert mails[0][0].split("@")[0] == strip_accents(f"{first}.{last}".lower())
    links = dict(re.findall(r"<(https?:[^|>]+)\|([^>]+)>", t1))
    plain = [u for u, lab in links.items() if lab.startswith("example.")]
    assert plain and all(u.split("//")[1] == links[u] for u in plain)   # <http://x|x>: same fake
    assert f"<@{gaspard}>" in t1 and "<#C0CHAN001|atelier>" in t1      # user id; channel id kept
    assert day[1]["blocks"][0]["elements"][0]["elements"][0]["text"] == mails[0][0]
    assert day[1]["blocks"][0]["elements"][0]["elements"][2]["user_id"] == gaspard
    # coordinates are GPS (moved), never phone numbers
    assert "31.7036111" not in day[2]["text"] and re.search(r"\d+\.\d{7}, \d+\.\d{7}", day[2]["text"])
    # every string read: the avatar URL; timestamps, enums, ids kept byte for byte
    assert "atelier-kerbrat" not in users[0]["profile"]["image_72"]
    for k in ("ts", "type", "client_msg_id", "team", "thread_ts"):
        assert [m.get(k) for m in day] == [m.get(k) for m in before]
    assert "\\/" in text["atelier/2021-03-01.json"]


def test_scan_does_not_call_coordinates_phones(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("Le chantier est à 31.7036111 au nord (mesure 28919.8689279).\n"
                 "Point GPS : 31.7036111, 35.2066667 ; appelle le 06 71 42 58 93 stp\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["scan", str(f), "--no-ner", "--json"], env={"ANONYMIZER_KEY": KEY})
    report = json.loads(r.stdout)
    assert not report["errors"], report
    kinds = [(h["line"], h["kind"], h["col"]) for h in report["findings"]]
    line2 = f.read_text(encoding="utf-8").splitlines()[1]
    col = lambda s: line2.index(s) + 1  # noqa: E731
    assert [k for k in kinds if k[1] == "PHONE_NUMBER"] == [(2, "PHONE_NUMBER", col("06 71"))], kinds
    assert (2, "GPS_COORDINATES", col("31.70")) in kinds, kinds


# ---------------------------------------------------------------------------- Instagram
def test_instagram_group_senders_link_and_mojibake(tmp_path):
    src = FIX / "instagram_group" / "message_1.json"
    out = tmp_path / "message_1.json"
    r = run_cli(src, out)
    assert r.exit_code == 0, r.output
    raw_in, raw_out = src.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    _assert_mojibake_form(raw_in, raw_out)
    a, b = repaired(json.loads(raw_in)), repaired(json.loads(raw_out))
    real = [p["name"] for p in a["participants"]]
    fake = [p["name"] for p in b["participants"]]
    mapping = dict(zip(real, fake))
    assert len(set(fake)) == len(real) and not set(fake) & set(real)   # every sender changed
    for ma, mb in zip(a["messages"], b["messages"]):
        assert mb["sender_name"] == mapping[ma["sender_name"]]
        for ra, rb in zip(ma.get("reactions", []), mb.get("reactions", [])):
            assert rb["actor"] == mapping[ra["actor"]] and rb["reaction"] == ra["reaction"]
        assert mb["timestamp_ms"] == ma["timestamp_ms"]
    assert re.fullmatch(r"[A-Z]", mapping["A"]) and re.fullmatch(r"[A-Z]", mapping["B"])
    for emoji in ("🤓", "❤️"):
        assert mapping[emoji] and not any(c.isalnum() for c in mapping[emoji])
    assert mapping["Maman"].isalpha() and mapping["Maman"] != "Maman"
    # the invite link (a field no format lists) and the shared link are replaced
    assert "AbQdEfGh12345" not in raw_out and "Cz0AbCdEfGh" not in raw_out
    assert b["joinable_mode"]["link"].startswith("https://") and b["joinable_mode"]["mode"] == 1
    # the fake is intact once repaired: the body names the sender's fake first name
    maelys = mapping["Maëlys Quéré"]
    assert b["messages"][4]["content"].startswith(maelys.split()[0] + " tu prends le gâteau")


def _assert_mojibake_form(raw_in: str, raw_out: str):
    """Every non-ASCII character is written as Facebook does: the file is ASCII, every
    ``\\u`` escape is a byte (``\\u00XX``), and each string repairs (latin-1 -> UTF-8)."""
    assert raw_in.isascii() and raw_out.isascii()
    esc_in = set(re.findall(r"\\u([0-9a-fA-F]{4})", raw_in))
    esc_out = set(re.findall(r"\\u([0-9a-fA-F]{4})", raw_out))
    assert all(e.startswith("00") for e in esc_in | esc_out), esc_out - esc_in
    assert all(e == e.lower() for e in esc_out)  # Facebook's lowercase hex
    for _, v in strings(json.loads(raw_out)):
        v.encode("latin-1").decode("utf-8")      # raises if a fake went in as real code points


# ---------------------------------------------------------------------------- Messenger
def test_messenger_fakes_written_as_mojibake_under_many_keys():
    src = FIX / "messenger_message_1.json"
    text = src.read_text(encoding="utf-8")
    accented = 0
    for i in range(40):
        anon = Anonymizer(key=f"messenger-key-{i:04d}-0123456789".encode(), language="fr", ner=False)
        new = anon.anonymize_documents([("m.json", text, None)])[0]
        _assert_mojibake_form(text, new)
        a, b = repaired(json.loads(text)), repaired(json.loads(new))
        fake = [p["name"] for p in b["participants"]]
        assert not set(fake) & {"Joachim Kerbrat", "Ursule Pennec"}
        joachim, ursule = fake
        assert b["messages"][0]["content"].startswith(joachim.split()[0] + ", tu as reçu la facture")
        assert b["messages"][1]["content"].startswith(f"Oui {ursule.split()[0]}, merci ! Écris à ")
        assert b["title"] == ursule
        accented += any(not c.isascii() for c in "".join(fake))
        assert b["messages"][1]["photos"][0]["creation_timestamp"] == a["messages"][1]["photos"][0]["creation_timestamp"]
    assert accented, "no key gave a fake with accents: the test proves nothing"


# ---------------------------------------------------------------------------- every sample, many keys
def _sample_groups():
    """Each sample of samples/formats as one run: a Slack or signal-export folder is one
    run of all its files (as the CLI does), any other file alone."""
    groups = []
    for p in sorted(SAMPLES.iterdir()):
        if p.is_dir():
            groups.append([f for f in sorted(p.rglob("*")) if f.is_file()])
        else:
            groups.append([p])
    return groups


def test_samples_under_200_keys():
    groups = [[(str(f), f.read_text(encoding="utf-8"), None) for f in g] for g in _sample_groups()]
    assert len(groups) >= 10
    t0 = time.perf_counter()
    for i in range(200):
        key = secrets.token_bytes(32)
        for docs in groups:
            outs = Anonymizer(key=key, ner=False).anonymize_documents(docs)  # verified: a refusal raises
            for (name, text, _), new in zip(docs, outs):
                assert detect_format(new) == detect_format(text) or "slack" in name, name
    elapsed = time.perf_counter() - t0
    print(f"200 keys x {len(groups)} samples: {elapsed:.0f}s")
    assert elapsed < 600


# ---------------------------------------------------------------------------- one rule for every string
PLANTED = "écris à camille.roux@perso-mail.fr ou https://camille-roux.fr/cv"
KEPT = {"date_unixtime": "0612345678", "timestamp": "2024-03-02T09:14:05", "type": "0612345678"}


def _plant(tree, planted=PLANTED):
    """An unknown field (nested) holding personal data, and kept fields that look like it."""
    extra = {"x_unknown": {"deep": [planted]}, **KEPT}
    if isinstance(tree, list):
        tree[0]["x_new_field"] = extra
    else:
        msgs = tree.get("messages") or tree.get("chats", {}).get("list", [{}])[0].get("messages")
        msgs[0]["x_new_field"] = extra
        tree["x_top"] = planted
    return tree


@pytest.mark.parametrize("name", ["telegram_result.json", "discord.json", "messenger_message_1.json",
                                  "messenger_e2ee.json", "slack_export/general/2020-09-13.json",
                                  "dataset.jsonl", "signal/data.json"])
def test_every_string_is_read(name, tmp_path):
    src = SAMPLES / name
    text = src.read_text(encoding="utf-8")
    if name.endswith((".jsonl", "data.json")):
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        rows[0]["x_new_field"] = {"x_unknown": {"deep": [PLANTED]}, **KEPT}
        planted = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    else:
        fb = name == "messenger_message_1.json"   # Facebook's mojibake: planted the same way
        tree = _plant(json.loads(text), PLANTED.encode("utf-8").decode("latin-1") if fb else PLANTED)
        planted = json.dumps(tree, ensure_ascii=name.startswith(("discord", "messenger_m")), indent=2)
    fmt = detect_format(text) if "slack" not in name else "slack"
    new = Anonymizer(key=KEY, language="fr", ner=False).anonymize_documents([(name, planted, fmt)])[0]
    decoded = json.loads(new) if not name.endswith((".jsonl", "data.json")) else \
        [json.loads(line) for line in new.splitlines() if line.strip()]
    out = json.dumps(repaired(decoded) if name == "messenger_message_1.json" else decoded,
                     ensure_ascii=False)
    assert "camille.roux@perso-mail.fr" not in out and "camille-roux.fr" not in out
    assert "écris à " in out
    for k, v in KEPT.items():  # timestamps and enums: byte for byte, even when they look like a phone
        assert f'"{k}": "{v}"' in new.replace('":"', '": "'), k


def test_label_only_senders_in_a_whatsapp_export(tmp_path):
    chat = ("03/02/2025, 18:30 - A: je passe chez maman ce soir\n"
            "03/02/2025, 18:31 - 🤓: moi aussi 🤓\n"
            "03/02/2025, 18:32 - Maman: Venez à 19h, Jean Dupont sera là\n"
            "03/02/2025, 18:33 - Jean Dupont: Bien reçu A\n"
            "03/02/2025, 18:34 - Papa ❤️: 👍\n")
    src, out = tmp_path / "chat.txt", tmp_path / "out.txt"
    src.write_text(chat, encoding="utf-8")
    r = run_cli(src, out)
    assert r.exit_code == 0, r.output
    lines = out.read_text(encoding="utf-8").splitlines()
    senders = [re.match(r"^[^-]+ - ([^:]+):", line).group(1) for line in lines]
    assert senders[0] != "A" and re.fullmatch(r"[A-Z]", senders[0])
    assert senders[1] != "🤓" and not any(c.isalnum() for c in senders[1])
    assert senders[2] != "Maman" and senders[2].isalpha()
    assert "Jean" not in senders[3] and senders[4] != "Papa ❤️" and len(set(senders)) == 5
    assert lines[0].endswith("je passe chez maman ce soir")   # the word in a body is a word
    assert lines[1].endswith("moi aussi 🤓") and "Jean Dupont" not in lines[2]
