"""Each engine's own detectors and renderers (Presidio's ``RecognizerRegistry`` is the model:
instance-scoped, extended from YAML), so a project's rules never leak into another engine.

* ``detectors``: callables ``(text, engine) -> [Finding]`` run on every body after the core
  detectors (participants, e-mails, phones, URLs, names);
* ``renderers``: ``kind -> (finding, engine) -> replacement text`` (None keeps the text).

:meth:`Registry.default` holds the identifier detectors (IBANs, cards, national IDs, IPs,
GPS, handles, plates, addresses, dates of birth, shifted dates).
:meth:`Registry.add_yaml` adds Presidio-format pattern recognisers (a project's
``extra_rules``: ``recognizers: [{name, supported_entity, patterns: [{name, regex, score}],
deny_list, context}]``), loaded by Presidio's own ``RecognizerRegistry`` and run with its
``PatternRecognizer``; a kind the engine has no fake for gets a keyed same-shape fake.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .base import KINDS, PHONE, Finding


class Registry:
    def __init__(self, detectors=(), renderers=None):
        self.detectors = list(detectors)
        self.renderers = dict(renderers or {})

    @classmethod
    def default(cls) -> "Registry":
        from .extra import DETECTORS, RENDERERS
        return cls(DETECTORS, RENDERERS)

    def add(self, detector, kind: str | None = None, renderer=None) -> None:
        self.detectors.append(detector)
        if kind is not None and renderer is not None:
            self.renderers.setdefault(kind, renderer)

    def add_yaml(self, path: str | Path) -> None:
        """Presidio-format pattern recognisers from ``path`` (one-line InputError when bad)."""
        from ..ruleset import load_user_yaml
        try:
            data = load_user_yaml(path)
        except FileNotFoundError:
            raise InputError(f"{path}: extra_rules file not found") from None
        except Exception as exc:
            raise InputError(f"{path}: invalid rules file ({type(exc).__name__})") from None
        recs = (data or {}).get("recognizers") if isinstance(data, dict) else None
        if not isinstance(recs, list):
            raise InputError(f"{path}: expected a 'recognizers:' list (Presidio's YAML format)")
        from presidio_analyzer import RecognizerRegistry
        reg = RecognizerRegistry(recognizers=[])
        for rec in recs:
            if not isinstance(rec, dict) or not rec.get("supported_entity"):
                raise InputError(f"{path}: each recogniser needs a supported_entity")
            try:
                reg.add_pattern_recognizer_from_dict(rec)
            except Exception as exc:  # Presidio raises ValueError/TypeError/re.error
                raise InputError(f"{path}: bad recogniser {rec.get('name', rec['supported_entity'])} "
                                 f"({' '.join(str(exc).split())})") from None
        for recognizer in reg.recognizers:
            kind = recognizer.supported_entities[0]
            self.detectors.append(_PatternDetector(recognizer, kind))
            if kind not in KINDS:
                self.renderers.setdefault(kind, _shape_renderer)


class _PatternDetector:
    """A Presidio ``PatternRecognizer`` as an engine detector."""

    def __init__(self, recognizer, kind: str):
        self.recognizer, self.kind = recognizer, kind

    def __call__(self, text: str, engine) -> list[Finding]:
        found = []
        for r in self.recognizer.analyze(text, [self.kind]):
            if r.end <= r.start:
                continue
            value = text[r.start:r.end]
            data = {}
            if self.kind == PHONE:
                num = engine.phones.parse_label(value)
                if num is None:
                    continue
                data["number"] = num
            found.append(Finding(r.start, r.end, self.kind, value, float(r.score), "rule", data))
        return found


def _shape_renderer(f: Finding, engine) -> str:
    return engine.pmap.identifier("rule-" + f.kind.lower(), f.text)
