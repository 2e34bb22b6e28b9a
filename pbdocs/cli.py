"""Command-line shell: parses options, calls the library, prints data to stdout, messages to stderr.

Library errors (``pbdocs.errors``) become one ``Error: ...`` line on stderr and an exit code:
0 ok, 1 findings (a charter not compliant), 2 usage, 3 a file could not be read.
"""
from __future__ import annotations

import json
import sys

import click

from . import __version__
from .errors import PbdocsError, ReadError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def _error(message: str) -> None:
    click.echo(f"Error: {message}", err=True)


def _json_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


class _Group(click.Group):
    """Maps typed library errors to one ``Error:`` line and their exit code, in every command."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PbdocsError as exc:
            _error(str(exc))
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pbdocs")
def cli():
    """pbdocs: extract, check and search party-building (党建) documents of social organizations."""


# --- extract -------------------------------------------------------------------------------------

@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the extracted text; json: one JSON object per file (JSON Lines).")
@click.option("--ocr", type=click.Choice(["auto", "never", "always"]), default="auto", show_default=True,
              help="OCR scanned or broken PDF pages (auto), refuse them (never), or OCR every page.")
def extract(paths, fmt, ocr):
    """Extract clean text (with pages and metadata) from documents."""
    from .extract import ExtractOptions, extract as extract_document

    options = ExtractOptions(ocr=ocr)
    failed = False
    for path in paths:
        try:
            doc = extract_document(path, options)
        except ReadError as exc:
            _error(str(exc))
            failed = True
            continue
        for warning in doc.warnings:
            click.echo(f"{path}: {warning}", err=True)
        if fmt == "json":
            click.echo(_json_line(doc.as_dict()))
        else:
            if len(paths) > 1:
                click.echo(f"==> {path} <==")
            click.echo(doc.text)
    sys.exit(EXIT_UNREADABLE if failed else EXIT_OK)


# --- entry point ---------------------------------------------------------------------------------

main = cli

if __name__ == "__main__":
    main()
