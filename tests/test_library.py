"""Issue 17 item 4: the library API — batch entry points (lists of texts, records, Hugging Face
batches, pandas), plain findings, what calls share, key warnings, any format, documented.

Every comparison is with the real CLI on the same input and the same key."""
from __future__ import annotations

import dataclasses
import inspect
import json
import re
import warnings
from pathlib import Path

import pytest

from anonymizer import Anonymizer, Finding, InputError, formats

from .conftest import KEY, ROOT, SAMPLES, run_cli


def _messages(text: str) -> list[tuple[str, str]]:
    """(sender, body) of every message of a WhatsApp export (a multi-line body joined)."""
    return [(r.sender_text, "\n".join(sp.text(r.raw) for sp in r.bodies))
            for r in formats.parse(text, "whatsapp") if r.kind == "message"]


def _cli(tmp_path: Path, src: Path, *opts: str) -> str:
    out = tmp_path / f"cli-{src.name}"
    res = run_cli([src, out, "-q", *opts])
    assert res.exit_code == 0, res.output
    return out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- acceptance
@pytest.mark.parametrize("sample,lang", [("android_fr_24h.txt", "fr"), ("ios_en_12h.txt", "en")])
def test_records_and_pandas_give_the_cli_pseudonyms(tmp_path, sample, lang):
    """The messages of a WhatsApp sample as dicts (name/content) and as a DataFrame, through
    the public API: each message's sender pseudonym and body are the CLI's on the sample."""
    src = SAMPLES / "whatsapp" / sample
    original = _messages(src.read_text(encoding="utf-8"))
    expected = _messages(_cli(tmp_path, src, "--lang", lang))
    assert len(original) == len(expected) >= 10
    # the CLI did replace senders and names in bodies (so equality below means something)
    assert sum(a != b for a, b in zip(original, expected)) >= len(original) // 2

    rows = [{"name": n, "content": c, "n": i} for i, (n, c) in enumerate(original)]
    got = Anonymizer(key=KEY, language=lang).anonymize_records(rows, fields=["content"],
                                                              name_fields=["name"])
    assert [(r["name"], r["content"]) for r in got] == expected
    assert [r["n"] for r in got] == list(range(len(rows)))
    assert rows[0]["name"] == original[0][0]            # the input is not changed

    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(rows)
    out = Anonymizer(key=KEY, language=lang).anonymize_dataframe(df, columns=["content"],
                                                                  name_columns=["name"])
    assert list(zip(out["name"], out["content"])) == expected
    assert out["n"].tolist() == df["n"].tolist() and str(out["n"].dtype) == str(df["n"].dtype)
    assert df["name"].tolist() == [n for n, _ in original]
    # a column of names alone (each value a participant, like a sender column)
    senders = Anonymizer(key=KEY, language=lang).anonymize_series(df["name"], names=True)
    assert senders.tolist() == [n for n, _ in expected]
    assert list(senders.index) == list(df.index) and senders.name == "name"


def test_hf_map_is_records_by_columns():
    """``hf_map`` is what ``datasets.Dataset.map(batched=True)`` calls: a dict of columns in,
    a dict of columns out, the same as :meth:`anonymize_records` on the rows."""
    batch = {"name": ["Jean Dupont", "Lucie Fontaine", "Jean Dupont"],
             "content": ["Salut Lucie, mon numéro : 06 12 34 56 78", "ok jean", None],
             "id": [10, 11, 12]}
    before = json.dumps(batch)
    cols = Anonymizer(key=KEY, language="fr").hf_map(fields=["content"], name_fields=["name"])(batch)
    rows = [dict(zip(batch, vals)) for vals in zip(*batch.values())]
    recs = Anonymizer(key=KEY, language="fr").anonymize_records(rows, fields=["content"],
                                                               name_fields=["name"])
    assert cols == {k: [r[k] for r in recs] for k in batch}
    assert json.dumps(batch) == before                   # the batch given is not changed
    assert cols["id"] == [10, 11, 12] and cols["content"][2] is None
    assert cols["name"][0] == cols["name"][2] != "Jean Dupont"
    first = cols["name"][0].split()[0]
    assert cols["content"][1] == f"ok {first.lower()}"   # a sender, found in lowercase
    assert "06 12 34 56 78" not in cols["content"][0] and "Lucie" not in cols["content"][0]


def test_texts_are_one_run():
    anon = Anonymizer(key=KEY, language="fr")
    texts = ["Salut Jean Dupont ! Appelle-moi au 06 12 34 56 78", "   ",
             "Jean, tu as noté le 06.12.34.56.78 ?", "rien à signaler"]
    out = anon.anonymize_texts(texts)
    assert len(out) == 4 and out[1] == "   " and out[3] == "rien à signaler"
    first = out[0].split()[1]
    assert first != "Jean" and out[2].startswith(first + ",")     # one person, one pseudonym
    fake = re.search(r"au (.+)$", out[0]).group(1)
    assert fake.replace(" ", "") == re.search(r"le (\S+) \?", out[2]).group(1).replace(".", "")
    with pytest.raises(TypeError):
        anon.anonymize_texts(["ok", 3])


def test_records_without_fields_follow_the_dataset_rules():
    """No ``fields``: every string scanned except what the dataset rules keep; names by the
    rules' name keys, at any depth (the chat fine-tuning layout)."""
    rows = [{"id": "Jean-42", "messages": [
        {"role": "user", "name": "Jean Dupont", "content": "Bonjour, ici jean"},
        {"role": "assistant", "content": "Bonjour Jean, votre numéro est le 06 12 34 56 78 ?"}]}]
    out = Anonymizer(key=KEY, language="fr", ner=False).anonymize_records(rows)
    m = out[0]["messages"]
    assert out[0]["id"] == "Jean-42" and [x["role"] for x in m] == ["user", "assistant"]
    fake = m[0]["name"].split()[0]
    assert fake != "Jean" and m[0]["content"] == f"Bonjour, ici {fake.lower()}"
    assert m[1]["content"].startswith(f"Bonjour {fake}, ") and "06 12 34 56 78" not in m[1]["content"]
    with pytest.raises(TypeError):
        Anonymizer(key=KEY, ner=False).anonymize_records(["a text"])


# ---------------------------------------------------------------------------- findings
def _plain(v) -> bool:
    if v is None or isinstance(v, (str, int, float, bool)):
        return True
    if isinstance(v, dict):
        return all(isinstance(k, str) and _plain(x) for k, x in v.items())
    if isinstance(v, list):
        return all(_plain(x) for x in v)
    return False


def test_findings_are_plain_data():
    anon = Anonymizer(key=KEY, language="fr")
    text = "Appelle Marie Curie au 06 12 34 56 78 ou marie.curie@example.org, Marie répondra"
    found = anon.analyze(text)
    assert all(isinstance(f, Finding) for f in found)
    data = [dataclasses.asdict(f) for f in found]
    assert all(_plain(d) for d in data)
    assert json.loads(json.dumps(data)) == data
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[0].text = "x"
    by_text = {f.text: f for f in found}
    full, alone, phone = by_text["Marie Curie"], by_text["Marie"], by_text["06 12 34 56 78"]
    assert text[full.start:full.end] == "Marie Curie" and full.role == "full"
    assert full.detector in ("ner", "gazetteer") and full.score < 1.0   # not "participant, 1.0"
    assert full.person == alone.person and full.person and phone.person is None
    assert phone.extra == {"number": "+33612345678"}
    # the id is keyed: stable with the key, another with another key
    assert anon.analyze("Marie Curie")[0].person == full.person
    other = Anonymizer(key=KEY + "-other", language="fr").analyze("Marie Curie")[0].person
    assert other != full.person


# ---------------------------------------------------------------------------- calls
def test_calls_share_the_map_not_the_people(tmp_path):
    anon = Anonymizer(key=KEY, language="fr")
    first = anon.anonymize_texts(["Rose Dupont arrive demain"])[0]
    assert not first.startswith("Rose")
    # an unrelated later call: "rose" is a word (before: "participant, 1.0" from the map)
    assert anon.analyze("la rose est belle") == []
    # ("merci rose" would be a vocative — a mention by the mention rule — so not used here)
    words = ["la rose est belle", "une rose rouge pour la table"]
    assert anon.anonymize_texts(words) == words
    assert anon.anonymize_texts(["Rose Dupont arrive demain"])[0] == first   # the map: shared
    with anon.session():
        anon.anonymize_records([{"name": "Rose Dupont", "content": "bonjour"}],
                               fields=["content"], name_fields=["name"])
        in_session = anon.anonymize_texts(["je vois rose demain"])[0]
        assert in_session == "je vois " + first.split()[0].lower() + " demain"
        # the one mention rule: after an article, a word-like name is the word, even for a person
        assert anon.analyze("la rose est belle") == []
    assert anon.anonymize_texts(["je vois rose demain"]) == ["je vois rose demain"]


def test_a_loaded_map_knows_its_names_like_the_cli(tmp_path):
    """The names of a map loaded with ``map_path`` are people in every call, as in a CLI run
    with ``--map``: same output for the same input."""
    mp = tmp_path / "people.map"
    Anonymizer(key=KEY, language="fr", ner=False, map_path=mp).anonymize_records(
        [{"name": "Rose Dupont", "content": "bonjour"}], fields=["content"], name_fields=["name"])
    src = tmp_path / "note.txt"
    src.write_text("je vois rose demain, dis-le à dupont\n", encoding="utf-8")
    cli = _cli(tmp_path, src, "--lang", "fr", "--no-ner", "--map", str(mp))
    lib = Anonymizer(key=KEY, language="fr", ner=False, map_path=mp).anonymize_text(src.read_text())
    assert lib == cli and "rose" not in lib and "dupont" not in lib


def test_key_warning_and_short_key_refusal(tmp_path, monkeypatch):
    monkeypatch.delenv("ANONYMIZER_KEY", raising=False)
    with pytest.warns(UserWarning, match="not be stable across runs"):
        anon = Anonymizer(ner=False)
    assert not anon.stable
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Anonymizer(key=KEY, ner=False).stable
    with pytest.raises(InputError, match="too short"):
        Anonymizer(key=b"12345")
    short = tmp_path / "short.key"
    short.write_bytes(b"12345")
    with pytest.raises(InputError, match="too short"):
        Anonymizer(key_file=short)
    # the CLI refuses the same key file the same way (exit 2, one line)
    src = tmp_path / "c.txt"
    src.write_text("Salut Jean\n", encoding="utf-8")
    res = run_cli([src, tmp_path / "o.txt", "--key-file", short], env_key=None)
    assert res.exit_code == 2 and "too short" in res.output and not (tmp_path / "o.txt").exists()


# ---------------------------------------------------------------------------- documents
@pytest.mark.parametrize("rel", ["formats/dataset.jsonl", "formats/dataset.csv",
                                 "formats/telegram_result.json", "chunks/chunk_fr.txt"])
def test_any_format_like_the_cli(tmp_path, rel):
    src = SAMPLES / rel
    cli = _cli(tmp_path, src, "--no-ner")
    anon = Anonymizer(key=KEY, ner=False)
    dst = tmp_path / f"lib-{src.name}"
    anon.anonymize_file(src, dst)
    assert dst.read_text(encoding="utf-8") == cli != src.read_text(encoding="utf-8")
    text = src.read_text(encoding="utf-8")
    assert Anonymizer(key=KEY, ner=False).anonymize_document(text) == cli
    fmt = formats.detect_format(text)
    assert Anonymizer(key=KEY, ner=False).process(text, fmt=fmt).text == cli


def test_process_jsonl_and_file_refusals(tmp_path):
    rows = ('{"name": "Jean Dupont", "content": "salut, mon numéro : 06 12 34 56 78"}\n'
            '{"name": "Lucie", "content": "ok jean"}\n')
    res = Anonymizer(key=KEY, ner=False).process(rows, fmt="jsonl")
    assert res.format == "jsonl" and res.counts["PHONE_NUMBER"] == 1
    out = [json.loads(line) for line in res.text.splitlines()]
    assert out[1]["content"] == "ok " + out[0]["name"].split()[0].lower()
    src = tmp_path / "chat.jsonl"
    src.write_text(rows, encoding="utf-8")
    with pytest.raises(InputError, match="over the input"):
        Anonymizer(key=KEY, ner=False).anonymize_file(src, src)
    assert src.read_text(encoding="utf-8") == rows
    with pytest.raises(InputError):
        Anonymizer(key=KEY, ner=False).anonymize_document(rows, "no-such-format")


def test_folder_like_the_cli(tmp_path):
    src = SAMPLES / "formats" / "slack_export"
    res = run_cli([src, tmp_path / "cli", "-q", "--no-ner"])
    assert res.exit_code == 0, res.output
    Anonymizer(key=KEY, ner=False).anonymize_file(src, tmp_path / "lib")
    cli = sorted(p.relative_to(tmp_path / "cli") for p in (tmp_path / "cli").rglob("*") if p.is_file())
    lib = sorted(p.relative_to(tmp_path / "lib") for p in (tmp_path / "lib").rglob("*") if p.is_file())
    assert cli == lib and cli
    assert all((tmp_path / "cli" / p).read_bytes() == (tmp_path / "lib" / p).read_bytes() for p in cli)


# ---------------------------------------------------------------------------- documented, typed
def test_public_api_is_typed_and_documented():
    import anonymizer
    public = [(n, m) for n, m in inspect.getmembers(Anonymizer) if not n.startswith("_")]
    assert {"analyze", "anonymize_texts", "anonymize_records", "hf_map", "anonymize_series",
            "anonymize_dataframe", "anonymize_document", "anonymize_file", "process",
            "session"} <= {n for n, _ in public}
    for name, member in public + [("__init__", Anonymizer.__init__)]:
        fn = member.fget if isinstance(member, property) else member
        doc = inspect.getdoc(fn) or ""
        assert ">>>" in doc, f"{name}: no example in its docstring"
        assert "return" in fn.__annotations__, f"{name}: no return type"
        if name not in ("key", "stable", "session", "hf_map"):
            assert "Raises" in doc or "raise" in doc.lower(), f"{name}: does not say what it raises"
    assert (Path(anonymizer.__file__).parent / "py.typed").is_file()
    assert '"anonymizer" = ["py.typed"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### As a library"):readme.index("## What it handles")]
    assert "docs/library.md" in section


def test_the_library_page_runs(tmp_path, monkeypatch):
    """Every ``python`` block of docs/library.md, in order, in an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANONYMIZER_KEY", raising=False)
    page = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    assert len(blocks) >= 8
    ns: dict = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"docs/library.md block {i + 1}", "exec"), ns)
