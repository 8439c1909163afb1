"""What the CLI shows on the terminal: a progress bar over every phase of a run, the closing
summary, and the ``--dry-run`` listing (originals redacted)."""
from __future__ import annotations

import os
import sys
import threading
from collections import Counter

from ..formats.base import Record
from ..pipeline.run import LOW_SCORE
from .report import KIND_ORDER, kind_label

class RunProgress:
    """A rich progress bar on stderr, shown only on a terminal and only once the run has
    lasted ``delay`` seconds (default 1; ``ANONYMIZER_PROGRESS_DELAY`` overrides it).

    Use as a context manager and pass :meth:`update` as the run's ``progress`` callable.
    """

    def __init__(self, enabled: bool = True, label: str = "anonymising", delay: float | None = None):
        if delay is None:
            try:
                delay = float(os.environ.get("ANONYMIZER_PROGRESS_DELAY", "1"))
            except ValueError:
                delay = 1.0
        self.enabled = enabled and sys.stderr.isatty()
        self.delay = delay
        self.label = label
        self.done, self.total = 0, None
        self._lock = threading.Lock()
        self._bar = None
        self._task = None
        self._timer = None
        self._closed = False
        self.shown = False

    def __enter__(self):
        if self.enabled and self.delay <= 0:
            self._start()
        elif self.enabled:
            self._timer = threading.Timer(self.delay, self._start)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _start(self):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn)
        with self._lock:
            if self._closed:
                return
            self._bar = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"),
                                 BarColumn(), MofNCompleteColumn(), TextColumn("records"),
                                 TimeElapsedColumn(), console=Console(stderr=True),
                                 transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, completed=self.done)
            self._bar.refresh()
            self.shown = True

    def update(self, phase: str, done: int, total: int | None):
        """The run's progress (``pipeline.run.run``'s callable): one bar whose label is the
        phase (reading, finding names, replacing, verifying), restarted at each phase, so it
        never sits full while work goes on."""
        self.label, self.done, self.total = phase, done, total
        if self._bar is not None:
            with self._lock:
                if self._bar is not None:
                    self._bar.update(self._task, completed=done, total=total, description=phase)

    def __exit__(self, *exc):
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
                self._bar = None
        return False


def print_summary(result, files: int = 1, extra: list[tuple[str, str]] | None = None) -> bool:
    """The closing summary table on stderr; only on a terminal (returns False otherwise,
    and the caller prints its one-line summary)."""
    if not sys.stderr.isatty():
        return False
    from rich.console import Console
    from rich.table import Table
    console = Console(stderr=True)
    counts = Counter(rep.kind for _, rep in result.replacements) or result.counts
    table = Table(title="anonymize: summary", title_justify="left", show_footer=False)
    table.add_column("Kind")
    table.add_column("Replaced", justify="right")
    table.add_column("Low confidence", justify="right")
    lowc = Counter(rep.kind for _, rep in result.replacements if rep.score < LOW_SCORE)
    if not result.replacements and getattr(result, "low_counts", None):  # streamed run (issue 6)
        lowc = result.low_counts
    kinds = list(KIND_ORDER) + sorted(k for k in counts if k not in KIND_ORDER)
    for k in kinds:
        if counts.get(k) or lowc.get(k):   # kinds that were found only (issue 17)
            table.add_row(kind_label(k), str(counts.get(k, 0)), str(lowc.get(k, 0)))
    table.add_section()
    table.add_row("[bold]total", f"[bold]{sum(counts.values())}", str(sum(lowc.values())))
    table.add_section()
    table.add_row("files", str(files), "")
    table.add_row("messages", str(result.messages), "")
    table.add_row("format", f"{result.format} ({result.language})", "")
    table.add_row("time", f"{result.seconds:.2f}s", "")
    for k, v in extra or []:
        table.add_row(k, v, "")
    console.print(table)
    return True


def record_lines(records: list[Record]) -> list[int]:
    """1-based line number of each record's first line."""
    out, line = [], 1
    for r in records:
        out.append(line)
        line += r.raw.count("\n") or (1 if r.raw.endswith("\r") else 0)
    return out


def dry_run_lines(result, records: list[Record] | None) -> list[str]:
    """One line per replacement: where, kind, detector, score, redacted original -> new."""
    from ..render.redaction import preview
    starts = record_lines(records) if records is not None and len(records) == len(result.texts) else None
    rows = []
    for ri, rep in sorted(result.replacements, key=lambda x: (x[0], x[1].start)):
        if starts is not None:
            line = starts[ri] + records[ri].raw[:rep.start].count("\n")
            where = f"line {line}"
        else:
            where = f"record {ri + 1}"
        flag = "  <- review" if rep.score < LOW_SCORE else ""
        rows.append(f"{where:>11}  {rep.kind:<13} {rep.detector or '?':<11} {rep.score:4.2f}  "
                    f"{preview(rep.kind, rep.original)}  ->  {rep.new}{flag}")
    return rows




# ---------------------------------------------------------------------- anonymize allow
_CONTROL = {c: "?" for c in list(range(0, 9)) + list(range(10, 32)) + [127] + list(range(0x80, 0xA0))}


class FindingPrompt:
    """What ``anonymize allow`` asks about each finding.  On a terminal (stdin and stderr
    both one: somebody is reading) the finding's own line, cut to ``width`` columns around it,
    with the value highlighted, so you accept a word you can see; anywhere else (stderr is a
    log) only the redacted preview (:meth:`Hit.report`).  Control characters of the file are
    shown as ``?`` (a file cannot drive the terminal)."""

    def __init__(self, root, show: bool, width: int = 100):
        self.root, self.show, self.width = root, show, width
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        """Line ``number`` (1-based) of the file a finding names (relative to the project)."""
        from pathlib import Path

        from ..formats.base import split_lines, strip_eol
        from ..io import read_input
        if path not in self._lines:
            p = Path(path)
            if not p.is_absolute() and not p.exists():
                p = Path(self.root) / p
            self._lines[path] = [strip_eol(x) for x in split_lines(read_input(p).text)]
        lines = self._lines[path]
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def __call__(self, hit) -> str:
        if not self.show:
            return hit.report()
        import click
        line = self.line(hit.path, hit.line)
        s = hit.col - 1
        e = min(len(line), s + len(hit.value))
        a = max(0, min(s - 30, e + 30 - self.width))
        b = min(len(line), max(e + 30, a + self.width))
        clean = lambda t: t.translate(_CONTROL)  # noqa: E731
        shown = ("…" if a else "") + clean(line[a:s]) + click.style(clean(line[s:e]), reverse=True, bold=True) \
            + clean(line[e:b]) + ("…" if b < len(line) else "")
        return f"{hit.path}:{hit.line}:{hit.col} {hit.kind}  {shown}"
