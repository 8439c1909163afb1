"""Throughput of the tool against Presidio, in one run, on the same synthetic chats.

    python benchmarks/throughput.py                      # fr+en, 10k and 100k messages
    python benchmarks/throughput.py --sizes 10000,100000,1000000 --jobs 1,2
    python benchmarks/throughput.py --sizes 10000 --slice 1000 --langs fr

For every language and size it writes a WhatsApp export (``benchmarks/chatgen.py``), runs
the real CLI (``anonymize IN OUT --force -q --jobs N``, NER on) as a subprocess and prints
messages/s, MB/s (input bytes) and peak memory (RSS; with worker processes, the sum of
the processes' PSS, so shared pages count once; polled with psutil every 20 ms, every 0.5 s with workers), end to end: start-up and the spaCy model load included.  ``--jobs``
outputs are compared byte for byte with ``--jobs 1``.

On a slice of the same messages (the first ``--slice`` message bodies of the French and
English chats) it measures Presidio's ``AnalyzerEngine.analyze`` one message at a time and
``BatchAnalyzerEngine.analyze_iterator`` (both on fr_core_news_md built offline, with the
e-mail, phone, URL and spaCy recognisers registered for the language; model load not
timed), each in its own subprocess for a clean RSS figure, and the recall of every one of
the three on the slice's inserted identifiers (names one word at a time, phones, e-mails,
URLs; the tool's item counts as caught when it is no longer in its output).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import chatgen  # noqa: E402

KEY = "x" * 64  # a fixed key: outputs comparable across runs
ROOT = Path(__file__).resolve().parent.parent


def _tree_rss(p: psutil.Process) -> int:
    """Memory of the process and its children: the sum of their PSS (shared pages split
    between the processes sharing them: forked workers share the parent's spaCy model), which
    is the RSS for a single process; plain RSS where PSS is not available."""
    procs = [p] + p.children(recursive=True)
    total = 0
    for q in procs:
        try:
            if len(procs) > 1 and hasattr(q, "memory_full_info"):
                total += getattr(q.memory_full_info(), "pss", None) or q.memory_info().rss
            else:
                total += q.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str], env=None) -> tuple[float, int, int, str]:
    """Run ``cmd``; return (seconds, peak RSS bytes of the process tree, exit code, stderr)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, _tree_rss(ps))
            # reading PSS (smaps) is costly: poll a process tree less often than one process
            pause = 0.02 if not ps.children() else 0.5
        except psutil.Error:
            pause = 0.02
        time.sleep(pause)
    out, err = proc.communicate()
    secs = time.perf_counter() - t0
    return secs, peak, proc.returncode, (out + err).decode("utf-8", "replace")


def anonymize_exe() -> list[str]:
    exe = Path(sys.executable).with_name("anonymize")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "anonymizer.ui.cli"]


def _bodies_of(path: Path, k: int) -> list[str]:
    """Message bodies of the first ``k`` messages of an Android export (system lines aside)."""
    out, cur = [], None
    head = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}, \d{1,2}:\d{2}(?: [AP]M)? - ")
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            m = head.match(line)
            if m:
                if cur is not None:
                    out.append(cur)
                    if len(out) >= k:
                        return out
                rest = line[m.end():].rstrip("\n")
                cur = rest.split(": ", 1)[1] if ": " in rest else None
            elif cur is not None:
                cur += "\n" + line.rstrip("\n")
    if cur is not None and len(out) < k:
        out.append(cur)
    return out


def _word_in(value: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text) is not None


def tool_recall(gold, out_bodies) -> float:
    hit = tot = 0
    for (body, items), new in zip(gold, out_bodies):
        for kind, v in items:
            tot += 1
            hit += not _word_in(v, new)
    return hit / tot if tot else 1.0


def spans_recall(gold, results) -> float:
    hit = tot = 0
    for (body, items), res in zip(gold, results):
        for kind, v in items:
            tot += 1
            m = re.search(rf"(?<!\w){re.escape(v)}(?!\w)", body)
            if m is None:
                continue
            s, e = m.span()
            hit += any(a <= s and e <= b for a, b in res)
    return hit / tot if tot else 1.0


# ---------------------------------------------------------------- Presidio (subprocess)
def presidio_child(mode: str, lang: str, slice_path: str) -> None:
    import logging
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (EmailRecognizer, PhoneRecognizer,
                                                          SpacyRecognizer, UrlRecognizer)
    texts = json.loads(Path(slice_path).read_text(encoding="utf-8"))
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "xx", "model_name": "fr_core_news_md"}],
        "ner_model_configuration": {"labels_to_ignore": ["MISC", "LOC", "ORG"]},
    }).create_engine()
    reg = RecognizerRegistry(supported_languages=["xx"])
    regions = ("FR",) if lang == "fr" else ("US", "GB")
    for r in (EmailRecognizer(supported_language="xx"), UrlRecognizer(supported_language="xx"),
              PhoneRecognizer(supported_language="xx", supported_regions=regions),
              SpacyRecognizer(supported_language="xx", supported_entities=["PERSON"])):
        reg.add_recognizer(r)
    analyzer = AnalyzerEngine(nlp_engine=nlp, registry=reg, supported_languages=["xx"])
    analyzer.analyze("warm up", language="xx")
    t0 = time.perf_counter()
    if mode == "per-message":
        res = [analyzer.analyze(t, language="xx") for t in texts]
    else:
        res = list(BatchAnalyzerEngine(analyzer).analyze_iterator(texts, language="xx",
                                                                  batch_size=256))
    secs = time.perf_counter() - t0
    spans = [[(r.start, r.end) for r in rs] for rs in res]
    print(json.dumps({"seconds": secs, "spans": spans}))


def run_presidio(mode: str, lang: str, texts: list[str], tmp: Path):
    sp = tmp / f"slice-{lang}.json"
    sp.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    secs, peak, rc, out = measure([sys.executable, __file__, "--_presidio", mode, lang, str(sp)])
    if rc != 0:
        raise SystemExit(f"presidio {mode} failed: {out[-500:]}")
    # the child's JSON line (warnings on stderr may follow it)
    data = json.loads(next(ln for ln in reversed(out.strip().splitlines()) if ln.startswith('{"seconds"')))
    return data["seconds"], peak, data["spans"]


# ---------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="message counts (comma-separated)")
    ap.add_argument("--langs", default="fr,en")
    ap.add_argument("--jobs", default="1,2", help="--jobs values to run (comma-separated)")
    ap.add_argument("--slice", type=int, default=1000, help="messages for the Presidio baselines")
    ap.add_argument("--no-presidio", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="write the chats and outputs here (kept)")
    ap.add_argument("--_presidio", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a._presidio:
        presidio_child(*a._presidio)
        return 0
    sizes = [int(s) for s in a.sizes.split(",") if s]
    langs = [x for x in a.langs.split(",") if x]
    jobs = [int(j) for j in a.jobs.split(",") if j]
    tmpctx = None
    if a.keep:
        tmp = Path(a.keep)
        tmp.mkdir(parents=True, exist_ok=True)
    else:
        tmpctx = tempfile.TemporaryDirectory(prefix="throughput-")
        tmp = Path(tmpctx.name)
    env = dict(os.environ, ANONYMIZER_KEY=KEY)
    rows = []
    print(f"# machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}", flush=True)
    for lang in langs:
        slice_gold = chatgen.labelled(lang, a.slice) if not a.no_presidio else None
        for n in sizes:
            src = tmp / f"chat-{lang}-{n}.txt"
            size = chatgen.write(src, lang, n)
            first = None
            for j in jobs:
                dst = tmp / f"chat-{lang}-{n}.j{j}.out.txt"
                cmd = anonymize_exe() + [str(src), str(dst), "--force", "-q"]
                if j != 1:
                    cmd += ["--jobs", str(j)]
                secs, peak, rc, out = measure(cmd, env)
                if rc != 0:
                    print(f"  {lang} {n} --jobs {j}: exit {rc}: {out.strip()[-300:]}", flush=True)
                    continue
                data = dst.read_bytes()
                same = ""
                if first is None:
                    first = data
                else:
                    same = "yes" if data == first else "NO"
                recall = ""
                if slice_gold is not None and n >= a.slice and j == jobs[0]:
                    recall = f"{tool_recall(slice_gold, _bodies_of(dst, len(slice_gold))):.3f}"
                rows.append((lang, f"tool --jobs {j}", n, secs, n / secs, size / secs / 1e6,
                             peak, same, recall))
                print(f"  {lang} {n:>8} tool --jobs {j}: {secs:7.1f}s {n / secs:8.0f} msg/s "
                      f"{size / secs / 1e6:6.2f} MB/s peak RSS {peak / 2**20:6.0f} MiB {same}",
                      flush=True)
                dst.unlink() if not a.keep else None
            if not a.keep:
                src.unlink()
        if slice_gold is not None:
            texts = [b for b, _ in slice_gold]
            nbytes = sum(len(t.encode()) + 1 for t in texts)
            for mode in ("per-message", "batch"):
                secs, peak, spans = run_presidio(mode, lang, texts, tmp)
                rec = spans_recall(slice_gold, spans)
                label = ("Presidio analyze (per message)" if mode == "per-message"
                         else "Presidio BatchAnalyzerEngine")
                rows.append((lang, label, len(texts), secs, len(texts) / secs,
                             nbytes / secs / 1e6, peak, "", f"{rec:.3f}"))
                print(f"  {lang} {len(texts):>8} {label}: {secs:7.1f}s "
                      f"{len(texts) / secs:8.0f} msg/s peak RSS {peak / 2**20:6.0f} MiB "
                      f"recall {rec:.3f}", flush=True)
    print()
    print("| lang | engine | messages | seconds | messages/s | MB/s | peak RSS (MiB) "
          "| = --jobs 1 | recall (slice) |")
    print("|---|---|---:|---:|---:|---:|---:|---|---:|")
    for lang, eng, n, secs, mps, mbs, peak, same, rec in rows:
        print(f"| {lang} | {eng} | {n:,} | {secs:.1f} | {mps:,.0f} | {mbs:.2f} | "
              f"{peak / 2**20:,.0f} | {same} | {rec} |")
    for lang in langs:
        base = {eng: mps for l, eng, n, s, mps, *_ in rows if l == lang and "Presidio" in eng}
        tools = [(n, eng, mps) for l, eng, n, s, mps, *_ in rows if l == lang and eng.startswith("tool")]
        for n, eng, mps in tools:
            parts = [f"{mps / v:.1f}x {k.split()[1]}" for k, v in base.items()]
            if parts:
                print(f"{lang} {n:,} {eng}: " + ", ".join(parts))
        j1 = {n: mps for n, eng, mps in tools if eng == "tool --jobs 1"}
        for n, eng, mps in tools:
            if eng != "tool --jobs 1" and n in j1:
                print(f"{lang} {n:,} {eng}: {mps / j1[n]:.2f}x --jobs 1")
    if tmpctx:
        tmpctx.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
