"""Telegram Desktop ``result.json`` (single chat or full export).

Names: ``from``, ``actor``, ``members[]``, ``inviter``, ``forwarded_from``, ``saved_from``,
``author`` (at any depth), contact cards and ``personal_information``; ids: ``from_id``/
``actor_id`` (``user123…``, or bare numbers), ``user_id`` (numbers), chat ``id`` of personal
chats, ``frequent_contacts`` ids; ``sessions`` IP addresses.  Every other string is read by
its key (rules/json_fields.yaml): scanned as text unless it is a timestamp or an enum.  ``text`` (string or list of runs) and ``text_entities``
are one text, edited in step; ``mention`` entities are usernames (names), ``mention_name``
carries a ``user_id``, ``text_link`` an ``href``.
"""
from __future__ import annotations

from .jsondoc import JStr, Style
from .jsonwalk import collect_all, keys

FMT = "telegram"
STYLE = Style(ascii=False)
_NAME_KEYS = tuple(k for k in keys(FMT, "name") if k != "members")   # rules/json_fields.yaml
_ID_KEYS = keys(FMT, "id")


def looks_like(tree) -> bool:
    if not isinstance(tree, dict) or "guild" in tree or "participants" in tree:
        return False
    if isinstance(tree.get("chats"), dict) and "list" in tree["chats"]:
        return True
    msgs = tree.get("messages")
    if not isinstance(msgs, list):
        return False
    first = next((m for m in msgs if isinstance(m, dict)), None)
    if first is None:
        return "type" in tree and "id" in tree
    return "type" in first and any(k in first for k in ("from", "date_unixtime", "date", "text"))


def _s(col, obj, key):
    return col.value(obj.get(key)) if isinstance(obj, dict) else None


def _contact(col, obj):
    """first_name/last_name/phone_number (+user_id) of a contact card."""
    if not isinstance(obj, dict):
        return
    first, last = _s(col, obj, "first_name") or "", _s(col, obj, "last_name") or ""
    col.register((first + " " + last).strip())
    for k in ("first_name", "last_name"):
        col.body(obj.get(k), "meta")
    if isinstance(obj.get("phone_number"), JStr):
        col.name(obj["phone_number"])
    for k in ("username",):
        col.name(obj.get(k))
    col.ident(obj.get("user_id"), FMT)
    col.ident(obj.get("id"), FMT)
    col.body(obj.get("bio"), "meta")


def _chat(col, chat):
    if not isinstance(chat, dict):
        return
    ctype = _s(col, chat, "type") or ""
    if ctype in ("personal_chat", "bot_chat", "saved_messages"):
        col.name(chat.get("name"))
        col.ident(chat.get("id"), FMT)
    else:
        col.body(chat.get("name"), "meta")
    for m in chat.get("messages") or []:
        if isinstance(m, dict):
            _message(col, m)


def _message(col, m):
    for k in _NAME_KEYS:
        col.name(m.get(k))
    for k in _ID_KEYS:
        col.ident(m.get(k), FMT)
    for mem in m.get("members") or []:
        col.name(mem)
    col.body(m.get("title"), "meta")
    if isinstance(m.get("contact_information"), dict):
        _contact(col, m["contact_information"])
    poll = m.get("poll")
    if isinstance(poll, dict):
        col.body(poll.get("question"), "meta")
        for a in poll.get("answers") or []:
            if isinstance(a, dict):
                col.body(a.get("text"), "meta")
    text, ents = m.get("text"), m.get("text_entities")
    runs = []
    items = text if isinstance(text, list) else [text] if isinstance(text, JStr) else []
    for it in items:
        if isinstance(it, JStr):
            runs.append(it)
        elif isinstance(it, dict):
            _entity(col, it)
            runs.append(it.get("text"))
    mirrors = None
    if isinstance(ents, list):
        mirrors = []
        for e in ents:
            if isinstance(e, dict):
                _entity(col, e)
                mirrors.append(e.get("text"))
    col.body(runs, mirrors=mirrors)
    # a username in a mention is a name
    for e in list(items) + list(ents or []):
        if isinstance(e, dict) and col.value(e.get("type")) in ("mention",):
            v = col.value(e.get("text")) or ""
            col.register(v.lstrip("@"))


def _entity(col, e):
    col.ident(e.get("user_id"), FMT)
    if isinstance(e.get("href"), JStr):
        col.body(e["href"], "meta")


def collect(tree, col):
    """Structure first (contacts, chats, messages), then every other string of the
    export by its key (:func:`jsonwalk.walk_rest`: reactions' ``recent[].from``, service
    fields, anything a newer Telegram writes)."""
    collect_all(col, tree, FMT, _collect)


def _collect(tree, col):
    if not isinstance(tree, dict):
        return
    pi = tree.get("personal_information")
    if isinstance(pi, dict):
        _contact(col, pi)
    contacts = tree.get("contacts")
    for c in (contacts.get("list") if isinstance(contacts, dict) else None) or []:
        _contact(col, c)
    fc = tree.get("frequent_contacts")
    for c in (fc.get("list") if isinstance(fc, dict) else None) or []:
        if isinstance(c, dict):
            col.name(c.get("name"))
            col.ident(c.get("id"), FMT)
    sessions = tree.get("sessions")
    for key in ("sessions", "web_sessions"):
        block = tree.get(key)
        for s in (block.get("list") if isinstance(block, dict) else None) or []:
            if isinstance(s, dict):
                col.ident(s.get("ip"), "ip")
    del sessions
    if "messages" in tree:
        _chat(col, tree)
    for key in ("chats", "left_chats"):
        block = tree.get(key)
        for c in (block.get("list") if isinstance(block, dict) else None) or []:
            _chat(col, c)
