"""The one run loop: documents in, anonymised documents out, verified, in bounded memory.

Every entry point goes through :func:`run` (the CLI, the hooks, the library, Dask), every
format too (line exports and JSON/CSV trees are :mod:`documents <anonymizer.pipeline.documents>`).
Records are processed in batches; an in-memory text is simply one batch.  Passes:

1. **structure** — each document's participants, language and phone regions
   (:meth:`Engine.read_structure`; nothing kept per record);
2. **names** — name recognition over every body of every document, in batches
   (:class:`~anonymizer.pipeline.executors.NameRunner` on the executor, repeated bodies once);
   the people found are registered in document order afterwards, and the findings wait for
   pass 3 in an encrypted temporary file (:class:`~anonymizer.pipeline.spill.Spill`);
3. **detect + render** — batch by batch: the cheap detectors (on the executor; batch k + 1 is
   detected while batch k is rendered here), the pseudonym map, replacements written into the
   document's output;
4. **verify** — :class:`~anonymizer.pipeline.verify.Verifier`, with the run's final state.

The output does not depend on the batch size nor on the executor: every stateful step
(people, map, rendering, verdicts) runs here, in document order.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from ..formats.base import MESSAGE, SYSTEM, Replacement
from .documents import Document, batches, inserted_array
from .engine import inserted_spans

BATCH = 20_000       # records per detect/render batch (one process)
BATCH_JOBS = 10_000  # with worker processes: small, so detection and rendering overlap
NER_BATCH = 4_000    # bodies per NER batch (spaCy's docs of a batch are alive together)
LOW_SCORE = 0.9      # below this a replacement is one to review (NER 0.85, gazetteer 0.8)

PHASES = ("reading", "finding names", "replacing", "verifying")


@dataclass
class Result:
    """One document's run: its output, counts, and (when collected) every replacement."""
    doc: Document
    language: str
    messages: int = 0
    records: int = 0
    counts: Counter = field(default_factory=Counter)
    low_counts: Counter = field(default_factory=Counter)
    replacements: list[tuple[int, Replacement]] = field(default_factory=list)  # (record, rep)
    texts: list[str] = field(default_factory=list)  # each record's new raw (collected runs)
    # values left on purpose (Replacement.kept: policy keep, accepted, already a pseudonym),
    # collected like ``replacements`` for the review report (h-report, issue 17)
    kept: list[tuple[int, Replacement]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def format(self) -> str:
        return self.doc.fmt

    @property
    def text(self) -> str:
        """The output (a tree document of several files: the first file's)."""
        return self.doc.text() if self.doc.lines_based else self.doc.outputs[0]

    def encoded(self, encoding: str) -> list[bytes] | None:
        return self.doc.encoded(encoding) if self.doc.lines_based else None

    def outputs(self) -> list[tuple[str, str]]:
        """``(file name, output text)`` of every file of the document."""
        if self.doc.lines_based:
            return [(self.doc.name, self.text)]
        return [(name, out) for (name, _, _), out in zip(self.doc.files, self.doc.outputs)]


def run(engine, docs: list[Document], executor, progress=None, batch_size: int | None = None) -> list[Result]:
    """Anonymise ``docs`` with ``engine`` (one identity table and one map for all of them:
    a person named in one document is found in the others).  ``progress(phase, done,
    total)`` is called as the run goes (phases: :data:`PHASES`).  Raises
    :class:`VerificationError` (settings.verify) or :class:`InputError`; writes nothing."""
    t0 = time.perf_counter()
    settings = engine.settings
    size = batch_size or settings.batch_size or (BATCH_JOBS if executor.jobs > 1 else BATCH)
    tick = _Progress(progress)
    try:
        started = []

        def on_language(lang):  # name workers load their model while the people are read
            if settings.ner and not started:
                started.append(lang)
                executor.start(lang, engine.rules)
        states = []
        for doc in docs:
            tick.phase(0, None)
            states.append(engine.read_structure(doc.records, on_language))
        total = sum(s.records for s in states)
        tick.total = total
        spill = _names_pass(engine, docs, states, executor, tick)
        results = []
        try:
            for doc, state in zip(docs, states):
                results.append(_render_pass(engine, doc, state, spill, executor, size, tick))
        finally:
            spill.close()
        if settings.verify:
            from .verify import Verifier
            verifier = Verifier(engine, executor)
            tick.phase(3, total)
            done = 0
            for doc, state, res in zip(docs, states, results):
                engine.enter(state)
                verifier.verify(doc, size)
                done += res.records
                tick.update(done)
    finally:
        executor.close()
    tick.finish()
    for res in results:
        res.seconds = time.perf_counter() - t0
    return results


class _Progress:
    def __init__(self, fn):
        self.fn, self.total, self.step, self.done = fn, None, 0, 0

    def phase(self, step: int, total) -> None:
        self.step, self.done = step, 0
        if total is not None:
            self.total = total
        self.update(0)

    def update(self, done: int) -> None:
        self.done = done
        if self.fn is not None:
            self.fn(PHASES[self.step], done, self.total)

    def finish(self) -> None:
        if self.fn is not None and self.total is not None:
            self.fn(PHASES[-1], self.total, self.total)




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


def _names_pass(engine, docs, states, executor, tick):
    """Body number (over all documents, in order) -> NER findings (non-empty only, spilled);
    registers the people found, in order."""
    from .spill import Spill
    spill = Spill(engine)
    if not engine.settings.ner:
        return spill
    from .executors import MixedNameRunner
    tick.phase(1, None)
    try:
        base = 0
        done = 0
        for doc, state in zip(docs, states):
            engine.enter(state)
            runner = MixedNameRunner(engine, state.lang, executor)

            def ner_batches():
                nonlocal base, done
                texts: list[str] = []
                for r in doc.records():
                    done += 1
                    for sp in r.bodies:
                        texts.append(sp.text(r.raw))
                    if len(texts) >= NER_BATCH:
                        yield base, runner.submit(texts), done
                        base += len(texts)
                        texts = []
                        _trim()
                if texts:
                    yield base, runner.submit(texts), done
                    base += len(texts)

            def register(job):
                # the structure pass is over, so registering here, batch after batch, is the
                # same sequence for any batch size
                first, pending, upto = job
                results = pending()
                engine.register_names(results)
                spill.write({first + i: lst for i, lst in enumerate(results) if lst})
                tick.update(upto)
            _one_behind(ner_batches(), register)
    except BaseException:
        spill.close()
        raise
    return spill


def _render_pass(engine, doc, state, spill, executor, size, tick):
    from .executors import DetectRunner
    engine.enter(state)
    collect = engine.settings.collect
    res = Result(doc=doc, language=state.lang, records=state.records)
    runner = DetectRunner(engine, executor)
    doc.start_output(engine)
    tick.phase(2, None)
    ri = 0

    def render(job):
        nonlocal ri
        batch, pending = job
        found = pending()
        first = ri
        reps_list = []
        span_i = 0
        for r in batch:
            reps = engine.record_replacements(r, found, span_i)
            span_i += len(r.bodies)
            for rep in reps:
                if rep.kept:
                    if collect:
                        res.kept.append((ri, rep))
                    continue
                res.counts[rep.kind] += 1
                if rep.score < LOW_SCORE:
                    res.low_counts[rep.kind] += 1
                if collect:
                    res.replacements.append((ri, rep))
            if r.kind in (MESSAGE, SYSTEM):
                res.messages += 1
            reps_list.append(reps)
            ri += 1
        written = doc.emit(batch, reps_list, engine, first)
        if collect:
            from ..formats.base import apply_replacements
            res.texts.extend(apply_replacements(r.raw, reps) if reps else r.raw
                             for r, reps in zip(batch, written))
        doc.people_at[first] = engine.identities.version  # the people known when rendered
        doc.inserted[first] = inserted_array(first, [inserted_spans(reps) if reps else ()
                                                     for reps in written])
        tick.update(ri)

    def submitted():
        for batch in batches(doc.records(), size):
            texts, ner = [], []
            for r in batch:
                for sp in r.bodies:
                    texts.append(sp.text(r.raw))
                    ner.append(spill.pop())
            yield batch, runner.submit(texts, ner)

    try:  # batch k is rendered while batch k + 1 is detected
        _one_behind(submitted(), render)
    finally:
        runner.close()
    doc.finish(engine)
    return res


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
