"""Reading and writing a folder or a ``.zip`` of exports, safely (issue 16).

Everything that turns an archive or a folder into ``[(name, bytes)]`` members, and those
members back into an output folder or zip, happens here and only here.

Reading refuses the whole input (one-line :class:`InputError`, exit 2, nothing written)
when any member is unsafe, *before* anything is inflated or written:

- a name that is absolute (``/etc/x``), climbs out (``..``), carries a drive letter
  (``C:``), a backslash (``a\\..\\b``: a path on Windows) or a control character, is empty,
  appears twice (also in another letter case) or is both a file and a folder;
- a link: a zip entry whose Unix mode is a symlink, a symbolic link in a folder (never
  followed: a link to the key file or ``/etc/passwd`` would be copied into OUT);
- a device, FIFO or socket (reading one can hang or leak a device's content);
- an encrypted member, more than ``ANONYMIZER_MAX_MEMBERS`` members (default 100,000), or
  more than ``ANONYMIZER_MAX_INPUT_MB`` inflated bytes in all: the total is counted while
  inflating (``ZipFile.open``, read in pieces), the sizes in the zip headers are never
  trusted, so a zip bomb stops at the limit.

These never occur in a genuine export: refusing (rather than skipping with a warning) keeps
the rule simple — the output is either complete or not written at all.

Writing never leaves a partial OUT: a folder is built in a temporary sibling folder
(``.OUT.PID.RANDOM.tmp``) and renamed into place at the end (an existing OUT, with
``--force``, is moved aside first and removed after); a zip is built in memory and written
atomically.  Output member names are the normalised, safe names read.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import zipfile
import zlib
from pathlib import Path

from ..errors import InputError
from ..io import (atomic_write_bytes, check_size, env_number, fsync_folder, max_input_bytes,
                  remove_stale_temps)

DEFAULT_MAX_MEMBERS = 100_000
_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")
_CTRL = re.compile(r"[\x00-\x1f\x7f]")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def max_members() -> int:
    return env_number("ANONYMIZER_MAX_MEMBERS", DEFAULT_MAX_MEMBERS)


def _refuse(src, name: str, why: str):
    raise InputError(f"{src}: member {name!r}: {why}; refusing the whole input, nothing was written")


def safe_name(raw: str, src="archive") -> str:
    """The member name normalised (``./a//b`` -> ``a/b``; a folder keeps its final ``/``),
    or :class:`InputError` when it could point outside the output."""
    if _CTRL.search(raw):
        _refuse(src, raw, "control character in the name")
    if "\\" in raw:
        _refuse(src, raw, "backslash in the name (a Windows path)")
    if raw.startswith("/"):
        _refuse(src, raw, "absolute path")
    if _DRIVE.match(raw):
        _refuse(src, raw, "drive letter in the name")
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if ".." in parts:
        _refuse(src, raw, "'..' in the path")
    if not parts:
        _refuse(src, raw, "empty name")
    return "/".join(parts) + ("/" if raw.endswith("/") else "")


class _Budget:
    """Members and bytes read so far, against the limits."""

    def __init__(self, src):
        self.src, self.bytes, self.members = src, 0, 0
        self.max_bytes, self.max_members = max_input_bytes(), max_members()
        self.names: dict[str, str] = {}  # casefolded name -> name

    def member(self, name: str) -> None:
        self.members += 1
        if self.members > self.max_members:
            raise InputError(f"{self.src}: more than {self.max_members:,} members; refusing "
                             f"(raise ANONYMIZER_MAX_MEMBERS if this is a genuine export)")
        key = name.rstrip("/").casefold()
        if key in self.names:
            _refuse(self.src, name, f"appears twice (as {self.names[key]!r})")
        self.names[key] = name

    def add(self, n: int) -> None:
        self.bytes += n
        if self.bytes > self.max_bytes:
            from ..io import size_text
            raise InputError(f"{self.src}: more than {size_text(self.max_bytes)} once "
                             f"inflated; refusing (zip bomb?) — split the export or raise "
                             f"ANONYMIZER_MAX_INPUT_MB")

    def check_tree(self) -> None:
        """No member may be both a file and a folder (``a`` and ``a/b``)."""
        files = {k for k, n in self.names.items() if not n.endswith("/")}
        for k, n in self.names.items():
            head = k
            while "/" in head:
                head = head.rsplit("/", 1)[0]
                if head in files:
                    _refuse(self.src, n, f"{self.names[head]!r} is a file and a folder")


def _read_fd(fd: int, budget: _Budget) -> bytes:
    parts = []
    while True:
        piece = os.read(fd, _CHUNK)
        if not piece:
            return b"".join(parts)
        budget.add(len(piece))
        parts.append(piece)


# ---------------------------------------------------------------------- reading
def is_collection(src: str) -> bool:
    p = Path(src)
    if p.is_dir():
        return True
    return p.is_file() and p.suffix.lower() == ".zip" and zipfile.is_zipfile(p)


_READ: set[Path] = set()   # inputs read by this process: an output never replaces them


def read_collection(src: str) -> list[tuple[str, bytes]]:
    """``[(safe relative name, bytes)]`` of a folder (sorted, hidden files left out) or a
    zip (its order; folder entries kept as ``name/`` with no data), or InputError."""
    p = Path(src)
    with contextlib.suppress(OSError):
        _READ.add(p.resolve())
    if p.is_dir():
        return _read_folder(p, src)
    return _read_zip(p, src)


def _read_folder(root: Path, src) -> list[tuple[str, bytes]]:
    budget = _Budget(src)
    out: list[tuple[str, bytes]] = []
    try:
        top = os.open(root, os.O_RDONLY | _DIRECTORY)
    except OSError as exc:
        raise InputError(f"{src}: cannot read: {exc.strerror or exc}") from None
    try:
        _walk(top, "", out, budget, src)
    finally:
        os.close(top)
    budget.check_tree()
    return out


def _walk(dfd: int, prefix: str, out, budget: _Budget, src) -> None:
    """Depth first, names sorted in each folder (the order of ``sorted(rglob('*'))``);
    every open is relative to the folder's descriptor with O_NOFOLLOW, so a link swapped
    in while we read is refused too."""
    with os.scandir(dfd) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        rel = prefix + e.name
        if e.is_symlink():
            if e.name.startswith("."):
                continue
            _refuse(src, rel, "a symbolic link (never followed: it could point at the key, "
                              "the map or any file outside the export)")
        if e.is_dir(follow_symlinks=False):
            try:
                sub = os.open(e.name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=dfd)
            except OSError as exc:
                _refuse(src, rel, f"cannot open the folder ({exc.strerror or exc})")
            try:
                _walk(sub, rel + "/", out, budget, src)
            finally:
                os.close(sub)
            continue
        if e.name.startswith("."):
            continue
        if not e.is_file(follow_symlinks=False):
            _refuse(src, rel, "not a regular file (a device, FIFO or socket)")
        name = safe_name(rel, src)
        budget.member(name)
        try:
            fd = os.open(e.name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=dfd)
        except OSError as exc:
            _refuse(src, rel, f"cannot read ({exc.strerror or exc})")
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                _refuse(src, rel, "not a regular file")
            out.append((name, _read_fd(fd, budget)))
        finally:
            os.close(fd)


def _read_zip(p: Path, src) -> list[tuple[str, bytes]]:
    try:
        check_size(p.stat().st_size, str(src))
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
            budget = _Budget(src)
            names = []
            # every name and type is checked before the first byte is inflated
            for info in infos:
                name = safe_name(info.filename, src)
                mode = info.external_attr >> 16
                kind = stat.S_IFMT(mode)
                if kind == stat.S_IFLNK:
                    _refuse(src, info.filename, "a symbolic link entry")
                if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                    _refuse(src, info.filename, "not a regular file (a device, FIFO or socket)")
                if info.flag_bits & 0x1:
                    _refuse(src, info.filename, "encrypted")
                budget.member(name)
                names.append(name)
            budget.check_tree()
            out = []
            for info, name in zip(infos, names):
                if name.endswith("/"):
                    out.append((name, b""))
                    continue
                parts = []
                with z.open(info) as fh:   # inflated in pieces, counted as they come
                    while True:
                        piece = fh.read(_CHUNK)
                        if not piece:
                            break
                        budget.add(len(piece))
                        parts.append(piece)
                out.append((name, b"".join(parts)))
            return out
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise InputError(f"{src}: damaged or unsupported zip ({exc})") from None
    except RuntimeError as exc:   # zipfile: encrypted member without a password
        raise InputError(f"{src}: cannot read the zip ({exc})") from None


# ---------------------------------------------------------------------- writing
def write_collection(dst: str, out, as_zip: bool) -> None:
    """Write ``[(name, bytes)]`` (names from :func:`read_collection`) to a zip or a folder.
    Nothing appears at ``dst`` until every member is written; an existing ``dst`` (the
    caller checked ``--force``) is replaced as a whole."""
    d = Path(dst)
    names = [safe_name(n, dst) for n, _ in out]   # names are re-checked, whoever built ``out``
    if as_zip:
        import io
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, (_, data) in zip(names, out):
                z.writestr(name, data)
        atomic_write_bytes(d, buf.getvalue())
        return
    _check_replace(d)
    parent = d.parent if str(d.parent) else Path(".")
    remove_stale_temps(d)
    tmp = parent / f".{d.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    old = None
    try:
        os.mkdir(tmp, 0o700)
        for name, (_, data) in zip(names, out):
            target = tmp / name
            if name.endswith("/"):
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
        um = os.umask(0)
        os.umask(um)
        os.chmod(tmp, 0o777 & ~um)
        if os.path.lexists(d):
            old = parent / f".{d.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            os.rename(d, old)
        os.rename(tmp, d)
        tmp = None
        fsync_folder(parent)
    except OSError as exc:
        from ..io import WriteError
        if old is not None and not os.path.lexists(d):
            os.rename(old, d)   # put the previous output back
            old = None
        raise WriteError(exc.errno, f"{dst}: cannot write ({exc.strerror or exc}); "
                                    f"nothing was written") from None
    finally:
        for leftover in (tmp, old):
            if leftover is not None:
                _remove(leftover)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if os.path.islink(path) or not os.path.isdir(path):
            os.unlink(path)
        else:
            shutil.rmtree(path)


def _check_replace(d: Path) -> None:
    """An existing output folder is replaced as a whole: never one holding the input, the
    current folder or the home folder (``anonymize export/ . --force`` would delete the work)."""
    if not os.path.lexists(d) or os.path.islink(d) or not d.is_dir():
        return
    real = d.resolve()
    for p in (Path.cwd().resolve(), Path.home().resolve(), *_READ):
        if real == p or real in p.parents:
            raise InputError(f"{d}: refusing to replace this folder (it holds {p}); choose "
                             f"a new output folder")
