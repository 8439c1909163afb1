"""Phone numbers in any country's shape, whatever the chat's language, plus ``@digits`` mentions.

One definition of "this digit run is a mention of a phone number" serves the detector
(:meth:`PhoneDetector.find`) and the post-scan (:meth:`PhoneDetector.runs`,
:func:`phone_runs`): both walk the same candidate runs and take the same decision on each.

1. **Candidates.**  One regular expression over the normalised text (NBSP, NNBSP, U+2011 and
   bidi marks become plain spaces or hyphens, one character for one, so offsets stay valid)
   finds digit runs: digit groups joined by a space, a dot, a dash or a slash (spaces around
   them allowed), ``(0)``, parentheses around a group, line breaks; an optional ``+`` (or a
   ``00`` prefix), an extension after (``x4587``).  A run may be glued to a word on its left
   (``au0612345678``, ``tel:0612345678``, ``al612345678``).  Runs of fewer than 7 digits are
   never phones.  A run followed by ``:digits`` loses its last group (an hour), one preceded
   by ``digits:`` its first.  Across line breaks, two lines are joined when together they
   make a phone of 9 digits or more in a region's shape (``06 12 34\n56 78``), else each
   line is a run.
2. **Keep-traps**, checked first: a run glued to an identifier (``IMG-20210804-WA0007``,
   ``/path/0612…``, ``#0612…``, ``0612…abc``), a price or a quantity (currency, ``%`` or a unit
   next to it, a decimal comma after it), an IBAN, a card number (groups of four), a date in
   any common layout (``05/03/2024``, ``2024-03-05``, ``5.3.24``, ``20240305``, ranges), a list
   of years, a decimal number or coordinate (``31.7036111``), a version (``10.2.3.4``), a score
   (``6-4 6-3 7-6``), a number with thousands separators (``12 500 000``, unless a phone cue is
   near), and a run that follows an order / invoice / tracking / reference / account / card /
   code / postcode / GPS cue in any language (``Bestellnummer 302-7781245``, ``n° de
   commande``, ``pedido nº``…) within three words, no other number between.  Cue words are
   data (``rules/phone_cues.yaml``); the nearest cue before the run wins, so a phone cue
   ("appelle", "call", "Handy"…) nearer than a keep cue makes the run a phone candidate, and
   a keep cue right before a generic "number" ("card number") still keeps it.
3. **Regions.**  An international run (``+`` or ``00``) is a phone when libphonenumber finds it
   valid (or in a range reserved for fiction, ``rules/phones.yaml``) or possible.  A national
   run is a phone when a region makes it valid (or fiction) in the shape people write there,
   regions in this order: the detector's own (``PhoneDetector(regions)``: the chat language's
   and the participants', preferred), then ``detection_regions`` (``rules/phones.yaml``),
   then, for a run written with a trunk prefix 0 that none of those takes, every other region
   of the metadata.  A region with a trunk prefix needs it written (``0612345678``), except a
   preferred region (``612345678`` in a French chat).  A region without one (ES, PT, IT, US…)
   outside the chat's regions needs 9 digits or more, compact or in regular groups of 2-4
   digits (``612 34 56 78``, ``(415) 555-0123``, ``416/5550130``), or a phone cue.  When
   several regions take a run, the one whose own national format matches the written groups
   wins, then the first in order.  Near a phone cue, a number only POSSIBLE in a region, or
   any run of 7-15 digits, is a phone.  Candidates are prefiltered with the metadata
   (national number pattern and lengths) and every answer is cached by digit string.
4. **Splits.**  A run that is no phone as a whole (and no keep-trap) is retried in parts: at
   spaced slashes and dashes and between long groups (``0612345678 / 0798765432``), then
   without its last one to three groups when it starts like a phone (``+…``, a trunk 0;
   ``06 12 34 56 78 2 fois``).

:meth:`PhoneDetector.runs` returns every candidate run of 7 digits or more with its
decision (:class:`PhoneRun`: ``"phone"`` with the parsed number, or the reason it stays:
``date``, ``price``, ``order``…; ``invalid`` when no region takes it); :meth:`find` returns the
phones as findings.  The post-scan asks :meth:`runs` (or :func:`phone_runs`) of an output text
to apply exactly the same rule.  Formats that give each line of a message its own body span
(WhatsApp) meet a number split over two lines through :meth:`split_phones` /
:meth:`split_replacements` (called by ``Engine.record_replacements``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumber

from ..render.pseudonyms import fiction_ranges
from ..ruleset import load_yaml
from ..textutil import fold
from .base import PHONE, Finding

_NORM = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ",
                       "\u2011": "-", "\u2010": "-", "\u2012": "-", "\u2013": "-",
                       "\u202a": " ", "\u202c": " ", "\u200e": " ", "\u200f": " ",
                       "\u2068": " ", "\u2069": " ", "\t": " "})
_NORM_RX = re.compile("[" + "".join(chr(c) for c in _NORM) + "]")
_DIGITS = re.compile(r"\d")
MENTION_RE = re.compile(r"@\u2068?(\+?\d{7,15})\b")

# one group: digits, maybe in parentheses; one separator: a space, [./-] with spaces around,
# "(0)", or a line break (with spaces around)
_CAND = re.compile(r"(?=[+(\d])(?<![\d+])(?:\+ ?)?(?:\(0\))?\(?\d+\)?(?:(?: ?(?:[./-]|\(0\)) ?| | *\r?\n *)\(?\d+\)?)*")
_GROUP = re.compile(r"\d+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_DATE3 = re.compile(r"(?<!\d)(?:(\d{4})([/.-])(\d{1,2})\2(\d{1,2})|(\d{1,2})([/.-])(\d{1,2})\6(\d{4}|\d{2})"
                    r"|(\d{1,2}) (\d{1,2}) ((?:19|20)\d\d))(?!\d)")
_DATE2 = re.compile(r"(?<!\d)(\d{1,2}) ?/ ?(\d{1,2})(?!\d)")
_SCORE = re.compile(r"\d{1,2}-\d{1,2}(?:(?: |, ?| ?/ ?)\d{1,2}-\d{1,2})+")
_WORDS = re.compile(r"\w+")
_EXT = re.compile(r" ?(?:x|ext\.?|extension|poste|durchwahl|int\.) ?\d{1,6}(?!\w)", re.I)
# left neighbours that make the run part of something else (a URL, a path, a hashtag, a file)
_ID_LEFT = set("/=&?#@_\\%*")
PHONE_DECISION = "phone"
_SOFT = {"phone", "invalid", "long"}  # the decisions a split may still improve


def normalise(text: str) -> str:
    return text.translate(_NORM) if _NORM_RX.search(text) else text


@dataclass(frozen=True)
class PhoneRun:
    """A digit run the detector considered, with its decision.

    ``decision``: ``"phone"`` (then ``number`` is the parsed number and ``how`` says why:
    ``mention``, ``international``, ``national``, ``cue``), or the reason it stays:
    ``identifier``, ``price``, ``percent``, ``count``, ``decimal``, ``iban``, ``card``, ``date``,
    ``year``, ``version``, ``score``, ``number`` (thousands), a keep cue's kind (``order``,
    ``invoice``, ``tracking``, ``reference``, ``account``, ``code``, ``postcode``, ``gps``…),
    ``invalid`` (no region takes it) or ``long``."""
    start: int
    end: int
    text: str
    decision: str
    number: PhoneNumber | None = None
    how: str = ""
    region: str = ""

    @property
    def is_phone(self) -> bool:
        return self.decision == PHONE_DECISION


# ------------------------------------------------------------------ data
@lru_cache(maxsize=1)
def _cue_tables():
    data = load_yaml("phone_cues.yaml")
    kind_of: dict[str, str] = {}
    for lang, words in data["phone"].items():
        if lang in ("after", "generic"):
            continue
        for w in words:
            kind_of.setdefault(fold(str(w)), "phone")
    for kind, by_lang in data["keep"].items():
        for words in by_lang.values():
            for w in words:
                kind_of[fold(str(w))] = kind  # a keep cue wins over a phone cue of the same spelling

    def alternation(words):
        return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    before = re.compile(rf"(?<!\w)(?:{alternation(kind_of)})(?!\w)")
    after_phone = {fold(str(w)) for w in data["phone"].get("after", [])}
    generic = frozenset(fold(str(w)) for w in data["phone"].get("generic", []))
    for w in generic:
        kind_of.setdefault(w, "phone")
    after_kind = {fold(str(w)): k for k, ws in data["keep_after"].items() for w in ws}
    after = re.compile(rf" ?({alternation(after_kind)})(?!\w)")
    after_cue = re.compile(rf"(?:[ -]|, ?)?\(?({alternation(after_phone)})(?!\w)")
    before_kind = {fold(str(w)): k for k, ws in data["keep_before"].items() for w in ws}
    price_before = re.compile(rf"(?<![\w$])(?:{alternation(before_kind)}) ?$")
    return (kind_of, before, after_kind, after, after_cue, price_before, int(data.get("window", 48)),
            generic)


@lru_cache(maxsize=1)
def detection_regions() -> tuple[str, ...]:
    return tuple((load_yaml("phones.yaml") or {}).get("detection_regions", []))


@dataclass(frozen=True)
class _Meta:
    region: str
    cc: int
    trunk: str  # national (trunk) prefix, "" when none
    bare_ok: bool  # numbers are written without a trunk prefix (none, or optional: NANP)
    lengths: frozenset
    pattern: re.Pattern
    fiction: tuple  # (prefix, length) of ranges reserved for fiction


@lru_cache(maxsize=None)
def _meta(region: str) -> _Meta | None:
    md = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if md is None or md.general_desc is None or not md.general_desc.national_number_pattern:
        return None
    trunk = md.national_prefix or ""
    optional = any(f.national_prefix_optional_when_formatting for f in md.number_format)
    fic = tuple((str(r["prefix"]), int(r.get("length", 0))) for r in fiction_ranges().get(region, []))
    return _Meta(region, md.country_code, trunk, not trunk or optional,
                 frozenset(md.general_desc.possible_length or ()),
                 re.compile(md.general_desc.national_number_pattern), fic)


@lru_cache(maxsize=1)
def _other_regions() -> tuple[str, ...]:
    """Regions outside the detection set with a trunk prefix 0 (for runs written with it)."""
    out = []
    for r in sorted(phonenumbers.SUPPORTED_REGIONS):
        m = _meta(r)
        if m is not None and m.trunk == "0" and r not in detection_regions():
            out.append(r)
    return tuple(out)


def _fiction(meta: _Meta, nsn: str) -> bool:
    return any(len(nsn) == n and nsn.startswith(p) for p, n in meta.fiction)


def _valid_in(digits: str, meta: _Meta, trunk_form: bool) -> PhoneNumber | None:
    """``digits`` (national, as written) parsed in the region when valid there (or fiction)."""
    nsn = digits[len(meta.trunk):] if trunk_form else digits
    if meta.lengths and len(nsn) not in meta.lengths:
        return None
    fic = _fiction(meta, nsn)
    if not fic and not meta.pattern.fullmatch(nsn):
        return None
    try:
        num = phonenumbers.parse(digits, meta.region)
    except phonenumbers.NumberParseException:
        return None
    if fic or phonenumbers.is_valid_number(num):
        return num
    if _fiction(meta, phonenumbers.national_significant_number(num)):
        return num
    return None


def _ends(sizes) -> set[int]:
    """Group boundaries counted from the end of the number (a written trunk prefix or
    country code in front does not shift them)."""
    out, acc = set(), 0
    for x in reversed(sizes[1:]):
        acc += x
        out.add(acc)
    return out


def _grouping(num: PhoneNumber, sizes: tuple[int, ...]) -> int:
    """How well the written groups fit the region: 2 its own national format (or no
    groups), 1 regular groups of 2-4 digits, 0 other groups, -1 a lone digit at the end
    ("06 12 34 56 78 2": another number follows)."""
    if len(sizes) == 1:
        return 2
    fmt = [len(g) for g in _GROUP.findall(phonenumbers.format_number(
        num, phonenumbers.PhoneNumberFormat.NATIONAL))]
    if _ends(sizes) <= _ends(fmt) | {sum(fmt)}:
        return 2
    rest = sizes[1:]
    if min(rest) >= 2 and max(rest) <= 4:
        return 1
    return 0 if sizes[-1] >= 2 else -1


@lru_cache(maxsize=1 << 15)
def _international(digits: str) -> tuple[PhoneNumber | None, bool]:
    """(number, valid or fiction) of ``+digits``; number None when not even possible."""
    try:
        num = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None, False
    if phonenumbers.is_valid_number(num):
        return num, True
    region = phonenumbers.region_code_for_number(num)
    meta = _meta(region) if region else None
    if meta is not None and _fiction(meta, phonenumbers.national_significant_number(num)):
        return num, True
    return (num if phonenumbers.is_possible_number(num) else None), False


# ------------------------------------------------------------------ shapes
def _is_date(text: str, ndigits: int) -> bool:
    covered = 0
    for m in _DATE3.finditer(text):
        g = m.groups()
        sep = g[1] or g[5] or " "
        a, b = m.span()
        if (a > 1 and text[a - 1] == sep and text[a - 2].isdigit()) or \
                (b + 1 < len(text) and text[b] == sep and text[b + 1].isdigit()):
            continue  # part of a longer run with the same separator: "745.05.14.45"
        if g[0]:
            y, mo, d = int(g[0]), int(g[2]), int(g[3])
            ok = 1 <= mo <= 12 and 1 <= d <= 31 and 1800 <= y <= 2199
        elif g[4]:
            a, b = int(g[4]), int(g[6])
            ok = (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)
        else:
            a, b = int(g[8]), int(g[9])
            ok = 1 <= a <= 31 and 1 <= b <= 12
        if ok:
            covered += sum(c.isdigit() for c in m.group())
    if ndigits - covered < 4:
        return True
    for m in _DATE2.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31):
            covered += sum(c.isdigit() for c in m.group())
    return ndigits - covered < 4


def _compact_date(d: str) -> bool:
    if len(d) != 8:
        return False
    y, m, dd = int(d[:4]), int(d[4:6]), int(d[6:])
    if 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= dd <= 31:
        return True
    dd, m, y = int(d[:2]), int(d[2:4]), int(d[4:])
    return 1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= dd <= 31


def _luhn(d: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(d)):
        n = int(c) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _shape_trap(groups: list[str], seps: list[str], text: str, digits: str) -> str | None:
    """The keep reason a national run's shape gives, if any."""
    n = len(groups)
    if n >= 2 and all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
        return "year"
    if n >= 3 and all(len(g) == 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4 \
            and groups[0][0] != "0":
        return "card"
    if n == 1 and 13 <= len(digits) <= 19 and digits[0] != "0" and _luhn(digits):
        return "card"
    if _compact_date(digits) and n == 1:
        return "date"
    if _is_date(text, len(digits)):
        return "date"
    for i in range(n - 1):
        if seps[i].strip() in (".", ",") and 1 <= len(groups[i]) <= 3 and len(groups[i + 1]) >= 4 \
                and (groups[i][0] != "0" or groups[i] == "0") \
                and (i == 0 or seps[i - 1].strip() != ".") and (i + 2 >= n or seps[i + 1].strip() != "."):
            return "decimal"
    if n >= 3 and all(s.strip() == "." for s in seps) and groups[0][0] != "0" \
            and any(len(g) == 1 for g in groups):
        return "version"
    if _SCORE.fullmatch(text):
        return "score"
    if n >= 3 and 1 <= len(groups[0]) <= 2 and groups[0][0] != "0" and len(set(seps)) == 1 \
            and seps[0] in (" ", ".") and all(len(g) == 3 for g in groups[1:]):
        return "number"
    return None


# ------------------------------------------------------------------ the detector
class PhoneDetector:
    """Phone numbers of any country; ``regions``: the chat's regions, preferred in that order
    (the language's, then the participants' numbers')."""

    def __init__(self, regions: list[str] | tuple[str, ...] = ("FR",)):
        self.regions = tuple(dict.fromkeys(r for r in regions if r))
        self._preferred = tuple(r for r in self.regions if _meta(r) is not None)
        self._broad = self._preferred + tuple(r for r in detection_regions() if r not in self.regions)
        self._memo: dict[str, tuple[PhoneRun, ...]] = {}
        self._national_memo: dict[tuple, tuple] = {}

    # -------------------------------------------------------------- regions
    def _national(self, digits: str, sizes: tuple[int, ...], cue: bool, slash: bool = False
                  ) -> tuple[PhoneNumber | None, str, str]:
        """(number, region, how) of a national digit run written in groups of ``sizes``
        digits (``slash``: as area code / number), or (None, "", "")."""
        key = (digits, sizes, cue, slash)
        hit = self._national_memo.get(key)
        if hit is None:
            if len(self._national_memo) >= 50_000:
                self._national_memo.clear()
            hit = self._national_memo[key] = self._national_of(digits, sizes, cue, slash)
        return hit

    def _national_of(self, digits: str, sizes: tuple[int, ...], cue: bool, slash: bool):
        preferred = self._preferred
        grouped = len(sizes) > 1
        # 1. a region where the run is written the way people write there and valid; the
        # best grouping wins (the region's own format, then a regular one), the chat's
        # regions first at equal grouping
        seen = []  # (quality, tier, number, region)
        regular = (1 <= sizes[0] <= 4 and all(2 <= x <= 4 for x in sizes[1:])  # "612 34 56 78"
                   or (slash and 2 <= sizes[0] <= 4))  # "416/5550130"
        others = _other_regions() if digits[0] == "0" else ()
        for tiers in (((0, preferred), (1, self._broad[len(preferred):])), ((2, others),)):
            for tier, regions in tiers:
                for r in regions:
                    m = _meta(r)
                    num = None
                    if m.trunk and digits.startswith(m.trunk) and (m.trunk == "0" or grouped or tier == 0):
                        num = _valid_in(digits, m, True)
                    # no trunk prefix to tell: the chat's regions, else 9 digits or a phone cue
                    if num is None and tier < 2 and m.bare_ok and (tier == 0 or cue or (
                            len(digits) >= 9 and (not grouped or regular))):
                        num = _valid_in(digits, m, False)
                    if num is None:
                        continue
                    q = _grouping(num, sizes)
                    if q == 2:
                        return num, r, "national"
                    seen.append((q, tier, num, r))
            for q, tier, num, r in seen:
                if tier == 0 and q >= 0:
                    return num, r, "national"
            for q, tier, num, r in seen:
                if q == 1:
                    return num, r, "national"
            for q, tier, num, r in seen:
                if q == 0 and tier < 2 and len(digits) >= 10 and digits[0] == "0":
                    return num, r, "national"  # "030 23125 473": uneven groups, 10+ digits, a trunk 0
        # 2. a preferred region's number written without its trunk prefix ("612345678")
        for r in preferred:
            m = _meta(r)
            if m.trunk and not m.bare_ok:
                num = _valid_in(digits, m, False)
                if num is not None:
                    return num, r, "bare"
        if not cue:
            return None, "", ""
        # 3. near a phone cue: possible in a region, else any 7-15 digits
        for r in self._broad:
            try:
                num = phonenumbers.parse(digits, r)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_possible_number(num):
                return num, r, "cue"
        if len(digits) <= 15:
            r = preferred[0] if preferred else "US"
            try:
                return phonenumbers.parse(digits, r), r, "cue"
            except phonenumbers.NumberParseException:
                cc = phonenumbers.country_code_for_region(r) or 1
                return PhoneNumber(country_code=cc, national_number=int(digits[-15:])), r, "cue"
        return None, "", ""

    def parse_label(self, label: str) -> PhoneNumber | None:
        """A sender label that is a phone number (``+33 6 12 34 56 78``)."""
        t = normalise(label).strip()
        if len(_DIGITS.findall(t)) < 6 or re.search(r"[^\d +\-.()]", t):
            return None
        digits = "".join(_DIGITS.findall(t.replace("(0)", "")))
        if not t.startswith("+") and not t.startswith("00"):
            sizes = tuple(len(g) for g in _GROUP.findall(t.replace("(0)", "")))
            num = self._national(digits, sizes, False)[0]
            if num is not None:
                return num
        lenient = None
        for region in self.regions or ("ZZ",):
            try:
                num = phonenumbers.parse(t, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_possible_number(num):
                return num
            lenient = lenient or num
        # a label made only of a number is one by construction (WhatsApp shows someone not
        # in the contacts as their number), even one no numbering plan knows: "+123 45 6789"
        return lenient if len(digits) >= 7 else None

    def split_phones(self, texts: list[str]) -> list[tuple[int, int, int, PhoneRun]]:
        """Phones written over two consecutive lines of one message (``texts``: its body
        lines, as separate spans): ``(i, start in texts[i], end in texts[i + 1], run)``, the
        run's offsets being those of ``texts[i] + "\\n" + texts[i + 1]``."""
        out = []
        for i in range(len(texts) - 1):
            a, b = texts[i].rstrip(" "), texts[i + 1].lstrip(" ")
            if not (a[-1:].isdigit() or a[-1:] == ")") or not (b[:1].isdigit() or b[:1] == "("):
                continue
            joined = texts[i] + "\n" + texts[i + 1]
            cut = len(texts[i])
            for run in self.runs(joined):
                if run.is_phone and run.start < cut < run.end:
                    out.append((i, run.start, run.end - cut - 1, run))
        return out

    def split_replacements(self, record, render) -> list:
        """Replacements (``formats.base.Replacement``) for the phones written over two
        consecutive body lines of ``record`` ("06 39 98" / "12 35"), one per line; ``render``
        is the engine's ``render_finding(finding, text)``."""
        from ..formats.base import Replacement
        bodies = record.bodies
        texts = [sp.text(record.raw) for sp in bodies]
        out = []
        for i, start, end, run in self.split_phones(texts):
            f = Finding(run.start, run.end, PHONE, run.text, 0.8, "phone", {"number": run.number})
            new = render(f, run.text)
            if new is None or new == run.text:
                continue
            k = len(texts[i]) - run.start  # where the line break is, in run.text
            first, second = (new[:k], new[k + 1:]) if new[k:k + 1] == "\n" else (new, "")
            sa, sb = bodies[i], bodies[i + 1]
            out.append(Replacement(sa.start + start, sa.end, first, PHONE, "phone", 0.8, run.text[:k]))
            out.append(Replacement(sb.start, sb.start + end, second, PHONE, "phone", 0.8, run.text[k + 1:]))
        return out

    # -------------------------------------------------------------- runs
    def find(self, text: str) -> list[Finding]:
        """The phones of ``text`` (memoised on the text; every call gets its own Findings)."""
        out = []
        for r in self.runs(text):
            if r.is_phone:
                det, score = ("mention", 0.95) if r.how == "mention" else (
                    "phone", 0.9 if r.how in ("national", "international") else 0.6)
                out.append(Finding(r.start, r.end, PHONE, r.text, score, det, {"number": r.number}))
        return out

    def runs(self, text: str) -> tuple[PhoneRun, ...]:
        """Every digit run of 7 digits or more that could be a phone, with its decision, in
        text order (see the module docstring).  Memoised on the text."""
        if len(_DIGITS.findall(text)) < 7:
            return ()
        memo = self._memo
        hit = memo.get(text)
        if hit is None:
            if len(memo) >= 20000:
                memo.clear()  # bounded memory
            hit = memo[text] = tuple(self._runs(text))
        return hit

    def _runs(self, text: str) -> list[PhoneRun]:
        norm = normalise(text)
        out: list[PhoneRun] = []
        taken: list[tuple[int, int]] = []
        for m in MENTION_RE.finditer(text):
            digits = m.group(1).lstrip("+")
            num, valid = _international(digits)
            # "@" + 10-15 digits is how WhatsApp writes a mention of a non-contact: take it
            # when libphonenumber finds it possible, even if its metadata calls it invalid
            if num is not None and (valid or len(digits) >= 10):
                s, e = m.span(1)
                out.append(PhoneRun(s, e, text[s:e], PHONE_DECISION, num, "mention",
                                    phonenumbers.region_code_for_number(num) or ""))
                taken.append((s, e))
        ctx = _Context(text, norm)
        for m in _CAND.finditer(norm):
            if taken and any(a < m.end() and m.start() < b for a, b in taken):
                continue
            out.extend(self._candidate(norm, m.start(), m.group(), ctx))
        if taken:
            out.sort(key=lambda r: r.start)
        return out

    def _candidate(self, norm: str, start: int, cand: str, ctx: "_Context") -> list[PhoneRun]:
        # groups: (start, end) in norm of each digit group; seps: the text between two groups
        spans = [(start + g.start(), start + g.end()) for g in _GROUP.finditer(cand)]
        # "(0)" is a separator, never a group ("+44 (0)20 …"); a leading "(0)" is a trunk 0
        # ("(0)30 …"): kept as a group
        spans = [sp for i, sp in enumerate(spans)
                 if not (i and norm[sp[0] - 1:sp[1] + 1] == "(0)")]
        plus = cand.startswith("+")
        first = spans[0]
        # an hour and its minutes around the run: "12/03/2024 18:30", "18:30 06 12 34 56 78"
        end = start + len(cand)
        if end < len(norm) - 1 and norm[end] == ":" and norm[end + 1].isdigit():
            spans = spans[:-1]
        if start > 1 and norm[start - 1] == ":" and norm[start - 2].isdigit():
            spans = spans[1:]
        if sum(b - a for a, b in spans) < 7:
            return []
        plus = plus and spans[0] == first
        # lines: a run split over line breaks; two lines joined when they make a phone
        lines: list[list[tuple[int, int]]] = [[spans[0]]]
        for prev, sp in zip(spans, spans[1:]):
            if "\n" in norm[prev[1]:sp[0]]:
                lines.append([sp])
            else:
                lines[-1].append(sp)
        lead_plus = plus
        if len(lines) == 1:
            return self._line(norm, lines[0], ctx, lead_plus)
        out: list[PhoneRun] = []
        i = 0
        while i < len(lines):
            if i + 1 < len(lines):
                joined = self._decide(norm, lines[i] + lines[i + 1], ctx, lead_plus and i == 0)
                if joined is not None and joined.is_phone and joined.how != "cue" and \
                        sum(b - a for a, b in lines[i] + lines[i + 1]) >= 9:
                    out.append(joined)
                    i += 2
                    continue
            out.extend(self._line(norm, lines[i], ctx, lead_plus and i == 0))
            i += 1
        return out

    def _line(self, norm, spans, ctx, plus) -> list[PhoneRun]:
        whole = self._decide(norm, spans, ctx, plus)
        if whole is None or whole.decision not in _SOFT or (whole.is_phone and whole.how != "cue"):
            return [whole] if whole is not None else []

        def better(found):  # a phone of a region's shape, or any phone where there was none
            return any(f.is_phone and (f.how != "cue" or not whole.is_phone) for f in found)
        # several numbers side by side: "0612345678 / 0798765432", "0612345678 0798765432"
        parts, cur = [], [spans[0]]
        for prev, sp in zip(spans, spans[1:]):
            sep = norm[prev[1]:sp[0]]
            if (sep.strip() in ("/", "-") and sep != sep.strip()) or len(sep) > 2 or \
                    (prev[1] - prev[0] >= 7 and sp[1] - sp[0] >= 7):
                parts.append(cur)
                cur = [sp]
            else:
                cur.append(sp)
        parts.append(cur)
        if len(parts) > 1:
            found = [r for i, p in enumerate(parts) for r in self._line(norm, p, ctx, plus and i == 0)]
            if better(found):
                return found
        # a phone followed by more digits ("06 12 34 56 78 2 fois", "+33 6 12 34 56 78 42")
        n = len(spans)
        if plus or norm[spans[0][0]] == "0":
            for k in range(1, min(3, n - 1) + 1):
                sub = self._decide(norm, spans[:n - k], ctx, plus)
                if sub is not None and better([sub]):
                    return [sub] + self._line(norm, spans[n - k:], ctx, False)
        return [whole]

    def _decide(self, norm: str, spans: list[tuple[int, int]], ctx: "_Context", plus: bool
                ) -> PhoneRun | None:
        groups = [norm[a:b] for a, b in spans]
        digits = "".join(groups)
        if len(digits) < 7:
            return None
        s, e = spans[0][0], spans[-1][1]
        if plus:
            s = norm.rindex("+", 0, s + 1)
        elif s > 0 and norm[s - 1] == "(" and norm[spans[0][1]:spans[0][1] + 1] == ")":
            s -= 1  # "(415) 555-0132", "(0)30 …"
        if e < len(norm) and norm[e] == ")" and norm.count("(", s, e) > norm.count(")", s, e):
            e += 1
        seps = [norm[a[1]:b[0]] for a, b in zip(spans, spans[1:])]
        text = norm[s:e]

        def run(decision, number=None, how="", region=""):
            return PhoneRun(s, e, ctx.text[s:e], decision, number, how, region)

        intl = plus or digits.startswith("00")
        # identifiers and prices, from the neighbours
        left = norm[s - 1] if s > 0 else " "
        glued = False
        if left in _ID_LEFT or left.isdigit():
            return run("identifier")
        if left in ".-" and s > 1 and norm[s - 2].isalnum():
            if left == "-" or norm[s - 2].isdigit():
                return run("identifier")
        if left.isalpha() or (left in ".:" and s > 1 and norm[s - 2].isalpha()):
            w0 = s - 1 if left.isalpha() else s - 2
            while w0 > 0 and (norm[w0 - 1].isalnum() or norm[w0 - 1] == "_"):
                w0 -= 1
            word = norm[w0:s].rstrip(".:")
            if not word.isalpha():
                return run("identifier")  # a3f50612345678, WA0007, user_0612345678
            if fold(word) in ("v", "ver", "version", "build"):
                return run("version")
            glued = left.isalpha()
        ext = _EXT.match(norm, e)  # "345-899-3560x4587": the extension is part of it
        if ext:
            e = ext.end()
        right = norm[e] if e < len(norm) else " "
        if right.isalnum() or right in "@_" or (right == "-" and norm[e + 1:e + 2].isalpha()
                                                 and ctx.cue(e, e) != "phone"):
            return run("identifier")  # "IMG-20210804-WA0007", but "07700 063 966-Fax"
        if right in ",." and (re.match(r"[,.]\d{1,2}(?!\d)", norm[e:e + 4]) or
                              (norm[e + 1:e + 2].isdigit() and len(groups[-1]) <= 3)):
            return run("decimal")  # "3133743,50 €", "1 234,56"
        reason = ctx.after(e) or ctx.price_before(s)
        if reason:
            return run(reason)
        if ctx.iban_overlaps(s, e):
            return run("iban")
        cue = None
        if not intl:
            reason = _shape_trap(groups, seps, text, digits)
            if reason == "number":  # "78 651 450": a phone after a phone cue
                cue = ctx.cue(s, e)
                reason = None if cue == "phone" else reason
            if reason:
                return run(reason)
        cue = cue or ctx.cue(s, e)
        if cue not in (None, "phone"):
            return run(cue)
        phone_cue = cue == "phone"
        if intl:
            body = digits[2:] if digits.startswith("00") and not plus else digits
            num, valid = _international(body)
            if num is not None:
                return run(PHONE_DECISION, num, "international", phonenumbers.region_code_for_number(num) or "")
            if phone_cue and len(body) <= 15:
                try:
                    return run(PHONE_DECISION, phonenumbers.parse("+" + body, None), "cue")
                except phonenumbers.NumberParseException:
                    pass
            return run("invalid")
        if len(digits) > 15:
            return run("long")
        sizes = [len(g) for g in groups]
        if groups[0] == "0" and norm[s:s + 3] == "(0)" and len(sizes) > 1:
            sizes[:2] = [1 + sizes[1]]  # "(0)30 23125123"
        num, region, how = self._national(digits, tuple(sizes), phone_cue,
                                          len(seps) == 1 and seps[0].strip() == "/")
        if num is None or (glued and how == "bare" and not phone_cue):
            return run("invalid")  # glued to a word: only in a shape the region writes
        return run(PHONE_DECISION, num, "national" if how == "bare" else how, region)


class _Context:
    """Lazily computed facts about one normalised text (IBANs, cue positions)."""

    def __init__(self, text: str, norm: str):
        self.text = text
        self.norm = norm
        self._ibans = None
        self._folded = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.norm)
        return self._folded

    def iban_overlaps(self, s: int, e: int) -> bool:
        if self._ibans is None:
            self._ibans = [m.span() for m in _IBAN.finditer(self.norm)] if any(
                c.isupper() for c in self.norm) else []
        return any(a < e and s < b for a, b in self._ibans)

    def cue(self, s: int, e: int) -> str | None:
        """"phone", a keep reason, or None: the nearest cue before the run, or a phone cue
        right after it.  A keep cue counts only a few words before the run."""
        kind_of, before, _, _, after_cue, _, window, generic = _cue_tables()
        w0 = max(0, s - window)
        win = self.folded[w0:s]
        found = list(before.finditer(win))  # leftmost-longest, so no two overlap
        if found:
            best = found[-1]
            kind = kind_of[best.group()]
            if kind == "phone" and best.group() in generic and len(found) > 1:
                prev = found[-2]  # "card number", "license number is"
                if kind_of[prev.group()] != "phone" and len(_WORDS.findall(win[prev.end():best.start()])) <= 2:
                    best, kind = prev, kind_of[prev.group()]
            if kind == "phone":
                return "phone"
            gap = win[best.end():]
            # a few words at most, no other number, no end of clause between cue and run
            if len(_WORDS.findall(gap)) <= 3 and not any(c in gap for c in "!?\n,;0123456789"):
                return kind
        if after_cue.match(self.folded, e):
            return "phone"
        return None

    def after(self, e: int) -> str | None:
        _, _, after_kind, after, *_ = _cue_tables()
        m = after.match(self.folded, e)
        return after_kind[m.group(1)] if m else None

    def price_before(self, s: int) -> str | None:
        price_before = _cue_tables()[5]
        return "price" if price_before.search(self.folded[max(0, s - 6):s]) else None


@lru_cache(maxsize=16)
def _detector(regions: tuple[str, ...]) -> PhoneDetector:
    return PhoneDetector(regions)


def phone_runs(text: str, regions: tuple[str, ...] | list[str] = ()) -> tuple[PhoneRun, ...]:
    """Every candidate digit run of ``text`` with its decision (see the module docstring),
    for a chat whose regions are ``regions``: the same answer as
    ``PhoneDetector(regions).runs(text)``."""
    return _detector(tuple(regions)).runs(text)
