"""Loading a spaCy pipeline for NER, fast (issue 17): what a name run pays at start-up.

``load_spacy(model)`` loads an installed model package (never downloaded) once per process
(``LOADS`` counts real loads), with only what NER reads:

- **Components**: the NER component only.  The models' ``ner`` has its own embedding layer
  (``[components.ner.model.tok2vec]`` is a ``spacy.Tok2Vec``, not a listener), so the shared
  ``tok2vec`` and the tagger/parser/lemmatizer… are excluded: same entities.
- **Strings**: the vocabulary's ``strings.json`` (700,000 strings in fr_core_news_md) is not
  read.  spaCy's features and vectors are keyed by hashes computed from the text, and every
  string a document uses is added when it is tokenised; the table only maps hashes of
  strings never seen back to text.  Same entities (``tests/test_startup.py`` compares with a
  plain ``spacy.load`` on the corpus).
- **spaCy's CLI**: ``import spacy`` imports spaCy's command line (typer, weasel, httpx,
  requests, rich: a quarter of its import) to expose ``spacy.info``; :func:`import_spacy`
  leaves it out (a later ``import spacy.cli`` still gets the real one).
- **Plugins**: spaCy imports every ``spacy_factories`` entry point of the environment when it
  builds a pipeline; Presidio registers one, which imports the whole of
  ``presidio_analyzer`` (its 170 recognisers' regular expressions).  Our models need spaCy's
  own factories only, so entry points are not scanned during our load.
- **Regular expressions**: importing ``spacy.lang.fr`` compiles one regular expression of
  some 200 alternatives over spaCy's Unicode letter classes, case-insensitive (its
  ``TOKEN_MATCH``): 3–5 s of ``re``'s compiler, every start.  :class:`RegexCache` keeps the
  compiled programs of the big patterns spaCy compiles while loading a model, in the user
  cache folder (``cachefile``), and hands them back to ``re`` on the next load — the same
  program ``re`` builds, so the same tokens (see its docstring for how it stays safe).

Nothing here changes what NER finds; ``detect/names.py`` turns the entities into findings.
"""
from __future__ import annotations

import os
import sys
import threading
from array import array
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from .. import cachefile

# components NER does not read (everything but ``ner``); "strings": the vocabulary's string table
EXCLUDE = ["tok2vec", "tagger", "parser", "senter", "morphologizer", "attribute_ruler", "lemmatizer"]
SKIP_VOCAB = ["strings"]
LOADS: Counter = Counter()  # model -> pipelines really loaded in this process (tests count them)


def not_installed(model: str) -> InputError:
    return InputError(f"the spaCy model {model} is not installed "
                      f"(pip install {model.replace('_', '-')}); it is never downloaded at run time")


@lru_cache(maxsize=None)
def require_model(model: str) -> None:
    """Refuse a missing model without importing spaCy (cheap: before forking workers)."""
    import importlib.util
    if importlib.util.find_spec(model) is None:
        raise not_installed(model)


@lru_cache(maxsize=None)
def load_spacy(model: str):
    """The NER-only pipeline of an installed spaCy model, loaded once per process."""
    require_model(model)
    with _gc_paused():
        spacy = import_spacy()
        if not spacy.util.is_package(model):
            raise not_installed(model)
        LOADS[model] += 1
        with _without_entry_point_factories(), RegexCache.for_model(model).installed():
            return spacy.load(model, exclude=EXCLUDE + SKIP_VOCAB)


@contextmanager
def _gc_paused():
    """No cyclic garbage collection while spaCy imports and loads (hundreds of thousands of
    long-lived objects, next to no garbage): 5-10 % of the load."""
    import gc
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def import_spacy():
    """``import spacy``, without the command-line interface its ``__init__`` imports to expose
    ``spacy.info`` (typer, weasel, httpx, requests, rich…: a quarter of spaCy's import).

    While spaCy imports, ``spacy.cli`` and ``spacy.cli.info`` are placeholders whose ``info``
    imports the real command when called; they are removed right after, so a later ``import
    spacy.cli`` (``spacy.cli.download``…) imports the real package.  Only done when spaCy's
    ``__init__`` refers to its CLI by that one line (checked in its source), else a plain import."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    import importlib.util
    import types
    spec = importlib.util.find_spec("spacy")
    try:
        source = Path(spec.origin).read_text(encoding="utf-8")
    except (AttributeError, TypeError, OSError):
        source = ""
    line = "from .cli.info import info"
    if source.count(".cli") != 1 or line not in source or "spacy.cli" in sys.modules:
        import spacy
        return spacy

    def info(*args, **kwargs):
        from spacy.cli.info import info as real
        return real(*args, **kwargs)

    cli, cli_info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")
    cli.__path__ = []
    cli_info.info = info
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, cli_info
    try:
        import spacy
    finally:
        for name, stub in (("spacy.cli", cli), ("spacy.cli.info", cli_info)):
            if sys.modules.get(name) is stub:
                del sys.modules[name]
        if getattr(sys.modules.get("spacy"), "cli", None) is cli:
            del sys.modules["spacy"].cli
    return spacy


@contextmanager
def _without_entry_point_factories():
    """spaCy's ``Language()`` loads every ``spacy_factories`` entry point of the environment
    (Presidio's imports all of ``presidio_analyzer``: ~1 s).  Our models use spaCy's own
    factories; a missing one would still be a clear spaCy error, not a silent change."""
    from spacy import util
    reg = getattr(util.registry, "_entry_point_factories", None)
    if reg is None or not hasattr(reg, "entry_points"):
        yield
        return
    old = reg.entry_points
    reg.entry_points = False
    try:
        yield
    finally:
        reg.entry_points = old


def _model_version(model: str) -> str:
    from importlib import metadata
    try:
        return metadata.version(model)
    except metadata.PackageNotFoundError:  # pragma: no cover - a model outside a wheel
        return "unknown"


# ---------------------------------------------------------------------------- compiled regexes
def _re_compiler():
    """The module whose ``compile(pattern, flags)`` ``re`` calls on a cache miss, and ``_sre``."""
    import re
    import _sre
    comp = getattr(re, "_compiler", None)
    if comp is None:  # Python 3.10
        import sre_compile as comp
    return comp, _sre


class _Capture:
    """Stands in for ``_sre`` in ``re``'s compiler during one compilation, to see the
    arguments of its final ``_sre.compile(pattern, flags, code, groups, groupindex,
    indexgroup)``: the compiled program, built by ``re``'s own compiler."""

    def __init__(self, real, pattern):
        self.real, self.pattern, self.args = real, pattern, None

    def __getattr__(self, name):
        return getattr(self.real, name)

    def compile(self, *args):
        if args and args[0] is self.pattern:  # not another thread's pattern
            self.args = args
        return self.real.compile(*args)


class RegexCache:
    """Compiled programs of the slow regular expressions compiled while a model loads.

    While :meth:`installed` is active, ``re``'s compile step (``re._compiler.compile``, called
    on ``re``'s own cache misses) first looks the (pattern, flags) up in this table and, on a
    hit, builds the pattern object straight from the stored program with ``_sre.compile`` —
    the call ``re`` itself ends with.  A miss compiles as usual; a big program (``MIN_CODE``
    words or more: the tokenizer's token-match, prefix, suffix and infix expressions, the
    slow ones) is recorded — arguments captured from ``re``'s own call — and the table is
    written back once the load is over.

    Safe when stale or damaged:
    - an entry applies only to the exact pattern text and flags it was compiled from: if spaCy
      changes a pattern, the new one misses and is compiled (and recorded) as usual;
    - the file name holds the model and its version, spaCy's version, the Python version and
      implementation, ``_sre``'s program format (``MAGIC``, ``CODESIZE``) and the Unicode
      database version (case-insensitive programs depend on it): another environment never
      reads it;
    - the file ends with the SHA-256 of its content, checked before use; a truncated,
      corrupted or unreadable file is ignored (and rewritten), and ``_sre.compile`` validates
      every program anyway (an invalid one raises, and the pattern is compiled as usual);
    - written whole (``cachefile.write``): concurrent runs never see half a file; a folder
      that cannot be written only costs the next start-up the slow compile.
    The file is as trusted as the ``__pycache__`` of the installed packages: anyone who can
    write the user cache folder can change what runs."""

    MIN_CODE = 1000  # program words worth caching (fr_core_news_md: 4 programs, 1,500-200,000)
    MAGIC = b"anonymizer-sre-cache-1\n"

    def __init__(self, path: Path | None):
        self.path = path
        self.table: dict[tuple[str, int], tuple] = {}
        self.new: dict[tuple[str, int], tuple] = {}
        self._read()

    @classmethod
    def for_model(cls, model: str) -> "RegexCache":
        import _sre
        import unicodedata
        if array("I").itemsize != _sre.CODESIZE:  # pragma: no cover - an unusual platform
            return cls(None)
        try:
            spacy = import_spacy()
            parts = [model, _model_version(model), "spacy" + spacy.about.__version__,
                     sys.implementation.cache_tag or sys.implementation.name,
                     sys.version.split()[0], f"sre{_sre.MAGIC}x{_sre.CODESIZE}",
                     "ucd" + unicodedata.unidata_version]
            name = "spacy-regex-" + "-".join(p.replace(os.sep, "_") for p in parts) + ".bin"
            return cls(cachefile.cache_dir() / name)
        except Exception:  # no cache folder: compile as usual
            return cls(None)

    # -------------------------------------------------------------- file
    def _read(self) -> None:
        got = cachefile.read(self.path, self.MAGIC) if self.path is not None else None
        if got is None:
            return
        entries, code_bytes = got
        try:
            for e in entries:
                code = array("I")
                code.frombytes(code_bytes[e["at"]:e["at"] + code.itemsize * e["len"]])
                self.table[(e["pattern"], e["flags"])] = (
                    e["pattern"], e["final_flags"], code.tolist(), e["groups"],
                    dict(e["groupindex"]), tuple(e["indexgroup"]))
        except Exception:  # damaged: ignored, rewritten after this load
            self.table = {}

    def _write(self) -> None:
        if self.path is None or not self.new:
            return
        table = dict(self.table)
        table.update(self.new)
        entries, chunks, at = [], [], 0
        for (pattern, flags), (_, final_flags, code, groups, groupindex, indexgroup) in table.items():
            chunk = array("I", code).tobytes()
            entries.append({"pattern": pattern, "flags": flags, "final_flags": final_flags,
                            "groups": groups, "groupindex": sorted(groupindex.items()),
                            "indexgroup": list(indexgroup), "at": at, "len": len(code)})
            chunks.append(chunk)
            at += len(chunk)
        cachefile.write(self.path, self.MAGIC, entries, b"".join(chunks))

    # -------------------------------------------------------------- hook
    def _compile(self, orig, sre):
        def compile(p, flags=0):
            hit = self.table.get((p, flags)) if isinstance(p, str) else None
            if hit is not None:
                try:
                    return sre.compile(*hit)
                except Exception:  # an invalid program: compile as usual
                    self.table.pop((p, flags), None)
            if not isinstance(p, str):
                return orig(p, flags)
            comp, _ = _re_compiler()
            cap = _Capture(sre, p)
            comp._sre = cap
            try:
                obj = orig(p, flags)
            finally:
                comp._sre = sre
            if cap.args is not None and len(cap.args[2]) >= self.MIN_CODE:
                pattern, final_flags, code, groups, groupindex, indexgroup = cap.args
                self.new[(p, flags)] = (pattern, int(final_flags), [int(c) for c in code], int(groups),
                                        dict(groupindex), tuple(indexgroup))
            return obj
        return compile

    _lock = threading.Lock()

    @contextmanager
    def installed(self):
        """Serve and record compiled programs while the block runs (one block at a time)."""
        try:
            comp, sre = _re_compiler()
            orig = comp.compile
        except Exception:  # pragma: no cover - another Python's re internals: no cache
            yield self
            return
        with self._lock:
            comp.compile = self._compile(orig, sre)
            try:
                yield self
            finally:
                comp.compile = orig
        self._write()
