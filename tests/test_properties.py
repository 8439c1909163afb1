"""Property-based tests (hypothesis), shared with ``benchmarks/fuzz.py``.

1. Random chats (WhatsApp Android/iOS, dataset chunk, plain text; LF or CRLF) with planted
   identities (participants by name and by phone, mentions in any case, phone numbers in
   several layouts, e-mails, URLs): the output parses to the same records, kinds,
   timestamps and lines, and no planted identity survives.
2. Random bytes, and samples of every format with random byte edits, through the real CLI
   (in-process): exit 0, 2 or 3 with one line on stderr; never a traceback, never an
   "internal error".
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
KEY = b"property-key-0123456789abcdef"

FIRST = ["Camille", "Hélène", "Thibault", "Mathilde", "Antoine", "Chloé", "Nicolas", "Élodie",
         "Julien", "Margaux", "Sébastien", "Quentin", "Benoît", "Aurélie", "Priscilla",
         "Thaddeus", "Marisol", "Tobias", "Keisha", "Gwendoline"]
LAST = ["Dupont", "Lefèvre", "Moreau", "Girard", "Fournier", "Rousseau", "Garnier",
        "Chevalier", "Blanchard", "Guérin", "Huang", "Ortega", "Abernathy", "Whitfield",
        "Pemberton", "Okafor"]
FILLER = ["salut", "on", "se", "voit", "demain", "à", "la", "gare", "ok", "merci", "👍", "🌸",
          "c'est", "parfait", "the", "meeting", "is", "at", "noon", "!", "?", "—", "«", "»",
          "rdv", "18h30", "lundi", "2025", "42", "(", ")", "…", "vraiment", "super"]


@st.composite
def phones(draw):
    """A valid French mobile number, in a layout people write."""
    lead = draw(st.sampled_from("67"))
    rest = draw(st.lists(st.integers(10, 99), min_size=4, max_size=4))
    nsn = lead + "".join(f"{d:02d}" for d in rest)
    import phonenumbers
    if not phonenumbers.is_valid_number(phonenumbers.parse("+33" + nsn)):
        nsn = "612" + nsn[3:]  # 06 12 xx xx xx: an assigned mobile range
        rest = [int(nsn[i:i + 2]) for i in (1, 3, 5, 7)]
        lead = "6"
    layout = draw(st.sampled_from(["spaced", "compact", "intl", "dots"]))
    pairs = [f"0{lead}"] + [f"{d:02d}" for d in rest]
    text = {"spaced": " ".join(pairs), "compact": "".join(pairs),
            "intl": f"+33 {lead} " + " ".join(pairs[1:]), "dots": ".".join(pairs)}[layout]
    return text, nsn


@st.composite
def chats(draw):
    """(text, format, planted) with planted = {"names": [...], "phones": [...], ...}."""
    n_people = draw(st.integers(2, 4))
    firsts = draw(st.lists(st.sampled_from(FIRST), min_size=n_people, max_size=n_people,
                           unique=True))
    lasts = draw(st.lists(st.sampled_from(LAST), min_size=n_people, max_size=n_people,
                          unique=True))
    people = []
    planted = {"names": set(), "phones": set(), "emails": set(), "urls": set()}
    for i, (f, l) in enumerate(zip(firsts, lasts)):
        kind = draw(st.sampled_from(["full", "first", "phone"])) if i else "full"
        if kind == "phone":
            text, nsn = draw(phones())
            people.append((f"+33 {nsn[0]} {nsn[1:3]} {nsn[3:5]} {nsn[5:7]} {nsn[7:]}", None))
            planted["phones"].add(nsn)
        else:
            label = f"{f} {l}" if kind == "full" else f
            people.append((label, f))
            planted["names"].add(f)
            if kind == "full":
                planted["names"].add(l)
    named = [p for p in people if p[1]]
    fmt = draw(st.sampled_from(["android", "ios", "chunk", "plain"]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    n_msgs = draw(st.integers(len(people), 25))
    lines = []
    if fmt == "chunk":
        lines += ["=== MÉTADONNÉES CHUNK ===", "Période: null → null",
                  "Participants: " + ", ".join(p[0] for p in named), "Topics:",
                  f"Messages: {n_msgs}", "", "=== CONTENU ==="]
    for i in range(n_msgs):
        # everyone speaks first (a name nobody uses is not a participant; NER is off)
        sender = people[i] if i < len(people) else draw(st.sampled_from(people))
        words = draw(st.lists(st.sampled_from(FILLER), min_size=0, max_size=12))
        extras = draw(st.lists(st.sampled_from(["mention", "mention_lower", "mention_full",
                                                "phone", "email", "url", "newline"]),
                               max_size=3))
        for ex in extras:
            pos = draw(st.integers(0, len(words)))
            target_first = draw(st.sampled_from(named))[1]
            target_full = draw(st.sampled_from(named))[0]
            if ex == "mention":
                tok = target_first
            elif ex == "mention_lower":
                tok = target_first.lower()
            elif ex == "mention_full":
                tok = target_full
            elif ex == "phone":
                tok, nsn = draw(phones())
                planted["phones"].add(nsn)
            elif ex == "email":
                user = draw(st.sampled_from(FIRST)).lower()
                tok = f"{user}.{draw(st.integers(1, 999))}@gmail.com"
                planted["emails"].add(tok)
                tok = tok if pos == len(words) else tok + ","
            elif ex == "url":
                tok = f"https://{draw(st.sampled_from(LAST)).lower()}-club.fr/p/{draw(st.integers(1, 99))}"
                planted["urls"].add(tok)
            else:
                tok = "\n" if fmt != "plain" else "\n"
            words[pos:pos] = ["ou", tok, "ou"]  # planted values never touch each other
        body = " ".join(words).replace(" \n ", "\n").strip(" ") or "ok"
        hh, mm = 8 + i // 60, i % 60
        if fmt in ("android", "chunk"):
            head = f"22/01/2025, {hh:02d}:{mm:02d} - {sender[0]}: "
        elif fmt == "ios":
            head = f"[22/01/2025, {hh:02d}:{mm:02d}:00] {sender[0]}: "
        else:
            head = ""
        lines.append(head + body)
    text = eol.join(l for l in "\n".join(lines).split("\n")) + eol
    return text, fmt, planted


def anonymize_chat(text: str, fmt: str | None = None):
    from anonymizer import Anonymizer
    return Anonymizer(key=KEY, language="fr", ner=False, verify=True).process(text, fmt, "chat.txt")


def check_chat(text: str, fmt: str, planted: dict) -> None:
    """The properties of one random chat (raises AssertionError)."""
    from anonymizer import formats
    fmt_name = "plain" if fmt == "plain" else formats.detect_format(text)
    assert fmt_name == ("chunk" if fmt == "chunk" else "whatsapp" if fmt != "plain" else "plain")
    res = anonymize_chat(text, fmt_name)
    out = res.text
    a = list(formats.parse(text, fmt_name))
    b = list(formats.parse(out, fmt_name))
    assert len(a) == len(b)
    assert [r.kind for r in a] == [r.kind for r in b]
    assert [r.timestamp for r in a] == [r.timestamp for r in b]
    assert out.count("\n") == text.count("\n") and out.count("\r") == text.count("\r")
    low = out.lower()
    if fmt != "plain":  # without headers, a name is only a participant in a chat layout
        for name in planted["names"]:
            rx = re.compile(rf"(?<![\w]){re.escape(name.lower())}(?![\w])")
            assert not rx.search(low), f"{name!r} survived"
    digits_lines = ["".join(ch for ch in line if ch.isdigit()) for line in out.splitlines()]
    for nsn in planted["phones"]:
        assert not any(nsn in d for d in digits_lines), f"phone {nsn} survived"
    for e in planted["emails"]:
        assert e.lower() not in low, f"{e} survived"
    for u in planted["urls"]:
        assert u.lower() not in low, f"{u} survived"


# ---------------------------------------------------------------------- CLI on any bytes
def seed_files() -> list[bytes]:
    out = []
    for p in sorted((ROOT / "samples").rglob("*")):
        if p.is_file() and p.suffix in (".txt", ".json", ".jsonl", ".csv", ".md") \
                and p.stat().st_size < 200_000 and p.name != "manifest.json":
            out.append(p.read_bytes())
    return out or [b"22/01/2025, 18:43 - Camille: salut\n"]


SEEDS = seed_files()


@st.composite
def mutated_samples(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "dup"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 16))]
        elif op == "truncate":
            del data[i:]
        else:
            j = draw(st.integers(i, min(len(data), i + 200)))
            data[i:i] = data[i:j]
    return bytes(data)


any_bytes = st.one_of(st.binary(max_size=2000), mutated_samples(),
                      st.text(max_size=500).map(lambda t: t.encode("utf-8")))

_CLI = {}


def cli_case(data: bytes, workdir: Path, ext: str = ".txt") -> tuple[int, str]:
    """Run the real CLI in-process on ``data``; return (exit code, stderr).

    Raises AssertionError on anything that is not a clean outcome."""
    from click.testing import CliRunner

    from anonymizer.ui.cli import main
    runner = _CLI.setdefault("runner", CliRunner())
    src = workdir / f"in{ext}"
    dst = workdir / f"out{ext}"
    src.write_bytes(data)
    if dst.exists():
        dst.unlink()
    old = os.getcwd()
    os.chdir(workdir)
    try:
        res = runner.invoke(main, [str(src), str(dst), "--no-ner", "--lang", "fr", "-q"],
                            env={"ANONYMIZER_KEY": KEY.decode(), "ANONYMIZER_DEBUG": None},
                            catch_exceptions=True)
    finally:
        os.chdir(old)
    err = res.stderr if hasattr(res, "stderr") else res.output
    code = res.exit_code
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(f"uncaught {type(res.exception).__name__}: {res.exception}")
    assert code in (0, 2, 3), (code, err)
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    lines = [l for l in err.splitlines() if l.strip()]
    if code:
        assert len(lines) == 1 and lines[0].startswith("anonymize: error: "), err
        assert not dst.exists(), "output written despite an error"
    else:
        assert dst.exists()
    leftover = [p.name for p in workdir.iterdir() if p.name.endswith(".tmp")]
    assert not leftover, leftover
    return code, err


# ---------------------------------------------------------------------- the tests
@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chats())
def test_random_chats_keep_structure_and_lose_identities(case):
    check_chat(*case)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=any_bytes, ext=st.sampled_from([".txt", ".json", ".jsonl", ".csv", ".md"]))
def test_any_bytes_clean_outcome(tmp_path, data, ext):
    cli_case(data, tmp_path, ext)


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=4000))
def test_decode_bytes_never_crashes(data):
    from anonymizer.errors import InputError
    from anonymizer.io import decode_bytes, encode_text
    try:
        dec = decode_bytes(data, "x")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x: ")
        return
    # whatever we accept, we write back byte for byte
    assert encode_text(dec.text, dec.encoding) == data
