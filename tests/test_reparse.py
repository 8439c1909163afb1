"""Issue 2 acceptance: whatstk and chat-miner read input and output alike.

The same number of messages and of participants before and after anonymisation, and no
original sender label among the output's authors.
"""
import logging
import warnings

import pytest

from .conftest import ROOT, run_cli

whatstk = pytest.importorskip("whatstk")
chatparsers = pytest.importorskip("chatminer.chatparsers")

FIXTURE_HFORMATS = {
    "test_ddmmyy_24hrs.txt": "%d/%m/%y, %H:%M - %name:",
    "test_mmddyy_24hrs.txt": "%m/%d/%y, %H:%M - %name:",
    "test_yyyymmdd_24hrs.txt": "%Y/%m/%d, %H:%M - %name:",
    "test_[mmddyy]_24hrs.txt": "[%m/%d/%y %H:%M] %name:",
}


def _whatstk(path, hformat):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = whatstk.df_from_whatsapp(str(path), hformat=hformat)
    return len(df), set(df["username"])


def _chatminer(path):
    logging.disable(logging.CRITICAL)
    try:
        p = chatparsers.WhatsAppParser(str(path))
        p.parse_file()
        df = p.parsed_messages.get_df(as_pandas=True)
    except IndexError:  # chat-miner cannot read "à" and dotted-time layouts (documented)
        return None
    finally:
        logging.disable(logging.NOTSET)
    return len(df), set(df["author"])


def _compare(src, dst, hformat, chat_names=()):
    """Chat names (an iOS group's name as the sender of its system lines) are not people."""
    def people(users):
        return {u for u in users if any(c.isalpha() for c in u) and u not in chat_names}
    n_in, users_in = _whatstk(src, hformat)
    n_out, users_out = _whatstk(dst, hformat)
    assert n_in == n_out and len(users_in) == len(users_out)
    assert not (people(users_in) & users_out)
    cm_in, cm_out = _chatminer(src), _chatminer(dst)
    assert (cm_in is None) == (cm_out is None)
    if cm_in is not None:
        assert cm_in[0] == cm_out[0] and len(cm_in[1]) == len(cm_out[1])
        assert not (people(cm_in[1]) & cm_out[1])


def _sample_params():
    import json
    manifest = json.loads((ROOT / "samples/manifest.json").read_text(encoding="utf-8"))
    return [(rel, meta["whatstk_hformat"], tuple(meta.get("system_senders", ())))
            for rel, meta in sorted(manifest.items())
            if meta.get("format") == "whatsapp" and meta.get("whatstk_hformat")]


@pytest.mark.parametrize("rel,hformat,chat_names", _sample_params())
def test_samples_reparse(rel, hformat, chat_names, tmp_path):
    dst = tmp_path / "out.txt"
    assert run_cli([ROOT / rel, dst, "-q"]).exit_code == 0
    _compare(ROOT / rel, dst, hformat, chat_names)


@pytest.mark.parametrize("name", sorted(FIXTURE_HFORMATS))
def test_shared_fixtures_reparse(name, shared_dir, tmp_path):
    src = shared_dir / "fixtures/chat-miner/test/whatsapp" / name
    dst = tmp_path / "out.txt"
    res = run_cli([src, dst, "-q"])
    assert res.exit_code == 0, res.output
    _compare(src, dst, FIXTURE_HFORMATS[name])
    out = dst.read_text(encoding="utf-8")
    for label in ("John Doe", "Jahn Doe", "John-John Doe"):
        assert label not in out
