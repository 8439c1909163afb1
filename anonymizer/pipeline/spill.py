"""The names pass's findings, kept on disk until the detect pass reads them back in the same
order (issue 6: at a million messages they were the largest thing in memory).

An anonymous temporary file (unlinked from the start, gone when closed), each batch encrypted
with AES-GCM under a key that lives only in this process's memory: real names never sit
readable on disk.  People are written as their keys and read back as the engine's own
:class:`~anonymizer.identities.Person` objects."""
from __future__ import annotations

import pickle
import tempfile

from ..detect.base import Finding


class Spill:
    def __init__(self, engine):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        self.engine = engine
        self.fh = tempfile.TemporaryFile()
        self.aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self.n = 0
        self.cur: dict = {}
        self.reading = None
        self.next_body = 0

    def write(self, entries: dict) -> None:
        """Body number -> its findings (a list of Finding), for one batch of bodies, in
        increasing body numbers from batch to batch."""
        if not entries:
            return
        entries = {bi: tuple((f.start, f.end, f.kind, f.text, f.score, f.detector,
                              {k: v for k, v in f.data.items() if k != "person"} or None,
                              f.data["person"].key if f.data.get("person") is not None else None)
                             for f in lst)
                   for bi, lst in entries.items()}
        nonce = self.n.to_bytes(12, "big")
        self.n += 1
        blob = self.aead.encrypt(nonce, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL), None)
        self.fh.write(len(blob).to_bytes(8, "big") + blob)

    def _batches(self):
        self.fh.seek(0)
        for k in range(self.n):
            size = int.from_bytes(self.fh.read(8), "big")
            yield pickle.loads(self.aead.decrypt(k.to_bytes(12, "big"), self.fh.read(size), None))

    def _next(self):
        nxt = next(self.reading, None)
        self.done = nxt is None
        self.cur = nxt or {}
        self.last = max(self.cur) if self.cur else -1

    def pop(self) -> list[Finding]:
        """The findings of the next body (bodies are asked for in order, all of them)."""
        bi = self.next_body
        self.next_body += 1
        if self.n == 0:
            return []
        if self.reading is None:
            self.reading = self._batches()
            self._next()
        while bi > self.last and not self.done:  # this batch is behind: the next one
            self._next()
        packed = self.cur.pop(bi, None)
        if packed is None:
            return []
        persons = self.engine.identities.persons
        out = []
        for st, en, kind, text, score, det, data, pkey in packed:
            data = dict(data) if data else {}
            if pkey is not None:
                data["person"] = persons[pkey]
            out.append(Finding(st, en, kind, text, score, det, data))
        return out

    def close(self):
        self.fh.close()
