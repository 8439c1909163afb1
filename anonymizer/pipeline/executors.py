"""Where detection runs: one executor protocol, chosen by the settings (never by a type test).

* :class:`InProcess` — everything in this process (``--jobs 1``, the library's default);
* :class:`ForkPool` — ``--jobs N``: name recognition on N forked workers that load their own
  model while this process reads the chat's structure, cheap detectors on workers forked
  with the engine's state, verification batches on workers;
* :class:`DaskExecutor` — ``--dask ADDRESS``: name recognition on a Dask cluster.

Detection is a pure function of the text and of the people known, so it can move to other
processes.  Everything stateful — registering people, the pseudonym map, rendering,
verification verdicts — stays in the calling process, in document order, so the output is the
same for every executor by construction.

The runners below drive an executor over the successive batches of one run:
:class:`NameRunner` (NER, repeated bodies once, bounded cache), :class:`MixedNameRunner`
(per-message language in mixed chats) and :class:`DetectRunner` (cheap detectors).
"""
from __future__ import annotations

import multiprocessing as mp
import signal

from ..detect.base import Finding

CHUNK = 256  # bodies per task: big enough for nlp.pipe batches, small enough to balance


def fork_available() -> bool:
    return "fork" in mp.get_all_start_methods()


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


def _copy(findings):
    """Equal findings, each its own object (their ``data`` is filled in later)."""
    return [Finding(f.start, f.end, f.kind, f.text, f.score, f.detector, dict(f.data)) for f in findings]


# ---------------------------------------------------------------------------- executors
class InProcess:
    """Everything here, now (lazily: a submitted batch is computed when asked for)."""

    jobs = 1
    forks = False  # may cheap detection and verification run on forked workers?

    def start(self, lang: str, rules) -> None:
        """Name recognition will run, mostly in ``lang`` (known before the structure pass),
        with the engine's word ``rules``."""

    def find_names(self, det, texts: list[str]):
        """Submit distinct texts to ``det`` (a NameDetector); returns a callable giving
        ``det.find_batch(texts)``."""
        return lambda: det.find_batch(texts) if texts else []

    def map(self, fn, items) -> list:
        """``[fn(i) for i in items]`` (forked workers see this process's state at the call)."""
        return [fn(i) for i in items]

    def close(self) -> None:
        pass


_WORKER_DET = None  # the NameDetector of a name worker


def _init_name_worker(lang: str, rules):
    """A worker forked before this process loaded any model: it loads its own (so loading
    overlaps the structure pass), once, at start."""
    global _WORKER_DET
    _init_worker()
    from ..detect.names import NameDetector
    _WORKER_DET = NameDetector(lang, rules)
    _WORKER_DET.nlp  # noqa: B018  load now, not on the first task


def _work_known(args):
    chunk, known = args
    _WORKER_DET.known = known  # the people known to the main process (names.needs_ner)
    return _WORKER_DET.find_batch(chunk)


class ForkPool(InProcess):
    """``jobs`` forked worker processes."""

    forks = True

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.name_pool = None
        self.name_lang = None

    def start(self, lang: str, rules) -> None:
        if self.name_pool is None:
            from ..detect.names import model_for, require_model
            require_model(model_for(lang))  # a missing model: the one-line error here, not in a worker
            self.name_lang = lang
            self.name_pool = mp.get_context("fork").Pool(
                self.jobs, initializer=_init_name_worker, initargs=(lang, rules))

    def find_names(self, det, texts):
        if self.name_pool is None or det.lang != self.name_lang or not texts:
            return super().find_names(det, texts)
        step = max(16, min(CHUNK, -(-len(texts) // (2 * self.jobs))))
        chunks = [(texts[i:i + step], det.known) for i in range(0, len(texts), step)]
        pending = self.name_pool.map_async(_work_known, chunks, chunksize=1)
        return lambda: [f for part in pending.get() for f in part]

    def map(self, fn, items) -> list:
        items = list(items)
        if len(items) < 2:
            return super().map(fn, items)
        pool = mp.get_context("fork").Pool(self.jobs, initializer=_init_worker)
        try:
            return pool.map(fn, items, chunksize=1)
        finally:
            stop_pool(pool)

    def close(self) -> None:
        stop_pool(self.name_pool)
        self.name_pool = None


def _find_chunk(chunk: list[str], lang: str, known=frozenset(), rules=None):
    from ..detect.names import NameDetector
    det = NameDetector(lang, rules)  # the model is cached per worker process
    det.known = known  # the client's people: the same bodies skip NER (names.needs_ner)
    return det.find_batch(chunk)


class DaskExecutor(InProcess):
    """Name recognition on a Dask cluster (``client``: a ``distributed.Client``)."""

    def __init__(self, client, chunk: int = CHUNK):
        self.client, self.chunk = client, chunk

    def find_names(self, det, texts):
        chunks = [texts[i:i + self.chunk] for i in range(0, len(texts), self.chunk)]
        if not chunks:
            return lambda: []
        futures = self.client.map(_find_chunk, chunks, lang=det.lang, known=det.known,
                                  rules=det.rules, pure=False)
        return lambda: [f for part in self.client.gather(futures) for f in part]


def connect(address: str):
    """A Dask client for ``--dask ADDRESS``; a one-line InputError when it cannot connect."""
    from ..errors import InputError
    try:
        from dask.distributed import Client
    except ImportError:
        raise InputError("--dask needs dask.distributed (pip install 'chat-anonymizer[scale]')") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address} ({exc})") from None


# ---------------------------------------------------------------------------- runners
class NameRunner:
    """Name detection over the successive batches of one run: each distinct body once (a
    bounded cache of recent bodies, not an index of the whole file), on the executor.  Name
    detection is a pure function of the text, so the findings are the same everywhere."""

    def __init__(self, det, executor, cache_size=50_000):
        self.det, self.executor, self.cache_size = det, executor, cache_size
        self.cache: dict[str, list] = {}

    def find(self, texts: list[str]) -> list[list]:
        return self.submit(texts)()

    def submit(self, texts: list[str]):
        """Start on ``texts``; returns a callable giving their findings.  With workers the
        work starts at once, so the caller can parse the next batch meanwhile."""
        index: dict[str, int] = {}
        for t in texts:
            if t not in self.cache:
                index.setdefault(t, len(index))
        uniq = list(index)
        pending = self.executor.find_names(self.det, uniq)
        return lambda: self._assemble(texts, index, uniq, pending())

    def _assemble(self, texts, index, uniq, res) -> list[list]:
        out, seen = [], set()
        for t in texts:
            i = index.get(t)
            if i is None:
                hit = self.cache.get(t)
                if hit is None:  # left the cache since submit: once more
                    hit = self.executor.find_names(self.det, [t])()[0]
                out.append(_copy(hit))
            elif i in seen:
                out.append(_copy(res[i]))  # repeats get their own Finding objects
            else:
                seen.add(i)
                out.append(res[i])
        for t, r in zip(uniq, res):
            if len(self.cache) >= self.cache_size:
                del self.cache[next(iter(self.cache))]
            self.cache[t] = _copy(r) if r else r
        return out


class MixedNameRunner:
    """A :class:`NameRunner` that sends each batch's messages to their own language's
    detector when the chat mixes languages (one runner per language, made on first use);
    otherwise exactly the chat language's runner (issue 3)."""

    def __init__(self, engine, lang: str, executor):
        self.engine, self.lang, self.executor = engine, lang, executor
        self.runners = {lang: NameRunner(engine.name_detector(lang), executor)}

    def _runner(self, code):
        if code not in self.runners:
            self.runners[code] = NameRunner(self.engine.name_detector(code), self.executor)
        return self.runners[code]

    def submit(self, texts: list[str]):
        """A monolingual batch goes to the executor at once; a mixed one is run language
        by language."""
        from ..language import group_by_language
        groups = None if self.engine.settings.language else group_by_language(texts, self.lang)
        if groups is None:
            return self.runners[self.lang].submit(texts)
        out: list = [None] * len(texts)
        for code in sorted(groups, key=lambda c: (c != self.lang, c)):
            idx = groups[code]
            for i, res in zip(idx, self._runner(code).find([texts[i] for i in idx])):
                out[i] = res
        return lambda: out


_WORKER_ENGINE = None


def _detect_items(args):
    texts, ner, version = args
    part = [_WORKER_ENGINE.detect_text(t, f) for t, f in zip(texts, ner)]
    return part, _WORKER_ENGINE.identities.version != version


class DetectRunner:
    """``engine.detect_text(text, ner findings)`` over the successive batches of one pass,
    on one pool forked once (when the executor forks): ``submit`` sends a batch to the
    workers and returns at once, so that this process renders the previous batch meanwhile;
    the callable it returns gives the findings, linked to this process's own people.

    The workers hold the engine as it was at the fork.  Detection only reads it, except
    when a detector registers someone new: a worker that did (its answer says so), or this
    process having registered someone since the fork (rendering may), makes the batch be
    detected again here, in order — and the pool is forked anew for the next batches.  So
    the findings are those of one process by construction."""

    def __init__(self, engine, executor):
        self.engine, self.jobs, self.pool = engine, executor.jobs, None
        self.parallel = executor.forks and self.jobs > 1 and fork_available()

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
