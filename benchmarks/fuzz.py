"""Long fuzzing run (outside CI): ``python benchmarks/fuzz.py --cases 100000``.

Three targets, driven by hypothesis (the strategies of tests/test_properties.py):

* ``chat``: random WhatsApp (Android, iOS), dataset-chunk and plain-text chats with planted
  identities -> same records, kinds, timestamps and lines; no planted identity survives.
* ``cli``: random bytes, random text, and the samples of every format with random byte
  edits, through the real CLI in-process -> exit 0/2/3, one stderr line on error, no
  traceback, no "internal error", no output file on error, no temp file ever.
* ``decode``: random bytes -> decode_bytes() accepts (and then re-encodes byte for byte)
  or refuses with a one-line InputError.

Every failure is counted (the run does not stop at the first); the first few are printed
with their input.  Exit status 0 only with zero failures.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.test_properties import any_bytes, chats, check_chat, cli_case  # noqa: E402


class Tally:
    def __init__(self, name: str, total: int, every: int):
        self.name, self.total, self.every = name, total, every
        self.cases = 0
        self.failures: list[tuple[str, str]] = []
        self.t0 = time.perf_counter()
        self.t1 = None

    def done(self):
        self.t1 = time.perf_counter()

    def run(self, fn, *args):
        self.cases += 1
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - count and go on
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.failures.append((detail[:800], repr(args)[:1500]))
            if len(self.failures) <= 5:
                print(f"  FAIL [{self.name} #{self.cases}] {detail[:300]}\n    input: "
                      f"{repr(args)[:400]}", flush=True)
        if self.every and self.cases % self.every == 0:
            el = time.perf_counter() - self.t0
            print(f"  {self.name}: {self.cases}/{self.total} cases, {len(self.failures)} failures, "
                  f"{self.cases / el:.0f} cases/s", flush=True)

    def line(self) -> str:
        el = (self.t1 or time.perf_counter()) - self.t0
        return (f"{self.name:7s} {self.cases:7d} cases  {len(self.failures):3d} failures  "
                f"{el:8.1f} s  {self.cases / max(el, 1e-9):7.0f} cases/s")


def _settings(n: int, seed: int):
    return settings(max_examples=n, deadline=None, database=None, derandomize=False,
                    phases=[Phase.generate], suppress_health_check=list(HealthCheck))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100_000, help="total cases (all targets)")
    ap.add_argument("--share", default="25,50,25",
                    help="percent of cases for chat,cli,decode (default 25,50,25)")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    args = ap.parse_args(argv)
    shares = [int(x) for x in args.share.split(",")]
    counts = [args.cases * s // sum(shares) for s in shares]
    counts[0] += args.cases - sum(counts)
    every = max(1000, args.cases // 50)
    os.environ.pop("ANONYMIZER_DEBUG", None)
    print(f"fuzz: {args.cases} cases: chat {counts[0]}, cli {counts[1]}, decode {counts[2]}"
          + (f", seed {args.seed}" if args.seed is not None else ""), flush=True)

    tallies = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="anon-fuzz-") as tmp:
        work = Path(tmp)

        if counts[0]:
            chat = Tally("chat", counts[0], every)

            @_settings(counts[0], args.seed)
            @given(chats())
            def fuzz_chat(case):
                chat.run(check_chat, *case)
            chat.t0 = time.perf_counter()
            _seeded(fuzz_chat, args.seed)()
            chat.done()
            tallies.append(chat)

        if counts[1]:
            cli = Tally("cli", counts[1], every)

            @_settings(counts[1], args.seed)
            @given(any_bytes, st.sampled_from([".txt", ".json", ".jsonl", ".csv", ".md"]))
            def fuzz_cli(data, ext):
                cli.run(cli_case, data, work, ext)
            cli.t0 = time.perf_counter()
            _seeded(fuzz_cli, args.seed)()
            cli.done()
            tallies.append(cli)

        if counts[2]:
            dec = Tally("decode", counts[2], every)

            @_settings(counts[2], args.seed)
            @given(st.one_of(st.binary(max_size=4000), any_bytes))
            def fuzz_decode(data):
                dec.run(_decode_case, data)
            dec.t0 = time.perf_counter()
            _seeded(fuzz_decode, args.seed)()
            dec.done()
            tallies.append(dec)

    total = sum(t.cases for t in tallies)
    fails = sum(len(t.failures) for t in tallies)
    print()
    for t in tallies:
        print(t.line())
    print(f"fuzz: {total} cases in {time.perf_counter() - t0:.0f} s: {fails} failures")
    return 1 if fails else 0


def _seeded(fn, seed):
    if seed is None:
        return fn
    from hypothesis import seed as hseed
    return hseed(seed)(fn)


def _decode_case(data: bytes) -> None:
    from anonymizer.errors import InputError
    from anonymizer.io import decode_bytes, encode_text
    try:
        dec = decode_bytes(data, "x")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x: "), str(exc)
        return
    assert encode_text(dec.text, dec.encoding) == data, "not written back byte for byte"


if __name__ == "__main__":
    sys.exit(main())
