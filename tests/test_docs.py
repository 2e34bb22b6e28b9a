"""The manual in docs/ documents every CLI command and option, names only files that exist, and builds.

In the style of sqlite-utils' tests/test_docs.py: the command tree is walked from pbdocs.cli, so a new
command or option without a line in the manual fails here, one test per name. The manual is built with
`mkdocs build --strict`, as a reader would get it, so a broken link or a page left out of the navigation
fails too.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from pbdocs.cli import cli

from test_lint import LAYERS

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
README = REPO / "README.md"
README_MAX_LINES = 300
PAGES = {path.relative_to(DOCS).as_posix(): path.read_text(encoding="utf-8") for path in sorted(DOCS.rglob("*.md"))}


def _sections(text: str) -> list[str]:
    return re.split(r"^(?=#{2,3} )", text, flags=re.M)


def _title(text: str) -> str:
    return next((line for line in text.splitlines() if line.startswith("# ")), "")


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


def _texts_about(path: str) -> list[str]:
    """The pages whose title names the command; else the sections whose heading names it; else every
    section that mentions it."""
    pages = [text for text in PAGES.values() if _mentions(_title(text), path)]
    if pages:
        return pages
    sections = [section for text in PAGES.values() for section in _sections(text)]
    headed = [section for section in sections if _mentions(section.partition("\n")[0], path)]
    return headed or [section for section in sections if _mentions(section, path)]


def test_the_command_tree_is_walked():
    # Guards the walk itself: a regression that found no commands would make every test below vacuous.
    assert {"pbdocs check", "pbdocs index build"} <= {path for path, _ in COMMANDS}
    assert ("pbdocs screen", "--out") in OPTIONS
    assert "commands/check.md" in PAGES


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS])
def test_command_is_documented(path):
    assert _texts_about(path), f"`{path}` appears nowhere in docs/"


@pytest.mark.parametrize("path,option", OPTIONS, ids=[f"{path}-{option}" for path, option in OPTIONS])
def test_option_is_documented_with_its_command(path, option):
    # The root group's options (--version) belong to no command's page; anywhere in the manual will do.
    texts = list(PAGES.values()) if path == "pbdocs" else _texts_about(path)
    assert any(_mentions(text, option) for text in texts), (
        f"{option} of `{path}` is not mentioned on the docs/ page or section(s) about `{path}`"
    )


# A path inside the package as the docs write it (`pbdocs/search/factors.py`), not the tail of a
# user folder (`~/.cache/pbdocs/index`, `/srv/pbdocs/originals`).
PACKAGE_PATH = re.compile(r"(?<![\w./~$%\\-])pbdocs/[\w./-]*[\w/]")


def _named_paths() -> list[tuple[str, str]]:
    texts = {**{f"docs/{name}": text for name, text in PAGES.items()}, "README.md": README.read_text(encoding="utf-8")}
    return sorted({(name, match.group().rstrip("/")) for name, text in texts.items()
                   for match in PACKAGE_PATH.finditer(text)})


NAMED_PATHS = _named_paths()


def test_the_docs_name_package_paths():
    assert ("docs/architecture.md", "pbdocs/errors.py") in NAMED_PATHS


@pytest.mark.parametrize("page,path", NAMED_PATHS, ids=[f"{page}:{path}" for page, path in NAMED_PATHS])
def test_every_package_path_the_docs_name_exists(page, path):
    assert (REPO / path).exists(), f"{page} names {path}, which does not exist"


def test_no_merge_conflict_is_left_in_the_manual():
    # A conflict committed as text still builds: mkdocs renders the markers as prose.
    texts = {**{f"docs/{name}": text for name, text in PAGES.items()}, "README.md": README.read_text(encoding="utf-8"),
             "mkdocs.yml": (REPO / "mkdocs.yml").read_text(encoding="utf-8")}
    marked = [name for name, text in texts.items() if re.search(r"^(?:<{7}|={7}|>{7})(?: |$)", text, re.M)]
    assert marked == []


def test_every_module_the_architecture_names_exists():
    # The page names modules by file (`opinion.py`) inside the package it describes; a module that is
    # gone (or never was) must leave the page too.
    named = set(re.findall(r"`([\w]+\.py)`", PAGES["architecture.md"]))
    present = {path.name for path in (REPO / "pbdocs").rglob("*.py")}
    assert "opinion.py" in named
    assert sorted(named - present) == []


def test_every_page_is_in_the_navigation():
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    listed: list[str] = []

    def walk(node):
        if isinstance(node, str):
            listed.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(config["nav"])
    assert sorted(listed) == sorted(PAGES)
    assert config["theme"]["name"] == "material"


def test_the_layer_table_is_the_one_the_lint_test_enforces():
    page = PAGES["architecture.md"]
    table = {}
    for row in re.finditer(r"^\| (\d+) \| ([^|]+) \|", page, flags=re.M):
        for module in re.findall(r"`([\w.]+)`", row.group(2)):
            table[module] = int(row.group(1))
    assert table == LAYERS


def test_the_readme_is_short_and_keeps_the_quick_start():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= README_MAX_LINES
    assert "bash scripts/setup.sh && pbdocs screen examples/charters --out report.html --fail-on none" in text
    assert "bash scripts/setup.sh test && python3 -m pytest -n 2" in text
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/setup.sh test && python3 -m pytest -n 2" in ci


def test_the_manual_builds_strictly(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir",
                           str(tmp_path / "site")], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "commands" / "check" / "index.html").is_file()


def _readme_transcript(command: str) -> list[str]:
    """The output lines the README shows under ``$ <command>``, less those it shortens with …"""
    block = re.search(rf"^\$ {re.escape(command)}\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    assert block, f"the README shows no `$ {command}`"
    return [line for line in block.group(1).splitlines() if "…" not in line]


def test_the_readme_shows_what_check_prints(monkeypatch):
    from click.testing import CliRunner

    monkeypatch.chdir(REPO)
    command = "pbdocs check examples/charters/青松公益基金会章程.txt"
    printed = CliRunner().invoke(cli, command.split()[1:]).output.splitlines()
    shown = _readme_transcript(command)
    assert len(shown) >= 4
    assert [line for line in shown if line not in printed] == []


def test_the_quick_start_prints_the_summary_the_readme_promises(monkeypatch, tmp_path):
    from click.testing import CliRunner

    monkeypatch.chdir(REPO)
    promised = re.search(r"The first command prints `([^`]+)`", README.read_text(encoding="utf-8")).group(1)
    done = CliRunner().invoke(cli, ["screen", "examples/charters", "--out", str(tmp_path / "report.html"),
                                    "--fail-on", "none", "--workers", "1"])
    assert done.exit_code == 0, done.output
    assert promised in done.stderr
    assert (tmp_path / "report.html").is_file()
