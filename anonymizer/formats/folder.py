"""A folder (or a .zip) of exports processed together with one engine and one map:
a Slack workspace export, or any set of chat files / dataset shards.  Every file is
detected on its own (in a Slack export every ``.json`` is Slack); files that are not text
(images, voice notes…) are left out of the output and counted as skipped."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..io import decode_bytes, encode_text
# reading and writing (safe names, no links, size limits, atomic output): formats/archive.py
from .archive import is_collection, read_collection, write_collection  # noqa: F401


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
