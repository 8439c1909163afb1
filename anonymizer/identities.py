"""People, and every way a chat writes them.

A person is known by a sender label, a name in a system line or metadata, a contact card,
or a name found in a body.  Their variants — full name, first name alone, surname alone,
lowercase, accents stripped, ``@Name`` — all fold (lowercase, no accents) to the same key,
so they all reach the same pseudonym.  Phone-number identities are keyed by E.164, which
links ``+33 6 12 34 56 78`` as a sender, ``06.12.34.56.78`` in a body and ``@33612345678``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers

from .ruleset import load_yaml
from .textutil import NAME_TOKEN_RE, PARTICLES, fold


@lru_cache(maxsize=1)
def not_name_words() -> frozenset[str]:
    data = load_yaml("names.yaml") or {}
    words = set()
    for w in data.get("label_words_kept", []) or []:
        words.add(fold(w))
    return frozenset(words)


@lru_cache(maxsize=1)
def nicknames() -> dict[str, tuple[str, ...]]:
    """Folded first name -> its nicknames and diminutives (``rules/diminutives.yaml``), 3+ letters."""
    data = load_yaml("diminutives.yaml") or {}
    out: dict[str, list[str]] = {}
    for names, forms in (data.get("names") or {}).items():
        forms = [str(f) for f in forms or () if len(fold(str(f)).replace("-", "")) >= 3]
        for name in str(names).split(","):
            key = fold(name.strip())
            out.setdefault(key, [])
            out[key] += [f for f in forms if fold(f) != key and f not in out[key]]
    return {k: tuple(v) for k, v in out.items() if v}


@dataclass
class Person:
    key: str
    first: str | None = None
    surname: str | None = None
    phone: phonenumbers.PhoneNumber | None = None
    labels: set[str] = field(default_factory=set)
    messages: int = 0
    dynamic: bool = False      # found in a body (NER), not from the chat's structure


def split_name(label: str) -> tuple[str | None, str | None]:
    """'Jean Dupont' -> ('Jean', 'Dupont'); 'Pierre Le Goff' -> ('Pierre', 'Le Goff')."""
    head = label.split("(")[0]
    toks = [m for m in NAME_TOKEN_RE.finditer(head)]
    kept = not_name_words()
    toks = [m for m in toks if fold(m.group()) not in kept and len(m.group()) >= 2
            or (m.group().lower() in PARTICLES and len(m.group()) >= 1)]
    # drop leading particles / kept words
    while toks and toks[0].group().lower() in PARTICLES:
        toks.pop(0)
    if not toks:
        return None, None
    first = toks[0].group()
    if len(toks) == 1:
        return first, None
    s, e = toks[1].start(), toks[-1].end()
    surname = head[s:e]
    # normalise inner spacing of the surname to single spaces between tokens
    surname = " ".join(t.group() for t in toks[1:])
    if surname.lower() in PARTICLES:
        return first, None
    return first, surname


class Identities:
    def __init__(self):
        self.persons: dict[str, Person] = {}
        self.by_phone: dict[str, Person] = {}
        self.version = 0
        self._folded: tuple = (None, frozenset())  # folded_name_tokens' cache
        self._labels_cache = self._roles_cache = self._glued_cache = (None, None)  # same, per version

    def _get(self, key: str) -> Person:
        p = self.persons.get(key)
        if p is None:
            p = Person(key=key)
            self.persons[key] = p
            self.version += 1
        return p

    def add_phone(self, number: phonenumbers.PhoneNumber, label: str | None = None) -> Person:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        p = self.by_phone.get(e164)
        if p is None:
            p = self._get("tel:" + e164)
            p.phone = number
            self.by_phone[e164] = p
        if label:
            p.labels.add(label)
        return p

    def add_name(self, label: str, dynamic: bool = False) -> Person | None:
        first, surname = split_name(label)
        if not first:
            return None
        key = "name:" + fold(first) + ("|" + fold(surname) if surname else "")
        existed = key in self.persons
        p = self._get(key)
        if not existed:
            p.first, p.surname, p.dynamic = first, surname, dynamic
        elif not dynamic:
            p.dynamic = False
        p.labels.add(label)
        return p

    def add_label(self, label: str) -> Person | None:
        """A sender label or a name from the chat's structure.  Every label is a
        participant: one holding a name is that person (:meth:`add_name`); one that holds
        none — a single letter (``A``), only emoji (``🤓``, ``❤️``), a kinship or
        endearment word (``Maman``, ``Boss``: a real person's contact, so a pseudonym is
        safer than keeping it), digits — is a *label-only* person, replaced as a whole
        (:meth:`label_replacements`) and never looked for in message bodies."""
        p = self.add_name(label)
        core = label.strip()
        if p is not None or not core:
            return p
        p = self._get("label:" + fold(core))
        p.labels.add(label)
        return p

    def label_replacements(self, label: str, pmap) -> list[tuple[int, int, str, str]]:
        """The replacement of a label-only person's label (see :meth:`add_label`):
        ``[(start, end, pseudonym, "PERSON")]``, or [] for any other label."""
        core = label.strip()
        if not core or "label:" + fold(core) not in self.persons:
            return []
        s = label.index(core)
        return [(s, s + len(core), pmap.label(core, self.all_labels()), "PERSON")]

    def all_labels(self) -> frozenset[str]:
        """Every label and name token of the chat, folded (a label pseudonym is none of them)."""
        if self._labels_cache[0] != self.version:
            out = set(self.name_tokens())
            for p in self.persons.values():
                out.update(x.strip() for x in p.labels)
            self._labels_cache = (self.version, frozenset(fold(x) for x in out))
        return self._labels_cache[1]

    def token_roles(self) -> dict[str, tuple[str, str]]:
        """Folded name token -> (``first`` | ``last``, the name as the person has it):
        what an e-mail local part or a handle may hold (``jean.dupont``)."""
        if self._roles_cache[0] != self.version:
            out: dict[str, tuple[str, str]] = {}
            for p in self.persons.values():
                if p.first and len(p.first) >= 2:
                    out.setdefault(fold(p.first), ("first", p.first))
                if p.surname:
                    out.setdefault(fold(p.surname).replace(" ", ""), ("last", p.surname))
            self._roles_cache = (self.version, out)
        return self._roles_cache[1]

    def glued_names(self) -> dict[str, list[tuple[str, str]]]:
        """Folded glued forms of full names -> their parts: ``jeandupont``, ``dupontjean``,
        ``jdupont`` -> [(role, name)] with role ``first``, ``last`` or ``initial``."""
        if self._glued_cache[0] != self.version:
            out: dict[str, list[tuple[str, str]]] = {}
            for p in self.persons.values():
                if p.first and p.surname:
                    f, l = fold(p.first), fold(p.surname).replace(" ", "")
                    out.setdefault(f + l, [("first", p.first), ("last", p.surname)])
                    out.setdefault(l + f, [("last", p.surname), ("first", p.first)])
                    out.setdefault(f[:1] + l, [("initial", p.first), ("last", p.surname)])
            self._glued_cache = (self.version, out)
        return self._glued_cache[1]

    def name_tokens(self, dynamic: bool | None = None) -> set[str]:
        """Real name tokens (for keeping pseudonyms disjoint from real names).

        ``dynamic``: None = all people, False = participants only, True = found in bodies only.
        """
        out = set()
        for p in self.persons.values():
            if dynamic is not None and p.dynamic != dynamic:
                continue
            for part in (p.first, p.surname):
                if part:
                    out.add(part)
                    out.update(t for t in part.split() if t.lower() not in PARTICLES)
        return out

    def folded_name_tokens(self) -> frozenset[str]:
        """``name_tokens()`` folded, kept until the people change (``version``)."""
        if self._folded[0] != self.version:
            self._folded = (self.version, frozenset(fold(t) for t in self.name_tokens()))
        return self._folded[1]

    def add_known_token(self, folded: str, role: str) -> Person:
        """A first name or surname known from a saved map (earlier runs, other files)."""
        key = f"map-{role}:{folded}"
        existed = key in self.persons
        p = self._get(key)
        if not existed:
            if role == "first":
                p.first = folded
            else:
                p.surname = folded
        return p

    def variants(self):
        """Yield (variant text, role, person) for every matchable form."""
        for p in self.persons.values():
            if not p.first:
                if p.surname:
                    yield p.surname, "last", p
                continue
            if p.surname:
                yield f"{p.first} {p.surname}", "full", p
                yield p.surname, "last", p
                words = [w for w in p.surname.split() if w.lower() not in PARTICLES]
                if len(words) > 1:
                    for w in words:
                        if len(w) >= 3:
                            yield w, "last", p
            yield p.first, "first", p
            if not p.dynamic:  # a participant's nicknames ("Jibé", "Prunette", "Merceditas")
                for nick in nicknames().get(fold(p.first), ()):
                    yield nick, "nick", p
