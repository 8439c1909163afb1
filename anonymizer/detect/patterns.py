"""Pattern recognisers kept as Presidio-compatible YAML in rules/recognizers.yaml."""
from __future__ import annotations

from functools import lru_cache

import regex

from ..ruleset import load_yaml


@lru_cache(maxsize=None)
def compiled_patterns(entity: str):
    data = load_yaml("recognizers.yaml")
    out = []
    for rec in data.get("recognizers", []):
        if rec.get("supported_entity") != entity:
            continue
        for p in rec.get("patterns", []):
            out.append((regex.compile(p["regex"], regex.V0), float(p.get("score", 0.8))))
    return tuple(out)
