"""One settings object for every way in: the CLI, the pre-commit hooks, the library, Dask.

:class:`Settings` holds what a run needs to know — the key, the map, the language, the
per-kind policy, the user's rules, the date shift, where detection runs, whether to verify —
and is the one place that builds an engine (:meth:`Settings.engine`) and an executor
(:meth:`Settings.executor`).  Build it with :meth:`Settings.create`, which merges a project
configuration (``.anonymizer.toml`` / ``[tool.anonymizer]``) with explicit values (command-line
options, library arguments) and checks everything once, with one-line errors.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from .errors import InputError


@dataclass(frozen=True)
class Settings:
    key: bytes
    stable_key: bool = True                  # False: a random key drawn for this run
    language: str | None = None              # None: detected per document
    ner: bool = True
    verify: bool = True
    policy: Mapping[str, str] = field(default_factory=dict)  # kind -> replace | redact | keep
    shift_dates: int | str | None = None     # days (multiple of 7) or "auto"
    map_path: Path | None = None             # the pseudonym map to load and extend
    name_rules: tuple[Path, ...] = ()        # --rules: allow/deny word lists
    extra_rules: tuple[Path, ...] = ()       # Presidio-format pattern recognisers
    allow_words: frozenset[str] = frozenset()    # folded words never reported nor replaced
    allow_hashes: frozenset[str] = frozenset()   # keyed hashes of accepted findings
    keep_pseudonyms: bool = False            # values that are fakes of the map stay (hooks)
    keep_reserved: bool = False              # …and values reserved for fiction (no map to read)
    jobs: int = 1                            # worker processes for detection
    dask: Any = None                         # a Dask scheduler address or Client
    batch_size: int | None = None            # records per batch (None: the run's default)
    collect: bool = True                     # keep every replacement (report, dry run, hooks)

    # ------------------------------------------------------------------ building
    @classmethod
    def create(cls, config=None, *, key: bytes | str | None = None, key_file: str | None = None,
               map_path=None, **explicit) -> "Settings":
        """Settings from a project configuration (a :class:`~anonymizer.config.Config`, or
        None) and explicit values, which win.  The key: ``key``, else ``key_file``, else
        ``$ANONYMIZER_KEY``, else the configured key file, else a random key for this run
        (``stable_key=False``).  The map: ``map_path``, else the configured map when the key
        is stable.  Raises :class:`InputError` (one line) on a bad value."""
        from .language import check_language
        from .render.dateshift import parse_shift
        from .render.policy import parse_policy
        vals: dict = {}
        if config is not None:
            vals.update(language=config.language, ner=config.ner, policy=dict(config.policy),
                        shift_dates=config.shift_dates, extra_rules=tuple(config.extra_rules),
                        allow_words=_fold_words(config.allow))
        if isinstance(key, str):
            key = key.encode("utf-8")
        if key is not None:
            stable = True
        elif config is not None:
            key, stable = config.key(key_file)
        else:
            from .render.pseudonyms import load_key
            key, stable = _load_key(load_key, key_file)
        if map_path is None and config is not None and config.source is not None and stable:
            map_path = config.effective_map
        vals.update(key=key, stable_key=stable, map_path=Path(map_path) if map_path else None)
        policy = explicit.pop("policy", None)
        if policy:
            vals["policy"] = {**vals.get("policy", {}), **parse_policy(policy)}
        for k, v in explicit.items():
            if v is not None:
                vals[k] = v
        vals["language"] = check_language(vals.get("language"))
        vals["shift_dates"] = parse_shift(vals.get("shift_dates"))
        vals["policy"] = parse_policy(vals.get("policy"))
        for k in ("name_rules", "extra_rules"):
            vals[k] = tuple(Path(p) for p in vals.get(k) or ())
        if isinstance(vals.get("allow_words"), (list, tuple, set)):
            vals["allow_words"] = _fold_words(vals["allow_words"])
        if len(vals["key"]) < 16:
            raise InputError("the key is too short (need at least 16 bytes)")
        return cls(**vals)

    def but(self, **changes) -> "Settings":
        """A copy with some values changed."""
        return replace(self, **changes)

    # ------------------------------------------------------------------ the run's parts
    def pseudonym_map(self):
        """The keyed map, read from :attr:`map_path` when there is one (no lock: for a run
        that will save it, use :meth:`map_session`)."""
        pmap = self._fresh_map()
        if self.map_path is not None:
            from .render.mapfile import MapFile
            MapFile(self.map_path, self.key).load(pmap)
        return pmap

    def _fresh_map(self):
        from .language import language
        from .render.pseudonyms import PseudonymMap
        return PseudonymMap(self.key, language(self.language).faker_locale)

    @contextlib.contextmanager
    def map_session(self, pmap=None, rekey: bool = True, on_wait=None):
        """The run's map, with its file locked from loading to the end of the ``with``
        (render/mapfile.py: concurrent runs on one map queue up, so two runs never hand one
        fake to two people).  Yields a :class:`MapSession`; ``session.save()`` merges with
        the file and writes it sealed — the entry points call it before writing any output
        (a map that cannot be saved leaves no output; an output never lacks its map).
        ``rekey``: the inputs are real exports (an earlier fake that is a real name here is
        retired); False for the hooks' files, which hold pseudonyms on purpose."""
        pmap = self._fresh_map() if pmap is None else pmap
        if self.map_path is None:
            yield MapSession(pmap, None)
            return
        from .render.mapfile import MapFile
        mf = MapFile(self.map_path, self.key)
        mf.open(pmap, rekey, on_wait)
        try:
            yield MapSession(pmap, mf)
        finally:
            mf.close()

    def save_map(self, pmap) -> None:
        """Merge ``pmap`` into the map file and write it sealed (0600; the folder is created)."""
        if self.map_path is not None:
            from .render.mapfile import MapFile
            MapFile(self.map_path, self.key).save(pmap)

    def check_map_path(self) -> None:
        """Refuse, before anything is written, a map that could not be saved at the end."""
        if self.map_path is None:
            return
        d = self.map_path.parent
        while not d.exists() and d != d.parent:
            d = d.parent
        import os
        if not d.is_dir() or not os.access(d, os.W_OK):
            raise InputError(f"{self.map_path}: cannot write the map there ({d} is not a writable folder)")
        if self.map_path.exists() and not os.access(self.map_path, os.W_OK):
            raise InputError(f"{self.map_path}: the map is not writable")

    def word_rules(self):
        from .detect.gazetteer import WordRules
        try:
            return WordRules.load(self.name_rules)
        except ValueError as exc:
            raise InputError(str(exc)) from None

    def registry(self):
        """The engine's own detectors and renderers: the defaults, plus ``extra_rules``."""
        from .detect.registry import Registry
        reg = Registry.default()
        for p in self.extra_rules:
            reg.add_yaml(p)
        return reg

    def executor(self):
        """Where detection runs: a Dask cluster, forked workers, or this process."""
        from .pipeline import executors
        if self.dask is not None:
            client = executors.connect(self.dask) if isinstance(self.dask, str) else self.dask
            return executors.DaskExecutor(client)
        if self.jobs > 1 and executors.fork_available():
            return executors.ForkPool(self.jobs)
        return executors.InProcess()

    def engine(self, pmap=None, known_names=None):
        """The one place an engine is built.  ``known_names``: see :class:`Engine`."""
        from .pipeline.engine import Engine
        return Engine(self, self.pseudonym_map() if pmap is None else pmap, known_names)


@dataclass
class MapSession:
    """The map of a run and, when it has a file, the file's held lock (see
    :meth:`Settings.map_session`)."""
    pmap: object
    file: object = None

    def save(self) -> None:
        if self.file is not None:
            self.file.save(self.pmap)


def _fold_words(words) -> frozenset[str]:
    from .textutil import fold
    return frozenset(" ".join(fold(str(w)).split()) for w in words or () if str(w).strip())


def _load_key(load_key, key_file):
    try:
        return load_key(key_file)
    except FileNotFoundError:
        raise InputError(f"{key_file}: key file not found") from None
