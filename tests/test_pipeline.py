"""Issue 13: one pipeline — one run loop, one verifier, one settings object.

* the code has one place that builds an engine, one verifier, no module reading another's
  private members, no import cycle;
* every sample, in every format, gives byte-identical outputs through the CLI, the library and
  the hook commands, with batch sizes 1, 7 and 10,000 and with ``--jobs 1/2``;
* the three bugs parallel paths let through: ``scan`` ignoring the project's policy, Dask
  dropping the policy and the date shift (tests/test_scale.py), and a map that cannot be saved
  found only after OUT was written.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from anonymizer import Anonymizer
from anonymizer.ui.cli import main

from .conftest import KEY, ROOT, SAMPLES

PKG = ROOT / "anonymizer"


# ---------------------------------------------------------------------------- the code's shape
def _modules():
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), p, ast.parse(p.read_text(encoding="utf-8"))


def test_one_engine_builder_and_one_verifier():
    builders, verifiers, raisers = [], [], set()
    for mod, _, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
                if name == "Engine":
                    builders.append(mod)
                if name == "VerificationError":
                    raisers.add(mod)
            if isinstance(node, ast.ClassDef) and "verif" in node.name.lower() \
                    and not node.name.endswith("Error"):
                verifiers.append(f"{mod}.{node.name}")
    assert builders == ["anonymizer.settings"]
    assert verifiers == ["anonymizer.pipeline.verify.Verifier"]
    # a verification failure is only ever declared by the verifier (and by a tree output that
    # no longer parses, which the verifier asks the document for)
    assert raisers == {"anonymizer.pipeline.verify", "anonymizer.pipeline.documents"}


def test_no_module_reads_another_modules_private_members():
    own: dict[str, set[str]] = {}
    trees = list(_modules())
    for mod, _, tree in trees:
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
        own[mod] = names
    bad = []
    for mod, _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        bad.append(f"{mod} imports {alias.name}")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and not node.attr.startswith("__") and node.attr not in own[mod]:
                base = node.value
                if isinstance(base, ast.Name) and base.id in ("self", "cls", "os", "sys"):
                    continue  # its own members; the standard library's documented os._exit
                bad.append(f"{mod} reads .{node.attr}")
    assert not bad, bad


def _imports(mod: str, path: Path, tree) -> set[str]:
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")
            base = base[:len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("anonymizer"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("anonymizer"))
    return out


def test_no_import_cycle_between_modules():
    """Counting lazy (function-level) imports too; a package's ``__init__`` importing its own
    modules is not a cycle of the design."""
    mods = {m: (p, t) for m, p, t in _modules()}
    graph = {m: {i for i in _imports(m, p, t) if i in mods and i != m and not m.startswith(i + ".")}
             for m, (p, t) in mods.items()}
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in graph[m]:
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2
    for m in graph:
        if m not in state:
            visit(m)
    assert not cycles, cycles


# ---------------------------------------------------------------------------- same bytes everywhere
def _samples():
    out = []
    for p in sorted(SAMPLES.rglob("*")):
        if p.is_file() and p.suffix in (".txt", ".json", ".jsonl", ".csv", ".md") \
                and p.name != "manifest.json" and "slack_export" not in p.parts and "signal" not in p.parts:
            out.append(p)
    return out + [SAMPLES / "formats" / "slack_export", SAMPLES / "formats" / "signal"]


def _read_tree(p: Path) -> dict[str, bytes]:
    if p.is_file():
        return {"": p.read_bytes()}
    return {str(f.relative_to(p)): f.read_bytes() for f in sorted(p.rglob("*")) if f.is_file()}


def _cli(src: Path, dst: Path, *opts) -> dict[str, bytes]:
    r = CliRunner().invoke(main, [str(src), str(dst), "-q", "--no-ner", *opts],
                           env={"ANONYMIZER_KEY": KEY}, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return _read_tree(dst)


def _library(src: Path, batch: int) -> dict[str, bytes]:
    from anonymizer.formats.folder import collection_items, read_collection
    from anonymizer.io import encode_text, read_input
    anon = Anonymizer(key=KEY, ner=False, batch_size=batch)
    if src.is_dir():
        items, encodings, _, _ = collection_items(read_collection(str(src)))
        outs = anon.anonymize_documents(items)
        return {name: encode_text(out, encodings[name]) for (name, _, _), out in zip(items, outs)}
    dec = read_input(src)
    res = anon.process(dec.text, None, src.name)
    return {"": encode_text(res.text, dec.encoding)}


def _hook(src: Path, tmp: Path) -> dict[str, bytes]:
    repo = tmp / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    keyf = tmp / "project.key"
    keyf.write_text(KEY + "\n", encoding="utf-8")
    (repo / ".anonymizer.toml").write_text(
        f'key_file = "{keyf}"\nmap = "{tmp / "project.map"}"\nner = false\ninclude = ["*"]\n',
        encoding="utf-8")
    target = repo / src.name
    if src.is_dir():
        shutil.copytree(src, target)
    else:
        shutil.copy(src, target)
    old = os.getcwd()
    os.chdir(repo)
    try:
        r = CliRunner().invoke(main, ["fix", src.name], env={"ANONYMIZER_KEY": None},
                               catch_exceptions=False)
    finally:
        os.chdir(old)
    assert r.exit_code in (0, 1), r.output
    return _read_tree(target)


@pytest.mark.parametrize("sample", _samples(), ids=lambda p: str(p.relative_to(SAMPLES)))
def test_every_entry_point_batch_size_and_job_count_gives_the_same_bytes(sample, tmp_path):
    suffix = "" if sample.is_dir() else sample.suffix
    ref = _cli(sample, tmp_path / f"ref{suffix}")
    assert ref != _read_tree(sample)  # something was replaced
    for i, opts in enumerate((("--batch-size", "1"), ("--batch-size", "7"), ("--batch-size", "10000"),
                              ("--jobs", "2", "--batch-size", "7"))):
        assert _cli(sample, tmp_path / f"cli{i}{suffix}", *opts) == ref, opts
    for batch in (1, 7, 10_000):
        assert _library(sample, batch) == ref, batch
    hook = _hook(sample, tmp_path)
    assert hook == ref


@pytest.mark.parametrize("name", ["chunks/chunk_fr.txt", "whatsapp/ios_en_12h.txt"])
def test_names_on_same_bytes_for_batch_sizes_and_jobs(name, tmp_path):
    src = SAMPLES / name

    def cli(dst, *opts):
        r = subprocess.run([sys.executable, "-m", "anonymizer.ui.cli", str(src), str(dst), "-q", *opts],
                           env=dict(os.environ, ANONYMIZER_KEY=KEY), capture_output=True)
        assert r.returncode == 0, r.stderr
        return dst.read_bytes()
    ref = cli(tmp_path / "ref.txt")
    assert cli(tmp_path / "b1.txt", "--batch-size", "1") == ref
    assert cli(tmp_path / "j2.txt", "--jobs", "2", "--batch-size", "7") == ref
    text = src.read_bytes().decode("utf-8")
    assert Anonymizer(key=KEY, batch_size=7).process(text).text.encode() == ref


# ---------------------------------------------------------------------------- the bugs
CHAT = ("22/01/2025, 18:43 - Camille Martin: écris-moi à camille.martin@gmail.com\n"
        "22/01/2025, 18:44 - Yasmine: ok\n")


def test_scan_and_check_honour_the_projects_policy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".anonymizer.toml").write_text(
        f'map = "{tmp_path / "m.map"}"\npolicy = {{ EMAIL = "keep" }}\nner = false\n', encoding="utf-8")
    (tmp_path / "chat.txt").write_text(CHAT, encoding="utf-8")
    env = {"ANONYMIZER_KEY": KEY}
    r = CliRunner().invoke(main, ["chat.txt", "out.txt", "-q"], env=env, catch_exceptions=False)
    assert r.exit_code == 0 and "camille.martin@gmail.com" in (tmp_path / "out.txt").read_text("utf-8")
    for cmd in ("scan", "check"):
        r = CliRunner().invoke(main, [cmd, "chat.txt", "--json"], env=env, catch_exceptions=False)
        kinds = {f["kind"] for f in __import__("json").loads(r.stdout)["findings"]}
        assert "PERSON" in kinds and "EMAIL_ADDRESS" not in kinds, (cmd, kinds)


def test_a_map_that_cannot_be_saved_is_refused_before_out_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the map's folder should be\n", encoding="utf-8")
    (tmp_path / ".anonymizer.toml").write_text(f'map = "{blocker / "keys" / "m.map"}"\n', encoding="utf-8")
    (tmp_path / "chat.txt").write_text(CHAT, encoding="utf-8")
    r = CliRunner().invoke(main, ["chat.txt", "out.txt", "-q", "--no-ner"], env={"ANONYMIZER_KEY": KEY})
    assert r.exit_code == 2, r.output
    assert len(r.stderr.strip().splitlines()) == 1 and "map" in r.stderr
    assert not (tmp_path / "out.txt").exists()
    # the default map beside a key whose folder does not exist yet is created, with OUT
    keyf = tmp_path / "k" / "project.key"
    keyf.parent.mkdir()
    keyf.write_text(KEY, encoding="utf-8")
    (tmp_path / ".anonymizer.toml").write_text(
        f'key_file = "{keyf}"\nmap = "{tmp_path / "new" / "deeper" / "m.map"}"\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["chat.txt", "out.txt", "-q", "--no-ner"], env={"ANONYMIZER_KEY": None})
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out.txt").exists() and (tmp_path / "new" / "deeper" / "m.map").exists()
