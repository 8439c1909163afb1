"""DiscordChatExporter JSON.

Users (``author``, ``mentions[]``, ``reactions[].users[]``, ``interaction.user``) carry
``id`` (pseudonymised, same digits count), ``name`` and ``nickname`` (names),
``avatarUrl`` (holds the id: scanned as text).  ``content`` is free text where ``<@id>`` /
``<@!id>`` mentions get the same fake id; every other string (attachment file names, embed
texts, guild and channel names/topics…) is read by its key (rules/json_fields.yaml).
Output keeps the exporter's 2-space indent and its ``\\uD83D\\uDE09`` surrogate-pair
escapes.
"""
from __future__ import annotations

import re

from .jsondoc import Style
from .jsonwalk import collect_all

FMT = "discord"
STYLE = Style(ascii=True, upper_hex=True)
_MENTION = re.compile(r"<@[!&]?(\d{5,25})>")


def looks_like(tree) -> bool:
    return isinstance(tree, dict) and "messages" in tree and ("guild" in tree or "channel" in tree)


def _user(col, u):
    if not isinstance(u, dict):
        return
    col.ident(u.get("id"), FMT)
    col.name(u.get("name"))
    col.name(u.get("nickname"))
    col.body(u.get("avatarUrl"), "meta")


def _mentions(raw, engine):
    return [(m.start(1), m.end(1), engine.pmap.identifier(FMT, m.group(1)))
            for m in _MENTION.finditer(raw)]


def collect(tree, col):
    """Users and message texts by structure, then every other string (embeds, guild and
    channel fields, attachments, stickers…) by its key (:func:`jsonwalk.walk_rest`)."""
    collect_all(col, tree, FMT, _collect, extra=_mentions)


def _collect(tree, col):
    if not isinstance(tree, dict):
        return
    for m in tree.get("messages") or []:
        if not isinstance(m, dict):
            continue
        _user(col, m.get("author"))
        for u in m.get("mentions") or []:
            _user(col, u)
        for r in m.get("reactions") or []:
            if isinstance(r, dict):
                for u in r.get("users") or []:
                    _user(col, u)
        inter = m.get("interaction")
        if isinstance(inter, dict):
            _user(col, inter.get("user"))
        col.body(m.get("content"), extra=_mentions)
