"""Facebook Messenger / Instagram ``message_N.json``, and the newer E2EE Messenger layout.

Classic layout (also Instagram): ``participants[{name}]``, ``messages[{sender_name,
timestamp_ms, content, reactions[{reaction, actor}], share{link, share_text}, photos[{uri}]}]``,
``title``, ``thread_path`` (``inbox/name_1234…``).  Text is Facebook's mojibake: every
UTF-8 byte written as ``\\u00XX``; it is read repaired and written back the same way.
E2EE layout (clean UTF-8): ``participants: ["A"]``, ``threadName``, ``messages[{senderName,
text, timestamp, type, isUnsent, reactions[{reaction, actor}]}]``.  Every other string
(``share``, Instagram's ``joinable_mode.link`` invite…) is read by its key
(rules/json_fields.yaml).  Senders that hold no name (``A``, ``🤓``) still get a pseudonym.
"""
from __future__ import annotations

import re

from .jsondoc import JStr, Style
from .jsonwalk import collect_all

FMT = "messenger"
STYLE = Style(ascii=True, upper_hex=False, mojibake=True)


def looks_like(tree) -> bool:
    if not isinstance(tree, dict):
        return False
    msgs = tree.get("messages")
    if not isinstance(msgs, list):
        return False
    first = next((m for m in msgs if isinstance(m, dict)), None)
    if first is None:
        return "participants" in tree
    return "sender_name" in first or "senderName" in first


def collect(tree, col):
    """Participants, senders, reactions and texts by structure, then every other string
    (``joinable_mode.link``, ``share.link``, anything Facebook adds) by its key
    (:func:`jsonwalk.walk_rest`)."""
    collect_all(col, tree, FMT, _collect)


def _collect(tree, col):
    if not isinstance(tree, dict):
        return
    names = set()
    for p in tree.get("participants") or []:
        node = p.get("name") if isinstance(p, dict) else p
        col.name(node)
        names.add(col.value(node))
    for m in tree.get("messages") or []:
        if not isinstance(m, dict):
            continue
        col.name(m.get("sender_name"))
        col.name(m.get("senderName"))
        col.body(m.get("content"))
        col.body(m.get("text"))
        for r in m.get("reactions") or []:
            if isinstance(r, dict):
                col.name(r.get("actor"))
        for u in m.get("users") or []:
            if isinstance(u, dict):
                col.name(u.get("name"))
    for k in ("title", "threadName"):  # a one-to-one chat is titled with the other's name
        node = tree.get(k)
        if col.value(node) in names - {None}:
            col.name(node)
        else:
            col.body(node, "meta")
    tp = tree.get("thread_path")
    if isinstance(tp, JStr):
        _thread_path(col, tree, tp)


def _thread_path(col, tree, tp):
    """``inbox/jeandupont_10206072096154041``: the folder name (a name + an id) gets a
    keyed fake of the same shape, and every media ``uri`` follows."""
    ed = col.editor
    real = ed.value_of(tp)
    last = real.rsplit("/", 1)[-1]
    uris = []

    def walk(n):
        if isinstance(n, dict):
            for k, v in n.items():
                if k == "uri" and isinstance(v, JStr):
                    uris.append(v)
                else:
                    walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
    walk(tree.get("messages"))
    col.claim(tp, *uris)  # edited below, after the engine

    def fix(engine):
        fake = engine.pmap.shaped("fbthread", last)
        ed.replace_value(tp, real[:len(real) - len(last)] + fake)
        for u in uris:
            v = ed.value_of(u)
            spans = [(m.start(), m.end(), fake) for m in re.finditer(re.escape(last), v)]
            ed.replace_spans(u, spans)
    col.later(fix)
