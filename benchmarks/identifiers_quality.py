"""Precision / recall per identifier kind on benchmarks/corpus_identifiers.jsonl (issue 9).

The corpus marks each expected identifier inline: ``[[IBAN_CODE|FR76 …]]``.  Lines without
marks are false-positive traps (prices, order numbers, times, versions, scores).  The engine
runs its cheap detectors (no NER) with every overlap rule, as in a real run; a finding
counts as a hit when it overlaps a gold span of the same kind.  ``exact`` counts hits with
the same boundaries.  Also checks that every fake of a checksummed kind passes the checksum.

    python benchmarks/identifiers_quality.py [--verbose]
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from anonymizer.detect.extra import EXTRA_KINDS  # noqa: E402
from anonymizer.settings import Settings  # noqa: E402

MARK = re.compile(r"\[\[([A-Z_]+)\|(.+?)\]\]")


def parse(line: str):
    text, gold, pos = [], [], 0
    out_len = 0
    for m in MARK.finditer(line):
        text.append(line[pos:m.start()])
        out_len += m.start() - pos
        gold.append((out_len, out_len + len(m.group(2)), m.group(1)))
        text.append(m.group(2))
        out_len += len(m.group(2))
        pos = m.end()
    text.append(line[pos:])
    return "".join(text), gold


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    verbose = "--verbose" in argv or "-v" in argv
    rows = [json.loads(x) for x in (HERE / "corpus_identifiers.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    engines = {}
    tp, fp, fn, exact = Counter(), Counter(), Counter(), Counter()
    checks = Counter()
    held = [0, 0, 0]  # held-out: gold, found, false positives
    from anonymizer.render import fakes
    from anonymizer.detect import national_ids
    for row in rows:
        text, gold = parse(row["text"])
        lang = row.get("lang", "fr")
        if lang not in engines:
            eng = Settings.create(key=b"benchmark-key-0123456789", language=lang, ner=False).engine()
            eng.read_structure(lambda: iter([]))
            engines[lang] = eng
        eng = engines[lang]
        found = [f for f in eng.detect_text(text) if f.kind in EXTRA_KINDS]
        used = set()
        n_fp = sum(fp.values())
        for f in found:
            hit = next((i for i, (s, e, k) in enumerate(gold)
                        if k == f.kind and s < f.end and f.start < e and i not in used), None)
            if hit is None:
                fp[f.kind] += 1
                if verbose:
                    print(f"FP {f.kind:16} {f.text!r:40} in {text!r}")
                continue
            used.add(hit)
            tp[f.kind] += 1
            if (gold[hit][0], gold[hit][1]) == (f.start, f.end):
                exact[f.kind] += 1
            elif verbose:
                print(f"~~ {f.kind:16} {f.text!r:40} gold {text[gold[hit][0]:gold[hit][1]]!r}")
            # the replacement keeps the checksum / national shape
            new = eng.render_finding(f, text)
            if f.kind == "IBAN_CODE":
                checks["IBAN_CODE"] += not fakes.iban_valid(fakes.alnum(new))
            elif f.kind == "CREDIT_CARD":
                checks["CREDIT_CARD"] += not fakes.card_valid("".join(c for c in new if c.isdigit()))
            elif f.kind == "NATIONAL_ID":
                checks["NATIONAL_ID"] += not national_ids.valid_fake(f.data["scheme"], new)
        if row.get("split") == "heldout":
            held[0] += len(gold)
            held[1] += len(used)
            held[2] += sum(fp.values()) - n_fp
        for i, (s, e, k) in enumerate(gold):
            if i not in used:
                fn[k] += 1
                if verbose:
                    print(f"FN {k:16} {text[s:e]!r:40} in {text!r}")
    kinds = [k for k in EXTRA_KINDS if tp[k] + fp[k] + fn[k]]
    print(f"identifier detection on {len(rows)} corpus lines (benchmarks/corpus_identifiers.jsonl)")
    print(f"{'kind':18} {'gold':>5} {'found':>5} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'recall':>6} {'exact':>6}")
    ok = True
    for k in kinds:
        p = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else 1.0
        r = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else 1.0
        ok &= p >= 0.95 and r >= 0.95
        print(f"{k:18} {tp[k] + fn[k]:5} {tp[k] + fp[k]:5} {tp[k]:4} {fp[k]:4} {fn[k]:4} "
              f"{p:6.3f} {r:6.3f} {exact[k] / tp[k] if tp[k] else 0:6.3f}")
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'all':18} {T + N:5} {T + F:5} {T:4} {F:4} {N:4} {T / max(1, T + F):6.3f} {T / max(1, T + N):6.3f}")
    if held[0]:
        print(f"held-out lines only (written after the detectors): {held[1]}/{held[0]} gold found, "
              f"{held[2]} false positives")
    bad = sum(checks.values())
    print(f"fakes failing their checksum: {bad}" + (f" {dict(checks)}" if bad else ""))
    return 0 if ok and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
