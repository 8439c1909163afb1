"""Bounded-memory processing of a line-based export (issue 6).

``Engine.process_text`` used to hold every record, every finding, every replacement, the
per-record outputs and a second parse of the whole output at once (several GB for a
million messages).  Here the records are parsed lazily from the text, several times,
and nothing per record outlives its batch:

1. structure: participants, language, phone regions (``Engine._setup`` over a fresh
   parse; nothing kept per record);
2. names: spaCy NER over every body in batches (:class:`parallel.NameRunner`: one pool,
   a bounded cache of repeated bodies); only the non-empty findings are kept, by body
   number, and the people they name are registered in document order afterwards — the
   same order as before, so the same people;
3. detect + render, ``BATCH`` records at a time: cheap detectors (on ``engine.jobs``
   processes), the pseudonym map, replacements; each batch's output is kept as UTF-8
   bytes (a quarter of a str holding emoji) plus the compact spans it inserted;
4. verification, streaming: the input and the output are parsed again in lockstep, batch
   by batch, with the same checks as :meth:`Engine.verify_output` against the final state
   of the run (every value known by the end), so a value first seen late in the file is
   looked for in the whole output.

``Result.replacements`` and ``Result.texts`` (for ``--report``, ``--dry-run``, the hook
and the library) are collected only when ``engine.collect`` is true (the default; the
CLI turns it off when it needs neither).  The output is the same as the in-memory path,
byte for byte.
"""
from __future__ import annotations

from array import array

from .. import formats
from ..detect.base import EMAIL, PERSON, PHONE, URL
from ..errors import VerificationError
from ..formats.base import Replacement, apply_replacements, split_lines

BATCH = 20_000       # records per detect/render batch (one process)
BATCH_JOBS = 10_000  # with worker processes (one pool): small, so detection and rendering overlap
NER_BATCH = 4_000    # bodies per NER batch (spaCy's docs of a batch are alive together)

_ENC = ("utf-8", "surrogatepass")


def _result_class():
    from .engine import Result

    class _StreamResult(Result):
        """A :class:`Result` whose text is kept encoded, in pieces, until asked for."""

        @property
        def text(self) -> str:
            if self._chunks is not None:
                self._text = b"".join(self._chunks).decode(*_ENC)
                self._chunks = None
            return self._text

        @text.setter
        def text(self, value: str):
            self._chunks = None
            self._text = value

        def encoded(self, encoding: str) -> list[bytes] | None:
            """The output encoded, in pieces, without building the str (UTF-8 only), else
            None.  ``io.atomic_write_bytes`` writes the pieces as they are (no second copy)."""
            if self._chunks is not None and getattr(self, "_utf8", True) \
                    and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
                return self._chunks
            return None

    return _StreamResult


class Source:
    """The input of a streaming run: a str, or a lazy :class:`io.Decoded` (UTF-8 bytes,
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


def _factory(src: Source, fmt: str):
    if fmt in ("whatsapp", "chunk"):  # the senders pass once, not once per parse
        from ..formats.whatsapp import WhatsAppParser, collect_senders
        senders = collect_senders(src.lines())
        return lambda: WhatsAppParser(senders).parse_lines(src.lines())
    text = src.str()
    return lambda: formats.parse(text, fmt)


def _out_factory(chunks: list[bytes], fmt: str):
    if fmt in ("whatsapp", "chunk"):
        from ..formats.whatsapp import WhatsAppParser, collect_senders
        senders: set[str] = set()
        for c in chunks:  # the senders pass is line by line: the union over pieces
            senders |= collect_senders(split_lines(c.decode(*_ENC)))

        def lines():
            for c in chunks:
                yield from split_lines(c.decode(*_ENC))
        return lambda: WhatsAppParser(senders).parse_lines(lines())
    text = b"".join(chunks).decode(*_ENC)
    return lambda: formats.parse(text, fmt)


def _batches(it, size):
    batch = []
    for r in it:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def process_stream(engine, text, fmt: str, name: str, progress=None):
    """``text``: a str, or a lazy :class:`io.Decoded` (see :class:`Source`)."""
    collect = getattr(engine, "collect", True)
    jobs = getattr(engine, "jobs", 1)
    src = Source(text)
    records = _factory(src, fmt)
    pools = []

    def start(lang):  # --jobs: the name workers load their model while the people are read
        if engine.ner:
            from .executors import start_name_pool
            pools.append(start_name_pool(lang, jobs))
    try:
        lang = engine._setup(records, None, on_language=start)
    except BaseException:
        from .executors import stop_pool
        for p in pools:
            stop_pool(p)
        raise
    n = engine._n_records
    if progress is not None:
        progress(0, n)
    store = _names_pass(engine, records, lang, jobs, pools[0] if pools else None)
    result = _result_class()(text="", format=fmt, language=lang, messages=0)
    from collections import Counter
    from ..ui.report import LOW_SCORE
    result.low_counts = Counter()  # the summary's "low confidence" column without replacements
    chunks: list[bytes] = []
    inserted: list[array] = []  # per batch: [record, n spans, start, end, ...]
    size = BATCH if jobs == 1 else BATCH_JOBS
    from .executors import DetectRunner
    runner = DetectRunner(engine, jobs)
    ri = bi = rj = 0
    pos, line, meta = 0, 1, False
    bounds = []  # per batch: input characters [a, b), first record, first line

    def render(batch, found):
        nonlocal ri
        pieces, ins = [], array("i")
        span_i = 0
        for r in batch:
            if progress is not None and ri % 500 == 0 and ri:
                progress(ri, n)
            reps = engine.record_replacements(r, found, span_i)
            span_i += len(r.bodies)
            for rep in reps:
                result.counts[rep.kind] += 1
                if rep.score < LOW_SCORE:
                    result.low_counts[rep.kind] += 1
                if collect:
                    result.replacements.append((ri, rep))
            new = apply_replacements(r.raw, reps) if reps else r.raw
            if collect:
                result.texts.append(new)
            pieces.append(new)
            if reps:
                spans = _inserted(reps)
                ins.extend((ri, len(spans)))
                for a, b in spans:
                    ins.extend((a, b))
            if r.kind in (formats.base.MESSAGE, formats.base.SYSTEM):
                result.messages += 1
            ri += 1
        piece = "".join(pieces)
        try:
            chunks.append(piece.encode("utf-8"))
        except UnicodeEncodeError:  # lone surrogates: keep them; the caller encodes the str
            chunks.append(piece.encode(*_ENC))
            result._utf8 = False
        inserted.append(ins)

    def submitted():
        nonlocal bi, rj, pos, line, meta
        for batch in _batches(records(), size):
            blen = src.measure([r.raw for r in batch])
            meta = meta or any(r.kind == formats.base.META for r in batch)
            bounds.append((pos, pos + blen, rj, line))
            line += src.count("\n", pos, pos + blen)
            pos += blen
            rj += len(batch)
            texts, ner = [], []
            for r in batch:
                for sp in r.bodies:
                    texts.append(sp.text(r.raw))
                    ner.append(store.pop(bi))
                    bi += 1
            yield batch, runner.submit(texts, ner)

    try:  # batch k is rendered while batch k + 1 is detected
        _one_behind(submitted(), lambda job: render(job[0], job[1]()))
    finally:
        runner.close()
        store.close()  # the spilled names: gone with the file
    if progress is not None:
        progress(n, n)
    if engine.verify:
        ok = fmt == "whatsapp" and not meta and pos == src.size()
        _verify(engine, src, records, chunks, inserted, fmt, name, size, bounds if ok else None)
    result._chunks = chunks
    return result


class _Spill:
    """The names pass's findings, kept on disk until the detect pass reads them back, in
    the same order (issue 6: at a million messages they were the largest thing in memory).

    An anonymous temporary file (unlinked from the start, gone when closed), each batch
    encrypted with AES-GCM under a key that lives only in this process's memory: real
    names never sit readable on disk.  People are written as their keys and read back as
    the engine's own :class:`Person` objects."""

    def __init__(self, engine):
        import tempfile

        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        self.engine = engine
        self.fh = tempfile.TemporaryFile()
        self.aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self.n = 0
        self.cur: dict = {}
        self.reading = None

    def write(self, entries: dict) -> None:
        """Body number -> its findings (a list of Finding), for one batch of bodies."""
        import pickle
        if not entries:
            return
        entries = {bi: tuple((f.start, f.end, f.kind, f.text, f.score, f.detector,
                              {k: v for k, v in f.data.items() if k != "person"} or None,
                              f.data["person"].key if f.data.get("person") is not None else None)
                             for f in lst)
                   for bi, lst in entries.items()}
        nonce = self.n.to_bytes(12, "big")
        self.n += 1
        blob = self.aead.encrypt(nonce, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL), None)
        self.fh.write(len(blob).to_bytes(8, "big") + blob)

    def _batches(self):
        import pickle
        self.fh.seek(0)
        for k in range(self.n):
            size = int.from_bytes(self.fh.read(8), "big")
            yield pickle.loads(self.aead.decrypt(k.to_bytes(12, "big"), self.fh.read(size), None))

    def _next(self):
        nxt = next(self.reading, None)
        self.done = nxt is None
        self.cur = nxt or {}
        self.last = max(self.cur) if self.cur else -1

    def pop(self, bi: int):
        """The findings of body ``bi`` (bodies are asked for in increasing order)."""
        if self.reading is None:
            self.reading = self._batches()
            self._next()
        while bi > self.last and not self.done:  # this batch is behind: the next one
            self._next()
        packed = self.cur.pop(bi, None)
        if packed is None:
            return []
        from ..detect.base import Finding
        persons = self.engine.identities.persons
        out = []
        for st, en, kind, text, score, det, data, pkey in packed:
            data = dict(data) if data else {}
            if pkey is not None:
                data["person"] = persons[pkey]
            out.append(Finding(st, en, kind, text, score, det, data))
        return out

    def close(self):
        self.fh.close()


def _one_behind(jobs, finish) -> None:
    """``finish(job)`` for every job of the iterable, one step behind: job k + 1 is taken
    (submitted to the workers) before job k is finished here, so both run at once."""
    prev = None
    for job in jobs:
        if prev is not None:
            finish(prev)
        prev = job
    if prev is not None:
        finish(prev)


def _names_pass(engine, records, lang, jobs, pool=None) -> _Spill:
    """Body number -> NER findings (non-empty only, spilled to disk); registers the people,
    in order.  ``pool``: the name workers, already started (closed here)."""
    store = _Spill(engine)
    if not engine.ner:
        return store
    from .executors import NameRunner
    runner = NameRunner(engine._ner(lang), jobs, pool=pool)
    from ..language import MixedNameRunner  # mixed-language chats: per message (issue 3)
    runner = MixedNameRunner(engine, lang, runner, jobs)
    try:
        def batches():
            texts: list[str] = []
            base = 0
            for r in records():
                for sp in r.bodies:
                    texts.append(sp.text(r.raw))
                if len(texts) >= NER_BATCH:
                    yield base, runner.submit(texts)
                    base += len(texts)
                    texts = []
                    _trim()
            if texts:
                yield base, runner.submit(texts)

        def register(job):
            # the structure pass is over, so registering here, batch after batch, is the
            # same sequence as Engine.run_ner's after all the names
            base, results = job[0], job[1]()
            engine.register_names(results)
            store.write({base + i: lst for i, lst in enumerate(results) if lst})
        _one_behind(batches(), register)
    except BaseException:
        store.close()
        raise
    finally:
        runner.close()
    return store


def _trim():
    """Give the C heap's free pages back to the system (spaCy/thinc's arrays of a batch
    leave glibc arenas fragmented; without this the RSS creeps up batch after batch)."""
    global _LIBC
    if _LIBC is None:
        try:
            import ctypes
            _LIBC = ctypes.CDLL("libc.so.6")
            _LIBC.malloc_trim
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC = None


def _inserted(reps) -> list[tuple[int, int]]:
    """As :func:`engine.inserted_spans` for one record."""
    delta, pos, spans = 0, -1, []
    for rep in sorted(reps, key=lambda r: r.start):
        if rep.start < pos:
            continue
        s = rep.start + delta
        spans.append((s, s + len(rep.new)))
        delta += len(rep.new) - (rep.end - rep.start)
        pos = rep.end
    return spans


def _unpack(ins: array, first: int) -> dict[int, list[tuple[int, int]]]:
    out, i = {}, 0
    while i < len(ins):
        ri, k = ins[i], ins[i + 1]
        out[ri - first] = [(ins[i + 2 + 2 * j], ins[i + 3 + 2 * j]) for j in range(k)]
        i += 2 + 2 * k
    return out


def _check_batch(engine, ctx, batch, obatch, ins, line):
    """Checks of one batch: (first structural problem or None, leaks, new identifiers,
    line after the batch); leaks as (line, kind, value)."""
    from .engine import _skeleton
    first_bad = None
    lines_at = []
    for a, b in zip(batch, obatch):
        lines_at.append(line)
        if first_bad is None:
            if a.kind != b.kind:
                first_bad = f"record at line {line} changed from {a.kind} to {b.kind}"
            elif (a.header is None) != (b.header is None) or (
                    a.header is not None and a.header.text(a.raw) != b.header.text(b.raw)) \
                    or a.timestamp != b.timestamp:
                first_bad = f"a timestamp changed (line {line})"
            elif _skeleton(a) != _skeleton(b):
                first_bad = f"text outside names and message bodies changed (line {line})"
        line += a.raw.count("\n")
    leaks, new_ids = [], []
    if len(obatch) == len(batch):
        for lst, found in ((leaks, [lk for lk in engine._leaks(obatch, ins, ctx)
                                    if engine.policy.get(lk[1]) != "keep"]),
                           (new_ids, engine._new_identifiers(batch, obatch, ins))):
            for where, kind, value, pos in found:
                at = lines_at[where] if 0 <= where < len(lines_at) else line
                if 0 <= where < len(obatch):
                    at += obatch[where].raw.count("\n", 0, max(pos, 0))
                lst.append((at, kind, value))
    return first_bad, leaks, new_ids, line


_VERIFY = None  # (engine, ctx, source, chunks, inserted, bounds, senders in, senders out): forked workers


def _verify_part(bno):
    from ..formats.whatsapp import WhatsAppParser
    engine, ctx, src, chunks, inserted, bounds, s_in, s_out = _VERIFY
    a, b, first, line = bounds[bno]
    batch = list(WhatsAppParser(s_in).parse_lines(src.lines(a, b)))
    obatch = list(WhatsAppParser(s_out).parse_text(chunks[bno].decode(*_ENC)))
    res = _check_batch(engine, ctx, batch, obatch, _unpack(inserted[bno], first), line)
    return len(batch), len(obatch), res[0], res[1], res[2]


def _verify(engine, src, records, chunks, inserted, fmt, name, size, bounds=None):
    """:meth:`Engine.verify_output`, streaming, with the same checks in the same order of
    precedence (record count, line structure, per-record structure, leaks, new ids).

    ``bounds`` (WhatsApp without meta sections, ``engine.jobs`` > 1): per batch, its input
    character range, first record and first line: then the batches are checked on worker
    processes (each parses its own piece of the input and of the output; the parser
    carries no state from one record to the next there) and the answers merged in order."""
    from .engine import redact

    def fail(why: str):
        raise VerificationError(f"{name}: verification failed: {why}; nothing was written")

    ctx = engine._leak_context()
    n_in = n_out = 0
    first_bad = None
    leaks, new_ids = [], []
    nl_out = sum(c.count(b"\n") for c in chunks)
    cr_out = sum(c.count(b"\r") for c in chunks)
    nl_in, cr_in = src.count("\n"), src.count("\r")
    jobs = getattr(engine, "jobs", 1)
    if bounds is not None and isinstance(jobs, int) and jobs > 1 and len(chunks) > 1:
        global _VERIFY
        from ..formats.whatsapp import collect_senders
        from .executors import _pool_map
        s_in = collect_senders(src.lines())
        s_out = set()
        for c in chunks:
            s_out |= collect_senders(split_lines(c.decode(*_ENC)))
        _VERIFY = (engine, ctx, src, chunks, inserted, bounds, s_in, s_out)
        try:
            parts = _pool_map(_verify_part, range(len(chunks)), jobs)
        finally:
            _VERIFY = None
        for ni, no, bad, lk, ni_ in parts:
            n_in += ni
            n_out += no
            first_bad = first_bad or bad
            leaks += lk
            new_ids += ni_
    else:
        outs = _out_factory(chunks, fmt)
        line = 1
        out_it = iter(outs())
        for bno, batch in enumerate(_batches(records(), size)):
            first = n_in
            n_in += len(batch)
            obatch = []
            for _ in batch:
                r = next(out_it, None)
                if r is None:
                    break
                obatch.append(r)
            n_out += len(obatch)
            ins = _unpack(inserted[bno], first) if bno < len(inserted) else {}
            bad, lk, ni_, line = _check_batch(engine, ctx, batch, obatch, ins, line)
            first_bad = first_bad or bad
            leaks += lk
            new_ids += ni_
        n_out += sum(1 for _ in out_it)
    if n_in != n_out:
        fail(f"{n_in} records in, {n_out} out")
    if nl_out != nl_in or cr_out != cr_in:
        fail("line structure changed")
    if first_bad is not None:
        fail(first_bad)
    found = leaks or new_ids
    if found:
        at, kind, value = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        label = {PERSON: "name", PHONE: "phone number", EMAIL: "e-mail address",
                 URL: "URL"}.get(kind, kind)
        fail(f"a real {label} ({redact(value)}) is still present at line {at}{more}")
