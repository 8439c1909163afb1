"""A folder (or a .zip) of exports processed together with one engine and one map:
a Slack workspace export, or any set of chat files / dataset shards.  Every file is
detected on its own (in a Slack export every ``.json`` is Slack); files that are not text
(images, voice notes…) are left out of the output and counted as skipped."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import InputError
from ..io import atomic_write_bytes, decode_bytes, encode_text


def is_collection(src: str) -> bool:
    p = Path(src)
    if p.is_dir():
        return True
    return p.is_file() and p.suffix.lower() == ".zip" and zipfile.is_zipfile(p)


def read_collection(src: str) -> list[tuple[str, bytes]]:
    p = Path(src)
    if p.is_dir():
        return [(str(f.relative_to(p)), f.read_bytes()) for f in sorted(p.rglob("*"))
                if f.is_file() and not f.name.startswith(".")]
    with zipfile.ZipFile(p) as z:
        # directory entries are kept (as ``name/``, no data) so the output zip lists the
        # same members in the same order
        return [(i.filename, b"" if i.is_dir() else z.read(i)) for i in z.infolist()]


def collection_items(files, fmt=None):
    """``files``: [(relative path, bytes)] -> (items for the run: [(path, text, format)],
    their encodings by path, zip directory entries, skipped paths (not text))."""
    names = {Path(n).name for n, _ in files}
    slack = fmt == "slack" or {"users.json", "channels.json"} & names
    items, encodings, skipped, dirs = [], {}, [], set()
    for name, data in files:
        if name.endswith("/"):   # a zip's directory entry: kept as is, in its place
            dirs.add(name)
            continue
        try:
            dec = decode_bytes(data, name)
        except InputError:
            skipped.append(name)
            continue
        f = fmt
        if slack and name.lower().endswith(".json"):
            f = "slack"
        items.append((name, dec.text, f))
        encodings[name] = dec.encoding
    if not items:
        raise InputError("no text export in the folder")
    return items, encodings, dirs, skipped


def collection_output(files, results, encodings, dirs):
    """[(path, bytes)] of the output, in the input's order (zip directory entries kept)."""
    by_name = {name: encode_text(text, encodings[name]) for res in results for name, text in res.outputs()}
    return [(name, b"" if name in dirs else by_name[name]) for name, _ in files
            if name in by_name or name in dirs]


def write_collection(dst: str, out, as_zip: bool) -> None:
    d = Path(dst)
    if as_zip:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in out:
                z.writestr(name, data)
        atomic_write_bytes(d, buf.getvalue())
        return
    for name, data in out:
        target = d / name
        if ".." in Path(name).parts:
            raise InputError(f"{name}: unsafe path in the archive")
        if name.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)
