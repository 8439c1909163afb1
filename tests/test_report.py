"""The review report (``--report``), ``--dry-run``, progress bar and summary table (issue 8),
the paged report at scale and ``anonymize allow`` on a terminal (issue 17).

The report of every sample is opened in headless Chromium (Debian's ``chromium``): no
console message (errors, CSP violations), one highlight per replacement the CLI counted,
no real value from the sample's manifest unless ``--reveal``; a screenshot of each is saved
in the test's temp dir.  The report of a 100,000-message chat (``--no-ner``) is opened too,
through the DevTools protocol (``benchmarks/report_open.py``), and paged through:
``test_paged_report_of_100k_messages`` takes about 95 s of CPU, 2.5-3.5 min here (deselect it with
``-k "not 100k"``; CI runs it).  Without a working /usr/bin/chromium the browser tests skip,
unless ``ANONYMIZER_REQUIRE_CHROMIUM=1`` (set by ``.ci/run``, which installs it): then they fail.
"""
from __future__ import annotations

import html
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import base64
import functools
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from anonymizer.ui.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
MANIFEST = SAMPLES / "manifest.json"
CHROMIUM = os.environ.get("ANONYMIZER_TEST_CHROMIUM", "/usr/bin/chromium")
REQUIRE_CHROMIUM = os.environ.get("ANONYMIZER_REQUIRE_CHROMIUM") == "1"
KEY = "report-test-key-0123456789abcdef"
SAMPLE_FILES = sorted(SAMPLES.glob("whatsapp/*.txt")) + sorted(SAMPLES.glob("chunks/*.txt"))
ANON = [str(Path(sys.executable).with_name("anonymize"))]
if not Path(ANON[0]).exists():
    ANON = [sys.executable, "-m", "anonymizer.ui.cli"]

sys.path.insert(0, str(ROOT / "benchmarks"))
import chatgen  # noqa: E402  benchmarks/chatgen.py
import report_open  # noqa: E402  benchmarks/report_open.py

CHROME_FLAGS = report_open.FLAGS  # headless, no sandbox, no GPU, no network, no sync…


@functools.lru_cache(maxsize=1)
def _chromium_problem() -> str | None:
    """Why headless Chromium cannot render a page here, or None when it can."""
    if not os.access(CHROMIUM, os.X_OK):
        return (f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) "
                f"to render the report; .ci/run does")
    import tempfile
    with tempfile.TemporaryDirectory() as prof:
        try:
            p = subprocess.run([CHROMIUM, *CHROME_FLAGS, f"--user-data-dir={prof}", "--dump-dom",
                                "data:text/html,<p>chromium-ok</p>"],
                               capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{CHROMIUM} cannot run: {exc}"
    if "chromium-ok" not in p.stdout:
        return f"{CHROMIUM} cannot render a page headless: {p.stderr.strip()[-300:]}"
    return None


@pytest.fixture
def chromium():
    """Headless Chromium, or a skip — a failure when ANONYMIZER_REQUIRE_CHROMIUM=1 (CI)."""
    why = _chromium_problem()
    if why:
        if REQUIRE_CHROMIUM:
            pytest.fail(f"{why} (ANONYMIZER_REQUIRE_CHROMIUM=1: the browser tests must run)")
        pytest.skip(why)
    return CHROMIUM


def _manifest() -> dict:
    if not MANIFEST.exists():
        pytest.skip(f"{MANIFEST} is missing (samples/make_samples.py writes it)")
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def _env(tmp_path: Path, **extra) -> dict:
    env = dict(os.environ, ANONYMIZER_KEY=KEY, HOME=str(tmp_path))
    env.pop("ANONYMIZER_PROGRESS_DELAY", None)
    env.update(extra)
    return env


def _cli(args, tmp_path, monkeypatch):
    """Run the real CLI in-process (the spaCy model loads once for all samples)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANONYMIZER_KEY", KEY)
    monkeypatch.setenv("HOME", str(tmp_path))
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# ----------------------------------------------------------------------------- real values
_PHONE_RUN = re.compile(r"\+?\d[\d \u00a0\u202f\u2011().\-/]{5,}\d")


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def leaked_values(text: str, entry: dict) -> list[str]:
    """Real values of a sample (its manifest entry) present in ``text``."""
    found = []
    for name in entry.get("names", []):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            found.append(name)
    for v in entry.get("emails", []) + entry.get("urls", []):
        if v.lower() in text.lower():
            found.append(v)
    runs = {_digits(m.group()) for m in _PHONE_RUN.finditer(text)}
    for ph in entry.get("phones", []):
        tail = _digits(ph)[-9:]
        if any(tail in r for r in runs):
            found.append(ph)
    return found


def test_leak_checker_finds_what_it_should():
    entry = {"names": ["Léa", "Dupont"], "phones": ["+33 6 12 34 56 78"],
             "emails": ["jean.dupont@gmail.com"], "urls": ["example.ai/x"]}
    assert leaked_values("merci Léa !", entry) == ["Léa"]
    assert leaked_values("Léandre et Dupontel", entry) == []
    assert leaked_values("<b>06.12.34.56.78</b>", entry) == ["+33 6 12 34 56 78"]
    assert leaked_values("see HTTP://EXAMPLE.AI/x", entry) == ["example.ai/x"]
    assert leaked_values("22/01/2025, 18:43 - 4 novembre", entry) == []


# ----------------------------------------------------------------------------- positions
def _result(raws, reps_by_record):
    """An engine Result built by hand: ``reps_by_record[i]`` = [(start, end, new, kind, score)]."""
    from anonymizer.formats.base import Replacement, apply_replacements
    from anonymizer.pipeline.documents import LineDocument
    from anonymizer.pipeline.run import Result
    res = Result(doc=LineDocument("chat.txt", "".join(raws), "plain"), language="fr", messages=len(raws))
    for ri, raw in enumerate(raws):
        reps = [Replacement(s, e, new, kind, "test", score, raw[s:e])
                for s, e, new, kind, score in reps_by_record.get(ri, [])]
        res.replacements += [(ri, rep) for rep in reps]
        res.texts.append(apply_replacements(raw, reps))
    return res


def test_highlight_offsets_follow_earlier_replacements():
    from anonymizer.ui.report import highlights_by_record
    raw = "Jo et Bartholomew, appelle 0612345678 ou jo@x.fr\n"
    res = _result([raw], {0: [(0, 2, "Alexandrine", "PERSON", 1.0),
                              (6, 17, "Al", "PERSON", 0.85),
                              (27, 37, "06 98 76 54 32", "PHONE_NUMBER", 0.9),
                              (41, 48, "a.b@example.org", "EMAIL_ADDRESS", 1.0)]})
    hls = highlights_by_record(res)[0]
    assert [res.texts[0][h.start:h.end] for h in hls] == [
        "Alexandrine", "Al", "06 98 76 54 32", "a.b@example.org"]
    assert [h.number for h in hls] == [1, 2, 3, 4]


def test_report_escapes_text_and_hides_originals():
    from anonymizer.ui.report import build_report, read_report_data
    raws = ['<script>alert("x")</script> & Zébulon\n', "rien\n"]
    res = _result(raws, {0: [(30, 37, "Ana\"<b>", "PERSON", 0.5)]})
    page = build_report(res, None, source_name="/tmp/Chat with Zébulon.txt")
    # the text travels as JSON in a data block that cannot close itself early
    assert "<script>alert" not in page and page.count("</script>") == 2
    assert "Zébulon" not in page                       # neither the value nor the file name
    data = read_report_data(page)
    text = data["records"][0][1]
    assert text == '<script>alert("x")</script> & Ana"<b>'
    [hl] = data["hls"]
    assert text[hl[1]:hl[2]] == 'Ana"<b>' and len(hl) == 6      # no original without reveal
    assert data["lowHls"] == [0] and "Score below 0.90 (1)" in page   # low confidence: to review
    private = build_report(res, None, reveal=True, source_name="/tmp/Chat with Zébulon.txt")
    assert read_report_data(private)["hls"][0][6] == "Zébulon"
    assert "REAL VALUES SHOWN" in private and "Chat with Zébulon.txt" in private


def _csp_and_scripts(page: str) -> tuple[str, list[str], list[str]]:
    """(the page's CSP, its executable inline scripts, the types of its other scripts)."""
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    scripts = re.findall(r"<script( type=\"[^\"]+\")?[^>]*>(.*?)</script>", page, re.S)
    return (csp, [body for t, body in scripts if not t],
            [t for t, _ in scripts if t])


def test_page_runs_only_the_script_its_csp_names():
    from anonymizer.ui.report import build_report
    page = build_report(_result(["Salut Jo\n"], {0: [(6, 8, "Al", "PERSON", 1.0)]}), None)
    csp, code, data_blocks = _csp_and_scripts(page)
    rules = dict(r.strip().split(" ", 1) for r in csp.split(";"))
    assert rules["default-src"] == "'none'" and "unsafe-inline" not in rules["script-src"]
    assert len(code) == 1 and data_blocks == [' type="application/json"']
    digest = base64.b64encode(hashlib.sha256(code[0].encode("utf-8")).digest()).decode()
    assert rules["script-src"] == f"'sha256-{digest}'"
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\b(src|href)\s*=\s*[\"'](?!#)", page)


def test_big_report_data_is_deflated():
    from anonymizer.ui import report
    raws = [f"{i:06d} - Salut Bartholomew, voici le message numéro {i} de la semaine\n"
            for i in range(20_000)]
    res = _result(raws, {i: [(15, 26, "Al", "PERSON", 1.0)] for i in range(20_000)})
    page = report.build_report(res, None)
    data = report.read_report_data(page)
    raw_json = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert len(raw_json) > report.DEFLATE_ABOVE
    assert 'type="application/x-deflate-base64"' in page
    assert len(page.encode("utf-8")) < len(raw_json) / 3
    assert len(data["hls"]) == 20_000 and data["records"][19_999][1].startswith("019999 - Salut Al,")
    assert "Bartholomew" not in json.dumps(data)


# ----------------------------------------------------------------------------- chromium
class _Dom(HTMLParser):
    """Counts the highlights inside <main id="chat"> of a dumped DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0          # >0 while inside main#chat
        self.marks = []         # attrs of every mark.hl in the chat
        self.records = []       # ids of the records shown
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth:
            self.depth += 1
        elif tag == "main" and a.get("id") == "chat":
            self.depth = 1
        if self.depth and tag == "mark" and "hl" in (a.get("class") or "").split():
            self.marks.append(a)
        if self.depth and re.fullmatch(r"m\d+", a.get("id") or ""):
            self.records.append(int(a["id"][1:]))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def render(html_path: Path, tmp_path: Path, fragment: str = "") -> tuple[str, list[str], Path]:
    """(dumped DOM, console messages, screenshot) of a page in headless Chromium, opened at
    ``fragment`` (``#page=3``) with a fresh profile."""
    prof = tmp_path / f"chromium-profile-{html_path.stem}"
    shot = tmp_path / f"{html_path.stem}{re.sub(r'[^a-z0-9]+', '-', fragment)}.png"
    cmd = [CHROMIUM, *CHROME_FLAGS, f"--user-data-dir={prof}", "--enable-logging=stderr",
           "--v=0", "--window-size=1280,1000", f"--screenshot={shot}", "--dump-dom",
           html_path.resolve().as_uri() + fragment]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    console = [ln for ln in p.stderr.splitlines()
               if ":CONSOLE" in ln or "Uncaught" in ln]
    shutil.rmtree(prof, ignore_errors=True)
    return p.stdout, console, shot


def test_console_check_catches_errors(chromium, tmp_path):
    """The console check can fail: a page with a script error and a blocked remote image."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><meta http-equiv='Content-Security-Policy' "
                   "content=\"default-src 'none'; script-src 'unsafe-inline'\">"
                   "<img src='http://example.com/x.png'><script>nope();</script>",
                   encoding="utf-8")
    _, console, _ = render(bad, tmp_path)
    assert any("Uncaught ReferenceError" in c for c in console)
    assert any("Content Security Policy" in c for c in console)


def test_a_script_the_csp_does_not_name_is_refused(chromium, tmp_path):
    """The CSP's hash is what lets the page's script run: one changed byte and it is blocked."""
    from anonymizer.ui.report import build_report
    page = build_report(_result(["Salut Jo\n"], {0: [(6, 8, "Al", "PERSON", 1.0)]}), None)
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_text(page, encoding="utf-8")
    bad.write_text(page.replace("'use strict';", "'use strict'; ", 1), encoding="utf-8")
    dom, console, _ = render(good, tmp_path)
    assert console == [] and 'data-ready="chat-1"' in dom and "<mark" in dom
    dom, console, _ = render(bad, tmp_path)
    assert any("Content Security Policy" in c for c in console)
    assert "data-ready" not in dom and "<mark" not in dom


def test_escaped_text_renders_as_text(chromium, tmp_path):
    from anonymizer.ui.report import build_report
    """Text is text (no markup from the chat), and the highlights sit on their words after
    characters JavaScript counts twice (emojis: offsets are code points in the data)."""
    raws = ['👋🏽 <script>alert("x")</script> & <img src=x onerror=alert(1)> Zébulon 🎉 et Jo 🙏\n']
    at, jo = raws[0].index("Zébulon"), raws[0].index("Jo ")
    res = _result(raws, {0: [(at, at + 7, "Ana\"<b>", "PERSON", 0.5),
                             (jo, jo + 2, "Léonie", "PERSON", 1.0)]})
    page = tmp_path / "xss.html"
    page.write_text(build_report(res, None), encoding="utf-8")
    dom, console, _ = render(page, tmp_path)
    assert console == [], console
    d = _Dom()
    d.feed(dom)
    assert len(d.marks) == 2
    marks = re.findall(r"<mark [^>]*>([^<]*)</mark>", dom)
    assert [html.unescape(m) for m in marks] == ['Ana"<b>', "Léonie"]
    assert "".join(d.text) == ('👋🏽 <script>alert("x")</script> & <img src=x onerror=alert(1)> '
                               'Ana"<b> 🎉 et Léonie 🙏')
    assert "<img" not in dom.split('id="chat"', 1)[1].split("</main>", 1)[0]


def _originals(private_html: str) -> set[str]:
    """The real values a --reveal report names (the originals of its highlights)."""
    from anonymizer.ui.report import read_report_data
    return {h[6] for h in read_report_data(private_html)["hls"]}


def _present(value: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_report_renders_every_sample(sample, chromium, tmp_path, monkeypatch):
    from anonymizer import formats
    from anonymizer.formats.base import META, strip_eol
    from anonymizer.ui.report import read_report_data
    manifest = _manifest()
    entry = manifest.get(str(sample.relative_to(ROOT)))
    assert entry is not None, f"{sample} has no manifest entry"
    out, report = tmp_path / "out.txt", tmp_path / f"{sample.stem}.html"
    r = _cli([sample, out, "--report", report], tmp_path, monkeypatch)
    refused = None
    if r.exit_code == 3:
        # the engine's own output check refused the file (nothing written): still check the
        # report of the unverified run, then mark the sample as an engine failure
        refused = r.stderr.strip()
        assert not report.exists() and not out.exists()
        r = _cli([sample, out, "--report", report, "--no-verify"], tmp_path, monkeypatch)
    assert r.exit_code == 0, r.output
    m = re.search(r"(\d+) messages, (\d+) replacements", r.stderr)
    assert m, r.stderr
    n_replacements = int(m.group(2))
    assert n_replacements > 0
    html_text = report.read_text(encoding="utf-8")
    data = read_report_data(html_text)
    data_text = json.dumps(data, ensure_ascii=False)
    # self-contained: nothing to fetch
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html_text)
    assert not re.search(r"\b(src|href)\s*=\s*[\"'](?!#)", html_text)
    assert "Content-Security-Policy" in html_text
    assert len(data["hls"]) == n_replacements

    dom, console, shot = render(report, tmp_path)
    assert console == [], console
    assert shot.stat().st_size > 10_000  # a real picture, not a blank page
    d = _Dom()
    d.feed(dom)
    assert len(d.marks) == n_replacements
    assert len({a["id"] for a in d.marks}) == n_replacements
    # every highlight says what it is, which detector found it, and how sure it was
    for a in d.marks:
        assert re.fullmatch(r"[A-Z_]+", a["data-kind"])
        assert a["data-detector"] and re.fullmatch(r"[01]\.\d\d", a["data-score"])
        assert a["data-tip"].startswith(a["data-kind"] + " · detector: ")
        assert " · was: " not in a["data-tip"]
    # the anonymised text is the chat's: the output's words are in the page
    output = out.read_text(encoding="utf-8")
    shown = "".join(d.text)
    body_words = re.findall(r"[^\W\d_]{6,}", output)[:40]
    assert sum(w in shown for w in body_words) >= len(body_words) * 0.9
    # a chunk's metadata header is shown line by line as the file writes it
    metas = [strip_eol(x.raw) for x in formats.parse(output, "chunk") if x.kind == META] \
        if entry.get("format") == "chunk" else []
    for line in metas:
        assert line in shown, line
    assert shown.count("→") >= sum(line.count("→") for line in metas)
    # no real value anywhere, neither in the file, its data nor the rendered page: none of
    # the sample's known values (but those the engine keeps in its output on purpose, like
    # fiction phone ranges) and none of the values the run replaced
    kept = set(leaked_values(output, entry))
    assert set(leaked_values(html_text, entry)) <= kept
    assert set(leaked_values(data_text, entry)) <= kept
    assert set(leaked_values(dom, entry)) <= kept
    private = tmp_path / "private.html"
    r = _cli([sample, "--dry-run", "--report", private, "--reveal", "-q"]
             + (["--no-verify"] if refused else []), tmp_path, monkeypatch)
    assert r.exit_code == 0, r.output
    originals = {v for v in _originals(private.read_text(encoding="utf-8")) if len(v) >= 3}
    assert len(originals) >= 3
    for v in originals:
        if not _present(v, output):
            assert not _present(v, html_text), v
            assert not _present(v, data_text), v
            assert not _present(v, dom), v
    if refused:
        pytest.xfail(f"report OK, but the engine's verification refuses this sample: {refused}")


def test_reveal_shows_real_values_and_warns(chromium, tmp_path, monkeypatch):
    from anonymizer.ui.report import read_report_data
    sample = SAMPLES / "chunks" / "chunk_en.txt"
    entry = _manifest()[str(sample.relative_to(ROOT))]
    report = tmp_path / "private.html"
    r = _cli([sample, tmp_path / "o.txt", "--report", report, "--reveal", "-q"], tmp_path,
             monkeypatch)
    assert r.exit_code == 0, r.output
    assert "warning: --reveal" in r.stderr and str(report) in r.stderr
    assert oct(report.stat().st_mode & 0o777) == "0o600"
    html_text = report.read_text(encoding="utf-8")
    assert "REAL VALUES SHOWN" in html_text
    leaked = leaked_values(json.dumps(read_report_data(html_text), ensure_ascii=False), entry)
    assert set(entry["emails"]) <= set(leaked) and any(n in leaked for n in entry["names"])
    dom, console, _ = render(report, tmp_path)
    assert console == []
    assert "was: " in dom


# ----------------------------------------------------------------------------- what was left
_LEFT_CHAT = ("05/03/2025, 10:00 - Priscilla Huang: Salut ! Voici le lien https://lydia-app.com/collect/abc12\n"
              "05/03/2025, 10:01 - Thaddeus Ortega: merci, et Sébastien Kowalski vient aussi ? écris à "
              "t.ortega@gmail.com\n"
              "05/03/2025, 10:02 - Priscilla Huang: Oui, avec Zorblaxine, ma voisine.\n"
              "05/03/2025, 10:03 - Thaddeus Ortega: Super, Sébastien sera content\n")


def test_report_lists_what_was_left(chromium, tmp_path, monkeypatch):
    """Values kept by the policy and capitalised words left that look like names are listed
    (redacted without --reveal), each a link to its place in the conversation."""
    from anonymizer.ui.report import read_report_data
    chat = tmp_path / "chat.txt"
    chat.write_text(_LEFT_CHAT, encoding="utf-8")
    report = tmp_path / "left.html"
    r = _cli([chat, tmp_path / "o.txt", "--no-ner", "--policy", "URL=keep", "--report", report],
             tmp_path, monkeypatch)
    assert r.exit_code == 0, r.output
    page = report.read_text(encoding="utf-8")
    data = read_report_data(page)
    left = [(data["records"][x[0]][1][x[1]:x[2]], data["why"][x[3]], x[5]) for x in data["left"]]
    words = {w for w, why, _ in left if "name" in why or "word" in why}
    kept = [(w, pv) for w, why, pv in left if why.startswith("left on purpose")]
    # the URL the policy keeps (it is in the output: the report shows it, redacted in the list)
    assert kept == [("https://lydia-app.com/collect/abc12", "https://l•••")]
    # names nobody replaced (no NER): a known name twice, and a capitalised non-word
    assert {"Sébastien", "Kowalski", "Zorblaxine"} <= words
    # never a pseudonym (those are replacements), never a sentence's first ordinary word
    fakes = {data["records"][h[0]][1][h[1]:h[2]] for h in data["hls"]}
    assert not words & {t for f in fakes for t in f.split()}
    assert not words & {"Salut", "Voici", "Oui", "Super"}
    # the side panel names them redacted only; the words themselves are in the output
    aside = page.split("<aside>", 1)[1].split("</aside>", 1)[0]
    assert "Sébastien" not in aside and "S•••" in aside and "Z•••" in aside
    private = tmp_path / "private.html"
    r = _cli([chat, "--dry-run", "--no-ner", "--report", private, "--reveal", "-q"], tmp_path,
             monkeypatch)
    assert "Sébastien" in private.read_text(encoding="utf-8").split("</aside>", 1)[0]
    # the "Flagged only" view lists every left item with its context, linked to its place
    dom, console, _ = render(report, tmp_path, "#view=flagged&show=left")
    assert console == [], console
    flagged = dom.split('id="flagged"', 1)[1].split("</section>", 1)[0]
    links = re.findall(r'href="#l(\d+)"', flagged)
    assert [int(x) for x in links] == list(range(len(data["left"])))
    assert "<b>Zorblaxine</b>" in flagged and "capitalised mid-sentence" in flagged
    dom, console, _ = render(report, tmp_path, f"#l{links[-1]}")
    assert console == [] and re.search(rf'<span class="left w\d flash" id="l{links[-1]}"', dom)


# ----------------------------------------------------------------------------- paging
def _pages_hls(data: dict, page: int) -> list[int]:
    first, last = (page - 1) * data["page"], page * data["page"]
    return [i for i, h in enumerate(data["hls"]) if first <= h[0] < last]


def test_paging_by_url_fragment(chromium, tmp_path, monkeypatch):
    """2,500 messages: three pages of 1,000 records; #page=N, #hN and the flagged view."""
    from anonymizer.ui.report import read_report_data
    chat = make_chat(tmp_path / "chat.txt", 2500)
    report = tmp_path / "paged.html"
    r = _cli([chat, tmp_path / "o.txt", "--no-ner", "--report", report], tmp_path, monkeypatch)
    assert r.exit_code == 0, r.output
    data = read_report_data(report.read_text(encoding="utf-8"))
    assert data["page"] == 1000 and len(data["records"]) == 2500
    for page in (1, 3):
        dom, console, shot = render(report, tmp_path, f"#page={page}")
        assert console == [], console
        assert f'data-ready="chat-{page}"' in dom and 'data-pages="3"' in dom
        d = _Dom()
        d.feed(dom)
        assert d.records == list(range((page - 1) * 1000, min(2500, page * 1000)))
        assert [int(a["id"][1:]) - 1 for a in d.marks] == _pages_hls(data, page)
        assert shot.stat().st_size > 10_000
    # a highlight's anchor opens its page
    n = _pages_hls(data, 2)[5] + 1
    dom, console, _ = render(report, tmp_path, f"#h{n}")
    assert console == [] and 'data-ready="chat-2"' in dom and f'id="h{n}"' in dom
    # the flagged view, paged too: every replacement, 1,000 a page
    dom, console, _ = render(report, tmp_path, "#view=flagged&show=all&page=2")
    assert console == [] and 'data-ready="flagged-2"' in dom
    flagged = dom.split('id="flagged"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="#h(\d+)"', flagged) == [str(i) for i in range(1001, min(2001, len(data["hls"]) + 1))]


def _all_pages_marks(browser) -> list:
    """[marks counted, distinct mark ids] over every page, moving page to page by the URL."""
    return browser.js("""(async () => {
      const pages = +document.getElementById('views').dataset.pages, ids = new Set();
      let n = 0;
      for (let p = 1; p <= pages; p++) {
        location.hash = '#page=' + p;
        while (document.documentElement.dataset.ready !== 'chat-' + p)
          await new Promise(r => setTimeout(r, 1));
        const marks = document.querySelectorAll('#chat mark.hl');
        n += marks.length;
        marks.forEach(m => ids.add(m.id));
      }
      return [n, ids.size];
    })()""")


def test_paged_report_of_100k_messages(chromium, tmp_path):
    """The report of a 100,000-message chat (chatgen, --no-ner): one small file that opens
    paged, fast; every replacement highlighted once over the pages; no real value.
    About 95 s of CPU (2.5-3.5 min on a busy 2-core machine), most of it the anonymisation."""
    from anonymizer.ui.report import read_report_data
    chat = tmp_path / "chat100k.txt"
    chatgen.write(chat, "fr", 100_000, seed=1)
    out, report = tmp_path / "out.txt", tmp_path / "r100k.html"
    p = subprocess.run(ANON + [str(chat), str(out), "--no-ner", "--report", str(report)],
                       capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path,
                       timeout=1800)
    assert p.returncode == 0, p.stderr
    n_replacements = int(re.search(r"(\d+) messages, (\d+) replacements", p.stderr).group(2))
    html_text = report.read_text(encoding="utf-8")
    assert report.stat().st_size < 8_000_000   # was 58 MB of HTML before paging (issue 17)
    assert 'type="application/x-deflate-base64"' in html_text
    data = read_report_data(html_text)
    assert len(data["hls"]) == n_replacements > 100_000
    # no real value: no sender of the input is a sender label of the page, and no e-mail,
    # URL or phone number of the input is in its text unless the output kept it
    source, output = chat.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    senders = set(re.findall(r"(?m)^\d\d/\d\d/\d{4}, \d\d:\d\d - ([^:\n]+): ", source))
    labels = {r[1][r[4]:r[5]] for r in data["records"] if r[0] == 1}
    assert senders and labels and not senders & labels
    page_text = "\n".join(r[1] for r in data["records"])
    for v in set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+|www\.\S+", source)):
        if v not in output:
            assert v not in page_text, v
    with report_open.Browser(chromium=chromium) as b:
        b.open(report.resolve().as_uri() + "#page=3")
        ready = b.wait_ready()
        assert ready < 20_000, f"first page drawn after {ready:.0f} ms"
        assert b.console() == []
        assert b.js("document.documentElement.dataset.ready") == "chat-3"
        assert b.js("document.querySelector('#chat [id^=m]').id") == "m2000"
        assert b.js("document.querySelectorAll('#chat mark.hl').length") == len(_pages_hls(data, 3))
        b.screenshot(tmp_path / "r100k-page3.png")
        assert (tmp_path / "r100k-page3.png").stat().st_size > 10_000
        # the next flagged item from page 3 is the first one there or after
        b.js("document.getElementById('next-flag').click()")
        b.js("new Promise(r => setTimeout(r, 50))")
        target = b.js("location.hash")
        flagged = ([(data["hls"][i][:2], "h%d" % (i + 1)) for i in data["lowHls"]]
                   + [(x[:2], "l%d" % i) for i, x in enumerate(data["left"])])
        expect = min((f for f in flagged if f[0][0] >= 2000), default=(None, None))[1]
        assert expect is not None and target == "#" + expect
        assert b.js("document.activeElement.id") == expect
        # every replacement is one highlight, over all the pages
        assert _all_pages_marks(b) == [n_replacements, n_replacements]
        assert b.console() == []


def test_missing_chromium_fails_when_ci_requires_it(tmp_path):
    """Without a browser the browser tests skip, but fail under ANONYMIZER_REQUIRE_CHROMIUM=1."""
    args = [sys.executable, "-m", "pytest", "-rsf", "-p", "no:cacheprovider", str(Path(__file__)),
            "-k", "test_console_check_catches_errors"]
    env = dict(os.environ, ANONYMIZER_TEST_CHROMIUM=str(tmp_path / "no-chromium"))
    env.pop("ANONYMIZER_REQUIRE_CHROMIUM", None)
    p = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert p.returncode == 0 and "SKIPPED" in p.stdout and "not found" in p.stdout, p.stdout
    env["ANONYMIZER_REQUIRE_CHROMIUM"] = "1"
    p = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert p.returncode == 1 and "1 error" in p.stdout and "must run" in p.stdout, p.stdout


def test_reveal_needs_report_and_report_is_checked_first(tmp_path, monkeypatch):
    sample = SAMPLES / "chunks" / "chunk_en.txt"
    r = _cli([sample, tmp_path / "o.txt", "--reveal"], tmp_path, monkeypatch)
    assert r.exit_code == 2 and "add --report" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    existing = tmp_path / "r.html"
    existing.write_text("keep me")
    r = _cli([sample, tmp_path / "o.txt", "--report", existing], tmp_path, monkeypatch)
    assert r.exit_code == 2 and "--force" in r.stderr
    assert existing.read_text() == "keep me" and not (tmp_path / "o.txt").exists()
    r = _cli([sample, tmp_path / "o.txt", "--report", tmp_path / "nope" / "r.html"], tmp_path,
             monkeypatch)
    assert r.exit_code == 2 and "folder does not exist" in r.stderr
    r = _cli([sample, tmp_path / "o.txt", "--report", sample], tmp_path, monkeypatch)
    assert r.exit_code == 2 and "would overwrite" in r.stderr


def test_dry_run_prints_redacted_findings_and_writes_nothing(tmp_path, monkeypatch):
    sample = SAMPLES / "chunks" / "chunk_en.txt"
    entry = _manifest()[str(sample.relative_to(ROOT))]
    out = tmp_path / "o.txt"
    r = _cli([sample, out, "--dry-run"], tmp_path, monkeypatch)
    assert r.exit_code == 0, r.output
    assert not out.exists() and list(tmp_path.glob("*.txt")) == []
    lines = [ln for ln in r.stdout.splitlines() if not ln.startswith("#")]
    m = re.search(r"(\d+) replacements", r.stderr)
    assert m and len(lines) == int(m.group(1)) > 0
    assert all(re.match(r"\s*line \d+  [A-Z_]+ ", ln) and "  ->  " in ln for ln in lines)
    assert leaked_values(r.stdout, entry) == []
    assert "•" in r.stdout
    # the same replacements as a real run
    r2 = _cli([sample, out], tmp_path, monkeypatch)
    assert r2.exit_code == 0 and f" {len(lines)} replacements" in r2.stderr


def test_help_has_examples():
    r = CliRunner().invoke(main, ["run", "--help"])
    assert r.exit_code == 0
    assert "Examples:" in r.output and "--report review.html" in r.output
    assert "--dry-run" in r.output and "--reveal" in r.output


# ----------------------------------------------------------------------------- terminal
_FIRST = ["Camille", "Jean Dupont", "Hélène Martin", "Thibault", "Léa Moreau", "Bastien Roux"]
_LINES = ["Salut {o}, on se voit demain ?", "Mon numéro : 06 12 34 56 {n:02d}",
          "Écris-moi à {m}@gmail.com", "Regarde https://example.com/p/{n}", "ok 👍",
          "Je pars à 7h30 gare de Lyon", "<Médias omis>"]


def make_chat(path: Path, n: int) -> Path:
    """A WhatsApp (Android, fr) export of ``n`` messages."""
    out = []
    for i in range(n):
        day, minute = 1 + (i // 1440) % 28, i % 1440
        who = _FIRST[i % len(_FIRST)]
        other = _FIRST[(i * 7 + 3) % len(_FIRST)].split()[0]
        text = _LINES[i % len(_LINES)].format(o=other, n=i % 100, m=other.lower())
        out.append(f"{day:02d}/01/2025, {minute // 60:02d}:{minute % 60:02d} - {who}: {text}\n")
    path.write_text("".join(out), encoding="utf-8")
    return path


def run_on_tty(args: list[str], env: dict, cwd: Path, answers: str | None = None,
               stderr_log: Path | None = None) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal (or into ``stderr_log``); with ``answers``, stdin
    on it too, the answers typed in advance.  Returns (exit code, what the terminal got)."""
    master, slave = pty.openpty()
    log = open(stderr_log, "wb") if stderr_log else None
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL if answers is None else slave,
                         stdout=subprocess.DEVNULL if answers is None else slave,
                         stderr=log or slave, env=env, cwd=cwd)
    os.close(slave)
    if answers:
        os.write(master, answers.encode())
    chunks = []
    while True:
        r, _, _ = select.select([master], [], [], 600)
        if not r:
            p.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = p.wait(timeout=600)
    if log:
        log.close()
    return code, b"".join(chunks).decode("utf-8", "replace")


def _terminal_env(tmp_path):
    # progress from the first record (the 1 s delay is for people, not for tests)
    return _env(tmp_path, ANONYMIZER_PROGRESS_DELAY="0", COLUMNS="100", TERM="xterm-256color")


def test_progress_and_summary_on_a_terminal(tmp_path):
    chat = make_chat(tmp_path / "chat.txt", 3000)
    code, tty = run_on_tty(ANON + [str(chat), str(tmp_path / "o.txt"), "--no-ner"],
                           _terminal_env(tmp_path), tmp_path)
    assert code == 0, tty
    assert "anonymising" in tty                        # the progress bar
    assert re.search(r"\d+/3000", tty)                 # with its count
    assert "anonymize: summary" in tty                 # the closing table
    for row in ("person", "phone number", "e-mail", "URL", "files", "messages", "time"):
        assert row in tty
    assert re.search(r"messages\s*│\s*3000", tty)


def test_quiet_terminal_run_shows_nothing(tmp_path):
    chat = make_chat(tmp_path / "chat.txt", 3000)
    code, tty = run_on_tty(ANON + [str(chat), str(tmp_path / "o.txt"), "--no-ner", "-q"],
                           _terminal_env(tmp_path), tmp_path)
    assert code == 0, tty
    assert tty.strip() == ""
    assert (tmp_path / "o.txt").stat().st_size > 0


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    chat = make_chat(tmp_path / "chat.txt", 3000)
    p = subprocess.run(ANON + [str(chat), str(tmp_path / "o.txt"), "--no-ner"],
                       capture_output=True, text=True, env=_terminal_env(tmp_path), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "anonymising" not in p.stderr and "\x1b[" not in p.stderr
    assert re.search(r"3000 messages, \d+ replacements", p.stderr)


# ----------------------------------------------------------------------------- anonymize allow
_QUOTE = "Une citation pour finir.\nÉcris à victor.hugo@gmail.com ou au 06 12 34 56 78 demain.\n"


def _allow_project(tmp_path: Path) -> tuple[Path, dict]:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".anonymizer.toml").write_text(
        f'map = "{tmp_path}/project.map"\nlanguage = "fr"\n', encoding="utf-8")
    (repo / "quote.txt").write_text(_QUOTE, encoding="utf-8")
    env = _env(tmp_path, ANONYMIZER_HOME=str(tmp_path / "home"), TERM="xterm-256color")
    return repo, env


def _allow_entries(repo: Path) -> list[dict]:
    f = repo / ".anonymizer-allow.json"
    return json.loads(f.read_text(encoding="utf-8"))["entries"] if f.exists() else []


def test_allow_on_a_terminal_shows_the_value_in_its_line(tmp_path):
    repo, env = _allow_project(tmp_path)
    code, tty = run_on_tty(ANON + ["allow", "--no-ner", "quote.txt"], env, repo, "y\nn\n")
    assert code == 0, tty
    # the finding's own line, the value highlighted (reverse video), then the question
    m = re.search(r"quote\.txt:2:9 EMAIL_ADDRESS  Écris à (\x1b\[[\d;]*m)+victor\.hugo@gmail\.com"
                  r"\x1b\[0m ou au 06 12 34 56 78 demain\.  accept\? \[y/N\]", tty)
    assert m, tty
    assert re.search(r"quote\.txt:2:\d+ PHONE_NUMBER  .*(\x1b\[[\d;]*m)+06 12 34 56 78\x1b\[0m", tty)
    assert "•" not in tty
    assert [e["kind"] for e in _allow_entries(repo)] == ["EMAIL_ADDRESS"]   # y, then n


def test_allow_with_stderr_to_a_log_shows_only_redacted(tmp_path):
    repo, env = _allow_project(tmp_path)
    log = tmp_path / "allow.log"
    code, tty = run_on_tty(ANON + ["allow", "--no-ner", "quote.txt"], env, repo, "n\ny\n",
                               stderr_log=log)
    text = log.read_text(encoding="utf-8")
    assert code == 0, text
    assert "quote.txt:2:9 EMAIL_ADDRESS v•••@g•••.com  accept? [y/N]" in text
    assert "06 •• •• •• 78" in text
    assert "victor" not in text + tty and "12 34 56" not in text + tty and "\x1b[" not in text
    assert [e["kind"] for e in _allow_entries(repo)] == ["PHONE_NUMBER"]     # n, then y


def test_allow_without_a_terminal_fails_at_once(tmp_path):
    """One line, exit 2, before anything else: not even the missing key is looked at."""
    repo, env = _allow_project(tmp_path)
    env.pop("ANONYMIZER_KEY")
    p = subprocess.run(ANON + ["allow", "quote.txt"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, env=env, cwd=repo, timeout=600)
    assert p.returncode == 2
    assert p.stderr.splitlines() == [
        "anonymize: error: no terminal to ask: use --all or --at PATH:LINE:COL"]
    assert not (repo / ".anonymizer-allow.json").exists()
    # --at needs no terminal
    env["ANONYMIZER_KEY"] = KEY
    p = subprocess.run(ANON + ["allow", "--no-ner", "--at", "quote.txt:2:9", "quote.txt"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                       cwd=repo, timeout=600)
    assert p.returncode == 0, p.stderr
    assert [e["kind"] for e in _allow_entries(repo)] == ["EMAIL_ADDRESS"]
