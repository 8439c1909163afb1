"""Long fuzzing runs (outside CI).

``python benchmarks/fuzz.py --n 10000 [--seed S] [--jobs 2] [--no-ner] [--subprocess]``
  Random short chats through the real CLI, each with a fresh random key: see ``CHATS_DOC``
  below (and ``--case I`` to replay one chat and print its input and output).

``python benchmarks/fuzz.py --cases 100000``
  Three targets, driven by hypothesis (the strategies of tests/test_properties.py):

* ``chat``: random WhatsApp (Android, iOS), dataset-chunk and plain-text chats with planted
  identities -> same records, kinds, timestamps and lines; no planted identity survives.
* ``cli``: random bytes, random text, and the samples of every format with random byte
  edits, through the real CLI in-process -> exit 0/2/3, one stderr line on error, no
  traceback, no "internal error", no output file on error, no temp file ever.
* ``decode``: random bytes -> decode_bytes() accepts (and then re-encodes byte for byte)
  or refuses with a one-line InputError.

Every failure is counted (the run does not stop at the first); the first few are printed
with their input.  Exit status 0 only with zero failures.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import unicodedata  # noqa: E402


class Tally:
    def __init__(self, name: str, total: int, every: int):
        self.name, self.total, self.every = name, total, every
        self.cases = 0
        self.failures: list[tuple[str, str]] = []
        self.t0 = time.perf_counter()
        self.t1 = None

    def done(self):
        self.t1 = time.perf_counter()

    def run(self, fn, *args):
        self.cases += 1
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - count and go on
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.failures.append((detail[:800], repr(args)[:1500]))
            if len(self.failures) <= 5:
                print(f"  FAIL [{self.name} #{self.cases}] {detail[:300]}\n    input: "
                      f"{repr(args)[:400]}", flush=True)
        if self.every and self.cases % self.every == 0:
            el = time.perf_counter() - self.t0
            print(f"  {self.name}: {self.cases}/{self.total} cases, {len(self.failures)} failures, "
                  f"{self.cases / el:.0f} cases/s", flush=True)

    def line(self) -> str:
        el = (self.t1 or time.perf_counter()) - self.t0
        return (f"{self.name:7s} {self.cases:7d} cases  {len(self.failures):3d} failures  "
                f"{el:8.1f} s  {self.cases / max(el, 1e-9):7.0f} cases/s")


def _settings(n: int, seed: int):
    from hypothesis import HealthCheck, Phase, settings
    return settings(max_examples=n, deadline=None, database=None, derandomize=False,
                    phases=[Phase.generate], suppress_health_check=list(HealthCheck))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if any(a == "--keys" or a.startswith("--keys=") for a in argv):
        return main_keys(argv)
    if any(a == "--n" or a.startswith("--n=") or a == "--case" or a.startswith("--case=") for a in argv):
        return main_chats(argv)
    return main_hypothesis(argv)


def main_keys(argv) -> int:
    """``--keys N``: every sample of samples/ (a folder export as one run, as the CLI does)
    and every real export of tests/fixtures/real/ under N random keys, through the library
    (name NER off: the key changes the fakes, not what is detected).  Counts crashes and
    refusals (exit 3): both are failures."""
    import secrets
    from collections import Counter
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1000)
    ap.add_argument("--examples", type=int, default=3)
    a = ap.parse_args(argv)
    from anonymizer import Anonymizer
    from anonymizer.errors import VerificationError
    root = ROOT
    groups = []
    for base in (root / "samples", root / "tests" / "fixtures" / "real"):
        for p in sorted(base.rglob("*")):
            if p.is_file() and p.suffix in (".txt", ".json", ".jsonl", ".csv", ".md") \
                    and p.name != "manifest.json" and p.parent.name not in ("slack_export", "signal") \
                    and "slack-archive" not in str(p) and "general" not in p.parts and p.name != "SOURCES.md":
                groups.append([p])
        for d in sorted(base.rglob("*")):
            if d.is_dir() and (d.name in ("slack_export", "signal") or d.name.endswith("export-archive")):
                groups.append([f for f in sorted(d.rglob("*")) if f.is_file()])
    items = [[(str(f), f.read_bytes().decode("utf-8-sig"), None) for f in g] for g in groups]
    failures, runs, t0 = Counter(), 0, time.perf_counter()
    examples = []
    for i in range(a.keys):
        key = secrets.token_bytes(32)
        anon = Anonymizer(key=key, ner=False)
        for group, docs in zip(groups, items):
            runs += 1
            try:
                anon.anonymize_documents(docs)
            except VerificationError as exc:
                failures["refusal"] += 1
                examples.append(("refusal", key.hex(), str(group[0]), str(exc)[:200]))
            except Exception as exc:  # noqa: BLE001 - a crash is what we count
                failures["crash"] += 1
                examples.append(("crash", key.hex(), str(group[0]), f"{type(exc).__name__}: {exc}"[:200]))
        if (i + 1) % 50 == 0:
            print(f"  {i + 1} keys, {runs} runs, {sum(failures.values())} failures, "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)
    print(f"keys {a.keys} x {len(groups)} exports = {runs} runs: crashes {failures['crash']}, "
          f"refusals {failures['refusal']} in {time.perf_counter() - t0:.0f} s")
    for kind, key, path, what in examples[:a.examples]:
        print(f"  {kind}: {path} key={key}: {what}")
    return 1 if failures else 0


def main_hypothesis(argv=None) -> int:
    from hypothesis import given
    from hypothesis import strategies as st

    from tests.test_properties import any_bytes, chats, check_chat, cli_case
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100_000, help="total cases (all targets)")
    ap.add_argument("--share", default="25,50,25",
                    help="percent of cases for chat,cli,decode (default 25,50,25)")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    args = ap.parse_args(argv)
    shares = [int(x) for x in args.share.split(",")]
    counts = [args.cases * s // sum(shares) for s in shares]
    counts[0] += args.cases - sum(counts)
    every = max(1000, args.cases // 50)
    os.environ.pop("ANONYMIZER_DEBUG", None)
    print(f"fuzz: {args.cases} cases: chat {counts[0]}, cli {counts[1]}, decode {counts[2]}"
          + (f", seed {args.seed}" if args.seed is not None else ""), flush=True)

    tallies = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="anon-fuzz-") as tmp:
        work = Path(tmp)

        if counts[0]:
            chat = Tally("chat", counts[0], every)

            @_settings(counts[0], args.seed)
            @given(chats())
            def fuzz_chat(case):
                chat.run(check_chat, *case)
            chat.t0 = time.perf_counter()
            _seeded(fuzz_chat, args.seed)()
            chat.done()
            tallies.append(chat)

        if counts[1]:
            cli = Tally("cli", counts[1], every)

            @_settings(counts[1], args.seed)
            @given(any_bytes, st.sampled_from([".txt", ".json", ".jsonl", ".csv", ".md"]))
            def fuzz_cli(data, ext):
                cli.run(cli_case, data, work, ext)
            cli.t0 = time.perf_counter()
            _seeded(fuzz_cli, args.seed)()
            cli.done()
            tallies.append(cli)

        if counts[2]:
            dec = Tally("decode", counts[2], every)

            @_settings(counts[2], args.seed)
            @given(st.one_of(st.binary(max_size=4000), any_bytes))
            def fuzz_decode(data):
                dec.run(_decode_case, data)
            dec.t0 = time.perf_counter()
            _seeded(fuzz_decode, args.seed)()
            dec.done()
            tallies.append(dec)

    total = sum(t.cases for t in tallies)
    fails = sum(len(t.failures) for t in tallies)
    print()
    for t in tallies:
        print(t.line())
    print(f"fuzz: {total} cases in {time.perf_counter() - t0:.0f} s: {fails} failures")
    return 1 if fails else 0


def _seeded(fn, seed):
    if seed is None:
        return fn
    from hypothesis import seed as hseed
    return hseed(seed)(fn)


def _decode_case(data: bytes) -> None:
    from anonymizer.errors import InputError
    from anonymizer.io import decode_bytes, encode_text
    try:
        dec = decode_bytes(data, "x")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x: "), str(exc)
        return
    assert encode_text(dec.text, dec.encoding) == data, "not written back byte for byte"


# ============================================================================ random chats
CHATS_DOC = """Random chats through the real CLI, each with a fresh random key.

Each case i of a run with seed S is a short chat (random.Random(f"{S}-{i}")): WhatsApp
Android, WhatsApp iOS (CRLF) or a dataset chunk, in fr/en/de/es/it/pt, 3-30 messages, 2-5
participants named from ``benchmarks/fuzz_names.json`` (hand-written, not Faker's lists:
rare names, word-like names such as Rose or Will, surnames with particles; some participants
are only a phone number), bodies that mention participants and other people (any case,
@-mentions), phone numbers of FR/GB/US/DE/ES/IT in many shapes (spaces, dots, dashes, none,
+cc, 00cc, glued to a word, split by a newline inside the message), e-mails and URLs.  It is
written to a file and run through ``anonymize IN OUT --key-file K -q`` (in a pool of ``--jobs``
worker processes; in-process through click, models loaded once per worker, or with
``--subprocess`` the installed console script itself).

Counted per chat: crash (exit not 0/3, a traceback, an "internal error", or an output whose
lines differ in number from the input), refusal (exit 3: nothing written); and, in the
output of the others, planted values that survive: a planted name token of 3+ letters that
appears as a word of the output (and is not a word of the chat's own non-planted text), a
planted phone whose digits appear among the digits of its message's output lines (a sender
number: anywhere), an e-mail or URL found as written.
"""

FZ_LANGS = ("fr", "en", "de", "es", "it", "pt")
FZ_LAYOUTS = ("whatsapp-android", "whatsapp-ios", "chunk")
FZ_COUNTRIES = ("FR", "GB", "US", "DE", "ES", "IT")
FZ_CC = {"FR": "33", "GB": "44", "US": "1", "DE": "49", "ES": "34", "IT": "39"}
FZ_REGION = {"fr": "FR", "en": "GB", "de": "DE", "es": "ES", "it": "IT", "pt": "PT"}
FZ_PARTICLES = {"le", "la", "de", "du", "ben", "van", "von", "der", "zu", "del", "dos", "da",
                "y", "ap", "mac", "dell", "degli", "lo", "des", "ní"}
_NAMES = None


def fz_names() -> dict:
    global _NAMES
    if _NAMES is None:
        _NAMES = json.loads((ROOT / "benchmarks" / "fuzz_names.json").read_text(encoding="utf-8"))
    return _NAMES


def fz_fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).lower()


def fz_words(s: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", fz_fold(s)))


def fz_phone(rng: random.Random, country: str, shape: str | None = None) -> tuple[str, str]:
    """(written number, shape): fiction ranges where they exist (rules/phones.yaml), else the
    libphonenumber example number of the region with its last digits changed."""
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if country == "FR":
        groups = rng.choice([["06", "39", "98"], ["01", "99", "00"], ["04", "65", "71"]]) + [d(2), d(2)]
    elif country == "GB":
        groups = rng.choice([["07700", "900", d(3)], ["020", "7946", "0" + d(3)]])
    elif country == "US":
        groups = [rng.choice(["212", "415", "312", "202", "617"]), "555", "01" + d(2)]
    elif country == "DE":
        groups = rng.choice([["030", "23125", d(3)], ["0171", "39200", d(2)]])
    elif country == "ES":
        groups = ["612", "34", "5" + d(1), d(2)]
    else:  # IT
        groups = ["312", "345", "6" + d(3)]
    shape = shape or rng.choice(["spaces", "dots", "dashes", "none", "plus", "plus_compact", "00",
                                 "glued", "split"] + (["us_paren"] if country == "US" else []))
    trunk = groups[0].startswith("0") and country not in ("IT",)
    intl = [groups[0][1:] if trunk else groups[0]] + groups[1:]
    cc = FZ_CC[country]
    if shape == "spaces":
        w = " ".join(groups)
    elif shape == "dots":
        w = ".".join(groups)
    elif shape == "dashes":
        w = "-".join(groups)
    elif shape in ("none", "glued"):
        w = "".join(groups)
    elif shape == "plus":
        w = f"+{cc} " + " ".join(intl)
    elif shape == "plus_compact":
        w = f"+{cc}" + "".join(intl)
    elif shape == "00":
        w = f"00{cc} " + " ".join(intl)
    elif shape == "us_paren":
        w = f"({groups[0]}) {groups[1]}-{groups[2]}"
    else:  # split: a newline instead of one of the separators
        cut = rng.randrange(1, len(groups))
        w = " ".join(groups[:cut]) + "\n" + " ".join(groups[cut:])
    if country == "US" and shape in ("spaces", "dots", "dashes", "none", "glued", "split"):
        pass  # national US numbers carry no trunk prefix: written as they are
    return w, shape


TEMPLATES = {
    "fr": ["slt {m} tu viens ce soir ?", "{n} a dit qu'il passe vers 20h", "appelle {n} au {p} stp",
           "mon num c'est le {p}", "tu peux m'écrire sur {e}", "regarde ça {u}", "mdr {n} 😂",
           "ok merci bcp 👍", "rdv à 18h30 devant la gare", "jsuis chez {n} là", "tel:{g}",
           "appelle moi au{g}", "bisous {n} ❤️", "vu avec {n}, c'est bon pour samedi"],
    "en": ["hey {m} u coming tonight?", "{n} said she'll be there at 8", "call {n} on {p} pls",
           "my number is {p}", "email me at {e}", "check this {u}", "lol {n} 😂", "ok thanks 👍",
           "meet at the station at 6:30", "at {n}'s place rn", "tel:{g}", "ring me on{g}",
           "love you {n} ❤️", "sorted with {n} for saturday"],
    "de": ["hey {m} kommst du heute?", "{n} kommt um 8", "ruf {n} an unter {p}",
           "meine nummer ist {p}", "schreib mir an {e}", "schau mal {u}", "lol {n} 😂",
           "ok danke 👍", "treffen um 18:30 am bahnhof", "bin bei {n}", "tel:{g}",
           "ruf mich an unter{g}", "hdl {n} ❤️", "mit {n} abgesprochen für samstag"],
    "es": ["oye {m} vienes esta noche?", "{n} dice q llega a las 8", "llama a {n} al {p} porfa",
           "mi número es el {p}", "escríbeme a {e}", "mira esto {u}", "jaja {n} 😂",
           "vale gracias 👍", "quedamos a las 18:30 en la estación", "estoy en casa de {n}",
           "tel:{g}", "llámame al{g}", "besos {n} ❤️", "hablado con {n} para el sábado"],
    "it": ["ciao {m} vieni stasera?", "{n} arriva alle 8", "chiama {n} al {p} per favore",
           "il mio numero è {p}", "scrivimi a {e}", "guarda qui {u}", "ahah {n} 😂",
           "ok grazie 👍", "ci vediamo alle 18:30 in stazione", "sono da {n}", "tel:{g}",
           "chiamami al{g}", "baci {n} ❤️", "d'accordo con {n} per sabato"],
    "pt": ["olá {m} vens hoje?", "{n} chega às 8", "liga ao {n} para o {p} por favor",
           "o meu número é {p}", "escreve-me para {e}", "vê isto {u}", "ahah {n} 😂",
           "ok obrigado 👍", "encontramo-nos às 18:30 na estação", "estou em casa do {n}",
           "tel:{g}", "liga-me para o{g}", "beijinhos {n} ❤️", "combinado com {n} para sábado"],
}
DOMAINS = ["gmail.com", "orange.fr", "web.de", "libero.it", "sapo.pt", "hotmail.es", "outlook.com",
           "proton.me", "yahoo.co.uk"]
SITES = ["https://www.leboncoin.fr/ad/{n}", "https://maps.app.goo.gl/{s}", "https://youtu.be/{s}",
         "www.airbnb.com/rooms/{n}", "https://drive.google.com/file/d/{s}/view",
         "https://www.instagram.com/{h}/", "https://linktr.ee/{h}"]


def fz_person(rng: random.Random, lang: str) -> str:
    nm = fz_names()
    pool_lang = lang if rng.random() < 0.8 else rng.choice(FZ_LANGS)
    first = rng.choice(nm["word_first"][pool_lang] if rng.random() < 0.2 else nm["first"][pool_lang])
    r = rng.random()
    if r < 0.35:
        return first
    last = rng.choice(nm["particle_last"][pool_lang] if r < 0.5 else nm["last"][pool_lang])
    return f"{first} {last}"


def fz_tokens(name: str) -> list[str]:
    return [t for t in re.findall(r"[^\W\d_]+", fz_fold(name)) if len(t) >= 3 and t not in FZ_PARTICLES]


def make_chat(seed, i: int) -> dict:
    """One random chat: its text, format, language, key and what was planted where."""
    rng = random.Random(f"{seed}-{i}")
    lang = rng.choice(FZ_LANGS)
    layout = rng.choice(FZ_LAYOUTS)
    nl = "\r\n" if layout == "whatsapp-ios" else "\n"
    people = []
    while len(people) < rng.randint(2, 5):
        p = fz_person(rng, lang)
        if p not in people and not any(set(fz_tokens(p)) & set(fz_tokens(q)) for q in people):
            people.append(p)
    senders = list(people)
    phones_planted = []  # (written, line index or None for a sender, shape, country)
    if layout != "chunk" and rng.random() < 0.3:  # a participant known only by number
        country = rng.choice(FZ_COUNTRIES)
        num, _ = fz_phone(rng, country, "plus")
        senders.append(num)
        phones_planted.append((num, None, "sender", country))
    names_planted = set(t for p in people for t in fz_tokens(p))
    emails, urls = [], []
    lines: list[str] = []
    planted_text = []  # spans of the text that are planted values (to compute the background)
    n_msgs = rng.randint(3, 30)
    start = rng.randrange(0, 365 * 3)
    if layout == "chunk":
        lines.append("=== MÉTADONNÉES CHUNK ===")
        lines.append("Période: 2025-01-22 → 2025-01-23")
        lines.append("Participants: " + ", ".join(people))
        lines += ["Topics: chat", "Tokens: 999", f"Messages: {n_msgs}", "", "=== CONTENU ==="]
    for k in range(n_msgs):
        sender = rng.choice(senders)
        day = start + k // 40
        dd, mm, yy = 1 + day % 28, 1 + (day // 28) % 12, 2022 + day // 336
        hh, mi, ss = 8 + (k // 60) % 14, k % 60, rng.randrange(60)
        if layout == "whatsapp-ios":
            head = f"[{dd:02d}/{mm:02d}/{yy % 100:02d}, {hh:02d}:{mi:02d}:{ss:02d}] "
        else:
            head = f"{dd:02d}/{mm:02d}/{yy}, {hh:02d}:{mi:02d} - "
        tpl = rng.choice(TEMPLATES[lang])
        fills = {}
        if "{m}" in tpl or "{n}" in tpl:
            if rng.random() < 0.6:
                who = rng.choice(people)
            else:
                who = fz_person(rng, lang)
                if any(set(fz_tokens(who)) & set(fz_tokens(q)) for q in people):
                    who = rng.choice(people)
            names_planted.update(fz_tokens(who))
            form = rng.choice(["as", "first", "lower", "upper", "first_lower"])
            first = who.split()[0]
            val = {"as": who, "first": first, "lower": who.lower(), "upper": who.upper(),
                   "first_lower": first.lower()}[form]
            fills["{n}"] = val
            fills["{m}"] = "@" + val.split()[0] if rng.random() < 0.5 else val
        if "{p}" in tpl or "{g}" in tpl:
            country = rng.choice(FZ_COUNTRIES)
            num, shape = fz_phone(rng, country, "glued" if "{g}" in tpl else None)
            fills["{p}"] = fills["{g}"] = num
            phones_planted.append((num, k, shape, country))
        if "{e}" in tpl:
            who = fz_person(rng, lang)
            local = rng.choice([".", "_", ""]).join(fz_fold(w) for w in re.findall(r"[^\W\d_]+", who)[:2])
            val = f"{local}{rng.randrange(100) if rng.random() < 0.4 else ''}@{rng.choice(DOMAINS)}"
            fills["{e}"] = val
            emails.append(val)
        if "{u}" in tpl:
            who = fz_person(rng, lang)
            handle = ".".join(fz_fold(w) for w in re.findall(r"[^\W\d_]+", who)[:2])
            s = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
            val = rng.choice(SITES).format(n=rng.randrange(10**6, 10**9), s=s, h=handle)
            fills["{u}"] = val
            urls.append(val)
        body = tpl
        for key, val in fills.items():
            if key in body:
                planted_text.append(val)
                body = body.replace(key, val)
        msg_lines = body.split("\n")
        phones_planted[:] = [(w, (len(lines), len(lines) + len(msg_lines)) if li == k else li, sh, c)
                             if isinstance(li, int) else (w, li, sh, c) for w, li, sh, c in phones_planted]
        lines.append(head + sender + ": " + msg_lines[0])
        lines += msg_lines[1:]
    text = nl.join(lines) + nl
    background = text
    for v in sorted(planted_text + people + [s for s in senders if s not in people], key=len, reverse=True):
        background = background.replace(v, " ")
    return {"seed": seed, "i": i, "lang": lang, "layout": layout, "text": text,
            "fmt": "chunk" if layout == "chunk" else "whatsapp",
            "key": rng.getrandbits(256).to_bytes(32, "big").hex().encode(),
            "names": sorted(names_planted - fz_words(background)),
            "phones": [(w, li, sh, c) for w, li, sh, c in phones_planted],
            "emails": emails, "urls": urls}


def check_output(case: dict, out: str) -> list[tuple[str, str]]:
    """Planted values that survive in ``out``: [(kind, value, "domestic"/"foreign" for a phone)]."""
    surv = []
    words = fz_words(out)
    for t in case["names"]:
        if t in words:
            surv.append(("name", t, ""))
    out_lines = out.splitlines()
    all_digits = re.sub(r"\D", "", out)
    for w, where, shape, country in case["phones"]:
        digits = re.sub(r"\D", "", w)
        if where is None:
            hay = all_digits
        else:
            a, b = where
            hay = re.sub(r"\D", "", "\n".join(out_lines[a:b]))
        if digits and digits in hay:
            surv.append((f"phone_{shape}", w, "domestic" if FZ_REGION[case["lang"]] == country else "foreign"))
    low = out.lower()
    surv += [("email", e, "") for e in case["emails"] if e.lower() in low]
    surv += [("url", u, "") for u in case["urls"] if u.lower() in low]
    return surv


_WORKER = {}


def _run_case(job) -> dict:
    """Worker: make chat i, run the CLI on it, classify the outcome."""
    seed, i, no_ner, subprocess_mode, keep = job
    case = make_chat(seed, i)
    tmp = Path(tempfile.mkdtemp(prefix="anon-fuzzchat-"))
    try:
        src, dst, key = tmp / "chat.txt", tmp / "chat.anon.txt", tmp / "key"
        src.write_bytes(case["text"].encode("utf-8"))
        key.write_bytes(case["key"])
        args = [str(src), str(dst), "--key-file", str(key), "-q"] + (["--no-ner"] if no_ner else [])
        t0 = time.perf_counter()
        if subprocess_mode:
            import subprocess
            exe = Path(sys.executable).with_name("anonymize")
            env = {k: v for k, v in os.environ.items() if k not in ("ANONYMIZER_KEY", "ANONYMIZER_DEBUG")}
            try:
                p = subprocess.run([str(exe)] + args, capture_output=True, text=True, timeout=600, env=env)
                rc, err = p.returncode, p.stderr
            except subprocess.TimeoutExpired:
                rc, err = -9, "timeout"
        else:
            from click.testing import CliRunner

            from anonymizer.ui.cli import main as cli_main
            runner = _WORKER.setdefault("runner", CliRunner())
            res = runner.invoke(cli_main, args, catch_exceptions=True,
                                env={"ANONYMIZER_KEY": None, "ANONYMIZER_DEBUG": None})
            err = res.stderr if hasattr(res, "stderr") else res.output
            rc = res.exit_code
            if res.exception is not None and not isinstance(res.exception, SystemExit):
                err += "Traceback (in-process):\n" + "".join(traceback.format_exception(*res.exc_info))
                rc = -1
        secs = time.perf_counter() - t0
        out = dst.read_text(encoding="utf-8") if dst.exists() else None
        r = {"i": i, "lang": case["lang"], "layout": case["layout"], "rc": rc, "secs": secs,
             "err": err.strip()[-600:], "survivors": [],
             "planted": {"name": len(case["names"]), "phone": len(case["phones"]),
                         "email": len(case["emails"]), "url": len(case["urls"])},
             "phone_shapes": [(sh, "domestic" if FZ_REGION[case["lang"]] == c else "foreign")
                              for _, _, sh, c in case["phones"]]}
        if rc not in (0, 3) or "Traceback" in err or "internal error" in err:
            r["outcome"] = "crash"
        elif rc == 3:
            r["outcome"] = "refusal"
        elif out is None:
            r["outcome"] = "crash"
            r["err"] += " (exit 0 but no output)"
        elif len(out.splitlines()) != len(case["text"].splitlines()):
            r["outcome"] = "crash"
            r["err"] += f" (output has {len(out.splitlines())} lines, input {len(case['text'].splitlines())})"
        else:
            r["outcome"] = "ok"
            r["survivors"] = check_output(case, out)
        if keep:
            r["input"], r["output"] = case["text"], out
        return r
    finally:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)


def main_chats(argv) -> int:
    ap = argparse.ArgumentParser(description="random chats through the real CLI (see CHATS_DOC in this file)")
    ap.add_argument("--n", type=int, default=100, help="number of random chats")
    ap.add_argument("--seed", default=None, help="run seed (default: random); chat i uses f'{seed}-{i}'")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--no-ner", action="store_true", help="pass --no-ner to the CLI")
    ap.add_argument("--subprocess", action="store_true",
                    help="run the installed 'anonymize' script per chat (slower: loads the models each time)")
    ap.add_argument("--case", type=int, default=None, help="replay chat I of --seed only; print input and output")
    ap.add_argument("--examples", type=int, default=3, help="examples printed per failure kind")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else str(random.SystemRandom().randrange(10**9))
    os.environ.pop("ANONYMIZER_DEBUG", None)
    if args.case is not None:
        r = _run_case((seed, args.case, args.no_ner, args.subprocess, True))
        print(f"seed {seed} case {args.case}: {r['lang']} {r['layout']} exit {r['rc']} -> {r['outcome']}")
        print("---- input\n" + r["input"] + "---- output\n" + (r["output"] or "(none)") + "----")
        print("stderr:", r["err"] or "-")
        print("survivors:", r["survivors"] or "none")
        return 0 if r["outcome"] == "ok" and not r["survivors"] else 1
    jobs = [(seed, i, args.no_ner, args.subprocess, False) for i in range(args.n)]
    print(f"fuzz chats: {args.n} random chats, seed {seed}, {args.jobs} job(s)"
          + (", --no-ner" if args.no_ner else "") + (", subprocess CLI" if args.subprocess else ", in-process CLI"),
          flush=True)
    t0 = time.perf_counter()
    results = []
    every = max(10, args.n // 20)
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for r in pool.map(_run_case, jobs, chunksize=max(1, min(20, args.n // (args.jobs * 8) or 1))):
                results.append(r)
                if len(results) % every == 0:
                    _progress(results, t0, args.n)
    else:
        for j in jobs:
            results.append(_run_case(j))
            if len(results) % every == 0:
                _progress(results, t0, args.n)
    return _summary(results, seed, time.perf_counter() - t0, args.examples)


def _progress(results, t0, n):
    el = time.perf_counter() - t0
    bad = sum(r["outcome"] != "ok" or bool(r["survivors"]) for r in results)
    print(f"  {len(results)}/{n} chats, {bad} with a failure, {len(results) / el:.1f} chats/s", flush=True)


def _summary(results, seed, secs, n_examples) -> int:
    n = len(results)
    crashes = [r for r in results if r["outcome"] == "crash"]
    refusals = [r for r in results if r["outcome"] == "refusal"]
    ok = [r for r in results if r["outcome"] == "ok"]
    planted, survived, chats_with = {}, {}, {}
    for r in ok:
        for k, v in r["planted"].items():
            planted[k] = planted.get(k, 0) + v
        kinds = set()
        for kind, _, _ in r["survivors"]:
            key = "phone" if kind.startswith("phone") else kind
            survived[key] = survived.get(key, 0) + 1
            kinds.add(key)
        for key in kinds:
            chats_with[key] = chats_with.get(key, 0) + 1
    print(f"\nfuzz chats: {n} chats in {secs:.0f} s (seed {seed})\n")
    print(f"{'outcome':<34}{'chats':>7}{'share':>9}")
    for label, rs in (("ok (exit 0)", ok), ("refusal (exit 3)", refusals), ("crash", crashes)):
        print(f"{label:<34}{len(rs):>7}{len(rs) / max(n, 1):>9.1%}")
    print(f"\n{'planted value (in exit-0 chats)':<34}{'planted':>8}{'survived':>9}{'chats':>7}")
    for k in ("name", "phone", "email", "url"):
        print(f"{k:<34}{planted.get(k, 0):>8}{survived.get(k, 0):>9}{chats_with.get(k, 0):>7}")
    shapes = {}  # (shape, domestic/foreign) -> [planted, survived]
    for r in ok:
        for sh in r["phone_shapes"]:
            shapes.setdefault(tuple(sh), [0, 0])[0] += 1
        for kind, _, where in r["survivors"]:
            if kind.startswith("phone_"):
                shapes.setdefault((kind[6:], where), [0, 0])[1] += 1
    if shapes:
        print("\nphones by shape (country of the chat's language = domestic; sender = a participant's number)")
        print(f"{'shape':<14}{'domestic survived/planted':>27}{'foreign survived/planted':>26}")
        for sh in sorted({k[0] for k in shapes}):
            cells = [shapes.get((sh, w), [0, 0]) for w in ("domestic", "foreign")]
            print(f"{sh:<14}" + "".join(f"{f'{b}/{a}':>26}" for a, b in cells))
    by_lang = {}
    for r in results:
        d = by_lang.setdefault(r["lang"], [0, 0, 0, 0])
        d[0] += 1
        d[1] += r["outcome"] == "crash"
        d[2] += r["outcome"] == "refusal"
        d[3] += bool(r["survivors"])
    print("\nper language (chats / crashes / refusals / chats with a survivor): "
          + "; ".join(f"{k} {v[0]}/{v[1]}/{v[2]}/{v[3]}" for k, v in sorted(by_lang.items())))
    rep = f"python benchmarks/fuzz.py --seed {seed} --case"
    groups = [("crash", crashes, lambda r: r["err"][-300:]), ("refusal", refusals, lambda r: r["err"][-300:])]
    for k in ("name", "phone", "email", "url"):
        rs = [r for r in ok if any((kind.startswith("phone") if k == "phone" else kind == k) for kind, _, _ in r["survivors"])]
        groups.append((f"{k} survivor", rs, lambda r, k=k: ", ".join(
            f"{kind}{'(' + w + ')' if w else ''}:{v!r}" for kind, v, w in r["survivors"]
            if (kind.startswith("phone") if k == "phone" else kind == k))[:300]))
    for label, rs, what in groups:
        if rs:
            print(f"\nexamples: {label} ({len(rs)} chats)")
            for r in rs[:n_examples]:
                print(f"  [{r['lang']} {r['layout']}] {what(r)}   reproduce: {rep} {r['i']}")
    fails = len(crashes) + len(refusals) + sum(bool(r["survivors"]) for r in ok)
    print(f"\nfuzz chats: {n} chats: {len(crashes)} crashes, {len(refusals)} refusals, "
          f"{sum(bool(r['survivors']) for r in ok)} chats with a surviving value")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
