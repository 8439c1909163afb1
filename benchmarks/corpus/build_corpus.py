"""messages.txt (hand-labelled, inline marks) -> chat.jsonl (text, lang, spans), and a Faker check.

    python benchmarks/corpus/build_corpus.py          # rebuild chat.jsonl
    python benchmarks/corpus/build_corpus.py --check  # also list gold names found in Faker's lists
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {"P": "PERSON", "T": "PHONE_NUMBER", "E": "EMAIL_ADDRESS", "U": "URL"}
MARK = re.compile(r"\[\[(.+?)(?:\|([PTEU]))?\]\]")


def infer_kind(value: str) -> str:
    """Kind of an unlabelled mark: e-mail, URL, phone (mostly digits), else a person."""
    if "@" in value:
        return "E"
    if re.match(r"(?i)(https?://|www\.)", value) or re.search(r"\.[a-z]{2,6}(/|$)", value):
        return "U"
    if sum(c.isdigit() for c in value) >= 6:
        return "T"
    return "P"
PARTICLES = {"le", "la", "de", "ben", "van", "von", "del", "y"}
FAKER_LOCALES = ("fr_FR", "en_US", "de_DE", "es_ES")


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


def faker_names() -> set[str]:
    import importlib
    out = set()
    for loc in FAKER_LOCALES:
        mod = importlib.import_module(f"faker.providers.person.{loc}")
        prov = mod.Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names"):
            v = getattr(prov, attr, ())
            out |= {n.lower() for n in (v.keys() if isinstance(v, dict) else v)}
    return out


def main(argv):
    recs = [parse(ln) for ln in (HERE / "messages.txt").read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]
    with open(HERE / "chat.jsonl", "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"chat.jsonl: {len(recs)} messages, {sum(len(r['spans']) for r in recs)} gold spans")
    if "--check" in argv:
        fk = faker_names()
        hits = sorted({w for r in recs for s in r["spans"] if s["kind"] == "PERSON"
                       for w in re.split(r"[ \-']", r["text"][s["start"]:s["end"]].lower()) if w in fk and w not in PARTICLES})
        print("gold name parts found in Faker's lists:", hits or "none")
        return 1 if hits else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
