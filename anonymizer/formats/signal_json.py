"""signal-export ``data.json``: JSON Lines written beside ``chat.md``, one message a line
(``json.dumps(asdict(Message), ensure_ascii=False)`` in carderne/signal-export)::

    {"date": "2024-01-05T12:34:56", "sender": "Alice", "body": "text  ", "quote": "",
     "sticker": "", "reactions": [["Bob", "👍"]], "attachments": [{"name": …, "path": …}],
     "deleted": false, "call": false, "missed": false}

``sender`` and each reaction's author (``reactions[i][0]``, or ``name`` when a reaction is
an object) are participant names; ``body`` and ``quote`` are free text; attachment
``name``/``path`` (file names may hold names) are scanned as text, like any other string;
dates, flags and sticker emoji are kept byte for byte.  A signal-export chat folder
(``chat.md`` + ``data.json``) goes through one run, so one person gets one pseudonym in
both files.
"""
from __future__ import annotations

from .base import split_lines, strip_eol
from .jsondoc import JStr, Style, parse_json
from .jsonwalk import collect_all

FMT = "signal-json"
STYLE = Style(ascii=False)
_KEYS = {"date", "sender", "body"}
_OPTIONAL = {"quote", "sticker", "reactions", "attachments", "deleted", "call", "missed"}


def looks_like_message(tree) -> bool:
    return isinstance(tree, dict) and _KEYS <= tree.keys() and bool(_OPTIONAL & tree.keys())


def looks_like(text: str) -> bool:
    """The first non-blank line is a signal-export message object."""
    for line in split_lines(text[:100_000]):
        bare = strip_eol(line)
        if not bare.strip():
            continue
        try:
            tree, _ = parse_json(bare)
        except Exception:
            return False
        return looks_like_message(tree)
    return False


def collect(tree, col):
    """One line's message: sender, reactions, texts by structure, then every other
    string by its key (:func:`jsonwalk.walk_rest`; ``date`` is kept)."""
    collect_all(col, tree, FMT, _collect)


def _collect(tree, col):
    if not isinstance(tree, dict):
        return
    col.name(tree.get("sender"))
    for r in tree.get("reactions") or []:
        if isinstance(r, list) and r:
            col.name(r[0])
        elif isinstance(r, dict):
            col.name(r.get("name"))
    col.body(tree.get("quote"))
    col.body(tree.get("body"))
    for a in tree.get("attachments") or []:
        if isinstance(a, dict):
            col.body(a.get("name"), "meta")
            col.body(a.get("path"), "meta")
        elif isinstance(a, JStr):
            col.body(a, "meta")
