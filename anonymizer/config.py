"""Project configuration: ``[tool.anonymizer]`` in pyproject.toml, or ``.anonymizer.toml``.

Looked up from the working folder upwards (stopping at the repository root)::

    # .anonymizer.toml  (top-level keys, or the same keys under [tool.anonymizer])
    key_file = "~/.config/anonymizer/mydataset.key"   # default: the user config dir
    key_env = "MYDATASET_KEY"     # the variable holding the key (default: ANONYMIZER_KEY)
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

Relative paths are relative to the folder holding the configuration file; ``~`` expands to
the home folder of whoever runs the command (so one committed file serves a whole team); no
other expansion (``$VAR`` is not read: the key's variable is named by ``key_env``).  Paths are
kept as written (``Config.written``) for messages and for ``anonymize init``.

Where the key comes from, first match wins: ``--key-file``; the variable ``key_env`` names
(``ANONYMIZER_KEY`` by default); the ``key_file``.  A configured key that is not on this
machine raises :class:`MissingKey`, which says how to get the project's key (never to make a
new one: that would give new pseudonyms).
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
KNOWN_KEYS = {"key_file", "key_env", "map", "language", "include", "exclude", "extra_rules", "allow_file",
              "allow", "encrypt_map", "ner", "policy", "shift_dates"}


def user_dir() -> Path:
    """Per-user folder for keys and maps (outside every repository)."""
    env = os.environ.get("ANONYMIZER_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_config_dir("anonymizer", appauthor=False))


DEFAULT_KEY_ENV = "ANONYMIZER_KEY"


class MissingKey(InputError):
    """The configuration names a key that is not on this machine (a fresh clone, CI)."""


def portable(path: Path, root: Path | None = None) -> str:
    """``path`` as a committed configuration should hold it: relative to ``root`` when inside
    it, ``~/…`` when in the home folder (never a user's expanded home), else absolute."""
    path = Path(path).expanduser().absolute()
    real = path.parent.resolve() / path.name
    for base, prefix in ((root, ""), (Path.home(), "~/")):
        if base is None:
            continue
        for p, b in ((path, Path(base).absolute()), (real, Path(base).resolve())):
            if p.is_relative_to(b):
                return prefix + p.relative_to(b).as_posix()
    return path.as_posix()


@dataclass
class Config:
    root: Path                                  # the project folder (config file's folder)
    source: Path | None = None                  # the file it came from (None: defaults)
    key_file: Path | None = None
    key_env: str | None = None                  # the variable holding the key
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
    written: dict = field(default_factory=dict)  # setting -> path as written in the file

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

    @property
    def env_name(self) -> str:
        """The environment variable that holds the key."""
        return self.key_env or DEFAULT_KEY_ENV

    @property
    def names_key(self) -> bool:
        """Does the configuration name a project key (``key_file`` or ``key_env``)?"""
        return self.key_file is not None or self.key_env is not None

    def shown(self, setting: str, path: Path) -> str:
        """A path for messages: as written in the configuration when it came from there."""
        return self.written.get(setting) or portable(path, self.root)

    def key(self, key_file: str | None = None) -> tuple[bytes, bool]:
        """(key, stable): --key-file, else $key_env (ANONYMIZER_KEY), else the configured key
        file.  A configured key that is not here raises :class:`MissingKey`."""
        from .render.pseudonyms import load_key
        if key_file:
            try:
                return load_key(key_file)
            except FileNotFoundError:
                raise InputError(f"{key_file}: key file not found") from None
        if os.environ.get(self.env_name):
            return load_key(None, env=self.env_name)
        kf = self.effective_key_file
        if kf.is_file() and (self.key_file is not None or self.key_env is None):
            return load_key(str(kf))
        if self.names_key:
            raise MissingKey(self.missing_key_message())
        return load_key(None)  # random, unstable

    def missing_key_message(self) -> str:
        """What to do when this project's key is not here: get it, never make a new one."""
        where = (f"the key file {self.shown('key_file', self.key_file)} does not exist"
                 if self.key_file is not None else f"{self.env_name} is not set")
        put = (f"save it as {self.shown('key_file', self.key_file)} (mode 0600) or "
               if self.key_file is not None else "")
        return (f"this project's key is not on this machine ({where}): ask a teammate for the "
                f"project key and {put}export {self.env_name}=…; `anonymize init` is only for "
                f"a new project (a new key gives new pseudonyms)")

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
        p = Path(v).expanduser()
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
    cfg.written = {k: data[k] for k in ("key_file", "map", "allow_file") if isinstance(data.get(k), str)}
    cfg.key_file = path(data.get("key_file"))
    env = data.get("key_env")
    if env is not None:
        if not isinstance(env, str) or not env.replace("_", "a").isalnum() or env[:1].isdigit():
            raise InputError(f"{source}: key_env must be the name of an environment variable "
                             f"(e.g. key_env = \"MYDATASET_KEY\"), not {env!r}")
        cfg.key_env = env
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
