import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
KEY = "test-key-0123456789abcdef-please-change"


@pytest.fixture(scope="session")
def manifest():
    return json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shared_dir():
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a user's fresh clone has none)")
    return SHARED


@pytest.fixture()
def keyenv(monkeypatch):
    monkeypatch.setenv("ANONYMIZER_KEY", KEY)
    return KEY


def run_cli(args, env_key=KEY, input_bytes=None):
    """Run the real click CLI in-process (spaCy stays loaded between calls)."""
    from click.testing import CliRunner

    from anonymizer.ui.cli import main
    runner = CliRunner()
    env = {"ANONYMIZER_KEY": env_key} if env_key else {"ANONYMIZER_KEY": ""}
    res = runner.invoke(main, [str(a) for a in args], env=env, input=input_bytes,
                        catch_exceptions=False)
    return res


def run_documents(items, fields=None, **settings):
    """One run of the run loop over ``items`` ([(name, text or Decoded, format)]) with
    Settings built from ``settings`` (key defaults to KEY): (engine, results)."""
    from anonymizer.pipeline.documents import open_documents
    from anonymizer.pipeline.run import run
    from anonymizer.settings import Settings
    settings.setdefault("key", KEY)
    conf = Settings.create(**settings)
    engine = conf.engine()
    return engine, run(engine, open_documents(items, fields), conf.executor())
