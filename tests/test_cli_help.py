"""Help pages in Chinese: usage lines, headings and metavars; only what one types stays in Latin letters."""
from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from pbdocs.cli import cli

# Names of file types, formats, products and protocols a help sentence names as they are written.
PROPER_NAMES = {
    "pbdocs", "TOML", "JSON", "Lines", "OCR", "HTTP", "CPU", "ZIP", "MB", "PostgreSQL", "SQLite", "Dask", "BM25",
    "Authorization", "Bearer", "X", "Forwarded", "For", "Real", "IP", "localhost", "postgresql", "tcp", "docs",
    "docx", "doc", "xlsx", "csv", "html", "json", "txt", "Word", "PDF",
}
# Keys of the JSON a command reads or writes, named as they are spelled, and a token's "never" expiry.
JSON_KEYS = {"id", "q", "query", "hits", "changes", "before", "after", "never"}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(_commands(cli))


def _typed_words(command: click.Command) -> set[str]:
    """What one types at this command: its name, its options, the values of its choices."""
    words: set[str] = set()
    for param in command.params:
        for name in getattr(param, "opts", []) + getattr(param, "secondary_opts", []):
            words |= set(WORD.findall(name))
        if isinstance(param.type, click.Choice):
            words |= {w for choice in param.type.choices for w in WORD.findall(str(choice))}
    if isinstance(command, click.Group):
        words |= {w for name in command.commands for w in WORD.findall(name)}
    return words


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "pbdocs" for p, _ in COMMANDS])
def test_help_has_no_english_but_what_one_types(path, command):
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="pbdocs")
    assert result.exit_code == 0, result.output
    page = result.output
    assert page.startswith(f"用法：pbdocs {' '.join(path)}".rstrip() + " [选项]")
    assert "选项：" in page and "选项:" not in page
    command_names = {w for _, c in COMMANDS for w in WORD.findall(c.name or "")}
    allowed = PROPER_NAMES | JSON_KEYS | _typed_words(command) | command_names
    # What a help sentence quotes to be typed is typed too: option names, paths and file names
    # (--fail-on, /docs, manifest.json), environment variables, durations (90d).
    typed = r"--?[A-Za-z][\w-]*|/[\w/.-]+|\w+\.json|pbdocs\[\w+\]|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b\d+[dhw]\b"
    quoted = {w for token in re.findall(typed, page) for w in WORD.findall(token)}
    english = set(WORD.findall(page)) - allowed - quoted
    assert not english, english


def test_usage_line_and_metavars_are_chinese():
    page = CliRunner().invoke(cli, ["check", "--help"], prog_name="pbdocs").output
    assert page.splitlines()[0] == "用法：pbdocs check [选项] 文件……"
    assert "--timeout 秒数" in page and "--rules 文件" in page
    serve = CliRunner().invoke(cli, ["serve", "--help"], prog_name="pbdocs").output
    assert "--port 端口" in serve and "0 至 65535" in serve and "x>=" not in serve
    top = CliRunner().invoke(cli, ["--help"], prog_name="pbdocs").output
    assert top.splitlines()[0] == "用法：pbdocs [选项] 命令 [参数]……" and "命令：" in top


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "pbdocs" for p, _ in COMMANDS])
def test_help_lines_fit_the_terminal_counting_chinese_as_two_columns(path, command):
    from pbdocs.cli import _screen_width

    page = CliRunner().invoke(cli, [*path, "--help"], prog_name="pbdocs", terminal_width=80).output
    # An option's own name with its choices is one word: it may be wider, on a line of its own.
    too_wide = [line for line in page.splitlines()
                if _screen_width(line) > 80 and not line.lstrip().startswith("-")]
    assert not too_wide
    # Closing punctuation never starts a line.
    assert not [line for line in page.splitlines() if line.strip()[:1] in set("，。、；：）》")]
