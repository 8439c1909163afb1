"""Name detection over many bodies: repeated bodies once, and optionally in worker processes.

``Engine.run_ner`` hands every body of the run to :func:`find_names`.  Name detection
(gazetteer + spaCy NER through Presidio, ``NameDetector.find_batch``) is a pure function of
the text, so:

* each distinct body is analysed once and its findings copied to every repeat
  ("ok", "merci 🙏", forwarded messages…);
* with ``jobs > 1`` the distinct bodies are cut into chunks analysed by ``jobs`` worker
  processes (forked after the model is loaded, so no worker loads it again), and the
  results are put back in document order.

Everything stateful — registering the people NER found, the pseudonym map, rendering,
verification — stays in the calling process and runs in document order on the same
findings, so the output is the same for every ``jobs`` by construction (no shared
mutable state between workers, nothing to merge).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
from dataclasses import replace

CHUNK = 256  # bodies per task: big enough for nlp.pipe batches, small enough to balance

_WORKER_DET = None  # the NameDetector inherited by forked workers


def _init_worker():
    # the CLI's handlers (io.install_signal_handlers) are for the parent: a worker just
    # stops on SIGTERM and leaves Ctrl-C to the parent
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def stop_pool(pool) -> None:
    """Stop a worker pool now (its tasks are done or no longer wanted)."""
    if pool is not None:
        pool.terminate()
        pool.join()


def _pool_map(fn, items, jobs):
    pool = mp.get_context("fork").Pool(jobs, initializer=_init_worker)
    try:
        return pool.map(fn, items, chunksize=1)
    finally:
        stop_pool(pool)


def _work(chunk: list[str]):
    return _WORKER_DET.find_batch(chunk)


def _work_known(args):
    chunk, known = args
    _WORKER_DET.known = known  # the people known to the main process (names.needs_ner)
    return _WORKER_DET.find_batch(chunk)


def _init_name_worker(lang: str):
    """A worker forked before the main process loaded any model: it loads its own (so
    loading overlaps the main process's structure pass), once, at start."""
    global _WORKER_DET
    _init_worker()
    from ..detect.names import NameDetector
    _WORKER_DET = NameDetector(lang)
    _WORKER_DET.engine  # noqa: B018  load now, not on the first task


def start_name_pool(lang: str, jobs):
    """A pool for :class:`NameRunner`, forked now (see :func:`_init_name_worker`), or None."""
    if isinstance(jobs, int) and jobs > 1 and "fork" in mp.get_all_start_methods():
        from ..detect.names import _installed, model_for
        _installed(model_for(lang))  # a missing model: the one-line error here, not in a worker
        return mp.get_context("fork").Pool(jobs, initializer=_init_name_worker, initargs=(lang,))
    return None


def _copy(findings):
    return [replace(f, data=dict(f.data)) for f in findings]


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def find_names(det, texts: list[str], jobs=1) -> list[list]:
    """``det.find_batch(texts)``, computed once per distinct text, on ``jobs`` processes
    (or, when ``jobs`` is an executor with ``find_batch(lang, texts)``, there)."""
    index: dict[str, int] = {}
    for t in texts:
        index.setdefault(t, len(index))
    uniq = list(index)
    if not isinstance(jobs, int):  # an executor (anonymizer.distributed.DaskNames)
        res = jobs.find_batch(det.lang, uniq, det.known)
    elif jobs > 1 and len(uniq) >= 2 * CHUNK and "fork" in mp.get_all_start_methods():
        res = _parallel(det, uniq, jobs)
    else:
        res = det.find_batch(uniq)
    out, seen = [], set()
    for t in texts:
        i = index[t]
        if i in seen:
            out.append(_copy(res[i]))  # repeats get their own Finding objects
        else:
            seen.add(i)
            out.append(res[i])
    return out


def _parallel(det, uniq: list[str], jobs: int) -> list[list]:
    global _WORKER_DET
    _WORKER_DET = det
    chunks = [uniq[i:i + CHUNK] for i in range(0, len(uniq), CHUNK)]
    try:
        parts = _pool_map(_work, chunks, jobs)
    finally:
        _WORKER_DET = None
    return [f for part in parts for f in part]


# ---------------------------------------------------------------- cheap detectors
_WORKER_ENGINE = None


def detect_all(engine, texts: list[str], ner: list[list], jobs=1) -> list[list]:
    """``engine.detect_text(text, ner findings)`` for every body, after every person NER
    found is registered, on ``jobs`` processes (one :class:`DetectRunner` batch)."""
    runner = DetectRunner(engine, jobs)
    try:
        return runner.submit(texts, ner)()
    finally:
        runner.close()


def _detect_items(args):
    texts, ner, version = args
    part = [_WORKER_ENGINE.detect_text(t, f) for t, f in zip(texts, ner)]
    return part, _WORKER_ENGINE.identities.version != version


class DetectRunner:
    """:func:`detect_all` over the successive batches of one streaming pass, on one pool
    forked once: ``submit`` sends a batch to the workers and returns at once, so that this
    process renders the previous batch meanwhile (issue 6); the callable it returns gives
    the findings, linked to this process's own people.

    The workers hold the engine as it was at the fork.  Detection only reads it, except
    when a detector registers someone new: a worker that did (its answer says so), or this
    process having registered someone since the fork (rendering may), makes the batch be
    detected again here, in order — and the pool is forked anew for the next batches.  So
    the findings are those of ``jobs=1`` by construction."""

    def __init__(self, engine, jobs=1):
        self.engine, self.jobs, self.pool = engine, jobs, None
        self.parallel = isinstance(jobs, int) and jobs > 1 and "fork" in mp.get_all_start_methods()

    def _fork(self):
        global _WORKER_ENGINE
        self.close()
        self.engine.matcher.find("")  # build the participant regex once, before forking
        _WORKER_ENGINE = self.engine
        self.version = self.engine.identities.version
        self.pool = mp.get_context("fork").Pool(self.jobs, initializer=_init_worker)

    def close(self):
        global _WORKER_ENGINE
        stop_pool(self.pool)
        self.pool = None
        _WORKER_ENGINE = None

    def _here(self, texts, ner):
        return [self.engine.detect_text(t, f) for t, f in zip(texts, ner)]

    def submit(self, texts: list[str], ner: list[list]):
        n = len(texts)
        if not self.parallel or n < 4 * CHUNK:
            return lambda: self._here(texts, ner)
        if self.pool is None or self.engine.identities.version != self.version:
            self._fork()
        version = self.version
        step = max(CHUNK, -(-n // (self.jobs * 4)))
        bounds = [(a, min(a + step, n)) for a in range(0, n, step)]
        pending = self.pool.map_async(_detect_items, [(texts[a:b], ner[a:b], version) for a, b in bounds],
                                      chunksize=1)

        def collect():
            parts = pending.get()
            if self.engine.identities.version != version:
                return self._here(texts, ner)  # this process registered someone since the fork
            # the workers' people replaced by this process's own (by key); from the first
            # chunk whose worker registered someone new (or named someone unknown here) on,
            # detection again here, in order — and a fresh pool for the next batch
            persons = self.engine.identities.persons
            out = []
            ok = True
            for (a, b), (part, changed) in zip(bounds, parts):
                ok = ok and not changed
                for lst in (part if ok else ()):
                    for f in lst:
                        p = f.data.get("person")
                        if p is not None:
                            mine = persons.get(p.key)
                            if mine is None:
                                ok = False
                            else:
                                f.data["person"] = mine
                if not ok:
                    self.version = -1
                    part = self._here(texts[a:b], ner[a:b])
                out.extend(part)
            return out
        return collect


# ---------------------------------------------------------------- streaming (bounded memory)
class NameRunner:
    """:func:`find_names` over successive batches of one run (``anonymizer.pipeline.run``):
    one worker pool for the whole pass (forked once, after the model is loaded) and a
    bounded cache of recent distinct bodies instead of an index of the whole file.  Name
    detection is a pure function of the text, so the findings are the same."""

    def __init__(self, det, jobs=1, cache_size=50_000, pool=None):
        """``pool``: one from :func:`start_name_pool` for ``det.lang`` (its workers load
        their own model; every batch goes to them, so this process never loads it)."""
        self.det, self.jobs, self.cache_size = det, jobs, cache_size
        self.cache: dict[str, list] = {}
        self.pool = pool
        if pool is None and isinstance(jobs, int) and jobs > 1 and "fork" in mp.get_all_start_methods():
            self.pool = start_name_pool(det.lang, jobs)

    def close(self):
        stop_pool(self.pool)
        self.pool = None

    def find(self, texts: list[str]) -> list[list]:
        return self.submit(texts)()

    def submit(self, texts: list[str]):
        """Start on ``texts``; returns a callable giving their findings (``find``'s answer).
        With a pool the workers start at once, so the caller can parse the next batch
        meanwhile (issue 6: the parent's share of the work overlaps the workers')."""
        index: dict[str, int] = {}
        for t in texts:
            if t not in self.cache:
                index.setdefault(t, len(index))
        uniq = list(index)
        if self.pool is not None and isinstance(self.jobs, int) and uniq:
            known = self.det.known
            step = max(16, min(CHUNK, -(-len(uniq) // (2 * self.jobs))))
            chunks = [(uniq[i:i + step], known) for i in range(0, len(uniq), step)]
            pending = self.pool.map_async(_work_known, chunks, chunksize=1)
            return lambda: self._assemble(texts, index, uniq,
                                          [f for part in pending.get() for f in part])
        return lambda: self._assemble(texts, index, uniq, self._run(uniq))

    def _run(self, uniq: list[str]) -> list[list]:
        if not uniq:
            return []
        if not isinstance(self.jobs, int):  # an executor (anonymizer.distributed.DaskNames)
            return self.jobs.find_batch(self.det.lang, uniq, self.det.known)
        return self.det.find_batch(uniq)

    def _assemble(self, texts, index, uniq, res) -> list[list]:
        out, seen = [], set()
        for t in texts:
            i = index.get(t)
            if i is None:
                hit = self.cache.get(t)
                if hit is None:  # left the cache since submit: once more
                    hit = (self.pool.apply(_work_known, (([t], self.det.known),)) if self.pool is not None
                           else self.det.find_batch([t]))[0]
                out.append(_copy(hit))
            elif i in seen:
                out.append(_copy(res[i]))
            else:
                seen.add(i)
                out.append(res[i])
        for t, r in zip(uniq, res):
            if len(self.cache) >= self.cache_size:
                del self.cache[next(iter(self.cache))]
            self.cache[t] = [_copy([f])[0] for f in r] if r else r
        return out
