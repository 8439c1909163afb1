"""Project configuration: ``[tool.anonymizer]`` in pyproject.toml, or ``.anonymizer.toml``.

Looked up from the working folder upwards (stopping at the repository root)::

    # .anonymizer.toml  (top-level keys, or the same keys under [tool.anonymizer])
    key_file = "~/.config/anonymizer/mydataset.key"   # default: the user config dir
    map = "~/.config/anonymizer/mydataset.map"        # default: beside the key file
    language = "fr"
    include = ["*.txt", "*.json", "*.jsonl", "*.csv"]
    exclude = ["docs/*"]
    extra_rules = ["rules/ids.yaml"]        # Presidio-format pattern recognisers
    allow_file = ".anonymizer-allow.json"   # keyed hashes of accepted findings
    allow = ["Paris"]                       # words never reported (not personal data!)
    encrypt_map = true                      # no effect: the map is always sealed
    ner = true
    policy = { IBAN = "redact", CITY = "keep" }   # per kind: replace (default) | redact | keep
    shift_dates = "auto"                    # or a multiple of 7 days, e.g. -28

Relative paths are relative to the folder holding the configuration file; ``~`` expands.
"""
from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = ".anonymizer.toml"
DEFAULT_INCLUDE = ("*.txt", "*.json", "*.jsonl", "*.csv")
DEFAULT_ALLOW_FILE = ".anonymizer-allow.json"
KNOWN_KEYS = {"key_file", "map", "language", "include", "exclude", "extra_rules", "allow_file",
              "allow", "encrypt_map", "ner", "policy", "shift_dates"}


def user_dir() -> Path:
    """Per-user folder for keys and maps (outside every repository)."""
    env = os.environ.get("ANONYMIZER_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_config_dir("anonymizer", appauthor=False))


@dataclass
class Config:
    root: Path                                  # the project folder (config file's folder)
    source: Path | None = None                  # the file it came from (None: defaults)
    key_file: Path | None = None
    map_path: Path | None = None
    language: str | None = None
    include: list[str] = field(default_factory=lambda: list(DEFAULT_INCLUDE))
    exclude: list[str] = field(default_factory=list)
    extra_rules: list[Path] = field(default_factory=list)
    allow_file: Path | None = None
    allow: list[str] = field(default_factory=list)
    encrypt_map: bool = True
    ner: bool = True
    policy: dict = field(default_factory=dict)  # kind -> replace | redact | keep (issue 9)
    shift_dates: int | str | None = None        # days (multiple of 7) or "auto" (issue 9)

    # ------------------------------------------------------------------ paths
    @property
    def default_key_file(self) -> Path:
        return user_dir() / "key"

    @property
    def effective_key_file(self) -> Path:
        return self.key_file or self.default_key_file

    @property
    def effective_map(self) -> Path:
        if self.map_path:
            return self.map_path
        k = self.effective_key_file
        return k.with_name(k.stem + ".map")

    @property
    def effective_allow_file(self) -> Path:
        return self.allow_file or (self.root / DEFAULT_ALLOW_FILE)

    def key(self, key_file: str | None = None) -> tuple[bytes, bool]:
        """(key, stable): --key-file, else $ANONYMIZER_KEY, else the configured key file."""
        from .render.pseudonyms import load_key
        if key_file:
            try:
                return load_key(key_file)
            except FileNotFoundError:
                raise InputError(f"{key_file}: key file not found") from None
        if os.environ.get("ANONYMIZER_KEY"):
            return load_key(None)
        kf = self.effective_key_file
        if kf.is_file():
            return load_key(str(kf))
        if self.key_file is not None:
            raise InputError(f"{kf}: key file not found (run `anonymize init`)")
        return load_key(None)  # random, unstable

    # ------------------------------------------------------------------ files
    def rel(self, path: str | Path) -> str:
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    def selected(self, path: str | Path) -> bool:
        """Does ``path`` match the include globs and none of the exclude globs?"""
        rel = self.rel(path)
        name = Path(rel).name
        if self.source is not None and Path(path).resolve() == self.source.resolve():
            return False
        if Path(path).resolve() == self.effective_allow_file.resolve():
            return False

        def match(pats):
            return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in pats)
        return match(self.include) and not match(self.exclude)


def find_config_file(start: str | Path | None = None) -> Path | None:
    here = Path(start or os.getcwd()).resolve()
    if here.is_file():
        here = here.parent
    for d in (here, *here.parents):
        cand = d / CONFIG_NAME
        if cand.is_file():
            return cand
        pp = d / "pyproject.toml"
        if pp.is_file() and _pyproject_section(pp) is not None:
            return pp
        if (d / ".git").exists():
            break
    return None


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _pyproject_section(path: Path) -> dict | None:
    try:
        data = _read_toml(path)
    except InputError:
        return None
    return (data.get("tool") or {}).get("anonymizer")


def load_config(start: str | Path | None = None, path: str | Path | None = None) -> Config:
    """The project's configuration (defaults when there is none)."""
    src = Path(path) if path else find_config_file(start)
    if src is None:
        root = Path(start or os.getcwd()).resolve()
        if root.is_file():
            root = root.parent
        # the repository root when there is one, so relative globs mean the same everywhere
        for d in (root, *root.parents):
            if (d / ".git").exists():
                root = d
                break
        return Config(root=root)
    if not src.is_file():
        raise InputError(f"{src}: configuration file not found")
    if src.name == "pyproject.toml":
        data = _pyproject_section(src) or {}
    else:
        data = _read_toml(src)
        data = (data.get("tool") or {}).get("anonymizer", data)
    return _from_dict(data, src.resolve().parent, src.resolve())


def _from_dict(data: dict, root: Path, source: Path | None) -> Config:
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise InputError(f"{source}: unknown setting(s) {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(sorted(KNOWN_KEYS))})")

    def path(v):
        if v is None:
            return None
        if not isinstance(v, str):
            raise InputError(f"{source}: expected a path string, got {v!r}")
        p = Path(os.path.expandvars(v)).expanduser()
        return p if p.is_absolute() else root / p

    def strings(name):
        v = data.get(name)
        if v is None:
            return None
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise InputError(f"{source}: {name} must be a list of strings")
        return v

    cfg = Config(root=root, source=source)
    cfg.key_file = path(data.get("key_file"))
    cfg.map_path = path(data.get("map"))
    cfg.allow_file = path(data.get("allow_file"))
    lang = data.get("language")
    if lang is not None:
        from .language import check_language
        cfg.language = check_language(lang, f"{source}: ")
    if strings("include") is not None:
        cfg.include = strings("include")
    cfg.exclude = strings("exclude") or []
    cfg.extra_rules = [path(p) for p in (strings("extra_rules") or [])]
    cfg.allow = strings("allow") or []
    if "policy" in data:  # policy = { IBAN = "redact", CITY = "keep" }
        from .render.policy import parse_policy
        if not isinstance(data["policy"], dict):
            raise InputError(f"{source}: policy must be a table of KIND = \"replace|redact|keep\"")
        try:
            cfg.policy = parse_policy(data["policy"])
        except InputError as exc:
            raise InputError(f"{source}: {exc}") from None
    if "shift_dates" in data:  # shift_dates = "auto" | -28
        from .render.dateshift import parse_shift
        try:
            cfg.shift_dates = parse_shift(data["shift_dates"])
        except InputError as exc:
            raise InputError(f"{source}: {exc}") from None
    for flag in ("encrypt_map", "ner"):
        if flag in data:
            if not isinstance(data[flag], bool):
                raise InputError(f"{source}: {flag} must be true or false")
            setattr(cfg, flag, data[flag])
    return cfg
