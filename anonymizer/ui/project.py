"""Scanning and fixing a repository's files: the logic behind ``scan``, ``check``, ``fix``,
``allow`` and ``reveal`` (the click commands live in :mod:`anonymizer.ui.commands`).

A project is the repository's configuration turned into :class:`~anonymizer.settings.Settings`
(key, map, language, policy, rules, allow words and allow-file), and every command is one run
of the run loop over the files given (one engine: a participant named in one file is found
in the others).  Findings are what the run would replace; the run itself leaves alone
- values that are already pseudonyms (in the project map, or phone numbers in ranges reserved
  for fiction, e-mails/URLs on example.com/.org/.net): a fixed file stays clean when edited;
- accepted findings: words in the config's ``allow`` list, and keyed hashes in the allow-file;
- kinds the policy keeps.
``check`` and ``scan`` guard files that should hold fakes only, which may come from a teammate's
machine (whose map this one does not have) or be checked without any map (no key:
pre-commit.ci; the key alone: CI): they also take for fakes the names a map could have drawn
(``render.redaction.looks_fake``) unless this map knows them as real, and say so once without a map.

Nothing here ever prints a real value: reports carry :func:`preview` (redacted) only.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import formats
from ..config import Config
from ..errors import InputError, KeyProblem
from ..formats.base import split_lines
from ..io import atomic_write_bytes, atomic_write_text, encode_text, read_input
from ..detect.base import PERSON
from ..render.mapfile import SEALED_FORMAT
from ..render.redaction import key_id, looks_fake, preview
from ..textutil import fold

ALLOW_FORMAT = "anonymizer-allowlist-v1"
LOOK_NOTE = ("{why}: checked for a staged key or map, and for phone numbers, e-mails, URLs and "
             "names that do not look like fakes (fiction-range numbers, example.com/.org/.net and "
             "names from the fake-name lists pass); a real name in those lists cannot be told "
             "from a fake without the map{more}")
_KEY_NAME = re.compile(r"(^|[._-])(anonymi[sz]er)?[._-]?key$|\.key$", re.I)


# ---------------------------------------------------------------------- allow-file
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

    @property
    def preview(self) -> str:
        return preview(self.kind, self.value)

    def report(self) -> str:
        return f"{self.path}:{self.line}:{self.col} {self.kind} {self.preview}"


class Project:
    """The repository's settings, and its files scanned or fixed in one run."""

    def __init__(self, cfg: Config, key_file: str | None = None, need_key: bool = False,
                 ner: bool | None = None):
        from ..config import MissingKey
        from ..settings import Settings
        self.cfg = cfg
        self.notes: list[str] = []
        try:
            settings = Settings.create(cfg, key_file=key_file, ner=ner, keep_pseudonyms=True)
        except MissingKey:
            if need_key:   # fix / allow / reveal: the project's key, never a new one
                raise
            # a clone or CI without the key: check what can be checked without the map
            import secrets
            settings = Settings.create(cfg, key=secrets.token_bytes(32), ner=ner,
                                       keep_pseudonyms=True).but(stable_key=False, map_path=None)
        if need_key and not settings.stable_key:
            raise InputError(f"no key: export {cfg.env_name}=… or pass --key-file; for a new "
                             "project, `anonymize init --key-file ~/.config/anonymizer/NAME.key`")
        af = cfg.effective_allow_file
        data = load_allow_file(af)
        allowed = frozenset()
        if data["entries"]:
            if not settings.stable_key:
                pass   # said once, in LOOK_NOTE
            elif data.get("key_id") and data["key_id"] != key_id(settings.key):
                self.notes.append(f"{cfg.rel(af)}: made with another key; ignored")
            else:
                allowed = frozenset(e["hash"] for e in data["entries"])
        self.settings = settings.but(allow_hashes=allowed)
        self.pmap = None
        why = None if settings.stable_key else f"no project key here ({cfg.env_name})"
        mp = settings.map_path
        if settings.stable_key and mp is not None and mp.is_file():
            try:
                self.pmap = self.settings.pseudonym_map()
            except KeyProblem as exc:
                if need_key:   # fix / reveal / allow cannot work without the right map
                    raise
                why = str(exc)
        elif settings.stable_key:   # a teammate's clone, CI: the key without the map
            why = f"the project's map is not here ({cfg.shown('map', cfg.effective_map)})"
        if self.pmap is None:
            self.pmap = self.settings.but(map_path=None).pseudonym_map()
        self.keyless = not settings.stable_key
        # check / scan guard files that should hold fakes only, made on this machine or on a
        # teammate's (whose fakes this map does not know): a fake is recognised by its look
        # too — a number or an address reserved for fiction, a name a map could have drawn
        # (see scan) — and said once when there is no map to recognise any by
        self.by_look = not need_key
        if self.by_look:
            self.settings = self.settings.but(keep_reserved=True)
            if why is not None:
                self.notes.append(LOOK_NOTE.format(
                    why=why, more=", nor an accepted finding read" if self.keyless else ""))

    @property
    def key(self) -> bytes:
        return self.settings.key

    @property
    def stable(self) -> bool:
        return self.settings.stable_key

    # ------------------------------------------------------------------ one run over files
    def _run(self, files, pmap, verify: bool, keep: frozenset[str] = frozenset()):
        """(results, {file name: (path, decoded)}, errors) of one run over the selected,
        non-empty, readable ``files`` (every format, detected from the content)."""
        from ..pipeline.documents import open_documents
        from ..pipeline.run import run
        items, inputs, errors = [], {}, []
        for f in files:
            try:
                if not self.cfg.selected(f) or Path(f).stat().st_size == 0:
                    continue
                dec = read_input(f)
            except InputError as exc:
                errors.append(str(exc))
                continue
            items.append((str(f), dec.text, formats.detect_format(dec.text)))
            inputs[str(f)] = (Path(f), dec)
        if not items:
            return [], inputs, errors
        settings = self.settings.but(verify=verify, collect=True, map_path=None,
                                     allow_words=self.settings.allow_words | keep)
        results = run(settings.engine(pmap), open_documents(items), settings.executor())
        return results, inputs, errors

    def _hits(self, res, inputs) -> list[Hit]:
        names = [n for n, _ in res.outputs()]
        where = res.doc.positions([(ri, rep.start) for ri, rep in res.replacements])
        lines = {}
        out = []
        for (ri, rep), (fi, off) in zip(res.replacements, where):
            path, dec = inputs[names[fi]]
            if path not in lines:
                lines[path] = _line_starts(dec.text)
            line = _bisect(lines[path], off)
            shown = self.cfg.rel(path) if not path.is_absolute() else str(path)
            out.append(Hit(shown, line + 1, off - lines[path][line] + 1, rep.kind, rep.original,
                           rep.detector, rep.score))
        return out

    def scan(self, files) -> tuple[list[Hit], list[str]]:
        """(findings, errors) of ``files``; the project map is not changed."""
        scratch = self.settings.but(map_path=None).pseudonym_map()
        for kind, table in self.pmap.entries.items():
            scratch.entries[kind] = dict(table)
        results, inputs, errors = self._run(files, scratch, verify=False)
        hits = []
        for res in results:
            hits += self._hits(res, inputs)
        if self.by_look:   # a name a map could have drawn, and not a real one it knows
            hits = [h for h in hits if h.kind != PERSON or not looks_fake(PERSON, h.value)
                    or self._known_real(h.value)]
        return hits, errors

    def _known_real(self, name: str) -> bool:
        """Is a token of ``name`` a real first name or surname this machine's map holds?"""
        from ..textutil import name_tokens
        tables = [self.pmap.entries.get(k, {}) for k in ("first", "last")]
        return any(fold(t) in table for t in name_tokens(name) for table in tables)

    def fix(self, files) -> tuple[list[tuple[Path, int]], list[str]]:
        """Rewrite ``files`` with the project map (verified first: nothing is written unless
        every file passes); returns ([(file, replacements)] of the files changed, errors)."""
        # the project map locked from loading to saving: concurrent fixes queue up, so two
        # never hand one fake to two people (render/mapfile.py); the files hold pseudonyms
        # on purpose, so no re-keying
        keep = self._committed_fakes(files)
        with self.settings.but(map_path=self.cfg.effective_map).map_session(self.pmap, rekey=False) as session:
            results, inputs, errors = self._run(files, self.pmap, verify=True, keep=keep)
            changed = []
            for res in results:
                names = [n for n, _ in res.outputs()]
                per_file = Counter(names[fi] for fi, _ in
                                   res.doc.positions([(ri, rep.start) for ri, rep in res.replacements]))
                for name, text in res.outputs():
                    path, dec = inputs[name]
                    if text != dec.text:
                        changed.append((path, dec, text, res, per_file[name]))
            if changed:
                session.save()  # before the files: a fixed file never lacks its map
            for path, dec, text, res, _ in changed:
                data = res.encoded(dec.encoding) if res.doc.lines_based else None
                atomic_write_bytes(path, data or encode_text(text, dec.encoding))
        return [(path, n) for path, _, _, _, n in changed], errors

    def _committed_fakes(self, files) -> frozenset[str]:
        """Values a fix leaves as they are in files already committed: those that look like
        fakes (a name a map could have drawn, a fiction number, an example.com address) and
        are in the file's committed version — fakes made on a teammate's machine, whose map
        this one does not have, so editing a shared file does not re-pseudonymise its people.
        A new real name that could be a fake is replaced unless the committed file has it."""
        heads = {}
        for f in files:
            head = _committed(Path(f))
            if head is not None and self.cfg.selected(f):
                heads[Path(f).resolve()] = head
        if not heads:
            return frozenset()
        hits, _ = self.scan(list(heads))
        keep = set()
        for h in hits:
            fake = looks_fake(h.kind, h.value)
            head = heads.get(Path(h.path).resolve()) or heads.get((self.cfg.root / h.path).resolve())
            if fake and head is not None and h.value in head:
                keep.add(" ".join(fold(h.value).split()))
        return frozenset(keep)

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
        env = os.environ.get(self.cfg.env_name)
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
def _committed(path: Path) -> str | None:
    """The text of ``path`` in the git commit HEAD, or None (no git, not tracked, binary)."""
    import subprocess
    try:
        p = subprocess.run(["git", "show", f"HEAD:./{path.name}"], cwd=path.resolve().parent,
                           capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if p.returncode != 0:
        return None
    try:
        return p.stdout.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _line_starts(text: str) -> list[int]:
    out, pos = [], 0
    for line in split_lines(text):
        out.append(pos)
        pos += len(line)
    return out or [0]


def _bisect(starts: list[int], off: int) -> int:
    import bisect
    return max(bisect.bisect_right(starts, off) - 1, 0)



# ---------------------------------------------------------------------- reveal
from ..render.reveal import reveal_text  # noqa: E402,F401  (render/reveal.py)
