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


SHORT = 600          # a sample shorter than this (characters) is a short chat: priors weigh in
FUNCTION_ZIPF = 50   # a language's function words: its words at least this frequent (zipf ×10)
FUNCTION_WEIGHT = 2.0  # the share of function words of each language, added to lingua's confidence
REGION_WEIGHT = 0.3    # the participants' phone regions, shared among them


@lru_cache(maxsize=None)
def _function_words(code: str) -> frozenset[str]:
    from .detect.mention import words
    return frozenset(w for w, x in words(code).items() if x.zipf >= FUNCTION_ZIPF and not x.named)


@lru_cache(maxsize=1)
def _region_languages() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, row in LANGUAGES.items():
        for reg in row.phone_regions:
            out.setdefault(reg, code)
    return out


def _sender_regions(senders) -> list[str]:
    """The regions of the international phone numbers among sender labels."""
    import phonenumbers
    out = []
    for label in senders or ():
        digits = label.strip().strip("\u202a\u202c\u200e~ ")
        if not digits.startswith("+"):
            continue
        try:
            reg = phonenumbers.region_code_for_number(phonenumbers.parse(digits, None))
        except phonenumbers.NumberParseException:
            continue
        if reg:
            out.append(reg)
    return out


def detect_language(texts: list[str], default: str = DEFAULT_LANGUAGE, senders=()) -> str:
    """The chat's language: lingua over a sample of its bodies; on a short chat (a few
    messages, names and numbers that fool lingua) the share of each language's function words
    and the regions of the participants' phone numbers (``senders``: sender labels) weigh in."""
    sample = "\n".join(t for t in texts if t and len(t) > 3)[:20000]
    regions = _sender_regions(senders)
    if len(sample) < 10 and not regions:
        return default
    scores: dict[str, float] = {}
    if len(sample) >= 10:
        try:
            for v in _detector().compute_language_confidence_values(sample):
                code = v.language.iso_code_639_1.name.lower()
                if code in SUPPORTED:
                    scores[code] = scores.get(code, 0.0) + v.value
        except Exception:  # pragma: no cover - lingua missing or broken
            pass
    if len(sample) < SHORT:
        import regex
        toks = [t.lower() for t in regex.findall(r"[\p{L}'’]+", clean(sample))]
        hits: dict[str, float] = {}
        for t in toks:  # a function word of several languages shares its vote among them
            codes = [code for code in SUPPORTED if t in _function_words(code)]
            for code in codes:
                hits[code] = hits.get(code, 0.0) + 1 / len(codes)
        total = sum(hits.values())
        for code, h in hits.items():
            scores[code] = scores.get(code, 0.0) + FUNCTION_WEIGHT * h / total
        langs = [_region_languages().get(r) for r in regions]
        for code in langs:
            if code is not None:
                scores[code] = scores.get(code, 0.0) + REGION_WEIGHT / len(langs)
    if not scores:
        return default
    return max(sorted(scores), key=lambda c: scores[c])


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
