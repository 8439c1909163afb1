"""Start-up caches (issue 17): derived data kept between runs in the user cache folder.

What is cached is only ever derived from the installed packages (compiled regular
expressions of spaCy's tokenizer, the gazetteer word lists grouped for lazy loading), never
from the user's files: nothing personal, nothing secret.  Every file is checked before use
(a magic line and the SHA-256 of its content) and written whole (``io.atomic_write_bytes``),
so a stale, truncated or corrupted file is ignored and rebuilt, never half-read; a folder that
cannot be written only costs the next run the work again.  ``ANONYMIZER_CACHE_DIR`` moves
the folder (tests, benchmarks, read-only homes).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def cache_dir() -> Path:
    """``ANONYMIZER_CACHE_DIR``, else the user cache folder (``~/.cache/anonymizer`` on Linux)."""
    env = os.environ.get("ANONYMIZER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_cache_dir("anonymizer", appauthor=False))


def read(path: Path, magic: bytes):
    """``(header, payload)`` as written by :func:`write` under ``magic``, or None (absent,
    damaged or unreadable)."""
    try:
        blob = Path(path).read_bytes()
    except OSError:
        return None
    body, digest = blob[:-32], blob[-32:]
    if len(blob) < len(magic) + 40 or not body.startswith(magic) or hashlib.sha256(body).digest() != digest:
        return None
    n = int.from_bytes(body[len(magic):len(magic) + 8], "little")
    start = len(magic) + 8
    try:
        return json.loads(body[start:start + n].decode("utf-8")), body[start + n:]
    except ValueError:
        return None


def write(path: Path, magic: bytes, header, payload: bytes) -> bool:
    """Write ``magic``, the JSON ``header``, ``payload`` and their SHA-256, atomically; False
    (and nothing written) on failure."""
    from .io import atomic_write_bytes
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    data = magic + len(head).to_bytes(8, "little") + head + payload
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(Path(path), [data, hashlib.sha256(data).digest()], mode=0o644)
        return True
    except OSError:
        return False
