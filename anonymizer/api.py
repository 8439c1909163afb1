"""The library: ``from anonymizer import Anonymizer``.

Every method that anonymises goes through the one run loop (:func:`anonymizer.pipeline.run.run`),
with the engine built by :meth:`Settings.engine <anonymizer.settings.Settings.engine>`, the
fail-closed verifier included: a method either returns a fully anonymised, verified output
or raises (:class:`~anonymizer.errors.VerificationError`, :class:`~anonymizer.errors.InputError`).

**What calls on one** :class:`Anonymizer` **share.**

* *The keyed map* — always: the same real value gets the same pseudonym in every call (that
  is the point of a key), and with ``map_path`` across processes too.
* *The people* — only within one call, or one :meth:`Anonymizer.session`: the senders, the
  names found by NER and the names of a list passed in one call are known to each other
  (``camille`` lowercase is replaced once ``Camille`` is a sender), but a name met in an
  earlier, unrelated call is not a known person in a later one (``Rose Dupont`` anonymised
  in one call does not make the word ``rose`` a name in the next; the next call finds names
  on its own, and gives a name already seen the same pseudonym).  The names of a map loaded
  from ``map_path`` are known people in every call, as in a CLI run with ``--map``.
  Inside ``with anon.session():`` the people of the session's earlier calls are known too,
  exactly like successive CLI runs sharing one ``--map``.

An :class:`Anonymizer` is not thread-safe: use one per thread (they may share a key).
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .detect.base import Finding as _RawFinding
from .io import atomic_write_bytes, check_structured, encode_text, read_input
from .pipeline.run import Result
from .settings import Settings

__all__ = ["Anonymizer", "Finding", "Result"]

_ROLES = ("first", "last")


@dataclass(frozen=True)
class Finding:
    """One thing :meth:`Anonymizer.analyze` found: plain data (JSON-serialisable with
    ``json.dumps(dataclasses.asdict(finding))``), offsets into the analysed text.

    * ``kind`` — ``PERSON``, ``PHONE_NUMBER``, ``EMAIL_ADDRESS``, ``URL``, ``IBAN_CODE``…;
    * ``score`` — confidence, 0 to 1 (below 0.9: worth a look); ``detector`` — what found
      it (``ner``, ``gazetteer``, ``participant``, ``phone``, ``email``, ``url``, ``iban``…);
    * ``role`` — for a person, which part of the name ``text`` is (``full``, ``first``,
      ``last``), else None;
    * ``person`` — for a person, a stable id: the same person (by name or phone number)
      gets the same id in every call with the same key, and nobody without the key can
      tell whom it stands for; else None;
    * ``extra`` — the detector's other details as plain values (a phone number's E.164
      form under ``number``, an IBAN's compact form, an address's layout…).

    >>> f = Finding(8, 19, "PERSON", "Marie Curie", 0.85, "ner", "full", "p1a2b3c4d5e6")
    >>> f.text, f.kind
    ('Marie Curie', 'PERSON')
    """
    start: int
    end: int
    kind: str
    text: str
    score: float
    detector: str
    role: str | None = None
    person: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)


class Anonymizer:
    """Pseudonymise chat exports, free texts, lists and tables with one keyed map.

    >>> anon = Anonymizer(key=b"a secret of at least 16 bytes", language="fr")
    >>> anon.anonymize_texts(["Appelle Jean Dupont au 06 12 34 56 78", "Jean est là"])  # doctest: +SKIP
    ['Appelle Noël Poirier au 06 39 98 43 98', 'Noël est là']
    """

    def __init__(self, key: bytes | str | None = None, language: str | None = None,
                 map_path: str | os.PathLike | None = None, ner: bool = True,
                 key_file: str | os.PathLike | None = None, verify: bool = True,
                 policy: Mapping[str, str] | None = None, shift_dates: int | str | None = None,
                 settings: Settings | None = None, **more: Any) -> None:
        """Build an anonymiser (cheap: models load at the first call that needs them).

        Args:
            key: the secret the pseudonyms are derived from (HMAC-SHA256), at least 16
                bytes; a str is UTF-8 encoded.  Else ``key_file``, else ``$ANONYMIZER_KEY``,
                else a random key for this object only (with a :class:`UserWarning`: the
                pseudonyms will not be stable across runs).
            language: ``fr``, ``en``, ``de``, ``es``, ``it``, ``pt``, ``nl``; None detects it
                per call.
            map_path: a pseudonym map to load and extend (saved, 0600 and encrypted with
                the key, after every successful call).
            ner: find names with spaCy (False: participants, phones, URLs, e-mails and
                identifiers only).
            key_file: a file holding the key.
            verify: run the fail-closed post-scan (keep it on).
            policy: per-kind action, e.g. ``{"IBAN": "redact", "CITY": "keep"}``.
            shift_dates: move dates by this many days (a multiple of 7) or ``"auto"``.
            settings: a ready :class:`~anonymizer.settings.Settings` (the other arguments are
                then ignored).
            **more: any other :class:`~anonymizer.settings.Settings` field (``jobs``,
                ``batch_size``, ``name_rules``, ``extra_rules``, ``allow_words``…).

        Raises:
            InputError: a key shorter than 16 bytes (the CLI's refusal: the same message),
                an unknown language or policy, a key file not found, a map that is not
                valid or was made with another key.

        >>> Anonymizer(key=b"12345")
        Traceback (most recent call last):
        ...
        anonymizer.errors.InputError: the key is too short (need at least 16 bytes)
        """
        if settings is None:
            settings = Settings.create(key=key, key_file=None if key_file is None else os.fspath(key_file),
                                       map_path=map_path,
                                       language=language, ner=ner, verify=verify, policy=policy,
                                       shift_dates=shift_dates, **more)
        self.settings = settings
        self.pmap = settings.pseudonym_map()
        # the map's names as loaded (known people in every call), the session's people
        self._loaded = {r: frozenset(self.pmap.entries.get(r, ())) for r in _ROLES}
        self._session: dict[str, set[str]] | None = None
        if not settings.stable_key:
            warnings.warn("anonymizer: no key given (key=, key_file= or ANONYMIZER_KEY): a random "
                          "key was drawn; pseudonyms will not be stable across runs",
                          UserWarning, stacklevel=2)

    @classmethod
    def from_config(cls, start: str | os.PathLike | None = None,
                    config: str | os.PathLike | None = None, **overrides: Any) -> "Anonymizer":
        """An anonymiser with the project's settings (``.anonymizer.toml`` or
        ``[tool.anonymizer]`` in ``pyproject.toml``, found from ``start`` upwards, or the file
        ``config``): key, map, language, policy, rules; ``overrides`` win.

        Raises:
            InputError: a configuration or key that cannot be used.

        >>> anon = Anonymizer.from_config("path/to/dataset-repo")  # doctest: +SKIP
        """
        from .config import load_config
        conf = load_config(None if start is None else Path(start), None if config is None else Path(config))
        return cls(settings=Settings.create(conf, **overrides))

    # ------------------------------------------------------------------ the key
    @property
    def key(self) -> bytes:
        """The secret key in use (bytes).

        >>> Anonymizer(key="0123456789abcdef").key
        b'0123456789abcdef'
        """
        return self.settings.key

    @property
    def stable(self) -> bool:
        """False when no key was given and a random one was drawn for this object.

        >>> Anonymizer(key="0123456789abcdef").stable
        True
        """
        return self.settings.stable_key

    # ------------------------------------------------------------------ people across calls
    @contextmanager
    def session(self) -> Iterator["Anonymizer"]:
        """Within the block, the calls are one conversation: the people of its earlier
        anonymising calls (senders, names found) are known people in the later ones, as in
        successive CLI runs sharing one ``--map``.  Outside a session each call knows only
        its own people (and a loaded map's).  Nesting is one session.

        >>> with anon.session():  # doctest: +SKIP
        ...     anon.anonymize_records(batch1, fields=["content"], name_fields=["name"])
        ...     anon.anonymize_texts(["merci rose"])  # Rose, a sender of batch1: replaced
        >>> anon.anonymize_texts(["merci rose"])  # doctest: +SKIP
        ['merci rose']
        """
        if self._session is not None:
            yield self
            return
        self._session = {r: set() for r in _ROLES}
        try:
            yield self
        finally:
            self._session = None

    def _known(self) -> dict[str, frozenset[str]]:
        """The names that are known people in the next call (see the module doc)."""
        if self._session is None:
            return self._loaded
        return {r: self._loaded[r] | self._session[r] for r in _ROLES}

    def _engine(self, settings: Settings | None = None):
        return (settings or self.settings).engine(self.pmap, self._known())

    def _run(self, docs) -> list[Result]:
        """THE run loop on ``docs``, then the map saved (and, in a session, the run's
        people remembered, by their names as the map keys them)."""
        from .pipeline.run import run
        from .textutil import fold
        self.settings.check_map_path()
        # the map file (if any) locked for the run: what other processes saved is merged in
        # first, and the map is saved, sealed, at the end (render/mapfile.py)
        with self.settings.map_session(self.pmap) as session:
            engine = self._engine()
            results = run(engine, docs, self.settings.executor())
            session.save()
        if self._session is not None:
            for p in engine.identities.persons.values():
                for role, name in (("first", p.first), ("last", p.surname)):
                    if name:
                        self._session[role].add(fold(name))
        return results

    # ------------------------------------------------------------------ detection only
    def analyze(self, text: str, language: str | None = None) -> list[Finding]:
        """What would be replaced in a free text, without replacing it.

        Args:
            text: any text (read as one message: no chat structure).
            language: overrides the anonymiser's language for this call.

        Returns:
            :class:`Finding` objects, in text order, offsets into ``text``.  A name NER found
            carries NER's detector and score wherever the text repeats it.  Nothing is
            added to the map.

        Raises:
            InputError: an unsupported language.

        >>> anon.analyze("Appelle Marie Curie au 06 12 34 56 78")  # doctest: +SKIP
        [Finding(start=8, end=19, kind='PERSON', text='Marie Curie', score=0.85, detector='ner',
                 role='full', person='p5c0e…', extra={}),
         Finding(start=23, end=37, kind='PHONE_NUMBER', …, extra={'number': '+33612345678'})]
        """
        from .formats.base import TEXT, Record, Span
        from .language import check_language
        settings = self.settings.but(language=check_language(language)) if language else self.settings
        engine = self._engine(settings)
        state = engine.read_structure(lambda: iter([Record(raw=text, kind=TEXT, bodies=[Span(0, len(text))])]))
        ner: list[_RawFinding] = []
        if settings.ner:
            ner = engine.name_detector(state.lang).find_batch([text])[0]
            engine.register_names([ner])
        return [self._public(f, ner) for f in engine.detect_text(text, ner)]

    def _public(self, f: _RawFinding, ner: list[_RawFinding]) -> Finding:
        detector, score = f.detector, f.score
        person = f.data.get("person")
        if person is not None and person.dynamic and detector == "participant":
            # a mention of a name NER found in this text: report NER's view of it
            same = [g for g in ner if g.data.get("person") is person or (g.start, g.end) == (f.start, f.end)]
            exact = [g for g in same if (g.start, g.end) == (f.start, f.end)]
            if exact or same:
                src = (exact or same)[0]
                detector, score = src.detector, src.score
        extra = {k: self._plain(v) for k, v in f.data.items() if k not in ("person", "role")}
        return Finding(f.start, f.end, f.kind, f.text, score, detector, f.data.get("role"),
                       self._person_id(person) if person is not None else None, extra)

    def _person_id(self, person) -> str:
        """A keyed id of a person: by phone number, else by folded first name and surname."""
        from .textutil import fold
        if person.phone is not None:
            canon = "tel:" + self._plain(person.phone)
        elif person.first or person.surname:
            canon = f"name:{fold(person.first or '')}|{fold(person.surname or '')}"
        else:
            canon = person.key
        return f"p{self.pmap.draw('person-id', canon):064x}"[:13]

    def _plain(self, v: Any) -> Any:
        """A detector's detail as JSON-ready data (no internal object)."""
        import phonenumbers

        from .identities import Person
        if v is None or isinstance(v, (str, int, float, bool)):
            return v
        if isinstance(v, phonenumbers.PhoneNumber):
            return phonenumbers.format_number(v, phonenumbers.PhoneNumberFormat.E164)
        if isinstance(v, Mapping):
            return {str(k): self._plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple, set, frozenset)):
            return [self._plain(x) for x in v]
        if isinstance(v, Person):
            return self._person_id(v)
        return str(v)

    # ------------------------------------------------------------------ documents
    def anonymize_document(self, text: str, format: str | None = None) -> str:
        """An export of any supported format, given as a str, anonymised in the same format.

        Args:
            text: the whole export (WhatsApp, dataset chunk, plain text, Signal, iMessage,
                Telegram/Discord/Slack/Messenger JSON, JSONL, JSON, CSV).
            format: one of :data:`anonymizer.formats.FORMATS`; None detects it.

        Returns:
            The anonymised export, byte for byte the input outside the replaced spans.

        Raises:
            InputError: an unknown format, or a text that does not parse as ``format``.
            VerificationError: the post-scan found a real value left (nothing returned).

        >>> anon.anonymize_document('{"name": "Jean Dupont", "content": "salut jean"}\\n', "jsonl")  # doctest: +SKIP
        '{"name": "Luc Martin", "content": "salut luc"}\\n'
        """
        return self.process(text, format).text

    def anonymize_text(self, text: str, fmt: str | None = None) -> str:
        """The same as :meth:`anonymize_document` (a chat export or a free text; format
        detected unless ``fmt`` is given).  For many short texts use :meth:`anonymize_texts`.

        Raises:
            InputError, VerificationError: as :meth:`anonymize_document`.

        >>> anon.anonymize_text("22/01/2025, 18:43 - Camille: salut jean")  # doctest: +SKIP
        '22/01/2025, 18:43 - Margaux: salut jean'
        """
        return self.anonymize_document(text, fmt)

    def process(self, text: str, fmt: str | None = None, name: str = "input") -> Result:
        """Like :meth:`anonymize_document`, with the details of the run.

        Args:
            text: the export.
            fmt: its format (None: detected), e.g. ``"jsonl"``, ``"whatsapp"``.
            name: a name for messages (errors say ``name: …``).

        Returns:
            A :class:`~anonymizer.pipeline.run.Result`: ``.text`` (the output), ``.format``,
            ``.language``, ``.messages``, ``.counts`` (replacements per kind), ``.replacements``
            ([(record number, Replacement)]).

        Raises:
            InputError, VerificationError: as :meth:`anonymize_document`.

        >>> res = anon.process(chat, fmt="whatsapp")  # doctest: +SKIP
        >>> res.counts["PERSON"], res.language  # doctest: +SKIP
        (12, 'fr')
        """
        return self.process_documents([(name, text, fmt)])[0]

    def process_documents(self, items: Iterable[tuple[str, str, str | None]],
                          fields: Sequence[str] | None = None) -> list[Result]:
        """Several exports in one run: one person, one pseudonym across them, and the
        people of one known in the others.

        Args:
            items: ``[(name, text, format or None)]`` (names must differ).
            fields: dataset text fields to read (JSONL/JSON/CSV; the CLI's ``--field``).

        Returns:
            One :class:`~anonymizer.pipeline.run.Result` a line export; the JSON/CSV exports
            together in one (``.outputs()`` gives each file's text).

        Raises:
            InputError, VerificationError: as :meth:`anonymize_document`.

        >>> res = anon.process_documents([("a.txt", chat_a, None), ("b.txt", chat_b, None)])  # doctest: +SKIP
        """
        from .pipeline.documents import open_documents
        return self._run(open_documents(list(items), fields))

    def anonymize_documents(self, items: Iterable[tuple[str, str, str | None]],
                            fields: Sequence[str] | None = None) -> list[str]:
        """The outputs of :meth:`process_documents`, one text per item, in order.

        Raises:
            InputError, VerificationError: as :meth:`anonymize_document`.

        >>> a, b = anon.anonymize_documents([("a.txt", chat_a, None), ("b.jsonl", rows, "jsonl")])  # doctest: +SKIP
        """
        items = list(items)
        by_name = {name: out for res in self.process_documents(items, fields) for name, out in res.outputs()}
        return [by_name[name] for name, _, _ in items]

    def anonymize_file(self, src: str | os.PathLike, dst: str | os.PathLike,
                       fmt: str | None = None) -> Result:
        """Anonymise the file ``src`` into ``dst`` (written atomically, in ``src``'s encoding
        and format), like ``anonymize SRC DST``: any format, or a folder / ``.zip`` of exports
        (one map for all its files; ``dst`` a folder, or a ``.zip``).

        Returns:
            The run's :class:`~anonymizer.pipeline.run.Result` (a folder: the first
            document's).

        Raises:
            InputError: ``dst`` is ``src``, ``src`` unreadable, not text, over the size
                limit, a truncated JSON export…; nothing is written.
            VerificationError: the post-scan found a real value left; nothing is written.

        >>> anon.anonymize_file("chat.txt", "chat.anon.txt").counts  # doctest: +SKIP
        Counter({'PERSON': 31, 'PHONE_NUMBER': 4, 'URL': 2, 'EMAIL_ADDRESS': 1})
        """
        from .errors import InputError
        from .formats.folder import collection_items, collection_output, is_collection, \
            read_collection, write_collection
        from .pipeline.documents import open_documents
        src_s, dst = str(src), Path(dst)
        if dst.resolve() == Path(src).resolve():
            raise InputError(f"{dst}: refusing to write over the input")
        if is_collection(src_s):
            files = read_collection(src_s)
            items, encodings, dirs, _ = collection_items(files, fmt)
            results = self._run(open_documents(items))
            write_collection(str(dst), collection_output(files, results, encodings, dirs),
                             dst.suffix.lower() == ".zip")
            return results[0]
        dec = read_input(Path(src), lazy=True)   # a UTF-8 input stays bytes (bounded memory)
        docs = open_documents([(src_s, dec, fmt)])
        if docs[0].fmt == "plain":
            check_structured(dec.text, src_s)   # a truncated JSON export is not plain text
        res = self._run(docs)[0]
        atomic_write_bytes(dst, res.encoded(dec.encoding) or encode_text(res.text, dec.encoding))
        return res

    # ------------------------------------------------------------------ lists and tables
    def _values(self, values: list[tuple[str, bool]], name: str) -> list[str]:
        """``[(text, is a name)]`` -> the new texts, in one run (one record each)."""
        from .pipeline.documents import ValuesDocument
        if not any(v.strip() for v, _ in values):
            return [v for v, _ in values]
        doc = ValuesDocument(name, values)
        self._run([doc])
        return doc.outputs

    def anonymize_texts(self, texts: Iterable[str]) -> list[str]:
        """Many free texts (messages, dataset rows) in one run: each text one message, the
        same person the same pseudonym across the list, the names found in one text known
        in the others.  Much faster than one :meth:`anonymize_text` call per text.

        Args:
            texts: strs (a text is not parsed as a chat export).

        Returns:
            The anonymised texts, in order (blank texts unchanged).

        Raises:
            TypeError: an item is not a str.
            VerificationError: the post-scan found a real value left.

        >>> anon.anonymize_texts(["Salut Jean Dupont !", "Jean, rappelle-moi au 06 12 34 56 78"])  # doctest: +SKIP
        ['Salut Noël Poirier !', 'Noël, rappelle-moi au 06 39 98 43 98']
        """
        texts = list(texts)
        for t in texts:
            if not isinstance(t, str):
                raise TypeError(f"anonymize_texts takes strs, not {type(t).__name__}")
        return self._values([(t, False) for t in texts], "texts")

    def anonymize_records(self, records: Iterable[Mapping[str, Any]],
                          fields: Sequence[str] | None = None,
                          name_fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Records (dicts: dataset rows, messages) in one run, returned as new dicts (the
        input is not changed).

        Args:
            records: mappings; values may nest (lists and dicts, as in the chat fine-tuning
                layout ``{"messages": [{"role", "content", "name"}]}``).
            fields: keys (at any depth, any case) whose strings are texts to scan.  None:
                every string except names and the keys the dataset rules keep (ids,
                timestamps, ``role``…: ``rules/json_fields.yaml``).
            name_fields: keys whose strings are participant names (like a chat's senders:
                always replaced, and found in the texts in any case).  None: the dataset
                rules' name keys (``name``, ``author``, ``sender``, ``user``…).

        Returns:
            New dicts, same keys and order; only the chosen strings changed.

        Raises:
            TypeError: a record is not a mapping.
            VerificationError: the post-scan found a real value left.

        >>> anon.anonymize_records([{"name": "Jean Dupont", "content": "salut marie"},
        ...                         {"name": "Marie", "content": "coucou jean"}],
        ...                        fields=["content"], name_fields=["name"])  # doctest: +SKIP
        [{'name': 'Luc Martin', 'content': 'salut zoé'}, {'name': 'Zoé', 'content': 'coucou luc'}]
        """
        records = list(records)
        for r in records:
            if not isinstance(r, Mapping):
                raise TypeError(f"anonymize_records takes mappings, not {type(r).__name__}")
        pick = _picker(fields, name_fields)
        values: list[tuple[str, bool]] = []

        def take(v: str, is_name: bool) -> str:
            values.append((v, is_name))
            return v
        for r in records:
            _walk(r, None, pick, take)
        out = iter(self._values(values, "records"))
        return [_walk(r, None, pick, lambda v, is_name: next(out)) for r in records]

    def hf_map(self, fields: Sequence[str] | None = None,
               name_fields: Sequence[str] | None = None) -> Callable[[Mapping[str, list]], dict[str, list]]:
        """A function for Hugging Face ``datasets.Dataset.map(fn, batched=True)``: it takes a
        batch as a dict of columns and returns the anonymised columns (each batch one
        :meth:`anonymize_records` call; run the ``map`` inside :meth:`session` so that the
        people of earlier batches are known in later ones).

        >>> with anon.session():  # doctest: +SKIP
        ...     ds = ds.map(anon.hf_map(fields=["content"], name_fields=["name"]), batched=True)
        >>> anon.hf_map(fields=["text"])({"text": ["Appelle Jean Dupont"], "id": [7]})  # doctest: +SKIP
        {'text': ['Appelle Luc Martin'], 'id': [7]}
        """
        def anonymize_batch(batch: Mapping[str, list]) -> dict[str, list]:
            keys = list(batch)
            cols = [list(batch[k]) for k in keys]
            rows = [dict(zip(keys, vals)) for vals in zip(*cols)]
            out = self.anonymize_records(rows, fields, name_fields)
            return {k: [r[k] for r in out] for k in keys}
        return anonymize_batch

    def anonymize_series(self, series: Any, names: bool = False) -> Any:
        """A pandas Series of texts (or of names, ``names=True``: each value a participant,
        like a sender column) in one run; a new Series, same index and name (values that
        are not strs — NaN, None — unchanged).  pandas is not a dependency of this package.

        Raises:
            VerificationError: the post-scan found a real value left.

        >>> df["content"] = anon.anonymize_series(df["content"])  # doctest: +SKIP
        """
        vals = series.tolist()
        at = [i for i, v in enumerate(vals) if isinstance(v, str)]
        new = self._values([(vals[i], names) for i in at], "series")
        for i, v in zip(at, new):
            vals[i] = v
        return _like(series, vals)

    def anonymize_dataframe(self, df: Any, columns: Sequence[str] | None = None,
                            name_columns: Sequence[str] | None = None) -> Any:
        """A pandas DataFrame in one run, row after row (a conversation in rows: the
        senders of ``name_columns`` are known in every text of ``columns``); a new
        DataFrame.  ``columns`` / ``name_columns`` as ``fields`` / ``name_fields`` of
        :meth:`anonymize_records` (cells may hold lists and dicts).

        Raises:
            VerificationError: the post-scan found a real value left.

        >>> out = anon.anonymize_dataframe(df, columns=["content"], name_columns=["name"])  # doctest: +SKIP
        """
        keys = list(df.columns)
        cols = [df[k].tolist() for k in keys]
        rows = [dict(zip(keys, vals)) for vals in zip(*cols)]
        new = self.anonymize_records(rows, columns, name_columns)
        out = df.copy()
        for k, old in zip(keys, cols):
            vals = [r[k] for r in new]
            if any(a is not b for a, b in zip(vals, old)):
                out[k] = _like(df[k], vals)
        return out


def _like(series: Any, vals: list) -> Any:
    """A Series like ``series`` (index, name, dtype when it can hold ``vals``) with ``vals``."""
    try:
        return type(series)(vals, index=series.index, name=series.name,
                            dtype=None if str(series.dtype) == "category" else series.dtype)
    except (TypeError, ValueError):
        return type(series)(vals, index=series.index, name=series.name, dtype=object)


def _picker(fields, name_fields) -> Callable[[Any], str | None]:
    """key -> ``"name"`` | ``"text"`` | None (left as is), see :meth:`Anonymizer.anonymize_records`."""
    from .formats.jsonwalk import role_of
    names = None if name_fields is None else {str(k).lower() for k in name_fields}
    texts = None if fields is None else {str(k).lower() for k in fields}

    def pick(key) -> str | None:
        k = None if key is None else str(key).lower()
        rule = role_of("dataset", k)
        if (rule == "name") if names is None else (k in names):
            return "name"
        if texts is None:
            return None if rule in ("keep", "id") else "text"
        return "text" if k in texts else None
    return pick


def _walk(node, key, pick, fn):
    """``node`` copied (dicts and lists), each str whose key ``pick`` names replaced by
    ``fn(value, is a name)`` (a list's items take the list's key); other values kept."""
    if isinstance(node, Mapping):
        return {k: _walk(v, k, pick, fn) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        items = [_walk(v, key, pick, fn) for v in node]
        return items if isinstance(node, list) else tuple(items)
    if isinstance(node, str):
        role = pick(key)
        if role is not None:
            return fn(node, role == "name")
    return node
