"""Language of a chat (chooses the NER model, the Faker locale, default phone region)."""
from __future__ import annotations

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
