"""Locate and load the rule data shipped in ``rules/`` (YAML, word lists)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    """``rules/`` beside the package in a checkout, else the installed copy."""
    here = Path(__file__).resolve().parent
    for cand in (here.parent / "rules", here / "_rules"):
        if (cand / "whatsapp_system.yaml").is_file():
            return cand
    raise FileNotFoundError("rule data (rules/whatsapp_system.yaml) is missing from the installation")


# the shipped rules parse to the same data with libyaml's loader, 7x faster (issue 17: start-up)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load_yaml(name: str):
    with open(rules_dir() / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # noqa: S506 - a safe loader


def load_user_yaml(path: str | Path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}
