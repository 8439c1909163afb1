"""``anonymize IN OUT`` and friends (click)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import EXIT_INPUT, AnonymizerError, InputError
from .formats import FORMATS
from .io import atomic_write_bytes, decode_bytes, encode_text, read_input
from .pseudonyms import KeyError_, LOCALES, PseudonymMap, load_key


class DefaultGroup(click.Group):
    """``anonymize IN OUT`` runs the default ``run`` command; other words are subcommands."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run"] + list(args)
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="chat-anonymizer", prog_name="anonymize")
def main():
    """Replace every person, phone number, URL and e-mail in a chat export with a stable fake.

    \b
    Examples:
      anonymize chat.txt chat.anon.txt
      ANONYMIZER_KEY=... anonymize chat.txt out.txt --map people.map.json
      cat chat.txt | anonymize - - -q > out.txt

    Exit codes: 0 ok, 1 findings (check mode), 2 usage or input error, 3 verification failed.
    """


@main.command("run")
@click.argument("src", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("dst", type=click.Path(dir_okay=False, allow_dash=True), required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Force the input format (default: auto-detect).")
@click.option("--lang", help="Language of the chat (fr, en, de, es, it, pt, nl); default: detected.")
@click.option("--key-file", type=click.Path(dir_okay=False), help="Secret key file (else $ANONYMIZER_KEY, else a random key for this run).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), help="Pseudonym map to load and extend (JSON, written 0600).")
@click.option("--in-place", is_flag=True, help="Rewrite SRC itself.")
@click.option("--force", is_flag=True, help="Overwrite DST if it exists.")
@click.option("--no-ner", is_flag=True, help="Skip spaCy name recognition (participants, phones, URLs, e-mails only).")
@click.option("--no-verify", is_flag=True, help="Skip the post-scan of the output (only if you know why).")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def run(src, dst, fmt, lang, key_file, map_path, in_place, force, no_ner, no_verify, quiet):
    """Anonymise SRC into DST (use - for stdin/stdout)."""
    try:
        _run(src, dst, fmt, lang, key_file, map_path, in_place, force, no_ner, no_verify, quiet)
    except AnonymizerError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyError_ as exc:
        _fail(str(exc), EXIT_INPUT)
    except KeyboardInterrupt:
        _fail("interrupted; nothing was written", 130)


def _fail(msg: str, code: int):
    click.echo(f"anonymize: error: {msg}", err=True)
    sys.exit(code)


def _run(src, dst, fmt, lang, key_file, map_path, in_place, force, no_ner, no_verify, quiet):
    from .engine import Engine
    if lang and lang not in LOCALES:
        raise InputError(f"unsupported language {lang!r} (choose from {', '.join(LOCALES)})")
    if in_place:
        if src == "-":
            raise InputError("--in-place needs a file, not stdin")
        if dst and Path(dst).resolve() != Path(src).resolve():
            raise InputError("--in-place takes no DST")
        dst = src
    if not dst:
        raise InputError("missing DST (an output path, or - for stdout); or use --in-place")
    if dst != "-" and src != "-" and not in_place:
        if Path(dst).resolve() == Path(src).resolve():
            raise InputError(f"{dst}: refusing to write over the input (use --in-place)")
        if Path(dst).exists() and not force:
            raise InputError(f"{dst}: already exists (use --force to overwrite)")
    if dst != "-" and not Path(dst).resolve().parent.is_dir():
        raise InputError(f"{dst}: the folder does not exist")
    try:
        key, stable = load_key(key_file)
    except FileNotFoundError:
        raise InputError(f"{key_file}: key file not found") from None
    if not stable and not quiet:
        click.echo("anonymize: note: no key given (--key-file or ANONYMIZER_KEY): pseudonyms "
                   "will not be stable across runs", err=True)
    if src == "-":
        dec = decode_bytes(sys.stdin.buffer.read(), "stdin")
    else:
        dec = read_input(src)
    pmap = PseudonymMap(key, LOCALES.get(lang or "fr", "fr_FR"))
    if map_path:
        pmap.load(map_path)
    eng = Engine(key, language=lang, ner=not no_ner, pmap=pmap, verify=not no_verify)
    res = eng.process_text(dec.text, fmt, "stdin" if src == "-" else src)
    data = encode_text(res.text, dec.encoding)
    if dst == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        atomic_write_bytes(Path(dst), data)
    if map_path:
        eng.pmap.save(map_path)
    if not quiet:
        parts = ", ".join(f"{k} {res.counts.get(k, 0)}" for k in ("PERSON", "PHONE_NUMBER", "URL", "EMAIL_ADDRESS"))
        click.echo(f"anonymize: {res.format} ({res.language}), {res.messages} messages, "
                   f"{sum(res.counts.values())} replacements: {parts} in {res.seconds:.2f}s", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
