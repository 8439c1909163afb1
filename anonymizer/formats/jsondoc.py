"""JSON documents edited in place: every string and number keeps its exact source span.

A JSON export is never re-serialised.  :func:`parse_json` returns the decoded tree where
every string is a :class:`JStr` and every number a :class:`JNum` carrying its position in
the source text; a change is an *edit* of those characters only, encoded with the
document's own convention (raw UTF-8 or ``\\uXXXX``, hex case, ``\\/``, Facebook's latin-1
mojibake).  So key order, indentation, spacing and escaping stay exactly as they were, and
an export rendered with no edits is byte-identical to the input.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..errors import InputError


class JStr:
    __slots__ = ("value", "start", "end")

    def __init__(self, value: str, start: int, end: int):
        self.value, self.start, self.end = value, start, end  # span includes the quotes

    def __repr__(self):
        return f"JStr({self.value!r})"


class JNum:
    __slots__ = ("value", "start", "end")

    def __init__(self, value: str, start: int, end: int):
        self.value, self.start, self.end = value, start, end  # source text of the number

    def __repr__(self):
        return f"JNum({self.value})"


_WS = re.compile(r"[ \t\r\n]*")
_STR = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NUM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


# No chat export nests more than a few levels; a document nested deeper than this is
# refused with a one-line input error (exit 2) before Python's own recursion limit is near.
MAX_DEPTH = 500


def parse_json(text: str, pos: int = 0, whole: bool = True):
    """Parse ``text`` (from ``pos``) into dict/list/JStr/JNum/True/False/None.

    ``whole``: the value must be the whole text (bar whitespace).  Returns ``(tree, end)``.
    Arrays and objects nested more than :data:`MAX_DEPTH` deep: InputError.
    """
    try:
        node, pos = _value(text, _WS.match(text, pos).end())
    except RecursionError:   # a deep caller stack: still one line, never a traceback
        raise InputError(f"JSON nested too deeply (more than {MAX_DEPTH} levels)") from None
    end = _WS.match(text, pos).end()
    if whole and end != len(text):
        raise InputError(f"invalid JSON: extra data at character {end}")
    return node, end


def _err(text: str, pos: int, what: str):
    line = text.count("\n", 0, pos) + 1
    raise InputError(f"invalid JSON: {what} at line {line}")


def _value(text: str, pos: int, depth: int = 0):
    if depth > MAX_DEPTH:
        raise InputError(f"JSON nested too deeply (more than {MAX_DEPTH} levels) at line "
                         f"{text.count(chr(10), 0, pos) + 1}")
    if pos >= len(text):
        _err(text, pos, "unexpected end")
    c = text[pos]
    if c == '"':
        m = _STR.match(text, pos)
        if not m:
            _err(text, pos, "unterminated string")
        try:
            val = json.loads(m.group(), strict=False)
        except ValueError:
            _err(text, pos, "bad string escape")
        return JStr(val, pos, m.end()), m.end()
    if c == "{":
        out = {}
        pos = _WS.match(text, pos + 1).end()
        if text.startswith("}", pos):
            return out, pos + 1
        while True:
            if not text.startswith('"', pos):
                _err(text, pos, "expected a key")
            k, pos = _value(text, pos, depth + 1)
            pos = _WS.match(text, pos).end()
            if not text.startswith(":", pos):
                _err(text, pos, "expected ':'")
            v, pos = _value(text, _WS.match(text, pos + 1).end(), depth + 1)
            out[k.value] = v
            pos = _WS.match(text, pos).end()
            if text.startswith(",", pos):
                pos = _WS.match(text, pos + 1).end()
                continue
            if text.startswith("}", pos):
                return out, pos + 1
            _err(text, pos, "expected ',' or '}'")
    if c == "[":
        arr = []
        pos = _WS.match(text, pos + 1).end()
        if text.startswith("]", pos):
            return arr, pos + 1
        while True:
            v, pos = _value(text, pos, depth + 1)
            arr.append(v)
            pos = _WS.match(text, pos).end()
            if text.startswith(",", pos):
                pos = _WS.match(text, pos + 1).end()
                continue
            if text.startswith("]", pos):
                return arr, pos + 1
            _err(text, pos, "expected ',' or ']'")
    for lit, val in (("true", True), ("false", False), ("null", None)):
        if text.startswith(lit, pos):
            return val, pos + len(lit)
    m = _NUM.match(text, pos)
    if m:
        return JNum(m.group(), pos, m.end()), m.end()
    _err(text, pos, f"unexpected character {c!r}")


def plain(node):
    """The tree as ordinary Python values (for comparisons in tests)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, JStr):
        return node.value
    if isinstance(node, JNum):
        return json.loads(node.value)
    return node


# ---------------------------------------------------------------------------- escaping
@dataclass
class Style:
    ascii: bool = False       # non-ASCII written as \uXXXX (surrogate pairs beyond the BMP)
    upper_hex: bool = False   # \uD83D rather than \ud83d
    slash: bool = False       # "/" written as "\/"
    mojibake: bool = False    # Facebook: UTF-8 bytes written as \u00XX code points


_ESC_RX = re.compile(r"\\u([0-9a-fA-F]{4})")


def detect_style(text: str, default: Style | None = None) -> Style:
    """The escaping convention of a document, from its string tokens."""
    st = Style(**vars(default)) if default else Style()
    sample = text[:2_000_000]
    if any(ord(c) > 127 for c in sample):
        st.ascii = False
    else:
        for m in _ESC_RX.finditer(sample):
            if int(m.group(1), 16) > 0x7F:
                st.ascii = True
                break
    for m in _ESC_RX.finditer(sample):
        h = m.group(1)
        if any(c in "abcdef" for c in h):
            st.upper_hex = False
            break
        if any(c in "ABCDEF" for c in h):
            st.upper_hex = True
            break
    if "\\/" in sample:
        st.slash = True
    elif '/' in sample:
        st.slash = False
    return st


_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def encode_fragment(s: str, st: Style) -> str:
    """``s`` as it appears between the quotes of a JSON string in this style."""
    if st.mojibake:
        s = s.encode("utf-8").decode("latin-1")
    hexfmt = "\\u{:04X}" if st.upper_hex else "\\u{:04x}"
    out = []
    for ch in s:
        o = ord(ch)
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif o < 0x20:
            out.append(hexfmt.format(o))
        elif ch == "/" and st.slash:
            out.append("\\/")
        elif (o > 0x7E and st.ascii) or (o > 0x7F and st.mojibake):
            if o > 0xFFFF:
                o -= 0x10000
                out.append(hexfmt.format(0xD800 + (o >> 10)) + hexfmt.format(0xDC00 + (o & 0x3FF)))
            else:
                out.append(hexfmt.format(o))
        else:
            out.append(ch)
    return "".join(out)


def char_offsets(token: str) -> list[int]:
    """Offset in ``token`` (a JSON string literal with quotes) of each decoded character,
    plus a final entry for the closing quote."""
    offs = []
    i, n = 1, len(token) - 1
    while i < n:
        offs.append(i)
        if token[i] == "\\":
            if token[i + 1] == "u":
                cp = int(token[i + 2:i + 6], 16)
                if 0xD800 <= cp < 0xDC00 and token.startswith("\\u", i + 6):
                    lo = int(token[i + 8:i + 12], 16)
                    if 0xDC00 <= lo < 0xE000:
                        i += 12
                        continue
                i += 6
            else:
                i += 2
        else:
            i += 1
    offs.append(n)
    return offs


def unmojibake(s: str) -> str | None:
    """Facebook's latin-1 view of UTF-8 bytes, repaired; None if ``s`` is not mojibake."""
    if s.isascii():
        return s
    try:
        return s.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def fixed_to_raw_index(fixed: str) -> list[int]:
    """For a repaired string, the index in the mojibake string of each character (+ end)."""
    out, i = [], 0
    for ch in fixed:
        out.append(i)
        i += len(ch.encode("utf-8"))
    out.append(i)
    return out


class Editor:
    """Collects edits to a JSON source text and renders them."""

    def __init__(self, text: str, style: Style):
        self.text = text
        self.style = style
        self.edits: list[tuple[int, int, str]] = []

    def value_of(self, node: JStr) -> str:
        """The text a person reads (mojibake repaired when the document uses it)."""
        if self.style.mojibake:
            fixed = unmojibake(node.value)
            if fixed is not None:
                return fixed
        return node.value

    def replace_spans(self, node: JStr, reps) -> None:
        """Replace ``(start, end, new)`` spans given in :meth:`value_of` coordinates."""
        if not reps:
            return
        token = self.text[node.start:node.end]
        offs = char_offsets(token)
        st = self.style
        mapping = None
        if st.mojibake and not node.value.isascii():
            fixed = unmojibake(node.value)
            if fixed is not None:
                mapping = fixed_to_raw_index(fixed)
            else:  # a string that is not Facebook's mojibake: written as it is
                st = Style(st.ascii, st.upper_hex, st.slash, False)
        # an ASCII string of a mojibake document (a name without accents) is mojibake too:
        # a fake with accents goes in as Facebook writes it (``Aimé`` -> ``Aim\u00c3\u00a9``)
        for s, e, new in reps:
            if mapping is not None:
                s, e = mapping[s], mapping[e]
            self.edits.append((node.start + offs[s], node.start + offs[e], encode_fragment(new, st)))

    def offset_of(self, node: JStr, i: int) -> int:
        """Where character ``i`` of ``node``'s value sits in the source text."""
        offs = char_offsets(self.text[node.start:node.end])
        return node.start + offs[min(max(i, 0), len(offs) - 1)]

    def replace_value(self, node, new) -> None:
        """Replace a whole string (keeping its quotes) or number."""
        if isinstance(node, JStr):
            if new != self.value_of(node):
                self.replace_spans(node, [(0, len(self.value_of(node)), new)])
        elif isinstance(node, JNum):
            if str(new) != node.value:
                self.edits.append((node.start, node.end, str(new)))

    def render(self) -> str:
        if not self.edits:
            return self.text
        out, pos = [], 0
        for s, e, new in sorted(self.edits):
            if s < pos:
                continue
            out.append(self.text[pos:s])
            out.append(new)
            pos = e
        out.append(self.text[pos:])
        return "".join(out)
