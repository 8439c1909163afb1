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


def anonymize_collection(engine, files, fmt=None, fields=None):
    """``files``: [(relative path, bytes)] -> ([(path, bytes)], [Result], skipped paths)."""
    from . import anonymize_documents
    names = {Path(n).name for n, _ in files}
    slack = fmt == "slack" or {"users.json", "channels.json"} & names
    docs, encs, skipped, dirs = [], [], [], set()
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
        docs.append((name, dec.text, f))
        encs.append(dec.encoding)
    if not docs:
        raise InputError("no text export in the folder")
    done = anonymize_documents(engine, docs, fields)
    by_name = {d[0]: encode_text(new, enc) for d, enc, (new, _) in zip(docs, encs, done)}
    out = [(name, b"" if name in dirs else by_name[name]) for name, _ in files
           if name in by_name or name in dirs]
    results = []
    for _, res in done:
        if all(res is not r for r in results):
            results.append(res)
    return out, results, skipped
