"""Export formats: parse into records, render back byte-identical but for replaced spans."""
from __future__ import annotations

from ..errors import InputError
from .base import TEXT, Record, Span, split_lines, strip_eol
from .whatsapp import WhatsAppParser, collect_senders, looks_like_chunk, looks_like_whatsapp



def parse_plain(text: str):
    for i, line in enumerate(split_lines(text)):
        rec = Record(raw=line, kind=TEXT, index=i)
        bare = strip_eol(line)
        if bare:
            rec.bodies.append(Span(0, len(bare)))
        yield rec


# ---------------------------------------------------------------------------- all formats
from . import dataset as _dataset, discord as _discord, imessage as _imessage  # noqa: E402
from . import messenger as _messenger, signal as _signal, slack as _slack  # noqa: E402
from . import signal_json as _signal_json, telegram as _telegram  # noqa: E402

FORMATS = ("whatsapp", "chunk", "plain", "signal", "imessage", "telegram", "discord", "slack",
           "messenger", "signal-json", "jsonl", "json", "csv")
LINE_FORMATS = ("whatsapp", "chunk", "plain", "signal", "imessage")
TREE_FORMATS = {"telegram": _telegram, "discord": _discord, "slack": _slack,
                "messenger": _messenger}


def detect_format(text: str) -> str:
    """The format of an export, from its content."""
    sample = text[:200_000]
    head = sample.lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        from .jsondoc import parse_json
        try:
            tree, _ = parse_json(text.lstrip("\ufeff"))
        except InputError:
            tree = None
        if tree is not None:
            if _signal_json.looks_like_message(tree):
                return "signal-json"
            for fmt, mod in TREE_FORMATS.items():
                if mod.looks_like(tree):
                    return fmt
            return "json"
        if _dataset.looks_like_jsonl(text):
            return "signal-json" if _signal_json.looks_like(text) else "jsonl"
    if looks_like_chunk(sample):
        return "chunk"
    if _signal.looks_like(sample) >= 0.5:
        return "signal"
    if looks_like_whatsapp(sample) >= 0.2:
        return "whatsapp"
    if _imessage.looks_like(sample) >= 0.3:
        return "imessage"
    if _dataset.looks_like_csv(sample):
        return "csv"
    return "plain"


def parse(text: str, fmt: str):
    """Records of a line-based format (whatsapp, chunk, plain, signal, imessage)."""
    if fmt in ("whatsapp", "chunk"):
        senders = collect_senders(split_lines(text))
        return WhatsAppParser(senders).parse_text(text)
    if fmt == "plain":
        return parse_plain(text)
    if fmt == "signal":
        return _signal.parse(text)
    if fmt == "imessage":
        return _imessage.parse(text)
    if fmt in FORMATS:
        raise InputError(f"{fmt} is not a line-based format (use anonymize_document)")
    raise InputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def collect_document(col, text: str, fmt: str, fields=None):
    """Walk one tree document (JSON, JSONL, CSV…) into the collector; returns its editor."""
    from .jsondoc import Editor, detect_style, parse_json
    if fmt == "csv":
        delim = _dataset.sniff_delimiter(text)
        ed = _dataset.CsvEditor(text, delim)
        col.editor = ed
        _dataset.collect_csv(col, _dataset.parse_csv(text, delim), fields)
        return ed
    mod = TREE_FORMATS.get(fmt)
    style = detect_style(text, mod.STYLE if mod else _dataset.STYLE)
    start = 1 if text.startswith("\ufeff") else 0
    if fmt in ("jsonl", "signal-json"):
        if fmt == "signal-json":
            style = detect_style(text, _signal_json.STYLE)
        ed = col.editor = Editor(text, style)
        for tree in _dataset.parse_jsonl(text):
            if fmt == "signal-json" and not fields:
                _signal_json.collect(tree, col)
            else:
                _dataset.collect_row(col, tree, fields)
        return ed
    tree, _ = parse_json(text, start)
    if fmt == "messenger":
        msgs = tree.get("messages") if isinstance(tree, dict) else None
        e2ee = any(isinstance(m, dict) and "senderName" in m for m in msgs or [])
        # Facebook's mojibake: classic layout with no raw non-ASCII text
        style.mojibake = not e2ee and not any(ord(c) > 127 for c in text[:2_000_000])
        if style.mojibake:
            style.ascii = True
        elif e2ee and "\\u" not in text[:2_000_000]:
            style.ascii = False
    ed = col.editor = Editor(text, style)
    if mod is not None:
        mod.collect(tree, col)
    elif fmt == "json":
        _dataset.collect_row(col, tree, fields)
    else:
        raise InputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return ed

