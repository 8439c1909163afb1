"""Reliability (issue 7): every run is either correct or loudly refused.

Real ``anonymize`` subprocesses on real bytes: bad inputs give exit 2, one line on stderr,
no traceback and no output file (or a correct output for encodings we support);
a killed run leaves no partial output and no temp file; a disk-full write leaves nothing;
verification fails closed (exit 3, nothing written) when a known real value survives.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import KEY

BIN = Path(sys.executable).with_name("anonymize")
ANON = [str(BIN)] if BIN.exists() else [shutil.which("anonymize") or "anonymize"]

CHAT = (
    "22/01/2025, 18:30 - Camille Durand a créé le groupe \"Rando\"\n"
    "22/01/2025, 18:31 - Camille Durand a ajouté Hélène Martin\n"
    "22/01/2025, 18:43 - Camille Durand: Salut Hélène ! Écris-moi à camille.durand@gmail.com\n"
    "22/01/2025, 18:44 - Hélène Martin: Ok Camille, appelle-moi au 06 12 34 56 78\n"
    "ou au bureau 01 44 55 66 77\n"
    "22/01/2025, 18:45 - Camille Durand: Parfait, le site est https://rando-camille.fr/inscription\n"
    "23/01/2025, 09:02 - Hélène Martin: 👍\n"
)


def run(args, tmp_path, input_bytes=None, env_extra=None, timeout=300):
    env = dict(os.environ)
    env["ANONYMIZER_KEY"] = KEY
    env.pop("ANONYMIZER_DEBUG", None)
    env.update(env_extra or {})
    return subprocess.run(ANON + [str(a) for a in args], input=input_bytes, capture_output=True,
                          cwd=tmp_path, env=env, timeout=timeout)


def one_line_error(proc) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("anonymize: error: "), err
    return lines[0]


def leftovers(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(f".{name}.") and p.name.endswith(".tmp"))


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# ---------------------------------------------------------------------- bad inputs: refused
def _zip_bytes():
    import io as _io
    import zipfile
    buf = _io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("WhatsApp Chat with Rando.txt", CHAT)
    return buf.getvalue()


REFUSED = {
    "empty": (lambda: b"", "empty"),
    "bom-only": (lambda: codecs.BOM_UTF8, "empty"),
    "binary-random": (lambda: random.Random(7).randbytes(20000), "binary"),
    "png": (lambda: b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(500), "PNG"),
    "zip-export-with-media": (_zip_bytes, "ZIP"),
    "sqlite-msgstore": (lambda: b"SQLite format 3\x00" + bytes(4000), "SQLite"),
    "invalid-utf8-latin1": (lambda: CHAT.encode("latin-1", "replace"), "UTF-8"),
    "nul-bytes-in-text": (lambda: CHAT.encode().replace(b"Parfait", b"Par\x00fait"), "NUL"),
    "utf16-odd-length": (lambda: codecs.BOM_UTF16_LE + CHAT.encode("utf-16-le") + b"\x00", "UTF-16"),
    "truncated-json": (lambda: json.dumps({"name": "Rando", "messages": [
        {"id": i, "from": "Camille Durand", "text": "salut"} for i in range(50)]},
        indent=1).encode()[:700], "JSON"),
    "truncated-jsonl": (lambda: ("\n".join(json.dumps({"text": f"salut {i}"}) for i in range(20))
                                 + '\n{"text": "sal').encode(), "JSON"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_input_refused(tmp_path, case):
    make, word = REFUSED[case]
    src = tmp_path / "in.txt"
    src.write_bytes(make())
    before = digest(src)
    proc = run([src, "out.txt", "--no-ner", "--lang", "fr"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    line = one_line_error(proc)
    assert str(src) in line and word.lower() in line.lower(), line
    assert not (tmp_path / "out.txt").exists()
    assert leftovers(tmp_path, "out.txt") == []
    assert digest(src) == before


def test_two_gigabyte_file_refused_before_reading(tmp_path):
    src = tmp_path / "huge.txt"
    with open(src, "wb") as fh:  # sparse: 2 GB on paper, nothing on disk
        fh.truncate(2 * 1024 ** 3)
    proc = run([src, "out.txt", "--no-ner"], tmp_path, timeout=60)
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "2.0 GB" in line and "ANONYMIZER_MAX_INPUT_MB" in line
    assert not (tmp_path / "out.txt").exists()


@pytest.mark.parametrize("what", ["missing"])
def test_unreadable_input(tmp_path, what):
    src = tmp_path / "in.txt"
    if what == "directory":
        src.mkdir()
    proc = run([src, "out.txt", "--no-ner"], tmp_path)
    assert proc.returncode == 2
    one_line_error(proc)
    assert not (tmp_path / "out.txt").exists()


def test_corrupt_map_is_an_input_error(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(CHAT, encoding="utf-8")
    (tmp_path / "m.json").write_text('{"entries": {"first": ', encoding="utf-8")
    proc = run([src, "out.txt", "--no-ner", "--map", "m.json"], tmp_path)
    assert proc.returncode == 2
    assert "m.json" in one_line_error(proc)
    assert not (tmp_path / "out.txt").exists()


# ---------------------------------------------------------------------- supported encodings
def _plain_run(tmp_path):
    """The reference: the same chat as UTF-8 without BOM."""
    ref = tmp_path / "ref.txt"
    ref.write_text(CHAT, encoding="utf-8", newline="")
    proc = run([ref, "ref.out.txt", "--no-ner", "--lang", "fr", "-q"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "ref.out.txt").read_text(encoding="utf-8")
    assert out != CHAT and "Camille" not in out and "06 12 34 56 78" not in out
    return out


ENCODED = {
    # name: (encode the text, expected output bytes from the reference output text)
    "utf16-le-bom": (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
                     lambda o: codecs.BOM_UTF16_LE + o.encode("utf-16-le")),
    "utf16-be-bom": (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
                     lambda o: codecs.BOM_UTF16_BE + o.encode("utf-16-be")),
    "utf16-le-no-bom": (lambda t: t.encode("utf-16-le"), lambda o: o.encode("utf-16-le")),
    "utf32-le-bom": (lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"),
                     lambda o: codecs.BOM_UTF32_LE + o.encode("utf-32-le")),
    "utf8-bom": (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
                 lambda o: codecs.BOM_UTF8 + o.encode("utf-8")),
    "crlf": (lambda t: t.replace("\n", "\r\n").encode(), lambda o: o.replace("\n", "\r\n").encode()),
    "mixed-crlf-lf": (lambda t: t.replace("\n", "\r\n", 3).encode(),
                      lambda o: o.replace("\n", "\r\n", 3).encode()),
}


@pytest.mark.parametrize("case", sorted(ENCODED))
def test_encodings_round_trip(tmp_path, case):
    """UTF-16 in, UTF-16 out: the output is the reference output in the input's encoding,
    byte for byte (BOM and every line ending where it was)."""
    encode, expected = ENCODED[case]
    ref_out = _plain_run(tmp_path)
    src = tmp_path / "in.txt"
    src.write_bytes(encode(CHAT))
    before = digest(src)
    proc = run([src, "out.txt", "--no-ner", "--lang", "fr", "-q"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.txt").read_bytes() == expected(ref_out)
    assert digest(src) == before


def test_unknown_text_format_falls_back_to_plain(tmp_path):
    src = tmp_path / "journal.log"
    src.write_text("** journal de bord **\n- rappeler jean.dupont@gmail.com au 06 12 34 56 78\n"
                   "- rien d'autre\n", encoding="utf-8")
    proc = run([src, "out.log", "--no-ner", "--lang", "fr"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "out.log").read_text(encoding="utf-8")
    assert out.count("\n") == 3 and out.startswith("** journal de bord **\n- rappeler ")
    assert "jean.dupont" not in out and "06 12 34 56 78" not in out


def test_ten_megabyte_single_line(tmp_path):
    src = tmp_path / "line.txt"
    filler = "la randonnée commence tôt " * (10 * 1024 * 1024 // 26)
    src.write_text("écrire à jean.dupont@gmail.com " + filler + "fin 06 12 34 56 78\n",
                   encoding="utf-8")
    assert src.stat().st_size > 10 * 1024 * 1024
    proc = run([src, "out.txt", "--no-ner", "--lang", "fr", "-q"], tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert out.count("\n") == 1 and filler in out
    assert "jean.dupont@gmail.com" not in out and "06 12 34 56 78" not in out


# ---------------------------------------------------------------------- overwrite rules
def test_existing_output_needs_force_and_input_is_never_modified(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(CHAT, encoding="utf-8")
    before = digest(src)
    dst = tmp_path / "out.txt"
    dst.write_text("precious\n", encoding="utf-8")
    proc = run([src, dst, "--no-ner", "--lang", "fr"], tmp_path)
    assert proc.returncode == 2
    assert "--force" in one_line_error(proc)
    assert dst.read_text(encoding="utf-8") == "precious\n"
    os.chmod(dst, 0o640)
    proc = run([src, dst, "--no-ner", "--lang", "fr", "--force", "-q"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Camille" not in dst.read_text(encoding="utf-8")
    assert dst.stat().st_mode & 0o777 == 0o640  # --force keeps the file's permissions
    assert digest(src) == before
    # writing over the input needs --in-place, even with --force
    proc = run([src, src, "--no-ner", "--force"], tmp_path)
    assert proc.returncode == 2 and "--in-place" in one_line_error(proc)
    assert digest(src) == before


def test_in_place_rewrites_input_atomically(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(CHAT, encoding="utf-8")
    os.chmod(src, 0o604)
    proc = run([src, "--in-place", "--no-ner", "--lang", "fr", "-q"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = src.read_text(encoding="utf-8")
    assert "Camille" not in out and out.count("\n") == CHAT.count("\n")
    assert src.stat().st_mode & 0o777 == 0o604
    assert leftovers(tmp_path, "in.txt") == []


def test_stale_temp_of_a_killed_run_is_removed(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(CHAT, encoding="utf-8")
    pid_max = int(Path("/proc/sys/kernel/pid_max").read_text()) if Path(
        "/proc/sys/kernel/pid_max").exists() else 4194304
    stale = tmp_path / f".out.txt.{pid_max + 1}.0badc0de.tmp"  # a PID that cannot be alive
    stale.write_text("half an outp", encoding="utf-8")
    alive = tmp_path / f".out.txt.{os.getpid()}.00c0ffee.tmp"  # a live writer's: kept
    alive.write_text("in progress", encoding="utf-8")
    proc = run([src, "out.txt", "--no-ner", "--lang", "fr", "-q"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists() and alive.exists()
    assert "Camille" not in (tmp_path / "out.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------------- disk full
def test_disk_full_on_stdout(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    src = tmp_path / "in.txt"
    src.write_text(CHAT, encoding="utf-8")
    env = dict(os.environ, ANONYMIZER_KEY=KEY)
    env.pop("ANONYMIZER_DEBUG", None)
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(ANON + [str(src), "-", "--no-ner", "-q"], stdout=full,
                              stderr=subprocess.PIPE, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 2
    assert "no space left" in one_line_error(proc).lower()


@pytest.fixture()
def tiny_fs(tmp_path):
    """A 64 kB tmpfs (needs root and mount rights; skipped elsewhere)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_disk_full_leaves_no_partial_file(tmp_path, tiny_fs):
    src = tmp_path / "in.txt"
    src.write_text(CHAT * 200, encoding="utf-8")  # ~100 kB output > 64 kB of space
    proc = run([src, tiny_fs / "out.txt", "--no-ner", "--lang", "fr", "-q"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "no space left" in one_line_error(proc).lower()
    assert list(tiny_fs.iterdir()) == []


# ---------------------------------------------------------------------- killed mid-way
def big_chat(n: int, seed: int = 3) -> str:
    r = random.Random(seed)
    people = ["Camille Durand", "Hélène Martin", "Bob", "+33 6 12 34 56 78"]
    out = []
    for i in range(n):
        who = people[r.randrange(4)]
        out.append(f"{1 + i // 5000 % 28:02d}/01/2025, {i // 60 % 24:02d}:{i % 60:02d} - {who}: "
                   f"message {i} pour Camille, écris à camille{i % 97}@gmail.com ou "
                   f"appelle le 06 12 {i % 90 + 10:02d} 45 67\n")
    return "".join(out)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("phase", ["reading", "processing"])
def test_killed_run_leaves_nothing(tmp_path, sig, phase):
    """The input comes through a FIFO, so "mid-way" is not a guess: while reading, the
    process is provably blocked on input we have not sent yet.  For "processing", all the
    input is sent first; the output is built in memory and only written at the very end,
    so whenever the signal lands there is no partial output and no temp file."""
    text = big_chat(30000).encode("utf-8")
    fifo = tmp_path / "chat.txt"
    os.mkfifo(fifo)
    env = dict(os.environ, ANONYMIZER_KEY=KEY)
    env.pop("ANONYMIZER_DEBUG", None)
    proc = subprocess.Popen(ANON + [str(fifo), "out.txt", "--no-ner", "--lang", "fr", "-q"],
                            cwd=tmp_path, env=env, stderr=subprocess.PIPE)
    try:
        with open(fifo, "wb") as fh:  # blocks until the process opened its input
            if phase == "reading":
                fh.write(text[: len(text) // 2])
                fh.flush()
                proc.send_signal(sig)
            else:
                fh.write(text)
        if phase == "processing":
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)
    except BrokenPipeError:  # the process died while we were still writing
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = tmp_path / "out.txt"
    assert leftovers(tmp_path, "out.txt") == []
    if phase == "processing" and proc.returncode == 0:
        # the run finished before the signal: then the output must be whole
        assert out.read_text(encoding="utf-8").count("\n") == 30000
        return
    assert not out.exists()
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 128 + signal.SIGTERM, err
        text_err = err.decode("utf-8", "replace")
        assert "Traceback" not in text_err
        assert text_err.strip().splitlines() == ["anonymize: error: interrupted; nothing was written"]


def test_sigterm_during_commit_is_deferred(tmp_path):
    """In-process: a SIGTERM that arrives inside io.critical() waits for the commit."""
    from anonymizer import io as aio
    aio.install_signal_handlers()
    try:
        dst = tmp_path / "o.txt"
        with pytest.raises(aio.Interrupted) as info:
            with aio.critical():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0)  # let the handler run
                aio.atomic_write_bytes(dst, b"whole\n")
        assert info.value.exit_code == 143
        assert dst.read_bytes() == b"whole\n"
        assert leftovers(tmp_path, "o.txt") == []
    finally:
        aio.restore_signal_handlers()


# ---------------------------------------------------------------------- fail closed
def _map_with(tmp_path, entries) -> Path:
    from anonymizer.render.pseudonyms import PseudonymMap
    pm = PseudonymMap(KEY.encode())
    pm.entries = entries
    p = tmp_path / "people.map.json"
    p.write_text(json.dumps(pm.to_json()), encoding="utf-8")
    return p


def test_a_known_phone_is_replaced_wherever_its_digits_are(tmp_path):
    """A phone number known from an earlier run (it is in the --map) is written here as
    ``06_12_34_56_78``: no phone rule takes a number with underscores, but a known number is
    a mention wherever its digits are — the one definition detection and the post-scan share
    (the post-scan looks for known numbers in the digits of every piece of text; the
    tampering table below shows it refusing one put back)."""
    chat = CHAT + "23/01/2025, 09:05 - Camille Durand: son ancien numéro 06_12_34_56_78 marche plus\n"
    src = tmp_path / "in.txt"
    src.write_text(chat, encoding="utf-8")
    mp = _map_with(tmp_path, {"phone": {"+33612345678": "+33639980251"}})
    proc = run([src, "out.txt", "--no-ner", "--lang", "fr", "--map", mp, "-q"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "06_12_34_56_78" not in out and "12345678" not in out.replace("_", "")
    assert "son ancien numéro 06_39_98_02_51 marche plus" in out  # the map's fake, same shape


def test_nickname_known_only_from_the_map_does_not_go_out(tmp_path):
    """'Zorglub' is a nickname no detector sees (not a participant, no NER here); the map
    says it is a real name: it is replaced, and the output passes verification."""
    src = tmp_path / "in.txt"
    src.write_text(CHAT + "23/01/2025, 09:05 - Camille Durand: Zorglub vient aussi samedi\n",
                   encoding="utf-8")
    proc = run([src, "plain.txt", "--no-ner", "--lang", "fr", "-q"], tmp_path)
    assert proc.returncode == 0
    assert "Zorglub vient" in (tmp_path / "plain.txt").read_text(encoding="utf-8")
    mp = _map_with(tmp_path, {"first": {"zorglub": "Gaston"}})
    proc = run([src, "out.txt", "--no-ner", "--lang", "fr", "--map", mp, "-q"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "zorglub" not in (tmp_path / "out.txt").read_text(encoding="utf-8").lower()


# tampering with a real result shows each invariant of the verifier can fail
def _tamper_drop_line(out):
    lines = out.splitlines(keepends=True)
    return "".join(lines[:2] + lines[3:])


TAMPER = {
    "message dropped": (_tamper_drop_line, "records in"),
    "line merged": (lambda o: o.replace("\nou au bureau", " ou au bureau", 1), "line"),
    "timestamp changed": (lambda o: o.replace("23/01/2025, 09:02", "23/01/2025, 09:03"), "timestamp"),
    "system text changed": (lambda o: o.replace("a créé le groupe", "a créé la liste"), "outside"),
    "real name put back": (lambda o: o.replace("\n23/01", " Hélène\n23/01", 1), "name"),
    "real phone put back": (lambda o: o.replace("\n23/01", " 06 12 34 56 78\n23/01", 1), "phone"),
    "real e-mail put back": (lambda o: o.replace("\n22/01/2025, 18:44",
                                                 " camille.durand@gmail.com\n22/01/2025, 18:44", 1),
                             ("e-mail", "name")),
    "new identifier made": (lambda o: o.replace("\n23/01", " +33 7 98 76 54 32\n23/01", 1), "phone"),
}


@pytest.mark.parametrize("batch", [1, 20_000])
@pytest.mark.parametrize("case", sorted(TAMPER))
def test_verifier_catches_each_tampering(case, batch):
    """The one verifier (pipeline/verify.py), the one every entry point uses, on a real
    run's output tampered with after the run."""
    from anonymizer.errors import VerificationError
    from anonymizer.pipeline.verify import Verifier
    from tests.conftest import run_documents
    eng, (res,) = run_documents([("chat.txt", CHAT, "whatsapp")], key=KEY, language="fr",
                                ner=False, verify=False, batch_size=batch)
    Verifier(eng).verify(res.doc, batch)  # the real output passes
    tamper, word = TAMPER[case]
    bad = tamper(res.text)
    assert bad != res.text
    res.doc.chunks = [bad.encode("utf-8")]
    with pytest.raises(VerificationError) as info:
        Verifier(eng).verify(res.doc, batch)
    msg = str(info.value)
    words = (word,) if isinstance(word, str) else word
    assert "chat.txt: verification failed" in msg and "\n" not in msg
    assert any(w in msg for w in words), msg
    for real in ("Hélène", "06 12 34 56 78", "camille.durand@gmail.com"):
        assert real not in msg


# ---------------------------------------------------------------------- unexpected errors
def test_internal_error_is_one_line_and_debug_shows_traceback(tmp_path):
    """A hand-edited map with a fake that is no phone number breaks deep in the engine:
    one line naming the file and exit 2; ANONYMIZER_DEBUG=1 adds the traceback.  (A number
    where a string belongs is refused when the map is read: issue 16.)"""
    src = tmp_path / "in.txt"
    src.write_text(CHAT, encoding="utf-8")
    mp = _map_with(tmp_path, {"phone": {"+33612345678": "not a number"}})
    proc = run([src, "out.txt", "--no-ner", "--lang", "fr", "--map", mp], tmp_path)
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert str(src) in line and "ANONYMIZER_DEBUG=1" in line
    assert not (tmp_path / "out.txt").exists()
    proc = run([src, "out.txt", "--no-ner", "--lang", "fr", "--map", mp], tmp_path,
               env_extra={"ANONYMIZER_DEBUG": "1"})
    assert proc.returncode == 2 and b"Traceback" in proc.stderr
    assert not (tmp_path / "out.txt").exists()


def test_help_documents_exit_codes(tmp_path):
    proc = run(["run", "--help"], tmp_path)
    text = proc.stdout.decode()
    for code in ("0", "1", "2", "3"):
        assert f"  {code}  " in text or f"  {code}    " in text
    assert "verification failed" in text
