"""Language of a chat (chooses the NER model, the Faker locale, default phone region)."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

SUPPORTED = ("fr", "en", "de", "es", "it", "pt", "nl")
DEFAULT_REGION = {"fr": "FR", "en": "US", "de": "DE", "es": "ES", "it": "IT", "pt": "PT", "nl": "NL"}
# every region a chat in that language commonly uses (each costs one phonenumbers pass)
REGIONS = {"fr": ["FR", "BE", "CH"], "en": ["US", "GB"], "de": ["DE", "AT", "CH"], "es": ["ES", "MX"],
           "it": ["IT"], "pt": ["PT", "BR"], "nl": ["NL", "BE"]}


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder
    langs = [Language.FRENCH, Language.ENGLISH, Language.GERMAN, Language.SPANISH,
             Language.ITALIAN, Language.PORTUGUESE, Language.DUTCH]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def detect_language(texts: list[str], default: str = "fr") -> str:
    sample = "\n".join(t for t in texts if t and len(t) > 3)[:20000]
    if len(sample) < 10:
        return default
    try:
        lang = _detector().detect_language_of(sample)
    except Exception:  # pragma: no cover - lingua missing or broken
        return default
    if lang is None:
        return default
    code = lang.iso_code_639_1.name.lower()
    return code if code in SUPPORTED else default


# ---------------------------------------------------------------------------- mixed chats
# Per-message language, only where a chat mixes languages (issue 3).  The chat's language
# stays the default of every message; a message gets another one only when the chat is
# *mixed* — a sample of its messages holds at least MIXED_MIN (and MIXED_SHARE of the
# sample) confidently detected in one same other language — and lingua is confident about
# that message itself.  Short chat messages are noisy in lingua's low-accuracy mode ("Merci
# ousmane et ines" reads as Spanish), hence the cleaning, the length floor and the
# confidence bar: a single-language chat keeps one language, so its output is unchanged.
MIN_CHARS = 20        # cleaned characters for a message to be looked at
MIN_WORDS = 3
CONFIDENT = 0.9       # lingua confidence of the top language, per message
MIXED_MIN = 3         # messages in one other language, at least…
MIXED_SHARE = 0.2     # …and this share of the sampled messages
SAMPLE = 300          # messages looked at to decide whether a chat is mixed

_cache: dict[str, str | None] = {}
_CACHE_MAX = 200_000


def _noise():
    import regex
    return regex.compile(r"https?://\S+|www\.\S+|\S+@\S+|<[^>]*>|\S*\d\S*|[\p{So}\p{Sk}\p{Cf}]+")


_NOISE = None


def clean(text: str) -> str:
    """The words lingua should see: no URLs, addresses, attachments, numbers, emoji."""
    global _NOISE
    if _NOISE is None:
        _NOISE = _noise()
    return " ".join(_NOISE.sub(" ", text).split())


def _eligible(text: str) -> str | None:
    c = clean(text)
    return c if len(c) > MIN_CHARS and len(c.split()) >= MIN_WORDS else None


def confident_languages(texts: list[str]) -> list[str | None]:
    """Each text's language where lingua is confident (cached), else None."""
    out: list[str | None] = [None] * len(texts)
    todo: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        c = _eligible(t)
        if c is None:
            continue
        if c in _cache:
            out[i] = _cache[c]
        else:
            todo.setdefault(c, []).append(i)
    if todo:
        keys = list(todo)
        try:
            det = _detector()
            batch = getattr(det, "compute_language_confidence_values_in_parallel", None)
            values = batch(keys) if batch else [det.compute_language_confidence_values(k) for k in keys]
        except Exception:  # pragma: no cover - lingua missing or broken
            return out
        if len(_cache) > _CACHE_MAX:
            _cache.clear()
        for k, vals in zip(keys, values):
            code = None
            if vals and vals[0].value >= CONFIDENT:
                code = vals[0].language.iso_code_639_1.name.lower()
                code = code if code in SUPPORTED else None
            _cache[k] = code
            for i in todo[k]:
                out[i] = code
    return out


def message_languages(texts: list[str], lang: str) -> list[str] | None:
    """The language of each text where the chat (``texts``, its bodies in order) mixes
    languages; None when it does not (every text is in ``lang``, the chat's language)."""
    cand = [i for i, t in enumerate(texts) if len(t) > MIN_CHARS]
    if len(cand) < MIXED_MIN:
        return None
    step = max(1, len(cand) // SAMPLE)
    sample = cand[::step][:SAMPLE]
    found = confident_languages([texts[i] for i in sample])
    others = Counter(c for c in found if c is not None and c != lang)
    if not others or others.most_common(1)[0][1] < max(MIXED_MIN, MIXED_SHARE * len(sample)):
        return None
    langs = confident_languages(texts)
    return [c or lang for c in langs]


def group_by_language(texts: list[str], lang: str) -> dict[str, list[int]] | None:
    """``{language: [text index]}`` for a mixed chat (see :func:`message_languages`), else None."""
    langs = message_languages(texts, lang)
    if langs is None or all(c == lang for c in langs):
        return None
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(langs):
        groups.setdefault(c, []).append(i)
    return groups


def find_names_by_language(engine, texts: list[str], lang: str, find, groups=None) -> list[list] | None:
    """Name findings of a mixed chat's ``texts``, each found by its own language's
    detector: ``find(lang, texts) -> [[Finding]]`` runs one group.  None when the chat is
    not mixed (or the language was given: ``engine.language``) — the caller runs ``lang``.
    ``groups``: :func:`group_by_language`'s answer, when already known."""
    if getattr(engine, "language", None):
        return None
    groups = groups or group_by_language(texts, lang)
    if groups is None:
        return None
    out: list = [None] * len(texts)
    for code in sorted(groups, key=lambda c: (c != lang, c)):
        idx = groups[code]
        for i, res in zip(idx, find(code, [texts[i] for i in idx])):
            out[i] = res
    return out


class MixedNameRunner:
    """A ``parallel.NameRunner`` for the streaming pass that sends each batch's messages to
    their language's detector when the chat is mixed (one runner per language, made on
    first use); otherwise exactly the chat language's runner."""

    def __init__(self, engine, lang: str, runner, jobs=1):
        self.engine, self.lang, self.runner, self.jobs = engine, lang, runner, jobs
        self.others: dict = {}

    def _find(self, code, texts):
        if code == self.lang:
            return self.runner.find(texts)
        if code not in self.others:
            from .pipeline.executors import NameRunner
            jobs = 1 if isinstance(self.jobs, int) else self.jobs  # one fork pool: the main runner's
            self.others[code] = NameRunner(self.engine._ner(code), jobs)
        return self.others[code].find(texts)

    def find(self, texts: list[str]) -> list[list]:
        return self.submit(texts)()

    def submit(self, texts: list[str]):
        """As ``NameRunner.submit``: a monolingual batch goes to the workers at once; a
        mixed one is run here, language by language."""
        groups = None if getattr(self.engine, "language", None) else group_by_language(texts, self.lang)
        if groups is None:
            return self.runner.submit(texts)
        out = find_names_by_language(self.engine, texts, self.lang, self._find, groups)
        return lambda: out

    def close(self):
        for r in self.others.values():
            r.close()
        self.runner.close()
