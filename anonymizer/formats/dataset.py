"""Datasets: JSONL (one JSON value a line), a JSON array of rows, and CSV/TSV.

Text fields are chosen with ``--field`` (repeatable; a key name anywhere in a row, or a CSV
column).  Without it, every string of a JSON row is read by its key (rules/json_fields.yaml):
the chat fine-tuning layout ``{"messages": [{"role", "content", "name"?}]}`` (``content``
scanned, ``name`` a participant), ``{"text": …}``, sender-like keys (author, sender, from,
name, user, username, speaker) are participant names, ``id``/``role``/dates are kept, any
other string is scanned; CSV columns: the usual text columns and sender-like columns.  CSV keeps its
dialect: each field is rewritten in place, quoted exactly when it was (or must be).
"""
from __future__ import annotations

import re

from ..errors import InputError
from .base import split_lines, strip_eol
from .jsondoc import JStr, Style, parse_json
from .jsonwalk import Claiming, keys, walk_rest

STYLE = Style(ascii=False)
TEXT_KEYS = set(keys("dataset", "text"))   # rules/json_fields.yaml
NAME_KEYS = set(keys("dataset", "name"))


def _roles(fields):
    if fields:
        return ({f for f in fields if f.lower() not in NAME_KEYS},
                {f for f in fields if f.lower() in NAME_KEYS})
    return TEXT_KEYS, NAME_KEYS


# ---------------------------------------------------------------------------- JSON rows
def looks_like_jsonl(text: str) -> bool:
    lines = [l for l in (strip_eol(x) for x in split_lines(text[:100_000])) if l.strip()][:20]
    if len(lines) < 1 or not all(l.lstrip().startswith(("{", "[")) for l in lines):
        return False
    try:
        for l in lines[:-1] if len(text) > 100_000 else lines:
            parse_json(l)
    except InputError:
        return False
    return len(lines) > 1 or not text.lstrip().startswith("[")


def parse_jsonl(text: str):
    """Yield each line's tree (offsets into ``text``)."""
    pos = 0
    for n, line in enumerate(split_lines(text), 1):
        bare = strip_eol(line)
        if bare.strip():
            try:
                tree, end = parse_json(text, pos, whole=False)
            except InputError as exc:
                raise InputError(f"line {n}: {exc}") from None
            if end > pos + len(line) or text[pos:end].strip() != bare.strip():
                raise InputError(f"invalid JSON Lines: line {n} is not one JSON value")
            yield tree
        pos += len(line)


def collect_row(col, node, fields=None, key=None):
    """One JSON row.  Without ``fields``: every string by its key (rules/json_fields.yaml,
    ``dataset``: sender-like keys are names, text keys messages, ``id``/``role``/dates
    kept, anything else scanned).  With ``fields``: only those keys."""
    if not fields:
        walk_rest(Claiming(col), node, "dataset")
        return
    _collect_fields(col, node, fields, key)


def _collect_fields(col, node, fields, key=None):
    text_keys, name_keys = _roles(fields)
    lower_t = {k.lower() for k in text_keys}
    lower_n = {k.lower() for k in name_keys}
    if isinstance(node, dict):
        for k, v in node.items():
            _collect_fields(col, v, fields, k)
    elif isinstance(node, list):
        for v in node:
            _collect_fields(col, v, fields, key)
    elif isinstance(node, JStr) and key is not None:
        if key.lower() in lower_n:
            col.name(node)
        elif key.lower() in lower_t:
            col.body(node)


# ---------------------------------------------------------------------------- CSV
class Field:
    __slots__ = ("value", "start", "end", "quoted")

    def __init__(self, value, start, end, quoted):
        self.value, self.start, self.end, self.quoted = value, start, end, quoted


def sniff_delimiter(text: str) -> str:
    first = strip_eol(next(iter(split_lines(text[:65536])), ""))
    counts = {d: 0 for d in (",", ";", "\t", "|")}
    inq = False
    for ch in first:
        if ch == '"':
            inq = not inq
        elif not inq and ch in counts:
            counts[ch] += 1
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def looks_like_csv(text: str) -> bool:
    lines = [strip_eol(l) for l in list(split_lines(text[:20000]))[:10]]
    if len(lines) < 2:
        return False
    d = sniff_delimiter(text)
    try:
        rows = parse_csv(text[:20000] if len(text) <= 20000 else text, d)
    except InputError:
        return False
    head = len(rows[0]) if rows else 0
    return head >= 2 and all(len(r) == head for r in rows[1:10] if len(r) > 1)


def parse_csv(text: str, delim: str, quote: str = '"') -> list[list[Field]]:
    rows, row = [], []
    i, n = 0, len(text)
    if text.startswith("\ufeff"):
        i = 1
    while i < n:
        start = i
        if text[i] == quote:
            j = i + 1
            buf = []
            while True:
                k = text.find(quote, j)
                if k < 0:
                    raise InputError("invalid CSV: unterminated quoted field")
                buf.append(text[j:k])
                if text.startswith(quote, k + 1):
                    buf.append(quote)
                    j = k + 2
                    continue
                j = k + 1
                break
            row.append(Field("".join(buf), start, j, True))
            i = j
        else:
            m = re.compile(r"[^" + re.escape(delim) + r"\r\n]*").match(text, i)
            row.append(Field(m.group(), start, m.end(), False))
            i = m.end()
        if i >= n:
            break
        c = text[i]
        if c == delim:
            i += 1
            if i >= n:
                row.append(Field("", i, i, False))
            continue
        if c in "\r\n":
            i += 2 if text.startswith("\r\n", i) else 1
            rows.append(row)
            row = []
            continue
        raise InputError("invalid CSV: text after a closing quote")
    if row:
        rows.append(row)
    return rows


class CsvEditor:
    def __init__(self, text: str, delim: str, quote: str = '"'):
        self.text, self.delim, self.quote = text, delim, quote
        self.edits = []

    def value_of(self, node: Field) -> str:
        return node.value

    def offset_of(self, node: Field, i: int) -> int:
        """Where character ``i`` of ``node``'s value sits in the source text (about: a
        doubled quote before it shifts it by one)."""
        return node.start + (1 if node.quoted else 0) + i

    def replace_spans(self, node: Field, reps):
        if not reps:
            return
        from .base import Replacement, apply_replacements
        new = apply_replacements(node.value, [Replacement(s, e, t, "") for s, e, t in reps])
        self.replace_value(node, new)

    def replace_value(self, node: Field, new: str):
        if new == node.value:
            return
        q = self.quote
        if node.quoted or any(c in new for c in (self.delim, q, "\r", "\n")):
            enc = q + new.replace(q, q + q) + q
        else:
            enc = new
        self.edits.append((node.start, node.end, enc))

    def render(self) -> str:
        out, pos = [], 0
        for s, e, new in sorted(self.edits):
            out.append(self.text[pos:s])
            out.append(new)
            pos = e
        out.append(self.text[pos:])
        return "".join(out)


def collect_csv(col, rows, fields=None):
    if not rows:
        return
    header = [f.value.strip() for f in rows[0]]
    text_keys, name_keys = _roles(fields)
    lt, ln = {k.lower() for k in text_keys}, {k.lower() for k in name_keys}
    roles = ["name" if h.lower() in ln else "body" if h.lower() in lt else None for h in header]
    if fields:
        missing = [f for f in fields if f.lower() not in {h.lower() for h in header}]
        if missing:
            raise InputError(f"--field {missing[0]!r}: no such column (columns: {', '.join(header)})")
    for row in rows[1:]:
        for f, role in zip(row, roles):
            if role == "name":
                col.name(f)
            elif role == "body":
                col.body(f)
