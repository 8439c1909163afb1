"""The same job on a Dask cluster (``dask.distributed``): name detection on the workers,
pseudonyms and rendering on the client.

Name detection (gazetteer + spaCy NER, ``NameDetector.find_batch``) is a pure function of
(language, text): :class:`DaskNames` sends each document's distinct bodies, in chunks, to
the cluster and gathers the findings in order.  Everything stateful — the people found,
the keyed pseudonym map (one for the whole folder), rendering, verification — runs on the
client in document order exactly as in a single-process run, so the output is
byte-identical to ``anonymize SRC_DIR DST_DIR`` by construction.

Library::

    from dask.distributed import Client, LocalCluster
    from anonymizer.distributed import anonymize_folder_dask
    with LocalCluster(n_workers=2) as cluster, Client(cluster) as client:
        anonymize_folder_dask("exports/", "anon/", key, client)

CLI: ``anonymize exports/ anon/ --dask tcp://scheduler:8786``.
"""
from __future__ import annotations


CHUNK = 256


def _find_chunk(chunk: list[str], lang: str, known=frozenset()):
    from .detect.names import NameDetector
    det = NameDetector(lang)  # the model is cached per worker process
    det.known = known  # the client's people: the same bodies skip NER (names.needs_ner)
    return det.find_batch(chunk)


class DaskNames:
    """A name-detection executor for ``Engine.jobs`` backed by a Dask client."""

    def __init__(self, client, chunk: int = CHUNK):
        self.client = client
        self.chunk = chunk

    def find_batch(self, lang: str, texts: list[str], known=frozenset()) -> list[list]:
        chunks = [texts[i:i + self.chunk] for i in range(0, len(texts), self.chunk)]
        if not chunks:
            return []
        futures = self.client.map(_find_chunk, chunks, lang=lang, known=known, pure=False)
        parts = self.client.gather(futures)
        return [f for part in parts for f in part]


def connect(address: str):
    """A Dask client for ``--dask ADDRESS``; a one-line InputError when it cannot connect."""
    from .errors import InputError
    try:
        from dask.distributed import Client
    except ImportError:
        raise InputError("--dask needs dask.distributed (pip install 'chat-anonymizer[scale]')") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address} ({exc})") from None


def anonymize_folder_dask(src, dst, key: bytes, client, language=None, ner=True, verify=True,
                          fmt=None, fields=None, map_path=None):
    """Anonymise a folder (or ``.zip``) of exports into ``dst`` (a folder, or a ``.zip``) with
    one engine and one map, name detection on ``client``'s cluster.  Returns the results."""
    from .pipeline.engine import Engine
    from .formats.folder import anonymize_collection, read_collection, write_collection
    from .render.pseudonyms import LOCALES, PseudonymMap
    import contextlib
    from .render.mapfile import MapFile
    pmap = PseudonymMap(key, LOCALES.get(language or "fr", "fr_FR"))
    # issue 16: the map is locked for the whole run, merged and saved sealed at the end
    with MapFile(map_path, key).session(pmap) if map_path else contextlib.nullcontext(pmap):
        eng = Engine(key, language=language, ner=ner, pmap=pmap, verify=verify)
        eng.jobs = DaskNames(client)
        out, results, skipped = anonymize_collection(eng, read_collection(str(src)), fmt, fields)
        write_collection(str(dst), out, str(dst).lower().endswith(".zip"))
    return results
