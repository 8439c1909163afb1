"""Issue 6: the same output whatever the execution (repeats cached, --jobs N, Dask), and the
fast post-scan indexes agreeing with the plain scan.  No test depends on timing."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anonymizer.pipeline.fastscan import DigitTails, ValueIndex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import chatgen  # noqa: E402

KEY = "k" * 40
SAMPLES = ["android_en_us_12h_space.txt", "android_fr_nocomma.txt", "ios_en_12h.txt"]


def _cli(*args, cwd):
    env = dict(os.environ, ANONYMIZER_KEY=KEY)
    exe = Path(sys.executable).with_name("anonymize")
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True)


# ------------------------------------------------------------------ fast post-scan
def test_value_index_finds_what_the_plain_scan_finds():
    rng = random.Random(6)
    alphabet = "ab.@/:-x1"
    values = list(dict.fromkeys("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))
                                for _ in range(300)))
    items = [("URL", v) for v in values]
    ix = ValueIndex(items)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet + " ") for _ in range(rng.randint(0, 40)))
        plain = [(k, v) for k, v in items if v in text]
        got = [(k, v) for k, v in ix.candidates(text) if v in text]
        assert got == plain, text


def test_digit_tails_match_the_plain_scan():
    rng = random.Random(7)
    values = {"".join(rng.choice("0123") for _ in range(rng.randint(5, 12))) for _ in range(200)}
    order = list(values)
    tails = DigitTails(order)
    for _ in range(2000):
        digits = "".join(rng.choice("0123") for _ in range(rng.randint(0, 20)))
        plain = [v for v in order if len(v) >= 8 and v[-8:] in digits]
        assert tails.matches(digits) == plain


# ------------------------------------------------------------------ repeats and --jobs
def test_repeated_bodies_get_equal_but_separate_findings():
    from anonymizer.detect.names import NameDetector
    from anonymizer.pipeline.executors import InProcess, NameRunner
    det = NameDetector("fr")
    texts = ["Tu as vu Bérénice Castafiore hier ?", "ok", "Tu as vu Bérénice Castafiore hier ?"]
    out = NameRunner(det, InProcess()).find(texts)
    direct = det.find_batch(texts)
    assert [[(f.start, f.end, f.kind) for f in r] for r in out] == \
           [[(f.start, f.end, f.kind) for f in r] for r in direct]
    assert out[0] and out[0][0] is not out[2][0]


def test_jobs_2_output_is_byte_identical_to_jobs_1(tmp_path):
    from anonymizer import Anonymizer
    from anonymizer.pipeline.executors import CHUNK
    src = tmp_path / "chat.txt"
    chatgen.write(src, "fr", 1500, seed=3)
    text = src.read_text(encoding="utf-8")
    assert len({b for b, _ in chatgen.labelled("fr", 1500, seed=3)}) >= 2 * CHUNK  # workers used
    one = Anonymizer(key=KEY).process(text, None, "chat.txt").text
    r = _cli(src, tmp_path / "out2.txt", "--jobs", "2", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    two = (tmp_path / "out2.txt").read_text(encoding="utf-8")
    assert two == one
    assert two != text


def test_jobs_rejects_zero(tmp_path):
    src = ROOT / "samples" / "whatsapp" / SAMPLES[0]
    r = _cli(src, tmp_path / "o.txt", "--jobs", "0", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr


# ------------------------------------------------------------------ Dask
def _folder(tmp_path) -> Path:
    d = tmp_path / "exports"
    d.mkdir()
    for name in SAMPLES:
        shutil.copy(ROOT / "samples" / "whatsapp" / name, d / name)
    chatgen.write(d / "generated_fr.txt", "fr", 300, seed=5)
    return d


def _tree(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_dask_local_cluster_matches_the_cli_byte_for_byte(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    from anonymizer.distributed import anonymize_folder_dask
    src = _folder(tmp_path)
    r = _cli(src, tmp_path / "cli_out", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    expected = _tree(tmp_path / "cli_out")
    assert set(expected) == set(_tree(src))
    assert expected != _tree(src)  # something was replaced
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        anonymize_folder_dask(src, tmp_path / "dask_out", KEY.encode(), client)
        assert _tree(tmp_path / "dask_out") == expected
        # the CLI on the same cluster
        r = _cli(src, tmp_path / "cli_dask_out", "-q", "--dask", cluster.scheduler_address,
                 cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert _tree(tmp_path / "cli_dask_out") == expected
        assert any(client.run(lambda: __import__("sys").modules.get("spacy") is not None).values())
        # the same settings object as the CLI: a per-kind policy and a date shift hold on Dask too
        r = _cli(src, tmp_path / "cli_opts", "-q", "--policy", "EMAIL=redact", "--shift-dates", "-28",
                 cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        with_opts = _tree(tmp_path / "cli_opts")
        assert with_opts != expected and any(b"<EMAIL>" in v for v in with_opts.values())
        anonymize_folder_dask(src, tmp_path / "dask_opts", KEY.encode(), client,
                              policy={"EMAIL": "redact"}, shift_dates=-28)
        assert _tree(tmp_path / "dask_opts") == with_opts


def test_dask_unreachable_scheduler_is_a_one_line_error(tmp_path):
    pytest.importorskip("dask.distributed")
    src = _folder(tmp_path)
    r = _cli(src, tmp_path / "o", "--dask", "tcp://127.0.0.1:9", cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ bounded memory (issue 6)
TRICKY = ("\ufeff12/03/2024, 09:00 - Camille Martin: Salut 👋\r\n"
          "12/03/2024, 09:01 - +33 6 12 34 56 78: appelle Jean au 06 12 34 56 78\r"
          "suite sur une ligne à fin CR\n"
          "12/03/2024, 09:02 - Camille Martin: Voir https://example.org/x 🎉\n"
          "\n"
          "12/03/2024, 09:03 - Jean Dupont: dernière ligne sans fin")


def test_lazy_input_lines_are_split_lines():
    from anonymizer.formats.base import split_lines
    from anonymizer.io import decode_bytes
    data = TRICKY.encode("utf-8")
    dec = decode_bytes(data, "t", lazy=True)
    assert dec.lazy
    assert list(dec.lines()) == list(split_lines(TRICKY))
    assert dec.lazy  # lines() never built the whole str
    assert dec.text == TRICKY and not dec.lazy


def test_lazy_input_gives_the_same_output_as_the_str(tmp_path):
    from anonymizer import Anonymizer
    from anonymizer.io import decode_bytes
    src = tmp_path / "chat.txt"
    chatgen.write(src, "fr", 800, seed=11)
    data = src.read_bytes() + TRICKY.encode("utf-8")[3:]  # CR-only and unterminated lines too
    one = Anonymizer(key=KEY).process(data.decode("utf-8"), "whatsapp", "c").text
    dec = decode_bytes(data, "c", lazy=True)
    two = Anonymizer(key=KEY).process_documents([("c", dec, "whatsapp")])[0].text
    assert dec.lazy and one == two and one != data.decode("utf-8")


def test_bad_utf8_after_the_first_megabyte_is_a_one_line_error(tmp_path):
    src = tmp_path / "chat.txt"
    line = "12/03/2024, 09:00 - Camille Martin: un message assez long pour remplir 🙂\n".encode()
    data = line * (2_500_000 // len(line)) + b"12/03/2024, 09:01 - Camille Martin: \xff\n"
    src.write_bytes(data)
    r = _cli(src, tmp_path / "o.txt", "-q", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "not valid UTF-8" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o.txt").exists()


def test_spilled_names_come_back_as_the_engines_people():
    from anonymizer.detect.base import PERSON, Finding
    from anonymizer.pipeline.spill import Spill
    from anonymizer.settings import Settings
    eng = Settings.create(key=KEY).engine()
    p = eng.identities.add_name("Bérénice Castafiore", dynamic=True)
    spill = Spill(eng)
    spill.write({3: [Finding(0, 8, PERSON, "Bérénice", 0.8, "gazetteer", {"person": p})]})
    spill.write({9: [Finding(4, 9, PERSON, "Tintin", 0.85, "ner", {"x": 1})]})
    raw = spill.fh
    raw.seek(0)
    assert b"Castafiore" not in raw.read() and b"Tintin" not in (raw.seek(0) or raw.read())
    got = [spill.pop() for _ in range(11)]  # bodies 0..10, in order
    assert got[0] == [] and got[3][0].data["person"] is p
    assert got[9] == [Finding(4, 9, PERSON, "Tintin", 0.85, "ner", {"x": 1})]
    assert got[10] == [] and all(got[i] == [] for i in (1, 2, 4, 5, 6, 7, 8))
    spill.close()


# ------------------------------------------------------------------ NER only where needed
def test_ner_runs_only_on_bodies_with_an_unaccounted_capital():
    from anonymizer.detect.names import NameDetector
    det = NameDetector("fr")
    seen = []
    real = det.pipe

    def spy(texts):
        texts = list(texts)
        seen.extend(texts)
        return real(texts)
    det.pipe = spy
    det.known = frozenset({"camille"})
    texts = ["ok ça marche", "Merci Camille pour l'orga", "Appelle-moi demain",
             "Bonne nuit", "Thaddeus est arrivé hier soir", "on voit ça avec Zéphyrin Brunelleschi"]
    out = det.find_batch(texts)
    # "Thaddeus" is in no list: only the model can tell; the cue "avec" let the gazetteer
    # take the whole name, so NER has nothing left to add there
    assert seen == ["Thaddeus est arrivé hier soir"]
    assert [f.text for f in out[4]] == ["Thaddeus"]
    assert [f.text for f in out[5]] == ["Zéphyrin Brunelleschi"]
    assert out[0] == [] and out[3] == []
