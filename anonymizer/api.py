"""Library entry point: ``from anonymizer import Anonymizer``."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .detect.base import Finding
from .engine import Engine, Result
from .errors import InputError
from .io import atomic_write_bytes, encode_text, read_input
from .pseudonyms import PseudonymMap, LOCALES, load_key


class Anonymizer:
    """Pseudonymise chat exports with a keyed, persistent map.

    >>> anon = Anonymizer(key=b"a secret of at least 16 bytes", language="fr")
    >>> anon.anonymize_text("22/01/2025, 18:43 - Camille: salut jean")  # doctest: +SKIP
    """

    def __init__(self, key: bytes | str | None = None, language: str | None = None,
                 map_path: str | os.PathLike | None = None, ner: bool = True,
                 key_file: str | None = None, verify: bool = True):
        if isinstance(key, str):
            key = key.encode("utf-8")
        if key is None:
            key, self.stable = load_key(key_file)
        else:
            self.stable = True
        self.key = key
        self.language = language
        self.map_path = Path(map_path) if map_path else None
        self.ner = ner
        self.verify = verify
        self.pmap = PseudonymMap(key, LOCALES.get(language or "fr", "fr_FR"))
        if self.map_path:
            self.pmap.load(self.map_path)

    def _engine(self) -> Engine:
        return Engine(self.key, language=self.language, ner=self.ner, pmap=self.pmap,
                      verify=self.verify)

    def analyze(self, text: str, language: str | None = None) -> list[Finding]:
        """Findings (start, end, kind, text, score) in a free text, offsets into ``text``."""
        eng = Engine(self.key, language=language or self.language, ner=self.ner, pmap=self.pmap)
        eng._setup([], language or self.language)
        lang = language or self.language or eng._lang_of(text)
        ner = eng.run_ner([text], lang)[0]
        return eng.detect_text(text, ner)

    def anonymize_text(self, text: str, fmt: str | None = None) -> str:
        return self.process(text, fmt).text

    def process(self, text: str, fmt: str | None = None, name: str = "input") -> Result:
        res = self._engine().process_text(text, fmt, name)
        if self.map_path:
            self.pmap.save(self.map_path)
        return res

    def anonymize_file(self, src, dst, fmt: str | None = None) -> Result:
        src, dst = Path(src), Path(dst)
        dec = read_input(src)
        res = self.process(dec.text, fmt, str(src))
        atomic_write_bytes(dst, encode_text(res.text, dec.encoding))
        return res
