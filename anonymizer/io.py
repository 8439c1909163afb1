"""Reading exports (encodings, BOMs, line endings kept) and writing atomically.

Decoding: UTF-8 (with or without BOM), UTF-16 and UTF-32 LE/BE (with BOM, and UTF-16
without BOM when the NUL pattern is unmistakable).  A BOM stays in the decoded text as
U+FEFF, so encoding the text again gives back the same bytes: the output is written in
the input's encoding, byte for byte identical outside the replaced spans.  Anything else
(empty, binary, archives, invalid UTF-8, NUL bytes, larger than the size limit, a
truncated JSON export) is refused with a one-line :class:`InputError` naming the file.

Writing: the data is complete in memory before the temp file is created; the temp file
(``.NAME.PID.RANDOM.tmp``, same folder) is fsynced and renamed over the destination, then
the folder is fsynced.  SIGINT/SIGTERM raise :class:`Interrupted` (the temp file is
removed on the way out); during the short commit (:func:`critical`) they are deferred
until the rename is done.  A temp file left by a SIGKILL (its PID is dead) is removed by
the next write to the same destination.
"""
from __future__ import annotations

import atexit
import codecs
import contextlib
import errno
import json
import os
import re
import secrets
import signal
from pathlib import Path

from .errors import InputError

DEFAULT_MAX_INPUT_MB = 1024  # one run holds the whole file in memory (about 10x its size)


class Interrupted(KeyboardInterrupt):
    """SIGINT/SIGTERM during a run: unwinds like Ctrl-C, so temp files are removed."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)


class WriteError(InputError, OSError):
    """Writing the output failed (disk full, permissions…); nothing was written."""

    def __str__(self) -> str:
        return str(self.strerror)


_BYTE_LINE_RE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class Decoded:
    """An input's text and the codec to write it back in (a BOM, if any, is U+FEFF at the
    start of the text).

    A UTF-8 input is kept as its bytes (``data``) and decoded when ``text`` is first read,
    or line by line through :meth:`lines` (issue 6: a million-message export is ~100 MB
    of UTF-8 but ~400 MB as a Python str once it holds one emoji)."""

    def __init__(self, text: str | None, encoding: str, data: bytes | None = None):
        self._text, self.encoding, self.data = text, encoding, data

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.data.decode("utf-8")
        return self._text

    @property
    def lazy(self) -> bool:
        """Still only bytes: :meth:`lines` will not build the whole str."""
        return self._text is None

    def head(self, n: int = 200_000) -> str:
        """About the first ``n`` characters, cut at a line end (format detection)."""
        if self._text is not None:
            return self._text[:n]
        piece = self.data[:n]
        if len(piece) < len(self.data):
            cut = max(piece.rfind(b"\n"), piece.rfind(b"\r"))
            piece = piece[:cut + 1] if cut >= 0 else piece
        return piece.decode("utf-8", "ignore")

    def lines(self, start: int = 0, end: int | None = None):
        """The lines (terminators kept: \\n, \\r\\n, lone \\r), as ``formats.base.split_lines``;
        of the bytes [start, end) when the input is still bytes."""
        if self._text is not None:
            from .formats.base import split_lines
            yield from split_lines(self._text)
            return
        for m in _BYTE_LINE_RE.finditer(self.data, start, len(self.data) if end is None else end):
            yield m.group().decode("utf-8")


_MAGIC = [
    (b"PK\x03\x04", "a ZIP archive (unzip it and pass the chat .txt/.json inside)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip file (decompress it first)"),
    (b"BZh", "a bzip2 file (decompress it first)"),
    (b"\xfd7zXZ\x00", "an xz file (decompress it first)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"OggS", "an Ogg audio file (voice note?)"),
    (b"SQLite format 3\x00", "an SQLite database (msgstore.db?), not a chat export"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"\x7fELF", "an executable"),
]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: mostly-ASCII text has a NUL in every other byte."""
    head = data[:8192]
    if len(head) < 8 or len(data) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    ze, zo = even.count(0), odd.count(0)
    if zo > 0.3 * len(odd) and ze < 0.02 * len(even):
        return "utf-16-le"
    if ze > 0.3 * len(even) and zo < 0.02 * len(odd):
        return "utf-16-be"
    return None


def _decode(data: bytes, codec: str, name: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: invalid {label} text (byte {exc.start})") from None


def decode_bytes(data: bytes, name: str = "input", lazy: bool = False) -> Decoded:
    """Bytes of an export -> text + the encoding to write it back in (or InputError).

    ``lazy``: a UTF-8 input stays bytes until its text is asked for (see :class:`Decoded`)."""
    if not data:
        raise InputError(f"{name}: the file is empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name}: this is {what}, not a text chat export")
    # BOMs: UTF-32 first (its LE BOM starts with the UTF-16 LE one)
    for bom, codec, label in ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
                              (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
                              (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
                              (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16")):
        if data.startswith(bom):
            text = _decode(data, codec, name, label)
            return Decoded(_check_text(text, name), codec)
    codec = _sniff_utf16(data)
    if codec is not None:
        text = _decode(data, codec, name, "UTF-16")
        return Decoded(_check_text(text, name), codec)
    head = data[:4096]
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    nul = data.find(b"\x00")
    if nul >= 0:
        if head.count(b"\x00") > len(head) // 16 or ctrl > len(head) // 32:
            raise InputError(f"{name}: binary file (NUL bytes), not a text export")
        raise InputError(f"{name}: NUL byte at line {_line_of(data, nul)} (byte {nul}); "
                         f"a chat export is text, refusing to guess")
    if lazy:
        # validated in pieces, kept as bytes (Decoded.lines decodes line by line)
        dec = codecs.getincrementaldecoder("utf-8")()
        step = 1 << 20
        pos = 0
        try:
            for pos in range(0, len(data), step):
                first = dec.decode(data[pos:pos + step], pos + step >= len(data))
                if pos == 0:
                    _check_text(first, name)
        except UnicodeDecodeError as exc:
            _bad_utf8(data, pos + exc.start, ctrl > len(head) // 32, name)
        return Decoded(None, "utf-8", data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _bad_utf8(data, exc.start, ctrl > len(head) // 32, name)
    return Decoded(_check_text(text, name), "utf-8")


def _bad_utf8(data: bytes, at: int, binary: bool, name: str):
    if binary:
        raise InputError(f"{name}: binary file, not a text export") from None
    raise InputError(f"{name}: not valid UTF-8 at line {_line_of(data, at)} "
                     f"(byte {at}); re-export the chat as UTF-8") from None


_CTRL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _check_text(text: str, name: str) -> str:
    body = text[1:] if text.startswith("\ufeff") else text
    if not body:
        raise InputError(f"{name}: the file is empty (only a byte order mark)")
    if "\x00" in body:
        i = body.index("\x00")
        raise InputError(f"{name}: NUL character at line {body.count(chr(10), 0, i) + 1}; "
                         f"a chat export is text, refusing to guess")
    head = body[:4096]
    if len(_CTRL_RE.findall(head)) > max(8, len(head) // 16):
        raise InputError(f"{name}: binary file (control characters), not a text export")
    return text


def env_number(name: str, default, cast=int):
    """A numeric setting from the environment (``default`` when unset), or InputError."""
    raw = os.environ.get(name)
    try:
        return cast(raw) if raw else default
    except ValueError:
        raise InputError(f"{name}={raw!r} is not a number") from None


def max_input_bytes() -> int:
    return int(env_number("ANONYMIZER_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB, float) * 1024 * 1024)


def size_text(n: int) -> str:
    return f"{n / 1024 ** 3:.1f} GB" if n >= 1024 ** 3 else f"{n / 1024 ** 2:.0f} MB"


def check_size(size: int, name: str) -> None:
    limit = max_input_bytes()
    if size > limit:
        raise InputError(f"{name}: {size_text(size)} is more than the {size_text(limit)} "
                         f"one run holds in memory; split the export or raise "
                         f"ANONYMIZER_MAX_INPUT_MB")


# One message (a line of plain text, a chat message, a JSON/CSV text field) is analysed as
# one text: spaCy's name model refuses more than 1,000,000 characters (its ``max_length``;
# about 1 GB of memory per 100,000 characters, per spaCy's documentation), so with name
# recognition on, a bigger message is refused up front with a one-line error instead of
# failing or thrashing later.  Without it (--no-ner) a message of any size takes time in
# proportion to its length.
DEFAULT_MAX_MESSAGE_CHARS = 1_000_000


def max_message_chars() -> int:
    return env_number("ANONYMIZER_MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS)


def check_message(record, limit: int) -> None:
    """InputError when one of ``record``'s texts is longer than ``limit`` characters
    (call it when ``len(record.raw) > limit``; the engine does, for every record)."""
    for sp in record.bodies:
        n = sp.end - sp.start
        if n > limit:
            raise InputError(f"message {record.index + 1} is {n:,} characters long, more than "
                             f"the {limit:,} one message may hold (name recognition cannot "
                             f"take more); split it, or raise ANONYMIZER_MAX_MESSAGE_CHARS")


def read_input(path: str | Path, lazy: bool = False) -> Decoded:
    p = Path(path)
    try:
        st = p.stat()
        if p.is_file():  # FIFOs and devices: no size known in advance
            check_size(st.st_size, str(path))
        if p.is_dir():
            raise IsADirectoryError
        with open(p, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except MemoryError:
        raise InputError(f"{path}: too large to hold in memory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return decode_bytes(data, str(path), lazy)


def read_stream(fh, name: str = "stdin", lazy: bool = False) -> Decoded:
    """Read a binary stream (stdin) with the same size limit as files."""
    limit = max_input_bytes()
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name}: more than the {size_text(limit)} one run holds in memory; "
                         f"split the export or raise ANONYMIZER_MAX_INPUT_MB")
    return decode_bytes(data, name, lazy)


_JSON_START = re.compile(r"\A\ufeff?\s*(?:\{|\[\s*[\[{\"\]])")


def check_structured(text: str, name: str) -> None:
    """Refuse text that starts like a JSON export but does not parse (truncated export).

    Called for input no format parser claimed (plain text fallback): treating a broken JSON
    file as free text would "succeed" on garbage.  JSON Lines pass when every line parses.
    """
    if not _JSON_START.match(text):
        return
    body = text.lstrip("\ufeff")
    try:
        json.loads(body)
    except RecursionError:   # absurd nesting: the same one-line error as the JSON formats
        from .formats.jsondoc import MAX_DEPTH
        raise InputError(f"{name}: JSON nested too deeply (more than {MAX_DEPTH} levels)") from None
    except ValueError as exc:
        whole = exc
    else:   # valid JSON no format took: too deep for the JSON formats?
        from .formats.jsondoc import parse_json
        try:
            parse_json(body)
        except InputError as exc:
            if "nested too deeply" in str(exc):
                raise InputError(f"{name}: {exc}") from None
        return
    if "Extra data" in str(whole):  # maybe JSON Lines
        for i, line in enumerate(body.splitlines(), 1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except ValueError:
                raise InputError(f"{name}: looks like JSON Lines but line {i} is not valid JSON "
                                 f"(truncated export?)") from None
        return
    lineno = getattr(whole, "lineno", None)
    where = f" at line {lineno}" if lineno else ""
    raise InputError(f"{name}: looks like a JSON export but is not valid JSON{where} "
                     f"(truncated export?): {getattr(whole, 'msg', whole)}")


def encode_text(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":  # older callers: LE with a BOM
        return (text if text.startswith("\ufeff") else "\ufeff" + text).encode("utf-16-le")
    return text.encode(encoding)


# ---------------------------------------------------------------------- signals and temps
_LIVE_TEMPS: set[str] = set()
_DEFER = {"depth": 0, "pending": None}
_INSTALLED: dict[int, object] = {}


def _handler(signum, frame):
    if _DEFER["depth"] > 0:
        if _DEFER["pending"] is None:
            _DEFER["pending"] = signum
        return
    raise Interrupted(signum)


def install_signal_handlers() -> None:
    """SIGINT/SIGTERM/SIGHUP -> :class:`Interrupted` (a clean unwind that removes temps)."""
    for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is None or sig in _INSTALLED:
            continue
        try:
            _INSTALLED[sig] = signal.signal(sig, _handler)
        except (ValueError, OSError):  # not the main thread, or not allowed
            pass


def restore_signal_handlers() -> None:
    for sig, old in list(_INSTALLED.items()):
        try:
            signal.signal(sig, old)
        except (ValueError, OSError, TypeError):
            pass
        del _INSTALLED[sig]


@contextlib.contextmanager
def critical():
    """Defer SIGINT/SIGTERM while the output is committed; re-raise them afterwards."""
    _DEFER["depth"] += 1
    try:
        yield
    finally:
        _DEFER["depth"] -= 1
        if _DEFER["depth"] == 0 and _DEFER["pending"] is not None:
            sig, _DEFER["pending"] = _DEFER["pending"], None
            raise Interrupted(sig)


@atexit.register
def _remove_live_temps() -> None:
    for tmp in list(_LIVE_TEMPS):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _LIVE_TEMPS.discard(tmp)


_TEMP_RE = re.compile(r"\.(?P<pid>\d+)\.[0-9a-f]+\.tmp$")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove ``.NAME.PID.*.tmp`` (files, or folders) left next to ``path`` by a killed run
    (PID is dead)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    removed = []
    try:
        cands = list(folder.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return removed
    for c in cands:
        m = _TEMP_RE.search(c.name)
        if not m or not c.name.startswith(f".{path.name}.") or _pid_alive(int(m.group("pid"))):
            continue
        with contextlib.suppress(OSError):
            if c.is_dir() and not c.is_symlink():   # an output folder being built (archive.py)
                import shutil
                shutil.rmtree(c)
            else:
                c.unlink()
            removed.append(c)
    return removed


def glob_escape(s: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", s)


def _default_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777  # overwriting (--force, --in-place): keep it
    except OSError:
        pass
    um = os.umask(0)
    os.umask(um)
    return 0o666 & ~um


def fsync_folder(folder) -> None:
    """Make a rename in ``folder`` durable (best effort)."""
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def atomic_write_bytes(path: Path, data: bytes | list[bytes], mode: int | None = None) -> None:
    """Temp file in the same folder + fsync + rename: never a half-written output.
    ``data``: bytes, or a list of pieces written one after the other.

    Raises :class:`WriteError` (an :class:`InputError` and an :class:`OSError`) when the
    write fails (disk full…); the temp file is removed and ``path`` is left untouched.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    remove_stale_temps(path)
    if mode is None:
        mode = _default_mode(path)
    tmp = str(folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = -1
    try:
        try:
            _LIVE_TEMPS.add(tmp)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.fchmod(fd, mode)
            for part in (data if isinstance(data, list) else (data,)):
                view = memoryview(part)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
            os.fsync(fd)
            os.close(fd)
            fd = -1
            os.replace(tmp, path)
            _LIVE_TEMPS.discard(tmp)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if exc.errno == errno.ENOSPC:
                reason = "no space left on device"
            raise WriteError(exc.errno, f"{path}: cannot write ({reason}); nothing was written") from None
        fsync_folder(folder)
    finally:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        if tmp in _LIVE_TEMPS:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            _LIVE_TEMPS.discard(tmp)


def atomic_write_text(path: Path, text: str, mode: int | None = None, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, encode_text(text, encoding), mode)
