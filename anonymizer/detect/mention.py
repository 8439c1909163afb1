"""The one mention rule: is a person's name, written at this place of a text, a mention of them?

A participant called Will, Clio or Ernst, a third party called Diamond Young, a map entry
``porto``: their names are also words, cars, clubs and places.  Every candidate place the
participant matcher finds (:class:`~anonymizer.detect.participants.ParticipantMatcher`, which
detection replaces by and the verifier post-scans with) and every name NER or the gazetteer
proposes (:mod:`anonymizer.detect.names`) is judged here, with the chat's language:

* a token that is no word of the language (``rules/gazetteer/words_<lang>.txt.gz``, frequent
  Hunspell forms with their wordfreq zipf, ``tools/build_words.py``; English words count in
  every chat) and no term (``rules/terms.yaml``: cars, makes, brands, clubs, products; world
  places after a preposition) is always a mention: ``Saïd`` is one, ``said`` is a word;
* a naming context makes any spelling a mention: ``@x``, ``#x``, a cue before it (``avec``,
  ``with``, ``thanks``, ``hola``…), a vocative (``x,`` / ``x !`` / ``x`` alone at the start,
  ``, x`` at the end, ``x tu viens``, ``Will are you coming``), a person verb after it
  (``said``, ``dit``, ``hier``, ``aqui``…), a phone number after it (a list of contacts);
* a word context makes a word a word: a determiner, possessive, pronoun or auxiliary before
  it (``ma Clio``, ``mein Ernst``, ``I will``, ``she said``); a definite article too, except
  in languages that put one before first names (``a Rosa vem``, ``der Quiri``); for a term,
  a preposition or article before it (``do Porto``, ``to Charlotte``), a make before a model
  (``Renault Zoé``), a score or a sports word in the message for a club;
* otherwise a lowercase word is a word mid-sentence and a mention at the start of a sentence
  (``bill from next door``) unless it is function-like (``will``, ``said``, ``hope``); a
  capitalised one is a mention (German nouns: like lowercase), at the start of a sentence
  unless function-like (``Will do``); a word that is also one of the most common first
  names (``dolores``, ``rosa``) or a rare word (``prune``, ``Wolfram``) is a mention unless
  a word context says otherwise.

For a person found in bodies only (NER, gazetteer, ``dynamic``), a term that is no common
first name (``Benfica``, ``Fiorentina``) is a mention only in a naming context.
The data is in ``rules/mention.yaml`` and ``rules/terms.yaml``.
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..ruleset import load_yaml, rules_dir
from ..textutil import fold

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*['’]?")
_LETTER = regex.compile(r"[\p{L}\p{N}]")
_SCORE = regex.compile(r"(?<!\d)\d{1,2}\s?[-:–]\s?\d{1,2}(?!\d)")
_PHONE_AFTER = regex.compile(r"[ \t:]*[+(0-9][0-9 ./()\-]{5,}")
_NUMBER_LATER = regex.compile(r"[^\n\d]{0,40}?[+(]?\d(?:[\d \t./()-]{5,})\d")
_OWNER = regex.compile(r"['’]s[ \t]+([\p{L}-]+)")
_SENT_END = set(".!?…\n\r;")
_SKIP = " \t\u00a0\u202f*_~>\"'«»“”("


_HUMPS = regex.compile(r"[\p{L}\p{M}]*\p{Ll}\p{Lu}[\p{L}\p{M}]*")  # a letter run with a camel hump
_HUMP = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")


_ANY_HUMP = regex.compile(r"\p{Ll}\p{Lu}")


def camel_parts(text: str):
    """The camel-case words of ``text`` (``#TeamJulien``, ``GwenaelleAuBoulot``), each as the
    offsets of its parts: [start, hump, …, end].  Not a short prefix glued to a name
    ("McDonald", "iPhone", "LeBron") unless it is a hashtag or a handle."""
    if _ANY_HUMP.search(text) is None:  # the usual case, one cheap scan
        return
    for m in _HUMPS.finditer(text):
        a, b = m.span()
        cuts = [a] + [x.start() for x in _HUMP.finditer(text, a, b)] + [b]
        if cuts[1] - cuts[0] >= 3 or (a > 0 and text[a - 1] in "#@"):
            yield cuts


@dataclass(frozen=True)
class Word:
    zipf: int      # wordfreq zipf ×10 in the language it was found in
    named: bool    # also one of the most common first names (the word does not dominate)


def _fold_set(words) -> frozenset[str]:
    return frozenset(fold(str(w)) for w in words or ())


def _phrases(words) -> tuple[str, ...]:
    return tuple(sorted(_fold_set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def rules() -> dict:
    m = load_yaml("mention.yaml") or {}
    t = load_yaml("terms.yaml") or {}
    cues = (load_yaml("names.yaml") or {}).get("cues") or {}  # the naming cues ("my name is") are naming contexts
    terms: dict[str, str] = {}
    for kind in ("products", "brands", "clubs", "cars", "makes"):
        for w in t.get(kind, []) or []:
            terms[fold(str(w))] = kind
    return {
        "opener": int(m.get("opener_zipf", 54)),
        "english": int(m.get("english_zipf", 45)),
        "rare": int(m.get("rare_zipf", 35)),
        "surname_word": int(m.get("surname_word_zipf", 48)),
        "noun": int(m.get("german_noun_zipf", 45)),
        "article_names": frozenset(m.get("names_after_article", []) or []),
        "determiners": {k: _fold_set(v) for k, v in (m.get("determiners") or {}).items()},
        "function": {k: _fold_set(v) for k, v in (m.get("function_before") or {}).items()},
        "definite": {k: _fold_set(v) for k, v in (m.get("definite") or {}).items()},
        "term_before": _fold_set(m.get("term_before")),
        "club_before": _fold_set(m.get("club_before")),
        "cues": _phrases(list(m.get("cues_before") or []) + list(cues.get("naming") or [])),
        "place_before": _fold_set(m.get("place_before")),
        "pronouns": _fold_set(m.get("second_pronouns")),
        "verbs2": _fold_set(m.get("second_verbs")),
        "verbs_pron": _fold_set(m.get("verbs_before_pronoun")),
        "after": _phrases(m.get("person_after")),
        "sports": _fold_set(m.get("sports")),
        "linking": _fold_set(m.get("linking")),
        "possessed": _fold_set(m.get("possessed")),
        "call": _phrases(cues.get("call")),
        "greetings": _phrases(m.get("greetings")),
        "terms": terms,
        "also_names": _fold_set(t.get("also_names")),
        "makes": _fold_set(t.get("makes")),
        "max_term_words": max((len(k.split()) for k in terms), default=1),
    }


def _lines(name: str):
    """The lines of ``rules/gazetteer/<name>`` (gzip), none when it is missing."""
    path = rules_dir() / "gazetteer" / name
    if not path.is_file():
        return
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n")


@lru_cache(maxsize=None)
def words(lang: str) -> dict[str, Word]:
    """The frequent words of ``lang`` as written, lowercased: word -> :class:`Word` ({} when the
    language has no list)."""
    out: dict[str, Word] = {}
    for line in _lines(f"words_{lang}.txt.gz"):
        parts = line.split("\t")
        if len(parts) >= 2:
            out[parts[0]] = Word(int(parts[1]), len(parts) > 2 and parts[2] == "n")
    return out


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(_lines("world_places.txt.gz")) - {""}


@lru_cache(maxsize=1)
def _top_names() -> frozenset[str]:
    return frozenset(_lines("top_first_names.txt.gz")) - {""}


def _place_at(folded: str, s: int, e: int, names_too: bool = True) -> bool:
    """Is folded[s:e] with the next words ("viana" + "do castelo") a world place, or alone
    (when ``names_too`` or it is none of the most common first names: "to Logan" is a person)?"""
    places = _places()
    end = folded.find("\n", e)
    words = folded[e:len(folded) if end < 0 else end].split()[:3]
    if any(folded[s:e] + " " + " ".join(words[:k]) in places for k in range(1, len(words) + 1)):
        return True
    return folded[s:e] in places and (names_too or folded[s:e] not in _top_names())


@lru_cache(maxsize=65536)
def word_of(surface: str, lang: str | None) -> Word | None:
    """``surface`` (one or more words, as written) as a word of ``lang`` — or of English, for a
    frequent English word — else None.  Several words: a word only when each one is."""
    low = surface.lower()
    parts = low.split()
    if len(parts) > 1:
        ws = [word_of(p, lang) for p in parts]
        if any(w is None for w in ws):
            return None
        return Word(min(w.zipf for w in ws), any(w.named for w in ws))
    w = words(lang).get(low) if lang else None
    if lang != "en" and not (w is not None and w.named):
        e = words("en").get(low)
        if e is not None and e.zipf >= rules()["english"] and (w is None or e.zipf > w.zipf):
            w = e
    return w


@lru_cache(maxsize=1)
def lexicon_langs() -> tuple[str, ...]:
    """The languages that have a word list (``rules/gazetteer/words_<lang>.txt.gz``)."""
    return tuple(sorted(p.name[len("words_"):-len(".txt.gz")]
                        for p in (rules_dir() / "gazetteer").glob("words_*.txt.gz")))


@lru_cache(maxsize=65536)
def word_anywhere(surface: str, below: int | None = None) -> bool:
    """Is ``surface`` a word of any language's list (with a zipf of ``below`` or more, when given:
    a rare word of every list is no word here)?"""
    for code in lexicon_langs():
        w = word_of(surface, code)
        if w is not None and (below is None or w.zipf >= below):
            return True
    return False


def _make_and_model(key: str) -> bool:
    """A car make before a model or a number: "renault zoe", "seat leon", "peugeot 208"."""
    ws = key.split()
    makes, terms = rules()["makes"], rules()["terms"]
    return any(a in makes and (terms.get(b) == "cars" or any(c.isdigit() for c in b)) for a, b in zip(ws, ws[1:]))


def term_of(folded: str) -> str | None:
    """The kind of term (``cars``, ``makes``, ``brands``, ``clubs``, ``products``) ``folded`` is."""
    return rules()["terms"].get(folded)


# ---------------------------------------------------------------------------- context
def _prev_words(folded: str, s: int, n: int = 3) -> list[tuple[str, int, int]]:
    """Up to ``n`` words before ``s`` on the same line, nearest first, stopping at sentence
    punctuation: [(word, start, end)]."""
    out = []
    i = s
    line = folded.rfind("\n", 0, s) + 1
    while len(out) < n and i > line:
        j = i
        while j > line and not _LETTER.match(folded, j - 1):
            if folded[j - 1] in ".!?…;:,":
                return out
            j -= 1
        if j <= line:
            break
        k = j
        while k > line and (_LETTER.match(folded, k - 1) or folded[k - 1] in "'’-\u0300\u0301"):
            k -= 1
        out.append((folded[k:j], k, j))
        i = k
    return out


def _next_words(folded: str, e: int, n: int = 2) -> list[str]:
    out = []
    pos = e
    end = folded.find("\n", e)
    end = len(folded) if end < 0 else end
    while len(out) < n:
        m = _WORD.search(folded, pos, end)
        if m is None:
            break
        if any(c in ".!?…;:," for c in folded[pos:m.start()]):
            break
        out.append(m.group())
        pos = m.end()
    return out


def _at_start(text: str, s: int) -> tuple[bool, bool]:
    """(message start: nothing but spaces, markup or symbols before, sentence start)."""
    i = s - 1
    while i >= 0 and (text[i] in _SKIP or not (text[i].isalnum() or text[i] in _SENT_END or text[i] in ",'’")):
        i -= 1
    if i < 0:
        return True, True
    return False, text[i] in _SENT_END or text[i] == ":"


def ends_with_phrase(head: str, phrases: tuple[str, ...]) -> bool:
    """Does ``head`` end with one of ``phrases`` as whole words (not "tchao" for "ciao")?"""
    if not head.endswith(phrases):  # one C call for the usual "no" answer
        return False
    for p in phrases:
        if head.endswith(p):
            k = len(head) - len(p)
            if k == 0 or not head[k - 1].isalnum():
                return True
    return False


def _starts_with(tail: str, phrases) -> bool:
    if not tail.startswith(phrases):
        return False
    for p in phrases:
        if tail.startswith(p) and (len(tail) == len(p) or not tail[len(p)].isalnum()):
            return True
    return False


def person_follows(folded: str, e: int) -> bool:
    """Does what follows ``e`` say a person does something ("a dit", "arriva", "kommt", "said")?"""
    return _starts_with(folded[e:e + 30].lstrip(" \t\u00a0"), rules()["after"])


def owner_here(folded: str, e: int) -> bool:
    """Is the word ending at ``e`` the owner of what only a person has ("Wystan's mum", "at
    dawn's place", "Seonaidh's email")?"""
    m = _OWNER.match(folded, e)
    return m is not None and m.group(1) in rules()["possessed"]


def called_here(folded: str, s: int, e: int) -> bool:
    """``folded[s:e]`` right after a call cue with a number later on its line: who is called
    ("liga ao graça para o 912…", "chiama primo al 612…"), even a word."""
    head = folded[max(0, s - 24):s].rstrip(" \t")
    return bool(head) and ends_with_phrase(head, rules()["call"]) and _NUMBER_LATER.match(folded, e) is not None


def _greeted(text: str, folded: str, s: int) -> bool:
    """Is ``s`` right after a greeting that opens the message or sentence ("oye paz vienes?")?"""
    base = max(0, s - 16)
    head = folded[base:s].rstrip(" \t\u00a0,")
    for g in rules()["greetings"]:
        if head.endswith(g) and (len(head) == len(g) or not head[-len(g) - 1].isalnum()):
            return any(_at_start(text, base + len(head) - len(g)))
    return False


def _naming(text: str, folded: str, s: int, e: int, start: bool, function_like: bool,
            vocative: bool = True) -> int:
    """0: no naming context; 2: ``@x``, ``#x`` or a cue before it; 1: another one.  ``vocative``:
    a bare "x," / "x !" / "x" alone counts (for a known person, not to propose one)."""
    r = rules()
    if s > 0 and text[s - 1] in "@#":
        return 2
    head = folded[max(0, s - 30):s].rstrip(" \t\u00a0,:!")
    if head and ends_with_phrase(head, r["cues"]):
        return 2  # a cue: stronger than any word before it ("my name is vitoria")
    if called_here(folded, s, e):
        return 2
    if owner_here(folded, e):
        return 1  # "at dawn's place" (1: a word context still wins, "at my mum's place")
    rest = text[e:]
    nl = rest.find("\n")
    line_rest = rest if nl < 0 else rest[:nl]
    after = line_rest.lstrip(" \t\u00a0")
    if not vocative:
        pass
    elif start:
        if not after or after[0] in ",!?:" or not _LETTER.search(line_rest):
            return True  # "x, …", "x !", "Padrig", "haukeee 😂"
    elif not _LETTER.search(line_rest) and folded[:s].rstrip(" \t").endswith(","):
        return True  # "…, x"
    nxt = _next_words(folded, e, 2)
    if nxt:
        if start or _greeted(text, folded, s):
            if not function_like and (nxt[0] in r["pronouns"] or nxt[0] in r["verbs2"]
                                      or nxt[0].startswith(("t'", "t’"))):
                return True  # "clio tu viens", "rose t'as", "Mercedes vienes"
            if len(nxt) > 1 and nxt[0] in r["verbs_pron"] and nxt[1] in r["pronouns"]:
                return True  # "Will are you coming", "Ernst kommst du"
        tail = folded[e:e + 30].lstrip(" \t\u00a0")
        if _starts_with(tail, r["after"]):
            return True  # "dawn said", "Grace here", "Ernst hier"
    if _PHONE_AFTER.match(text, e) and sum(c.isdigit() for c in text[e:e + 24]) >= 6:
        return True  # "Grace +44 7700 900282": a contact list
    return False


def _word_context(folded: str, prev: list, lang: str, english: bool, capitalised: bool, term: bool,
                  lower: bool = False) -> bool:
    """A determiner before the token (any case), or for a lowercase(-like) token a pronoun,
    auxiliary or adverb ("I will", "she said", "das ist ernst")."""
    if not prev:
        return False
    r = rules()
    w = prev[0][0]
    dets = r["determiners"].get(lang, frozenset())
    if w in dets or (english and w in r["determiners"].get("en", ())):
        return True
    if lower and (w in r["function"].get(lang, ()) or (english and w in r["function"].get("en", ()))):
        return True
    if w in r["definite"].get(lang, ()) or (english and w in r["definite"].get("en", ())):
        return term or not (capitalised and lang in r["article_names"])
    return False


def _term_context(text: str, folded: str, s: int, e: int, prev: list, kind: str | None, lang: str) -> bool:
    r = rules()
    if prev:
        w = prev[0][0]
        if kind is not None and (w in r["term_before"] or w in r["makes"] or w in r["determiners"].get(lang, ())
                                 or kind == "clubs" and w in r["club_before"]):
            return True
        if kind is None and w in r["place_before"] and _place_at(folded, s, e):
            return True
        if kind is not None and len(prev) > 1 and text[prev[0][1]:prev[0][2]].islower() \
                and w not in r["linking"] \
                and (prev[1][0] in r["term_before"] or prev[1][0] in r["determiners"].get(lang, ())
                     or prev[1][0] in r["determiners"].get("en", ())):
            return True  # "ma vieille Clio", "a used Yaris", "nen gebrauchten Polo"
    if kind is None:
        m = regex.match(r",[ \t]*\p{Lu}{2}\b", text[e:e + 5])
        return bool(m and folded[s:e] in _places())  # "Charlotte, NC"
    if kind == "clubs":
        line_s = text.rfind("\n", 0, s) + 1
        line_e = text.find("\n", e)
        line = folded[line_s:len(text) if line_e < 0 else line_e]
        if _SCORE.search(line) or any(m.group() in r["sports"] for m in _WORD.finditer(line)):
            return True
    return False


def named_here(text: str, s: int, e: int, lang: str | None, folded: str | None = None) -> bool:
    """Is ``text[s:e]`` (a word that is also a first name) in a naming context, with no word
    context before it: ``Dawn coming too?``, ``yeah dawn said``, ``Grace here`` — so a name
    even when nobody is known by it yet (detection proposes it, :mod:`anonymizer.detect.gazetteer`)."""
    if folded is None:
        folded = fold(text)
    word = word_of(text[s:e], lang)
    function_like = word is not None and word.zipf >= rules()["opener"] and not word.named
    msg_start, sent_start = _at_start(text, s)
    naming = _naming(text, folded, s, e, msg_start or sent_start, function_like, vocative=False)
    if naming != 1:
        return bool(naming)
    letters = [c for c in text[s:e] if c.isalpha()]
    capitalised = bool(letters) and letters[0].isupper()
    english = lang == "en" or word_of(text[s:e], None) is not None
    return not _word_context(folded, _prev_words(folded, s, 3), lang or "", english, capitalised, False,
                             not capitalised)


def is_mention(text: str, s: int, e: int, lang: str | None, folded: str | None = None,
               dynamic: bool = False) -> bool:
    """Is ``text[s:e]`` (a name of a person) a mention of that person here?  ``lang``: the
    chat's language; ``dynamic``: the person was found in bodies (NER), not in the structure
    (then a lowercase single word is one in a naming context only)."""
    surface = text[s:e]
    if folded is None:
        folded = fold(text)
    key = folded[s:e]
    letters = [c for c in surface if c.isalpha()]
    capitalised = bool(letters) and letters[0].isupper()
    r = rules()
    word = word_of(surface, lang)
    kind = term_of(key)
    if dynamic and " " in key and _make_and_model(key):
        word, kind = None, "cars"  # "Renault Zoé", "Fiat Punto", "el Seat León" (found in a body: no person)
    if dynamic and not capitalised and " " not in key:
        # somebody found in bodies, written lowercase: only where named ("dawn said"), not
        # every "jsuis" after one "Jsuis", nor "speranza è l'ultima a morire" after "Speranza"
        return named_here(text, s, e, lang, folded)
    if word is None and kind is None:
        if not dynamic:
            return True
        prev = _prev_words(folded, s, 2)
        if not prev or prev[0][0] not in r["place_before"] or not _place_at(folded, s, e, names_too=False):
            return True
        # a place after a preposition ("leva-o a Sintra", "em Viana do Castelo"): a person
        # found in bodies only is one there in a naming context only
    function_like = word is not None and word.zipf >= r["opener"] and not word.named
    msg_start, sent_start = _at_start(text, s)
    start = msg_start or sent_start
    if _naming(text, folded, s, e, start, function_like):
        return True
    prev = _prev_words(folded, s, 3)
    if _term_context(text, folded, s, e, prev, kind, lang or ""):
        return False  # "ma vieille Clio", "o Benfica", "do Porto", "Charlotte, NC"
    if word is None:  # a term, no word
        return not dynamic or key in r["also_names"]
    english = lang == "en" or (word is not None and word_of(surface, None) is not None)
    # German writes nouns capitalised: a frequent one ("Ernst", "Engel") is read like lowercase
    lower = not capitalised or (word is not None and lang == "de" and not surface.isupper()
                                and word.zipf >= r["noun"])
    if _word_context(folded, prev, lang or "", english, capitalised, kind is not None, lower):
        return False
    if kind is not None and dynamic and key not in r["also_names"] and not word.named:
        return False  # a car, a club found in a body: no person (unless also a common first name)
    if (word.named or word.zipf < r["rare"]) and not (dynamic and lower):
        return True  # "dolores", "rosa", "prune", "Wolfram": a name unless the words before say otherwise
    if lower:
        return start and not function_like
    return not (start and function_like)
