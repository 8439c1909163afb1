"""Library entry point: ``from anonymizer import Anonymizer``."""
from __future__ import annotations

import os
from pathlib import Path

from .detect.base import Finding
from .io import atomic_write_bytes, encode_text, read_input
from .pipeline.run import Result
from .settings import Settings


class Anonymizer:
    """Pseudonymise chat exports with a keyed, persistent map.

    >>> anon = Anonymizer(key=b"a secret of at least 16 bytes", language="fr")
    >>> anon.anonymize_text("22/01/2025, 18:43 - Camille: salut jean")  # doctest: +SKIP
    """

    def __init__(self, key: bytes | str | None = None, language: str | None = None,
                 map_path: str | os.PathLike | None = None, ner: bool = True,
                 key_file: str | None = None, verify: bool = True, policy: dict | None = None,
                 shift_dates: int | str | None = None, settings: Settings | None = None, **more):
        if settings is None:
            settings = Settings.create(key=key, key_file=key_file, map_path=map_path,
                                       language=language, ner=ner, verify=verify, policy=policy,
                                       shift_dates=shift_dates, **more)
        self.settings = settings
        self.pmap = settings.pseudonym_map()

    @classmethod
    def from_config(cls, start: str | os.PathLike | None = None, config: str | os.PathLike | None = None,
                    **overrides) -> "Anonymizer":
        """Use the project's settings (``.anonymizer.toml`` / ``[tool.anonymizer]``): key, map,
        language, policy, rules."""
        from .config import load_config
        return cls(settings=Settings.create(load_config(start, config), **overrides))

    # ------------------------------------------------------------------ compatibility
    @property
    def key(self) -> bytes:
        return self.settings.key

    @property
    def stable(self) -> bool:
        return self.settings.stable_key

    # ------------------------------------------------------------------ detection only
    def analyze(self, text: str, language: str | None = None) -> list[Finding]:
        """Findings (start, end, kind, text, score) in a free text, offsets into ``text``."""
        from .formats.base import TEXT, Record, Span
        settings = self.settings.but(language=language) if language else self.settings
        engine = settings.engine(self.pmap)
        rec = Record(raw=text, kind=TEXT, bodies=[Span(0, len(text))])
        state = engine.read_structure(lambda: iter([rec]))
        ner = [[]]
        if settings.ner:
            ner = engine.name_detector(state.lang).find_batch([text])
            engine.register_names(ner)
        return engine.detect_text(text, ner[0])

    # ------------------------------------------------------------------ anonymising
    def anonymize_text(self, text: str, fmt: str | None = None) -> str:
        return self.process(text, fmt).text

    def process(self, text: str, fmt: str | None = None, name: str = "input") -> Result:
        return self.process_documents([(name, text, fmt)])[0]

    def process_documents(self, items, fields=None) -> list[Result]:
        """Several exports in one run (one person, one pseudonym across them): ``items`` is
        ``[(name, text, format or None)]``; one :class:`Result` per document (JSON/CSV
        exports together in one)."""
        from .pipeline.documents import open_documents
        from .pipeline.run import run
        engine = self.settings.engine(self.pmap)
        results = run(engine, open_documents(items, fields), self.settings.executor())
        self.settings.save_map(self.pmap)
        return results

    def anonymize_documents(self, items, fields=None) -> list[str]:
        """The outputs of :meth:`process_documents`, one text per item, in order (item names
        must differ)."""
        by_name = {name: out for res in self.process_documents(items, fields) for name, out in res.outputs()}
        return [by_name[name] for name, _, _ in items]

    def anonymize_file(self, src, dst, fmt: str | None = None) -> Result:
        src, dst = Path(src), Path(dst)
        dec = read_input(src)
        res = self.process(dec.text, fmt, str(src))
        atomic_write_bytes(dst, encode_text(res.text, dec.encoding))
        return res
