"""The one rule of every JSON export (issue 15): every string of the document is read.

A format's ``collect`` first takes what its structure says — senders, account ids, a text
written in several runs, contact cards — through a :class:`Claiming` collector, which
remembers the nodes it was given.  Then :func:`walk_rest` visits EVERY other string (and
number) of the tree, at any depth, and reads it by the key it sits under, from
``rules/json_fields.yaml``: a *name* is a participant, an *id* an account id, *keep* is
kept byte for byte (timestamps, enums, message ids), anything else is text scanned by the
detectors, which changes only where they find something.  So a field no format lists
(Instagram's ``joinable_mode.link``, a Slack avatar URL) is never left unread.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

from ..ruleset import load_yaml
from .base import MESSAGE, META
from .jsondoc import JNum, JStr

_ROLES = ("name", "id", "text", "keep")


class Claiming:
    """A :class:`~anonymizer.formats.jsonbase.Collector` (same API) that remembers, by
    identity, every node collected through it, and any node given to :meth:`claim`
    (nodes a ``later`` function edits)."""

    def __init__(self, col):
        self._col = col
        self.claimed: set[int] = set()

    def __getattr__(self, name):
        return getattr(self._col, name)

    def claim(self, *nodes):
        self.claimed.update(id(n) for n in nodes if n is not None)

    def name(self, node):
        self.claim(node)
        self._col.name(node)

    def body(self, nodes, kind: str = MESSAGE, mirrors=None, extra=None):
        self.claim(*(nodes if isinstance(nodes, list) else [nodes]), *(mirrors or []))
        self._col.body(nodes, kind, mirrors=mirrors, extra=extra)

    def ident(self, node, kind: str):
        self.claim(node)
        self._col.ident(node, kind)


@lru_cache(maxsize=None)
def _rules(fmt: str) -> dict[str, tuple[str, ...]]:
    data = load_yaml("json_fields.yaml") or {}
    out = {}
    for role in _ROLES:
        out[role] = tuple((data.get(fmt) or {}).get(role) or ()) + tuple((data.get("all") or {}).get(role) or ())
    return out


def keys(fmt: str, role: str) -> tuple[str, ...]:
    """The keys (or key patterns) given ``role`` for ``fmt`` in rules/json_fields.yaml."""
    return tuple((load_yaml("json_fields.yaml").get(fmt) or {}).get(role) or ())


@lru_cache(maxsize=4096)
def role_of(fmt: str, key: str | None) -> str | None:
    """``name`` | ``id`` | ``text`` | ``keep`` | None (text to scan) for a key."""
    if key is None:
        return None
    rules, key = _rules(fmt), key.lower()
    for role in _ROLES:
        if any(fnmatchcase(key, p.lower()) for p in rules[role]):
            return role
    return None


def collect_all(col, tree, fmt: str, structure, extra=None, ident=None) -> None:
    """A JSON export's whole collection: ``structure(tree, claiming)`` reads the nodes the
    format knows (participants, senders, texts), then :func:`walk_rest` every other string."""
    claiming = Claiming(col)
    structure(tree, claiming)
    walk_rest(claiming, tree, fmt, extra=extra, ident=ident)


def walk_rest(col: Claiming, tree, fmt: str, extra=None, ident=None) -> None:
    """Read every string of ``tree`` not yet collected through ``col`` by its key's role.

    ``extra``: passed to every scanned text (Slack's ``<…|…>`` units, Discord mentions);
    ``ident(col, node) -> bool``: the format's check of an account id (False: the value
    is not one, it is scanned as text); default: any value under an id key."""
    stack = [(tree, None)]
    while stack:
        node, key = stack.pop()
        if isinstance(node, dict):
            stack.extend(reversed([(v, k) for k, v in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([(v, key) for v in node]))
        elif isinstance(node, (JStr, JNum)) and id(node) not in col.claimed:
            role = role_of(fmt, key)
            if role == "keep":
                continue
            if role == "id":
                if ident is None:
                    col.ident(node, fmt)
                    continue
                if ident(col, node):
                    continue
            if not isinstance(node, JStr):
                continue
            if role == "name":
                col.name(node)
            else:
                col.body(node, MESSAGE if role == "text" else META, extra=extra)
