"""Slack workspace export (a folder or a zip): ``users.json``, ``channels.json`` (and
``groups``/``dms``/``mpims``), and ``<channel>/YYYY-MM-DD.json`` arrays of messages.

User ids (``U…``/``W…``) in ``user``, ``creator``, ``inviter``, ``parent_user_id``,
``user_id``, ``members``, ``users``, ``reply_users``, ``replies[].user`` and ``<@U…>`` in text
get one keyed fake of the same shape; ``real_name``/``display_name``/user ``name`` are
names; every other string is read by its key (rules/json_fields.yaml): scanned as text
unless it is a timestamp or an enum.  Slack's links are replaced as units
(:func:`units`): ``<mailto:a@b.fr|a@b.fr>``, ``<tel:…|…>``, ``<https://…|label>``,
``<@U…>``, ``<#C…|channel>``.  Every file of the export is processed with one map.
"""
from __future__ import annotations

import re

from ..detect.base import PHONE, Finding
from .jsondoc import JStr, Style
from .jsonwalk import Claiming, walk_rest

FMT = "slack"
STYLE = Style(ascii=False, slash=True)
_ID = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")  # U012AB3CD, W…, B…; fixtures also write U_ALICE, U0A
# <target> or <target|label>: Slack's mrkdwn links, mentions and channel references
_LINK = re.compile(r"<([^<>|\s]+)(?:\|([^<>]*))?>")
_USERISH = {"real_name", "profile", "is_bot", "deleted", "tz"}


def looks_like(tree) -> bool:
    """A message file: a list of objects with ``type: message`` and ``ts``."""
    if isinstance(tree, list) and tree and isinstance(tree[0], dict):
        t = tree[0]
        return ("ts" in t and "type" in t) or ("id" in t and ("real_name" in t or "profile" in t)) \
            or ("id" in t and "created" in t and ("members" in t or "is_general" in t))
    return False


def _found(engine, text: str, base: int = 0) -> list[tuple[int, int, str]]:
    """The engine's replacements in ``text`` (as in any body), shifted by ``base``."""
    out = []
    for f in engine.detect_text(text):
        new = engine.render_finding(f, text)
        if new is not None and new != f.text:
            out.append((base + f.start, base + f.end, new))
    return out


def _target(engine, target: str) -> list[tuple[int, int, str]]:
    """Replacements inside a link's target.  ``tel:`` is a phone number by structure:
    replaced even where the detectors would not call it one (``tel:28919.8689279``)."""
    if target.lower().startswith("tel:"):
        num = target[4:]
        if not any(ch.isdigit() for ch in num):
            return []
        parsed = engine.phones.parse_label(num)
        if parsed is not None:
            new = engine.render_finding(Finding(0, len(num), PHONE, num, 1.0, "structure",
                                                {"number": parsed}), num)
        else:
            new = engine.pmap.shaped("tel", num)
        return [(4, len(target), new)] if new and new != num else []
    return _found(engine, target)


def _label(target: str, label: str, reps) -> list[tuple[int, int, str]] | None:
    """The target's replacements carried over to a label that writes the same thing
    (``<mailto:a@b.fr|a@b.fr>``, ``<http://b.fr|b.fr>``), so both halves get the same
    fake; None if the label is something else."""
    if label == target:
        return list(reps)
    i = len(target) - len(label)
    scheme = target[:i]
    if i <= 0 or not target.endswith(label) or not re.fullmatch(r"(?i)[a-z][a-z0-9+.-]*:(//)?", scheme):
        return None
    out = []
    for s, e, new in reps:
        if s >= i:
            out.append((s - i, e - i, new))
        elif s == 0 and e > i and new.lower().startswith(scheme.lower()):
            out.append((0, e - i, new[i:]))  # the whole URL: its fake without the scheme
        else:
            return None
    return out


def units(raw: str, engine) -> list[tuple[int, int, str]]:
    """Slack's ``<target|label>`` units, each replaced as a whole: ``<@U…>`` -> the user
    id's fake; ``<#C…|name>`` / ``<!here>``: the id stays, the label is text; ``mailto:``,
    ``tel:``, ``http…`` targets get their fake and a label that writes the same value
    gets the same fake (other labels are scanned as text)."""
    out: list[tuple[int, int, str]] = []
    for m in _LINK.finditer(raw):
        target, label = m.group(1), m.group(2)
        ts = m.start(1)
        if target.startswith("@"):
            if _ID.match(target[1:]):
                out.append((ts + 1, m.end(1), engine.pmap.identifier(FMT, target[1:])))
            reps, label_reps = [], None
        elif target.startswith(("#", "!")):
            reps, label_reps = [], None
        else:
            reps = _target(engine, target)
            label_reps = _label(target, label, reps) if label is not None else None
        out += [(ts + s, ts + e, new) for s, e, new in reps]
        if label:
            if label_reps is None:
                label_reps = _found(engine, label)
            out += [(m.start(2) + s, m.start(2) + e, new) for s, e, new in label_reps]
    return out


def _id(col, node) -> bool:
    if isinstance(node, JStr) and _ID.match(col.value(node) or ""):
        col.ident(node, FMT)
        return True
    return False


def _walk(col, node, parent_key=None):
    """The structure: user ids, names of user objects, message texts."""
    if isinstance(node, list):
        for v in node:
            _walk(col, v, parent_key)
        return
    if not isinstance(node, dict):
        return
    userish = parent_key in ("user_profile", "profile") or bool(_USERISH & node.keys())
    if "first_name" in node or "last_name" in node:
        first = col.value(node.get("first_name")) or ""
        last = col.value(node.get("last_name")) or ""
        col.register((first + " " + last).strip())
    for k, v in node.items():
        if k == "id" and userish:
            _id(col, v)
        elif (k == "name" and userish) or k == "phone":
            col.name(v)
        elif k == "text" and isinstance(v, JStr):
            col.body(v, "message", extra=units)
        elif isinstance(v, (dict, list)):
            _walk(col, v, k)


def collect(tree, col):
    """Structure first (:func:`_walk`), then every other string by its key
    (:func:`jsonwalk.walk_rest`: names, ids, kept timestamps/enums, text with
    :func:`units`)."""
    col = Claiming(col)
    _walk(col, tree, "root")
    walk_rest(col, tree, FMT, extra=units, ident=_id)
