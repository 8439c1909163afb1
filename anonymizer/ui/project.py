"""Scanning and fixing a repository's files: the logic behind ``scan``, ``check``, ``fix``,
``allow`` and ``reveal`` (the click commands live in :mod:`anonymizer.ui.commands`).

Findings are what the engine would replace, minus
- values that are already pseudonyms (in the project map, or phone numbers in ranges reserved
  for fiction, e-mails/URLs on example.com/.org/.net): a fixed file stays clean when edited;
- accepted findings: words in the config's ``allow`` list, and keyed hashes in the allow-file.

Nothing here ever prints a real value: reports carry :func:`preview` (redacted) only.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers

from .. import formats
from .config import Config
from ..detect.base import EMAIL, KINDS, PERSON, PHONE, URL, Finding
from ..errors import InputError
from ..formats.base import apply_replacements, split_lines
from ..io import atomic_write_bytes, atomic_write_text, encode_text, read_input
from ..render.pseudonyms import LOCALES, RESERVED_DOMAINS, SEALED_FORMAT, KeyError_, PseudonymMap, fiction_ranges
from ..textutil import fold, name_tokens

ALLOW_FORMAT = "anonymizer-allowlist-v1"
_DIGITS = re.compile(r"\d")
_KEY_NAME = re.compile(r"(^|[._-])(anonymi[sz]er)?[._-]?key$|\.key$", re.I)
_MAP_NAME = re.compile(r"\.map(\.json)?$|(^|[._-])pseudonym", re.I)


# ---------------------------------------------------------------------- previews
def preview(kind: str, value: str) -> str:
    """A redacted preview safe for CI logs: ``+33 6 •• •• •• 78``, ``J••• D•••``."""
    value = " ".join(value.split())  # no newlines / tabs in a report line
    if kind == PHONE or (_DIGITS.search(value) and not any(c.isalpha() for c in value)):
        digits = [i for i, c in enumerate(value) if c.isdigit()]
        lead = 3 if value.lstrip().startswith(("+", "00")) else 2
        keep = set(digits[:lead] + digits[-2:]) if len(digits) > 6 else set(digits[-1:])
        return "".join(c if (not c.isdigit() or i in keep) else "•" for i, c in enumerate(value))
    if kind == EMAIL and "@" in value:
        local, _, dom = value.rpartition("@")
        tld = dom.rsplit(".", 1)[-1] if "." in dom else ""
        return f"{local[:1]}•••@{dom[:1]}•••" + (f".{tld}" if tld else "")
    if kind == URL:
        m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)?(www\.)?(.)", value)
        return (m.group(1) or "") + (m.group(2) or "") + (m.group(3) if m else "") + "•••"
    return " ".join(w[:1] + "•" * min(3, max(len(w) - 1, 0)) if w else w for w in value.split(" "))


# ---------------------------------------------------------------------- allow-file
def canonical(kind: str, value: str) -> str:
    if kind == PHONE:
        d = "".join(_DIGITS.findall(value))
        return d[-9:] if len(d) >= 9 else d   # national significant number, whatever the prefix
    if kind in (EMAIL, URL):
        return value.strip().lower()
    return " ".join(fold(value).split())


def allow_hash(key: bytes, kind: str, value: str) -> str:
    msg = b"anonymizer-allow\x00" + kind.encode() + b"\x00" + canonical(kind, value).encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    return hmac.new(key, b"key-id", hashlib.sha256).hexdigest()[:16]


def load_allow_file(path: Path) -> dict:
    if not path.is_file():
        return {"format": ALLOW_FORMAT, "key_id": None, "entries": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        raise InputError(f"{path}: not a valid allow-file (JSON)") from None
    if not isinstance(data, dict) or data.get("format") != ALLOW_FORMAT:
        raise InputError(f"{path}: not an anonymizer allow-file")
    return data


def save_allow_file(path: Path, data: dict) -> None:
    data["entries"] = sorted({e["hash"]: e for e in data["entries"]}.values(),
                             key=lambda e: (e.get("kind", ""), e["hash"]))
    atomic_write_text(path, json.dumps(data, indent=1, sort_keys=True) + "\n", mode=0o644)


# ---------------------------------------------------------------------- the project
@dataclass
class Hit:
    path: str
    line: int
    col: int
    kind: str
    value: str          # plaintext: kept in memory only, never printed
    detector: str
    score: float
    record: int = 0
    rep: object = None

    @property
    def preview(self) -> str:
        return preview(self.kind, self.value)

    def report(self) -> str:
        return f"{self.path}:{self.line}:{self.col} {self.kind} {self.preview}"


@dataclass
class Project:
    cfg: Config
    key_file: str | None = None
    ner: bool | None = None
    need_key: bool = False
    key: bytes = b""
    stable: bool = False
    pmap: PseudonymMap | None = None
    allowed: set[str] = field(default_factory=set)
    allow_words: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    _ner_cache: dict = field(default_factory=dict)
    _identities: object = None
    _matcher: object = None

    def __post_init__(self):
        try:
            self.key, self.stable = self.cfg.key(self.key_file)
        except KeyError_ as exc:
            raise InputError(str(exc)) from None
        if self.need_key and not self.stable:
            raise InputError("no key: run `anonymize init`, or set ANONYMIZER_KEY, or pass --key-file")
        locale = LOCALES.get(self.cfg.language or "fr", "fr_FR")
        self.pmap = PseudonymMap(self.key, locale)
        mp = self.cfg.effective_map
        if self.stable and (mp.is_file() or self.need_key):
            try:
                if self.need_key:  # issue 16: fix/allow/reveal hold the map's lock until the end
                    from ..render.mapfile import MapFile
                    self._mapfile = MapFile(mp, self.key)
                    self._mapfile.open(self.pmap, rekey=False)
                    __import__("weakref").finalize(self, self._mapfile.close)
                else:
                    self.pmap.load(mp)
            except KeyError_ as exc:
                if self.need_key:   # fix / reveal / allow cannot work without the right map
                    raise InputError(str(exc)) from None
                self.notes.append(f"{exc}; pseudonyms already in the files cannot be recognised")
            except ValueError:
                raise InputError(f"{mp}: the map is not valid JSON") from None
        self.allow_words = {" ".join(fold(w).split()) for w in self.cfg.allow}
        af = self.cfg.effective_allow_file
        data = load_allow_file(af)
        if data["entries"]:
            if not self.stable:
                self.notes.append(f"{self.cfg.rel(af)}: no key, so accepted findings cannot be "
                                  "recognised (run with the project key)")
            elif data.get("key_id") and data["key_id"] != key_id(self.key):
                self.notes.append(f"{self.cfg.rel(af)}: made with another key; ignored")
            else:
                self.allowed = {e["hash"] for e in data["entries"]}
        if self.ner is None:
            self.ner = self.cfg.ner
        self._extra = _rule_detectors(self.cfg.extra_rules)

    # ------------------------------------------------------------------ engine
    def engine(self, pmap: PseudonymMap):
        from ..pipeline.engine import Engine
        eng = Engine(self.key, language=self.cfg.language, ner=self.ner, pmap=pmap, verify=False)
        eng._name_detectors = self._ner_cache          # load spaCy once per process
        eng.extra_detectors = self._extra
        if self._identities is None:
            self._identities, self._matcher = eng.identities, eng.matcher
        eng.identities, eng.matcher = self._identities, self._matcher  # one cast per commit
        return eng

    def prepare(self, files) -> None:
        """Register every file's participants first, so a name known from one file's sender
        labels is found in the others too (whatever order the files come in)."""
        for f in files:
            try:
                if not self.cfg.selected(f) or Path(f).stat().st_size == 0:
                    continue
                text = read_input(f).text
                self.engine(self.scratch_map())._setup(list(formats.parse(text, file_format(f, text))),
                                                       None)
            except (InputError, OSError):
                continue

    def scratch_map(self) -> PseudonymMap:
        pm = PseudonymMap(self.key, self.pmap.locale)
        for kind, table in self.pmap.entries.items():
            pm.entries[kind] = dict(table)
        return pm

    # ------------------------------------------------------------------ filters
    def fakes(self, pmap: PseudonymMap | None = None) -> dict[str, set[str]]:
        pm = pmap or self.pmap
        names = set()
        for kind in ("first", "last"):
            for v in pm.entries.get(kind, {}).values():
                names.update(fold(t) for t in name_tokens(v))
        phones = {"".join(_DIGITS.findall(v))[-9:] for v in pm.entries.get("phone", {}).values()}
        other = {v.lower() for k in ("email", "url") for v in pm.entries.get(k, {}).values()}
        return {"names": names, "phones": phones, "other": other}

    def is_fake(self, kind: str, value: str, fakes: dict) -> bool:
        if kind == PERSON:
            toks = [fold(t) for t in name_tokens(value)]
            return bool(toks) and all(t in fakes["names"] for t in toks)
        if kind == PHONE:
            d = "".join(_DIGITS.findall(value))
            return (len(d) >= 8 and d[-9:] in fakes["phones"]) or _fiction_phone(value)
        if kind in (EMAIL, URL):
            v = value.lower()
            return v in fakes["other"] or _reserved_domain(v)
        return False

    def is_allowed(self, kind: str, value: str) -> bool:
        if " ".join(fold(value).split()) in self.allow_words:
            return True
        return bool(self.allowed) and allow_hash(self.key, kind, value) in self.allowed

    # ------------------------------------------------------------------ scanning
    def analyse(self, path: Path, pmap: PseudonymMap):
        """(decoded, records, result, hits, fakes) for one file; hits exclude fakes/allowed."""
        dec = read_input(path)
        text = dec.text
        fmt = file_format(path, text)
        records = list(formats.parse(text, fmt))
        fakes = self.fakes(pmap)
        eng = self.engine(pmap)
        res = eng.transform(records, fmt)
        starts, pos = [], 0
        for r in records:
            starts.append(pos)
            pos += len(r.raw)
        lines = _line_starts(text)
        hits = []
        for ri, rep in res.replacements:
            value = rep.original or records[ri].raw[rep.start:rep.end]
            if self.is_fake(rep.kind, value, fakes) or self.is_allowed(rep.kind, value):
                continue
            off = starts[ri] + rep.start
            line = _bisect(lines, off)
            hits.append(Hit(self.cfg.rel(path) if not Path(path).is_absolute() else str(path),
                            line + 1, off - lines[line] + 1, rep.kind, value, rep.detector,
                            rep.score, ri, rep))
        return dec, records, res, hits, eng, fmt

    def scan(self, path: Path) -> list[Hit]:
        return self.analyse(path, self.scratch_map())[3]

    # ------------------------------------------------------------------ fixing
    def fix(self, path: Path) -> int:
        """Rewrite ``path`` with the project map; returns the number of replacements."""
        before = self.fakes(self.pmap)
        dec, records, res, hits, eng, fmt = self.analyse(path, self.pmap)
        # drop what the engine assigned to values that were already pseudonyms
        _drop_fake_entries(self.pmap, before)
        keep: dict[int, list] = {}
        for h in hits:
            keep.setdefault(h.record, []).append(h.rep)
        if not keep:
            return 0
        out = "".join(apply_replacements(r.raw, keep[i]) if i in keep else r.raw
                      for i, r in enumerate(records))
        _verify(self, eng, dec.text, out, records, fmt, path)
        atomic_write_bytes(Path(path), encode_text(out, dec.encoding))
        return sum(len(v) for v in keep.values())

    def save_map(self) -> Path:
        mp = self.cfg.effective_map
        mp.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.pmap.save(mp, encrypt=self.cfg.encrypt_map)
        return mp

    # ------------------------------------------------------------------ key / map files
    def secret_reason(self, path: Path) -> str | None:
        """Why ``path`` must never be committed (the key, a map), else None."""
        p = Path(path)
        try:
            rp = p.resolve()
        except OSError:
            return None
        for what, target in (("the anonymizer key", self.cfg.effective_key_file),
                             ("the pseudonym map", self.cfg.effective_map)):
            if target is not None and rp == target.resolve():
                return f"this is {what} file"
        try:
            if not p.is_file() or p.stat().st_size > 50_000_000:
                return None
            data = p.read_bytes()
        except OSError:
            return None
        if self.stable and len(self.key) >= 16 and self.key in data:
            return "it contains the anonymizer key"
        env = os.environ.get("ANONYMIZER_KEY")
        if env and len(env) >= 16 and env.encode() in data:
            return "it contains the anonymizer key"
        if data[:1] == b"{" and b"key_id" in data[:4096]:
            try:
                obj = json.loads(data.decode("utf-8"))
            except ValueError:
                obj = None
            if isinstance(obj, dict) and (obj.get("format") == SEALED_FORMAT or
                                          (isinstance(obj.get("entries"), dict) and "locale" in obj)):
                return "it is a pseudonym map (real -> fake; even encrypted)"
        if _KEY_NAME.search(p.name) and re.fullmatch(rb"\s*[0-9a-fA-F]{32,128}\s*", data):
            return "it looks like an anonymizer key"
        return None


# ---------------------------------------------------------------------- helpers
def file_format(path: Path, text: str) -> str:
    """Text exports are auto-detected; other files (.json, .jsonl, .csv…) are scanned as plain text."""
    suffix = Path(path).suffix.lower()
    if suffix in (".json", ".jsonl", ".csv", ".tsv", ".ndjson"):
        return "plain"
    return formats.detect_format(text)


def _line_starts(text: str) -> list[int]:
    out, pos = [], 0
    for line in split_lines(text):
        out.append(pos)
        pos += len(line)
    return out or [0]


def _bisect(starts: list[int], off: int) -> int:
    import bisect
    return max(bisect.bisect_right(starts, off) - 1, 0)


def _fiction_phone(value: str) -> bool:
    try:
        num = phonenumbers.parse(value if value.strip().startswith("+") else "+" + value.strip().lstrip("0"), None)
    except phonenumbers.NumberParseException:
        return False
    region = phonenumbers.region_code_for_number(num)
    nsn = phonenumbers.national_significant_number(num)
    return any(nsn.startswith(str(r["prefix"])) and int(r.get("length", 0)) == len(nsn)
               for r in fiction_ranges().get(region, []))


def _reserved_domain(value: str) -> bool:
    m = re.match(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?([^/?#:]+)", value)
    host = m.group(1) if m else value
    return any(host == d or host.endswith("." + d) for d in RESERVED_DOMAINS)


def _drop_fake_entries(pmap: PseudonymMap, fakes: dict) -> None:
    for kind in ("first", "last"):
        t = pmap.entries.get(kind, {})
        for real in [r for r in t if fold(r) in fakes["names"]]:
            del t[real]
    t = pmap.entries.get("phone", {})
    for real in [r for r in t if "".join(_DIGITS.findall(r))[-9:] in fakes["phones"]]:
        del t[real]
    for kind in ("email", "url"):
        t = pmap.entries.get(kind, {})
        for real in [r for r in t if r.lower() in fakes["other"]]:
            del t[real]
    pmap._used.clear()


def _verify(project: Project, eng, original: str, out: str, records, fmt: str, path) -> None:
    """Fail closed before writing: same structure, and no known real value left."""
    from ..errors import VerificationError
    out_records = list(formats.parse(out, fmt))
    if len(out_records) != len(records) or out.count("\n") != original.count("\n"):
        raise VerificationError(f"{path}: verification failed: the file structure changed; nothing was written")
    fakes = project.fakes(eng.pmap)
    for ri, kind, value in eng.find_leaks(out_records):
        if project.is_fake(kind, value, fakes) or project.is_allowed(kind, value):
            continue
        raise VerificationError(f"{path}: verification failed: a real {kind} ({preview(kind, value)}) "
                                f"is still present in record {ri + 1}; nothing was written")


def _rule_detectors(paths: list[Path]):
    """Per-engine detectors from the config's ``extra_rules`` (Presidio YAML pattern recognisers)."""
    if not paths:
        return []
    import regex
    from ..pipeline.engine import RENDERERS
    from ..ruleset import load_user_yaml
    pats = []
    for p in paths:
        try:
            data = load_user_yaml(p)
        except FileNotFoundError:
            raise InputError(f"{p}: extra_rules file not found") from None
        except Exception as exc:
            raise InputError(f"{p}: invalid rules file ({type(exc).__name__})") from None
        for rec in data.get("recognizers", []) or []:
            kind = rec.get("supported_entity")
            if not kind:
                continue
            for pat in rec.get("patterns", []) or []:
                try:
                    pats.append((kind, regex.compile(pat["regex"]), float(pat.get("score", 0.8))))
                except (KeyError, regex.error) as exc:
                    raise InputError(f"{p}: bad pattern in {rec.get('name', kind)} ({exc})") from None
            if kind not in KINDS and kind not in RENDERERS:
                RENDERERS[kind] = _shape_renderer

    def detect(text, engine):
        found = []
        for kind, rx, score in pats:
            for m in rx.finditer(text):
                if m.end() <= m.start():
                    continue
                data = {}
                if kind == PHONE:
                    try:
                        data["number"] = phonenumbers.parse(m.group(), engine.phones.regions[0]
                                                            if hasattr(engine.phones, "regions") else "FR")
                    except phonenumbers.NumberParseException:
                        continue
                found.append(Finding(m.start(), m.end(), kind, m.group(), score, "rule", data))
        return found
    return [detect]


def _shape_renderer(f: Finding, engine) -> str:
    pm = engine.pmap
    return pm._assign(f.kind.lower(), f.text, lambda c: pm._shape(f.kind.lower(), f.text, f.text, c))


# ---------------------------------------------------------------------- reveal
from ..render.reveal import reveal_text  # noqa: E402,F401  (moved to render/reveal.py, issue 16)
