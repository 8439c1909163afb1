"""Issue 17: the CLI a new user meets — usage and help, refusals that protect the data
(--format plain on a chat export, a second --in-place), the closing lines, and the project
key a team shares (key_file as written, key_env, init)."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from .test_hook import ANONYMIZE, CHAT, user_env, anon

NO_KEY = "no key given"


def _one_line(p) -> str:
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("anonymize: error: "), p.stderr
    assert "Traceback" not in p.stderr
    return lines[0]


def _keyed(tmp_path, **extra):
    return user_env(tmp_path, ANONYMIZER_KEY="cli-test-key-0123456789abcdef", **extra)


# ---------------------------------------------------------------------- usage and help
def test_bare_anonymize_prints_a_short_usage(tmp_path):
    p = subprocess.run([ANONYMIZE], cwd=tmp_path, env=user_env(tmp_path), capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 2 and p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert 2 <= len(lines) <= 6, p.stderr                   # a few lines, not the whole help
    assert lines[0].startswith("usage: anonymize IN OUT")
    assert all(c in p.stderr for c in ("init", "scan", "check", "fix", "allow", "reveal"))
    assert "anonymize --help" in p.stderr and "Exit codes" not in p.stderr


def test_help_shows_the_default_commands_options_and_the_subcommands(tmp_path):
    p = anon(tmp_path, "--help", cwd=tmp_path, check=0)
    out = p.stdout
    assert out.startswith("Usage: anonymize IN OUT [OPTIONS]")
    for opt in ("--lang", "--in-place", "--key-file", "--map", "--dry-run", "--format",
                "--policy", "--jobs", "--version"):
        assert opt in out, opt
    commands = out.split("Commands:", 1)[1]
    for cmd in ("init", "scan", "check", "fix", "allow", "reveal", "run"):
        assert re.search(rf"^\s+{cmd}\s", commands, re.M), cmd
    assert "run [OPTIONS] SRC [DST]" in anon(tmp_path, "run", "--help", cwd=tmp_path, check=0).stdout


# ---------------------------------------------------------------------- --format plain
def test_format_plain_on_a_chat_export_is_refused_unless_forced(tmp_path):
    src = tmp_path / "chat.txt"
    src.write_text(CHAT, encoding="utf-8")
    env = _keyed(tmp_path)
    p = anon(tmp_path, str(src), str(tmp_path / "out.txt"), "--format", "plain", cwd=tmp_path,
             env=env, check=2)
    line = _one_line(p)
    assert "whatsapp" in line and "--force" in line and "NER" in line
    assert not (tmp_path / "out.txt").exists()
    # stdin too
    from click.testing import CliRunner
    from anonymizer.ui.cli import main
    r = CliRunner(env={"ANONYMIZER_KEY": env["ANONYMIZER_KEY"]}).invoke(
        main, ["-", "-", "--format", "plain", "-q"], input=CHAT.encode())
    assert r.exit_code == 2 and r.stdout == "" and "whatsapp" in r.stderr
    # --force: read as plain text on purpose
    anon(tmp_path, str(src), str(tmp_path / "out.txt"), "--format", "plain", "--force", "-q",
         cwd=tmp_path, env=env, check=0)
    assert (tmp_path / "out.txt").read_text("utf-8").count("\n") == CHAT.count("\n")
    # plain text that is plain text is not refused
    notes = tmp_path / "notes.txt"
    notes.write_text("Compte rendu : Jean Dupont viendra demain.\n", encoding="utf-8")
    anon(tmp_path, str(notes), str(tmp_path / "n.txt"), "--format", "plain", "-q", cwd=tmp_path,
         env=env, check=0)
    assert "Dupont" not in (tmp_path / "n.txt").read_text("utf-8")


# ---------------------------------------------------------------------- --in-place twice
def test_in_place_twice_without_a_map_is_refused(tmp_path):
    src = tmp_path / "chat.txt"
    src.write_text(CHAT, encoding="utf-8")
    env = _keyed(tmp_path)
    anon(tmp_path, str(src), "--in-place", "-q", cwd=tmp_path, env=env, check=0)
    once = src.read_bytes()
    assert b"Dupont" not in once and b"gmail" not in once
    p = anon(tmp_path, str(src), "--in-place", "-q", cwd=tmp_path, env=env, check=2)
    line = _one_line(p)
    assert "already pseudonymised" in line and "--map" in line and "--force" in line
    assert src.read_bytes() == once                                  # nothing written
    anon(tmp_path, str(src), "--in-place", "--force", "-q", cwd=tmp_path, env=env, check=0)
    assert src.read_bytes() != once                                  # forced: second pseudonyms


def test_in_place_twice_with_the_map_changes_nothing(tmp_path):
    src = tmp_path / "chat.txt"
    src.write_text(CHAT, encoding="utf-8")
    env = _keyed(tmp_path)
    args = (str(src), "--in-place", "--map", str(tmp_path / "people.map"), "-q")
    anon(tmp_path, *args, cwd=tmp_path, env=env, check=0)
    once = src.read_bytes()
    assert b"Dupont" not in once
    anon(tmp_path, *args, cwd=tmp_path, env=env, check=0)
    assert src.read_bytes() == once                                  # the map's fakes stay


def test_in_place_without_contacts_cannot_tell(tmp_path):
    """Names alone do not show that a file was pseudonymised (documented): no refusal."""
    src = tmp_path / "chat.txt"
    src.write_text("22/01/2025, 18:43 - Jean Dupont: Salut Marie\n", encoding="utf-8")
    env = _keyed(tmp_path)
    for _ in range(2):
        anon(tmp_path, str(src), "--in-place", "--no-ner", "-q", cwd=tmp_path, env=env, check=0)


# ---------------------------------------------------------------------- closing lines
def test_no_key_note_after_a_success_only_and_summary_without_zero_counts(tmp_path):
    src = tmp_path / "chat.txt"
    src.write_text("22/01/2025, 18:43 - Jean Dupont: Salut Marie\n", encoding="utf-8")
    env = user_env(tmp_path)                                             # no key anywhere
    p = anon(tmp_path, str(src), str(tmp_path / "out.txt"), "--no-ner", cwd=tmp_path, env=env,
             check=0)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 2 and NO_KEY in lines[0], p.stderr
    summary = lines[1]
    assert "PERSON" in summary and not re.search(r"[A-Z_]+ 0\b", summary), summary
    for kind in ("PHONE_NUMBER", "EMAIL_ADDRESS", "URL"):
        assert kind not in summary
    # an error: one line, no note
    p = anon(tmp_path, str(src), str(tmp_path / "out.txt"), "--no-ner", cwd=tmp_path, env=env,
             check=2)
    assert NO_KEY not in p.stderr and "already exists" in _one_line(p)


def test_terminal_summary_lists_only_the_kinds_found(tmp_path):
    from .test_report import run_on_tty
    src = tmp_path / "chat.txt"
    src.write_text("22/01/2025, 18:43 - Jean Dupont: Salut Marie, 06 12 34 56 78\n",
                   encoding="utf-8")
    code, tty = run_on_tty([ANONYMIZE, str(src), str(tmp_path / "o.txt"), "--no-ner"],
                           _keyed(tmp_path, COLUMNS="100", TERM="xterm-256color"), tmp_path)
    assert code == 0, tty
    assert "anonymize: summary" in tty and "person" in tty and "phone number" in tty
    assert "e-mail" not in tty and "URL" not in tty


# ---------------------------------------------------------------------- the project key
def _repo(tmp_path, conf: str | None = None) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    if conf is not None:
        (repo / ".anonymizer.toml").write_text(conf, encoding="utf-8")
    return repo


def test_init_writes_the_key_path_every_teammate_can_use(tmp_path):
    home = tmp_path / "home"
    env = user_env(tmp_path, HOME=str(home))
    # in the home folder: ~/… (the shell expanded ~ before init saw it)
    repo = _repo(tmp_path)
    anon(tmp_path, "init", "--key-file", str(home / ".config/anonymizer/ds.key"), cwd=repo,
         env=env, check=0)
    conf = (repo / ".anonymizer.toml").read_text("utf-8")
    assert 'key_file = "~/.config/anonymizer/ds.key"' in conf and str(home) not in conf
    assert (home / ".config/anonymizer/ds.key").stat().st_mode & 0o777 == 0o600
    # inside the project: relative (and a warning)
    (repo / ".anonymizer.toml").unlink()
    p = anon(tmp_path, "init", "--key-file", "secrets/ds.key", cwd=repo, env=env, check=0)
    assert 'key_file = "secrets/ds.key"' in (repo / ".anonymizer.toml").read_text("utf-8")
    assert "inside the project folder" in p.stderr
    # elsewhere: absolute (not a home folder)
    (repo / ".anonymizer.toml").unlink()
    other = tmp_path / "vault" / "ds.key"
    anon(tmp_path, "init", "--key-file", str(other), cwd=repo, env=env, check=0)
    assert f'key_file = "{other}"' in (repo / ".anonymizer.toml").read_text("utf-8")


def test_a_project_that_names_a_key_gets_it_from_a_teammate(tmp_path):
    home = tmp_path / "home"
    env = user_env(tmp_path, HOME=str(home))
    repo = _repo(tmp_path, 'key_file = "~/.config/anonymizer/ds.key"\n')
    (repo / "chat.txt").write_text(CHAT, encoding="utf-8")
    # fix needs the key: the error says how to get it, by the path as written
    line = _one_line(anon(tmp_path, "fix", "chat.txt", cwd=repo, env=env, check=2))
    assert "ask a teammate" in line and "~/.config/anonymizer/ds.key" in line
    assert "ANONYMIZER_KEY" in line and str(home) not in line
    assert (repo / "chat.txt").read_text("utf-8") == CHAT
    # init refuses a second key; --force makes one
    line = _one_line(anon(tmp_path, "init", cwd=repo, env=env, check=2))
    assert "already names this project's key" in line and "--force" in line
    assert not (home / ".config/anonymizer/ds.key").exists()
    anon(tmp_path, "init", "--force", cwd=repo, env=env, check=0)
    assert (home / ".config/anonymizer/ds.key").is_file()
    # so does `anonymize IN OUT` in the project
    line = _one_line(anon(tmp_path, "chat.txt", "out.txt", cwd=repo,
                          env=user_env(tmp_path, HOME=str(tmp_path / "elsewhere")), check=2))
    assert "ask a teammate" in line


def test_key_env_names_the_variable_holding_the_key(tmp_path):
    from anonymizer.config import load_config
    from anonymizer.errors import InputError
    key = "team-secret-0123456789abcdef-XYZ"
    repo = _repo(tmp_path, 'key_env = "DATASET_KEY"\nlanguage = "fr"\n')
    (repo / "a.txt").write_text(CHAT, encoding="utf-8")
    (repo / "b.txt").write_text(CHAT, encoding="utf-8")
    kf = tmp_path / "k.key"
    kf.write_text(key + "\n")
    anon(tmp_path, "fix", "a.txt", cwd=repo, env=user_env(tmp_path, DATASET_KEY=key), check=1)
    anon(tmp_path, "fix", "b.txt", "--key-file", str(kf), cwd=repo, env=user_env(tmp_path), check=1)
    assert (repo / "a.txt").read_bytes() == (repo / "b.txt").read_bytes()
    assert b"Dupont" not in (repo / "a.txt").read_bytes()
    # ANONYMIZER_KEY is not that project's variable
    line = _one_line(anon(tmp_path, "fix", "a.txt", cwd=repo,
                          env=user_env(tmp_path, ANONYMIZER_KEY=key), check=2))
    assert "DATASET_KEY is not set" in line
    (repo / ".anonymizer.toml").write_text('key_env = "$DATASET_KEY"\n', encoding="utf-8")
    with pytest.raises(InputError, match="key_env must be the name of an environment variable"):
        load_config(repo)


def test_key_file_is_kept_as_written(tmp_path, monkeypatch):
    from anonymizer.config import MissingKey, load_config
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ANONYMIZER_KEY", raising=False)
    repo = _repo(tmp_path, 'key_file = "~/k/ds.key"\nmap = "$HOME/m.map"\n')
    cfg = load_config(repo)
    assert cfg.key_file == tmp_path / "home/k/ds.key"            # ~ is the user's home
    assert cfg.written["key_file"] == "~/k/ds.key"
    assert cfg.map_path == repo / "$HOME/m.map"                   # no $VARIABLE expansion
    with pytest.raises(MissingKey, match=r"~/k/ds\.key"):
        cfg.key()
