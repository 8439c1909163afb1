"""Library entry point: ``from anonymizer import Anonymizer``."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .detect.base import Finding
from .pipeline.engine import Engine, Result
from .errors import InputError
from .io import atomic_write_bytes, encode_text, read_input
from .render.pseudonyms import PseudonymMap, LOCALES, load_key


class Anonymizer:
    """Pseudonymise chat exports with a keyed, persistent map.

    >>> anon = Anonymizer(key=b"a secret of at least 16 bytes", language="fr")
    >>> anon.anonymize_text("22/01/2025, 18:43 - Camille: salut jean")  # doctest: +SKIP
    """

    def __init__(self, key: bytes | str | None = None, language: str | None = None,
                 map_path: str | os.PathLike | None = None, ner: bool = True,
                 key_file: str | None = None, verify: bool = True, policy: dict | None = None,
                 shift_dates: int | str | None = None):
        from .render.dateshift import parse_shift
        from .render.policy import parse_policy
        self.policy = parse_policy(policy)  # {"IBAN": "redact", "CITY": "keep"}
        self.shift_dates = parse_shift(shift_dates)  # None, days (multiple of 7) or "auto"
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
        self.seal_map = False
        if self.map_path:
            self.pmap.load(self.map_path)

    @classmethod
    def from_config(cls, start: str | os.PathLike | None = None, config: str | os.PathLike | None = None,
                    **overrides) -> "Anonymizer":
        """Use the project's settings (``.anonymizer.toml`` / ``[tool.anonymizer]``): key, map, language."""
        from .ui.config import load_config
        cfg = load_config(start, config)
        key = overrides.pop("key", None)
        if key is None and overrides.get("key_file") is None:
            key, stable = cfg.key()
            if not stable:
                key = None
        kw = {"language": cfg.language, "ner": cfg.ner, "policy": getattr(cfg, "policy", None),
              "shift_dates": getattr(cfg, "shift_dates", None),
              "map_path": cfg.effective_map if key is not None else None}
        kw.update(overrides)
        anon = cls(key=key, **kw)
        anon.seal_map = cfg.encrypt_map and kw["map_path"] == cfg.effective_map
        return anon

    def _engine(self) -> Engine:
        return Engine(self.key, language=self.language, ner=self.ner, pmap=self.pmap,
                      verify=self.verify, policy=self.policy, shift_dates=self.shift_dates)

    def analyze(self, text: str, language: str | None = None) -> list[Finding]:
        """Findings (start, end, kind, text, score) in a free text, offsets into ``text``."""
        eng = Engine(self.key, language=language or self.language, ner=self.ner, pmap=self.pmap,
                     policy=self.policy)
        eng._setup([], language or self.language)
        lang = language or self.language or eng._lang_of(text)
        ner = eng.run_ner([text], lang)[0]
        return eng.detect_text(text, ner)

    def anonymize_text(self, text: str, fmt: str | None = None) -> str:
        return self.process(text, fmt).text

    def process(self, text: str, fmt: str | None = None, name: str = "input") -> Result:
        if not self.map_path:
            return self._engine().process_text(text, fmt, name)
        # issue 16: the map's lock around the run; what other processes saved is merged in
        # first, and the map is saved sealed at the end (render/mapfile.py)
        from .render.mapfile import MapFile
        with MapFile(self.map_path, self.key).session(self.pmap):
            return self._engine().process_text(text, fmt, name)

    def anonymize_file(self, src, dst, fmt: str | None = None) -> Result:
        src, dst = Path(src), Path(dst)
        dec = read_input(src)
        res = self.process(dec.text, fmt, str(src))
        atomic_write_bytes(dst, encode_text(res.text, dec.encoding))
        return res
