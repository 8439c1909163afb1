"""``anonymize IN OUT`` and friends (click)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import EXIT_INPUT, AnonymizerError, InputError
from .. import formats
from ..formats import FORMATS
from ..io import (Interrupted, atomic_write_bytes, check_structured, critical, decode_bytes,
                 encode_text, install_signal_handlers, read_input, read_stream,
                 restore_signal_handlers)
from ..render.pseudonyms import KeyError_, LOCALES, PseudonymMap, load_key


class DefaultGroup(click.Group):
    """``anonymize IN OUT`` runs the default ``run`` command; other words are subcommands."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run"] + list(args)
        return super().parse_args(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Usage errors as one line (``anonymize: error: …``), exit 2, like every other error."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            msg = " ".join(exc.format_message().split())
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            click.echo(f"anonymize: error: {msg}{where}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"anonymize: error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("anonymize: error: interrupted; nothing was written", err=True)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="chat-anonymizer", prog_name="anonymize")
def main():
    """Replace every person, phone number, URL and e-mail in a chat export with a stable fake.

    \b
    Examples:
      anonymize chat.txt chat.anon.txt
      ANONYMIZER_KEY=... anonymize chat.txt out.txt --map people.map.json
      cat chat.txt | anonymize - - -q > out.txt
      anonymize chat.txt out.txt --report review.html   # review the changes in a browser
      anonymize chat.txt --dry-run                      # list what would change

    Exit codes: 0 ok, 1 findings (check mode), 2 usage or input error, 3 verification failed.
    """


def _load_rules_option(ctx, param, value):
    """--rules FILE: user allow/deny word lists for name detection (see rules/names.yaml)."""
    if value:
        from ..detect.gazetteer import load_user_rules
        try:
            load_user_rules(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


@main.command("run")
@click.argument("src", type=click.Path(allow_dash=True))
@click.argument("dst", type=click.Path(allow_dash=True), required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Force the input format (default: auto-detect).")
@click.option("--lang", help="Language of the chat (fr, en, de, es, it, pt, nl); default: detected.")
@click.option("--key-file", type=click.Path(dir_okay=False), help="Secret key file (else $ANONYMIZER_KEY, else a random key for this run).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), help="Pseudonym map to load and extend (JSON, written 0600).")
@click.option("--in-place", is_flag=True, help="Rewrite SRC itself.")
@click.option("--force", is_flag=True, help="Overwrite DST if it exists.")
@click.option("--no-ner", is_flag=True, help="Skip spaCy name recognition (participants, phones, URLs, e-mails only).")
@click.option("--no-verify", is_flag=True, help="Skip the post-scan of the output (only if you know why).")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@click.option("--rules", type=click.Path(dir_okay=False), expose_value=False, callback=_load_rules_option,
              metavar="FILE.yaml", help="Extra name rules: 'allow: [words never names]', 'deny: [words always names]'.")
@click.option("--field", "fields", multiple=True, help="Dataset text field/column to anonymise (repeatable; JSONL, JSON, CSV).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), metavar="FILE.html",
              help="Also write a self-contained HTML page to review the changes (shareable: no real value unless --reveal).")
@click.option("--reveal", is_flag=True, help="Put the real values in the --report page (private: never share it).")
@click.option("--dry-run", is_flag=True, help="Print what would be replaced (originals redacted); write nothing.")
@click.option("--policy", "policy", multiple=True, metavar="KIND=ACTION",
              help="Per-kind action: replace (default), redact (<IBAN>) or keep; repeatable, e.g. --policy CITY=keep --policy IBAN=redact.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes for name recognition (same output for any N).")
@click.option("--dask", metavar="SCHEDULER", help="Run name recognition on a Dask cluster (scheduler address, e.g. tcp://host:8786), e.g. for a folder; same output as without.")
@click.option("--shift-dates", "shift_dates", metavar="DAYS|auto",
              help="Move every timestamp and date in the text by one offset (a multiple of 7 days, weekdays kept); auto = keyed offset.")
def run(src, dst, fmt, lang, key_file, map_path, in_place, force, no_ner, no_verify, quiet, fields=(),
        report_path=None, reveal=False, dry_run=False, policy=(), shift_dates=None, jobs=1, dask=None):
    """Anonymise SRC into DST (use - for stdin/stdout).

    \b
    Examples:
      anonymize chat.txt chat.anon.txt
      anonymize chat.txt chat.anon.txt --report review.html   # then open review.html
      anonymize chat.txt --dry-run                            # what would change, nothing written
      anonymize chat.txt out.txt --report private.html --reveal   # real values: keep private
      anonymize chat.txt out.txt --no-ner -q                  # fast, silent

    \b
    Nothing is written unless the whole run succeeds and the output passes verification
    (same messages, lines and timestamps; no known real value left). DST is written
    atomically (temp file + fsync + rename) and never overwritten without --force.

    \b
    Exit codes:
      0    ok
      1    findings (check mode)
      2    usage or input error (unreadable, binary, empty, truncated file; disk full…)
      3    verification failed: nothing was written
      130  interrupted (143 on SIGTERM): nothing was written
    Set ANONYMIZER_DEBUG=1 to get a traceback for unexpected errors.
    """
    name = "stdin" if src == "-" else src
    state = {"committed": False}
    install_signal_handlers()
    try:
        _run(src, dst, fmt, lang, key_file, map_path, in_place, force, no_ner, no_verify, quiet,
             state, fields, ui={"report": report_path, "reveal": reveal, "dry_run": dry_run,
                 "policy": policy, "shift_dates": shift_dates, "jobs": jobs, "dask": dask})
    except AnonymizerError as exc:
        msg = str(exc)
        if src and name not in msg and not msg.startswith(("stdout", "stdin", str(dst or "\0"))):
            msg = f"{name}: {msg}"  # every error names the file
        _fail(msg, exc.exit_code)
    except KeyError_ as exc:
        _fail(str(exc), EXIT_INPUT)
    except KeyboardInterrupt as exc:  # SIGINT, and SIGTERM/SIGHUP through io.Interrupted
        code = exc.exit_code if isinstance(exc, Interrupted) else 130
        _fail("interrupted after the output was written" if state["committed"]
              else "interrupted; nothing was written", code)
    except BrokenPipeError:
        # stdout closed early (``| head``): not an error of ours, and nothing more to say
        os._exit(EXIT_INPUT)
    except MemoryError:
        _fail(f"{name}: out of memory; nothing was written (split the export)", EXIT_INPUT)
    except OSError as exc:
        _fail(f"{exc.filename or name}: {exc.strerror or exc}; nothing was written", EXIT_INPUT)
    except Exception as exc:  # noqa: BLE001 - a one-line message, never a traceback
        if os.environ.get("ANONYMIZER_DEBUG") == "1":
            import traceback
            traceback.print_exc()
        _fail(f"{name}: internal error ({type(exc).__name__}: {exc}); nothing was written "
              f"(ANONYMIZER_DEBUG=1 for a traceback)", EXIT_INPUT)
    finally:
        restore_signal_handlers()
        if state.get("map") is not None:  # the map's lock (issue 16)
            state["map"].close()


def _fail(msg: str, code: int):
    msg = " ".join(str(msg).split())  # always exactly one line
    if len(msg) > 500:
        msg = msg[:497] + "..."
    click.echo(f"anonymize: error: {msg}", err=True)
    sys.exit(code)


def _run(src, dst, fmt, lang, key_file, map_path, in_place, force, no_ner, no_verify, quiet,
         state=None, fields=(), ui=None):
    state = {} if state is None else state
    ui = ui or {}
    from . import report as _report  # --report / --reveal / --dry-run, progress, summary
    from ..pipeline.engine import Engine
    if lang and lang not in LOCALES:
        raise InputError(f"unsupported language {lang!r} (choose from {', '.join(LOCALES)})")
    if in_place:
        if src == "-":
            raise InputError("--in-place needs a file, not stdin")
        if dst and Path(dst).resolve() != Path(src).resolve():
            raise InputError("--in-place takes no DST")
        dst = src
    dst = _report.check_options(src, dst, in_place, force, ui)  # a dry run writes nothing
    if not dst:
        raise InputError("missing DST (an output path, or - for stdout); or use --in-place, "
                         "or --dry-run to only see what would change")
    if dst != "-" and src != "-" and not in_place:
        if Path(dst).resolve() == Path(src).resolve():
            raise InputError(f"{dst}: refusing to write over the input (use --in-place)")
        if Path(dst).exists() and not force:
            raise InputError(f"{dst}: already exists (use --force to overwrite)")
    if dst != "-" and not Path(dst).resolve().parent.is_dir():
        raise InputError(f"{dst}: the folder does not exist")
    from .config import load_config  # project settings: key file, map, language (issue 5)
    cfg = load_config()
    lang = lang or cfg.language
    no_ner = no_ner or not cfg.ner
    key, stable = cfg.key(key_file)
    seal_map = False
    if not map_path and cfg.source is not None and stable:
        map_path, seal_map = str(cfg.effective_map), cfg.encrypt_map
    if not stable and not quiet:
        click.echo("anonymize: note: no key given (--key-file or ANONYMIZER_KEY): pseudonyms "
                   "will not be stable across runs", err=True)
    from ..formats.folder import is_collection  # a Slack export / a folder of files (issue 4)
    collection = src != "-" and is_collection(src)
    if collection:
        dec = None
    elif src == "-":  # lazy: a UTF-8 input stays bytes, decoded line by line (issue 6)
        dec = read_stream(sys.stdin.buffer, "stdin", lazy=True)
    else:
        dec = read_input(src, lazy=True)
    name = "stdin" if src == "-" else src
    if not collection and not fmt:
        head = dec.head()
        fmt = formats.detect_format(dec.text if head.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")
                                    else head)
    if not collection and fmt == "plain":
        check_structured(dec.text, name)  # a truncated JSON export is not "plain text"
    pmap = PseudonymMap(key, LOCALES.get(lang or "fr", "fr_FR"))
    if map_path:  # security (issue 16): sealed map, locked until the run ends (render/mapfile.py)
        from ..render.mapfile import MapFile
        state["map"] = MapFile(map_path, key)
        state["map"].open(pmap, on_wait=lambda: quiet or click.echo(
            f"anonymize: waiting for another run using {map_path}", err=True))
    from ..render.policy import parse_policy  # per-kind replace/redact/keep: config, then --policy
    policy = {**getattr(cfg, "policy", {}), **parse_policy(ui.get("policy"))}
    shift = ui.get("shift_dates") or getattr(cfg, "shift_dates", None)
    eng = Engine(key, language=lang, ner=not no_ner, pmap=pmap, verify=not no_verify, policy=policy,
                 shift_dates=shift)
    eng.jobs = ui.get("jobs") or 1  # issue 6: NER on N processes, output unchanged
    # issue 6: per-replacement records only when --report / --dry-run need them (memory)
    eng.collect = bool(ui.get("report") or ui.get("dry_run"))
    if ui.get("dask"):  # issue 6: name detection on a Dask cluster, output unchanged
        from ..distributed import DaskNames, connect
        eng.jobs = DaskNames(connect(ui["dask"]))
    if collection:
        from ..formats.folder import anonymize_collection, read_collection, write_collection
        if dst == "-":
            raise InputError("a folder or .zip input needs a folder or .zip DST, not stdout")
        out, results, skipped = anonymize_collection(eng, read_collection(src), fmt, fields)
        res = results[0]
        for r in results[1:]:
            res.counts.update(r.counts)
            res.messages += r.messages
    elif fmt in formats.LINE_FORMATS and not fields:
        with _report.RunProgress(enabled=not quiet) as prog:
            res = eng.process_text(dec, fmt, name, progress=prog.update)
    else:
        res = formats.anonymize_document(eng, dec.text, fmt, name, fields)[1]
    # the whole input as a str only for --report / --dry-run (a lazy input stays bytes)
    wants_text = not collection and (ui.get("report") or ui.get("dry_run"))
    review = _report.prepare(ui, res, dec.text if wants_text else None, name, collection, quiet)
    if ui.get("dry_run"):
        return
    data = None if collection else (getattr(res, "encoded", lambda e: None)(dec.encoding)
                                    or encode_text(res.text, dec.encoding))
    with critical():  # SIGINT/SIGTERM wait until the output (and map) are committed
        if collection:
            write_collection(dst, out, dst.lower().endswith(".zip"))
        elif dst == "-":
            try:
                for part in (data if isinstance(data, list) else (data,)):
                    sys.stdout.buffer.write(part)
                sys.stdout.buffer.flush()
            except BrokenPipeError:
                raise
            except OSError as exc:
                # nothing more can reach stdout: point it at /dev/null so the exit is quiet
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                reason = "no space left on device" if exc.errno == 28 else exc.strerror or exc
                raise InputError(f"stdout: cannot write ({reason}); the output is incomplete") from None
        else:
            atomic_write_bytes(Path(dst), data)
        state["committed"] = True
        if map_path:
            state["map"].save(eng.pmap)  # merged with the file, sealed, atomic (issue 16)
    for note in [] if quiet else eng.pmap.notes:  # e.g. pseudonyms re-keyed (issue 16)
        click.echo(f"anonymize: note: {note}", err=True)
    if review is not None:
        _report.write_report(ui["report"], review, ui.get("reveal"))
    if not quiet and not _report.print_summary(res, files=len(results) if collection else 1):
        parts = ", ".join(f"{k} {res.counts.get(k, 0)}" for k in ("PERSON", "PHONE_NUMBER", "URL", "EMAIL_ADDRESS"))
        click.echo(f"anonymize: {res.format} ({res.language}), {res.messages} messages, "
                   f"{sum(res.counts.values())} replacements: {parts} in {res.seconds:.2f}s", err=True)


from . import commands  # noqa: E402,F401  (init, scan, check, fix, allow, reveal)

if __name__ == "__main__":  # pragma: no cover
    main()
