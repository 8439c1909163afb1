"""Issue 5: project config, init/scan/check/fix/allow/reveal, and the real pre-commit hook."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ANONYMIZE = shutil.which("anonymize", path=str(Path(sys.executable).parent)) or shutil.which("anonymize")

CHAT = ("22/01/2025, 18:43 - Jean Dupont: Salut Marie, appelle-moi au 06 12 34 56 78\n"
        "22/01/2025, 18:44 - Marie Lefèvre: ok Jean, je t'écris à jean.dupont@gmail.com\n")
NOTES = "Compte rendu : Jean Dupont viendra demain.\n"
PLAINTEXT = ("Jean", "Dupont", "Marie", "Lefèvre", "12 34 56", "0612345678", "jean.dupont", "gmail")
ENV_KEY = "env-secret-key-0123456789abcdef-DO-NOT-PRINT"


def user_env(tmp_path, **extra):
    env = dict(os.environ)
    env.pop("ANONYMIZER_KEY", None)
    env["ANONYMIZER_HOME"] = str(tmp_path / "home")   # never touch the real user config dir
    env.update(extra)
    return env


class _Run:
    def __init__(self, code, stdout, stderr):
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


def anon(tmp_path, *args, cwd, env=None, check=None):
    """The real CLI, in-process (spaCy loads once for the whole module)."""
    from click.testing import CliRunner
    from anonymizer.ui.cli import main
    env = env or user_env(tmp_path)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner(env={k: env.get(k) for k in set(env) | set(os.environ)}).invoke(
            main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    p = _Run(r.exit_code, r.stdout, r.stderr)
    if check is not None:
        assert p.returncode == check, (p.returncode, p.stdout, p.stderr)
    return p


def anon_process(tmp_path, *args, cwd, env=None):
    assert ANONYMIZE, "the anonymize command is not installed"
    return subprocess.run([ANONYMIZE, *args], cwd=cwd, env=env or user_env(tmp_path),
                          capture_output=True, text=True, timeout=600)


def _no_plaintext(text: str):
    for v in PLAINTEXT:
        assert v not in text, f"plaintext {v!r} leaked into: {text}"


@pytest.fixture()
def project(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    keys = tmp_path / "keys"
    # a new project: `init --key-file` creates the key and writes .anonymizer.toml
    anon(tmp_path, "init", "--key-file", str(keys / "project.key"), cwd=repo, check=0)
    with open(repo / ".anonymizer.toml", "a", encoding="utf-8") as fh:
        fh.write(f'map = "{keys}/project.map"\nlanguage = "fr"\n')
    return repo, keys


# ---------------------------------------------------------------------- unit-level, real inputs
def test_preview_is_redacted():
    from anonymizer.ui.project import preview
    assert preview("PHONE_NUMBER", "+33 6 12 34 56 78") == "+33 6 •• •• •• 78"
    assert preview("PERSON", "Jean Dupont") == "J••• D•••"
    assert preview("EMAIL_ADDRESS", "jean.dupont@gmail.com") == "j•••@g•••.com"
    assert "dupont" not in preview("URL", "https://dupont-family.fr/photos")


def test_config_from_pyproject_and_toml(tmp_path):
    from anonymizer.config import load_config
    from anonymizer.errors import InputError
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.anonymizer]\nkey_file = "~/k.key"\nlanguage = "en"\ninclude = ["data/*.txt"]\n'
        'exclude = ["data/skip*"]\nallow = ["Paris"]\nencrypt_map = false\n', encoding="utf-8")
    sub = tmp_path / "data"
    sub.mkdir()
    cfg = load_config(sub)
    assert cfg.source == (tmp_path / "pyproject.toml").resolve()
    assert cfg.key_file == Path("~/k.key").expanduser() and cfg.language == "en"
    assert cfg.effective_map == Path("~/k.map").expanduser()
    assert cfg.selected(sub / "a.txt") and not cfg.selected(sub / "skip.txt")
    assert not cfg.selected(tmp_path / "b.txt") and not cfg.encrypt_map
    # .anonymizer.toml wins over pyproject.toml; unknown settings are an error, not ignored
    (tmp_path / ".anonymizer.toml").write_text('lang = "fr"\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown setting"):
        load_config(sub)


def test_init_key_is_private_and_env_key_never_printed(tmp_path, project):
    repo, keys = project
    key = keys / "project.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes().strip()) == 64            # 256 bits, hex
    again = anon(tmp_path, "init", cwd=repo)
    assert again.returncode == 2 and "already exists" in again.stderr
    (repo / "chat.txt").write_text(CHAT, encoding="utf-8")
    env = user_env(tmp_path, ANONYMIZER_KEY=ENV_KEY)
    outs = [anon(tmp_path, *args, cwd=repo, env=env)
            for args in (("scan", "--json", "."), ("check", "chat.txt"), ("init", "--key-file", str(tmp_path / "k2")))]
    for p in outs:
        assert ENV_KEY not in p.stdout + p.stderr
    (repo / "leak.txt").write_text(f"key={ENV_KEY}\n", encoding="utf-8")
    p = anon(tmp_path, "check", "leak.txt", cwd=repo, env=env, check=1)
    assert "refused" in p.stdout and ENV_KEY not in p.stdout + p.stderr


def test_check_fix_allow_reveal(tmp_path, project):
    repo, keys = project
    (repo / "chat.txt").write_text(CHAT, encoding="utf-8")
    (repo / "notes.txt").write_text(NOTES, encoding="utf-8")
    p = anon(tmp_path, "check", "chat.txt", "notes.txt", cwd=repo, check=1)
    lines = p.stdout.splitlines()
    assert any(l.startswith("chat.txt:1:") and "PHONE_NUMBER 06 •• •• •• 78" in l for l in lines)
    assert any(l.startswith("chat.txt:2:") and "EMAIL_ADDRESS j•••@g•••.com" in l for l in lines)
    # a check takes for fakes the names a map could have drawn (Jean Dupont could be one)
    # until this machine's map knows them as real; the fix hook replaces them
    assert not any("PERSON" in l for l in lines)
    _no_plaintext(p.stdout + p.stderr)

    p = anon(tmp_path, "fix", "chat.txt", "notes.txt", cwd=repo, check=1)
    _no_plaintext(p.stdout + p.stderr)
    chat, notes = (repo / "chat.txt").read_text("utf-8"), (repo / "notes.txt").read_text("utf-8")
    _no_plaintext(chat + notes)
    fake = chat.split(" - ", 1)[1].split(":", 1)[0]                  # Jean Dupont's pseudonym
    assert len(fake.split()) == 2 and fake in notes                 # one map for the whole commit
    mp = keys / "project.map"
    assert stat.S_IMODE(mp.stat().st_mode) == 0o600
    _no_plaintext(mp.read_text("utf-8"))                             # encrypted with the key
    assert "Dupont" not in mp.read_text("utf-8") and "dupont" not in mp.read_text("utf-8")
    anon(tmp_path, "check", "chat.txt", "notes.txt", cwd=repo, check=0)
    anon(tmp_path, "fix", "chat.txt", "notes.txt", cwd=repo, check=0)   # idempotent
    assert (repo / "chat.txt").read_text("utf-8") == chat
    # now the map knows Jean Dupont as real: a check reports him, whatever his look
    (repo / "raw.txt").write_text(NOTES, encoding="utf-8")
    p = anon(tmp_path, "check", "raw.txt", cwd=repo, check=1)
    # one finding: a known first name takes its surname along (the one mention rule)
    assert p.stdout.splitlines() == ["raw.txt:1:16 PERSON J••• D•••"]
    js = json.loads(anon(tmp_path, "scan", "--json", ".", cwd=repo, check=1).stdout)
    assert {(f["path"], f["kind"]) for f in js["findings"]} == {("raw.txt", "PERSON")}
    _no_plaintext(json.dumps(js, ensure_ascii=False))
    (repo / "raw.txt").unlink()

    # the key holder can undo it: exactly why the map stays private
    p = anon(tmp_path, "reveal", "chat.txt", cwd=repo, check=0)
    assert "06 12 34 56 78" in p.stdout and "Dupont" in p.stdout

    # a false positive accepted through the allow-file (keyed hashes only)
    quote = "Une citation de Victor Hugo pour finir.\n"
    (repo / "quote.txt").write_text(quote, encoding="utf-8")
    shutil.copy(repo / "quote.txt", tmp_path / "quote-copy.txt")
    p = anon(tmp_path, "fix", str(tmp_path / "quote-copy.txt"), cwd=repo, check=1)
    assert "Hugo" not in (tmp_path / "quote-copy.txt").read_text("utf-8")  # found, replaced
    p = anon(tmp_path, "allow", "--all", "quote.txt", cwd=repo, check=0)
    assert "accepted" in p.stderr
    allow = (repo / ".anonymizer-allow.json").read_text("utf-8")
    assert "victor" not in allow.lower() and "hugo" not in allow.lower()
    assert {e["kind"] for e in json.loads(allow)["entries"]} == {"PERSON"}
    anon(tmp_path, "fix", "quote.txt", cwd=repo, check=0)          # accepted: left as it is
    anon(tmp_path, "check", "quote.txt", cwd=repo, check=0)
    assert (repo / "quote.txt").read_text("utf-8") == quote
    # another key cannot use (or test guesses against) the allow-file, nor read the map: it
    # checks like a clone without the key (names a map could have drawn pass, others do not)
    (repo / "quote2.txt").write_text("Une citation de Ysolde Kerbrat pour finir.\n", encoding="utf-8")
    other = user_env(tmp_path, ANONYMIZER_KEY="a-different-key-of-enough-length")
    p = anon(tmp_path, "check", "quote.txt", "quote2.txt", cwd=repo, env=other, check=1)
    assert p.stdout.splitlines() == ["quote2.txt:1:17 PERSON Y••• K•••"]
    assert "made with another key" in p.stderr and p.stderr.count("checked for a staged key") == 1


def test_staged_key_and_map_refused(tmp_path, project):
    repo, keys = project
    (repo / "chat.txt").write_text(CHAT, encoding="utf-8")
    anon(tmp_path, "fix", "chat.txt", cwd=repo, check=1)
    shutil.copy(keys / "project.key", repo / "secret.txt")
    shutil.copy(keys / "project.map", repo / "people.json")
    p = anon(tmp_path, "check", "secret.txt", "people.json", "chat.txt", cwd=repo, check=1)
    assert "secret.txt: refused" in p.stdout and "people.json: refused" in p.stdout
    key = (keys / "project.key").read_text().strip()
    assert key not in p.stdout + p.stderr
    p = anon(tmp_path, "check", str(keys / "project.key"), cwd=repo, check=1)
    assert "refused" in p.stdout


def test_bad_config_is_one_line_error(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".anonymizer.toml").write_text("language = [\n", encoding="utf-8")
    p = anon_process(tmp_path, "scan", ".", cwd=tmp_path)
    assert p.returncode == 2 and p.stderr.startswith("anonymize: error:")
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------- the real pre-commit hook
def _git(repo, *args, env=None, check=True):
    p = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    if check:
        assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


def _hook_repo() -> tuple[str, str]:
    """This repository and its HEAD (override with ANONYMIZER_HOOK_REPO to try a snapshot)."""
    repo = os.environ.get("ANONYMIZER_HOOK_REPO", str(ROOT))
    head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip(f"{repo} is not a git checkout")
    sha = head.stdout.strip()
    has = subprocess.run(["git", "-C", repo, "cat-file", "-e", f"{sha}:.pre-commit-hooks.yaml"],
                         capture_output=True)
    if has.returncode != 0:
        pytest.skip("HEAD has no .pre-commit-hooks.yaml yet: pre-commit installs hooks from a "
                    "commit, so commit the hook files first")
    return repo, sha


def _hook_env(tmp_path, **extra):
    """The environment of the real pre-commit runs.

    pre-commit installs the hook from a clone of this repository's HEAD into a virtualenv of
    its own (``language: python``: ``pip install .``), as for any user.  Only the package's
    dependencies (spaCy, Presidio, the models: ~1 GB, minutes to install) are not installed
    again: ``PIP_NO_DEPS`` makes that ``pip install .`` install the package alone, and
    ``PYTHONPATH`` lends the hook this test environment's site-packages (an editable install
    of the worktree is a .pth there, which PYTHONPATH does not read: the hook runs the copy
    pre-commit installed, asserted below).  ``PRE_COMMIT_HOME`` keeps the hook env in tmp."""
    env = user_env(tmp_path, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org",
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PIP_NO_DEPS="1",
               PYTHONPATH=str(_lent_site_packages(tmp_path)), **extra)
    env.pop("PRE_COMMIT_ALLOW_NO_CONFIG", None)
    return env


def _lent_site_packages(tmp_path) -> Path:
    """This environment's site-packages without our own package: a folder of links to each of
    its entries but ``anonymizer`` (a regular install in CI, ``pip install .``, would otherwise
    come first on PYTHONPATH and shadow the copy pre-commit installed)."""
    import sysconfig
    lent = tmp_path / "lent-site-packages"
    if not lent.exists():
        lent.mkdir()
        for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
            own = entry.name == "anonymizer" or entry.name.startswith(("anonymizer-", "__editable__"))
            if not own and entry.suffix != ".pth":
                (lent / entry.name).symlink_to(entry)
    return lent


def _out(p) -> str:
    return p.stdout + p.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_real_pre_commit_hook(tmp_path, project):
    precommit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if precommit is None:
        pytest.skip("pre-commit is not installed (pip install -e .[test])")
    hook_repo, sha = _hook_repo()
    repo, keys = project
    env = _hook_env(tmp_path)
    _git(repo, "init", "-q", ".")
    # the README's recipe: the fix hook at commit time (with the key); the check-only hook is
    # what pre-commit.ci runs (here on demand, at the manual stage)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {sha}\n  hooks:\n"
        "  - id: anonymize-fix\n"
        "  - id: anonymize-check\n    stages: [manual]\n"
        "ci:\n  skip: [anonymize-fix]\n", encoding="utf-8")
    for args in (["install"], ["install-hooks"]):   # install-hooks: pip install . from HEAD
        p = subprocess.run([precommit, *args], cwd=repo, env=env, capture_output=True, text=True,
                           timeout=900)
        assert p.returncode == 0, _out(p)
    hook_py = list((tmp_path / "pre-commit-home").glob("repo*/py_env-*/bin/python"))
    assert len(hook_py) == 1
    where = subprocess.run([hook_py[0], "-c", "import anonymizer; print(anonymizer.__file__)"],
                           cwd=repo, env=env, capture_output=True, text=True, check=True).stdout
    assert str(tmp_path / "pre-commit-home") in where     # the copy pre-commit installed
    _git(repo, "add", ".pre-commit-config.yaml", ".anonymizer.toml", env=env)
    _git(repo, "commit", "-q", "--no-verify", "-m", "config", env=env)

    # raw data: the fix hook rewrites it in the same run and fails (re-add), printing no
    # finding (nothing is left) and no plaintext
    (repo / "chat.txt").write_text(CHAT, encoding="utf-8")
    (repo / "notes.txt").write_text(NOTES, encoding="utf-8")
    _git(repo, "add", "chat.txt", "notes.txt", env=env)
    p = _git(repo, "commit", "-m", "raw data", env=env, check=False)
    assert p.returncode != 0, _out(p)
    assert "fixed chat.txt" in _out(p) and "fixed notes.txt" in _out(p)
    assert "PERSON" not in _out(p) and "finding" not in _out(p)
    _no_plaintext(_out(p))
    chat, notes = (repo / "chat.txt").read_text("utf-8"), (repo / "notes.txt").read_text("utf-8")
    fake = chat.split(" - ", 1)[1].split(":", 1)[0]
    assert fake in notes and "Dupont" not in chat + notes
    # re-added, with a false positive accepted beforehand: passes, nothing changed
    (repo / "quote.txt").write_text("Une citation de Victor Hugo pour finir.\n", encoding="utf-8")
    anon(tmp_path, "allow", "--all", "quote.txt", cwd=repo, check=0)
    allow = (repo / ".anonymizer-allow.json").read_text("utf-8").lower()
    assert "victor" not in allow and "hugo" not in allow
    _git(repo, "add", "chat.txt", "notes.txt", "quote.txt", ".anonymizer-allow.json", env=env)
    _git(repo, "commit", "-q", "-m", "pseudonymised data", env=env)
    assert (repo / "quote.txt").read_text("utf-8").startswith("Une citation de Victor Hugo")

    # the key or the map, staged, is refused (and the key never printed)
    for name, src in (("project.key", keys / "project.key"), ("people.map.json", keys / "project.map")):
        shutil.copy(src, repo / name)
    _git(repo, "add", "project.key", "people.map.json", env=env)
    p = _git(repo, "commit", "-m", "secrets", env=env, check=False)
    assert p.returncode != 0
    assert "project.key: refused" in _out(p) and "people.map.json: refused" in _out(p)
    assert (keys / "project.key").read_text().strip() not in _out(p)
    _git(repo, "rm", "-q", "--cached", "project.key", "people.map.json", env=env)

    # pre-commit.ci: no key here. The check-only hook passes the pseudonymised files, fails on
    # a real phone number, says once what it could not check
    (keys / "project.key").rename(tmp_path / "elsewhere.key")
    (repo / "leak.txt").write_text("Rappelle-moi au 06 12 34 56 78 demain.\n", encoding="utf-8")
    p = subprocess.run([precommit, "run", "--hook-stage", "manual", "anonymize-check", "--files",
                        "chat.txt", "notes.txt", "leak.txt"], cwd=repo, env=env,
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 1, _out(p)
    found = [l for l in p.stdout.splitlines() if l.startswith(("chat.txt", "notes.txt", "leak.txt"))]
    assert found == ["leak.txt:1:17 PHONE_NUMBER 06 •• •• •• 78"], _out(p)
    assert _out(p).count("no project key here") == 1
    _no_plaintext(_out(p))


# ---------------------------------------------------------------------- a team sharing the key
MORE = ("23/01/2025, 09:10 - Marie Lefèvre: Jean, tu as le numéro de Ysolde ? 07 98 76 54 32\n"
        "23/01/2025, 09:12 - Jean Dupont: oui, et son mail ysolde.kerbrat@orange.fr\n")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_fresh_clone_with_shared_key_gives_the_authors_pseudonyms(tmp_path):
    """Acceptance (issue 17): the author creates the key at a ~ path and commits pseudonymised
    data; a teammate's fresh clone, with the same key as ANONYMIZER_KEY (CI) or at the same ~
    path, runs the hooks' commands and gets the author's pseudonyms, byte for byte."""
    author_home, mate_home = tmp_path / "author", tmp_path / "mate"
    author = user_env(tmp_path, HOME=str(author_home))
    mate = user_env(tmp_path, HOME=str(mate_home))
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", ".")
    # the shell expands ~ before init sees it: init writes it back as ~/…
    anon(tmp_path, "init", "--key-file", str(author_home / ".config/anonymizer/ds.key"),
         cwd=origin, env=author, check=0)
    conf = (origin / ".anonymizer.toml").read_text("utf-8")
    assert 'key_file = "~/.config/anonymizer/ds.key"' in conf and str(author_home) not in conf
    (origin / "chat.txt").write_text(CHAT, encoding="utf-8")
    anon(tmp_path, "fix", "chat.txt", cwd=origin, env=author, check=1)
    anon(tmp_path, "check", "chat.txt", cwd=origin, env=author, check=0)
    gitenv = user_env(tmp_path, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                  GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    _git(origin, "add", ".anonymizer.toml", "chat.txt", env=gitenv)
    _git(origin, "commit", "-q", "-m", "data", env=gitenv)
    key = (author_home / ".config/anonymizer/ds.key").read_text().strip()

    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(origin), str(clone))
    # no key yet: the check runs as pre-commit.ci's (passes the pseudonymised file, says so once);
    # the fix refuses and says to get the project's key, not to make a new one
    p = anon(tmp_path, "check", "chat.txt", cwd=clone, env=mate, check=0)
    assert p.stderr.count("no project key here") == 1
    p = anon(tmp_path, "fix", "chat.txt", cwd=clone, env=mate, check=2)
    assert "ask a teammate" in p.stderr and "ANONYMIZER_KEY" in p.stderr
    assert "~/.config/anonymizer/ds.key" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    p = anon(tmp_path, "init", cwd=clone, env=mate, check=2)
    assert "already names this project's key" in p.stderr
    assert not (mate_home / ".config/anonymizer/ds.key").exists()

    # the same new raw file on both machines
    (origin / "more.txt").write_text(MORE, encoding="utf-8")
    (clone / "more.txt").write_text(MORE, encoding="utf-8")
    anon(tmp_path, "fix", "more.txt", cwd=origin, env=author, check=1)
    expected = (origin / "more.txt").read_bytes()
    assert b"Dupont" not in expected and b"orange.fr" not in expected
    ci = dict(mate, ANONYMIZER_KEY=key)           # CI: the key as a secret variable
    anon(tmp_path, "check", "chat.txt", cwd=clone, env=ci, check=0)   # the author's fakes
    p = anon(tmp_path, "fix", "more.txt", cwd=clone, env=ci, check=1)
    assert "fixed more.txt" in p.stderr
    assert (clone / "more.txt").read_bytes() == expected
    assert (clone / "chat.txt").read_bytes() == (origin / "chat.txt").read_bytes()
    # a teammate with the key at the same ~ path (a fresh map there too): the same bytes
    (clone / "more.txt").write_text(MORE, encoding="utf-8")
    (mate_home / ".config/anonymizer").mkdir(parents=True, exist_ok=True)
    shutil.rmtree(mate_home / ".config/anonymizer")
    (mate_home / ".config/anonymizer").mkdir(parents=True)
    (mate_home / ".config/anonymizer/ds.key").write_text(key + "\n")
    anon(tmp_path, "fix", "more.txt", cwd=clone, env=mate, check=1)
    assert (clone / "more.txt").read_bytes() == expected
    # the teammate's check passes the author's fakes too (by look: the map here is the
    # teammate's own); the author's check passes the teammate's file
    anon(tmp_path, "check", "more.txt", "chat.txt", cwd=clone, env=mate, check=0)
    shutil.copy(clone / "more.txt", origin / "more2.txt")
    anon(tmp_path, "check", "more2.txt", cwd=origin, env=author, check=0)
    # the teammate edits the author's committed file: the fix replaces the new real values
    # and leaves the author's fakes (their map is not here) as they are
    with open(clone / "chat.txt", "a", encoding="utf-8") as fh:
        fh.write("23/01/2025, 10:00 - Ysolde Kerbrat: je suis au 07 98 76 54 32\n")
    before = (origin / "chat.txt").read_bytes()
    anon(tmp_path, "fix", "chat.txt", cwd=clone, env=ci, check=1)
    after = (clone / "chat.txt").read_bytes()
    assert after.startswith(before) and b"Kerbrat" not in after and b"54 32" not in after
    fake_phone = expected.splitlines()[0].rsplit(b"? ", 1)[1]        # the same number's fake
    assert after.splitlines()[-1].endswith(b"je suis au " + fake_phone)
