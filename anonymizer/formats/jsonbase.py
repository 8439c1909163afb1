"""Shared machinery for tree formats (JSON, JSONL, CSV): collect the text values of an
export as engine records, run ONE ``Engine.transform`` over all of them, write the
replacements back as in-place edits of the source text.

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

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from ..errors import VerificationError
from .base import MESSAGE, META, Record, Span
from .dataset import Field
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

    # ------------------------------------------------------------------ apply
    def apply(self, engine, fmt: str, lang: str | None = None):
        result = engine.transform(self.records, fmt, lang)
        engine.pmap.reserve_ids(self.ident_values())  # fmtfix: no fake id is another real id
        by_rec = defaultdict(list)
        for ri, rep in result.replacements:
            by_rec[ri].append((rep.start, rep.end, rep.new))
        for ri, (rec, slot) in enumerate(zip(self.records, self.slots)):
            reps = by_rec.get(ri, [])
            if slot.extra:
                ex = slot.extra(rec.raw, engine)
                if ex:
                    reps = [r for r in reps if not any(r[0] < e and s < r[1] for s, e, _ in ex)] + ex
            if not reps:
                continue
            for ed, node, off, length in slot.targets:
                local = []
                for s, e, new in reps:
                    if off <= s < off + length:
                        local.append((s - off, min(e, off + length) - off, new))
                    elif s < off < e:
                        local.append((0, min(e, off + length) - off, ""))
                ed.replace_spans(node, local)
        for ed, node, kind in self.idents:
            real = node.value if isinstance(node, JNum) else ed.value_of(node)
            ed.replace_value(node, engine.pmap.identifier(kind, real))
        for fn in self.laters:
            fn(engine)
        return result

    def ident_values(self) -> set[str]:
        return {str(n.value if isinstance(n, JNum) else ed.value_of(n)) for ed, n, _ in self.idents}


def verify(engine, name: str, before: Collector, after: Collector):
    """Fail closed: same number of text values, no real name/phone/e-mail/URL left in any
    text value, no real identifier left in any identifier field."""
    if len(before.records) != len(after.records) or len(before.idents) != len(after.idents):
        raise VerificationError(f"{name}: verification failed: the structure changed "
                                f"({len(before.records)} text values in, {len(after.records)} out)")
    leaks = engine.find_leaks(after.records)
    if leaks:
        from ..pipeline.engine import redact
        where, kind, value = leaks[0]
        raise VerificationError(f"{name}: verification failed: a real {kind} ({redact(value)}) "
                                f"is still present in text value {where + 1}; nothing was written")
    real = {v for v in before.ident_values() if len(v) >= 4}
    left = real & after.ident_values()
    if left:
        raise VerificationError(f"{name}: verification failed: an identifier was not replaced; "
                                f"nothing was written")
