"""Reading exports (encodings, BOMs, line endings kept) and writing atomically."""
from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError


@dataclass
class Decoded:
    text: str
    encoding: str   # codec used to write back (the BOM, if any, is part of text for utf-8)


def decode_bytes(data: bytes, name: str = "input") -> Decoded:
    if not data:
        raise InputError(f"{name}: the file is empty")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{name}: invalid UTF-16 text") from None
    if b"\x00" in data[:4096] and data.count(b"\x00") > len(data[:4096]) // 8:
        raise InputError(f"{name}: binary file (NUL bytes), not a text export")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte {exc.start}); re-export the chat as UTF-8") from None
    if "\x00" in text:
        raise InputError(f"{name}: NUL bytes in the text, not a text export")
    return Decoded(text, "utf-8")


def read_input(path: str | Path) -> Decoded:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    return decode_bytes(data, str(path))


def encode_text(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":
        return text.encode("utf-16")  # writes a BOM, like the input had
    return text.encode("utf-8")


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Temp file in the same folder + fsync + rename: never a half-written output."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: Path, text: str, mode: int | None = None, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, encode_text(text, encoding), mode)
