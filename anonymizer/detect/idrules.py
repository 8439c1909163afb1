"""Identifier patterns from ``rules/identifiers.yaml`` (Presidio recogniser format)."""
from __future__ import annotations

from functools import lru_cache

import regex

from ..ruleset import load_yaml
from ..textutil import fold


@lru_cache(maxsize=1)
def _recognizers() -> list[dict]:
    return list((load_yaml("identifiers.yaml") or {}).get("recognizers", []))


@lru_cache(maxsize=None)
def pattern(name: str) -> regex.Pattern:
    """The compiled regex of the pattern called ``name``."""
    for rec in _recognizers():
        for p in rec.get("patterns", []):
            if p.get("name") == name:
                return regex.compile(p["regex"], regex.V0)
    raise KeyError(f"rules/identifiers.yaml has no pattern {name!r}")


@lru_cache(maxsize=None)
def context_words(recognizer: str) -> tuple[str, ...]:
    for rec in _recognizers():
        if rec.get("name") == recognizer:
            return tuple(fold(w) for w in rec.get("context", []) or [])
    return ()


_WORD_CACHE: dict = {}


def has_context(text: str, start: int, end: int, recognizer: str, before: int = 40,
                after: int = 0) -> bool:
    """One of the recogniser's context words (whole words) near ``text[start:end]``."""
    words = context_words(recognizer)
    if not words:
        return False
    rx = _WORD_CACHE.get(recognizer)
    if rx is None:
        body = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
        rx = _WORD_CACHE[recognizer] = regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])")
    window = fold(text[max(0, start - before):start] + " " + text[end:end + after])
    return rx.search(window) is not None
