"""Start-up time of the tool against Presidio, in one run, on the same inputs (issue 17).

    python benchmarks/startup.py                # 5 fresh processes a row, median
    python benchmarks/startup.py --runs 9 --markdown

Each row is a fresh process (or a fresh ``git commit``), timed end to end (interpreter
start, imports, model load, the work, exit), several times; the table gives the median and
the fastest run.  Rows, names on (the French spaCy model):

- ``cli``: ``anonymize samples/chunks/chunk_fr.txt OUT --force -q`` (a 41-line dataset chunk);
- ``library``: ``Anonymizer(key=…, language="fr").analyze("Appelle Marie Curie au 06 12 34 56
  78")``, the README's example, in a fresh ``python -c``;
- ``commit``: ``git commit`` of the chunk in a fresh repository (``.anonymizer.toml`` with a
  project key, ``language = "fr"``) whose ``.pre-commit-config.yaml`` runs ``anonymize check``
  — the README's configuration, ``anonymize-fix`` being a manual-stage hook;
- ``commit2``: the same with both hooks at the commit stage, ``anonymize fix`` then
  ``anonymize check`` (two processes, each loading the model).
  The hooks are local ``language: system`` hooks calling this environment's ``anonymize`` (no
  hook environment to build); pre-commit's and git's own time is included.  The commit is
  refused (the chunk holds personal data; after ``fix``, ``check`` still flags a LinkedIn
  handle): the hooks did all their work either way.

The tool's rows run with its start-up caches (``ANONYMIZER_CACHE_DIR``, see
``anonymizer/detect/nlp.py``) filled by one untimed run first; the ``cli, first run`` row gives
each run an empty cache folder (what the very first run after an install costs).

Presidio, each row: a fresh ``python -c`` that imports ``presidio_analyzer``, builds a vanilla
``AnalyzerEngine`` offline through ``NlpEngineProvider`` for ``fr_core_news_md`` (as
``benchmarks/quality.py`` does: default recognisers, tldextract on its bundled snapshot) and
analyses the same text (the chunk for ``cli`` and ``commit``, the sentence for ``library``).
Runs of the tool and of Presidio alternate, so a busy machine slows both alike.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = ROOT / "samples" / "chunks" / "chunk_fr.txt"
SENTENCE = "Appelle Marie Curie au 06 12 34 56 78"
KEY = "startup-benchmark-key-0123456789abcdef"
BIN = Path(sys.executable).parent
ANONYMIZE = shutil.which("anonymize", path=str(BIN)) or shutil.which("anonymize")
TARGET_SHARE, TARGET_SECONDS = 0.25, 2.0

LIBRARY = ("from anonymizer import Anonymizer\n"
           "Anonymizer(key={key!r}, language='fr').analyze({text!r})\n")

PRESIDIO = """
import logging, sys
import tldextract, tldextract.tldextract as tx
tx.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # never a download
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "fr", "model_name": "fr_core_news_md"}]}
engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["fr"])
text = open(sys.argv[1], encoding="utf-8").read()
analyzer.analyze(text, language="fr")
"""

HOOK = """  - id: anonymize-{cmd}
    name: anonymize {cmd}
    entry: {anonymize} {cmd}
    language: system
    types: [file]
    require_serial: true
"""


CPU: list[float] = []  # CPU seconds (user + system) of the last timed() command's process tree


def timed(cmd: list[str], env: dict, cwd=None, ok=(0,)) -> float:
    """Wall seconds of ``cmd``; its CPU seconds (all its processes) appended to ``CPU``."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    dt = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    if p.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, cmd))}: exit {p.returncode}\n{p.stdout}{p.stderr}")
    return dt


def git(repo: Path, *args, env: dict) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=900)


class Commit:
    """A fresh repository per commit of the chunk; the hooks of ``.pre-commit-hooks.yaml`` as
    local ``language: system`` hooks calling this environment's ``anonymize``."""

    def __init__(self, work: Path, env: dict, hooks: tuple[str, ...]):
        self.work, self.env, self.hooks, self.n = work, env, hooks, 0
        self.keys = work / "keys"
        self.precommit = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
        if self.precommit is None:
            raise SystemExit("pre-commit is not installed (pip install -e '.[test]')")

    def command(self) -> tuple[list[str], Path]:
        self.n += 1
        repo = self.work / f"repo-{'-'.join(self.hooks)}-{self.n}"
        repo.mkdir()
        (repo / ".anonymizer.toml").write_text(
            f'key_file = "{self.keys}/project.key"\nmap = "{self.keys}/project.map"\nlanguage = "fr"\n',
            encoding="utf-8")
        if not (self.keys / "project.key").exists():  # the key a teammate saved (as the README says)
            self.keys.mkdir(exist_ok=True)
            key = self.keys / "project.key"
            key.write_text(KEY + "\n", encoding="utf-8")
            key.chmod(0o600)
        (repo / ".pre-commit-config.yaml").write_text("repos:\n- repo: local\n  hooks:\n" + "".join(
            HOOK.format(cmd=h, anonymize=ANONYMIZE) for h in self.hooks), encoding="utf-8")
        git(repo, "init", "-q", ".", env=self.env)
        git(repo, "add", ".", env=self.env)
        git(repo, "commit", "-q", "--no-verify", "-m", "config", env=self.env)
        subprocess.run([self.precommit, "install"], cwd=repo, env=self.env, check=True, capture_output=True)
        shutil.copy(CHUNK, repo / "chunk_fr.txt")
        git(repo, "add", "chunk_fr.txt", env=self.env)
        return ["git", "commit", "-q", "-m", "data"], repo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="fresh processes per row (median)")
    ap.add_argument("--rows", default="cli,first,library,commit,commit2",
                    help="comma-separated subset of cli,first,library,commit,commit2")
    ap.add_argument("--no-presidio", action="store_true")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    if ANONYMIZE is None:
        raise SystemExit("the anonymize command is not installed (pip install -e .)")
    rows = args.rows.split(",")
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        env.update(ANONYMIZER_KEY=KEY, ANONYMIZER_HOME=str(work / "home"),
                   ANONYMIZER_CACHE_DIR=str(work / "cache"), PRE_COMMIT_HOME=str(work / "pre-commit"),
                   GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.org",
                   GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.org",
                   GIT_CONFIG_NOSYSTEM="1", HOME=str(work / "home"))
        (work / "home").mkdir()
        sentence = work / "sentence.txt"
        sentence.write_text(SENTENCE, encoding="utf-8")
        out = work / "out.txt"
        cli = [ANONYMIZE, str(CHUNK), str(out), "--force", "-q"]
        timed(cli, env)  # fills the start-up caches (untimed)
        check_only, both = Commit(work, env, ("check",)), Commit(work, env, ("fix", "check"))
        presidio = [sys.executable, "-c", PRESIDIO]
        # every command runs in the scratch folder: ``python -c`` puts its folder first on
        # sys.path, and this checkout's ``anonymizer/`` must not shadow the installed one
        cases = {  # row: (label, the tool's command maker, Presidio's input)
            "cli": ("cli: anonymize chunk_fr.txt (41 lines)", lambda: (cli, work, env), CHUNK),
            "first": ("cli, first run (empty cache)", lambda: (cli, work, fresh_cache(env, work)), CHUNK),
            "library": ("library: first Anonymizer().analyze()",
                        lambda: ([sys.executable, "-c", LIBRARY.format(key=KEY.encode(), text=SENTENCE)], work, env),
                        sentence),
            "commit": ("commit of chunk_fr.txt: check hook", lambda: (*check_only.command(), env), CHUNK),
            "commit2": ("commit of chunk_fr.txt: fix + check hooks", lambda: (*both.command(), env), CHUNK),
        }
        results = {}
        for row in rows:
            label, make, text = cases[row]
            ours, theirs = ([], []), ([], [])  # (wall seconds, CPU seconds)
            for _ in range(args.runs):
                cmd, cwd, run_env = make()
                # a commit of the raw chunk is refused (exit 1): the hooks did all their work
                ours[0].append(timed(cmd, run_env, cwd=cwd, ok=(0, 1) if row.startswith("commit") else (0,)))
                ours[1].append(CPU[-1])
                if not args.no_presidio and row != "first":
                    theirs[0].append(timed(presidio + [str(text)], env, cwd=work))
                    theirs[1].append(CPU[-1])
            results[row] = (label, ours, theirs)
            print(f"  {label}: ours {fmt(ours[0])}" + (f", Presidio {fmt(theirs[0])}" if theirs[0] else ""),
                  file=sys.stderr, flush=True)
    table(results, args.runs, args.markdown)


_fresh = [0]


def fresh_cache(env: dict, work: Path) -> dict:
    _fresh[0] += 1
    return dict(env, ANONYMIZER_CACHE_DIR=str(work / f"cache-empty-{_fresh[0]}"))


def fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s (min {min(xs):.2f})"


def table(results: dict, runs: int, markdown: bool) -> None:
    head = ["row", "ours (median)", "ours (min)", "Presidio (median)", "ours / Presidio",
            "ours CPU", "Presidio CPU", f"target ≤ {TARGET_SHARE:.0%} and ≤ {TARGET_SECONDS:g} s"]
    lines = []
    for label, ours, theirs in results.values():
        m, cpu = statistics.median(ours[0]), statistics.median(ours[1])
        pm = statistics.median(theirs[0]) if theirs[0] else None
        pcpu = statistics.median(theirs[1]) if theirs[1] else None
        share = m / pm if pm else None
        ok = m <= TARGET_SECONDS and (share is None or share <= TARGET_SHARE)
        lines.append([label, f"{m:.2f} s", f"{min(ours[0]):.2f} s", f"{pm:.2f} s" if pm else "–",
                      f"{share:.0%}" if share is not None else "–", f"{cpu:.2f} s",
                      f"{pcpu:.2f} s" if pcpu else "–", "met" if ok else "NOT met"])
    print(f"\nstart-up, {runs} fresh processes a row (wall time; CPU = user + system of all the "
          f"row's processes), {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in lines:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
        for r in [head] + lines:
            print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
