"""How fast a ``--report`` page opens in headless Chromium (Debian's ``chromium``), measured
through the DevTools protocol over a pipe (``--remote-debugging-pipe``: no port, no network,
no Playwright, nothing but the standard library).

    python benchmarks/report_open.py review.html [review.html#page=3 ...] [--runs 3]

prints, per page: file size, time to DOMContentLoaded and to the load event (the page's own
``performance`` timings), to the report's first page drawn (its ``report-ready`` mark: the
data is inflated and parsed after the load event), first contentful paint, and the wall time
from navigation to load.
:class:`Browser` is also what ``tests/test_report.py`` drives the paged report with.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--host-resolver-rules=MAP * ~NOTFOUND"]


class Browser:
    """One headless Chromium with a fresh profile, driven over ``--remote-debugging-pipe``
    (requests on fd 3, answers on fd 4, JSON messages ended by a NUL byte)."""

    def __init__(self, width: int = 1280, height: int = 1000, timeout: float = 300,
                 chromium: str = CHROMIUM):
        self.profile = tempfile.mkdtemp(prefix="report-chromium-")
        self.timeout = timeout
        to_r, self._w = os.pipe()   # our requests -> chromium's fd 3
        self._r, from_w = os.pipe()  # chromium's fd 4 -> our answers
        cmd = [chromium, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
               f"--window-size={width},{height}", "about:blank"]

        def fds():
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=fds)
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"],
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    # -- the protocol
    def _read(self) -> dict:
        while b"\0" not in self._buf:
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method: str, session: bool = False, **params) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read())
        raise TimeoutError(method)

    # -- what the tests and the benchmark need
    def open(self, url: str) -> float:
        """Navigate and wait for the load event; returns the wall time it took."""
        self.events.clear()
        t0 = time.perf_counter()
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired")
        return time.perf_counter() - t0

    def js(self, expression: str):
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        r = self.call("Runtime.evaluate", session=True, expression=expression,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"].get("exception", {}).get("description")
                               or r["exceptionDetails"].get("text"))
        return r["result"].get("value")

    def console(self) -> list[str]:
        """Errors and console messages of the page so far (script errors, CSP violations)."""
        out = []
        for m in self.events:
            p = m.get("params", {})
            if m.get("method") == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append(d.get("exception", {}).get("description") or d.get("text", ""))
            elif m.get("method") == "Runtime.consoleAPICalled":
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
            elif m.get("method") == "Log.entryAdded":
                out.append(p["entry"]["text"])
        return out

    def screenshot(self, path: Path) -> Path:
        import base64
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def wait_ready(self) -> float | None:
        """Wait until the report has drawn its first page (its ``report-ready`` performance
        mark; a page without one, e.g. an old report, is ready at its load event); returns
        the mark's time in ms from navigation start, or None."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            t = self.js("""(() => { const m = performance.getEntriesByName('report-ready')[0];
              return m ? m.startTime : (document.querySelector('script[type="application/x-deflate-base64"]')
                                       ? -1 : null); })()""")
            if t != -1:
                return t
            time.sleep(0.02)
        raise TimeoutError("report-ready")

    def timings(self) -> dict:
        """The page's own timings, in ms from navigation start (``ready``: first page drawn)."""
        ready = self.wait_ready()
        t = self.js("""(() => {
          const n = performance.getEntriesByType('navigation')[0];
          const p = performance.getEntriesByName('first-contentful-paint')[0];
          return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                  fcp: p ? p.startTime : null, nodes: document.getElementsByTagName('*').length};
        })()""")
        t["ready"] = ready if ready is not None else t["load"]
        return t

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def measure(page: str, runs: int = 3) -> dict:
    """Best of ``runs`` fresh browsers (the machine is shared: the minimum is the signal)."""
    path, _, frag = page.partition("#")
    url = Path(path).resolve().as_uri() + (f"#{frag}" if frag else "")
    best = None
    for _ in range(runs):
        with Browser() as b:
            wall = b.open(url)
            t = b.timings()
        t["wall"] = round(wall * 1000)
        if best is None or t["ready"] < best["ready"]:
            best = t
    best["bytes"] = Path(path).stat().st_size
    return best


def main(argv: list[str]) -> int:
    runs = 3
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = int(argv[i + 1])
        del argv[i:i + 2]
    for page in argv:
        t = measure(page, runs)
        fcp = f"{t['fcp']:.0f} ms" if t["fcp"] is not None else "n/a"
        print(f"{page}: {t['bytes'] / 1e6:.1f} MB, DOMContentLoaded {t['dcl']:.0f} ms, "
              f"load {t['load']:.0f} ms, first page drawn {t['ready']:.0f} ms, "
              f"first paint {fcp}, wall to load {t['wall']} ms, "
              f"{t['nodes']} elements (best of {runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
