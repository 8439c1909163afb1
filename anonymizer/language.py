"""Languages (one table, ``rules/languages.yaml``) and the language of a chat.

Everything language-dependent reads :data:`LANGUAGES`: the NER model, the Faker locale of
the fake names, the phone regions tried first, the lingua detector's languages.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .ruleset import load_yaml


@dataclass(frozen=True)
class Language:
    code: str
    lingua: str
    spacy_model: str
    faker_locale: str
    phone_regions: tuple[str, ...]
    ner_trusted: bool = False
    veto_labels: frozenset[str] = frozenset()


def _table():
    data = load_yaml("languages.yaml")
    fallback = data["fallback_model"]
    out = {}
    for code, row in data["languages"].items():
        out[code] = Language(code=code, lingua=row["lingua"], spacy_model=row.get("spacy_model") or fallback,
                             faker_locale=row["faker_locale"], phone_regions=tuple(row["phone_regions"]),
                             ner_trusted=bool(row.get("ner_trusted")),
                             veto_labels=frozenset(row.get("veto_labels") or ()))
    return out, data.get("default_language", "fr")


LANGUAGES, DEFAULT_LANGUAGE = _table()
SUPPORTED = tuple(LANGUAGES)


def language(code: str | None) -> Language:
    """The row of ``code`` (the default language's for None or an unknown code)."""
    return LANGUAGES.get(code or DEFAULT_LANGUAGE) or LANGUAGES[DEFAULT_LANGUAGE]


def check_language(code: str | None, where: str = "") -> str | None:
    """``code`` if supported (or None); an InputError naming the choices otherwise."""
    if code is not None and code not in LANGUAGES:
        from .errors import InputError
        raise InputError(f"{where}unsupported language {code!r} (choose from {', '.join(SUPPORTED)})")
    return code


@lru_cache(maxsize=1)
def _detector():
    import lingua
    langs = [getattr(lingua.Language, row.lingua) for row in LANGUAGES.values()]
    return lingua.LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def detect_language(texts: list[str], default: str = DEFAULT_LANGUAGE) -> str:
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
