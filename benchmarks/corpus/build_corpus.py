"""Build the labelled chat corpora and check where their gold names come from.

    python benchmarks/corpus/build_corpus.py          # rebuild chat.jsonl and hard/hard.jsonl
    python benchmarks/corpus/build_corpus.py --check  # also the source / coverage checks below

Two corpora:

1. ``messages.txt`` -> ``chat.jsonl`` (the small first corpus: one message a line,
   ``LANG<TAB>text`` with gold spans marked ``[[value|K]]``, K = P/T/E/U).
2. ``hard/{fr,en,de,es,it,pt}.txt`` -> ``hard/hard.jsonl``: the hard corpus, written as people
   chat, grouped in small conversations.  Format of a ``hard/*.txt`` file (language = file name)::

       # comment
       == fr-07                         a new chat (id unique in the corpus)
       @ k = Kévin Ben Saïd             a participant: alias = the name the export shows
       k> slt [[clio|name_word]] t'as vu ma vieille [[Clio|keep_word_name]] ?
       c> mon num [[06 39 98 12 34|phone_national_spaces]]\\nou le fixe   (\\n = a newline)

   A mark is ``[[value|category]]`` or ``[[value|category|X]]``.  The kind follows from the
   category: ``keep_*`` -> KEEP (must stay byte for byte), ``phone_*`` -> PHONE_NUMBER,
   ``email`` -> EMAIL_ADDRESS, ``url`` -> URL, anything else -> PERSON.  ``X`` is either a kind
   that overrides it (``[[zelie.carvalhais@example.org|hashtag_handle|EMAIL_ADDRESS]]``: a name
   inside an e-mail) or, for a phone, the ISO country of a national number when it is not the
   chat's own (fr FR, en GB, de DE, es ES, it IT, pt PT); the build writes every phone's
   ``country`` and ``valid`` (libphonenumber's is_valid_number) into hard.jsonl.  Each record of hard.jsonl is
   ``{"text", "lang", "chat", "sender", "participants", "spans": [{"start", "end", "kind",
   "category", "country"?, "valid"?}]}``; participants are gold PERSON spans (category ``sender``)
   wherever an export writes them.

Name-source rule (``--check``): every gold PERSON span (and every participant) is split into
name parts (letters only; camel case, ``.``, ``_``, ``#``, ``@``, hyphens and apostrophes
split; particles like le/de/van/dos and hashtag fillers like team/forza are not names), and
each part is looked up, as written, accent-stripped and with letter runs of 3+ squeezed
(``juuulien`` -> julien/juulien), in

* Faker's person providers fr_FR, en_US, de_DE, es_ES, it_IT, pt_PT (every ``first_names*``
  and ``last_names*`` list), and
* the project's gazetteer ``rules/gazetteer/{first_names,surnames,top_first_names}.txt.gz``
  (one lowercase name a line).

Category ``name_word`` (names that are ordinary words: Rose, Will, Grace, Mercedes...) is by
construction full of common names: its overlaps are reported, never failed.  Participants
(``sender``) fail only on a Faker part that is not also a ``name_word`` name.  Every other PERSON
category must have ZERO part in Faker (the check fails otherwise); gazetteer overlaps are
reported (the gazetteer is names-dataset, which holds nearly every name of the world: a
detector that is good on this corpus is not just reading Faker's lists back).  The check
also fails when a category has fewer than 30 spans, the corpus fewer than 1,500 hard messages
over fr/en/de/es/it/pt, fewer than 13 phone shapes or 6 phone countries, or when spans overlap.

The names were written by hand for this corpus (regional, rare and foreign given names and
surnames chosen to miss Faker's lists; word-like names from everyday vocabulary); no list was
copied from Faker, names-dataset or the project's gazetteer.  Phone numbers: ranges reserved
for fiction (``rules/phones.yaml``: ARCEP FR 01 99 00 / 02 61 91 / 04 65 71 / 06 39 98,
Ofcom GB 07700 900 / 020 7946 0 / 0161 496 0, NANP 555-01xx, BNetzA DE 030 23125 /
0171 39200 / 0152 28817386...), else (ES, IT, PT, BE, CH, NL: no fiction range exists) the
libphonenumber example number of the region with its last digits changed.
"""
from __future__ import annotations

import gzip
import importlib
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
HARD = HERE / "hard"
LANGS = ("fr", "en", "de", "es", "it", "pt")
REGION = {"fr": "FR", "en": "GB", "de": "DE", "es": "ES", "it": "IT", "pt": "PT"}
KINDS = {"P": "PERSON", "T": "PHONE_NUMBER", "E": "EMAIL_ADDRESS", "U": "URL"}
ALL_KINDS = ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "URL", "KEEP")
MARK = re.compile(r"\[\[(.+?)(?:\|([PTEU]))?\]\]")
HARD_MARK = re.compile(r"\[\[(.+?)\|([a-z_0-9]+)(?:\|([A-Z_]+))?\]\]", re.S)
MIN_PER_CATEGORY = 30
MIN_MESSAGES = 1500


def infer_kind(value: str) -> str:
    """Kind of an unlabelled mark: e-mail, URL, phone (mostly digits), else a person."""
    if "@" in value:
        return "E"
    if re.match(r"(?i)(https?://|www\.)", value) or re.search(r"\.[a-z]{2,6}(/|$)", value):
        return "U"
    if sum(c.isdigit() for c in value) >= 6:
        return "T"
    return "P"


# not names: particles of compound surnames, and the words hashtags and handles wrap names in
PARTICLES = {"le", "la", "de", "ben", "van", "von", "del", "y", "der", "den", "da", "das", "do",
             "dos", "di", "du", "des", "della", "dello", "degli", "dal", "mac", "mc", "ter", "ten",
             "zu", "vom", "bin", "ibn", "el", "al", "ait", "st", "saint", "sainte", "san", "santa", "of", "e"}
FILLERS = {"team", "forza", "free", "love", "go", "fan", "club", "official", "real", "the",
           "www", "com", "org", "net", "http", "https", "example", "instagram", "insta", "tiktok",
           "twitter", "linkedin", "in", "facebook", "photos", "profile", "user", "fr", "es", "it",
           "pt", "de", "uk", "at", "ch", "be", "nl", "gmail", "mail", "web", "bday", "birthday", "hbd",
           "anniv", "jr", "sr", "bff", "queen", "king", "x", "xx", "xxx", "pro", "music", "art",
           "studio", "photo", "blog", "fest", "party", "wedding", "news", "official", "tw", "ig",
           "only", "live", "vibes", "crew", "squad", "life", "fc", "auf", "und", "per", "para",
           "pour", "para", "viva", "ciao", "yo", "mr", "mrs", "ms", "dr", "sempre", "siempre",
           "toujours", "immer", "always", "forever", "por", "com", "blogspot", "wordpress", "github",
           "gitlab", "io", "me", "dev", "page", "home", "index", "html", "about", "contact", "team",
           "vote", "support", "justice", "pray", "merci", "grazie", "obrigado", "gracias", "danke",
           "thanks", "happy", "feliz", "joyeux", "buon", "compleanno", "cumple", "parabens",
           "geburtstag", "alles", "gute", "bon", "bonne", "feste", "mariage", "boda", "matrimonio",
           "casamento", "hochzeit", "tour", "cv", "portfolio", "shop", "store", "cakes", "cake",
           "design", "fit", "runs", "run", "cooks", "cook", "travels", "travel", "paints", "sings",
           "zzz", "lol", "ok", "ch", "wa", "ly", "bit", "li", "lnk", "tr", "ee", "t", "co", "org"}


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def name_parts(value: str, kind: str = "PERSON") -> list[str]:
    """The name parts of a gold span: letters only, split on case changes and separators."""
    if kind == "EMAIL_ADDRESS":
        value = value.split("@", 1)[0]
    elif kind == "URL":
        value = re.sub(r"(?i)^(https?://)?(www\.)?[^/]*", "", value)
    value = re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])", " ", value)
    parts = [p.lower() for p in re.split(r"[^\w]|[\d_]", value) if p]
    return [p for p in parts if len(p) >= 2 and p not in PARTICLES and p not in FILLERS]


def forms(part: str) -> set[str]:
    """A part as written, accent-stripped, and with runs of 3+ letters squeezed to 1 and 2."""
    out = {part, fold(part)}
    for f in list(out):
        if re.search(r"(.)\1\1", f):
            out.add(re.sub(r"(.)\1{2,}", r"\1", f))
            out.add(re.sub(r"(.)\1{2,}", r"\1\1", f))
    return out


# ---------------------------------------------------------------------------- parsing
def parse(line: str) -> dict:
    lang, marked = line.split("\t", 1)
    text, spans, pos = [], [], 0
    for m in MARK.finditer(marked):
        text.append(marked[pos:m.start()])
        start = sum(map(len, text))
        text.append(m.group(1))
        spans.append({"start": start, "end": start + len(m.group(1)), "kind": KINDS[m.group(2) or infer_kind(m.group(1))]})
        pos = m.end()
    text.append(marked[pos:])
    return {"text": "".join(text), "lang": lang, "spans": spans}


def kind_of(category: str) -> str:
    if category.startswith("keep_"):
        return "KEEP"
    if category.startswith("phone_"):
        return "PHONE_NUMBER"
    return {"email": "EMAIL_ADDRESS", "url": "URL"}.get(category, "PERSON")


def parse_marked(marked: str, where: str) -> tuple[str, list[dict]]:
    marked = marked.replace("\\n", "\n")
    text, spans, pos = [], [], 0
    for m in HARD_MARK.finditer(marked):
        text.append(marked[pos:m.start()])
        start = sum(map(len, text))
        value, cat, extra = m.group(1), m.group(2), m.group(3)
        text.append(value)
        span = {"start": start, "end": start + len(value), "kind": kind_of(cat), "category": cat}
        if extra in ALL_KINDS:
            span["kind"] = extra
        elif extra:
            if not re.fullmatch(r"[A-Z]{2}", extra):
                raise SystemExit(f"{where}: bad attribute {extra!r} in {m.group()!r}")
            span["country"] = extra
        spans.append(span)
        pos = m.end()
    text.append(marked[pos:])
    out = "".join(text)
    if "[[" in out or "]]" in out:
        raise SystemExit(f"{where}: unparsed mark in {marked!r}")
    return out, spans


def parse_hard(path: Path) -> list[dict]:
    lang = path.stem
    recs, chat, people = [], None, {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{n}"
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("== "):
            chat, people = line[3:].strip(), {}
            continue
        if line.startswith("@ "):
            alias, _, name = line[2:].partition("=")
            people[alias.strip()] = name.strip()
            continue
        m = re.match(r"(\w+)> ?(.*)$", line)
        if not m or chat is None or m.group(1) not in people:
            raise SystemExit(f"{where}: expected '== chat', '@ alias = Name' or 'alias> text': {line!r}")
        text, spans = parse_marked(m.group(2), where)
        recs.append({"text": text, "lang": lang, "chat": chat, "sender": people[m.group(1)],
                     "participants": list(people.values()), "spans": spans})
    return recs


def load_hard() -> list[dict]:
    """Every hard chat; a phone span also says its ``country`` and whether libphonenumber
    takes it as ``valid`` (fiction ranges like FR 06 39 98 or GB 07700 900 are not)."""
    import phonenumbers
    recs = []
    for lang in LANGS:
        f = HARD / f"{lang}.txt"
        if f.is_file():
            recs += parse_hard(f)
    for r in recs:
        for s in r["spans"]:
            if s["kind"] == "PHONE_NUMBER":
                default = "US" if s["category"] == "phone_us_style" else REGION[r["lang"]]
                cc = _country(r["text"][s["start"]:s["end"]], s.get("country") or default)
                if cc:
                    s["country"] = cc[1]
                    s["valid"] = bool(phonenumbers.is_valid_number(cc[0]))
    return recs


# ---------------------------------------------------------------------------- sources
def faker_names() -> set[str]:
    out = set()
    for loc in ("fr_FR", "en_US", "de_DE", "es_ES", "it_IT", "pt_PT"):
        prov = importlib.import_module(f"faker.providers.person.{loc}").Provider
        for attr in dir(prov):
            if attr.startswith(("first_names", "last_names")):
                v = getattr(prov, attr)
                out |= {n.lower() for n in (v.keys() if isinstance(v, dict) else v)}
    return out


def gazetteer_names() -> set[str]:
    out = set()
    for f in ("first_names", "surnames", "top_first_names"):
        with gzip.open(ROOT / "rules" / "gazetteer" / f"{f}.txt.gz", "rt", encoding="utf-8") as fh:
            out |= {ln.strip().lower() for ln in fh if ln.strip()}
    return out


def check_old(recs: list[dict], fk: set[str]) -> int:
    old_particles = {"le", "la", "de", "ben", "van", "von", "del", "y"}
    hits = sorted({w for r in recs for s in r["spans"] if s["kind"] == "PERSON"
                   for w in re.split(r"[ \-']", r["text"][s["start"]:s["end"]].lower()) if w in fk and w not in old_particles})
    print("chat.jsonl: gold name parts found in Faker's lists:", hits or "none")
    return 1 if hits else 0


def check_hard(recs: list[dict], fk: set[str], gz: set[str]) -> int:
    fails = []
    n_lang = Counter(r["lang"] for r in recs)
    chats = {r["chat"] for r in recs}
    print(f"\nhard.jsonl: {len(recs)} messages in {len(chats)} chats: "
          + ", ".join(f"{lang} {n_lang[lang]}" for lang in LANGS))
    if len(recs) < MIN_MESSAGES or any(n_lang[lang] == 0 for lang in LANGS):
        fails.append(f"fewer than {MIN_MESSAGES} messages or a language missing")
    # spans: per category and language; overlaps
    per = defaultdict(Counter)
    kinds = {}
    for r in recs:
        sp = sorted(r["spans"], key=lambda s: s["start"])
        for a, b in zip(sp, sp[1:]):
            if b["start"] < a["end"]:
                fails.append(f"{r['chat']}: overlapping spans in {r['text']!r}")
        for s in sp:
            per[s["category"]][r["lang"]] += 1
            kinds.setdefault(s["category"], set()).add(s["kind"])
    per["sender"] = Counter({lang: sum(len(set(r["participants"])) for r in
                                       {r["chat"]: r for r in recs if r["lang"] == lang}.values())
                             for lang in LANGS})
    # name parts per PERSON category
    parts = defaultdict(set)
    for r in recs:
        for s in r["spans"]:
            cat = s["category"]
            if s["kind"] != "KEEP" and kind_of(cat) == "PERSON":
                parts[cat].update(name_parts(r["text"][s["start"]:s["end"]], s["kind"]))
        for p in r["participants"]:
            parts["sender"].update(name_parts(p))
    word_names = {f for p in parts.get("name_word", ()) for f in forms(p)}
    print(f"\n{'category':<26} {'kind':<14} {'total':>5}  " + " ".join(f"{lang:>4}" for lang in LANGS)
          + "  parts  in Faker  in gazetteer")
    for cat in sorted(per, key=lambda c: (kind_of(c) if c != "sender" else "PERSON", c)):
        cnt = per[cat]
        kind = "/".join(sorted(kinds.get(cat, {"PERSON"})))
        line = f"{cat:<26} {kind:<14} {sum(cnt.values()):>5}  " + " ".join(f"{cnt[lang]:>4}" for lang in LANGS)
        if cat in parts:
            ps = parts[cat]
            in_fk = sorted(p for p in ps if forms(p) & fk)
            in_gz = sorted(p for p in ps if forms(p) & gz)
            line += f"  {len(ps):>5}  {len(in_fk):>8}  {len(in_gz):>12}"
            if cat == "name_word":
                line += "  (word-names: reported, not failed)"
            elif cat == "sender":
                bad = [p for p in in_fk if not forms(p) & word_names]
                if bad:
                    fails.append(f"sender parts in Faker (not word-names): {bad}")
            elif in_fk:
                fails.append(f"{cat}: parts in Faker: {in_fk}")
            print(line)
            if in_fk and cat != "name_word":
                print(f"{'':<28}in Faker: {', '.join(in_fk)}")
        else:
            print(line)
        if cat != "sender" and sum(cnt.values()) < MIN_PER_CATEGORY:
            fails.append(f"{cat}: {sum(cnt.values())} spans (< {MIN_PER_CATEGORY})")
    # phones: shapes, countries, validity, fiction ranges
    import phonenumbers
    shapes = [c for c in per if c.startswith("phone_")]
    countries, valid, fiction, total = Counter(), 0, 0, 0
    ranges = _fiction_ranges()
    for r in recs:
        for s in r["spans"]:
            if s["kind"] != "PHONE_NUMBER":
                continue
            total += 1
            default = "US" if s["category"] == "phone_us_style" else REGION[r["lang"]]
            cc = _country(r["text"][s["start"]:s["end"]], s.get("country") or default)
            if cc is None:
                fails.append(f"{r['chat']}: phone {r['text'][s['start']:s['end']]!r} does not parse")
                continue
            num, region = cc
            countries[region] += 1
            valid += phonenumbers.is_valid_number(num)
            nsn = phonenumbers.national_significant_number(num)
            fiction += any(nsn.startswith(p) and len(nsn) == n for p, n in ranges.get(region, ()))
    print(f"\nphones: {total} in {len(shapes)} shapes, countries "
          + ", ".join(f"{k} {v}" for k, v in countries.most_common())
          + f"; {valid} valid for libphonenumber, {fiction} in a fiction range of rules/phones.yaml")
    if len(shapes) < 13 or len(countries) < 6:
        fails.append(f"{len(shapes)} phone shapes, {len(countries)} countries (need 13 and 6)")
    for f in fails:
        print("FAIL:", f)
    print("hard corpus check:", "FAILED" if fails else "ok")
    return 1 if fails else 0


def _country(value: str, default: str):
    import phonenumbers
    digits = re.sub(r"[^\d+]", "", value.replace("(0)", ""))
    m = re.search(r"(\+|00)?\d[\d]{6,}", digits)
    if not m:
        return None
    d = m.group()
    if d.startswith("00"):
        d = "+" + d[2:]
    try:
        num = phonenumbers.parse(d, None if d.startswith("+") else default)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(num) or phonenumbers.region_code_for_country_code(num.country_code)
    return num, region


def _fiction_ranges() -> dict:
    import yaml
    data = yaml.safe_load((ROOT / "rules" / "phones.yaml").read_text(encoding="utf-8"))
    return {reg: [(str(e["prefix"]), int(e["length"])) for e in lst]
            for reg, lst in (data.get("fiction") or {}).items()}


def main(argv):
    recs = [parse(ln) for ln in (HERE / "messages.txt").read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]
    with open(HERE / "chat.jsonl", "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"chat.jsonl: {len(recs)} messages, {sum(len(r['spans']) for r in recs)} gold spans")
    hard = load_hard()
    with open(HARD / "hard.jsonl", "w", encoding="utf-8") as fh:
        for r in hard:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"hard/hard.jsonl: {len(hard)} messages, {sum(len(r['spans']) for r in hard)} labelled spans")
    if "--check" in argv:
        fk = faker_names()
        rc = check_old(recs, fk)
        rc |= check_hard(hard, fk, gazetteer_names())
        return rc
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
