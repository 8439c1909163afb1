"""``anonymize init | scan | check | fix | allow | reveal`` (registered on the ``main`` group).

None of these commands ever prints a real value found in the data (previews are redacted)
or the key (wherever it comes from); ``reveal`` is the one exception, on purpose, and it
writes to the output you give it.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

import click

from ..config import CONFIG_NAME, load_config
from ..errors import EXIT_FINDINGS, EXIT_INPUT, AnonymizerError, InputError

COMMANDS: list[click.Command] = []  # added to the ``anonymize`` group by ui/cli.py


def _command(name: str):
    def deco(fn):
        cmd = click.command(name)(fn)
        COMMANDS.append(cmd)
        return cmd
    return deco

_CONFIG_OPT = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                           help="Configuration file (default: .anonymizer.toml or pyproject.toml "
                                "[tool.anonymizer], looked up from the current folder).")
_KEY_OPT = click.option("--key-file", type=click.Path(dir_okay=False),
                        help="Secret key file (default: $ANONYMIZER_KEY, else the configured key file).")


def _guard(fn):
    """One-line errors and documented exit codes, never a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except AnonymizerError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
    return wrapper


def _fail(msg: str, code: int):
    click.echo(f"anonymize: error: {msg}", err=True)
    sys.exit(code)


def _project(config_path, key_file=None, need_key=False, ner=None):
    from .project import Project
    cfg = load_config(path=config_path)
    return Project(cfg, key_file=key_file, need_key=need_key, ner=ner)


def _expand(paths, cfg, only_selected: bool):
    """Files named on the command line; folders are walked (include/exclude globs apply)."""
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and ".git" not in f.parts and cfg.selected(f):
                    out.append(f)
        elif not p.exists():
            raise InputError(f"{p}: no such file or folder")
        elif not only_selected or cfg.selected(p):
            out.append(p)
    return out


# ---------------------------------------------------------------------- init
@_command("init")
@click.option("--key-file", type=click.Path(dir_okay=False),
              help="Where to create the key (default: the configured key_file, else the user config folder).")
@click.option("--force", is_flag=True, help="Create a new key even though the project names one "
              "or one exists (pseudonyms, the map and the allow-file will change!).")
@_CONFIG_OPT
@_guard
def init_cmd(key_file, force, config_path):
    """Create a NEW project's secret key (256 bits, mode 0600), outside the repository.

    A project that already has a key (its configuration names one) needs that key, not a new
    one: ask a teammate for it, or set ANONYMIZER_KEY (see the README's team recipes).
    """
    from ..config import portable
    cfg = load_config(path=config_path)
    target = Path(key_file).expanduser() if key_file else cfg.effective_key_file
    target = target if target.is_absolute() else Path.cwd() / target
    shown = portable(target, cfg.root)
    if target.exists() and not force:
        raise InputError(f"{shown}: a key already exists (use --force to replace it; "
                         "files pseudonymised with the old key will no longer match)")
    if cfg.names_key and not force:
        named = (cfg.shown("key_file", cfg.key_file) if cfg.key_file is not None
                 else f"key_env = {cfg.key_env}")
        raise InputError(f"{cfg.rel(cfg.source)} already names this project's key ({named}): ask "
                         f"a teammate for it (save it there, mode 0600) or export {cfg.env_name}=…; "
                         "`anonymize init --force` would create a second key: new pseudonyms, and "
                         "the map and the allow-file would no longer match")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32).encode()
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, key + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    click.echo(f"anonymize: created a key in {shown} (mode 0600); keep it out of the repository "
               "and back it up: without it pseudonyms cannot be reproduced; share it with your "
               "team through a secret manager", err=True)
    if _inside(target, cfg.root):
        click.echo(f"anonymize: warning: {shown} is inside the project folder; make sure it is "
                   "never committed (the check hook refuses it)", err=True)
    # the committed configuration holds the path as every teammate can use it: relative,
    # or ~/… (never this user's expanded home folder)
    if key_file and cfg.source is None:
        conf = cfg.root / CONFIG_NAME
        conf.write_text(f'# anonymizer project settings (see `anonymize --help`)\nkey_file = "{shown}"\n',
                        encoding="utf-8")
        click.echo(f"anonymize: wrote {conf} (key_file = \"{shown}\"): commit it", err=True)
    elif key_file and (cfg.key_file is None or cfg.key_file.resolve() != target.resolve()):
        click.echo(f"anonymize: note: add key_file = \"{shown}\" to {cfg.source} so the hook finds it",
                   err=True)
    if os.environ.get(cfg.env_name):
        click.echo(f"anonymize: note: {cfg.env_name} is set and takes precedence over key files", err=True)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------------- scan / check
def _refused(project, files) -> dict:
    """{file: why} of the files that must never be committed (the key, a map)."""
    out = {}
    for f in files:
        why = project.secret_reason(f)
        if why:
            out[f] = why
    return out


def _print_left(project, refused: dict, hits, errors, after_fix: bool = False) -> int:
    """Print what is wrong (refused files, findings redacted, errors, notes once) and return
    the exit code: 1 for refused files or findings, 2 for errors only, else 0."""
    for f, why in refused.items():
        click.echo(f"{project.cfg.rel(f)}: refused: {why}; the key and the map must never be committed")
    for h in hits:
        click.echo(h.report())
    for e in errors:
        click.echo(f"anonymize: error: {e}", err=True)
    for n in project.notes:
        click.echo(f"anonymize: note: {n}", err=True)
    if hits:
        click.echo(f"anonymize: {len(hits)} finding(s) of personal data in "
                   f"{len({h.path for h in hits})} file(s); "
                   + ("the fix could not replace them: edit them out" if after_fix
                      else "run `anonymize fix FILE…`" + (" with the project key" if project.keyless else ""))
                   + " (or `anonymize allow` for a false positive)", err=True)
    return _exit_code(refused, hits, errors)


def _exit_code(refused, hits, errors) -> int:
    if refused or hits:
        return EXIT_FINDINGS
    return EXIT_INPUT if errors else 0


def _report(project, files, as_json: bool, check_secrets: bool) -> int:
    refused = _refused(project, files) if check_secrets else {}
    hits, errors = project.scan([f for f in files if f not in refused])
    if not as_json:
        return _print_left(project, refused, hits, errors)
    out = {"findings": [{"path": h.path, "line": h.line, "col": h.col, "kind": h.kind,
                         "preview": h.preview, "detector": h.detector,
                         "score": round(h.score, 3)} for h in hits],
           "refused": [{"path": project.cfg.rel(p), "reason": r} for p, r in refused.items()],
           "errors": errors, "notes": project.notes}
    click.echo(json.dumps(out, ensure_ascii=False, indent=1))
    return _exit_code(refused, hits, errors)


@_command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report on stdout (for CI).")
@click.option("--no-ner", is_flag=True, help="Skip spaCy name recognition.")
@_KEY_OPT
@_CONFIG_OPT
@_guard
def scan_cmd(paths, as_json, no_ner, key_file, config_path):
    """Report personal data in files or folders (redacted previews); changes nothing."""
    project = _project(config_path, key_file, ner=False if no_ner else None)
    files = _expand(paths, project.cfg, only_selected=False)
    sys.exit(_report(project, files, as_json, check_secrets=True))


@_command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report on stdout.")
@click.option("--no-ner", is_flag=True, help="Skip spaCy name recognition.")
@_KEY_OPT
@_CONFIG_OPT
@_guard
def check_cmd(paths, as_json, no_ner, key_file, config_path):
    """Pre-commit entry without the key (CI, pre-commit.ci): fail (exit 1) on personal data,
    or on a staged key or map file; changes nothing.

    Every file given is checked for the key and the map; the files matching the configured
    include/exclude globs are scanned for personal data.  Fakes are recognised by the map and
    by their look (fiction-range numbers, example.com/.org/.net, names a map could have drawn,
    unless the map here knows them as real): a real name that could be a fake passes.
    """
    project = _project(config_path, key_file, ner=False if no_ner else None)
    files = [Path(p) for p in paths if Path(p).is_file()]
    sys.exit(_report(project, files, as_json, check_secrets=True))


# ---------------------------------------------------------------------- fix
@_command("fix")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--no-ner", is_flag=True, help="Skip spaCy name recognition.")
@_KEY_OPT
@_CONFIG_OPT
@_guard
def fix_cmd(paths, no_ner, key_file, config_path):
    """Pre-commit entry (with the project key): pseudonymise, then fail only on what is left.

    In one run: every file given is checked for the key and the map; the files matching the
    include/exclude globs are rewritten in place with the project's key and map (one map for
    the whole commit), then checked again.  Exits 1 when a file was rewritten (re-add it:
    pre-commit convention) or something is left (printed, redacted), else 0.
    """
    project = _project(config_path, key_file, need_key=True, ner=False if no_ner else None)
    files = _expand(paths, project.cfg, only_selected=False)
    refused = _refused(project, files)
    changed, errors = project.fix([f for f in files if f not in refused])
    # what is left: the rewritten files, checked again (a file the run did not change had
    # nothing to replace); the fix's own verification already refused any known real value
    hits, more = project.scan([f for f, _ in changed]) if changed else ([], [])
    for f, n in changed:
        click.echo(f"anonymize: fixed {project.cfg.rel(f)} ({n} replacement(s))", err=True)
    code = _print_left(project, refused, hits, errors + more, after_fix=True)
    if changed:
        click.echo(f"anonymize: {len(changed)} file(s) pseudonymised with the project's map "
                   f"({project.cfg.shown('map', project.cfg.effective_map)}, mode 0600): review "
                   "and `git add` them, then commit again", err=True)
        code = code or EXIT_FINDINGS
    sys.exit(code)


# ---------------------------------------------------------------------- allow
@_command("allow")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--all", "accept_all", is_flag=True, help="Accept every current finding in PATHS.")
@click.option("--at", "at", multiple=True, metavar="PATH:LINE:COL",
              help="Accept the finding reported at this place (repeatable).")
@click.option("--no-ner", is_flag=True, help="Skip spaCy name recognition.")
@_KEY_OPT
@_CONFIG_OPT
@_guard
def allow_cmd(paths, accept_all, at, no_ner, key_file, config_path):
    """Accept findings as false positives: the allow-file stores keyed hashes, never the text.

    Without --all or --at, you are asked about each finding: on a terminal it is shown
    highlighted in its line; where stderr is a log, only redacted.
    """
    from ..render.redaction import allow_hash, key_id
    from .console import FindingPrompt
    from .project import ALLOW_FORMAT, load_allow_file, save_allow_file
    wanted = set(at)
    interactive = not accept_all and not wanted
    if interactive and not sys.stdin.isatty():  # at once, before any scan (h-report)
        raise InputError("no terminal to ask: use --all or --at PATH:LINE:COL")
    project = _project(config_path, key_file, need_key=True, ner=False if no_ner else None)
    files = _expand(paths, project.cfg, only_selected=False)
    hits, _ = project.scan(files)
    prompt = FindingPrompt(project.cfg.root, show=sys.stderr.isatty())  # a log: redacted only
    chosen = []
    for h in hits:
        if accept_all or f"{h.path}:{h.line}:{h.col}" in wanted:
            chosen.append(h)
        elif interactive and click.confirm(f"{prompt(h)}  accept?", default=False, err=True):
            chosen.append(h)
    missing = wanted - {f"{h.path}:{h.line}:{h.col}" for h in hits}
    if missing:
        raise InputError(f"no finding at {', '.join(sorted(missing))}")
    af = project.cfg.effective_allow_file
    data = load_allow_file(af)
    if data.get("key_id") and data["key_id"] != key_id(project.key):
        raise InputError(f"{af}: made with another key")
    data.update(format=ALLOW_FORMAT, key_id=key_id(project.key))
    known = {e["hash"] for e in data["entries"]}
    added = 0
    for h in chosen:
        digest = allow_hash(project.key, h.kind, h.value)
        if digest not in known:
            data["entries"].append({"hash": digest, "kind": h.kind})
            known.add(digest)
            added += 1
    save_allow_file(af, data)
    click.echo(f"anonymize: accepted {added} new finding(s) in {project.cfg.rel(af)} "
               "(keyed hashes only; commit this file)", err=True)


# ---------------------------------------------------------------------- reveal
@_command("reveal")
@click.argument("src", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("dst", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option("--force", is_flag=True, help="Overwrite DST if it exists.")
@_KEY_OPT
@_CONFIG_OPT
@_guard
def reveal_cmd(src, dst, force, key_file, config_path):
    """Put the real values back (key holder only): SRC pseudonymised -> DST (default stdout).

    This is exactly why the map must stay private: with the map, anyone can undo the
    pseudonymisation.  The map lives outside the repository, 0600, encrypted with the key.
    """
    from ..render.reveal import reveal  # issue 16: every kind, byte-exact, says what it could not restore
    from ..io import atomic_write_bytes, decode_bytes, encode_text, read_input
    project = _project(config_path, key_file, need_key=True, ner=False)
    if not project.cfg.effective_map.is_file():
        raise InputError(f"{project.cfg.effective_map}: no map to reveal with")
    dec = decode_bytes(sys.stdin.buffer.read(), "stdin") if src == "-" else read_input(src)
    res = reveal(dec.text, project.pmap)
    text, n = res.text, res.count
    for note in res.notes:
        click.echo(f"anonymize: note: {note}", err=True)
    data = encode_text(text, dec.encoding)
    if dst == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        if Path(dst).exists() and not force:
            raise InputError(f"{dst}: already exists (use --force to overwrite)")
        atomic_write_bytes(Path(dst), data, mode=0o600)
    click.echo(f"anonymize: revealed {n} value(s); the output holds real personal data", err=True)
