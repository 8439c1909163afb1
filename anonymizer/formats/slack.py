"""Slack workspace export (a folder or a zip): ``users.json``, ``channels.json`` (and
``groups``/``dms``/``mpims``), and ``<channel>/YYYY-MM-DD.json`` arrays of messages.

User ids (``U…``/``W…``) in ``user``, ``creator``, ``inviter``, ``parent_user_id``,
``user_id``, ``members``, ``users``, ``reply_users``, ``replies[].user`` and ``<@U…>`` in text
get one keyed fake of the same shape; ``real_name``/``display_name``/user ``name`` are
names; ``text``/``title``/``value`` and block texts are scanned (``<mailto:…|…>``,
``<https://…|label>`` included).  Every file of the export is processed with one map.
"""
from __future__ import annotations

import re

from .jsondoc import JStr, Style

FMT = "slack"
STYLE = Style(ascii=False, slash=True)
_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]{6,})(?:\|[^>]*)?>")
_ID_KEYS = {"user", "creator", "inviter", "parent_user_id", "user_id", "last_set_by", "edited_by"}
_ID_LIST_KEYS = {"members", "users", "reply_users", "pinned_to"}
_NAME_KEYS = {"real_name", "display_name", "real_name_normalized", "display_name_normalized"}
_TEXT_KEYS = {"text", "title", "value", "fallback", "pretext", "preview", "url", "title_link",
              "author_name", "author_link", "from_url", "original_url", "purpose", "topic",
              "name_normalized", "status_text", "email", "skype"}
_USERISH = {"real_name", "profile", "is_bot", "deleted", "tz"}


def looks_like(tree) -> bool:
    """A message file: a list of objects with ``type: message`` and ``ts``."""
    if isinstance(tree, list) and tree and isinstance(tree[0], dict):
        t = tree[0]
        return ("ts" in t and "type" in t) or ("id" in t and ("real_name" in t or "profile" in t)) \
            or ("id" in t and "created" in t and ("members" in t or "is_general" in t))
    return False


def _mentions(raw, engine):
    return [(m.start(1), m.end(1), engine.pmap.identifier(FMT, m.group(1)))
            for m in _MENTION.finditer(raw)]


def _id(col, node):
    if isinstance(node, JStr) and _ID.match(col.value(node) or ""):
        col.ident(node, FMT)


def _walk(col, node, parent_key=None):
    if isinstance(node, list):
        for v in node:
            _walk(col, v, parent_key)
        return
    if not isinstance(node, dict):
        if isinstance(node, JStr) and parent_key is None:
            col.body(node, "meta", extra=_mentions)
        return
    userish = parent_key in ("user_profile", "profile") or bool(_USERISH & node.keys())
    if "first_name" in node or "last_name" in node:
        first = col.value(node.get("first_name")) or ""
        last = col.value(node.get("last_name")) or ""
        col.register((first + " " + last).strip())
    for k, v in node.items():
        if k in _ID_KEYS:
            if isinstance(v, dict):
                _walk(col, v, k)
            else:
                _id(col, v)
        elif k in _ID_LIST_KEYS and isinstance(v, list):
            for x in v:
                _id(col, x)
        elif k == "id" and userish:
            _id(col, v)
        elif k in _NAME_KEYS or (k == "name" and userish):
            col.name(v)
        elif k == "phone":
            col.name(v)
        elif k in ("first_name", "last_name"):
            col.body(v, "meta")
        elif k == "name" and parent_key == "reactions":
            continue
        elif k in _TEXT_KEYS or k == "name":
            if isinstance(v, JStr):
                col.body(v, "message" if k == "text" else "meta", extra=_mentions)
            else:
                _walk(col, v, k)
        elif isinstance(v, (dict, list)):
            _walk(col, v, k)


def collect(tree, col):
    _walk(col, tree, "root")
