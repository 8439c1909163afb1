"""Build the per-language word-frequency lists the mention rule reads (run once; output committed).

    pip install wordfreq==3.1.1       # word frequencies (Apache-2.0; data CC-BY-SA 4.0), build time only
    apt-get install hunspell-tools hunspell-fr hunspell-en-us hunspell-de-de hunspell-es hunspell-it hunspell-pt-pt hunspell-nl
    python tools/build_words.py       # needs rules/gazetteer/top_first_names.txt.gz (build_gazetteer.py)

For each chat language, ``rules/gazetteer/words_<lang>.txt.gz`` holds one ``word<TAB>zipf×10``
a line: wordfreq's 60,000 most frequent words of that language (zipf ≥ ``MIN_ZIPF``) that are
also a lowercase form of its Hunspell dictionary (unmunch: inflected forms included; German
nouns, capitalised in the dictionary, count too: "ernst", "engel", "kai").  Words are kept as
written, accents included ("said" is an English word, "saïd" is none), lowercased.

A word that is also one of the most common first names of the chat regions (names-dataset's top
names, ``top_first_names``, and the first names of the language's Faker locale: "marie", "jean",
"pierre", "dolores", "rosa", "bill") is marked ``<TAB>n``
(wordfreq counts the name and the word together, so no frequency tells which dominates): the
mention rule (anonymizer/detect/mention.py) takes such a word for the word only where the
words around it say so ("une pierre", "unos dolores"), so it errs on the side of replacing.
"""
from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from anonymizer.textutil import fold  # noqa: E402

OUT = ROOT / "rules" / "gazetteer"
HUNSPELL = Path("/usr/share/hunspell")
DICTS = {"fr": "fr", "en": "en_US", "de": "de_DE", "es": "es_ES", "it": "it_IT", "pt": "pt_PT", "nl": "nl"}
N_FREQUENT = 60_000
MIN_ZIPF = 2.8


def hunspell_forms(lang: str) -> set[str]:
    dic = DICTS[lang]
    res = subprocess.run(["unmunch", str(HUNSPELL / f"{dic}.dic"), str(HUNSPELL / f"{dic}.aff")],
                         capture_output=True, check=True)
    out = set()
    for line in res.stdout.decode("utf-8", "replace").splitlines():
        w = line.split("/", 1)[0].strip()
        if not w or not w[0].isalpha():
            continue
        if w[0].isupper() and not (lang == "de" and not w.isupper()):
            continue  # proper nouns (German nouns aside)
        out.add(w.lower())
    return out


def faker_first_names(lang: str) -> set[str]:
    from faker import Faker

    from anonymizer.language import language
    p = Faker(language(lang).faker_locale).provider("faker.providers.person")
    names = []
    for attr in ("first_names", "first_names_male", "first_names_female"):
        names += list(getattr(p, attr, ()) or ())
    return {fold(n) for n in names}


def main() -> None:
    import wordfreq
    with gzip.open(OUT / "top_first_names.txt.gz", "rt", encoding="utf-8") as fh:
        top_names = {ln.strip() for ln in fh if ln.strip()}
    for lang in DICTS:
        top = top_names | faker_first_names(lang)
        forms = hunspell_forms(lang)
        rows = []
        for w in wordfreq.top_n_list(lang, N_FREQUENT):
            if len(w) < 2 or w not in forms or not w.replace("-", "").replace("'", "").isalpha():
                continue
            z = wordfreq.zipf_frequency(w, lang)
            if z < MIN_ZIPF:
                continue
            mark = "\tn" if fold(w) in top else ""
            rows.append(f"{w}\t{round(z * 10)}{mark}")
        path = OUT / f"words_{lang}.txt.gz"
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(("\n".join(sorted(rows)) + "\n").encode("utf-8"))
        print(f"{path.relative_to(ROOT)}: {len(rows)} words")


if __name__ == "__main__":
    main()
