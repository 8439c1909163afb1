"""The pseudonym map on disk: always sealed, locked, merged, replaced atomically (issue 16).

The map is the table from real values to fakes: whoever reads it can undo the
pseudonymisation.  So, whatever the caller (``--map``, the project map, ``Anonymizer(map_path=…)``,
the Dask helper):

- **Sealed.**  The file is an envelope ``{"format", "key_id", "alg", "nonce", "data"}``:
  ``data`` is the map's JSON encrypted and authenticated with AES-256-GCM under a key
  derived from the project key by HKDF-SHA256 with the purpose label ``anonymizer map v1``
  (the pseudonym HMACs use the project key itself: different keys for different jobs).
  No real value is in the file in any encoding.  ``key_id`` is required: a map without it
  is refused (one line, exit 2) instead of being accepted under any key and re-stamped; it
  must match the key, and the ``key_id`` inside the sealed JSON must match too.  A legacy
  plaintext map with the right ``key_id`` is read once and sealed when saved.
- **Locked.**  A :class:`filelock.FileLock` (``MAP.lock`` beside the map, an OS lock
  released by the kernel if the process dies) is held from loading to saving.  A CLI run
  (``anonymize IN OUT --map M``) and a ``fix`` hold it for the whole run: concurrent runs on
  one map queue up, so two runs can never hand one fake to two people, and no run's
  additions are lost.
- **Merged.**  Saving re-reads the file and merges three ways (what was loaded, what this
  run holds, what the file holds now): additions of both sides are kept, this run's
  removals stay removed, and on a conflict this run wins (its output is already written).
- **Atomic.**  Temp file + fsync + rename (:func:`anonymizer.io.atomic_write_bytes`), 0600.
"""
from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import hmac
import json
import secrets
from pathlib import Path

from ..errors import InputError

SEALED_FORMAT = "anonymizer-map-sealed-v1"
ALG = "AES-256-GCM/HKDF-SHA256"
_HKDF_INFO = b"anonymizer map v1"          # the purpose label of the map's key
TABLES = ("entries", "rendered", "retired")  # kind -> key -> value, merged the same way


def key_id(key: bytes) -> str:
    """A short public tag of the key (HMAC with its own label): which key made a file."""
    return hmac.new(key, b"key-id", hashlib.sha256).hexdigest()[:16]


def _cipher(key: bytes):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    k = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(key)
    return AESGCM(k)


def seal(key: bytes, plain: bytes) -> dict:
    nonce = secrets.token_bytes(12)
    ct = _cipher(key).encrypt(nonce, plain, SEALED_FORMAT.encode())
    return {"format": SEALED_FORMAT, "key_id": key_id(key), "alg": ALG,
            "nonce": base64.b64encode(nonce).decode(), "data": base64.b64encode(ct).decode()}


def unseal(key: bytes, env: dict, path) -> bytes:
    from cryptography.exceptions import InvalidTag
    try:
        return _cipher(key).decrypt(base64.b64decode(env["nonce"]), base64.b64decode(env["data"]),
                                    SEALED_FORMAT.encode())
    except (InvalidTag, KeyError, ValueError, TypeError):
        raise _key_error(f"map {path} cannot be decrypted with this key (wrong key or damaged file)") from None


def _key_error(msg: str):
    from ..errors import KeyProblem
    return KeyProblem(msg)


def read(path, key: bytes) -> tuple[dict | None, bool]:
    """``(the map's JSON, legacy?)``; ``(None, False)`` when there is no file.
    Raises KeyProblem (wrong key, no key_id) or InputError (not a map)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return None, False
    except OSError as exc:
        raise InputError(f"{path}: cannot read the map ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputError(f"{path}: not a valid pseudonym map (not JSON)") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a valid pseudonym map")
    kid = data.get("key_id")
    if not kid:
        raise _key_error(f"map {path} has no key_id: refused (a map is only used with the key "
                         f"that made it; restore the file or start a new map)")
    if kid != key_id(key):
        raise _key_error(f"map {path} was made with another key")
    legacy = data.get("format") != SEALED_FORMAT
    if not legacy:
        try:
            data = json.loads(unseal(key, data, path).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise InputError(f"{path}: not a valid pseudonym map (sealed content)") from None
        if not isinstance(data, dict) or data.get("key_id") != kid:
            raise _key_error(f"map {path}: the sealed key_id does not match the key")
    for t in TABLES:
        tab = data.get(t) or {}
        if not isinstance(tab, dict) or not all(
                isinstance(v, dict) and all(isinstance(a, str) and isinstance(b, str)
                                            for a, b in v.items()) for v in tab.values()):
            raise InputError(f"{path}: not a valid pseudonym map ({t})")
    return data, legacy


def write(path, key: bytes, data: dict) -> None:
    from ..io import atomic_write_bytes
    plain = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    env = json.dumps(seal(key, plain), indent=1) + "\n"
    atomic_write_bytes(Path(path), env.encode("ascii"), mode=0o600)


def tables(data: dict | None) -> dict:
    return {t: copy.deepcopy((data or {}).get(t) or {}) for t in TABLES}


def merge3(base: dict, ours: dict, theirs: dict) -> tuple[dict, int]:
    """Three-way merge of the map's tables (see the module doc); returns (merged, number
    of their entries dropped because they clash with ours)."""
    out = copy.deepcopy(ours)
    dropped = 0
    for t in TABLES:
        for kind, theirs_k in theirs.get(t, {}).items():
            base_k = base.get(t, {}).get(kind, {})
            mine = out[t].setdefault(kind, {})
            taken = set(mine.values()) if t == "entries" else None
            for k, v in theirs_k.items():
                if base_k.get(k) == v or k in mine:
                    continue   # unchanged since we loaded it (our removal stands), or ours
                if taken is not None and v in taken:
                    dropped += 1   # their fake is ours for another value: keep the map injective
                    continue
                mine[k] = v
                if taken is not None:
                    taken.add(v)
    for t in TABLES:
        out[t] = {k: v for k, v in out[t].items() if v}
    return out, dropped


def apply(pmap, merged: dict) -> None:
    """Put ``merged`` tables into ``pmap`` (caches reset); remember them as the base."""
    pmap.adopt(merged)
    pmap.base = copy.deepcopy(merged)


def state(pmap) -> dict:
    return {"entries": pmap.entries, "rendered": getattr(pmap, "rendered", {}),
            "retired": getattr(pmap, "retired", {})}


# ---------------------------------------------------------------------- the file
class MapFile:
    """A map file and its lock.  ``with MapFile(path, key).session(pmap) as pm:`` takes the
    lock, loads (merging into ``pmap`` what others saved since it was last loaded), yields
    the map, and on a clean exit merges with the file and saves it sealed; on an error it
    releases the lock and writes nothing.  :meth:`open` / :meth:`save` / :meth:`close` are
    the same steps for callers that cannot wrap their run in a ``with``."""

    def __init__(self, path, key: bytes, timeout: float | None = None):
        from filelock import FileLock
        self.path = Path(path)
        self.key = key
        if timeout is None:
            from ..io import env_number
            timeout = env_number("ANONYMIZER_MAP_LOCK_TIMEOUT", -1, float)
        self.timeout = timeout
        self.lock = FileLock(str(self.path.with_name(self.path.name + ".lock")), mode=0o600,
                             is_singleton=True)
        self.held = 0
        self.legacy = False

    # ------------------------------------------------------------------ lock
    def _acquire(self, on_wait=None) -> None:
        from filelock import Timeout
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if not folder.is_dir():
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                raise InputError(f"{self.path}: cannot create the map's folder "
                                 f"({exc.strerror or exc})") from None
        try:
            try:
                self.lock.acquire(timeout=0 if on_wait else self.timeout)
            except Timeout:
                if not on_wait:
                    raise
                on_wait()
                self.lock.acquire(timeout=self.timeout)
        except Timeout:
            raise InputError(f"{self.path}: the map is in use by another run (waited "
                             f"{self.timeout:g}s; ANONYMIZER_MAP_LOCK_TIMEOUT)") from None
        except OSError as exc:
            raise InputError(f"{self.path}: cannot lock the map ({exc.strerror or exc})") from None
        self.held += 1

    def close(self) -> None:
        """Release the lock (as many times as this object took it)."""
        while self.held:
            self.held -= 1
            with contextlib.suppress(Exception):
                self.lock.release()

    # ------------------------------------------------------------------ steps
    def open(self, pmap, rekey: bool = True, on_wait=None):
        """Take the lock (kept until :meth:`close`) and load the file into ``pmap``.
        ``rekey``: the inputs hold real names (see ``PseudonymMap.real_names_arrived``)."""
        self._acquire(on_wait)
        try:
            self.load(pmap)
        except BaseException:
            self.close()
            raise
        pmap.rekey = rekey
        return pmap

    def load(self, pmap) -> None:
        """Merge the file into ``pmap`` (no lock needed to read: the file is replaced
        atomically)."""
        data, self.legacy = read(self.path, self.key)
        if data is None:
            if pmap.base is None:
                pmap.base = tables(None)
            return
        base = pmap.base or tables(None)
        merged, _ = merge3(base, state(pmap), tables(data))
        apply(pmap, merged)

    def save(self, pmap) -> int:
        """Merge with the file's current content and write it sealed; returns how many of
        the file's entries were dropped as clashing (0 under the lock)."""
        self._acquire()
        try:
            data, _ = read(self.path, self.key)
            base = pmap.base or tables(None)
            merged, dropped = merge3(base, state(pmap), tables(data))
            out = {"version": 2, "key_id": key_id(self.key), "locale": pmap.locale, **merged}
            write(self.path, self.key, out)
            apply(pmap, merged)
            self.legacy = False
            return dropped
        finally:
            self.held -= 1
            self.lock.release()

    @contextlib.contextmanager
    def session(self, pmap, rekey: bool = True, on_wait=None):
        self.open(pmap, rekey, on_wait)
        try:
            yield pmap
            self.save(pmap)
        finally:
            self.close()
