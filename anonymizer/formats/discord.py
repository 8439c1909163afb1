"""DiscordChatExporter JSON.

Users (``author``, ``mentions[]``, ``reactions[].users[]``, ``interaction.user``) carry
``id`` (pseudonymised, same digits count), ``name`` and ``nickname`` (names),
``avatarUrl`` (holds the id: scanned as text).  ``content`` is free text where ``<@id>`` /
``<@!id>`` mentions get the same fake id; attachment file names, embed texts, guild and
channel names/topics are scanned.  Output keeps the exporter's 2-space indent and its
``\\uD83D\\uDE09`` surrogate-pair escapes.
"""
from __future__ import annotations

import re

from .jsondoc import JStr, Style

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
    if not isinstance(tree, dict):
        return
    g, ch = tree.get("guild"), tree.get("channel")
    if isinstance(g, dict):
        col.body(g.get("name"), "meta")
    if isinstance(ch, dict):
        for k in ("name", "topic", "category"):
            col.body(ch.get(k), "meta")
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
        for a in m.get("attachments") or []:
            if isinstance(a, dict):
                col.body(a.get("fileName"), "meta")
                col.body(a.get("url"), "meta")
        for e in m.get("embeds") or []:
            _strings(col, e)


def _strings(col, node):
    """Every string in an embed is text to scan (titles, descriptions, URLs, authors)."""
    if isinstance(node, dict):
        for v in node.values():
            _strings(col, v)
    elif isinstance(node, list):
        for v in node:
            _strings(col, v)
    elif isinstance(node, JStr):
        col.body(node, "meta", extra=_mentions)
