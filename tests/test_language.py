"""Issue 3: language per chat, and per message where a chat mixes languages."""
from pathlib import Path

import pytest

from anonymizer import Anonymizer, formats
from tests.conftest import run_documents
from anonymizer.language import SUPPORTED, detect_language, message_languages

from .conftest import KEY, SAMPLES

# an English chat with French and German messages; every body names someone nobody listed
MIXED = [
    ("Tom", "hey everyone, are we still meeting at the pub on saturday night", "en", None),
    ("Claire", "oui je viens, dis à Youenn de ramener des crêpes pour tout le monde", "fr", "Youenn"),
    ("Tom", "sounds great, I will bring Priscilla and her brother along", "en", "Priscilla"),
    ("Lena", "super Idee, ich frage Mechthild ob sie auch kommen kann", "de", "Mechthild"),
    ("Claire", "génial, Maëlys arrive vers vingt heures avec sa cousine", "fr", "Maëlys"),
    ("Tom", "Rhiannon says she can drive us there after work tomorrow", "en", "Rhiannon"),
    ("Lena", "Ich bringe Kuchen mit, Hildegard hat ihn gestern gebacken", "de", "Hildegard"),
    ("Claire", "parfait, on se retrouve chez Gwenaëlle juste avant la soirée", "fr", "Gwenaëlle"),
    ("Tom", "brilliant, I will text Rosalind and ask if she wants to come too", "en", "Rosalind"),
    ("Lena", "keine Ahnung, aber Wolfram wollte ihn heute noch anrufen", "de", "Wolfram"),
    ("Tom", "ok see you all there, it's going to be a great evening", "en", None),
]
MIXED_TEXT = "".join(f"12/03/2025, 18:{i:02d} - {s}: {b}\n" for i, (s, b, _, _) in enumerate(MIXED))


def bodies(text):
    recs = formats.parse(text, formats.detect_format(text))
    return [sp.text(r.raw) for r in recs for sp in r.bodies]


def test_mixed_chat_gets_one_language_per_message():
    bs = bodies(MIXED_TEXT)
    assert detect_language(bs) == "en"
    assert message_languages(bs, "en") == [lang for _, _, lang, _ in MIXED]


@pytest.mark.parametrize("batch", [1, 10_000])
def test_mixed_chat_names_found_with_each_message_model(batch):
    eng, (res,) = run_documents([("chat", MIXED_TEXT, "whatsapp")], batch_size=batch, key=KEY)
    assert res.language == "en"
    # one name detector per language the messages are in, not only the chat's
    assert {"fr", "en", "de"} <= set(eng._name_detectors)
    out = res.text
    for _, body, _, name in MIXED:
        if name:
            assert name not in out, name
    # the French messages went to the French detector: read with the chat's language
    # (English, see below) "juste" in one of them passes for a name; per message it stays
    reps = {rep.original for _, rep in res.replacements}
    assert "juste" not in reps
    assert "juste avant la soirée" in out

def test_explicit_language_turns_per_message_detection_off():
    eng, (res,) = run_documents([("chat", MIXED_TEXT, "whatsapp")], language="en", key=KEY)
    assert set(eng._name_detectors) == {"en"}
    assert "juste" in {rep.original for _, rep in res.replacements}  # the English model on French


def _other_language_sample(path: Path) -> bool:
    """A locale sample (samples/whatsapp/make_locale_samples.py) in a language the detector
    does not know (SUPPORTED): it gets a guess per message (vi read as pt, en, de...)."""
    import json
    import re
    gen = (SAMPLES / "whatsapp/make_locale_samples.py").read_text(encoding="utf-8")
    if path.name not in re.findall(r'Chat\("samples/whatsapp/([^"]+)"', gen):
        return False
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    return manifest[f"samples/whatsapp/{path.name}"]["language"] not in SUPPORTED


SINGLE = sorted(p for p in SAMPLES.glob("*/*.txt") if p.parent.name in ("whatsapp", "chunks")
                and not _other_language_sample(p))


@pytest.mark.parametrize("path", SINGLE, ids=lambda p: p.name)
def test_single_language_chats_unchanged(path: Path):
    """Single-language chats: one language, and the output is byte for byte the one
    the chat's language alone gives (per-message detection off)."""
    text = path.read_text(encoding="utf-8")
    bs = bodies(text)
    lang = detect_language(bs)
    assert message_languages(bs, lang) is None
    auto = Anonymizer(key=KEY).process(text)
    fixed = Anonymizer(key=KEY, language=lang).process(text)
    assert auto.language == lang
    assert auto.text == fixed.text
