"""What the run loop works on: documents that give records and take replacements.

A :class:`Document` yields its input records (afresh for each pass: a big export is never held
as records), takes each record's replacements in order (:meth:`Document.emit`), renders its
output, and yields the records of that output for verification, in the same segmentation.

* :class:`LineDocument` — a line-based export (WhatsApp, dataset chunk, plain text, Signal
  ``chat.md``, iMessage): a str or a lazy :class:`~anonymizer.io.Decoded` (UTF-8 bytes decoded
  line by line at each pass); the output kept as UTF-8 pieces, one a batch;
* :class:`TreeDocument` — one or more JSON / JSONL / CSV exports walked by their format
  adapters into a :class:`~anonymizer.formats.jsonbase.Collector`: every text value a record,
  replacements written back as in-place edits of the source text;
* :class:`ValuesDocument` — Python strings from the library (lists of texts or records,
  DataFrame columns): one record each, names as participants.
"""
from __future__ import annotations

from array import array

from .. import formats
from ..errors import InputError, VerificationError
from ..formats.base import MESSAGE, META, Record, Span, apply_replacements, split_lines

_ENC = ("utf-8", "surrogatepass")


class Source:
    """The text of a line document: a str, or a lazy :class:`io.Decoded` (UTF-8 bytes,
    decoded line by line at each pass: never the whole file as a str).  Positions are
    characters of the str, or bytes of the bytes."""

    def __init__(self, text):
        if isinstance(text, str):
            self.text, self.dec = text, None
        else:
            self.text, self.dec = (None if text.lazy else text.text), text

    def str(self) -> str:
        return self.text if self.text is not None else self.dec.text

    def lines(self, a: int = 0, b: int | None = None):
        if self.text is not None:
            return split_lines(self.text if (a, b) == (0, None) else self.text[a:b])
        return self.dec.lines(a, b)

    def size(self) -> int:
        return len(self.text) if self.text is not None else len(self.dec.data)

    def measure(self, raws) -> int:
        if self.text is not None:
            return sum(len(r) for r in raws)
        return len("".join(raws).encode("utf-8"))

    def count(self, ch: str, a: int = 0, b: int | None = None) -> int:
        if self.text is not None:
            return self.text.count(ch, a, len(self.text) if b is None else b)
        return self.dec.data.count(ch.encode(), a, len(self.dec.data) if b is None else b)


def _line_parser(fmt: str, lines, layout=None):
    """Records of ``fmt`` from a callable giving the lines afresh (WhatsApp: the senders
    pass and the choice of the header layout run once here, not once per parse)."""
    if fmt in ("whatsapp", "chunk"):
        from ..formats.whatsapp import WhatsAppParser, collect_senders, detect_layout
        senders = collect_senders(lines())
        layout = layout or detect_layout(lines())[0]
        return lambda: WhatsAppParser(senders, layout).parse_lines(lines())
    if fmt not in formats.LINE_FORMATS:
        raise InputError(f"{fmt} is not a line-based format")
    return lambda: formats.parse("".join(lines()), fmt)


class Document:
    """The interface the run loop and the verifier use."""
    name: str
    fmt: str
    lines_based: bool
    inserted: dict  # first record of a batch -> its inserted spans (:func:`inserted_array`)
    people_at: dict  # first record of a batch -> the people's version when it was rendered

    def inserted_for(self, first: int, n: int) -> dict[int, list[tuple[int, int]]]:
        """Batch-local record index -> where the run inserted text in its output record."""
        ins = self.inserted.get(first)
        return unpack(ins, first) if ins is not None else {}

    def records(self):
        raise NotImplementedError

    def start_output(self, engine) -> None:
        """The detect/render pass begins (a run may go through it once only)."""

    def emit(self, batch, reps_by_record, engine, first: int) -> list:
        """Take one batch's replacements (a list per record, in order; ``first`` is the
        batch's first record number); returns the replacements actually written."""
        raise NotImplementedError

    def finish(self, engine) -> None:
        """Every record emitted: complete the output."""

    def output_records(self):
        raise NotImplementedError

    def check_layout(self, fail) -> None:
        """Format-wide checks of the output (``fail(why)`` raises)."""

    def positions(self, found):
        """``found``: [(record, offset in its raw)] -> [(file number, offset in that file's
        text)] (line documents: one file; tree documents: one per export file)."""
        raise NotImplementedError

    def where(self, record: int, line: int) -> str:
        return f"line {line}" if self.lines_based else f"text value {record + 1}"


KEEP_BYTES = 24 * 2 ** 20  # an export up to this size is parsed once and its records kept


class LineDocument(Document):
    """A line export.  Up to :data:`KEEP_BYTES` its records are parsed once and kept for
    every pass; a bigger one is parsed afresh at each pass (bounded memory)."""
    lines_based = True

    def __init__(self, name: str, text, fmt: str):
        self.name, self.fmt = name, fmt
        self.src = Source(text)
        self.layout = None
        if fmt in ("whatsapp", "chunk"):
            from ..formats.whatsapp import detect_layout
            self.layout = detect_layout(self.src.lines())[0]  # one layout for every parse
        self._records = _line_parser(fmt, self.src.lines, self.layout)
        self._kept = None
        self._keep = self.src.size() <= KEEP_BYTES
        self.chunks: list[bytes] = []
        self.inserted, self.people_at = {}, {}
        self.bounds: list[tuple[int, int, int, int]] = []  # per batch: input [a, b), first record, first line
        self.utf8 = True
        self._pos = 0
        self._line = 1
        self.meta = False

    def records(self):
        if self._kept is not None:
            return iter(self._kept)
        return self._keeping() if self._keep else self._records()

    def _keeping(self):
        """Records parsed afresh; the first walk to the end keeps them."""
        kept = []
        for r in self._records():
            kept.append(r)
            yield r
        self._kept = kept

    def start_output(self, engine) -> None:
        self.chunks, self.bounds, self._pos, self._line, self.meta = [], [], 0, 1, False
        self.inserted, self.people_at = {}, {}

    def emit(self, batch, reps_by_record, engine, first: int) -> list:
        pieces = [apply_replacements(r.raw, reps) if reps else r.raw for r, reps in zip(batch, reps_by_record)]
        piece = "".join(pieces)
        try:
            self.chunks.append(piece.encode("utf-8"))
        except UnicodeEncodeError:  # lone surrogates: keep them; the caller encodes the str
            self.chunks.append(piece.encode(*_ENC))
            self.utf8 = False
        blen = self.src.measure([r.raw for r in batch])
        self.bounds.append((self._pos, self._pos + blen, first, self._line))
        self._line += self.src.count("\n", self._pos, self._pos + blen)
        self._pos += blen
        self.meta = self.meta or any(r.kind == META for r in batch)
        return reps_by_record

    def output_records(self):
        chunks = self.chunks
        return _line_parser(self.fmt, lambda: (ln for c in chunks for ln in split_lines(c.decode(*_ENC))),
                            self.layout)()

    def positions(self, found):
        starts, pos = [], 0
        for r in self.records():
            starts.append(pos)
            pos += len(r.raw)
        return [(0, starts[ri] + off) for ri, off in found]

    def check_layout(self, fail) -> None:
        nl_out = sum(c.count(b"\n") for c in self.chunks)
        cr_out = sum(c.count(b"\r") for c in self.chunks)
        if nl_out != self.src.count("\n") or cr_out != self.src.count("\r"):
            fail("line structure changed")

    def independent_batches(self) -> bool:
        """May each batch be parsed on its own (input piece and output chunk alike)?  A
        WhatsApp export without chunk metadata: its parser carries nothing from one record
        to the next."""
        return self.fmt == "whatsapp" and not self.meta and self._pos == self.src.size()

    def batch_records(self, bno: int, senders_in, senders_out):
        """(input records, output records) of batch ``bno``, parsed on their own."""
        from ..formats.whatsapp import WhatsAppParser
        a, b, _, _ = self.bounds[bno]
        return (list(WhatsAppParser(senders_in, self.layout).parse_lines(self.src.lines(a, b))),
                list(WhatsAppParser(senders_out, self.layout).parse_text(self.chunks[bno].decode(*_ENC))))

    def senders(self):
        """The sender labels of the input and of the output (for :meth:`batch_records`)."""
        from ..formats.whatsapp import collect_senders
        s_out = set()
        for c in self.chunks:
            s_out |= collect_senders(split_lines(c.decode(*_ENC)))
        return collect_senders(self.src.lines()), s_out

    # ------------------------------------------------------------------ output
    def text(self) -> str:
        return b"".join(self.chunks).decode(*_ENC)

    def encoded(self, encoding: str) -> list[bytes] | None:
        """The output encoded, in pieces, without building the str (UTF-8 only), else None."""
        if self.utf8 and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            return self.chunks
        return None


class TreeDocument(Document):
    """Tree exports (``files``: ``[(name, text, fmt)]``) collected together: one run over all
    their text values, one record each, in document order."""
    lines_based = False

    def __init__(self, files, fields=None):
        from ..formats.jsonbase import Collector
        self.files = list(files)
        self.fields = fields
        self.name = self.files[0][0] if len(self.files) == 1 else f"{len(self.files)} files"
        self.fmt = self.files[0][2]
        self.col = Collector()
        self.editors = [formats.collect_document(self.col, text, fmt, fields) for _, text, fmt in self.files]
        self.outputs: list[str] | None = None
        self.inserted, self.people_at = {}, {}

    def records(self):
        return iter(self.col.records)

    def start_output(self, engine) -> None:
        engine.pmap.reserve_ids(self.col.ident_values())  # no fake id is another real id

    def emit(self, batch, reps_by_record, engine, first: int) -> list:
        return [self.col.emit(first + i, reps, engine) for i, reps in enumerate(reps_by_record)]

    def finish(self, engine) -> None:
        self.col.finish(engine)
        self.outputs = [ed.render() for ed in self.editors]

    def positions(self, found):
        index = {id(ed): i for i, ed in enumerate(self.editors)}
        out = []
        for ri, off in found:
            at = self.col.source_position(ri, off)
            out.append((index[id(at[0])], at[1]) if at is not None else (0, 0))
        return out

    def output_records(self):
        from ..formats.jsonbase import Collector
        self.out_col = Collector()
        for (name, _, fmt), new in zip(self.files, self.outputs):
            try:
                formats.collect_document(self.out_col, new, fmt, self.fields)
            except InputError as exc:
                raise VerificationError(f"{name}: verification failed: the output does not parse "
                                        f"({exc}); nothing was written") from None
        return iter(self.out_col.records)

    def check_layout(self, fail) -> None:
        before, after = self.col, self.out_col
        if len(before.idents) != len(after.idents):
            fail(f"the structure changed ({len(before.idents)} identifiers in, {len(after.idents)} out)")
        real = {v for v in before.ident_values() if len(v) >= 4}
        if real & after.ident_values():
            fail("an identifier was not replaced")


class ValuesDocument(Document):
    """Python strings handed over by the library (lists of texts, records, DataFrame columns):
    ``values`` is ``[(text, is_name)]``, in order; a name is a participant (like a sender),
    any other text is scanned.  One record a non-blank value; :attr:`outputs` holds every
    value after the run (blank values unchanged)."""
    lines_based = False
    fmt = "values"

    def __init__(self, name: str, values):
        self.name = name
        self.values = list(values)
        self.at = [i for i, (v, _) in enumerate(self.values) if v.strip()]  # record -> value
        self.outputs = [v for v, _ in self.values]
        self.inserted, self.people_at = {}, {}

    def _records(self, texts):
        for ri, i in enumerate(self.at):
            v, is_name = texts[i], self.values[i][1]
            span = Span(0, len(v), "sender") if is_name else Span(0, len(v))
            yield Record(raw=v, kind=META if is_name else MESSAGE, sender=span if is_name else None,
                         bodies=[] if is_name else [span], index=ri)

    def records(self):
        return self._records([v for v, _ in self.values])

    def start_output(self, engine) -> None:
        self.outputs = [v for v, _ in self.values]

    def emit(self, batch, reps_by_record, engine, first: int) -> list:
        for i, (r, reps) in enumerate(zip(batch, reps_by_record)):
            if reps:
                self.outputs[self.at[first + i]] = apply_replacements(r.raw, reps)
        return reps_by_record

    def output_records(self):
        return self._records(self.outputs)

    def positions(self, found):
        return [(self.at[ri], off) for ri, off in found]

    def where(self, record: int, line: int) -> str:
        return f"value {self.at[record] + 1}"


def batches(it, size: int):
    """The items of ``it`` in lists of ``size`` (the last one shorter)."""
    batch = []
    for r in it:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def inserted_array(first: int, spans_by_record) -> array:
    """One batch's inserted spans, packed: ``[record, n spans, start, end, …]``."""
    out = array("i")
    for i, spans in enumerate(spans_by_record):
        if spans:
            out.extend((first + i, len(spans)))
            for a, b in spans:
                out.extend((a, b))
    return out


def unpack(ins: array, first: int) -> dict[int, list[tuple[int, int]]]:
    out, i = {}, 0
    while i < len(ins):
        ri, k = ins[i], ins[i + 1]
        out[ri - first] = [(ins[i + 2 + 2 * j], ins[i + 3 + 2 * j]) for j in range(k)]
        i += 2 + 2 * k
    return out


def open_documents(items, fields=None) -> list[Document]:
    """Documents for ``items``: ``[(name, text or io.Decoded, fmt or None)]``.  Line exports
    are a document each; tree exports (JSON, JSONL, CSV, Telegram, Slack…) one together."""
    docs: list[Document] = []
    trees = []
    for name, text, fmt in items:
        if fmt is None:
            fmt = formats.detect_format(text if isinstance(text, str) else text.head())
            if fmt not in formats.LINE_FORMATS and not isinstance(text, str):
                fmt = formats.detect_format(text.text)
        if fmt in formats.LINE_FORMATS:
            docs.append(LineDocument(name, text, fmt))
        else:
            trees.append((name, text if isinstance(text, str) else text.text, fmt))
    if trees:
        docs.append(TreeDocument(trees, fields))
    return docs
