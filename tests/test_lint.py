"""The code gates, run with the suite so that `.ci/run` (the README's test command) enforces them.

ruff and mypy come with the `test` extra and are configured in pyproject.toml; they run on the whole
tree, not on a list of files that would silently miss new ones.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "pbdocs"
MAX_FUNCTION_LINES = 80
# Only the shell reads the environment; everything below it is handed paths and options.
# pbdocs/shell.py resolves locations for both cli.py and the web module: it is shell code too.
SHELL = [PACKAGE / "cli.py", PACKAGE / "shell.py", PACKAGE / "web"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def _package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_ruff_check_passes():
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_on_the_package():
    result = _run("mypy", "pbdocs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_function_in_the_package_is_over_80_lines():
    too_long = []
    for module in _package_modules():
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{module.relative_to(REPO)}:{node.lineno} {node.name} ({length} lines)")
    assert not too_long, "\n".join(too_long)


def test_only_the_shell_reads_the_environment():
    reads = re.compile(r"\bos\.(?:environ|getenv)\b|\bfrom os import\b[^\n]*\b(?:environ|getenv)\b")
    offenders = [
        f"{module.relative_to(REPO)}:{text.count(chr(10), 0, match.start()) + 1}"
        for module in _package_modules()
        if not any(module == shell or shell in module.parents for shell in SHELL)
        for text in [module.read_text(encoding="utf-8")]
        for match in reads.finditer(text)
    ]
    assert not offenders, "\n".join(offenders)
