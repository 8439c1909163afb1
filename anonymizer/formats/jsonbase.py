"""Shared machinery for tree formats (JSON, JSONL, CSV): collect the text values of an
export as records (one a text value) for the run loop, and write each record's replacements
back as in-place edits of the source text (:meth:`Collector.emit`).

An adapter walks its tree and calls the :class:`Collector`:

* ``name(node)`` — a participant name (sender, member, reaction actor…): structure, always
  replaced;
* ``register(text)`` — a name known from structure that is not itself written back (e.g.
  ``first_name + " " + last_name`` of a contact card, so the two halves map as one person);
* ``body(nodes, mirrors=…, extra=…)`` — free text to scan; several nodes are one text
  (Telegram's list of runs) and ``mirrors`` are other nodes holding the same text in
  another segmentation (Telegram's ``text_entities``), edited in step;
* ``ident(node, kind)`` — an account id or IP, replaced by :meth:`PseudonymMap.identifier`;
* ``later(fn)`` — anything else, run after the engine with ``fn(engine)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .base import MESSAGE, META, Record, Span
from .dataset import Field
from ..render.fakes import fake_identifier
from .jsondoc import Editor, JNum, JStr

_TEXT_NODES = (JStr, Field)


@dataclass
class _Slot:
    targets: list = field(default_factory=list)   # (editor, node, offset, length)
    extra: Callable | None = None                   # raw -> [(s, e, new)]


class Collector:
    def __init__(self):
        self.records: list[Record] = []
        self.slots: list[_Slot] = []
        self.idents: list[tuple[Editor, object, str]] = []
        self.laters: list[Callable] = []
        self.editor: Editor | None = None   # the document being walked

    def value(self, node) -> str | None:
        if isinstance(node, _TEXT_NODES):
            return self.editor.value_of(node)
        return None

    def _add(self, rec: Record, slot: _Slot):
        rec.index = len(self.records)
        self.records.append(rec)
        self.slots.append(slot)

    def name(self, node):
        v = self.value(node)
        if v is None or not v.strip():
            return
        rec = Record(raw=v, kind=META, sender=Span(0, len(v), "sender"))
        self._add(rec, _Slot([(self.editor, node, 0, len(v))]))

    def register(self, text: str | None):
        if text and text.strip():
            self._add(Record(raw=text, kind=META, names=[Span(0, len(text), "name")]), _Slot())

    def body(self, nodes, kind: str = MESSAGE, mirrors=None, extra=None):
        if not isinstance(nodes, list):
            nodes = [nodes]
        nodes = [n for n in nodes if isinstance(n, _TEXT_NODES)]
        if not nodes:
            return
        slot = _Slot(extra=extra)
        raw, off = [], 0
        for n in nodes:
            v = self.value(n)
            slot.targets.append((self.editor, n, off, len(v)))
            raw.append(v)
            off += len(v)
        raw = "".join(raw)
        if mirrors:
            mirrors = [n for n in mirrors if isinstance(n, _TEXT_NODES)]
            if "".join(self.value(n) for n in mirrors) == raw:
                moff = 0
                for n in mirrors:
                    v = self.value(n)
                    slot.targets.append((self.editor, n, moff, len(v)))
                    moff += len(v)
            else:
                self.body(mirrors, META)
        if not raw.strip():
            return
        self._add(Record(raw=raw, kind=kind, bodies=[Span(0, len(raw))]), slot)

    def ident(self, node, kind: str):
        if isinstance(node, (JStr, JNum, Field)) and str(node.value).strip():
            self.idents.append((self.editor, node, kind))

    def later(self, fn: Callable):
        self.laters.append(fn)

    # ------------------------------------------------------------------ output
    def emit(self, ri: int, reps, engine) -> list:
        """Write record ``ri``'s replacements into its source nodes (and their mirrors);
        the record's own extra replacements (``body(extra=…)``: Discord/Slack ``<@id>``
        mentions) win over the engine's where they overlap.  Returns what was written."""
        rec, slot = self.records[ri], self.slots[ri]
        if slot.extra:
            ex = slot.extra(rec.raw, engine)
            if ex:
                from .base import Replacement
                reps = [r for r in reps if not any(r.start < e and s < r.end for s, e, _ in ex)] + \
                    [Replacement(s, e, new, "ID", "structure", 1.0, rec.raw[s:e]) for s, e, new in ex]
        if not reps:
            return reps
        for ed, node, off, length in slot.targets:
            local = []
            for r in reps:
                if off <= r.start < off + length:
                    local.append((r.start - off, min(r.end, off + length) - off, r.new))
                elif r.start < off < r.end:
                    local.append((0, min(r.end, off + length) - off, ""))
            ed.replace_spans(node, local)
        return reps

    def finish(self, engine) -> None:
        """Every record emitted: account ids and IPs get their fakes, then the adapters'
        last steps (``later``)."""
        for ed, node, kind in self.idents:
            real = node.value if isinstance(node, JNum) else ed.value_of(node)
            ed.replace_value(node, fake_identifier(engine.pmap, kind, real))
        for fn in self.laters:
            fn(engine)

    def source_position(self, ri: int, pos: int):
        """(editor, offset in its source text) of character ``pos`` of record ``ri``; None
        for a record written nowhere (a name only registered)."""
        for ed, node, off, length in self.slots[ri].targets:
            if off <= pos < off + length or pos == off + length:
                return ed, ed.offset_of(node, pos - off)
        return None

    def ident_values(self) -> set[str]:
        return {str(n.value if isinstance(n, JNum) else ed.value_of(n)) for ed, n, _ in self.idents}

