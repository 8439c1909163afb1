"""Dask: a folder of exports anonymised with name recognition on a cluster.

The run is the ordinary one (:func:`anonymizer.pipeline.run.run`) with the Dask executor
(:class:`anonymizer.pipeline.executors.DaskExecutor`): only name recognition, a pure function
of the text, moves to the workers; people, the map, rendering and verification stay in this
process, so the output is byte-identical to ``anonymize SRC_DIR DST_DIR`` by construction.

Library::

    from dask.distributed import Client, LocalCluster
    from anonymizer.distributed import anonymize_folder_dask
    with LocalCluster(n_workers=2) as cluster, Client(cluster) as client:
        anonymize_folder_dask("exports/", "anon/", key, client)

CLI: ``anonymize exports/ anon/ --dask tcp://scheduler:8786``.
"""
from __future__ import annotations


def anonymize_folder_dask(src, dst, key: bytes, client, fmt=None, fields=None, **settings):
    """Anonymise a folder (or ``.zip``) of exports into ``dst`` (a folder, or a ``.zip``) with
    one engine and one map, name recognition on ``client``'s cluster.  ``settings``: any
    :class:`~anonymizer.settings.Settings` field (``language``, ``policy``, ``shift_dates``,
    ``map_path``, ``ner``, ``verify``…).  Returns the results."""
    from .formats.folder import collection_items, collection_output, read_collection, write_collection
    from .pipeline.documents import open_documents
    from .pipeline.run import run
    from .settings import Settings
    conf = Settings.create(key=key, dask=client, **settings)
    files = read_collection(str(src))
    items, encodings, dirs, _ = collection_items(files, fmt)
    with conf.map_session() as session:  # the map locked for the run, saved before the output
        engine = conf.engine(session.pmap)
        results = run(engine, open_documents(items, fields), conf.executor())
        session.save()
    write_collection(str(dst), collection_output(files, results, encodings, dirs), str(dst).lower().endswith(".zip"))
    return results
