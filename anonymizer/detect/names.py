"""Other people's names in bodies: a real spaCy NER model, read as Presidio's SpacyRecognizer.

The spaCy pipeline is loaded from an installed package (never downloaded) by
``detect/nlp.py`` (NER only, start-up caches), and run in batches (``nlp.pipe``, as
Presidio's ``SpacyNlpEngine.process_batch`` does); :func:`person_entities` keeps the
entities Presidio's ``SpacyRecognizer`` would report as PERSON, with its score.  A cheap
pre-filter skips texts that cannot hold a capitalised name, and results are filtered by the
allow-list in ``rules/names.yaml``.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from ..ruleset import load_yaml
from ..textutil import PARTICLES, fold
from .base import PERSON, Finding
from .gazetteer import detector as gazetteer
from .gazetteer import drop_non_person_context
from .nlp import load_spacy, require_model  # noqa: F401  (require_model: used by pipeline/executors)
from .mention import is_mention, term_of, word_of

# The spaCy model of each language, whether its PERSON label is trusted and which labels veto
# a weak gazetteer guess: rules/languages.yaml (languages without a model of their own use the
# French one: Latin-script names are capitalised the same way).  ORG is no veto: the small
# English model labels half of the real names it sees in lists ORG; GPE/LOC veto only a guess
# holding no known first name ("Kenosha", not "Rebecca").
PLACE_LABELS = frozenset(["GPE", "LOC"])
PERSON_LABELS = frozenset(["PERSON", "PER"])
_CAP_RE = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{Ll}\p{M}]")
_TRIM = " \t'’\"«»“”.,;:!?()[]{}-–—*_~"
_HUMP = regex.compile(r"\p{Ll}\p{Lu}")
_NAME_WORD = regex.compile(r"\p{Lu}[\p{L}\p{M}]*(?:['’\-]\p{L}[\p{L}\p{M}]*)*\.?")


@lru_cache(maxsize=1)
def allow_words() -> frozenset[str]:
    data = load_yaml("names.yaml") or {}
    words = {fold(w) for w in data.get("allow", []) or []}
    words |= {fold(w) for w in data.get("calendar", []) or []}
    return frozenset(words)


# Presidio's SpacyRecognizer semantics, without importing presidio_analyzer (its package
# imports all 170 of its recognisers: ~1 s of start-up, issue 17).  What Presidio's
# SpacyNlpEngine does with a NerModelConfiguration of this mapping and ignore list, then its
# SpacyRecognizer(supported_entities=["PERSON"]): drop ignored labels, map the others, keep
# PERSON, score NerModelConfiguration's default_score (no low-score entity names).
# tests/test_startup.py runs the real Presidio classes side by side on the corpus.
PRESIDIO_MAPPING = {"PER": "PERSON", "PERSON": "PERSON", "LOC": "LOCATION",
                    "ORG": "ORGANIZATION", "GPE": "LOCATION"}
PRESIDIO_IGNORE = frozenset(["MISC", "LOC", "ORG", "GPE", "NORP", "FAC", "PRODUCT", "EVENT",
                             "WORK_OF_ART", "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT",
                             "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"])
NER_SCORE = 0.85


def person_entities(doc) -> list[tuple[int, int, float]]:
    """(start, end, score) of the entities Presidio's SpacyRecognizer reports as PERSON."""
    out = []
    for ent in doc.ents:
        label = ent.label_
        if label in PRESIDIO_IGNORE:
            continue
        label = PRESIDIO_MAPPING.get(label, label)
        if label == PERSON and label not in PRESIDIO_IGNORE:
            out.append((ent.start_char, ent.end_char, NER_SCORE))
    return out


def model_for(lang: str) -> str:
    from ..language import language
    return language(lang).spacy_model


def may_hold_name(text: str) -> bool:
    """Cheap filter: NER only finds capitalised names, skip texts without a capital word."""
    for m in _CAP_RE.finditer(text):
        s = m.start()
        e = s + 1
        while e < len(text) and (text[e].isalpha() or text[e] in "-'’"):
            e += 1
        if fold(text[s:e]) not in allow_words():
            return True
    return False


@lru_cache(maxsize=1)
def _settled_words() -> tuple[frozenset, object]:
    """(words a capitalised token may be anywhere without needing NER: allow-list, stop
    words; a test for words that need no NER at the start of a sentence — dictionary words
    that are no first name or surname ("Bonjour", "Trop"), and the frequent dictionary forms
    of ``initial_words`` ("Appelle", "Forwarding", "Got"), see tools/build_gazetteer.py).
    The lists are tested in place (looked up in ``data()`` at each call: the gazetteer may
    swap a lazily loaded list for its full set): no second copy of the 450,000 dictionary words."""
    from .gazetteer import data
    d = data()
    known = frozenset(allow_words() | d["stop"] | d["allow"])

    def opener(f: str) -> bool:
        return f in d["initial"] or (f in d["common"] and f not in d["first"] and f not in d["last"]
                                     and f not in d["top"])
    return known, opener


_POSSESSIVE = ("'s", "’s")


def needs_ner(text: str, found: list[Finding], known=frozenset(), veto=False) -> bool:
    """Whether NER could add anything to the cheap findings ``found`` of ``text`` (issue 6).

    NER only finds capitalised names.  A body needs it when some capitalised word is not
    accounted for: not in the allow/stop lists or ``known`` (the participants' name tokens,
    which the participant matcher finds anyway), not a dictionary word opening a sentence,
    and not inside a name the gazetteer already found.  With ``veto`` (a model whose labels
    veto weak gazetteer guesses), a guess counts only with a strong cue or a known first
    name (the place veto spares those).  A possessive ("Oliver's") is its name; a hyphenated
    or elided word ("Envoie-moi", "Who's") is accounted for when each part is."""
    words, opener = _settled_words()
    gaz = None
    for m in _CAP_RE.finditer(text):
        s = m.start()
        e = s + 1
        while e < len(text) and (text[e].isalpha() or text[e] in "-'’"):
            e += 1
        if text.endswith(_POSSESSIVE, s, e) and e - s > 3:
            e -= 2
        f = fold(text[s:e])
        if f in words or f in known:
            continue
        before = text[:s].rstrip()
        opening = not before or before[-1] in ".!?<…:"
        if opening and opener(f):
            continue
        covered = False
        for g in found:
            if g.start <= s and e <= g.end:
                if veto and g.score < 0.9:
                    gaz = gaz or gazetteer()
                    if not gaz.has_first_name(g.text):
                        continue
                covered = True
                break
        if covered:
            continue
        parts = regex.split(r"[-'’]", f)
        if len(parts) > 1 and all(p in words or p in known or (k == 0 and opening and opener(p))
                                  or len(p) <= 1 for k, p in enumerate(parts)):
            continue
        return True
    return False


def clean_entity(text: str, s: int, e: int) -> tuple[int, int] | None:
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    ent = text[s:e]
    if len(ent) < 2 or any(c.isdigit() for c in ent) or "@" in ent or "/" in ent:
        return None
    if not any(c.isupper() for c in ent):
        return None
    words = ent.split()
    # drop leading greetings / allow-listed words ("Thanks Chantal", "Merci Jean")
    while words and fold(words[0].strip(_TRIM)) in allow_words():
        s = text.index(words[0], s) + len(words[0])
        while s < e and text[s] in _TRIM:
            s += 1
        words = words[1:]
    if not words:
        return None
    ent = text[s:e]
    # every word must look like a name: capitalised (particles aside), no dots inside
    for w in words:
        if w.lower() in PARTICLES:
            continue
        if not _NAME_WORD.fullmatch(w):
            return None
    if len(words) == 1 and ent.isupper() and len(ent) <= 4:
        return None  # acronyms: USA, CEO, RDV
    if len(words) > 4:
        return None
    return s, e


def mentioned(text: str, found: list[Finding], lang: str | None) -> list[Finding]:
    """The findings the mention rule keeps (:mod:`anonymizer.detect.mention`; a name found in
    a body is judged as a person found in bodies): not "ma vieille Clio", "o Benfica", "Will do"."""
    if not found:
        return found
    folded = fold(text)
    # a lowercase name the gazetteer found by its own rules ("dis à youenn", lists "adam, chad
    # and caleb": a list of names is a naming context) stays when it is no term
    return [f for f in found if f.kind != PERSON or f.text.islower() and " " not in f.text
            and (f.score <= 0.7 or word_of(f.text, lang) is None and term_of(folded[f.start:f.end]) is None)
            or is_mention(text, f.start, f.end, lang, folded, dynamic=True)]


def merge(gaz: list[Finding], ner: list[Finding]) -> list[Finding]:
    """Union of gazetteer and NER spans: where they overlap, the longer span wins."""
    out = list(gaz)
    for f in ner:
        clash = [g for g in out if g.overlaps(f)]
        if not clash:
            out.append(f)
        elif _HUMP.search(f.text) and " " not in f.text:
            continue  # "#TeamJulien": the name the gazetteer found inside, not the whole hashtag
        elif all(f.end - f.start > g.end - g.start for g in clash):
            out = [g for g in out if g not in clash] + [f]
    return sorted(out, key=lambda x: x.start)


class NameDetector:
    def __init__(self, lang: str = "fr", rules=None, batch_size: int = 256):
        """``rules``: the engine's user word rules (:class:`gazetteer.WordRules`), or None."""
        from .gazetteer import NO_RULES
        self.lang = lang
        self.rules = rules or NO_RULES
        self.model = model_for(lang)
        self.batch_size = batch_size
        require_model(self.model)  # a missing model is a one-line error now, not in a worker
        from ..language import language
        row = language(lang)
        self.trusted = row.ner_trusted
        self.veto = row.veto_labels
        self.known: frozenset[str] = frozenset()  # folded tokens settled without NER (needs_ner)

    @property
    def nlp(self):
        """The spaCy pipeline, loaded on first use (once per process, ``nlp.load_spacy``): with
        --jobs the workers load it while the main process reads the chat's structure (issue 6)."""
        return load_spacy(self.model)


    def pipe(self, texts: list[str]):
        """spaCy docs of ``texts``, batched (what Presidio's SpacyNlpEngine.process_batch runs)."""
        return self.nlp.pipe(texts, batch_size=self.batch_size)

    def find_batch(self, texts: list[str]) -> list[list[Finding]]:
        """NER (batched, on texts that may hold a capitalised name) + gazetteer/cues, merged."""
        gaz = gazetteer(self.rules)
        results: list[list[Finding]] = [gaz.find(t, self.lang, self.known) for t in texts]
        veto = bool(self.veto)
        todo = []
        for i, t in enumerate(texts):
            if needs_ner(t, results[i], self.known, veto):
                todo.append(i)
            elif results[i]:  # as below, without the model's view
                if may_hold_name(t):
                    results[i] = drop_non_person_context(t, results[i])
                results[i] = mentioned(t, results[i], self.lang)
        if not todo:
            return results
        batch = [texts[i] for i in todo]
        for i, doc in zip(todo, self.pipe(batch)):
            text = texts[i]
            ner = []
            for start, end, score in person_entities(doc):
                span = clean_entity(text, start, end)
                if span is None:
                    continue
                s, e = span
                if not gaz.plausible(text[s:e], self.trusted):
                    continue
                ner.append(Finding(s, e, PERSON, text[s:e], float(score), "ner"))
            if self.veto and results[i]:
                results[i] = self._vetoed(results[i], doc)
            if ner:
                results[i] = merge(results[i], ner)
            if results[i]:
                results[i] = mentioned(text, drop_non_person_context(text, results[i]), self.lang)
        return results

    def _vetoed(self, found: list[Finding], doc) -> list[Finding]:
        """Drop gazetteer guesses (no strong cue) that the model labels a place/organisation/…"""
        ents = getattr(doc, "ents", None)
        if not ents:
            return found
        other = [(e.start_char, e.end_char) for e in ents if e.label_ in self.veto]
        places = [(e.start_char, e.end_char) for e in ents if e.label_ in PLACE_LABELS]
        if not (other or places):
            return found
        people = [(e.start_char, e.end_char) for e in ents if e.label_ in PERSON_LABELS]
        gaz = gazetteer()
        out = []
        for f in found:
            if f.detector == "gazetteer" and f.score < 0.9 \
                    and not any(a < f.end and f.start < b for a, b in people):
                if any(a < f.end and f.start < b for a, b in other):
                    continue
                if any(a < f.end and f.start < b for a, b in places) and not gaz.has_first_name(f.text):
                    continue
            out.append(f)
        return out

    def find(self, text: str) -> list[Finding]:
        return self.find_batch([text])[0]
