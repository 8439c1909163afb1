"""``anonymize IN OUT`` and friends (click)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import formats
from ..errors import EXIT_INPUT, AnonymizerError, InputError
from ..formats import FORMATS
from ..io import (Interrupted, atomic_write_bytes, check_structured, critical, encode_text,
                  install_signal_handlers, read_input, read_stream, restore_signal_handlers)


SHORT_USAGE = """\
usage: anonymize IN OUT [OPTIONS]         pseudonymise a chat export (- for stdin/stdout)
       anonymize IN --in-place | --dry-run
       anonymize init | scan | check | fix | allow | reveal  [ARGS]...
Run 'anonymize --help' for every option, 'anonymize COMMAND --help' for a command."""


class DefaultGroup(click.Group):
    """``anonymize IN OUT`` runs the default ``run`` command; other words are subcommands."""

    def parse_args(self, ctx, args):
        if not args:   # bare `anonymize`: a short usage, not the whole help in one line
            click.echo(SHORT_USAGE, err=True)
            ctx.exit(2)
        if args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run"] + list(args)
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage("anonymize", "IN OUT [OPTIONS]")
        formatter.write_usage("anonymize", "COMMAND [ARGS]...", prefix="   or: ")

    def format_options(self, ctx, formatter):
        """The default command's options first (``anonymize IN OUT --lang fr``), then the
        group's own and the subcommands."""
        run_cmd = self.commands["run"]
        run_ctx = click.Context(run_cmd, info_name="anonymize", parent=ctx)
        rows = [p.get_help_record(run_ctx) for p in run_cmd.params if isinstance(p, click.Option)]
        with formatter.section("Options of anonymize IN OUT"):
            formatter.write_dl([r for r in rows if r])
        super().format_options(ctx, formatter)

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


def _check_rules_option(ctx, param, value):
    """--rules FILE: user allow/deny word lists for name detection (see rules/names.yaml)."""
    if value:
        from ..detect.gazetteer import WordRules
        try:
            WordRules.load([value])
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


@main.command("run")
@click.argument("src", type=click.Path(allow_dash=True))
@click.argument("dst", type=click.Path(allow_dash=True), required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Force the input format (default: auto-detect); plain on a file detected as another "
              "format needs --force.")
@click.option("--lang", help="Language of the chat (fr, en, de, es, it, pt, nl); default: detected.")
@click.option("--key-file", type=click.Path(dir_okay=False), help="Secret key file (else $ANONYMIZER_KEY, else the project's key, else a random key for this run).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), help="Pseudonym map to load and extend (JSON, written 0600).")
@click.option("--in-place", is_flag=True, help="Rewrite SRC itself (a file that looks already "
              "pseudonymised needs the first run's --map, or --force).")
@click.option("--force", is_flag=True, help="Overwrite DST if it exists; also run --format plain "
              "on a chat export, or --in-place on a file that looks already pseudonymised.")
@click.option("--no-ner", is_flag=True, help="Skip spaCy name recognition (participants, phones, URLs, e-mails only).")
@click.option("--no-verify", is_flag=True, help="Skip the post-scan of the output (only if you know why).")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@click.option("--rules", "rules", type=click.Path(dir_okay=False), callback=_check_rules_option,
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
@click.option("--batch-size", "batch_size", type=click.IntRange(1, 10_000_000), metavar="N",
              help="Records per batch (memory against speed; same output for any N).")
@click.option("--dask", metavar="SCHEDULER", help="Run name recognition on a Dask cluster (scheduler address, e.g. tcp://host:8786), e.g. for a folder; same output as without.")
@click.option("--shift-dates", "shift_dates", metavar="DAYS|auto",
              help="Move every timestamp and date in the text by one offset (a multiple of 7 days, weekdays kept); auto = keyed offset.")
def run(src, dst, fmt, lang, key_file, map_path, in_place, force, no_ner, no_verify, quiet, fields=(),
        report_path=None, reveal=False, dry_run=False, policy=(), shift_dates=None, jobs=1, dask=None,
        rules=None, batch_size=None):
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
                 "policy": policy, "shift_dates": shift_dates, "jobs": jobs, "dask": dask,
                 "rules": rules, "batch_size": batch_size})
    except AnonymizerError as exc:
        msg = str(exc)
        if src and name not in msg and not msg.startswith(("stdout", "stdin", str(dst or "\0"))):
            msg = f"{name}: {msg}"  # every error names the file
        _fail(msg, exc.exit_code)
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
    from ..config import load_config
    from ..formats.folder import is_collection
    from ..pipeline.documents import open_documents
    from ..pipeline.run import run as run_documents
    from ..settings import Settings
    from .console import RunProgress, print_summary
    if in_place:
        if src == "-":
            raise InputError("--in-place needs a file, not stdin")
        if dst and Path(dst).resolve() != Path(src).resolve():
            raise InputError("--in-place takes no DST")
        dst = src
    dst = _check_review_options(src, dst, force, ui)  # a dry run writes nothing
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
    review = bool(ui.get("report") or ui.get("dry_run"))
    settings = Settings.create(
        load_config(), key_file=key_file, map_path=map_path, language=lang,
        ner=False if no_ner else None, verify=False if no_verify else None,
        policy=ui.get("policy"), shift_dates=ui.get("shift_dates"), jobs=ui.get("jobs") or 1,
        dask=ui.get("dask"), name_rules=(ui["rules"],) if ui.get("rules") else None,
        batch_size=ui.get("batch_size"), collect=review or (in_place and not force))
    if in_place and settings.map_path is not None:
        # a second --in-place with the map: the map's fakes are recognised and stay
        settings = settings.but(keep_pseudonyms=True)
    if not ui.get("dry_run"):
        settings.check_map_path()  # a map that could not be saved: refused before any work
    collection = src != "-" and is_collection(src)
    name = "stdin" if src == "-" else src
    if collection:
        from ..formats.folder import collection_items, read_collection
        if dst == "-":
            raise InputError("a folder or .zip input needs a folder or .zip DST, not stdout")
        if review:
            raise InputError("--report and --dry-run take one export file, not a folder or .zip; "
                             "run them on each file")
        files = read_collection(src)
        items, encodings, dirs, skipped = collection_items(files, fmt)
    else:
        # lazy: a UTF-8 input stays bytes, decoded line by line (issue 6)
        dec = read_stream(sys.stdin.buffer, "stdin", lazy=True) if src == "-" else read_input(src, lazy=True)
        if not fmt:
            fmt = _detect(dec)
        if fmt == "plain":
            check_structured(dec.text, name)  # a truncated JSON export is not "plain text"
            _check_forced_plain(dec, force)
        items = [(name, dec, fmt)]
    # the map's file stays locked until the map is saved (concurrent runs on one map queue up)
    wait = None if quiet else (lambda: click.echo(
        f"anonymize: waiting for another run using {settings.map_path}", err=True))
    # (a file already pseudonymised with this map holds its fakes on purpose: no re-keying)
    with settings.map_session(rekey=not settings.keep_pseudonyms, on_wait=wait) as session:
        engine = settings.engine(session.pmap)
        with RunProgress(enabled=not quiet) as prog:
            results = run_documents(engine, open_documents(items, fields), settings.executor(),
                                    progress=prog.update)
        res = _merged(results)
        if in_place and settings.map_path is None and not force:
            _check_not_pseudonymised(results, name)
        if review:
            # the whole input as a str only for --report / --dry-run (a lazy input stays bytes)
            html_text = _review(ui, res, dec.text, name, quiet)
            if ui.get("dry_run"):
                return
        with critical():  # SIGINT/SIGTERM wait until the map and the output are committed
            session.save()  # first: a map that cannot be saved leaves no output
            if collection:
                from ..formats.folder import collection_output, write_collection
                write_collection(dst, collection_output(files, results, encodings, dirs),
                                 dst.lower().endswith(".zip"))
            elif dst == "-":
                _to_stdout(res.encoded(dec.encoding) or [encode_text(res.text, dec.encoding)])
            else:
                atomic_write_bytes(Path(dst), res.encoded(dec.encoding) or encode_text(res.text, dec.encoding))
            state["committed"] = True
    for note in [] if quiet else session.pmap.notes:  # e.g. earlier pseudonyms re-keyed
        click.echo(f"anonymize: note: {note}", err=True)
    if ui.get("report"):
        from .report import write_report
        write_report(ui["report"], html_text, ui.get("reveal"))
    if not quiet:
        if not settings.stable_key:
            click.echo("anonymize: note: no key given (--key-file or ANONYMIZER_KEY): pseudonyms "
                       "will not be stable across runs", err=True)
        if not print_summary(res, files=len(items)):
            parts = ", ".join(f"{k} {n}" for k, n in sorted(res.counts.items()) if n)
            click.echo(f"anonymize: {res.format} ({res.language}), {res.messages} messages, "
                       f"{sum(res.counts.values())} replacements{': ' + parts if parts else ''} "
                       f"in {res.seconds:.2f}s", err=True)



def _detect(dec) -> str:
    """The format of a decoded input, from its head (all of it for a JSON document)."""
    head = dec.head()
    return formats.detect_format(dec.text if head.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")
                                 else head)


def _check_forced_plain(dec, force: bool) -> None:
    """``--format plain`` on a chat export would make its senders ordinary words: refused
    unless ``--force`` (names would then be found by NER only)."""
    detected = _detect(dec)
    if detected != "plain" and not force:
        raise InputError(f"this looks like a {detected} export: as --format plain its senders "
                         "are not participants and names are found by NER only; drop --format "
                         f"(or use --format {detected}), or add --force to read it as plain text")


def _check_not_pseudonymised(results, name: str) -> None:
    """``--in-place`` without a map on a file whose phone numbers, e-mails and URLs are all
    fakes already (fiction ranges, example.com/.org/.net): a second run would give its
    people second pseudonyms, so it is refused (the first run's ``--map``, or ``--force``).
    A file with none of them cannot be told apart: names alone do not show it."""
    from ..detect.base import EMAIL, PHONE, URL
    from ..render.redaction import looks_fake
    contacts = [(rep.kind, rep.original) for r in results for _, rep in r.replacements
                if rep.kind in (PHONE, EMAIL, URL)]
    if contacts and all(looks_fake(k, v) for k, v in contacts):
        raise InputError(f"{name}: looks already pseudonymised (its {len(contacts)} phone "
                         "number(s), e-mail(s) and URL(s) are all fakes: fiction ranges, "
                         "example.com/.org/.net); rewriting it without the first run's map would "
                         "give its people second pseudonyms: pass --map FILE, or --force")


def _merged(results):
    """One result for the summary: the first document's, with every document's counts."""
    res = results[0]
    for r in results[1:]:
        res.counts.update(r.counts)
        res.low_counts.update(r.low_counts)
        res.messages += r.messages
    return res


def _to_stdout(parts) -> None:
    try:
        for part in parts:
            sys.stdout.buffer.write(part)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        # nothing more can reach stdout: point it at /dev/null so the exit is quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = "no space left on device" if exc.errno == 28 else exc.strerror or exc
        raise InputError(f"stdout: cannot write ({reason}); the output is incomplete") from None


def _check_review_options(src: str, dst: str | None, force: bool, ui: dict) -> str | None:
    """Validate --report/--reveal/--dry-run before any work; returns the DST to check
    (``-`` for a dry run, which writes no output)."""
    report = ui.get("report")
    if ui.get("reveal") and not report:
        raise InputError("--reveal only changes the --report page; add --report FILE.html "
                         "(or drop --reveal)")
    if report:
        if report == "-":
            raise InputError("--report needs a file name (e.g. --report review.html), not -")
        rp = Path(report).resolve()
        for other in (src, dst):
            if other and other != "-" and rp == Path(other).resolve():
                raise InputError(f"{report}: --report would overwrite {other}; "
                                 f"pick another name, e.g. --report review.html")
        if not rp.parent.is_dir():
            raise InputError(f"{report}: the folder does not exist (create it, or pick "
                             f"another --report path)")
        if rp.exists() and not force:
            raise InputError(f"{report}: already exists (use --force to overwrite it)")
    if ui.get("dry_run"):
        return "-"
    return dst


def _review(ui: dict, result, text: str, name: str, quiet: bool) -> str | None:
    """Before anything is written: print the --dry-run findings and build the --report page
    (returned as a str, or None)."""
    from .console import dry_run_lines, print_summary
    from .report import build_report, write_report
    records = None
    if result.doc.lines_based:
        records = list(formats.parse(text, result.format))
        if len(records) != len(result.texts):
            records = None
    html_text = None
    if ui.get("report"):
        html_text = build_report(result, records, reveal=bool(ui.get("reveal")), source_name=name)
    if ui.get("dry_run"):
        out = sys.stdout
        lines = dry_run_lines(result, records)
        out.write(f"# dry run: {name}: {len(lines)} replacements (originals redacted); "
                  f"nothing written\n")
        for line in lines:
            out.write(line + "\n")
        out.flush()
        if html_text is not None:
            write_report(ui["report"], html_text, bool(ui.get("reveal")))
        if not quiet and not print_summary(result, extra=[("mode", "dry run: nothing written")]):
            sys.stderr.write(f"anonymize: dry run: {result.format} ({result.language}), "
                             f"{result.messages} messages, {len(lines)} replacements; "
                             f"nothing written\n")
    return html_text


from .commands import COMMANDS  # noqa: E402  (init, scan, check, fix, allow, reveal)

for _cmd in COMMANDS:
    main.add_command(_cmd)

if __name__ == "__main__":  # pragma: no cover
    main()
