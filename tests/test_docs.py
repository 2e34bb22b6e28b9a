"""Every CLI command and option is documented in the README, in the section about that command.

In the style of sqlite-utils' tests/test_docs.py: the command tree is walked from pbdocs.cli, so a new
command or option without a README line fails here, one test per name.
"""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from pbdocs.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SECTIONS = re.split(r"^(?=## )", README, flags=re.M)


def _commands(group: click.Group, prefix: str = "pbdocs") -> list[tuple[str, click.Command]]:
    """Every command under ``group`` with its full invocation (``pbdocs index build``), subgroups included."""
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


COMMANDS = _commands(cli)
OPTIONS = [
    (path, max(option.opts, key=len))
    for path, command in [("pbdocs", cli), *COMMANDS]
    for option in command.params
    if isinstance(option, click.Option) and not option.hidden
]


def _mentions(text: str, name: str) -> bool:
    # Whole names only: "--ocr" must not be found inside "--ocr-dpi", nor "pbdocs index" in "pbdocs indexes".
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def _sections_about(path: str) -> list[str]:
    """The section whose heading names the command; else every section that mentions it."""
    headed = [section for section in SECTIONS if _mentions(section.partition("\n")[0], path)]
    return headed or [section for section in SECTIONS if _mentions(section, path)]


def test_the_command_tree_is_walked():
    # Guards the walk itself: a regression that found no commands would make every test below vacuous.
    assert {"pbdocs check", "pbdocs index build"} <= {path for path, _ in COMMANDS}
    assert ("pbdocs screen", "--out") in OPTIONS


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS])
def test_command_is_documented(path):
    assert _sections_about(path), f"`{path}` appears nowhere in README.md"


@pytest.mark.parametrize("path,option", OPTIONS, ids=[f"{path}-{option}" for path, option in OPTIONS])
def test_option_is_documented_with_its_command(path, option):
    # The root group's options (--version) belong to no command's section; anywhere in the README will do.
    sections = [README] if path == "pbdocs" else _sections_about(path)
    assert any(_mentions(section, option) for section in sections), (
        f"{option} of `{path}` is not mentioned in the README section(s) about `{path}`"
    )
